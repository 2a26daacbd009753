"""The report endpoints give the catalogue's figures (`hub.reports.figures`, issue 19): every figure a report
serializer gives is one of the catalogue, described by its definition, and every figure of the catalogue is
given. A figure added to a serializer and not to the catalogue, or to the catalogue and not to the API,
fails here."""

import datetime
import json

import pytest
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import translation
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from rest_framework import serializers

from api.serializers.reports import (
    BreakdownSerializer,
    EnterpriseImpactSerializer,
    ImpactSerializer,
    SummarySerializer,
    TargetsSerializer,
)
from cases.models import CaseStatus
from hub.models import FollowUp, HubTarget, TargetIndicator
from hub.reports.figures import (
    ACTIVITY,
    ANSWER_RATE,
    BACKLOG,
    BREAKDOWN_FIGURES,
    DELAYS,
    ENTERPRISES,
    FIGURES,
    IMPACT,
    SATISFACTION,
    TARGETS,
    TURNOVER,
)
from hub.reports.programme import full_report
from hub.reports.selectors import ReportFilters
from tests.factories import CaseFactory, FollowUpFactory, VisitFactory

ENDPOINTS = {
    "summary": SummarySerializer,
    "breakdown": BreakdownSerializer,
    "impact": ImpactSerializer,
    "impact/enterprises": EnterpriseImpactSerializer,
    "targets": TargetsSerializer,
}
"""The serializers of `/api/v1/reports/<endpoint>/` (api/viewsets/reports.py)."""
FIGURES_OF = {
    "ActivitySerializer": ACTIVITY.figures,
    "BreakdownRowSerializer": BREAKDOWN_FIGURES,
    "DelaySerializer": DELAYS.figures,
    "BacklogSerializer": BACKLOG.figures,
    "SatisfactionSerializer": SATISFACTION.figures,
    "ImpactSerializer": IMPACT.figures,
    "TurnoverSerializer": TURNOVER.figures,
    "AnswerLineSerializer": ANSWER_RATE.figures,
    "EnterpriseImpactSerializer": ENTERPRISES.figures,
    "TargetLineSerializer": TARGETS.figures,
}
"""The catalogue's figures each report serializer gives, all of them."""
STRUCTURAL = {
    "SummarySerializer": {"filters"},
    "BreakdownSerializer": {"by"},
    "BreakdownRowSerializer": {"key", "label"},
    "BacklogSerializer": {"min_days", "max_days"},
    "AnswerLineSerializer": {"label"},
    "EnterpriseImpactSerializer": {"enterprise", "name", "region"},
    "TargetsSerializer": {"year", "years", "omitted"},
    "HubTargetsSerializer": {"hub", "name"},
    "TargetLineSerializer": {"indicator", "year", "label"},
}
"""The fields that say what a row or the report is (the filters applied, a group, a stage, a year), not a
figure: not walked further."""


def leaves(serializer: serializers.Serializer, seen: set) -> list[tuple[str, str, serializers.Field]]:
    """Every (serializer class, field name, field) of a value under `serializer`, the structural fields left
    out; `seen` gathers the structural fields met, as (serializer class, field name)."""
    found = []
    owner = type(serializer).__name__
    for name, field in serializer.fields.items():
        if name in STRUCTURAL.get(owner, ()):
            seen.add((owner, name))
            continue
        inner = field.child if isinstance(field, serializers.ListSerializer) else field
        if isinstance(inner, serializers.Serializer):
            found += leaves(inner, seen)
        else:
            found.append((owner, name, field))
    return found


def walk() -> tuple[list[tuple[str, str, serializers.Field]], set]:
    seen = set()
    found = [leaf for serializer in ENDPOINTS.values() for leaf in leaves(serializer(), seen)]
    return found, seen


def test_every_figure_the_api_gives_is_a_catalogue_figure_described_by_its_definition():
    found, _seen = walk()
    for owner, name, field in found:
        assert owner in FIGURES_OF, f"{owner}.{name} is neither a catalogue figure nor an allowed structural field"
        figures = {figure.name: figure for figure in FIGURES_OF[owner]}
        figure = figures.get(field.source)
        assert figure is not None, f"{owner}.{name} gives a figure the catalogue lacks"
        assert str(field.help_text) == str(figure.definition), f"{owner}.{name}"


def test_every_figure_of_the_catalogue_is_given():
    found, seen = walk()
    given = {(owner, field.source) for owner, _name, field in found}
    for owner, figures in FIGURES_OF.items():
        assert {(owner, figure.name) for figure in figures} <= given, owner
    served = {figure.key for figures in FIGURES_OF.values() for figure in figures}
    assert served == set(FIGURES), "a section of the catalogue that the API does not give"
    assert seen == {(owner, name) for owner, names in STRUCTURAL.items() for name in names}


def test_the_api_keeps_its_names_for_the_amounts_per_enterprise():
    fields = EnterpriseImpactSerializer().fields
    renamed = {name: field.source for name, field in fields.items() if field.source != name}
    assert renamed == {
        "enterprise": "pk",
        "region": "region__name",
        "baseline_turnover_xof": "baseline_turnover",
        "latest_turnover_xof": "latest_turnover",
        "turnover_change_xof": "turnover_change",
        "investment_xof": "investment",
    }


def test_the_schema_describes_a_figure_by_its_definition():
    with translation.override("fr"):
        document = json.loads(OpenApiJsonRenderer().render(SchemaGenerator().get_schema(request=None, public=True)))
        schemas = document["components"]["schemas"]
        assert schemas["Impact"]["properties"]["net_promoter_score"]["description"] == str(
            FIGURES["impact.net_promoter_score"].definition
        )
        assert schemas["EnterpriseImpact"]["properties"]["baseline_turnover_xof"]["description"] == str(
            FIGURES["enterprises.baseline_turnover"].definition
        )


PERIOD = "date_from=2026-01-01&date_to=2026-12-31"


def at(month: int, day: int) -> datetime.datetime:
    return datetime.datetime(2026, month, day, 9, tzinfo=datetime.UTC)


@pytest.fixture
def report_data(hub, enterprise, referent):
    """A case resolved and rated 5, a visit of six people, a baseline turnover of 1 000 000 and a 6-month
    follow-up reporting 3 000 000, two jobs and 500 000 invested, and a target of four visits."""
    case = CaseFactory(
        enterprise=enterprise,
        status=CaseStatus.RESOLVED,
        received_at=at(3, 2),
        acknowledged_at=at(3, 3),
        first_contact_at=at(3, 4),
        resolved_at=at(3, 6),
        satisfaction_rating=5,
    )
    VisitFactory(enterprise=enterprise, referent=referent, started_at=at(3, 9), people_reached_total=6)
    FollowUpFactory(
        enterprise=enterprise,
        due_date=datetime.date(2026, 3, 2),
        collected_on=datetime.date(2026, 3, 2),
        turnover_xof=1_000_000,
        employees_total=3,
    )
    FollowUpFactory(
        case=case,
        kind=FollowUp.Kind.MONTH_6,
        due_date=datetime.date(2026, 9, 6),
        collected_on=datetime.date(2026, 9, 6),
        turnover_xof=3_000_000,
        jobs_created=2,
        investment_xof=500_000,
        recommend_score=10,
    )
    HubTarget.objects.create(hub=hub, year=2026, indicator=TargetIndicator.VISITS, value=4)


def plain(value):
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def test_the_api_gives_the_values_of_the_report(api, manager, report_data):
    client = api(manager)
    summary = client.get(f"/api/v1/reports/summary/?{PERIOD}").json()
    impact = client.get(f"/api/v1/reports/impact/?{PERIOD}").json()
    targets = client.get(f"/api/v1/reports/targets/?{PERIOD}").json()
    (enterprise,) = client.get(f"/api/v1/reports/impact/enterprises/?{PERIOD}").json()["results"]
    given = {**summary, "impact": impact, "targets": targets}
    report = plain(
        full_report(
            user=manager,
            filters=ReportFilters(date_from=datetime.date(2026, 1, 1), date_to=datetime.date(2026, 12, 31)),
        )
    )

    for section in (ACTIVITY, DELAYS, SATISFACTION, BACKLOG, IMPACT, TURNOVER, ANSWER_RATE):
        if section.table:
            assert section.data(given) == section.data(report), section.key
        else:
            assert dict(section.values(given)) == dict(section.values(report)), section.key
    assert (targets["hubs"], targets["total"]) == (report["targets"]["hubs"], report["targets"]["total"])
    assert (summary["activity"]["cases_received"], summary["activity"]["people_reached"]) == (1, 6)
    assert summary["service_quality"]["delays"]["resolve"]["median_days"] == 4.0
    assert summary["service_quality"]["satisfaction"]["mean"] == 5.0
    assert (impact["jobs_created"], impact["investment_xof"], impact["net_promoter_score"]) == (2, 500_000, 100)
    assert impact["turnover"]["change_xof"] == 2_000_000
    visits = next(line for line in targets["hubs"][0]["indicators"] if line["indicator"] == "visits")
    assert (visits["target"], visits["actual"], visits["share"]) == (4, 1, 0.25)
    assert {name: value for name, value in enterprise.items() if name not in {"enterprise", "name", "region"}} == {
        "baseline_turnover_xof": 1_000_000,
        "latest_turnover_xof": 3_000_000,
        "turnover_change_xof": 2_000_000,
        "baseline_employees": 3,
        "jobs_created": 2,
        "investment_xof": 500_000,
    }
