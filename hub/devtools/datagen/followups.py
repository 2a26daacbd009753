"""The generator's impact follow-ups: planned by the rules of `hub.followups.services`, and what became of
them by the end (collected by a referent or self-reported, confirmed, or cancelled by a reopening). A part of
`hub.devtools.datagen.generator._Generator`."""

import datetime
import uuid
from dataclasses import dataclass
from random import Random

from hub.classifications import TurnoverBand
from hub.devtools.datagen.cases import CaseSummary, Resolution
from hub.devtools.datagen.people import PlannedEnterprise
from hub.devtools.datagen.tables import CONFIRMATION_NOTE, TECHNOLOGY_NOTES, of
from hub.devtools.datagen.visits import Support
from hub.devtools.datagen.writes import BATCH_SIZE
from hub.followups.services import ANSWER_FIELDS, Collection
from hub.models import FollowUp, User

FOLLOWUP_OUTCOMES = {"on_time": 52, "late": 16, "self_reported": 18, "missing": 14}
"""What becomes of a 6- or 12-month follow-up once planned, and how often (see `FollowUpPhase._answer`)."""
FOLLOWUP_UNCOLLECTED = {
    **{name: "" if name in ("technology_notes", "notes") else None for name in ANSWER_FIELDS},
    "collected_on": None,
    "collected_by_id": None,
    "self_reported": False,
    "confirmed_at": None,
    "confirmed_by_id": None,
    "client_uuid": None,
    "content_hash": "",
}
"""A follow-up's fields as planned, before it is collected."""


@dataclass(kw_only=True)
class _DraftFollowUp:
    """A follow-up in its final state with what its history needs: who planned it (its creation time is
    the planning), when it was collected and, for a follow-up planned then cancelled by a reopening,
    when and by whom."""

    followup: FollowUp
    planned_by: User | None
    collected_at: datetime.datetime | None = None
    added_at_confirmation: tuple[str, ...] = ()
    """Answers the confirming referent added to the self-reported ones."""
    cancelled_at: datetime.datetime | None = None
    cancelled_by: User | None = None


class FollowUpPhase:
    """Planning the follow-ups of each support and resolution, and what became of them."""

    def _write_followups(self, summaries: list[CaseSummary]) -> None:
        """The follow-ups as `hub.followups.services` plans them, and what became of them by the cutoff: a
        baseline per enterprise from its first support, the 6- and 12-month follow-ups of each resolution of
        a case (those of a resolution undone by a reopening are cancelled then)."""
        rng = self.rng("followups")
        bands = {
            TurnoverBand.UNDER_30M: (2_000_000, 29_000_000),
            TurnoverBand.FROM_30M_TO_150M: (30_000_000, 149_000_000),
            TurnoverBand.FROM_150M_TO_1B: (150_000_000, 900_000_000),
        }
        for planned in self.planned:
            low, high = bands.get(planned.instance.turnover_band, (1_000_000_000, 2_000_000_000))
            planned.base_turnover = _xof(rng.uniform(low, high))
        for summary in summaries:
            if summary.assigned_at is not None and summary.referent is not None:
                support = Support(
                    logged=summary.assigned_at,
                    at=summary.assigned_at,
                    referent=summary.referent,
                    by=summary.assigned_by,
                )
                self._supported(summary.enterprise, support)
        drafts: list[_DraftFollowUp] = []
        for index, support in sorted(self.support.items(), key=lambda item: (item[1].logged, item[0])):
            drafts.append(self._baseline(rng, self.planned[index], support))
            if len(drafts) >= BATCH_SIZE:
                self._flush_followups(drafts)
                drafts = []
        for summary in summaries:
            for resolution in summary.resolutions:
                drafts += self._case_followups(rng, summary, resolution)
            if len(drafts) >= BATCH_SIZE:
                self._flush_followups(drafts)
                drafts = []
        self._flush_followups(drafts)

    def _baseline(self, rng: Random, planned: PlannedEnterprise, support: Support) -> _DraftFollowUp:
        """Due within the first-contact standard from the start of support; most are taken within a few
        working days of it by the referent in charge, some later, a few never."""
        followup = FollowUp(
            hub=self.hub,
            enterprise=planned.instance,
            kind=FollowUp.Kind.BASELINE,
            due_date=self._due(support.at, self.hub.first_contact_days),
            assigned_to=support.referent,
            created_at=support.logged,
        )
        draft = _DraftFollowUp(followup=followup, planned_by=support.by)
        outcome = rng.choices(["soon", "late", "missing"], [85, 8, 7])[0]
        if outcome == "missing":
            return draft
        if outcome == "soon":
            days = rng.choices(range(4), [55, 25, 12, 8])[0]
        else:
            days = self.hub.first_contact_days + rng.randint(1, 15)
        moment = self._later(rng, support.logged, days=days)
        if moment <= self.cutoff:
            answers = {"employees_total": planned.instance.employees_total, "turnover_xof": planned.base_turnover}
            self._collect(rng, draft, moment=moment, by=support.referent, answers=answers)
        return draft

    def _case_followups(self, rng: Random, summary: CaseSummary, resolution: Resolution) -> list[_DraftFollowUp]:
        """The 6- and 12-month follow-ups a resolution plans, due the hub's delays after its local date, for
        the case's referent; cancelled, uncollected, when the case is reopened."""
        resolved_on = self._day(resolution.at)
        delays = (
            (FollowUp.Kind.MONTH_6, self.hub.followup_6_months_days),
            (FollowUp.Kind.MONTH_12, self.hub.followup_12_months_days),
        )
        drafts = []
        floor = None
        for kind, days in delays:
            followup = FollowUp(
                hub=self.hub,
                enterprise=self.planned[summary.enterprise].instance,
                case_id=summary.pk,
                kind=kind,
                due_date=resolved_on + datetime.timedelta(days=days),
                assigned_to=summary.referent,
                created_at=resolution.at,
            )
            draft = _DraftFollowUp(followup=followup, planned_by=resolution.by)
            if resolution.reopened_at is not None:
                draft.cancelled_at, draft.cancelled_by = resolution.reopened_at, resolution.reopened_by
            else:
                self._answer(rng, draft, summary, floor=floor)
                floor = max(filter(None, [followup.due_date, followup.collected_on]))
            drafts.append(draft)
        return drafts

    def _answer(self, rng: Random, draft: _DraftFollowUp, summary: CaseSummary, *, floor: datetime.date | None) -> None:
        """What became of a planned follow-up by the cutoff (FOLLOWUP_OUTCOMES): collected by the referent in
        the week before it is due or up to two months late, answered by the enterprise through the link it
        receives two weeks before, mostly by the due date (and then often confirmed by the referent), or not
        collected. A 12-month follow-up is not collected before the 6-month one's `floor` (its due or
        collection date)."""
        followup = draft.followup
        due = followup.due_date
        outcome = rng.choices(list(FOLLOWUP_OUTCOMES), list(FOLLOWUP_OUTCOMES.values()))[0]
        if outcome == "missing":
            return
        if outcome == "on_time":
            day = due - datetime.timedelta(days=rng.randint(0, 7))
            for _ in range(7):
                if self._is_working(day):
                    break
                day -= datetime.timedelta(days=1)
            moment = self._office_time(rng, day)
        elif outcome == "late":
            moment = self._days_later(rng, self._at(due, 8 * 60), rng.randint(1, 60))
        else:
            day = due + datetime.timedelta(days=rng.randint(-13, 6))
            moment = self._at(day, rng.randint(6 * 60, 23 * 60))
        earliest = followup.created_at + datetime.timedelta(minutes=10)
        if floor is not None:
            earliest = max(earliest, self._at(floor, 7 * 60 + 30))
        moment = max(moment, earliest)
        if moment > self.cutoff:
            return
        answers = self._answers(rng, summary, kind=followup.kind)
        if outcome != "self_reported":
            self._collect(rng, draft, moment=moment, by=summary.referent, answers=answers)
            return
        notes = answers.pop("technology_notes")
        self._collect(rng, draft, moment=moment, by=None, answers=answers, self_reported=True)
        if summary.referent is None or rng.random() >= 0.6:
            return
        confirmed_at = self._days_later(rng, moment, rng.randint(1, 15))
        if confirmed_at <= self.cutoff:
            followup.confirmed_by, followup.confirmed_at = summary.referent, confirmed_at
            followup.technology_notes, followup.notes = notes, CONFIRMATION_NOTE
            draft.added_at_confirmation = ("technology_notes", "notes")

    def _answers(self, rng: Random, summary: CaseSummary, *, kind: str) -> dict:
        """The answers of a 6- or 12-month follow-up (ANSWER_FIELDS but the notes), from the enterprise's
        baseline turnover and staff."""
        planned = self.planned[summary.enterprise]
        enterprise = planned.instance
        months = 12 if kind == FollowUp.Kind.MONTH_12 else 6
        base = planned.base_turnover
        turnover = max(0, _xof(base * (1 + rng.gauss(0.08 * months / 6, 0.12))))
        jobs_created = rng.choices(range(6), [45, 25, 15, 8, 4, 3])[0] * (1 if enterprise.employees_total <= 10 else 2)
        adopted = rng.random() < 0.75
        satisfaction = summary.satisfaction or rng.choices([5, 4, 3, 2, 1], [45, 35, 12, 5, 3])[0]
        recommend_range = {5: (8, 10), 4: (7, 9), 3: (5, 8), 2: (2, 6), 1: (0, 4)}[satisfaction]
        equipment = of(summary.topic.equipment)
        return {
            "employees_total": enterprise.employees_total + jobs_created,
            "jobs_created": jobs_created,
            "jobs_kept": enterprise.employees_total,
            "turnover_xof": turnover,
            "new_sales_xof": max(0, turnover - base),
            "kept_sales_xof": min(base, turnover),
            "investment_xof": _xof(base * rng.uniform(0.01, 0.15)) if adopted else 0,
            "cost_savings_xof": _xof(base * rng.uniform(0, 0.06)) if adopted else 0,
            "new_products": rng.choices([0, 1, 2], [60, 30, 10])[0],
            "new_processes": rng.choices([0, 1, 2], [40, 45, 15])[0] if adopted else 0,
            "technology_adopted": adopted,
            "technology_notes": rng.choice(TECHNOLOGY_NOTES).format(of_equipment=equipment) if adopted else "",
            "satisfaction": satisfaction,
            "recommend_score": rng.randint(*recommend_range),
        }

    def _collect(
        self,
        rng: Random,
        draft: _DraftFollowUp,
        *,
        moment: datetime.datetime,
        by: User | None,
        answers: dict,
        self_reported: bool = False,
    ) -> None:
        """Record the answers at `moment` as `followup_collect` does: by a referent on the phone (with the
        phone's UUID and the hash of the form's content, every answer, blank or not), or self-reported by
        the enterprise."""
        followup = draft.followup
        for name, value in answers.items():
            setattr(followup, name, value)
        followup.collected_on = self._day(moment)
        followup.collected_by = by
        followup.self_reported = self_reported
        if not self_reported:
            form = {name: getattr(followup, name) for name in ANSWER_FIELDS}
            followup.client_uuid = uuid.UUID(int=rng.getrandbits(128), version=4)
            followup.content_hash = Collection(collected_on=followup.collected_on, answers=form).content_hash()
        draft.collected_at = moment

    def _flush_followups(self, drafts: list[_DraftFollowUp]) -> None:
        """Write the follow-ups and their history as the services would have left it: planned (by whoever
        started the support or resolved the case), collected, confirmed. The follow-ups cancelled by a
        reopening go first, planned then deleted, so that those planned afresh take their place."""
        cancelled = [draft for draft in drafts if draft.cancelled_at is not None]
        if cancelled:
            self._write_followup_versions(cancelled)
            # A raw delete: the history already holds each deletion, dated at the reopening.
            FollowUp.objects.filter(pk__in=[draft.followup.pk for draft in cancelled])._raw_delete(FollowUp.objects.db)
        kept = [draft for draft in drafts if draft.cancelled_at is None]
        self._write_followup_versions(kept)
        self._count(FollowUp, len(kept))

    @staticmethod
    def _write_followup_versions(drafts: list[_DraftFollowUp]) -> None:
        if not drafts:
            return
        FollowUp.objects.bulk_create([draft.followup for draft in drafts], batch_size=BATCH_SIZE)
        history = FollowUp.history.model
        tracked = [model_field.attname for model_field in history.tracked_fields]
        rows = []

        def version(state: dict, kind: str, at: datetime.datetime, by: User | None) -> None:
            rows.append(history(**state, history_type=kind, history_date=at, history_user=by, history_change_reason=""))

        for draft in drafts:
            followup = draft.followup
            final = {name: getattr(followup, name) for name in tracked}
            planned = {**final, **FOLLOWUP_UNCOLLECTED}
            version(planned, "+", followup.created_at, draft.planned_by)
            if draft.cancelled_at is not None:
                version(planned, "-", draft.cancelled_at, draft.cancelled_by)
            if draft.collected_at is not None:
                unconfirmed = {"confirmed_at": None, "confirmed_by_id": None}
                unconfirmed.update(dict.fromkeys(draft.added_at_confirmation, ""))
                version({**final, **unconfirmed}, "~", draft.collected_at, followup.collected_by)
            if followup.confirmed_at is not None:
                version(final, "~", followup.confirmed_at, followup.confirmed_by)
        history.objects.bulk_create(rows, batch_size=BATCH_SIZE)


def _xof(amount: float) -> int:
    """An amount in whole XOF, to the thousand."""
    return int(round(amount, -3))
