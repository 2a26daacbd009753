from django.core.management.base import BaseCommand, CommandError

from hub.models import Role, User
from visits.weight import BUDGET_BYTES, PAGE_COPIES, first_load_weight


class Command(BaseCommand):
    help = (
        "Print the bytes a phone downloads on its first load of the visit form and of the follow-up form, "
        "compressed, against the budget."
    )

    def add_arguments(self, parser):
        parser.add_argument("--referent", help="User name of the referent to measure as; the first referent otherwise.")

    def handle(self, *, referent, **options):
        referents = User.objects.filter(role=Role.REFERENT, is_active=True).order_by("pk")
        user = referents.filter(username=referent).first() if referent else referents.first()
        if user is None:
            raise CommandError("No active referent to measure as: load the demo data or name one with --referent.")
        for page in PAGE_COPIES:
            self._print(first_load_weight(user=user, page=page))

    def _print(self, resources):
        width = max(len(resource.url) for resource in resources)
        self.stdout.write(f"{'resource':<{width}}  {'bytes':>8}  {'compressed':>10}")
        for resource in resources:
            self.stdout.write(f"{resource.url:<{width}}  {resource.raw_bytes:>8}  {resource.compressed_bytes:>10}")
        total = sum(resource.compressed_bytes for resource in resources)
        self.stdout.write(f"{'total':<{width}}  {sum(r.raw_bytes for r in resources):>8}  {total:>10}")
        self.stdout.write(f"budget {BUDGET_BYTES} bytes compressed: {'within' if total <= BUDGET_BYTES else 'OVER'}\n")
