"""Token authentication that reads a request in the time zone of its user's hub."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import AuthenticationFailed


class HubTokenAuthentication(TokenAuthentication):
    """A token's request, like a page, runs in the time zone of its user's hub (`hub.middleware` ends the
    zone after the view): "today" in a Niamey referent's answers is Niamey's. The token, its user and the
    user's hub are read in one query."""

    def authenticate_credentials(self, key):
        token = Token.objects.select_related("user__hub").filter(key=key).first()
        if token is None:
            raise AuthenticationFailed(_("Invalid token."))
        if not token.user.is_active:
            raise AuthenticationFailed(_("User inactive or deleted."))
        if token.user.hub_id:
            timezone.activate(token.user.hub.zone)
        return token.user, token
