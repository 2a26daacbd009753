"""The report pages, their exports and the report command: who may read what, the same figures on the
page, in the exports and from the API, and clear errors for bad filters."""

import csv
import datetime
import html
import io
import re

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from cases.models import CaseStatus
from hub.models import HubTarget, TargetIndicator
from hub.reports.figures import ACTIVITY, FIGURES
from tests.factories import (
    AdminFactory,
    CaseFactory,
    EnterpriseFactory,
    FollowUpFactory,
    ReferentUserFactory,
    VisitFactory,
)

S = CaseStatus
PERIOD = "date_from=2026-01-01&date_to=2026-12-31"


def at(month: int, day: int) -> datetime.datetime:
    return datetime.datetime(2026, month, day, 9, tzinfo=datetime.UTC)


def resolved_before(enterprise):
    """A case closed before the period, for a 6- or 12-month follow-up to belong to."""
    return CaseFactory(
        enterprise=enterprise,
        status=S.CLOSED,
        received_at=datetime.datetime(2025, 1, 6, 9, tzinfo=datetime.UTC),
        resolved_at=datetime.datetime(2025, 1, 20, 9, tzinfo=datetime.UTC),
    )


@pytest.fixture
def data(hub, other_hub, enterprise, referent):
    other = EnterpriseFactory(hub=hub, name="Forge <Keïta> & fils", women_led=False)
    CaseFactory(
        enterprise=enterprise, received_at=at(2, 3), status=S.CLOSED, resolved_at=at(2, 10), assigned_to=referent
    )
    CaseFactory(enterprise=other, received_at=at(3, 3), status=S.IN_PROGRESS, first_contact_at=at(3, 4))
    CaseFactory(enterprise=other, received_at=at(3, 20))
    CaseFactory(hub=other_hub, received_at=at(3, 3))
    VisitFactory(enterprise=enterprise, referent=referent, started_at=at(2, 5), people_reached_total=3)
    VisitFactory(hub=other_hub, started_at=at(4, 5))
    FollowUpFactory(hub=hub, enterprise=other, kind="baseline", turnover_xof=10_000_000)
    FollowUpFactory(
        case=resolved_before(other),
        kind="m6",
        collected_on=datetime.date(2026, 8, 1),
        turnover_xof=12_000_000,
        jobs_created=2,
    )
    HubTarget.objects.create(hub=hub, year=2026, indicator=TargetIndicator.VISITS, value=10)


def test_a_manager_reads_the_hub_report_with_its_charts(client, manager, data):
    client.force_login(manager)
    response = client.get(f"/manage/reports/?{PERIOD}&by=sector")
    assert response.status_code == 200
    report = response.context["report"]
    assert (report["activity"]["cases_received"], report["activity"]["visits"]) == (3, 1)
    page = response.content.decode()
    assert page.count("<svg") == 6
    assert "Rapport du programme" in page
    assert "Forge &lt;Keïta&gt; &amp; fils" in page
    assert "<Keïta>" not in page
    assert "/manage/reports/records/cases/?" in page
    assert report["enterprises"][0]["turnover_change"] == 2_000_000


def test_bad_filters_are_explained_in_french_and_nothing_is_computed(client, manager, data):
    client.force_login(manager)
    response = client.get("/manage/reports/?date_from=2026-12-31&date_to=2026-01-01")
    assert response.status_code == 400
    assert "La fin de la période précède son début." in response.content.decode() or response.context["form"].errors
    assert response.context["report"] is None


def test_a_regional_viewer_reads_aggregates_of_every_hub_and_no_records(client, viewer, data):
    client.force_login(viewer)
    response = client.get(f"/manage/reports/?{PERIOD}")
    assert response.status_code == 200
    report = response.context["report"]
    assert report["activity"]["cases_received"] == 4
    assert report["enterprises"] is None
    assert "/manage/reports/records/" not in response.content.decode()
    assert client.get(f"/manage/reports/?{PERIOD}&by=referent").status_code == 400
    assert client.get(f"/manage/reports/records/cases/?{PERIOD}").status_code == 403


@pytest.mark.parametrize("user_fixture", ["referent", "sme_user"])
def test_referents_and_smes_cannot_read_reports(client, request, user_fixture, data):
    client.force_login(request.getfixturevalue(user_fixture))
    for url in ("/manage/reports/", "/manage/reports/export.pdf", "/manage/reports/records/cases/"):
        assert client.get(f"{url}?{PERIOD}").status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(client, data):
    assert client.get("/manage/reports/").status_code in (302, 403)


def test_the_exports_hold_the_figures_of_the_page(client, manager, data):
    client.force_login(manager)
    page = client.get(f"/manage/reports/?{PERIOD}").context["report"]["activity"]
    pdf = client.get(f"/manage/reports/export.pdf?{PERIOD}")
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    xlsx = client.get(f"/manage/reports/export.xlsx?{PERIOD}")
    book = openpyxl.load_workbook(io.BytesIO(xlsx.content))
    cells = [cell for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for cell in row]
    assert page["cases_received"] in cells and page["visits"] in cells
    text = client.get(f"/manage/reports/export.csv?{PERIOD}").content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert any(str(page["cases_received"]) in row for row in rows)


@pytest.mark.parametrize("fmt", ["pdf", "csv", "xlsx"])
def test_the_report_files_are_named_after_their_hub_and_period(client, manager, viewer, data, fmt):
    client.force_login(manager)
    response = client.get(f"/manage/reports/export.{fmt}?{PERIOD}")
    assert response["Content-Disposition"] == f'attachment; filename="rapport-ML-2026-01-01-2026-12-31.{fmt}"'
    client.force_login(viewer)
    response = client.get(f"/manage/reports/export.{fmt}?{PERIOD}")
    assert response["Content-Disposition"] == f'attachment; filename="rapport-hubs-2026-01-01-2026-12-31.{fmt}"'
    response = client.get(f"/manage/reports/export.{fmt}?{PERIOD}&hub=ML2")
    assert response["Content-Disposition"] == f'attachment; filename="rapport-ML2-2026-01-01-2026-12-31.{fmt}"'


def test_the_report_sheet_names_the_hub(client, manager, viewer, data):
    client.force_login(manager)
    book = openpyxl.load_workbook(io.BytesIO(client.get(f"/manage/reports/export.xlsx?{PERIOD}").content))
    assert {row[0]: row[1] for row in book["Rapport"].iter_rows(values_only=True)}["Hub"] == "HUB IIT Mali"
    text = client.get(f"/manage/reports/export.csv?{PERIOD}").content.decode("utf-8-sig")
    assert ["Hub", "HUB IIT Mali"] in list(csv.reader(io.StringIO(text), delimiter=";"))
    client.force_login(viewer)
    book = openpyxl.load_workbook(io.BytesIO(client.get(f"/manage/reports/export.xlsx?{PERIOD}").content))
    assert {row[0]: row[1] for row in book["Rapport"].iter_rows(values_only=True)}["Hub"] == "Tous les hubs"


def test_the_records_files_are_named_after_their_kind_hub_and_period(client, manager, data):
    client.force_login(manager)
    for fmt in ("csv", "xlsx"):
        response = client.get(f"/manage/reports/records/visits/?{PERIOD}&format={fmt}")
        assert response["Content-Disposition"] == f'attachment; filename="visits-ML-2026-01-01-2026-12-31.{fmt}"'


def test_the_records_behind_a_figure_list_exactly_those_counted(client, manager, data):
    client.force_login(manager)
    response = client.get(f"/manage/reports/records/cases/?{PERIOD}")
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 3
    export = client.get(f"/manage/reports/records/visits/?{PERIOD}&format=xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(export.content)).active
    assert sheet.max_row == 2
    assert client.get(f"/manage/reports/records/unknown/?{PERIOD}").status_code == 404


def test_the_visits_behind_the_report_are_listed_newest_first_with_their_referent(client, manager, hub, referent, data):
    mariam = ReferentUserFactory(hub=hub, first_name="Mariam", last_name="Traoré")
    enterprise = EnterpriseFactory(hub=hub)
    nameless = ReferentUserFactory(hub=hub, username="ibrahim", first_name="", last_name="")
    VisitFactory(enterprise=enterprise, referent=mariam, started_at=at(9, 14))
    VisitFactory(enterprise=enterprise, referent=mariam, started_at=at(1, 20))
    VisitFactory(enterprise=enterprise, referent=nameless, started_at=at(6, 2))
    client.force_login(manager)

    page = client.get(f"/manage/reports/records/visits/?{PERIOD}").content.decode()

    rows = re.findall(
        r'<tr><td><a href="/manage/visits/(\d+)/">([\d/]+)</a></td>.*?<td data-label="Référent">(.*?)</td>', page
    )
    assert [date for _pk, date, _name in rows] == ["14/09/2026", "02/06/2026", "05/02/2026", "20/01/2026"]
    names = [name for _pk, _date, name in rows]
    assert names == ["Mariam Traoré", "ibrahim", referent.get_full_name(), "Mariam Traoré"]
    for pk, _date, _name in rows:
        assert client.get(f"/manage/visits/{pk}/").status_code == 200


def test_the_exports_name_the_region_of_the_filter(client, manager, data):
    client.force_login(manager)
    query = f"{PERIOD}&region=ML-BKO"

    book = openpyxl.load_workbook(io.BytesIO(client.get(f"/manage/reports/export.xlsx?{query}").content))
    cover = {row[0]: row[1] for row in book["Rapport"].iter_rows(values_only=True)}
    assert cover["Région"] == "Bamako"
    assert [row[1] for row in book["Activité par région"].iter_rows(min_row=2, values_only=True)] == ["Bamako"]
    text = client.get(f"/manage/reports/export.csv?{query}").content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert ["Région", "Bamako"] in rows
    assert not any("ML-BKO" in row[1:] for row in rows)


@pytest.mark.parametrize(
    ("kind", "figure"),
    [("answered-cases", "cases_answered"), ("resolved-cases", "cases_resolved"), ("open-cases", None)],
)
def test_the_cases_answered_resolved_and_open_open_to_the_list_of_them(client, manager, data, kind, figure):
    CaseFactory(hub=manager.hub, received_at=at(1, 9) - datetime.timedelta(days=400), status=S.ASSIGNED)
    client.force_login(manager)
    report = client.get(f"/manage/reports/?{PERIOD}")

    response = client.get(f"/manage/reports/records/{kind}/?{PERIOD}")
    export = client.get(f"/manage/reports/records/{kind}/?{PERIOD}&format=csv")

    assert f"/manage/reports/records/{kind}/?{PERIOD}" in report.content.decode().replace("&amp;", "&")
    cases = list(response.context["page"])
    counted = (
        report.context["report"]["activity"][figure]
        if figure
        else sum(bucket["open_cases"] for bucket in report.context["report"]["service_quality"]["backlog_by_age"])
    )
    assert len(cases) == counted
    belongs = {
        "answered-cases": lambda case: case.first_contact_at is not None,
        "resolved-cases": lambda case: case.status in (S.RESOLVED, S.CLOSED),
        "open-cases": lambda case: case.is_open,
    }[kind]
    assert cases and all(belongs(case) for case in cases)
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig")), delimiter=";"))
    assert sorted(row[0] for row in rows[1:]) == sorted(case.reference for case in cases)


def test_the_enterprises_reached_open_to_the_list_of_them(client, manager, enterprise, data):
    client.force_login(manager)
    report = client.get(f"/manage/reports/?{PERIOD}")

    response = client.get(f"/manage/reports/records/enterprises/?{PERIOD}")
    export = client.get(f"/manage/reports/records/enterprises/?{PERIOD}&format=xlsx")

    assert f"/manage/reports/records/enterprises/?{PERIOD}" in report.content.decode().replace("&amp;", "&")
    names = [found.name for found in response.context["page"]]
    assert names == sorted([enterprise.name, "Forge <Keïta> & fils"])
    assert len(names) == report.context["report"]["activity"]["enterprises_reached"]
    rows = list(openpyxl.load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True))
    assert rows[0][0] == "Nom" and sorted(row[0] for row in rows[1:]) == names


@pytest.fixture
def due(hub, other_hub, enterprise, referent):
    """Follow-ups due in 2026: 6-month ones on time, on time self-reported, late and missing, a 12-month one
    self-reported late, a baseline missing; and, not counted, one due in 2025, one of the other hub."""
    day = datetime.date
    cases = [CaseFactory(enterprise=enterprise, status=S.RESOLVED, resolved_at=at(1, 9)) for _ in range(5)]
    for case, kind, due_date, collected_on, self_reported in [
        (cases[0], "m6", day(2026, 7, 9), day(2026, 7, 9), False),
        (cases[1], "m6", day(2026, 7, 10), day(2026, 7, 1), True),
        (cases[2], "m6", day(2026, 8, 3), day(2026, 9, 1), False),
        (cases[3], "m6", day(2026, 8, 4), None, False),
        (cases[0], "m12", day(2026, 10, 5), day(2026, 10, 20), True),
        (cases[4], "m6", day(2025, 12, 30), None, False),
    ]:
        FollowUpFactory(
            case=case,
            kind=kind,
            due_date=due_date,
            collected_on=collected_on,
            self_reported=self_reported,
            assigned_to=referent,
        )
    FollowUpFactory(enterprise=enterprise, kind="baseline", due_date=day(2026, 1, 20))
    FollowUpFactory(case=CaseFactory(hub=other_hub), kind="m6", due_date=day(2026, 7, 9))


@pytest.mark.parametrize(("kind", "line", "count"), [("due-followups", "total", 5), ("due-baselines", "baseline", 1)])
def test_the_follow_ups_due_open_to_the_list_of_them(client, manager, data, due, kind, line, count):
    client.force_login(manager)
    report = client.get(f"/manage/reports/?{PERIOD}")

    response = client.get(f"/manage/reports/records/{kind}/?{PERIOD}")
    export = client.get(f"/manage/reports/records/{kind}/?{PERIOD}&format=csv")
    sheet = client.get(f"/manage/reports/records/{kind}/?{PERIOD}&format=xlsx")

    figures = report.context["report"]["impact"]["followups_due"][line]
    assert f"/manage/reports/records/{kind}/?{PERIOD}" in report.content.decode().replace("&amp;", "&")
    followups = list(response.context["page"])
    assert len(followups) == figures["due"] == count
    assert sum(followup.answer == "missing" for followup in followups) == figures["missing"]
    assert sum(followup.answer.startswith("on_time") for followup in followups) == figures["on_time"]
    assert [followup.due_date for followup in followups] == sorted(followup.due_date for followup in followups)
    for followup in followups:
        assert f'href="/manage/followups/{followup.pk}/"' in response.content.decode()
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig")), delimiter=";"))
    assert len(rows) == 1 + count
    assert openpyxl.load_workbook(io.BytesIO(sheet.content)).active.max_row == 1 + count


def test_the_page_shows_the_answer_rate_and_the_nps_with_its_answers(client, manager, data, due):
    FollowUpFactory(
        case=CaseFactory(hub=manager.hub), kind="m6", collected_on=datetime.date(2026, 8, 2), recommend_score=9
    )
    client.force_login(manager)
    response = client.get(f"/manage/reports/?{PERIOD}")

    impact = response.context["report"]["impact"]
    # 6-month: 4 due, 3 collected (2 on time, 1 late), 1 self-reported; 12-month: 1 due, late, self-reported.
    assert [
        (line["due"], line["collected"], line["on_time"], line["late"], line["missing"], line["self_reported"])
        for line in impact["followups_due"].values()
    ] == [(4, 3, 2, 1, 1, 1), (1, 1, 0, 1, 0, 1), (5, 4, 2, 2, 1, 2), (1, 0, 0, 0, 1, 0)]
    total = impact["followups_due"]["total"]
    assert (total["answer_rate"], total["self_reported_share"]) == (0.4, 0.5)
    page = response.content.decode()
    start = page.index('id="answer-rate"')
    section = page[start : page.index("</table>", start)]
    assert "40,0\u202f%" in section and "50,0\u202f%" in section
    assert (impact["net_promoter_score"], impact["recommend_answers"]) == (100, 1)
    assert '<dd data-figure="impact.net_promoter_score">+100</dd>' in page
    assert '<dd data-figure="impact.recommend_answers">1</dd>' in page


def test_the_page_explains_the_90th_percentile_and_the_nps_where_it_shows_them(client, manager, data):
    client.force_login(manager)
    page = client.get(f"/manage/reports/?{PERIOD}").content.decode()

    with translation.override("fr"):
        p90, nps = (str(FIGURES[key].definition) for key in ("delays.p90_days", "impact.net_promoter_score"))
    quality = page[page.index("<h2>Qualité de service</h2>") : page.index('data-figure="satisfaction.rated"')]
    assert html.escape(p90) in quality
    impact = page[page.index('data-figure="impact.net_promoter_score"') : page.index('id="answer-rate"')]
    assert html.escape(nps) in impact


def test_a_regional_viewer_reads_the_answer_rate_but_not_the_follow_ups_due(client, viewer, data, due):
    client.force_login(viewer)
    response = client.get(f"/manage/reports/?{PERIOD}")
    assert response.context["report"]["impact"]["followups_due"]["total"]["due"] == 6  # and the other hub's
    assert "due-followups" not in response.content.decode()
    for kind in ("due-followups", "due-baselines"):
        assert client.get(f"/manage/reports/records/{kind}/?{PERIOD}").status_code == 403


def test_the_api_gives_the_same_breakdown_impact_and_targets(client, manager, data):
    client.force_login(manager)
    report = client.get(f"/manage/reports/?{PERIOD}&by=month").context["report"]
    breakdown = client.get(f"/api/v1/reports/breakdown/?{PERIOD}&by=month").json()
    assert [row["cases_received"] for row in breakdown["rows"]] == [row["cases_received"] for row in report["monthly"]]
    impact = client.get(f"/api/v1/reports/impact/?{PERIOD}").json()
    assert impact["jobs_created"] == report["impact"]["jobs_created"] == 2
    assert impact["followups_due"] == report["impact"]["followups_due"]
    assert (impact["net_promoter_score"], impact["recommend_answers"]) == (None, 0)
    targets = client.get(f"/api/v1/reports/targets/?{PERIOD}").json()
    visits = next(line for line in targets["hubs"][0]["indicators"] if line["indicator"] == "visits")
    assert (visits["target"], visits["actual"], visits["share"]) == (10, 1, 0.1)


def test_the_api_gives_the_impact_per_enterprise_of_the_page(client, manager, data):
    client.force_login(manager)
    report = client.get(f"/manage/reports/?{PERIOD}").context["report"]

    response = client.get(f"/api/v1/reports/impact/enterprises/?{PERIOD}")

    assert response.status_code == 200
    assert response.json()["results"] == [
        {
            "enterprise": row["pk"],
            "name": row["name"],
            "region": row["region__name"],
            "baseline_turnover_xof": row["baseline_turnover"],
            "latest_turnover_xof": row["latest_turnover"],
            "turnover_change_xof": row["turnover_change"],
            "baseline_employees": row["baseline_employees"],
            "jobs_created": row["jobs_created"],
            "investment_xof": row["investment"],
        }
        for row in report["enterprises"]
    ]
    assert [(row["name"], row["turnover_change_xof"], row["jobs_created"]) for row in response.json()["results"]] == [
        ("Forge <Keïta> & fils", 2_000_000, 2)
    ]


def test_the_impact_per_enterprise_pages_in_the_order_of_the_names(client, manager, hub, data):
    for name in ["Zinguerie Sow", "Atelier Bah", "Moulin Cissé"]:
        FollowUpFactory(case=resolved_before(EnterpriseFactory(hub=hub, name=name)), kind="m6", collected_on=at(8, 1))
    client.force_login(manager)
    names, url = [], f"/api/v1/reports/impact/enterprises/?{PERIOD}&page_size=2"
    while url:
        body = client.get(url).json()
        names += [row["name"] for row in body["results"]]
        url = body["next"]

    assert names == ["Atelier Bah", "Forge <Keïta> & fils", "Moulin Cissé", "Zinguerie Sow"]
    assert names == [row["name"] for row in client.get(f"/manage/reports/?{PERIOD}").context["report"]["enterprises"]]


def test_the_page_shows_the_first_50_enterprises_followed_up_and_the_spreadsheet_all(client, manager, hub, data):
    for index in range(51):
        enterprise = EnterpriseFactory(hub=hub, name=f"Atelier {index:02d}")
        FollowUpFactory(case=resolved_before(enterprise), kind="m6", collected_on=datetime.date(2026, 8, 1))
    client.force_login(manager)

    response = client.get(f"/manage/reports/?{PERIOD}")
    book = openpyxl.load_workbook(io.BytesIO(client.get(f"/manage/reports/export.xlsx?{PERIOD}").content))

    shown = [row["name"] for row in response.context["report"]["enterprises"]]
    assert shown == [f"Atelier {index:02d}" for index in range(50)]
    assert "Seules les 50 premières sont affichées" in response.content.decode()
    cells = {cell for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for cell in row}
    assert {"Atelier 50", "Forge <Keïta> & fils"} <= cells


def test_the_impact_per_enterprise_is_for_hub_staff_only(client, viewer, data):
    client.force_login(viewer)
    response = client.get(f"/api/v1/reports/impact/enterprises/?{PERIOD}")
    assert response.status_code == 403
    assert "Forge" not in response.content.decode()


def test_the_report_command_writes_the_pdf_and_the_spreadsheet(tmp_path, data):
    AdminFactory()
    output = tmp_path / "report.pdf"
    call_command("report", "--hub", "ML", "--from", "2026-01-01", "--to", "2026-12-31", "--output", str(output))
    assert output.read_bytes().startswith(b"%PDF")
    sheet = tmp_path / "report.xlsx"
    call_command(
        "report",
        "--hub",
        "ML",
        "--from",
        "2026-01-01",
        "--to",
        "2026-12-31",
        "--format",
        "xlsx",
        "--output",
        str(sheet),
    )
    assert openpyxl.load_workbook(sheet).worksheets
    with pytest.raises(CommandError, match="No hub"):
        call_command("report", "--hub", "ZZ", "--from", "2026-01-01", "--to", "2026-12-31", "--output", str(output))
    with pytest.raises(CommandError, match="before"):
        call_command("report", "--from", "2026-12-31", "--to", "2026-01-01", "--output", str(output))


@pytest.mark.parametrize("path", ["/manage/reports/", "/manage/reports/export.pdf", "/manage/reports/export.xlsx"])
def test_a_period_ending_in_9999_is_refused_in_french_not_a_server_error(client, manager, path):
    client.force_login(manager)
    response = client.get(path, {"date_from": "2026-01-01", "date_to": "9999-12-31"})
    assert response.status_code == 400
    assert response.context["form"].errors["date_to"] == ["Choisissez une date du 01/01/2000 au 31/12/2100."]


def test_the_report_command_refuses_a_period_out_of_the_report_dates(manager):
    with pytest.raises(CommandError, match="2100"):
        call_command("report", "--from", "2026-01-01", "--to", "9999-12-31", "--format", "json", "--output", "-")


def test_the_report_command_writes_in_portuguese_too(tmp_path, data):
    AdminFactory()
    sheet = tmp_path / "relatorio.xlsx"
    dates = ["--from", "2026-01-01", "--to", "2026-12-31"]
    call_command("report", "--hub", "ML", *dates, "--format", "xlsx", "--language", "pt", "--output", str(sheet))
    with translation.override("pt"):
        activity = str(ACTIVITY.title)
    assert activity != "Activity"
    assert activity in openpyxl.load_workbook(sheet).sheetnames
