from django.db.models import QuerySet

from hub.models import Enterprise, User
from hub.permissions import scope


def enterprises_visible_to(*, user: User) -> QuerySet[Enterprise]:
    return scope(Enterprise.objects.select_related("hub", "region"), user=user, enterprise_field="pk")
