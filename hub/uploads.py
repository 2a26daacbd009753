"""Checks shared by every upload of documents (case attachments, sheet attachments): the type is read
from the file's first bytes, never from its name."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

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
