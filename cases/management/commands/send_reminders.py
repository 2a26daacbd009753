import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from cases.services import reminders_send
from hub.models import Role


class Command(BaseCommand):
    help = (
        "Send each referent and manager the list of their overdue and due-soon cases, and ask SMEs to rate "
        "the cases resolved a few days ago (once per case). Run it daily from cron."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Print what would be sent; send nothing.")
        parser.add_argument("--today", help="Count from this date (YYYY-MM-DD) instead of today.")

    def handle(self, *, dry_run, today, verbosity, **options):
        try:
            day = datetime.date.fromisoformat(today) if today else timezone.localdate()
        except ValueError as error:
            raise CommandError(f"--today must be a date written YYYY-MM-DD, not {today!r}.") from error
        reminders = reminders_send(today=day, dry_run=dry_run)
        if dry_run or verbosity > 1:
            for digest in reminders.digests:
                self.stdout.write(
                    f"{digest.user.username} ({digest.user.role}): {len(digest.overdue)} overdue "
                    f"{_references(digest.overdue)}, {len(digest.due_soon)} due soon {_references(digest.due_soon)}"
                )
            for request in reminders.rating_requests:
                self.stdout.write(f"{request.enterprise.name}: rate {_references(request.cases)}")
        referents = sum(1 for digest in reminders.digests if digest.user.role == Role.REFERENT)
        self.stdout.write(
            f"{'Dry run, nothing sent. ' if dry_run else ''}{day}: digests to referents: {referents}, "
            f"to managers: {len(reminders.digests) - referents}; satisfaction reminders to enterprises: "
            f"{len(reminders.rating_requests)}, about cases: {sum(len(r.cases) for r in reminders.rating_requests)}."
        )


def _references(cases) -> str:
    return "[" + ", ".join(case.reference for case in cases) + "]"
