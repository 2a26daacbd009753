"""The pages of the referent's day offline: the copy of the day (/m/day.json), the case shell the service worker
serves offline (/m/cases/offline/), and a case's page as day.js reads it (its forms queued, its version, the
app's configuration)."""

import json
import re
from html.parser import HTMLParser

import pytest
from django.templatetags.static import static

from cases.models import CaseStatus
from tests.factories import CaseFactory, ReferentUserFactory

S = CaseStatus
DAY = "/m/day.json"
SHELL = "/m/cases/offline/"


class Page(HTMLParser):
    """A page's forms (their attributes and their inputs' values by name), scripts, #case element and app
    configuration."""

    def __init__(self, html: str):
        super().__init__()
        self.forms: list[dict] = []
        self.scripts: list[str | None] = []
        self.case: dict[str, str | None] = {}
        self.feed(html)
        config = re.search(r'<script id="app-config" type="application/json">(.*?)</script>', html, re.DOTALL)
        self.app = json.loads(config.group(1))

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append({**attrs, "inputs": {}})
        elif tag == "input" and self.forms:
            self.forms[-1]["inputs"][attrs.get("name")] = attrs.get("value")
        elif tag == "script":
            self.scripts.append(attrs.get("src"))
        elif attrs.get("id") == "case":
            self.case = attrs


@pytest.fixture
def case(referent, enterprise):
    return CaseFactory(enterprise=enterprise, assigned_to=referent, status=S.IN_PROGRESS, version=7)


class TestAccess:
    @pytest.mark.parametrize("path", [DAY, SHELL])
    def test_anonymous_visitors_are_sent_to_the_login_page(self, client, db, path):
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"].startswith(f"/login/?next={path}")

    @pytest.mark.parametrize("path", [DAY, SHELL])
    @pytest.mark.parametrize("role", ["manager", "sme_user", "viewer", "admin_user"])
    def test_only_those_who_log_visits_get_them(self, client, request, role, path, case):
        """require(Action.LOG_VISITS): referents only; a manager works on cases but logs no visit, and is
        refused like the SME, the regional viewer and the administrator."""
        client.force_login(request.getfixturevalue(role))
        assert client.get(path).status_code == 403


class TestDayCopy:
    def test_a_referent_gets_the_copy_of_their_day_revalidated_at_each_load(self, as_referent, case):
        response = as_referent.get(DAY)

        assert response.status_code == 200
        assert response["Content-Type"] == "application/json"
        assert {"private", "no-cache"} <= {part.strip() for part in response["Cache-Control"].split(",")}
        copy = response.json()
        assert set(copy) == {"cases"}
        unchanged = as_referent.get(DAY, HTTP_IF_NONE_MATCH=response["ETag"])
        assert (unchanged.status_code, unchanged.content) == (304, b"")
        case.title = "Séchoir solaire réparé"
        case.save()
        assert as_referent.get(DAY, HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 200
        assert [(day["id"], day["version"], day["status"]) for day in copy["cases"]] == [(case.pk, 7, S.IN_PROGRESS)]

    def test_another_hubs_referent_never_gets_these_cases(self, client, other_referent, other_enterprise, case):
        theirs = CaseFactory(enterprise=other_enterprise, assigned_to=other_referent, status=S.IN_PROGRESS)
        client.force_login(other_referent)

        copy = client.get(DAY).json()

        assert [day["id"] for day in copy["cases"]] == [theirs.pk]

    def test_a_colleagues_cases_stay_out_of_the_copy(self, client, hub, case):
        client.force_login(ReferentUserFactory(hub=hub))
        assert client.get(DAY).json()["cases"] == []


class TestCaseShell:
    def test_renders_with_no_case_and_the_note_form_queued(self, as_referent, case):
        response = as_referent.get(SHELL)

        assert response.status_code == 200
        assert "no-cache" in response["Cache-Control"]
        page = Page(response.content.decode())
        assert (page.case["data-case"], page.case["data-version"], page.case["data-status"]) == ("", "", "")
        assert [(form["action"], form["data-queue"]) for form in page.forms if "data-queue" in form] == [("", "note")]
        assert 'name="visibility"' in response.content.decode()
        assert static("visits/day.js") in page.scripts
        assert case.reference not in response.content.decode()

    def test_is_in_the_service_workers_shell(self, client, db):
        source = client.get("/m/sw.js").content.decode()
        assert SHELL in json.loads(re.search(r"const SHELL = (\[.*?\]);", source).group(1))


class TestCasePage:
    def test_its_moves_but_a_referral_and_its_note_go_to_the_outbox(self, as_referent, case):
        page = Page(as_referent.get(f"/m/cases/{case.pk}/").content.decode())

        moves = {
            form["inputs"]["to_status"]: form.get("data-queue")
            for form in page.forms
            if form["action"].endswith("/transition/")
        }
        assert moves == {S.WAITING_SME: "move", S.RESOLVED: "move", S.REFERRED: None}
        assert all(form["inputs"]["version"] == "7" for form in page.forms if form["action"].endswith("/transition/"))
        notes = [form for form in page.forms if form["action"] == f"/m/cases/{case.pk}/note/"]
        assert [form["data-queue"] for form in notes] == ["note"]

    def test_carries_the_cases_id_version_and_status(self, as_referent, case):
        page = Page(as_referent.get(f"/m/cases/{case.pk}/").content.decode())

        assert (page.case["data-case"], page.case["data-version"], page.case["data-status"]) == (
            str(case.pk),
            "7",
            S.IN_PROGRESS,
        )
        assert page.scripts[-2:] == [static("visits/mobile.js"), static("visits/day.js")]

    def test_its_configuration_names_the_actions_the_copy_and_the_referents_offline_moves(self, as_referent, case):
        app = Page(as_referent.get(f"/m/cases/{case.pk}/").content.decode()).app

        assert app["actions"] == "/api/v1/cases/0/actions/"
        assert app["day"] == DAY
        moves = {
            before: [after for after, _label in after_labels] for before, after_labels in app["transitions"].items()
        }
        assert moves == {
            S.ASSIGNED: [S.IN_PROGRESS],
            S.IN_PROGRESS: [S.WAITING_SME, S.RESOLVED],
            S.WAITING_SME: [S.IN_PROGRESS, S.RESOLVED],
        }
        assert not {after for afters in moves.values() for after in afters} & {S.REFERRED, S.QUALIFIED, S.ASSIGNED}
        assert all(label for after_labels in app["transitions"].values() for _after, label in after_labels)
