"""The library's pages: who opens what, writing, searching and sharing from the pages."""

import pytest

from cases.models import CaseShare, CaseStatus
from hub.models import Partner, TechnologySheet
from tests.factories import CaseFactory, PartnerFactory, SheetFactory

Status = TechnologySheet.Status


@pytest.fixture
def sheet(hub):
    return SheetFactory(hub=hub, title="Fumoir amélioré pour le poisson", body="## Principe\n<b>chaud</b>")


class TestPages:
    def test_staff_search_the_library_and_read_a_sheet_rendered_safely(self, client, manager, sheet):
        client.force_login(manager)
        listing = client.get("/manage/library/?q=fumoirs")
        assert [found.pk for found in listing.context["page"]] == [sheet.pk]
        page = client.get(f"/manage/library/sheets/{sheet.pk}/").content.decode()
        assert "<h3>Principe</h3>" in page and "&lt;b&gt;chaud&lt;/b&gt;" in page

    def test_a_referent_writes_a_sheet_and_a_bad_one_is_explained_in_french(self, client, referent):
        client.force_login(referent)
        refused = client.post("/manage/library/sheets/new/", {"title": "", "domain": "energy", "language": "fr"})
        assert refused.status_code == 200
        assert "Ce champ est obligatoire." in refused.content.decode()
        assert not TechnologySheet.objects.exists()
        saved = client.post(
            "/manage/library/sheets/new/",
            {
                "title": "Pompes solaires",
                "domain": "energy",
                "summary": "Arroser sans gasoil.",
                "body": "Texte",
                "language": "fr",
                "status": "draft",
                "sectors": ["A"],
            },
        )
        sheet = TechnologySheet.objects.get()
        assert saved.status_code == 302 and saved["Location"] == f"/manage/library/sheets/{sheet.pk}/"
        assert (sheet.author, sheet.sectors, sheet.search_text.startswith("pompes solaires")) == (referent, ["A"], True)

    def test_smes_and_viewers_do_not_open_the_staff_library(self, client, sme_user, viewer, sheet):
        for user in (sme_user, viewer):
            client.force_login(user)
            assert client.get("/manage/library/").status_code == 403
            assert client.get(f"/manage/library/sheets/{sheet.pk}/").status_code == 403

    def test_a_manager_shares_a_sheet_from_the_case_page_and_the_sme_sees_it(
        self, client, manager, sme_user, enterprise, sheet
    ):
        case = CaseFactory(enterprise=enterprise, status=CaseStatus.ASSIGNED)
        client.force_login(manager)
        assert "Fumoir amélioré pour le poisson" in client.get(f"/manage/cases/{case.pk}/").content.decode()
        client.post(f"/manage/cases/{case.pk}/share/", {"sheet": sheet.pk})
        assert CaseShare.objects.get().sheet == sheet
        client.force_login(sme_user)
        portal = client.get(f"/portal/requests/{case.pk}/").content.decode()
        assert f'href="/portal/library/{sheet.pk}/"' in portal

    def test_sharing_nothing_or_both_is_refused(self, client, manager, enterprise, sheet, hub):
        case = CaseFactory(enterprise=enterprise)
        client.force_login(manager)
        client.post(f"/manage/cases/{case.pk}/share/", {})
        client.post(f"/manage/cases/{case.pk}/share/", {"sheet": sheet.pk, "partner": PartnerFactory(hub=hub).pk})
        assert not CaseShare.objects.exists()

    def test_the_portal_lists_published_sheets_only(self, client, sme_user, hub, sheet):
        SheetFactory(hub=hub, title="Brouillon secret", status=Status.DRAFT)
        client.force_login(sme_user)
        listing = client.get("/portal/library/")
        assert [found.title for found in listing.context["page"]] == ["Fumoir amélioré pour le poisson"]

    def test_a_manager_deletes_a_partner_and_its_referrals_keep_the_name(self, client, manager, hub, enterprise):
        partner = PartnerFactory(hub=hub, name="IER Sotuba")
        case = CaseFactory(
            enterprise=enterprise, status=CaseStatus.REFERRED, referred_to=partner, referred_to_name="IER Sotuba"
        )
        client.force_login(manager)
        client.post(f"/manage/library/partners/{partner.pk}/delete/")
        assert not Partner.objects.exists()
        case.refresh_from_db()
        assert case.referred_to_name == "IER Sotuba"
