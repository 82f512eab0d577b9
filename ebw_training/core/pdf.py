"""The PDF base of every document: learner results, certificates and the coordinators' reports.

The PDFs embed a TrueType font so Dutch text (ë, é, ’, €, Ĳ) prints correctly: the first font family found on
the machine (FONT_DIRS, or EBW_FONT_DIR first), with DejaVu Sans and an emoji font as fallbacks for characters
the main font lacks. Without any TrueType font the core Helvetica font is used and characters outside Latin-1
are replaced by plain stand-ins, so a document is always produced.
"""

from __future__ import annotations

import logging
import os

from fpdf import FPDF

log = logging.getLogger(__name__)

FONT_DIRS = ("/usr/share/fonts/truetype", "/usr/local/share/fonts", "/usr/share/fonts")
# (regular, bold) pairs in order of preference: neutral sans-serif faces.
FONT_CANDIDATES = (
    ("noto/NotoSans-Regular.ttf", "noto/NotoSans-Bold.ttf"),
    ("liberation/LiberationSans-Regular.ttf", "liberation/LiberationSans-Bold.ttf"),
    ("dejavu/DejaVuSans.ttf", "dejavu/DejaVuSans-Bold.ttf"),
)
FALLBACK_FONTS = (
    ("dejavu/DejaVuSans.ttf", "dejavu/DejaVuSans-Bold.ttf"),
    ("noto/NotoColorEmoji.ttf", None),
)
CORE_FAMILY = "helvetica"

_LATIN1_STANDINS = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-",
                                  "\u2014": "-", "\u20ac": "EUR"})


def latin1_text(value: str) -> str:
    """Text for the core Helvetica font: typographic quotes, dashes and the euro sign as plain stand-ins,
    any other character outside Latin-1 as '?'."""
    return (value or "").translate(_LATIN1_STANDINS).encode("latin-1", "replace").decode("latin-1")


def _find(relative: str | None) -> str | None:
    if not relative:
        return None
    env_dir = os.environ.get("EBW_FONT_DIR")
    for base in ((env_dir,) if env_dir else ()) + FONT_DIRS:
        path = os.path.join(base, relative)
        if os.path.isfile(path):
            return path
    return None


def setup_fonts(pdf: FPDF, what: str) -> str | None:
    """Add the body font and the fallback fonts (emoji, other scripts) to a PDF.

    Returns the family name, or None when no TrueType font exists: the PDF then uses Helvetica,
    which only knows Latin-1.
    """
    family = None
    for regular, bold in FONT_CANDIDATES:
        regular_path, bold_path = _find(regular), _find(bold)
        if regular_path:
            pdf.add_font("body", "", regular_path)
            pdf.add_font("body", "B", bold_path or regular_path)
            family = "body"
            break
    if family is None:
        log.warning("No TrueType font found; %s fall back to Helvetica (Latin-1 only)", what)
        pdf.core_fonts_encoding = "latin-1"
        return None
    fallbacks = []
    for index, (regular, bold) in enumerate(FALLBACK_FONTS):
        regular_path = _find(regular)
        if regular_path:
            name = f"fallback{index}"
            pdf.add_font(name, "", regular_path)
            bold_path = _find(bold)
            if bold_path:
                pdf.add_font(name, "B", bold_path)
            fallbacks.append(name)
    if fallbacks:
        pdf.set_fallback_fonts(fallbacks, exact_match=False)
    return family


class BasePDF(FPDF):
    """An A4 FPDF whose `body` is the font family to use ("body", or "helvetica" without TrueType fonts)."""

    body = CORE_FAMILY

    def normalize_text(self, text: str) -> str:
        # Only the core font needs this; the TrueType fonts write any character they (or a fallback) have.
        return super().normalize_text(text if self.is_ttf_font else latin1_text(text))


def new_pdf(what: str, orientation: str = "portrait", pdf_class: type[BasePDF] = BasePDF) -> BasePDF:
    """A PDF with the document fonts set up, Dutch as its language and the platform as its creator."""
    pdf = pdf_class(orientation=orientation, unit="mm", format="A4")
    pdf.set_creator("EBW Leeromgeving")
    pdf.set_lang("nl")
    pdf.body = setup_fonts(pdf, what) or CORE_FAMILY
    return pdf
