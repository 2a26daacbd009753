"""The report pages under /manage/reports/: the programme report on screen with its charts, the same
report as PDF, CSV and XLSX, the records behind its figures for hub staff, and the hub's yearly targets
that the report sets its figures against."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control, never_cache

from hub.calendar import hub_today
from hub.models import ExportJob, Hub, Role
from hub.permissions import Action, access, can, reads_personal_data_in_reports, reads_reports, require
from hub.reports import charts
from hub.reports.downloads import (
    CONTENT_TYPES,
    DIRECT_ROWS,
    RECORDS,
    SPREADSHEETS,
    ExportFile,
    hub_name,
    records_file,
    records_queryset,
    report_file,
    report_hub,
    report_rows,
)
from hub.reports.export_jobs import REPORT, export_jobs_visible_to, export_request
from hub.reports.figures import DIMENSIONS, page_catalogue
from hub.reports.forms import ReportFilterForm, TargetsForm
from hub.reports.programme import full_report
from hub.services import hub_targets_save


def _filters(request):
    """The filter form for `request`; a 403 for those who may not read reports. Precondition: signed in."""
    if not reads_reports(request.user):
        raise PermissionDenied
    return ReportFilterForm(request.GET, user=request.user)


def _svg(chart: bytes) -> str:
    """matplotlib's SVG, its XML prologue dropped, to sit inside the page; matplotlib escapes the text."""
    text = chart.decode()
    return mark_safe(text[text.index("<svg") :])  # noqa: S308 - matplotlib escapes the text  # nosec B308 B703


EXPORT_PAGE_REFRESH = 2
"""Seconds between two looks of the job page at its export's progress (its script's, or the page's own
refresh without script)."""

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
        "hub_name": hub_name(report_hub(user=request.user, filters=filters)),
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
    """The report as PDF, CSV or XLSX; a spreadsheet of more rows than `DIRECT_ROWS` is prepared by a
    background task, whose page the reader is sent to."""
    if fmt not in CONTENT_TYPES:
        raise Http404
    form = _filters(request)
    if not form.is_valid():
        return render(request, "reports/report.html", {"form": form, "report": None}, status=400)
    filters = form.to_filters()
    hub = report_hub(user=request.user, filters=filters)
    if fmt in SPREADSHEETS:
        rows = report_rows(user=request.user, filters=filters)
        if rows > DIRECT_ROWS[fmt]:
            job = export_request(user=request.user, kind=REPORT, fmt=fmt, form=form, hub=hub, rows=rows)
            return redirect("reports:export-job", token=job.token)
    made = report_file(user=request.user, filters=filters, by=form.cleaned_data["by"], fmt=fmt, hub=hub)
    return _attachment(made)


def _attachment(made: ExportFile) -> HttpResponse:
    response = HttpResponse(made.content, content_type=made.content_type)
    response["Content-Disposition"] = f'attachment; filename="{made.name}"'
    return response


@login_required
def report_records(request, kind: str):
    """The records behind a figure, for those who may read them; `?format=csv|xlsx` exports them all, by a
    background task beyond `DIRECT_ROWS` records."""
    if kind not in RECORDS:
        raise Http404
    form = _filters(request)
    if not reads_personal_data_in_reports(request.user):
        raise PermissionDenied
    if not form.is_valid():
        return render(request, "reports/report.html", {"form": form, "report": None}, status=400)
    _selector, table, related, ordering = RECORDS[kind]
    filters = form.to_filters()
    records = records_queryset(user=request.user, kind=kind, filters=filters)
    export = request.GET.get("format")
    if export in SPREADSHEETS:
        hub = report_hub(user=request.user, filters=filters)
        rows = records.count()
        if rows > DIRECT_ROWS[export]:
            job = export_request(user=request.user, kind=kind, fmt=export, form=form, hub=hub, rows=rows)
            return redirect("reports:export-job", token=job.token)
        return _attachment(records_file(user=request.user, kind=kind, filters=filters, fmt=export, hub=hub))
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


def _export_job(request, token) -> ExportJob:
    """The job, for those who may follow it; the same 404 whether it is missing or not theirs."""
    if not reads_reports(request.user):
        raise PermissionDenied
    return access(export_jobs_visible_to(user=request.user), token=token)


def _job_state(job: ExportJob) -> dict:
    """What the job page shows and its script polls."""
    ready = job.status == ExportJob.Status.READY and not job.expired
    if job.stalled:
        message = _("This export did not finish: start it again from the report.")
    elif job.expired:
        message = _("This export has expired: start it again from the report.")
    elif job.status == ExportJob.Status.FAILED:
        message = job.error
    elif job.status == ExportJob.Status.QUEUED:
        message = _("Waiting for its turn…")
    elif job.status == ExportJob.Status.RUNNING and not job.rows_done:
        message = _("Counting the figures…")
    elif job.status == ExportJob.Status.RUNNING:
        message = _("%(done)s rows written out of %(total)s") % {
            "done": number_format(job.rows_done, force_grouping=True),
            "total": number_format(max(job.rows_total, job.rows_done), force_grouping=True),
        }
    else:
        message = _("The file is ready.")
    return {
        "status": job.status,
        "done": job.rows_done,
        "total": job.rows_total,
        "percent": job.percent,
        "finished": job.finished or job.stalled or job.expired,
        "message": message,
        "failed": job.status == ExportJob.Status.FAILED or job.stalled or job.expired,
        "download": reverse("reports:export-file", kwargs={"token": job.token}) if ready else None,
        "file_name": job.file_name if ready else "",
    }


@never_cache
@login_required
def export_job(request, token):
    """A background export: its progress, refreshed every few seconds while it runs, then its file."""
    job = _export_job(request, token)
    state = _job_state(job)
    context = {"job": job, "state": state, "refresh": EXPORT_PAGE_REFRESH if not state["finished"] else None}
    return render(request, "reports/export_job.html", context)


@never_cache
@login_required
def export_job_progress(request, token):
    """The job page's state as JSON, which its script polls."""
    return JsonResponse(_job_state(_export_job(request, token)))


@login_required
def export_job_file(request, token):
    """The job's file under its own name, while the job is ready and not expired."""
    job = _export_job(request, token)
    if job.status != ExportJob.Status.READY or job.expired or not job.file:
        raise Http404(_("No such record."))
    try:
        file = job.file.open("rb")
    except FileNotFoundError as error:
        raise Http404(_("No such record.")) from error
    content_type = CONTENT_TYPES[job.format]
    response = FileResponse(file, as_attachment=True, filename=job.file_name, content_type=content_type)
    response["Cache-Control"] = "private, no-store"
    return response


@cache_control(max_age=3600, private=True)
@login_required
def export_job_script(request):
    """The job page's script, served here rather than as a static file of the hub app (as the imports')."""
    return HttpResponse(render_to_string("reports/export_job.js"), content_type="text/javascript")


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
