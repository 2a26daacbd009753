"""The XML documents of the OpenRosa 1.0 APIs (docs.getodk.org/openrosa-*): the form list, the manifest
and the response envelope of a submission."""

import hashlib
import io
from collections.abc import Callable, Iterable

from django.utils.xmlutils import SimplerXMLGenerator

FORM_LIST_NS = "http://openrosa.org/xforms/xformsList"
MANIFEST_NS = "http://openrosa.org/xforms/xformsManifest"
RESPONSE_NS = "http://openrosa.org/http/response"


def md5(content: bytes) -> str:
    """A file's hash as the form list and the manifest give it."""
    return "md5:" + hashlib.md5(content, usedforsecurity=False).hexdigest()


def _document(write: Callable[[SimplerXMLGenerator], None]) -> bytes:
    out = io.StringIO()
    xml = SimplerXMLGenerator(out, "utf-8")
    xml.startDocument()
    write(xml)
    xml.endDocument()
    return out.getvalue().encode()


def form_list(forms: Iterable[dict]) -> bytes:
    """`forms`: the elements of each <xform/> in the order the specification lists them (formID, name,
    version, hash, descriptionText, downloadUrl, manifestUrl), those that apply."""

    def write(xml):
        xml.startElement("xforms", {"xmlns": FORM_LIST_NS})
        for form in forms:
            xml.startElement("xform", {})
            for name, value in form.items():
                xml.addQuickElement(name, value)
            xml.endElement("xform")
        xml.endElement("xforms")

    return _document(write)


def manifest(files: Iterable[tuple[str, str, str]]) -> bytes:
    """`files`: (filename, hash, downloadUrl) of each media file."""

    def write(xml):
        xml.startElement("manifest", {"xmlns": MANIFEST_NS})
        for filename, digest, url in files:
            xml.startElement("mediaFile", {})
            xml.addQuickElement("filename", filename)
            xml.addQuickElement("hash", digest)
            xml.addQuickElement("downloadUrl", url)
            xml.endElement("mediaFile")
        xml.endElement("manifest")

    return _document(write)


def response(message: str, *, nature: str) -> bytes:
    """The OpenRosaResponse envelope, its message shown to the person on the phone."""

    def write(xml):
        xml.startElement("OpenRosaResponse", {"xmlns": RESPONSE_NS, "items": "0"})
        xml.addQuickElement("message", message, {"nature": nature})
        xml.endElement("OpenRosaResponse")

    return _document(write)
