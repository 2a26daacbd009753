from django.db.models import QuerySet

from hub.models import User
from hub.permissions import scope
from visits.models import Visit


def visits_visible_to(*, user: User) -> QuerySet[Visit]:
    """SME users read no visit: its notes are the referent's working record."""
    return scope(Visit.objects.select_related("enterprise", "referent"), user=user)
