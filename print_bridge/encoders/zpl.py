"""ZPL II for Zebra printers and the many label printers that emulate ZPL.

One format per label::

    ^XA
    ^PW800                              print width in dots
    ^LL1200                             label length in dots
    ^LH0,0
    ^FO0,0^GFA,120000,120000,100,<data>^FS
    ^PQ1                                copies of this label
    ^XZ

``^GF`` type A with b = c = the uncompressed byte count, d = bytes per row; 1 = black. The
data is compressed one of two ways (profile ``zpl_compression``):

* ``z64`` (default): ``:Z64:`` + base64(zlib deflate) + ``:`` + CRC, where the CRC is
  CRC-16/CCITT with initial value 0 (XMODEM) over the base64 text, four hex digits. An
  800x1200 label shrinks from 240 000 hex characters to a few thousand.
* ``ascii``: Zebra's ASCII-hex run-length scheme for older firmware and clones without Z64:
  ``G``-``Y`` repeat 1-19, ``g``-``z`` repeat 20-400, ``,`` zeros to the end of the row,
  ``!`` ones to the end of the row, ``:`` repeat the previous row.
"""
from __future__ import annotations

import base64
import binascii
import zlib
from typing import TYPE_CHECKING, Sequence

from ..profiles import Profile
from ..raster import Raster

if TYPE_CHECKING:
    from .options import PrintOptions

_ONES = "GHIJKLMNOPQRSTUVWXY"  # 1..19
_TWENTIES = "ghijklmnopqrstuvwxyz"  # 20..400 in steps of 20


def crc16_xmodem(data: bytes) -> int:
    """CRC-16/CCITT, polynomial 0x1021, initial value 0 (binascii's CRC-CCITT)."""
    return binascii.crc_hqx(data, 0)


def z64(data: bytes) -> str:
    """``:Z64:<base64 of zlib deflate>:<CRC>`` for a ^GF data field."""
    encoded = base64.b64encode(zlib.compress(data)).decode("ascii")
    return f":Z64:{encoded}:{crc16_xmodem(encoded.encode('ascii')):04X}"


def _repeat_count(count: int) -> str:
    """The repeat prefix for ``count`` copies of a hex digit (count <= 400)."""
    prefix = ""
    if count >= 20:
        prefix += _TWENTIES[count // 20 - 1]
        count %= 20
    if count:
        prefix += _ONES[count - 1]
    return prefix


def _compress_row(hex_row: str) -> str:
    stripped = hex_row.rstrip("0")
    tail = ""
    if len(stripped) < len(hex_row):
        tail = ","
    else:
        stripped = hex_row.rstrip("F")
        if len(stripped) < len(hex_row):
            tail = "!"
    out = []
    i = 0
    while i < len(stripped):
        digit = stripped[i]
        run = 1
        while i + run < len(stripped) and stripped[i + run] == digit:
            run += 1
        i += run
        while run:
            chunk = min(run, 400)
            # A prefix only pays off from three repeats on ("HA" is no shorter than "AA").
            out.append(_repeat_count(chunk) + digit if chunk > 2 else digit * chunk)
            run -= chunk
    return "".join(out) + tail


def ascii_compressed(raster: Raster) -> str:
    """Raster rows as Zebra ASCII-compressed hex."""
    rows = []
    previous = None
    for y in range(raster.height):
        row = raster.rows(y, y + 1)
        rows.append(":" if row == previous else _compress_row(row.hex().upper()))
        previous = row
    return "".join(rows)


def graphic_field(raster: Raster, compression: str) -> str:
    """``^GFA,b,c,d,data`` for the whole raster."""
    total = len(raster.data)
    data = z64(raster.data) if compression == "z64" else ascii_compressed(raster)
    return f"^GFA,{total},{total},{raster.width_bytes},{data}"


def label_length(profile: Profile, page: Raster) -> int:
    if profile.label_height_mm is not None:
        return round(profile.label_height_mm * profile.dots_per_mm)
    return page.height


def encode(pages: Sequence[Raster], profile: Profile, options: "PrintOptions") -> bytes:
    formats = []
    for page in pages:
        lines = ["^XA", f"^PW{profile.width_dots}", f"^LL{label_length(profile, page)}", "^LH0,0"]
        if page.height:
            lines.append(f"^FO0,0{graphic_field(page, profile.zpl_compression)}^FS")
        lines += [f"^PQ{options.copies}", "^XZ"]
        formats.append("\n".join(lines) + "\n")
    return "".join(formats).encode("ascii")
