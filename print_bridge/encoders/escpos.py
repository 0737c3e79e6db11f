"""ESC/POS for receipt printers: pages as raster images, then feed, cut and drawer kick.

Byte layout (Epson ESC/POS; python-escpos emits the same for the same image):

* ``ESC @`` (1B 40) once at the start: clears the buffer and any modes a previous job left.
* ``ESC p m t1 t2`` (1B 70) right after, when the job opens the drawer, so the drawer opens
  while the receipt prints. ON 100 ms / OFF 500 ms keeps the duty cycle under the 0.2 that
  drawer makers (Citizen) ask for.
* Each page as bands of at most ``band_height`` rows, because printers cap one image's height
  (Epson TM-T88III: 2303 rows) and some garble long ones:

  - ``raster`` mode: ``GS v 0 m xL xH yL yH d...`` (1D 76 30), width in bytes, height in dots,
    MSB = leftmost dot, 1 = ink;
  - ``graphics`` mode: ``GS ( L`` fn 112 stores the band (``GS 8 L`` with a 4-byte length when
    the band exceeds 65 535 bytes), fn 50 prints it.

* After each page when the job asks to cut and the printer has a cutter: ``ESC d n`` feeds the
  page past the cutter, then ``GS V 0`` (full) or ``GS V 1`` (partial). Without a cut, the job
  ends with the same feed so the last line clears the tear bar.

Copies are collated: the whole document, cut after each page, ``copies`` times.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Sequence

from ..profiles import Profile
from ..raster import Raster

if TYPE_CHECKING:
    from .options import PrintOptions

ESC = b"\x1b"
GS = b"\x1d"
INIT = ESC + b"@"
_DRAWER_PINS = {"pin2": 0, "pin5": 1}
_DRAWER_ON_2MS, _DRAWER_OFF_2MS = 50, 250
_CUTS = {"full": 0, "partial": 1}
_GS_PAREN_L_MAX = 0xFFFF


def _u16(value: int) -> bytes:
    return value.to_bytes(2, "little")


def raster_band(raster: Raster, start: int, stop: int) -> bytes:
    """``GS v 0`` for rows ``start``..``stop`` of ``raster`` at normal density."""
    return GS + b"v0\x00" + _u16(raster.width_bytes) + _u16(stop - start) + raster.rows(start, stop)


def graphics_band(raster: Raster, start: int, stop: int) -> bytes:
    """``GS ( L`` / ``GS 8 L`` fn 112 (store, 1x1 scale, colour 1) then fn 50 (print)."""
    body = b"0p0\x01\x011" + _u16(raster.width) + _u16(stop - start) + raster.rows(start, stop)
    length = len(body)  # counts m and fn, which lead the body
    if length <= _GS_PAREN_L_MAX:
        store = GS + b"(L" + _u16(length) + body
    else:
        store = GS + b"8L" + length.to_bytes(4, "little") + body
    return store + GS + b"(L\x02\x0002"


def image(raster: Raster, mode: str = "raster", band_height: int = 960) -> bytes:
    """The image commands for one page, split into bands of ``band_height`` rows."""
    band = raster_band if mode == "raster" else graphics_band
    return b"".join(
        band(raster, start, min(raster.height, start + band_height)) for start in range(0, raster.height, band_height)
    )


def feed_lines(lines: int) -> bytes:
    """``ESC d n``: print the buffer and feed ``n`` lines."""
    return ESC + b"d" + bytes((lines,))


def cut(kind: str) -> bytes:
    """``GS V m`` with m = 0 (full) or 1 (partial)."""
    return GS + b"V" + bytes((_CUTS[kind],))


def drawer_kick(pin: str) -> bytes:
    """``ESC p m t1 t2`` pulsing drawer connector pin 2 or 5."""
    return ESC + b"p" + bytes((_DRAWER_PINS[pin], _DRAWER_ON_2MS, _DRAWER_OFF_2MS))


def encode(pages: Sequence[Raster], profile: Profile, options: "PrintOptions") -> bytes:
    out = [INIT]
    if options.drawer_kick and profile.drawer_kick != "none":
        out.append(drawer_kick(profile.drawer_kick))
    cutting = options.cut and profile.cutter != "none"
    for _ in range(options.copies):
        for page in pages:
            out.append(image(page, profile.escpos_image_mode, profile.band_height))
            if cutting:
                out.append(feed_lines(profile.feed_lines) + cut(profile.cutter))
    if not cutting:
        out.append(feed_lines(profile.feed_lines))
    return b"".join(out)
