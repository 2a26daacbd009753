"""The referents' mobile pages under /m/. The visit form is an app shell that works offline: its script
keeps each visit in the phone's outbox (IndexedDB) and sends it to the API when the network allows."""

import functools
import hashlib
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, JsonResponse
from django.middleware.http import ConditionalGetMiddleware
from django.shortcuts import redirect, render
from django.template.loader import get_template
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.decorators import decorator_from_middleware
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_POST

from cases import services as case_services
from cases.forms import NoteForm, TransitionForm
from cases.models import MOVE_LABELS, OPEN_STATUSES, CaseNote, CaseStatus
from cases.selectors import (
    case_notes_visible_to,
    case_shares,
    cases_visible_to,
    moves_offered,
    overdue_condition,
    plain_moves,
)
from hub.classifications import TechnologyDomain
from hub.followups.forms import BASELINE_FIELDS, FollowUpRecordForm
from hub.followups.selectors import DUE_SOON_DAYS, followups_due_for_referent, followups_visible_to
from hub.library.formatting import render as render_body
from hub.library.forms import ShareForm
from hub.library.selectors import sheets_found, sheets_latest, sheets_shared_in_cases_of, sheets_visible_to
from hub.models import FollowUp
from hub.permissions import Action, access, require
from visits.models import Purpose, VisitPhoto
from visits.selectors import FIELD_FOLLOWUPS, field_day, field_directory, field_followups, visits_visible_to
from visits.services import MAX_NEEDS_PER_VISIT, MAX_PHOTOS_PER_VISIT

HOME_CASES = 20
"""How many overdue cases and other open cases the home page lists each: a referent far behind still gets a
page that loads on a weak signal (the copy of the day keeps more for offline reading)."""


@require(Action.LOG_VISITS)
def mobile_home(request):
    today = timezone.localdate()
    my_cases = cases_visible_to(user=request.user).filter(assigned_to=request.user, status__in=OPEN_STATUSES)
    overdue = my_cases.filter(overdue_condition(today=today))
    context = {
        "today": today,
        "overdue_count": overdue.count(),
        "overdue_cases": overdue.order_by("resolve_due")[:HOME_CASES],
        "open_cases": my_cases.exclude(overdue_condition(today=today)).order_by("resolve_due")[:HOME_CASES],
        "due_followups": followups_due_for_referent(user=request.user, today=today)[:FIELD_FOLLOWUPS],
        "due_soon_days": DUE_SOON_DAYS,
        "next_steps": visits_visible_to(user=request.user)
        .filter(referent=request.user, follow_up_date__gte=today)
        .order_by("follow_up_date")[:10],
        "recent_visits": visits_visible_to(user=request.user).filter(referent=request.user)[:5],
        "app": app_config(request, followups=True, day=True),
    }
    return render(request, "visits/mobile_home.html", context)


def _followups_prefix() -> str:
    """/m/followups/: a follow-up's form is the prefix and its id."""
    return reverse("visits:followup", args=[0]).removesuffix("0/")


def app_config(
    request, *, visit_form: bool = False, followups: bool = False, day: bool = False, sheets: bool = False
) -> dict:
    """What the mobile script needs, read from the page (no inline script): URLs, the signed-in referent
    and the messages it shows, in the page's language: the outbox's on every page; with `visit_form`, the
    visit form's; with `followups`, what followup.js needs (the home page and a follow-up's form); with
    `day`, what day.js needs (the home page and a case's page); with `sheets`, what sheets.js needs (the
    library's pages). Each page gets only its own, to keep its first load light."""
    config = {
        "user": request.user.pk,
        "rendered": int(timezone.now().timestamp() * 1000),
        "visits": reverse("visit-list"),
        "worker": reverse("visits:service-worker"),
        "home": reverse("visits:mobile-home"),
        "followups": _followups_prefix(),
        "kinds": dict(FollowUp.Kind.choices),
        "text": {
            "waiting": _("Waiting to be sent"),
            "sending": _("Sending…"),
            "sent": _("Sent"),
            "refused": _("Refused"),
            "offline": _("No network: it will be sent when the connection returns."),
            "signIn": _("Sign in again to send it."),
            "server": _("The server did not answer: it will be sent again."),
            "conflict": _("Another record is already stored under this identifier: keep this copy or discard it."),
            "correct": _("Correct"),
            "retry": _("Send again"),
            "discard": _("Discard"),
            "confirmDiscard": _("Discard this record for good? It was not saved on the server."),
            "discardCopy": _("Discard this copy? The record stored under its identifier stays on the server."),
            "discardPhotos": _("The visit is stored on the server: discard its photos not sent yet?"),
            "dropDraft": _("Discard this draft, photos included?"),
            "toSend": _("%(count)s to send"),
            "clock": _(
                "The phone's clock says %(phone)s but the server's says %(server)s: set the phone's date and time."
            ),
            "confirmLogout": _(
                "Some records are not sent yet. They stay on this phone, but only you can send them. Sign out anyway?"
            ),
            "signOutFailed": _("Could not sign out (no network?): try again once connected. The app works meanwhile."),
            "due": _("due %(date)s"),
            "held": _("Waits for the earlier change to this case."),
        },
    }
    if visit_form:
        config["directory"] = reverse("visits:directory")
        config["enterprises"] = reverse("enterprise-list")
        config["maxPhotos"] = MAX_PHOTOS_PER_VISIT
        config["text"].update(
            saved=_("Visit saved on the phone."),
            sentNow=_("Sent to the server."),
            draftBack=_("Draft of this visit, kept on the phone."),
            noMatch=_("No enterprise of the directory matches."),
            noMatchOffline=_("No enterprise kept on this phone matches. Online, the whole hub is searched."),
            locating=_("Looking for your position…"),
            located=_("Position recorded, within %(metres)s m."),
            noPosition=_("Position not available (%(reason)s): the visit will be saved without it."),
            photos=_("%(count)s photo(s) ready."),
            tooManyPhotos=_("At most %(count)s photos per visit."),
            noCase=_("No open case of yours for this enterprise."),
            pickEnterprise=_("Choose the enterprise in the list."),
            tooManyWomen=_("Women reached cannot outnumber the people reached."),
        )
    if day:
        config["day"] = reverse("visits:day")
        config["actions"] = reverse("case-actions", args=[0])
        config["transitions"] = _offline_moves(request.user)
        config["text"].update(
            refreshed=_("Copy of your day on this phone: %(time)s"),
            notKept=_("This case is not among those kept on this phone: open it once online to read it offline."),
            onPhoneAction=_("Saved on the phone: it will be sent in order."),
            pending=_("Waiting to be sent"),
            confirm=_("Confirm: %(label)s"),
            summary=_("Resolution summary"),
            note=_("Note"),
            internal=str(CaseNote.Visibility.INTERNAL.label),
            sme=str(CaseNote.Visibility.SME.label),
            asNote=_("Keep as a note"),
        )
    if sheets:
        config["sheetsRoom"] = SHEETS_ROOM_BYTES
        config["text"].update(
            kept=_("Kept on this phone"),
            remove=_("Remove from the phone"),
            room=_("%(used)s MB of the %(room)s MB kept for sheets"),
            noRoom=_("The %(room)s MB kept for sheets are full: remove a sheet from the phone first."),
        )
    if followups:
        config["collect"] = reverse("followup-collect", args=[0])
        config["followupsCopy"] = reverse("visits:followups-copy")
        config["text"].update(
            followupSaved=_("Follow-up saved on the phone: it will be sent with the visits."),
            followupUnknown=_(
                "This follow-up is not among those kept on this phone: open it once online to record it offline."
            ),
            onPhone=_("Recorded on this phone, waiting to be sent"),
        )
    return config


def _offline_moves(user) -> dict[str, list[list[str]]]:
    """The plain moves `user`'s role may make from each status, with their labels, as the phone offers them
    offline: referring to a partner needs the hub's list of partners, so it stays online."""
    moves = {
        status: [
            [after, str(MOVE_LABELS[status, after])]
            for after in plain_moves(status=status, role=user.role)
            if after != CaseStatus.REFERRED
        ]
        for status in CaseStatus.values
    }
    return {status: offered for status, offered in moves.items() if offered}


@never_cache
@require(Action.LOG_VISITS)
def visit_new(request):
    """The visit form. Nothing on it depends on the request beyond the user, so the service worker can
    serve it offline; the script fills the enterprise list and the client UUID."""
    context = {
        "purposes": Purpose.choices,
        "domains": TechnologyDomain.choices,
        "max_needs": MAX_NEEDS_PER_VISIT,
        "app": app_config(request, visit_form=True),
    }
    return render(request, "visits/visit_form.html", context)


def phone_copy(view):
    """A copy of the referent's data that the phone keeps: revalidated on every load by its ETag, so that an
    unchanged copy costs a `304` and no body."""
    revalidated = cache_control(private=True, no_cache=True)(decorator_from_middleware(ConditionalGetMiddleware)(view))
    return require(Action.LOG_VISITS)(revalidated)


@phone_copy
def directory(request):
    return JsonResponse(field_directory(user=request.user))


@phone_copy
def followups_copy(request):
    return JsonResponse(field_followups(user=request.user))


@phone_copy
def day_copy(request):
    """The copy of the referent's day (visits.selectors.field_day), asked by the phone once a page has
    loaded, so that it weighs nothing on the first load."""
    return JsonResponse(field_day(user=request.user), json_dumps_params={"ensure_ascii": False})


SHELL_STATIC = [
    "hub/site.css",
    "visits/mobile.js",
    "visits/visit_form.js",
    "visits/followup.js",
    "visits/day.js",
    "visits/sheets.js",
]


@functools.cache
def _shell_version() -> str:
    """Changes whenever a static file of the shell or the service worker itself changes, so that phones
    drop the old copies (a new worker may cache less than the old one did)."""
    digest = hashlib.sha256()
    for path in [*map(finders.find, SHELL_STATIC), get_template("visits/sw.js").origin.name]:
        digest.update(Path(path).read_bytes())
    return digest.hexdigest()[:12]


def service_worker(request):
    """Served from /m/ so that its scope is the mobile app; never cached by HTTP, so a new version
    reaches the phones on their next visit."""
    context = {
        "version": _shell_version(),
        "shell": [
            reverse("visits:mobile-home"),
            reverse("visits:visit-new"),
            reverse("visits:followup-shell"),
            reverse("visits:case-shell"),
            reverse("visits:sheets"),
            *map(static, SHELL_STATIC),
        ],
        "static_prefix": settings.STATIC_URL,
        "scope": reverse("visits:mobile-home"),
        "photos": reverse("visits:mobile-home") + "photos/",
        "copies": [reverse("visits:directory"), reverse("visits:followups-copy"), reverse("visits:day")],
        "shells": [
            (_followups_prefix(), reverse("visits:followup-shell"), False),
            (reverse("visits:case", args=[0]).removesuffix("0/"), reverse("visits:case-shell"), True),
        ],
    }
    response = render(request, "visits/sw.js", context, content_type="text/javascript")
    response["Cache-Control"] = "no-cache"
    return response


APP_COLOURS = {"theme_color": "#0b5d3b", "background_color": "#f6f7f8"}
"""hub/site.css's --brand (the bar) and --bg (the page)."""


@cache_control(no_cache=True)
def manifest(request):
    """The web app manifest, so that a referent adds the app to the phone's home screen and it opens full
    screen at /m/, offline too (the service worker caches /m/). Open to anyone, as a browser may ask for it
    without the session; its language is the page's (the link sends the cookies)."""
    home = reverse("visits:mobile-home")
    icon = functools.partial(dict, type="image/png")
    data = {
        "id": home,
        "name": _("HUB IIT"),
        "short_name": _("HUB IIT"),
        "lang": get_language(),
        "start_url": home,
        "scope": home,
        "display": "standalone",
        **APP_COLOURS,
        "icons": [
            icon(src=static("visits/icons/icon-192.png"), sizes="192x192"),
            icon(src=static("visits/icons/icon-512.png"), sizes="512x512"),
            icon(src=static("visits/icons/maskable-512.png"), sizes="512x512", purpose="maskable"),
        ],
    }
    response = JsonResponse(data, content_type="application/manifest+json", json_dumps_params={"ensure_ascii": False})
    patch_vary_headers(response, ["Cookie", "Accept-Language"])
    return response


@never_cache
@require(Action.LOG_VISITS)
def followup_form(request, pk: int | None = None):
    """A follow-up's form. Online it names the follow-up; offline the service worker serves the shell (no
    `pk`) for any follow-up, and the script names it from the directory copy. The script keeps the answers
    in the outbox and sends them to the API's collect endpoint."""
    followup = access(followups_visible_to(user=request.user), pk=pk) if pk is not None else None
    context = {
        "followup": followup,
        "form": FollowUpRecordForm(auto_id="id_%s"),
        "baseline_fields": BASELINE_FIELDS,
        "app": app_config(request, followups=True),
    }
    return render(request, "visits/mobile_followup.html", context)


SHEETS_LISTED = 10
"""How many sheets each list of the phone's library shows."""
SHEET_PAGE_BYTES = 20_000
"""What a sheet's page takes in the phone's cache, about: its text is a few kilobytes, the rest is headers."""
SHEETS_ROOM_BYTES = 25_000_000
"""The room the phone gives the sheets kept offline, pictures included: a small part of what Chrome lets a
site keep on a phone of 16 GB, so that the outbox never runs short."""


@require(Action.LOG_VISITS)
def sheet_list(request):
    """The library's search, the sheets shared in the referent's cases and the latest published, and the
    sheets kept on this phone (listed by the script, from its storage)."""
    query = request.GET.get("q", "").strip()[:200]
    found = sheets_found(user=request.user, query=query, domain=request.GET.get("domain", "")) if query else None
    context = {
        "q": query,
        "found": found[:30] if found is not None else None,
        "shared": sheets_shared_in_cases_of(user=request.user)[:SHEETS_LISTED],
        "latest": sheets_latest(user=request.user)[:SHEETS_LISTED],
        "app": app_config(request, sheets=True),
    }
    return render(request, "visits/mobile_sheets.html", context)


@require(Action.LOG_VISITS)
def sheet_detail(request, pk: int):
    """The sheet with its pictures, which the phone keeps with it for offline reading."""
    sheet = access(sheets_visible_to(user=request.user), pk=pk)
    pictures = list(sheet.attachments.filter(content_type__startswith="image/"))
    context = {
        "sheet": sheet,
        "body": render_body(sheet.body),
        "partners": sheet.partners.all(),
        "pictures": pictures,
        "offline_bytes": SHEET_PAGE_BYTES + sum(picture.size for picture in pictures),
        "app": app_config(request, sheets=True),
    }
    return render(request, "visits/mobile_sheet.html", context)


@never_cache
@require(Action.LOG_VISITS)
def case_shell(request):
    """A case's page with nothing in it: offline, the service worker serves it for any case, and day.js
    fills it from the copy of the referent's day."""
    context = {"case": None, "note_form": _note_form(), "app": app_config(request, day=True)}
    return render(request, "visits/mobile_case.html", context)


def _note_form() -> NoteForm:
    return NoteForm(initial={"visibility": CaseNote.Visibility.INTERNAL})


@require(Action.LOG_VISITS)
def case_detail(request, pk: int):
    """Its notes and moves go through the phone's outbox (day.js); without script, the forms post to
    `case_action`."""
    case = access(cases_visible_to(user=request.user).select_related("hub"), pk=pk)
    moves = moves_offered(case=case, user=request.user) if case.assigned_to_id == request.user.pk else []
    context = {
        "case": case,
        "notes": case_notes_visible_to(user=request.user, case=case).select_related("author").order_by("-created_at"),
        "moves": [
            (move, MOVE_LABELS[case.status, move], TransitionForm(moves=moves, hub=case.hub, auto_id=f"{move}-%s"))
            for move in moves
        ],
        "note_form": _note_form(),
        "share_form": ShareForm(hub_id=case.hub_id, domain=case.domain),
        "shares": case_shares(case=case),
        "app": app_config(request, day=True),
    }
    return render(request, "visits/mobile_case.html", context)


@never_cache
@require(Action.LOG_VISITS)
def visit_detail(request, pk: int):
    """One of the referent's own visits, as it was stored, with the cases it worked on that they can open."""
    visit = access(
        visits_visible_to(user=request.user).filter(referent=request.user).select_related("enterprise__region"),
        pk=pk,
    )
    cases = visit.cases.order_by("reference")
    context = {
        "visit": visit,
        "photos": visit.photos.order_by("uploaded_at", "pk"),
        "cases": cases,
        "openable": set(cases_visible_to(user=request.user).filter(pk__in=cases).values_list("pk", flat=True)),
        "app": app_config(request),
    }
    return render(request, "visits/mobile_visit.html", context)


@require_POST
@require(Action.LOG_VISITS)
def case_action(request, pk: int, action: str):
    """A note or a move from the phone, through the case services; a refused change is explained."""
    case = access(cases_visible_to(user=request.user).select_related("hub"), pk=pk)
    version = request.POST.get("version", "")
    expected_version = int(version) if version.isdigit() else None
    if action == "note":
        form = NoteForm(request.POST)
    elif action == "share":
        form = ShareForm(request.POST, hub_id=case.hub_id)
    elif action == "transition":
        form = TransitionForm(request.POST, moves=moves_offered(case=case, user=request.user), hub=case.hub)
    else:
        raise PermissionDenied
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return redirect("visits:case", pk=case.pk)
    try:
        if action == "note":
            case_services.case_add_note(case=case, by=request.user, **form.cleaned_data)
            messages.success(request, _("The note is saved."))
        elif action == "share":
            case_services.case_share(case=case, by=request.user, **form.cleaned_data)
            messages.success(request, _("Shared with the enterprise: it sees it with its request."))
        else:
            case_services.case_transition(
                case=case, by=request.user, expected_version=expected_version, **form.cleaned_data
            )
            messages.success(
                request,
                _("The case is now “%(status)s”.") % {"status": CaseStatus(form.cleaned_data["to_status"]).label},
            )
    except case_services.CaseChanged:
        messages.error(request, _("This case was changed by someone else in the meantime: check it and try again."))
    except ValidationError as error:
        for field_errors in error.message_dict.values():
            messages.error(request, " ".join(field_errors))
    except PermissionDenied as error:
        messages.error(request, str(error) or _("You cannot make this change."))
    return redirect("visits:case", pk=case.pk)


@login_required
def photo(request, token):
    """Photos are never public files: each is served after the same visibility check as its visit."""
    visible = VisitPhoto.objects.filter(visit__in=visits_visible_to(user=request.user))
    found = access(visible, token=token)
    response = FileResponse(found.image.open("rb"), content_type="image/jpeg")
    response["Content-Disposition"] = f'inline; filename="{found.token}.jpg"'
    response["Cache-Control"] = "private, max-age=86400"
    return response
