"""Reads of the impact follow-ups: who sees which, who is in charge of which, what is due for whom."""

import datetime
from dataclasses import dataclass, field

from django.db import models
from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from hub.calendar import LocalDays
from hub.followups.questionnaire import QUESTIONNAIRE_KINDS
from hub.models import Enterprise, FollowUp, Role, User
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


ORPHANED = Q(assigned_to__isnull=True) | Q(assigned_to__is_active=False)
"""Follow-ups whose referent in charge is missing or deactivated."""


def in_charge_of(user: User) -> Q:
    """The follow-ups `user` is in charge of: those assigned to them and, when the referent assigned is
    missing or deactivated, those of the cases assigned to them. The phone, the referent's home and the
    daily reminders all read this rule; a follow-up with nobody in charge shows on the managers' list."""
    return Q(assigned_to=user) | (ORPHANED & Q(case__assigned_to=user))


def followups_due_for_referent(*, user: User, today: datetime.date) -> QuerySet[FollowUp]:
    """The uncollected follow-ups a referent is in charge of (`in_charge_of`) due by `today` +
    DUE_SOON_DAYS, overdue ones included, of enterprises not anonymised. Earliest due first."""
    return (
        followups_visible_to(user=user)
        .filter(
            in_charge_of(user), collected_on__isnull=True, due_date__lte=today + datetime.timedelta(days=DUE_SOON_DAYS)
        )
        .filter(enterprise__anonymised_at__isnull=True)
        .order_by("due_date", "pk")
    )


class FollowUpState(models.TextChoices):
    """Where a follow-up stands on a given day, as the managers' list sorts them."""

    OVERDUE = "overdue", _("Overdue")
    DUE = "due", _("Coming due")
    TO_CONFIRM = "to_confirm", _("Self-reported, to confirm")
    COLLECTED = "collected", pgettext_lazy("follow-up state", "Collected")


def in_state(state: str, *, today: datetime.date) -> Q:
    """`due` and `overdue` are the follow-ups not collected yet, due from `today` on or before it;
    `to_confirm` the self-reported answers no referent has checked yet."""
    return {
        FollowUpState.OVERDUE: Q(collected_on__isnull=True, due_date__lt=today),
        FollowUpState.DUE: Q(collected_on__isnull=True, due_date__gte=today),
        FollowUpState.TO_CONFIRM: Q(self_reported=True, confirmed_at__isnull=True),
        FollowUpState.COLLECTED: Q(collected_on__isnull=False),
    }[state]


def followup_counts(*, followups: QuerySet[FollowUp], today: datetime.date) -> dict[str, int]:
    """Of `followups`, how many are overdue, due in the next DUE_SOON_DAYS, and self-reported answers to
    confirm: one query."""
    soon = Q(due_date__lte=today + datetime.timedelta(days=DUE_SOON_DAYS))
    return followups.aggregate(
        overdue=Count("pk", filter=in_state(FollowUpState.OVERDUE, today=today)),
        due_soon=Count("pk", filter=in_state(FollowUpState.DUE, today=today) & soon),
        to_confirm=Count("pk", filter=in_state(FollowUpState.TO_CONFIRM, today=today)),
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


def followup_questionnaires_for_sme(*, user: User, today: datetime.date) -> QuerySet[FollowUp]:
    """The pending follow-ups (`followups_pending_for_sme`) the SME user answers itself through its
    questionnaire link: the 6- and 12-month ones, none of an anonymised enterprise. With their case."""
    return (
        followups_pending_for_sme(user=user, today=today)
        .filter(kind__in=QUESTIONNAIRE_KINDS, enterprise__anonymised_at__isnull=True)
        .select_related("case")
    )


@dataclass
class FollowUpDigest:
    """The uncollected follow-ups a referent is in charge of, overdue ones and those due within
    DUE_SOON_DAYS, each list by due date."""

    user: User
    overdue: list[FollowUp] = field(default_factory=list)
    due_soon: list[FollowUp] = field(default_factory=list)


def followups_due_digests(*, today: LocalDays) -> list[FollowUpDigest]:
    """For each active referent in charge of uncollected follow-ups due by their hub's `today` +
    DUE_SOON_DAYS (overdue ones included), those follow-ups. In charge: as `in_charge_of` says. Anonymised
    enterprises take no follow-up. One query, whatever the number of follow-ups."""
    followups = (
        FollowUp.objects.filter(
            Q(assigned_to__is_active=True) | (ORPHANED & Q(case__assigned_to__is_active=True)),
            today.condition(lambda day, _zone: Q(due_date__lte=day + datetime.timedelta(days=DUE_SOON_DAYS))),
            collected_on__isnull=True,
            enterprise__anonymised_at__isnull=True,
        )
        .select_related("enterprise", "case__assigned_to", "assigned_to")
        .order_by("due_date", "pk")
    )
    digests: dict[int, FollowUpDigest] = {}
    for followup in followups:
        person = followup.assigned_to
        if person is None or not person.is_active:
            person = followup.case.assigned_to
        digest = digests.setdefault(person.pk, FollowUpDigest(user=person))
        (digest.overdue if followup.due_date < today.of(followup.hub_id) else digest.due_soon).append(followup)
    return list(digests.values())


QUESTIONNAIRE_SENT_WITHIN_DAYS = 30
"""A follow-up's questionnaire link goes out from its due date until this many days after it: the
follow-ups planned for long-past resolutions are collected by the referents, not asked about late."""


@dataclass(frozen=True)
class QuestionnaireRequest:
    """An enterprise's follow-ups whose questionnaire link is to be sent, and its active SME users (empty
    when the enterprise has no account: its owner is then asked)."""

    enterprise: Enterprise
    followups: list[FollowUp]
    sme_users: list[User]


def followup_questionnaires_due(*, today: LocalDays) -> list[QuestionnaireRequest]:
    """The 6- and 12-month follow-ups that came due within the last QUESTIONNAIRE_SENT_WITHIN_DAYS days of
    their hub's `today`, not collected and whose link was not sent yet (`reminded_at`), of enterprises not
    anonymised, grouped per enterprise. Two queries."""
    followups = (
        FollowUp.objects.filter(
            today.condition(
                lambda day, _zone: Q(
                    due_date__range=(day - datetime.timedelta(days=QUESTIONNAIRE_SENT_WITHIN_DAYS), day)
                )
            ),
            kind__in=QUESTIONNAIRE_KINDS,
            collected_on__isnull=True,
            reminded_at__isnull=True,
            enterprise__anonymised_at__isnull=True,
        )
        .select_related("enterprise__hub", "case")
        .prefetch_related(
            Prefetch(
                "enterprise__users",
                queryset=User.objects.filter(role=Role.SME, is_active=True),
                to_attr="active_sme_users",
            )
        )
        .order_by("enterprise_id", "due_date", "pk")
    )
    requests: dict[int, QuestionnaireRequest] = {}
    for followup in followups:
        request = requests.setdefault(
            followup.enterprise_id,
            QuestionnaireRequest(
                enterprise=followup.enterprise, followups=[], sme_users=followup.enterprise.active_sme_users
            ),
        )
        request.followups.append(followup)
    return list(requests.values())
