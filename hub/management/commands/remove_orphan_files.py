import datetime

from django.core.management.base import BaseCommand, CommandError

from hub.reports.export_jobs import export_jobs_remove_expired
from hub.uploads import orphan_files

DEFAULT_HOURS = 6


class Command(BaseCommand):
    help = (
        "Remove the media files that no row names (live or in the history), such as the photo a worker killed "
        "between writing it and committing its row leaves behind; files written in the last "
        f"{DEFAULT_HOURS} hours are left alone, as an upload in flight. Expired report exports are deleted first, "
        "with their files. Run it from cron on one server."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="List the files without removing them.")
        parser.add_argument(
            "--older-than",
            type=float,
            default=DEFAULT_HOURS,
            metavar="HOURS",
            help=f"Only files last written more than HOURS ago (default {DEFAULT_HOURS}).",
        )

    def handle(self, *, dry_run, older_than, **options):
        if older_than < 0:
            raise CommandError("--older-than takes a number of hours, 0 or more.")
        expired = export_jobs_remove_expired(dry_run=dry_run)
        if expired:
            self.stdout.write(f"{expired} expired report exports {'would be removed' if dry_run else 'removed'}.")
        count = size = 0
        for storage, name in orphan_files(older_than=datetime.timedelta(hours=older_than)):
            size += storage.size(name)
            count += 1
            if not dry_run:
                storage.delete(name)
            self.stdout.write(name)
        verb = "would be removed" if dry_run else "removed"
        self.stdout.write(f"{count} files that no row names ({size} bytes) {verb}.")
