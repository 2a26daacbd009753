"""Text messages received are understood: a reply on the case waiting for the SME, a rating digit, STOP and
START, the rest left to the hub's managers; each stored once per gateway id."""

import datetime
import logging
import threading

import pytest
from django.db import connection, connections
from django.utils import timezone

from cases import services
from cases.models import CaseNote, CaseStatus
from hub.messaging.gateways.base import InboundSms
from hub.messaging.inbound import receive_sms
from hub.messaging.services import queue_message
from hub.models import InboundMessage, OutgoingMessage, SmsOptOut
from tests.factories import CaseFactory, EnterpriseFactory, HubFactory, ReferentUserFactory, SmeUserFactory

pytestmark = pytest.mark.django_db
S = CaseStatus
O = InboundMessage.Outcome  # noqa: E741 - the outcomes, as S is the statuses
AWA = "+22370000001"
OWNER = "+22376123456"
"""The owner's phone of every enterprise the factory makes."""
UNKNOWN = "+22365000000"
_ids = iter(range(1, 10_000))
RACERS = 6


def receive(sender: str, text: str, *, gateway_id: str | None = None) -> InboundMessage:
    gateway_id = f"in-{next(_ids)}" if gateway_id is None else gateway_id
    return receive_sms(gateway="default", sms=InboundSms(sender=sender, text=text, gateway_id=gateway_id))


@pytest.fixture
def awa(enterprise):
    """The enterprise's SME user, with her own phone."""
    return SmeUserFactory(enterprise=enterprise, phone=AWA, email="awa@example.org")


@pytest.fixture
def waiting(enterprise, referent):
    return CaseFactory(enterprise=enterprise, status=S.WAITING_SME, assigned_to=referent)


@pytest.fixture
def resolved_and_told(enterprise, referent, awa, committed):
    """A case the referent resolved: Awa was sent the resolution message, which asks for a rating."""
    case = CaseFactory(enterprise=enterprise, status=S.IN_PROGRESS, assigned_to=referent)
    with committed():
        services.case_transition(
            case=case, to_status=S.RESOLVED, by=referent, resolution_summary="Séchoir installé et réglé."
        )
    assert OutgoingMessage.objects.filter(case=case, template="resolved", channel="sms", to=AWA).exists()
    return case


class TestReplies:
    @pytest.mark.parametrize("sender", [AWA, "22370000001", "0022370000001", "70 00 00 01"])
    def test_a_reply_to_the_case_waiting_for_the_sme_is_her_message_on_it_and_work_resumes(
        self, waiting, awa, referent, sender, committed, mailoutbox
    ):
        with committed():
            message = receive(sender, "Oui, le séchoir doit sécher 200 kg par jour.")

        assert (message.outcome, message.case, message.enterprise, message.hub) == (
            O.NOTE,
            waiting,
            waiting.enterprise,
            waiting.hub,
        )
        assert message.sender == AWA
        waiting.refresh_from_db()
        assert waiting.status == S.IN_PROGRESS
        (note,) = waiting.notes.all()
        assert (note.author, note.visibility, note.body) == (
            awa,
            CaseNote.Visibility.SME,
            "Oui, le séchoir doit sécher 200 kg par jour.",
        )
        assert waiting.events.filter(from_status=S.WAITING_SME, to_status=S.IN_PROGRESS, actor=awa).exists()
        assert any(mail.to == [referent.email] and "200 kg" in mail.body for mail in mailoutbox)

    def test_a_digit_is_a_reply_when_no_rating_was_asked(self, waiting, awa):
        message = receive(AWA, "2")

        assert (message.outcome, message.case) == (O.NOTE, waiting)
        assert waiting.notes.get().body == "2"

    def test_an_owner_without_an_account_cannot_write_on_the_case_so_it_is_left_to_read(self, waiting):
        message = receive(OWNER, "Je passe au bureau demain.")

        assert (message.outcome, message.case, message.enterprise, message.hub) == (
            O.TRIAGE,
            waiting,
            waiting.enterprise,
            waiting.hub,
        )
        waiting.refresh_from_db()
        assert waiting.status == S.WAITING_SME
        assert not waiting.notes.exists()

    def test_two_cases_waiting_are_left_to_a_person_to_place(self, waiting, awa, enterprise, referent):
        CaseFactory(enterprise=enterprise, status=S.WAITING_SME, assigned_to=referent)

        message = receive(AWA, "C'est d'accord.")

        assert (message.outcome, message.case, message.hub) == (O.TRIAGE, None, enterprise.hub)
        assert not CaseNote.objects.exists()

    def test_a_number_known_in_two_hubs_goes_to_the_hub_with_the_case_waiting(self, awa, other_enterprise):
        other_case = CaseFactory(enterprise=other_enterprise, status=S.WAITING_SME)
        other_enterprise.owner_phone = AWA
        other_enterprise.save()

        message = receive(AWA, "Voici la réponse.")

        assert (message.hub, message.enterprise, message.case) == (other_case.hub, other_enterprise, other_case)
        assert message.outcome == O.TRIAGE, "Awa is the other enterprise's owner, not its user: no account to write"


class TestRatings:
    def test_a_digit_rates_the_case_the_number_was_asked_to_rate_once(self, resolved_and_told):
        message = receive(AWA, " 4 ")

        assert (message.outcome, message.case, message.hub) == (O.RATING, resolved_and_told, resolved_and_told.hub)
        resolved_and_told.refresh_from_db()
        assert resolved_and_told.satisfaction_rating == 4
        assert resolved_and_told.rated_at is not None

        again = receive(AWA, "1")

        assert (again.outcome, again.case) == (O.TRIAGE, None)
        resolved_and_told.refresh_from_db()
        assert resolved_and_told.satisfaction_rating == 4

    def test_a_digit_with_no_rating_asked_is_left_to_read(self, enterprise, awa):
        CaseFactory(enterprise=enterprise, status=S.RESOLVED, resolved_at=timezone.now())

        message = receive(AWA, "5")

        assert (message.outcome, message.case, message.enterprise, message.hub) == (
            O.TRIAGE,
            None,
            enterprise,
            enterprise.hub,
        )
        assert not enterprise.cases.filter(satisfaction_rating__isnull=False).exists()

    def test_a_rating_asked_too_long_ago_is_not_taken(self, resolved_and_told):
        OutgoingMessage.objects.update(created_at=timezone.now() - datetime.timedelta(days=61))

        assert receive(AWA, "3").outcome == O.TRIAGE
        resolved_and_told.refresh_from_db()
        assert resolved_and_told.satisfaction_rating is None

    def test_a_digit_out_of_range_is_not_a_rating(self, resolved_and_told):
        assert receive(AWA, "7").outcome == O.TRIAGE
        resolved_and_told.refresh_from_db()
        assert resolved_and_told.satisfaction_rating is None


class TestStopAndStart:
    @pytest.mark.parametrize("text", ["STOP", "stop", "STOP.", "Arrêt", "ARRET", "arrêt !"])
    def test_stop_ends_the_messages_that_are_not_essential(self, awa, text, committed, sms_outbox):
        message = receive(AWA, text)

        assert message.outcome == O.OPT_OUT
        assert message.enterprise == awa.enterprise
        assert SmsOptOut.objects.filter(phone=AWA).exists()
        common = {"channel": "sms", "to": AWA, "template": "test", "language": "fr", "body": "Bonjour"}
        with committed():
            assert queue_message(**common, essential=False) is None
            assert queue_message(**common, essential=True) is not None
        assert [sms.to for sms in sms_outbox] == [AWA]

    def test_stop_twice_keeps_one_row(self, awa):
        receive(AWA, "STOP")
        receive(AWA, "stop")

        assert SmsOptOut.objects.filter(phone=AWA).count() == 1

    @pytest.mark.parametrize("text", ["START", "start", "Démarrer", "DEMARRER"])
    def test_start_brings_them_back(self, awa, text, committed, sms_outbox):
        receive(AWA, "STOP")

        message = receive(AWA, text)

        assert message.outcome == O.READ
        assert not SmsOptOut.objects.exists()
        with committed():
            queue_message(channel="sms", to=AWA, template="test", language="fr", body="Bonjour", essential=False)
        assert [sms.to for sms in sms_outbox] == [AWA]

    def test_the_number_is_told_once_in_french_that_it_stopped_then_started(self, awa, committed, sms_outbox):
        with committed():
            receive(AWA, "STOP")
            receive(AWA, "stop")
            receive(AWA, "START")
            receive(AWA, "START")

        assert [(sms.to, sms.body) for sms in sms_outbox] == [
            (AWA, "HUB IIT : vous ne recevrez plus nos SMS d'information. Répondez START pour les recevoir à nouveau."),
            (AWA, "HUB IIT : vous recevrez à nouveau nos SMS. Répondez STOP pour ne plus les recevoir."),
        ]

    def test_stop_is_understood_before_a_waiting_case(self, waiting, awa):
        message = receive(AWA, "STOP")

        assert message.outcome == O.OPT_OUT
        assert not waiting.notes.exists()


class TestTriage:
    def test_an_unknown_number_is_left_to_read_by_no_hub(self, enterprise):
        message = receive(UNKNOWN, "Bonjour, comment s'inscrire au programme ?")

        assert (message.outcome, message.hub, message.enterprise, message.case) == (O.TRIAGE, None, None, None)
        assert message.sender == UNKNOWN

    def test_a_sender_that_is_no_phone_number_is_kept_as_written(self):
        message = receive("ORANGE", "Votre crédit est épuisé.")

        assert (message.outcome, message.hub, message.sender) == (O.TRIAGE, None, "ORANGE")

    def test_free_text_with_no_case_waiting_goes_to_the_enterprise_hub(self, awa, enterprise):
        CaseFactory(enterprise=enterprise, status=S.IN_PROGRESS)

        message = receive(AWA, "Merci pour la visite !")

        assert (message.outcome, message.hub, message.enterprise, message.case) == (
            O.TRIAGE,
            enterprise.hub,
            enterprise,
            None,
        )

    def test_an_owner_number_goes_to_the_hub_of_the_enterprise_with_the_latest_case(self, enterprise, other_enterprise):
        CaseFactory(enterprise=enterprise, received_at=timezone.now() - datetime.timedelta(days=30))
        CaseFactory(enterprise=other_enterprise, received_at=timezone.now() - datetime.timedelta(days=2))

        message = receive(OWNER, "Bonjour")

        assert (message.hub, message.enterprise) == (other_enterprise.hub, other_enterprise)

    def test_an_anonymised_enterprise_is_not_matched(self, enterprise):
        enterprise.anonymised_at = timezone.now()
        enterprise.save()

        message = receive(OWNER, "Bonjour")

        assert (message.hub, message.enterprise) == (None, None)

    def test_an_inactive_user_is_not_matched(self, awa):
        awa.is_active = False
        awa.save()

        assert receive(AWA, "Bonjour").enterprise is None


class TestOnce:
    def test_the_same_gateway_id_is_stored_and_acted_on_once(self, waiting, awa):
        first = receive(AWA, "Voici les dimensions.", gateway_id="prov-42")
        second = receive(AWA, "Voici les dimensions.", gateway_id="prov-42")

        assert second.pk == first.pk
        assert second.outcome == O.NOTE
        assert InboundMessage.objects.count() == 1
        assert waiting.notes.count() == 1

    def test_the_same_id_from_another_gateway_is_another_message(self, awa):
        receive_sms(gateway="default", sms=InboundSms(sender=AWA, text="Bonjour", gateway_id="7"))
        receive_sms(gateway="orange", sms=InboundSms(sender=AWA, text="Bonjour", gateway_id="7"))

        assert InboundMessage.objects.count() == 2

    def test_messages_without_gateway_id_are_each_stored(self, awa):
        receive(AWA, "Bonjour", gateway_id="")
        receive(AWA, "Bonjour", gateway_id="")

        assert InboundMessage.objects.count() == 2


def test_the_logs_carry_neither_the_number_nor_the_text(waiting, awa, caplog):
    with caplog.at_level(logging.DEBUG, logger="hub.messaging"):
        message = receive(AWA, "Mon code secret est 9876")
        receive(UNKNOWN, "STOP")

    assert f"Text message {message.pk} received: note." in caplog.text
    for secret in ("70000001", "65000000", "9876", "secret", "STOP"):
        assert secret not in caplog.text


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_message_the_gateway_delivers_to_several_workers_at_once_is_acted_on_once():
    if connection.vendor != "postgresql":
        pytest.skip("Real concurrent connections need PostgreSQL.")
    hub = HubFactory(code="IN")
    enterprise = EnterpriseFactory(hub=hub)
    awa = SmeUserFactory(enterprise=enterprise, phone=AWA)
    case = CaseFactory(enterprise=enterprise, status=S.WAITING_SME, assigned_to=ReferentUserFactory(hub=hub))
    barrier = threading.Barrier(RACERS)
    results: list = [None] * RACERS

    def run(index: int) -> None:
        try:
            barrier.wait()
            results[index] = receive(AWA, "Voici les dimensions.", gateway_id="prov-race").pk
        except Exception as error:  # the test reads what each worker got
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(index,)) for index in range(RACERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert results == [InboundMessage.objects.get().pk] * RACERS
    assert case.notes.get().author == awa
    assert case.events.filter(to_status=S.IN_PROGRESS).count() == 1
