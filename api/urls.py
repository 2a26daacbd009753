from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from api.auth import ObtainTokenView
from api.routers import router
from api.viewsets.reports import (
    BreakdownReportView,
    ImpactByEnterpriseReportView,
    ImpactReportView,
    SummaryReportView,
    TargetsReportView,
)

urlpatterns = [
    path("v1/auth/token/", ObtainTokenView.as_view(), name="api-token"),
    path("v1/reports/summary/", SummaryReportView.as_view(), name="report-summary"),
    path("v1/reports/breakdown/", BreakdownReportView.as_view(), name="report-breakdown"),
    path("v1/reports/impact/", ImpactReportView.as_view(), name="report-impact"),
    path("v1/reports/impact/enterprises/", ImpactByEnterpriseReportView.as_view(), name="report-impact-enterprises"),
    path("v1/reports/targets/", TargetsReportView.as_view(), name="report-targets"),
    path("v1/", include(router.urls)),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
]
