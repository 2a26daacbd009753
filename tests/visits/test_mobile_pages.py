"""The referents' mobile pages under /m/: the offline app shell, its directory and the case page."""

import datetime
import hashlib
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.template.loader import get_template
from django.templatetags.static import static
from django.utils import timezone

from cases.models import CaseEvent, CaseNote, CaseStatus
from hub.models import AdministrativeUnit
from tests.factories import CaseFactory, EnterpriseFactory, ReferentUserFactory, VisitFactory

S = CaseStatus
HOME = "/m/"
VISIT_NEW = "/m/visits/new/"
DIRECTORY = "/m/directory.json"
SERVICE_WORKER = "/m/sw.js"
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.IGNORECASE)


def page(case) -> str:
    return f"/m/cases/{case.pk}/"


def action(case, name: str) -> str:
    return f"/m/cases/{case.pk}/{name}/"


def text(response) -> str:
    return response.content.decode()


def gap_ids(copy: dict) -> list[int]:
    """The enterprise ids of a directory copy, which sends each as the gap from the previous one."""
    ids, previous = [], 0
    for gap, *_ in copy["enterprises"]:
        previous += gap
        ids.append(previous)
    return ids


class Tags(HTMLParser):
    """Every start tag of a page, as (tag, attributes)."""

    def __init__(self, html: str):
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


class TestAccess:
    @pytest.mark.parametrize("path", [HOME, VISIT_NEW, DIRECTORY])
    def test_anonymous_visitors_are_sent_to_the_login_page(self, client, db, path):
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"].startswith(f"/login/?next={path}")

    @pytest.mark.parametrize("path", [HOME, VISIT_NEW, DIRECTORY])
    @pytest.mark.parametrize("role", ["manager", "sme_user", "viewer"])
    def test_roles_that_do_not_log_visits_are_refused(self, client, request, role, path):
        client.force_login(request.getfixturevalue(role))
        assert client.get(path).status_code == 403

    @pytest.mark.parametrize("path", [HOME, VISIT_NEW, DIRECTORY])
    def test_referents_open_the_mobile_app(self, as_referent, path):
        assert as_referent.get(path).status_code == 200


class TestVisitForm:
    def test_the_form_holds_no_per_visit_state(self, as_referent, enterprise):
        """The service worker serves this page offline to every new visit: the script, not the server,
        fills in the client UUID."""
        response = as_referent.get(VISIT_NEW)
        html = text(response)
        client_uuid = [attrs for tag, attrs in Tags(html).tags if tag == "input" and attrs.get("name") == "client_uuid"]
        assert client_uuid == [{"type": "hidden", "name": "client_uuid"}]
        assert not UUID.search(html)
        assert "no-cache" in response["Cache-Control"]

    def test_the_form_loads_the_script_and_its_configuration(self, as_referent, referent):
        html = text(as_referent.get(VISIT_NEW))
        scripts = [attrs.get("src") for tag, attrs in Tags(html).tags if tag == "script"]
        assert scripts[-2:] == [static("visits/mobile.js"), static("visits/visit_form.js")]
        config = re.search(r'<script id="app-config" type="application/json">(.*?)</script>', html, re.DOTALL)
        assert config is not None
        app = json.loads(config.group(1))
        assert app["visits"] == "/api/v1/visits/"
        assert app["directory"] == DIRECTORY
        assert app["user"] == referent.pk

    def test_the_form_loads_nothing_from_another_host(self, as_referent):
        tags = Tags(text(as_referent.get(VISIT_NEW))).tags
        links = [attrs[name] for _, attrs in tags for name in ("src", "href", "action") if attrs.get(name) is not None]
        assert links, "the page links at least its style sheet and script"
        for link in links:
            assert link.startswith("/") and not link.startswith("//"), link


class TestDirectory:
    def test_lists_the_hubs_enterprises_and_only_my_open_cases(
        self, as_referent, referent, hub, enterprise, other_enterprise
    ):
        neighbour = EnterpriseFactory(hub=hub, name="Atelier Diallo", commune="")
        colleague = ReferentUserFactory(hub=hub)
        assigned = CaseFactory(enterprise=enterprise, assigned_to=referent, status=S.ASSIGNED, title="Séchoir")
        waiting = CaseFactory(enterprise=neighbour, assigned_to=referent, status=S.WAITING_SME, title="Four")
        CaseFactory(enterprise=enterprise, assigned_to=referent, status=S.CLOSED)
        CaseFactory(enterprise=enterprise, assigned_to=referent, status=S.RESOLVED)
        CaseFactory(enterprise=enterprise, assigned_to=colleague, status=S.IN_PROGRESS)
        CaseFactory(enterprise=enterprise, status=S.NEW)
        CaseFactory(enterprise=other_enterprise, assigned_to=referent, status=S.IN_PROGRESS)

        response = as_referent.get(DIRECTORY)

        assert response["Content-Type"] == "application/json"
        assert response.json() == {
            "places": ["Commune III", neighbour.region.name],
            "enterprises": [
                [enterprise.pk, "Karité Plus SARL", 0],
                [neighbour.pk - enterprise.pk, "Atelier Diallo", 1],
            ],
            "cases": sorted(
                [
                    [assigned.pk, enterprise.pk, assigned.reference, "Séchoir"],
                    [waiting.pk, neighbour.pk, waiting.reference, "Four"],
                ],
                key=lambda row: (row[1], row[2]),
            ),
            "partial": False,
        }

    @pytest.mark.parametrize("enterprises", [3, 30])
    def test_costs_the_same_queries_whatever_the_size_of_the_hub(
        self, as_referent, referent, hub, enterprises, django_assert_num_queries
    ):
        for made in EnterpriseFactory.create_batch(enterprises, hub=hub):
            CaseFactory(enterprise=made, assigned_to=referent, status=S.IN_PROGRESS)
        # The session, the user; the referent's regions, the enterprises of their open cases, of their visits,
        # the newest, the rows kept, the cases.
        with django_assert_num_queries(8):
            response = as_referent.get(DIRECTORY)
        assert len(response.json()["enterprises"]) == len(response.json()["cases"]) == enterprises

    def test_a_referent_who_covers_regions_keeps_them_their_cases_and_their_visits(self, as_referent, referent, hub):
        referent.referent.regions.set([AdministrativeUnit.objects.get(code="ML-SIK")])
        sikasso = EnterpriseFactory(hub=hub, region=AdministrativeUnit.objects.get(code="ML-SIK"))
        koutiala = EnterpriseFactory(hub=hub, region=AdministrativeUnit.objects.get(code="ML-KTL"))
        with_case = EnterpriseFactory(hub=hub)
        visited = EnterpriseFactory(hub=hub)
        elsewhere = EnterpriseFactory(hub=hub)
        CaseFactory(enterprise=with_case, assigned_to=referent, status=S.IN_PROGRESS)
        CaseFactory(enterprise=elsewhere, assigned_to=referent, status=S.CLOSED)
        VisitFactory(enterprise=visited, referent=referent)

        copy = as_referent.get(DIRECTORY).json()

        assert gap_ids(copy) == sorted(e.pk for e in (sikasso, koutiala, with_case, visited))
        assert copy["partial"] is True

    def test_a_copy_over_its_size_keeps_my_cases_then_my_visits_then_the_newest(
        self, as_referent, referent, hub, settings
    ):
        settings.FIELD_DIRECTORY_SIZE = 3
        with_case, visited, older, newer = EnterpriseFactory.create_batch(4, hub=hub)
        newest = EnterpriseFactory(hub=hub)
        CaseFactory(enterprise=with_case, assigned_to=referent, status=S.WAITING_SME)
        VisitFactory(enterprise=visited, referent=referent)

        copy = as_referent.get(DIRECTORY).json()

        assert gap_ids(copy) == [with_case.pk, visited.pk, newest.pk]
        assert copy["partial"] is True
        assert not {older.pk, newer.pk} & set(gap_ids(copy))

    def test_an_anonymised_enterprise_is_left_out(self, as_referent, hub):
        kept, anonymised = EnterpriseFactory.create_batch(2, hub=hub)
        type(anonymised).objects.filter(pk=anonymised.pk).update(anonymised_at=timezone.now())

        assert gap_ids(as_referent.get(DIRECTORY).json()) == [kept.pk]

    def test_a_copy_over_its_size_keeps_the_latest_visited(self, as_referent, referent, hub, settings):
        settings.FIELD_DIRECTORY_SIZE = 1
        recent, earlier = EnterpriseFactory.create_batch(2, hub=hub)
        VisitFactory(enterprise=recent, referent=referent, started_at=timezone.now() - datetime.timedelta(days=1))
        VisitFactory(enterprise=earlier, referent=referent, started_at=timezone.now() - datetime.timedelta(days=90))

        assert gap_ids(as_referent.get(DIRECTORY).json()) == [recent.pk]

    def test_a_copy_at_its_size_is_whole(self, as_referent, hub, settings):
        settings.FIELD_DIRECTORY_SIZE = 3
        made = EnterpriseFactory.create_batch(3, hub=hub)

        copy = as_referent.get(DIRECTORY).json()

        assert gap_ids(copy) == [e.pk for e in made]
        assert copy["partial"] is False

    def test_an_unchanged_copy_is_revalidated_without_a_body(self, as_referent, referent, hub, enterprise):
        first = as_referent.get(DIRECTORY, HTTP_ACCEPT_ENCODING="gzip")
        again = as_referent.get(DIRECTORY, HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH=first["ETag"])
        EnterpriseFactory(hub=hub, name="Huilerie Sanou")
        changed = as_referent.get(DIRECTORY, HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH=first["ETag"])

        assert first.status_code == 200 and "no-cache" in first["Cache-Control"] and "private" in first["Cache-Control"]
        assert again.status_code == 304 and again.content == b""
        assert changed.status_code == 200 and changed["ETag"] != first["ETag"]

    def test_a_gap_of_ids_and_a_shared_place_give_back_every_enterprise(self, as_referent, hub):
        made = [EnterpriseFactory(hub=hub, commune="Niono") for _ in range(4)]
        made[1].delete()

        copy = as_referent.get(DIRECTORY).json()

        assert gap_ids(copy) == [made[0].pk, made[2].pk, made[3].pk]
        assert {copy["places"][row[2]] for row in copy["enterprises"]} == {"Niono"}


class TestServiceWorker:
    def test_is_javascript_that_the_browser_always_revalidates(self, client, db):
        response = client.get(SERVICE_WORKER)
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/javascript")
        assert response["Cache-Control"] == "no-cache"

    def test_keeps_the_shell_and_never_touches_writes(self, client, db):
        source = text(client.get(SERVICE_WORKER))
        shell = json.loads(re.search(r"const SHELL = (\[.*?\]);", source).group(1))
        assert shell == [
            HOME,
            VISIT_NEW,
            "/m/followups/offline/",
            "/m/cases/offline/",
            "/m/library/",
            static("hub/site.css"),
            static("visits/mobile.js"),
            static("visits/visit_form.js"),
            static("visits/followup.js"),
            static("visits/day.js"),
            static("visits/sheets.js"),
        ]
        assert 'if (event.request.method !== "GET"' in source
        assert f'if (["{DIRECTORY}", "/m/followups.json", "/m/day.json"].includes(url.pathname)) return;' in source

    def test_its_cache_is_named_after_the_shell_files_and_itself(self, client, db):
        """A new worker (one that caches less, say) renames the cache, so that phones drop the old copies."""
        digest = hashlib.sha256()
        worker = get_template("visits/sw.js").origin.name
        shell = [
            "hub/site.css",
            "visits/mobile.js",
            "visits/visit_form.js",
            "visits/followup.js",
            "visits/day.js",
            "visits/sheets.js",
        ]
        for path in [*map(finders.find, shell), worker]:
            digest.update(Path(path).read_bytes())
        assert f'const CACHE = "hubiit-mobile-{digest.hexdigest()[:12]}";' in text(client.get(SERVICE_WORKER))

    def test_sends_no_comment_to_the_phone(self, client, db):
        assert "//" not in text(client.get(SERVICE_WORKER)).replace("://", "")


class TestCasePage:
    @pytest.fixture
    def case(self, referent, enterprise):
        return CaseFactory(enterprise=enterprise, assigned_to=referent, status=S.ASSIGNED, title="Séchoir solaire")

    def test_the_assigned_referent_starts_work_on_the_case(self, as_referent, referent, case):
        assert f'action="{action(case, "transition")}"' in text(as_referent.get(page(case)))

        response = as_referent.post(
            action(case, "transition"), {"to_status": S.IN_PROGRESS, "version": case.version}, follow=True
        )

        assert response.redirect_chain == [(page(case), 302)]
        assert "La demande est maintenant « En cours »." in text(response)
        case.refresh_from_db()
        assert (case.status, case.version) == (S.IN_PROGRESS, 2)
        event = CaseEvent.objects.get(case=case)
        assert (event.from_status, event.to_status, event.actor) == (S.ASSIGNED, S.IN_PROGRESS, referent)

    @pytest.mark.parametrize(
        ("status", "expected"),
        [
            (S.ASSIGNED, ["Passer en cours", "Orienter vers un partenaire"]),
            (S.WAITING_SME, ["Reprendre le travail", "Marquer comme résolue"]),
        ],
    )
    def test_moves_say_what_they_do(self, as_referent, case, status, expected):
        case.status = status
        case.save()
        html = text(as_referent.get(page(case)))
        assert re.findall(r'<details class="move">\s*<summary>(.*?)</summary>', html) == expected

    def test_the_share_and_partner_lists_start_with_the_same_empty_choice(self, as_referent, case, partner):
        html = text(as_referent.get(page(case)))
        empty = re.findall(r'<select name="(sheet|partner)"[^>]*>\s*<option value=""[^>]*>(.*?)</option>', html)
        assert {"sheet", "partner"} <= {name for name, _label in empty}
        assert {label for _name, label in empty} == {"—"}

    def test_a_stale_version_is_refused_and_nothing_changes(self, as_referent, case):
        response = as_referent.post(
            action(case, "transition"), {"to_status": S.IN_PROGRESS, "version": case.version + 1}, follow=True
        )

        assert "Cette demande a été modifiée par quelqu’un d’autre entre-temps : vérifiez-la et recommencez." in text(
            response
        )
        case.refresh_from_db()
        assert (case.status, case.version) == (S.ASSIGNED, 1)
        assert not CaseEvent.objects.filter(case=case).exists()

    def test_a_colleague_reads_the_case_but_cannot_move_it(self, client, hub, case):
        client.force_login(ReferentUserFactory(hub=hub))
        html = text(client.get(page(case)))
        assert "Séchoir solaire" in html
        assert "Faire avancer la demande" not in html
        assert action(case, "transition") not in html

        response = client.post(
            action(case, "transition"), {"to_status": S.IN_PROGRESS, "version": case.version}, follow=True
        )

        assert "Seul le référent affecté peut traiter cette demande." in text(response)
        case.refresh_from_db()
        assert (case.status, case.version) == (S.ASSIGNED, 1)
        assert not CaseEvent.objects.filter(case=case).exists()

    def test_another_hubs_referent_finds_no_such_case(self, client, other_referent, case):
        client.force_login(other_referent)
        assert client.get(page(case)).status_code == 404
        transition = {"to_status": S.IN_PROGRESS, "version": case.version}
        assert client.post(action(case, "transition"), transition).status_code == 404
        assert client.post(action(case, "note"), {"visibility": "internal", "body": "Vu."}).status_code == 404
        case.refresh_from_db()
        assert case.status == S.ASSIGNED
        assert not CaseNote.objects.exists()

    @pytest.mark.parametrize("body", ["", "   "])
    def test_an_empty_note_is_refused(self, as_referent, case, body):
        response = as_referent.post(action(case, "note"), {"visibility": "internal", "body": body}, follow=True)
        assert response.redirect_chain == [(page(case), 302)]
        assert "Ce champ est obligatoire." in text(response)
        assert not CaseNote.objects.exists()

    def test_a_note_is_saved_as_internal(self, as_referent, referent, case):
        form = Tags(text(as_referent.get(page(case)))).tags
        assert ("option", {"value": "internal", "selected": None}) in form

        response = as_referent.post(
            action(case, "note"), {"visibility": "internal", "body": "Devis du soudeur demandé."}, follow=True
        )

        assert "La note est enregistrée." in text(response)
        note = CaseNote.objects.get(case=case)
        assert (note.author, note.visibility, note.body) == (
            referent,
            CaseNote.Visibility.INTERNAL,
            "Devis du soudeur demandé.",
        )
        assert "Devis du soudeur demandé." in text(response)


def test_the_home_lists_my_overdue_and_open_cases_with_their_links(as_referent, referent, hub, enterprise):
    today = timezone.localdate()
    late = CaseFactory(
        enterprise=enterprise,
        assigned_to=referent,
        status=S.IN_PROGRESS,
        title="Séchoir en retard",
        resolve_due=today - datetime.timedelta(days=1),
    )
    on_time = CaseFactory(
        enterprise=enterprise,
        assigned_to=referent,
        status=S.ASSIGNED,
        title="Four à poisson",
        first_contact_due=today + datetime.timedelta(days=2),
        resolve_due=today + datetime.timedelta(days=20),
    )
    CaseFactory(enterprise=enterprise, assigned_to=ReferentUserFactory(hub=hub), status=S.IN_PROGRESS, title="Collègue")
    CaseFactory(enterprise=enterprise, assigned_to=referent, status=S.CLOSED, title="Terminée")

    html = text(as_referent.get(HOME))

    overdue, _, rest = html.partition("Mes demandes ouvertes")
    open_section = rest.partition("Suivis prévus")[0]
    assert "Demandes en retard" in overdue
    assert f'href="{page(late)}"' in overdue and "Séchoir en retard" in overdue
    assert f'href="{page(on_time)}"' not in overdue
    assert f'href="{page(on_time)}"' in open_section and "Four à poisson" in open_section
    assert f'href="{page(late)}"' not in open_section
    assert "Collègue" not in html
    assert "Terminée" not in html


def test_the_home_lists_at_most_twenty_overdue_cases_but_counts_them_all(as_referent, referent, enterprise):
    """A referent far behind still gets a page that loads on a weak signal."""
    late = timezone.localdate() - datetime.timedelta(days=3)
    for number in range(25):
        CaseFactory(
            enterprise=enterprise,
            assigned_to=referent,
            status=S.IN_PROGRESS,
            resolve_due=late - datetime.timedelta(days=number),
            title=f"Demande en retard {number:02}",
        )

    html = text(as_referent.get(HOME))

    assert '<span class="count">25</span>' in html
    shown = re.findall(r"Demande en retard (\d\d)", html)
    assert sorted(shown) == [f"{number:02}" for number in range(5, 25)]
