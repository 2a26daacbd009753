"""What a stored visit may contain, checked by validation and by the database itself."""

import datetime
import uuid
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from tests.factories import EnterpriseFactory, ManagerFactory, VisitFactory
from visits.models import Visit

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def clean_errors(visit: Visit) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        visit.full_clean()
    return caught.value.message_dict


def unsaved_visit(referent, **overrides) -> Visit:
    """A visit not yet saved, whose hub, referent and enterprise are."""
    overrides.setdefault("enterprise", EnterpriseFactory(hub=referent.hub))
    return VisitFactory.build(referent=referent, **overrides)


def test_client_uuid_is_unique_in_the_database(referent):
    client_uuid = uuid.uuid4()
    VisitFactory(referent=referent, client_uuid=client_uuid)

    with pytest.raises(IntegrityError), transaction.atomic():
        VisitFactory(referent=referent, client_uuid=client_uuid)
    assert Visit.objects.filter(client_uuid=client_uuid).count() == 1


def test_more_women_than_people_reached_is_refused(referent):
    errors = clean_errors(unsaved_visit(referent, people_reached_total=3, people_reached_women=4))
    assert errors["people_reached_women"] == ["Women reached cannot outnumber the people reached."]


def test_more_women_than_people_reached_is_refused_by_the_database(referent):
    with pytest.raises(IntegrityError), transaction.atomic():
        VisitFactory(referent=referent, people_reached_total=3, people_reached_women=4)


def test_follow_up_date_before_the_visit_is_refused(referent):
    visit = unsaved_visit(referent)
    visit.follow_up_date = visit.started_at.date() - datetime.timedelta(days=1)
    errors = clean_errors(visit)
    assert errors["follow_up_date"] == ["The follow-up date cannot be before the visit."]


def test_follow_up_on_the_day_of_the_visit_is_accepted(referent):
    visit = unsaved_visit(referent)
    visit.follow_up_date = visit.started_at.date()
    visit.full_clean()


@pytest.mark.parametrize(
    ("latitude", "longitude"), [(Decimal("12.6392"), None), (None, Decimal("-8.0029"))], ids=["lat-only", "lon-only"]
)
def test_latitude_and_longitude_go_together(referent, latitude, longitude):
    visit = unsaved_visit(referent, latitude=latitude, longitude=longitude)
    assert clean_errors(visit)["longitude"] == ["Give both latitude and longitude, or neither."]
    with pytest.raises(IntegrityError), transaction.atomic():
        visit.save()


def test_position_with_both_coordinates_or_none_is_accepted(referent):
    unsaved_visit(referent, latitude=Decimal("12.6392"), longitude=Decimal("-8.0029")).full_clean()
    unsaved_visit(referent, latitude=None, longitude=None).full_clean()


def test_visit_is_made_by_a_referent_of_the_hub(hub, referent, other_referent):
    assert "referent" in clean_errors(unsaved_visit(other_referent, hub=hub, enterprise=EnterpriseFactory(hub=hub)))
    assert "referent" in clean_errors(unsaved_visit(ManagerFactory(hub=hub)))


def test_enterprise_of_another_hub_is_refused(referent, other_hub):
    visit = unsaved_visit(referent, enterprise=EnterpriseFactory(hub=other_hub))
    assert clean_errors(visit)["enterprise"] == ["This enterprise belongs to another hub."]
