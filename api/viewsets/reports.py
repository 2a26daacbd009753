from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from api.serializers.reports import ReportFiltersSerializer, SummarySerializer
from hub.permissions import Action, can
from hub.reports.selectors import summary


class SummaryReportView(APIView):
    """Activity and service-quality figures for the filters given (managers: their hub; regional
    viewers and administrators: every hub, or the one named)."""

    @extend_schema(parameters=[ReportFiltersSerializer], responses=SummarySerializer)
    def get(self, request):
        user = request.user
        if not (can(user, Action.VIEW_HUB_REPORTS) or can(user, Action.VIEW_REGIONAL_REPORTS)):
            raise PermissionDenied
        params = ReportFiltersSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        if params.validated_data.get("referent") and not can(user, Action.VIEW_HUB_REPORTS):
            raise ValidationError({"referent": [_("Figures per referent are for hub staff only.")]})
        return Response(SummarySerializer(summary(user=user, filters=params.to_filters())).data)
