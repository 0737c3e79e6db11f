"""Rasterising: the head's true resolution, threshold for text and bars, dither for photos only,
centring and fitting, blank tails, and refusing what is not a PDF."""
from __future__ import annotations

import io

import pytest
from PIL import Image, ImageDraw
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas

from print_bridge.profiles import BUILTIN_PROFILES
from print_bridge.raster import PdfError, Raster, binarize, continuous_tone_mask, rasterize_pdf

ESCPOS_80 = BUILTIN_PROFILES["escpos-80"]
ESCPOS_58 = BUILTIN_PROFILES["escpos-58"]
TSPL = BUILTIN_PROFILES["tspl-100x150"]


def _pdf(width_mm: float, height_mm: float, draw) -> bytes:
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=(width_mm * mm, height_mm * mm), invariant=1)
    draw(c)
    c.showPage()
    c.save()
    return buf.getvalue()


def _ink_columns(raster: Raster, row: int) -> list[int]:
    image = raster.to_ink_image()
    return [x for x in range(raster.width) if image.getpixel((x, row))]


def _runs(values: list[int]) -> list[int]:
    """Lengths of the alternating runs in a row of 0/1 pixels."""
    runs, count = [], 1
    for previous, current in zip(values, values[1:]):
        if current == previous:
            count += 1
        else:
            runs.append(count)
            count = 1
    return runs + [count]


def test_label_barcode_bars_are_whole_multiples_of_the_module(label_pdf: bytes) -> None:
    # The fixture's Code128 has 3-dot modules; at 8 dots/mm every bar and space must be 3, 6, 9
    # or 12 dots. Scaling by any other factor would break this (and the scan).
    raster = rasterize_pdf(label_pdf, TSPL)[0]
    image = raster.to_ink_image()
    row = round((150 - 106) * 8)  # through the middle of the bars
    # Between the label's border lines (4 mm in from each edge).
    pixels = [1 if image.getpixel((x, row)) else 0 for x in range(48, raster.width - 48)]
    first, last = pixels.index(1), len(pixels) - 1 - pixels[::-1].index(1)
    runs = _runs(pixels[first : last + 1])
    assert len(runs) > 60
    assert all(run % 3 == 0 for run in runs), runs


def test_roll_page_renders_at_8_dots_per_mm_cropped_to_the_head(receipt_pdf: bytes) -> None:
    # The 80 mm page has its content in the printable 72 mm; 576 dots are exactly that.
    raster = rasterize_pdf(receipt_pdf, ESCPOS_80)[0]
    assert raster.width == 576
    rule_row = next(y for y in range(raster.height) if len(_ink_columns(raster, y)) > 500)
    columns = _ink_columns(raster, rule_row)
    assert columns[0] == 0 and columns[-1] == 575  # the 4..76 mm rule spans the head exactly


def test_too_wide_page_is_scaled_down_to_fit(receipt_pdf: bytes) -> None:
    raster = rasterize_pdf(receipt_pdf, ESCPOS_58)[0]
    assert raster.width == 384
    rule_row = next(y for y in range(raster.height) if len(_ink_columns(raster, y)) > 300)
    columns = _ink_columns(raster, rule_row)
    # 72 of 80 mm scaled into 384 dots: the rule keeps its 4 mm margins in proportion.
    assert abs(columns[0] - 19) <= 1 and abs(columns[-1] - 364) <= 1


def test_narrow_page_is_centred_at_true_size() -> None:
    pdf = _pdf(48, 20, lambda c: c.rect(0, 10 * mm, 48 * mm, 5 * mm, stroke=0, fill=1))
    raster = rasterize_pdf(pdf, ESCPOS_80)[0]
    columns = _ink_columns(raster, raster.height - 2)
    assert (columns[0], columns[-1], len(columns)) == (96, 479, 384)


def test_blank_tail_is_trimmed_but_not_the_top() -> None:
    pdf = _pdf(80, 300, lambda c: c.rect(4 * mm, 280 * mm, 72 * mm, 10 * mm, stroke=0, fill=1))
    raster = rasterize_pdf(pdf, ESCPOS_80)[0]
    assert raster.height == 20 * 8  # 10 mm blank top kept, 10 mm of ink, the 280 mm below dropped
    assert not any(raster.rows(0, 80))
    no_trim = rasterize_pdf(pdf, ESCPOS_80.__class__(**{**ESCPOS_80.to_dict(), "trim_tail": False}))[0]
    assert no_trim.height == 2400


def test_blank_page_becomes_an_empty_raster() -> None:
    raster = rasterize_pdf(_pdf(80, 50, lambda c: None), ESCPOS_80)[0]
    assert (raster.width, raster.height, raster.data) == (576, 0, b"")


def test_every_page_becomes_a_raster() -> None:
    def three_pages(c: canvas.Canvas) -> None:
        for i in range(2):
            c.rect(0, 0, 100 * mm, (i + 1) * 10 * mm, stroke=0, fill=1)
            c.showPage()
        c.rect(0, 0, 100 * mm, 30 * mm, stroke=0, fill=1)

    pages = rasterize_pdf(_pdf(100, 150, three_pages), TSPL)
    assert [p.height for p in pages] == [1200, 1200, 1200]
    assert [sum(bin(b).count("1") for b in p.data) // 800 for p in pages] == [80, 160, 240]


def _synthetic_page() -> Image.Image:
    """Black text, grey text, a flat grey box and a photo-like gradient on white."""
    image = Image.new("L", (576, 256), 255)
    draw = ImageDraw.Draw(image)
    draw.fontmode = "1"
    draw.text((10, 10), "TOTAL Rp150.000", fill=0)
    draw.text((10, 40), "muted grey text", fill=90)
    draw.rectangle((300, 10, 560, 60), fill=170)
    for x in range(200):
        for y in range(100):
            image.putpixel((300 + x, 120 + y), (x + y * 2) % 256)
    return image


def test_only_continuous_tone_tiles_are_dithered() -> None:
    grey = _synthetic_page()
    mask = continuous_tone_mask(grey)
    assert mask is not None
    left, top, right, bottom = mask.getbbox()
    assert (left, top) == (288, 96) and right >= 500 and bottom >= 220  # tiles around the gradient only
    auto = binarize(grey, 128, "auto", mask)
    threshold = binarize(grey, 128, "never")
    dithered = binarize(grey, 128, "always")
    above_photo = (0, 0, 576, 96)
    assert auto.crop(above_photo).tobytes() == threshold.crop(above_photo).tobytes()
    photo = (320, 128, 480, 208)
    assert auto.crop(photo).tobytes() == dithered.crop(photo).tobytes()
    assert auto.crop(photo).tobytes() != threshold.crop(photo).tobytes()


def test_grey_and_coloured_text_stays_solid(receipt_pdf: bytes) -> None:
    # The fixture's muted 45 % grey line and red "LUNAS" must print as solid strokes: the
    # dithered rendering would scatter them.
    auto = rasterize_pdf(receipt_pdf, ESCPOS_80)[0]
    never = rasterize_pdf(receipt_pdf, ESCPOS_80.__class__(**{**ESCPOS_80.to_dict(), "dither": "never"}))[0]
    photo_top = next(y for y in range(auto.height) if auto.rows(y, y + 1) != never.rows(y, y + 1))
    text_rows = auto.rows(0, photo_top)
    assert text_rows == never.rows(0, photo_top)
    assert photo_top >= auto.height - 20 * 8  # only the 20 mm photo at the bottom differs


def test_pure_black_and_white_pages_skip_the_tile_analysis() -> None:
    image = Image.new("L", (64, 64), 255)
    ImageDraw.Draw(image).rectangle((5, 5, 30, 30), fill=0)
    assert continuous_tone_mask(image) is None


def test_supersampled_analysis_returns_a_print_resolution_mask() -> None:
    grey = _synthetic_page()
    double = grey.resize((grey.width * 2, grey.height * 2), Image.NEAREST)
    assert continuous_tone_mask(double, scale=2).tobytes() == continuous_tone_mask(grey).tobytes()


@pytest.mark.parametrize(
    "data, message",
    [
        (b"", "not a PDF"),
        (b"<html>403 Forbidden</html>", "not a PDF"),
        (b"%PDF-1.7\n%garbage that is not a document\n", "cannot open PDF"),
    ],
)
def test_malformed_pdf_is_refused_with_a_reason(data: bytes, message: str) -> None:
    with pytest.raises(PdfError, match=message):
        rasterize_pdf(data, ESCPOS_80)


def test_truncated_pdf_is_refused(receipt_pdf: bytes) -> None:
    with pytest.raises(PdfError):
        rasterize_pdf(receipt_pdf[: len(receipt_pdf) // 3], ESCPOS_80)
