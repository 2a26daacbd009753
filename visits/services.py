"""Every write to a visit. A visit is stored once per client UUID, however often it is resent."""

import datetime
import hashlib
import io
import json
import uuid
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from cases.models import Case
from hub.models import Enterprise, Role, User
from hub.permissions import Action, can
from visits.models import Visit, VisitPhoto


class VisitConflict(Exception):
    """The client UUID is already stored with other content; `visit` is the stored one when the same
    referent recorded it, None when somebody else did (their visit is not ours to show)."""

    def __init__(self, visit: Visit | None):
        super().__init__(_("Another visit was already recorded with this identifier."))
        self.visit = visit


@dataclass(frozen=True, kw_only=True)
class VisitInput:
    client_uuid: uuid.UUID
    enterprise: Enterprise
    started_at: datetime.datetime
    duration_minutes: int
    purpose: str
    observations: str = ""
    needs_found: str = ""
    recommendations: str = ""
    next_step: str = ""
    follow_up_date: datetime.date | None = None
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    gps_accuracy_m: int | None = None
    people_reached_total: int = 0
    people_reached_women: int = 0
    cases: list[Case] = field(default_factory=list)

    def content_hash(self) -> str:
        """SHA-256 of the submitted content in a canonical form: equal for an exact resend."""
        content = {
            "enterprise": self.enterprise.pk,
            "started_at": self.started_at.astimezone(datetime.UTC).isoformat(),
            "duration_minutes": self.duration_minutes,
            "purpose": self.purpose,
            "observations": self.observations,
            "needs_found": self.needs_found,
            "recommendations": self.recommendations,
            "next_step": self.next_step,
            "follow_up_date": self.follow_up_date.isoformat() if self.follow_up_date else None,
            "latitude": None if self.latitude is None else f"{Decimal(self.latitude):.6f}",
            "longitude": None if self.longitude is None else f"{Decimal(self.longitude):.6f}",
            "gps_accuracy_m": self.gps_accuracy_m,
            "people_reached_total": self.people_reached_total,
            "people_reached_women": self.people_reached_women,
            "cases": sorted(case.pk for case in self.cases),
        }
        return hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()


def _stored_or_conflict(*, client_uuid: uuid.UUID, content_hash: str, by: User) -> Visit:
    stored = Visit.objects.get(client_uuid=client_uuid)
    if stored.referent_id != by.pk:
        raise VisitConflict(None)
    if stored.content_hash != content_hash:
        raise VisitConflict(stored)
    return stored


def visit_record(*, data: VisitInput, by: User) -> tuple[Visit, bool]:
    """Store the visit `by` made, or return the one already stored under its client UUID.

    Returns (visit, created). Raises VisitConflict when the UUID is stored with other content,
    PermissionDenied when `by` may not log visits, ValidationError on invalid content.
    """
    if not can(by, Action.LOG_VISITS) or by.role != Role.REFERENT:
        raise PermissionDenied(_("Only referents log visits."))
    content_hash = data.content_hash()
    if Visit.objects.filter(client_uuid=data.client_uuid).exists():
        return _stored_or_conflict(client_uuid=data.client_uuid, content_hash=content_hash, by=by), False
    if data.enterprise.hub_id != by.hub_id:
        raise ValidationError({"enterprise": _("This enterprise belongs to another hub.")})
    foreign_cases = [case for case in data.cases if case.enterprise_id != data.enterprise.pk]
    if foreign_cases:
        raise ValidationError({"cases": _("Only cases of the visited enterprise can be linked.")})
    visit = Visit(
        hub_id=by.hub_id,
        referent=by,
        content_hash=content_hash,
        **{name: getattr(data, name) for name in VisitInput.__dataclass_fields__ if name != "cases"},
    )
    visit.full_clean(exclude=["client_uuid"])
    try:
        with transaction.atomic():
            visit.save()
            visit.cases.set(data.cases)
    except IntegrityError:
        if not Visit.objects.filter(client_uuid=data.client_uuid).exists():
            raise
        return _stored_or_conflict(client_uuid=data.client_uuid, content_hash=content_hash, by=by), False
    return visit, True


MAX_PHOTOS_PER_VISIT = 5
MAX_PHOTO_BYTES = 10 * 1024 * 1024
PHOTO_LONG_SIDE = 1600
PHOTO_QUALITY = 80


def _reencode_photo(upload) -> tuple[ContentFile, int, int]:
    """Open the upload as an image whatever its name says, and write it anew as a JPEG at most
    1600 px on its long side. Re-encoding drops every metadata block, GPS position included."""
    if upload.size > MAX_PHOTO_BYTES:
        raise ValidationError({"image": _("A photo can be at most 10 MB.")})
    try:
        with Image.open(upload) as source:
            source.verify()
        upload.seek(0)
        with Image.open(upload) as source:
            image = ImageOps.exif_transpose(source).convert("RGB")
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError) as error:
        raise ValidationError({"image": _("This file is not a photo we can read (JPEG, PNG or WebP).")}) from error
    image.thumbnail((PHOTO_LONG_SIDE, PHOTO_LONG_SIDE))
    output = io.BytesIO()
    image.save(output, format="JPEG", quality=PHOTO_QUALITY, optimize=True)
    return ContentFile(output.getvalue()), image.width, image.height


@transaction.atomic
def visit_add_photo(*, visit: Visit, by: User, upload, caption: str = "") -> VisitPhoto:
    """Only the referent who made the visit adds its photos, at most five."""
    if visit.referent_id != by.pk or not by.is_active:
        raise PermissionDenied(_("Only the referent who made the visit can add its photos."))
    visit = Visit.objects.select_for_update().get(pk=visit.pk)
    if visit.photos.count() >= MAX_PHOTOS_PER_VISIT:
        raise ValidationError({"image": _("A visit has at most 5 photos.")})
    content, width, height = _reencode_photo(upload)
    photo = VisitPhoto(visit=visit, token=uuid.uuid4(), caption=caption.strip()[:200])
    photo.image.save("photo.jpg", content, save=False)
    photo.width, photo.height = width, height
    photo.save()
    return photo
