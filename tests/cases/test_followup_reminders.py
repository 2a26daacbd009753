"""Impact follow-ups in `send_reminders`: the enterprise is sent its questionnaire link (SMS and e-mail, in
its language) once, when a 6- or 12-month follow-up comes due; the referent in charge finds the follow-ups
overdue and due within 14 days in their daily message."""

import datetime
import io
import re
import zoneinfo

import pytest
from django.core.management import call_command
from django.utils import translation

from cases.models import CaseStatus
from cases.services import reminders_send
from hub.followups.questionnaire import followup_from_questionnaire_token
from hub.messaging.encoding import count_parts
from hub.models import FollowUp
from hub.privacy import enterprise_anonymise
from tests.factories import (
    CaseFactory,
    EnterpriseFactory,
    FollowUpFactory,
    ManagerFactory,
    ReferentUserFactory,
    SmeUserFactory,
)

pytestmark = pytest.mark.django_db

K = FollowUp.Kind
S = CaseStatus
BAMAKO = zoneinfo.ZoneInfo("Africa/Bamako")
THURSDAY = datetime.date(2026, 3, 5)
SITE = "https://hub.example.org"
LINK = re.compile(re.escape(SITE) + r"/portal/followups/([^/\s]+)/")


def days(n: int) -> datetime.date:
    return THURSDAY + datetime.timedelta(days=n)


def in_language(language: str, msgid: str) -> str:
    with translation.override(language):
        return translation.gettext(msgid)


@pytest.fixture
def aminata(hub):
    return ReferentUserFactory(
        hub=hub,
        first_name="Aminata",
        last_name="Traoré",
        email="aminata@example.org",
        phone="+22370000009",
        language="en",
    )


def followup(enterprise, kind: str, due: datetime.date, *, referent=None, reference: str | None = None, **fields):
    """A follow-up of a resolved case of `enterprise` (a baseline has no case), in `referent`'s charge."""
    if kind == K.BASELINE:
        return FollowUpFactory(enterprise=enterprise, kind=kind, due_date=due, assigned_to=referent, **fields)
    extra = {"reference": reference, "title": f"Demande {reference}"} if reference else {}
    case = CaseFactory(enterprise=enterprise, status=S.RESOLVED, assigned_to=referent, **extra)
    return FollowUpFactory(case=case, kind=kind, due_date=due, assigned_to=referent, **fields)


def mail_to(mailoutbox, address: str):
    found = [message for message in mailoutbox if message.to == [address]]
    assert len(found) == 1, [message.to for message in mailoutbox]
    return found[0]


def linked(text: str) -> list[FollowUp]:
    return [followup_from_questionnaire_token(token) for token in LINK.findall(text)]


class TestQuestionnaireLinks:
    @pytest.fixture
    def awa(self, enterprise):
        return SmeUserFactory(enterprise=enterprise, email="awa@example.org", phone="+22370000001", language="en")

    def test_the_enterprise_gets_the_link_of_each_follow_up_that_came_due(
        self, enterprise, awa, aminata, committed, mailoutbox, sms_outbox
    ):
        asked = [
            followup(enterprise, K.MONTH_6, THURSDAY, referent=aminata, reference="ML-6"),
            followup(enterprise, K.MONTH_12, days(-30), referent=aminata, reference="ML-12"),
        ]
        followup(enterprise, K.MONTH_6, days(1), reference="ML-TOMORROW")
        followup(enterprise, K.MONTH_6, days(-31), reference="ML-LONG-AGO")
        followup(enterprise, K.MONTH_6, days(-3), reference="ML-DONE", collected_on=days(-1))
        followup(enterprise, K.BASELINE, days(-2), referent=aminata)

        with committed():
            reminders_send(today=THURSDAY)

        mail = mail_to(mailoutbox, "awa@example.org")
        assert mail.subject == "How is your enterprise doing since our support?"
        assert "ML-6 Demande ML-6 (6-month follow-up)" in mail.body
        assert "ML-12 Demande ML-12 (12-month follow-up)" in mail.body
        assert "No need to sign in: the link is valid for 30 days." in mail.body
        assert f"You will also find the questions in your space: {SITE}/portal/" in mail.body
        assert sorted(linked(mail.body), key=lambda f: f.pk) == sorted(asked, key=lambda f: f.pk)
        for not_asked in ("ML-TOMORROW", "ML-LONG-AGO", "ML-DONE", "Baseline"):
            assert not_asked not in mail.body
        (body,) = [message.body for message in sms_outbox if message.to == "+22370000001"]
        assert body.startswith("HUB IIT: how is your enterprise doing since our support? Answer in 5 minutes:")
        assert count_parts(body) <= 3
        assert all(FollowUp.objects.get(pk=one.pk).reminded_at is not None for one in asked)
        assert FollowUp.objects.filter(reminded_at__isnull=False).count() == 2

    def test_each_follow_up_is_asked_about_once(self, enterprise, awa, committed, mailoutbox, sms_outbox):
        followup(enterprise, K.MONTH_6, THURSDAY)
        for today in (THURSDAY, THURSDAY, days(1), days(20)):
            with committed():
                reminders_send(today=today)

        assert len(mailoutbox) == 1
        assert len(sms_outbox) == 1

    def test_the_mark_is_committed_before_anything_is_sent(
        self, enterprise, awa, django_capture_on_commit_callbacks, mailoutbox, sms_outbox
    ):
        asked = followup(enterprise, K.MONTH_6, THURSDAY)
        with django_capture_on_commit_callbacks() as callbacks:
            reminders_send(today=THURSDAY)
            assert FollowUp.objects.get(pk=asked.pk).reminded_at is not None
            assert (mailoutbox, sms_outbox) == ([], [])

        with django_capture_on_commit_callbacks(execute=True):
            for callback in callbacks:
                callback()
        assert len(mailoutbox) == 1

    def test_each_sme_user_reads_it_in_their_language(self, enterprise, committed, mailoutbox):
        SmeUserFactory(enterprise=enterprise, email="awa@example.org", language="en")
        SmeUserFactory(enterprise=enterprise, email="moussa@example.org", language="fr")
        followup(enterprise, K.MONTH_6, THURSDAY)
        with committed():
            reminders_send(today=THURSDAY)

        subject = "How is your enterprise doing since our support?"
        assert mail_to(mailoutbox, "awa@example.org").subject == subject
        assert mail_to(mailoutbox, "moussa@example.org").subject == in_language("fr", subject)

    def test_the_owner_is_asked_by_sms_when_the_enterprise_has_no_account(
        self, enterprise, committed, mailoutbox, sms_outbox
    ):
        asked = followup(enterprise, K.MONTH_6, THURSDAY, reference="ML-6")
        with committed():
            reminders_send(today=THURSDAY)

        assert mailoutbox == [], "the owner has no e-mail address here"
        ((to, body),) = [(message.to, message.body) for message in sms_outbox]
        assert to == str(enterprise.owner_phone)
        assert linked(body) == [asked]
        assert body.startswith(
            in_language("fr", "HUB IIT: how is your enterprise doing since our support? Answer in 5 minutes:")
        ), "in French"

    def test_the_sms_stays_within_two_segments_and_counts_what_it_leaves_out(
        self, enterprise, awa, committed, mailoutbox, sms_outbox
    ):
        asked = [followup(enterprise, K.MONTH_6, days(-n), reference=f"ML-2026-0000{n}") for n in range(4)]
        with committed():
            reminders_send(today=THURSDAY)

        (text,) = [message.body for message in sms_outbox]
        assert count_parts(text) <= 3
        shown = linked(text)
        assert 1 <= len(shown) < 4
        left_out = 4 - len(shown)
        assert text.endswith("and 1 more questionnaire." if left_out == 1 else f"and {left_out} more questionnaires.")
        assert len(linked(mail_to(mailoutbox, "awa@example.org").body)) == len(asked), "the e-mail lists them all"

    def test_an_anonymised_enterprise_is_not_asked(self, hub, manager, committed, mailoutbox, sms_outbox):
        forgotten = EnterpriseFactory(hub=hub)
        SmeUserFactory(enterprise=forgotten, email="gone@example.org")
        followup(forgotten, K.MONTH_6, THURSDAY)
        enterprise_anonymise(enterprise=forgotten, by=manager)

        with committed():
            reminders = reminders_send(today=THURSDAY)

        assert reminders.questionnaire_requests == []
        assert (mailoutbox, sms_outbox) == ([], [])


class TestReferentDigest:
    @pytest.fixture
    def world(self, hub, enterprise, aminata):
        gone = ReferentUserFactory(hub=hub, email="gone@example.org", is_active=False)
        other = EnterpriseFactory(hub=hub, name="Moulin Sahel")
        handed_over = CaseFactory(enterprise=other, status=S.RESOLVED, assigned_to=aminata, reference="ML-HAND")
        return {
            "baseline_late": followup(enterprise, K.BASELINE, days(-3), referent=aminata),
            "six_soon": followup(enterprise, K.MONTH_6, days(10), referent=aminata, reference="ML-6"),
            "six_from_gone": FollowUpFactory(case=handed_over, kind=K.MONTH_6, due_date=days(14), assigned_to=gone),
            "twelve_later": followup(enterprise, K.MONTH_12, days(15), referent=aminata, reference="ML-12"),
            "collected": followup(
                enterprise, K.MONTH_6, days(-1), referent=aminata, reference="ML-DONE", collected_on=days(-1)
            ),
            "nobody": followup(other, K.BASELINE, days(-1), referent=gone),
        }

    def test_the_referent_in_charge_gets_overdue_and_due_soon_follow_ups_in_one_message(
        self, world, enterprise, aminata, committed, mailoutbox, sms_outbox
    ):
        with committed():
            reminders = reminders_send(today=THURSDAY)

        (digest,) = reminders.followup_digests
        assert digest.user == aminata
        assert digest.overdue == [world["baseline_late"]]
        assert digest.due_soon == [world["six_soon"], world["six_from_gone"]], "the case's referent takes over"
        mail = mail_to(mailoutbox, "aminata@example.org")
        assert mail.subject == "Impact follow-ups to collect on March 5, 2026"
        overdue, _, due_soon = mail.body.partition("Due within 14 days (2):")
        assert "These impact follow-ups are yours to collect." in overdue
        assert "Overdue (1):" in overdue
        assert f"- Karité Plus SARL, {enterprise.owner_phone} – Baseline – due March 2, 2026" in overdue
        assert f"- Karité Plus SARL, {enterprise.owner_phone} – 6-month follow-up ML-6 – due March 15, 2026" in due_soon
        moulin = world["six_from_gone"].enterprise
        assert f"- Moulin Sahel, {moulin.owner_phone} – 6-month follow-up ML-HAND – due March 19, 2026" in due_soon
        for not_listed in ("ML-12", "ML-DONE", "These cases"):
            assert not_listed not in mail.body
        assert f"Your follow-ups in HUB IIT: {SITE}/" in mail.body
        assert [(message.to, message.body) for message in sms_outbox] == [
            ("+22370000009", f"HUB IIT: 3 impact follow-ups to collect (1 overdue).\n{SITE}/")
        ]
        assert sorted(message.to[0] for message in mailoutbox) == ["aminata@example.org"], "nobody else"

    def test_cases_and_follow_ups_come_in_the_same_message(
        self, world, enterprise, aminata, committed, mailoutbox, sms_outbox
    ):
        CaseFactory(
            enterprise=enterprise,
            status=S.ASSIGNED,
            assigned_to=aminata,
            reference="ML-LATE",
            first_contact_due=days(-1),
        )
        with committed():
            reminders_send(today=THURSDAY)

        mail = mail_to(mailoutbox, "aminata@example.org")
        assert mail.subject == "Cases to follow up on March 5, 2026"
        cases, _, followups = mail.body.partition("These impact follow-ups are yours to collect.")
        assert "These cases assigned to you need attention." in cases
        assert "ML-LATE" in cases
        assert "ML-6" in followups
        assert [(message.to, message.body) for message in sms_outbox] == [
            ("+22370000009", f"HUB IIT: 1 overdue case, 3 impact follow-ups to collect (1 overdue).\n{SITE}/")
        ]

    def test_the_digest_comes_every_day_while_the_follow_up_waits(self, world, aminata, committed, mailoutbox):
        for today in (THURSDAY, days(1)):
            with committed():
                reminders_send(today=today)
        assert [message.to for message in mailoutbox] == [["aminata@example.org"], ["aminata@example.org"]]

    def test_in_the_referents_language(self, hub, enterprise, committed, mailoutbox):
        seydou = ReferentUserFactory(hub=hub, email="seydou@example.org", language="fr")
        followup(enterprise, K.MONTH_6, THURSDAY, referent=seydou)
        with committed():
            reminders_send(today=THURSDAY)

        mail = mail_to(mailoutbox, "seydou@example.org")
        with translation.override("fr"):
            expected = translation.gettext("Impact follow-ups to collect on %(date)s") % {"date": "5 mars 2026"}
        assert mail.subject == expected
        assert "Suivi à 6 mois" in mail.body

    def test_managers_are_not_sent_the_referents_follow_ups(self, world, hub, committed, mailoutbox):
        ManagerFactory(hub=hub, email="oumar@example.org")
        with committed():
            reminders_send(today=THURSDAY)
        assert [message.to for message in mailoutbox] == [["aminata@example.org"]]


class TestCommand:
    def test_dry_run_lists_the_follow_ups_and_sends_nothing(
        self, enterprise, aminata, committed, mailoutbox, sms_outbox
    ):
        SmeUserFactory(enterprise=enterprise, email="awa@example.org")
        asked = followup(enterprise, K.MONTH_6, THURSDAY, referent=aminata, reference="ML-6")
        followup(enterprise, K.BASELINE, days(-1), referent=aminata)
        out = io.StringIO()
        with committed():
            call_command("send_reminders", "--dry-run", "--today", "2026-03-05", stdout=out)

        assert (mailoutbox, sms_outbox) == ([], [])
        asked.refresh_from_db()
        assert asked.reminded_at is None
        printed = out.getvalue()
        assert (
            f"{aminata.username} (referent): follow-ups 1 overdue [baseline Karité Plus SARL], 1 due soon [m6 ML-6]"
            in printed
        )
        assert "Karité Plus SARL: questionnaire [m6 ML-6]" in printed
        assert printed.splitlines()[-1] == (
            "Dry run, nothing sent. 2026-03-05: digests to referents: 1, to managers: 0; "
            "satisfaction reminders to enterprises: 0, about cases: 0; follow-ups in the referents' digests: 2; "
            "questionnaires to enterprises: 1, about follow-ups: 1."
        )

    def test_a_real_run_counts_what_it_sent(self, enterprise, aminata, committed, mailoutbox):
        SmeUserFactory(enterprise=enterprise, email="awa@example.org")
        followup(enterprise, K.MONTH_6, THURSDAY, referent=aminata, reference="ML-6")
        out = io.StringIO()
        with committed():
            call_command("send_reminders", today="2026-03-05", stdout=out)

        assert sorted(message.to[0] for message in mailoutbox) == ["aminata@example.org", "awa@example.org"]
        assert out.getvalue() == (
            "2026-03-05: digests to referents: 1, to managers: 0; satisfaction reminders to enterprises: 0, "
            "about cases: 0; follow-ups in the referents' digests: 1; questionnaires to enterprises: 1, "
            "about follow-ups: 1.\n"
        )
