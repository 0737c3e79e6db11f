"""Order slip (slip pesanan) of a Book Order: what CS prints for the goods and the customer's
transfer, on a 80 (or 58) mm roll. Its order number is a Code128 too, for the shop's scanner.
A COD order's slip shows what the courier collects instead of a transfer; a pickup order's says
"Ambil di toko" instead of an address."""
from __future__ import annotations

from typing import TYPE_CHECKING

from chalicelib.core.clock import format_wib
from chalicelib.core.money import format_rupiah

from . import barcode, fonts
from .formatting import format_deadline, readable_phone
from .layout import MM, Flow, fit_size, render_pages, roll_geometry
from .model import OrderSlipData, ReceiptWidth

if TYPE_CHECKING:
    from reportlab.pdfgen.canvas import Canvas

BODY_SIZE = {58: 8.0, 80: 9.0}
# The order number as a Code128, for the shop's handheld scanner ("Scan nomor pesanan (slip atau
# label)" when the AWBs are scanned in): tall enough to aim at, short enough for a slip.
ORDER_BARCODE_HEIGHT_MM = 10
# Customers transfer exactly what they read, so the amount is as large as the roll allows.
AMOUNT_MAX_SIZE = {58: 22.0, 80: 30.0}
# Matching a bank statement line to this order relies on the last three digits (the kode unik
# sits in them), so they are printed reversed out of black: "transfer tepat sampai 3 digit terakhir".
HIGHLIGHT_DIGITS = 3


def render_order_slip(data: OrderSlipData, width_mm: ReceiptWidth = 80) -> bytes:
    """The Book Order slip as a one-page roll PDF."""
    width, margin = roll_geometry(width_mm)
    size = BODY_SIZE[width_mm]
    f = Flow(width, margin, size=size, top=3 * MM, bottom=6 * MM)

    f.text(data.merchant_name, size=size * 1.3, bold=True, align="center")
    f.text(data.store_name, align="center")
    f.space(1.5 * MM)
    f.banner("SLIP PESANAN", size=size * 1.2)
    f.space(1 * MM)
    f.text("No. Pesanan", size=size * 0.9, align="center")
    barcode.code128(f, data.order_number, bar_height=ORDER_BARCODE_HEIGHT_MM * MM, text_size=size * 1.4,
                    rotate_if_needed=True)
    f.space(1 * MM)
    f.pair("Tanggal", format_wib(data.created_at, data.tz))
    f.pair("Channel", data.channel)
    if data.cs_name:
        f.pair("CS", data.cs_name)
    f.rule()

    f.text("Barang", bold=True)
    for item in data.items:
        codes = " \u00b7 ".join(code for code in (item.sku, item.barcode) if code)
        f.text(codes, size=size * 0.9, bold=True)
        f.text(item.description)
        f.pair(f"{item.qty} x {format_rupiah(item.unit_price)}", format_rupiah(item.line_total), indent=size)
        f.space(size * 0.3)
    f.rule()

    f.pair("Subtotal barang", format_rupiah(data.subtotal))
    if data.pickup:
        f.pair("Pengiriman", "Ambil di toko", bold=True)
    else:
        f.pair(f"Ongkir ({data.courier})" if data.courier else "Ongkir", format_rupiah(data.shipping_fee))
    if not data.cod:
        f.pair("Kode unik", format_rupiah(data.unique_code))
    f.rule()

    if data.cod:
        # Nothing to transfer: the courier collects this on delivery (and the label says so too).
        f.banner("COD - BAYAR DI TEMPAT", size=size * 1.2)
        amount = format_rupiah(data.amount_to_transfer)
        f.text(amount, bold=True, align="center", size=fit_size(amount, f.inner, AMOUNT_MAX_SIZE[width_mm], size))
        f.text("Dibayar pelanggan ke kurir saat paket tiba. Tidak perlu transfer.", align="center",
               size=size * 0.9)
        f.rule()
    else:
        f.text("JUMLAH TRANSFER", bold=True, align="center")
        _amount(f, format_rupiah(data.amount_to_transfer), AMOUNT_MAX_SIZE[width_mm])
        f.text(f"Transfer TEPAT sampai {HIGHLIGHT_DIGITS} digit terakhir", bold=True, align="center",
               size=size * 0.9)
        f.text(f"(sudah termasuk kode unik {data.unique_code})" if data.unique_code > 0
               else f"(sudah dipotong kode unik {-data.unique_code})", align="center", size=size * 0.9)
        f.rule()

        account = data.bank_account
        f.text("Transfer ke", bold=True)
        f.text(account.bank, bold=True, size=size * 1.2)
        f.text(account.number, bold=True, size=fit_size(account.number, f.inner, size * 1.8, size))
        f.text(f"a.n. {account.holder}")
        f.rule()

        f.text("Bayar sebelum", bold=True)
        deadline = format_deadline(data.pay_by, data.tz)
        f.text(deadline, bold=True, size=fit_size(deadline, f.inner, size * 1.2, size))
        f.text("Lewat batas waktu, pesanan batal otomatis dan barang dilepas.", size=size * 0.85)
        f.rule()

    if data.pickup:
        f.banner("AMBIL DI TOKO", size=size * 1.2)
        f.text(data.customer_name, bold=True, size=size * 1.1)
        f.text(readable_phone(data.customer_phone))
        f.text("Barang diambil pelanggan di toko: tidak dikirim.", size=size * 0.9)
    else:
        f.text("Kirim ke", bold=True)
        f.text(data.customer_name, bold=True, size=size * 1.1)
        f.text(readable_phone(data.customer_phone))
        f.text(data.shipping_address)
    if data.note:
        f.rule()
        f.text(f"Catatan: {data.note}")
    return render_pages([(f, f.height)], title=f"Slip pesanan {data.order_number}")


def _amount(f: Flow, amount: str, largest: float) -> None:
    """The amount in big digits, its last digits white on black."""
    pad_ratio = 0.12
    size = fit_size(amount, f.inner - 2 * pad_ratio * largest, largest, f.size * 1.5)
    head, tail = amount[:-HIGHLIGHT_DIGITS], amount[-HIGHLIGHT_DIGITS:]
    pad = size * pad_ratio
    head_w = fonts.text_width(head, size, True)
    tail_w = fonts.text_width(tail, size, True)
    x = f.left + (f.inner - head_w - tail_w - 2 * pad) / 2
    # Digits stand 0.73 em above the baseline; the box hugs them with ``pad`` all round.
    digit_height = size * 0.73
    height = digit_height + 2 * pad

    def draw(c: Canvas, top: float) -> None:
        baseline = top - pad - digit_height
        c.setFont(fonts.BOLD, size)
        c.setFillGray(0)
        c.drawString(x, baseline, head)
        c.rect(x + head_w, top - height, tail_w + 2 * pad, height, stroke=0, fill=1)
        c.setFillGray(1)
        c.drawString(x + head_w + pad, baseline, tail)
        c.setFillGray(0)

    f.space(1.5 * MM)
    f.block(height, draw)
    f.space(2 * MM)
