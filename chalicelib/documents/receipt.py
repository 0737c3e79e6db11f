"""Sales receipt (struk) on a 58 or 80 mm thermal roll."""
from __future__ import annotations

from chalicelib.core.clock import format_wib
from chalicelib.core.money import format_rupiah

from .formatting import format_count, masked_phone, readable_phone
from .layout import DOT, DOTS_PER_MM, MM, Flow, draw_qr, qr_matrix, render_pages, roll_geometry
from .model import ReceiptData, ReceiptWidth, payment_label

# Body text size per roll: about 31 characters a line on 58 mm and 42 on 80 mm, like the
# printers' own fonts, and legible after thresholding at 8 dots/mm.
BODY_SIZE = {58: 8.0, 80: 9.0}
# QR modules of at least 3 dots (0.375 mm) scan reliably from thermal paper with a phone.
QR_MIN_MODULE_DOTS = 3
QR_MAX_MODULE_DOTS = 6
QR_TARGET_MM = {58: 22, 80: 26}


def render_receipt(data: ReceiptData, width_mm: ReceiptWidth = 58) -> bytes:
    """The shopper's receipt as a one-page PDF as wide as the roll and as long as its content."""
    width, margin = roll_geometry(width_mm)
    size = BODY_SIZE[width_mm]
    f = Flow(width, margin, size=size, top=3 * MM, bottom=6 * MM)

    f.text(data.merchant_name, size=size * 1.5, bold=True, align="center")
    f.text(data.store_name, bold=True, align="center")
    f.text(data.store_address, size=size * 0.9, align="center")
    if data.store_phone:
        f.text(f"Telp. {readable_phone(data.store_phone)}", size=size * 0.9, align="center")
    f.rule()
    f.pair("No. Order", data.order_number, bold=True)
    f.pair("Tanggal", format_wib(data.paid_at, data.tz))
    f.pair("Kasir", data.cashier_name)
    f.rule()

    for item in data.items:
        f.text(item.name)
        f.pair(f"{item.qty} x {format_rupiah(item.unit_price)}", format_rupiah(item.qty * item.unit_price), indent=size)
        if item.line_discount:
            f.pair("Diskon", format_rupiah(-item.line_discount), indent=size)
    f.rule()

    pieces = sum(item.qty for item in data.items)
    f.pair(f"Subtotal ({pieces} item)", format_rupiah(data.subtotal))
    if data.discount:
        f.pair("Diskon", format_rupiah(-data.discount))
    if data.shipping_fee:
        f.pair("Ongkos kirim", format_rupiah(data.shipping_fee))
    if data.unique_code:
        f.pair("Kode unik", format_rupiah(data.unique_code))
    f.pair("TOTAL", format_rupiah(data.total), size=size * 1.4, bold=True)
    f.rule()
    f.pair("Pembayaran", payment_label(data.payment_method, data.payment_issuer))
    if data.cash_received is not None:
        f.pair("Tunai diterima", format_rupiah(data.cash_received))
        f.pair("Kembalian", format_rupiah(data.change or 0), bold=True)

    if data.shopper_phone:
        f.rule()
        f.pair("Member", masked_phone(data.shopper_phone))
        if data.points_earned is not None:
            f.pair("Poin didapat", f"+{format_count(data.points_earned)}")
        if data.points_balance is not None:
            f.pair("Total poin", format_count(data.points_balance), bold=True)

    if data.receipt_url:
        f.rule()
        _qr(f, data.receipt_url, width_mm)
        f.text("Scan untuk struk digital", size=size * 0.9, align="center")

    f.rule()
    f.text(data.footer, align="center")
    return render_pages([(f, f.height)], title=f"Struk {data.order_number}")


def _qr(f: Flow, url: str, width_mm: int) -> None:
    matrix = qr_matrix(url)
    n = len(matrix)
    module_dots = max(QR_MIN_MODULE_DOTS, min(QR_MAX_MODULE_DOTS, QR_TARGET_MM[width_mm] * DOTS_PER_MM // n))
    side_dots = n * module_dots
    page_dots = round(f.width / DOT)
    x = (page_dots - side_dots) // 2 * DOT
    f.space(1 * MM)
    f.block(side_dots * DOT, lambda c, top: draw_qr(c, matrix, x=x, top=top, module=module_dots * DOT), on_grid=True)
    f.space(1 * MM)
