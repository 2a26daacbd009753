from django.contrib.auth.decorators import login_required
from django.http import FileResponse
from django.shortcuts import render
from django.utils import timezone

from cases.models import OPEN_STATUSES
from cases.selectors import cases_visible_to, overdue_condition
from hub.permissions import Action, access, require
from visits.models import VisitPhoto
from visits.selectors import visits_visible_to


@require(Action.LOG_VISITS)
def mobile_home(request):
    today = timezone.localdate()
    my_cases = cases_visible_to(user=request.user).filter(assigned_to=request.user, status__in=OPEN_STATUSES)
    context = {
        "today": today,
        "overdue_cases": my_cases.filter(overdue_condition(today=today)).order_by("resolve_due"),
        "open_cases": my_cases.exclude(overdue_condition(today=today)).order_by("resolve_due")[:20],
        "planned_followups": visits_visible_to(user=request.user)
        .filter(referent=request.user, follow_up_date__gte=today)
        .order_by("follow_up_date")[:10],
        "recent_visits": visits_visible_to(user=request.user).filter(referent=request.user)[:5],
    }
    return render(request, "visits/mobile_home.html", context)


@login_required
def photo(request, token):
    """Photos are never public files: each is served after the same visibility check as its visit."""
    visible = VisitPhoto.objects.filter(visit__in=visits_visible_to(user=request.user))
    found = access(visible, token=token)
    response = FileResponse(found.image.open("rb"), content_type="image/jpeg")
    response["Content-Disposition"] = f'inline; filename="{found.token}.jpg"'
    response["Cache-Control"] = "private, max-age=86400"
    return response
