"""The programme report: every figure of a period at once, as the page, the PDF, the exports and the API
show it."""

import datetime

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from hub.models import User
from hub.permissions import reads_personal_data_in_reports
from hub.reports.impact import ENTERPRISE_IMPACT_COLUMNS, impact, impact_by_enterprise
from hub.reports.selectors import (
    STAFF_ONLY_BREAKDOWNS,
    ReportFilters,
    activity,
    activity_breakdown,
    service_quality,
    summary_filters,
    zones_read_once,
)
from hub.reports.targets import targets


@zones_read_once
def full_report(
    *,
    user: User,
    filters: ReportFilters,
    by: str = "region",
    enterprises: int | None = None,
    today: datetime.date | None = None,
) -> dict:
    """Every figure of the programme report for the period, as the page, the PDF, the exports and the API
    show it. `enterprises` (impact per enterprise, in the order of their names) is None for those who may
    not read personal data, and so is a breakdown per referent; the argument `enterprises` keeps the first
    that many (the page shows 50 of tens of thousands on a large hub, the PDF `pdf.PDF_ENTERPRISES`; the
    spreadsheets take all). The follow-ups due are counted as of `today` (today's date by default)."""
    if (by in STAFF_ONLY_BREAKDOWNS or filters.referent) and not reads_personal_data_in_reports(user):
        raise PermissionDenied(_("Figures per referent are for hub staff only."))
    personal = reads_personal_data_in_reports(user)
    per_enterprise = impact_by_enterprise(user=user, filters=filters).values(*ENTERPRISE_IMPACT_COLUMNS)
    return {
        "filters": summary_filters(filters),
        "activity": activity(user=user, filters=filters),
        "monthly": activity_breakdown(user=user, filters=filters, by="month"),
        "breakdown": {"by": by, "rows": activity_breakdown(user=user, filters=filters, by=by)},
        "service_quality": service_quality(user=user, filters=filters),
        "impact": impact(user=user, filters=filters, today=today),
        "enterprises": list(per_enterprise[:enterprises] if enterprises is not None else per_enterprise)
        if personal
        else None,
        "targets": targets(user=user, filters=filters),
    }
