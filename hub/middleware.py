import re
import uuid
import zoneinfo

from django.conf import settings
from django.core.exceptions import BadRequest
from django.http import QueryDict
from django.utils import timezone, translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext_lazy as _

from hub import observability

REQUEST_ID = re.compile(r"[A-Za-z0-9-]{8,64}")


class RequestIdMiddleware:
    """First of MIDDLEWARE, so that every answer carries X-Request-ID (an HTTPS redirect too) and every line
    logged while serving names the request (hub.observability). The id is the proxy's X-Request-ID (nginx's
    $request_id) when it is a plain token of 8 to 64 letters, digits and dashes, else a new one."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        supplied = request.headers.get("X-Request-ID", "")
        request.request_id = supplied if REQUEST_ID.fullmatch(supplied) else uuid.uuid4().hex
        with observability.serving(request):
            response = self.get_response(request)
        response["X-Request-ID"] = request.request_id
        return response


class FrenchFirstLocaleMiddleware:
    """Pages are in the language the person chose with the language switcher (its cookie), else in the
    language of their account, kept in the session from the sign-in (`hub.security`; new team members take
    their hub's), else in French. The browser's Accept-Language is only honoured by the API (before the
    account's language), whose clients say what they want."""

    SESSION_KEY = "account_language"

    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if chosen not in self.supported and request.path.startswith("/api/") and "HTTP_ACCEPT_LANGUAGE" in request.META:
            chosen = translation.get_language_from_request(request)
        if chosen not in self.supported:
            chosen = request.session.get(self.SESSION_KEY) if hasattr(request, "session") else None
        if chosen not in self.supported:
            chosen = settings.LANGUAGE_CODE
        translation.activate(chosen)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        patch_vary_headers(response, ["Cookie", "Accept-Language"])
        response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
        return response


class HubTimeZoneMiddleware:
    """After the authentication and the session timeout: a signed-in user bound to a hub (manager,
    referent, SME user) reads every date and time of the request in the hub's zone; others in
    settings.TIME_ZONE. The zone is kept in the session with the hub's id from the sign-in
    (`hub.security`), so requests read it from there; a session without it (or of another hub) reads it
    through `user.hub` and keeps it when the session is saved anyway (the session timeout's `seen_at`, every
    few minutes). A hub's zone changed since is read at the next sign-in."""

    SESSION_KEY = "hub_time_zone"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        name = self.zone_name(request)
        if name is not None:
            timezone.activate(zoneinfo.ZoneInfo(name))
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()  # also the zone an API token activated (api.auth)

    def zone_name(self, request) -> str | None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not user.hub_id:
            return None
        session = getattr(request, "session", None)
        cached = session.get(self.SESSION_KEY) if session is not None else None
        if cached and cached[0] == user.hub_id:
            return cached[1]
        name = user.hub.zone.key
        if session is not None and session.modified:
            session[self.SESSION_KEY] = [user.hub_id, name]
        return name


FORM_TYPES = {"application/x-www-form-urlencoded", "multipart/form-data"}
UNDECODABLE_MESSAGE = _(
    "The form holds characters that are not valid text (UTF-8): nothing was saved. Type the text again, or "
    "copy it from another application."
)


class UndecodableInput(BadRequest):
    """Form data that is not valid UTF-8."""


def undecodable(data: QueryDict) -> bool:
    """Whether Django decoded `data` with replacement characters: it keeps "\ufffd" in place of each byte
    that is not UTF-8, which a view would then save as "�"."""
    return any("\ufffd" in key or any("\ufffd" in value for value in values) for key, values in data.lists())


class UndecodableFormMiddleware:
    """After the locale middleware: a page's form whose text is not valid UTF-8 is refused with a 400 in the
    person's language before any view saves it. The API's parsers (api.parsers) refuse such bodies alike."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            request.method in {"POST", "PUT", "PATCH"}
            and request.content_type in FORM_TYPES
            and not request.path.startswith("/api/")
            and undecodable(request.POST)
        ):
            raise UndecodableInput(UNDECODABLE_MESSAGE)
        return self.get_response(request)
