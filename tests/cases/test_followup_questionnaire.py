"""The SME's impact questionnaire at /portal/followups/<token>/: opened from the link it was sent, without
signing in, answered once, stored as self-reported with its history; refused for an altered, expired or
foreign token, a cancelled follow-up or an anonymised enterprise. And the pending questionnaires on /portal/."""

import datetime
import time
import zoneinfo
from types import SimpleNamespace

import pytest
from django.core import signing
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from cases.models import CaseStatus
from cases.portal_forms import QuestionnaireForm
from cases.rating import rating_token
from hub.followups.questionnaire import (
    QUESTIONNAIRE_SALT,
    followup_from_questionnaire_token,
    questionnaire_token,
)
from hub.followups.services import SELF_REPORT_FIELDS, Collection, followup_collect, followups_plan_for_case
from hub.models import FollowUp
from hub.privacy import enterprise_anonymise
from tests.factories import CaseFactory, EnterpriseFactory, FollowUpFactory, SmeUserFactory

pytestmark = pytest.mark.django_db

K = FollowUp.Kind
BAMAKO = zoneinfo.ZoneInfo("Africa/Bamako")
NOW = datetime.datetime(2026, 3, 6, 23, 30, tzinfo=datetime.UTC)
"""Half past eleven at night in Bamako (UTC all year): still 6 March there."""
TODAY = datetime.date(2026, 3, 6)
ANSWERS = {
    "employees_total": "8",
    "jobs_created": "3",
    "jobs_kept": "5",
    "turnover_xof": "42 000 000",
    "new_sales_xof": "6.500.000",
    "kept_sales_xof": "",
    "investment_xof": "1 200 000 F CFA",
    "cost_savings_xof": "0",
    "new_products": "1",
    "new_processes": "0",
    "technology_adopted": "yes",
    "satisfaction": "5",
    "recommend_score": "9",
}
STORED = {
    "employees_total": 8,
    "jobs_created": 3,
    "jobs_kept": 5,
    "turnover_xof": 42_000_000,
    "new_sales_xof": 6_500_000,
    "kept_sales_xof": None,
    "investment_xof": 1_200_000,
    "cost_savings_xof": 0,
    "new_products": 1,
    "new_processes": 0,
    "technology_adopted": True,
    "satisfaction": 5,
    "recommend_score": 9,
}


@pytest.fixture(autouse=True)
def now(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    return NOW


def fr(msgid: str) -> str:
    """The French text of one of our messages (the English msgid until the catalogue is compiled)."""
    with translation.override("fr"):
        return translation.gettext(msgid)


def page_of(response) -> str:
    return response.content.decode().replace("&#x27;", "'").replace("&quot;", '"')


def url(token: str) -> str:
    return f"/portal/followups/{token}/"


@pytest.fixture
def case(enterprise, referent):
    resolved = CaseFactory(
        enterprise=enterprise,
        status=CaseStatus.RESOLVED,
        assigned_to=referent,
        title="Séchoir solaire pour la mangue",
        received_at=datetime.datetime(2025, 8, 1, 9, tzinfo=BAMAKO),
        resolved_at=datetime.datetime(2025, 9, 1, 10, tzinfo=BAMAKO),
    )
    followups_plan_for_case(case=resolved)
    return resolved


@pytest.fixture
def six(case) -> FollowUp:
    """Due 2 March 2026, 182 days after the resolution."""
    return case.followups.get(kind=K.MONTH_6)


def signed_days_ago(monkeypatch, followup: FollowUp, days: int) -> str:
    with monkeypatch.context() as patched:
        patched.setattr("django.core.signing.time", SimpleNamespace(time=lambda: time.time() - days * 86400))
        return questionnaire_token(followup)


def unanswered(followup: FollowUp) -> bool:
    followup.refresh_from_db()
    return followup.collected_on is None and all(getattr(followup, name) is None for name in SELF_REPORT_FIELDS)


class TestToken:
    def test_the_token_names_the_follow_up_and_nothing_else_opens_it(self, six, case):
        assert followup_from_questionnaire_token(questionnaire_token(six)) == six
        assert followup_from_questionnaire_token(questionnaire_token(six) + "x") is None
        assert followup_from_questionnaire_token(questionnaire_token(six).replace(":", ":A", 1)) is None
        assert followup_from_questionnaire_token(rating_token(case)) is None, "a rating link is not a questionnaire"
        assert followup_from_questionnaire_token(signing.dumps(six.pk, salt="cases.rating")) is None
        assert followup_from_questionnaire_token(signing.dumps(str(six.pk), salt=QUESTIONNAIRE_SALT)) is None
        assert followup_from_questionnaire_token(signing.dumps(True, salt=QUESTIONNAIRE_SALT)) is None
        assert followup_from_questionnaire_token("") is None

    def test_a_link_is_valid_30_days(self, six, monkeypatch):
        assert followup_from_questionnaire_token(signed_days_ago(monkeypatch, six, 29)) == six
        assert followup_from_questionnaire_token(signed_days_ago(monkeypatch, six, 31)) is None

    def test_baselines_have_no_link(self, enterprise):
        baseline = FollowUpFactory(enterprise=enterprise, kind=K.BASELINE)
        assert followup_from_questionnaire_token(questionnaire_token(baseline)) is None

    def test_a_cancelled_follow_up_has_no_link(self, six):
        token = questionnaire_token(six)
        six.delete()
        assert followup_from_questionnaire_token(token) is None


class TestAnswering:
    def test_the_page_is_a_french_form_with_the_owners_questions_only(self, client, six, case, enterprise):
        response = client.get(url(questionnaire_token(six)))

        assert response.status_code == 200
        page = page_of(response)
        assert '<html lang="fr">' in page
        assert case.reference in page
        assert "Séchoir solaire pour la mangue" in page
        assert fr("6-month follow-up") in page
        assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in page
        for private in (enterprise.name, enterprise.owner_name, str(enterprise.owner_phone), case.description):
            assert private not in page
        form = response.context["form"]
        assert list(form.fields) == [name for _, _, names in QuestionnaireForm.GROUPS for name in names]
        assert sorted(form.fields) == sorted(SELF_REPORT_FIELDS), "the notes are the referent's"
        assert page.count('inputmode="numeric"') == 10
        assert 'name="recommend_score" value="10"' in page

    def test_answers_are_stored_once_as_self_reported_with_their_history(self, client, six):
        link = url(questionnaire_token(six))
        versions = six.history.count()

        response = client.post(link, ANSWERS, follow=True)

        assert response.redirect_chain == [(link, 302)]
        six.refresh_from_db()
        assert {name: getattr(six, name) for name in STORED} == STORED
        assert six.collected_on == TODAY, "the local date in Bamako"
        assert six.self_reported is True
        assert six.collected_by is None
        assert (six.confirmed_by, six.confirmed_at) == (None, None)
        assert six.history.count() == versions + 1
        latest = six.history.first()
        assert (latest.self_reported, latest.turnover_xof, latest.history_user) == (True, 42_000_000, None)
        thanks = page_of(response)
        assert fr("Thank you! Your answers have been recorded.") in thanks
        with translation.override("fr"):
            assert (
                translation.gettext("Your answers were recorded on %(date)s. Thank you!") % {"date": "6 mars 2026"}
            ) in thanks
        assert '<form method="post" novalidate>' not in thanks

    def test_a_questionnaire_is_answered_once(self, client, six):
        link = url(questionnaire_token(six))
        client.post(link, ANSWERS)
        versions = six.history.count()

        response = client.post(link, {**ANSWERS, "jobs_created": "40", "satisfaction": "1"})

        assert response.status_code == 200
        assert '<form method="post" novalidate>' not in page_of(response)
        six.refresh_from_db()
        assert (six.jobs_created, six.satisfaction) == (3, 5)
        assert six.history.count() == versions

    def test_a_follow_up_the_referent_recorded_is_not_answered_again(self, client, six, referent):
        followup_collect(followup=six, data=Collection(collected_on=TODAY, answers={"jobs_created": 2}), by=referent)

        response = client.post(url(questionnaire_token(six)), ANSWERS)

        six.refresh_from_db()
        assert (six.jobs_created, six.self_reported, six.satisfaction) == (2, False, None)
        assert response.context["answered"] is True

    def test_bad_answers_are_refused_in_french_and_nothing_is_saved(self, client, six):
        versions = six.history.count()
        bad = {
            **ANSWERS,
            "employees_total": "",
            "jobs_created": "-1",
            "turnover_xof": "1500,50",
            "investment_xof": "900000000000",
            "technology_adopted": "",
            "satisfaction": "9",
            "recommend_score": "11",
        }

        response = client.post(url(questionnaire_token(six)), bad)

        assert response.status_code == 200
        errors = response.context["form"].errors
        assert sorted(errors) == sorted(
            [
                "employees_total",
                "jobs_created",
                "turnover_xof",
                "investment_xof",
                "technology_adopted",
                "satisfaction",
                "recommend_score",
            ]
        )
        page = page_of(response)
        assert fr("Some answers need correcting: see the messages below.") in page
        assert fr("Write a number, 0 if there were none.") in page
        assert fr("Write a number of 0 or more.") in page
        assert fr("Write a whole amount in francs CFA, with digits only (for example 1 500 000).") in page
        assert fr("This amount is too high: check the number of zeros.") in page
        assert fr("Answer yes or no.") in page
        assert "Sélectionnez un choix valide. 9 n’en fait pas partie." in page, "Django's own French message"
        assert 'id="id_turnover_xof-error"' in page
        assert 'value="1500,50"' in page, "what was typed is kept for correcting"
        assert unanswered(six)
        assert six.history.count() == versions

    def test_french_whatever_the_browser_says_english_when_chosen(self, client, six):
        link = url(questionnaire_token(six))
        assert '<html lang="fr">' in page_of(client.get(link, HTTP_ACCEPT_LANGUAGE="en"))

        client.cookies["django_language"] = "en"
        response = client.post(link, {**ANSWERS, "turnover_xof": "abc"})

        page = page_of(response)
        assert '<html lang="en">' in page
        assert "Write a whole amount in francs CFA, with digits only (for example 1 500 000)." in page
        assert "Your turnover over the last 12 months (XOF)" in page

    def test_a_refusal_of_the_service_is_shown_and_nothing_is_saved(self, client, case, six):
        """A 12-month follow-up is not collected before its 6-month one was due."""
        six.due_date = TODAY + datetime.timedelta(days=10)
        six.save()
        twelve = case.followups.get(kind=K.MONTH_12)

        response = client.post(url(questionnaire_token(twelve)), ANSWERS)

        assert response.status_code == 200
        assert response.context["form"].non_field_errors()
        assert unanswered(twelve)


class TestUnusableLinks:
    @pytest.mark.parametrize("token", ["nimportequoi", "MQ:1tAbCd:forged-signature"])
    def test_an_altered_link_gets_a_clear_page_and_saves_nothing(self, client, six, token):
        response = client.get(url(token))
        assert response.status_code == 404
        page = page_of(response)
        assert fr("This link cannot be used") in page
        assert (
            fr(
                "This questionnaire link is not valid or has expired (links are valid for 30 days). Your referent "
                "can take your answers when they call or visit you."
            )
            in page
        )
        assert client.post(url(token), ANSWERS).status_code == 404
        assert unanswered(six)

    def test_an_expired_link_is_refused_and_a_fresh_one_works(self, client, six, monkeypatch):
        expired = signed_days_ago(monkeypatch, six, 31)
        fresh = signed_days_ago(monkeypatch, six, 29)

        assert client.post(url(expired), ANSWERS).status_code == 404
        assert unanswered(six)
        assert client.post(url(fresh), ANSWERS).status_code == 302
        assert not unanswered(six)

    def test_a_rating_link_token_does_not_open_a_questionnaire(self, client, six, case):
        assert client.get(url(rating_token(case))).status_code == 404

    def test_an_anonymised_enterprises_link_is_refused(self, client, six, manager, enterprise):
        token = questionnaire_token(six)
        enterprise_anonymise(enterprise=enterprise, by=manager)

        assert client.get(url(token)).status_code == 404
        assert client.post(url(token), ANSWERS).status_code == 404
        assert unanswered(six)

    def test_a_cancelled_follow_up_is_not_found(self, client, case, six, manager):
        token = questionnaire_token(six)
        six.delete()
        assert client.post(url(token), ANSWERS).status_code == 404


class TestPage:
    def test_the_form_is_protected_against_cross_site_posts(self, six):
        browser = Client(enforce_csrf_checks=True)
        assert browser.post(url(questionnaire_token(six)), ANSWERS).status_code == 403
        assert unanswered(six)

    def test_the_page_is_not_kept_in_the_browsers_cache(self, client, six):
        response = client.get(url(questionnaire_token(six)))
        assert "no-store" in response["Cache-Control"]
        assert "private" in response["Cache-Control"]


class TestPortalList:
    @pytest.fixture
    def sme(self, client, sme_user):
        client.force_login(sme_user)
        return client

    def listed(self, response) -> list[FollowUp]:
        return [followup for followup, _ in response.context["questionnaires"]]

    def test_the_sme_sees_its_pending_questionnaires_with_their_links(self, sme, six, case, enterprise, hub):
        twelve = case.followups.get(kind=K.MONTH_12)
        soon = CaseFactory(enterprise=enterprise, status=CaseStatus.RESOLVED, title="Presse à karité")
        soon_six = FollowUpFactory(case=soon, kind=K.MONTH_6, due_date=TODAY + datetime.timedelta(days=14))
        later = CaseFactory(enterprise=enterprise, status=CaseStatus.RESOLVED)
        FollowUpFactory(case=later, kind=K.MONTH_6, due_date=TODAY + datetime.timedelta(days=15))
        FollowUpFactory(enterprise=enterprise, kind=K.BASELINE, due_date=TODAY)
        answered = CaseFactory(enterprise=enterprise, status=CaseStatus.RESOLVED)
        FollowUpFactory(case=answered, kind=K.MONTH_6, due_date=TODAY, collected_on=TODAY)
        neighbour = CaseFactory(enterprise=EnterpriseFactory(hub=hub), status=CaseStatus.RESOLVED)
        FollowUpFactory(case=neighbour, kind=K.MONTH_6, due_date=TODAY)

        response = sme.get("/portal/")

        assert self.listed(response) == [six, soon_six], "due within 14 days, not answered, of its enterprise"
        assert twelve not in self.listed(response)
        page = page_of(response)
        for _, token in response.context["questionnaires"]:
            assert f'href="{url(token)}"' in page
        assert [followup_from_questionnaire_token(token) for _, token in response.context["questionnaires"]] == [
            six,
            soon_six,
        ]
        assert "Presse à karité" in page
        assert fr("How is your enterprise doing since our support?") in page

    def test_an_answered_questionnaire_leaves_the_list(self, sme, six):
        (token,) = [token for _, token in sme.get("/portal/").context["questionnaires"]]
        sme.post(url(token), ANSWERS)

        response = sme.get("/portal/")

        assert self.listed(response) == []
        assert fr("How is your enterprise doing since our support?") not in page_of(response)

    def test_the_list_reads_in_one_query_whatever_its_length(self, sme, enterprise, six):
        def queries() -> int:
            with CaptureQueriesContext(connection) as captured:
                assert sme.get("/portal/").status_code == 200
            return len(captured)

        few = queries()
        for _ in range(4):
            resolved = CaseFactory(enterprise=enterprise, status=CaseStatus.RESOLVED)
            FollowUpFactory(case=resolved, kind=K.MONTH_6, due_date=TODAY)
        assert queries() == few

    def test_another_sme_user_of_the_enterprise_sees_the_same(self, client, six, enterprise, sme_user):
        colleague = SmeUserFactory(enterprise=enterprise)
        client.force_login(colleague)
        assert self.listed(client.get("/portal/")) == [six]
