"""The report pages under /manage/reports/: the programme report on screen with its charts, the same
report as PDF, CSV and XLSX, the records behind its figures for hub staff, and the hub's yearly targets
that the report sets its figures against."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from hub.calendar import hub_today
from hub.models import Hub, Role
from hub.permissions import Action, can, reads_personal_data_in_reports, reads_reports, require
from hub.reports import charts, exports, pdf
from hub.reports.figures import DIMENSIONS, page_catalogue
from hub.reports.forms import ReportFilterForm, TargetsForm
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
from hub.services import hub_targets_save

RECORDS = {
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
EXPORTS = {
    "pdf": "application/pdf",
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _filters(request):
    """The filter form for `request`; a 403 for those who may not read reports. Precondition: signed in."""
    if not reads_reports(request.user):
        raise PermissionDenied
    return ReportFilterForm(request.GET, user=request.user)


def _svg(chart: bytes) -> str:
    """matplotlib's SVG, its XML prologue dropped, to sit inside the page; matplotlib escapes the text."""
    text = chart.decode()
    return mark_safe(text[text.index("<svg") :])  # noqa: S308 - matplotlib escapes the text  # nosec B308 B703


def _report_hub(*, user, filters: ReportFilters) -> Hub | None:
    """The one hub the report covers, or None when it covers several."""
    hubs = list(readable_hubs(user=user, filters=filters)[:2])
    return hubs[0] if len(hubs) == 1 else None


def _hub_name(hub: Hub | None) -> str:
    return hub.name if hub else _("All hubs")


def _file_name(name: str, hub: Hub | None, filters: ReportFilters, extension: str) -> str:
    """`name` followed by the hub's code and the period, e.g. rapport-ML-2026-01-01-2026-12-31.pdf."""
    return f"{name}-{hub.code if hub else 'hubs'}-{filters.date_from}-{filters.date_to}.{extension}"


PAGE_ENTERPRISES = 50
"""Enterprises of the impact table on the page (one more is read to know whether to say there are more)."""


@login_required
def report_page(request):
    form = _filters(request)
    if not form.is_valid():
        return render(request, "reports/report.html", {"form": form, "report": None}, status=400)
    by = form.cleaned_data["by"]
    filters = form.to_filters()
    report = full_report(user=request.user, filters=filters, by=by, enterprises=PAGE_ENTERPRISES + 1)
    more_enterprises = report["enterprises"] is not None and len(report["enterprises"]) > PAGE_ENTERPRISES
    if more_enterprises:
        report["enterprises"] = report["enterprises"][:PAGE_ENTERPRISES]
    quality = report["service_quality"]
    context = {
        "form": form,
        "report": report,
        "hub_name": _hub_name(_report_hub(user=request.user, filters=filters)),
        "query": request.GET.urlencode(),
        "personal": reads_personal_data_in_reports(request.user),
        "more_enterprises": more_enterprises,
        "can_set_targets": can(request.user, Action.SET_TARGETS),
        "catalogue": page_catalogue(report),
        "charts": {
            "monthly": _svg(charts.monthly_activity(report["monthly"], fmt="svg")),
            "breakdown": _svg(charts.breakdown(report["breakdown"]["rows"], title=DIMENSIONS[by].chart, fmt="svg")),
            "delays": _svg(charts.delays(quality, fmt="svg")),
            "backlog": _svg(charts.backlog(quality["backlog_by_age"], fmt="svg")),
            "impact": _svg(charts.impact(report["impact"], fmt="svg")),
            "targets": None
            if report["targets"]["omitted"]
            else _svg(charts.targets(_target_lines(report["targets"]), fmt="svg")),
        },
    }
    return render(request, "reports/report.html", context)


def _target_lines(targets: dict) -> list[dict]:
    """One hub's lines, or the roll-up across hubs."""
    if targets["total"] is not None:
        return targets["total"]
    return targets["hubs"][0]["indicators"] if targets["hubs"] else []


@login_required
def report_export(request, fmt: str):
    if fmt not in EXPORTS:
        raise Http404
    form = _filters(request)
    if not form.is_valid():
        return render(request, "reports/report.html", {"form": form, "report": None}, status=400)
    filters = form.to_filters()
    report = full_report(
        user=request.user,
        filters=filters,
        by=form.cleaned_data["by"],
        enterprises=pdf.PDF_ENTERPRISES if fmt == "pdf" else None,
    )
    hub = _report_hub(user=request.user, filters=filters)
    make = {"pdf": pdf.report_pdf, "csv": exports.report_csv, "xlsx": exports.report_xlsx}[fmt]
    # One hub's report is dated in its zone; a roll-up in the reader's.
    with timezone.override(hub.zone if hub else timezone.get_current_timezone()):
        content = make(report, hub_name=_hub_name(hub))
    response = HttpResponse(content, content_type=EXPORTS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{_file_name("rapport", hub, filters, fmt)}"'
    return response


@login_required
def report_records(request, kind: str):
    """The records behind a figure, for those who may read them; `?format=csv|xlsx` exports them all."""
    if kind not in RECORDS:
        raise Http404
    form = _filters(request)
    if not reads_personal_data_in_reports(request.user):
        raise PermissionDenied
    if not form.is_valid():
        return render(request, "reports/report.html", {"form": form, "report": None}, status=400)
    selector, table, related, ordering = RECORDS[kind]
    filters = form.to_filters()
    records = selector(user=request.user, filters=filters)
    export = request.GET.get("format")
    if export in ("csv", "xlsx"):
        make = exports.records_csv if export == "csv" else exports.records_xlsx
        response = HttpResponse(make(table, records), content_type=EXPORTS[export])
        name = _file_name(kind, _report_hub(user=request.user, filters=filters), filters, export)
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    query = request.GET.copy()
    query.pop("page", None)
    page = Paginator(records.select_related(*related).order_by(*ordering), 50).get_page(request.GET.get("page"))
    context = {
        "kind": kind,
        "table": table,
        "page": page,
        "query": query.urlencode(),
        "form": form,
        "can_open_visits": can(request.user, Action.VIEW_VISITS),
    }
    return render(request, "reports/records.html", context)


@require(Action.SET_TARGETS)
def targets_edit(request):
    """The hub's targets for a year (`?year=`, this year by default). Managers set their own hub's;
    administrators the hub they name (`?hub=`, the first hub otherwise)."""
    hub = _targets_hub(request)
    year = _targets_year(request, hub)
    current = dict(hub.targets.filter(year=year).values_list("indicator", "value"))
    form = TargetsForm(request.POST or None, initial_values=current)
    here = f"{reverse('reports:targets')}?{urlencode({'hub': hub.code, 'year': year})}"
    if request.method == "POST" and form.is_valid():
        try:
            hub_targets_save(hub=hub, year=year, values=form.values(), by=request.user)
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            messages.success(request, _("The %(year)s targets are saved.") % {"year": year})
            return redirect(here)
    context = {
        "form": form,
        "hub": hub,
        "year": year,
        "hubs": Hub.objects.order_by("code") if request.user.role == Role.ADMIN else None,
        "years": [year - 1, year + 1],
    }
    return render(request, "reports/targets.html", context, status=400 if form.errors else 200)


def _targets_hub(request) -> Hub:
    if request.user.role != Role.ADMIN:
        return get_object_or_404(Hub, pk=request.user.hub_id)
    code = request.GET.get("hub")
    hubs = Hub.objects.order_by("code")
    hub = hubs.filter(code=code).first() if code else hubs.first()
    if hub is None:
        raise Http404(_("No such hub."))
    return hub


def _targets_year(request, hub: Hub) -> int:
    """The year asked for, this year of `hub` by default; a 404 for a year that is no number between 2000
    and 2100, the targets' own bounds."""
    value = request.GET.get("year") or str(hub_today(hub=hub).year)
    if not value.isdigit() or not 2000 <= int(value) <= 2100:
        raise Http404(_("No targets for that year."))
    return int(value)
