"""The generator's technology library: the sheets of hub/devtools/data/library/ written into the hub, and
shared in cases and visits. A part of `hub.devtools.datagen.generator._Generator`."""

import calendar
import datetime
from collections import defaultdict
from dataclasses import dataclass
from random import Random

from django.apps import apps

from cases.models import CaseShare
from hub.devtools.datagen.cases import CaseSummary
from hub.devtools.datagen.sheets import SHEETS, SHEETS_BY_TITLE, SheetText
from hub.devtools.datagen.writes import BATCH_SIZE, m2m_with_history, with_history
from hub.library.services import sheet_search_text
from hub.models import TechnologySheet
from visits.models import Visit, VisitShare


@dataclass(frozen=True, kw_only=True)
class LibrarySheet:
    """What sharing needs to know about a sheet of the hub: the topics it answers and when it could be
    shared (published from `available_from`, until `available_until` when it was archived then)."""

    pk: int
    topics: frozenset[str]
    available_from: datetime.datetime | None
    available_until: datetime.datetime | None = None

    def shareable(self, moment: datetime.datetime) -> bool:
        return (
            self.available_from is not None
            and self.available_from <= moment
            and (self.available_until is None or moment < self.available_until)
        )


class LibraryPhase:
    """Writing the technology sheets, then sharing them (and partners) in cases and visits."""

    def _write_library(self) -> dict[str, list[LibrarySheet]]:
        """The hub's shareable sheets by the topics they answer: its own if it has some (those of SHEETS
        known by their titles), else SHEETS written now, by referents of their domain or the manager."""
        existing = TechnologySheet.objects.filter(hub=self.hub).order_by("pk")
        if existing.exists():
            return _by_topic(
                LibrarySheet(
                    pk=pk,
                    topics=frozenset(SHEETS_BY_TITLE[title].topics),
                    available_from=created,
                    available_until=updated if status == TechnologySheet.Status.ARCHIVED else None,
                )
                for pk, title, status, created, updated in existing.values_list(
                    "pk", "title", "status", "created_at", "updated_at"
                )
                if title in SHEETS_BY_TITLE and status != TechnologySheet.Status.DRAFT
            )
        if not self.territory.library:
            return {}
        rng = self.rng("library")
        sheets, withdrawn = [], {}
        for index, text in enumerate(SHEETS):
            created, archived = self._sheet_dates(rng, text.status)
            sheets.append(self._sheet(rng, text, created=created))
            if archived:
                withdrawn[index] = archived
        history_model = apps.get_model("hub", "HistoricalTechnologySheet_partners")
        by_name = {partner.name: partner.pk for partner in self.directory}
        history = with_history(
            TechnologySheet, sheets, at=lambda sheet: sheet.created_at, by=lambda sheet: sheet.author
        )
        links = m2m_with_history(
            through=TechnologySheet.partners.through,
            history_model=history_model,
            history_rows=history,
            pairs=[
                (index, [by_name[name] for name in text.partners if name in by_name])
                for index, text in enumerate(SHEETS)
            ],
        )
        archived_sheets = []
        for index, moment in withdrawn.items():
            sheet = sheets[index]
            sheet.status, sheet.updated_at = TechnologySheet.Status.ARCHIVED, moment
            sheet._history_date, sheet._history_user = moment, self.manager
            archived_sheets.append(sheet)
        if archived_sheets:
            TechnologySheet.objects.bulk_update(archived_sheets, ["status", "updated_at"])
            changes = TechnologySheet.history.bulk_history_create(archived_sheets, update=True)
            partners_of = defaultdict(list)
            for link in links:
                partners_of[link.technologysheet_id].append(link)
            history_model.objects.bulk_create(
                [
                    history_model(
                        id=link.pk,
                        history_id=change.history_id,
                        technologysheet_id=link.technologysheet_id,
                        partner_id=link.partner_id,
                    )
                    for change in changes
                    for link in partners_of[change.id]
                ]
            )
        self._count(TechnologySheet, len(sheets))
        return _by_topic(
            LibrarySheet(
                pk=sheet.pk,
                topics=frozenset(text.topics),
                available_from=sheet.created_at,
                available_until=withdrawn.get(index),
            )
            for index, (sheet, text) in enumerate(zip(sheets, SHEETS, strict=True))
            if text.status != TechnologySheet.Status.DRAFT
        )

    def _sheet_dates(self, rng: Random, status: str) -> tuple[datetime.datetime, datetime.datetime | None]:
        """When a sheet was written and, if it is archived, withdrawn: most sheets early in the period (the
        library is built as the hub opens), the drafts at its end; archived sheets were published early."""

        def moment(fraction: float) -> datetime.datetime:
            days = self.working_days
            return self._office_time(rng, days[min(len(days) - 1, int(len(days) * fraction))])

        if status == TechnologySheet.Status.DRAFT:
            return moment(rng.uniform(0.85, 1.0)), None
        if status == TechnologySheet.Status.ARCHIVED:
            created, archived = moment(rng.uniform(0, 0.15)), moment(rng.uniform(0.5, 0.9))
            return created, max(archived, created + datetime.timedelta(minutes=1))
        return moment(0.85 * rng.random() ** 2), None

    def _sheet(self, rng: Random, text: SheetText, *, created: datetime.datetime) -> TechnologySheet:
        """The sheet as it was written: an archived one was published then."""
        experts = [user for user in self.referents if text.domain in self.referent_domains[user.pk]]
        author = rng.choice(experts) if experts and rng.random() < 0.8 else self.manager
        draft = text.status == TechnologySheet.Status.DRAFT
        sheet = TechnologySheet(
            hub=self.hub,
            title=text.title,
            domain=text.domain,
            sectors=list(text.sectors),
            summary=text.summary,
            body=text.body,
            cost_min_xof=text.cost_min_xof,
            cost_max_xof=text.cost_max_xof,
            equipment=text.equipment,
            language="fr",
            status=TechnologySheet.Status.DRAFT if draft else TechnologySheet.Status.PUBLISHED,
            author=author,
            review_date=None if draft else _add_months(self._day(created), rng.choice([6, 12, 12, 24])),
            created_at=created,
            updated_at=created,
        )
        sheet.search_text = sheet_search_text(sheet)
        return sheet

    def _write_case_shares(self, summaries: list[CaseSummary]) -> dict[int, LibrarySheet]:
        """Each case referred to a partner shares that partner, when it was referred; 60 % of the resolved
        cases whose topic a sheet answers share one, from the referent, between assignment and resolution.
        Returns the sheet shared per case id."""
        rng = self.rng("case-shares")
        shared: dict[int, LibrarySheet] = {}
        batch = []
        for summary in summaries:
            if summary.referred_to is not None:
                batch.append(
                    CaseShare(
                        case_id=summary.pk,
                        partner=summary.referred_to,
                        partner_name=summary.referred_to.name,
                        shared_by=summary.referred_by or self.manager,
                        shared_at=summary.referred_at,
                    )
                )
            elif summary.resolved_at and summary.assigned_at and summary.referent:
                start, end = summary.assigned_at, summary.resolved_at
                candidates = [
                    sheet
                    for sheet in self.sheets_by_topic.get(summary.topic.key, ())
                    if sheet.available_from < end and (sheet.available_until is None or start < sheet.available_until)
                ]
                if candidates and rng.random() < 0.6:
                    sheet = rng.choice(candidates)
                    moment = self._between(
                        rng, max(start, sheet.available_from), min(end, sheet.available_until or end)
                    )
                    shared[summary.pk] = sheet
                    batch.append(
                        CaseShare(case_id=summary.pk, sheet_id=sheet.pk, shared_by=summary.referent, shared_at=moment)
                    )
            if len(batch) == BATCH_SIZE:
                self._write_shares(CaseShare, batch)
                batch = []
        self._write_shares(CaseShare, batch)
        return shared

    def _write_visit_shares(self, rng: Random, linked_visits: list[tuple[Visit, CaseSummary]]) -> None:
        """30 % of the visits tied to a case hand over a sheet answering its topic (the one shared in the
        case if it can still be shared), once the visit is synced."""
        shares = []
        for visit, summary in linked_visits:
            if rng.random() >= 0.3:
                continue
            moment = min(visit.created_at + datetime.timedelta(minutes=rng.randint(1, 30)), self.cutoff)
            sheet = self.case_sheets.get(summary.pk)
            if sheet is None or not sheet.shareable(moment):
                candidates = [
                    sheet for sheet in self.sheets_by_topic.get(summary.topic.key, ()) if sheet.shareable(moment)
                ]
                if not candidates:
                    continue
                sheet = rng.choice(candidates)
            shares.append(VisitShare(visit=visit, sheet_id=sheet.pk, shared_by=visit.referent, shared_at=moment))
        self._write_shares(VisitShare, shares)

    def _write_shares(self, model, shares: list) -> None:
        for share in shares:
            share.hub = self.hub
        if shares:
            with_history(model, shares, at=lambda share: share.shared_at, by=lambda share: share.shared_by)
            self._count(model, len(shares))


def _by_topic(sheets) -> dict[str, list[LibrarySheet]]:
    by_topic = defaultdict(list)
    for sheet in sheets:
        for topic in sorted(sheet.topics):
            by_topic[topic].append(sheet)
    return dict(by_topic)


def _add_months(day: datetime.date, months: int) -> datetime.date:
    year, month = divmod(day.month - 1 + months, 12)
    year, month = day.year + year, month + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
