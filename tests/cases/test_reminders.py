"""`send_reminders`, run daily: each referent's and manager's overdue and due-soon cases in one message,
and one satisfaction reminder per resolved case."""

import datetime
import io
import zoneinfo

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.models import Case, CaseStatus
from cases.rating import case_from_rating_token
from cases.selectors import due_digests
from cases.services import reminders_send
from hub.calendar import LocalDays
from hub.messaging.encoding import count_parts
from hub.models import FollowUp, HubHoliday, OutgoingMessage
from tests.factories import (
    CaseFactory,
    EnterpriseFactory,
    FollowUpFactory,
    ManagerFactory,
    ReferentUserFactory,
    SmeUserFactory,
)

pytestmark = pytest.mark.django_db

S = CaseStatus
BAMAKO = zoneinfo.ZoneInfo("Africa/Bamako")
THURSDAY = datetime.date(2026, 3, 5)
"""Two working days after Thursday 5 March 2026 is Monday 9 March, over the weekend."""
FAR = datetime.date(2026, 4, 30)
SITE = "https://hub.example.org"


@pytest.fixture
def manager(hub):
    return ManagerFactory(hub=hub, email="oumar@example.org", phone="+22370000010", language="en")


@pytest.fixture
def aminata(hub):
    return ReferentUserFactory(hub=hub, email="aminata@example.org", language="en")


def days(n: int) -> datetime.date:
    return THURSDAY + datetime.timedelta(days=n)


def case(enterprise, reference: str | None, status: str, **fields) -> Case:
    """A case of `enterprise`; its title repeats its reference, given or from the factory's sequence."""
    fields.setdefault("resolve_due", FAR)
    if reference is not None:
        fields.update(reference=reference, title=f"Demande {reference}")
    return CaseFactory(enterprise=enterprise, status=status, **fields)


def sections(body: str) -> tuple[str, str]:
    """The overdue part of a digest and its due-soon part."""
    overdue, _, due_soon = body.partition("Due within 2 working days")
    return overdue, due_soon


def mail_to(mailoutbox, address: str):
    found = [message for message in mailoutbox if message.to == [address]]
    assert len(found) == 1, [message.to for message in mailoutbox]
    return found[0]


class TestDigests:
    @pytest.fixture
    def world(self, hub, enterprise, manager, aminata, other_manager):
        other_manager.email, other_manager.language = "other@example.org", "en"
        other_manager.save()
        idle = ReferentUserFactory(hub=hub, email="idle@example.org")
        gone = ReferentUserFactory(hub=hub, email="gone@example.org", is_active=False)
        return {
            "late_contact": case(enterprise, "ML-1", S.ASSIGNED, assigned_to=aminata, first_contact_due=days(-1)),
            "resolve_monday": case(enterprise, "ML-2", S.IN_PROGRESS, assigned_to=aminata, resolve_due=days(4)),
            "resolve_tuesday": case(enterprise, "ML-3", S.IN_PROGRESS, assigned_to=aminata, resolve_due=days(5)),
            "resolved_late": case(enterprise, "ML-4", S.RESOLVED, assigned_to=aminata, resolve_due=days(-10)),
            "new_today": case(enterprise, "ML-5", S.NEW, acknowledge_due=THURSDAY),
            "to_assign_late": case(enterprise, "ML-6", S.QUALIFIED, assign_due=days(-2)),
            "idle_later": case(enterprise, "ML-7", S.IN_PROGRESS, assigned_to=idle, resolve_due=days(20)),
            "gone_late": case(enterprise, "ML-8", S.WAITING_SME, assigned_to=gone, resolve_due=days(-3)),
            "other_hub": case(EnterpriseFactory(hub=other_manager.hub), "ML2-1", S.NEW, acknowledge_due=days(-1)),
        }

    def test_each_person_gets_one_message_listing_only_what_is_due(self, world, committed, mailoutbox):
        with committed():
            reminders_send(today=THURSDAY)

        assert sorted(message.to[0] for message in mailoutbox) == [
            "aminata@example.org",
            "other@example.org",
            "oumar@example.org",
        ], "nothing goes to the idle referent, nor to the deactivated one"

        overdue, due_soon = sections(mail_to(mailoutbox, "aminata@example.org").body)
        assert "ML-1 Demande ML-1 – Karité Plus SARL" in overdue
        assert "First contact or visit by March 4, 2026" in overdue
        assert "ML-2 Demande ML-2" in due_soon
        assert "Resolve by March 9, 2026" in due_soon
        for not_hers in ("ML-3", "ML-4", "ML-5", "ML-6", "ML-7", "ML-8", "ML2-1"):
            assert not_hers not in overdue + due_soon

        overdue, due_soon = sections(mail_to(mailoutbox, "oumar@example.org").body)
        assert [ref for ref in ("ML-1", "ML-6", "ML-8") if ref in overdue] == ["ML-1", "ML-6", "ML-8"]
        assert "Assign by March 3, 2026 – no referent yet" in overdue
        assert [ref for ref in ("ML-5", "ML-2") if ref in due_soon] == ["ML-5", "ML-2"]
        assert "Acknowledge by March 5, 2026" in due_soon
        for not_due in ("ML-3", "ML-4", "ML-7", "ML2-1"):
            assert not_due not in overdue + due_soon
        assert f"{SITE}/manage/cases/{world['to_assign_late'].pk}/" in overdue

        assert "ML2-1" in mail_to(mailoutbox, "other@example.org").body

    def test_the_message_says_what_to_do_and_links_to_the_cases(self, world, committed, mailoutbox, sms_outbox):
        with committed():
            reminders_send(today=THURSDAY)

        referent = mail_to(mailoutbox, "aminata@example.org")
        assert referent.subject == "Cases to follow up on March 5, 2026"
        assert "These cases assigned to you need attention." in referent.body
        assert "Overdue (1):" in referent.body
        assert "Due within 2 working days (1):" in referent.body
        assert "What to do: get in touch with these enterprises" in referent.body
        assert f"Your cases in HUB IIT: {SITE}/\n" in referent.body
        manager = mail_to(mailoutbox, "oumar@example.org")
        assert "What to do: assign the cases that wait for a referent" in manager.body
        assert f"Your cases in HUB IIT: {SITE}/manage/cases/" in manager.body
        assert [(message.to, message.body) for message in sms_outbox] == [
            ("+22370000010", f"HUB IIT: 3 overdue cases, 2 cases due soon.\n{SITE}/manage/cases/")
        ]

    @pytest.mark.parametrize(
        ("today", "holidays", "last_due_soon"),
        [
            (THURSDAY, [], datetime.date(2026, 3, 9)),
            (datetime.date(2026, 3, 6), [], datetime.date(2026, 3, 10)),
            (THURSDAY, [datetime.date(2026, 3, 6)], datetime.date(2026, 3, 10)),
            (THURSDAY, [datetime.date(2026, 3, 9), datetime.date(2026, 3, 10)], datetime.date(2026, 3, 11)),
        ],
        ids=["thursday-over-the-weekend", "friday-over-the-weekend", "friday-holiday", "monday-tuesday-holidays"],
    )
    def test_due_soon_counts_two_working_days_of_the_hub(
        self, hub, enterprise, aminata, today, holidays, last_due_soon
    ):
        for day in holidays:
            HubHoliday.objects.create(hub=hub, date=day, name="Jour férié")
        for offset in range(10):
            due = today + datetime.timedelta(days=offset)
            case(enterprise, f"ML-{offset}", S.IN_PROGRESS, assigned_to=aminata, resolve_due=due)

        (digest,) = due_digests(today=LocalDays.on(today))

        assert digest.overdue == []
        assert max(case.resolve_due for case in digest.due_soon) == last_due_soon
        assert [case.resolve_due for case in digest.due_soon] == sorted(case.resolve_due for case in digest.due_soon)
        assert len(digest.due_soon) == (last_due_soon - today).days + 1

    def test_messages_are_in_each_persons_language(self, enterprise, hub, committed, mailoutbox):
        ReferentUserFactory(hub=hub, email="seydou@example.org")
        case(enterprise, "ML-1", S.QUALIFIED, assign_due=days(-1))
        ManagerFactory(hub=hub, email="fanta@example.org")
        with committed():
            reminders_send(today=THURSDAY)

        assert mail_to(mailoutbox, "fanta@example.org").subject == "Demandes à suivre au 5 mars 2026"


class TestSatisfactionReminders:
    @pytest.fixture
    def awa(self, enterprise):
        return SmeUserFactory(enterprise=enterprise, email="awa@example.org", phone="+22370000001", language="en")

    def resolved(self, enterprise, reference: str, days_ago: int, **extra) -> Case:
        at = datetime.datetime.combine(days(-days_ago), datetime.time(10), tzinfo=BAMAKO)
        extra.setdefault("status", S.RESOLVED)
        return case(enterprise, reference, resolved_at=at, **extra)

    def test_asks_about_cases_resolved_three_to_thirty_days_ago_not_rated(
        self, enterprise, awa, committed, mailoutbox, sms_outbox
    ):
        due = [
            self.resolved(enterprise, "ML-3", 3),
            self.resolved(enterprise, "ML-30", 30),
            self.resolved(enterprise, "ML-4", 4, status=S.CLOSED),
        ]
        self.resolved(enterprise, "ML-2", 2)
        self.resolved(enterprise, "ML-31", 31)
        self.resolved(enterprise, "ML-RATED", 5, satisfaction_rating=4)
        with committed():
            reminders_send(today=THURSDAY)

        mail = mail_to(mailoutbox, "awa@example.org")
        assert mail.subject == "How did our support go?"
        assert "Your requests below were resolved a few days ago." in mail.body
        links = [line.strip() for line in mail.body.splitlines() if line.strip().startswith(f"{SITE}/portal/rate/")]
        rated = [case_from_rating_token(link.removeprefix(f"{SITE}/portal/rate/").strip("/")) for link in links]
        assert sorted(case.reference for case in rated) == ["ML-3", "ML-30", "ML-4"]
        for refused in ("ML-2 ", "ML-31", "ML-RATED"):
            assert refused not in mail.body
        assert len(sms_outbox) == 1
        assert count_parts(sms_outbox[0].body) <= 3
        assert all(Case.objects.get(pk=case.pk).satisfaction_reminded_at is not None for case in due)

    def test_each_case_is_asked_about_once(self, enterprise, awa, committed, mailoutbox):
        self.resolved(enterprise, "ML-3", 3)
        for today in (THURSDAY, THURSDAY, days(1), days(7)):
            with committed():
                reminders_send(today=today)

        assert len(mailoutbox) == 1

    def test_the_owner_is_asked_when_the_enterprise_has_no_account(self, enterprise, committed, mailoutbox, sms_outbox):
        self.resolved(enterprise, "ML-3", 3)
        with committed():
            reminders_send(today=THURSDAY)

        assert mailoutbox == [], "the owner has no e-mail address here"
        ((to, body),) = [(message.to, message.body) for message in sms_outbox]
        assert to == str(enterprise.owner_phone)
        assert f"ML-3 {SITE}/portal/rate/" in body


class TestCommand:
    def test_dry_run_prints_and_sends_nothing(self, enterprise, aminata, committed, mailoutbox, sms_outbox):
        case(enterprise, "ML-1", S.ASSIGNED, assigned_to=aminata, first_contact_due=days(-1))
        rated_later = case(
            enterprise,
            "ML-9",
            S.RESOLVED,
            resolved_at=datetime.datetime(2026, 3, 1, 10, tzinfo=BAMAKO),
        )
        out = io.StringIO()
        with committed():
            call_command("send_reminders", "--dry-run", "--today", "2026-03-05", stdout=out)

        assert mailoutbox == []
        assert sms_outbox == []
        rated_later.refresh_from_db()
        assert rated_later.satisfaction_reminded_at is None
        printed = out.getvalue()
        assert f"{aminata.username} (referent): 1 overdue [ML-1], 0 due soon []" in printed
        assert f"{enterprise.name}: rate [ML-9]" in printed
        assert printed.splitlines()[-1] == (
            "Dry run, nothing sent. 2026-03-05: digests to referents: 1, to managers: 0; "
            "satisfaction reminders to enterprises: 1, about cases: 1; follow-ups in the referents' digests: 0; "
            "questionnaires to enterprises: 0, about follow-ups: 0."
        )

    def test_sends_and_prints_a_summary(self, enterprise, aminata, manager, committed, mailoutbox):
        case(enterprise, "ML-1", S.ASSIGNED, assigned_to=aminata, first_contact_due=days(-1))
        out = io.StringIO()
        with committed():
            call_command("send_reminders", today="2026-03-05", stdout=out)

        assert len(mailoutbox) == 2
        assert out.getvalue() == (
            "2026-03-05: digests to referents: 1, to managers: 1; "
            "satisfaction reminders to enterprises: 0, about cases: 0; follow-ups in the referents' digests: 0; "
            "questionnaires to enterprises: 0, about follow-ups: 0.\n"
        )

    def test_refuses_a_date_it_cannot_read(self):
        with pytest.raises(CommandError, match="YYYY-MM-DD"):
            call_command("send_reminders", today="05/03/2026")


def test_queries_do_not_grow_with_the_number_of_cases(hub, enterprise, manager, aminata, committed, settings):
    """Per kind of message one query, whatever the number of cases and follow-ups of each person; then one
    insert per message queued (their sending is the worker's: the tasks are held here) and one look-up of
    STOP per text message to an enterprise."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    referents = [aminata, ReferentUserFactory(hub=hub)]
    enterprises = [enterprise, EnterpriseFactory(hub=hub)]
    SmeUserFactory(enterprise=enterprise)

    def add_cases():
        for referent in referents:
            case(enterprise, None, S.ASSIGNED, assigned_to=referent, first_contact_due=days(-1))
            case(enterprise, None, S.IN_PROGRESS, assigned_to=referent, resolve_due=days(1))
        case(enterprise, None, S.NEW, acknowledge_due=days(-1))
        for each in enterprises:
            resolved_at = datetime.datetime.combine(days(-5), datetime.time(10), tzinfo=BAMAKO)
            resolved = case(each, None, S.RESOLVED, resolved_at=resolved_at, assigned_to=aminata)
            FollowUpFactory(case=resolved, kind=FollowUp.Kind.MONTH_6, due_date=THURSDAY, assigned_to=aminata)

    def count_queries() -> int:
        Case.objects.update(satisfaction_reminded_at=None)
        FollowUp.objects.update(reminded_at=None)
        OutgoingMessage.objects.all().delete()
        with CaptureQueriesContext(connection) as queries, committed():
            reminders = reminders_send(today=THURSDAY)
        assert len(reminders.digests) == 3
        assert len(reminders.rating_requests) == 2
        assert len(reminders.followup_digests) == 1
        assert len(reminders.questionnaire_requests) == 2
        return len(queries)

    add_cases()
    few = count_queries()
    for _ in range(4):
        add_cases()

    assert count_queries() == few
    messages = OutgoingMessage.objects.all()
    assert {message.status for message in messages} == {OutgoingMessage.Status.QUEUED}
    to_enterprises = messages.filter(channel=OutgoingMessage.Channel.SMS, essential=False).count()
    assert (len(messages), to_enterprises) == (8, 2)
    assert few == 13 + len(messages) + to_enterprises, (
        "hubs, holidays, due cases, managers, resolved cases, their SME users, follow-ups due for the referents, "
        "follow-ups to ask the enterprises about, their SME users, the two updates in their savepoint; the messages"
    )
