"""Uploads are checked as whole documents, not by their first bytes (issue 12, defect 8;
S38). Pure: no database."""

import io

import pytest
from pypdf import PdfWriter
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    NameObject,
    NullObject,
    NumberObject,
    TextStringObject,
)

from casework.core.documents import document_problem
from tests.documents import image_bytes, pdf_bytes

ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 56
HTML = b"<html><body><script>alert(document.cookie)</script></body></html>"


def pdf_with(**catalog: object) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=100, height=100)
    for key, value in catalog.items():
        writer._root_object[NameObject(f"/{key}")] = value  # type: ignore[index]
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def js_action() -> DictionaryObject:
    return DictionaryObject(
        {
            NameObject("/S"): NameObject("/JavaScript"),
            NameObject("/JS"): TextStringObject("app.alert(1)"),
        }
    )


def goto_action() -> DictionaryObject:
    return DictionaryObject(
        {
            NameObject("/S"): NameObject("/GoTo"),
            NameObject("/D"): ArrayObject([NumberObject(0), NameObject("/Fit")]),
        }
    )


def test_a_pdf_that_opens_at_a_page_and_zoom_passes() -> None:
    """Most PDF writers (fpdf2 among them) set an /OpenAction destination: it only shows."""
    destination = ArrayObject([NumberObject(0), NameObject("/FitH"), NullObject()])
    assert document_problem(pdf_with(OpenAction=destination), "pdf") is None


def test_clean_documents_pass() -> None:
    assert document_problem(pdf_bytes(), "pdf") is None
    assert document_problem(image_bytes("PNG"), "png") is None
    assert document_problem(image_bytes("JPEG"), "jpeg") is None


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("PDF header then HTML", b"%PDF-1.7\n" + HTML, "the PDF has data after its end"),
        ("PDF header then ELF", b"%PDF-1.7\n" + ELF, "the PDF has data after its end"),
        ("PDF header, HTML, fake end", b"%PDF-1.7\n" + HTML + b"\n%%EOF\n",
         "the file content does not match its type"),
        ("PDF header, ELF, fake end", b"%PDF-1.4\n" + ELF + b"\n%%EOF",
         "the file content does not match its type"),
        ("PDF header and a fake end", b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n",
         "the PDF is damaged or not a PDF"),
        ("valid PDF with HTML appended", pdf_bytes() + HTML, "the PDF has data after its end"),
        ("valid PDF with ELF appended", pdf_bytes() + ELF, "the PDF has data after its end"),
        ("valid PDF with JavaScript on open", pdf_with(OpenAction=js_action()),
         "the PDF contains scripts, attachments or other active content"),
        ("valid PDF with an action on open", pdf_with(OpenAction=goto_action()),
         "the PDF contains scripts, attachments or other active content"),
        ("truncated PDF", pdf_bytes()[:-40] + b"%%EOF", "the PDF is damaged or not a PDF"),
    ],
)  # fmt: skip
def test_pdf_polyglots_are_refused(name: str, data: bytes, reason: str) -> None:
    assert document_problem(data, "pdf") == reason, name


@pytest.mark.parametrize(
    ("kind", "data", "reason"),
    [
        ("png", image_bytes("PNG") + HTML, "the image has data after its end"),
        ("png", image_bytes("PNG") + ELF, "the image has data after its end"),
        ("png", b"\x89PNG\r\n\x1a\n" + HTML + b"\x00\x00\x00\x00IEND\xaeB`\x82",
         "the image is damaged or not an image"),
        ("jpeg", image_bytes("JPEG") + HTML, "the image has data after its end"),
        ("jpeg", b"\xff\xd8\xff" + HTML + b"\xff\xd9", "the image is damaged or not an image"),
        ("png", image_bytes("JPEG"), "the image has data after its end"),
        ("jpeg", image_bytes("PNG"), "the image has data after its end"),
    ],
)  # fmt: skip
def test_image_polyglots_are_refused(kind: str, data: bytes, reason: str) -> None:
    assert document_problem(data, kind) == reason  # type: ignore[arg-type]


def test_a_truncated_png_is_refused() -> None:
    data = image_bytes("PNG")
    broken = data[:40] + data[-12:]
    assert document_problem(broken, "png") == "the image is damaged or not an image"
