"""Whole-document checks of uploaded files (S38).

The first bytes say what a file claims to be; a polyglot (a PDF header followed by HTML or
an executable, a PNG with a page appended) passes that test. Each allowed type is parsed
completely here, and refused unless the whole file is one well-formed document of that
type with nothing after its end and nothing active inside it.

`document_problem(data, kind)` returns the reason a file is refused, or None. Pure: no
ORM, no storage; the caller has already bounded the size.
"""

import io
import re
from typing import Literal

from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

DocumentKind = Literal["pdf", "png", "jpeg"]

# Names that make a PDF act rather than show: scripts, launching programs, attached files,
# forms that submit, rich media, actions run on opening.
PDF_ACTIVE_KEYS = frozenset(
    {"/JS", "/JavaScript", "/Launch", "/EmbeddedFile", "/EmbeddedFiles", "/RichMedia",
     "/XFA", "/OpenAction", "/AA"}
)  # fmt: skip
PDF_ACTIVE_VALUES = frozenset(
    {"/JavaScript", "/Launch", "/EmbeddedFile", "/RichMedia", "/SubmitForm", "/ImportData",
     "/GoToR", "/GoToE", "/Rendition"}
)  # fmt: skip
_PDF_ACTIVE_NAME = re.compile(
    rb"/(JavaScript|JS|Launch|EmbeddedFiles?|RichMedia|XFA|OpenAction|AA|SubmitForm"
    rb"|ImportData|GoToR|GoToE)(?=[\s/<>\[\]()%{}]|$)"
)
# Markup a browser would sniff as HTML, or an executable's header, in the PDF's clear text
# (everything outside its streams).
_FOREIGN = re.compile(rb"(?i)<\s*(html|script|body|iframe|svg|!doctype)\b|\x7fELF|MZ\x90\x00")
_STREAM = re.compile(rb"stream\r?\n.*?endstream", re.DOTALL)
PNG_END = b"\x00\x00\x00\x00IEND\xaeB`\x82"
MAX_PIXELS = 40_000_000
_PDF_HEADER = re.compile(rb"%PDF-[12]\.[0-9]")


def document_problem(data: bytes, kind: DocumentKind) -> str | None:
    """Why `data` is not one clean document of `kind`, or None when it is."""
    if kind == "pdf":
        return _pdf_problem(data)
    return _image_problem(data, kind)


def _pdf_problem(data: bytes) -> str | None:
    active = _("the PDF contains scripts, attachments or other active content")
    if not _PDF_HEADER.match(data):
        return _("the file content does not match its type")
    if not data.rstrip(b"\r\n\t \x00").endswith(b"%%EOF"):
        return _("the PDF has data after its end")
    clear_text = _STREAM.sub(b"stream endstream", data)
    if _FOREIGN.search(clear_text):
        return _("the file content does not match its type")
    if _PDF_ACTIVE_NAME.search(clear_text):
        return active
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError
    from pypdf.generic import IndirectObject

    try:
        reader = PdfReader(io.BytesIO(data), strict=True)
        if reader.is_encrypted:
            return _("the PDF is encrypted")
        if len(reader.pages) < 1:
            return _("the PDF has no pages")
        numbers = {(num, gen) for gen, table in reader.xref.items() for num in table}
        numbers |= {(num, 0) for num in reader.xref_objStm}
        for num, gen in sorted(numbers):
            obj = reader.get_object(IndirectObject(num, gen, reader))
            if _active(obj):
                return active
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, RecursionError):
        return _("the PDF is damaged or not a PDF")
    return None


def _active(obj: object) -> bool:
    """Whether a PDF object (a dictionary, or a stream's dictionary) makes the file act."""
    if not isinstance(obj, dict):
        return False
    if PDF_ACTIVE_KEYS & {str(k) for k in obj}:
        return True
    return any(str(obj.get(key, "")) in PDF_ACTIVE_VALUES for key in ("/S", "/Type", "/Subtype"))


def _image_problem(data: bytes, kind: DocumentKind) -> str | None:
    expected = {"png": "PNG", "jpeg": "JPEG"}[kind]
    if kind == "png" and not data.endswith(PNG_END):
        return _("the image has data after its end")
    if kind == "jpeg" and not data.endswith(b"\xff\xd9"):
        return _("the image has data after its end")
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format != expected:
                return _("the file content does not match its type")
            width, height = image.size
            if width * height > MAX_PIXELS:
                return _("the image is too large")
            image.verify()
        with Image.open(io.BytesIO(data)) as image:
            image.load()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return _("the image is damaged or not an image")
    return None
