"""The sales receipt as the shopper holds it: on a 58/80 mm roll, every figure readable, the QR
scannable, long names wrapped inside the printable width."""
from __future__ import annotations

from dataclasses import replace

import pytest
import zxingcpp
from docpdf import PT_PER_MM, decode, pages, save_preview
from docsamples import LONG_NAME, RECEIPT_URL, sample_receipt

from chalicelib.documents import CASH, ReceiptLine, render_receipt


@pytest.mark.parametrize("width_mm", [58, 80])
def test_receipt_shows_what_the_shopper_checks(width_mm: int) -> None:
    pdf = render_receipt(sample_receipt(), width_mm)
    save_preview(f"receipt-{width_mm}", pdf)
    [page] = pages(pdf)
    width, height = page.size_mm
    assert width == width_mm
    assert 100 < height < 400, "one long page as tall as the content"
    text = page.flat_text
    for expected in ["Toko Batik Sekar Jagad", "Cabang Kemang", "Kasir Siti Rahmawati",
                     "No. Order S-20261123-0042", "23/11/2026 14:05 WIB", "Kaos Polos Hitam L",
                     "2 x Rp75.000 Rp150.000", "Diskon -Rp10.000", "Subtotal (4 item) Rp615.000",
                     "Diskon -Rp15.000", "TOTAL Rp600.000", "Pembayaran QRIS - GoPay",
                     "Member 0812-****-7890", "Poin didapat +60", "Total poin 1.250", "Telp. 0217194455"]:
        assert expected in text
    assert "3456" not in text, "the shopper's full number never appears on paper"
    assert "Tas Anyaman Pandan" in text, "an emoji the font lacks is dropped, not printed as a box"


@pytest.mark.parametrize("width_mm", [58, 80])
def test_receipt_qr_opens_the_digital_receipt(width_mm: int) -> None:
    [page] = pages(render_receipt(sample_receipt(), width_mm))
    codes = decode(page.image(), zxingcpp.BarcodeFormat.QRCode)
    assert [c.text for c in codes] == [RECEIPT_URL]


@pytest.mark.parametrize("width_mm, printable_mm", [(58, 48), (80, 72)])
def test_long_item_names_wrap_inside_the_printable_width(width_mm: int,
                                                         printable_mm: int) -> None:
    [page] = pages(render_receipt(sample_receipt(), width_mm))
    margin = (width_mm - printable_mm) / 2 * PT_PER_MM
    assert page.chars, "text is extractable"
    for ch in page.chars:
        assert ch.left >= margin - 0.5 and ch.right <= page.width_pt - margin + 0.5, ch
    name_chars = page.find(LONG_NAME)
    assert len({round(c.bottom) for c in name_chars}) >= 2, "the long name spans several lines"


def test_receipt_grows_with_its_items() -> None:
    many = [ReceiptLine(f"Produk nomor {i}", 1, 10_000) for i in range(40)]
    long_receipt = replace(sample_receipt(), items=many, subtotal=400_000, discount=0, total=400_000)
    short_h = pages(render_receipt(sample_receipt(), 58))[0].size_mm[1]
    long_h = pages(render_receipt(long_receipt, 58))[0].size_mm[1]
    assert long_h > short_h + 40 * 5, "each item adds two lines"


def test_cash_receipt_shows_received_and_change() -> None:
    cash = replace(sample_receipt(), payment_method=CASH, payment_issuer=None, cash_received=700_000)
    text = pages(render_receipt(cash, 80))[0].flat_text
    assert "Pembayaran Tunai" in text
    assert "Tunai diterima Rp700.000" in text
    assert "Kembalian Rp100.000" in text
    assert "Kembalian" not in pages(render_receipt(sample_receipt(), 80))[0].flat_text


def test_receipt_without_shopper_or_link() -> None:
    anonymous = replace(sample_receipt(), shopper_phone=None, points_earned=None, points_balance=None, receipt_url=None)
    [page] = pages(render_receipt(anonymous, 58))
    assert "Member" not in page.text and "Poin" not in page.text
    assert decode(page.image()) == []


def test_receipt_bytes_are_deterministic() -> None:
    assert render_receipt(sample_receipt(), 58) == render_receipt(sample_receipt(), 58)


def test_receipt_refuses_figures_that_do_not_add_up() -> None:
    with pytest.raises(ValueError, match="subtotal"):
        replace(sample_receipt(), subtotal=600_000)
    with pytest.raises(ValueError, match="total"):
        replace(sample_receipt(), total=615_000)
    with pytest.raises(ValueError, match="less than the total"):
        replace(sample_receipt(), payment_method=CASH, payment_issuer=None, cash_received=500_000)


def test_receipt_width_is_58_or_80() -> None:
    with pytest.raises(ValueError, match="58 or 80"):
        render_receipt(sample_receipt(), 76)  # type: ignore[arg-type]



def test_chat_order_receipt_shows_shipping_and_kode_unik() -> None:
    base = sample_receipt()
    data = replace(base, shipping_fee=12_000, unique_code=7, total=base.total + 12_007)
    [page] = pages(render_receipt(data, 80))
    for text in ("Ongkos kirim", "Rp12.000", "Kode unik", "Rp7", f"Rp{base.total + 12_007:,}".replace(",", ".")):
        assert text in page.flat_text, text
    with pytest.raises(ValueError):
        replace(base, shipping_fee=12_000)  # the total must still add up
