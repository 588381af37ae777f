"""What the PDF documents share: fpdf2's core fonts, which need Latin-1 text."""


def latin1(text: object) -> str:
    """Core PDF fonts are Latin-1 (which covers Spanish): other characters print as '?'."""
    return str(text).encode("latin-1", "replace").decode("latin-1")
