"""Reads of the staff pages: the people a user manages, and a person's history."""

from django.db.models import Count, Q, QuerySet

from cases.models import OPEN_STATUSES
from hub.models import FollowUp, Hub, Role, User, related_or_none
from hub.permissions import Action, can, scope
from hub.selectors import Change, record_changes
from hub.staff.services import STAFF_ROLES


def staff_visible_to(*, user: User) -> QuerySet[User]:
    """The referents and managers `user` manages (their hub's; administrators every hub's) and, for
    administrators, the regional viewers; each with `open_case_count`, the open cases assigned to them."""
    roles = [*STAFF_ROLES] if can(user, Action.MANAGE_REFERENTS) else []
    if can(user, Action.MANAGE_VIEWERS):
        roles.append(Role.VIEWER)
    people = scope(User.objects.filter(role__in=roles), user=user)
    open_cases = Count("assigned_cases", filter=Q(assigned_cases__status__in=OPEN_STATUSES))
    return (
        people.select_related("hub", "referent")
        .prefetch_related("report_hubs")
        .annotate(open_case_count=open_cases)
        .order_by("hub__code", "role", "last_name", "first_name", "pk")
    )


def staff_hubs(*, user: User) -> QuerySet[Hub]:
    """The hubs whose staff `user` manages: every hub for administrators, their own for managers."""
    hubs = Hub.objects.order_by("code")
    if user.role == Role.ADMIN:
        return hubs
    return hubs.filter(pk=user.hub_id) if can(user, Action.MANAGE_REFERENTS) else hubs.none()


def person_changes(*, person: User) -> list[Change]:
    """Who created and changed the person's account and, for a referent, their profile; latest first."""
    changes = record_changes(record=person)
    profile = related_or_none(person, "referent")
    if profile is not None:
        changes += record_changes(record=profile)[:-1]
    return sorted(changes, key=lambda change: change.at, reverse=True)


def followups_in_charge(person: User) -> int:
    """The impact follow-ups not collected yet that `person` is still in charge of: after a deactivation, the
    manager hands them to another referent from the follow-up list."""
    return FollowUp.objects.filter(assigned_to=person, collected_on__isnull=True).count()
