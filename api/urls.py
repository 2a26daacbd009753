from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.throttling import ScopedRateThrottle

from api.routers import router
from api.viewsets.reports import (
    BreakdownReportView,
    ImpactByEnterpriseReportView,
    ImpactReportView,
    SummaryReportView,
    TargetsReportView,
)


class ThrottledObtainAuthToken(ObtainAuthToken):
    """`POST {"username", "password"}` returns `{"token": ...}`; attempts are throttled per client."""

    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "login"


urlpatterns = [
    path("v1/auth/token/", ThrottledObtainAuthToken.as_view(), name="api-token"),
    path("v1/reports/summary/", SummaryReportView.as_view(), name="report-summary"),
    path("v1/reports/breakdown/", BreakdownReportView.as_view(), name="report-breakdown"),
    path("v1/reports/impact/", ImpactReportView.as_view(), name="report-impact"),
    path("v1/reports/impact/enterprises/", ImpactByEnterpriseReportView.as_view(), name="report-impact-enterprises"),
    path("v1/reports/targets/", TargetsReportView.as_view(), name="report-targets"),
    path("v1/", include(router.urls)),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
]
