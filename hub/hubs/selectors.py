"""Reads of the hubs pages."""

from django.db.models import Count, Q, QuerySet

from hub.models import Hub, Role, User
from hub.permissions import Action, can, scope


def hubs_opened() -> QuerySet[Hub]:
    """Every hub with its active managers and referents counted, in code order."""
    active = Q(users__is_active=True)
    return Hub.objects.annotate(
        manager_count=Count("users", filter=active & Q(users__role=Role.MANAGER)),
        referent_count=Count("users", filter=active & Q(users__role=Role.REFERENT)),
    ).order_by("code")


def hubs_managed_by(*, user: User) -> QuerySet[Hub]:
    """The hubs whose settings and calendar `user` keeps (`permissions.manages_hub`), in code order."""
    if not can(user, Action.SET_TARGETS):
        return Hub.objects.none()
    return scope(Hub.objects.order_by("code"), user=user, hub_field="pk")
