"""The hub's log of messages sent, with the resending of failed ones, and the gateways' callbacks: delivery
reports and text messages received, each at a URL carrying the gateway's CALLBACK_TOKEN."""

import hmac
import logging

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import BadRequest, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from hub.messaging import inbound, services
from hub.messaging.gateways.base import ForgedCallback, Gateway, get_gateway
from hub.messaging.selectors import outgoing_messages_visible_to
from hub.models import OutgoingMessage
from hub.permissions import Action, access, require

logger = logging.getLogger(__name__)
MESSAGES_PER_PAGE = 50


@never_cache
@require(Action.FOLLOW_MESSAGES)
def message_log(request):
    status = request.GET.get("status", OutgoingMessage.Status.FAILED)
    if status not in OutgoingMessage.Status.values:
        status = ""
    page = Paginator(outgoing_messages_visible_to(user=request.user, status=status), MESSAGES_PER_PAGE).get_page(
        request.GET.get("page")
    )
    context = {"page": page, "status": status, "statuses": OutgoingMessage.Status.choices}
    return render(request, "messaging/log.html", context)


@require_POST
@require(Action.FOLLOW_MESSAGES)
def message_resend(request, pk: int):
    message = access(outgoing_messages_visible_to(user=request.user), pk=pk)
    try:
        services.resend(message=message, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The message is queued to be sent again."))
    return redirect(f"{reverse('messaging:log')}?status={OutgoingMessage.Status.FAILED}")


def _callback_gateway(alias: str, token: str) -> Gateway:
    """The gateway the URL names, if the URL carries its token; 404 otherwise, whichever part is wrong."""
    expected = settings.SMS_GATEWAYS.get(alias, {}).get("CALLBACK_TOKEN", "")
    if not expected or not hmac.compare_digest(expected.encode(), token.encode()):
        raise Http404
    return get_gateway(alias)


def _read_callback(request, alias: str, token: str, read: str) -> list:
    """What the gateway's `read` method finds in the callback: 404 without the token, 403 forged, 400
    unreadable."""
    gateway = _callback_gateway(alias, token)
    try:
        return getattr(gateway, read)(request)
    except ForgedCallback as error:
        logger.warning("Forged callback refused on gateway %s.", alias)
        raise PermissionDenied from error
    except ValueError as error:
        raise BadRequest(_("The callback could not be read.")) from error


@csrf_exempt
def delivery_callback(request, alias: str, token: str):
    reports = _read_callback(request, alias, token, "delivery_reports")
    return JsonResponse({"known": services.record_delivery_reports(gateway=alias, reports=reports)})


@csrf_exempt
def inbound_callback(request, alias: str, token: str):
    received = _read_callback(request, alias, token, "inbound_messages")
    for sms in received:
        inbound.receive_sms(gateway=alias, sms=sms)
    return JsonResponse({"stored": len(received)})
