"""Address labels as the courier meets them: one page per parcel, the AWB barcode scans back to
the exact AWB at 203 dpi with every bar on whole printer dots, COD and weight unmistakable. Below
the addresses, the order number's barcode (tests/unit/documents/test_doc_order_barcode.py)."""
from __future__ import annotations

from dataclasses import replace

import pytest
import zxingcpp
from docpdf import decode, measure_bars, pages, save_preview
from docsamples import RECIPIENT, sample_label

from chalicelib.documents import Party, render_labels

CODE128 = zxingcpp.BarcodeFormat.Code128
# AWB shapes from the couriers Indonesian sellers use (reference A2), plus a hyphenated one.
AWBS = ["SOCAG00183235715", "010190001491925", "JX8009962760", "002927168687", "TSA1234567890ABCDE",
        "NLIDAP1234567890", "RR123456789ID", "WYB-2026-000123"]


def test_one_pdf_with_a_page_per_label() -> None:
    batch = [replace(sample_label(), order_number=f"B-20261123-{i:04d}", awb=awb) for i, awb in enumerate(AWBS)]
    batch.append(replace(sample_label(), order_number="B-20261123-0099", awb=None, cod_amount=0))
    pdf = render_labels(batch)
    save_preview("labels-100x150", pdf)
    rendered = pages(pdf)
    assert len(rendered) == len(batch)
    for page, label in zip(rendered, batch):
        assert page.size_mm == (100.0, 150.0)
        assert label.order_number in page.text


@pytest.mark.parametrize("awb", AWBS)
def test_awb_barcode_decodes_exactly_at_203_dpi(awb: str) -> None:
    [page] = pages(render_labels([replace(sample_label(), awb=awb)]))
    assert [r.text for r in decode(page.image(), CODE128)] == [awb, "B-20261123-0007"], "the AWB, then the order"
    assert awb in page.text, "the AWB is printed as text too"


@pytest.mark.parametrize("size, dots_wide", [("100x150", 800), ("80", 640), ("58", 464)])
def test_bars_land_on_whole_printer_dots(size: str, dots_wide: int) -> None:
    [page] = pages(render_labels([sample_label()], size))  # type: ignore[arg-type]
    image = page.head_image(dots_wide)  # the page width at 8 dots/mm, the "203 dpi" of thermal heads
    [awb, _] = decode(image, CODE128)
    bars = measure_bars(image, awb)
    assert bars.module in (2, 3), "narrow bars are 2-3 dots wide"
    # Every bar and space is 1-4 whole modules; a scaled (812-dot) render fails this.
    assert all(r % bars.module == 0 and r // bars.module <= 4 for r in bars.runs), bars.runs


def test_label_carries_what_the_courier_needs() -> None:
    pdf = render_labels([sample_label()])
    [page] = pages(pdf)
    text = page.flat_text
    for expected in ["JNE REG", "No. Resi", "SOCAG00183235715", "COD Rp518.123", "PENERIMA", "Dewi Lestari",
                     "0813-9876-5432", "Kota Bandung, Jawa Barat 40162", "PENGIRIM", "Toko Batik Sekar Jagad",
                     "0811-1122-2333", "No. Pesanan B-20261123-0007", "Berat 1,2 kg", "Isi: 1x Kemeja Batik"]:
        assert expected in text
    # The recipient is the prominent block: the name is set larger than the sender's.
    recipient_h = page.find("Dewi")[0].top - page.find("Dewi")[0].bottom
    sender_h = page.find("Toko")[0].top - page.find("Toko")[0].bottom
    assert recipient_h > 1.3 * sender_h
    assert page.find("PENERIMA")[0].bottom > page.find("PENGIRIM")[0].bottom, "recipient above sender"


def test_cod_amount_is_white_on_black() -> None:
    [page] = pages(render_labels([sample_label()]))
    image = page.image()
    chars = page.find("COD")
    scale = 203 / 72
    # Sample just left of the text, inside the band: black where a plain label would be white.
    x = int((chars[0].left - 6) * scale)
    y = int((page.height_pt - (chars[0].bottom + chars[0].top) / 2) * scale)
    assert image.getpixel((x, y)) < 64


def test_without_awb_the_label_says_menunggu_resi() -> None:
    [page] = pages(render_labels([replace(sample_label(), awb=None, cod_amount=0)]))
    assert "MENUNGGU RESI" in page.text
    assert "NON-COD" in page.text
    assert "COD Rp" not in page.text
    assert [r.text for r in decode(page.image(), CODE128)] == ["B-20261123-0007"], "only the order number"


@pytest.mark.parametrize("size, width_mm", [("58", 58), ("80", 80)])
def test_roll_labels(size: str, width_mm: int) -> None:
    batch = [sample_label(), replace(sample_label(), awb="TSA1234567890ABCDEFGHJK", order_number="B-20261123-0008"),
             replace(sample_label(), awb=None, order_number="B-20261123-0009")]
    pdf = render_labels(batch, size)  # type: ignore[arg-type]
    save_preview(f"labels-{size}", pdf)
    rendered = pages(pdf)
    assert len(rendered) == 3
    for page, label in zip(rendered, batch):
        assert page.size_mm[0] == width_mm
        found = [r.text for r in decode(page.image(), CODE128)]
        assert found == ([label.awb] if label.awb else []) + [label.order_number]
        assert "No. Pesanan" in page.text and "Berat 1,2 kg" in page.flat_text


def test_a_long_awb_on_a_58mm_roll_turns_to_run_down_the_roll() -> None:
    awb = "TSA1234567890ABCDEFGHJK"
    [page] = pages(render_labels([replace(sample_label(), awb=awb)], "58"))
    [found] = [r for r in decode(page.image(), CODE128) if r.text == awb]
    assert found.orientation in (90, -90, 270)


def test_long_addresses_still_fit_the_stock() -> None:
    long_address = ", ".join(["Perumahan Griya Asri Blok C7 No. 12A RT 005/RW 011 Kel. Sukamaju Kec. Cibeunying"] * 8)
    crowded = replace(sample_label(), recipient=Party(RECIPIENT.name, RECIPIENT.phone, long_address),
                      note="Titip di pos satpam kalau rumah kosong, telepon dulu sebelum kirim. " * 6)
    [page] = pages(render_labels([crowded]))
    assert page.size_mm == (100.0, 150.0)
    assert all(c.bottom >= 0 and c.right <= page.width_pt for c in page.chars), "nothing runs off the label"
    assert "\u2026" in page.text, "the overlong address is cut with an ellipsis"
    assert [r.text for r in decode(page.image(), CODE128)] == ["SOCAG00183235715", "B-20261123-0007"]


def test_render_labels_rejects_empty_batches_and_unknown_sizes() -> None:
    with pytest.raises(ValueError, match="no labels"):
        render_labels([])
    with pytest.raises(ValueError, match="label size"):
        render_labels([sample_label()], "A6")  # type: ignore[arg-type]


def test_awb_must_be_printable_ascii() -> None:
    with pytest.raises(ValueError, match="awb"):
        replace(sample_label(), awb="RESI\u00a0123")
