"""The generator's site visits, tied to a case or not, and the support they start. A part of
`hub.devtools.datagen.generator._Generator`."""

import bisect
import datetime
import uuid
from dataclasses import dataclass
from decimal import Decimal
from random import Random

from django.apps import apps

from cases.models import Case
from hub.devtools.datagen.cases import CaseSummary
from hub.devtools.datagen.tables import (
    FOLLOW_UP_OBSERVATIONS,
    INSTALLATION_OBSERVATION,
    NEXT_STEPS,
    OTHER_OBSERVATIONS,
    TRAINING_OBSERVATIONS,
    VISIT_OBSERVATIONS,
    of,
)
from hub.devtools.datagen.writes import BATCH_SIZE, m2m_with_history, with_history
from hub.models import User
from visits.models import Purpose, Visit
from visits.services import VisitInput


@dataclass(frozen=True, kw_only=True)
class Support:
    """When the plan saw an enterprise first supported: `logged` is when the first case assignment or visit
    reached the server, `at` the moment the baseline is due from (the assignment, the visit's start)."""

    logged: datetime.datetime
    at: datetime.datetime
    referent: User
    by: User | None


class VisitPhase:
    """Planning the visits, then writing them with the cases they worked on."""

    def _plan_visits(self) -> list[tuple[bool, int, datetime.datetime]]:
        """(linked to a case, enterprise index, moment) per visit. A linked visit takes its enterprise and
        moment from a case chosen later, unless no case has been worked on yet."""
        rng = self.rng("visit-plan")
        plan = []
        for _ in range(self.spec.visits):
            enterprise = rng.randrange(len(self.planned))
            moment = self._office_time(rng, rng.choice(self.working_days), earliest=8 * 60)
            plan.append((rng.random() < 0.55, enterprise, moment))
            self._touch(enterprise, moment)
        return plan

    def _write_visits(self, plan: list[tuple[bool, int, datetime.datetime]], summaries: list[CaseSummary]) -> None:
        rng = self.rng("visits")
        share_rng = self.rng("visit-shares")
        workable = [summary for summary in summaries if summary.first_contact_at and summary.referent]
        visited: set[int] = set()
        for start in range(0, len(plan), BATCH_SIZE):
            visits, links, linked_visits = [], [], []
            for linked, enterprise_index, moment in plan[start : start + BATCH_SIZE]:
                summary = rng.choice(workable) if linked and workable else None
                visit = self._visit(
                    rng, summary, enterprise_index, moment, first=summary is not None and summary.pk not in visited
                )
                if summary:
                    visited.add(summary.pk)
                    links.append((len(visits), [summary.pk]))
                    linked_visits.append((visit, summary))
                visits.append(visit)
            history = with_history(Visit, visits, at=lambda visit: visit.created_at, by=lambda visit: visit.referent)
            m2m_with_history(
                through=Visit.cases.through,
                history_model=apps.get_model("visits", "HistoricalVisit_cases"),
                history_rows=history,
                pairs=links,
            )
            self._count(Visit, len(visits))
            self._write_visit_shares(share_rng, linked_visits)

    def _supported(self, enterprise: int, support: Support) -> None:
        """Keep the enterprise's support that reached the server first: it planned the baseline."""
        known = self.support.get(enterprise)
        if known is None or support.logged < known.logged:
            self.support[enterprise] = support

    def _visit(
        self,
        rng: Random,
        summary: CaseSummary | None,
        enterprise_index: int,
        moment: datetime.datetime,
        *,
        first: bool,
    ) -> Visit:
        if summary:
            enterprise_index, topic, referent = summary.enterprise, summary.topic, summary.referent
            if first:
                moment = summary.first_contact_at + datetime.timedelta(minutes=rng.randint(0, 60))
                purpose = Purpose.DIAGNOSTIC
            else:
                until = min(summary.worked_until, summary.first_contact_at + datetime.timedelta(days=45))
                low = bisect.bisect_left(self.working_days, self._day(summary.first_contact_at))
                high = bisect.bisect_right(self.working_days, self._day(until))
                day = self.working_days[rng.randrange(low, high)] if low < high else self._day(until)
                moment = max(summary.first_contact_at + datetime.timedelta(minutes=30), self._office_time(rng, day))
                purpose = rng.choices([Purpose.FOLLOW_UP, Purpose.INSTALLATION, Purpose.TRAINING], [50, 30, 20])[0]
        else:
            planned = self.planned[enterprise_index]
            topic = rng.choice(self._topics(planned.kind))
            referent = self._referent_for(rng, domain=topic.domain, region=planned.region.code)
            purpose = rng.choices(
                [Purpose.DIAGNOSTIC, Purpose.FOLLOW_UP, Purpose.TRAINING, Purpose.OTHER], [35, 30, 15, 20]
            )[0]
        planned = self.planned[enterprise_index]
        enterprise = planned.instance
        duration = {
            Purpose.DIAGNOSTIC: (60, 180),
            Purpose.FOLLOW_UP: (30, 90),
            Purpose.TRAINING: (120, 300),
            Purpose.INSTALLATION: (120, 360),
            Purpose.OTHER: (30, 120),
        }[purpose]
        people = rng.randint(6, 35) if purpose == Purpose.TRAINING else rng.randint(1, 8)
        women_share = enterprise.employees_women / enterprise.employees_total if enterprise.employees_total else 0.5
        observations = {
            Purpose.DIAGNOSTIC: f"{topic.observation} {rng.choice(VISIT_OBSERVATIONS)}",
            Purpose.FOLLOW_UP: rng.choice(FOLLOW_UP_OBSERVATIONS),
            Purpose.TRAINING: rng.choice(TRAINING_OBSERVATIONS),
            Purpose.INSTALLATION: INSTALLATION_OBSERVATION,
            Purpose.OTHER: rng.choice(OTHER_OBSERVATIONS),
        }[purpose].format(n=enterprise.employees_total, people=people, of_equipment=of(topic.equipment))
        latitude = longitude = accuracy = None
        if rng.random() < 0.88:
            region = planned.region
            latitude = (
                float(enterprise.latitude) if enterprise.latitude is not None else rng.gauss(region.latitude, 0.02)
            )
            longitude = (
                float(enterprise.longitude) if enterprise.longitude is not None else rng.gauss(region.longitude, 0.02)
            )
            latitude = Decimal(f"{latitude + rng.gauss(0, 0.0003):.6f}")
            longitude = Decimal(f"{longitude + rng.gauss(0, 0.0003):.6f}")
            accuracy = rng.randint(4, 60)
        data = VisitInput(
            client_uuid=uuid.UUID(int=rng.getrandbits(128), version=4),
            enterprise=enterprise,
            started_at=moment,
            duration_minutes=rng.randint(*duration),
            purpose=purpose,
            observations=observations,
            needs_found=topic.need if purpose == Purpose.DIAGNOSTIC or rng.random() < 0.3 else "",
            recommendations=topic.recommendation if purpose != Purpose.OTHER else "",
            next_step=rng.choice(NEXT_STEPS) if rng.random() < 0.8 else "",
            follow_up_date=self._day(moment) + datetime.timedelta(days=rng.randint(7, 45))
            if rng.random() < 0.6
            else None,
            latitude=latitude,
            longitude=longitude,
            gps_accuracy_m=accuracy,
            people_reached_total=people,
            people_reached_women=sum(rng.random() < women_share for _ in range(people)),
            cases=[Case(pk=summary.pk)] if summary else [],
        )
        synced = datetime.timedelta(minutes=data.duration_minutes + rng.randint(2, 90))
        if rng.random() < 0.2:
            synced += datetime.timedelta(hours=rng.randint(1, 48))
        visit = Visit(
            hub=self.hub,
            referent=referent,
            content_hash=data.content_hash(),
            created_at=min(moment + synced, self.cutoff),
            **data.visit_fields(),
        )
        self._supported(enterprise_index, Support(logged=visit.created_at, at=moment, referent=referent, by=referent))
        return visit
