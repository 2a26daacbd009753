"""Every figure and record a page shows opens somewhere, and the menus list each place once."""

import re

import pytest
from django.urls import reverse

from cases.models import CaseStatus
from tests.factories import CaseFactory, EnterpriseFactory, VisitFactory


def links(html: str) -> list[str]:
    return [href.replace("&amp;", "&") for href in re.findall(r'href="([^"#]+)"', html)]


def figure_links(html: str) -> dict[str, str]:
    """The manager home's figures: their label and where they lead."""
    found = re.findall(r'<a class="figure[^"]*" href="([^"]+)"><strong>\d+</strong><span>([^<]+)</span>', html)
    return {label: href.replace("&amp;", "&") for href, label in found}


def menu(html: str) -> list[tuple[str, str]]:
    nav = re.search(r'<nav class="menu">(.*?)</nav>', html).group(1)
    return re.findall(r'<a href="([^"]+)"[^>]*>([^<]+)</a>', nav)


@pytest.fixture
def workload(enterprise, hub):
    """Two new requests, one overdue case in progress, one resolved case, and another hub's new request."""
    new = [CaseFactory(enterprise=enterprise), CaseFactory(enterprise=EnterpriseFactory(hub=hub))]
    late = CaseFactory(enterprise=enterprise, status=CaseStatus.IN_PROGRESS, resolve_due="2020-01-01")
    CaseFactory(enterprise=enterprise, status=CaseStatus.RESOLVED)
    CaseFactory(enterprise=EnterpriseFactory(hub__code="NE", hub__country="NE"))
    return {"new": new, "late": late}


@pytest.mark.parametrize("user_fixture", ["manager", "admin_user"])
def test_each_figure_of_the_manager_home_opens_the_case_list_with_the_cases_it_counts(
    client, request, workload, user_fixture
):
    client.force_login(request.getfixturevalue(user_fixture))
    response = client.get("/manage/")
    counts = response.context["counts"]
    figures = figure_links(response.content.decode())
    assert set(figures) == {
        "nouvelles demandes à trier",
        "demandes ouvertes",
        "demandes en retard",
        "entreprises dans l’annuaire",
    }, figures
    expected = {
        "nouvelles demandes à trier": counts["new"],
        "demandes ouvertes": counts["open"],
        "demandes en retard": counts["overdue"],
    }
    for label, count in expected.items():
        listed = client.get(figures[label])
        assert listed.status_code == 200
        assert listed.context["page"].paginator.count == count, label
    late = client.get(figures["demandes en retard"]).context["page"].object_list
    assert workload["late"] in late
    directory = client.get(figures["entreprises dans l’annuaire"])
    assert directory.context["page"].paginator.count == response.context["enterprise_count"]


def test_the_managers_latest_requests_open_each_case(client, manager, workload):
    client.force_login(manager)
    html = client.get("/manage/").content.decode()
    for case in [*workload["new"], workload["late"]]:
        path = reverse("manage-cases:detail", args=[case.pk])
        assert f'href="{path}">{case.reference}</a>' in html
        assert client.get(path).status_code == 200


def test_the_viewers_home_links_to_no_record(client, viewer, workload):
    client.force_login(viewer)
    html = client.get("/manage/").content.decode()
    assert figure_links(html) == {}
    assert not [href for href in links(html) if href.startswith(("/manage/cases/", "/manage/enterprises/"))]


@pytest.mark.parametrize(
    ("user_fixture", "home", "expected"),
    [
        (
            "manager",
            "/manage/",
            ["Demandes", "Entreprises", "Référents", "Suivis", "Bibliothèque", "Rapports", "Équipe", "Jours fériés"],
        ),
        (
            "admin_user",
            "/manage/",
            [
                "Demandes",
                "Entreprises",
                "Référents",
                "Suivis",
                "Bibliothèque",
                "Rapports",
                "Équipe",
                "Jours fériés",
                "Hubs",
            ],
        ),
        ("viewer", "/manage/", ["Rapports"]),
        ("referent", "/m/", ["Ma journée", "Nouvelle visite", "Fiches", "Entreprises"]),
        ("sme_user", "/portal/", ["Mes demandes", "Fiches techniques"]),
    ],
)
def test_each_roles_menu_lists_each_place_once_and_each_opens(client, request, hub, user_fixture, home, expected):
    client.force_login(request.getfixturevalue(user_fixture))
    entries = menu(client.get(home).content.decode())
    assert [label for _url, label in entries] == expected
    urls = [url for url, _label in entries]
    assert len(set(urls)) == len(urls)
    for url in urls:
        assert client.get(url).status_code == 200, url


def test_the_referents_pages_are_in_the_managers_menu_only(client, manager, referent):
    client.force_login(manager)
    assert (reverse("directory:referent-list"), "Référents") in menu(client.get("/manage/").content.decode())
    client.force_login(referent)
    assert reverse("directory:referent-list") not in dict(menu(client.get("/m/").content.decode()))


@pytest.fixture
def visited_case(enterprise, referent):
    """A case of the enterprise, and the referent's visit linked to it."""
    case = CaseFactory(enterprise=enterprise, status=CaseStatus.IN_PROGRESS, assigned_to=referent)
    visit = VisitFactory(referent=referent, enterprise=enterprise)
    visit.cases.add(case)
    return case, visit


@pytest.mark.parametrize("user_fixture", ["manager", "admin_user"])
def test_the_visits_on_a_case_an_enterprise_and_a_referent_open_the_visit(
    client, request, visited_case, referent, user_fixture
):
    case, visit = visited_case
    client.force_login(request.getfixturevalue(user_fixture))
    visit_page = reverse("manage-visits:detail", args=[visit.pk])
    pages = [
        reverse("manage-cases:detail", args=[case.pk]),
        reverse("directory:enterprise-detail", args=[case.enterprise_id]),
        reverse("directory:referent-detail", args=[referent.pk]),
    ]
    for page in pages:
        assert visit_page in links(client.get(page).content.decode()), page
    assert client.get(visit_page).status_code == 200
