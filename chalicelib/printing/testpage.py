"""The "Cetak halaman uji" page: a PDF through the same path as every job (S3, claim, bridge),
so it proves the whole chain, not just the printer. It shows what people check on a new
printer: the station and profile, a bar from edge to edge of the printable width (a wrong
``width_dots`` cuts it off or leaves a margin), and a barcode (uneven bars mean the wrong dpi).

reportlab loads inside :func:`render_test_page`, like every document renderer.
"""
from __future__ import annotations

from typing import Any, Mapping

from ..core.clock import format_wib
from ..documents.layout import DOT, MM, Flow, code128_bars, draw_code128, render_pages, roll_geometry
from . import model

BAR_HEIGHT_MM = 4
BARCODE_HEIGHT_MM = 12
BARCODE_MODULE_DOTS = 2
LANGUAGE_NAMES = {"escpos": "ESC/POS", "tspl": "TSPL", "zpl": "ZPL"}


def render_test_page(profile: Mapping[str, Any], *, store_name: str, station_name: str, printed_at: float,
                     tz: str) -> bytes:
    """A one-page PDF sized for ``profile``: the receipt roll's width and its content's length,
    or one whole label."""
    if profile["role"] == "receipt":
        width, margin = roll_geometry(model.roll_width_mm(profile))
        f = Flow(width, margin, size=9.0, top=3 * MM, bottom=6 * MM)
    else:
        width = (profile["label_width_mm"] or profile["width_dots"] / model.dots_per_mm(profile)) * MM
        f = Flow(width, 4 * MM, size=11.0, top=4 * MM, bottom=4 * MM)

    f.banner("HALAMAN UJI", size=f.size * 1.4)
    f.space(2 * MM)
    f.text(store_name, bold=True, align="center")
    f.text(f"Stasiun: {station_name}", align="center")
    f.text(format_wib(printed_at, tz), align="center")
    f.rule()
    f.pair("Profil", profile["name"], bold=True)
    f.pair("Bahasa printer", LANGUAGE_NAMES[profile["language"]])
    f.pair("Lebar cetak", f"{profile['width_dots']} titik")
    f.pair("Resolusi", f"{profile['dpi']} dpi")
    if profile["role"] == "receipt":
        f.pair("Pemotong", {"none": "tidak ada", "partial": "sebagian", "full": "penuh"}[profile["cutter"]])
    f.rule()

    f.text("Garis di bawah harus penuh dari tepi ke tepi:", size=f.size * 0.9)
    # The printable width: the head's 48/72 mm centred on a roll, the whole of a label.
    left, span = (f.left, f.inner) if profile["role"] == "receipt" else (0.0, f.width)
    f.block(BAR_HEIGHT_MM * MM, lambda c, top: c.rect(left, top - BAR_HEIGHT_MM * MM, span, BAR_HEIGHT_MM * MM,
                                                      stroke=0, fill=1), on_grid=True)
    f.space(2 * MM)
    f.text("Barcode harus bisa dipindai:", size=f.size * 0.9)
    bars, modules = code128_bars(profile["name"])
    x = (round(f.width / DOT) - modules * BARCODE_MODULE_DOTS) // 2 * DOT
    f.block(BARCODE_HEIGHT_MM * MM, lambda c, top: draw_code128(
        c, bars, x=x, y=top - BARCODE_HEIGHT_MM * MM, module=BARCODE_MODULE_DOTS * DOT,
        height=BARCODE_HEIGHT_MM * MM), on_grid=True)
    f.text(profile["name"], size=f.size * 0.9, align="center")
    f.rule()
    f.text("Jika semua terbaca jelas, printer siap dipakai.", align="center")

    if profile["role"] == "receipt":
        height = f.height
    else:
        height = (profile["label_height_mm"] or 150) * MM
    return render_pages([(f, height)], title=f"Halaman uji {profile['name']}")
