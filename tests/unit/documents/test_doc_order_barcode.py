"""The order number as a Code128 on the Book Order slip and the address label, for the shop's
handheld scanner ("Scan nomor pesanan (slip atau label)" when AWBs are scanned in).

Read back the way a print bridge and a scanner meet it: the page rendered at one pixel per dot of
a 203 dpi head (8 dots/mm), decoded with zxing-cpp, and measured: narrow bars of 2-3 whole dots,
quiet zones of at least 10 modules, bars inside the head's printable width, tall enough to aim
at, and the number in type under the bars without touching them.
"""
from __future__ import annotations

from dataclasses import replace

import pytest
import zxingcpp
from docpdf import Page, decode, measure_bars, pages, save_preview
from docsamples import sample_label, sample_slip

from chalicelib.documents import render_labels, render_order_slip
from chalicelib.documents.layout import code128_bars

CODE128 = zxingcpp.BarcodeFormat.Code128
DOTS_PER_MM = 8
# Order numbers as sales makes them (ddmm-XXXXX, letters and digits without 0/O/1/I/L: all digits
# is possible), and the longer B-yyyymmdd-nnnn the document samples use.
ORDER_NUMBERS = ["0812-RC4NY", "3112-22222", "0101-ZZZZZ", "2311-8A9B2", "B-20261123-0007"]
# Page width -> dots the head prints across: 48/72 mm of a 58/80 mm roll, all of the label stock.
PRINTABLE_DOTS = {58: 384, 80: 576, 100: 800}
MIN_BAR_HEIGHT_MM = 8  # room to aim a handheld scanner's line across
QUIET_MODULES = 10


def _order_barcode(page: Page, order_number: str):
    """The page at head resolution and its one barcode carrying ``order_number``."""
    width_mm = round(page.size_mm[0])
    image = page.head_image(width_mm * DOTS_PER_MM)
    found = [r for r in decode(image, CODE128) if r.text == order_number]
    assert len(found) == 1, [r.text for r in decode(image, CODE128)]
    return image, found[0]


def _assert_scannable(page: Page, order_number: str) -> None:
    image, found = _order_barcode(page, order_number)
    # "]C0": plain Code128, no GS1 prefix or function codes: a scanner types exactly the number.
    assert found.symbology_identifier == "]C0" and found.orientation == 0
    bars = measure_bars(image, found)
    assert bars.module in (2, 3), f"narrow bars of {bars.module} dots"
    assert all(r % bars.module == 0 and r // bars.module <= 4 for r in bars.runs), "every bar on whole dots"
    assert min(bars.quiet_left, bars.quiet_right) >= QUIET_MODULES * bars.module, bars
    assert bars.height >= MIN_BAR_HEIGHT_MM * DOTS_PER_MM, f"{bars.height} dots tall"
    page_dots = image.size[0]
    margin = (page_dots - PRINTABLE_DOTS[round(page.size_mm[0])]) // 2
    assert margin <= bars.left and bars.right < page_dots - margin, "inside what the head prints"

    # The number in type right under the bars, clear of them (thermal paper bleeds a little).
    dots_per_pt = page_dots / page.width_pt
    text = [c for c in page.find(order_number)]
    text_top = min((page.height_pt - c.top) * dots_per_pt for c in text)
    assert bars.bottom + 4 <= text_top <= bars.bottom + 3 * DOTS_PER_MM
    assert all(bars.left <= c.left * dots_per_pt and c.right * dots_per_pt <= bars.right + 1 for c in text), \
        "centred under the bars"


@pytest.mark.parametrize("width_mm", [80, 58])
@pytest.mark.parametrize("order_number", ORDER_NUMBERS)
def test_slip_carries_a_scannable_order_number(width_mm: int, order_number: str) -> None:
    [page] = pages(render_order_slip(replace(sample_slip(), order_number=order_number), width_mm))
    _assert_scannable(page, order_number)
    assert [r.text for r in decode(page.image(), CODE128)] == [order_number], "and no other barcode"


@pytest.mark.parametrize("width_mm", [80, 58])
def test_slip_barcode_sits_under_the_title_before_the_goods(width_mm: int) -> None:
    pdf = render_order_slip(replace(sample_slip(), order_number="0812-RC4NY"), width_mm)
    save_preview(f"order-slip-barcode-{width_mm}", pdf)
    [page] = pages(pdf)
    image, found = _order_barcode(page, "0812-RC4NY")
    bars = measure_bars(image, found)
    dots_per_pt = image.size[0] / page.width_pt

    def top_in_dots(word: str) -> float:
        return (page.height_pt - page.find(word)[0].top) * dots_per_pt

    assert top_in_dots("SLIP") < bars.top and bars.bottom < top_in_dots("Tanggal") < top_in_dots("Barang")
    assert "No. Pesanan 0812-RC4NY" in page.flat_text


@pytest.mark.parametrize("size", ["100x150", "80", "58"])
@pytest.mark.parametrize("order_number", ORDER_NUMBERS)
def test_label_carries_a_scannable_order_number_below_the_awb(size: str, order_number: str) -> None:
    label = replace(sample_label(), order_number=order_number)
    [page] = pages(render_labels([label], size))  # type: ignore[arg-type]
    _assert_scannable(page, order_number)
    assert [r.text for r in decode(page.image(), CODE128)] == [label.awb, order_number]


@pytest.mark.parametrize("size", ["100x150", "80", "58"])
def test_label_without_awb_still_carries_the_order_number(size: str) -> None:
    label = replace(sample_label(), order_number="0812-RC4NY", awb=None, cod_amount=0)
    pdf = render_labels([label], size)  # type: ignore[arg-type]
    save_preview(f"label-order-barcode-{size}", pdf)
    [page] = pages(pdf)
    assert "MENUNGGU RESI" in page.text
    _assert_scannable(page, "0812-RC4NY")


def test_barcode_refuses_what_code128_cannot_carry() -> None:
    # reportlab would quietly drop the character: the bars would scan as another number.
    with pytest.raises(ValueError, match="ASCII"):
        code128_bars("0812-RC4N\u00dd")
