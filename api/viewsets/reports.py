from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from api.pagination import StablePagination
from api.serializers.reports import (
    BreakdownParamsSerializer,
    BreakdownSerializer,
    EnterpriseImpactSerializer,
    ImpactSerializer,
    ReportFiltersSerializer,
    SummarySerializer,
    TargetsSerializer,
)
from hub.permissions import reads_personal_data_in_reports, reads_reports
from hub.reports.impact import ENTERPRISE_IMPACT_COLUMNS, impact, impact_by_enterprise
from hub.reports.selectors import activity_breakdown, summary
from hub.reports.targets import targets


class ReportView(APIView):
    """Managers read their hub; regional viewers and administrators every hub, or the one named. The
    figures are the same as on the report pages, the PDF and the exports."""

    params_class = ReportFiltersSerializer

    def params(self, request) -> dict:
        """The user and the filters for the selectors; the other options validated go to `self.options`."""
        if not reads_reports(request.user):
            raise PermissionDenied
        params = self.params_class(data=request.query_params, context={"request": request})
        params.is_valid(raise_exception=True)
        self.options = params.validated_data
        return {"user": request.user, "filters": params.to_filters()}


class SummaryReportView(ReportView):
    """Activity and service-quality figures for the filters given."""

    @extend_schema(parameters=[ReportFiltersSerializer], responses=SummarySerializer)
    def get(self, request):
        return Response(SummarySerializer(summary(**self.params(request))).data)


class BreakdownReportView(ReportView):
    """The activity figures per month, hub, region, sector, size class, women-led or referent (`by`)."""

    params_class = BreakdownParamsSerializer

    @extend_schema(parameters=[BreakdownParamsSerializer], responses=BreakdownSerializer)
    def get(self, request):
        arguments = self.params(request)
        by = self.options["by"]
        rows = activity_breakdown(**arguments, by=by)
        return Response(BreakdownSerializer({"by": by, "rows": rows}).data)


class ImpactReportView(ReportView):
    """Totals of the 6- and 12-month follow-ups collected in the period, the turnover change against the
    baselines, and the answer rate of the follow-ups due in the period (`followups_due`)."""

    @extend_schema(parameters=[ReportFiltersSerializer], responses=ImpactSerializer)
    def get(self, request):
        return Response(ImpactSerializer(impact(**self.params(request))).data)


class AlphabeticalPagination(StablePagination):
    ordering = ("name", "pk")


class ImpactByEnterpriseReportView(ReportView, generics.ListAPIView):
    """The enterprises followed up in the period, each with its baseline and latest turnover, the change,
    the jobs created and the investment reported, in the order of their names as on the report page: hub
    staff only (they name enterprises). Paginated like the lists."""

    serializer_class = EnterpriseImpactSerializer
    pagination_class = AlphabeticalPagination
    filter_backends = []

    def get_queryset(self):
        request = self.request
        if reads_reports(request.user) and not reads_personal_data_in_reports(request.user):
            raise PermissionDenied(_("Figures per enterprise are for hub staff only."))
        return impact_by_enterprise(**self.params(request)).values(*ENTERPRISE_IMPACT_COLUMNS)

    @extend_schema(parameters=[ReportFiltersSerializer])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class TargetsReportView(ReportView):
    """Each hub's targets for the year the period ends in, against the period's actual figures."""

    @extend_schema(parameters=[ReportFiltersSerializer], responses=TargetsSerializer)
    def get(self, request):
        return Response(TargetsSerializer(targets(**self.params(request))).data)
