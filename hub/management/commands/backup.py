from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from hub.backup import BackupError, backup_file_name, prune_backups, write_backup


class Command(BaseCommand):
    help = (
        "Write a portable backup of the whole database (history included) and of the media files to one "
        ".tar.gz, while the application keeps running: backup --output /var/backups/hub-iit/ --keep 14. "
        "docs/BACKUP.md tells how to restore it."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            required=True,
            help="The archive to write, or a directory to write hub-iit-backup-<UTC date>.tar.gz into.",
        )
        parser.add_argument(
            "--keep",
            type=int,
            help="With a directory as --output: keep only this many newest backups there, delete the older.",
        )
        parser.add_argument("--database", default="default", help="The database alias (default: default).")

    def handle(self, *, output, keep, database, **options):
        target = Path(output)
        if target.is_dir() or output.endswith(("/", "\\")):
            if not target.is_dir():
                raise CommandError(f"No such directory: {target}.")
            target = target / backup_file_name()
        elif keep is not None:
            raise CommandError("--keep needs a directory as --output.")
        if not target.parent.is_dir():
            raise CommandError(f"No such directory: {target.parent}.")
        if keep is not None and keep < 1:
            raise CommandError("--keep is at least 1.")
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
        if keep is not None:
            for old in prune_backups(target.parent, keep=keep):
                self.stdout.write(f"Deleted the older backup {old}.")
