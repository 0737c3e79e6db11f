"""Sales receipt (struk) on a 58 or 80 mm thermal roll. A reprint is marked "SALINAN ke-N" with
when and for whom it was printed; refunds done on the sale are listed under it (the sale's own
figures never change)."""
from __future__ import annotations

from chalicelib.core.clock import format_wib
from chalicelib.core.money import format_rupiah

from .formatting import format_count, masked_phone, points_balance_pair, readable_phone
from .layout import DOT, DOTS_PER_MM, MM, Flow, draw_qr, qr_matrix, render_pages, roll_geometry
from .model import CopyMark, ReceiptData, ReceiptWidth, payment_label

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

    store_header(f, data.merchant_name, data.store_name, data.store_address, data.store_phone)
    if data.copy is not None:
        copy_banner(f, data.copy, data.tz)
    if data.voided:
        f.banner("DIBATALKAN (VOID)", size=size * 1.1)
        f.space(1 * MM)
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

    if data.refunds:
        f.rule()
        f.text("Pengembalian atas struk ini", bold=True)
        for refund in data.refunds:
            f.text(f"{refund.refund_number} (void)" if refund.void else refund.refund_number)
            f.pair(format_wib(refund.refunded_at, data.tz), format_rupiah(-refund.amount), size=size * 0.9)
        f.pair("Total dikembalikan", format_rupiah(-data.refunded))

    if data.shopper_phone:
        f.rule()
        f.pair("Member", masked_phone(data.shopper_phone))
        if data.points_earned is not None:
            f.pair("Poin didapat", f"+{format_count(data.points_earned)}")
        if data.points_balance is not None:
            f.pair(*points_balance_pair(data.points_balance), bold=True)

    return receipt_end(f, width_mm, url=data.receipt_url, caption="Scan untuk struk digital", footer=data.footer,
                       copy=data.copy, title=f"Struk {data.order_number}")


def receipt_end(f: Flow, width_mm: int, *, url: str | None, caption: str, footer: str, copy, title: str) -> bytes:
    """The end every receipt shares: the QR to its digital copy, the footer, the copy mark, the PDF."""
    if url:
        f.rule()
        qr_block(f, url, width_mm)
        f.text(caption, size=f.size * 0.9, align="center")
    f.rule()
    f.text(footer, align="center")
    if copy is not None:
        copy_footer(f, copy)
    return render_pages([(f, f.height)], title=title + (f" (SALINAN ke-{copy.number})" if copy else ""))


def store_header(f: Flow, merchant: str, store: str, address: str, phone: str | None) -> None:
    size = f.size
    f.text(merchant, size=size * 1.5, bold=True, align="center")
    f.text(store, bold=True, align="center")
    f.text(address, size=size * 0.9, align="center")
    if phone:
        f.text(f"Telp. {readable_phone(phone)}", size=size * 0.9, align="center")
    f.rule()


def copy_banner(f: Flow, copy: CopyMark, tz: str) -> None:
    """A reprint says so before anything else: "SALINAN ke-N" reversed out of black, then when it
    was printed and who asked, so an old receipt printed again cannot pass for a new sale."""
    size = f.size
    f.banner(f"SALINAN ke-{copy.number}", size=size * 1.3)
    f.space(0.5 * MM)
    f.pair("Dicetak ulang", format_wib(copy.printed_at, tz), size=size * 0.9)
    f.pair("Oleh", copy.requested_by, size=size * 0.9)
    f.rule()


def copy_footer(f: Flow, copy: CopyMark) -> None:
    f.space(1 * MM)
    f.text(f"SALINAN ke-{copy.number} - bukan transaksi baru", bold=True, align="center")


def qr_block(f: Flow, url: str, width_mm: int) -> None:
    """The receipt link as a QR sized for the roll (the refund receipt prints its own the same way)."""
    matrix = qr_matrix(url)
    n = len(matrix)
    module_dots = max(QR_MIN_MODULE_DOTS, min(QR_MAX_MODULE_DOTS, QR_TARGET_MM[width_mm] * DOTS_PER_MM // n))
    side_dots = n * module_dots
    page_dots = round(f.width / DOT)
    x = (page_dots - side_dots) // 2 * DOT
    f.space(1 * MM)
    f.block(side_dots * DOT, lambda c, top: draw_qr(c, matrix, x=x, top=top, module=module_dots * DOT), on_grid=True)
    f.space(1 * MM)
