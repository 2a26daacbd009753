"""Documents attached on the portal and to technology sheets: a picture's pixels are counted from its header
before anything decodes it, with the limit of visit photos; a PDF carrying active content (scripts,
programs to launch, embedded files, forms that send data) is refused, even when its names are escaped
or kept in a compressed object stream.

The PDFs are built here as PDF 1.5 writers build them (an xref stream, most objects in an object stream);
poppler's pdfinfo opens each of them without an error."""

import binascii
import io
import os
import struct
import zlib
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext
from PIL import Image

from cases.models import Case, CaseAttachment
from hub.library.services import sheet_attach
from hub.models import SheetAttachment
from hub.uploads import MAX_IMAGE_PIXELS, document_type
from tests.factories import SheetFactory

ACTIVE = (
    "This PDF contains active content (scripts, embedded files) and cannot be attached: print it to a new PDF "
    "and attach that one."
)
UNCHECKED = (
    "This PDF could not be checked for active content (scripts, embedded files) and cannot be attached: print "
    "it to a new PDF and attach that one."
)
TOO_MANY_PIXELS = "This picture has too many pixels: at most 50 megapixels are accepted."
NOT_A_DOCUMENT = "Only PDF documents and JPEG or PNG pictures can be attached."


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def refusal(content: bytes, name: str = "document") -> str:
    """The message document_type answers for `content`, in English."""
    with translation.override("en"), pytest.raises(ValidationError) as raised:
        document_type(SimpleUploadedFile(name, content), field="attachments")
    [message] = raised.value.message_dict["attachments"]
    return message


def accepted(content: bytes, name: str = "document") -> tuple[str, str]:
    return document_type(SimpleUploadedFile(name, content), field="attachments")


# Pictures


def png(width: int, height: int) -> bytes:
    """A PNG whose header announces width × height pixels, followed by a few bytes of picture only."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b"")
    )


def jpeg(width: int, height: int) -> bytes:
    """A 16 × 16 JPEG whose frame header is rewritten to announce width × height pixels."""
    buffer = io.BytesIO()
    Image.new("RGB", (16, 16), (200, 120, 40)).save(buffer, format="JPEG")
    data = bytearray(buffer.getvalue())
    frame = data.index(b"\xff\xc0")
    data[frame + 5 : frame + 9] = struct.pack(">HH", height, width)
    return bytes(data)


def test_a_30000_by_30000_png_of_a_few_hundred_bytes_is_refused():
    content = png(30_000, 30_000)
    assert len(content) < 200

    assert refusal(content, "plan.png") == TOO_MANY_PIXELS


def test_a_png_over_the_limit_is_refused_below_pillows_own_guard():
    assert Image.MAX_IMAGE_PIXELS > 10_000 * 5_001 > MAX_IMAGE_PIXELS

    assert refusal(png(10_000, 5_001), "scan.png") == TOO_MANY_PIXELS


def test_a_jpeg_is_counted_from_its_frame_header():
    assert refusal(jpeg(20_000, 20_000), "photo.jpg") == TOO_MANY_PIXELS
    assert refusal(jpeg(8_000, 7_000), "photo.jpg") == TOO_MANY_PIXELS


def test_pictures_within_the_limit_are_accepted_without_being_decoded():
    assert accepted(png(10_000, 5_000), "scan.png") == ("png", "image/png")
    assert accepted(jpeg(5_000, 5_000), "photo.jpg") == ("jpg", "image/jpeg")


def test_a_file_that_only_starts_like_a_png_is_refused():
    assert refusal(b"\x89PNG\r\n\x1a\n" + os.urandom(200), "image.png") == NOT_A_DOCUMENT


# PDFs


def stream(dictionary: bytes, data: bytes) -> bytes:
    return b"<< " + dictionary + b" /Length %d >>\nstream\n" % len(data) + data + b"\nendstream"


def pdf(*objects: bytes, compressed: tuple[int, ...] = (), encode=zlib.compress, filter=b"/FlateDecode") -> bytes:
    """A PDF 1.5 whose object n is objects[n - 1], the catalog first; the objects numbered in `compressed` are
    kept in an object stream encoded by `encode` (its /Filter `filter`), and an xref stream indexes them."""
    out = bytearray(b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n")
    entries = {}
    for number, body in enumerate(objects, 1):
        if number not in compressed:
            entries[number] = (1, len(out), 0)
            out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    size = len(objects) + 1
    if compressed:
        offsets, data = [], b""
        for index, number in enumerate(compressed):
            offsets.append(b"%d %d" % (number, len(data)))
            data += objects[number - 1] + b"\n"
            entries[number] = (2, size, index)
        head = b" ".join(offsets) + b"\n"
        dictionary = b"/Type /ObjStm /N %d /First %d /Filter %s" % (len(compressed), len(head), filter)
        entries[size] = (1, len(out), 0)
        out += b"%d 0 obj\n" % size + stream(dictionary, encode(head + data)) + b"\nendobj\n"
        size += 1
    entries[size] = (1, len(out), 0)
    table = b"\0\0\0\0\0\xff\xff" + b"".join(
        bytes([kind]) + offset.to_bytes(4, "big") + generation.to_bytes(2, "big")
        for _number, (kind, offset, generation) in sorted(entries.items())
    )
    xref = len(out)
    out += b"%d 0 obj\n" % size + stream(b"/Type /XRef /Size %d /W [1 4 2] /Root 1 0 R" % (size + 1), table)
    out += b"\nendobj\nstartxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


CATALOG = b"<< /Type /Catalog /Pages 2 0 R >>"
PAGE = [
    b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R >>",
    stream(b"", b"0 0 1 rg 20 20 160 160 re f"),
]
SCRIPT = b"<< /S /JavaScript /JS (app.alert\\(1\\);) >>"
OPENS_SCRIPT = b"<< /Type /Catalog /Pages 2 0 R /OpenAction 5 0 R >>"


def test_a_plain_pdf_is_accepted_with_or_without_an_object_stream():
    assert accepted(pdf(CATALOG, *PAGE), "devis.pdf") == ("pdf", "application/pdf")
    assert accepted(pdf(CATALOG, *PAGE, compressed=(1, 2, 3)), "devis.pdf") == ("pdf", "application/pdf")


def test_an_action_that_only_turns_to_a_page_is_accepted():
    catalog = b"<< /Type /Catalog /Pages 2 0 R /OpenAction [3 0 R /Fit] >>"

    assert accepted(pdf(catalog, *PAGE), "devis.pdf") == ("pdf", "application/pdf")


def test_a_script_run_on_opening_is_refused():
    assert refusal(pdf(OPENS_SCRIPT, *PAGE, SCRIPT)) == ACTIVE


def test_a_script_with_an_escaped_name_is_refused():
    assert refusal(pdf(OPENS_SCRIPT, *PAGE, SCRIPT.replace(b"/JavaScript", b"/J#61vaScr#69pt"))) == ACTIVE


def test_a_script_kept_in_a_compressed_object_stream_is_refused():
    content = pdf(OPENS_SCRIPT, *PAGE, SCRIPT, compressed=(1, 2, 3, 5))
    assert b"JavaScript" not in content

    assert refusal(content) == ACTIVE


def test_the_documents_named_scripts_are_refused():
    catalog = b"<< /Type /Catalog /Pages 2 0 R /Names << /JavaScript << /Names [(hello) 5 0 R] >> >> >>"

    assert refusal(pdf(catalog, *PAGE, SCRIPT)) == ACTIVE


@pytest.mark.parametrize(
    "action",
    [
        b"<< /S /Launch /F (cmd.exe) >>",
        b"<< /S /GoToR /F (\\\\\\\\server\\\\share\\\\x.pdf) /D [0 /Fit] >>",
        b"<< /S /SubmitForm /F << /FS /URL /F (https://example.org/) >> >>",
        b"<< /S /ImportData /F (data.fdf) >>",
        b"<< /S /Rendition /OP 4 /JS (app.alert\\(1\\);) >>",
    ],
    ids=["launch", "remote-file", "submit-form", "import-data", "rendition-script"],
)
def test_other_actions_that_reach_outside_the_document_are_refused(action):
    assert refusal(pdf(OPENS_SCRIPT, *PAGE, action)) == ACTIVE


def test_an_embedded_file_is_refused():
    catalog = b"<< /Type /Catalog /Pages 2 0 R /Names << /EmbeddedFiles << /Names [(notes.txt) 5 0 R] >> >> >>"
    spec = b"<< /Type /Filespec /F (notes.txt) /EF << /F 6 0 R >> >>"

    assert refusal(pdf(catalog, *PAGE, spec, stream(b"/Type /EmbeddedFile", b"hello"))) == ACTIVE


def test_an_xfa_form_is_refused():
    catalog = b"<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [] /XFA 5 0 R >> >>"

    assert refusal(pdf(catalog, *PAGE, stream(b"", b"<xdp:xdp/>"))) == ACTIVE


def test_an_object_stream_compressed_otherwise_than_by_flate_cannot_be_checked():
    content = pdf(
        OPENS_SCRIPT,
        *PAGE,
        SCRIPT,
        compressed=(1, 2, 3, 5),
        encode=lambda data: binascii.hexlify(data) + b">",
        filter=b"/ASCIIHexDecode",
    )

    assert refusal(content) == UNCHECKED


def test_two_letter_names_met_by_chance_in_compressed_data_are_no_reason_to_refuse():
    picture = stream(b"/Type /XObject /Subtype /Image /Filter /FlateDecode", os.urandom(500) + b"/JS(/AA ")
    page = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R /AA << >> >>"

    assert accepted(pdf(CATALOG, PAGE[0], page, PAGE[2], picture), "scan.pdf") == ("pdf", "application/pdf")


# Through the portal and the library


def test_the_portal_refuses_a_pdf_with_a_script_and_stores_nothing(client, sme_user, media_root):
    client.force_login(sme_user)
    attachment = SimpleUploadedFile("devis.pdf", pdf(OPENS_SCRIPT, *PAGE, SCRIPT), content_type="application/pdf")

    response = client.post(
        "/portal/requests/new/",
        {"domain": "agro", "title": "Presse", "description": "Lente.", "attachments": [attachment]},
    )

    assert response.status_code == 200
    with translation.override("fr"):
        assert escape(gettext(ACTIVE)) in response.content.decode()
    assert not Case.objects.exists() and not CaseAttachment.objects.exists()
    assert not Path(media_root).exists() or not any(Path(media_root).rglob("*.pdf"))


def test_a_sheet_refuses_a_huge_picture(hub, manager):
    sheet = SheetFactory(hub=hub)

    with translation.override("en"), pytest.raises(ValidationError) as raised:
        sheet_attach(sheet=sheet, by=manager, upload=SimpleUploadedFile("schema.png", png(30_000, 30_000)))

    assert raised.value.message_dict == {"file": [TOO_MANY_PIXELS]}
    assert not SheetAttachment.objects.exists()
