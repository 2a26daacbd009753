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
    `user`'s hub as [id, name, locality] and the open cases assigned to `user` as
    [id, enterprise id, reference, title]. Two queries, whatever the size of the hub."""
    enterprises = (
        enterprises_visible_to(user=user).order_by("name", "pk").values_list("pk", "name", "commune", "region__name")
    )
    cases = (
        cases_visible_to(user=user)
        .filter(assigned_to=user, status__in=OPEN_STATUSES)
        .order_by("enterprise_id", "reference")
        .values_list("pk", "enterprise_id", "reference", "title")
    )
    return {
        "enterprises": [[pk, name, commune or region] for pk, name, commune, region in enterprises],
        "cases": [list(row) for row in cases],
    }
