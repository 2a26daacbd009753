"""Uploads: the checks shared by every document (case attachments, sheet attachments), whose type is read
from the file's first bytes, never from its name; the one limit on a picture's pixels, for documents and
visit photos alike; storing files so that a failure (a full disk, a database error after the write)
leaves neither a partial file nor a file without its row; and finding the files no row names, which a
worker killed between writing a file and committing its row leaves behind."""

import contextlib
import datetime
import itertools
import os
import re
import uuid
import zlib
from collections.abc import Iterator

from django.apps import apps
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.files.storage import FileSystemStorage, Storage
from django.db import models
from django.db.models.fields.files import FieldFile
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from PIL import Image, UnidentifiedImageError
from simple_history.models import HistoricalChanges

from hub.backup import _media_names

MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
SIGNATURES = {
    b"%PDF-": ("pdf", "application/pdf"),
    b"\xff\xd8\xff": ("jpg", "image/jpeg"),
    b"\x89PNG\r\n\x1a\n": ("png", "image/png"),
}

MAX_IMAGE_PIXELS = 50_000_000
"""A 50-megapixel phone camera, or an A4 page scanned at 600 dpi (35 megapixels); decoding it takes about
150 MB. Pillow's own guard only refuses from 179 megapixels."""

PDF_ACTIVE_NAMES = frozenset(
    {
        b"JavaScript",
        b"Rendition",
        b"Launch",
        b"GoToR",
        b"GoToE",
        b"SubmitForm",
        b"ImportData",
        b"XFA",
        b"RichMedia",
        b"EmbeddedFile",
        b"EmbeddedFiles",
        b"FileAttachment",
    }
)
"""PDF names of what runs or opens something when the document is read: scripts (JavaScript actions and
the document's scripts; Rendition actions, which may carry one), programs and other files (Launch, GoToR,
GoToE), forms that send or load data or run their own scripts (SubmitForm, ImportData, XFA), Flash
(RichMedia) and files carried inside (EmbeddedFile, EmbeddedFiles, FileAttachment). The triggers
(OpenAction, AA) and the JS key are left out: what they start is one of the actions above, named by its
type; and two-letter names turn up by chance in compressed data, about once in 130 MB, which would refuse
genuine scans."""

PDF_NAME = re.compile(rb"/([^\x00\t\n\x0c\r ()<>\[\]{}/%]+)")
PDF_NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
PDF_STREAM = re.compile(rb"(?<!end)stream(?:\r\n|\r|\n)")
PDF_FILTERS = frozenset(
    {
        b"FlateDecode", b"Fl", b"LZWDecode", b"LZW", b"ASCIIHexDecode", b"AHx", b"ASCII85Decode", b"A85",
        b"RunLengthDecode", b"RL", b"CCITTFaxDecode", b"CCF", b"DCTDecode", b"DCT", b"JBIG2Decode",
        b"JPXDecode", b"Crypt",
    }
)  # fmt: skip
MAX_PDF_INFLATED = 32 * 1024 * 1024
"""What the object streams of one PDF may hold once decompressed, all together."""


def document_type(upload, *, field: str) -> tuple[str, str]:
    """(extension, content type) of a PDF, JPEG or PNG upload of at most 10 MB; ValidationError on `field`
    otherwise, and for a picture of too many pixels or a PDF with active content."""
    if upload.size > MAX_DOCUMENT_BYTES:
        raise ValidationError({field: _("Each attachment can be at most 10 MB.")})
    head = upload.read(16)
    upload.seek(0)
    kind = next((kind for signature, kind in SIGNATURES.items() if head.startswith(signature)), None)
    if kind is None:
        raise ValidationError({field: _("Only PDF documents and JPEG or PNG pictures can be attached.")})
    if kind[0] == "pdf":
        check_pdf_is_passive(upload, field=field)
    else:
        try:
            check_image_pixels(upload, field=field)
        except (UnidentifiedImageError, OSError, SyntaxError) as error:
            raise ValidationError({field: _("Only PDF documents and JPEG or PNG pictures can be attached.")}) from error
    return kind


def check_image_pixels(upload, *, field: str) -> None:
    """ValidationError on `field` when the picture has more than MAX_IMAGE_PIXELS, counted from its header
    without decoding it. Pillow's errors pass through for a file it cannot read."""
    try:
        with Image.open(upload) as image:
            width, height = image.size
    except Image.DecompressionBombError:
        width = height = MAX_IMAGE_PIXELS
    finally:
        upload.seek(0)
    if width * height > MAX_IMAGE_PIXELS:
        raise ValidationError(
            {
                field: _("This picture has too many pixels: at most %(count)d megapixels are accepted.")
                % {"count": MAX_IMAGE_PIXELS // 1_000_000}
            }
        )


def _pdf_names(data: bytes) -> list[bytes]:
    """The names in `data`, their #xx escapes decoded (/J#61vaScript is /JavaScript)."""
    return [
        PDF_NAME_ESCAPE.sub(lambda escape: bytes.fromhex(escape[1].decode()), name) if b"#" in name else name
        for name in PDF_NAME.findall(data)
    ]


def _object_streams(data: bytes) -> Iterator[bytes | None]:
    """The decompressed content of each compressed object stream of a PDF (where PDF 1.5 keeps most
    dictionaries), or None for one compressed otherwise than by Flate alone, damaged, or beyond
    MAX_PDF_INFLATED. A stream is read as far as its `endstream`, its dictionary back to its `obj`."""
    budget = MAX_PDF_INFLATED
    for stream in PDF_STREAM.finditer(data):
        names = _pdf_names(data[data.rfind(b"obj", 0, stream.start()) + 1 : stream.start()])
        if not {b"ObjStm", b"First"} & set(names) or b"Filter" not in names:
            continue
        filters = [name for name in names if name in PDF_FILTERS]
        if filters not in ([b"FlateDecode"], [b"Fl"]) or {b"DecodeParms", b"DP"} & set(names):
            yield None
            continue
        end = data.find(b"endstream", stream.end())
        try:
            content = zlib.decompressobj().decompress(data[stream.end() : end if end >= 0 else None], budget + 1)
        except zlib.error:
            yield None
            continue
        budget -= len(content)
        if budget < 0:
            yield None
            return
        yield content


def check_pdf_is_passive(upload, *, field: str) -> None:
    """ValidationError on `field` when the PDF names one of PDF_ACTIVE_NAMES in its bytes or in its object
    streams, or has an object stream this check cannot read. A check of bytes, not a parser: it refuses
    what viewers run, but a file built to slip past it may; the files are only ever served as downloads."""
    data = upload.read()
    upload.seek(0)
    for content in itertools.chain([data], _object_streams(data)):
        if content is None:
            raise ValidationError(
                {
                    field: _(
                        "This PDF could not be checked for active content (scripts, embedded files) and cannot "
                        "be attached: print it to a new PDF and attach that one."
                    )
                }
            )
        if PDF_ACTIVE_NAMES.intersection(_pdf_names(content)):
            raise ValidationError(
                {
                    field: _(
                        "This PDF contains active content (scripts, embedded files) and cannot be attached: "
                        "print it to a new PDF and attach that one."
                    )
                }
            )


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
