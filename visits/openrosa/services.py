"""Writes for ODK Collect: the referents' keys, and a submission stored as a visit through the visit
services that the API and the mobile app use."""

import datetime
import secrets
import uuid

from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hub.models import User
from hub.permissions import Action, can
from hub.uploads import removed_on_error
from visits.models import FieldAppToken, Visit
from visits.openrosa import digest
from visits.openrosa.selectors import key_hash
from visits.services import VisitInput, visit_add_photo, visit_record

KEY_BYTES = 32
REALM = "HUB IIT"
"""The realm of the OpenRosa challenges (`visits.openrosa.auth`), part of each key's Digest HA1: changing it
turns every key made before away from Digest."""
USE_NOTED_EVERY = datetime.timedelta(minutes=5)
"""A key's last use is written at most this often, not on every request of ODK Collect."""


def field_app_token_issue(*, referent: User) -> str:
    """A new key for `referent`, returned once and stored only as its SHA-256 and its Digest HA1 (with the
    referent's user name: a new name needs a new key); the key in use before, if any, is revoked (the phone
    that holds it is refused from now on). The referent's row is locked so that two pages asking at once
    leave one key in use."""
    if not can(referent, Action.LOG_VISITS):
        raise PermissionDenied(_("Only referents log visits."))
    key = secrets.token_urlsafe(KEY_BYTES)
    with transaction.atomic():
        User.objects.select_for_update().only("pk").get(pk=referent.pk)
        FieldAppToken.objects.filter(referent=referent, revoked_at__isnull=True).update(revoked_at=timezone.now())
        ha1 = digest.ha1(username=referent.get_username(), realm=REALM, password=key)
        FieldAppToken.objects.create(referent=referent, key_hash=key_hash(key), digest_ha1=ha1)
    return key


def field_app_token_revoke(*, referent: User) -> bool:
    """Whether a key was in use: ODK Collect is refused with it from now on."""
    in_use = FieldAppToken.objects.filter(referent=referent, revoked_at__isnull=True)
    return bool(in_use.update(revoked_at=timezone.now()))


def field_app_token_used(*, token: FieldAppToken) -> None:
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > USE_NOTED_EVERY:
        FieldAppToken.objects.filter(pk=token.pk).update(last_used_at=now)


def photo_token(*, instance_id: uuid.UUID, filename: str) -> uuid.UUID:
    """The same photo of the same submission gets the same token however often it is sent, so it is stored
    once (`visit_add_photo`)."""
    return uuid.uuid5(instance_id, filename)


def openrosa_visit_submit(
    *, data: VisitInput, photos: list[tuple[str, UploadedFile]], by: User
) -> tuple[Visit, bool, int]:
    """Store the visit of a submission, or find it stored under its instanceID, and add the photos of this
    POST, (file name, upload) each; returns (visit, created, photos added). One transaction: a photo refused
    leaves neither the visit nor the other photos of the POST, nor their files. Raises what `visit_record`
    and `visit_add_photo` raise."""
    with removed_on_error() as written, transaction.atomic():
        visit, created = visit_record(data=data, by=by)
        added = 0
        for filename, upload in photos:
            token = photo_token(instance_id=data.client_uuid, filename=filename)
            photo, new = visit_add_photo(visit=visit, by=by, upload=upload, token=token)
            if new:
                written.append(photo.image)
                added += 1
    return visit, created, added
