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
    """The enterprises a referent keeps offline, and whether the hub has others: those of the regions they
    cover (with the regions carved from them), of their open cases and of their visits. A referent who
    covers no region keeps the whole hub. The others are found online: the picker then asks the API."""
    enterprises = enterprises_visible_to(user=user)
    regions = Referent.regions.through.objects.filter(referent__user=user).values_list("administrativeunit", flat=True)
    kept = Q()
    for code in regions:
        kept |= in_region(code)
    if not kept:
        return enterprises, False
    kept |= Q(pk__in=Case.objects.filter(assigned_to=user, status__in=OPEN_STATUSES).values("enterprise_id"))
    kept |= Q(pk__in=Visit.objects.filter(referent=user).values("enterprise_id"))
    return enterprises.filter(kept), True


def field_directory(*, user: User) -> dict:
    """The compact copy of the directory that the mobile app keeps for offline use: `field_enterprises` in
    the order of their ids as [gap from the previous id, name, index in `places`] (the commune, or the
    region without one), and the open cases assigned to `user` as [id, enterprise id, reference, title].
    Gaps and place indexes keep a thousand enterprises near 8 KB compressed; `partial` says the hub has
    more enterprises than the copy. Three queries, whatever the size of the hub."""
    enterprises, partial = field_enterprises(user=user)
    cases = (
        cases_visible_to(user=user)
        .filter(assigned_to=user, status__in=OPEN_STATUSES)
        .order_by("enterprise_id", "reference")
        .values_list("pk", "enterprise_id", "reference", "title")
    )
    places: dict[str, int] = {}
    rows, previous = [], 0
    for pk, name, commune, region in enterprises.order_by("pk").values_list("pk", "name", "commune", "region__name"):
        rows.append([pk - previous, name, places.setdefault(commune or region, len(places))])
        previous = pk
    return {"places": list(places), "enterprises": rows, "cases": [list(row) for row in cases], "partial": partial}
