"""Impact follow-ups through the API: the planned ones listed, one recorded once per client UUID (the phone's
outbox sends here), assigned by a manager."""

import datetime
import uuid

import pytest
from django.utils import timezone

from cases.models import CaseStatus
from hub.followups.services import Collection, followup_collect, followups_plan_for_case
from hub.models import MAX_AMOUNT_XOF, FollowUp
from tests.factories import CaseFactory, EnterpriseFactory, FollowUpFactory, ReferentUserFactory

pytestmark = pytest.mark.django_db

K = FollowUp.Kind


def resolved_case(enterprise, referent, *, days_ago: int):
    case = CaseFactory(
        enterprise=enterprise,
        status=CaseStatus.RESOLVED,
        assigned_to=referent,
        received_at=timezone.now() - datetime.timedelta(days=days_ago + 30),
        resolved_at=timezone.now() - datetime.timedelta(days=days_ago),
    )
    followups_plan_for_case(case=case)
    return case


@pytest.fixture
def case(enterprise, referent):
    """Resolved 200 days ago: its 6-month follow-up is 18 days overdue, its 12-month one due in 165 days."""
    return resolved_case(enterprise, referent, days_ago=200)


@pytest.fixture
def six(case) -> FollowUp:
    return case.followups.get(kind=K.MONTH_6)


@pytest.fixture
def payload():
    return {
        "client_uuid": str(uuid.uuid4()),
        "collected_on": timezone.localdate().isoformat(),
        "jobs_created": 2,
        "jobs_kept": 6,
        "turnover_xof": 48_000_000,
        "investment_xof": 1_500_000,
        "technology_adopted": True,
        "satisfaction": 4,
        "recommend_score": 9,
        "notes": "Séchoir en service.",
    }


def collect_url(followup: FollowUp) -> str:
    return f"/api/v1/followups/{followup.pk}/collect/"


class TestPlannedList:
    def test_lists_the_planned_follow_ups_with_what_the_phone_needs(
        self, api, manager, case, six, enterprise, referent, other_enterprise
    ):
        baseline = FollowUpFactory(enterprise=enterprise, assigned_to=referent)
        done = resolved_case(EnterpriseFactory(hub=enterprise.hub), referent, days_ago=190)
        followup_collect(
            followup=done.followups.get(kind=K.MONTH_6),
            data=Collection(collected_on=timezone.localdate(), answers={}),
            by=referent,
        )
        FollowUpFactory(enterprise=other_enterprise)

        response = api(manager).get("/api/v1/followups/?collected=false")

        assert response.status_code == 200
        rows = {row["id"]: row for row in response.json()["results"]}
        twelve = case.followups.get(kind=K.MONTH_12)
        expected = [six, twelve, baseline, done.followups.get(kind=K.MONTH_12)]
        assert sorted(rows) == sorted(f.pk for f in expected)
        assert {key: rows[six.pk][key] for key in ("kind", "due_date", "case", "enterprise", "collected_on")} == {
            "kind": "m6",
            "due_date": six.due_date.isoformat(),
            "case": case.pk,
            "enterprise": enterprise.pk,
            "collected_on": None,
        }
        assert (rows[baseline.pk]["kind"], rows[baseline.pk]["case"]) == ("baseline", None)
        assert rows[six.pk]["assigned_to"] == referent.pk

    def test_collected_true_lists_the_recorded_ones(self, api, referent, six):
        followup_collect(followup=six, data=Collection(collected_on=timezone.localdate(), answers={}), by=referent)
        response = api(referent).get("/api/v1/followups/?collected=true")
        assert [row["id"] for row in response.json()["results"]] == [six.pk]

    def test_the_kind_and_due_date_filters_narrow_the_planned_list(self, api, referent, case, six):
        response = api(referent).get(
            f"/api/v1/followups/?collected=false&kind=m6&due_to={timezone.localdate().isoformat()}"
        )
        assert [row["id"] for row in response.json()["results"]] == [six.pk]

    @pytest.mark.parametrize(("user_fixture", "status"), [("sme_user", 403), ("viewer", 403)])
    def test_smes_and_viewers_do_not_read_them(self, api, request, six, user_fixture, status):
        assert api(request.getfixturevalue(user_fixture)).get("/api/v1/followups/").status_code == status

    @pytest.mark.parametrize("page_size", [10, 50, 200])
    def test_the_planned_list_costs_one_query_whatever_the_page_size(
        self, api, manager, hub, referent, page_size, django_assert_num_queries
    ):
        for _ in range(105):
            resolved_case(EnterpriseFactory(hub=hub), referent, days_ago=10)
        client = api(manager)
        with django_assert_num_queries(1):
            response = client.get(f"/api/v1/followups/?collected=false&page_size={page_size}")
        assert len(response.json()["results"]) == page_size
        assert {row["kind"] for row in response.json()["results"]} <= {"m6", "m12"}


class TestCollect:
    def test_records_then_answers_an_exact_resend_with_the_stored_one(self, api, referent, six, payload):
        client = api(referent)
        first = client.post(collect_url(six), payload, format="json")
        again = client.post(collect_url(six), payload, format="json")

        assert first.status_code == 201, first.json()
        assert again.status_code == 200
        assert again.json() == first.json()
        body = first.json()
        assert (body["collected_on"], body["collected_by"], body["jobs_created"]) == (
            payload["collected_on"],
            referent.pk,
            2,
        )
        six.refresh_from_db()
        assert (six.client_uuid, six.turnover_xof) == (uuid.UUID(payload["client_uuid"]), 48_000_000)
        assert six.history.filter(history_type="~").count() == 1

    def test_the_same_uuid_with_other_content_is_a_409_with_the_stored_one(self, api, referent, six, payload):
        client = api(referent)
        client.post(collect_url(six), payload, format="json")
        response = client.post(collect_url(six), {**payload, "jobs_created": 9}, format="json")

        assert response.status_code == 409
        assert response.json()["current"]["id"] == six.pk
        assert response.json()["current"]["jobs_created"] == 2
        six.refresh_from_db()
        assert six.jobs_created == 2

    def test_a_second_collection_is_a_400_on_collected_on(self, api, referent, manager, six, payload):
        api(referent).post(collect_url(six), payload, format="json")
        response = api(manager).post(
            collect_url(six), {**payload, "client_uuid": str(uuid.uuid4()), "jobs_created": 5}, format="json"
        )
        assert response.status_code == 400
        assert list(response.json()) == ["collected_on"]
        assert "Ce suivi a déjà été enregistré le" in response.json()["collected_on"][0]
        six.refresh_from_db()
        assert (six.jobs_created, six.collected_by) == (2, referent)

    @pytest.mark.parametrize(
        ("change", "field"),
        [
            ({"collected_on": None}, "collected_on"),
            ({"collected_on": "06/03/2026"}, "collected_on"),
            ({"client_uuid": "not-a-uuid"}, "client_uuid"),
            ({"turnover_xof": MAX_AMOUNT_XOF + 1}, "turnover_xof"),
            ({"investment_xof": -1}, "investment_xof"),
            ({"turnover_xof": "48000000.50"}, "turnover_xof"),
            ({"jobs_created": "trois"}, "jobs_created"),
            ({"satisfaction": 6}, "satisfaction"),
            ({"recommend_score": 11}, "recommend_score"),
            ({"notes": "x" * 5001}, "notes"),
        ],
    )
    def test_bad_input_gets_a_message_on_its_field_and_nothing_is_saved(
        self, api, referent, six, payload, change, field
    ):
        response = api(referent).post(collect_url(six), {**payload, **change}, format="json")
        assert response.status_code == 400
        assert field in response.json()
        assert isinstance(response.json()[field], list)
        six.refresh_from_db()
        assert (six.collected_on, six.client_uuid, six.jobs_created) == (None, None, None)

    @pytest.mark.parametrize(
        "collected_on",
        [
            pytest.param(lambda case: timezone.localdate() + datetime.timedelta(days=2), id="future"),
            pytest.param(
                lambda case: timezone.localdate(case.resolved_at) - datetime.timedelta(days=1), id="before-resolution"
            ),
        ],
    )
    def test_a_collection_day_out_of_range_is_a_400_on_collected_on(
        self, api, referent, case, six, payload, collected_on
    ):
        response = api(referent).post(
            collect_url(six), {**payload, "collected_on": collected_on(case).isoformat()}, format="json"
        )
        assert response.status_code == 400
        assert list(response.json()) == ["collected_on"]
        six.refresh_from_db()
        assert six.collected_on is None

    def test_a_12_month_before_the_6_month_is_a_400(self, api, referent, enterprise, payload):
        twelve = resolved_case(enterprise, referent, days_ago=100).followups.get(kind=K.MONTH_12)
        response = api(referent).post(collect_url(twelve), payload, format="json")
        assert response.status_code == 400
        assert list(response.json()) == ["collected_on"]

    def test_another_hubs_follow_up_is_a_404(self, api, other_referent, six, payload):
        response = api(other_referent).post(collect_url(six), payload, format="json")
        assert response.status_code == 404
        six.refresh_from_db()
        assert six.collected_on is None

    @pytest.mark.parametrize("user_fixture", ["sme_user", "viewer"])
    def test_smes_and_viewers_cannot_record(self, api, request, six, payload, user_fixture):
        response = api(request.getfixturevalue(user_fixture)).post(collect_url(six), payload, format="json")
        assert response.status_code == 403
        six.refresh_from_db()
        assert six.collected_on is None

    def test_anonymous_requests_are_refused(self, api, six, payload):
        assert api(None).post(collect_url(six), payload, format="json").status_code == 401

    def test_an_anonymised_enterprise_is_a_400(self, api, referent, six, enterprise, payload):
        enterprise.anonymised_at = timezone.now()
        enterprise.save()
        response = api(referent).post(collect_url(six), payload, format="json")
        assert response.status_code == 400
        assert "enterprise" in response.json()

    def test_without_a_uuid_it_is_recorded_once_too(self, api, referent, six, payload):
        client = api(referent)
        del payload["client_uuid"]
        assert client.post(collect_url(six), payload, format="json").status_code == 201
        assert client.post(collect_url(six), payload, format="json").status_code == 400
        assert six.history.filter(history_type="~").count() == 1


class TestAssign:
    def test_a_manager_puts_a_referent_in_charge(self, api, manager, hub, six):
        colleague = ReferentUserFactory(hub=hub)
        response = api(manager).post(f"/api/v1/followups/{six.pk}/assign/", {"referent": colleague.pk}, format="json")
        assert response.status_code == 200, response.json()
        assert response.json()["assigned_to"] == colleague.pk
        six.refresh_from_db()
        assert six.assigned_to == colleague
        assert six.history.latest().history_user == manager

    def test_a_referent_cannot_assign(self, api, referent, hub, six):
        colleague = ReferentUserFactory(hub=hub)
        response = api(referent).post(f"/api/v1/followups/{six.pk}/assign/", {"referent": colleague.pk}, format="json")
        assert response.status_code == 403
        six.refresh_from_db()
        assert six.assigned_to == referent

    def test_a_referent_of_another_hub_is_a_400_on_referent(self, api, manager, referent, six, other_referent):
        response = api(manager).post(
            f"/api/v1/followups/{six.pk}/assign/", {"referent": other_referent.pk}, format="json"
        )
        assert response.status_code == 400
        assert "referent" in response.json()
        six.refresh_from_db()
        assert six.assigned_to == referent

    def test_another_hubs_follow_up_is_a_404(self, api, other_manager, six, other_referent):
        response = api(other_manager).post(
            f"/api/v1/followups/{six.pk}/assign/", {"referent": other_referent.pk}, format="json"
        )
        assert response.status_code == 404

    def test_a_recorded_follow_up_is_a_400(self, api, manager, referent, hub, six):
        followup_collect(followup=six, data=Collection(collected_on=timezone.localdate(), answers={}), by=referent)
        response = api(manager).post(
            f"/api/v1/followups/{six.pk}/assign/", {"referent": ReferentUserFactory(hub=hub).pk}, format="json"
        )
        assert response.status_code == 400
        assert "assigned_to" in response.json()
