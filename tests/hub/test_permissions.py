"""Who may do what (`can`), which records they may read (`scope`), and how object access answers."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from cases.models import Case
from hub.models import Enterprise
from hub.permissions import Action, access, can, scope
from tests.factories import CaseFactory, EnterpriseFactory, VisitFactory
from visits.models import Visit

pytestmark = pytest.mark.django_db

A = Action


class TestCan:
    def test_sme_can_submit_rate_and_read_the_library_only(self, sme_user):
        allowed = {action for action in Action if can(sme_user, action)}
        assert allowed == {A.SUBMIT_CASE, A.RATE_CASES, A.READ_LIBRARY}

    def test_viewer_can_only_read_regional_reports(self, viewer):
        allowed = {action for action in Action if can(viewer, action)}
        assert allowed == {A.VIEW_REGIONAL_REPORTS}

    def test_administrator_can_do_everything_but_log_visits_and_rate(self, admin_user):
        denied = {action for action in Action if not can(admin_user, action)}
        assert denied == {A.LOG_VISITS, A.RATE_CASES}

    def test_referent_works_on_cases_and_logs_visits_but_does_not_triage(self, referent):
        for action in (
            A.SUBMIT_CASE,
            A.WORK_ON_CASES,
            A.WRITE_INTERNAL_NOTES,
            A.LOG_VISITS,
            A.VIEW_VISITS,
            A.RECORD_FOLLOWUPS,
        ):
            assert can(referent, action), action
        for action in (A.TRIAGE_CASES, A.ASSIGN_CASES, A.MANAGE_DIRECTORY, A.SET_TARGETS, A.RATE_CASES):
            assert not can(referent, action), action

    def test_manager_runs_the_hub_but_neither_logs_visits_nor_rates(self, manager):
        for action in (
            A.TRIAGE_CASES,
            A.ASSIGN_CASES,
            A.MANAGE_DIRECTORY,
            A.MANAGE_REFERENTS,
            A.SET_TARGETS,
            A.VIEW_HUB_REPORTS,
            A.VIEW_HISTORY,
        ):
            assert can(manager, action), action
        for action in (A.LOG_VISITS, A.VIEW_REGIONAL_REPORTS, A.RATE_CASES, A.MANAGE_VIEWERS, A.OPEN_HUBS):
            assert not can(manager, action), action

    @pytest.mark.parametrize("role_fixture", ["sme_user", "referent", "manager", "viewer", "admin_user"])
    def test_inactive_users_can_do_nothing(self, request, role_fixture):
        user = request.getfixturevalue(role_fixture)
        user.is_active = False
        assert not any(can(user, action) for action in Action)

    def test_anonymous_visitors_can_do_nothing(self):
        assert not any(can(AnonymousUser(), action) for action in Action)


@pytest.fixture
def cases(hub, other_hub, enterprise):
    """Two cases of the SME's enterprise, one of another enterprise of the hub, one of another hub."""
    return {
        "own": [CaseFactory(enterprise=enterprise), CaseFactory(enterprise=enterprise)],
        "same_hub": CaseFactory(enterprise=EnterpriseFactory(hub=hub)),
        "other_hub": CaseFactory(hub=other_hub),
    }


def visible_cases(user) -> set[int]:
    return set(
        scope(Case.objects.all(), user=user, hub_field="hub", enterprise_field="enterprise").values_list(
            "pk", flat=True
        )
    )


class TestScope:
    @pytest.mark.parametrize("role_fixture", ["manager", "referent"])
    def test_hub_staff_see_their_hubs_rows(self, request, cases, role_fixture):
        user = request.getfixturevalue(role_fixture)
        assert visible_cases(user) == {case.pk for case in [*cases["own"], cases["same_hub"]]}

    def test_sme_sees_only_their_enterprises_rows(self, sme_user, cases):
        assert visible_cases(sme_user) == {case.pk for case in cases["own"]}

    def test_viewer_sees_no_record(self, viewer, cases):
        assert visible_cases(viewer) == set()

    def test_administrator_sees_every_hub(self, admin_user, cases):
        assert visible_cases(admin_user) == set(Case.objects.values_list("pk", flat=True))
        assert len(visible_cases(admin_user)) == 4

    def test_inactive_and_anonymous_users_see_nothing(self, manager, cases):
        manager.is_active = False
        assert visible_cases(manager) == set()
        assert visible_cases(AnonymousUser()) == set()

    def test_sme_reads_no_model_without_an_enterprise_field(self, sme_user, referent):
        VisitFactory(referent=referent, enterprise=sme_user.enterprise)
        assert not scope(Visit.objects.all(), user=sme_user).exists()
        assert scope(Visit.objects.all(), user=referent).count() == 1

    def test_sme_reads_their_enterprise_itself(self, sme_user, hub):
        EnterpriseFactory(hub=hub)
        visible = scope(Enterprise.objects.all(), user=sme_user, enterprise_field="pk")
        assert list(visible) == [sme_user.enterprise]


class TestAccess:
    def test_returns_a_visible_record(self, manager, cases):
        own = cases["own"][0]
        queryset = scope(Case.objects.all(), user=manager, enterprise_field="enterprise")
        assert access(queryset, pk=own.pk) == own

    def test_missing_and_forbidden_ids_get_the_same_not_found(self, manager, cases):
        queryset = scope(Case.objects.all(), user=manager, enterprise_field="enterprise")
        missing_pk = Case.objects.order_by("-pk").values_list("pk", flat=True).first() + 1000

        with pytest.raises(Http404) as missing:
            access(queryset, pk=missing_pk)
        with pytest.raises(Http404) as forbidden:
            access(queryset, pk=cases["other_hub"].pk)

        assert type(missing.value) is type(forbidden.value)
        assert str(missing.value) == str(forbidden.value)

    def test_sme_cannot_reach_a_neighbours_case(self, sme_user, cases):
        queryset = scope(Case.objects.all(), user=sme_user, enterprise_field="enterprise")
        with pytest.raises(Http404):
            access(queryset, pk=cases["same_hub"].pk)
