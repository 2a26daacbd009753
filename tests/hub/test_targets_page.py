"""The hub's yearly targets page (/manage/reports/targets/): managers set their hub's, administrators any
hub's; every change is in the history; a refused value saves nothing."""

import pytest

from hub.models import HubTarget, TargetIndicator

URL = "/manage/reports/targets/"
T = TargetIndicator


def targets(hub, year: int = 2026) -> dict[str, int]:
    return dict(HubTarget.objects.filter(hub=hub, year=year).values_list("indicator", "value"))


def test_a_manager_sets_the_year_targets_of_the_hub(as_manager, hub):
    response = as_manager.post(
        f"{URL}?year=2026", {T.VISITS: "240", T.CASES_RECEIVED: "300", T.SATISFIED_PERCENT: "80"}
    )

    assert response.status_code == 302
    assert targets(hub) == {T.VISITS: 240, T.CASES_RECEIVED: 300, T.SATISFIED_PERCENT: 80}
    page = as_manager.get(response["Location"]).content.decode()
    assert "Les objectifs 2026 sont enregistrés." in page
    assert 'value="240"' in page


def test_a_changed_value_is_kept_in_the_history_and_an_emptied_one_removed(as_manager, hub):
    as_manager.post(f"{URL}?year=2026", {T.VISITS: "240", T.JOBS_CREATED: "50"})
    as_manager.post(f"{URL}?year=2026", {T.VISITS: "260", T.JOBS_CREATED: ""})

    assert targets(hub) == {T.VISITS: 260}
    visits = HubTarget.objects.get(hub=hub, year=2026, indicator=T.VISITS)
    assert [record.value for record in visits.history.order_by("history_date")] == [240, 260]
    assert HubTarget.history.filter(indicator=T.JOBS_CREATED, history_type="-").count() == 1


def test_a_refused_value_saves_nothing_and_says_why_in_french(as_manager, hub):
    HubTarget.objects.create(hub=hub, year=2026, indicator=T.VISITS, value=240)

    response = as_manager.post(
        f"{URL}?year=2026", {T.VISITS: "300", T.SATISFIED_PERCENT: "120", T.CASES_RECEIVED: "-4"}
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert "Rien n’a été enregistré" in page or "Rien n'a été enregistré" in page
    assert "inférieure ou égale à 100" in page and "supérieure ou égale à 0" in page
    assert targets(hub) == {T.VISITS: 240}


def test_a_manager_sets_only_the_own_hub_whatever_the_address_says(as_manager, hub, other_hub):
    as_manager.post(f"{URL}?hub={other_hub.code}&year=2026", {T.VISITS: "10"})

    assert targets(hub) == {T.VISITS: 10}
    assert targets(other_hub) == {}


def test_an_administrator_picks_the_hub(client, admin_user, hub, other_hub):
    client.force_login(admin_user)

    client.post(f"{URL}?hub={other_hub.code}&year=2027", {T.VISITS: "12"})

    assert targets(other_hub, 2027) == {T.VISITS: 12}
    assert client.get(f"{URL}?hub=NOPE").status_code == 404


@pytest.mark.parametrize("year", ["1999", "20x6", "3000"])
def test_a_year_out_of_bounds_is_not_found(as_manager, year):
    assert as_manager.get(f"{URL}?year={year}").status_code == 404


@pytest.mark.parametrize("user_fixture", ["referent", "viewer", "sme_user"])
def test_other_roles_cannot_set_targets(client, request, hub, user_fixture):
    client.force_login(request.getfixturevalue(user_fixture))
    assert client.post(f"{URL}?year=2026", {T.VISITS: "1"}).status_code == 403
    assert targets(hub) == {}


def test_the_report_sets_its_figures_against_the_targets_set_here(as_manager, hub):
    as_manager.post(f"{URL}?year=2026", {T.VISITS: "40"})

    report = as_manager.get("/manage/reports/?date_from=2026-01-01&date_to=2026-12-31").context["report"]

    lines = {line["indicator"]: line for line in report["targets"]["hubs"][0]["indicators"]}
    assert lines[T.VISITS]["target"] == 40
