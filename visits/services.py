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
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from cases.models import Case
from cases.services import case_create, case_visited
from hub.followups.services import followups_plan_baseline
from hub.imports.bulk import Bulk, full_clean
from hub.library.services import shared_item
from hub.models import RECORDS_FROM, Enterprise, Partner, TechnologySheet, User
from hub.permissions import Action, can
from hub.services import check_not_anonymised
from hub.uploads import check_image_pixels, removed_on_error
from visits.models import Visit, VisitPhoto, VisitShare


class VisitConflict(Exception):
    """The client UUID is already stored with other content; `visit` is the stored one when the same
    referent recorded it, None when somebody else did (their visit is not ours to show)."""

    def __init__(self, visit: Visit | None):
        super().__init__(_("Another visit was already recorded with this identifier."))
        self.visit = visit


@dataclass(frozen=True, kw_only=True)
class NeedInput:
    """A need found at the visit, to become a case of the visited enterprise assigned to the referent."""

    domain: str
    title: str
    description: str = ""


MAX_NEEDS_PER_VISIT = 5
CLOCK_SKEW = datetime.timedelta(minutes=15)


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
    new_cases: list[NeedInput] = field(default_factory=list)

    def visit_fields(self) -> dict:
        """The values that are columns of the Visit row (linked and new cases are not)."""
        return {name: getattr(self, name) for name in self.__dataclass_fields__ if name not in ("cases", "new_cases")}

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
            "new_cases": [[need.domain, need.title, need.description] for need in self.new_cases],
        }
        return hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()


def _stored_or_conflict(*, client_uuid: uuid.UUID, content_hash: str, by: User) -> Visit:
    stored = Visit.objects.get(client_uuid=client_uuid)
    if stored.referent_id != by.pk:
        raise VisitConflict(None)
    if stored.content_hash != content_hash:
        raise VisitConflict(stored)
    return stored


def visit_record(*, data: VisitInput, by: User, bulk: Bulk | None = None) -> tuple[Visit, bool]:
    """Store the visit `by` made, or return the one already stored under its client UUID.

    Returns (visit, created). Each need of `new_cases` becomes a case linked to the visit, in the same
    transaction; each case linked is first contacted at the visit's start at the latest. Raises
    VisitConflict when the UUID is stored with other content, PermissionDenied when `by` may not log
    visits, ValidationError on invalid content. An import passes what it read once for all its visits
    (`bulk`, hub.imports.bulk): the same validation and baselines, fewer queries.
    """
    if not can(by, Action.LOG_VISITS):
        raise PermissionDenied(_("Only referents log visits."))
    content_hash = data.content_hash()
    known_new = bulk is not None and data.client_uuid in bulk.new_visits
    if not known_new and Visit.objects.filter(client_uuid=data.client_uuid).exists():
        return _stored_or_conflict(client_uuid=data.client_uuid, content_hash=content_hash, by=by), False
    if data.enterprise.hub_id != by.hub_id:
        raise ValidationError({"enterprise": _("This enterprise belongs to another hub.")})
    check_not_anonymised(data.enterprise)
    foreign_cases = [case for case in data.cases if case.enterprise_id != data.enterprise.pk]
    if foreign_cases:
        raise ValidationError({"cases": _("Only cases of the visited enterprise can be linked.")})
    if data.started_at > timezone.now() + CLOCK_SKEW:
        raise ValidationError({"started_at": _("The visit cannot start in the future.")})
    if timezone.localdate(data.started_at) < RECORDS_FROM:
        raise ValidationError(
            {"started_at": _("A visit cannot be dated before %(year)d: check the year.") % {"year": RECORDS_FROM.year}}
        )
    if len(data.new_cases) > MAX_NEEDS_PER_VISIT:
        raise ValidationError(
            {"new_cases": _("At most %(count)d new cases per visit.") % {"count": MAX_NEEDS_PER_VISIT}}
        )
    visit = Visit(
        hub_id=by.hub_id,
        referent=by,
        content_hash=content_hash,
        **data.visit_fields(),
    )
    full_clean(visit, exclude=["client_uuid"], bulk=bulk)
    if bulk is not None and not data.cases and not data.new_cases:  # a history with no linked case
        bulk.defer_history(visit)
    try:
        with transaction.atomic():
            visit.save()
            followups_plan_baseline(enterprise=data.enterprise, referent=by, at=visit.started_at, bulk=bulk)
            raised = [
                case_create(
                    enterprise=data.enterprise,
                    by=by,
                    domain=need.domain,
                    title=need.title,
                    description=need.description or need.title,
                    found_at_visit=True,
                )
                for need in data.new_cases
            ]
            if data.cases or raised:  # a new visit links no case yet: nothing to read nor set
                visit.cases.set([*data.cases, *raised])
            for case in sorted({case.pk: case for case in data.cases}.values(), key=lambda case: case.pk):
                case_visited(case=case, at=visit.started_at)  # locked in the order of their ids: no deadlock
    except IntegrityError:
        if bulk is not None:
            bulk.undefer(visit)
        if not Visit.objects.filter(client_uuid=data.client_uuid).exists():
            raise
        return _stored_or_conflict(client_uuid=data.client_uuid, content_hash=content_hash, by=by), False
    return visit, True


MAX_PHOTOS_PER_VISIT = 5
MAX_PHOTO_BYTES = 10 * 1024 * 1024
PHOTO_LONG_SIDE = 1600
PHOTO_QUALITY = 80


def _reencode_photo(upload) -> tuple[ContentFile, int, int]:
    """Open the upload as an image whatever its name says, of at most MAX_IMAGE_PIXELS, and write it anew
    as a JPEG at most 1600 px on its long side. Re-encoding drops every metadata block, GPS position
    included."""
    if upload.size > MAX_PHOTO_BYTES:
        raise ValidationError({"image": _("A photo can be at most 10 MB.")})
    try:
        check_image_pixels(upload, field="image")
        with Image.open(upload) as source:
            source.verify()
        upload.seek(0)
        with Image.open(upload) as source:
            image = ImageOps.exif_transpose(source).convert("RGB")
    except (UnidentifiedImageError, OSError, SyntaxError) as error:
        raise ValidationError({"image": _("This file is not a photo we can read (JPEG, PNG or WebP).")}) from error
    image.thumbnail((PHOTO_LONG_SIDE, PHOTO_LONG_SIDE))
    output = io.BytesIO()
    image.save(output, format="JPEG", quality=PHOTO_QUALITY, optimize=True)
    return ContentFile(output.getvalue()), image.width, image.height


@transaction.atomic
def visit_add_photo(
    *, visit: Visit, by: User, upload, caption: str = "", token: uuid.UUID | None = None
) -> tuple[VisitPhoto, bool]:
    """Only the referent who made the visit adds its photos, at most five. A `token` chosen by the client
    makes a resent upload land once: returns (photo, created), and the photo already stored under that
    token when it was resent. The file is named after the token: a resend after a worker died before the
    commit writes over the file it left, and the lock on the visit keeps two uploads of one token apart."""
    if not can(by, Action.LOG_VISITS) or visit.referent_id != by.pk:
        raise PermissionDenied(_("Only the referent who made the visit can add its photos."))
    visit = Visit.objects.select_for_update().get(pk=visit.pk)
    if token is not None and (stored := VisitPhoto.objects.filter(token=token).first()) is not None:
        if stored.visit_id != visit.pk:
            raise ValidationError({"token": _("This identifier is already used by another photo.")})
        return stored, False
    if visit.photos.count() >= MAX_PHOTOS_PER_VISIT:
        raise ValidationError({"image": _("A visit has at most 5 photos.")})
    content, width, height = _reencode_photo(upload)
    photo = VisitPhoto(visit=visit, token=token or uuid.uuid4(), caption=caption.strip()[:200])
    with removed_on_error() as stored:
        photo.image.save("photo.jpg", content, save=False)
        stored.append(photo.image)
        photo.width, photo.height = width, height
        photo.save()
    return photo, True


@transaction.atomic
def visit_share(
    *, visit: Visit, by: User, sheet: TechnologySheet | None = None, partner: Partner | None = None
) -> VisitShare:
    """Record a published sheet or a partner organisation handed over at the visit, by its referent."""
    if not can(by, Action.LOG_VISITS) or visit.referent_id != by.pk:
        raise PermissionDenied(_("Only the referent who made the visit can record what was shared at it."))
    item = shared_item(by=by, hub_id=visit.hub_id, sheet=sheet, partner=partner)
    already = visit.shares.filter(sheet=sheet) if sheet else visit.shares.filter(partner=partner)
    return already.first() or VisitShare.objects.create(visit=visit, **item)
