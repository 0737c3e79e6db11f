"""The test page: drawn with Pillow straight at the printer's resolution (the bridge has no PDF
writer), then binarized and encoded like any job.

What a technician checks on the printout:

* both edge marks visible: ``width_dots`` matches the head (too wide and the right mark is lost);
* the millimetre ruler measures true: the dpi is right;
* the 1- to 4-dot bars are distinct: no smearing, so barcodes at 2-3 dot modules will scan;
* the grey ramp comes out dithered and the text solid: the photo detection works;
* the profile summary says what was configured.
"""
from __future__ import annotations

from datetime import datetime

from PIL import Image, ImageDraw, ImageFont

from .profiles import Profile
from .raster import Raster, raster_from_greyscale


TITLE = "SAMBUNG TES PRINTER"


def _title_font(width: int, size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """The largest font up to ``size`` that fits the title between the edge marks."""
    while size > 10:
        font = ImageFont.load_default(size=size)
        if font.getlength(TITLE) <= width - 24:
            return font
        size -= 2
    return ImageFont.load_default(size=size)


def draw_test_page(profile: Profile, when: datetime | None = None) -> Image.Image:
    """A greyscale ("L") test page exactly ``profile.width_dots`` wide."""
    width = profile.width_dots
    dpmm = profile.dots_per_mm
    scale = max(1.0, width / 576)  # the layout is drawn for 80 mm paper and scaled up for labels
    title, body = _title_font(width, round(28 * scale)), ImageFont.load_default(size=round(18 * scale))
    lines = [
        f"Profil: {profile.name}",
        f"Bahasa: {profile.language.upper()}  Peran: {profile.role}",
        f"Lebar: {width} titik @ {profile.dpi} dpi ({width / dpmm:.0f} mm)",
        f"Pemotong: {profile.cutter}  Laci: {profile.drawer_kick}",
        f"Ambang: {profile.threshold}  Dither: {profile.dither}",
        (when or datetime.now()).strftime("%Y-%m-%d %H:%M:%S"),
    ]
    line_h = round(26 * scale)
    height = round(60 * scale) + line_h * len(lines) + 40 + 60 + 70 + 40
    image = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(image)
    draw.fontmode = "1"  # no anti-aliasing: text must threshold cleanly, like pdfium's output

    # Edge marks: a 3-dot bar at each side of the first rows.
    draw.rectangle((0, 0, 2, 40), fill=0)
    draw.rectangle((width - 3, 0, width - 1, 40), fill=0)
    draw.text((width // 2, 8), TITLE, font=title, fill=0, anchor="mt")
    y = round(50 * scale)
    for line in lines:
        draw.text((10, y), line, font=body, fill=0)
        y += line_h
    y += 10

    # Ruler: a tick every millimetre, longer every 5 and 10.
    for mm in range(int(width / dpmm) + 1):
        x = min(width - 1, mm * dpmm)
        length = 24 if mm % 10 == 0 else 14 if mm % 5 == 0 else 7
        draw.line((x, y, x, y + length), fill=0)
    y += 40

    # Bars of 1, 2, 3 and 4 dots with equal gaps.
    x = 10
    for bar in (1, 2, 3, 4):
        for _ in range(6):
            draw.rectangle((x, y, x + bar - 1, y + 40), fill=0)
            x += 2 * bar
        x += 16
    y += 60

    # A grey ramp: continuous tone, so the raster stage dithers it.
    ramp_width = width - 20
    for i in range(ramp_width):
        draw.line((10 + i, y, 10 + i, y + 50), fill=round(255 * i / (ramp_width - 1)))
    return image


def build_test_page(profile: Profile, when: datetime | None = None) -> Raster:
    return raster_from_greyscale(draw_test_page(profile, when), profile)
