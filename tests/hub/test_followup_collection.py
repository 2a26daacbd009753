"""Recording a planned follow-up (hub.followups.services): validated, once per follow-up and per client UUID,
kept in the history; self-reported answers confirmed by a referent; a follow-up put in a referent's charge."""

import datetime
import uuid
import zoneinfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from cases.models import CaseStatus
from hub.followups.services import (
    Collection,
    FollowUpConflict,
    followup_assign,
    followup_collect,
    followup_confirm,
    followups_plan_for_case,
)
from hub.models import MAX_AMOUNT_XOF, MAX_INNOVATIONS, MAX_STAFF, FollowUp
from tests.factories import (
    AdminFactory,
    CaseFactory,
    FollowUpFactory,
    ManagerFactory,
    ReferentUserFactory,
)

pytestmark = pytest.mark.django_db

K = FollowUp.Kind
BAMAKO = zoneinfo.ZoneInfo("Africa/Bamako")
TODAY = datetime.date(2026, 3, 6)
RESOLVED_ON = datetime.date(2025, 9, 1)
SIX_DUE = datetime.date(2026, 3, 2)
"""1 September 2025 + 182 days."""
ANSWERS = {
    "employees_total": 8,
    "jobs_created": 3,
    "jobs_kept": 5,
    "turnover_xof": 42_000_000,
    "new_sales_xof": 6_500_000,
    "investment_xof": 1_200_000,
    "new_products": 1,
    "technology_adopted": True,
    "satisfaction": 5,
    "recommend_score": 9,
    "notes": "Séchoir en service depuis novembre.",
}


@pytest.fixture(autouse=True)
def today(monkeypatch):
    now = datetime.datetime.combine(TODAY, datetime.time(9, 30), tzinfo=BAMAKO)
    monkeypatch.setattr(timezone, "now", lambda: now)
    return TODAY


@pytest.fixture
def case(enterprise, referent):
    resolved = CaseFactory(
        enterprise=enterprise,
        status=CaseStatus.RESOLVED,
        assigned_to=referent,
        received_at=datetime.datetime(2025, 8, 1, 9, tzinfo=BAMAKO),
        resolved_at=datetime.datetime(2025, 9, 1, 10, tzinfo=BAMAKO),
    )
    followups_plan_for_case(case=resolved)
    return resolved


@pytest.fixture
def six(case) -> FollowUp:
    return case.followups.get(kind=K.MONTH_6)


@pytest.fixture
def twelve(case) -> FollowUp:
    return case.followups.get(kind=K.MONTH_12)


def collection(collected_on: datetime.date = TODAY, **answers) -> Collection:
    return Collection(collected_on=collected_on, answers=answers)


def refused_field(caught) -> set[str]:
    return set(caught.value.message_dict)


def stored(followup: FollowUp) -> FollowUp:
    return FollowUp.objects.get(pk=followup.pk)


class TestCollect:
    def test_a_referent_records_the_answers(self, six, referent):
        recorded, created = followup_collect(followup=six, data=collection(**ANSWERS), by=referent)

        assert created is True
        row = stored(six)
        assert (row.collected_on, row.collected_by, row.self_reported) == (TODAY, referent, False)
        assert {name: getattr(row, name) for name in ANSWERS} == ANSWERS
        assert recorded.pk == six.pk

    def test_a_manager_and_an_administrator_record_too(self, six, twelve, manager):
        followup_collect(followup=six, data=collection(jobs_created=1), by=manager)
        followup_collect(followup=twelve, data=collection(jobs_created=2), by=AdminFactory())
        assert stored(six).collected_by == manager
        assert stored(twelve).jobs_created == 2

    def test_a_baseline_is_collected_with_no_case_to_check(self, enterprise, referent):
        baseline = FollowUpFactory(enterprise=enterprise, due_date=TODAY)
        followup_collect(followup=baseline, data=collection(turnover_xof=25_000_000), by=referent)
        assert stored(baseline).turnover_xof == 25_000_000

    def test_not_in_the_future(self, six, referent):
        with pytest.raises(ValidationError) as caught:
            followup_collect(followup=six, data=collection(TODAY + datetime.timedelta(days=2)), by=referent)
        assert refused_field(caught) == {"collected_on"}
        assert stored(six).collected_on is None

    def test_a_phone_already_on_tomorrow_in_a_hub_ahead_of_the_server_is_accepted(self, six, referent):
        """Niamey and Porto-Novo are an hour ahead of Bamako: from 00:00 to 01:00 there, the phone's day is
        the server's tomorrow."""
        followup_collect(followup=six, data=collection(TODAY + datetime.timedelta(days=1)), by=referent)
        assert stored(six).collected_on == TODAY + datetime.timedelta(days=1)

    def test_not_before_the_case_was_resolved(self, six, referent):
        with translation.override("en"), pytest.raises(ValidationError) as caught:
            followup_collect(followup=six, data=collection(RESOLVED_ON - datetime.timedelta(days=1)), by=referent)
        assert refused_field(caught) == {"collected_on"}
        assert "before its case was resolved (09/01/2025)" in caught.value.message_dict["collected_on"][0]
        assert stored(six).collected_on is None

    def test_on_the_day_the_case_was_resolved(self, six, referent):
        followup_collect(followup=six, data=collection(RESOLVED_ON), by=referent)
        assert stored(six).collected_on == RESOLVED_ON

    def test_a_12_month_not_before_the_6_month_was_due(self, twelve, referent):
        with translation.override("en"), pytest.raises(ValidationError) as caught:
            followup_collect(followup=twelve, data=collection(SIX_DUE - datetime.timedelta(days=1)), by=referent)
        assert refused_field(caught) == {"collected_on"}
        assert "before the 6-month one (03/02/2026)" in caught.value.message_dict["collected_on"][0]
        assert stored(twelve).collected_on is None

    def test_a_12_month_not_before_the_6_month_was_collected(self, six, twelve, referent):
        followup_collect(followup=six, data=collection(datetime.date(2026, 3, 5)), by=referent)
        with pytest.raises(ValidationError) as caught:
            followup_collect(followup=twelve, data=collection(datetime.date(2026, 3, 4)), by=referent)
        assert refused_field(caught) == {"collected_on"}
        followup_collect(followup=twelve, data=collection(datetime.date(2026, 3, 5)), by=referent)
        assert stored(twelve).collected_on == datetime.date(2026, 3, 5)

    def test_a_second_collection_is_refused_with_a_clear_message(self, six, referent, manager):
        followup_collect(followup=six, data=collection(datetime.date(2026, 3, 4), jobs_created=3), by=referent)
        with translation.override("en"), pytest.raises(ValidationError) as caught:
            followup_collect(followup=six, data=collection(jobs_created=7), by=manager, client_uuid=uuid.uuid4())
        assert caught.value.message_dict == {"collected_on": ["This follow-up was already recorded on 03/04/2026."]}
        row = stored(six)
        assert (row.jobs_created, row.collected_by, row.collected_on) == (3, referent, datetime.date(2026, 3, 4))

    def test_a_second_collection_from_a_stale_copy_is_refused(self, six, referent):
        stale = FollowUp.objects.get(pk=six.pk)
        followup_collect(followup=six, data=collection(jobs_created=3), by=referent)
        with pytest.raises(ValidationError):
            followup_collect(followup=stale, data=collection(jobs_created=4), by=referent)
        assert stored(six).jobs_created == 3

    @pytest.mark.parametrize(
        ("field", "value"),
        [
            ("turnover_xof", MAX_AMOUNT_XOF + 1),
            ("new_sales_xof", MAX_AMOUNT_XOF + 1),
            ("kept_sales_xof", MAX_AMOUNT_XOF + 1),
            ("investment_xof", MAX_AMOUNT_XOF + 1),
            ("cost_savings_xof", MAX_AMOUNT_XOF + 1),
            ("cost_savings_xof", -1),
            ("jobs_created", MAX_STAFF + 1),
            ("jobs_kept", -1),
            ("employees_total", MAX_STAFF + 1),
            ("new_products", MAX_INNOVATIONS + 1),
            ("new_processes", MAX_INNOVATIONS + 1),
            ("satisfaction", 0),
            ("satisfaction", 6),
            ("recommend_score", 11),
            ("notes", "x" * 5001),
            ("technology_notes", "x" * 2001),
        ],
    )
    def test_answers_out_of_bounds_are_refused_and_nothing_is_saved(self, six, referent, field, value):
        with pytest.raises(ValidationError) as caught:
            followup_collect(followup=six, data=collection(**{field: value}), by=referent, client_uuid=uuid.uuid4())
        assert refused_field(caught) == {field}
        row = stored(six)
        assert (row.collected_on, getattr(row, field) or None, row.client_uuid) == (None, None, None)
        assert six.history.count() == 1

    def test_the_bounds_themselves_are_accepted(self, six, referent):
        bounds = {
            "turnover_xof": MAX_AMOUNT_XOF,
            "cost_savings_xof": 0,
            "jobs_created": MAX_STAFF,
            "new_products": MAX_INNOVATIONS,
            "satisfaction": 1,
            "recommend_score": 0,
        }
        followup_collect(followup=six, data=collection(**bounds), by=referent)
        assert {name: getattr(stored(six), name) for name in bounds} == bounds

    def test_an_anonymised_enterprise_takes_no_answers(self, six, referent, enterprise):
        enterprise.anonymised_at = timezone.now()
        enterprise.save()
        with pytest.raises(ValidationError) as caught:
            followup_collect(followup=six, data=collection(jobs_created=1), by=referent)
        assert refused_field(caught) == {"enterprise"}
        assert stored(six).collected_on is None

    @pytest.mark.parametrize("user_fixture", ["other_referent", "other_manager"])
    def test_staff_of_another_hub_are_refused(self, request, six, user_fixture):
        with pytest.raises(PermissionDenied):
            followup_collect(followup=six, data=collection(jobs_created=1), by=request.getfixturevalue(user_fixture))
        assert stored(six).collected_on is None

    @pytest.mark.parametrize("user_fixture", ["sme_user", "viewer"])
    def test_smes_and_viewers_do_not_record_as_staff(self, request, six, user_fixture):
        with pytest.raises(PermissionDenied):
            followup_collect(followup=six, data=collection(jobs_created=1), by=request.getfixturevalue(user_fixture))
        assert stored(six).collected_on is None

    def test_a_deactivated_referent_is_refused(self, six, referent):
        referent.is_active = False
        referent.save()
        with pytest.raises(PermissionDenied):
            followup_collect(followup=six, data=collection(), by=referent)

    def test_what_is_not_an_answer_is_refused(self, six, referent):
        with pytest.raises(ValueError, match="kind"):
            followup_collect(followup=six, data=collection(kind=K.BASELINE), by=referent)
        assert stored(six).kind == K.MONTH_6


class TestClientUuid:
    def test_a_resend_is_the_stored_follow_up_recorded_once(self, six, referent):
        client_uuid = uuid.uuid4()
        first, created = followup_collect(
            followup=six, data=collection(**ANSWERS), by=referent, client_uuid=client_uuid
        )
        again, created_again = followup_collect(
            followup=six, data=collection(**ANSWERS), by=referent, client_uuid=client_uuid
        )

        assert (created, created_again) == (True, False)
        assert again.pk == first.pk
        row = stored(six)
        assert (row.client_uuid, row.collected_on) == (client_uuid, TODAY)
        assert [entry.history_type for entry in six.history.order_by("history_id")] == ["+", "~"]

    def test_the_same_uuid_with_other_content_is_a_conflict_carrying_the_stored_one(self, six, referent):
        client_uuid = uuid.uuid4()
        followup_collect(followup=six, data=collection(jobs_created=2), by=referent, client_uuid=client_uuid)
        with pytest.raises(FollowUpConflict) as caught:
            followup_collect(followup=six, data=collection(jobs_created=5), by=referent, client_uuid=client_uuid)
        assert caught.value.followup.pk == six.pk
        assert caught.value.followup.jobs_created == 2
        assert stored(six).jobs_created == 2

    def test_another_collection_day_is_other_content(self, six, referent):
        client_uuid = uuid.uuid4()
        followup_collect(followup=six, data=collection(TODAY), by=referent, client_uuid=client_uuid)
        with pytest.raises(FollowUpConflict):
            followup_collect(followup=six, data=collection(SIX_DUE), by=referent, client_uuid=client_uuid)
        assert stored(six).collected_on == TODAY

    def test_a_uuid_stored_for_another_follow_up_is_a_conflict(self, six, twelve, referent):
        client_uuid = uuid.uuid4()
        followup_collect(followup=six, data=collection(jobs_created=2), by=referent, client_uuid=client_uuid)
        with pytest.raises(FollowUpConflict) as caught:
            followup_collect(followup=twelve, data=collection(jobs_created=2), by=referent, client_uuid=client_uuid)
        assert caught.value.followup.pk == six.pk
        assert stored(twelve).collected_on is None

    def test_a_uuid_of_another_hub_conflicts_without_showing_its_follow_up(self, six, referent, other_enterprise):
        client_uuid = uuid.uuid4()
        followup_collect(followup=six, data=collection(jobs_created=2), by=referent, client_uuid=client_uuid)
        theirs = FollowUpFactory(enterprise=other_enterprise, due_date=TODAY)
        with pytest.raises(FollowUpConflict) as caught:
            followup_collect(
                followup=theirs,
                data=collection(jobs_created=2),
                by=ReferentUserFactory(hub=other_enterprise.hub),
                client_uuid=client_uuid,
            )
        assert caught.value.followup is None
        assert stored(theirs).collected_on is None

    def test_a_refused_collection_keeps_its_uuid_free(self, six, referent):
        client_uuid = uuid.uuid4()
        with pytest.raises(ValidationError):
            followup_collect(followup=six, data=collection(satisfaction=9), by=referent, client_uuid=client_uuid)
        recorded, created = followup_collect(
            followup=six, data=collection(satisfaction=4), by=referent, client_uuid=client_uuid
        )
        assert (created, stored(six).satisfaction) == (True, 4)


class TestHistory:
    def test_the_collection_is_kept_with_who_recorded_it(self, six, referent):
        followup_collect(followup=six, data=collection(jobs_created=3), by=referent)

        planned, recorded = six.history.order_by("history_id")
        assert (planned.history_type, planned.collected_on, planned.jobs_created) == ("+", None, None)
        assert (recorded.history_type, recorded.history_user, recorded.collected_on) == ("~", referent, TODAY)
        assert recorded.jobs_created == 3

    def test_a_self_reported_collection_has_no_staff_author(self, six):
        followup_collect(followup=six, data=collection(jobs_created=3, satisfaction=4), by=None, self_reported=True)
        row = stored(six)
        assert (row.self_reported, row.collected_by, row.collected_on) == (True, None, TODAY)
        assert six.history.latest().history_user is None

    def test_a_questionnaire_sent_twice_is_recorded_once(self, six):
        client_uuid = uuid.uuid4()
        answers = collection(jobs_created=3, satisfaction=4)
        followup_collect(followup=six, data=answers, by=None, self_reported=True, client_uuid=client_uuid)
        again, created = followup_collect(
            followup=six, data=answers, by=None, self_reported=True, client_uuid=client_uuid
        )
        assert (again.pk, created) == (six.pk, False)
        with pytest.raises(FollowUpConflict) as caught:
            followup_collect(
                followup=six, data=collection(jobs_created=9), by=None, self_reported=True, client_uuid=client_uuid
            )
        assert caught.value.followup is None
        assert stored(six).jobs_created == 3

    def test_an_owner_answers_only_the_questions_meant_for_them(self, six):
        with pytest.raises(ValueError, match="notes"):
            followup_collect(followup=six, data=collection(notes="Interne"), by=None, self_reported=True)
        assert stored(six).collected_on is None


class TestConfirm:
    @pytest.fixture
    def reported(self, six) -> FollowUp:
        followup_collect(
            followup=six,
            data=collection(jobs_created=30, satisfaction=5, recommend_score=10),
            by=None,
            self_reported=True,
        )
        return stored(six)

    def test_a_referent_corrects_and_confirms_and_the_history_keeps_the_owners_answers(self, reported, referent):
        followup_confirm(followup=reported, by=referent, answers={"jobs_created": 3, "notes": "Vérifié sur site."})

        row = stored(reported)
        assert (row.jobs_created, row.satisfaction, row.notes) == (3, 5, "Vérifié sur site.")
        assert (row.confirmed_by, row.confirmed_at, row.self_reported) == (referent, timezone.now(), True)
        _planned, reported, confirmed = row.history.order_by("history_id")
        assert (reported.history_user, reported.jobs_created, reported.confirmed_at) == (None, 30, None)
        assert (confirmed.history_user, confirmed.jobs_created) == (referent, 3)

    def test_confirming_without_a_change_keeps_the_answers(self, reported, manager):
        followup_confirm(followup=reported, by=manager, answers={})
        row = stored(reported)
        assert (row.jobs_created, row.confirmed_by) == (30, manager)

    def test_answers_recorded_by_staff_are_not_confirmed(self, six, referent):
        followup_collect(followup=six, data=collection(jobs_created=3), by=referent)
        with pytest.raises(ValidationError) as caught:
            followup_confirm(followup=six, by=referent, answers={})
        assert refused_field(caught) == {"self_reported"}
        assert stored(six).confirmed_at is None

    def test_answers_are_confirmed_once(self, reported, referent, manager):
        followup_confirm(followup=reported, by=referent, answers={})
        with pytest.raises(ValidationError) as caught:
            followup_confirm(followup=reported, by=manager, answers={"jobs_created": 1})
        assert refused_field(caught) == {"confirmed_at"}
        row = stored(reported)
        assert (row.confirmed_by, row.jobs_created) == (referent, 30)

    def test_a_correction_out_of_bounds_is_refused(self, reported, referent):
        with pytest.raises(ValidationError) as caught:
            followup_confirm(followup=reported, by=referent, answers={"satisfaction": 9})
        assert refused_field(caught) == {"satisfaction"}
        row = stored(reported)
        assert (row.satisfaction, row.confirmed_at) == (5, None)

    @pytest.mark.parametrize("user_fixture", ["sme_user", "viewer", "other_referent", "other_manager"])
    def test_who_may_not_confirm(self, request, reported, user_fixture):
        with pytest.raises(PermissionDenied):
            followup_confirm(followup=reported, by=request.getfixturevalue(user_fixture), answers={"jobs_created": 1})
        assert stored(reported).confirmed_at is None


class TestAssign:
    def test_a_manager_puts_a_referent_in_charge(self, six, hub, manager):
        colleague = ReferentUserFactory(hub=hub)
        followup_assign(followup=six, referent=colleague, by=manager)

        assert stored(six).assigned_to == colleague
        latest = six.history.latest()
        assert (latest.history_user, latest.assigned_to) == (manager, colleague)

    @pytest.mark.parametrize("user_fixture", ["referent", "sme_user", "viewer", "other_manager"])
    def test_who_may_not_assign(self, request, six, hub, user_fixture):
        with pytest.raises(PermissionDenied):
            followup_assign(
                followup=six, referent=ReferentUserFactory(hub=hub), by=request.getfixturevalue(user_fixture)
            )
        assert stored(six).assigned_to == six.assigned_to

    @pytest.mark.parametrize(
        "make",
        [
            pytest.param(lambda hub, other_hub: ReferentUserFactory(hub=other_hub), id="another-hubs-referent"),
            pytest.param(lambda hub, other_hub: ReferentUserFactory(hub=hub, is_active=False), id="deactivated-user"),
            pytest.param(
                lambda hub, other_hub: ReferentUserFactory(hub=hub, profile__is_active=False), id="inactive-profile"
            ),
            pytest.param(lambda hub, other_hub: ManagerFactory(hub=hub), id="not-a-referent"),
        ],
    )
    def test_only_an_active_referent_of_the_hub_is_put_in_charge(self, six, hub, other_hub, manager, referent, make):
        with pytest.raises(ValidationError) as caught:
            followup_assign(followup=six, referent=make(hub, other_hub), by=manager)
        assert refused_field(caught) == {"assigned_to"}
        assert stored(six).assigned_to == referent

    def test_a_recorded_follow_up_is_not_reassigned(self, six, hub, manager, referent):
        followup_collect(followup=six, data=collection(), by=referent)
        with pytest.raises(ValidationError) as caught:
            followup_assign(followup=six, referent=ReferentUserFactory(hub=hub), by=manager)
        assert refused_field(caught) == {"assigned_to"}
        assert stored(six).assigned_to == referent

    def test_an_administrator_assigns_in_any_hub(self, other_enterprise):
        theirs = FollowUpFactory(enterprise=other_enterprise)
        target = ReferentUserFactory(hub=other_enterprise.hub)
        followup_assign(followup=theirs, referent=target, by=AdminFactory())
        assert stored(theirs).assigned_to == target
