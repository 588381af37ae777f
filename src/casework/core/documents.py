"""Whole-document checks of uploaded files (S38).

The first bytes say what a file claims to be; a polyglot (a PDF header followed by HTML or
an executable, a PNG with a page appended) passes that test. Each allowed type is parsed
completely here, and refused unless the whole file is one well-formed document of that
type with nothing after its end and nothing active inside it.

`document_problem(data, kind)` returns the reason a file is refused, or None. Pure: no
ORM, no storage; the caller has already bounded the size. `upload_check(upload, ...)`
runs every check on an uploaded file (size, extension, first bytes, whole document) for
a form or API field, and says which field failed and why.
"""

import io
import re
from typing import Literal

from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from casework.core.errors import ValidationFailed

DocumentKind = Literal["pdf", "png", "jpeg"]

# Names that make a PDF act rather than show: scripts, launching programs, attached files,
# forms that submit, rich media, actions run on opening or on events. (An /OpenAction that
# is a destination, a page and a zoom as most PDF writers set, only shows: `_active`
# refuses an /OpenAction that is an action.)
PDF_ACTIVE_KEYS = frozenset(
    {"/JS", "/JavaScript", "/Launch", "/EmbeddedFile", "/EmbeddedFiles", "/RichMedia",
     "/XFA", "/AA"}
)  # fmt: skip
PDF_ACTIVE_VALUES = frozenset(
    {"/JavaScript", "/Launch", "/EmbeddedFile", "/RichMedia", "/SubmitForm", "/ImportData",
     "/GoToR", "/GoToE", "/Rendition"}
)  # fmt: skip
_PDF_ACTIVE_NAME = re.compile(
    rb"/(JavaScript|JS|Launch|EmbeddedFiles?|RichMedia|XFA|AA|SubmitForm"
    rb"|ImportData|GoToR|GoToE)(?=[\s/<>\[\]()%{}]|$)"
)
# Markup a browser would sniff as HTML, or an executable's header, in the PDF's clear text
# (everything outside its streams).
_FOREIGN = re.compile(rb"(?i)<\s*(html|script|body|iframe|svg|!doctype)\b|\x7fELF|MZ\x90\x00")
_STREAM = re.compile(rb"stream\r?\n.*?endstream", re.DOTALL)
PNG_END = b"\x00\x00\x00\x00IEND\xaeB`\x82"
MAX_PIXELS = 40_000_000
_PDF_HEADER = re.compile(rb"%PDF-[12]\.[0-9]")


# The uploads we take: extension -> (first bytes, media type).
UPLOAD_TYPES: dict[str, tuple[bytes, str]] = {
    "pdf": (b"%PDF-", "application/pdf"),
    "png": (b"\x89PNG\r\n\x1a\n", "image/png"),
    "jpg": (b"\xff\xd8\xff", "image/jpeg"),
    "jpeg": (b"\xff\xd8\xff", "image/jpeg"),
}


def upload_check(upload: UploadedFile, *, field: str, limit: int) -> tuple[str, str]:
    """The upload's extension and media type, checked by size (at most `limit` bytes, not
    empty), extension, first bytes and the whole document's structure (S37, S38): a PDF
    must parse, end at its %%EOF and hold no scripts, attachments or launch actions; an
    image must decode completely and end at its end marker. Refused with `field`'s error.
    The caller stores the file under a name of its own, never the client's."""
    name = (upload.name or "").lower()
    ext = name.rsplit(".", 1)[-1] if "." in name else ""
    if not upload.size:
        raise ValidationFailed.single(field, _("the file is empty"))
    if upload.size > limit:
        raise ValidationFailed.single(field, _("the file is larger than the limit"))
    if ext not in UPLOAD_TYPES:
        raise ValidationFailed.single(field, _("only PDF, PNG or JPEG files"))
    magic, media_type = UPLOAD_TYPES[ext]
    upload.seek(0)
    data = upload.read(limit + 1)
    upload.seek(0)
    if not data.startswith(magic):
        raise ValidationFailed.single(field, _("the file content does not match its type"))
    kind: DocumentKind = "pdf" if ext == "pdf" else "png" if ext == "png" else "jpeg"
    problem = document_problem(data, kind)
    if problem is not None:
        raise ValidationFailed.single(field, problem)
    return ext, media_type


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
            if _active(obj) or _opens_with_an_action(obj):
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


def _opens_with_an_action(obj: object) -> bool:
    """Whether a PDF object holds an /OpenAction that is an action (a dictionary), not a
    destination (an array: the page and zoom to open at)."""
    if not isinstance(obj, dict) or "/OpenAction" not in obj:
        return False
    from pypdf.generic import ArrayObject

    target = obj["/OpenAction"]
    resolve = getattr(target, "get_object", None)
    return not isinstance(resolve() if callable(resolve) else target, ArrayObject)


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
