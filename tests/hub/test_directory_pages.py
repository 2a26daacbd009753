"""The managers' directory: enterprises with their cases, visits and follow-ups, and referents with their
workload. Each role reaches only what it may; counts come from the database in a fixed number of queries."""

import datetime

import pytest
from django.utils import timezone

from cases.models import CaseStatus
from hub.models import AdministrativeUnit, Enterprise, FollowUp
from tests.factories import (
    CaseFactory,
    EnterpriseFactory,
    FollowUpFactory,
    ReferentUserFactory,
    SmeUserFactory,
    VisitFactory,
)

LIST = "/manage/enterprises/"
NEW = "/manage/enterprises/new/"
REFERENTS = "/manage/referents/"
S = CaseStatus


def detail(enterprise) -> str:
    return f"/manage/enterprises/{enterprise.pk}/"


def edit(enterprise) -> str:
    return f"/manage/enterprises/{enterprise.pk}/edit/"


def referent_page(user) -> str:
    return f"/manage/referents/{user.pk}/"


def text(response) -> str:
    return response.content.decode()


def listed(response) -> list[str]:
    return [enterprise.name for enterprise in response.context["page"]]


def days_ago(days: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days)


def valid_form(**changes) -> dict:
    """What a manager types to register an enterprise, with `changes` on top."""
    data = {
        "name": "Savonnerie Djoliba",
        "rccm": "MA.BKO.2024.B.1234",
        "sector": "C",
        "activity": "Savon au karité",
        "turnover_band": "lt30m",
        "region": "ML-SIK",
        "commune": "Sikasso",
        "owner_name": "Fatoumata Coulibaly",
        "owner_phone": "76 54 32 10",
        "employees_total": "6",
        "employees_women": "4",
        "women_led": "on",
        "consent_given": "on",
        "consent_date": "2026-01-15",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


class TestAccess:
    def test_anonymous_visitors_are_sent_to_sign_in(self, client, enterprise):
        for path in [LIST, detail(enterprise), NEW, edit(enterprise), REFERENTS]:
            response = client.get(path)
            assert response.status_code == 302
            assert response["Location"].startswith("/login/")

    @pytest.mark.parametrize("role", ["sme_user", "viewer"])
    def test_sme_users_and_viewers_are_refused_everything(self, client, request, role, enterprise, referent):
        client.force_login(request.getfixturevalue(role))
        for path in [LIST, detail(enterprise), NEW, edit(enterprise), REFERENTS, referent_page(referent)]:
            assert client.get(path).status_code == 403, path
        assert client.post(edit(enterprise), valid_form(name="Pris")).status_code == 403
        enterprise.refresh_from_db()
        assert enterprise.name == "Karité Plus SARL"

    def test_referents_read_the_directory_but_cannot_change_it(self, as_referent, enterprise, referent):
        assert as_referent.get(LIST).status_code == 200
        assert as_referent.get(detail(enterprise)).status_code == 200
        assert as_referent.get(NEW).status_code == 403
        assert as_referent.get(edit(enterprise)).status_code == 403
        assert as_referent.post(NEW, valid_form()).status_code == 403
        assert as_referent.post(edit(enterprise), valid_form(name="Pris")).status_code == 403
        assert as_referent.get(REFERENTS).status_code == 403
        assert as_referent.get(referent_page(referent)).status_code == 403
        enterprise.refresh_from_db()
        assert enterprise.name == "Karité Plus SARL"
        assert Enterprise.objects.count() == 1

    def test_another_hubs_enterprise_answers_like_a_missing_one(self, as_manager, other_enterprise):
        missing = "/manage/enterprises/999999/"
        assert as_manager.get(detail(other_enterprise)).status_code == as_manager.get(missing).status_code == 404
        assert as_manager.get(edit(other_enterprise)).status_code == 404
        assert as_manager.get(f"{missing}edit/").status_code == 404
        assert as_manager.post(edit(other_enterprise), valid_form(name="Pris")).status_code == 404
        other_enterprise.refresh_from_db()
        assert other_enterprise.name == "Moulin du Fleuve"

    def test_another_hubs_referent_answers_like_a_missing_one(self, as_manager, other_referent, manager):
        assert as_manager.get(referent_page(other_referent)).status_code == 404
        assert as_manager.get("/manage/referents/999999/").status_code == 404
        assert as_manager.get(referent_page(manager)).status_code == 404, "a manager has no referent page"

    def test_administrators_see_every_hubs_enterprises_and_referents(
        self, client, admin_user, enterprise, other_enterprise, referent, other_referent
    ):
        client.force_login(admin_user)
        assert set(listed(client.get(LIST))) == {"Karité Plus SARL", "Moulin du Fleuve"}
        assert client.get(detail(other_enterprise)).status_code == 200
        page = text(client.get(REFERENTS))
        assert referent.last_name in page
        assert other_referent.last_name in page
        assert client.get(referent_page(other_referent)).status_code == 200


class TestDirectory:
    def test_lists_only_the_hubs_enterprises(self, as_manager, enterprise, other_enterprise):
        assert listed(as_manager.get(LIST)) == ["Karité Plus SARL"]

    @pytest.mark.parametrize(
        "query",
        ["djoliba", "COULIBALY", "76 54 32 10", "+223 76543210", "0022376543210", "B.1234", "médine"],
    )
    def test_search_by_name_owner_phone_rccm_or_commune(self, as_manager, enterprise, hub, query):
        EnterpriseFactory(
            hub=hub,
            name="Savonnerie Djoliba",
            owner_name="Fatoumata Coulibaly",
            owner_phone="+22376543210",
            rccm="MA.BKO.2024.B.1234",
            commune="Médine",
        )
        assert listed(as_manager.get(LIST, {"q": query})) == ["Savonnerie Djoliba"]

    def test_a_region_rolls_up_the_regions_carved_from_it(self, as_manager, hub, enterprise):
        EnterpriseFactory(hub=hub, name="Huilerie de Koutiala", region=AdministrativeUnit.objects.get(code="ML-KTL"))
        EnterpriseFactory(hub=hub, name="Sikasso Fruits", region=AdministrativeUnit.objects.get(code="ML-SIK"))
        assert listed(as_manager.get(LIST, {"region": "ML-SIK"})) == ["Huilerie de Koutiala", "Sikasso Fruits"]
        assert listed(as_manager.get(LIST, {"region": "ML-KTL"})) == ["Huilerie de Koutiala"]

    def test_sector_size_class_and_women_led_filters(self, as_manager, hub, enterprise):
        EnterpriseFactory(hub=hub, name="Boulangerie", sector="I", women_led=False, employees_total=15)
        assert listed(as_manager.get(LIST, {"sector": "I"})) == ["Boulangerie"]
        assert listed(as_manager.get(LIST, {"size_class": "small"})) == ["Boulangerie"]
        assert listed(as_manager.get(LIST, {"size_class": "micro"})) == ["Karité Plus SARL"]
        assert listed(as_manager.get(LIST, {"women_led": "true"})) == ["Karité Plus SARL"]
        assert listed(as_manager.get(LIST, {"women_led": "false", "sector": "I"})) == ["Boulangerie"]

    def test_fifty_a_page_and_page_links_keep_the_filters(self, as_manager, hub):
        for number in range(55):
            EnterpriseFactory(hub=hub, name=f"Atelier {number:02d}", women_led=True)
        EnterpriseFactory(hub=hub, name="Atelier des hommes", women_led=False)
        first = as_manager.get(LIST, {"q": "atelier", "women_led": "true"})
        assert len(listed(first)) == 50
        assert first.context["page"].paginator.count == 55
        assert 'href="?q=atelier&amp;women_led=true&amp;page=2"' in text(first)
        second = as_manager.get(LIST, {"q": "atelier", "women_led": "true", "page": "2"})
        assert listed(second) == [f"Atelier {number}" for number in range(50, 55)]
        assert 'href="?q=atelier&amp;women_led=true&amp;page=1"' in text(second)

    def test_each_row_counts_open_cases_and_shows_the_last_visit(self, as_manager, hub, enterprise):
        for status in [S.NEW, S.ASSIGNED, S.WAITING_SME, S.RESOLVED, S.CLOSED, S.REJECTED]:
            CaseFactory(enterprise=enterprise, status=status)
        latest = timezone.now() - datetime.timedelta(days=3)
        VisitFactory(enterprise=enterprise, started_at=latest)
        VisitFactory(enterprise=enterprise, started_at=latest - datetime.timedelta(days=40))
        quiet = EnterpriseFactory(hub=hub, name="Zinguerie calme")
        rows = {row.name: row for row in as_manager.get(LIST).context["page"]}
        assert rows["Karité Plus SARL"].open_cases == 3
        assert rows["Karité Plus SARL"].last_visit_at == latest
        assert rows[quiet.name].open_cases == 0
        assert rows[quiet.name].last_visit_at is None

    @pytest.mark.parametrize("count", [5, 40])
    def test_the_query_count_does_not_grow_with_the_enterprises(
        self, as_manager, hub, count, django_assert_num_queries
    ):
        for _ in range(count):
            enterprise = EnterpriseFactory(hub=hub)
            CaseFactory(enterprise=enterprise, status=S.IN_PROGRESS)
            VisitFactory(enterprise=enterprise)
        with django_assert_num_queries(5):
            response = as_manager.get(LIST, {"q": "entreprise", "region": "ML-BKO"})
        assert len(listed(response)) == count


class TestEnterprisePage:
    def test_shows_the_details(self, as_manager, enterprise):
        page = text(as_manager.get(detail(enterprise)))
        for expected in ["Karité Plus SARL", enterprise.owner_name, "+223 76 12 34 56", "Bamako", "Commune III"]:
            assert expected in page
        assert "Micro-entreprise" in page
        assert "dirigée par une femme" in page

    def test_cases_link_to_the_case_page_for_managers_with_overdue_flagged(self, as_manager, enterprise, hub):
        late = CaseFactory(enterprise=enterprise, status=S.IN_PROGRESS, resolve_due=days_ago(3))
        on_time = CaseFactory(enterprise=enterprise, status=S.IN_PROGRESS, resolve_due=days_ago(-5))
        CaseFactory(enterprise=EnterpriseFactory(hub=hub), title="Autre entreprise")
        response = as_manager.get(detail(enterprise))
        cases = {case.pk: case for case in response.context["cases"]}
        assert set(cases) == {late.pk, on_time.pk}
        assert cases[late.pk].is_overdue
        assert not cases[on_time.pk].is_overdue
        page = text(response)
        assert f'href="/manage/cases/{late.pk}/"' in page
        assert "Autre entreprise" not in page
        assert page.count('class="overdue"') == 1

    def test_referents_see_references_without_the_managers_case_link(self, as_referent, enterprise):
        case = CaseFactory(enterprise=enterprise)
        page = text(as_referent.get(detail(enterprise)))
        assert case.reference in page
        assert f"/manage/cases/{case.pk}/" not in page
        assert "/edit/" not in page
        assert "/accounts/invite/" not in page

    def test_visits_follow_ups_and_portal_users(self, as_manager, enterprise, hub):
        visitor = ReferentUserFactory(hub=hub, first_name="Seydou", last_name="Keïta")
        VisitFactory(enterprise=enterprise, referent=visitor, purpose="training")
        resolved = CaseFactory(enterprise=enterprise, status=S.RESOLVED)
        FollowUpFactory(enterprise=enterprise, due_date=days_ago(200), collected_on=days_ago(199), employees_total=5)
        FollowUpFactory(
            enterprise=enterprise,
            case=resolved,
            kind=FollowUp.Kind.MONTH_6,
            due_date=days_ago(10),
            collected_on=days_ago(8),
            jobs_created=2,
            turnover_xof=12500000,
            technology_adopted=True,
        )
        SmeUserFactory(enterprise=enterprise, first_name="Mariam", last_name="Sangaré")
        SmeUserFactory(enterprise=EnterpriseFactory(hub=hub), first_name="Oumar", last_name="Ailleurs")
        page = text(as_manager.get(detail(enterprise)))
        assert "Seydou Keïta" in page
        assert "Formation" in page
        assert "Situation de référence" in page
        assert "Suivi à 6 mois" in page
        followup = FollowUp.objects.get(case=resolved)
        link = f'<a href="/manage/followups/{followup.pk}/">Suivi à 6 mois</a>'
        assert f'{link} <span class="muted">{resolved.reference}</span>' in page
        visit = enterprise.visits.get()
        assert f'<a href="/manage/visits/{visit.pk}/">' in page
        assert "emplois créés : 2" in page
        assert "chiffre d’affaires annuel (FCFA) : 12\xa0500\xa0000" in page
        assert "technologie adoptée : Oui" in page
        assert "Mariam Sangaré" in page
        assert "Ailleurs" not in page

    def test_managers_get_the_invitation_link(self, as_manager, enterprise):
        page = text(as_manager.get(detail(enterprise)))
        assert f'href="/accounts/invite/{enterprise.pk}/"' in page
        assert f'href="/manage/enterprises/{enterprise.pk}/edit/"' in page

    def test_managers_read_who_registered_and_changed_the_enterprise(self, as_manager, manager):
        as_manager.post(NEW, valid_form())
        enterprise = Enterprise.objects.get()
        as_manager.post(edit(enterprise), valid_form(name="Savonnerie Djoliba SA", commune="Kalaban Coro"))
        changes = as_manager.get(detail(enterprise)).context["changes"]
        assert [(change.by, [str(field) for field in change.fields]) for change in changes] == [
            (manager, ["nom", "commune"]),
            (manager, []),
        ]
        assert [(field.before, field.after) for field in changes[0].fields] == [
            ("Savonnerie Djoliba", "Savonnerie Djoliba SA"),
            ("Sikasso", "Kalaban Coro"),
        ]

    def test_referents_do_not_read_the_history(self, as_referent, enterprise):
        assert as_referent.get(detail(enterprise)).context["changes"] is None


class TestRegisterAndEdit:
    def test_a_manager_registers_an_enterprise_in_the_hub(self, as_manager, hub):
        response = as_manager.post(NEW, valid_form())
        enterprise = Enterprise.objects.get(name="Savonnerie Djoliba")
        assert response.status_code == 302
        assert response["Location"] == detail(enterprise)
        assert enterprise.hub == hub
        assert str(enterprise.owner_phone) == "+22376543210"
        assert enterprise.region_id == "ML-SIK"
        assert enterprise.size_class == "micro"
        assert enterprise.history.count() == 1

    @pytest.mark.parametrize(
        ("changes", "message"),
        [
            ({"employees_women": "9"}, "L’effectif féminin ne peut pas dépasser l’effectif total."),
            ({"owner_phone": "12"}, "Saisissez un numéro de téléphone valide"),
            ({"consent_date": ""}, "Indiquez la date à laquelle le consentement a été recueilli."),
            ({"name": ""}, "Ce champ est obligatoire."),
            ({"region": "SN-DK"}, "Sélectionnez un choix valide"),
            ({"latitude": "12.6"}, "latitude"),
        ],
    )
    def test_bad_input_is_explained_in_french_and_nothing_is_saved(self, as_manager, hub, changes, message):
        response = as_manager.post(NEW, valid_form(**changes))
        assert response.status_code == 200
        assert message in text(response)
        assert 'class="error" role="alert"' in text(response)
        assert not Enterprise.objects.exists()

    def test_a_manager_corrects_an_enterprise(self, as_manager, enterprise):
        response = as_manager.post(edit(enterprise), valid_form(name="Karité Plus SA", owner_phone="+223 66 00 11 22"))
        assert response.status_code == 302
        enterprise.refresh_from_db()
        assert enterprise.name == "Karité Plus SA"
        assert str(enterprise.owner_phone) == "+22366001122"
        assert enterprise.history.count() == 2

    def test_a_refused_correction_leaves_the_enterprise_as_it_was(self, as_manager, enterprise):
        response = as_manager.post(edit(enterprise), valid_form(name="Nouveau nom", employees_women="50"))
        assert response.status_code == 200
        assert "L’effectif féminin ne peut pas dépasser l’effectif total." in text(response)
        enterprise.refresh_from_db()
        assert enterprise.name == "Karité Plus SARL"
        assert enterprise.history.count() == 1

    def test_the_edit_form_shows_the_current_values(self, as_manager, enterprise):
        page = text(as_manager.get(edit(enterprise)))
        assert 'value="Karité Plus SARL"' in page
        assert 'value="76 12 34 56"' in page

    def test_an_administrator_chooses_the_hub_of_a_new_enterprise(self, client, admin_user, other_hub):
        client.force_login(admin_user)
        assert client.post(NEW, valid_form()).status_code == 200
        assert not Enterprise.objects.exists()
        assert client.post(NEW, valid_form(hub=str(other_hub.pk))).status_code == 302
        assert Enterprise.objects.get().hub == other_hub


class TestReferentPages:
    @pytest.fixture
    def team(self, hub, enterprise, referent):
        """`referent` with two open cases (one overdue), a resolved one and two visits, one of them old;
        a second referent with nothing."""
        CaseFactory(enterprise=enterprise, assigned_to=referent, status=S.IN_PROGRESS, resolve_due=days_ago(2))
        CaseFactory(enterprise=enterprise, assigned_to=referent, status=S.ASSIGNED, first_contact_due=days_ago(-3))
        CaseFactory(enterprise=enterprise, assigned_to=referent, status=S.RESOLVED, resolve_due=days_ago(20))
        VisitFactory(referent=referent, enterprise=enterprise)
        VisitFactory(referent=referent, enterprise=enterprise, started_at=timezone.now() - datetime.timedelta(days=45))
        referent.referent.regions.set(AdministrativeUnit.objects.filter(code__in=["ML-BKO", "ML-SIK"]))
        return ReferentUserFactory(hub=hub, first_name="Ibrahim", last_name="Touré")

    def test_each_referent_with_domains_regions_load_overdue_and_recent_visits(
        self, as_manager, team, referent, other_referent
    ):
        response = as_manager.get(REFERENTS)
        rows = {row.pk: row for row in response.context["referents"]}
        assert set(rows) == {referent.pk, team.pk}
        assert (rows[referent.pk].open_cases, rows[referent.pk].overdue_cases, rows[referent.pk].recent_visits) == (
            2,
            1,
            1,
        )
        assert (rows[team.pk].open_cases, rows[team.pk].overdue_cases, rows[team.pk].recent_visits) == (0, 0, 0)
        page = text(response)
        assert "Transformation agroalimentaire, Énergie" in page
        assert "Bamako, Sikasso" in page
        assert f"?referent={referent.pk}&amp;overdue=true" in page

    @pytest.mark.parametrize("count", [2, 12])
    def test_the_query_count_does_not_grow_with_the_referents(
        self, as_manager, hub, enterprise, count, django_assert_num_queries
    ):
        regions = list(AdministrativeUnit.objects.filter(code__in=["ML-BKO", "ML-SIK"]))
        for _ in range(count):
            person = ReferentUserFactory(hub=hub)
            person.referent.regions.set(regions)
            CaseFactory(enterprise=enterprise, assigned_to=person, status=S.IN_PROGRESS, resolve_due=days_ago(1))
            VisitFactory(referent=person, enterprise=enterprise)
        with django_assert_num_queries(4):
            response = as_manager.get(REFERENTS)
        assert len(response.context["referents"]) == count

    def test_a_referents_open_cases_most_urgent_first_with_overdue_flagged(self, as_manager, team, referent):
        response = as_manager.get(referent_page(referent))
        cases = response.context["cases"]
        assert [case.status for case in cases] == [S.IN_PROGRESS, S.ASSIGNED]
        assert [case.is_overdue for case in cases] == [True, False]
        page = text(response)
        assert "en retard" in page
        assert len(response.context["visits"]) == 2
