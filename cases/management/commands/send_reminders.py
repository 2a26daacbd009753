import datetime

from django.core.management.base import BaseCommand, CommandError

from cases.services import reminders_send
from hub.models import Role


class Command(BaseCommand):
    help = (
        "Send each referent and manager the list of their overdue and due-soon cases (with, for referents, the "
        "impact follow-ups to collect), ask SMEs to rate the cases resolved a few days ago (once per case) and "
        "send them the questionnaire of each 6- or 12-month follow-up that came due (once per follow-up). Run "
        "it daily from cron."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Print what would be sent; send nothing.")
        parser.add_argument(
            "--today", help="Count from this date (YYYY-MM-DD) in every hub, instead of each hub's own today."
        )

    def handle(self, *, dry_run, today, verbosity, **options):
        try:
            day = datetime.date.fromisoformat(today) if today else None
        except ValueError as error:
            raise CommandError(f"--today must be a date written YYYY-MM-DD, not {today!r}.") from error
        reminders = reminders_send(today=day, dry_run=dry_run)
        if dry_run or verbosity > 1:
            for digest in reminders.digests:
                self.stdout.write(
                    f"{digest.user.username} ({digest.user.role}): {len(digest.overdue)} overdue "
                    f"{_references(digest.overdue)}, {len(digest.due_soon)} due soon {_references(digest.due_soon)}"
                )
            for digest in reminders.followup_digests:
                self.stdout.write(
                    f"{digest.user.username} ({digest.user.role}): follow-ups {len(digest.overdue)} overdue "
                    f"{_followups(digest.overdue)}, {len(digest.due_soon)} due soon {_followups(digest.due_soon)}"
                )
            for request in reminders.rating_requests:
                self.stdout.write(f"{request.enterprise.name}: rate {_references(request.cases)}")
            for request in reminders.questionnaire_requests:
                self.stdout.write(f"{request.enterprise.name}: questionnaire {_followups(request.followups)}")
        people = {digest.user.pk: digest.user.role for digest in [*reminders.digests, *reminders.followup_digests]}
        referents = sum(1 for role in people.values() if role == Role.REFERENT)
        followups = sum(len(f.overdue) + len(f.due_soon) for f in reminders.followup_digests)
        asked = reminders.questionnaire_requests
        when = day or "each hub's today"
        self.stdout.write(
            f"{'Dry run, nothing sent. ' if dry_run else ''}{when}: digests to referents: {referents}, "
            f"to managers: {len(people) - referents}; satisfaction reminders to enterprises: "
            f"{len(reminders.rating_requests)}, about cases: {sum(len(r.cases) for r in reminders.rating_requests)}; "
            f"follow-ups in the referents' digests: {followups}; questionnaires to enterprises: {len(asked)}, "
            f"about follow-ups: {sum(len(r.followups) for r in asked)}."
        )


def _references(cases) -> str:
    return "[" + ", ".join(case.reference for case in cases) + "]"


def _followups(followups) -> str:
    """Each follow-up as its kind and its case's reference, or its enterprise for a baseline."""
    return "[" + ", ".join(f"{f.kind} {f.case.reference if f.case else f.enterprise.name}" for f in followups) + "]"
