"""The visit's page for hub staff: what was seen, found and recommended, its photos, the cases it worked on,
what was shared, and its history."""

from django.shortcuts import render

from hub.permissions import Action, access, can, require
from hub.selectors import record_changes
from visits.selectors import visits_visible_to


@require(Action.VIEW_VISITS)
def visit_detail(request, pk: int):
    visit = access(visits_visible_to(user=request.user).select_related("enterprise__region"), pk=pk)
    context = {
        "visit": visit,
        "photos": visit.photos.order_by("uploaded_at", "pk"),
        "cases": visit.cases.order_by("reference"),
        "shares": visit.shares.select_related("sheet", "partner", "shared_by"),
        "can_open_cases": can(request.user, Action.TRIAGE_CASES),
        "changes": record_changes(record=visit, hidden=frozenset({"content_hash", "client_uuid"}))
        if can(request.user, Action.VIEW_HISTORY)
        else None,
    }
    return render(request, "visits/manage_visit.html", context)
