"""Small, valid documents of each allowed upload type, made in memory for the tests."""

import io

from PIL import Image
from pypdf import PdfReader, PdfWriter


def pdf_text(pdf: bytes) -> str:
    """The text of every page as a reader extracts it (the documents' fonts are embedded
    subsets, so their strings are glyph ids, not readable bytes)."""
    reader = PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() for page in reader.pages)


def pdf_bytes() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def image_bytes(kind: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 3), (200, 30, 30)).save(out, format=kind)
    return out.getvalue()
