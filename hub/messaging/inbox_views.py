"""The text messages a hub received, for its managers to read: those understood (a reply on a case, a rating,
a STOP) and those left to read, which a manager marks as read once dealt with. The URLs work wherever they
are included: the views name them through the namespace they were reached by."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from hub.messaging import inbound
from hub.messaging.selectors import inbound_messages_visible_to
from hub.permissions import Action, access, require

MESSAGES_PER_PAGE = 50
TO_READ = "to_read"


def _list_url(request, *, show: str) -> str:
    url = reverse(f"{request.resolver_match.namespace}:list")
    return f"{url}?show={TO_READ}" if show == TO_READ else url


@never_cache
@require(Action.READ_INBOX)
def inbox(request):
    show = TO_READ if request.GET.get("show") == TO_READ else ""
    received = inbound_messages_visible_to(user=request.user, to_read=bool(show))
    page = Paginator(received, MESSAGES_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "show": show,
        "to_read_count": inbound_messages_visible_to(user=request.user, to_read=True).count(),
        "namespace": request.resolver_match.namespace,
    }
    return render(request, "messaging/inbox.html", context)


@require_POST
@require(Action.READ_INBOX)
def inbox_mark_read(request, pk: int):
    message = access(inbound_messages_visible_to(user=request.user), pk=pk)
    try:
        inbound.inbound_mark_read(message=message, by=request.user)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
    else:
        messages.success(request, _("The message is marked as read."))
    return redirect(_list_url(request, show=request.POST.get("show", "")))
