"""The report's files as its download buttons give them: the programme report as PDF, CSV or XLSX, and the
records behind one of its figures as CSV or XLSX. Each is built one way, whether the page sends it at once
or a background task prepares it (`hub.reports.export_jobs`); and how many rows a spreadsheet would
write, which decides between the two (`DIRECT_ROWS`)."""

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from hub.models import Enterprise, Hub, User
from hub.permissions import reads_personal_data_in_reports
from hub.reports import exports, pdf
from hub.reports.exports import Progress
from hub.reports.impact import report_baselines_due, report_followups, report_followups_due
from hub.reports.programme import full_report
from hub.reports.selectors import (
    ReportFilters,
    readable_hubs,
    report_cases,
    report_cases_answered,
    report_cases_resolved,
    report_enterprises,
    report_open_cases,
    report_visits,
)

RECORDS: dict[str, tuple[Callable[..., QuerySet], str, tuple[str, ...], tuple[str, ...]]] = {
    "enterprises": (report_enterprises, "enterprises", ("hub", "region"), ("name", "pk")),
    "cases": (report_cases, "cases", ("enterprise", "hub"), ("-pk",)),
    "answered-cases": (report_cases_answered, "cases", ("enterprise", "hub"), ("-pk",)),
    "resolved-cases": (report_cases_resolved, "cases", ("enterprise", "hub"), ("-pk",)),
    "open-cases": (report_open_cases, "cases", ("enterprise", "hub"), ("received_at", "pk")),
    "visits": (report_visits, "visits", ("enterprise", "hub", "referent"), ("-started_at", "-pk")),
    "followups": (report_followups, "followups", ("enterprise", "hub"), ("-pk",)),
    "due-followups": (report_followups_due, "due_followups", ("enterprise", "assigned_to"), ("due_date", "pk")),
    "due-baselines": (report_baselines_due, "due_followups", ("enterprise", "assigned_to"), ("due_date", "pk")),
}
"""Per kind of record behind a figure: its selector, its table (the columns of the page and of the
exports, `exports.RECORDS`), the relations its page shows and its page's order (the visits newest first;
the open cases and the follow-ups due oldest first, as the backlog and the answer rate read)."""

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
SPREADSHEETS = ("csv", "xlsx")

DIRECT_ROWS = {"csv": 5_000, "xlsx": 2_000}
"""A spreadsheet of more rows than this is prepared by a background task; a smaller one is sent at once.
Measured on a hub of 20,000 enterprises and a year of 30,000 cases and 30,000 visits (SQLite, one core):
XLSX takes 0.4 to 0.65 ms a row (visits 14.3 s, cases 19.1 s), CSV 0.05 to 0.12 ms (1.6 s, 3.5 s), so
the files sent at once are written in about a second at most, sooner than a page waiting for them would
load over a 3G link and with no worker needed; the year of a large hub would hold a web worker for 15 s
and more."""


@dataclass(frozen=True)
class ExportFile:
    name: str
    content_type: str
    content: bytes


def report_hub(*, user: User, filters: ReportFilters) -> Hub | None:
    """The one hub the report covers, or None when it covers several."""
    hubs = list(readable_hubs(user=user, filters=filters)[:2])
    return hubs[0] if len(hubs) == 1 else None


def hub_name(hub: Hub | None) -> str:
    return hub.name if hub else _("All hubs")


def file_name(name: str, hub: Hub | None, filters: ReportFilters, extension: str) -> str:
    """`name` followed by the hub's code and the period, e.g. rapport-ML-2026-01-01-2026-12-31.pdf."""
    return f"{name}-{hub.code if hub else 'hubs'}-{filters.date_from}-{filters.date_to}.{extension}"


def report_file(
    *, user: User, filters: ReportFilters, by: str, fmt: str, hub: Hub | None, progress: Progress | None = None
) -> ExportFile:
    """The programme report as `fmt` (pdf, csv or xlsx) for `hub` (`report_hub`), dated in that hub's zone,
    a roll-up across hubs in the current zone; `progress` follows a spreadsheet's rows. PermissionDenied
    as `full_report` raises it."""
    report = full_report(user=user, filters=filters, by=by, enterprises=pdf.PDF_ENTERPRISES if fmt == "pdf" else None)
    with timezone.override(hub.zone if hub else timezone.get_current_timezone()):
        if fmt == "pdf":
            content = pdf.report_pdf(report, hub_name=hub_name(hub))
        else:
            make = exports.report_csv if fmt == "csv" else exports.report_xlsx
            content = make(report, hub_name=hub_name(hub), progress=progress)
    return ExportFile(file_name("rapport", hub, filters, fmt), CONTENT_TYPES[fmt], content)


def report_rows(*, user: User, filters: ReportFilters) -> int:
    """The rows of the report's spreadsheets that grow with the hub: one per enterprise followed up in the
    period, for those who read the impact per enterprise (none for regional viewers); the other tables hold
    a few dozen rows."""
    if not reads_personal_data_in_reports(user):
        return 0
    return Enterprise.objects.filter(pk__in=report_followups(user=user, filters=filters).values("enterprise")).count()


def records_queryset(*, user: User, kind: str, filters: ReportFilters) -> QuerySet:
    """The records behind a figure that `user` reads; precondition: `kind` is one of RECORDS."""
    selector = RECORDS[kind][0]
    return selector(user=user, filters=filters)


def records_file(
    *, user: User, kind: str, filters: ReportFilters, fmt: str, hub: Hub | None, progress: Progress | None = None
) -> ExportFile:
    """The records behind a figure as `fmt` (csv or xlsx), named after `hub` (`report_hub`); PermissionDenied
    for those who may not read them."""
    if not reads_personal_data_in_reports(user):
        raise PermissionDenied
    records = records_queryset(user=user, kind=kind, filters=filters)
    make = exports.records_csv if fmt == "csv" else exports.records_xlsx
    content = make(RECORDS[kind][1], records, progress=progress)
    return ExportFile(file_name(kind, hub, filters, fmt), CONTENT_TYPES[fmt], content)
