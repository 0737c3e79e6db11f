"""Reading rendered documents back the way a person or a scanner meets them: page size in mm,
the text on the page and where it sits, the page as a 203 dpi image, and the codes on it."""
from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium
import zxingcpp
from PIL import Image

PT_PER_MM = 72 / 25.4
PRINTER_DPI = 203
ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts" / "documents"


@dataclass(frozen=True)
class Char:
    text: str
    left: float
    bottom: float
    right: float
    top: float


class Page:
    def __init__(self, page: pdfium.PdfPage):
        self._page = page
        self.width_pt, self.height_pt = page.get_size()
        textpage = page.get_textpage()
        self.text = textpage.get_text_range()
        self.chars = []
        for i in range(textpage.count_chars()):
            ch = textpage.get_text_range(i, 1)
            if ch.strip():
                self.chars.append(Char(ch, *textpage.get_charbox(i)))

    @property
    def size_mm(self) -> tuple[float, float]:
        return round(self.width_pt / PT_PER_MM, 1), round(self.height_pt / PT_PER_MM, 1)

    @property
    def flat_text(self) -> str:
        """The page's words separated by single spaces, line breaks included."""
        return re.sub(r"\s+", " ", self.text)

    def image(self, dpi: float = PRINTER_DPI) -> Image.Image:
        """Greyscale raster at ``dpi``, anti-aliased like a preview."""
        return self._page.render(scale=dpi / 72, grayscale=True).to_pil().convert("L")

    def color_image(self, dpi: float = 100) -> Image.Image:
        return self._page.render(scale=dpi / 72).to_pil().convert("RGB")

    def head_image(self, dots_wide: int) -> Image.Image:
        """What a print bridge sends to a head ``dots_wide`` dots across: the page scaled to that
        width (``scale = target_px / page_width_pt``), without anti-aliasing."""
        return self._page.render(scale=dots_wide / self.width_pt, grayscale=True, no_smoothtext=True,
                                 no_smoothpath=True, no_smoothimage=True).to_pil().convert("L")

    def find(self, needle: str) -> list[Char]:
        """The characters of the first run of non-space characters equal to ``needle``."""
        wanted = needle.replace(" ", "")
        at = "".join(c.text for c in self.chars).find(wanted)
        assert at >= 0, f"{needle!r} not on the page: {self.flat_text!r}"
        return self.chars[at:at + len(wanted)]


def pages(pdf: bytes) -> list[Page]:
    assert pdf.startswith(b"%PDF-"), "not a PDF"
    document = pdfium.PdfDocument(pdf)
    return [Page(document[i]) for i in range(len(document))]


def decode(image: Image.Image, fmt: zxingcpp.BarcodeFormat | None = None) -> list[zxingcpp.Result]:
    """The codes on ``image``, top to bottom (a label carries its AWB above its order number)."""
    results = zxingcpp.read_barcodes(image)
    found = [r for r in results if fmt is None or r.format == fmt]
    return sorted(found, key=lambda r: min(p.y for p in (r.position.top_left, r.position.top_right)))


@dataclass(frozen=True)
class Bars:
    """A horizontal 1D symbol as the printer head lays it down, measured in dots."""

    module: int  # the narrowest bar or space
    runs: list[int]  # every bar and space from the first bar to the last
    quiet_left: int  # blank dots before the first bar, up to the page edge
    quiet_right: int
    top: int  # the first bar's first and last dark rows, from the top of the page
    bottom: int
    left: int  # the first bar's first column and the last bar's last
    right: int

    @property
    def height(self) -> int:
        return self.bottom - self.top + 1


def measure_bars(image: Image.Image, found: zxingcpp.Result) -> Bars:
    """Read ``found`` back off ``image`` (rendered at one pixel per printer dot) along its middle row."""
    row_y = (found.position.top_left.y + found.position.bottom_left.y) // 2
    dark = [image.getpixel((x, row_y)) < 128 for x in range(image.size[0])]
    left = min(found.position.top_left.x, found.position.bottom_left.x)
    right = max(found.position.top_right.x, found.position.bottom_right.x)
    end = min(right + 4, len(dark) - 1)
    first = dark.index(True, max(0, left - 4))
    last = end - dark[end::-1].index(True)
    runs = [len(list(group)) for _, group in itertools.groupby(dark[first:last + 1])]
    quiet_left = first - (max((x for x in range(first) if dark[x]), default=-1) + 1)
    quiet_right = next((x for x in range(last + 1, len(dark)) if dark[x]), len(dark)) - last - 1
    x = first + runs[0] // 2
    column = [image.getpixel((x, y)) < 128 for y in range(image.size[1])]
    top = row_y - column[row_y::-1].index(False) + 1
    bottom = row_y + column[row_y:].index(False) - 1
    return Bars(min(runs), runs, quiet_left, quiet_right, top, bottom, first, last)


def save_preview(name: str, pdf: bytes) -> list[Path]:
    """PNG of every page at the printer's resolution under test-artifacts/documents/."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    paths = []
    for i, page in enumerate(pages(pdf), start=1):
        path = ARTIFACTS / f"{name}-{i}.png"
        page.image().save(path)
        paths.append(path)
    return paths
