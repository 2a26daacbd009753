"""An enterprise's personal data on request: the full export (JSON, and a zip with the files) and the
anonymisation that keeps every aggregated figure of the reports.

What belongs to an enterprise: its row, its SME users, its cases (notes, timeline, attachments, shared
items), its visits (photos, shared items), its impact follow-ups, and the history
(django-simple-history) of all of them, deleted records included (their history rows still name the
enterprise). Staff appear by name only: a referent's phone number or e-mail is not the enterprise's data.

Anonymising replaces what identifies people (names, phone numbers, e-mails, registration numbers,
address, GPS of the site, free text that may name someone) in the records AND in their history rows and
admin log, deletes the attachment and photo files, deactivates the SME users and ends their sessions and
tokens. It keeps what the reports count: hub, region, commune, sector, size class, women-led and
youth-led flags, employees, turnover band, consent, every date, status, channel, domain, priority, rating,
people reached and follow-up figure. `docs/BACKUP.md` explains it for the people who run it.
"""

import datetime
import decimal
import json
import logging
import uuid
import zipfile
from collections.abc import Iterable
from typing import Any, BinaryIO

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.db import models, transaction
from django.db.models import F, Q
from django.db.models.fields.files import FieldFile
from django.utils import timezone
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _
from phonenumber_field.phonenumber import PhoneNumber

from cases.models import Case, CaseAttachment, CaseEvent, CaseNote, CaseShare
from hub.models import Enterprise, FollowUp, InboundMessage, OutgoingMessage, User
from hub.permissions import Action, can, works_in_hub
from hub.security import end_sessions_and_tokens
from visits.models import Visit, VisitPhoto, VisitShare

logger = logging.getLogger("hub.security")

EXPORT_FORMAT = "hub-iit-enterprise-export/1"
ANONYMISED_TEXT = "[anonymisé]"
"""What replaces free text and names. Stored data, in the programme's language, not translated."""
ANONYMISED_REASON = "Anonymisation à la demande de l'entreprise"
"""The change reason of the enterprise's history row written by the anonymisation."""


def anonymised_name(enterprise_id: int) -> str:
    return f"Entreprise anonymisée #{enterprise_id}"


def anonymised_username(user_id: int) -> str:
    return f"anonymised-user-{user_id}"


TEXT_FIELDS: dict[type[models.Model], list[str]] = {
    Case: ["title", "description", "resolution_summary", "rejection_reason", "satisfaction_comment"],
    CaseNote: ["body"],
    CaseEvent: ["note"],
    CaseAttachment: ["original_name"],
    Visit: ["observations", "needs_found", "recommendations", "next_step"],
    VisitPhoto: ["caption"],
    FollowUp: ["technology_notes", "notes"],
}
"""Free text that may name people: replaced by ANONYMISED_TEXT where it is not empty (so that "there was
a comment" stays true), in the records and in their history rows."""
NULLED_FIELDS: dict[type[models.Model], list[str]] = {Visit: ["latitude", "longitude", "gps_accuracy_m"]}
"""The site's location, recorded at each visit."""


def enterprise_anonymised_fields(enterprise_id: int) -> dict[str, Any]:
    return {
        "name": anonymised_name(enterprise_id),
        "rccm": "",
        "nif": "",
        "activity": "",
        "address": "",
        "latitude": None,
        "longitude": None,
        "owner_name": ANONYMISED_TEXT,
        "owner_phone": "",
        "owner_email": "",
    }


USER_EXPORTED_FIELDS = [
    "id",
    "username",
    "first_name",
    "last_name",
    "email",
    "phone",
    "role",
    "language",
    "is_active",
    "date_joined",
    "last_login",
]


def _check_may_handle(*, enterprise: Enterprise, by: User | None) -> None:
    """Administrators, and managers of the enterprise's hub. `by` None is a person with shell access on
    the server, through a management command."""
    if by is None:
        return
    if not can(by, Action.MANAGE_DIRECTORY):
        raise PermissionDenied(_("Your role cannot change the directory."))
    if not works_in_hub(by, enterprise.hub_id):
        raise PermissionDenied(_("You can only work in your own hub."))


def _actor(by: User | None) -> str:
    return f"user {by.pk}" if by is not None else "a server operator (management command)"


class _Records:
    """The ids of what belongs to one enterprise: its live records (`live`), and every record that
    belongs or belonged to it, deleted ones included, whose history rows name it (`historical`)."""

    def __init__(self, enterprise: Enterprise):
        pk = enterprise.pk
        self.users = sorted(User.objects.filter(enterprise=pk).values_list("pk", flat=True))
        self.now: dict[type[models.Model], set] = {}
        self.ever: dict[type[models.Model], set] = {}
        for model in (Case, Visit, FollowUp):
            self.now[model] = set(model._base_manager.filter(enterprise=pk).values_list("pk", flat=True))
            self.ever[model] = self.now[model] | set(
                model.history.filter(enterprise_id=pk).values_list("id", flat=True)
            )

    def live(self, model: type[models.Model]) -> models.QuerySet:
        return model._base_manager.filter(self._condition(model, self.now, pk="pk"))

    def historical(self, model: type[models.Model]) -> models.QuerySet:
        return model.history.model._base_manager.filter(self._condition(model, self.ever, pk="id"))

    def ids(self, model: type[models.Model]) -> set:
        """Live and deleted records of `model`."""
        return set(self.live(model).values_list("pk", flat=True)) | set(
            self.historical(model).values_list("id", flat=True)
        )

    def _condition(self, model: type[models.Model], ids: dict, *, pk: str) -> Q:
        if model is User:
            return Q(**{f"{pk}__in": self.users})
        if model in ids:
            return Q(**{f"{pk}__in": sorted(ids[model])})
        if model in (CaseNote, CaseEvent, CaseAttachment, CaseShare):
            return Q(case_id__in=sorted(ids[Case]))
        if model in (VisitPhoto, VisitShare):
            return Q(visit_id__in=sorted(ids[Visit]))
        raise ValueError(f"Not an enterprise's record: {model}")


# Export


class _Labels:
    """How a related record appears in an export: people by name, cases by reference, hubs by code."""

    def __init__(self):
        self._cache: dict[tuple[type, Any], Any] = {}

    def __call__(self, model: type[models.Model], pk) -> Any:
        if pk is None:
            return None
        key = (model, pk)
        if key not in self._cache:
            self._cache[key] = self._label(model, pk)
        return self._cache[key]

    @staticmethod
    def _label(model: type[models.Model], pk) -> Any:
        obj = model._base_manager.filter(pk=pk).first()
        if obj is None:
            return pk
        if isinstance(obj, User):
            return obj.get_full_name() or obj.username
        if isinstance(obj, Case):
            return obj.reference
        if model._meta.label_lower == "hub.hub":
            return obj.code
        if model._meta.label_lower in ("hub.administrativeunit", "hub.partner", "hub.enterprise"):
            return obj.name
        if model._meta.label_lower == "hub.technologysheet":
            return obj.title
        return pk


def _plain(value) -> Any:
    """A value JSON can hold as it is."""
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID | PhoneNumber):
        return str(value)
    if isinstance(value, FieldFile):
        return value.name or ""
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    return value


def _fields(obj: models.Model, labels: _Labels, *, exclude: Iterable[str] = ()) -> dict[str, Any]:
    row = {}
    for field in obj._meta.concrete_fields:
        if field.name in exclude:
            continue
        if field.is_relation:
            row[field.name] = labels(field.related_model, getattr(obj, field.attname))
        else:
            row[field.name] = _plain(field.value_from_object(obj))
    return row


HISTORY_META_FIELDS = {"history_id", "history_date", "history_type", "history_user", "history_change_reason"}


def _history(rows: models.QuerySet, labels: _Labels) -> list[dict]:
    entries = []
    for row in rows.order_by("history_date", "history_id"):
        entries.append(
            {
                "date": _plain(row.history_date),
                "type": {"+": "created", "~": "changed", "-": "deleted"}.get(row.history_type, row.history_type),
                "by": labels(User, row.history_user_id),
                "reason": row.history_change_reason,
                "record": _fields(row, labels, exclude=HISTORY_META_FIELDS),
            }
        )
    return entries


def _attachment_path(attachment: CaseAttachment, reference: str) -> str:
    return f"files/cases/{get_valid_filename(reference)}/{attachment.pk}-{get_valid_filename(attachment.original_name)}"


def _photo_path(photo: VisitPhoto) -> str:
    return f"files/visits/{photo.visit_id}/{photo.pk}.jpg"


def _file_entry(field_file: FieldFile, path: str) -> dict:
    present = bool(field_file.name) and field_file.storage.exists(field_file.name)
    return {"file": path if present else None, "file_missing": not present}


@transaction.atomic
def enterprise_export(*, enterprise: Enterprise, by: User | None) -> dict:
    """Everything the programme holds about `enterprise`, as plain JSON data: its row, its SME users
    (never their password), its cases with notes, timeline, attachments (metadata; the files are in the
    zip of `enterprise_export_archive`) and shared items, its visits with photos (metadata) and shared
    items, its follow-ups, the e-mails and text messages sent to its people or received from them, and the
    history of each. Internal notes are included, marked as such: review
    them before handing the export over. Staff are named, nothing more."""
    _check_may_handle(enterprise=enterprise, by=by)
    labels = _Labels()
    records = _Records(enterprise)
    users = User.objects.filter(pk__in=records.users).order_by("pk")

    cases = []
    for case in Case.objects.filter(enterprise=enterprise).order_by("received_at", "pk"):
        cases.append(
            {
                **_fields(case, labels),
                "notes": [
                    _fields(note, labels) for note in CaseNote.objects.filter(case=case).order_by("created_at", "pk")
                ],
                "events": [
                    _fields(event, labels) for event in CaseEvent.objects.filter(case=case).order_by("created_at", "pk")
                ],
                "attachments": [
                    {
                        **_fields(attachment, labels, exclude={"file"}),
                        **_file_entry(attachment.file, _attachment_path(attachment, case.reference)),
                    }
                    for attachment in CaseAttachment.objects.filter(case=case).order_by("uploaded_at", "pk")
                ],
                "shares": [
                    _fields(share, labels) for share in CaseShare.objects.filter(case=case).order_by("shared_at", "pk")
                ],
                "visits": sorted(case.visits.values_list("pk", flat=True)),
            }
        )
    visits = []
    for visit in Visit.objects.filter(enterprise=enterprise).order_by("started_at", "pk"):
        visits.append(
            {
                **_fields(visit, labels),
                "cases": [labels(Case, pk) for pk in sorted(visit.cases.values_list("pk", flat=True))],
                "photos": [
                    {**_fields(photo, labels, exclude={"image"}), **_file_entry(photo.image, _photo_path(photo))}
                    for photo in VisitPhoto.objects.filter(visit=visit).order_by("uploaded_at", "pk")
                ],
                "shares": [
                    _fields(share, labels)
                    for share in VisitShare.objects.filter(visit=visit).order_by("shared_at", "pk")
                ],
            }
        )
    followups = [
        _fields(followup, labels)
        for followup in FollowUp.objects.filter(enterprise=enterprise).order_by("due_date", "pk")
    ]
    sent, received = _messages(enterprise=enterprise, records=records)
    history = {
        "enterprise": _history(Enterprise.history.filter(id=enterprise.pk), labels),
        "users": _history(records.historical(User), labels),
        "cases": _history(records.historical(Case), labels),
        "case_notes": _history(records.historical(CaseNote), labels),
        "case_attachments": _history(records.historical(CaseAttachment), labels),
        "case_shares": _history(records.historical(CaseShare), labels),
        "visits": _history(records.historical(Visit), labels),
        "visit_photos": _history(records.historical(VisitPhoto), labels),
        "visit_shares": _history(records.historical(VisitShare), labels),
        "followups": _history(records.historical(FollowUp), labels),
    }
    logger.info("enterprise %s exported by %s", enterprise.pk, _actor(by))
    return {
        "format": EXPORT_FORMAT,
        "exported_at": _plain(timezone.now()),
        "exported_by": labels(User, by.pk) if by is not None else None,
        "enterprise": _fields(enterprise, labels),
        "users": [{name: _plain(getattr(user, name)) for name in USER_EXPORTED_FIELDS} for user in users],
        "cases": cases,
        "visits": visits,
        "followups": followups,
        "messages_sent": [_fields(message, labels) for message in sent],
        "messages_received": [_fields(message, labels) for message in received],
        "history": history,
    }


def enterprise_export_archive(*, enterprise: Enterprise, by: User | None, target: BinaryIO) -> dict:
    """Write to `target` (a binary file open for writing) a zip of `enterprise.json`, the export of
    `enterprise_export`, and the files of its attachments and photos under the paths the JSON gives
    (`file`). Returns the export."""
    data = enterprise_export(enterprise=enterprise, by=by)
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            f"enterprise-{enterprise.pk}.json", json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True)
        )
        attachments = CaseAttachment.objects.filter(case__enterprise=enterprise).select_related("case")
        for attachment in attachments:
            _zip_file(archive, attachment.file, _attachment_path(attachment, attachment.case.reference))
        for photo in VisitPhoto.objects.filter(visit__enterprise=enterprise):
            _zip_file(archive, photo.image, _photo_path(photo))
    return data


def _zip_file(archive: zipfile.ZipFile, field_file: FieldFile, path: str) -> None:
    if not field_file.name or not field_file.storage.exists(field_file.name):
        return
    with field_file.storage.open(field_file.name, "rb") as source, archive.open(path, "w") as copy:
        while chunk := source.read(1024 * 1024):
            copy.write(chunk)


# Anonymisation


def _replace_text(queryset: models.QuerySet, fields: Iterable[str]) -> None:
    for name in fields:
        queryset.exclude(**{name: ""}).exclude(**{name: ANONYMISED_TEXT}).update(**{name: ANONYMISED_TEXT})


def _scrub(model: type[models.Model], queryset: models.QuerySet) -> None:
    _replace_text(queryset, TEXT_FIELDS.get(model, []))
    if model in NULLED_FIELDS:
        queryset.update(**dict.fromkeys(NULLED_FIELDS[model]))


def _scrub_change_message(message: str) -> str:
    """The admin log's structured message names fields, and for inline objects their text: keep the
    field names, replace the objects."""
    try:
        entries = json.loads(message) if message else []
    except ValueError:
        return ANONYMISED_TEXT
    if not isinstance(entries, list):
        return ANONYMISED_TEXT
    for entry in entries:
        for detail in entry.values() if isinstance(entry, dict) else ():
            if isinstance(detail, dict) and "object" in detail:
                detail["object"] = ANONYMISED_TEXT
    return json.dumps(entries)


def _scrub_admin_log(objects: dict[type[models.Model], Iterable[int]]) -> None:
    for model, ids in objects.items():
        entries = LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(model), object_id__in=[str(pk) for pk in ids]
        )
        for entry in entries:
            entry.object_repr = ANONYMISED_TEXT
            entry.change_message = _scrub_change_message(entry.change_message)
            entry.save(update_fields=["object_repr", "change_message"])


@transaction.atomic
def _addresses(enterprise: Enterprise, users: Iterable[int]) -> set[str]:
    """The phone numbers and e-mails the enterprise's messages went to or came from."""
    people = User.objects.filter(pk__in=users).values_list("phone", "email")
    found = {
        str(enterprise.owner_phone or ""),
        enterprise.owner_email,
        *(str(value or "") for row in people for value in row),
    }
    found.discard("")
    return found


def _messages(*, enterprise: Enterprise, records: _Records) -> tuple[models.QuerySet, models.QuerySet]:
    """The messages sent about the enterprise's cases or to its people, and those received from them."""
    addresses = _addresses(enterprise, records.users)
    cases = sorted(records.ids(Case))
    sent = OutgoingMessage.objects.filter(Q(case_id__in=cases) | Q(user_id__in=records.users) | Q(to__in=addresses))
    received = InboundMessage.objects.filter(Q(enterprise=enterprise) | Q(case_id__in=cases) | Q(sender__in=addresses))
    return sent.order_by("created_at", "pk"), received.order_by("received_at", "pk")


def _scrub_messages(messages: tuple[models.QuerySet, models.QuerySet]) -> None:
    """The address and the text go; the record of a message sent and of its delivery stays."""
    sent, received = messages
    sent.update(to="", recipient_name="", subject="", body=ANONYMISED_TEXT)
    received.update(sender="", text=ANONYMISED_TEXT)


def enterprise_anonymise(*, enterprise: Enterprise, by: User | None) -> Enterprise:
    """Remove the personal data of `enterprise` from the database for good, history included, keeping
    every figure the reports aggregate. The attachment and photo files are deleted once the
    transaction commits. Running it again changes nothing more. Earlier backups still hold the data:
    they expire with their retention (docs/BACKUP.md)."""
    _check_may_handle(enterprise=enterprise, by=by)
    enterprise = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
    records = _Records(enterprise)
    messages = [
        list(queryset.values_list("pk", flat=True)) for queryset in _messages(enterprise=enterprise, records=records)
    ]

    files = {row.file.name for row in records.live(CaseAttachment)} | {
        row.image.name for row in records.live(VisitPhoto)
    }
    # Files of attachments and photos deleted earlier are still in the storage: Django leaves them.
    files |= set(records.historical(CaseAttachment).values_list("file", flat=True))
    files |= set(records.historical(VisitPhoto).values_list("image", flat=True))
    files.discard("")
    logged = {model: records.ids(model) for model in (Case, CaseNote, CaseAttachment, Visit, VisitPhoto, FollowUp)}
    for model in (CaseAttachment, VisitPhoto):
        for row in records.live(model):
            row._history_user = by
            row.delete()

    for field_name, value in enterprise_anonymised_fields(enterprise.pk).items():
        setattr(enterprise, field_name, value)
    enterprise.anonymised_at = enterprise.anonymised_at or timezone.now()
    enterprise._history_user = by
    enterprise._change_reason = ANONYMISED_REASON
    enterprise.save()
    Enterprise.history.filter(id=enterprise.pk).update(**enterprise_anonymised_fields(enterprise.pk))
    Enterprise.history.filter(id=enterprise.pk).exclude(history_change_reason=ANONYMISED_REASON).exclude(
        history_change_reason=None
    ).update(history_change_reason=None)

    for model in (Case, CaseNote, CaseEvent, CaseAttachment, Visit, VisitPhoto, FollowUp):
        _scrub(model, records.live(model))
        if hasattr(model, "history"):
            history = records.historical(model)
            _scrub(model, history)
            history.exclude(history_change_reason=None).update(history_change_reason=None)
    for model in (CaseShare, VisitShare):
        records.historical(model).exclude(history_change_reason=None).update(history_change_reason=None)
    records.live(Case).update(version=F("version") + 1)

    for user in User.objects.filter(pk__in=records.users):
        user.username = anonymised_username(user.pk)
        user.first_name = user.last_name = user.email = ""
        user.phone = None
        user.is_active = False
        user.set_unusable_password()
        user._history_user = by
        user.save()
        end_sessions_and_tokens(user=user)
        User.history.filter(id=user.pk).update(
            username=user.username, first_name="", last_name="", email="", phone=None, history_change_reason=None
        )

    _scrub_messages(
        (OutgoingMessage.objects.filter(pk__in=messages[0]), InboundMessage.objects.filter(pk__in=messages[1]))
    )
    _scrub_admin_log({Enterprise: [enterprise.pk], User: records.users, **logged})

    def delete_files():
        for name in sorted(files):
            try:
                default_storage.delete(name)
            except OSError:
                logger.exception("An anonymised enterprise's file could not be deleted: %s", name)

    transaction.on_commit(delete_files)
    logger.info("enterprise %s anonymised by %s", enterprise.pk, _actor(by))
    return enterprise
