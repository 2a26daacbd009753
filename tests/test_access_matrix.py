"""The access matrix: every route of the URL configuration x every role x a record of the user's own
enterprise, of another enterprise of the same hub and of another hub (tests/access_matrix_data.py).

- A role the route is not for is refused: 403, anonymous visitors sent to the sign-in page (pages) or
  answered 401 (API).
- A role the route is for reads what its scope holds, with the status the table says.
- A record outside the role's scope ("not yours") answers exactly like a record that does not exist:
  the same status and, on the API, the same JSON body. Lists never show a record outside the scope.
- Every route is in `TABLE` (Django admin routes follow one rule, `test_admin_route`): a new route without an entry
  makes `test_every_route_is_in_the_matrix` fail.

A row that shows a real leak or inconsistency is a strict xfail in `FINDINGS`, with its reason; fixing
the application turns it into a failure until the entry is removed.
"""

import datetime
import json
import re
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from urllib.parse import urlencode

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.signals import request_finished
from django.db import close_old_connections, transaction
from django.test import Client
from django.urls import URLResolver, get_resolver, reverse
from django.utils import timezone
from rest_framework.test import APIClient

from cases.models import Channel, Priority
from hub.classifications import TechnologyDomain
from tests.access_matrix_data import MISSING_PK, ROLES, World, build_world, jpeg
from visits.models import Purpose
from visits.openrosa.form import FORM_ID

LOGIN = "login"
"""Anonymous visitors of a page are redirected to the sign-in page."""

# --- who passes the role check of a route ------------------------------------------------------------

AUTHENTICATED = tuple(role for role in ROLES if role != "anonymous")
HUB_STAFF = ("referent", "manager", "admin", "other_manager", "other_referent")
"""VIEW_DIRECTORY, SHARE_LIBRARY, WRITE_LIBRARY, VIEW_VISITS, RECORD_FOLLOWUPS."""
MANAGERS = ("manager", "admin", "other_manager")
"""TRIAGE_CASES, ASSIGN_CASES, MANAGE_DIRECTORY, MANAGE_REFERENTS, VIEW_HUB_REPORTS."""
REPORT_READERS = ("manager", "viewer", "admin", "other_manager")
LIBRARY_READERS = ("sme", *HUB_STAFF)
SME_PORTAL = ("sme",)
"""RATE_CASES: the portal is the enterprise's; administrators are refused."""
FIELD = ("referent", "other_referent")
"""LOG_VISITS: the mobile app is the referents'; administrators are refused."""
RECORD_READERS = ("sme", *HUB_STAFF)
"""Record endpoints of the API that leave the rest to the record scope; regional viewers are refused."""


def of(roles, status: int) -> dict[str, int]:
    return dict.fromkeys(roles, status)


# --- which targets each role reaches ---------------------------------------------------------------------

HUB1 = frozenset({"own", "other_ent", "internal", "draft", "archived_own", "archived_other"})
HUB2 = frozenset({"other_hub"})
STAFF = MappingProxyType(
    {"admin": HUB1 | HUB2, "manager": HUB1, "referent": HUB1, "other_manager": HUB2, "other_referent": HUB2}
)
"""Hub staff read the records of their hub, administrators every hub's; SME users and viewers none."""
RECORDS = MappingProxyType({**STAFF, "sme": frozenset({"own"})})
"""... and SME users their own enterprise's."""
PORTAL_FILES = MappingProxyType({"sme": frozenset({"own"})})
"""The portal serves the files of a case that are shared with the SME."""
PORTAL_SHEETS = MappingProxyType({**STAFF, "sme": frozenset({"own", "archived_own"})})
"""SME users read their hub's published sheets and the sheets shared in their cases, archived ones too."""
HUBS = MappingProxyType(
    {
        **{role: frozenset({"own"}) for role in ("sme", "referent", "manager")},
        **dict.fromkeys(("other_manager", "other_referent"), HUB2),
        "admin": frozenset({"own", "other_hub"}),
        "viewer": frozenset({"own", "other_hub"}),
    }
)
REPORT_HUBS = MappingProxyType(
    {"manager": frozenset({"own"}), "other_manager": HUB2, "admin": HUBS["admin"], "viewer": HUBS["viewer"]}
)
EXPORT_JOBS = MappingProxyType({"manager": frozenset({"own"}), "other_manager": HUB2, "admin": HUBS["admin"]})
"""A job of one hub: its requester's, its managers' and the administrators'."""
REFERENT_FIGURES = MappingProxyType({"manager": frozenset({"own"}), "other_manager": HUB2, "admin": HUBS["admin"]})
"""Figures per referent, and per enterprise, are for hub staff only."""

CASES = ("own", "other_ent", "other_hub")
ENTERPRISES = CASES
VISITS = CASES
FOLLOWUPS = CASES
BATCHES = ("own", "other_hub")
CASE_FILES = (*CASES, "internal", "mixed")
SHEETS = ("own", "draft", "archived_own", "archived_other", "other_hub")
SHEET_FILES = (*SHEETS, "mixed")
PARTNERS = ("own", "other_hub")
HUB_TARGETS = ("own", "other_hub")
REFERENTS = ("own", "other_hub")
HOLIDAYS = ("own", "other_hub")


# --- URLs ------------------------------------------------------------------------------------------------

Kwargs = Callable[[World, str], dict]


def pk_of(kind: str, key: str = "pk", **extra) -> Kwargs:
    return lambda w, target: {key: w.pk(kind, target), **extra}


def file_of(kind: str) -> Kwargs:
    """The record's pk and its file's token (`pk` and `token` in every file route)."""

    def kwargs(w, target):
        pk, file_token = w.file(kind, target)
        return {"pk": pk, "token": file_token}

    return kwargs


def fixed(**kwargs) -> Kwargs:
    return lambda w, target: dict(kwargs)


NO_KWARGS = fixed()


def hub_query(w: World, target: str) -> dict:
    return {"hub": w.hub_code(target)}


def code_of_hub(w: World, target: str) -> dict:
    return {"code": w.hub_code(target)}


def referent_query(w: World, target: str) -> dict:
    return {"referent": w.pk("referent_user", target)}


@dataclass(frozen=True)
class Check:
    """One request of the matrix, made by every role to every target."""

    name: str
    """URL name to reverse."""
    allowed: Mapping[str, int | Mapping[str, int]]
    """Roles that pass the route's role check -> status answered on a target they reach (by `scope`), or
    target -> status for the targets they reach."""
    kwargs: Kwargs = NO_KWARGS
    query: Callable[[World, str], dict] | None = None
    scope: Mapping[str, frozenset] | None = None
    """Role -> targets it reaches; None: a route without records."""
    targets: tuple[str, ...] = ()
    """The targets asked for, besides "missing"; () for a route without records."""
    method: str = "get"
    api: bool = False
    refused: Mapping[str, int | str] = field(default_factory=dict)
    """Status for roles refused otherwise than by the default (403, LOGIN or 401 for anonymous)."""
    missing: int | None = 404
    """Status of "missing" for allowed roles; None when it depends on the role (filters of reports)."""
    data: Callable[[World, str | None], dict] | None = None
    """Body of the request for a target (made anew each time, files included); an empty one by default."""
    multipart: bool = False
    compare: Callable[[object], object] = lambda body: body
    """What of the JSON body "not yours" and "missing" must have in common."""
    lists: tuple[tuple[str, Mapping[str, frozenset]], ...] = ()
    """(marker kind, scope): the response never contains the marker of a record outside the scope."""
    fmt: str | None = None
    label: str = ""

    def url(self, w: World, target: str | None) -> str:
        kwargs = self.kwargs(w, target)
        if self.fmt:
            kwargs["format"] = self.fmt
        url = reverse(self.name, kwargs=kwargs)
        if self.query is not None:
            url += "?" + urlencode(self.query(w, target))
        return url

    @property
    def ident(self) -> str:
        return "-".join(filter(None, [self.name, self.label, self.fmt, self.method]))


def api(name: str, allowed, kwargs: Kwargs = NO_KWARGS, **options) -> Check:
    return Check(name, allowed, kwargs, api=True, **options)


def with_suffix(*checks: Check) -> tuple[Check, ...]:
    """The same checks on the route's `.json` format-suffix twin."""
    return tuple(replace(check, fmt="json") for check in checks)


def photo_upload(w: World, target: str) -> dict:
    return {"image": jpeg(), "caption": "Matrice"}


def masked(body) -> str:
    """A JSON body with its numbers masked: a refusal that names the id asked for names it in both answers."""
    return re.sub(r"\d+", "#", json.dumps(body, sort_keys=True))


def enterprise_query(w: World, target: str) -> dict:
    return {"enterprise": w.pk("enterprise", target)}


def new_case(w: World, target: str) -> dict:
    return {
        "enterprise": w.pk("enterprise", target),
        "channel": Channel.PHONE.value,
        "domain": TechnologyDomain.AGRO_PROCESSING.value,
        "priority": Priority.NORMAL.value,
        "title": "Demande de la matrice",
        "description": "Une demande faite pour la matrice d'accès.",
    }


def new_visit(w: World, target: str) -> dict:
    return {
        "client_uuid": str(uuid.uuid4()),
        "enterprise": w.pk("enterprise", target),
        "started_at": (timezone.now() - datetime.timedelta(hours=2)).isoformat(),
        "duration_minutes": 45,
        "purpose": Purpose.DIAGNOSTIC.value,
        "observations": "Visite de la matrice",
        "people_reached_total": 2,
        "people_reached_women": 1,
    }


def baseline_answers(w: World, target: str) -> dict:
    return {"collected_on": timezone.localdate().isoformat(), "employees_total": 6, "turnover_xof": 12_000_000}


def followup_referent(w: World, target: str) -> dict:
    return {"referent": w.users["other_referent" if target == "other_hub" else "referent"].pk}


def shared_sheet(w: World, target: str) -> dict:
    return {"sheet": w.pk("sheet", target)}


# --- the matrix --------------------------------------------------------------------------------------------

ALL = of(ROLES, 200)
ANY_USER = of(AUTHENTICATED, 200)
READERS = of(RECORD_READERS, 200)
STAFF_LISTS = (("case", STAFF), ("enterprise", STAFF), ("visit", STAFF), ("referent", STAFF))
PORTAL_LISTS = (("case", RECORDS), ("enterprise", RECORDS), ("visit", RECORDS))

PAGES: dict[str, tuple[Check, ...]] = {
    # signing in and out, language
    "": (Check("home", of(AUTHENTICATED, 302)),),
    "favicon.ico": (Check("favicon", of(ROLES, 302)),),
    "healthz": (Check("healthz", ALL),),
    "readyz": (Check("readyz", ALL),),
    "login/": (Check("login", {"anonymous": 200, **of(AUTHENTICATED, 302)}),),
    "logout/": (Check("logout", of(ROLES, 302), method="post"),),
    "i18n/setlang/": (Check("set_language", of(ROLES, 302), method="post"),),
    "accounts/signup/": (Check("accounts:signup", {"anonymous": 200, **of(AUTHENTICATED, 302)}),),
    "accounts/signup/confirm/": (Check("accounts:signup-confirm", of(ROLES, 302)),),
    "accounts/invitation/<str:token>/": (
        Check("accounts:accept-invitation", of(ROLES, 410), fixed(token="not-a-token"), label="forged"),
    ),
    "accounts/password-reset/": (Check("accounts:password-reset", ALL),),
    "accounts/password-reset/sent/": (Check("accounts:password-reset-sent", ALL),),
    "accounts/password-reset/done/": (Check("accounts:password-reset-done", ALL),),
    "accounts/password-reset/<uidb64>/<token>/": (
        Check("accounts:password-reset-confirm", ALL, fixed(uidb64="MQ", token="forged-token"), label="forged"),
    ),
    "accounts/invite/<int:enterprise_pk>/": (
        Check(
            "accounts:invite",
            of(MANAGERS, 200),
            pk_of("enterprise", "enterprise_pk"),
            scope=STAFF,
            targets=ENTERPRISES,
        ),
    ),
    # managers' pages
    "manage/": (
        Check(
            "manage-home",
            of(REPORT_READERS, 200),
            refused=of(("sme", "referent", "other_referent"), 302),
            lists=STAFF_LISTS,
        ),
    ),
    "manage/cases/": (Check("manage-cases:list", of(MANAGERS, 200), lists=STAFF_LISTS),),
    "manage/cases/new/": (Check("manage-cases:register", of(MANAGERS, 200), lists=STAFF_LISTS),),
    "manage/cases/<int:pk>/": (
        Check("manage-cases:detail", of(MANAGERS, 200), pk_of("case"), scope=STAFF, targets=CASES),
    ),
    "manage/cases/<int:pk>/attachments/<uuid:token>/": (
        Check("manage-cases:attachment", of(MANAGERS, 200), file_of("case"), scope=STAFF, targets=CASE_FILES),
    ),
    "manage/cases/<int:pk>/<slug:action>/": (
        Check(
            "manage-cases:action",
            of(MANAGERS, 302),
            pk_of("case", action="note"),
            scope=STAFF,
            targets=CASES,
            method="post",
            label="note",
        ),
    ),
    "manage/enterprises/": (Check("directory:enterprise-list", of(HUB_STAFF, 200), lists=STAFF_LISTS),),
    "manage/enterprises/new/": (Check("directory:enterprise-new", of(MANAGERS, 200)),),
    "manage/enterprises/<int:pk>/": (
        # The enterprise's page is also where its history is shown (to those who may read it).
        Check(
            "directory:enterprise-detail",
            of(HUB_STAFF, 200),
            pk_of("enterprise"),
            scope=STAFF,
            targets=ENTERPRISES,
        ),
    ),
    "manage/enterprises/<int:pk>/edit/": (
        Check("directory:enterprise-edit", of(MANAGERS, 200), pk_of("enterprise"), scope=STAFF, targets=ENTERPRISES),
    ),
    "manage/enterprises/<int:pk>/export/": (
        Check("directory:enterprise-export", of(MANAGERS, 200), pk_of("enterprise"), scope=STAFF, targets=ENTERPRISES),
    ),
    "manage/enterprises/<int:pk>/anonymise/": (
        Check(
            "directory:enterprise-anonymise", of(MANAGERS, 200), pk_of("enterprise"), scope=STAFF, targets=ENTERPRISES
        ),
    ),
    "manage/referents/": (Check("directory:referent-list", of(MANAGERS, 200), lists=STAFF_LISTS),),
    "manage/followups/": (
        Check("followups:list", of(MANAGERS, 200), lists=STAFF_LISTS),
        Check(
            "followups:list",
            of(MANAGERS, 200),
            query=enterprise_query,
            scope=STAFF,
            targets=FOLLOWUPS,
            missing=200,
            lists=STAFF_LISTS,
            label="filter",
        ),
    ),
    "manage/followups/assign/": (
        # Managers tick follow-ups of the list; another hub's is refused like a missing one (back to the list).
        Check(
            "followups:assign-many",
            of(MANAGERS, 302),
            scope=STAFF,
            targets=FOLLOWUPS,
            method="post",
            data=lambda w, target: {"followups": [w.pk("followup", target)], **followup_referent(w, target)},
            missing=302,
        ),
    ),
    "manage/followups/<int:pk>/": (
        Check("followups:detail", of(HUB_STAFF, 200), pk_of("followup"), scope=STAFF, targets=FOLLOWUPS),
    ),
    "manage/followups/<int:pk>/<slug:action>/": (
        # Hub staff record a follow-up from its page; only managers assign one.
        Check(
            "followups:action",
            of(HUB_STAFF, 302),
            pk_of("followup", action="record"),
            scope=STAFF,
            targets=FOLLOWUPS,
            method="post",
            data=baseline_answers,
            label="record",
        ),
        Check(
            "followups:action",
            of(MANAGERS, 302),
            pk_of("followup", action="assign"),
            scope=STAFF,
            targets=FOLLOWUPS,
            method="post",
            data=followup_referent,
            label="assign",
        ),
    ),
    "manage/visits/<int:pk>/": (
        Check("manage-visits:detail", of(HUB_STAFF, 200), pk_of("visit"), scope=STAFF, targets=VISITS),
    ),
    "manage/referents/<int:pk>/": (
        Check(
            "directory:referent-detail",
            of(MANAGERS, 200),
            pk_of("referent_user"),
            scope=STAFF,
            targets=("own", "other_hub", "not_referent"),
        ),
    ),
    # the staff of each hub, managed by its managers and by administrators (who also manage regional viewers); a
    # person is asked for by their user id, the first hub's referent and the second hub's
    "manage/staff/": (Check("staff:list", of(MANAGERS, 200), lists=(("referent", STAFF),)),),
    "manage/staff/new/": (Check("staff:new", of(MANAGERS, 200)),),
    "manage/staff/viewers/new/": (Check("staff:viewer-new", {"admin": 200}),),
    "manage/staff/<int:pk>/": (
        Check("staff:person", of(MANAGERS, 200), pk_of("referent"), scope=STAFF, targets=REFERENTS),
    ),
    "manage/staff/<int:pk>/invite/": (
        # The referents of the world have a password: the invitation is refused with a message.
        Check("staff:invite", of(MANAGERS, 302), pk_of("referent"), scope=STAFF, targets=REFERENTS, method="post"),
    ),
    "manage/staff/<int:pk>/deactivate/": (
        Check("staff:deactivate", of(MANAGERS, 200), pk_of("referent"), scope=STAFF, targets=REFERENTS),
        Check("staff:deactivate", of(MANAGERS, 200), pk_of("referent"), scope=STAFF, targets=REFERENTS, method="post"),
    ),
    "manage/staff/<int:pk>/reactivate/": (
        # The referents of the world are active: reactivating is refused with a message.
        Check("staff:reactivate", of(MANAGERS, 302), pk_of("referent"), scope=STAFF, targets=REFERENTS, method="post"),
    ),
    "manage/staff/invitation/<str:token>/": (
        Check("staff:accept-invitation", of(ROLES, 410), fixed(token="not-a-token"), label="forged"),
    ),
    # a country's set-up: a hub's holidays, kept by its managers (administrators any hub's, the first one by
    # default), and the administrative units, read by hub staff with the history and corrected by administrators
    "manage/country/holidays/": (
        Check("country:holidays", of(MANAGERS, 200), lists=(("holiday", {**STAFF, "admin": HUB1}),)),
    ),
    "manage/country/holidays/add/": (Check("country:holiday-add", of(MANAGERS, 400), method="post"),),
    "manage/country/holidays/refresh/": (Check("country:holidays-refresh", of(MANAGERS, 302), method="post"),),
    "manage/country/holidays/<int:pk>/": (
        Check(
            "country:holiday-correct", of(MANAGERS, 400), pk_of("holiday"), scope=STAFF, targets=HOLIDAYS, method="post"
        ),
    ),
    "manage/country/holidays/<int:pk>/remove/": (
        Check(
            "country:holiday-remove", of(MANAGERS, 302), pk_of("holiday"), scope=STAFF, targets=HOLIDAYS, method="post"
        ),
    ),
    "manage/country/units/": (Check("country:units", of(MANAGERS, 200)),),
    "manage/country/units/load/": (Check("country:units-load", of(MANAGERS, 404), method="post", label="no-country"),),
    "manage/country/units/<str:code>/": (
        Check("country:unit", of(MANAGERS, 200), fixed(code="ML-BKO"), label="hub-country"),
        # Managers read their hub's country's units only (both hubs of the world are in Mali).
        Check(
            "country:unit",
            {"admin": 200, "manager": 404, "other_manager": 404},
            fixed(code="SN-DK"),
            label="other-country",
        ),
    ),
    # opening hubs: administrators only
    "manage/hubs/": (Check("hubs:list", {"admin": 200}),),
    "manage/hubs/new/": (Check("hubs:new", {"admin": 200}),),
    "manage/hubs/<str:code>/settings/": (
        Check("hubs:settings", of(MANAGERS, 200), code_of_hub, scope=REPORT_HUBS, targets=HUB_TARGETS),
        Check(
            "hubs:settings",
            of(MANAGERS, 400),
            code_of_hub,
            scope=REPORT_HUBS,
            targets=HUB_TARGETS,
            method="post",
            label="an empty form is refused, nothing saved",
        ),
    ),
    # the staff's library; an administrator has no hub to write a new sheet or partner in
    "manage/library/": (Check("library:sheets", of(HUB_STAFF, 200), lists=(("sheet", STAFF),)),),
    "manage/library/sheets/new/": (
        Check("library:sheet-new", of(("referent", "manager", "other_manager", "other_referent"), 200)),
    ),
    "manage/library/sheets/<int:pk>/": (
        Check("library:sheet", of(HUB_STAFF, 200), pk_of("sheet"), scope=STAFF, targets=SHEETS),
    ),
    "manage/library/sheets/<int:pk>/edit/": (
        Check("library:sheet-edit", of(HUB_STAFF, 200), pk_of("sheet"), scope=STAFF, targets=SHEETS),
    ),
    "manage/library/sheets/<int:pk>/attach/": (
        Check("library:sheet-attach", of(HUB_STAFF, 302), pk_of("sheet"), scope=STAFF, targets=SHEETS, method="post"),
    ),
    "manage/library/partners/": (Check("library:partners", of(HUB_STAFF, 200), lists=(("partner", STAFF),)),),
    "manage/library/partners/new/": (Check("library:partner-new", of(("manager", "other_manager"), 200)),),
    "manage/library/partners/<int:pk>/edit/": (
        Check("library:partner-edit", of(MANAGERS, 200), pk_of("partner"), scope=STAFF, targets=PARTNERS),
    ),
    "manage/library/partners/<int:pk>/delete/": (
        Check(
            "library:partner-delete",
            of(MANAGERS, 302),
            pk_of("partner"),
            scope=STAFF,
            targets=PARTNERS,
            method="post",
        ),
    ),
    # reports: the "records" are the hub filter; a manager's filter is fixed to its hub. The page draws five
    # charts: it is asked once per role, the hub filter being read by the same code for the exports.
    "manage/reports/": (Check("reports:report", of(REPORT_READERS, 200), lists=STAFF_LISTS),),
    "manage/reports/export.<str:fmt>": (
        *(
            Check(
                "reports:export",
                of(REPORT_READERS, 200),
                fixed(fmt=fmt),
                query=hub_query,
                scope=REPORT_HUBS,
                targets=HUB_TARGETS,
                missing=None,
                lists=STAFF_LISTS if fmt == "csv" else (),
                label=fmt,
            )
            for fmt in ("csv", "xlsx")
        ),
        # The PDF takes seconds to draw: asked once per role, on the filters the other formats check.
        Check("reports:export", of(REPORT_READERS, 200), fixed(fmt="pdf"), label="pdf"),
        Check("reports:export", of(AUTHENTICATED, 404), fixed(fmt="exe"), label="unknown"),
    ),
    # Report exports prepared in the background: their requester's (and, for one hub, its managers' and the
    # administrators'); a viewer who requested none reaches none.
    **{
        f"manage/reports/exports/<uuid:token>/{suffix}": (
            Check(
                f"reports:{name}",
                of(REPORT_READERS, 200),
                lambda w, target: {"token": w.export_token(target)},
                scope=EXPORT_JOBS,
                targets=HUB_TARGETS,
            ),
        )
        for suffix, name in (("", "export-job"), ("progress/", "export-progress"), ("file/", "export-file"))
    },
    "manage/reports/exports/progress.js": (Check("reports:export-script", of(AUTHENTICATED, 200)),),
    "manage/reports/targets/": (Check("reports:targets", of(MANAGERS, 200)),),
    "manage/reports/records/<str:kind>/": tuple(
        Check(
            "reports:records",
            of(MANAGERS, 200),
            fixed(kind=kind),
            query=lambda w, target, export=export: {**hub_query(w, target), **export},
            scope=REPORT_HUBS,
            targets=HUB_TARGETS,
            missing=None,
            lists=STAFF_LISTS,
            label=f"{kind}{'-' + export['format'] if export else ''}",
        )
        for kind in (
            "enterprises",
            "cases",
            "answered-cases",
            "resolved-cases",
            "open-cases",
            "visits",
            "followups",
            "due-followups",
            "due-baselines",
        )
        for export in ({}, {"format": "csv"})
    ),
    # the SME portal
    "portal/": (Check("cases:portal-home", of(SME_PORTAL, 200), lists=PORTAL_LISTS),),
    "portal/requests/new/": (Check("cases:portal-new-request", of(SME_PORTAL, 200)),),
    "portal/requests/<int:pk>/": (
        Check("cases:portal-case", of(SME_PORTAL, 200), pk_of("case"), scope=RECORDS, targets=CASES),
    ),
    "portal/requests/<int:pk>/attachments/<uuid:token>/": (
        Check("cases:portal-attachment", of(SME_PORTAL, 200), file_of("case"), scope=PORTAL_FILES, targets=CASE_FILES),
    ),
    "portal/requests/<int:pk>/<slug:action>/": (
        Check(
            "cases:portal-action",
            of(SME_PORTAL, 200),
            pk_of("case", action="reply"),
            scope=RECORDS,
            targets=CASES,
            method="post",
            label="reply",
        ),
    ),
    "portal/rate/<str:token>/": (
        # The link works without signing in and names one case only.
        Check("cases:rate-link", ALL, lambda w, target: {"token": w.rating_token}, label="signed"),
        Check("cases:rate-link", of(ROLES, 404), fixed(token="1:forged:token"), label="forged"),
    ),
    "portal/followups/<str:token>/": (
        # The SME's questionnaire works without signing in and names one follow-up only.
        Check("cases:followup-questionnaire", ALL, lambda w, target: {"token": w.questionnaire_token}, label="signed"),
        Check("cases:followup-questionnaire", of(ROLES, 404), fixed(token="1:forged:token"), label="forged"),
    ),
    "portal/library/": (Check("portal-library:sheets", of(LIBRARY_READERS, 200), lists=(("sheet", PORTAL_SHEETS),)),),
    "portal/library/<int:pk>/": (
        Check("portal-library:sheet", of(LIBRARY_READERS, 200), pk_of("sheet"), scope=PORTAL_SHEETS, targets=SHEETS),
    ),
    "portal/library/<int:pk>/files/<uuid:token>/": (
        Check(
            "portal-library:attachment",
            of(LIBRARY_READERS, 200),
            file_of("sheet"),
            scope=PORTAL_SHEETS,
            targets=SHEET_FILES,
        ),
    ),
    # the referents' mobile app
    "m/": (Check("visits:mobile-home", of(FIELD, 200), lists=STAFF_LISTS),),
    "m/visits/new/": (Check("visits:visit-new", of(FIELD, 200)),),
    "m/visits/<int:pk>/": (Check("visits:visit", of(FIELD, 200), pk_of("visit"), scope=STAFF, targets=VISITS),),
    "m/directory.json": (Check("visits:directory", of(FIELD, 200), lists=STAFF_LISTS),),
    "m/followups.json": (Check("visits:followups-copy", of(FIELD, 200), lists=STAFF_LISTS),),
    "m/day.json": (Check("visits:day", of(FIELD, 200), lists=STAFF_LISTS),),
    "m/cases/offline/": (Check("visits:case-shell", of(FIELD, 200)),),
    "m/sw.js": (Check("visits:service-worker", ALL),),
    "m/manifest.webmanifest": (Check("visits:manifest", ALL),),
    "m/followups/offline/": (Check("visits:followup-shell", of(FIELD, 200)),),
    "m/followups/<int:pk>/": (
        Check("visits:followup", of(FIELD, 200), pk_of("followup"), scope=STAFF, targets=FOLLOWUPS),
    ),
    "m/library/": (
        Check("visits:sheets", of(FIELD, 200), query=lambda w, target: {"q": "Sheet"}, lists=(("sheet", STAFF),)),
    ),
    "m/library/<int:pk>/": (Check("visits:sheet", of(FIELD, 200), pk_of("sheet"), scope=STAFF, targets=SHEETS),),
    "m/cases/<int:pk>/": (Check("visits:case", of(FIELD, 200), pk_of("case"), scope=STAFF, targets=CASES),),
    "m/cases/<int:pk>/<slug:action>/": (
        Check(
            "visits:case-action",
            of(FIELD, 302),
            pk_of("case", action="note"),
            scope=STAFF,
            targets=CASES,
            method="post",
            label="note",
        ),
    ),
    "m/odk/": (Check("visits:odk", of(FIELD, 200)),),
    "m/photos/<uuid:token>/": (
        Check(
            "visits:photo",
            ANY_USER,
            lambda w, target: {"token": w.file("photo", target)[1]},
            scope=STAFF,
            targets=VISITS,
        ),
    ),
}

IMPORTS = {
    "manage/imports/": (Check("imports:list", of(MANAGERS, 200), lists=(("import_batch", STAFF),)),),
    "manage/imports/templates/<slug:kind>.<slug:extension>": (
        Check("imports:template", of(MANAGERS, 200), fixed(kind="enterprises", extension="xlsx")),
    ),
    "manage/imports/progress.js": (Check("imports:script", of(MANAGERS, 200)),),
    "manage/imports/<int:pk>/": (
        Check("imports:batch", of(MANAGERS, 200), pk_of("import_batch"), scope=STAFF, targets=BATCHES),
    ),
    "manage/imports/<int:pk>/progress/": (
        Check("imports:progress", of(MANAGERS, 200), pk_of("import_batch"), scope=STAFF, targets=BATCHES),
    ),
    **{
        f"manage/imports/<int:pk>/{action}/": (
            Check(
                f"imports:{action}",
                of(MANAGERS, 302),
                pk_of("import_batch"),
                scope=STAFF,
                targets=BATCHES,
                method="post",
            ),
        )
        for action in ("check", "import", "cancel")
    },
}

MESSAGES = ("own", "other_hub")
MESSAGING = {
    "manage/messages/": (Check("messaging:log", of(MANAGERS, 200), lists=(("outgoing_message", STAFF),)),),
    "manage/messages/<int:pk>/resend/": (
        Check(
            "messaging:resend",
            of(MANAGERS, 302),
            pk_of("outgoing_message"),
            scope=STAFF,
            targets=MESSAGES,
            method="post",
        ),
    ),
    "manage/messages/inbox/": (Check("inbox:list", of(MANAGERS, 200), lists=(("inbound_message", STAFF),)),),
    "manage/messages/inbox/<int:pk>/read/": (
        Check("inbox:read", of(MANAGERS, 302), pk_of("inbound_message"), scope=STAFF, targets=MESSAGES, method="post"),
    ),
    # The gateways' callbacks answer 404 to everyone whose URL lacks the gateway's token (none in the tests'
    # settings): a session changes nothing (tests/hub/messaging/test_views.py tests the right token).
    **{
        f"messaging/<slug:alias>/<str:token>/{kind}/": (
            Check(
                f"messaging-callbacks:{kind}",
                of(ROLES, 404),
                fixed(alias="default", token="guessed"),
                method="post",
            ),
        )
        for kind in ("delivery", "inbound")
    },
}

# ODK Collect and Enketo (OpenRosa): a referent's password over HTTPS or key, never a session (a submission
# carries no CSRF token), so every role's session is refused like an anonymous request: 403 over plain HTTP, and
# an unknown key 403 (tests/visits/openrosa test the referents who pass).
OPENROSA_REFUSED = dict.fromkeys(ROLES, 403)
OPENROSA_ROUTES = {
    "formList": ("openrosa:form-list", {}),
    "forms/<slug:form_id>.xml": ("openrosa:form", {"form_id": FORM_ID}),
    "forms/<slug:form_id>/manifest": ("openrosa:manifest", {"form_id": FORM_ID}),
    "forms/<slug:form_id>/media/<str:filename>": (
        "openrosa:media",
        {"form_id": FORM_ID, "filename": "enterprises.csv"},
    ),
}
OPENROSA_PREFIXES = (
    ("", "openrosa:", {}),
    ("app/", "openrosa:app:", {}),
    ("key/<slug:key>/", "openrosa:", {"key": "made-up-key"}),
)
"""Credentials with Basic offered first, credentials with Digest offered first, the key in the address."""
OPENROSA = {
    **{
        f"openrosa/{prefix}{route}": (
            Check(name.replace("openrosa:", namespace), {}, fixed(**kwargs, **key), refused=OPENROSA_REFUSED),
        )
        for route, (name, kwargs) in OPENROSA_ROUTES.items()
        for prefix, namespace, key in OPENROSA_PREFIXES
    },
    **{
        f"openrosa/{prefix}submission": (
            Check(f"{namespace}submission", {}, fixed(**key), method="post", refused=OPENROSA_REFUSED),
        )
        for prefix, namespace, key in OPENROSA_PREFIXES
    },
}

CASE_API = {
    "actions": (api("case-actions", of(HUB_STAFF, 400), pk_of("case"), scope=STAFF, targets=CASES, method="post"),),
    "detail": (api("case-detail", READERS, pk_of("case"), scope=RECORDS, targets=CASES),),
    "assign": (api("case-assign", of(MANAGERS, 400), pk_of("case"), scope=STAFF, targets=CASES, method="post"),),
    "notes": (
        api("case-notes", READERS, pk_of("case"), scope=RECORDS, targets=CASES),
        api("case-notes", of(RECORD_READERS, 400), pk_of("case"), scope=RECORDS, targets=CASES, method="post"),
    ),
    "qualify": (api("case-qualify", of(MANAGERS, 400), pk_of("case"), scope=STAFF, targets=CASES, method="post"),),
    "rate": (
        # A case that is not resolved yet cannot be rated; only its enterprise rates it.
        api(
            "case-rate",
            {"sme": 400},
            pk_of("case"),
            scope=RECORDS,
            targets=CASES,
            method="post",
            data=lambda w, target: {"rating": 5},
        ),
    ),
    "shares": (
        api("case-shares", READERS, pk_of("case"), scope=RECORDS, targets=CASES),
        # Sharing in the own enterprise's case: another hub's sheet is refused like an unknown one.
        api(
            "case-shares",
            {
                "manager": {"own": 201},
                "referent": {"own": 201},
                "admin": {"own": 201, "other_hub": 400},
                "sme": {"own": 403},
                "other_manager": {},
                "other_referent": {},
            },
            lambda w, target: {"pk": w.pk("case", "own")},
            targets=("own", "other_hub"),
            method="post",
            data=shared_sheet,
            compare=masked,
            missing=None,
            label="sheet",
        ),
        # SME users do not share library items.
        api(
            "case-shares",
            {**of(HUB_STAFF, 400), "sme": 403},
            pk_of("case"),
            scope=RECORDS,
            targets=CASES,
            method="post",
        ),
    ),
    "transition": (
        api("case-transition", of(RECORD_READERS, 400), pk_of("case"), scope=RECORDS, targets=CASES, method="post"),
    ),
}
ROUTER: dict[str, tuple[Check, ...]] = {
    "hubs/": (api("hub-list", ANY_USER),),
    "hubs/<code>/": (api("hub-detail", ANY_USER, code_of_hub, scope=HUBS, targets=HUB_TARGETS),),
    "enterprises/": (api("enterprise-list", READERS, lists=PORTAL_LISTS),),
    "enterprises/<pk>/": (
        api("enterprise-detail", READERS, pk_of("enterprise"), scope=RECORDS, targets=ENTERPRISES),
        api(
            "enterprise-detail",
            of(MANAGERS, 200),
            pk_of("enterprise"),
            scope=STAFF,
            targets=ENTERPRISES,
            method="patch",
        ),
    ),
    "referents/": (api("referent-list", of(HUB_STAFF, 200), lists=STAFF_LISTS),),
    "referents/<pk>/": (api("referent-detail", of(HUB_STAFF, 200), pk_of("referent"), scope=STAFF, targets=REFERENTS),),
    "cases/": (
        api("case-list", READERS, lists=PORTAL_LISTS),
        api(
            "case-list",
            READERS,
            query=enterprise_query,
            scope=RECORDS,
            targets=ENTERPRISES,
            missing=200,
            label="filter",
        ),
        # A request for an enterprise out of reach is refused like one for an unknown enterprise.
        api(
            "case-list",
            of(RECORD_READERS, 201),
            scope=RECORDS,
            targets=ENTERPRISES,
            method="post",
            data=new_case,
            compare=masked,
            missing=400,
        ),
    ),
    "cases/<pk>/": CASE_API["detail"],
    **{f"cases/<pk>/{action}/": checks for action, checks in CASE_API.items() if action != "detail"},
    "visits/": (
        api("visit-list", of(HUB_STAFF, 200), lists=STAFF_LISTS),
        api(
            "visit-list",
            of(HUB_STAFF, 200),
            query=enterprise_query,
            scope=STAFF,
            targets=VISITS,
            missing=200,
            label="filter",
        ),
        # Referents record visits, for an enterprise of their hub only.
        api(
            "visit-list",
            {"referent": 201, "other_referent": 201},
            scope=STAFF,
            targets=ENTERPRISES,
            method="post",
            data=new_visit,
            compare=masked,
            missing=400,
        ),
    ),
    "visits/<pk>/": (api("visit-detail", of(HUB_STAFF, 200), pk_of("visit"), scope=STAFF, targets=VISITS),),
    "visits/<pk>/photos/": (
        # Only the referent who made the visit adds its photos; the others of its scope are refused.
        api(
            "visit-photos",
            {"referent": 201, "other_referent": 201},
            pk_of("visit"),
            scope=STAFF,
            targets=VISITS,
            method="post",
            data=photo_upload,
            multipart=True,
        ),
    ),
    "visits/<pk>/shares/": (
        api("visit-shares", of(HUB_STAFF, 200), pk_of("visit"), scope=STAFF, targets=VISITS),
        # Only the visit's referent records what was shared at it.
        api(
            "visit-shares",
            {"referent": 400, "other_referent": 400},
            pk_of("visit"),
            scope=STAFF,
            targets=VISITS,
            method="post",
        ),
    ),
    "followups/": (
        api("followup-list", of(HUB_STAFF, 200), lists=(("followup", STAFF),)),
        api(
            "followup-list",
            of(HUB_STAFF, 200),
            query=enterprise_query,
            scope=STAFF,
            targets=FOLLOWUPS,
            missing=200,
            label="filter",
        ),
    ),
    "followups/<pk>/": (
        api("followup-detail", of(HUB_STAFF, 200), pk_of("followup"), scope=STAFF, targets=FOLLOWUPS),
        # Answers are recorded once, through collect: no role changes a follow-up here.
        api(
            "followup-detail",
            of(HUB_STAFF, 405),
            pk_of("followup"),
            scope=STAFF,
            targets=FOLLOWUPS,
            method="patch",
            missing=405,
        ),
    ),
    "followups/<pk>/collect/": (
        api(
            "followup-collect",
            of(HUB_STAFF, 201),
            pk_of("followup"),
            scope=STAFF,
            targets=FOLLOWUPS,
            method="post",
            data=baseline_answers,
        ),
    ),
    "followups/<pk>/assign/": (
        # Managers put a referent of the follow-up's hub in charge of it.
        api(
            "followup-assign",
            of(MANAGERS, 200),
            pk_of("followup"),
            scope=STAFF,
            targets=FOLLOWUPS,
            method="post",
            data=followup_referent,
        ),
    ),
    "sheets/": (api("sheet-list", of(LIBRARY_READERS, 200), lists=(("sheet", PORTAL_SHEETS),)),),
    "sheets/<pk>/": (
        api("sheet-detail", of(LIBRARY_READERS, 200), pk_of("sheet"), scope=PORTAL_SHEETS, targets=SHEETS),
        api("sheet-detail", of(HUB_STAFF, 200), pk_of("sheet"), scope=STAFF, targets=SHEETS, method="patch"),
    ),
    "partners/": (api("partner-list", of(HUB_STAFF, 200), lists=(("partner", STAFF),)),),
    "partners/<pk>/": (
        api("partner-detail", of(HUB_STAFF, 200), pk_of("partner"), scope=STAFF, targets=PARTNERS),
        api("partner-detail", of(MANAGERS, 200), pk_of("partner"), scope=STAFF, targets=PARTNERS, method="patch"),
        api("partner-detail", of(MANAGERS, 204), pk_of("partner"), scope=STAFF, targets=PARTNERS, method="delete"),
    ),
}
"""The router's routes by their plain path under /api/v1/; each also has its `.json` twin."""


def without_filters(body):
    """A report's figures without the echo of the filters asked for."""
    return {key: value for key, value in body.items() if key != "filters"} if isinstance(body, dict) else body


def report_checks(name: str) -> tuple[Check, ...]:
    """The "records" of a report are the hub and the referent its figures may be filtered on."""
    options = {"missing": None, "compare": without_filters}
    by_hub = api(name, of(REPORT_READERS, 200), query=hub_query, scope=REPORT_HUBS, targets=HUB_TARGETS, **options)
    by_referent = api(
        name,
        of(REPORT_READERS, 200),
        query=referent_query,
        scope=REFERENT_FIGURES,
        targets=REFERENTS,
        label="referent",
        **options,
    )
    return by_hub, by_referent


API: dict[str, tuple[Check, ...]] = {
    "api/v1/auth/token/": (api("api-token", of(ROLES, 400), method="post"),),
    "api/v1/reports/summary/": report_checks("report-summary"),
    "api/v1/reports/breakdown/": report_checks("report-breakdown"),
    "api/v1/reports/impact/": report_checks("report-impact"),
    "api/v1/reports/targets/": report_checks("report-targets"),
    "api/v1/reports/impact/enterprises/": (
        api(
            "report-impact-enterprises",
            of(MANAGERS, 200),
            query=hub_query,
            scope=REFERENT_FIGURES,
            targets=HUB_TARGETS,
            missing=None,
        ),
    ),
    "api/v1/": (api("api-root", ANY_USER),),
    "api/v1/<drf_format_suffix:format>": with_suffix(api("api-root", ANY_USER)),
    "api/schema/": (api("api-schema", ALL),),
    "api/docs/": (api("api-docs", ALL),),
}


def _router_pattern(path: str, *, suffix: bool) -> str:
    """The resolver's spelling of a router route: `cases/<pk>/notes/` -> `api/v1/^cases/(?P<pk>[0-9]+)/notes/$`."""
    regex = "^" + path.replace("<pk>", "(?P<pk>[0-9]+)").replace("<code>", "(?P<code>[A-Za-z0-9_-]+)")
    if suffix:
        regex = regex.rstrip("/") + r"\.(?P<format>[a-z0-9]+)/?$"
    else:
        regex += "$"
    return "api/v1/" + regex


for _path, _checks in ROUTER.items():
    API[_router_pattern(_path, suffix=False)] = _checks
    API[_router_pattern(_path, suffix=True)] = with_suffix(*_checks)

TABLE: dict[str, tuple[Check, ...]] = {**PAGES, **IMPORTS, **MESSAGING, **OPENROSA, **API}
"""Route (as the resolver spells it) -> the checks made on it."""

ADMIN_PREFIX = "admin/"
"""Django admin: one rule for all its routes (`test_admin_route`)."""


# --- findings: rows that show a leak or an inconsistency ---------------------------------------------------

FINDINGS: dict[tuple[str, str], str] = {}
"""(check ident, role) -> what is wrong: strict xfails, failing on the assertion of the row only."""


# --- the routes of the URL configuration ------------------------------------------------------------------


def url_patterns(resolver=None, prefix: str = "", namespace: str = "") -> list[tuple[str, str | None]]:
    """(route, URL name with its namespaces) of every pattern of the URL configuration."""
    resolver = resolver or get_resolver()
    found = []
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = ":".join(filter(None, [namespace, pattern.namespace]))
            found.extend(url_patterns(pattern, route, inner))
        else:
            found.append((route, ":".join(filter(None, [namespace, pattern.name])) if pattern.name else None))
    return found


def test_every_route_is_in_the_matrix():
    routes = {route for route, _name in url_patterns() if not route.startswith(ADMIN_PREFIX)}
    assert sorted(routes - set(TABLE)) == [], "routes without an entry in the access matrix"
    assert sorted(set(TABLE) - routes) == [], "entries of the access matrix for routes that no longer exist"


def test_every_finding_names_a_row():
    idents = {check.ident for checks in TABLE.values() for check in checks}
    assert sorted({ident for ident, _role in FINDINGS} - idents) == []


def test_every_check_has_its_own_name():
    idents = [(route, check.ident) for route, checks in TABLE.items() for check in checks]
    assert len(idents) == len(set(idents))


def test_every_check_reverses_to_its_route():
    """Guards the table itself: each check's URL name belongs to the route it is filed under."""
    by_name = {}
    for route, name in url_patterns():
        by_name.setdefault(name, set()).add(route)
    for route, checks in TABLE.items():
        for check in checks:
            assert route in by_name.get(check.name, ()), (route, check.name)


# --- running a row ------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Built once for the module in a transaction that is rolled back at its end; each test's changes are
    rolled back with the test."""
    with django_db_blocker.unblock(), transaction.atomic():
        w = build_world()
        open_sessions(w)
        yield w
        transaction.set_rollback(True)


def client_for(w: World, role: str, *, is_api: bool):
    """A client signed in as `role`: by its API token, or by a session opened with the world."""
    if is_api:
        client = APIClient(raise_request_exception=False)
        if role != "anonymous":
            client.credentials(HTTP_AUTHORIZATION=f"Token {w.tokens[role]}")
        return client
    client = Client(raise_request_exception=False)
    if role != "anonymous":
        client.cookies[settings.SESSION_COOKIE_NAME] = w.sessions[role]
    return client


def open_sessions(w: World) -> None:
    for role, user in w.users.items():
        client = Client()
        client.force_login(user)
        w.sessions[role] = client.cookies[settings.SESSION_COOKIE_NAME].value


@dataclass
class Answer:
    status: int
    location: str
    body: bytes
    json: object = None
    error: str = ""
    """The exception behind a server error."""

    def __str__(self) -> str:
        return " ".join(filter(None, [str(self.status), self.location, self.error]))


def fetch(client, check: Check, w: World, target: str | None) -> Answer:
    """One request, its changes undone, so that every role meets the same world."""
    kwargs = {}
    if check.api and check.method in ("post", "patch", "put"):
        data = check.data(w, target) if check.data is not None else {}
        kwargs = {"data": data, "format": "multipart" if check.multipart else "json"}
    elif check.data is not None:
        kwargs = {"data": check.data(w, target)}
    return request(client, check.method, check.url(w, target), is_api=check.api, **kwargs)


def request(client, method: str, url: str, *, is_api: bool = False, **kwargs) -> Answer:
    with transaction.atomic():
        response = getattr(client, method)(url, **kwargs)
        transaction.set_rollback(True)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    # Closing a response sends request_finished, whose close_old_connections would close the database
    # connection in the middle of the module's transaction (PostgreSQL): Django's test client keeps it
    # disconnected the same way.
    request_finished.disconnect(close_old_connections)
    try:
        response.close()
    finally:
        request_finished.connect(close_old_connections)
    answer = Answer(response.status_code, response.get("Location", ""), body)
    if getattr(response, "exc_info", None):
        answer.error = f"({response.exc_info[0].__name__}: {response.exc_info[1]})"
    elif is_api and response.get("Content-Type", "").startswith("application/json"):
        answer.json = response.json()
    return answer


def reachable(check: Check, role: str, target: str) -> int | None:
    """The status `role` gets on `target`, or None when the target is out of its reach."""
    allowed = check.allowed[role]
    if isinstance(allowed, Mapping):
        return allowed.get(target)
    return allowed if target in check.scope.get(role, frozenset()) else None


def refusal(check: Check, role: str) -> int | str:
    if role in check.refused:
        return check.refused[role]
    if role == "anonymous":
        return 401 if check.api else LOGIN
    return 403


def matches(answer: Answer, expected: int | str) -> bool:
    if expected == LOGIN:
        return answer.status == 302 and answer.location.startswith(reverse("login") + "?next=")
    return answer.status == expected


def run_row(w: World, check: Check, role: str) -> list[str]:
    """Every target of `check` for `role`; returns what differs from the matrix."""
    client = client_for(w, role, is_api=check.api)
    problems = []
    if not check.targets:
        answer = fetch(client, check, w, None)
        expected = check.allowed.get(role) or refusal(check, role)
        if not matches(answer, expected):
            problems.append(f"expected {expected}, got {answer}")
        if role in check.allowed:
            problems += leaks(w, check, role, answer)
        return problems
    missing = fetch(client, check, w, "missing")
    if role not in check.allowed:
        expected = refusal(check, role)
        for target in (*check.targets, "missing"):
            answer = missing if target == "missing" else fetch(client, check, w, target)
            if not matches(answer, expected):
                problems.append(f"{target}: expected {expected} (refused), got {answer}")
        return problems
    if check.missing is not None and missing.status != check.missing:
        problems.append(f"missing: expected {check.missing}, got {missing}")
    elif missing.status >= 500:
        problems.append(f"missing: server error {missing}")
    problems += leaks(w, check, role, missing)
    for target in check.targets:
        answer = fetch(client, check, w, target)
        problems += [f"{target}: {leak}" for leak in leaks(w, check, role, answer)]
        expected = reachable(check, role, target)
        if expected is not None:
            if answer.status != expected:
                problems.append(f"{target} (reachable): expected {expected}, got {answer}")
        elif answer.status != missing.status or check.compare(answer.json) != check.compare(missing.json):
            problems.append(
                f"{target} (not reachable): expected the answer to a missing record, {missing} "
                f"{missing.json or ''}, got {answer} {answer.json or ''}".rstrip()
            )
    return problems


def leaks(w: World, check: Check, role: str, answer: Answer) -> list[str]:
    """Markers of records outside the role's scope found in a list."""
    text = answer.body.decode("utf-8", "replace")
    found = []
    for kind, scope in check.lists:
        reach = scope.get(role, frozenset())
        found += [
            f"shows {kind} {target!r} ({marker!r}) outside the scope"
            for target, marker in w.markers[kind].items()
            if target not in reach and marker in text
        ]
    return found


def matrix_rows():
    for route, checks in TABLE.items():
        for check in checks:
            for role in ROLES:
                marks = []
                if (check.ident, role) in FINDINGS:
                    reason = FINDINGS[(check.ident, role)]
                    marks = [pytest.mark.xfail(strict=True, reason=reason, raises=AssertionError)]
                yield pytest.param(route, check, role, marks=marks, id=f"{route} {check.ident} {role}")


@pytest.mark.parametrize(("route", "check", "role"), list(matrix_rows()))
def test_matrix(world, db, route, check, role):
    if check.name == "api-token":
        cache.clear()  # its login throttle counts per client across tests
    problems = run_row(world, check, role)
    assert not problems, f"{check.method.upper()} {route} as {role}:\n  " + "\n  ".join(problems)


# --- Django admin -------------------------------------------------------------------------------------------

ADMIN_SAMPLE = re.compile(r"^admin:(index|app_list|login|logout|\w+_changelist)$")
"""Routes an administrator opens in the test (the others only cost time: the rule is about the others)."""
ADMIN_PUBLIC = {"admin:login"}
"""The sign-in form is shown to everybody."""
ADMIN_LOGOUT = "admin:logout"
"""Signing out sends everybody somewhere else; it needs no rights."""


def admin_url(route: str, w: World) -> str:
    """A URL for an admin route, on an object of the world where the route names one."""
    path = route.removeprefix(ADMIN_PREFIX)
    model = None
    parts = path.split("/")
    if len(parts) > 2:
        try:
            model = apps.get_model(parts[0], parts[1])
        except (LookupError, ValueError):
            model = None
    obj = model._default_manager.order_by("pk").first() if model is not None else None
    pk = obj.pk if obj is not None else MISSING_PK
    history_id = MISSING_PK
    if obj is not None and hasattr(obj, "history"):
        record = obj.history.order_by("history_id").first()
        history_id = record.history_id if record is not None else MISSING_PK
    case_type = ContentType.objects.get(app_label="cases", model="case").pk
    replacements = [
        (r"^\^\(\?P<app_label>[^)]*\)/\$$", "hub/"),
        (r"^\(\?P<url>\.\*\)\$$", "nowhere/"),
        (r"\^\(\[\^/\]\+\)/history/\(\[\^/\]\+\)/\$$", f"{pk}/history/{history_id}/"),
        (r"^r/<path:content_type_id>/<path:object_id>/$", f"r/{case_type}/{w.pk('case', 'own')}/"),
        (r"<path:object_id>", str(pk)),
        (r"<id>", str(pk)),
    ]
    for regex, value in replacements:
        path = re.sub(regex, value, path)
    assert not re.search(r"[<>^$(]", path), f"no URL built for the admin route {route!r}: {path!r}"
    return "/" + ADMIN_PREFIX + path


def admin_routes() -> list:
    return [pytest.param(route, name, id=route) for route, name in url_patterns() if route.startswith(ADMIN_PREFIX)]


@pytest.mark.parametrize(("route", "name"), admin_routes())
def test_admin_route(world, db, route, name):
    """Only administrators get into the admin; everybody else is sent to the admin's sign-in page."""
    url = admin_url(route, world)
    method = "post" if name == ADMIN_LOGOUT else "get"
    problems = []
    for role in ROLES:
        if role == "admin" and not ADMIN_SAMPLE.match(name or ""):
            continue
        client = client_for(world, role, is_api=False)
        answer = request(client, method, url)
        if name == ADMIN_LOGOUT:
            if answer.status not in (200, 302):
                problems.append(f"{role}: got {answer}")
        elif role == "admin":
            if answer.status >= 500 or answer.location.startswith("/admin/login/"):
                problems.append(f"{role}: got {answer}")
        elif name in ADMIN_PUBLIC:
            if answer.status != 200:
                problems.append(f"{role}: expected the sign-in form, got {answer}")
        elif not (answer.status == 302 and answer.location.startswith(reverse("admin:login") + "?next=")):
            problems.append(f"{role}: expected a redirect to the admin's sign-in, got {answer}")
    assert not problems, f"{method.upper()} {url}:\n  " + "\n  ".join(problems)
