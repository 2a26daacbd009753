"""A referent opens one of their visits from their day on the phone: what was recorded, the cases it worked
on (those they can open are links), its photos; another referent's visit is not found."""

import pytest

from tests.factories import CaseFactory, ReferentUserFactory, VisitFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def visit(referent, enterprise):
    visit = VisitFactory(referent=referent, enterprise=enterprise, observations="Séchoir à claies, pertes à la pluie")
    visit.cases.add(CaseFactory(enterprise=enterprise, assigned_to=referent, title="Séchoir solaire"))
    return visit


def test_the_home_opens_each_recent_visit(client, referent, visit):
    client.force_login(referent)
    assert f'href="/m/visits/{visit.pk}/"' in client.get("/m/").content.decode()


def test_the_visit_page_shows_what_was_recorded_and_opens_the_case(client, referent, visit):
    client.force_login(referent)
    page = client.get(f"/m/visits/{visit.pk}/").content.decode()
    assert "Séchoir à claies, pertes à la pluie" in page
    assert f'href="/m/cases/{visit.cases.get().pk}/"' in page
    assert "Karité Plus SARL" in page
    assert "/manage/" not in page.split("<main", 1)[-1]


def test_another_referents_visit_is_not_found(client, hub, visit):
    client.force_login(ReferentUserFactory(hub=hub))
    assert client.get(f"/m/visits/{visit.pk}/").status_code == 404


def test_the_page_reads_in_a_fixed_number_of_queries(client, referent, enterprise, visit, django_assert_num_queries):
    for _case in range(3):
        visit.cases.add(CaseFactory(enterprise=enterprise, assigned_to=referent))
    client.force_login(referent)
    with django_assert_num_queries(6):
        assert client.get(f"/m/visits/{visit.pk}/").status_code == 200
