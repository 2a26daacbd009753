"""Administrators give regional viewers their accounts and the hubs they read, an explicit choice; a viewer
limited to some hubs reads only theirs on the report page, in the exports and through the API."""

import datetime
import re

import pytest
from rest_framework.test import APIClient

from hub.models import Role, User
from tests.factories import CaseFactory, EnterpriseFactory, ViewerFactory, VisitFactory

pytestmark = pytest.mark.django_db

PERIOD = "date_from=2026-01-01&date_to=2026-12-31"


def create_viewer(client, committed, **data):
    with committed():
        return client.post("/manage/staff/viewers/new/", {"name": "Mariam Diallo", "email": "mariam@uemoa.int", **data})


class TestCreation:
    def test_the_scope_must_be_chosen(self, client, admin_user, committed, mailoutbox):
        client.force_login(admin_user)

        response = create_viewer(client, committed)

        assert response.status_code == 200
        assert list(response.context["form"].errors) == ["reach"]
        assert not User.objects.filter(role=Role.VIEWER).exclude(pk=admin_user.pk).exists()
        assert mailoutbox == []

    def test_some_hubs_means_at_least_one_hub(self, client, admin_user, committed):
        client.force_login(admin_user)
        response = create_viewer(client, committed, reach="some")
        assert list(response.context["form"].errors) == ["hubs"]

    def test_a_viewer_of_some_hubs_is_created_and_invited(
        self, client, admin_user, hub, other_hub, committed, mailoutbox
    ):
        client.force_login(admin_user)

        response = create_viewer(client, committed, reach="some", hubs=[other_hub.pk])

        viewer = User.objects.get(role=Role.VIEWER)
        assert response.status_code == 302
        assert list(viewer.report_hubs.all()) == [other_hub]
        assert (viewer.username, viewer.hub) == ("mariam@uemoa.int", None)
        assert "/manage/staff/invitation/" in mailoutbox[0].body
        assert viewer.history.latest().history_user == admin_user

    def test_a_viewer_of_every_hub_has_no_hub_listed(self, client, admin_user, hub, committed):
        client.force_login(admin_user)
        create_viewer(client, committed, reach="every")
        assert not User.objects.get(role=Role.VIEWER).report_hubs.exists()

    def test_the_scope_is_changed_later_and_kept_in_the_history(self, client, admin_user, viewer, hub, other_hub):
        client.force_login(admin_user)

        response = client.post(
            f"/manage/staff/{viewer.pk}/",
            {"name": "Mariam Diallo", "email": viewer.email, "reach": "some", "hubs": [hub.pk, other_hub.pk]},
        )

        assert response.status_code == 302
        assert set(viewer.report_hubs.all()) == {hub, other_hub}
        assert viewer.history.latest().history_user == admin_user
        assert client.get(f"/manage/staff/{viewer.pk}/").context["form"].initial["reach"] == "some"

    def test_managers_neither_create_nor_see_viewers(self, as_manager, viewer):
        assert as_manager.get("/manage/staff/viewers/new/").status_code == 403
        assert as_manager.get(f"/manage/staff/{viewer.pk}/").status_code == 404


def figures_of(export) -> list[str]:
    """The lines of a CSV export but the time it was made."""
    lines = export.content.decode("utf-8-sig").splitlines()
    return [line for line in lines if not re.search(r"\d{2}:\d{2}:\d{2}", line)]


@pytest.fixture
def figures(hub, other_hub):
    """Three cases and a visit in the Mali hub, one case and two visits in the second hub, in March 2026."""
    march = datetime.datetime(2026, 3, 10, 9, tzinfo=datetime.UTC)
    mine, theirs = EnterpriseFactory(hub=hub), EnterpriseFactory(hub=other_hub)
    CaseFactory.create_batch(3, enterprise=mine, received_at=march)
    CaseFactory(enterprise=theirs, received_at=march)
    VisitFactory(enterprise=mine, started_at=march)
    VisitFactory.create_batch(2, enterprise=theirs, started_at=march)


@pytest.fixture
def scoped_viewer(viewer, other_hub):
    """A regional viewer who reads the second hub only."""
    viewer.report_hubs.set([other_hub])
    return viewer


class TestScope:
    def test_the_report_page_counts_the_hubs_in_scope_only(self, client, scoped_viewer, figures):
        client.force_login(scoped_viewer)

        report = client.get(f"/manage/reports/?{PERIOD}").context["report"]

        assert (report["activity"]["cases_received"], report["activity"]["visits"]) == (1, 2)

    def test_the_export_is_the_one_of_the_hubs_in_scope(self, client, scoped_viewer, figures):
        client.force_login(scoped_viewer)
        scoped = client.get(f"/manage/reports/export.csv?{PERIOD}")
        client.force_login(ViewerFactory())
        every_hub = client.get(f"/manage/reports/export.csv?{PERIOD}")
        second_hub = client.get(f"/manage/reports/export.csv?{PERIOD}&hub=ML2")

        assert scoped["Content-Disposition"] == 'attachment; filename="rapport-ML2-2026-01-01-2026-12-31.csv"'
        assert figures_of(scoped) == figures_of(second_hub)
        assert figures_of(scoped) != figures_of(every_hub)

    def test_the_api_reads_the_hubs_in_scope_only(self, scoped_viewer, figures):
        api = APIClient()
        api.force_authenticate(scoped_viewer)

        summary = api.get(f"/api/v1/reports/summary/?{PERIOD}").json()
        assert (summary["activity"]["cases_received"], summary["activity"]["visits"]) == (1, 2)
        assert api.get(f"/api/v1/reports/summary/?{PERIOD}&hub=ML").status_code == 400
        assert [hub["code"] for hub in api.get("/api/v1/hubs/").json()["results"]] == ["ML2"]
        assert api.get("/api/v1/hubs/ML/").status_code == 404
        assert api.get("/api/v1/hubs/ML2/").status_code == 200

    def test_the_home_page_rolls_up_the_hubs_in_scope(self, client, scoped_viewer, figures):
        client.force_login(scoped_viewer)
        assert [hub.code for hub in client.get("/manage/").context["hubs"]] == ["ML2"]

    def test_a_viewer_of_every_hub_reads_them_all_including_hubs_opened_later(self, client, viewer, figures):
        client.force_login(viewer)
        report = client.get(f"/manage/reports/?{PERIOD}").context["report"]
        assert (report["activity"]["cases_received"], report["activity"]["visits"]) == (4, 3)
        api = APIClient()
        api.force_authenticate(viewer)
        assert {hub["code"] for hub in api.get("/api/v1/hubs/").json()["results"]} == {"ML", "ML2"}

    def test_the_scope_does_not_narrow_administrators_and_managers(self, admin_user, manager, hub, other_hub, figures):
        admin_user.report_hubs.set([other_hub])
        api = APIClient()
        api.force_authenticate(admin_user)
        assert api.get(f"/api/v1/reports/summary/?{PERIOD}").json()["activity"]["cases_received"] == 4
        api.force_authenticate(manager)
        assert api.get(f"/api/v1/reports/summary/?{PERIOD}").json()["activity"]["cases_received"] == 3
