"""Address labels for parcels: 100x150 mm label stock, or a 58/80 mm receipt roll.

Content follows what Indonesian couriers and aggregators ask of a label (reference A3): courier
and service, the AWB (nomor resi) as text and as a Code128, COD or non-COD marked, recipient
(prominent) above sender, weight, order number, and what is inside.

The order number is a Code128 too: the shop scans it from the parcel (AWB scan-in, "Scan nomor
pesanan (slip atau label)"), so it sits at the bottom, well away from the AWB's barcode at the top
that the courier scans.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Sequence

from chalicelib.core.money import format_rupiah

from . import barcode, fonts
from .formatting import format_weight, readable_phone
from .layout import MM, Flow, fit_size, render_pages, roll_geometry, wrap
from .model import LabelData, LabelSize

if TYPE_CHECKING:
    from reportlab.pdfgen.canvas import Canvas

STOCK_WIDTH_MM, STOCK_HEIGHT_MM, STOCK_MARGIN_MM = 100, 150, 4
STOCK_BODY_SIZE = 10.0
ROLL_BODY_SIZE = {58: 8.0, 80: 9.0}
BARCODE_HEIGHT_MM = {"100x150": 18, "58": 12, "80": 14}
# The order number's barcode is for the shop's own handheld scanner (packing, AWB scan-in), held
# close: lower than the AWB's, which courier hubs scan from further away.
ORDER_BARCODE_HEIGHT_MM = 9
# When long addresses or notes would overflow 100x150 mm, shrink the text step by step, then cap
# the free-text blocks at fewer and fewer lines (cut with an ellipsis): the first step that fits
# wins, and the last one always fits. Caps: recipient name, recipient address, sender address,
# contents/note.
Caps = tuple[int, int, int, int]
STOCK_FITS: tuple[tuple[float, Caps | None], ...] = (
    (1.0, None), (0.9, None), (0.8, None),
    (0.75, (2, 10, 3, 4)), (0.75, (2, 8, 3, 3)), (0.75, (2, 6, 2, 2)), (0.75, (1, 4, 2, 2)),
)


def render_labels(labels: Sequence[LabelData], size: LabelSize = "100x150") -> bytes:
    """One PDF, one page per label, in the order given."""
    if not labels:
        raise ValueError("no labels to render")
    if size not in ("100x150", "58", "80"):
        raise ValueError(f"label size must be '100x150', '58' or '80', got {size!r}")
    pages = [_stock_page(label) if size == "100x150" else _roll_page(label, int(size)) for label in labels]
    title = f"Label {labels[0].order_number}" if len(labels) == 1 else f"{len(labels)} label pengiriman"
    return render_pages(pages, title=title)


def _stock_page(label: LabelData) -> tuple[Flow, float]:
    width, margin, height = STOCK_WIDTH_MM * MM, STOCK_MARGIN_MM * MM, STOCK_HEIGHT_MM * MM
    for scale, caps in STOCK_FITS:
        flow = _label_flow(label, width, margin, STOCK_BODY_SIZE * scale, "100x150", caps)
        if flow.height <= height:
            break
    return flow, height


def _roll_page(label: LabelData, width_mm: int) -> tuple[Flow, float]:
    width, margin = roll_geometry(width_mm)
    flow = _label_flow(label, width, margin, ROLL_BODY_SIZE[width_mm], str(width_mm), None)
    return flow, flow.height


def _label_flow(label: LabelData, width: float, margin: float, size: float, size_key: str,
                caps: Caps | None) -> Flow:
    name_cap, address_cap, sender_cap, text_cap = caps or (None, None, None, None)
    f = Flow(width, margin, size=size, top=margin, bottom=margin)
    courier = f"{label.courier} {label.service}".upper()
    f.text(courier, bold=True, size=fit_size(courier, f.inner, size * 2.0, size))
    f.rule(dashed=False, weight=1.5)

    on_roll = size_key != "100x150"
    if label.awb:
        f.text("No. Resi", size=size * 0.8, align="center")
        barcode.code128(f, label.awb, bar_height=BARCODE_HEIGHT_MM[size_key] * MM, text_size=size * 1.6,
                        rotate_if_needed=on_roll)
    else:
        _awaiting_awb(f, BARCODE_HEIGHT_MM[size_key] * MM + size * 2.5)
    f.rule(dashed=False, weight=1.5)

    if label.cod_amount:
        f.banner(f"COD {format_rupiah(label.cod_amount)}", size=size * 1.8)
    else:
        f.text("NON-COD", bold=True, align="center", size=size * 1.3)
    f.rule(dashed=False, weight=1.5)

    f.text("PENERIMA", bold=True, size=size * 0.8)
    f.text(label.recipient.name, bold=True, size=size * 1.5, max_lines=name_cap)
    f.text(readable_phone(label.recipient.phone), bold=True, size=size * 1.3)
    f.text(label.recipient.address, size=size * 1.15, max_lines=address_cap)
    f.rule()

    f.text("PENGIRIM", bold=True, size=size * 0.8)
    f.text(f"{label.sender.name} \u00b7 {readable_phone(label.sender.phone)}", bold=True, size=size * 0.95)
    f.text(label.sender.address, size=size * 0.85, max_lines=sender_cap)
    f.rule()

    f.text("No. Pesanan", size=size * 0.8, align="center")
    barcode.code128(f, label.order_number, bar_height=ORDER_BARCODE_HEIGHT_MM * MM, text_size=size * 1.3,
                    rotate_if_needed=on_roll)
    f.rule()
    f.pair("Berat", format_weight(label.weight_grams), bold=True)
    if label.contents:
        f.text(f"Isi: {label.contents}", size=size * 0.85, max_lines=text_cap)
    if label.note:
        f.text(f"Catatan: {label.note}", size=size * 0.85, max_lines=text_cap)
    return f


def _awaiting_awb(f: Flow, height: float) -> None:
    """A dashed box where the barcode will be: the label is usable for packing, not for handover."""
    size = f.size
    left, width = f.left, f.inner
    note = wrap("Nomor resi belum terbit. Cetak ulang label ini setelah resi keluar.", size * 0.85, False,
                width - 4 * MM)
    title_size = fit_size("MENUNGGU RESI", width - 4 * MM, size * 2.2, size)

    def draw(c: Canvas, top: float) -> None:
        c.setLineWidth(1.5)
        c.setDash(4, 3)
        c.rect(left, top - height, width, height, stroke=1, fill=0)
        c.setDash()
        centre = left + width / 2
        block = title_size * 1.2 + len(note) * size * 0.85 * 1.25
        y = top - (height - block) / 2 - title_size * 0.9
        c.setFont(fonts.BOLD, title_size)
        c.drawCentredString(centre, y, "MENUNGGU RESI")
        c.setFont(fonts.REGULAR, size * 0.85)
        for i, line in enumerate(note):
            c.drawCentredString(centre, y - title_size * 0.5 - (i + 1) * size * 0.85 * 1.25, line)

    f.space(1 * MM)
    f.block(height, draw)
    f.space(1 * MM)
