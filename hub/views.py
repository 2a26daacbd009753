import logging
import sys
import uuid

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import RequestDataTooBig
from django.db import InterfaceError, OperationalError, connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import defaults

from cases.filters import CASE_LIST_QUERIES
from cases.selectors import case_counts, cases_visible_to
from hub.middleware import UndecodableInput
from hub.models import Role
from hub.permissions import Action, can, reads_reports
from hub.reports.selectors import hub_totals
from hub.selectors import enterprises_visible_to

logger = logging.getLogger(__name__)

ROLE_HOMES = {
    Role.SME: "cases:portal-home",
    Role.REFERENT: "visits:mobile-home",
    Role.MANAGER: "manage-home",
    Role.VIEWER: "manage-home",
    Role.ADMIN: "manage-home",
}


@login_required
def home(request):
    return redirect(ROLE_HOMES[request.user.role])


@login_required
def manage_home(request):
    """Managers see their hub's workload; regional viewers and administrators see every hub's totals."""
    user = request.user
    if not reads_reports(user):
        return redirect("home")
    today = timezone.localdate()
    context = {"today": today}
    if can(user, Action.TRIAGE_CASES):
        cases = cases_visible_to(user=user)
        context["counts"] = case_counts(cases=cases, today=today)
        context["enterprise_count"] = enterprises_visible_to(user=user).count()
        context["recent_cases"] = cases.select_related("enterprise").order_by("-received_at")[:10]
        context["case_queries"] = CASE_LIST_QUERIES
    if can(user, Action.VIEW_REGIONAL_REPORTS):
        context["hubs"] = hub_totals(user=user)
    return render(request, "hub/manage_home.html", context)


def _wants_json(request) -> bool:
    return request.path.startswith("/api/")


def page_not_found(request, exception):
    if _wants_json(request):
        return JsonResponse({"detail": _("Not found.")}, status=404)
    return defaults.page_not_found(request, exception)


def permission_denied(request, exception):
    """The site's own 403 page (403.html, with the menu), pages and Django admin alike; JSON under /api/."""
    if _wants_json(request):
        return JsonResponse({"detail": _("You do not have permission to perform this action.")}, status=403)
    return defaults.permission_denied(request, exception)


DATABASE_RETRY_SECONDS = 30


def server_error(request):
    """A database that does not answer (restarting, failing over, out of connections) is a 503 with
    `Retry-After`, which the phone's outbox retries as it does a lost network; any other error is a 500."""
    if isinstance(sys.exc_info()[1], OperationalError | InterfaceError):
        message = _("The service is briefly unavailable: try again in a moment.")
        if _wants_json(request):
            response = JsonResponse({"detail": message}, status=503)
        else:
            response = HttpResponse(message, content_type="text/plain; charset=utf-8", status=503)
        response["Retry-After"] = str(DATABASE_RETRY_SECONDS)
        return response
    if _wants_json(request):
        return JsonResponse({"detail": _("Server error: the team has been told.")}, status=500)
    return defaults.server_error(request)


def favicon(request):
    """Browsers ask /favicon.ico of pages that do not name their icon (a PDF, an image): the site's icon."""
    return redirect(static("hub/favicon.svg"))


def healthz(request):
    """The process answers: for the proxy. Reads nothing, says nothing else."""
    return JsonResponse({"status": "ok"})


def readyz(request):
    """The database and the cache answer: for the monitoring and the load balancer. Which one failed is
    logged, not shown."""
    checks = {"database": _database_answers, "cache": _cache_answers}
    failed = []
    for name, check in checks.items():
        try:
            check()
        except Exception:
            logger.exception("Readiness: the %s does not answer.", name)
            failed.append(name)
    if failed:
        response = JsonResponse({"status": "unavailable"}, status=503)
        response["Retry-After"] = str(DATABASE_RETRY_SECONDS)
        return response
    return JsonResponse({"status": "ok"})


def _database_answers() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _cache_answers() -> None:
    token = uuid.uuid4().hex
    cache.set(f"readyz-{token}", token, timeout=10)
    if cache.get(f"readyz-{token}") != token:
        raise RuntimeError("The cache did not keep a value.")


def bad_request(request, exception):
    if _wants_json(request) and isinstance(exception, RequestDataTooBig):
        return JsonResponse({"detail": _("The request is too large.")}, status=413)
    if isinstance(exception, UndecodableInput):
        return render(request, "hub/bad_form.html", {"message": str(exception)}, status=400)
    if _wants_json(request):
        return JsonResponse({"detail": _("Bad request.")}, status=400)
    return defaults.bad_request(request, exception)
