"""A manager answers an enterprise's data request from its page: the download of everything held on it, and
the anonymisation, confirmed by typing the name, after which the enterprise takes no new records."""

import io
import json
import logging
import uuid
import zipfile

import pytest
from django.core.exceptions import ValidationError
from rest_framework.test import APIClient

from cases.models import Case
from cases.services import case_create
from hub import services
from hub.models import Enterprise
from tests.factories import CaseFactory, EnterpriseFactory, SmeUserFactory
from tests.hub.test_directory_pages import valid_form


def detail(enterprise) -> str:
    return f"/manage/enterprises/{enterprise.pk}/"


@pytest.fixture
def savonnerie(hub):
    enterprise = EnterpriseFactory(hub=hub, name="Savonnerie Djoliba", owner_name="Fatoumata Coulibaly")
    CaseFactory(enterprise=enterprise, title="Presse à karité")
    return enterprise


class TestExport:
    def test_the_manager_downloads_a_zip_of_everything_held_on_the_enterprise(self, as_manager, savonnerie, caplog):
        with caplog.at_level(logging.INFO, logger="hub.security"):
            response = as_manager.get(f"{detail(savonnerie)}export/")

        assert response.status_code == 200
        assert response["Content-Disposition"] == f'attachment; filename="entreprise-{savonnerie.pk}.zip"'
        with zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))) as archive:
            data = json.loads(archive.read(f"enterprise-{savonnerie.pk}.json"))
        assert data["enterprise"]["name"] == "Savonnerie Djoliba"
        assert [case["title"] for case in data["cases"]] == ["Presse à karité"]
        assert f"enterprise {savonnerie.pk} exported by user" in caplog.text

    def test_the_enterprise_page_offers_the_download_and_the_anonymisation_to_managers_only(
        self, client, as_manager, savonnerie, referent
    ):
        page = as_manager.get(detail(savonnerie)).content.decode()
        assert f"{detail(savonnerie)}export/" in page and f"{detail(savonnerie)}anonymise/" in page

        client.force_login(referent)
        page = client.get(detail(savonnerie)).content.decode()
        assert "export/" not in page and "anonymise/" not in page


class TestAnonymise:
    def test_a_wrong_name_is_a_french_form_error_and_changes_nothing(self, as_manager, savonnerie):
        response = as_manager.post(f"{detail(savonnerie)}anonymise/", {"confirm_name": "Savonnerie"})

        assert response.status_code == 200
        assert "Ce n’est pas le nom de l’entreprise" in response.content.decode()
        savonnerie.refresh_from_db()
        assert savonnerie.name == "Savonnerie Djoliba" and savonnerie.anonymised_at is None

    def test_the_typed_name_anonymises_and_the_page_says_so(self, as_manager, savonnerie):
        response = as_manager.post(
            f"{detail(savonnerie)}anonymise/", {"confirm_name": "  savonnerie   djoliba "}, follow=True
        )

        savonnerie.refresh_from_db()
        assert savonnerie.anonymised_at is not None
        assert savonnerie.owner_name != "Fatoumata Coulibaly" and "Djoliba" not in savonnerie.name
        page = response.content.decode()
        assert "Anonymisée le" in page
        assert "Djoliba" not in page and "Fatoumata" not in page and "Presse à karité" not in page
        assert f"{detail(savonnerie)}edit/" not in page and f"{detail(savonnerie)}anonymise/" not in page

    def test_a_second_anonymisation_is_not_offered(self, as_manager, savonnerie):
        as_manager.post(f"{detail(savonnerie)}anonymise/", {"confirm_name": "Savonnerie Djoliba"})
        first = Enterprise.objects.get(pk=savonnerie.pk).anonymised_at

        response = as_manager.get(f"{detail(savonnerie)}anonymise/")

        assert response.status_code == 302
        assert Enterprise.objects.get(pk=savonnerie.pk).anonymised_at == first


class TestAnonymisedEnterprises:
    @pytest.fixture
    def anonymised(self, as_manager, savonnerie):
        as_manager.post(f"{detail(savonnerie)}anonymise/", {"confirm_name": "Savonnerie Djoliba"})
        savonnerie.refresh_from_db()
        return savonnerie

    def test_its_details_cannot_be_typed_back(self, as_manager, anonymised):
        response = as_manager.post(f"{detail(anonymised)}edit/", valid_form(name="Savonnerie Djoliba"))

        assert response.status_code == 200
        assert "elle ne reçoit plus de nouveaux enregistrements" in response.content.decode()
        anonymised.refresh_from_db()
        assert anonymised.name != "Savonnerie Djoliba"

    def test_nobody_can_be_invited_to_it(self, manager, anonymised):
        with pytest.raises(ValidationError):
            services.sme_invite(enterprise=anonymised, phone="76 12 34 56", name="Awa Traoré", by=manager)

    def test_it_takes_no_new_case(self, manager, anonymised):
        with pytest.raises(ValidationError) as refused:
            case_create(enterprise=anonymised, domain="agro", title="x", description="y", by=manager, channel="phone")

        assert "enterprise" in refused.value.message_dict
        assert Case.objects.filter(enterprise=anonymised).count() == 1

    def test_a_visit_to_it_is_refused_with_the_reason(self, referent, anonymised):
        client = APIClient()
        client.force_authenticate(referent)

        response = client.post(
            "/api/v1/visits/",
            {
                "client_uuid": str(uuid.uuid4()),
                "enterprise": anonymised.pk,
                "started_at": "2026-11-20T09:30:00Z",
                "duration_minutes": 45,
                "purpose": "diagnostic",
            },
            format="json",
        )

        assert response.status_code == 400
        assert "anonymisée" in response.json()["enterprise"][0]

    def test_its_former_users_cannot_sign_in(self, client, hub, savonnerie, as_manager):
        user = SmeUserFactory(enterprise=savonnerie)
        as_manager.post(f"{detail(savonnerie)}anonymise/", {"confirm_name": "Savonnerie Djoliba"})

        user.refresh_from_db()
        assert not user.is_active and not user.has_usable_password()
