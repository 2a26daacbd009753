from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from hub.permissions import Action, can

NAVIGATION = [
    (Action.LOG_VISITS, "visits:mobile-home", _("My day")),
    (Action.LOG_VISITS, "visits:visit-new", _("New visit")),
    (Action.LOG_VISITS, "visits:sheets", _("Sheets")),
    (Action.RATE_CASES, "cases:portal-home", _("My requests")),
    (Action.RATE_CASES, "portal-library:sheets", _("Technology sheets")),
    (Action.TRIAGE_CASES, "manage-cases:list", _("Cases")),
    (Action.VIEW_DIRECTORY, "directory:enterprise-list", _("Enterprises")),
    (Action.MANAGE_REFERENTS, "directory:referent-list", _("Referents")),
    (Action.ASSIGN_CASES, "followups:list", _("Follow-ups")),
    (Action.TRIAGE_CASES, "library:sheets", _("Library")),
    (Action.VIEW_HUB_REPORTS, "reports:report", _("Reports")),
    (Action.VIEW_REGIONAL_REPORTS, "reports:report", _("Reports")),
    (Action.MANAGE_REFERENTS, "staff:list", _("Team")),
    (Action.SET_TARGETS, "country:holidays", _("Public holidays")),
    (Action.OPEN_HUBS, "hubs:list", _("Hubs")),
]


def navigation(request):
    """The main menu: the pages the signed-in user's role may open, the one the request is in marked current."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"navigation": []}
    links = list(dict.fromkeys((reverse(name), label) for action, name, label in NAVIGATION if can(user, action)))
    current = max((url for url, _label in links if request.path.startswith(url)), key=len, default=None)
    return {"navigation": [(url, label, url == current) for url, label in links]}
