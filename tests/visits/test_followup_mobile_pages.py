"""The impact follow-ups on the referent's phone: the /m/ home lists those due within 14 days and overdue,
/m/followups/<id>/ is the short form the outbox sends, /m/followups/offline/ its shell for any follow-up,
and the directory copy carries the follow-ups due so that the shell can name them offline."""

import datetime
import re
from html.parser import HTMLParser

import pytest
from django.utils import formats, timezone, translation
from django.utils.html import escape

from cases.models import CaseStatus
from hub.followups.forms import BASELINE_FIELDS
from hub.followups.services import ANSWER_FIELDS
from hub.models import FollowUp
from tests.factories import CaseFactory, EnterpriseFactory, FollowUpFactory, ReferentUserFactory
from visits.selectors import FIELD_FOLLOWUPS

pytestmark = pytest.mark.django_db

K = FollowUp.Kind
HOME = "/m/"
DIRECTORY = "/m/directory.json"
COPY = "/m/followups.json"
SHELL = "/m/followups/offline/"


def page(followup) -> str:
    return f"/m/followups/{followup.pk}/"


def days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


def html(response) -> str:
    return response.content.decode()


def home_rows(response) -> list[int]:
    return [followup.pk for followup in response.context["due_followups"]]


def french_date(day: datetime.date) -> str:
    with translation.override("fr"):
        return formats.date_format(day, "SHORT_DATE_FORMAT")


class Form(HTMLParser):
    """The follow-up form of a page: its attributes, the names of its fields in order, and the names of
    the fields whose block is marked as asked at a baseline."""

    def __init__(self, text: str):
        super().__init__()
        self.attrs: dict | None = None
        self.fields: list[str] = []
        self.baseline: list[str] = []
        self._inside = False
        self._baseline_block = False
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("id") == "followup-form":
            self.attrs, self._inside = attrs, True
        elif self._inside and tag == "div":
            self._baseline_block = "data-baseline" in attrs
        elif self._inside and tag in ("input", "select", "textarea") and attrs.get("name"):
            self.fields.append(attrs["name"])
            if self._baseline_block:
                self.baseline.append(attrs["name"])

    def handle_endtag(self, tag):
        if tag == "form":
            self._inside = False
        elif tag == "div":
            self._baseline_block = False


@pytest.fixture
def colleague(hub):
    return ReferentUserFactory(hub=hub)


def resolved_case(enterprise, *, referent=None):
    return CaseFactory(
        enterprise=enterprise,
        status=CaseStatus.RESOLVED,
        assigned_to=referent,
        resolved_at=timezone.now() - datetime.timedelta(days=200),
    )


def followup(enterprise, *, kind=K.MONTH_6, due, assigned_to=None, case=None, **fields) -> FollowUp:
    if kind != K.BASELINE and case is None:
        case = resolved_case(enterprise)
    return FollowUpFactory(enterprise=enterprise, case=case, kind=kind, due_date=due, assigned_to=assigned_to, **fields)


@pytest.fixture
def due(hub, referent, colleague, other_hub, other_referent):
    """What the referent's phone should and should not show. `mine` are listed, earliest due first."""
    mine_enterprise = EnterpriseFactory(hub=hub, name="Karité Plus SARL")
    # The referent's case at this enterprise makes its unassigned follow-ups theirs.
    my_case = resolved_case(mine_enterprise, referent=referent)
    stranger = EnterpriseFactory(hub=hub, name="Forge de Kati")
    anonymised = EnterpriseFactory(hub=hub, name="Ancienne entreprise")
    elsewhere = EnterpriseFactory(hub=other_hub, name="Moulin du Fleuve")
    rows = {
        "overdue": followup(mine_enterprise, due=days(-20), assigned_to=referent),
        "unassigned_of_my_case": followup(mine_enterprise, kind=K.MONTH_12, case=my_case, due=days(-1)),
        "today": followup(mine_enterprise, kind=K.BASELINE, due=days(0), assigned_to=referent),
        "in_14_days": followup(stranger, due=days(14), assigned_to=referent),
    }
    left_out = {
        "colleagues": followup(mine_enterprise, due=days(2), assigned_to=colleague),
        "collected": followup(mine_enterprise, due=days(-5), assigned_to=referent, collected_on=days(-1)),
        "in_15_days": followup(stranger, kind=K.MONTH_12, due=days(15), assigned_to=referent),
        "unassigned_of_no_case_of_mine": followup(stranger, kind=K.BASELINE, due=days(3)),
        "anonymised": followup(anonymised, due=days(1), assigned_to=referent),
        "other_hub": followup(elsewhere, due=days(1), assigned_to=other_referent),
    }
    type(anonymised).objects.filter(pk=anonymised.pk).update(anonymised_at=timezone.now())
    return rows, left_out


class TestAccess:
    @pytest.mark.parametrize("role", ["manager", "sme_user", "viewer"])
    def test_roles_that_do_not_log_visits_are_refused(self, client, request, role, enterprise):
        planned = followup(enterprise, kind=K.BASELINE, due=days(3))
        client.force_login(request.getfixturevalue(role))
        for path in [page(planned), SHELL]:
            assert client.get(path).status_code == 403

    def test_anonymous_visitors_are_sent_to_the_login_page(self, client, enterprise):
        planned = followup(enterprise, kind=K.BASELINE, due=days(3))
        for path in [page(planned), SHELL]:
            response = client.get(path)
            assert response.status_code == 302
            assert response["Location"].startswith(f"/login/?next={path}")

    def test_another_hubs_followup_and_a_missing_one_are_not_found(self, as_referent, other_enterprise):
        elsewhere = followup(other_enterprise, kind=K.BASELINE, due=days(3))
        assert as_referent.get(page(elsewhere)).status_code == 404
        assert as_referent.get("/m/followups/987654/").status_code == 404


class TestHome:
    def test_lists_my_followups_due_within_14_days_and_overdue_earliest_first(self, as_referent, due):
        rows, left_out = due
        response = as_referent.get(HOME)
        assert home_rows(response) == [
            rows[name].pk for name in ["overdue", "unassigned_of_my_case", "today", "in_14_days"]
        ]
        section = html(response).split('id="due-followups"')[1].split("</ul>")[0]
        for name, shown in rows.items():
            assert f'href="{page(shown)}"' in section, name
        for name, hidden in left_out.items():
            assert f'data-followup="{hidden.pk}"' not in section, name
            assert f'href="{page(hidden)}"' not in section, name

    def test_each_row_names_the_enterprise_case_and_due_date_and_flags_the_overdue(self, as_referent, due):
        rows, _left_out = due
        section = html(as_referent.get(HOME)).split('id="due-followups"')[1].split("</ul>")[0]
        items = dict(re.findall(r'<li class="item[^"]*" data-followup="(\d+)">(.*?)</li>', section, re.DOTALL))
        overdue = items[str(rows["overdue"].pk)]
        assert "Karité Plus SARL" in overdue
        assert rows["overdue"].case.reference in overdue
        assert french_date(rows["overdue"].due_date) in overdue
        assert f'<li class="item tap alert" data-followup="{rows["overdue"].pk}">' in section
        assert f'<li class="item tap alert" data-followup="{rows["unassigned_of_my_case"].pk}">' in section
        assert f'<li class="item tap" data-followup="{rows["today"].pk}">' in section
        assert f'<li class="item tap" data-followup="{rows["in_14_days"].pk}">' in section
        assert "Forge de Kati" in items[str(rows["in_14_days"].pk)]

    def test_a_followup_assigned_to_me_is_mine_at_any_enterprise(self, as_referent, referent, hub):
        """Assignment by a manager puts it on the phone even where the referent has no case."""
        assigned = followup(EnterpriseFactory(hub=hub), kind=K.BASELINE, due=days(5), assigned_to=referent)
        assert home_rows(as_referent.get(HOME)) == [assigned.pk]

    def test_reassigned_to_a_colleague_it_leaves_my_phone(self, as_referent, referent, colleague, enterprise):
        case = resolved_case(enterprise, referent=referent)
        planned = followup(enterprise, case=case, due=days(5))
        assert home_rows(as_referent.get(HOME)) == [planned.pk]
        FollowUp.objects.filter(pk=planned.pk).update(assigned_to=colleague)
        assert home_rows(as_referent.get(HOME)) == []

    def test_at_most_field_followups_the_earliest_due(self, as_referent, referent, enterprise):
        case_due = [followup(enterprise, due=days(13 - n), assigned_to=referent) for n in range(FIELD_FOLLOWUPS + 1)]
        listed = home_rows(as_referent.get(HOME))
        assert FIELD_FOLLOWUPS == 50
        assert len(listed) == FIELD_FOLLOWUPS
        assert case_due[0].pk not in listed, "the one due last is left out"

    def test_nothing_due_says_so_without_an_empty_link(self, as_referent):
        response = as_referent.get(HOME)
        assert home_rows(response) == []
        section = html(response).split('id="due-followups"')[1].split("</ul>")[0]
        assert "/m/followups/" not in section
        assert 'class="item muted"' in section


class TestFollowUpPage:
    def test_names_the_followup_and_its_due_date_and_asks_every_question(self, as_referent, enterprise):
        planned = followup(enterprise, due=days(3))
        response = as_referent.get(page(planned))
        assert response.status_code == 200
        assert response.context["followup"] == planned
        assert "no-cache" in response["Cache-Control"]
        text = html(response)
        with translation.override("fr"):
            title = f"{planned.get_kind_display()} · {planned.enterprise.name}"
        assert f'<h1 id="followup-title">{escape(title)}</h1>' in text
        facts = text.split('id="followup-facts"')[1].split("</p>")[0]
        assert planned.case.reference in facts
        assert french_date(planned.due_date) in facts
        form = Form(text)
        assert form.attrs["data-followup"] == str(planned.pk)
        assert form.attrs["data-kind"] == "m6"
        assert form.fields == ["client_uuid", "collected_on", *ANSWER_FIELDS]

    def test_a_baselines_questions_are_marked_for_the_script(self, as_referent, enterprise):
        """The script shows a baseline's marked questions only: the day, employees, turnover and notes."""
        planned = followup(enterprise, kind=K.BASELINE, due=days(3))
        form = Form(html(as_referent.get(page(planned))))
        assert form.attrs["data-kind"] == "baseline"
        assert form.baseline == ["collected_on", *BASELINE_FIELDS]

    def test_a_colleagues_followup_of_the_hub_opens_too(self, as_referent, colleague, enterprise):
        planned = followup(enterprise, due=days(3), assigned_to=colleague)
        assert as_referent.get(page(planned)).status_code == 200

    def test_a_collected_followup_says_it_was_recorded_and_offers_no_form(self, client, referent, enterprise):
        planned = followup(enterprise, due=days(-9), collected_on=days(-2), assigned_to=referent)
        client.force_login(referent)
        client.cookies["django_language"] = "en"
        response = client.get(page(planned))
        assert response.status_code == 200
        text = html(response)
        assert Form(text).attrs is None
        with translation.override("en"):
            recorded_on = formats.date_format(days(-2), "SHORT_DATE_FORMAT")
        assert f'<p class="notice">Already recorded on {recorded_on}.</p>' in text

    def test_an_anonymised_enterprises_followup_offers_no_form(self, as_referent, enterprise, referent):
        """The enterprise asked to be anonymised: it takes no new record (the manager's page offers no
        record form and the API refuses one), so the phone must not ask the referent to fill one in."""
        planned = followup(enterprise, due=days(-2), assigned_to=referent)
        type(enterprise).objects.filter(pk=enterprise.pk).update(anonymised_at=timezone.now())
        response = as_referent.get(page(planned))
        assert Form(html(response)).attrs is None


class TestOfflineShell:
    def test_renders_the_form_for_no_followup_in_particular(self, as_referent, enterprise):
        followup(enterprise, due=days(3))
        response = as_referent.get(SHELL)
        assert response.status_code == 200
        assert response.context["followup"] is None
        assert "no-cache" in response["Cache-Control"]
        text = html(response)
        form = Form(text)
        assert form.attrs["data-followup"] == ""
        assert form.attrs["data-kind"] == ""
        assert form.fields == ["client_uuid", "collected_on", *ANSWER_FIELDS]
        assert form.baseline == ["collected_on", *BASELINE_FIELDS]
        assert 'id="followup-title"' in text and 'id="followup-facts"' in text
        assert "Karité Plus SARL" not in text


class TestFollowUpsCopy:
    def test_carries_the_followups_due_as_compact_rows(self, as_referent, due):
        rows, _left_out = due
        response = as_referent.get(COPY)
        assert response["Content-Type"] == "application/json"
        expected = [
            [
                row.pk,
                row.enterprise_id,
                row.kind,
                row.due_date.isoformat(),
                row.case.reference if row.case else "",
                row.enterprise.name,
            ]
            for row in (rows[name] for name in ["overdue", "unassigned_of_my_case", "today", "in_14_days"])
        ]
        assert response.json() == {"followups": expected}
        assert expected[2][2:5] == ["baseline", days(0).isoformat(), ""]

    def test_keeps_at_most_field_followups_the_earliest_due(self, as_referent, referent, enterprise):
        made = [followup(enterprise, due=days(13 - n), assigned_to=referent) for n in range(FIELD_FOLLOWUPS + 1)]
        kept = [row[0] for row in as_referent.get(COPY).json()["followups"]]
        assert len(kept) == FIELD_FOLLOWUPS
        assert kept == [planned.pk for planned in reversed(made)][:FIELD_FOLLOWUPS]

    def test_names_the_same_followups_as_the_home(self, as_referent, due):
        home = home_rows(as_referent.get(HOME))
        assert [row[0] for row in as_referent.get(COPY).json()["followups"]] == home

    def test_is_not_in_the_directory_copy_which_the_visit_form_loads_first(self, as_referent, due):
        assert "followups" not in as_referent.get(DIRECTORY).json()

    def test_an_unchanged_copy_is_revalidated_without_a_body(self, as_referent, due, django_assert_num_queries):
        first = as_referent.get(COPY)
        again = as_referent.get(COPY, HTTP_IF_NONE_MATCH=first["ETag"])
        assert (again.status_code, again.content) == (304, b"")
        with django_assert_num_queries(3):  # the session, the user, the follow-ups
            as_referent.get(COPY)
