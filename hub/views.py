from django.contrib.auth.decorators import login_required
from django.core.exceptions import RequestDataTooBig
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import defaults

from cases.selectors import case_counts, cases_visible_to
from hub.models import Role
from hub.permissions import Action, can, reads_reports
from hub.reports.selectors import hub_totals
from hub.selectors import enterprises_visible_to

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
        context["recent_cases"] = cases.order_by("-received_at")[:10]
    if can(user, Action.VIEW_REGIONAL_REPORTS):
        context["hubs"] = hub_totals(user=user)
    return render(request, "hub/manage_home.html", context)


def _wants_json(request) -> bool:
    return request.path.startswith("/api/")


def page_not_found(request, exception):
    if _wants_json(request):
        return JsonResponse({"detail": _("Not found.")}, status=404)
    return defaults.page_not_found(request, exception)


def server_error(request):
    if _wants_json(request):
        return JsonResponse({"detail": _("Server error: the team has been told.")}, status=500)
    return defaults.server_error(request)


def bad_request(request, exception):
    if _wants_json(request) and isinstance(exception, RequestDataTooBig):
        return JsonResponse({"detail": _("The request is too large.")}, status=413)
    if _wants_json(request):
        return JsonResponse({"detail": _("Bad request.")}, status=400)
    return defaults.bad_request(request, exception)
