from django.db.models import QuerySet

from hub.models import Hub, ImportBatch, Role, User
from hub.permissions import Action, can, scope


def import_hubs(*, user: User) -> QuerySet[Hub]:
    """The hubs `user` may import into: a manager's own, every hub for an administrator."""
    if not can(user, Action.IMPORT_RECORDS):
        return Hub.objects.none()
    hubs = Hub.objects.order_by("code")
    return hubs if user.role == Role.ADMIN else hubs.filter(pk=user.hub_id)


def batches_visible_to(*, user: User) -> QuerySet[ImportBatch]:
    if not can(user, Action.IMPORT_RECORDS):
        return ImportBatch.objects.none()
    batches = ImportBatch.objects.select_related("hub", "uploaded_by", "imported_by")
    return scope(batches, user=user)
