"""Shared page geometry and drawing for the thermal documents (receipt, slip, label, shift report).

Thermal printers have 8 dots per millimetre (sold as "203 dpi"). Text survives any scaling, but
barcodes do not: a bar that straddles two dots prints one dot too wide or too narrow, and a
Code128 with uneven bars fails to scan. So every page width, margin, barcode origin and module
is a whole number of dots, and a renderer at 8 dots/mm (800 px for a 100 mm label, the bridge's
``scale = target_px / page_width_pt``) puts every bar edge on a pixel edge.

Roll pages are the paper's width (58/80 mm, what a printer driver and a PDF viewer expect) with
the head's printable 48/72 mm centred in it; their height follows the content.

:class:`Flow` lays a page out top-down: it measures while the document code adds lines, and draws
once the height is known, so a roll page can be exactly as long as what is on it.
"""
from __future__ import annotations

import io
import math
from typing import TYPE_CHECKING, Callable, Literal, Sequence

from . import fonts

if TYPE_CHECKING:
    from reportlab.pdfgen.canvas import Canvas

MM = 72 / 25.4
DOTS_PER_MM = 8
DOT = MM / DOTS_PER_MM

# Paper width -> printable width of the common 384/576-dot heads (see reference, B4).
ROLL_PRINTABLE_MM = {58: 48, 80: 72}

LEADING = 1.25
Align = Literal["left", "center", "right"]
DrawOp = Callable[["Canvas", float], None]


def snap_up(pt: float) -> float:
    """The smallest whole number of dots at or above ``pt``."""
    return math.ceil(round(pt / DOT, 6)) * DOT


def roll_geometry(width_mm: int) -> tuple[float, float]:
    """Page width and side margin (points) for a 58 or 80 mm roll."""
    if width_mm not in ROLL_PRINTABLE_MM:
        raise ValueError(f"roll width must be 58 or 80 mm, got {width_mm!r}")
    margin_mm = (width_mm - ROLL_PRINTABLE_MM[width_mm]) / 2
    return width_mm * MM, margin_mm * MM


def wrap(text: str, size: float, bold: bool, width: float, max_lines: int | None = None) -> list[str]:
    """Break ``text`` into lines no wider than ``width``: at spaces, at explicit newlines, and
    inside a word only when the word alone is too wide. Beyond ``max_lines`` the last line ends
    in an ellipsis."""
    lines: list[str] = []
    for paragraph in fonts.printable(text).split("\n"):
        line = ""
        for word in paragraph.split():
            candidate = f"{line} {word}" if line else word
            if fonts.text_width(candidate, size, bold) <= width:
                line = candidate
                continue
            if line:
                lines.append(line)
            line = ""
            while fonts.text_width(word, size, bold) > width:
                cut = _longest_prefix(word, size, bold, width)
                lines.append(word[:cut])
                word = word[cut:]
            line = word
        if line:
            lines.append(line)
    if max_lines is not None and len(lines) > max_lines:
        lines = lines[:max_lines]
        last = lines[-1]
        while last and fonts.text_width(last + "\u2026", size, bold) > width:
            last = last[:-1]
        lines[-1] = last.rstrip() + "\u2026"
    return lines


def _longest_prefix(word: str, size: float, bold: bool, width: float) -> int:
    cut = len(word)
    while cut > 1 and fonts.text_width(word[:cut], size, bold) > width:
        cut -= 1
    return cut


def fit_size(text: str, width: float, largest: float, smallest: float, bold: bool = True) -> float:
    """The largest font size (half-point steps) at which ``text`` fits on one line of ``width``."""
    size = largest
    while size > smallest and fonts.text_width(fonts.printable(text), size, bold) > width:
        size -= 0.5
    return size


class Flow:
    """A page laid out from the top down; ``y`` is the distance from the top edge in points."""

    def __init__(self, width: float, margin: float, *, size: float, top: float, bottom: float):
        self.width = width
        self.left = margin
        self.right = width - margin
        self.size = size
        self.y = top
        self._bottom = bottom
        self._ops: list[DrawOp] = []

    @property
    def inner(self) -> float:
        return self.right - self.left

    @property
    def height(self) -> float:
        """Page height needed for everything added so far, rounded up to a whole dot."""
        return snap_up(self.y + self._bottom)

    # --- text -------------------------------------------------------------------------------

    def text(self, text: str, *, size: float | None = None, bold: bool = False, align: Align = "left",
             indent: float = 0.0, max_lines: int | None = None) -> None:
        """A paragraph wrapped to the printable width."""
        size = size or self.size
        for line in wrap(text, size, bold, self.inner - indent, max_lines):
            self._line(line, size, bold, align, indent)

    def pair(self, label: str, value: str, *, size: float | None = None, bold: bool = False,
             indent: float = 0.0) -> None:
        """``label`` on the left (wrapping if long) and ``value`` flush right on its first line.

        When the label does not fit beside the value and too little room is left to wrap it
        well, the value gets its own right-aligned line instead, so neither runs over the other.
        """
        size = size or self.size
        value = fonts.printable(value)
        gap = size * 0.8
        room = self.inner - indent - fonts.text_width(value, size, bold) - gap
        label_fits = fonts.text_width(fonts.printable(label), size, bold) <= room
        if not label_fits and room < self.inner * 0.5:
            self.text(label, size=size, bold=bold, indent=indent)
            self._line(value, size, bold, "right", 0.0)
            return
        lines = wrap(label, size, bold, room) or [""]
        self._line(lines[0], size, bold, "left", indent, right=value)
        for line in lines[1:]:
            self._line(line, size, bold, "left", indent)

    def _line(self, line: str, size: float, bold: bool, align: Align, indent: float, *,
              right: str | None = None, white: bool = False) -> None:
        top = self.y
        left, right_edge = self.left + indent, self.right

        def draw(c: Canvas, page_h: float) -> None:
            baseline = page_h - top - fonts.ascent(size)
            c.setFont(fonts.face(bold), size)
            c.setFillGray(1 if white else 0)
            if align == "left":
                c.drawString(left, baseline, line)
            elif align == "right":
                c.drawRightString(right_edge, baseline, line)
            else:
                c.drawCentredString((left + right_edge) / 2, baseline, line)
            if right is not None:
                c.drawRightString(right_edge, baseline, right)
            c.setFillGray(0)

        self._ops.append(draw)
        self.y += size * LEADING

    def banner(self, text: str, *, size: float, bold: bool = True, pad: float = 2.0) -> None:
        """White text on a full-width black band: the thing nobody may miss (COD, a title)."""
        lines = wrap(text, size, bold, self.inner - 2 * pad)
        top, height = self.y, len(lines) * size * LEADING + 2 * pad
        left, width = self.left, self.inner

        def box(c: Canvas, page_h: float) -> None:
            c.setFillGray(0)
            c.rect(left, page_h - top - height, width, height, stroke=0, fill=1)

        self._ops.append(box)
        # Line boxes carry their leading below the glyphs; shift it half up to centre the text.
        shift = size * (LEADING - 1) / 2
        self.y += pad + shift
        for line in lines:
            self._line(line, size, bold, "center", 0.0, white=True)
        self.y += pad - shift

    # --- rules, space and free drawing ------------------------------------------------------

    def rule(self, *, dashed: bool = True, weight: float = 0.6, space: float = 2.5) -> None:
        """A separator line across the printable width, with ``space`` above and below."""
        self.y += space
        y_top, left, right = self.y, self.left, self.right

        def draw(c: Canvas, page_h: float) -> None:
            c.setLineWidth(weight)
            if dashed:
                c.setDash(2, 1.5)
            c.line(left, page_h - y_top, right, page_h - y_top)
            c.setDash()

        self._ops.append(draw)
        self.y += weight + space

    def space(self, pt: float) -> None:
        self.y += pt

    def block(self, height: float, draw: Callable[["Canvas", float], None], *, on_grid: bool = False) -> None:
        """Reserve ``height`` points and draw there with ``draw(canvas, top_y_in_pdf_coordinates)``.

        ``on_grid`` moves the block's top to a whole dot, for QR codes and rotated barcodes whose
        module edges run horizontally.
        """
        if on_grid:
            self.y = snap_up(self.y)
        top = self.y
        self._ops.append(lambda c, page_h: draw(c, page_h - top))
        self.y += height

    def draw(self, c: Canvas, page_h: float) -> None:
        for op in self._ops:
            op(c, page_h)


def render_pages(pages: Sequence[tuple[Flow, float]], *, title: str) -> bytes:
    """One PDF with a page per ``(flow, page_height)``; deterministic bytes (no timestamps/ids)."""
    from reportlab.pdfgen.canvas import Canvas

    fonts.register_fonts()
    buffer = io.BytesIO()
    first_flow, first_height = pages[0]
    c = Canvas(buffer, pagesize=(first_flow.width, first_height), invariant=1, pageCompression=1)
    c.setTitle(title)
    c.setAuthor("Sambung")
    c.setCreator("Sambung")
    for flow, page_h in pages:
        c.setPageSize((flow.width, page_h))
        flow.draw(c, page_h)
        c.showPage()
    c.save()
    return buffer.getvalue()


# --- barcodes ----------------------------------------------------------------------------------

CODE128_QUIET_MODULES = 10  # ISO/IEC 15417 minimum quiet zone each side


def code128_bars(value: str) -> tuple[list[tuple[int, int]], int]:
    """Code128 (B, switching to C for digit runs) as bars ``(start, width)`` in modules, and the
    symbol's total width in modules (no quiet zones)."""
    from reportlab.graphics.barcode.code128 import Code128

    symbol = Code128(value, quiet=0)
    # reportlab drops what Code128 cannot carry (non-ASCII) without a word: the bars would then
    # scan as something other than the text printed under them.
    if symbol.validate() != value:
        raise ValueError(f"Code128 carries ASCII only, got {value!r}")
    symbol.encode()
    symbol.decompose()
    # reportlab spells elements as letters: upper case = bar, lower case = space, 'a'/'A' = 1 module.
    bars: list[tuple[int, int]] = []
    x = 0
    for element in symbol.decomposed:
        width = ord(element.lower()) - ord("a") + 1
        if element.isupper():
            bars.append((x, width))
        x += width
    return bars, x


def draw_code128(c: Canvas, bars: Sequence[tuple[int, int]], *, x: float, y: float, module: float,
                 height: float, rotated: bool = False) -> None:
    """Fill the bars as one path. ``(x, y)`` is the bottom-left of the symbol, or its top-left
    when ``rotated`` (bars then run across the page and the symbol reads top to bottom)."""
    path = c.beginPath()
    for start, width in bars:
        if rotated:
            path.rect(x, y - (start + width) * module, height, width * module)
        else:
            path.rect(x + start * module, y, width * module, height)
    c.setFillGray(0)
    c.drawPath(path, stroke=0, fill=1)


def qr_matrix(data: str) -> list[list[bool]]:
    """QR modules (``True`` = dark) at error-correction level M, the size chosen to fit ``data``."""
    from reportlab.graphics.barcode.qrencoder import QRCode, QRErrorCorrectLevel

    qr = QRCode(None, QRErrorCorrectLevel.M)
    qr.addData(data)
    qr.make()
    n = qr.getModuleCount()
    return [[bool(qr.isDark(r, col)) for col in range(n)] for r in range(n)]


def draw_qr(c: Canvas, matrix: Sequence[Sequence[bool]], *, x: float, top: float, module: float) -> None:
    """Fill each row's dark runs as rectangles of one path (no seams between touching modules)."""
    path = c.beginPath()
    for r, row in enumerate(matrix):
        col = 0
        while col < len(row):
            if not row[col]:
                col += 1
                continue
            start = col
            while col < len(row) and row[col]:
                col += 1
            path.rect(x + start * module, top - (r + 1) * module, (col - start) * module, module)
    c.setFillGray(0)
    c.drawPath(path, stroke=0, fill=1)
