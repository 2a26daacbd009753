from django.shortcuts import render
from django.utils import timezone

from cases.selectors import case_counts, cases_visible_to
from hub.permissions import Action, require


@require(Action.RATE_CASES)
def portal_home(request):
    cases = cases_visible_to(user=request.user)
    context = {
        "enterprise": request.user.enterprise,
        "cases": cases.order_by("-received_at")[:20],
        "counts": case_counts(cases=cases, today=timezone.localdate()),
    }
    return render(request, "cases/portal_home.html", context)
