"""The SME portal: the enterprise's requests, each with its answer, messages and files, its pending impact
questionnaires, and the rating and questionnaire links that work without signing in. Pages are never cached:
the portal is used on shared computers."""

import datetime
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from cases import services
from cases.forms import SupportRequestForm
from cases.models import Case, CaseStatus, Channel
from cases.portal_forms import ConfirmForm, QuestionnaireForm, RateForm, ReopenForm, ReplyForm
from cases.rating import case_from_rating_token
from cases.selectors import case_counts, case_notes_visible_to, case_shares, cases_visible_to
from hub.calendar import hub_today
from hub.followups.questionnaire import followup_from_questionnaire_token, questionnaire_token
from hub.followups.selectors import followup_questionnaires_for_sme
from hub.followups.services import Collection, followup_collect
from hub.forms import add_errors
from hub.permissions import Action, access, require

S = CaseStatus

STEPS = {
    S.NEW: gettext_lazy("We received your request."),
    S.QUALIFIED: gettext_lazy("Your request was accepted and is being prepared."),
    S.ASSIGNED: gettext_lazy("A technology referent is now in charge of your request."),
    S.IN_PROGRESS: gettext_lazy("Work on your request has started."),
    S.WAITING_SME: gettext_lazy("We asked you for information."),
    S.RESOLVED: gettext_lazy("Your request was resolved."),
    S.CLOSED: gettext_lazy("The request is closed."),
    S.REJECTED: gettext_lazy("Your request could not be taken up."),
    S.REFERRED: gettext_lazy("Your request was passed on to a partner organisation."),
}
RESUMED_STEPS = {
    S.WAITING_SME: gettext_lazy("Your answer was received: work goes on."),
    S.RESOLVED: gettext_lazy("The request was reopened."),
}
"""Moves back to in progress, told by where the case came from."""

NEXT_STEP = {
    S.NEW: gettext_lazy("Your request will be reviewed soon."),
    S.QUALIFIED: gettext_lazy("A technology referent will be put in charge of it soon."),
    S.ASSIGNED: gettext_lazy("Your referent will contact you or visit you soon."),
    S.IN_PROGRESS: gettext_lazy("Your referent is working on it. You can write to them below."),
    S.WAITING_SME: gettext_lazy("We are waiting for your answer: read the last message and reply below."),
    S.RESOLVED: gettext_lazy("Is your problem solved? Confirm it, or reopen the request if it is not."),
}


@dataclass(frozen=True)
class Step:
    at: datetime.datetime
    text: str
    question: str = ""


def _steps(case: Case) -> list[Step]:
    """The status changes told in plain words, oldest first. Notes on the changes are for the staff, except
    the question asked when the case waits for the SME, which the SME was sent."""
    steps = []
    for event in case.events.all():
        text = STEPS[event.to_status]
        if event.to_status == S.IN_PROGRESS:
            text = RESUMED_STEPS.get(event.from_status, text)
        steps.append(Step(event.created_at, text, event.note if event.to_status == S.WAITING_SME else ""))
    return steps


def _reopen_until(case: Case) -> datetime.datetime | None:
    """Until when the SME may reopen its resolved case; `services.case_transition` enforces it."""
    if case.status != S.RESOLVED:
        return None
    return (case.resolved_at or case.updated_at) + datetime.timedelta(days=case.hub.reopen_days)


def _case_page(request, case: Case, *, status: int = 200, **forms):
    reopen_until = _reopen_until(case)
    context = {
        "case": case,
        "next_step": NEXT_STEP.get(case.status, ""),
        "steps": _steps(case),
        "messages_to_sme": case_notes_visible_to(user=request.user, case=case),
        "attachments": case.attachments.filter(visible_to_sme=True),
        "shares": case_shares(case=case),
        "can_reply": case.status not in (S.CLOSED, S.REJECTED, S.REFERRED),
        "can_reopen": reopen_until is not None and timezone.now() <= reopen_until,
        "reopen_until": reopen_until,
        "can_rate": case.status in (S.RESOLVED, S.CLOSED) and case.satisfaction_rating is None,
        "reply_form": ReplyForm(),
        "confirm_form": ConfirmForm(),
        "reopen_form": ReopenForm(),
        "rate_form": RateForm(),
        **forms,
    }
    return render(request, "cases/portal_case.html", context, status=status)


@never_cache
@require(Action.RATE_CASES)
def portal_home(request):
    cases = cases_visible_to(user=request.user)
    today = timezone.localdate()
    questionnaires = followup_questionnaires_for_sme(user=request.user, today=today)
    context = {
        "enterprise": request.user.enterprise,
        "cases": cases.order_by("-received_at")[:20],
        "counts": case_counts(cases=cases, today=today),
        "questionnaires": [(followup, questionnaire_token(followup)) for followup in questionnaires],
    }
    return render(request, "cases/portal_home.html", context)


@never_cache
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
            add_errors(form, error)
        else:
            messages.success(
                request,
                _("Your request has been received under the reference %(reference)s. We will answer you soon.")
                % {"reference": case.reference},
            )
            return redirect("cases:portal-case", pk=case.pk)
    return render(request, "cases/portal_new_request.html", {"form": form})


def _portal_case(request, pk: int) -> Case:
    return access(cases_visible_to(user=request.user).select_related("hub"), pk=pk)


@never_cache
@require(Action.RATE_CASES)
def portal_case(request, pk: int):
    return _case_page(request, _portal_case(request, pk))


ACTIONS = {"reply": ReplyForm, "confirm": ConfirmForm, "reopen": ReopenForm, "rate": RateForm}


@never_cache
@require(Action.RATE_CASES)
@require_POST
def portal_case_action(request, pk: int, action: str):
    """The case page's forms. Bad input is marked on its form; an action the case's state refuses is said at
    the top of the page, since its form may no longer be shown. Either way nothing is saved."""
    case = _portal_case(request, pk)
    if action not in ACTIONS:
        raise Http404
    form = ACTIONS[action](request.POST)
    if form.is_valid():
        data, by = form.cleaned_data, request.user
        try:
            if action == "reply":
                services.case_reply(case=case, by=by, body=data["body"])
                done = _("Your message has been sent.")
            elif action == "confirm":
                services.case_transition(case=case, to_status=S.CLOSED, by=by)
                done = _("Thank you for confirming: the request is closed.")
            elif action == "reopen":
                services.case_reopen(case=case, by=by, reason=data["reason"])
                done = _("The request is reopened: your referent will get back to you.")
            else:
                services.case_rate(case=case, by=by, rating=data["rating"], comment=data["comment"])
                done = _("Thank you for your rating!")
        except ValidationError as error:
            for refusal in error.messages:
                messages.error(request, refusal)
        except PermissionDenied as error:
            messages.error(request, str(error) or _("You cannot make this change."))
        else:
            messages.success(request, done)
            return redirect("cases:portal-case", pk=case.pk)
    case.refresh_from_db()
    return _case_page(request, case, **{f"{action}_form": form})


@never_cache
@require(Action.RATE_CASES)
def portal_attachment(request, pk: int, token):
    """Files are never public: each is sent after the same check as its case, and only if shared with the
    SME."""
    case = _portal_case(request, pk)
    return attachment_download(access(case.attachments.filter(visible_to_sme=True), token=token))


def attachment_download(attachment) -> FileResponse:
    """The file as a download under the name it was sent with; a file missing on disk is a 404."""
    try:
        file = attachment.file.open("rb")
    except FileNotFoundError as error:
        raise Http404(_("No such record.")) from error
    return FileResponse(
        file, as_attachment=True, filename=attachment.original_name, content_type=attachment.content_type
    )


@never_cache
def rate_link(request, token: str):
    """Rating from the link in the resolution message, without signing in. Shows nothing of the case but its
    reference, title and resolution summary."""
    case = case_from_rating_token(token)
    if case is None:
        return render(request, "cases/portal_rate_link.html", {"case": None}, status=404)
    form = RateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.case_rate(
                case=case,
                by=None,
                via_link=True,
                rating=form.cleaned_data["rating"],
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as error:
            add_errors(form, error)
            case.refresh_from_db()
        else:
            messages.success(request, _("Thank you for your rating!"))
            return redirect("cases:rate-link", token=token)
    context = {
        "case": case,
        "form": form,
        "rated": case.satisfaction_rating is not None,
        "rateable": case.status in (S.RESOLVED, S.CLOSED),
    }
    return render(request, "cases/portal_rate_link.html", context)


@never_cache
def followup_questionnaire(request, token: str):
    """The enterprise's own answers to its 6- or 12-month follow-up, from the link it was sent, without
    signing in; recorded once, as self-reported, collected today. Shows nothing of the enterprise but the
    case's reference and title. A link that is altered, expired, cancelled or of an anonymised enterprise is
    not found."""
    followup = followup_from_questionnaire_token(token)
    if followup is None or followup.enterprise.anonymised_at is not None:
        return render(request, "cases/portal_followup.html", {"followup": None}, status=404)
    form = QuestionnaireForm(request.POST or None)
    if request.method == "POST" and followup.collected_on is None and form.is_valid():
        try:
            followup_collect(
                followup=followup,
                data=Collection(collected_on=hub_today(hub=followup.hub), answers=form.cleaned_data),
                by=None,
                self_reported=True,
            )
        except ValidationError as error:
            add_errors(form, error)
            followup.refresh_from_db()
        else:
            messages.success(request, _("Thank you! Your answers have been recorded."))
            return redirect("cases:followup-questionnaire", token=token)
    context = {"followup": followup, "form": form, "answered": followup.collected_on is not None}
    return render(request, "cases/portal_followup.html", context)
