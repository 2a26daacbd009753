"""The imports' pages: who reaches them, the list of imports, a form error for a bad file, the progress
of an import, cancelling; and the link from the management home."""

import pytest

from hub.imports import services
from hub.imports.progress import progress_recorder
from hub.models import Enterprise, ImportBatch
from tests.hub.imports.conftest import enterprise_row, xlsx

pytestmark = pytest.mark.django_db

ROUTES = [
    ("get", "/manage/imports/"),
    ("get", "/manage/imports/templates/enterprises.xlsx"),
    ("get", "/manage/imports/progress.js"),
    ("get", "/manage/imports/{pk}/"),
    ("get", "/manage/imports/{pk}/progress/"),
    ("post", "/manage/imports/{pk}/check/"),
    ("post", "/manage/imports/{pk}/import/"),
    ("post", "/manage/imports/{pk}/cancel/"),
]


@pytest.fixture
def batch(hub, manager, media) -> ImportBatch:
    return services.batch_upload(
        hub=hub, kind="enterprises", upload=xlsx("enterprises", [enterprise_row()]), by=manager
    )


class TestWhoReachesThem:
    @pytest.mark.parametrize("fixture", ["referent", "sme_user", "viewer"])
    @pytest.mark.parametrize(("method", "route"), ROUTES)
    def test_referents_smes_and_viewers_are_refused(self, client, request, batch, fixture, method, route):
        client.force_login(request.getfixturevalue(fixture))
        assert getattr(client, method)(route.format(pk=batch.pk)).status_code == 403
        batch.refresh_from_db()
        assert batch.status == ImportBatch.Status.CHECKED

    @pytest.mark.parametrize(("method", "route"), ROUTES)
    def test_anonymous_visitors_are_sent_to_sign_in(self, client, batch, method, route):
        response = getattr(client, method)(route.format(pk=batch.pk))
        assert response.status_code == 302 and response["Location"].startswith("/login/")

    @pytest.mark.parametrize(("method", "route"), [route for route in ROUTES if "{pk}" in route[1]])
    def test_another_hubs_import_is_not_found_for_a_manager(self, client, other_manager, batch, method, route):
        client.force_login(other_manager)
        assert getattr(client, method)(route.format(pk=batch.pk)).status_code == 404
        batch.refresh_from_db()
        assert batch.status == ImportBatch.Status.CHECKED

    def test_a_manager_imports_into_their_own_hub_only(self, client, other_manager, hub, other_hub, media):
        client.force_login(other_manager)
        form = {"hub": hub.pk, "kind": "enterprises", "file": xlsx("enterprises", [enterprise_row()])}

        client.post(f"/manage/imports/?hub={hub.code}", {**form, "on_duplicate": "skip"})

        assert ImportBatch.objects.get().hub == other_hub
        assert client.get(f"/manage/imports/?hub={hub.code}").context["hub"] == other_hub

    def test_an_administrator_chooses_the_hub(self, client, admin_user, hub, other_hub, media):
        client.force_login(admin_user)
        form = {"hub": other_hub.pk, "kind": "enterprises", "file": xlsx("enterprises", [enterprise_row()])}

        response = client.post("/manage/imports/", {**form, "on_duplicate": "skip"})

        batch = ImportBatch.objects.get()
        assert response["Location"] == f"/manage/imports/{batch.pk}/"
        assert (batch.hub, batch.uploaded_by) == (other_hub, admin_user)
        client.post(f"/manage/imports/{batch.pk}/import/", {"on_duplicate": "skip"})
        assert Enterprise.objects.get().hub == other_hub


def test_the_management_home_links_to_the_imports(as_manager, client, referent, viewer):
    assert 'href="/manage/imports/"' in as_manager.get("/manage/").content.decode()
    client.force_login(viewer)
    assert 'href="/manage/imports/"' not in client.get("/manage/").content.decode()


def test_the_list_shows_who_imported_which_file_when_and_how_many(as_manager, manager, batch):
    services.batch_import(batch=batch, by=manager)

    page = as_manager.get("/manage/imports/")

    assert page.status_code == 200
    assert list(page.context["batches"]) == [batch]
    html = page.content.decode()
    assert "fichier.xlsx" in html and manager.get_full_name() in html
    batch.refresh_from_db()
    assert (batch.imported_by, batch.created_count, batch.skipped_count) == (manager, 1, 0)
    assert batch.imported_at is not None and not batch.file


def test_a_file_that_cannot_be_read_is_a_form_error(as_manager, media):
    form = {"kind": "enterprises", "file": xlsx("enterprises", [{"name": "Seul"}]), "on_duplicate": "skip"}

    response = as_manager.post("/manage/imports/", form)

    assert response.status_code == 400
    assert response.context["form"].errors["file"]
    assert not ImportBatch.objects.exists()


def test_updating_past_cases_is_a_form_error(as_manager, media):
    form = {"kind": "cases", "file": xlsx("enterprises", [enterprise_row()]), "on_duplicate": "update"}

    response = as_manager.post("/manage/imports/", form)

    assert response.status_code == 400
    assert response.context["form"].errors["on_duplicate"]


def test_the_batch_page_previews_and_offers_the_import_only_without_refusals(as_manager, hub, manager, media):
    rows = [enterprise_row(), enterprise_row(name="Sans région", owner_phone="66 00 00 01", region="")]
    refused = services.batch_upload(hub=hub, kind="enterprises", upload=xlsx("enterprises", rows), by=manager)

    page = as_manager.get(f"/manage/imports/{refused.pk}/")

    assert [line["line"] for line in page.context["refused"]] == [3]
    assert page.context["refused"][0]["errors"][0][0] == "Région"
    assert f"/manage/imports/{refused.pk}/import/" not in page.content.decode()
    response = as_manager.post(f"/manage/imports/{refused.pk}/import/", {"on_duplicate": "skip"})
    assert response.status_code == 302
    assert not Enterprise.objects.exists()


def test_the_progress_of_an_import(as_manager, batch):
    assert as_manager.get(f"/manage/imports/{batch.pk}/progress/").json() == {
        "done": None,
        "total": None,
        "status": "checked",
    }
    progress_recorder(batch)(1, 1)

    assert as_manager.get(f"/manage/imports/{batch.pk}/progress/").json() == {
        "done": 1,
        "total": 1,
        "status": "checked",
    }
    script = as_manager.get("/manage/imports/progress.js")
    assert script["Content-Type"].startswith("text/javascript")
    page = as_manager.get(f"/manage/imports/{batch.pk}/").content.decode()
    assert "<progress" in page and f'data-url="/manage/imports/{batch.pk}/progress/"' in page
    assert '<script src="/manage/imports/progress.js" defer>' in page


def test_an_import_reports_its_progress_as_it_goes(as_manager, manager, hub, media):
    rows = [enterprise_row(name=f"E{number}", owner_phone=f"76 00 {number:04d}") for number in range(250)]
    batch = services.batch_upload(hub=hub, kind="enterprises", upload=xlsx("enterprises", rows), by=manager)
    seen = []

    services.batch_import(batch=batch, by=manager, progress=lambda done, total: seen.append((done, total)))

    assert seen == [(0, 250), (100, 250), (200, 250), (250, 250)]


def test_cancelling_deletes_the_file_and_imports_nothing(as_manager, batch, media, django_capture_on_commit_callbacks):
    stored = media / batch.file.name
    assert stored.exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = as_manager.post(f"/manage/imports/{batch.pk}/cancel/")

    assert response["Location"] == "/manage/imports/"
    assert not stored.exists()
    batch.refresh_from_db()
    assert (batch.status, batch.file.name, batch.report) == (ImportBatch.Status.CANCELLED, "", {})
    assert as_manager.post(f"/manage/imports/{batch.pk}/import/", {"on_duplicate": "skip"}).status_code == 302
    assert not Enterprise.objects.exists()


def test_an_imported_file_cannot_be_imported_twice(as_manager, manager, batch):
    services.batch_import(batch=batch, by=manager)

    as_manager.post(f"/manage/imports/{batch.pk}/import/", {"on_duplicate": "skip"})

    assert Enterprise.objects.count() == 1
