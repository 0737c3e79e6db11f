"""The Book Order slip as CS and the customer read it: the goods by code, where they go, and the
exact amount to transfer in big digits with the kode unik in its last digits."""
from __future__ import annotations

from dataclasses import replace

import pytest
from docpdf import pages, save_preview
from docsamples import LONG_NAME, sample_slip

from chalicelib.documents import SlipLine, render_order_slip


def test_amount_to_transfer_is_items_plus_shipping_plus_kode_unik() -> None:
    slip = sample_slip()
    assert slip.subtotal == 350_000 + 2 * 75_000
    assert slip.amount_to_transfer == 500_000 + 18_000 + 123


@pytest.mark.parametrize("width_mm", [80, 58])
def test_slip_shows_order_goods_customer_and_payment(width_mm: int) -> None:
    pdf = render_order_slip(sample_slip(), width_mm)
    save_preview(f"order-slip-{width_mm}", pdf)
    [page] = pages(pdf)
    assert page.size_mm[0] == width_mm
    text = page.flat_text
    for expected in ["SLIP PESANAN", "B-20261123-0007", "Tanggal 23/11/2026 14:05 WIB", "Channel WhatsApp",
                     "KMJ-PRG-XL \u00b7 8991234567890", "KP-HTM-L", "Kaos Polos Hitam L", "2 x Rp75.000 Rp150.000",
                     "Subtotal barang Rp500.000", "Ongkir (JNE REG) Rp18.000", "Kode unik Rp123",
                     "JUMLAH TRANSFER", "BCA", "123 456 7890", "a.n. PT Sekar Jagad Nusantara",
                     "Bayar sebelum", "Senin, 23/11/2026 16:05 WIB", "Dewi Lestari", "0813-9876-5432",
                     "Kota Bandung, Jawa Barat 40162"]:
        assert expected in text
    assert " ".join(LONG_NAME.split()) in text.replace(" \u00b7 ", " ")
    page.find("Rp518.123")  # the amount, even though its last digits are drawn separately


def test_amount_is_big_and_its_last_three_digits_stand_out() -> None:
    [page] = pages(render_order_slip(sample_slip()))
    amount = page.find("Rp518.123")
    body = page.find("Kode unik")
    assert amount[2].top - amount[2].bottom > 2.5 * (body[0].top - body[0].bottom), "big digits"
    image = page.image()
    scale = 203 / 72

    def ink_above(chars) -> float:
        """Share of dark pixels in a row just above the glyphs: the band's black, or white paper."""
        y = int((page.height_pt - max(c.top for c in chars) - 1.5) * scale)
        xs = range(int(chars[0].left * scale), int(chars[-1].right * scale))
        return sum(image.getpixel((x, y)) < 128 for x in xs) / len(xs)

    assert ink_above(amount[-3:]) > 0.95, "kode unik digits reversed out of black"
    assert ink_above(amount[2:5]) < 0.05, "the rest of the amount is black on white"


def test_slip_lists_every_item() -> None:
    items = [SlipLine(f"SKU-{i:03d}", f"Produk {i}", 1, 10_000) for i in range(25)]
    slip = replace(sample_slip(), items=items, shipping_fee=0)
    text = pages(render_order_slip(slip))[0].flat_text
    assert all(f"SKU-{i:03d}" in text for i in range(25))
    assert "Rp250.123" in text.replace(" ", "")


@pytest.mark.parametrize("code", [0, 1000, -1000])
def test_kode_unik_is_1_to_999_added_or_taken_off(code: int) -> None:
    with pytest.raises(ValueError, match="unique_code"):
        replace(sample_slip(), unique_code=code)
    assert replace(sample_slip(), unique_code=-5).unique_code == -5  # a store that takes the code off


def test_deadline_must_follow_creation() -> None:
    slip = sample_slip()
    with pytest.raises(ValueError, match="pay_by"):
        replace(slip, pay_by=slip.created_at)
