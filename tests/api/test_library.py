"""The library through /api/v1/sheets/, /api/v1/partners/ and the shares of cases: the same rules as the
pages."""

import pytest

from cases.models import CaseStatus
from hub.models import TechnologySheet
from tests.factories import CaseFactory, PartnerFactory, SheetFactory

Status = TechnologySheet.Status


@pytest.fixture
def sheet(hub):
    return SheetFactory(hub=hub, title="Fumoir amélioré pour le poisson", body="## Principe\n<b>chaud</b>")


class TestApi:
    def test_smes_list_published_sheets_and_cannot_write(self, api, sme_user, hub, sheet):
        SheetFactory(hub=hub, status=Status.DRAFT)
        response = api(sme_user).get("/api/v1/sheets/")
        assert [found["id"] for found in response.json()["results"]] == [sheet.pk]
        assert "<h3>Principe</h3>" in response.json()["results"][0]["body_html"]
        assert api(sme_user).post("/api/v1/sheets/", {"title": "x"}).status_code == 403
        assert api(sme_user).get("/api/v1/partners/").status_code == 403

    def test_a_referent_creates_a_sheet_with_field_errors_in_french(self, api, referent, hub):
        client = api(referent)
        refused = client.post("/api/v1/sheets/", {"domain": "nope"}, format="json")
        assert refused.status_code == 400
        assert {"title", "domain", "summary", "body"} <= set(refused.json())
        partner = PartnerFactory(hub=hub)
        created = client.post(
            "/api/v1/sheets/",
            {
                "title": "Moulin à céréales",
                "domain": "agro",
                "summary": "Moudre.",
                "body": "Texte",
                "partners": [partner.pk],
            },
            format="json",
        )
        assert created.status_code == 201, created.json()
        assert created.json()["partners"] == [partner.pk]
        assert api(referent).get("/api/v1/sheets/?q=moulins").json()["results"][0]["title"] == "Moulin à céréales"

    def test_another_hubs_partner_is_refused_like_an_unknown_one(self, api, referent, other_hub):
        foreign = PartnerFactory(hub=other_hub)
        refused = api(referent).post(
            "/api/v1/sheets/",
            {"title": "t", "domain": "agro", "summary": "s", "body": "b", "partners": [foreign.pk]},
            format="json",
        )
        unknown = api(referent).post(
            "/api/v1/sheets/",
            {"title": "t", "domain": "agro", "summary": "s", "body": "b", "partners": [999999]},
            format="json",
        )
        assert refused.status_code == unknown.status_code == 400
        assert refused.json()["partners"] != [] and refused.json()["partners"][0].replace(
            str(foreign.pk), "?"
        ) == unknown.json()["partners"][0].replace("999999", "?")

    def test_shares_through_a_case_and_a_visit(self, api, referent, enterprise, sheet, hub):
        case = CaseFactory(enterprise=enterprise, assigned_to=referent, status=CaseStatus.IN_PROGRESS)
        shared = api(referent).post(f"/api/v1/cases/{case.pk}/shares/", {"sheet": sheet.pk}, format="json")
        assert shared.status_code == 201
        assert api(referent).get(f"/api/v1/cases/{case.pk}/shares/").json()[0]["sheet"] == sheet.pk
        draft = SheetFactory(hub=hub, status=Status.DRAFT)
        assert (
            api(referent).post(f"/api/v1/cases/{case.pk}/shares/", {"sheet": draft.pk}, format="json").status_code
            == 400
        )


@pytest.mark.parametrize(
    ("path", "params", "field"),
    [
        ("sheets", "status=nonsense", "status"),
        ("sheets", "domain=cooking", "domain"),
        ("sheets", "sector=ZZ", "sector"),
        ("partners", "kind=friend", "kind"),
        ("partners", "domain=cooking", "domain"),
    ],
)
def test_an_unknown_library_filter_code_is_a_400_not_an_empty_list(api, manager, path, params, field):
    response = api(manager).get(f"/api/v1/{path}/?{params}")
    assert response.status_code == 400
    assert list(response.json()) == [field]


def test_library_filters_narrow_the_lists(api, manager, hub, sheet):
    draft = SheetFactory(hub=hub, status=Status.DRAFT, domain=sheet.domain)
    response = api(manager).get(f"/api/v1/sheets/?status=draft&domain={sheet.domain}&q=")
    assert [found["id"] for found in response.json()["results"]] == [draft.pk]
