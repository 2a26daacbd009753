import json
from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from hub.models import Enterprise, User
from hub.privacy import enterprise_export, enterprise_export_archive


def enterprise_and_actor(enterprise_id: int, username: str | None) -> tuple[Enterprise, User | None]:
    enterprise = Enterprise.objects.filter(pk=enterprise_id).first()
    if enterprise is None:
        raise CommandError(f"No enterprise with the id {enterprise_id}.")
    if username is None:
        return enterprise, None
    by = User.objects.filter(username=username, is_active=True).first()
    if by is None:
        raise CommandError(f"No active user named {username!r}.")
    return enterprise, by


class Command(BaseCommand):
    help = (
        "Export everything the programme holds about one enterprise, on its request: a zip of the JSON and "
        "of its attachments and photos (or the JSON alone with --format json): "
        "export_enterprise 42 --output enterprise-42.zip"
    )

    def add_arguments(self, parser):
        parser.add_argument("enterprise_id", type=int, help="The enterprise's id (in its page's address).")
        parser.add_argument("--output", required=True, help="The file to write.")
        parser.add_argument("--format", choices=["zip", "json"], default="zip")
        parser.add_argument(
            "--by", metavar="USERNAME", help="The manager or administrator who answers the request (recorded)."
        )

    def handle(self, *, enterprise_id, output, format, by, **options):
        enterprise, actor = enterprise_and_actor(enterprise_id, by)
        target = Path(output)
        if not target.parent.is_dir():
            raise CommandError(f"No such directory: {target.parent}.")
        try:
            if format == "json":
                data = enterprise_export(enterprise=enterprise, by=actor)
                target.write_text(json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True), encoding="utf-8")
            else:
                with target.open("wb") as file:
                    data = enterprise_export_archive(enterprise=enterprise, by=actor, target=file)
        except PermissionDenied as error:
            target.unlink(missing_ok=True)
            raise CommandError(f"{by} may not export this enterprise: {error}") from error
        target.chmod(0o600)
        self.stdout.write(
            f"{target}: enterprise {enterprise.pk}, {len(data['users'])} users, {len(data['cases'])} cases, "
            f"{len(data['visits'])} visits, {len(data['followups'])} follow-ups."
        )
