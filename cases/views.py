from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from cases import services
from cases.forms import SupportRequestForm
from cases.models import Channel
from cases.selectors import case_counts, case_notes_visible_to, cases_visible_to
from hub.permissions import Action, access, require


@require(Action.RATE_CASES)
def portal_home(request):
    cases = cases_visible_to(user=request.user)
    context = {
        "enterprise": request.user.enterprise,
        "cases": cases.order_by("-received_at")[:20],
        "counts": case_counts(cases=cases, today=timezone.localdate()),
    }
    return render(request, "cases/portal_home.html", context)


@require(Action.RATE_CASES)
def portal_new_request(request):
    """The SME's own request: the case and its files are stored together or not at all."""
    form = SupportRequestForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                case = services.case_create(
                    enterprise=request.user.enterprise,
                    by=request.user,
                    channel=Channel.PORTAL,
                    domain=form.cleaned_data["domain"],
                    title=form.cleaned_data["title"],
                    description=form.cleaned_data["description"],
                )
                services.case_attach_files(case=case, by=request.user, uploads=form.cleaned_data["attachments"])
        except ValidationError as error:
            for field, field_errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, field_errors)
        else:
            messages.success(
                request,
                _("Your request has been received under the reference %(reference)s. We will answer you soon.")
                % {"reference": case.reference},
            )
            return redirect("cases:portal-case", pk=case.pk)
    return render(request, "cases/portal_new_request.html", {"form": form})


@require(Action.RATE_CASES)
def portal_case(request, pk: int):
    case = access(cases_visible_to(user=request.user), pk=pk)
    context = {
        "case": case,
        "messages_to_sme": case_notes_visible_to(user=request.user, case=case),
        "attachments": case.attachments.filter(visible_to_sme=True),
    }
    return render(request, "cases/portal_case.html", context)
