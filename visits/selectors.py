from django.conf import settings
from django.db import models
from django.db.models import Q, QuerySet

from cases.models import OPEN_STATUSES, Case
from cases.selectors import cases_visible_to
from hub.models import Enterprise, Referent, User
from hub.permissions import scope
from hub.selectors import enterprises_visible_to, in_region
from visits.models import Visit


def visits_visible_to(*, user: User) -> QuerySet[Visit]:
    """SME users read no visit: its notes are the referent's working record."""
    return scope(Visit.objects.select_related("enterprise", "referent"), user=user)


def field_enterprises(*, user: User) -> tuple[QuerySet[Enterprise], bool]:
    """The enterprises a referent may keep offline, best first, and whether the hub has others: those of
    their open cases, then of their visits, then of the regions they cover (with the regions carved from
    them; the whole hub for a referent who covers no region), the newest registered first within each. The
    others are found online: the picker then asks the API. An anonymised enterprise takes no visit, so it is
    left out."""
    enterprises = enterprises_visible_to(user=user).filter(anonymised_at__isnull=True)
    open_cases = Case.objects.filter(assigned_to=user, status__in=OPEN_STATUSES).values("enterprise_id")
    visited = Visit.objects.filter(referent=user).values("enterprise_id")
    regions = Referent.regions.through.objects.filter(referent__user=user).values_list("administrativeunit", flat=True)
    covered = Q()
    for code in regions:
        covered |= in_region(code)
    if covered:
        enterprises = enterprises.filter(covered | Q(pk__in=open_cases) | Q(pk__in=visited))
    rank = models.Case(models.When(pk__in=open_cases, then=0), models.When(pk__in=visited, then=1), default=2)
    return enterprises.annotate(rank=rank).order_by("rank", "-pk"), bool(covered)


def field_directory(*, user: User) -> dict:
    """The compact copy of the directory that the mobile app keeps for offline use: the first
    `settings.FIELD_DIRECTORY_SIZE` of `field_enterprises` in the order of their ids as [gap from the
    previous id, name, index in `places`] (the commune, or the region without one), and the open cases
    assigned to `user` as [id, enterprise id, reference, title]. The cap and the gaps and place indexes keep
    the copy within the visit form's budget whatever the size of the hub; `partial` says the hub has more
    enterprises than the copy. Three queries."""
    ranked, partial = field_enterprises(user=user)
    limit = settings.FIELD_DIRECTORY_SIZE
    kept = list(ranked.values_list("pk", "name", "commune", "region__name")[: limit + 1])
    partial = partial or len(kept) > limit
    cases = (
        cases_visible_to(user=user)
        .filter(assigned_to=user, status__in=OPEN_STATUSES)
        .order_by("enterprise_id", "reference")
        .values_list("pk", "enterprise_id", "reference", "title")
    )
    places: dict[str, int] = {}
    rows, previous = [], 0
    for pk, name, commune, region in sorted(kept[:limit]):
        rows.append([pk - previous, name, places.setdefault(commune or region, len(places))])
        previous = pk
    return {"places": list(places), "enterprises": rows, "cases": [list(row) for row in cases], "partial": partial}
