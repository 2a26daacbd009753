import datetime

from django.db.models import Count, Q, QuerySet

from cases.models import OPEN_STATUSES, Case, CaseNote, CaseStatus
from hub.models import Role, User
from hub.permissions import scope

S = CaseStatus


def cases_visible_to(*, user: User) -> QuerySet[Case]:
    return scope(Case.objects.select_related("enterprise", "assigned_to"), user=user, enterprise_field="enterprise")


def overdue_condition(*, today: datetime.date) -> Q:
    """A case is overdue when the due date of the stage it is in, or its resolution date, has passed."""
    return (
        Q(status=S.NEW, acknowledge_due__lt=today)
        | Q(status=S.QUALIFIED, assign_due__lt=today)
        | Q(status=S.ASSIGNED, first_contact_due__lt=today)
        | Q(status__in=OPEN_STATUSES, resolve_due__lt=today)
    )


def case_counts(*, cases: QuerySet[Case], today: datetime.date) -> dict[str, int]:
    """New, open and overdue counts of `cases` in one query."""
    return cases.aggregate(
        new=Count("pk", filter=Q(status=S.NEW)),
        open=Count("pk", filter=Q(status__in=OPEN_STATUSES)),
        overdue=Count("pk", filter=overdue_condition(today=today)),
    )


def case_notes_visible_to(*, user: User, case: Case) -> QuerySet[CaseNote]:
    """Precondition: `case` is visible to `user`. SME users never read internal notes."""
    notes = case.notes.select_related("author")
    if user.role == Role.SME:
        return notes.filter(visibility=CaseNote.Visibility.SME)
    return notes
