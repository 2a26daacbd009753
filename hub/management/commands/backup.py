from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from hub.backup import BackupError, backup_file_name, write_backup


class Command(BaseCommand):
    help = (
        "Write a portable backup of the whole database (history included) and of the media files to one "
        ".tar.gz, while the application keeps running: backup --output /var/backups/hub-iit/. "
        "The nightly procedure (encryption, off-site copy, retention) is docs/deploy/backup.sh; "
        "docs/BACKUP.md tells how to restore."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            required=True,
            help="The archive to write, or a directory to write hub-iit-backup-<UTC date>.tar.gz into.",
        )
        parser.add_argument("--database", default="default", help="The database alias (default: default).")

    def handle(self, *, output, database, **options):
        target = Path(output)
        if target.is_dir() or output.endswith(("/", "\\")):
            if not target.is_dir():
                raise CommandError(f"No such directory: {target}.")
            target = target / backup_file_name()
        if not target.parent.is_dir():
            raise CommandError(f"No such directory: {target.parent}.")
        try:
            manifest = write_backup(target, using=database)
        except BackupError as error:
            raise CommandError(str(error)) from error
        except OSError as error:
            raise CommandError(f"The backup could not be written to {target}: {error}") from error
        size = target.stat().st_size
        self.stdout.write(
            f"{target}: {manifest['records']} rows in {len(manifest['counts'])} tables, "
            f"{len(manifest['media'])} media files, {size / 1e6:.1f} MB, {manifest['seconds']} s."
        )
