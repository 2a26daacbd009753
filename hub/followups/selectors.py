"""Reads of the impact follow-ups: who sees which, what is due for whom, and a follow-up's history."""

import datetime

from django.db.models import Q, QuerySet

from cases.models import Case
from hub.models import FollowUp, Role, User
from hub.permissions import Action, can, scope

DUE_SOON_DAYS = 14
"""How far ahead the referent's home and the reminders look for follow-ups coming due, in calendar days."""


def followups_visible_to(*, user: User) -> QuerySet[FollowUp]:
    """Hub staff who record follow-ups read those of their hub; SME users read none here (their pending
    questionnaires are `followups_pending_for_sme`)."""
    if not can(user, Action.RECORD_FOLLOWUPS):
        return FollowUp.objects.none()
    related = FollowUp.objects.select_related("hub", "enterprise__region", "case", "assigned_to", "collected_by")
    return scope(related, user=user)


def followups_due_for_referent(*, user: User, today: datetime.date) -> QuerySet[FollowUp]:
    """The uncollected follow-ups a referent should collect by `today` + DUE_SOON_DAYS, overdue ones
    included: those put in their charge, and those of the enterprises of their open or resolved cases
    that nobody is in charge of. Earliest due first."""
    mine = Q(assigned_to=user) | Q(
        assigned_to__isnull=True, enterprise__in=Case.objects.filter(assigned_to=user).values("enterprise")
    )
    return (
        followups_visible_to(user=user)
        .filter(mine, collected_on__isnull=True, due_date__lte=today + datetime.timedelta(days=DUE_SOON_DAYS))
        .filter(enterprise__anonymised_at__isnull=True)
        .order_by("due_date", "pk")
    )


def followups_pending_for_sme(*, user: User, today: datetime.date) -> QuerySet[FollowUp]:
    """The follow-ups of an SME user's enterprise that are due (by `today` + DUE_SOON_DAYS) and not
    answered yet: the questionnaires it is asked to fill in."""
    if user.role != Role.SME or not user.enterprise_id or not user.is_active:
        return FollowUp.objects.none()
    return FollowUp.objects.filter(
        enterprise=user.enterprise_id,
        collected_on__isnull=True,
        due_date__lte=today + datetime.timedelta(days=DUE_SOON_DAYS),
    ).order_by("due_date", "pk")


def followup_history(followup: FollowUp) -> QuerySet:
    """Every version of the follow-up, newest first, with who made it."""
    return followup.history.select_related("history_user").order_by("-history_date", "-history_id")
