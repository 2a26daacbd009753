"""Recording a visit: stored once per client UUID however often the phone resends it."""

import dataclasses
import datetime
import uuid
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from tests.factories import CaseFactory, EnterpriseFactory, ReferentUserFactory
from visits.models import Purpose, Visit
from visits.services import VisitConflict, VisitInput, visit_record

pytestmark = pytest.mark.django_db


def visit_input(*, enterprise, **overrides) -> VisitInput:
    fields = {
        "client_uuid": uuid.uuid4(),
        "enterprise": enterprise,
        "started_at": timezone.now().replace(microsecond=0) - datetime.timedelta(hours=2),
        "duration_minutes": 45,
        "purpose": Purpose.DIAGNOSTIC,
        "observations": "Séchage des mangues au sol.",
        "needs_found": "Séchoir solaire",
        "recommendations": "Claies surélevées",
        "next_step": "Devis fournisseur",
        "follow_up_date": timezone.localdate() + datetime.timedelta(days=14),
        "latitude": Decimal("12.639200"),
        "longitude": Decimal("-8.002900"),
        "gps_accuracy_m": 12,
        "people_reached_total": 6,
        "people_reached_women": 4,
    }
    fields.update(overrides)
    return VisitInput(**fields)


class TestVisitRecord:
    def test_records_a_new_visit(self, referent, enterprise):
        case = CaseFactory(enterprise=enterprise)
        data = visit_input(enterprise=enterprise, cases=[case])

        visit, created = visit_record(data=data, by=referent)

        assert created is True
        stored = Visit.objects.get(client_uuid=data.client_uuid)
        assert stored == visit
        assert (stored.hub, stored.referent, stored.enterprise) == (referent.hub, referent, enterprise)
        assert (stored.purpose, stored.duration_minutes, stored.people_reached_women) == (Purpose.DIAGNOSTIC, 45, 4)
        assert (stored.latitude, stored.longitude) == (Decimal("12.639200"), Decimal("-8.002900"))
        assert list(stored.cases.all()) == [case]
        assert stored.content_hash == data.content_hash()

    def test_the_same_submission_again_returns_the_stored_visit(self, referent, enterprise):
        data = visit_input(enterprise=enterprise, cases=[CaseFactory(enterprise=enterprise)])
        first, _ = visit_record(data=data, by=referent)

        again, created = visit_record(data=data, by=referent)

        assert created is False
        assert again.pk == first.pk
        assert Visit.objects.filter(client_uuid=data.client_uuid).count() == 1
        assert Visit.objects.count() == 1

    def test_resend_with_equal_values_in_other_forms_is_the_same_visit(self, referent, enterprise):
        data = visit_input(enterprise=enterprise)
        first, _ = visit_record(data=data, by=referent)
        same_instant_elsewhere = data.started_at.astimezone(datetime.timezone(datetime.timedelta(hours=1)))
        resent = dataclasses.replace(
            data, started_at=same_instant_elsewhere, latitude=Decimal("12.6392"), longitude=Decimal("-8.0029")
        )

        again, created = visit_record(data=resent, by=referent)
        assert (again.pk, created) == (first.pk, False)

    def test_same_uuid_with_other_content_is_a_conflict_carrying_the_stored_visit(self, referent, enterprise):
        data = visit_input(enterprise=enterprise)
        stored, _ = visit_record(data=data, by=referent)

        with pytest.raises(VisitConflict) as caught:
            visit_record(data=dataclasses.replace(data, observations="Autre contenu"), by=referent)

        assert caught.value.visit == stored
        assert Visit.objects.get().observations == "Séchage des mangues au sol."

    def test_same_uuid_from_another_referent_is_a_conflict_without_the_visit(self, hub, referent, enterprise):
        data = visit_input(enterprise=enterprise)
        visit_record(data=data, by=referent)
        colleague = ReferentUserFactory(hub=hub)

        for content in (data, dataclasses.replace(data, observations="Autre")):
            with pytest.raises(VisitConflict) as caught:
                visit_record(data=content, by=colleague)
            assert caught.value.visit is None
        assert Visit.objects.get().referent == referent

    def test_enterprise_of_another_hub_is_refused(self, referent, other_enterprise):
        with pytest.raises(ValidationError) as caught:
            visit_record(data=visit_input(enterprise=other_enterprise), by=referent)
        assert "enterprise" in caught.value.message_dict
        assert not Visit.objects.exists()

    def test_case_of_another_enterprise_is_refused(self, hub, referent, enterprise):
        neighbours_case = CaseFactory(enterprise=EnterpriseFactory(hub=hub))
        with pytest.raises(ValidationError) as caught:
            visit_record(data=visit_input(enterprise=enterprise, cases=[neighbours_case]), by=referent)
        assert "cases" in caught.value.message_dict
        assert not Visit.objects.exists()

    @pytest.mark.parametrize("role_fixture", ["sme_user", "manager", "viewer", "admin_user"])
    def test_only_referents_record_visits(self, request, enterprise, role_fixture):
        with pytest.raises(PermissionDenied):
            visit_record(data=visit_input(enterprise=enterprise), by=request.getfixturevalue(role_fixture))
        assert not Visit.objects.exists()

    def test_inactive_referent_cannot_record(self, referent, enterprise):
        referent.is_active = False
        referent.save()
        with pytest.raises(PermissionDenied):
            visit_record(data=visit_input(enterprise=enterprise), by=referent)

    def test_invalid_content_is_refused_with_field_errors(self, referent, enterprise):
        data = visit_input(enterprise=enterprise, people_reached_total=2, people_reached_women=3, latitude=None)
        with pytest.raises(ValidationError) as caught:
            visit_record(data=data, by=referent)
        assert {"people_reached_women", "longitude"} <= set(caught.value.message_dict)
        assert not Visit.objects.exists()


class TestFirstContact:
    """A visit about a case is its first contact, which the report's "time to first contact or visit" reads."""

    def received(self, enterprise, *, hours_ago: int, **fields):
        return CaseFactory(
            enterprise=enterprise, received_at=timezone.now() - datetime.timedelta(hours=hours_ago), **fields
        )

    def test_a_visit_about_a_case_never_contacted_is_its_first_contact(self, referent, enterprise):
        case = self.received(enterprise, hours_ago=30, status="assigned", assigned_to=referent)
        data = visit_input(enterprise=enterprise, cases=[case])

        visit_record(data=data, by=referent)

        case.refresh_from_db()
        assert case.first_contact_at == data.started_at
        assert case.version == 2
        assert case.history.count() == 2

    def test_an_earlier_contact_is_kept(self, referent, enterprise):
        contacted = timezone.now().replace(microsecond=0) - datetime.timedelta(hours=5)
        case = self.received(enterprise, hours_ago=30, status="in_progress", first_contact_at=contacted)

        visit_record(data=visit_input(enterprise=enterprise, cases=[case]), by=referent)

        case.refresh_from_db()
        assert (case.first_contact_at, case.version) == (contacted, 1)

    def test_a_visit_logged_offline_before_a_later_contact_takes_its_place(self, referent, enterprise):
        case = self.received(
            enterprise,
            hours_ago=30,
            status="in_progress",
            first_contact_at=timezone.now() - datetime.timedelta(hours=1),
        )
        data = visit_input(enterprise=enterprise, cases=[case])

        visit_record(data=data, by=referent)

        case.refresh_from_db()
        assert case.first_contact_at == data.started_at

    def test_a_visit_before_the_case_was_received_is_no_contact_about_it(self, referent, enterprise):
        case = self.received(enterprise, hours_ago=1)

        visit_record(data=visit_input(enterprise=enterprise, cases=[case]), by=referent)

        case.refresh_from_db()
        assert (case.first_contact_at, case.version) == (None, 1)
