"""Report spreadsheets prepared in the background: `export_request` records an `ExportJob` and enqueues its
task for when the caller's transaction commits (nothing is prepared for a request rolled back); the task
`export_build` builds the file the download button would have sent (`hub.reports.downloads`), recording
the rows written as it goes, and stores it in the private media storage until the job expires.
`export_jobs_visible_to` says who may follow a job and download its file."""

import logging

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import QueryDict
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from hub.models import ExportJob, Hub, Role, User
from hub.permissions import Action, can, hubs_readable_in_reports, reads_reports
from hub.reports.downloads import RECORDS, SPREADSHEETS, ExportFile, records_file, report_file, report_hub
from hub.reports.forms import ReportFilterForm
from hub.uploads import StorageFailure, removed_on_error

logger = logging.getLogger(__name__)

REPORT = "report"
KINDS = (REPORT, *RECORDS)
"""What a job exports: the programme report, or the records behind one of its figures (`RECORDS`)."""

S = ExportJob.Status


def export_request(*, user: User, kind: str, fmt: str, form: ReportFilterForm, hub: Hub | None, rows: int) -> ExportJob:
    """The job preparing the `fmt` spreadsheet of `kind` for the filters of the valid `form`, as `user`
    reads them; `hub` is the one hub it covers (None for several), `rows` the rows expected. The task is
    enqueued when the caller's transaction commits. A job of `user` for the same export still waiting or
    being prepared is returned instead of a second one (a button pressed twice)."""
    if kind not in KINDS or fmt not in SPREADSHEETS:
        raise ValueError(f"No background export of {kind!r} as {fmt!r}")
    parameters = {
        "query": {name: _values(form.data, name) for name in form.fields if name in form.data},
        "language": translation.get_language(),
        "time_zone": timezone.get_current_timezone_name(),
    }
    waiting = ExportJob.objects.filter(
        requester=user, kind=kind, format=fmt, status__in=(S.QUEUED, S.RUNNING), expires_at__gt=timezone.now()
    )
    for job in waiting:
        if job.parameters == parameters and not job.stalled:
            return job
    job = ExportJob.objects.create(
        requester=user, hub=hub, kind=kind, format=fmt, parameters=parameters, rows_total=rows
    )
    job_id = job.pk
    transaction.on_commit(lambda: export_build.enqueue(job_id), robust=True)
    return job


def _values(data, name: str) -> list[str]:
    """The form's values for `name`, from a query string or a plain dict."""
    if isinstance(data, QueryDict):
        return data.getlist(name)
    value = data[name]
    return [str(item) for item in value] if isinstance(value, list | tuple) else [str(value)]


def export_jobs_visible_to(*, user: User) -> QuerySet[ExportJob]:
    """The jobs whose progress and file `user` may see: their own, while they still read the reports of
    the job's hub (a roll-up across hubs stays its requester's); and the jobs of one hub for those who read
    that hub's records (its managers, the administrators), since its file holds nothing they could not
    export themselves."""
    if not reads_reports(user):
        return ExportJob.objects.none()
    readable = Hub.objects.filter(hubs_readable_in_reports(user)).values("pk")
    own = Q(requester=user) & (Q(hub__isnull=True) | Q(hub__in=readable))
    if can(user, Action.VIEW_HUB_REPORTS) and user.role == Role.ADMIN:
        own |= Q(hub__isnull=False)
    elif can(user, Action.VIEW_HUB_REPORTS) and user.hub_id:
        own |= Q(hub=user.hub_id)
    return ExportJob.objects.filter(own)


@task()
def export_build(job_id: int) -> str:
    """The background task: prepare the job's file if the job is still waiting; returns its status."""
    return export_run(job_id)


def export_run(job_id: int) -> str:
    """Takes the job (once: a job already taken is left as it is), builds its file and stores it; a
    failure is recorded with a message in the requester's language. Returns the job's status."""
    with transaction.atomic():
        job = ExportJob.objects.select_for_update().select_related("requester").filter(pk=job_id).first()
        if job is None or not job.can_move_to(S.RUNNING):
            return job.status if job else ""
        job.status = S.RUNNING
        job.started_at = timezone.now()
        job.save(update_fields=["status", "started_at"])
    language = job.parameters.get("language") or translation.get_language()
    zone = job.parameters.get("time_zone") or timezone.get_default_timezone_name()
    with translation.override(language), timezone.override(zone):
        try:
            made = _build(job)
        except PermissionDenied:
            return _fail(job, _("You may no longer read these figures: the export was stopped."))
        except _InvalidFilters:
            return _fail(job, _("The filters of this export are no longer valid: start it again from the report."))
        except Exception:
            logger.exception("Export %s failed", job.pk)
            return _fail(job, _("The export failed because of an error on the server. Try again later."))
        try:
            with removed_on_error() as stored:
                job.file.save(f"{job.kind}.{job.format}", ContentFile(made.content), save=False)
                stored.append(job.file)
                job.file_name = made.name
                job.status = S.READY
                job.finished_at = timezone.now()
                job.rows_done = max(job.rows_done, job.rows_total)
                job.save(update_fields=["file", "file_name", "status", "finished_at", "rows_done"])
        except StorageFailure:
            job.file = ""
            return _fail(job, _("The file could not be stored on the server. Try again later."))
    return job.status


class _InvalidFilters(Exception):
    pass


def _build(job: ExportJob) -> ExportFile:
    """The file the download button builds for the job's parameters, as the requester reads them now."""
    user = job.requester
    if not user.is_active:
        raise PermissionDenied
    query = QueryDict(mutable=True)
    for name, values in job.parameters.get("query", {}).items():
        query.setlist(name, values)
    form = ReportFilterForm(query, user=user)
    if not form.is_valid():
        raise _InvalidFilters
    filters = form.to_filters()
    hub = report_hub(user=user, filters=filters)

    def progress(done: int) -> None:
        job.rows_done = done
        ExportJob.objects.filter(pk=job.pk).update(rows_done=done)

    if job.kind == REPORT:
        by = form.cleaned_data["by"]
        return report_file(user=user, filters=filters, by=by, fmt=job.format, hub=hub, progress=progress)
    return records_file(user=user, kind=job.kind, filters=filters, fmt=job.format, hub=hub, progress=progress)


def _fail(job: ExportJob, message: str) -> str:
    job.status = S.FAILED
    job.error = message
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "error", "finished_at"])
    return job.status


def export_jobs_remove_expired(*, dry_run: bool = False) -> int:
    """Delete the expired jobs and their files; returns how many. `manage.py remove_orphan_files` calls it."""
    expired = ExportJob.objects.filter(expires_at__lte=timezone.now())
    if dry_run:
        return expired.count()
    count = 0
    for job in expired.iterator():
        if job.file:
            job.file.delete(save=False)
        job.delete()
        count += 1
    return count
