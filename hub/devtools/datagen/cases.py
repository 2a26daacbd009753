"""The generator's cases: when they are received and from which enterprise, their timeline by the service's
rules, their notes and ratings. A part of `hub.devtools.datagen.generator._Generator`."""

import dataclasses
import datetime
from dataclasses import dataclass
from random import Random

from cases.models import (
    OPEN_STATUSES,
    Case,
    CaseEvent,
    CaseNote,
    CaseStatus,
    Channel,
    Priority,
    ReferenceCounter,
)
from hub.devtools.datagen.spec import ScriptedCase
from hub.devtools.datagen.tables import (
    INTERNAL_NOTES,
    RATING_COMMENTS,
    REFERRAL_NOTES,
    REJECTION_REASONS,
    SME_MESSAGES,
    WAITING_NOTES,
    EnterpriseKind,
    Topic,
)
from hub.devtools.datagen.writes import BATCH_SIZE, with_history
from hub.models import Partner, User

S = CaseStatus
FINAL_OR_RESOLVED = frozenset({S.REFERRED, S.REJECTED, S.RESOLVED, S.CLOSED})


@dataclass(kw_only=True)
class _PlannedCase:
    received_at: datetime.datetime
    enterprise: int
    channel: str
    scripted: ScriptedCase | None = None


@dataclass(frozen=True, kw_only=True)
class Resolution:
    """A resolution of a case, which plans its follow-ups, and the reopening that cancelled them, if any."""

    at: datetime.datetime
    by: User | None
    reopened_at: datetime.datetime | None = None
    reopened_by: User | None = None


@dataclass(frozen=True, kw_only=True)
class CaseSummary:
    """What visits and follow-ups need to know about a written case."""

    pk: int
    enterprise: int
    topic: Topic
    referent: User | None
    first_contact_at: datetime.datetime | None
    resolved_at: datetime.datetime | None
    worked_until: datetime.datetime
    satisfaction: int | None
    assigned_at: datetime.datetime | None = None
    assigned_by: User | None = None
    resolutions: tuple[Resolution, ...] = ()
    referred_to: Partner | None = None
    referred_at: datetime.datetime | None = None
    referred_by: User | None = None


@dataclass(kw_only=True)
class _Event:
    from_status: str
    to_status: str
    at: datetime.datetime
    actor: User | None
    note: str = ""
    assignment: bool = False


@dataclass(kw_only=True)
class _DraftCase:
    """A case built in memory with its timeline and notes, waiting for its batch to be written."""

    case: Case
    events: list[_Event]
    notes: list[CaseNote]
    enterprise: int
    topic: Topic


class CasePhase:
    """Planning the cases, then writing them with their timeline, notes and ratings."""

    def _plan_cases(self) -> list[_PlannedCase]:
        rng = self.rng("case-plan")
        cumulative, total = [], 0.0
        for planned in self.planned:
            total += planned.activity_weight
            cumulative.append(total)
        plans = []
        for scripted in self.spec.scripted_cases:
            enterprise = scripted.enterprise
            if enterprise is None:
                regions = self.referent_regions[self.referents[scripted.referent or 0].pk]
                choices = [i for i, p in enumerate(self.planned) if p.region.code in regions] or [0]
                enterprise = rng.choice(choices)
            received = self._office_time(rng, scripted.received_on)
            plans.append(
                _PlannedCase(
                    received_at=received,
                    enterprise=enterprise,
                    channel=self._channel(rng, enterprise),
                    scripted=scripted,
                )
            )
        for _ in range(self.spec.cases - len(self.spec.scripted_cases)):
            enterprise = rng.choices(range(len(self.planned)), cum_weights=cumulative)[0]
            channel = self._channel(rng, enterprise)
            if channel == Channel.PORTAL:
                day = rng.choice(self.all_days)
                received = self._at(day, rng.randint(6 * 60, 23 * 60))
            else:
                received = self._office_time(rng, rng.choice(self.working_days))
            plans.append(_PlannedCase(received_at=received, enterprise=enterprise, channel=channel))
        plans.sort(key=lambda plan: plan.received_at)
        for plan in plans:
            self._touch(plan.enterprise, plan.received_at)
        return plans

    def _channel(self, rng: Random, enterprise: int) -> str:
        if self.planned[enterprise].has_account and rng.random() < 0.6:
            return Channel.PORTAL
        return rng.choices([Channel.PHONE, Channel.VISIT, Channel.WALK_IN, Channel.PARTNER], [35, 25, 25, 10])[0]

    def _topics(self, kind: EnterpriseKind) -> list[Topic]:
        return [topic for topic in self.topics if topic.tags & kind.tags] or self.topics

    def _write_cases(self, plans: list[_PlannedCase]) -> list[CaseSummary]:
        rng = self.rng("cases")
        last_numbers = dict(ReferenceCounter.objects.filter(hub=self.hub).values_list("year", "last_number"))
        used: dict[int, int] = {}
        summaries: list[CaseSummary] = []
        batch = []
        for plan in plans:
            year = plan.received_at.year
            used[year] = used.get(year, last_numbers.get(year, 0)) + 1
            batch.append(self._case(rng, plan, reference=f"{self.hub.code}-{year}-{used[year]:05d}"))
            if len(batch) == BATCH_SIZE:
                summaries += self._flush_cases(batch)
                batch = []
        summaries += self._flush_cases(batch)
        for year, last_number in used.items():
            ReferenceCounter.objects.update_or_create(hub=self.hub, year=year, defaults={"last_number": last_number})
        return summaries

    def _flush_cases(self, batch: list[_DraftCase]) -> list[CaseSummary]:
        cases = [draft.case for draft in batch]
        with_history(Case, cases, at=lambda case: case.received_at, by=lambda case: case.created_by)
        CaseEvent.objects.bulk_create(
            [
                CaseEvent(
                    case=draft.case,
                    from_status=event.from_status,
                    to_status=event.to_status,
                    actor=event.actor,
                    note=event.note,
                    created_at=event.at,
                )
                for draft in batch
                for event in draft.events
            ],
            batch_size=BATCH_SIZE,
        )
        notes = [note for draft in batch for note in draft.notes]
        with_history(CaseNote, notes, at=lambda note: note.created_at, by=lambda note: note.author)
        self._count(Case, len(cases))
        self._count(CaseEvent, sum(len(draft.events) for draft in batch))
        self._count(CaseNote, len(notes))
        return [
            CaseSummary(
                pk=draft.case.pk,
                enterprise=draft.enterprise,
                topic=draft.topic,
                referent=draft.case.assigned_to,
                first_contact_at=draft.case.first_contact_at,
                resolved_at=draft.case.resolved_at,
                worked_until=draft.events[-1].at if draft.case.status in FINAL_OR_RESOLVED else self.cutoff,
                satisfaction=draft.case.satisfaction_rating,
                assigned_at=draft.case.assigned_at,
                assigned_by=next((event.actor for event in draft.events if event.assignment), None),
                resolutions=_resolutions(draft.events),
                **self._referral(draft),
            )
            for draft in batch
        ]

    @staticmethod
    def _referral(draft: _DraftCase) -> dict:
        if draft.case.status != S.REFERRED or draft.case.referred_to is None:
            return {}
        last = draft.events[-1]
        return {"referred_to": draft.case.referred_to, "referred_at": last.at, "referred_by": last.actor}

    def _case(self, rng: Random, plan: _PlannedCase, *, reference: str) -> _DraftCase:
        planned = self.planned[plan.enterprise]
        topic = rng.choice(self._topics(planned.kind))
        scripted = plan.scripted
        if scripted and scripted.referent is not None:
            referent = self.referents[scripted.referent]
        else:
            referent = self._referent_for(rng, domain=topic.domain, region=planned.region.code)
        created_by = {
            Channel.PORTAL: planned.sme_user,
            Channel.VISIT: referent if rng.random() < 0.7 else rng.choice(self.referents),
        }.get(plan.channel, self.manager)
        enterprise = planned.instance
        description = topic.description.format(
            qty=rng.choice([2, 3, 5, 8, 10, 15, 20, 30, 50, 100, 200, 500]),
            n=rng.randint(3, 40),
            town=enterprise.commune,
            activity=enterprise.activity.lower(),
        )
        case = Case(
            hub=self.hub,
            reference=reference,
            enterprise=enterprise,
            channel=plan.channel,
            domain=topic.domain,
            title=rng.choice(topic.titles),
            description=description,
            priority=rng.choices(list(Priority.values), [15, 60, 20, 5])[0],
            created_by=created_by,
            received_at=plan.received_at,
            acknowledge_due=self._due(plan.received_at, self.hub.acknowledge_days),
            resolve_due=self._due(plan.received_at, self.hub.resolve_days),
        )
        events = self._lifecycle(
            rng,
            received=plan.received_at,
            created_by=created_by,
            referent=referent,
            sme=planned.sme_user,
            target=scripted.status if scripted else None,
        )
        events = [event for event in events if event.at <= self.cutoff]
        self._replay(rng, case, events=events, referent=referent, topic=topic)
        last_change = events[-1].at
        if case.status in (S.RESOLVED, S.CLOSED) and (scripted.rated if scripted else rng.random() < 0.7):
            rated_at = self._days_later(rng, case.resolved_at, rng.randint(0, 10))
            if rated_at <= self.cutoff:
                rating = rng.choices([5, 4, 3, 2, 1], [50, 32, 11, 5, 2])[0]
                case.satisfaction_rating = rating
                case.satisfaction_comment = rng.choice(RATING_COMMENTS[rating])
                case.rated_at = rated_at
                case.version += 1
                last_change = max(last_change, rated_at)
        case.updated_at = last_change
        notes = self._notes(rng, case, events=events, referent=referent)
        return _DraftCase(case=case, events=events, notes=notes, enterprise=plan.enterprise, topic=topic)

    def _lifecycle(
        self,
        rng: Random,
        *,
        received: datetime.datetime,
        created_by: User | None,
        referent: User,
        sme: User | None,
        target: str | None,
    ) -> list[_Event]:
        """The case's whole life from receipt, with the service's rules on who moves what; the caller
        keeps what happened by the cutoff. A `target` ends the life in that status, with on-time steps."""
        hub, manager = self.hub, self.manager
        stalled = None if target or rng.random() >= 0.08 else rng.randrange(5)

        def delay(step: int, days: int, standard: int) -> int:
            if target:
                return min(days, standard)
            return days + (rng.randint(15, 60) if step == stalled else 0)

        def by_sme_or(other: User) -> User:
            return sme if sme is not None and rng.random() < 0.6 else other

        events = [_Event(from_status="", to_status=S.NEW, at=received, actor=created_by)]

        def move(from_status: str, to_status: str, at: datetime.datetime, actor: User, note: str = "") -> None:
            events.append(_Event(from_status=from_status, to_status=to_status, at=at, actor=actor, note=note))

        if target == S.NEW:
            return events
        ack = rng.choices([0, 1, 2, 3, 4], [55, 30, 8, 5, 2])[0]
        at = self._later(rng, received, days=delay(0, ack, hub.acknowledge_days))
        draw = rng.random()
        if target == S.REJECTED or (not target and draw < 0.03):
            move(S.NEW, S.REJECTED, at, manager, rng.choice(REJECTION_REASONS))
            return events
        if not target and draw < 0.05:
            move(S.NEW, S.REFERRED, at, manager, rng.choice(REFERRAL_NOTES))
            return events
        move(S.NEW, S.QUALIFIED, at, manager)
        if target == S.QUALIFIED:
            return events

        assign = rng.choices([0, 1, 2, 3, 4, 6], [30, 30, 20, 10, 6, 4])[0]
        at = self._later(rng, at, days=delay(1, assign, hub.assign_days))
        draw = rng.random()
        if not target and draw < 0.01:
            move(S.QUALIFIED, S.REJECTED, at, manager, rng.choice(REJECTION_REASONS))
            return events
        if not target and draw < 0.02:
            move(S.QUALIFIED, S.REFERRED, at, manager, rng.choice(REFERRAL_NOTES))
            return events
        events.append(_Event(from_status=S.QUALIFIED, to_status=S.ASSIGNED, at=at, actor=manager, assignment=True))
        if target == S.ASSIGNED:
            return events

        contact = rng.choices(range(9), [10, 15, 15, 15, 10, 10, 10, 8, 7])[0]
        at = self._later(rng, at, days=delay(2, contact, hub.first_contact_days))
        if not target and rng.random() < 0.015:
            move(S.ASSIGNED, S.REFERRED, at, referent, rng.choice(REFERRAL_NOTES))
            return events
        move(S.ASSIGNED, S.IN_PROGRESS, at, referent)
        if target == S.IN_PROGRESS:
            return events

        waits, reopened = 0, False
        while True:
            at = self._later(rng, at, days=delay(3, rng.randint(1, 12), 5))
            draw = rng.random()
            if target == S.REFERRED or (not target and draw < 0.025):
                move(S.IN_PROGRESS, S.REFERRED, at, referent, rng.choice(REFERRAL_NOTES))
                return events
            if (target == S.WAITING_SME and not waits) or (not target and draw < 0.35 and waits < 2):
                move(S.IN_PROGRESS, S.WAITING_SME, at, referent, rng.choice(WAITING_NOTES))
                waits += 1
                if target == S.WAITING_SME:
                    return events
                at = self._later(rng, at, days=delay(4, rng.randint(1, 8), 8))
                if rng.random() < 0.15:
                    move(S.WAITING_SME, S.RESOLVED, at, referent)
                else:
                    move(S.WAITING_SME, S.IN_PROGRESS, at, by_sme_or(referent))
                    continue
            else:
                move(S.IN_PROGRESS, S.RESOLVED, at, referent)
            if target == S.RESOLVED:
                return events
            if not target and not reopened and rng.random() < 0.03:
                at = self._days_later(rng, at, rng.randint(2, 20))
                move(S.RESOLVED, S.IN_PROGRESS, at, by_sme_or(manager), "Le problème est revenu après l'intervention.")
                reopened = True
                continue
            break
        if not target and rng.random() >= 0.88:
            return events
        move(S.RESOLVED, S.CLOSED, self._days_later(rng, at, rng.randint(1, 35)), by_sme_or(manager))
        return events

    def _replay(self, rng: Random, case: Case, *, events: list[_Event], referent: User, topic: Topic) -> None:
        """Set the case's fields from its timeline as `cases.services` would have."""
        hub = self.hub
        for event in events[1:]:
            if event.assignment:
                case.assigned_to = referent
                case.assigned_at = event.at
                case.first_contact_due = self._due(event.at, hub.first_contact_days)
            else:
                to_status = event.to_status
                if case.status == S.NEW and case.acknowledged_at is None:
                    case.acknowledged_at = event.at
                if to_status == S.QUALIFIED:
                    case.assign_due = self._due(event.at, hub.assign_days)
                elif to_status == S.IN_PROGRESS and case.first_contact_at is None:
                    case.first_contact_at = event.at
                elif to_status == S.RESOLVED:
                    case.resolved_at = event.at
                    case.resolution_summary = topic.resolution
                elif to_status == S.CLOSED:
                    case.closed_at = event.at
                elif to_status == S.REJECTED:
                    case.rejection_reason = event.note
                elif to_status == S.REFERRED:
                    partner = rng.choice(self._partners_for(topic))
                    case.referred_to = partner
                    case.referred_to_name = partner.name
                if (case.status, to_status) == (S.RESOLVED, S.IN_PROGRESS):
                    case.resolved_at = None
            case.status = event.to_status
            case.version += 1

    def _partners_for(self, topic: Topic) -> list[Partner]:
        return [
            partner
            for partner in self.partners
            if topic.domain in partner.domains or partner.kind == topic.partner_kind
        ] or self.partners

    def _notes(self, rng: Random, case: Case, *, events: list[_Event], referent: User) -> list[CaseNote]:
        if len(events) < 2 or rng.random() >= 0.3:
            return []
        start, end = events[1].at, events[-1].at if case.status not in OPEN_STATUSES else self.cutoff
        notes = []
        for _ in range(rng.randint(1, 2)):
            at = start + (end - start) * rng.random()
            author = referent if case.assigned_to_id and at >= case.assigned_at else self.manager
            internal = rng.random() < 0.7
            notes.append(
                CaseNote(
                    case=case,
                    author=author,
                    visibility=CaseNote.Visibility.INTERNAL if internal else CaseNote.Visibility.SME,
                    body=rng.choice(INTERNAL_NOTES if internal else SME_MESSAGES),
                    created_at=at,
                )
            )
        return sorted(notes, key=lambda note: note.created_at)


def _resolutions(events: list[_Event]) -> tuple[Resolution, ...]:
    """Each resolution in a case's timeline, with the reopening that undid it."""
    resolutions = []
    for event in events:
        if event.to_status == S.RESOLVED:
            resolutions.append(Resolution(at=event.at, by=event.actor))
        elif (event.from_status, event.to_status) == (S.RESOLVED, S.IN_PROGRESS):
            resolutions[-1] = dataclasses.replace(resolutions[-1], reopened_at=event.at, reopened_by=event.actor)
    return tuple(resolutions)
