"""The bench-only URLconf and WSGI application, for the bench's gunicorn only: the project's URLs plus a plain
Django view per list endpoint that returns the same rows as the API with `values()`, the baseline the API's
throughput is compared to. Imported by gunicorn before Django is set up: `application` and `urlpatterns`
are built on first access (PEP 562 `__getattr__`)."""

import os

from hub.devtools.bench import PAGE_SIZE


def _plain_rows(resource: str, user, before: int | None) -> list[dict]:
    """The rows of one page of the API list of `resource`, with `values()`: the same scope (the user's
    hub), order (-pk), page size and columns as the API's summary, `is_overdue` included."""
    from django.utils import timezone

    from cases.models import OPEN_STATUSES, Case
    from hub.models import Enterprise
    from visits.models import Visit

    columns = {
        "cases": (
            Case,
            [
                "id", "reference", "enterprise_id", "domain", "title", "priority", "status", "assigned_to_id",
                "received_at", "resolve_due", "version", "acknowledge_due", "assign_due", "first_contact_due",
            ],
        ),
        "visits": (
            Visit,
            [
                "id", "referent_id", "enterprise_id", "started_at", "duration_minutes", "purpose", "follow_up_date",
                "people_reached_total", "people_reached_women",
            ],
        ),
        "enterprises": (
            Enterprise,
            [
                "id", "name", "sector", "region__code", "commune", "size_class", "women_led", "youth_led",
                "employees_total", "employees_women",
            ],
        ),
    }  # fmt: skip
    model, fields = columns[resource]
    rows = model.objects.filter(hub=user.hub_id).order_by("-pk")
    if before is not None:
        rows = rows.filter(pk__lt=before)
    rows = list(rows.values(*fields)[:PAGE_SIZE])
    if resource == "cases":
        today = timezone.localdate()
        stage_due = {"new": "acknowledge_due", "qualified": "assign_due", "assigned": "first_contact_due"}
        for row in rows:
            dues = [row.pop(name) for name in ("acknowledge_due", "assign_due", "first_contact_due")]
            stage = dict(zip(stage_due.values(), dues, strict=True)).get(stage_due.get(row["status"], ""))
            open_dues = [due for due in (stage, row["resolve_due"]) if due is not None]
            row["is_overdue"] = row["status"] in OPEN_STATUSES and bool(open_dues) and min(open_dues) < today
    return rows


def plain_list(request, resource: str):
    """The baseline: the token looked up as DRF's TokenAuthentication does, then one page with `values()`,
    serialised by JsonResponse. `?before=<id>` gives the rows below that id, as a cursor would."""
    from django.http import HttpResponseForbidden, JsonResponse
    from rest_framework.authtoken.models import Token

    key = request.headers.get("Authorization", "").removeprefix("Token ").strip()
    token = Token.objects.select_related("user").filter(key=key).first()
    if token is None or not token.user.is_active:
        return HttpResponseForbidden()
    before = request.GET.get("before")
    rows = _plain_rows(resource, token.user, int(before) if before and before.isdigit() else None)
    return JsonResponse({"results": rows})


def _urlpatterns() -> list:
    from django.urls import path

    from hub import urls

    return [path("api/bench/plain/<str:resource>/", plain_list, name="bench-plain"), *urls.urlpatterns]


def _application():
    """The project's WSGI application with this module as ROOT_URLCONF, for the bench's gunicorn only."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hub.settings.production")
    from django.conf import settings
    from django.core.wsgi import get_wsgi_application

    application = get_wsgi_application()
    settings.ROOT_URLCONF = __name__
    return application


_LAZY: dict[str, object] = {}


def __getattr__(name: str):
    if name == "application":
        return _LAZY.setdefault(name, _application())
    if name == "urlpatterns":
        return _LAZY.setdefault(name, _urlpatterns())
    if name in ("handler400", "handler404", "handler500"):
        from hub import urls

        return getattr(urls, name)
    raise AttributeError(name)
