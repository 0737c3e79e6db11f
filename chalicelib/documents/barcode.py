"""Code128 symbols placed so a handheld scanner reads them off thermal paper: the AWB (nomor resi)
on a label, the order number (nomor pesanan) on the slip and the label.

Every bar sits on the printer's dot grid (8 dots/mm, see :mod:`.layout`). The narrow bar (the
module) is 3 whole dots (0.375 mm) where the symbol fits across the page, else 2 (0.25 mm): the
narrowest a 203 dpi head prints evenly and a cheap CCD scanner still resolves. Each side keeps the
quiet zone of 10 modules Code128 needs; it may run into the page margin, blank paper either way.
The value is printed in type under the bars, for the person who reads it out or types it in.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from .layout import CODE128_QUIET_MODULES, DOT, MM, Flow, code128_bars, draw_code128, fit_size

if TYPE_CHECKING:
    from reportlab.pdfgen.canvas import Canvas

# Widest first: the first that fits with its quiet zones is used.
MODULE_DOTS = (3, 2)
# Below 2 dots only a good head and scanner cope; label stock has no other way out (its length is
# fixed), and its value is printed as text beneath for when the scanner gives up.
LAST_RESORT_MODULE_DOTS = 1


def code128(f: Flow, value: str, *, bar_height: float, text_size: float, rotate_if_needed: bool) -> None:
    """``value`` as a Code128 centred across the page, then ``value`` in bold type under it.

    If even 2-dot modules do not fit across and ``rotate_if_needed`` (a roll, whose length is
    free), the symbol turns 90 degrees and runs down the page instead.
    """
    bars, modules = code128_bars(value)
    module = _widest_module_that_fits(f, modules)
    if module is None and rotate_if_needed:
        _down_the_page(f, bars, modules, MODULE_DOTS[-1])
    else:
        _across_the_page(f, bars, modules, module or LAST_RESORT_MODULE_DOTS, bar_height)
    f.text(value, bold=True, align="center", size=fit_size(value, f.inner, text_size, f.size))


def _widest_module_that_fits(f: Flow, modules: int) -> int | None:
    page_dots = round(f.width / DOT)
    margin_dots = round(f.left / DOT)

    def fits(module: int) -> bool:
        # Bars inside the printable width (between the margins), quiet zones inside the page.
        quiet = max(margin_dots, CODE128_QUIET_MODULES * module)
        return modules * module + 2 * quiet <= page_dots

    return next((m for m in MODULE_DOTS if fits(m)), None)


def _across_the_page(f: Flow, bars: list[tuple[int, int]], modules: int, module: int, bar_height: float) -> None:
    x = (round(f.width / DOT) - modules * module) // 2 * DOT  # centred, on a whole dot

    def draw(c: Canvas, top: float) -> None:
        draw_code128(c, bars, x=x, y=top - bar_height, module=module * DOT, height=bar_height)

    f.space(1 * MM)
    f.block(bar_height, draw, on_grid=True)
    f.space(1 * MM)  # heat spreads on thermal paper: the type below must not touch the bars


def _down_the_page(f: Flow, bars: list[tuple[int, int]], modules: int, module: int) -> None:
    """Bars running across the roll, read top to bottom; the quiet zones are above and below."""
    quiet = CODE128_QUIET_MODULES * module * DOT
    length = modules * module * DOT + 2 * quiet
    x, width = f.left, f.inner

    def draw(c: Canvas, top: float) -> None:
        draw_code128(c, bars, x=x, y=top - quiet, module=module * DOT, height=width, rotated=True)

    f.block(length, draw, on_grid=True)
