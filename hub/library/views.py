"""Pages of the technology library: the staff's library (sheets and partner organisations) and the SME
portal's sheets. The referents' pages for the phone are in `visits.views`."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases.views import attachment_download
from hub.classifications import IsicSection, TechnologyDomain
from hub.forms import add_errors
from hub.library import services
from hub.library.formatting import render as render_body
from hub.library.forms import PartnerForm, SheetForm
from hub.library.selectors import partners_found, partners_visible_to, sheets_found, sheets_visible_to
from hub.models import Partner, TechnologySheet
from hub.permissions import Action, access, can, require

PAGE_SIZE = 30


def _sheet_list(request, *, template: str, statuses: bool):
    query = request.GET.get("q", "").strip()[:200]
    sheets = sheets_found(
        user=request.user,
        query=query,
        domain=request.GET.get("domain", ""),
        sector=request.GET.get("sector", ""),
        status=request.GET.get("status", "") if statuses else "",
    )
    page = Paginator(sheets.order_by("title", "pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    context = {
        "page": page,
        "q": query,
        "params": params.urlencode(),
        "data": request.GET,
        "domains": TechnologyDomain.choices,
        "sectors": IsicSection.choices,
        "statuses": TechnologySheet.Status.choices if statuses else None,
        "can_write": can(request.user, Action.WRITE_LIBRARY),
    }
    return render(request, template, context)


@require(Action.SHARE_LIBRARY)
def sheet_list(request):
    return _sheet_list(request, template="library/sheet_list.html", statuses=True)


@require(Action.SHARE_LIBRARY)
def sheet_detail(request, pk: int):
    sheet = access(sheets_visible_to(user=request.user), pk=pk)
    context = {
        "sheet": sheet,
        "body": render_body(sheet.body),
        "partners": sheet.partners.all(),
        "attachments": sheet.attachments.all(),
        "can_write": can(request.user, Action.WRITE_LIBRARY),
    }
    return render(request, "library/sheet_detail.html", context)


@require(Action.WRITE_LIBRARY)
def sheet_edit(request, pk: int | None = None):
    """Write a new sheet (no `pk`) or change one; a refused change saves nothing."""
    sheet = TechnologySheet(hub=request.user.hub) if pk is None else access(sheets_visible_to(user=request.user), pk=pk)
    if sheet.hub_id is None:
        raise PermissionDenied(_("Choose the hub in the administration to write a sheet without a hub of your own."))
    form = SheetForm(request.POST or None, instance=sheet, hub_id=sheet.hub_id)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in services.SHEET_FIELDS}
        try:
            sheet = services.sheet_save(
                sheet=form.instance, by=request.user, partners=list(form.cleaned_data["partners"]), **fields
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The sheet is saved."))
            return redirect("library:sheet", pk=sheet.pk)
    return render(request, "library/sheet_form.html", {"form": form, "sheet": sheet})


@require_POST
@require(Action.WRITE_LIBRARY)
def sheet_attach(request, pk: int):
    sheet = access(sheets_visible_to(user=request.user), pk=pk)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("Choose the file to attach."))
        return redirect("library:sheet", pk=sheet.pk)
    try:
        services.sheet_attach(sheet=sheet, by=request.user, upload=upload)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The file is attached."))
    return redirect("library:sheet", pk=sheet.pk)


@require(Action.READ_LIBRARY)
def sheet_attachment(request, pk: int, token):
    """Files are served after the same check as their sheet (for SME users: published or shared)."""
    sheet = access(sheets_visible_to(user=request.user), pk=pk)
    return attachment_download(access(sheet.attachments.all(), token=token))


@require(Action.SHARE_LIBRARY)
def partner_list(request):
    query = request.GET.get("q", "").strip()[:200]
    partners = partners_found(
        user=request.user, query=query, kind=request.GET.get("kind", ""), domain=request.GET.get("domain", "")
    )
    params = request.GET.copy()
    params.pop("page", None)
    context = {
        "page": Paginator(partners.prefetch_related("regions").order_by("name", "pk"), PAGE_SIZE).get_page(
            request.GET.get("page")
        ),
        "q": query,
        "params": params.urlencode(),
        "data": request.GET,
        "kinds": Partner.Kind.choices,
        "domains": TechnologyDomain.choices,
        "can_edit": can(request.user, Action.MANAGE_DIRECTORY),
    }
    return render(request, "library/partner_list.html", context)


@require(Action.MANAGE_DIRECTORY)
def partner_edit(request, pk: int | None = None):
    partner = Partner(hub=request.user.hub) if pk is None else access(partners_visible_to(user=request.user), pk=pk)
    if partner.hub_id is None:
        raise PermissionDenied(_("Choose the hub in the administration to add a partner without a hub of your own."))
    form = PartnerForm(request.POST or None, instance=partner, country=partner.hub.country)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in services.PARTNER_FIELDS}
        try:
            services.partner_save(
                partner=form.instance, by=request.user, regions=form.cleaned_data["regions"], **fields
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The partner organisation is saved."))
            return redirect("library:partners")
    return render(request, "library/partner_form.html", {"form": form, "partner": partner})


@require_POST
@require(Action.MANAGE_DIRECTORY)
def partner_delete(request, pk: int):
    partner = access(partners_visible_to(user=request.user), pk=pk)
    services.partner_delete(partner=partner, by=request.user)
    messages.success(request, _("The partner organisation is deleted; the cases referred to it keep its name."))
    return redirect("library:partners")


@require(Action.READ_LIBRARY)
def portal_sheet_list(request):
    return _sheet_list(request, template="library/portal_sheet_list.html", statuses=False)


@require(Action.READ_LIBRARY)
def portal_sheet(request, pk: int):
    sheet = access(sheets_visible_to(user=request.user), pk=pk)
    context = {
        "sheet": sheet,
        "body": render_body(sheet.body),
        "partners": sheet.partners.all() if sheet.status == TechnologySheet.Status.PUBLISHED else [],
        "attachments": sheet.attachments.all(),
    }
    return render(request, "library/portal_sheet.html", context)
