from django.conf import settings
from django.db.models import Max, Q, QuerySet
from django.utils import timezone

from cases.models import OPEN_STATUSES, Case
from cases.selectors import cases_visible_to
from hub.followups.selectors import followups_due_for_referent
from hub.models import Enterprise, Referent, User
from hub.permissions import scope
from hub.selectors import enterprises_visible_to, in_region
from visits.models import Visit

FIELD_FOLLOWUPS = 50
"""How many follow-ups due the referent's home lists and the phone keeps, the earliest due first."""


def visits_visible_to(*, user: User) -> QuerySet[Visit]:
    """SME users read no visit: its notes are the referent's working record."""
    return scope(Visit.objects.select_related("enterprise", "referent"), user=user)


def field_enterprises(*, user: User, limit: int) -> tuple[list[int], bool]:
    """The ids of at most `limit` enterprises a referent keeps offline, best first, and whether the hub has
    others: those of their open cases, then of their visits (the latest visited first), then the newest
    registered of the regions they cover (with the regions carved from them; of the whole hub for a referent
    who covers no region). Each part is a query of its own, bounded by `limit`, so that the cost does not
    grow with the hub. The others are found online: the picker then asks the API. An anonymised enterprise
    takes no visit, so it is left out."""
    enterprises = enterprises_visible_to(user=user).filter(anonymised_at__isnull=True).order_by()
    open_cases = Case.objects.filter(assigned_to=user, status__in=OPEN_STATUSES).values("enterprise_id")
    worked = enterprises.filter(pk__in=open_cases).order_by("-pk").values_list("pk", flat=True)[:limit]
    visited = (
        Visit.objects.filter(referent=user, enterprise__in=enterprises)
        .values("enterprise_id")
        .annotate(last=Max("started_at"))
        .order_by("-last")
        .values_list("enterprise_id", flat=True)[:limit]
    )
    regions = Referent.regions.through.objects.filter(referent__user=user).values_list("administrativeunit", flat=True)
    covered = Q()
    for code in regions:
        covered |= in_region(code)
    newest = enterprises.filter(covered).order_by("-pk").values_list("pk", flat=True)[: limit + 1]
    ranked = list(dict.fromkeys([*worked, *visited, *newest]))
    return ranked[:limit], bool(covered) or len(ranked) > limit


def field_directory(*, user: User) -> dict:
    """The compact copy of the directory that the mobile app keeps for offline use: the enterprises of
    `field_enterprises` (at most `settings.FIELD_DIRECTORY_SIZE`) in the order of their ids as [gap from
    the previous id, name, index in `places`] (the commune, or the region without one), and the open cases
    assigned to `user` as [id, enterprise id, reference, title]. The cap and the gaps and place indexes keep
    the copy within the visit form's budget whatever the size of the hub; `partial` says the hub has more
    enterprises than the copy. Six queries."""
    kept, partial = field_enterprises(user=user, limit=settings.FIELD_DIRECTORY_SIZE)
    enterprises = Enterprise.objects.filter(pk__in=kept).order_by("pk")
    cases = (
        cases_visible_to(user=user)
        .filter(assigned_to=user, status__in=OPEN_STATUSES)
        .order_by("enterprise_id", "reference")
        .values_list("pk", "enterprise_id", "reference", "title")
    )
    places: dict[str, int] = {}
    rows, previous = [], 0
    for pk, name, commune, region in enterprises.values_list("pk", "name", "commune", "region__name"):
        rows.append([pk - previous, name, places.setdefault(commune or region, len(places))])
        previous = pk
    return {"places": list(places), "enterprises": rows, "cases": [list(row) for row in cases], "partial": partial}


def field_followups(*, user: User) -> dict:
    """The copy of the impact follow-ups due that the phone keeps beside the directory copy, so that a
    follow-up's form works offline and the visit form offers the enterprise's: those of
    `followups_due_for_referent`, at most FIELD_FOLLOWUPS, as [id, enterprise id, kind, due date, case
    reference, enterprise name]. Kept apart from the directory copy, which the visit form loads first and
    whose budget it would break. One query."""
    followups = followups_due_for_referent(user=user, today=timezone.localdate()).values_list(
        "pk", "enterprise_id", "kind", "due_date", "case__reference", "enterprise__name"
    )[:FIELD_FOLLOWUPS]
    return {
        "followups": [
            [pk, enterprise, kind, day.isoformat(), reference or "", name]
            for pk, enterprise, kind, day, reference, name in followups
        ]
    }
