"""Uploads: the checks shared by every document (case attachments, sheet attachments), whose type is read
from the file's first bytes, never from its name; storing files so that a failure (a full disk, a database
error after the write) leaves neither a partial file nor a file without its row; and finding the files no
row names, which a worker killed between writing a file and committing its row leaves behind."""

import contextlib
import datetime
import os
import uuid
from collections.abc import Iterator

from django.apps import apps
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.files.storage import FileSystemStorage, Storage
from django.db import models
from django.db.models.fields.files import FieldFile
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.models import HistoricalChanges

from hub.backup import _media_names

MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
SIGNATURES = {
    b"%PDF-": ("pdf", "application/pdf"),
    b"\xff\xd8\xff": ("jpg", "image/jpeg"),
    b"\x89PNG\r\n\x1a\n": ("png", "image/png"),
}


def document_type(upload, *, field: str) -> tuple[str, str]:
    """(extension, content type) of a PDF, JPEG or PNG upload of at most 10 MB; ValidationError on `field`
    otherwise."""
    if upload.size > MAX_DOCUMENT_BYTES:
        raise ValidationError({field: _("Each attachment can be at most 10 MB.")})
    head = upload.read(16)
    upload.seek(0)
    for signature, kind in SIGNATURES.items():
        if head.startswith(signature):
            return kind
    raise ValidationError({field: _("Only PDF documents and JPEG or PNG pictures can be attached.")})


class StorageFailure(ValidationError):
    """The server could not write a file. Pages show it as a form error; the API answers 503, which the
    mobile app retries later."""

    def __init__(self):
        message = gettext_lazy("The file could not be stored on the server. Nothing was saved: try again later.")
        super().__init__({NON_FIELD_ERRORS: [message]})


class AtomicFileSystemStorage(FileSystemStorage):
    """Writes each file under a temporary name beside its place and renames it there once whole (a rename
    within one directory is atomic): a failed write removes what it wrote and raises StorageFailure.

    A name already taken is written over, not suffixed: every file is named after its row's unique token
    (a visit photo's is chosen by the phone), so a taken name is the same upload sent again after a worker
    died between writing the file and committing its row. Write a name only while holding a lock on the
    row it belongs to (a visit for its photos): two writers of one name would remove each other's file."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **{"allow_overwrite": True, **kwargs})

    def _save(self, name, content):
        directory, base = os.path.split(name)
        temporary = os.path.join(directory, f".{uuid.uuid4().hex}.{base}.part")
        try:
            written = super()._save(temporary, content)
            os.replace(self.path(written), self.path(name))
        except OSError as error:
            with contextlib.suppress(FileNotFoundError):
                os.remove(self.path(temporary))
            raise StorageFailure from error
        return name


@contextlib.contextmanager
def removed_on_error() -> Iterator[list[FieldFile]]:
    """The files appended to the yielded list are deleted from their storage if the block raises: a row
    that could not be saved leaves no file behind."""
    stored: list[FieldFile] = []
    try:
        yield stored
    except BaseException:
        for field_file in stored:
            if field_file.name:
                with contextlib.suppress(OSError):
                    field_file.storage.delete(field_file.name)
        raise


def _file_columns() -> Iterator[tuple[type[models.Model], str, Storage]]:
    """(model, column, storage) of every FileField and ImageField, and of the history rows' copies of them
    (django-simple-history keeps a file's name in a text column)."""
    for model in apps.get_models():
        source = model.instance_type if issubclass(model, HistoricalChanges) else model
        for field in source._meta.concrete_fields:
            if isinstance(field, models.FileField):
                yield model, field.attname, field.storage


def orphan_files(*, older_than: datetime.timedelta) -> Iterator[tuple[Storage, str]]:
    """(storage, name) of each file in the models' storages that no row names and that was last written
    more than `older_than` ago; a younger one may be an upload whose row is not committed yet. A history
    row counts: the file of a deleted record is kept for its history and deleted when its enterprise is
    anonymised. Each file's age is read just before it is yielded."""
    named: dict[Storage, set[str]] = {}
    for model, column, storage in _file_columns():
        names = model._base_manager.values_list(column, flat=True).distinct()
        named.setdefault(storage, set()).update(names.iterator())
    written_before = timezone.now() - older_than
    for storage, names in named.items():
        for name in _media_names(storage):
            if name not in names and storage.get_modified_time(name) < written_before:
                yield storage, name
