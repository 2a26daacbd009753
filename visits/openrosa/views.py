"""The OpenRosa 1.0 endpoints that ODK Collect and Enketo use (the form list, the form and its manifest and
media file, the submission), and the referent's page that makes the QR code configuring ODK Collect.

Each OpenRosa view answers under /openrosa/ (Basic offered first: the password), under /openrosa/app/ (Digest
offered first: the user name and the referent's key) and under /openrosa/key/<key>/ with the key in the
address; the URLs it gives (download, manifest, media) keep the way it was reached. Every
answer carries X-OpenRosa-Version, whether or not the request sent it (Enketo does not); the Date header the
specification asks for is the server's (gunicorn sets it on every answer, so the view does not: twice would be
wrong)."""

import functools

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import require_http_methods

from api.serializers.visits import VisitSerializer
from hub.permissions import Action, require
from hub.uploads import StorageFailure
from visits.openrosa import documents
from visits.openrosa.auth import Refused, challenge, openrosa_user
from visits.openrosa.form import ENTERPRISES_FILE, FORM_ID, label_of, visit_xform
from visits.openrosa.qr import collect_settings, settings_payload, settings_qr_svg
from visits.openrosa.selectors import enterprises_choice_list, field_app_token_in_use
from visits.openrosa.services import field_app_token_issue, field_app_token_revoke, openrosa_visit_submit
from visits.openrosa.submission import Unreadable, read_submission
from visits.services import MAX_PHOTO_BYTES, VisitConflict
from visits.views import app_config

XML = "text/xml; charset=utf-8"
ACCEPT_CONTENT_LENGTH = MAX_PHOTO_BYTES
"""What one POST of a submission should weigh at most: ODK Collect splits a bigger one into several, each
with the instance and some of its photos (the proxy takes 12 MB: docs/deploy/nginx-hub-iit.conf)."""
MAX_INSTANCE_BYTES = 1024 * 1024
"""A visit's instance XML weighs a few kilobytes; its longest texts, some tens."""


def message(text: str, *, status: int) -> HttpResponse:
    nature = "submit_success" if status in (201, 202) else "error"
    return HttpResponse(documents.response(text, nature=nature), content_type=XML, status=status)


def openrosa(*methods: str, submission: bool = False):
    """An OpenRosa view: no CSRF token (no cookie authenticates it), the referent found by `openrosa_user`
    and made `request.user`, in their language and their hub's time zone, and the protocol's headers on every
    answer; with `submission`, X-OpenRosa-Accept-Content-Length too."""

    def decorator(view):
        @csrf_exempt
        @functools.wraps(view)
        def wrapped(request, key: str | None = None, **kwargs):
            try:
                if request.method not in methods:
                    response = message(_("This address does not take this method."), status=405)
                    response["Allow"] = ", ".join(methods)
                else:
                    request.user = openrosa_user(request, key=key)
                    translation.activate(request.user.language)
                    if request.user.hub_id:
                        timezone.activate(request.user.hub.zone)
                    response = view(request, key=key, **kwargs)
            except Refused as refusal:
                response = message(refusal.message, status=refusal.status)
                if refusal.challenge:
                    digest_first = "app" in request.resolver_match.namespaces
                    response["WWW-Authenticate"] = challenge(digest_first=digest_first, stale=refusal.stale)
            response["X-OpenRosa-Version"] = "1.0"
            response["Content-Language"] = translation.get_language()
            if submission:
                response["X-OpenRosa-Accept-Content-Length"] = str(ACCEPT_CONTENT_LENGTH)
            return response

        return wrapped

    return decorator


def _url(request, name: str, key: str | None, **kwargs) -> str:
    """The absolute URL of an OpenRosa view, reached the same way as this request (under the same prefix,
    with its key or not)."""
    if key is not None:
        kwargs["key"] = key
    namespace = request.resolver_match.namespace
    return request.build_absolute_uri(reverse(f"{namespace}:{name}", kwargs=kwargs))


def _unknown_form() -> HttpResponse:
    return message(_("This server has no such form."), status=404)


@openrosa("GET", "HEAD")
def form_list(request, key=None):
    """The visit form, its hash and its manifest; `formID` narrows the list, `verbose` adds a description."""
    xform = visit_xform()
    forms = []
    if request.GET.get("formID", FORM_ID) == FORM_ID:
        entry = {"formID": FORM_ID, "name": _("Site visit"), "version": xform.version, "hash": xform.md5}
        if request.GET.get("verbose") == "true":
            entry["descriptionText"] = _("A visit to an enterprise of your hub, as the mobile app records it.")
        entry["downloadUrl"] = _url(request, "form", key, form_id=FORM_ID)
        entry["manifestUrl"] = _url(request, "manifest", key, form_id=FORM_ID)
        forms.append(entry)
    return HttpResponse(documents.form_list(forms), content_type=XML)


@gzip_page
@openrosa("GET", "HEAD")
def form(request, form_id: str, key=None):
    if form_id != FORM_ID:
        return _unknown_form()
    return HttpResponse(visit_xform().xml, content_type=XML)


@openrosa("GET", "HEAD")
def manifest(request, form_id: str, key=None):
    """The choice list of the referent's hub; its hash changes with the hub's directory, and ODK Collect then
    fetches it again."""
    if form_id != FORM_ID:
        return _unknown_form()
    choices = enterprises_choice_list(user=request.user)
    url = _url(request, "media", key, form_id=FORM_ID, filename=ENTERPRISES_FILE)
    return HttpResponse(documents.manifest([(ENTERPRISES_FILE, documents.md5(choices), url)]), content_type=XML)


@gzip_page
@openrosa("GET", "HEAD")
def media(request, form_id: str, filename: str, key=None):
    if form_id != FORM_ID or filename != ENTERPRISES_FILE:
        return message(_("This form has no such file."), status=404)
    return HttpResponse(enterprises_choice_list(user=request.user), content_type="text/csv; charset=utf-8")


def _refused(errors) -> HttpResponse:
    """400 with each message after the label of its question, as the form shows it."""
    return message("\n".join(_error_lines(errors)), status=400)


def _error_lines(errors, place: str = ""):
    """One line per message of a serializer's or a ValidationError's errors; the errors of a repeat's entry
    come keyed by its index, and its place is the repeat's label and the entry's number."""
    if isinstance(errors, dict):
        for name, value in errors.items():
            if isinstance(name, int):
                yield from _error_lines(value, f"{place} {name + 1}")
                continue
            label = label_of(name)
            yield from _error_lines(value, f"{place} – {label}" if place and label else place or label or "")
    else:
        for item in errors:
            yield _("%(field)s: %(message)s") % {"field": capfirst(place), "message": item} if place else str(item)


@openrosa("HEAD", "POST", submission=True)
def submission(request, key=None):
    """HEAD: 204, for ODK Collect to settle the credentials before it sends anything. POST: the instance
    (`xml_submission_file`) and its photos, each a part named after its file; a split submission sends the
    instance again with the rest of the photos, and `*isIncomplete*` on all but the last part, which needs
    nothing special here. 201 when this POST stored something (the visit or a photo), 202 when all of it was
    stored already, 409 when the instanceID is stored with other content."""
    if request.method == "HEAD":
        return HttpResponse(status=204)
    instance = request.FILES.get("xml_submission_file")
    if instance is None:
        return message(_("The submission has no xml_submission_file part: nothing was stored."), status=400)
    if instance.size > MAX_INSTANCE_BYTES:
        return message(_("The request is too large."), status=413)
    try:
        found = read_submission(instance.read())
    except Unreadable as error:
        return message(str(error), status=400)
    photos = [(name, request.FILES[name]) for name in found.photos if name in request.FILES]
    if any(upload.size > MAX_PHOTO_BYTES for _name, upload in photos):
        return message(_("A photo can be at most 10 MB."), status=413)
    serializer = VisitSerializer(data=found.data, context={"request": request})
    if not serializer.is_valid():
        return _refused(serializer.errors)
    try:
        visit, created, added = openrosa_visit_submit(data=serializer.to_input(), photos=photos, by=request.user)
    except VisitConflict as conflict:
        return message(str(conflict), status=409)
    except StorageFailure as failure:
        return message(failure.messages[0], status=503)
    except ValidationError as error:
        return _refused(error.message_dict if hasattr(error, "error_dict") else error.messages)
    except PermissionDenied as error:
        return message(str(error), status=403)
    enterprise = visit.enterprise.name
    if created:
        response = message(_("The visit to %(enterprise)s is recorded.") % {"enterprise": enterprise}, status=201)
    elif added:
        text = ngettext(
            "%(count)d photo added to the visit to %(enterprise)s.",
            "%(count)d photos added to the visit to %(enterprise)s.",
            added,
        ) % {"count": added, "enterprise": enterprise}
        response = message(text, status=201)
    else:
        response = message(_("This visit was already recorded: nothing new was stored."), status=202)
    response["Location"] = request.build_absolute_uri(reverse("visits:visit", args=[visit.pk]))
    return response


@never_cache
@require_http_methods(["GET", "POST"])
@require(Action.LOG_VISITS)
def field_app(request):
    """The referent's ODK Collect page. Making a key shows its QR code in this answer only (never cached,
    never stored in clear): scanning it configures ODK Collect with the /openrosa/app/ address, the user
    name and the key as password (HTTP Digest); the same three are shown to be entered by hand on the phone
    itself. A new key revokes the previous one."""
    key = None
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            if field_app_token_revoke(referent=request.user):
                messages.success(request, _("The key is revoked: ODK Collect can no longer send with it."))
            return redirect("visits:odk")
        key = field_app_token_issue(referent=request.user)
    server = request.build_absolute_uri(reverse("openrosa:form-list")).removesuffix("/formList")
    context = {
        "token": field_app_token_in_use(user=request.user),
        "server": server,
        "app": app_config(request),
    }
    if key is not None:
        app_server = request.build_absolute_uri(reverse("openrosa:app:form-list")).removesuffix("/formList")
        context.update(app_server=app_server, key=key)
        payload = settings_payload(collect_settings(server_url=app_server, user=request.user, password=key))
        context["qr"] = mark_safe(settings_qr_svg(payload))  # noqa: S308 - segno's SVG of our own payload  # nosec B308 B703
    return render(request, "visits/odk.html", context)
