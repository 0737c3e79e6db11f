"""Refund receipt (struk pengembalian) on a 58 or 80 mm thermal roll.

Its own numbered document that names the sale's receipt ("PENGEMBALIAN atas struk ...", or
"PEMBATALAN (VOID) atas struk ..."), never an edit of it: what went back (lines, quantities and
their money), how (tender and reference), why, who did it and who approved, and the points taken
back with the balance after (a balance below zero is printed as "Poin terutang").
"""
from __future__ import annotations

from chalicelib.core.clock import format_wib
from chalicelib.core.money import format_rupiah

from .formatting import format_count, masked_phone, points_balance_pair
from .layout import MM, Flow, roll_geometry
from .model import RefundReceiptData, ReceiptWidth, payment_label
from .receipt import BODY_SIZE, copy_banner, receipt_end, store_header


def render_refund_receipt(data: RefundReceiptData, width_mm: ReceiptWidth = 58) -> bytes:
    """The refund receipt as a one-page PDF as wide as the roll and as long as its content."""
    width, margin = roll_geometry(width_mm)
    size = BODY_SIZE[width_mm]
    f = Flow(width, margin, size=size, top=3 * MM, bottom=6 * MM)

    store_header(f, data.merchant_name, data.store_name, data.store_address, data.store_phone)
    if data.copy is not None:
        copy_banner(f, data.copy, data.tz)
    f.banner(data.title, size=size * 1.2)  # "PENGEMBALIAN" / "PEMBATALAN (VOID)" ...
    f.text(f"atas struk {data.order_number}", bold=True, align="center")  # ... of the sale's receipt
    f.space(0.5 * MM)
    f.pair("No. Pengembalian" if not data.void else "No. Pembatalan", data.refund_number, bold=True)
    f.pair("Tanggal", format_wib(data.refunded_at, data.tz))
    f.pair("Struk asal", data.order_number)
    if data.sale_paid_at is not None:
        f.pair("Tanggal struk asal", format_wib(data.sale_paid_at, data.tz))
    f.pair("Diproses oleh", data.processed_by)
    if data.approved_by:
        f.pair("Disetujui oleh", data.approved_by)
    f.rule()

    if data.lines:
        f.text("Barang dikembalikan", bold=True)
        for line in data.lines:
            f.text(line.name)
            f.pair(f"{line.qty} x {format_rupiah(line.unit_price)}", format_rupiah(line.gross), indent=size)
            if line.amount != line.gross:
                # The line's share of what was paid: a discount (or a chat order's ongkir) changes it.
                f.pair("Dikembalikan", format_rupiah(line.amount), indent=size)
        rounding = data.amount - data.lines_total
        if rounding:
            f.pair("Pembulatan", format_rupiah(rounding))
        pieces = sum(line.qty for line in data.lines)
        f.pair("Jumlah barang", f"{format_count(pieces)} item")
    else:
        f.text("Pengembalian dana (tanpa barang)", bold=True)
    f.rule()

    f.text("TOTAL DIKEMBALIKAN", bold=True, align="center")
    f.text(format_rupiah(data.amount), size=size * 1.6, bold=True, align="center")
    f.rule()
    f.pair("Dikembalikan via", payment_label(data.tender, data.tender_issuer))
    if data.tender_reference:
        f.pair("Referensi", data.tender_reference)
    f.pair("Alasan", data.reason)
    if data.note:
        f.text(f"Catatan: {data.note}", size=size * 0.9)

    if data.shopper_phone:
        f.rule()
        f.pair("Member", masked_phone(data.shopper_phone))
        if data.points_taken:
            f.pair("Poin ditarik kembali", f"-{format_count(data.points_taken)}")
        if data.points_balance is not None:
            label, value = points_balance_pair(data.points_balance)
            f.pair(label if data.points_balance < 0 else "Sisa poin", value, bold=True)

    return receipt_end(f, width_mm, url=data.receipt_url, caption="Scan untuk struk pengembalian digital",
                       footer=data.footer, copy=data.copy, title=f"Pengembalian {data.refund_number}")
