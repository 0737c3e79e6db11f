"""PDF pages to 1-bit printer rasters.

Rendering choices (see the printing notes in the shared reference):

* pypdfium2 renders in greyscale with anti-aliasing *off* for text, paths and images, at twice
  the head's resolution; each 2x2 block is then averaged and thresholded. pdfium fills an
  aliased axis-aligned rectangle by rounding it *outward*, so a bar whose edge lands a hair past
  a dot boundary (float noise in any PDF) gains a whole dot at 1x: a 3-dot Code128 module
  prints 4 dots. At 2x that stray column covers at most half a dot, and a dot prints only when
  more than half of it is ink, so dot-aligned bars come out exact and glyph edges follow their
  true coverage. (Anti-aliased rendering does not help: pdfium takes the same integer
  rectangle path for such fills.) Dithering anti-aliased edges instead would scatter dots and
  thin the strokes, so text and barcodes are always thresholded.
* Pages are rendered at the head's true resolution (whole dots per millimetre) whenever they
  fit: the cloud lays documents out on that dot grid so every Code128 bar edge falls on a dot
  edge, and any other scale would make some bars a dot too wide and the barcode unreadable.
  A page up to ``MAX_MARGIN_MM`` wider than the head (an 80 mm roll page for a 72 mm / 576-dot
  head, a 4x6 inch label on a 100 mm head) is cropped to the head's width around its centre:
  that is where the paper sits. A narrower page (a 58 mm receipt on an 80 mm printer) is
  centred. Only a page wider than that (an A4 sheet sent to a receipt printer) is scaled down to
  fit ``width_dots``, the one case where exact bars cannot be kept.
* Dithering is decided per 32x32-dot tile, on the 2x render before averaging: there vector
  content (text, barcodes, rules, flat or coloured fills) has only its own few colours per
  tile, while photos and gradients have dozens of grey levels. Tiles with at least
  ``PHOTO_MIN_LEVELS`` distinct mid-grey levels get Floyd-Steinberg dither; everything else is
  thresholded at the profile's threshold, so grey or coloured text stays solid. Per tile rather
  than per page because a receipt with a photo still has text that must stay sharp; per tile
  rather than per PDF image object because it needs no knowledge of the PDF's structure
  (nested forms, shadings, inline images).
* Blank rows at the bottom are trimmed so a tall receipt template does not waste paper.

pdfium is not thread-safe, so every call into it is serialised by one module lock.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass

import pypdfium2 as pdfium
from PIL import Image, ImageChops, ImageOps

from .profiles import Profile

TILE = 32
PHOTO_MIN_LEVELS = 24
SUPERSAMPLE = 2
# Pixels strictly between these are "mid-grey": candidates for continuous tone.
_MID_LOW, _MID_HIGH = 8, 247
# Paper wider than the head by up to this much is the printer's unprintable margin (80 mm roll,
# 72 mm head: 8 mm); beyond it the page is a different size and is scaled down instead.
MAX_MARGIN_MM = 12
# A 2.5 m receipt is a broken template, not a receipt; refuse instead of allocating it.
MAX_PAGE_DOTS = 20000
MAX_PAGES = 100

_pdfium_lock = threading.Lock()
_MID_LUT = [255 if _MID_LOW < v < _MID_HIGH else 0 for v in range(256)]


class PdfError(ValueError):
    """The document cannot be printed: not a PDF, damaged, empty or absurdly large."""


@dataclass(frozen=True)
class Raster:
    """A 1-bit image as printers take it: row-major, ``width_bytes`` per row, most significant
    bit = leftmost dot, 1 = ink. Padding bits at the end of a row are 0 (no ink)."""

    width: int
    height: int
    data: bytes

    def __post_init__(self) -> None:
        if len(self.data) != self.width_bytes * self.height:
            raise ValueError(f"raster data is {len(self.data)} bytes, expected {self.width_bytes * self.height}")

    @property
    def width_bytes(self) -> int:
        return (self.width + 7) // 8

    def rows(self, start: int, stop: int) -> bytes:
        """The packed bytes of rows ``start`` (inclusive) to ``stop`` (exclusive)."""
        return self.data[start * self.width_bytes : stop * self.width_bytes]

    @classmethod
    def from_ink_image(cls, ink: Image.Image) -> "Raster":
        """From a mode "1" image whose set pixels are ink (Pillow packs exactly our layout)."""
        if ink.mode != "1":
            raise ValueError("ink image must be mode '1'")
        return cls(ink.width, ink.height, ink.tobytes())

    def to_ink_image(self) -> Image.Image:
        return Image.frombytes("1", (self.width, self.height), self.data)

    def to_picture(self) -> Image.Image:
        """A mode "1" image that *looks* like the print: ink black on white paper."""
        return ImageChops.invert(self.to_ink_image())


def binarize(grey: Image.Image, threshold: int, dither: str, photo_mask: Image.Image | None = None) -> Image.Image:
    """Greyscale (mode "L", 0 = black) to an ink image (mode "1", set = ink).

    ``dither`` is ``never`` (threshold everything), ``always`` (Floyd-Steinberg everything) or
    ``auto`` (Floyd-Steinberg where ``photo_mask`` is set, threshold elsewhere; see
    :func:`continuous_tone_mask`).
    """
    if dither == "always":
        return _dither(grey)
    ink = grey.point([255 if v < threshold else 0 for v in range(256)], "1")
    if dither == "never" or photo_mask is None:
        return ink
    return Image.composite(_dither(grey), ink, photo_mask)


def _dither(grey: Image.Image) -> Image.Image:
    # Invert first so that set pixels of the "1" result are ink; Pillow dithers by default.
    return ImageOps.invert(grey).convert("1")


def continuous_tone_mask(grey: Image.Image, scale: int = 1) -> Image.Image | None:
    """Mode "1" mask of the tiles that look like photos or gradients, or None when none do.

    ``grey`` may be a ``scale``-times supersampled render, analysed in ``TILE * scale`` pixel
    tiles *before* averaging (where black text is still pure black, so text tiles drop out at
    the first test); the mask comes back at print resolution, the size of ``grey.reduce(scale)``.
    """
    if not any(grey.histogram()[_MID_LOW + 1 : _MID_HIGH]):
        return None  # the common receipt: pure black and white, nothing to decide
    tile = TILE * scale
    mid = grey.point(_MID_LUT)
    # Only tiles that contain a mid-grey pixel at all are worth a histogram; look only inside
    # the (tile-aligned) box around them, usually a logo or photo far smaller than the page.
    left, top, right, bottom = mid.getbbox()  # type: ignore[misc]
    left, top = left // tile * tile, top // tile * tile
    coverage = mid.crop((left, top, right, bottom)).reduce(tile)
    cols, rows = -(-grey.width // tile), -(-grey.height // tile)
    tiles = Image.new("1", (cols, rows), 0)
    found = False
    for index, value in enumerate(coverage.tobytes()):
        if not value:
            continue
        x, y = left // tile + index % coverage.width, top // tile + index // coverage.width
        box = (x * tile, y * tile, min(grey.width, (x + 1) * tile), min(grey.height, (y + 1) * tile))
        histogram = grey.crop(box).histogram()
        levels = sum(1 for level in range(_MID_LOW + 1, _MID_HIGH) if histogram[level])
        if levels >= PHOTO_MIN_LEVELS:
            tiles.putpixel((x, y), 1)
            found = True
    if not found:
        return None
    size = (-(-grey.width // scale), -(-grey.height // scale))
    return tiles.resize((cols * TILE, rows * TILE), Image.NEAREST).crop((0, 0, *size))


def centre_to_width(
    image: Image.Image, width: int, page_width: float, page_height: float, fill: int = 255
) -> Image.Image:
    """Crop or pad (with ``fill``, white by default) a rendered page to exactly ``width``
    columns around the centre of the page; ``page_width``/``page_height`` are its exact size
    in pixels."""
    # The bitmap is rounded up from the page size; the extra edge row/column holds only the
    # overhang of fills that touch the page edge.
    page = image.crop((0, 0, round(page_width), round(page_height)))
    offset = round((page_width - width) / 2)
    if offset == 0 and page.width == width:
        return page
    canvas = Image.new(image.mode, (width, page.height), fill)
    canvas.paste(page, (-offset, 0))
    return canvas


def page_scale(width_pt: float, profile: Profile) -> float:
    """Pixels per PDF point for a page ``width_pt`` wide (see the module docstring)."""
    native = profile.dots_per_mm * 25.4 / 72
    if width_pt * native <= profile.width_dots + MAX_MARGIN_MM * profile.dots_per_mm:
        return native
    return profile.width_dots / width_pt


def raster_from_greyscale(grey: Image.Image, profile: Profile) -> Raster:
    """A raster from an image drawn at print resolution (mode "L", ``width_dots`` wide)."""
    photo_mask = continuous_tone_mask(grey) if profile.dither == "auto" else None
    return _to_raster(grey, photo_mask, profile)


def _to_raster(grey: Image.Image, photo_mask: Image.Image | None, profile: Profile) -> Raster:
    """Binarize per the profile and trim the blank tail."""
    if grey.width != profile.width_dots:
        raise ValueError(f"image is {grey.width} dots wide, profile {profile.name!r} prints {profile.width_dots}")
    ink = binarize(grey, profile.threshold, profile.dither, photo_mask)
    if profile.trim_tail:
        bbox = ink.getbbox()
        ink = ink.crop((0, 0, ink.width, bbox[3] if bbox else 0))
    return Raster.from_ink_image(ink)


def rasterize_pdf(pdf: bytes, profile: Profile) -> list[Raster]:
    """Render every page of ``pdf`` at the profile's width; one raster per page.

    Raises :class:`PdfError` when the bytes are not a printable PDF.
    """
    if b"%PDF-" not in pdf[:1024]:
        # pdfium is lenient about junk before the header (as the PDF spec allows) but an HTML
        # error page or an empty body must not get that far.
        raise PdfError("not a PDF (no %PDF- header)")
    with _pdfium_lock:
        try:
            document = pdfium.PdfDocument(pdf)
        except pdfium.PdfiumError as exc:
            raise PdfError(f"cannot open PDF: {exc}") from exc
        try:
            count = len(document)
            if count == 0:
                raise PdfError("PDF has no pages")
            if count > MAX_PAGES:
                raise PdfError(f"PDF has {count} pages; at most {MAX_PAGES} per job")
            return [_render_page(document, index, profile) for index in range(count)]
        finally:
            document.close()


def _render_page(document: "pdfium.PdfDocument", index: int, profile: Profile) -> Raster:
    page = document[index]
    try:
        width_pt, height_pt = page.get_size()
        if width_pt <= 0 or height_pt <= 0:
            raise PdfError(f"page {index + 1} has no area")
        scale = page_scale(width_pt, profile)
        if height_pt * scale > MAX_PAGE_DOTS:
            raise PdfError(f"page {index + 1} is {height_pt / 72 * 25.4:.0f} mm long; too long to print")
        try:
            bitmap = page.render(
                scale=scale * SUPERSAMPLE,
                grayscale=True,
                no_smoothtext=True,
                no_smoothpath=True,
                no_smoothimage=True,
                draw_annots=True,
            )
        except pdfium.PdfiumError as exc:
            raise PdfError(f"cannot render page {index + 1}: {exc}") from exc
        try:
            # to_pil() shares the bitmap's buffer; reduce()/point() make new images before it closes.
            render = bitmap.to_pil()
            photo_mask = continuous_tone_mask(render, SUPERSAMPLE) if profile.dither == "auto" else None
            grey = render.reduce(SUPERSAMPLE)
        finally:
            bitmap.close()
        size = (profile.width_dots, width_pt * scale, height_pt * scale)
        grey = centre_to_width(grey, *size)
        if photo_mask is not None:
            photo_mask = centre_to_width(photo_mask, *size, fill=0)
        return _to_raster(grey, photo_mask, profile)
    finally:
        page.close()
