"""The technology library: search that finds what a person typed in French, who reads which sheet,
sharing with an enterprise through its case, safe formatting, and the counts in the reports."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from cases.models import CaseStatus
from cases.services import case_share
from hub.library.formatting import render
from hub.library.search import fold, query_stems, searchable
from hub.library.selectors import partners_found, sheets_found
from hub.library.services import partner_delete, sheet_save
from hub.models import TechnologySheet
from hub.reports.selectors import ReportFilters, activity
from tests.factories import CaseFactory, PartnerFactory, SheetFactory, VisitFactory
from visits.services import visit_share

Status = TechnologySheet.Status


def titles(sheets) -> set[str]:
    return {sheet.title for sheet in sheets}


@pytest.fixture
def library(hub, other_hub):
    return {
        "drying": SheetFactory(hub=hub, title="Sécher les mangues au soleil", body="Comment sécher sans perte."),
        "shea": SheetFactory(hub=hub, title="Beurre de karité", summary="Barattage motorisé.", body="Presse."),
        "stoves": SheetFactory(hub=hub, title="Foyers améliorés", domain="energy", summary="Moins de bois.", body="."),
        "draft": SheetFactory(
            hub=hub, title="Pasteurisation du lait", status=Status.DRAFT, summary="Lait sûr.", body="Chauffer à 72 °C."
        ),
        "archived": SheetFactory(
            hub=hub, title="Ancien séchoir à claies", status=Status.ARCHIVED, summary="Remplacé.", body="Claies."
        ),
        "elsewhere": SheetFactory(hub=other_hub, title="Séchage du poisson", body="Fumoir."),
    }


class TestSearch:
    @pytest.mark.parametrize(
        ("typed", "found"),
        [
            ("séchage", {"Sécher les mangues au soleil", "Ancien séchoir à claies"}),
            ("SECHAGE", {"Sécher les mangues au soleil", "Ancien séchoir à claies"}),
            ("mangue", {"Sécher les mangues au soleil"}),
            ("karite", {"Beurre de karité"}),
            ("beurre barattage", {"Beurre de karité"}),
            ("beurre soleil", set()),
            ("", {"Sécher les mangues au soleil", "Beurre de karité", "Foyers améliorés", "Pasteurisation du lait",
                  "Ancien séchoir à claies"}),
        ],
    )  # fmt: skip
    def test_finds_what_a_person_typed_whatever_accents_plurals_and_endings(self, library, manager, typed, found):
        assert titles(sheets_found(user=manager, query=typed)) == found

    def test_filters_by_domain_sector_and_status(self, library, manager):
        assert titles(sheets_found(user=manager, domain="energy")) == {"Foyers améliorés"}
        assert titles(sheets_found(user=manager, status=Status.DRAFT)) == {"Pasteurisation du lait"}
        library["shea"].sectors = ["A"]
        library["shea"].save()
        assert titles(sheets_found(user=manager, sector="A")) == {"Beurre de karité"}

    def test_the_query_is_folded_and_stemmed(self):
        assert fold("Séchoir à MANGUES") == "sechoir a mangues"
        assert query_stems("séchage des mangues") == ["sech", "des", "mangu"]

    def test_partners_are_searched_the_same_way(self, hub, manager):
        partner = PartnerFactory(hub=hub, name="Société Malienne de Séchage")
        partner.search_text = searchable(partner.name)
        partner.save()
        assert list(partners_found(user=manager, query="sechoirs malienne")) == []
        assert list(partners_found(user=manager, query="malien séchage")) == [partner]


class TestVisibility:
    def test_hub_staff_read_every_sheet_of_their_hub_drafts_included(self, library, referent):
        assert titles(sheets_found(user=referent)) == titles(
            [library[name] for name in ("drying", "shea", "stoves", "draft", "archived")]
        )

    def test_smes_read_only_the_published_sheets_of_their_hub(self, library, sme_user):
        assert titles(sheets_found(user=sme_user)) == {"Sécher les mangues au soleil", "Beurre de karité",
                                                         "Foyers améliorés"}  # fmt: skip

    def test_regional_viewers_read_no_sheet_and_no_partner(self, library, viewer, hub):
        PartnerFactory(hub=hub)
        assert not sheets_found(user=viewer).exists()
        assert not partners_found(user=viewer).exists()

    def test_a_draft_answers_like_a_missing_sheet_on_the_portal(self, client, library, sme_user):
        client.force_login(sme_user)
        assert client.get(f"/portal/library/{library['drying'].pk}/").status_code == 200
        for name in ("draft", "archived", "elsewhere"):
            assert client.get(f"/portal/library/{library[name].pk}/").status_code == 404
        assert client.get("/portal/library/999999/").status_code == 404


class TestSharing:
    def test_a_sheet_shared_in_a_case_shows_on_the_portal_even_once_archived(
        self, client, library, referent, sme_user, enterprise
    ):
        case = CaseFactory(enterprise=enterprise, status=CaseStatus.IN_PROGRESS, assigned_to=referent)
        share = case_share(case=case, by=referent, sheet=library["drying"])
        assert (share.shared_by, share.sheet) == (referent, library["drying"])
        assert case_share(case=case, by=referent, sheet=library["drying"]) == share
        library["drying"].status = Status.ARCHIVED
        library["drying"].save()

        client.force_login(sme_user)
        page = client.get(f"/portal/requests/{case.pk}/").content.decode()
        assert "Sécher les mangues au soleil" in page
        assert client.get(f"/portal/library/{library['drying'].pk}/").status_code == 200
        assert client.get(f"/portal/library/{library['archived'].pk}/").status_code == 404

    def test_drafts_and_another_hubs_items_cannot_be_shared(self, library, referent, enterprise, other_hub):
        case = CaseFactory(enterprise=enterprise, assigned_to=referent)
        with pytest.raises(ValidationError):
            case_share(case=case, by=referent, sheet=library["draft"])
        with pytest.raises(ValidationError):
            case_share(case=case, by=referent, sheet=library["elsewhere"])
        with pytest.raises(ValidationError):
            case_share(case=case, by=referent, partner=PartnerFactory(hub=other_hub))
        with pytest.raises(ValidationError):
            case_share(case=case, by=referent)
        assert not case.shares.exists()

    def test_an_sme_cannot_share(self, library, sme_user, enterprise):
        with pytest.raises(PermissionDenied):
            case_share(case=CaseFactory(enterprise=enterprise), by=sme_user, sheet=library["drying"])

    def test_a_deleted_partner_leaves_its_name_on_the_cases(self, hub, manager, referent, enterprise):
        partner = PartnerFactory(hub=hub, name="Centre de recherche de Sotuba")
        referred = CaseFactory(enterprise=enterprise, status=CaseStatus.REFERRED, referred_to=partner,
                               referred_to_name=partner.name)  # fmt: skip
        share = case_share(case=CaseFactory(enterprise=enterprise), by=referent, partner=partner)
        partner_delete(partner=partner, by=manager)
        referred.refresh_from_db()
        share.refresh_from_db()
        assert (referred.referred_to, referred.referred_to_name) == (None, "Centre de recherche de Sotuba")
        assert (share.partner, share.partner_name) == (None, "Centre de recherche de Sotuba")

    def test_the_shares_count_in_the_reports(self, library, hub, manager, referent, enterprise):
        case = CaseFactory(enterprise=enterprise, assigned_to=referent)
        case_share(case=case, by=referent, sheet=library["drying"])
        case_share(case=case, by=referent, sheet=library["shea"])
        case_share(case=case, by=referent, partner=PartnerFactory(hub=hub))
        today = timezone.localdate()
        figures = activity(user=manager, filters=ReportFilters(date_from=today, date_to=today))
        assert (figures["sheets_shared"], figures["partners_shared"]) == (2, 1)
        last_year = ReportFilters(
            date_from=today.replace(year=today.year - 1), date_to=today.replace(year=today.year - 1)
        )
        assert activity(user=manager, filters=last_year)["sheets_shared"] == 0

    def test_each_share_counts_in_the_hub_of_its_case_or_visit_only(
        self, library, hub, other_hub, manager, other_manager, referent, other_referent, enterprise, other_enterprise
    ):
        case_share(case=CaseFactory(enterprise=enterprise), by=referent, sheet=library["drying"])
        visit_share(visit=VisitFactory(enterprise=enterprise, referent=referent), by=referent, sheet=library["shea"])
        elsewhere = CaseFactory(enterprise=other_enterprise)
        case_share(case=elsewhere, by=other_referent, sheet=library["elsewhere"])
        case_share(case=elsewhere, by=other_referent, partner=PartnerFactory(hub=other_hub))
        today = timezone.localdate()
        period = ReportFilters(date_from=today, date_to=today)

        mine, theirs = activity(user=manager, filters=period), activity(user=other_manager, filters=period)

        assert (mine["sheets_shared"], mine["partners_shared"]) == (2, 0)
        assert (theirs["sheets_shared"], theirs["partners_shared"]) == (1, 1)
        assert {share.hub for share in elsewhere.shares.all()} == {other_hub}


class TestWriting:
    def test_a_referent_writes_a_sheet_that_the_search_then_finds(self, referent):
        sheet = sheet_save(
            sheet=TechnologySheet(),
            by=referent,
            title="Pompes solaires d’irrigation",
            domain="energy",
            summary="Arroser sans gasoil.",
            body="## Dimensionner\n- Débit",
            status=Status.PUBLISHED,
        )
        assert (sheet.hub, sheet.author) == (referent.hub, referent)
        assert titles(sheets_found(user=referent, query="pompe irrigations")) == {"Pompes solaires d’irrigation"}

    def test_a_cost_range_upside_down_is_refused_and_nothing_saved(self, referent):
        with pytest.raises(ValidationError) as refused:
            sheet_save(
                sheet=TechnologySheet(), by=referent, title="Moulin", domain="agro", summary="s", body="b",
                cost_min_xof=500_000, cost_max_xof=100_000,
            )  # fmt: skip
        assert "cost_max_xof" in refused.value.message_dict
        assert not TechnologySheet.objects.exists()

    def test_smes_and_viewers_cannot_write(self, sme_user, viewer):
        for user in (sme_user, viewer):
            with pytest.raises(PermissionDenied):
                sheet_save(sheet=TechnologySheet(), by=user, title="x", domain="agro", summary="s", body="b")


class TestFormatting:
    def test_marks_become_headings_lists_bold_and_safe_links(self):
        html = render("## Principe\n- un\n- deux\n1. premier\n**gras** et [FAO](https://www.fao.org)")
        assert html == (
            "<h3>Principe</h3><ul><li>un</li><li>deux</li></ul><ol><li>premier</li></ol>"
            '<p><strong>gras</strong> et <a href="https://www.fao.org" rel="noopener noreferrer nofollow" '
            'target="_blank">FAO</a></p>'
        )

    @pytest.mark.parametrize(
        "hostile",
        [
            "<script>alert(1)</script>",
            '<img src=x onerror="alert(1)">',
            "[clic](javascript:alert(1))",
            "[clic](JaVaScRiPt:alert(1))",
            "[clic](data:text/html;base64,PHNjcmlwdD4=)",
            '[x](https://a.org" onmouseover="alert(1))',
            "## <svg onload=alert(1)>",
        ],
    )
    def test_nothing_in_a_sheet_can_run_script(self, hostile):
        html = str(render(hostile))
        assert "<script" not in html and "<img" not in html and "<svg" not in html
        assert "javascript:" not in html.lower() and "data:" not in html
        assert 'onerror="' not in html and 'onmouseover="' not in html
