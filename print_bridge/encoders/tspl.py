"""TSPL for TSC-compatible label printers (Xprinter and most Chinese 4-inch printers).

A job is text commands ending in CRLF plus one binary blob per label::

    SIZE 100 mm,150 mm          media size (omitted with tspl_stored_settings)
    GAP 2 mm,0 mm               gap between labels; "GAP 0,0" for continuous media
    DIRECTION 0                 so a stored DIRECTION 1 does not print us upside down
    CLS                         clear the image buffer
    BITMAP 0,0,100,1200,0,<raw> x, y, width in bytes, height in dots, mode 0 (overwrite)
    PRINT 1,2                   one set, two copies of this label

The bitmap is row-major, MSB = leftmost dot, exactly width_bytes x height bytes. Its polarity
is a per-printer setting: common TSC firmware and clones ink *cleared* bits, so with
``tspl_black_bit`` 0 every byte is inverted from our 1 = ink raster (padding bits included,
which then stay white).

Copies are printed per label (``PRINT 1,n``): shipping labels are distinct parcels, so
uncollated copies are what a packer wants and each bitmap is sent only once.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Sequence

from ..profiles import Profile
from ..raster import Raster

if TYPE_CHECKING:
    from .options import PrintOptions

_INVERT = bytes(255 - b for b in range(256))


def _mm(value: float) -> str:
    return f"{value:g}"


def _line(text: str) -> bytes:
    return text.encode("ascii") + b"\r\n"


def bitmap(raster: Raster, black_bit: int, x: int = 0, y: int = 0) -> bytes:
    """``BITMAP x,y,width_bytes,height,0,<data>`` in the printer's polarity."""
    data = raster.data if black_bit == 1 else raster.data.translate(_INVERT)
    header = f"BITMAP {x},{y},{raster.width_bytes},{raster.height},0,".encode("ascii")
    return header + data + b"\r\n"


def media(profile: Profile) -> bytes:
    """``SIZE``/``GAP`` from the profile, or nothing when the printer's stored settings rule."""
    if profile.tspl_stored_settings:
        return b""
    assert profile.label_width_mm is not None and profile.label_height_mm is not None  # validated
    size = _line(f"SIZE {_mm(profile.label_width_mm)} mm,{_mm(profile.label_height_mm)} mm")
    if profile.label_gap_mm == 0:
        return size + _line("GAP 0,0")
    return size + _line(f"GAP {_mm(profile.label_gap_mm)} mm,0 mm")


def encode(pages: Sequence[Raster], profile: Profile, options: "PrintOptions") -> bytes:
    out = [media(profile), _line("DIRECTION 0")]
    for page in pages:
        out.append(_line("CLS"))
        if page.height:
            out.append(bitmap(page, profile.tspl_black_bit))
        out.append(_line(f"PRINT 1,{options.copies}"))
    return b"".join(out)
