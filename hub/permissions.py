"""What each role may see and do. Every page, API endpoint and report asks this module; nothing else
decides access.

Scopes: administrators see every hub; managers and referents see their own hub; SME users see their
own enterprise; regional viewers see aggregated reports only, never a personal record.
"""

from enum import StrEnum
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from hub.models import Role, TechnologySheet, User


class Action(StrEnum):
    VIEW_DIRECTORY = "view_directory"
    MANAGE_DIRECTORY = "manage_directory"
    SUBMIT_CASE = "submit_case"
    TRIAGE_CASES = "triage_cases"
    ASSIGN_CASES = "assign_cases"
    WORK_ON_CASES = "work_on_cases"
    WRITE_INTERNAL_NOTES = "write_internal_notes"
    RATE_CASES = "rate_cases"
    LOG_VISITS = "log_visits"
    VIEW_VISITS = "view_visits"
    RECORD_FOLLOWUPS = "record_followups"
    MANAGE_REFERENTS = "manage_referents"
    SET_TARGETS = "set_targets"
    VIEW_HUB_REPORTS = "view_hub_reports"
    VIEW_REGIONAL_REPORTS = "view_regional_reports"
    VIEW_HISTORY = "view_history"
    READ_LIBRARY = "read_library"
    WRITE_LIBRARY = "write_library"
    SHARE_LIBRARY = "share_library"
    MANAGE_VIEWERS = "manage_viewers"
    OPEN_HUBS = "open_hubs"
    IMPORT_RECORDS = "import_records"
    READ_INBOX = "read_inbox"
    FOLLOW_MESSAGES = "follow_messages"


A = Action
CAPABILITIES: dict[str, frozenset[Action]] = {
    Role.SME: frozenset({A.SUBMIT_CASE, A.RATE_CASES, A.READ_LIBRARY}),
    Role.REFERENT: frozenset(
        {
            A.VIEW_DIRECTORY,
            A.SUBMIT_CASE,
            A.WORK_ON_CASES,
            A.WRITE_INTERNAL_NOTES,
            A.LOG_VISITS,
            A.VIEW_VISITS,
            A.RECORD_FOLLOWUPS,
            A.READ_LIBRARY,
            A.WRITE_LIBRARY,
            A.SHARE_LIBRARY,
        }
    ),
    Role.MANAGER: frozenset(
        {
            A.VIEW_DIRECTORY,
            A.MANAGE_DIRECTORY,
            A.SUBMIT_CASE,
            A.TRIAGE_CASES,
            A.ASSIGN_CASES,
            A.WORK_ON_CASES,
            A.WRITE_INTERNAL_NOTES,
            A.VIEW_VISITS,
            A.RECORD_FOLLOWUPS,
            A.MANAGE_REFERENTS,
            A.SET_TARGETS,
            A.VIEW_HUB_REPORTS,
            A.VIEW_HISTORY,
            A.READ_LIBRARY,
            A.WRITE_LIBRARY,
            A.SHARE_LIBRARY,
            A.IMPORT_RECORDS,
            A.FOLLOW_MESSAGES,
            A.READ_INBOX,
        }
    ),
    Role.VIEWER: frozenset({A.VIEW_REGIONAL_REPORTS}),
    Role.ADMIN: frozenset(A) - {A.LOG_VISITS, A.RATE_CASES},
}
"""What each role may do: the pages (`require`), the API (`api.permissions.Allows`) and the services (`can`)
all ask this table, so a route never lets through what its service refuses. Administrators run every hub
but neither log visits (a referent's record of the site) nor rate cases (the enterprise's own judgement).
MANAGE_REFERENTS is managing a hub's staff, its referents and managers (`hub.staff`); only administrators
open hubs and give regional viewers their accounts. IMPORT_RECORDS brings a hub's spreadsheets of enterprises,
past cases and past visits in (`hub.imports`). FOLLOW_MESSAGES is the hub's log of the messages sent and
the sending again of those that failed (`hub.messaging`). READ_INBOX is reading the text messages the hub received
and marking read those left to a person (`hub.messaging.inbox_views`); administrators read every hub's and those
from unknown numbers.
The Django admin is entered with the user's staff flag, not through this table."""


def can(user: User, action: Action) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    return action in CAPABILITIES.get(user.role, frozenset())


def scope(queryset: QuerySet, *, user: User, hub_field: str = "hub", enterprise_field: str | None = None) -> QuerySet:
    """Narrow `queryset` to the rows `user` may read as records (not aggregates).

    `hub_field` and `enterprise_field` are lookups to the record's hub and enterprise ("pk" for the
    enterprise itself); models without an `enterprise_field` are not readable by SME users at all.
    """
    if not user.is_authenticated or not user.is_active:
        return queryset.none()
    if user.role == Role.ADMIN:
        return queryset
    if user.role in (Role.MANAGER, Role.REFERENT) and user.hub_id:
        return queryset.filter(**{hub_field: user.hub_id})
    if user.role == Role.SME and enterprise_field and user.enterprise_id:
        return queryset.filter(**{enterprise_field: user.enterprise_id})
    return queryset.none()


def sheets_scope(queryset: QuerySet, *, user: User) -> QuerySet:
    """Hub staff read every sheet of their hub, drafts included; SME users the published sheets of their
    hub and the sheets shared with them in their cases, archived ones included; others none."""
    if not can(user, A.READ_LIBRARY):
        return queryset.none()
    if user.role == Role.SME:
        published = Q(hub=user.hub_id, status=TechnologySheet.Status.PUBLISHED)
        return queryset.filter(published | Q(caseshares__case__enterprise=user.enterprise_id)).distinct()
    return scope(queryset, user=user)


def works_in_hub(user: User, hub_id: int | None) -> bool:
    """Staff work in their own hub, administrators in every hub; what they may do there is `can`'s. What
    belongs to no hub (a message to an unknown number) is the administrators' only."""
    return user.role == Role.ADMIN or (hub_id is not None and user.hub_id == hub_id)


def manages_hub(user: User, hub) -> bool:
    """Its managers keep a hub's settings, service standards, targets and public holidays; administrators
    every hub's."""
    return can(user, A.SET_TARGETS) and works_in_hub(user, hub.pk)


def hubs_readable_in_reports(user: User) -> Q:
    """Hubs whose aggregated figures `user` may read: a regional viewer's `report_hubs`, every hub when it
    has none. A condition on Hub rows with its subqueries, so that asking it costs no query of its own."""
    if can(user, A.VIEW_REGIONAL_REPORTS):
        if user.role != Role.VIEWER:
            return Q()
        in_scope = User.report_hubs.through.objects.filter(user_id=user.pk)
        return Q(Exists(in_scope.filter(hub_id=OuterRef("pk")))) | ~Q(Exists(in_scope))
    if can(user, A.VIEW_HUB_REPORTS) and user.hub_id:
        return Q(pk=user.hub_id)
    return Q(pk__in=[])


def reads_reports(user: User) -> bool:
    """Managers read their hub's reports; regional viewers and administrators every hub's."""
    return can(user, A.VIEW_HUB_REPORTS) or can(user, A.VIEW_REGIONAL_REPORTS)


def reads_personal_data_in_reports(user: User) -> bool:
    """Hub staff read report figures per referent and per enterprise; regional viewers read aggregates
    only."""
    return can(user, A.VIEW_HUB_REPORTS)


def access(queryset: QuerySet, **lookup):
    """Return the one object of an already scoped queryset, or raise the same 404 whether it does
    not exist or is not the user's, so that ids cannot be probed."""
    obj = queryset.filter(**lookup).first()
    if obj is None:
        raise Http404(_("No such record."))
    return obj


def require(action: Action):
    """View decorator: signs in anonymous visitors, answers 403 to users whose role lacks `action`."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(request, *args, **kwargs):
            if not can(request.user, action):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
