from django.db.models import Q, QuerySet

from hub.models import Enterprise, Hub, Role, User
from hub.permissions import scope


def enterprises_visible_to(*, user: User) -> QuerySet[Enterprise]:
    return scope(Enterprise.objects.select_related("hub", "region"), user=user, enterprise_field="pk")


def hubs_visible_to(*, user: User) -> QuerySet[Hub]:
    """Hub descriptions hold no personal data: viewers and administrators read every hub."""
    hubs = Hub.objects.prefetch_related("targets").order_by("code")
    if not user.is_authenticated:
        return hubs.none()
    if user.role in (Role.VIEWER, Role.ADMIN):
        return hubs
    return hubs.filter(pk=user.hub_id)


def in_region(code: str, *, prefix: str = "") -> Q:
    """Records in region `code` or in a region carved from it, so that a former ISO region rolls up
    the regions the 2023 reform took from it."""
    return Q(**{f"{prefix}region": code}) | Q(**{f"{prefix}region__carved_from": code})
