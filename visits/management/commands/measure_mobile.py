from django.core.management.base import BaseCommand, CommandError

from cases.models import OPEN_STATUSES
from cases.selectors import cases_visible_to
from hub.models import Role, User
from visits.weight import (
    AFTER_LOAD_COPIES,
    BUDGET_BYTES,
    DAY_BUDGET_BYTES,
    PAGE_COPIES,
    first_load_bytes,
    first_load_weight,
)


class Command(BaseCommand):
    help = (
        "Print the bytes a phone downloads on its first load of each mobile page (the visit form, the follow-up "
        "form, /m/, a case's page and its offline shell), compressed, against the budget; what a page asks once "
        "it is usable (the copy of the referent's day) apart; the day's copy against its own budget."
    )

    def add_arguments(self, parser):
        parser.add_argument("--referent", help="User name of the referent to measure as; the first referent otherwise.")

    def handle(self, *, referent, **options):
        referents = User.objects.filter(role=Role.REFERENT, is_active=True).order_by("pk")
        user = referents.filter(username=referent).first() if referent else referents.first()
        if user is None:
            raise CommandError("No active referent to measure as: load the demo data or name one with --referent.")
        case = cases_visible_to(user=user).filter(assigned_to=user, status__in=OPEN_STATUSES).order_by("pk").first()
        day = None
        for page in PAGE_COPIES:
            if page == "visits:case" and case is None:
                self.stdout.write(f"{page}: {user.username} has no open case to measure a case's page with.\n")
                continue
            resources = first_load_weight(user=user, page=page, pk=case.pk if page == "visits:case" else None)
            self._print(resources)
            if page in AFTER_LOAD_COPIES:
                day = next(resource for resource in resources if resource.after_load)
        if day is not None:
            verdict = "within" if day.raw_bytes <= DAY_BUDGET_BYTES else "OVER"
            self.stdout.write(
                f"copy of the day {day.url}: {day.raw_bytes} bytes of JSON ({day.compressed_bytes} compressed), "
                f"budget {DAY_BUDGET_BYTES} bytes: {verdict}"
            )

    def _print(self, resources):
        width = max(len(resource.url) for resource in resources)
        self.stdout.write(f"{'resource':<{width}}  {'bytes':>8}  {'compressed':>10}")
        first = [resource for resource in resources if not resource.after_load]
        for resource in first:
            self.stdout.write(f"{resource.url:<{width}}  {resource.raw_bytes:>8}  {resource.compressed_bytes:>10}")
        total = first_load_bytes(resources)
        self.stdout.write(f"{'total':<{width}}  {sum(r.raw_bytes for r in first):>8}  {total:>10}")
        self.stdout.write(f"budget {BUDGET_BYTES} bytes compressed: {'within' if total <= BUDGET_BYTES else 'OVER'}")
        for resource in resources:
            if resource.after_load:
                self.stdout.write(
                    f"after the first load: {resource.url}  {resource.raw_bytes} bytes, "
                    f"{resource.compressed_bytes} compressed"
                )
        self.stdout.write("")
