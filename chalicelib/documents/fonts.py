"""The one typeface of every document: Bitstream Vera Sans, shipped inside the reportlab wheel.

Why Vera and not DejaVu Sans (its descendant): the Debian DejaVu files exist on developer
machines but not in the Lambda runtime, and a document must look and measure the same
everywhere, byte for byte. Vera travels with the reportlab package we already deploy. It covers
Latin-1 and a little more, which is all Bahasa Indonesia needs; characters it cannot draw (emoji
in chat names, other scripts) are replaced by :func:`printable` instead of silently vanishing.

reportlab is imported inside the functions: importing this module must stay free for the API
Lambda's cold start.
"""
from __future__ import annotations

import functools
import os
import re
import unicodedata

REGULAR = "SambungSans"
BOLD = "SambungSans-Bold"


@functools.cache
def register_fonts() -> frozenset[int]:
    """Register both faces with reportlab (once per process); return the code points both can draw."""
    import reportlab
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    folder = os.path.join(os.path.dirname(reportlab.__file__), "fonts")
    regular = TTFont(REGULAR, os.path.join(folder, "Vera.ttf"))
    bold = TTFont(BOLD, os.path.join(folder, "VeraBd.ttf"))
    pdfmetrics.registerFont(regular)
    pdfmetrics.registerFont(bold)
    # Lets platypus paragraphs use <b> with our faces (the A4 report).
    pdfmetrics.registerFontFamily(REGULAR, normal=REGULAR, bold=BOLD, italic=REGULAR, boldItalic=BOLD)
    return frozenset(regular.face.charWidths) & frozenset(bold.face.charWidths)


def face(bold: bool) -> str:
    return BOLD if bold else REGULAR


def text_width(text: str, size: float, bold: bool = False) -> float:
    """Width in points of ``text`` set in our face at ``size``."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    register_fonts()
    return stringWidth(text, face(bold), size)


def ascent(size: float) -> float:
    """Distance from the top of a line to its baseline, in points."""
    from reportlab.pdfbase.pdfmetrics import getAscent

    register_fonts()
    return getAscent(REGULAR, size)


def printable(text: str) -> str:
    """``text`` with every character the font can draw: accents it lacks fall back to the base
    letter (``ş`` -> ``s``), emoji and other symbols are dropped, anything else becomes ``?``."""
    covered = register_fonts()
    out: list[str] = []
    for ch in unicodedata.normalize("NFC", text):
        if ch == "\n" or ord(ch) in covered:
            out.append(ch)
            continue
        base = "".join(c for c in unicodedata.normalize("NFKD", ch) if ord(c) in covered and not unicodedata.combining(c))
        if base:
            out.append(base)
        elif unicodedata.category(ch)[0] in "SCMZ":
            # Emoji, their joiners and variation selectors, controls, odd spaces: decoration, not content.
            out.append(" " if unicodedata.category(ch)[0] == "Z" or ch == "\t" else "")
        else:
            out.append("?")
    # A dropped emoji between two words must not leave a double space behind.
    return re.sub(r" {2,}", " ", "".join(out)).strip(" ")
