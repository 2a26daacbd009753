from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from hub.management.commands.export_enterprise import enterprise_and_actor
from hub.privacy import enterprise_anonymise


class Command(BaseCommand):
    help = (
        "Anonymise one enterprise for good, on its request: names, phone numbers, e-mails, registration "
        "numbers, address, GPS and free text removed from its records and their history, files deleted, "
        "its SME users deactivated; the report figures stay the same. anonymise_enterprise 42 --yes"
    )

    def add_arguments(self, parser):
        parser.add_argument("enterprise_id", type=int, help="The enterprise's id (in its page's address).")
        parser.add_argument("--yes", action="store_true", help="Confirm: this cannot be undone.")
        parser.add_argument(
            "--by", metavar="USERNAME", help="The manager or administrator who answers the request (recorded)."
        )

    def handle(self, *, enterprise_id, yes, by, **options):
        enterprise, actor = enterprise_and_actor(enterprise_id, by)
        if not yes:
            raise CommandError(
                f"Anonymising {enterprise.name} (id {enterprise.pk}) cannot be undone: add --yes to go on. "
                "Export it first if the enterprise asked for its data (export_enterprise)."
            )
        try:
            enterprise = enterprise_anonymise(enterprise=enterprise, by=actor)
        except PermissionDenied as error:
            raise CommandError(f"{by} may not anonymise this enterprise: {error}") from error
        self.stdout.write(f"Enterprise {enterprise.pk} anonymised: it is now {enterprise.name!r}.")
