"""Writes of the imports. A file is uploaded and checked: a dry run, in which every line goes through its
kind's resource and its record's service (`hub.imports.resources`) in a transaction rolled back at the end,
and whose report the batch keeps. It is then confirmed (the same run, committed only if no line is refused:
one transaction, so that a refusal in the last line stores nothing) or cancelled. `records_import` checks or
imports a file in one go, for the command. The history rows of the records imported name the importing
person and the file."""

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePath

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hub.imports.files import Sheet, extension_of, read_upload
from hub.imports.history import attributed
from hub.imports.resources import RESOURCES, Line, RecordResource
from hub.models import Hub, ImportBatch, User
from hub.permissions import Action, can, works_in_hub
from hub.uploads import removed_on_error

Decision = ImportBatch.Decision
Status = ImportBatch.Status
REPORTED_LINES = 200
"""Refused lines and duplicates the report keeps (the page lists them); the others are counted."""
SAMPLE_LINES = 20
"""Lines to be created the report shows."""


@dataclass(frozen=True)
class Run:
    """What a run over a file did, or would do, with each line that is not blank."""

    lines: list[Line]

    @property
    def counts(self) -> Counter:
        return Counter(line.action for line in self.lines)

    @property
    def refused(self) -> list[Line]:
        return [line for line in self.lines if line.action == "refuse"]

    @property
    def duplicates(self) -> list[Line]:
        return [line for line in self.lines if line.duplicate is not None]


def _check_may_import(*, by: User, hub: Hub) -> None:
    if not can(by, Action.IMPORT_RECORDS) or not works_in_hub(by, hub.pk):
        raise PermissionDenied(_("You cannot import records into this hub."))


def _resource_class(*, kind: str, on_duplicate: str) -> type[RecordResource]:
    resource_class = RESOURCES.get(kind)
    if resource_class is None:
        raise ValidationError({"kind": _("Choose what the file holds.")})
    if on_duplicate not in resource_class.decisions:
        raise ValidationError(
            {"on_duplicate": _("A past case or visit already stored can be skipped or created again, not updated.")}
        )
    return resource_class


def _run(*, batch: ImportBatch, sheet: Sheet, by: User, dry_run: bool, progress: Callable | None = None) -> Run:
    resource = RESOURCES[batch.kind](
        hub=batch.hub,
        by=by,
        token=batch.token,
        on_duplicate=batch.on_duplicate,
        decisions=batch.decisions,
        progress=progress,
    )
    with attributed(user=by, reason=_("Import %(file)s") % {"file": batch.file_name}):
        result = resource.import_data(
            sheet.dataset, dry_run=dry_run, use_transactions=True, rollback_on_validation_errors=True
        )
    if result.base_errors:
        raise result.base_errors[0].error
    return Run(resource.lines)


def _line_report(line: Line) -> dict:
    duplicate = line.duplicate
    return {
        "line": line.number,
        "label": line.label,
        "action": line.action,
        "errors": line.errors,
        "decision": line.decision,
        "duplicate": duplicate
        and {
            "record": duplicate.record if duplicate.line is None else None,
            "label": duplicate.label,
            "why": duplicate.why,
            "line": duplicate.line,
        },
    }


def _keep(batch: ImportBatch, run: Run, sheet: Sheet) -> None:
    counts = run.counts
    batch.rows = len(run.lines)
    batch.created_count, batch.updated_count = counts["create"], counts["update"]
    batch.skipped_count, batch.refused_count = counts["skip"], counts["refuse"]
    batch.report = {
        "refused": [_line_report(line) for line in run.refused[:REPORTED_LINES]],
        "duplicates": [_line_report(line) for line in run.duplicates[:REPORTED_LINES]],
        "created": [_line_report(line) for line in run.lines if line.action == "create"][:SAMPLE_LINES],
        "ignored_columns": sheet.ignored,
    }


def _imported(batch: ImportBatch, *, by: User) -> None:
    """The batch once its lines are stored: the file is deleted when this commits, the lines' report dropped
    (it names people; the counts stay)."""
    batch.status = Status.IMPORTED
    batch.imported_by, batch.imported_at = by, timezone.now()
    batch.report = {}
    _drop_file(batch)


def _drop_file(batch: ImportBatch) -> None:
    if batch.file:
        storage, name = batch.file.storage, batch.file.name
        transaction.on_commit(lambda: storage.delete(name))
        batch.file = ""


def _stored_sheet(batch: ImportBatch) -> Sheet:
    try:
        with batch.file.open("rb"):
            return read_upload(batch.file, resource_class=RESOURCES[batch.kind], max_lines=None)
    except (FileNotFoundError, ValueError) as error:
        raise ValidationError(_("The file of this import is no longer stored: upload it again.")) from error


def _check_waiting(batch: ImportBatch) -> None:
    if batch.status != Status.CHECKED:
        raise ValidationError(_("This file was already imported or cancelled."))


def _decide(batch: ImportBatch, *, on_duplicate: str | None, decisions: dict[str, str]) -> None:
    """Set the batch's decisions: `on_duplicate` for every duplicate, and per line (`decisions`, by line
    number) for the duplicates its report lists."""
    resource_class = _resource_class(kind=batch.kind, on_duplicate=on_duplicate or batch.on_duplicate)
    batch.on_duplicate = on_duplicate or batch.on_duplicate
    listed = {str(line["line"]) for line in batch.report.get("duplicates", [])}
    batch.decisions = {
        line: decision
        for line, decision in decisions.items()
        if line in listed and decision in resource_class.decisions and decision != batch.on_duplicate
    }


def batch_upload(*, hub: Hub, kind: str, upload, by: User, on_duplicate: str = Decision.SKIP) -> ImportBatch:
    """Check `upload` (a dry run) and keep it, with the report, in a batch waiting for confirmation. Raises
    ValidationError keyed by form field ("file": a file that cannot be read, lacks a required column or
    holds too many lines) and PermissionDenied when `by` may not import into `hub`; the report lists the
    refused lines, which the batch cannot be imported with."""
    _check_may_import(by=by, hub=hub)
    resource_class = _resource_class(kind=kind, on_duplicate=on_duplicate)
    sheet = read_upload(upload, resource_class=resource_class, max_lines=resource_class.page_lines)
    batch = ImportBatch(
        hub=hub, kind=kind, file_name=PurePath(upload.name).name[:255], on_duplicate=on_duplicate, uploaded_by=by
    )
    run = _run(batch=batch, sheet=sheet, by=by, dry_run=True)
    _keep(batch, run, sheet)
    with transaction.atomic(), removed_on_error() as stored:
        batch.file.save(f"import.{extension_of(upload.name)}", upload, save=False)
        stored.append(batch.file)
        batch.save()
    return batch


def batch_check(
    *, batch: ImportBatch, by: User, on_duplicate: str | None = None, decisions: dict[str, str] | None = None
) -> Run:
    """Check the batch's file again (a dry run) with these decisions on its duplicates."""
    _check_may_import(by=by, hub=batch.hub)
    _check_waiting(batch)
    _decide(batch, on_duplicate=on_duplicate, decisions=decisions or {})
    sheet = _stored_sheet(batch)
    run = _run(batch=batch, sheet=sheet, by=by, dry_run=True)
    _keep(batch, run, sheet)
    batch.save()
    return run


def batch_import(
    *,
    batch: ImportBatch,
    by: User,
    on_duplicate: str | None = None,
    decisions: dict[str, str] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Run:
    """Import the batch's file with these decisions on its duplicates, all or nothing: when a line is
    refused (the records changed since the check), nothing is stored and the batch keeps the new report,
    still waiting. `progress` is told the lines done and the total as the run goes."""
    _check_may_import(by=by, hub=batch.hub)
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update(of=("self",)).select_related("hub").get(pk=batch.pk)
        _check_waiting(batch)
        _decide(batch, on_duplicate=on_duplicate, decisions=decisions or {})
        sheet = _stored_sheet(batch)
        run = _run(batch=batch, sheet=sheet, by=by, dry_run=False, progress=progress)
        _keep(batch, run, sheet)
        if not run.refused:
            _imported(batch, by=by)
        batch.save()
    return run


@transaction.atomic
def batch_cancel(*, batch: ImportBatch, by: User) -> ImportBatch:
    """Nothing of the file is imported; the file is deleted."""
    _check_may_import(by=by, hub=batch.hub)
    batch = ImportBatch.objects.select_for_update(of=("self",)).select_related("hub").get(pk=batch.pk)
    _check_waiting(batch)
    batch.status = Status.CANCELLED
    batch.report = {}
    _drop_file(batch)
    batch.save()
    return batch


def records_import(
    *, hub: Hub, kind: str, upload, by: User, on_duplicate: str = Decision.SKIP, dry_run: bool = False
) -> tuple[Run, ImportBatch | None]:
    """Check (`dry_run`: nothing is stored) or import `upload` in one go, of any length. An import that
    refuses a line stores nothing, the batch included; an import that succeeds is listed with the others,
    without its file. Returns the run and the batch stored, if any. Raises as `batch_upload`."""
    _check_may_import(by=by, hub=hub)
    sheet = read_upload(upload, resource_class=_resource_class(kind=kind, on_duplicate=on_duplicate), max_lines=None)
    batch = ImportBatch(
        hub=hub, kind=kind, file_name=PurePath(upload.name).name[:255], on_duplicate=on_duplicate, uploaded_by=by
    )
    if dry_run:
        return _run(batch=batch, sheet=sheet, by=by, dry_run=True), None
    with transaction.atomic():
        run = _run(batch=batch, sheet=sheet, by=by, dry_run=False)
        if run.refused:
            return run, None
        _keep(batch, run, sheet)
        _imported(batch, by=by)
        batch.save()
    return run, batch
