"""SME accounts: signing up with a phone number, signing in with it, and a manager's invitation."""

import datetime
import re
import time
from types import SimpleNamespace

import pytest
from django.contrib.auth import SESSION_KEY
from django.core import signing
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone, translation

from hub import security, services
from hub.messaging.encoding import plain
from hub.models import Enterprise, Role, User
from tests.factories import PASSWORD, EnterpriseFactory, ReferentUserFactory, SmeUserFactory
from tests.factories.hub import bamako

SIGNUP = "/accounts/signup/"
CONFIRM = "/accounts/signup/confirm/"
STRONG = "karite-en-or-2026"


def fr(msgid: str) -> str:
    """The French text of one of our messages (the English msgid until the catalogue is compiled)."""
    with translation.override("fr"):
        return translation.gettext(msgid)


def signup_data(**overrides) -> dict:
    data = {
        "owner_name": "Fatoumata Koné",
        "phone": "76 12 34 56",
        "email": "",
        "password1": STRONG,
        "password2": STRONG,
        "name": "Savonnerie du Niger",
        "sector": "C",
        "activity": "Savon au karité",
        "employees_total": "4",
        "women_led": "on",
        "region": "ML-BKO",
        "commune": "Commune V",
        "consent": "on",
    }
    data.update(overrides)
    return data


def signed_in_user(client) -> User | None:
    pk = client.session.get(SESSION_KEY)
    return User.objects.get(pk=pk) if pk else None


def assert_nothing_saved():
    assert not User.objects.filter(role=Role.SME).exists()
    assert not Enterprise.objects.exists()


@pytest.fixture
def sign_up(client, sms_outbox, django_capture_on_commit_callbacks):
    """Fills in the form as the person would, running what waits for the commit, and returns its answer
    and the text message the number received."""

    def sign_up(data: dict, *, on=client):
        sms_outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            response = on.post(SIGNUP, data)
        return response, (sms_outbox[-1].body if sms_outbox else None)

    return sign_up


def code_in(text: str) -> str:
    return re.search(r"\b(\d{6})\b", text).group(1)


class TestSignUp:
    def test_the_login_page_leads_to_sign_up(self, client, db):
        page = client.get("/login/").content.decode()
        assert 'href="/accounts/signup/"' in page

    def test_an_entrepreneur_confirms_the_texted_code_and_lands_signed_in_on_the_portal(self, client, hub, sign_up):
        response, text = sign_up(signup_data(email="fatou@example.org"))
        assert response["Location"] == CONFIRM
        assert_nothing_saved()
        assert "+223 76 12 34 56" in client.get(CONFIRM).content.decode()

        response = client.post(CONFIRM, {"code": code_in(text)})

        assert response.status_code == 302
        assert response["Location"] == "/portal/"
        user = User.objects.get(role=Role.SME)
        enterprise = user.enterprise
        assert user.username == "+22376123456"
        assert str(user.phone) == "+22376123456"
        assert (user.hub, enterprise.hub) == (hub, hub)
        assert user.get_full_name() == "Fatoumata Koné"
        assert user.email == enterprise.owner_email == "fatou@example.org"
        assert user.language == "fr"
        assert user.check_password(STRONG)
        assert enterprise.name == "Savonnerie du Niger"
        assert (enterprise.sector, enterprise.region_id, enterprise.commune) == ("C", "ML-BKO", "Commune V")
        assert (enterprise.owner_name, str(enterprise.owner_phone)) == ("Fatoumata Koné", "+22376123456")
        assert (enterprise.women_led, enterprise.employees_total) == (True, 4)
        assert (enterprise.consent_given, enterprise.consent_date) == (True, timezone.localdate())
        assert signed_in_user(client) == user
        assert client.get("/portal/").status_code == 200
        assert client.get(CONFIRM)["Location"] == "/"

    def test_the_code_is_texted_in_french_to_the_number_typed(self, hub, sign_up, sms_outbox):
        _response, text = sign_up(signup_data())
        assert sms_outbox[-1].to == "+22376123456"
        assert text.startswith("HUB IIT : votre code")

    def test_a_wrong_code_is_refused_in_french_and_nothing_saved(self, client, hub, sign_up):
        _response, text = sign_up(signup_data())
        wrong = f"{(int(code_in(text)) + 1) % 1_000_000:06d}"
        response = client.post(CONFIRM, {"code": wrong})
        assert response.context["form"].errors["code"] == [
            fr("This is not the code we sent. Check the text message and try again.")
        ]
        assert_nothing_saved()

    def test_after_five_wrong_codes_even_the_right_one_no_longer_works(self, client, hub, sign_up):
        _response, text = sign_up(signup_data())
        wrong = f"{(int(code_in(text)) + 1) % 1_000_000:06d}"
        for _attempt in range(services.SIGN_UP_CODE_ATTEMPTS):
            client.post(CONFIRM, {"code": wrong})
        response = client.post(CONFIRM, {"code": code_in(text)})
        assert response.context["form"].errors["code"] == [
            fr("This code can no longer be used: fill in the form again to receive a new one.")
        ]
        assert_nothing_saved()

    def test_a_code_older_than_its_lifetime_no_longer_works(self, client, hub, sign_up, monkeypatch):
        _response, text = sign_up(signup_data())
        later = timezone.now() + services.SIGN_UP_CODE_LIFETIME + datetime.timedelta(seconds=1)
        monkeypatch.setattr(timezone, "now", lambda: later)
        response = client.post(CONFIRM, {"code": code_in(text)})
        assert "code" in response.context["form"].errors
        assert_nothing_saved()

    def test_the_code_works_only_in_the_browser_that_filled_in_the_form(self, hub, sign_up):
        _response, text = sign_up(signup_data())
        assert Client().post(CONFIRM, {"code": code_in(text)})["Location"] == SIGNUP
        assert_nothing_saved()

    def test_the_account_keeps_the_language_the_page_was_in(self, client, hub, sign_up):
        client.cookies["django_language"] = "en"
        _response, text = sign_up(signup_data())
        assert text.startswith("HUB IIT: your code")
        client.post(CONFIRM, {"code": code_in(text)})
        assert User.objects.get(role=Role.SME).language == "en"

    def test_e_mail_is_optional(self, client, hub, sign_up):
        _response, text = sign_up(signup_data(email=""))
        client.post(CONFIRM, {"code": code_in(text)})
        assert User.objects.get(role=Role.SME).email == ""

    @pytest.mark.parametrize("written", ["76 12 34 56", "+223 76 12 34 56", "0022376123456"])
    def test_a_number_with_an_account_gets_the_same_answer_and_its_owner_is_told_by_text(
        self, client, hub, sign_up, written
    ):
        first, _text = sign_up(signup_data(phone="76 99 88 77"), on=Client())
        SmeUserFactory(hub=hub, username="aminata", phone="+22376123456")
        enterprises = Enterprise.objects.count()

        response, text = sign_up(signup_data(phone=written))

        assert (response.status_code, response["Location"]) == (first.status_code, first["Location"])
        assert text.startswith("HUB IIT : quelqu'un a demandé")
        assert "/accounts/password-reset/" in text
        assert not re.search(r"\b\d{6}\b", text)
        page = client.get(CONFIRM).content.decode()
        assert "+223 76 12 34 56" in page
        assert User.objects.filter(role=Role.SME).count() == 1
        assert Enterprise.objects.count() == enterprises
        assert signed_in_user(client) is None

    def test_a_user_name_equal_to_the_number_also_has_the_owner_told(self, client, hub, sign_up):
        SmeUserFactory(hub=hub, username="+22376123456", phone=None)
        _response, text = sign_up(signup_data())
        assert "/accounts/password-reset/" in text
        assert User.objects.filter(role=Role.SME).count() == 1

    def test_texts_to_one_number_are_limited(self, client, hub, sign_up, sms_outbox):
        texts = [sign_up(signup_data())[1] for _attempt in range(security.TEXTS_PER_NAME + 1)]
        assert texts[-1] is None
        assert all(texts[: security.TEXTS_PER_NAME])

    def test_consent_is_required(self, client, hub):
        data = signup_data()
        del data["consent"]
        response = client.post(SIGNUP, data)
        assert response.context["form"].errors["consent"] == [
            fr("Your agreement to the processing of these details is needed.")
        ]
        assert_nothing_saved()

    def test_the_service_refuses_a_sign_up_without_consent_too(self, hub):
        with pytest.raises(ValidationError) as caught:
            services.sme_sign_up_start(
                request=None, phone="76123456", password=STRONG, consent=False, language="fr", region=bamako()
            )
        assert "consent" in caught.value.message_dict
        assert_nothing_saved()

    def test_the_passwords_must_match(self, client, hub):
        response = client.post(SIGNUP, signup_data(password2="autre-chose-2026"))
        assert "password2" in response.context["form"].errors
        assert_nothing_saved()

    @pytest.mark.parametrize("weak", ["12345678", "azerty", "motdepasse"])
    def test_a_weak_password_is_refused_by_djangos_validators_and_nothing_sent(self, client, hub, weak, sign_up):
        response, text = sign_up(signup_data(password1=weak, password2=weak))
        assert response.status_code == 200
        assert response.context["form"].errors["password1"]
        assert text is None

    def test_a_password_like_the_persons_name_is_refused(self, client, hub):
        response = client.post(SIGNUP, signup_data(password1="fatoumatakone", password2="fatoumatakone"))
        assert response.context["form"].errors["password1"]
        assert_nothing_saved()

    def test_missing_details_are_explained_in_french(self, client, hub):
        response = client.post(SIGNUP, signup_data(name="", region="", phone="12"))
        errors = response.context["form"].errors
        assert errors["name"] == ["Ce champ est obligatoire."]
        assert errors["region"] == ["Ce champ est obligatoire."]
        assert "phone" in errors
        assert_nothing_saved()

    def test_the_hub_follows_from_the_region_when_one_hub_serves_the_country(self, client, hub):
        assert "hub" not in client.get(SIGNUP).context["form"].fields

    def test_where_a_country_has_several_hubs_the_entrepreneur_chooses(self, client, hub, other_hub, sign_up):
        form = client.get(SIGNUP).context["form"]
        assert set(form.fields["hub"].queryset) == {hub, other_hub}

        response = client.post(SIGNUP, signup_data())
        assert response.context["form"].errors["hub"] == [fr("Several hubs serve this region: choose yours.")]
        assert_nothing_saved()

        _response, text = sign_up(signup_data(hub=other_hub.pk))
        client.post(CONFIRM, {"code": code_in(text)})
        user = User.objects.get(role=Role.SME)
        assert user.hub == user.enterprise.hub == other_hub

    def test_without_a_hub_in_the_regions_country_nobody_is_registered(self, db):
        with pytest.raises(ValidationError) as caught:
            services.sme_sign_up_start(
                request=None,
                phone="76123456",
                password=STRONG,
                consent=True,
                language="fr",
                region=bamako(),
                name="Atelier",
                sector="C",
                owner_name="Ali Sow",
            )
        assert caught.value.message_dict["region"] == [
            "Aucun hub ne couvre encore cette région : le programme ne peut pas vous inscrire en ligne."
        ]
        assert_nothing_saved()

    def test_signed_in_people_are_sent_home(self, client, sme_user):
        client.force_login(sme_user)
        assert client.get(SIGNUP)["Location"] == "/"

    def test_the_pages_are_not_kept_in_caches(self, client, hub, sign_up):
        assert "no-store" in client.get(SIGNUP)["Cache-Control"]
        sign_up(signup_data())
        assert "no-store" in client.get(CONFIRM)["Cache-Control"]


class TestPhoneLogin:
    @pytest.fixture
    def aminata(self, hub):
        return SmeUserFactory(hub=hub, username="aminata", phone="+22376123456")

    @pytest.mark.parametrize("login", ["76 12 34 56", "76123456", "+22376123456", "+223 76 12 34 56", "aminata"])
    def test_the_phone_number_in_national_or_international_form_or_the_user_name(self, client, aminata, login):
        response = client.post("/login/", {"username": login, "password": PASSWORD})
        assert response.status_code == 302
        assert signed_in_user(client) == aminata

    @pytest.mark.parametrize("login", ["76 12 34 56", "aminata"])
    def test_a_wrong_password_is_refused(self, client, aminata, login):
        response = client.post("/login/", {"username": login, "password": "wrong-password"})
        assert response.status_code == 200
        assert signed_in_user(client) is None

    def test_an_unknown_number_is_refused(self, client, aminata):
        client.post("/login/", {"username": "66 00 00 00", "password": PASSWORD})
        assert signed_in_user(client) is None

    def test_a_deactivated_account_cannot_sign_in_by_phone(self, client, aminata):
        aminata.is_active = False
        aminata.save()
        client.post("/login/", {"username": "76 12 34 56", "password": PASSWORD})
        assert signed_in_user(client) is None

    def test_staff_sign_in_by_phone_too(self, client, hub):
        referent = ReferentUserFactory(hub=hub, phone="+22365432109")
        client.post("/login/", {"username": "65 43 21 09", "password": PASSWORD})
        assert signed_in_user(client) == referent


def invite_url(enterprise) -> str:
    return f"/accounts/invite/{enterprise.pk}/"


def token_signed_days_ago(monkeypatch, user, days: int) -> str:
    with monkeypatch.context() as patched:
        patched.setattr("django.core.signing.time", SimpleNamespace(time=lambda: time.time() - days * 86400))
        return services.invitation_token(user)


class TestInvitation:
    @pytest.fixture
    def registered(self, hub):
        """An enterprise a manager registered, with nobody on the portal and no consent recorded yet."""
        return EnterpriseFactory(
            hub=hub, owner_name="Oumar Cissé", owner_phone="+22366778899", consent_given=False, consent_date=None
        )

    def invite(self, client, enterprise, committed, **data):
        with committed(execute=True):
            return client.post(invite_url(enterprise), {"name": "Oumar Cissé", "phone": "66 77 88 99", **data})

    def test_the_form_proposes_the_owners_phone(self, client, manager, registered):
        client.force_login(manager)
        page = client.get(invite_url(registered)).content.decode()
        assert 'value="66 77 88 99"' in page
        assert 'value="Oumar Cissé"' in page

    def test_a_manager_invites_and_the_person_gets_a_link_by_sms_and_e_mail(
        self, client, manager, registered, django_capture_on_commit_callbacks, mailoutbox, sms_outbox
    ):
        client.force_login(manager)
        response = self.invite(client, registered, django_capture_on_commit_callbacks, email="oumar@example.org")

        assert response.status_code == 302
        assert response["Location"] == f"/manage/enterprises/{registered.pk}/"
        invited = User.objects.get(role=Role.SME)
        assert (invited.username, str(invited.phone)) == ("+22366778899", "+22366778899")
        assert (invited.enterprise, invited.hub, invited.email) == (registered, registered.hub, "oumar@example.org")
        assert invited.get_full_name() == "Oumar Cissé"
        assert not invited.has_usable_password()
        assert [message.to for message in sms_outbox] == ["+22366778899"]
        link = "https://hub.example.org/accounts/invitation/"
        assert link in sms_outbox[0].body
        assert len(sms_outbox[0].body) <= 320
        assert [message.to for message in mailoutbox] == [["oumar@example.org"]]
        assert link in mailoutbox[0].body
        assert registered.name in mailoutbox[0].subject

    def test_the_invitation_is_written_in_french(self, hub, registered, sms_outbox, committed):
        user = SmeUserFactory(hub=hub, enterprise=registered, phone="+22366778899", email="")
        with translation.override("en"), committed():
            services.send_invitation(user=user, enterprise=registered, token="t")
        with translation.override("fr"):
            expected = translation.ngettext(
                "HUB IIT: follow the requests of %(enterprise)s online. Choose your password within %(days)s day: "
                "%(url)s",
                "HUB IIT: follow the requests of %(enterprise)s online. Choose your password within %(days)s days: "
                "%(url)s",
                14,
            ) % {"enterprise": registered.name, "days": 14, "url": "https://hub.example.org/accounts/invitation/t/"}
        assert sms_outbox[-1].body == plain(expected)

    def test_inviting_a_number_that_already_has_an_account_is_refused(
        self, client, manager, registered, django_capture_on_commit_callbacks, sms_outbox
    ):
        SmeUserFactory(hub=manager.hub, phone="+22366778899")
        client.force_login(manager)
        response = self.invite(client, registered, django_capture_on_commit_callbacks)
        assert response.status_code == 200
        assert "phone" in response.context["form"].errors
        assert not User.objects.filter(enterprise=registered).exists()
        assert sms_outbox == []

    def test_inviting_again_before_the_link_was_used_sends_a_new_link_to_the_same_user(
        self, client, manager, registered, django_capture_on_commit_callbacks, sms_outbox
    ):
        client.force_login(manager)
        self.invite(client, registered, django_capture_on_commit_callbacks)
        self.invite(client, registered, django_capture_on_commit_callbacks)
        assert User.objects.filter(enterprise=registered).count() == 1
        assert len(sms_outbox) == 2

    def test_a_bad_phone_number_is_explained_and_nothing_saved(self, client, manager, registered):
        client.force_login(manager)
        response = client.post(invite_url(registered), {"name": "Oumar", "phone": "12"})
        assert response.status_code == 200
        assert "phone" in response.context["form"].errors
        assert not User.objects.filter(role=Role.SME).exists()

    def test_only_managers_invite(self, client, hub, registered):
        for user in (ReferentUserFactory(hub=hub), SmeUserFactory(hub=hub, enterprise=registered)):
            client.force_login(user)
            assert client.get(invite_url(registered)).status_code == 403
            assert client.post(invite_url(registered), {"name": "X", "phone": "66 77 88 90"}).status_code == 403
        assert User.objects.filter(phone="+22366778890").count() == 0

    def test_anonymous_visitors_are_asked_to_sign_in(self, client, registered):
        assert client.get(invite_url(registered))["Location"].startswith("/login/")

    def test_a_manager_of_another_hub_gets_the_same_404_as_for_a_missing_enterprise(
        self, client, other_manager, registered
    ):
        client.force_login(other_manager)
        assert client.get(invite_url(registered)).status_code == 404
        assert client.post(invite_url(registered), {"name": "X", "phone": "66 77 88 99"}).status_code == 404
        assert client.get("/accounts/invite/999999/").status_code == 404
        assert not User.objects.filter(role=Role.SME).exists()

    def test_the_person_chooses_a_password_consents_and_is_signed_in(self, client, manager, registered):
        invited = services.sme_invite(enterprise=registered, phone="66778899", name="Oumar Cissé", by=manager)
        url = f"/accounts/invitation/{services.invitation_token(invited)}/"

        page = client.get(url)
        assert page.status_code == 200
        assert "consent" in page.context["form"].fields
        response = client.post(url, {"password1": STRONG, "password2": STRONG, "consent": "on"})

        assert response.status_code == 302
        assert response["Location"] == "/portal/"
        invited.refresh_from_db()
        registered.refresh_from_db()
        assert invited.check_password(STRONG)
        assert (registered.consent_given, registered.consent_date) == (True, timezone.localdate())
        assert signed_in_user(client) == invited
        client.logout()
        client.post("/login/", {"username": "66 77 88 99", "password": STRONG})
        assert signed_in_user(client) == invited

    def test_consent_is_asked_only_when_the_enterprise_has_none(self, client, manager, enterprise):
        invited = services.sme_invite(enterprise=enterprise, phone="66778899", name="Oumar Cissé", by=manager)
        form = client.get(f"/accounts/invitation/{services.invitation_token(invited)}/").context["form"]
        assert "consent" not in form.fields

    def test_without_consent_or_with_a_weak_password_nothing_is_saved(self, client, manager, registered):
        invited = services.sme_invite(enterprise=registered, phone="66778899", name="Oumar Cissé", by=manager)
        url = f"/accounts/invitation/{services.invitation_token(invited)}/"

        no_consent = client.post(url, {"password1": STRONG, "password2": STRONG})
        weak = client.post(url, {"password1": "12345678", "password2": "12345678", "consent": "on"})

        assert "consent" in no_consent.context["form"].errors
        assert "password1" in weak.context["form"].errors
        invited.refresh_from_db()
        registered.refresh_from_db()
        assert not invited.has_usable_password()
        assert not registered.consent_given
        assert signed_in_user(client) is None

    def test_a_used_link_cannot_be_used_again(self, client, manager, registered):
        invited = services.sme_invite(enterprise=registered, phone="66778899", name="Oumar Cissé", by=manager)
        url = f"/accounts/invitation/{services.invitation_token(invited)}/"
        client.post(url, {"password1": STRONG, "password2": STRONG, "consent": "on"})
        client.logout()

        again = client.post(url, {"password1": "autre-secret-2026", "password2": "autre-secret-2026"})

        assert again.status_code == 410
        assert fr("This invitation has already been used. Sign in with your phone number and your password.") in (
            again.content.decode().replace("&#x27;", "'")
        )
        invited.refresh_from_db()
        assert invited.check_password(STRONG)
        assert signed_in_user(client) is None

    def test_a_user_with_a_password_cannot_use_an_invitation_link(self, client, hub, enterprise):
        user = SmeUserFactory(hub=hub, enterprise=enterprise)
        response = client.get(f"/accounts/invitation/{services.invitation_token(user)}/")
        assert response.status_code == 410

    def test_a_link_older_than_14_days_has_expired(self, client, manager, registered, monkeypatch):
        invited = services.sme_invite(enterprise=registered, phone="66778899", name="Oumar Cissé", by=manager)
        fresh = token_signed_days_ago(monkeypatch, invited, 13)
        expired = token_signed_days_ago(monkeypatch, invited, 15)

        assert client.get(f"/accounts/invitation/{fresh}/").status_code == 200
        response = client.get(f"/accounts/invitation/{expired}/")
        assert response.status_code == 410
        assert fr("This invitation has expired. Ask the hub to send you a new one.") in response.content.decode()
        response = client.post(f"/accounts/invitation/{expired}/", {"password1": STRONG, "password2": STRONG})
        assert response.status_code == 410
        invited.refresh_from_db()
        assert not invited.has_usable_password()

    @pytest.mark.parametrize("token", ["not-a-token", "MQ:1tAbCd:forged"])
    def test_an_altered_link_is_refused(self, client, token):
        response = client.get(f"/accounts/invitation/{token}/")
        assert response.status_code == 410
        assert fr("This link cannot be used") in response.content.decode()

    def test_a_link_made_for_another_purpose_is_refused(self, client, hub, enterprise):
        user = SmeUserFactory(hub=hub, enterprise=enterprise)
        user.set_unusable_password()
        user.save()
        assert client.get(f"/accounts/invitation/{signing.dumps(user.pk, salt='cases.rating')}/").status_code == 410


def test_signing_out_empties_the_browsers_http_cache_of_the_site(client, referent):
    """The phones keep the copies of the referent's day, directory and follow-ups in the HTTP cache."""
    client.force_login(referent)
    response = client.post("/logout/")
    assert response.status_code == 302
    assert response["Clear-Site-Data"] == '"cache"'
