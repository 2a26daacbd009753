"""Every API error is JSON: {"detail": ...} or one list of messages per field."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler as drf_exception_handler

from api.serializers.cases import CaseSerializer
from api.serializers.hub import FollowUpSerializer
from api.serializers.visits import VisitSerializer
from cases.services import CaseActionConflict, CaseActionStale, CaseChanged
from hub.followups.services import FollowUpConflict
from hub.uploads import StorageFailure
from visits.services import VisitConflict


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


class StorageUnavailable(exceptions.APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_code = "storage_unavailable"


class PayloadTooLarge(exceptions.APIException):
    """413, as Django's own limit on request bodies answers for the API (`hub.views.bad_request`)."""

    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = _("The request is too large.")
    default_code = "too_large"


def exception_handler(exc, context):
    if isinstance(exc, StorageFailure):
        exc = StorageUnavailable(exc.messages[0])
    elif isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(as_serializer_error(exc))
    if isinstance(exc, CaseChanged):
        current = CaseSerializer(exc.case, context=context).data
        return Response({"detail": str(exc), "current": current}, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, CaseActionStale):
        current = CaseSerializer(exc.case, context=context).data
        body = {"detail": str(exc), "code": "case_changed", "changes": exc.changes, "current": current}
        return Response(body, status=status.HTTP_412_PRECONDITION_FAILED)
    if isinstance(exc, CaseActionConflict):
        return Response({"detail": str(exc)}, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, VisitConflict):
        response = Response({"detail": str(exc)}, status=status.HTTP_409_CONFLICT)
        if exc.visit is not None:
            response.data["current"] = VisitSerializer(exc.visit, context=context).data
        return response
    if isinstance(exc, FollowUpConflict):
        response = Response({"detail": str(exc)}, status=status.HTTP_409_CONFLICT)
        if exc.followup is not None:
            response.data["current"] = FollowUpSerializer(exc.followup, context=context).data
        return response
    return drf_exception_handler(exc, context)
