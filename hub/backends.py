"""Signing in with a phone number: SME users often know their number better than a user name."""

import phonenumbers
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


def phone_in_e164(text: str, *, region: str | None = None) -> str | None:
    """The number written in `text`, nationally ("76 12 34 56") or internationally, in E.164 form; None
    when `text` is not a valid phone number."""
    try:
        number = phonenumbers.parse(text, region or settings.PHONENUMBER_DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


class PhoneNumberBackend(ModelBackend):
    """Accepts the user's phone number where the login form asks for the user name. Numbers without a
    country code are read in `PHONENUMBER_DEFAULT_REGION`. Runs after Django's `ModelBackend`, which
    keeps answering for user names."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None or password is None:
            return None
        phone = phone_in_e164(username)
        if phone is None:
            return None
        user = get_user_model()._default_manager.filter(phone=phone).first()
        if user is None:
            # Hash anyway, so that an unknown number takes as long as a wrong password.
            get_user_model()().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
