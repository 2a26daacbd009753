import datetime
from dataclasses import dataclass

from django.db import models
from django.db.models import Count, IntegerField, Max, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from cases.models import OPEN_STATUSES, Case
from cases.selectors import cases_visible_to, overdue_condition
from hub.models import AdministrativeUnit, Enterprise, FollowUp, Hub, Referent, Role, User
from hub.permissions import hubs_readable_in_reports, scope
from visits.models import Visit


def enterprises_visible_to(*, user: User) -> QuerySet[Enterprise]:
    return scope(Enterprise.objects.select_related("hub", "region"), user=user, enterprise_field="pk")


def hubs_visible_to(*, user: User) -> QuerySet[Hub]:
    """Hub descriptions hold no personal data: administrators read every hub, regional viewers the hubs of
    their scope (`hubs_readable_in_reports`), others their own."""
    hubs = Hub.objects.prefetch_related("targets").order_by("code")
    if not user.is_authenticated:
        return hubs.none()
    if user.role == Role.ADMIN:
        return hubs
    if user.role == Role.VIEWER:
        return hubs.filter(hubs_readable_in_reports(user))
    return hubs.filter(pk=user.hub_id)


def in_region(code: str, *, prefix: str = "") -> Q:
    """Records in region `code` or in a region carved from it, so that a former ISO region rolls up
    the regions the 2023 reform took from it."""
    return Q(**{f"{prefix}region": code}) | Q(**{f"{prefix}region__carved_from": code})


def count_per_row(queryset: QuerySet, *, key: str, outer: str = "pk") -> Coalesce:
    """How many rows of `queryset` have `key` equal to the outer row's `outer` field, as a correlated
    subquery: computed only for the rows shown, and no join that would multiply other counts."""
    counted = queryset.filter(**{key: OuterRef(outer)}).order_by().values(key).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def enterprise_directory(*, user: User) -> QuerySet[Enterprise]:
    """The enterprises `user` may read, each with its open cases and its last visit's start."""
    last_visit = Visit.objects.filter(enterprise=OuterRef("pk")).order_by().values("enterprise")
    return enterprises_visible_to(user=user).annotate(
        open_cases=count_per_row(Case.objects.filter(status__in=OPEN_STATUSES), key="enterprise"),
        last_visit_at=Subquery(last_visit.annotate(last=Max("started_at")).values("last")),
    )


def referents_visible_to(*, user: User) -> QuerySet[User]:
    """Referent users of the hubs `user` may read, with their profile and the regions it covers."""
    referents = User.objects.filter(role=Role.REFERENT).select_related("hub", "referent")
    return scope(referents.prefetch_related("referent__regions"), user=user)


def referent_profiles_visible_to(*, user: User) -> QuerySet[Referent]:
    """Referent profiles of the hubs `user` may read, each with its open cases (counted for the rows shown
    only: a count joined over every case of the hub took seconds on a million of them)."""
    profiles = Referent.objects.select_related("user").prefetch_related("regions")
    return scope(profiles, user=user, hub_field="user__hub").annotate(
        open_cases=count_per_row(Case.objects.filter(status__in=OPEN_STATUSES), key="assigned_to", outer="user_id")
    )


def referent_workloads(*, user: User, today: datetime.date) -> QuerySet[User]:
    """Referents `user` may read with their open and overdue cases and their visits of the last 30 days."""
    since = today - datetime.timedelta(days=30)
    return referents_visible_to(user=user).annotate(
        open_cases=count_per_row(Case.objects.filter(status__in=OPEN_STATUSES), key="assigned_to"),
        overdue_cases=count_per_row(Case.objects.filter(overdue_condition(today=today)), key="assigned_to"),
        recent_visits=count_per_row(Visit.objects.filter(started_at__date__gte=since), key="referent"),
    )


def _overdue(today: datetime.date) -> models.Case:
    """`overdue_condition` as a true/false column (never NULL when a due date is missing)."""
    return models.Case(models.When(overdue_condition(today=today), then=Value(True)), default=Value(False))


def enterprise_cases(*, user: User, enterprise: Enterprise, today: datetime.date) -> QuerySet[Case]:
    """The enterprise's cases `user` may read, latest first, each with `is_overdue`."""
    cases = cases_visible_to(user=user).filter(enterprise=enterprise)
    return cases.annotate(is_overdue=_overdue(today)).order_by("-received_at")


FOLLOWUP_FIGURES = [
    "employees_total",
    "jobs_created",
    "jobs_kept",
    "turnover_xof",
    "new_sales_xof",
    "investment_xof",
    "cost_savings_xof",
    "satisfaction",
    "technology_adopted",
]
"""The follow-up fields shown as its key figures, labelled with their verbose names."""


def _figure(value) -> str:
    if isinstance(value, bool):
        return str(_("Yes") if value else _("No"))
    return number_format(value, force_grouping=True)


@dataclass(frozen=True)
class FollowUpRow:
    followup: FollowUp
    figures: list[tuple[str, str]]
    """(label, formatted value) of the figures collected."""


def enterprise_followups(*, user: User, enterprise: Enterprise) -> list[FollowUpRow]:
    """The enterprise's baseline and follow-ups `user` may read, by due date, with their key figures."""
    followups = scope(FollowUp.objects.select_related("case"), user=user, enterprise_field="enterprise")
    return [
        FollowUpRow(
            followup,
            [
                (str(FollowUp._meta.get_field(name).verbose_name), _figure(getattr(followup, name)))
                for name in FOLLOWUP_FIGURES
                if getattr(followup, name) is not None
            ],
        )
        for followup in followups.filter(enterprise=enterprise).order_by("due_date", "pk")
    ]


def referent_open_cases(*, referent: User, today: datetime.date) -> list[Case]:
    """The referent's open cases, the most urgent first (`Case.next_due`; those without a due date
    last), each with `is_overdue`. A referent holds tens of open cases, so they are sorted here."""
    cases = (
        Case.objects.filter(assigned_to=referent, status__in=OPEN_STATUSES)
        .select_related("enterprise")
        .annotate(is_overdue=_overdue(today))
    )
    return sorted(cases, key=lambda case: (case.next_due is None, case.next_due or datetime.date.max, case.pk))


@dataclass(frozen=True)
class FieldChange:
    label: str
    before: str
    after: str

    def __str__(self) -> str:
        return self.label


@dataclass(frozen=True)
class Change:
    at: datetime.datetime
    by: User | None
    fields: list[FieldChange]
    """The fields changed, with their values before and after; empty for the creation."""
    by_enterprise: bool = False
    """Made by the enterprise itself, without signing in (a follow-up answered through its link)."""


def record_changes(*, record: models.Model, hidden: frozenset[str] = frozenset()) -> list[Change]:
    """Who created and changed `record` (a model with django-simple-history), which of its own fields and
    from what to what (not its many-to-many relations), latest first; the values of the `hidden` fields
    are not shown. A record's history is short: the people named in it are read in one query per related
    model."""
    model = type(record)
    versions = list(record.history.select_related("history_user").order_by("history_date", "history_id"))
    concrete = {field.name for field in model._meta.fields}
    diffs = [
        (version, [change for change in version.diff_against(previous).changes if change.field in concrete])
        for previous, version in zip(versions, versions[1:], strict=False)
    ]
    related = _related_names(model, [change for _version, changes in diffs for change in changes])
    changes = [Change(version.history_date, version.history_user, []) for version in versions[:1]]
    for version, diff in diffs:
        changed = {change.field: change for change in diff}
        fields = [
            FieldChange(
                str(field.verbose_name),
                "" if field.name in hidden else _shown(field, changed[field.name].old, related),
                "" if field.name in hidden else _shown(field, changed[field.name].new, related),
            )
            for field in model._meta.fields
            if field.name in changed
        ]
        if fields:
            answered = version.history_user is None and "self_reported" in changed and version.self_reported
            changes.append(Change(version.history_date, version.history_user, fields, by_enterprise=answered))
    return changes[::-1]


def _related_names(model, changes) -> dict[tuple[type, object], str]:
    wanted: dict[type, set] = {}
    for change in changes:
        field = model._meta.get_field(change.field)
        if field.is_relation:
            wanted.setdefault(field.related_model, set()).update(v for v in (change.old, change.new) if v is not None)
    names = {}
    for related_model, pks in wanted.items():
        for obj in related_model._default_manager.filter(pk__in=pks):
            names[(related_model, obj.pk)] = (
                (obj.get_full_name() or obj.username) if isinstance(obj, User) else str(obj)
            )
    return names


def _shown(field: models.Field, value, related: dict) -> str:
    if value is None or value == "":
        return "—"
    if field.is_relation:
        return related.get((field.related_model, value), "—")
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, int):
        return number_format(value, force_grouping=True)
    return str(value)


def regions_offered(*, user: User) -> QuerySet[AdministrativeUnit]:
    """The administrative units a filter offers: those of the user's hub's country (regions and the
    Bamako district alike); for those who read every hub, those of the countries that have a hub."""
    hubs = Hub.objects.filter(pk=user.hub_id) if user.hub_id else Hub.objects.all()
    return AdministrativeUnit.objects.filter(country__in=hubs.values("country")).order_by("name")


def enterprise_changes(*, enterprise: Enterprise) -> list[Change]:
    """Who registered and changed the enterprise, and which fields, latest first."""
    return record_changes(record=enterprise)
