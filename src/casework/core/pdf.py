"""What the PDF documents share: bundled Unicode fonts, the document's metadata (title,
language, author, creator, the title shown in the viewer's title bar) and a page number in
the footer.

Text is written as entered: DejaVu Sans (regular and bold) covers Latin with every accent
(Vietnamese included), Greek, Cyrillic, punctuation such as dashes and symbols such as
check marks; a subset of Noto Sans SC (the GB 2312 characters, kana and CJK punctuation) is
the fallback for Chinese and Japanese text. The fonts ship in `core/fonts/` with their
licences (fonts/README.md); nothing is fetched at run time. fpdf2 embeds only the glyphs a
document uses.
"""

from pathlib import Path

from fpdf import FPDF, ViewerPreferences
from fpdf.fonts import TTFFont

FONT = "DejaVuSans"
"""The family every document writes in (styles "" and "B")."""

CREATOR = "Casework"
"""The application named as the documents' creator (and their author when no person or
organization is named)."""

FONTS_DIR = Path(__file__).resolve().parent / "fonts"
_FALLBACK = "NotoSansSC"


class NumberedPDF(FPDF):
    """A document in the bundled fonts, with its title, language, author and creator set,
    and its page number centred in the footer."""

    def __init__(
        self,
        *,
        title: str,
        language: str,
        author: str = "",
        page_format: str = "Letter",
    ) -> None:
        super().__init__(format=page_format)
        self.add_font(FONT, "", FONTS_DIR / "DejaVuSans.ttf")
        self.add_font(FONT, "B", FONTS_DIR / "DejaVuSans-Bold.ttf")
        self._fallback_loaded = False
        self.set_title(title)
        self.set_lang(language)
        self.set_author(author or CREATOR)
        self.set_creator(CREATOR)
        # What fpdf2 offers towards an accessible PDF: the language, the title shown in the
        # viewer's title bar, and an outline (bookmarks) where a document starts sections.
        # It writes no structure tree for text, so documents are not PDF/UA (docs/careplans.md).
        self.viewer_preferences = ViewerPreferences(display_doc_title=True)
        self.set_font(FONT, size=10)

    def normalize_text(self, text: str) -> str:
        """Load the CJK fallback font the first time the text needs a glyph that DejaVu Sans
        lacks: parsing it costs time that most documents need not spend."""
        if not self._fallback_loaded:
            font = self.fonts[FONT.lower()]
            covered = font.cmap if isinstance(font, TTFFont) else {}
            if any(ord(char) not in covered for char in text if not char.isspace()):
                self.add_font(_FALLBACK, "", FONTS_DIR / "NotoSansSC-Regular-GB2312.ttf")
                self.set_fallback_fonts([_FALLBACK], exact_match=False)
                self._fallback_loaded = True
        return super().normalize_text(text)

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FONT, size=8)
        self.cell(0, 5, f"{self.page_no()}", align="C")
