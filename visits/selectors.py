from django.db.models import QuerySet

from cases.models import OPEN_STATUSES
from cases.selectors import cases_visible_to
from hub.models import User
from hub.permissions import scope
from hub.selectors import enterprises_visible_to
from visits.models import Visit


def visits_visible_to(*, user: User) -> QuerySet[Visit]:
    """SME users read no visit: its notes are the referent's working record."""
    return scope(Visit.objects.select_related("enterprise", "referent"), user=user)


def field_directory(*, user: User) -> dict:
    """The compact copy of the directory that the mobile app keeps for offline use: the enterprises of
    `user`'s hub in the order of their ids as [gap from the previous id, name, index in `places`] (the
    commune, or the region without one), and the open cases assigned to `user` as
    [id, enterprise id, reference, title]. Gaps and place indexes keep a hub of a thousand enterprises
    near 8 KB compressed. Two queries, whatever the size of the hub."""
    enterprises = enterprises_visible_to(user=user).order_by("pk").values_list("pk", "name", "commune", "region__name")
    cases = (
        cases_visible_to(user=user)
        .filter(assigned_to=user, status__in=OPEN_STATUSES)
        .order_by("enterprise_id", "reference")
        .values_list("pk", "enterprise_id", "reference", "title")
    )
    places: dict[str, int] = {}
    rows, previous = [], 0
    for pk, name, commune, region in enterprises:
        rows.append([pk - previous, name, places.setdefault(commune or region, len(places))])
        previous = pk
    return {"places": list(places), "enterprises": rows, "cases": [list(row) for row in cases]}
