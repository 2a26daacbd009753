"""The API token endpoint: the sign-in form's defences (hub.security) for phones and scripts."""

from django.utils.crypto import salted_hmac
from rest_framework import serializers
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from hub.security import LockoutAuthenticationForm, account_name, client_address, lockout


class SignInThrottle(SimpleRateThrottle):
    """The "login" rate, counted per (account, client address): one person retrying is slowed, an office
    behind one address is not."""

    scope = "login"

    def get_cache_key(self, request, view):
        data = request.data if hasattr(request.data, "get") else {}
        pair = f"{account_name(str(data.get('username', '')))}|{client_address(request)}"
        return self.cache_format % {"scope": self.scope, "ident": salted_hmac("sign-in-throttle", pair).hexdigest()}


class GuardedAuthTokenSerializer(AuthTokenSerializer):
    def validate(self, attrs):
        reason = lockout(username=attrs.get("username"), request=self.context.get("request"))
        if reason is not None:
            message = LockoutAuthenticationForm.error_messages[reason]
            raise serializers.ValidationError(str(message) % LockoutAuthenticationForm.lockout_params(), code=reason)
        return super().validate(attrs)


class ObtainTokenView(ObtainAuthToken):
    """`POST {"username", "password"}` returns `{"token": ...}`; a locked (account, address) pair is refused
    with the sign-in form's words, and attempts are throttled per pair."""

    serializer_class = GuardedAuthTokenSerializer
    throttle_classes = [SignInThrottle]
    parser_classes = api_settings.DEFAULT_PARSER_CLASSES
