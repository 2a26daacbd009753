import sys

from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from hub.backup import BackupError, restore_backup, verify_backup


class Command(BaseCommand):
    help = (
        "Restore an archive written by `backup` into an EMPTY database (a new PostgreSQL database or a new "
        "SQLite file: it creates the tables itself) and the media folder: restore PATH --yes. "
        "restore PATH --check only checks the archive."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="The .tar.gz written by `manage.py backup`.")
        parser.add_argument(
            "--yes", action="store_true", help="Do not ask for confirmation (needed without a terminal)."
        )
        parser.add_argument("--check", action="store_true", help="Only check the archive against its manifest.")
        parser.add_argument("--database", default="default", help="The database alias (default: default).")

    def handle(self, *, path, yes, check, database, **options):
        try:
            if check:
                manifest = verify_backup(path)
                self.stdout.write(
                    f"{path}: a valid backup of {manifest['created_at']} ({manifest['database_vendor']}), "
                    f"{manifest['records']} rows, {len(manifest['media'])} media files."
                )
                return
            if not yes:
                self._confirm(path, database)
            manifest = restore_backup(path, using=database, progress=lambda message: self.stdout.write(message))
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored the backup of {manifest['created_at']}: {sum(manifest['restored_counts'].values())} rows "
                f"in {len(manifest['restored_counts'])} tables, every count as in the manifest; "
                f"{manifest['media_written']} media files written."
            )
        )

    def _confirm(self, path, database):
        if not sys.stdin.isatty():
            raise CommandError("restore asks for confirmation: add --yes to run it without a terminal.")
        settings = connections[database].settings_dict
        answer = input(
            f"Restore {path} into the database {settings['NAME']} ({connections[database].vendor})? "
            "It must be empty. Type 'yes' to go on: "
        )
        if answer.strip().lower() != "yes":
            raise CommandError("Restore cancelled.")
