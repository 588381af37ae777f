"""What the PDF documents share: fpdf2's core fonts, which need Latin-1 text, and a page
number in the footer."""

from fpdf import FPDF


def latin1(text: object) -> str:
    """Core PDF fonts are Latin-1 (which covers Spanish): other characters print as '?'."""
    return str(text).encode("latin-1", "replace").decode("latin-1")


class NumberedPDF(FPDF):
    """A document with its page number centred in the footer."""

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("Helvetica", size=8)
        self.cell(0, 5, f"{self.page_no()}", align="C")
