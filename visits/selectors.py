import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Max, Q, QuerySet, When, Window
from django.db.models.functions import Coalesce, Least, Left, RowNumber
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import OPEN_STATUSES, Case, CaseEvent, CaseNote, CaseStatus
from cases.selectors import cases_visible_to, notes_readable_by
from hub.calendar import hub_today
from hub.followups.selectors import followups_due_for_referent
from hub.models import Enterprise, Referent, User
from hub.permissions import scope
from hub.selectors import enterprises_visible_to, in_region
from visits.models import Purpose, Visit

FIELD_FOLLOWUPS = 50
"""How many follow-ups due the referent's home lists and the phone keeps, the earliest due first."""


def visits_visible_to(*, user: User) -> QuerySet[Visit]:
    """SME users read no visit: its notes are the referent's working record."""
    return scope(Visit.objects.select_related("enterprise", "referent"), user=user)


def field_enterprises(*, user: User, limit: int) -> tuple[list[int], bool]:
    """The ids of at most `limit` enterprises a referent keeps offline, best first, and whether the hub has
    others: those of their open cases, then of their visits (the latest visited first), then the newest
    registered of the regions they cover (with the regions carved from them; of the whole hub for a referent
    who covers no region). Each part is a query of its own, bounded by `limit`, so that the cost does not
    grow with the hub. The others are found online: the picker then asks the API. An anonymised enterprise
    takes no visit, so it is left out."""
    enterprises = enterprises_visible_to(user=user).filter(anonymised_at__isnull=True).order_by()
    open_cases = Case.objects.filter(assigned_to=user, status__in=OPEN_STATUSES).values("enterprise_id")
    worked = enterprises.filter(pk__in=open_cases).order_by("-pk").values_list("pk", flat=True)[:limit]
    visited = (
        Visit.objects.filter(referent=user, enterprise__in=enterprises)
        .values("enterprise_id")
        .annotate(last=Max("started_at"))
        .order_by("-last")
        .values_list("enterprise_id", flat=True)[:limit]
    )
    regions = Referent.regions.through.objects.filter(referent__user=user).values_list("administrativeunit", flat=True)
    covered = Q()
    for code in regions:
        covered |= in_region(code)
    newest = enterprises.filter(covered).order_by("-pk").values_list("pk", flat=True)[: limit + 1]
    ranked = list(dict.fromkeys([*worked, *visited, *newest]))
    return ranked[:limit], bool(covered) or len(ranked) > limit


def field_directory(*, user: User) -> dict:
    """The compact copy of the directory that the mobile app keeps for offline use: the enterprises of
    `field_enterprises` (at most `settings.FIELD_DIRECTORY_SIZE`) in the order of their ids as [gap from
    the previous id, name, index in `places`] (the commune, or the region without one), and the open cases
    assigned to `user` as [id, enterprise id, reference, title]. The cap and the gaps and place indexes keep
    the copy within the visit form's budget whatever the size of the hub; `partial` says the hub has more
    enterprises than the copy. Six queries."""
    kept, partial = field_enterprises(user=user, limit=settings.FIELD_DIRECTORY_SIZE)
    enterprises = Enterprise.objects.filter(pk__in=kept).order_by("pk")
    cases = (
        cases_visible_to(user=user)
        .filter(assigned_to=user, status__in=OPEN_STATUSES)
        .order_by("enterprise_id", "reference")
        .values_list("pk", "enterprise_id", "reference", "title")
    )
    places: dict[str, int] = {}
    rows, previous = [], 0
    for pk, name, commune, region in enterprises.values_list("pk", "name", "commune", "region__name"):
        rows.append([pk - previous, name, places.setdefault(commune or region, len(places))])
        previous = pk
    return {"places": list(places), "enterprises": rows, "cases": [list(row) for row in cases], "partial": partial}


def field_followups(*, user: User) -> dict:
    """The copy of the impact follow-ups due that the phone keeps beside the directory copy, so that a
    follow-up's form works offline and the visit form offers the enterprise's: those of
    `followups_due_for_referent`, at most FIELD_FOLLOWUPS, as [id, enterprise id, kind, due date, case
    reference, enterprise name]. Kept apart from the directory copy, which the visit form loads first and
    whose budget it would break. One query."""
    followups = followups_due_for_referent(user=user, today=timezone.localdate()).values_list(
        "pk", "enterprise_id", "kind", "due_date", "case__reference", "enterprise__name"
    )[:FIELD_FOLLOWUPS]
    return {
        "followups": [
            [pk, enterprise, kind, day.isoformat(), reference or "", name]
            for pk, enterprise, kind, day, reference, name in followups
        ]
    }


FIELD_DAY_CASES = 60
"""How many open cases the phone's copy of the referent's day keeps, the most urgent first. The 200 KB budget
holds for 40 cases with every text at its longest (below); 60 such cases would take about 280 KB."""

FIELD_DAY_ENTRIES = 5
FIELD_DAY_TEXT = 320
FIELD_DAY_DESCRIPTION = 800
FIELD_DAY_NAME = 60
"""The copy of the day keeps of each case its description cut to FIELD_DAY_DESCRIPTION characters and its
last FIELD_DAY_ENTRIES timeline entries, each text cut to FIELD_DAY_TEXT characters and each author's name to
FIELD_DAY_NAME (a name may have 301). 40 cases with every text and field at its longest, in French with one
letter in nine accented, then take 187,066 bytes of compact JSON, within the 200 KB (204,800 bytes) the phone
keeps for it (tests/visits/test_day_copy.py); a demo referent's 9 cases take 10 KB. The cuts count
characters: text mostly in letters of two bytes or more in UTF-8 would go over, and so would FIELD_DAY_CASES
cases all at their longest (about 280 KB)."""


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _name(first: str | None, last: str | None, username: str | None) -> str:
    """`User.get_full_name`, or the user name, cut; empty for a deleted user."""
    return _cut(f"{first or ''} {last or ''}".strip() or username or "", FIELD_DAY_NAME)


def _last_per_case(rows: QuerySet, *, case: str, newest: list[str]) -> QuerySet:
    """The FIELD_DAY_ENTRIES newest of `rows` for each case, by a window over the cases in the same query."""
    order = [F(field).desc() for field in newest]
    return (
        rows.order_by()
        .annotate(rank=Window(RowNumber(), partition_by=F(case), order_by=order))
        .filter(rank__lte=FIELD_DAY_ENTRIES)
    )


def _next_due() -> Least:
    """`Case.next_due` of an open case in SQL, to order by it."""
    stage = models.Case(
        When(status=CaseStatus.NEW, then="acknowledge_due"),
        When(status=CaseStatus.QUALIFIED, then="assign_due"),
        When(status=CaseStatus.ASSIGNED, then="first_contact_due"),
    )
    return Least(Coalesce(stage, "resolve_due"), Coalesce("resolve_due", stage))


def _field_timelines(*, user: User, case_ids: list[int]) -> dict[int, list[list[str]]]:
    """The last FIELD_DAY_ENTRIES entries of each case's timeline that `user` may read, newest first, as
    [time, kind, author, text]: the notes they may read (`notes_readable_by`), status
    changes and visits linked to the case. Three queries, each bounded per case."""
    longest = FIELD_DAY_TEXT + 1
    notes = notes_readable_by(user=user, notes=CaseNote.objects.filter(case__in=case_ids))
    notes = _last_per_case(notes, case="case", newest=["created_at", "pk"]).values_list(
        "case_id", "created_at", "visibility", "author__first_name", "author__last_name", "author__username",
        Left("body", longest),
    )  # fmt: skip
    events = _last_per_case(
        CaseEvent.objects.filter(case__in=case_ids), case="case", newest=["created_at", "pk"]
    ).values_list(
        "case_id", "created_at", "from_status", "to_status", "actor__first_name", "actor__last_name",
        "actor__username", Left("note", longest),
    )  # fmt: skip
    visits = _last_per_case(
        scope(Visit.cases.through.objects.filter(case__in=case_ids), user=user, hub_field="visit__hub"),
        case="case",
        newest=["visit__started_at", "visit"],
    ).values_list(
        "case_id", "visit__started_at", "visit__purpose", "visit__referent__first_name",
        "visit__referent__last_name", "visit__referent__username", Left("visit__recommendations", longest),
        Left("visit__observations", longest),
    )  # fmt: skip
    entries: dict[int, list[tuple]] = {pk: [] for pk in case_ids}
    for case, at, visibility, first, last, username, body in notes:
        entries[case].append((at, visibility, _name(first, last, username), body))
    for case, at, before, after, first, last, username, note in events:
        change = (
            _("%(from)s → %(to)s") % {"from": CaseStatus(before).label, "to": CaseStatus(after).label}
            if before
            else str(CaseStatus(after).label)
        )
        entries[case].append((at, "status", _name(first, last, username), f"{change}\n{note}" if note else change))
    for case, at, purpose, first, last, username, recommendations, observations in visits:
        title = _("Visit: %(purpose)s") % {"purpose": Purpose(purpose).label}
        body = recommendations or observations
        entries[case].append((at, "visit", _name(first, last, username), f"{title}\n{body}" if body else title))
    return {
        case: [
            [timezone.localtime(at).isoformat(timespec="seconds"), kind, name, _cut(text, FIELD_DAY_TEXT)]
            for at, kind, name, text in sorted(rows, key=lambda row: row[0], reverse=True)[:FIELD_DAY_ENTRIES]
        ]
        for case, rows in entries.items()
    }


def _field_case(case: Case, *, now: datetime.datetime, timeline: list[list[str]]) -> dict:
    enterprise = case.enterprise
    due = case.next_due
    return {
        "id": case.pk,
        "reference": case.reference,
        "title": case.title,
        "status": case.status,
        "status_label": case.get_status_display(),
        "version": case.version,
        "description": _cut(case.description_head, FIELD_DAY_DESCRIPTION),
        "next_due": due.isoformat() if due else None,
        "overdue": due is not None and due < hub_today(hub=case.hub, now=now),
        "enterprise": {
            "id": enterprise.pk,
            "name": enterprise.name,
            "contact": enterprise.owner_name,
            "phone": str(enterprise.owner_phone or ""),
            "address": enterprise.address,
            "place": enterprise.commune or enterprise.region.name,
        },
        "timeline": timeline,
    }


def field_day(*, user: User) -> dict:
    """The copy of the referent's day that the phone keeps so that a case's page reads offline: their open
    assigned cases, at most FIELD_DAY_CASES, the overdue first and then by due date (ordering by
    `Case.next_due` does both), each with its enterprise's contact and the last of its timeline (the moves the
    phone offers come with the page: `visits.views.app_config`). Four queries, whatever the number of cases."""
    now = timezone.now()
    cases = list(
        cases_visible_to(user=user)
        .filter(assigned_to=user, status__in=OPEN_STATUSES)
        .select_related("hub", "enterprise__region")
        .defer("description")
        .annotate(description_head=Left("description", FIELD_DAY_DESCRIPTION + 1), due=_next_due())
        .order_by(F("due").asc(nulls_last=True), "pk")[:FIELD_DAY_CASES]
    )
    timelines = _field_timelines(user=user, case_ids=[case.pk for case in cases])
    return {
        "cases": [_field_case(case, now=now, timeline=timelines[case.pk]) for case in cases],
    }
