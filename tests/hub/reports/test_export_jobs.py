"""Report spreadsheets prepared in the background: beyond `DIRECT_ROWS` rows the download link records a
job whose task writes the same file the direct download sends, recording its progress; only the
requester and the staff of the job's hub follow it and download its file; a failure is explained in
French; nothing is prepared for a request rolled back; expired jobs go with their files."""

import datetime
import io
import os
from types import SimpleNamespace

import openpyxl
import pytest
from django.core.management import call_command
from django.db import transaction
from django.http import QueryDict
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cases.models import CaseStatus
from hub.models import ExportJob
from hub.reports import export_jobs, exports, views
from hub.reports.export_jobs import export_request, export_run
from hub.reports.forms import ReportFilterForm
from tests.factories import AdminFactory, CaseFactory, EnterpriseFactory, FollowUpFactory, ManagerFactory

PERIOD = "date_from=2026-01-01&date_to=2026-12-31"
NOW = datetime.datetime(2026, 12, 7, 9, tzinfo=datetime.UTC)
S = ExportJob.Status


def at(month: int, day: int) -> datetime.datetime:
    return datetime.datetime(2026, month, day, 9, tzinfo=datetime.UTC)


@pytest.fixture
def data(hub, other_hub, enterprise, referent):
    other = EnterpriseFactory(hub=hub, name="=Forge Keïta", women_led=True)
    for month in (2, 3, 4):
        CaseFactory(enterprise=enterprise, received_at=at(month, 3), status=CaseStatus.NEW)
    CaseFactory(enterprise=other, received_at=at(5, 3), status=CaseStatus.NEW)
    CaseFactory(hub=other_hub, received_at=at(3, 3))
    for firm, turnover in ((other, 10_000_000), (enterprise, 5_000_000)):
        FollowUpFactory(enterprise=firm, kind="baseline", turnover_xof=turnover)
        resolved = CaseFactory(
            enterprise=firm,
            status=CaseStatus.CLOSED,
            received_at=datetime.datetime(2025, 1, 6, 9, tzinfo=datetime.UTC),
            resolved_at=datetime.datetime(2025, 1, 20, 9, tzinfo=datetime.UTC),
        )
        FollowUpFactory(case=resolved, kind="m6", collected_on=datetime.date(2026, 8, 1), turnover_xof=turnover + 1)


@pytest.fixture
def large(monkeypatch):
    """Every spreadsheet counts as large: it is prepared by a task."""
    monkeypatch.setattr(views, "DIRECT_ROWS", {"csv": 0, "xlsx": 0})


@pytest.fixture
def signed_in(client, manager, data):
    client.force_login(manager)
    return client


def ask(client, url: str, capture) -> ExportJob:
    """Asks for the export at `url` as the page's link does; the task runs when the request commits."""
    with capture(execute=True):
        response = client.get(url)
        assert response.status_code == 302
        job = ExportJob.objects.get()
        assert response["Location"] == f"/manage/reports/exports/{job.token}/"
        assert job.status == S.QUEUED
    job.refresh_from_db()
    return job


def test_a_large_export_runs_as_a_task_and_records_its_progress(
    signed_in, manager, hub, large, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(exports, "CHUNK_SIZE", 1)
    seen = []
    build = export_jobs.records_file

    def watched(**kwargs):
        progress = kwargs["progress"]

        def recorded(done):
            progress(done)
            seen.append(ExportJob.objects.values_list("status", "rows_done").get())

        return build(**{**kwargs, "progress": recorded})

    monkeypatch.setattr(export_jobs, "records_file", watched)

    job = ask(signed_in, f"/manage/reports/records/cases/?{PERIOD}&format=csv", django_capture_on_commit_callbacks)

    assert seen == [("running", 1), ("running", 2), ("running", 3), ("running", 4), ("running", 4)]
    assert (job.status, job.rows_done, job.rows_total, job.percent) == (S.READY, 4, 4, 100)
    assert (job.requester, job.hub, job.kind, job.format) == (manager, hub, "cases", "csv")
    assert job.started_at <= job.finished_at
    assert job.file.name == f"exports/{hub.pk}/{job.token}.csv"
    assert job.file_name == "cases-ML-2026-01-01-2026-12-31.csv"
    assert abs(job.expires_at - job.created_at - datetime.timedelta(days=7)) < datetime.timedelta(seconds=1)


def test_the_job_page_shows_the_progress_then_the_link(signed_in, large, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = signed_in.get(f"/manage/reports/records/cases/?{PERIOD}&format=xlsx", follow=True)
    page = response.content.decode()
    job = ExportJob.objects.get()
    assert (response.status_code, len(callbacks)) == (200, 1)
    assert '<noscript><meta http-equiv="refresh" content="2"></noscript>' in page
    assert "/manage/reports/exports/progress.js" in page
    assert "/file/" not in page
    assert "En attente de son tour" in page or _("Waiting for its turn…") in page
    progress = signed_in.get(f"/manage/reports/exports/{job.token}/progress/").json()
    assert (progress["status"], progress["finished"], progress["download"]) == ("queued", False, None)

    callbacks[0]()

    progress = signed_in.get(f"/manage/reports/exports/{job.token}/progress/").json()
    assert (progress["status"], progress["percent"], progress["finished"]) == ("ready", 100, True)
    assert progress["download"] == f"/manage/reports/exports/{job.token}/file/"
    page = signed_in.get(f"/manage/reports/exports/{job.token}/").content.decode()
    assert "refresh" not in page and "progress.js" not in page
    assert f'href="/manage/reports/exports/{job.token}/file/"' in page
    download = signed_in.get(progress["download"])
    assert download["Content-Disposition"] == 'attachment; filename="cases-ML-2026-01-01-2026-12-31.xlsx"'
    assert download["Cache-Control"] == "private, no-store"


def cells(content: bytes) -> list:
    """Each sheet's title and cells; the file's own creation time (in its properties) left aside."""
    book = openpyxl.load_workbook(io.BytesIO(content))
    return [(sheet.title, list(sheet.iter_rows(values_only=True))) for sheet in book.worksheets]


@pytest.mark.parametrize(
    "url",
    [
        f"/manage/reports/export.csv?{PERIOD}",
        f"/manage/reports/export.xlsx?{PERIOD}&by=sector",
        f"/manage/reports/records/cases/?{PERIOD}&format=csv",
        f"/manage/reports/records/followups/?{PERIOD}&format=xlsx",
    ],
)
def test_the_file_is_the_one_the_direct_download_sends(signed_in, url, monkeypatch, django_capture_on_commit_callbacks):
    monkeypatch.setattr(timezone, "now", lambda: NOW)  # the report's "Generated at"
    direct = signed_in.get(url)
    assert direct.status_code == 200 and not ExportJob.objects.exists()

    monkeypatch.setattr(views, "DIRECT_ROWS", {"csv": 0, "xlsx": 0})
    job = ask(signed_in, url, django_capture_on_commit_callbacks)
    prepared = signed_in.get(f"/manage/reports/exports/{job.token}/file/")

    content = b"".join(prepared.streaming_content)
    if url.endswith("csv") or "export.csv" in url:
        assert content == direct.content
    else:
        assert cells(content) == cells(direct.content)
    assert prepared["Content-Disposition"] == direct["Content-Disposition"]
    assert prepared["Content-Type"] == direct["Content-Type"]


def test_the_report_spreadsheet_is_written_in_the_requesters_language(
    signed_in, large, django_capture_on_commit_callbacks
):
    signed_in.cookies["django_language"] = "en"
    job = ask(signed_in, f"/manage/reports/export.xlsx?{PERIOD}", django_capture_on_commit_callbacks)
    book = openpyxl.load_workbook(io.BytesIO(job.file.read()))
    assert book.sheetnames[0] == "Report"


def test_a_small_export_is_sent_at_once(signed_in):
    response = signed_in.get(f"/manage/reports/records/cases/?{PERIOD}&format=csv")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="cases-ML-')
    assert not ExportJob.objects.exists()


def test_the_rows_that_make_an_export_large_depend_on_its_format(signed_in, monkeypatch, committed):
    monkeypatch.setattr(views, "DIRECT_ROWS", {"csv": 4, "xlsx": 3})
    with committed():
        csv = signed_in.get(f"/manage/reports/records/cases/?{PERIOD}&format=csv")
        xlsx = signed_in.get(f"/manage/reports/records/cases/?{PERIOD}&format=xlsx")
    assert (csv.status_code, xlsx.status_code) == (200, 302)
    assert ExportJob.objects.get().rows_total == 4


def test_the_same_export_asked_twice_while_it_waits_is_one_job(signed_in, large, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        first = signed_in.get(f"/manage/reports/export.csv?{PERIOD}")
        second = signed_in.get(f"/manage/reports/export.csv?{PERIOD}")
        other = signed_in.get(f"/manage/reports/export.xlsx?{PERIOD}")
    assert first["Location"] == second["Location"] != other["Location"]
    assert ExportJob.objects.count() == len(callbacks) == 2


@pytest.fixture
def job(signed_in, large, django_capture_on_commit_callbacks) -> ExportJob:
    return ask(signed_in, f"/manage/reports/records/cases/?{PERIOD}&format=csv", django_capture_on_commit_callbacks)


def urls(job: ExportJob) -> list[str]:
    base = f"/manage/reports/exports/{job.token}/"
    return [base, f"{base}progress/", f"{base}file/"]


def test_a_manager_of_the_same_hub_and_the_administrators_follow_and_download_it(client, job, hub):
    for user in (ManagerFactory(hub=hub, username="second-manager"), AdminFactory(username="root")):
        client.force_login(user)
        assert [client.get(url).status_code for url in urls(job)] == [200, 200, 200]


def test_another_hubs_manager_and_a_regional_viewer_find_nothing(client, job, other_manager, viewer):
    for user in (other_manager, viewer):
        client.force_login(user)
        assert [client.get(url).status_code for url in urls(job)] == [404, 404, 404]


def test_referents_smes_and_visitors_are_refused(client, job, other_referent, referent, sme_user):
    for user in (other_referent, referent, sme_user):
        client.force_login(user)
        assert [client.get(url).status_code for url in urls(job)] == [403, 403, 403]
    client.logout()
    assert all(client.get(url).status_code == 302 for url in urls(job))


def test_a_roll_up_across_hubs_stays_its_requesters(client, data, admin_user, manager, large, committed):
    client.force_login(admin_user)
    with committed():
        response = client.get(f"/manage/reports/export.csv?{PERIOD}")
    job = ExportJob.objects.get()
    assert response.status_code == 302 and job.hub is None
    assert job.file_name == "rapport-hubs-2026-01-01-2026-12-31.csv"
    assert client.get(urls(job)[2]).status_code == 200
    for user in (manager, AdminFactory(username="root")):
        client.force_login(user)
        assert client.get(urls(job)[0]).status_code == 404


def test_a_regional_viewers_spreadsheets_hold_aggregates_only_and_are_sent_at_once(client, data, viewer, large):
    client.force_login(viewer)
    assert client.get(f"/manage/reports/export.xlsx?{PERIOD}").status_code == 200
    assert not ExportJob.objects.exists()


def test_a_requester_moved_to_another_hub_no_longer_reads_the_job(client, job, manager, other_hub):
    manager.hub = other_hub
    manager.save()
    client.force_login(manager)
    assert client.get(urls(job)[2]).status_code == 404


def test_a_failing_export_is_marked_failed_with_a_french_message(
    signed_in, large, monkeypatch, django_capture_on_commit_callbacks
):
    def broken(**kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(export_jobs, "records_file", broken)
    job = ask(signed_in, f"/manage/reports/records/cases/?{PERIOD}&format=xlsx", django_capture_on_commit_callbacks)

    with translation.override("fr"):
        message = _("The export failed because of an error on the server. Try again later.")
    assert (job.status, job.error, job.file.name) == (S.FAILED, message, "")
    assert job.parameters["language"] == "fr"
    assert "disk on fire" not in job.error
    page = signed_in.get(urls(job)[0]).content.decode()
    assert message.replace("'", "&#x27;") in page and "refresh" not in page
    assert signed_in.get(urls(job)[2]).status_code == 404


def test_a_requester_who_lost_the_right_is_refused_by_the_task(signed_in, manager, data, large, committed):
    with committed():
        form = ReportFilterForm(QueryDict(PERIOD), user=manager)
        assert form.is_valid()
        job = export_request(user=manager, kind="cases", fmt="csv", form=form, hub=manager.hub, rows=4)
        manager.role = "referent"
        manager.save()
    job.refresh_from_db()
    with translation.override("fr"):
        assert job.error == _("You may no longer read these figures: the export was stopped.")
    assert job.status == S.FAILED


def test_nothing_is_enqueued_when_the_request_rolls_back(
    manager, data, monkeypatch, django_capture_on_commit_callbacks
):
    enqueued = []
    monkeypatch.setattr(export_jobs, "export_build", SimpleNamespace(enqueue=enqueued.append))
    form = ReportFilterForm(QueryDict(PERIOD), user=manager)
    assert form.is_valid()
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        export_request(user=manager, kind="report", fmt="xlsx", form=form, hub=manager.hub, rows=10)
        raise RuntimeError("the request failed after the job was recorded")
    assert (callbacks, enqueued) == ([], [])
    assert not ExportJob.objects.exists()


def test_a_job_is_taken_once(job):
    assert export_run(job.pk) == S.READY
    job.refresh_from_db()
    assert job.status == S.READY


def test_a_job_left_waiting_is_shown_as_lost(signed_in, manager, data):
    form = ReportFilterForm(QueryDict(PERIOD), user=manager)
    assert form.is_valid()
    job = export_request(user=manager, kind="cases", fmt="csv", form=form, hub=manager.hub, rows=4)
    ExportJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - datetime.timedelta(hours=2))
    progress = signed_in.get(urls(job)[1]).json()
    assert (progress["finished"], progress["failed"]) == (True, True)
    assert signed_in.get(f"/manage/reports/records/cases/?{PERIOD}&format=csv").status_code == 200


def test_an_expired_job_goes_with_its_file(signed_in, job):
    path = job.file.path
    ExportJob.objects.filter(pk=job.pk).update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    assert signed_in.get(urls(job)[2]).status_code == 404
    assert signed_in.get(urls(job)[1]).json()["failed"] is True
    output = io.StringIO()

    call_command("remove_orphan_files", stdout=output)

    assert "1 expired report exports removed." in output.getvalue()
    assert not ExportJob.objects.exists()
    assert not os.path.exists(path)


def test_the_job_page_reads_a_fixed_number_of_queries(signed_in, job, django_assert_num_queries):
    with django_assert_num_queries(3):
        assert signed_in.get(urls(job)[0]).status_code == 200
    with django_assert_num_queries(3):
        assert signed_in.get(urls(job)[1]).status_code == 200
