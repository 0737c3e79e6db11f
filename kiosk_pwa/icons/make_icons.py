"""Draws the kiosk's PWA icons: a chain link ("sambung" means connect) on Sambung green.

``python3 kiosk_pwa/icons/make_icons.py`` writes icon-192.png, icon-512.png (rounded square, for
"any") and icon-maskable-512.png (full bleed, the glyph inside the 80 % safe circle that launchers
may crop to). Drawn 4x larger and scaled down for smooth edges. Needs Pillow.
"""
from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

HERE = Path(__file__).resolve().parent
GREEN = (11, 110, 79, 255)  # #0b6e4f, the manifest's theme_color
WHITE = (255, 255, 255, 255)
SUPERSAMPLE = 4


def glyph(size: int, scale: float) -> Image.Image:
    """The link sign: two open halves joined by a bar, ⊂—⊃, tilted 45 degrees, centred."""
    layer = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    width, height, stroke = 0.86 * size * scale, 0.36 * size * scale, 0.075 * size * scale
    x0, y0 = (size - width) / 2, (size - height) / 2
    cx, cy = size / 2, size / 2
    draw.rounded_rectangle((x0, y0, x0 + width, y0 + height), radius=height / 2, outline=WHITE, width=round(stroke))
    gap = 0.09 * width  # the opening in the middle of both long sides
    draw.rectangle((cx - gap, y0 - 1, cx + gap, y0 + height + 1), fill=(0, 0, 0, 0))
    bar = 0.22 * width  # the bar joining the halves, longer than the opening
    draw.rounded_rectangle((cx - bar, cy - stroke / 2, cx + bar, cy + stroke / 2), radius=stroke / 2, fill=WHITE)
    return layer.rotate(45, resample=Image.BICUBIC, center=(cx, cy))


def icon(px: int, maskable: bool) -> Image.Image:
    size = px * SUPERSAMPLE
    canvas = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    if maskable:
        canvas.paste(GREEN, (0, 0, size, size))
        scale = 0.72  # keeps the glyph inside the safe circle (80 % of the width)
    else:
        ImageDraw.Draw(canvas).rounded_rectangle((0, 0, size - 1, size - 1), radius=size * 0.22, fill=GREEN)
        scale = 0.92
    canvas = Image.alpha_composite(canvas, glyph(size, scale))
    return canvas.resize((px, px), Image.LANCZOS)


def main() -> None:
    for name, px, maskable in (("icon-192.png", 192, False), ("icon-512.png", 512, False),
                               ("icon-maskable-512.png", 512, True)):
        icon(px, maskable).save(HERE / name, optimize=True)
        print(f"wrote {HERE / name}")


if __name__ == "__main__":
    main()
