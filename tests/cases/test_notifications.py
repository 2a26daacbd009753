"""What the SME and the staff are told when a case moves, by e-mail and SMS, in each one's language, and
only once the change is committed. The people here read English unless the test is about French."""

import datetime
import zoneinfo

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from cases.models import Case, CaseNote, CaseStatus
from cases.rating import case_from_rating_token
from cases.services import (
    CaseChanged,
    case_add_note,
    case_assign,
    case_attach_files,
    case_create,
    case_qualify,
    case_reopen,
    case_reply,
    case_transition,
)
from hub.classifications import TechnologyDomain
from hub.messaging.encoding import count_parts
from hub.messaging.gateways import locmem
from hub.messaging.gateways.base import Gateway, Sms, TemporaryFailure
from hub.messaging.gateways.console import ConsoleGateway
from hub.models import OutgoingMessage
from tests.factories import (
    CaseFactory,
    EnterpriseFactory,
    ManagerFactory,
    PartnerFactory,
    ReferentUserFactory,
    SmeUserFactory,
)

pytestmark = pytest.mark.django_db

S = CaseStatus
BAMAKO = zoneinfo.ZoneInfo("Africa/Bamako")
FRIDAY_MORNING = datetime.datetime(2026, 3, 6, 9, 30, tzinfo=BAMAKO)
SITE = "https://hub.example.org"


@pytest.fixture(autouse=True)
def on_friday(monkeypatch):
    """Friday 6 March 2026 in Bamako: two working days later is Tuesday 10 March."""
    monkeypatch.setattr(timezone, "now", lambda: FRIDAY_MORNING)


@pytest.fixture
def enterprise(hub):
    return EnterpriseFactory(
        hub=hub, name="Karité Plus SARL", owner_name="Mariam Coulibaly", owner_phone="+22376000001"
    )


@pytest.fixture
def awa(enterprise):
    """The enterprise's SME user, with e-mail and phone."""
    return SmeUserFactory(
        enterprise=enterprise,
        first_name="Awa",
        last_name="Traoré",
        email="awa@example.org",
        phone="+22370000001",
        language="en",
    )


@pytest.fixture
def aminata(hub):
    """A referent of the hub, with e-mail and phone."""
    return ReferentUserFactory(
        hub=hub,
        first_name="Aminata",
        last_name="Koné",
        email="aminata@example.org",
        phone="+22370000002",
        language="en",
    )


@pytest.fixture
def manager(hub):
    return ManagerFactory(hub=hub, first_name="Oumar", last_name="Sidibé", language="en")


def mail_to(mailoutbox, address: str):
    found = [message for message in mailoutbox if message.to == [address]]
    assert len(found) == 1, [message.to for message in mailoutbox]
    return found[0]


def sms_to(sms_outbox, phone: str) -> str:
    found = [message.body for message in sms_outbox if message.to == phone]
    assert len(found) == 1, [message.to for message in sms_outbox]
    return found[0]


def new_case(enterprise, **extra) -> Case:
    return CaseFactory(
        enterprise=enterprise,
        reference="ML-2026-00042",
        title="Séchoir solaire pour mangues",
        acknowledge_due=datetime.date(2026, 3, 9),
        resolve_due=datetime.date(2026, 4, 3),
        **extra,
    )


class TestTheSmeIsTold:
    def test_when_the_request_is_received_with_its_reference(self, committed, enterprise, awa, mailoutbox, sms_outbox):
        with committed():
            case = case_create(
                enterprise=enterprise,
                domain=TechnologyDomain.AGRO_PROCESSING,
                title="Séchoir solaire",
                description="Nous perdons une partie de la récolte.",
                by=awa,
            )

        mail = mail_to(mailoutbox, "awa@example.org")
        assert mail.subject == f"{case.reference}: we have received your request"
        assert "Hello Awa Traoré," in mail.body
        assert f"“Séchoir solaire” under the reference {case.reference}" in mail.body
        assert "We will review it by March 9, 2026" in mail.body
        assert f"{SITE}/portal/requests/{case.pk}/" in mail.body
        assert case.reference in sms_to(sms_outbox, "+22370000001")

    def test_when_the_request_is_accepted(self, committed, enterprise, awa, manager, mailoutbox, sms_outbox):
        case = new_case(enterprise)
        with committed():
            case_qualify(case=case, by=manager, domain=TechnologyDomain.ENERGY, priority="high")

        mail = mail_to(mailoutbox, "awa@example.org")
        assert mail.subject == "ML-2026-00042: your request has been accepted"
        assert "Your request ML-2026-00042 “Séchoir solaire pour mangues” has been reviewed and accepted." in mail.body
        assert "A technology referent will be put in charge of it by March 10, 2026" in mail.body
        assert "Nothing is needed from you for now." in mail.body
        text = sms_to(sms_outbox, "+22370000001")
        assert text.startswith("HUB IIT: your request ML-2026-00042 has been accepted.")
        assert "March 10, 2026" in text

    def test_when_the_request_is_rejected_with_the_reason(
        self, committed, enterprise, awa, manager, mailoutbox, sms_outbox
    ):
        case = new_case(enterprise)
        with committed():
            case_transition(case=case, to_status=S.REJECTED, by=manager, rejection_reason="Hors du champ du programme.")

        mail = mail_to(mailoutbox, "awa@example.org")
        assert mail.subject == "ML-2026-00042: your request could not be accepted"
        assert "Reason:\nHors du champ du programme." in mail.body
        assert "Reason: Hors du champ du programme." in sms_to(sms_outbox, "+22370000001")

    def test_when_the_request_is_referred_with_the_partners_contact(
        self, committed, enterprise, awa, manager, mailoutbox, sms_outbox
    ):
        partner = PartnerFactory(
            hub=enterprise.hub,
            name="Institut d'Économie Rurale",
            contact_name="Moussa Keïta",
            phone="+22320223344",
            email="ier@example.org",
        )
        case = new_case(enterprise)
        with committed():
            case_transition(case=case, to_status=S.REFERRED, by=manager, partner=partner)

        mail = mail_to(mailoutbox, "awa@example.org")
        assert mail.subject == "ML-2026-00042: your request has been referred to Institut d'Économie Rurale"
        for expected in (
            "has been referred to Institut d'Économie Rurale, who are better placed to help you",
            "Contact person: Moussa Keïta",
            "Phone: +22320223344",
            "E-mail: ier@example.org",
        ):
            assert expected in mail.body
        text = sms_to(sms_outbox, "+22370000001")
        assert "Institut d'Économie Rurale" in text
        assert "Moussa Keïta +22320223344" in text

    def test_when_a_referent_is_assigned_with_the_referents_name(
        self, committed, enterprise, awa, aminata, manager, mailoutbox, sms_outbox
    ):
        case = new_case(enterprise, status=S.QUALIFIED)
        with committed():
            case_assign(case=case, referent=aminata, by=manager)

        mail = mail_to(mailoutbox, "awa@example.org")
        assert mail.subject == "ML-2026-00042: Aminata Koné is following your request"
        assert "is now followed by Aminata Koné, technology referent." in mail.body
        assert "They will contact you by March 13, 2026" in mail.body
        assert "followed by Aminata Koné" in sms_to(sms_outbox, "+22370000001")

    def test_when_the_case_waits_for_them_with_what_is_needed(
        self, committed, enterprise, awa, aminata, mailoutbox, sms_outbox
    ):
        case = new_case(enterprise, status=S.IN_PROGRESS, assigned_to=aminata)
        with committed():
            case_transition(
                case=case, to_status=S.WAITING_SME, by=aminata, note="Envoyez-nous une photo de la plaque du moteur."
            )

        mail = mail_to(mailoutbox, "awa@example.org")
        assert mail.subject == "ML-2026-00042: we need something from you"
        assert "Envoyez-nous une photo de la plaque du moteur." in mail.body
        assert "Please answer from your space" in mail.body
        assert f"{SITE}/portal/requests/{case.pk}/" in mail.body
        text = sms_to(sms_outbox, "+22370000001")
        assert "Envoyez-nous une photo de la plaque du moteur." in text
        assert f"Answer: {SITE}/portal/requests/{case.pk}/" in text

    def test_when_the_case_is_resolved_with_the_summary_and_the_rating_link(
        self, committed, enterprise, awa, aminata, mailoutbox, sms_outbox
    ):
        case = new_case(enterprise, status=S.IN_PROGRESS, assigned_to=aminata)
        with committed():
            case_transition(
                case=case, to_status=S.RESOLVED, by=aminata, resolution_summary="Séchoir installé, équipe formée."
            )

        mail = mail_to(mailoutbox, "awa@example.org")
        assert mail.subject == "ML-2026-00042: your request has been resolved"
        assert "What was done:\nSéchoir installé, équipe formée." in mail.body
        assert "you can reopen the request from your space within 30 days" in mail.body
        links = [word for word in mail.body.split() if word.startswith(f"{SITE}/portal/rate/")]
        assert len(links) == 1
        token = links[0].removeprefix(f"{SITE}/portal/rate/").strip("/")
        assert case_from_rating_token(token) == case
        assert links[0] in sms_to(sms_outbox, "+22370000001")

    def test_when_staff_write_to_them(self, committed, enterprise, awa, aminata, mailoutbox, sms_outbox):
        case = new_case(enterprise, status=S.IN_PROGRESS, assigned_to=aminata)
        with committed():
            case_add_note(case=case, by=aminata, body="Je passe jeudi à 10 h.", visibility=CaseNote.Visibility.SME)

        mail = mail_to(mailoutbox, "awa@example.org")
        assert mail.subject == "ML-2026-00042: new message about your request"
        assert "Aminata Koné wrote to you about your request ML-2026-00042" in mail.body
        assert "Je passe jeudi à 10 h." in mail.body
        assert "Je passe jeudi à 10 h." in sms_to(sms_outbox, "+22370000001")

    def test_never_about_internal_notes(self, committed, enterprise, awa, aminata, mailoutbox, sms_outbox):
        case = new_case(enterprise, status=S.IN_PROGRESS, assigned_to=aminata)
        with committed():
            case_add_note(case=case, by=aminata, body="Le promoteur semble réticent.")

        assert mailoutbox == []
        assert sms_outbox == []

    def test_each_active_sme_user_once_and_never_the_owner_then(
        self, committed, enterprise, awa, manager, mailoutbox, sms_outbox
    ):
        colleague = SmeUserFactory(enterprise=enterprise, email="ibrahim@example.org", phone="+22370000003")
        SmeUserFactory(enterprise=enterprise, email="left@example.org", is_active=False)
        SmeUserFactory(email="other@example.org")
        enterprise.owner_email = "owner@example.org"
        enterprise.save()
        with committed():
            case_qualify(case=new_case(enterprise), by=manager, domain=TechnologyDomain.ENERGY, priority="normal")

        assert sorted(message.to[0] for message in mailoutbox) == ["awa@example.org", colleague.email]
        assert sorted(message.to for message in sms_outbox) == ["+22370000001", "+22370000003"]

    def test_through_the_owner_when_the_enterprise_has_no_account(
        self, committed, enterprise, manager, mailoutbox, sms_outbox
    ):
        enterprise.owner_email = "mariam@example.org"
        enterprise.save()
        case = new_case(enterprise)
        with committed():
            case_qualify(case=case, by=manager, domain=TechnologyDomain.ENERGY, priority="normal")

        mail = mail_to(mailoutbox, "mariam@example.org")
        assert "Mariam Coulibaly," in mail.body
        assert "10 mars 2026" in mail.body, "the owner is written to in French"
        assert "/portal/" not in mail.body, "the owner has no space to follow the request in"
        assert "ML-2026-00042" in sms_to(sms_outbox, "+22376000001")


class TestStaffAreTold:
    def test_the_referent_of_a_case_assigned_to_them_with_what_to_do(
        self, committed, enterprise, awa, aminata, manager, mailoutbox, sms_outbox
    ):
        case = new_case(enterprise, status=S.QUALIFIED, description="Nos mangues pourrissent avant la vente.")
        with committed():
            case_assign(case=case, referent=aminata, by=manager)

        mail = mail_to(mailoutbox, "aminata@example.org")
        assert mail.subject == "ML-2026-00042 assigned to you: Séchoir solaire pour mangues"
        for expected in (
            "Oumar Sidibé assigned you the case ML-2026-00042",
            "Enterprise: Karité Plus SARL (Bamako",
            "Owner: Mariam Coulibaly, +22376000001",
            "Nos mangues pourrissent avant la vente.",
            "What to do: call or visit the enterprise by March 13, 2026",
            f"In HUB IIT: {SITE}/",
        ):
            assert expected in mail.body
        text = sms_to(sms_outbox, "+22370000002")
        assert "ML-2026-00042" in text
        assert "Karité Plus SARL, +22376000001" in text

    def test_on_reassignment_the_new_referent_and_the_sme_hear_it_and_the_previous_referent_is_released(
        self, committed, enterprise, awa, aminata, manager, mailoutbox, sms_outbox
    ):
        previous = ReferentUserFactory(hub=enterprise.hub, first_name="Seydou", last_name="Diallo", language="en")
        case = new_case(enterprise, status=S.IN_PROGRESS, assigned_to=previous)
        with committed():
            case_assign(case=case, referent=aminata, by=manager)

        released = mail_to(mailoutbox, previous.email)
        assert released.subject == "ML-2026-00042 has been given to another referent"
        assert "Oumar Sidibé gave the case ML-2026-00042" in released.body
        assert "to Aminata Koné." in released.body
        assert "It is no longer in your cases." in released.body
        assert mail_to(mailoutbox, "aminata@example.org").subject.startswith("ML-2026-00042 assigned to you")
        assert "Aminata Koné" in mail_to(mailoutbox, "awa@example.org").subject

    def test_assigning_again_to_the_same_referent_tells_nobody(
        self, committed, enterprise, awa, aminata, manager, mailoutbox, sms_outbox
    ):
        case = new_case(enterprise, status=S.IN_PROGRESS, assigned_to=aminata)
        with committed():
            case_assign(case=case, referent=aminata, by=manager)

        assert mailoutbox == []
        assert sms_outbox == []

    def test_the_referent_when_the_sme_writes(self, committed, enterprise, awa, aminata, mailoutbox, sms_outbox):
        case = new_case(enterprise, status=S.WAITING_SME, assigned_to=aminata)
        with committed():
            case_add_note(case=case, by=awa, body="Voici la photo demandée.", visibility=CaseNote.Visibility.SME)

        mail = mail_to(mailoutbox, "aminata@example.org")
        assert mail.subject == "ML-2026-00042: new message from Karité Plus SARL"
        assert "Awa Traoré (Karité Plus SARL) wrote about the case ML-2026-00042" in mail.body
        assert "Voici la photo demandée." in mail.body
        assert "Voici la photo demandée." in sms_to(sms_outbox, "+22370000002")
        assert [message.to for message in mailoutbox] == [["aminata@example.org"]], "the SME is not told of itself"

    def test_the_referent_assigned_since_the_sme_opened_the_case_gets_the_message(
        self, committed, enterprise, awa, aminata, manager, mailoutbox
    ):
        case = new_case(enterprise, status=S.QUALIFIED)
        as_read_by_the_sme = Case.objects.get(pk=case.pk)
        case_assign(case=case, referent=aminata, by=manager)
        with committed():
            case_add_note(
                case=as_read_by_the_sme, by=awa, body="Voici la photo demandée.", visibility=CaseNote.Visibility.SME
            )

        assert [message.to for message in mailoutbox] == [["aminata@example.org"]]

    def test_the_hubs_managers_when_the_sme_writes_on_an_unassigned_case(
        self, committed, enterprise, awa, manager, other_manager, mailoutbox
    ):
        case = new_case(enterprise)
        with committed():
            case_add_note(case=case, by=awa, body="Avez-vous reçu ma demande ?", visibility=CaseNote.Visibility.SME)

        mail = mail_to(mailoutbox, manager.email)
        assert "Avez-vous reçu ma demande ?" in mail.body
        assert f"In HUB IIT: {SITE}/manage/cases/{case.pk}/" in mail.body
        assert [message.to for message in mailoutbox] == [[manager.email]]

    def test_the_referent_once_when_the_sme_reopens_the_case_with_its_reason(
        self, committed, enterprise, awa, aminata, mailoutbox, sms_outbox
    ):
        case = new_case(enterprise, status=S.RESOLVED, assigned_to=aminata, resolved_at=FRIDAY_MORNING)
        with committed():
            case_reopen(case=case, by=awa, reason="Le séchoir chauffe toujours trop.")

        mail = mail_to(mailoutbox, "aminata@example.org")
        assert mail.subject == "ML-2026-00042 has been reopened"
        assert "Awa Traoré reopened the case ML-2026-00042" in mail.body
        assert "Le séchoir chauffe toujours trop." in mail.body
        assert [message.to for message in mailoutbox] == [["aminata@example.org"]]
        assert [message.to for message in sms_outbox] == ["+22370000002"]

    def test_the_referent_when_a_manager_reopens_the_case(
        self, committed, enterprise, awa, aminata, manager, mailoutbox
    ):
        case = new_case(enterprise, status=S.RESOLVED, assigned_to=aminata, resolved_at=FRIDAY_MORNING)
        with committed():
            case_transition(case=case, to_status=S.IN_PROGRESS, by=manager)

        assert "Oumar Sidibé reopened the case" in mail_to(mailoutbox, "aminata@example.org").body
        assert [message.to for message in mailoutbox] == [["aminata@example.org"]]

    def test_the_referent_once_when_the_sme_replies_to_a_case_waiting_for_it(
        self, committed, enterprise, awa, aminata, mailoutbox, sms_outbox
    ):
        case = new_case(enterprise, status=S.WAITING_SME, assigned_to=aminata)
        with committed():
            case_reply(case=case, by=awa, body="La photo est jointe.")

        assert "La photo est jointe." in mail_to(mailoutbox, "aminata@example.org").body
        assert [message.to for message in mailoutbox] == [["aminata@example.org"]]
        assert [message.to for message in sms_outbox] == ["+22370000002"]


class TestLanguage:
    def test_each_recipient_reads_the_message_in_their_own_language(
        self, committed, enterprise, awa, manager, mailoutbox, sms_outbox
    ):
        """Awa reads English; her colleague Fatou and the referent Seydou read French, the default."""
        SmeUserFactory(enterprise=enterprise, first_name="Fatou", last_name="Sow", email="fatou@example.org")
        seydou = ReferentUserFactory(
            hub=enterprise.hub,
            first_name="Seydou",
            last_name="Diallo",
            email="seydou@example.org",
            phone="+22370000009",
        )
        case = new_case(enterprise, status=S.QUALIFIED)
        with committed():
            case_assign(case=case, referent=seydou, by=manager)

        english = mail_to(mailoutbox, "awa@example.org")
        assert english.subject == "ML-2026-00042: Seydou Diallo is following your request"
        assert "Hello Awa Traoré," in english.body
        assert "They will contact you by March 13, 2026" in english.body
        assert "The HUB IIT team" in english.body
        french = mail_to(mailoutbox, "fatou@example.org")
        assert french.subject == "ML-2026-00042 : Seydou Diallo suit votre demande"
        assert "Bonjour Fatou Sow," in french.body
        assert "Votre référent vous contactera d’ici le 13 mars 2026" in french.body
        assert "L’équipe HUB IIT" in french.body
        referent = mail_to(mailoutbox, "seydou@example.org")
        assert referent.subject == "ML-2026-00042 vous est assignée : Séchoir solaire pour mangues"
        assert "À faire : appeler ou visiter l’entreprise d’ici le 13 mars 2026" in referent.body
        assert sms_to(sms_outbox, "+22370000009").startswith("HUB IIT : la demande ML-2026-00042 vous est assignée")


class TestMessagesAreSentOnlyOnceCommitted:
    def test_a_rolled_back_change_sends_nothing(self, committed, enterprise, awa, manager, mailoutbox, sms_outbox):
        case = new_case(enterprise)
        with committed() as callbacks, pytest.raises(RuntimeError), transaction.atomic():
            case_qualify(case=case, by=manager, domain=TechnologyDomain.ENERGY, priority="normal")
            raise RuntimeError

        assert callbacks == []
        assert mailoutbox == []
        assert sms_outbox == []
        case.refresh_from_db()
        assert case.status == S.NEW

    def test_a_request_whose_attachment_is_refused_is_not_acknowledged(
        self, committed, enterprise, awa, mailoutbox, sms_outbox
    ):
        with committed(), pytest.raises(ValidationError), transaction.atomic():
            case = case_create(
                enterprise=enterprise,
                domain=TechnologyDomain.AGRO_PROCESSING,
                title="Séchoir solaire",
                description="Nous perdons une partie de la récolte.",
                by=awa,
            )
            fake = SimpleUploadedFile("devis.pdf", b"MZ not a pdf", content_type="application/pdf")
            case_attach_files(case=case, by=awa, uploads=[fake])

        assert not Case.objects.exists()
        assert mailoutbox == []
        assert sms_outbox == []

    def test_the_loser_of_a_concurrent_assignment_sends_nothing(
        self, committed, enterprise, awa, aminata, manager, mailoutbox, sms_outbox
    ):
        case = new_case(enterprise, status=S.QUALIFIED)
        stale_version = case.version
        with committed():
            case_assign(case=case, referent=aminata, by=manager, expected_version=stale_version)
        mailoutbox.clear()
        sms_outbox.clear()

        other = ReferentUserFactory(hub=enterprise.hub)
        with committed(), pytest.raises(CaseChanged):
            case_assign(case=case, referent=other, by=manager, expected_version=stale_version)

        assert mailoutbox == []
        assert sms_outbox == []


class BrokenSms(Gateway):
    def send(self, sms):
        raise ConnectionError("gateway unreachable")


class BrokenEmail:
    def __init__(self, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("no SMTP server")


class TestAFailingGatewayDoesNotBreakTheAction:
    def test_a_gateway_down_leaves_the_sms_queued_for_a_retry_and_the_e_mail_still_goes(
        self, committed, enterprise, awa, manager, mailoutbox, sms_outbox
    ):
        locmem.failures.append(TemporaryFailure("gateway unreachable"))
        case = new_case(enterprise)
        with committed():
            case_qualify(case=case, by=manager, domain=TechnologyDomain.ENERGY, priority="normal")

        case.refresh_from_db()
        assert case.status == S.QUALIFIED
        assert [message.to for message in mailoutbox] == [["awa@example.org"]]
        assert sms_outbox == []
        sms = OutgoingMessage.objects.get(case=case, channel=OutgoingMessage.Channel.SMS, template="acknowledged")
        assert (sms.status, sms.attempts, sms.error) == (OutgoingMessage.Status.QUEUED, 1, "gateway unreachable")
        assert sms.next_attempt_at is not None

    def test_an_smtp_server_down_leaves_the_e_mail_queued_and_the_sms_still_goes(
        self, committed, settings, enterprise, awa, manager, sms_outbox
    ):
        settings.EMAIL_BACKEND = f"{__name__}.BrokenEmail"
        case = new_case(enterprise)
        with committed():
            case_qualify(case=case, by=manager, domain=TechnologyDomain.ENERGY, priority="normal")

        case.refresh_from_db()
        assert case.status == S.QUALIFIED
        assert [message.to for message in sms_outbox] == ["+22370000001"]
        email = OutgoingMessage.objects.get(case=case, channel=OutgoingMessage.Channel.EMAIL, template="acknowledged")
        assert (email.status, email.error) == (OutgoingMessage.Status.QUEUED, "no SMTP server")

    def test_through_the_managers_page(
        self, client, settings, enterprise, awa, manager, django_capture_on_commit_callbacks
    ):
        settings.SMS_GATEWAYS = {"default": {"BACKEND": f"{__name__}.BrokenSms"}}
        settings.EMAIL_BACKEND = f"{__name__}.BrokenEmail"
        case = new_case(enterprise)
        client.force_login(manager)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                f"/manage/cases/{case.pk}/qualify/", {"domain": TechnologyDomain.ENERGY, "priority": "normal"}
            )

        assert response.status_code == 302
        case.refresh_from_db()
        assert case.status == S.QUALIFIED
        sms = OutgoingMessage.objects.get(case=case, channel=OutgoingMessage.Channel.SMS)
        assert (sms.status, sms.error) == (OutgoingMessage.Status.FAILED, "gateway unreachable")


class TestMessageForm:
    def test_text_is_not_html_escaped(self, committed, enterprise, awa, manager, mailoutbox, sms_outbox):
        case = new_case(enterprise)
        case.title = "Moulin <à> l'arrêt & pièces"
        case.save()
        with committed():
            case_qualify(case=case, by=manager, domain=TechnologyDomain.ENERGY, priority="normal")

        assert "“Moulin <à> l'arrêt & pièces”" in mail_to(mailoutbox, "awa@example.org").body

    def test_sms_stay_within_three_text_messages(self, committed, enterprise, awa, aminata, mailoutbox, sms_outbox):
        case = new_case(enterprise, status=S.IN_PROGRESS, assigned_to=aminata)
        case.title = "T" * 200
        case.save()
        long_note = "Merci de nous envoyer les factures d’électricité des douze derniers mois. " * 10
        with committed():
            case_transition(case=case, to_status=S.WAITING_SME, by=aminata, note=long_note)
            case_add_note(case=case, by=awa, body=long_note, visibility=CaseNote.Visibility.SME)

        assert len(sms_outbox) == 2
        assert all(count_parts(message.body) <= 3 for message in sms_outbox)
        assert long_note.strip() in mail_to(mailoutbox, "awa@example.org").body


def test_the_console_gateway_prints_each_text_message(capsys):
    ConsoleGateway(alias="default").send(Sms(to="+22370000001", body="Bonjour"))
    assert capsys.readouterr().out.startswith("SMS to +22370000001\nBonjour\n")
