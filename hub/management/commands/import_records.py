from pathlib import Path

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.core.files import File
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from hub.imports.resources import RESOURCES
from hub.imports.services import records_import
from hub.models import Hub, ImportBatch, Role, User


def _importer(hub: Hub, username: str) -> User:
    """The person named by --as, or the hub's only active manager."""
    if username:
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(_("No user is called %(name)s.") % {"name": username})
        return user
    managers = list(User.objects.filter(role=Role.MANAGER, hub=hub, is_active=True)[:2])
    if len(managers) != 1:
        raise CommandError(_("Say who imports with --as USERNAME: a manager of the hub or an administrator."))
    return managers[0]


def _described(error: ValidationError) -> str:
    if not hasattr(error, "error_dict"):
        return " ".join(error.messages)
    return " ".join(
        message if field in (NON_FIELD_ERRORS, "file") else f"--{field.replace('_', '-')} : {message}"
        for field, messages in error.message_dict.items()
        for message in messages
    )


class Command(BaseCommand):
    help = (
        "Check or import a spreadsheet (XLSX or CSV, the headers of the template of /manage/imports/) of a hub's "
        "enterprises, past cases or past visits: import_records --hub ML --kind enterprises FILE [--dry-run] "
        "[--as USERNAME] [--on-duplicate skip|update|create]. All or nothing: a refused line stores nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="An XLSX or CSV file.")
        parser.add_argument("--hub", required=True, help="The hub's code, e.g. ML.")
        parser.add_argument("--kind", required=True, choices=ImportBatch.Kind.values)
        parser.add_argument("--dry-run", action="store_true", help="Check the file and store nothing.")
        parser.add_argument(
            "--as", dest="username", default="", help="Who imports; the hub's manager when it has only one."
        )
        parser.add_argument(
            "--on-duplicate",
            choices=ImportBatch.Decision.values,
            default=ImportBatch.Decision.SKIP,
            help="What becomes of a line matching a stored record (update: enterprises only).",
        )

    def handle(self, *, file, hub, kind, dry_run, username, on_duplicate, **options):
        with translation.override(settings.LANGUAGE_CODE):
            found = Hub.objects.filter(code=hub).first()
            if found is None:
                raise CommandError(_("No hub has the code %(code)s.") % {"code": hub})
            path = Path(file)
            if not path.is_file():
                raise CommandError(_("No file at %(path)s.") % {"path": file})
            by = _importer(found, username)
            with path.open("rb") as opened:
                try:
                    run, batch = records_import(
                        hub=found,
                        kind=kind,
                        upload=File(opened, name=path.name),
                        by=by,
                        on_duplicate=on_duplicate,
                        dry_run=dry_run,
                    )
                except ValidationError as error:
                    raise CommandError(_described(error)) from error
                except PermissionDenied as error:
                    raise CommandError(str(error)) from error
            self._report(run, kind=kind)
            counts = run.counts
            figures = {
                "created": counts["create"],
                "updated": counts["update"],
                "skipped": counts["skip"],
                "refused": counts["refuse"],
            }
            if run.refused:
                raise CommandError(
                    _("Nothing was imported: lines are refused (%(refused)d); correct them and run it again.") % figures
                )
            checked = _("Checked, nothing stored: %(created)d to create, %(updated)d to update, %(skipped)d to skip.")
            imported = _("Imported: %(created)d created, %(updated)d updated, %(skipped)d skipped.")
            self.stdout.write(self.style.SUCCESS((checked if dry_run else imported) % figures))
            if batch is not None:
                self.stdout.write(_("Listed on /manage/imports/%(id)d/.") % {"id": batch.pk})

    def _report(self, run, *, kind: str) -> None:
        columns = RESOURCES[kind].columns()
        for line in run.lines:
            for column, message in line.errors:
                where = f"{columns[column].label} : " if column in columns else ""
                self.stderr.write(_("Line %(line)d: %(message)s") % {"line": line.number, "message": where + message})
            if line.duplicate is not None and not line.errors:
                matched = (
                    _("line %(line)d of this file") % {"line": line.duplicate.line}
                    if line.duplicate.line
                    else line.duplicate.label
                )
                self.stdout.write(
                    _("Line %(line)d matches %(record)s: %(decision)s.")
                    % {
                        "line": line.number,
                        "record": matched,
                        "decision": ImportBatch.Decision(line.decision).label,
                    }
                )
