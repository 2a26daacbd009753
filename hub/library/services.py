"""Writes to the technology library, and the sharing of sheets and partners with enterprises through
their cases and visits."""

import uuid

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hub.library.search import searchable
from hub.models import Partner, SheetAttachment, TechnologySheet, User
from hub.permissions import Action, can, works_in_hub
from hub.uploads import document_type, removed_on_error

SHEET_FIELDS = [
    "title",
    "domain",
    "sectors",
    "summary",
    "body",
    "cost_min_xof",
    "cost_max_xof",
    "equipment",
    "language",
    "status",
    "review_date",
]
PARTNER_FIELDS = ["name", "kind", "domains", "contact_name", "phone", "email", "website", "address"]
MAX_SHEET_ATTACHMENTS = 10


def sheet_search_text(sheet: TechnologySheet) -> str:
    return searchable(" ".join([sheet.title, sheet.summary, sheet.body, sheet.equipment]))


def partner_search_text(partner: Partner) -> str:
    return searchable(" ".join([partner.name, partner.contact_name, partner.address]))


def _check_hub(*, by: User, hub_id: int) -> None:
    if not works_in_hub(by, hub_id):
        raise PermissionDenied(_("You can only work in your own hub."))


@transaction.atomic
def sheet_save(*, sheet: TechnologySheet, by: User, partners: list[Partner] | None = None, **fields) -> TechnologySheet:
    """Create (unsaved `sheet`) or update a sheet of `by`'s hub after full validation; `by` becomes the
    author of a new sheet. `partners` replaces the partner organisations it points to."""
    if not can(by, Action.WRITE_LIBRARY):
        raise PermissionDenied(_("Your role cannot write technology sheets."))
    unknown = set(fields) - set(SHEET_FIELDS)
    if unknown:
        raise ValueError(f"Not editable: {sorted(unknown)}")
    if sheet.pk is None:
        sheet.hub_id = sheet.hub_id or by.hub_id
        sheet.author = by
    _check_hub(by=by, hub_id=sheet.hub_id)
    for name, value in fields.items():
        setattr(sheet, name, value)
    sheet.full_clean()
    sheet.search_text = sheet_search_text(sheet)
    sheet.save()
    if partners is not None:
        foreign = [partner for partner in partners if partner.hub_id != sheet.hub_id]
        if foreign:
            raise ValidationError({"partners": _("Choose partner organisations of this hub.")})
        sheet.partners.set(partners)
    return sheet


@transaction.atomic
def sheet_attach(*, sheet: TechnologySheet, by: User, upload) -> SheetAttachment:
    """A PDF or a picture, checked by content, stored under a name the server chooses."""
    if not can(by, Action.WRITE_LIBRARY):
        raise PermissionDenied(_("Your role cannot write technology sheets."))
    _check_hub(by=by, hub_id=sheet.hub_id)
    if sheet.attachments.count() >= MAX_SHEET_ATTACHMENTS:
        raise ValidationError({"file": _("A sheet has at most 10 attachments.")})
    _extension, content_type = document_type(upload, field="file")
    attachment = SheetAttachment(
        sheet=sheet,
        token=uuid.uuid4(),
        original_name=upload.name[-255:],
        content_type=content_type,
        size=upload.size,
        uploaded_by=by,
    )
    with removed_on_error() as stored:
        attachment.file.save(upload.name, ContentFile(upload.read()), save=False)
        stored.append(attachment.file)
        attachment.save()
    return attachment


@transaction.atomic
def partner_save(*, partner: Partner, by: User, regions=None, **fields) -> Partner:
    if not can(by, Action.MANAGE_DIRECTORY):
        raise PermissionDenied(_("Your role cannot change the directory."))
    unknown = set(fields) - set(PARTNER_FIELDS)
    if unknown:
        raise ValueError(f"Not editable: {sorted(unknown)}")
    if partner.pk is None:
        partner.hub_id = partner.hub_id or by.hub_id
    _check_hub(by=by, hub_id=partner.hub_id)
    for name, value in fields.items():
        setattr(partner, name, value)
    partner.full_clean()
    partner.search_text = partner_search_text(partner)
    partner.save()
    if regions is not None:
        partner.regions.set(regions)
    return partner


@transaction.atomic
def partner_delete(*, partner: Partner, by: User) -> None:
    """Cases referred to the partner and items shared keep its name; sheets stop pointing to it."""
    if not can(by, Action.MANAGE_DIRECTORY):
        raise PermissionDenied(_("Your role cannot change the directory."))
    _check_hub(by=by, hub_id=partner.hub_id)
    partner.delete()


def shared_item(*, by: User, hub_id: int, sheet: TechnologySheet | None, partner: Partner | None) -> dict:
    """The fields of a CaseShare or VisitShare: one published sheet or one partner of the hub."""
    if not can(by, Action.SHARE_LIBRARY):
        raise PermissionDenied(_("Your role cannot share library items."))
    if (sheet is None) == (partner is None):
        raise ValidationError(_("Share either a technology sheet or a partner organisation."))
    if sheet is not None and (sheet.hub_id != hub_id or sheet.status != TechnologySheet.Status.PUBLISHED):
        raise ValidationError({"sheet": _("Only the published sheets of this hub can be shared.")})
    if partner is not None and partner.hub_id != hub_id:
        raise ValidationError({"partner": _("Choose a partner organisation of this hub.")})
    return {
        "sheet": sheet,
        "partner": partner,
        "partner_name": partner.name if partner else "",
        "shared_by": by,
        "shared_at": timezone.now(),
    }
