"""The imports' pages: templates to fill, a file checked then imported on confirmation, the imports done.
The import runs in its request; the page polls its progress (`progress.js`, and without JavaScript the page
simply waits)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_POST

from hub.forms import add_errors
from hub.imports import services
from hub.imports.files import EXTENSIONS, template
from hub.imports.forms import DecisionForm, UploadForm
from hub.imports.progress import progress_of, progress_recorder
from hub.imports.resources import RESOURCES
from hub.imports.selectors import batches_visible_to, import_hubs
from hub.models import ImportBatch
from hub.permissions import Action, access, require

RECORD_PAGES = {
    ImportBatch.Kind.ENTERPRISES: "directory:enterprise-detail",
    ImportBatch.Kind.CASES: "manage-cases:detail",
    ImportBatch.Kind.VISITS: "manage-visits:detail",
}
CONTENT_TYPES = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "csv": "text/csv"}
LISTED_BATCHES = 50


def _chosen_hub(request, hubs):
    """The hub of the page: a manager's own, the one an administrator chose (`?hub=<code>`) or the first."""
    return hubs.filter(code=request.GET.get("hub")).first() or hubs.first()


@never_cache
@require(Action.IMPORT_RECORDS)
def batch_list(request):
    hubs = import_hubs(user=request.user)
    hub = _chosen_hub(request, hubs)
    form = UploadForm(request.POST or None, request.FILES or None, hubs=hubs, hub=hub)
    if request.method == "POST" and form.is_valid():
        try:
            batch = services.batch_upload(
                hub=form.chosen_hub(),
                kind=form.cleaned_data["kind"],
                upload=form.cleaned_data["file"],
                on_duplicate=form.cleaned_data["on_duplicate"],
                by=request.user,
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            return redirect("imports:batch", pk=batch.pk)
    context = {
        "form": form,
        "hub": hub,
        "hubs": hubs if hubs.count() > 1 else None,
        "kinds": [
            (kind, label, RESOURCES[kind].page_lines, RESOURCES[kind].columns().values())
            for kind, label in ImportBatch.Kind.choices
        ],
        "extensions": EXTENSIONS,
        "batches": batches_visible_to(user=request.user)[:LISTED_BATCHES],
    }
    return render(request, "imports/list.html", context, status=400 if form.errors else 200)


@require(Action.IMPORT_RECORDS)
def template_download(request, kind: str, extension: str):
    hub = _chosen_hub(request, import_hubs(user=request.user))
    if kind not in RESOURCES or extension not in EXTENSIONS or hub is None:
        raise Http404(_("No such template."))
    content = template(RESOURCES[kind](hub=hub), extension=extension)
    response = HttpResponse(content, content_type=CONTENT_TYPES[extension])
    response["Content-Disposition"] = f'attachment; filename="import-{kind}-{hub.code}.{extension}"'
    return response


def _shown_lines(batch: ImportBatch, lines: list[dict]) -> list[dict]:
    """The report's lines with their columns' headers and the page of the record each one matches."""
    columns = RESOURCES[batch.kind].columns()
    shown = []
    for line in lines:
        duplicate = line.get("duplicate")
        url = reverse(RECORD_PAGES[batch.kind], args=[duplicate["record"]]) if duplicate and duplicate["record"] else ""
        errors = [(columns[column].label if column in columns else "", message) for column, message in line["errors"]]
        shown.append({**line, "errors": errors, "url": url})
    return shown


@never_cache
@require(Action.IMPORT_RECORDS)
def batch_detail(request, pk: int):
    batch = access(batches_visible_to(user=request.user), pk=pk)
    report = batch.report
    form = DecisionForm(batch=batch)
    context = {
        "batch": batch,
        "waiting": batch.status == ImportBatch.Status.CHECKED,
        "refused": _shown_lines(batch, report.get("refused", [])),
        "duplicates": [(line, form[f"line-{line['line']}"]) for line in _shown_lines(batch, form.duplicates)],
        "created": report.get("created", []),
        "ignored_columns": report.get("ignored_columns", []),
        "form": form,
        "listed_beyond": max(0, batch.refused_count - len(report.get("refused", []))),
    }
    return render(request, "imports/batch.html", context)


def _decided(request, batch: ImportBatch) -> dict | None:
    form = DecisionForm(request.POST, batch=batch)
    if not form.is_valid():
        messages.error(request, _("The decisions could not be read: choose again."))
        return None
    return form.choices()


@require_POST
@require(Action.IMPORT_RECORDS)
def batch_check(request, pk: int):
    batch = access(batches_visible_to(user=request.user), pk=pk)
    choices = _decided(request, batch)
    if choices is not None:
        try:
            services.batch_check(batch=batch, by=request.user, **choices)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The file is checked again with your decisions."))
    return redirect("imports:batch", pk=batch.pk)


@require_POST
@require(Action.IMPORT_RECORDS)
def batch_import(request, pk: int):
    batch = access(batches_visible_to(user=request.user), pk=pk)
    choices = _decided(request, batch)
    if choices is None:
        return redirect("imports:batch", pk=batch.pk)
    try:
        run = services.batch_import(batch=batch, by=request.user, progress=progress_recorder(batch), **choices)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("imports:batch", pk=batch.pk)
    counts = run.counts
    if run.refused:
        messages.error(
            request,
            _("Nothing was imported: lines are refused now (%(count)d). Correct them and upload the file again.")
            % {"count": counts["refuse"]},
        )
    else:
        messages.success(
            request,
            _("Imported: %(created)d created, %(updated)d updated, %(skipped)d skipped.")
            % {"created": counts["create"], "updated": counts["update"], "skipped": counts["skip"]},
        )
    return redirect("imports:batch", pk=batch.pk)


@require_POST
@require(Action.IMPORT_RECORDS)
def batch_cancel(request, pk: int):
    batch = access(batches_visible_to(user=request.user), pk=pk)
    try:
        services.batch_cancel(batch=batch, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("imports:batch", pk=batch.pk)
    messages.success(request, _("The import of %(file)s is cancelled, its file deleted.") % {"file": batch.file_name})
    return redirect("imports:list")


@never_cache
@require(Action.IMPORT_RECORDS)
def batch_progress(request, pk: int):
    """{"done": lines, "total": lines, "status": the batch's}; done and total are null before any run."""
    batch = access(batches_visible_to(user=request.user), pk=pk)
    progress = progress_of(batch) or {"done": None, "total": None}
    return JsonResponse({**progress, "status": batch.status})


@cache_control(max_age=3600, private=True)
@require(Action.IMPORT_RECORDS)
def progress_script(request):
    """The pages' script, served here rather than as a static file of the hub app."""
    return HttpResponse(render_to_string("imports/progress.js"), content_type="text/javascript")
