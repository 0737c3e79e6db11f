"""Encoders: golden bytes from the fixed PDFs, byte layout, and python-escpos as a cross-check.

Golden files are gzip-compressed printer streams under ``golden/``. After an intended change,
regenerate them with ``UPDATE_GOLDEN=1 pytest tests/bridge/test_encoders.py`` and look at the
fake printer's PNGs before committing.
"""
from __future__ import annotations

import base64
import dataclasses
import gzip
import os
import zlib
from pathlib import Path

import pytest
from escpos.printer import Dummy

from print_bridge.encoders import PrintOptions, encode, escpos, tspl, zpl
from print_bridge.profiles import BUILTIN_PROFILES
from print_bridge.raster import Raster, rasterize_pdf

GOLDEN = Path(__file__).parent / "golden"

ESCPOS_80 = BUILTIN_PROFILES["escpos-80"]
ESCPOS_58 = BUILTIN_PROFILES["escpos-58"]
TSPL = BUILTIN_PROFILES["tspl-100x150"]
ZPL = BUILTIN_PROFILES["zpl-100x150"]
ZPL_ASCII = dataclasses.replace(ZPL, name="zpl-ascii", zpl_compression="ascii")

CASES = {
    "receipt_escpos80_drawer": ("receipt", ESCPOS_80, PrintOptions(drawer_kick=True)),
    "receipt_escpos58": ("receipt", ESCPOS_58, PrintOptions()),
    "label_tspl": ("label", TSPL, PrintOptions()),
    "label_zpl_z64": ("label", ZPL, PrintOptions()),
    "label_zpl_ascii": ("label", ZPL_ASCII, PrintOptions(copies=2)),
}


def _checker_raster(width: int, height: int) -> Raster:
    """A small raster with every byte value pattern a bug could confuse (MSB order, polarity)."""
    row_bytes = (width + 7) // 8
    data = bytes((x * 37 + y * 11) & 0xFF for y in range(height) for x in range(row_bytes))
    return Raster(width, height, data)


@pytest.mark.parametrize("case", sorted(CASES))
def test_golden_bytes(case: str, receipt_pdf: bytes, label_pdf: bytes) -> None:
    document, profile, options = CASES[case]
    pdf = receipt_pdf if document == "receipt" else label_pdf
    data = encode(rasterize_pdf(pdf, profile), profile, options)
    path = GOLDEN / f"{case}.bin.gz"
    if os.environ.get("UPDATE_GOLDEN"):
        GOLDEN.mkdir(exist_ok=True)
        path.write_bytes(gzip.compress(data, mtime=0))
    expected = gzip.decompress(path.read_bytes())
    if data != expected:
        first = next((i for i, (a, b) in enumerate(zip(data, expected)) if a != b), min(len(data), len(expected)))
        pytest.fail(f"{case}: {len(data)} bytes vs golden {len(expected)}; first difference at byte {first}")


def test_escpos_job_layout(receipt_pdf: bytes) -> None:
    page = rasterize_pdf(receipt_pdf, ESCPOS_80)[0]
    data = encode([page], ESCPOS_80, PrintOptions(copies=1, cut=True, drawer_kick=True))
    # Init, then the drawer pulse on pin 2 (ON 100 ms, OFF 500 ms) before the slow printing.
    assert data.startswith(b"\x1b@" + b"\x1bp\x00\x32\xfa")
    # First band: GS v 0, normal density, 72 bytes (576 dots) wide, 960 rows.
    assert data[7:15] == b"\x1dv0\x00" + (72).to_bytes(2, "little") + (960).to_bytes(2, "little")
    # Then the remaining rows as a second band; feed 4 lines; partial cut.
    second = 15 + 72 * 960
    rest = page.height - 960
    assert data[second : second + 8] == b"\x1dv0\x00" + (72).to_bytes(2, "little") + rest.to_bytes(2, "little")
    assert data.endswith(b"\x1bd\x04" + b"\x1dV\x01")
    assert len(data) == 7 + 2 * 8 + len(page.data) + 3 + 3


def test_escpos_copies_are_collated_and_each_cut() -> None:
    pages = [_checker_raster(576, 10), _checker_raster(576, 20)]
    data = encode(pages, ESCPOS_80, PrintOptions(copies=2))
    assert data.count(b"\x1dV\x01") == 4
    one_copy = b"".join(escpos.image(p) + b"\x1bd\x04\x1dV\x01" for p in pages)
    assert data == b"\x1b@" + one_copy * 2


def test_escpos_without_cutter_or_cut_just_feeds_at_the_end() -> None:
    no_cutter = encode([_checker_raster(384, 10)], ESCPOS_58, PrintOptions(cut=True, drawer_kick=True))
    no_cut = encode([_checker_raster(576, 10)], ESCPOS_80, PrintOptions(cut=False))
    assert b"\x1dV" not in no_cutter and no_cutter.endswith(b"\x1bd\x04")
    assert b"\x1dV" not in no_cut and no_cut.endswith(b"\x1bd\x04")
    assert b"\x1bp" in no_cutter  # escpos-58 still has a drawer on pin 2


def test_drawer_kick_only_when_job_asks_and_printer_has_one() -> None:
    pages = [_checker_raster(576, 4)]
    no_drawer = dataclasses.replace(ESCPOS_80, drawer_kick="none")
    assert b"\x1bp" not in encode(pages, ESCPOS_80, PrintOptions(drawer_kick=False))
    assert b"\x1bp" not in encode(pages, no_drawer, PrintOptions(drawer_kick=True))
    pin5 = dataclasses.replace(ESCPOS_80, drawer_kick="pin5")
    assert b"\x1bp\x01\x32\xfa" in encode(pages, pin5, PrintOptions(drawer_kick=True))


@pytest.mark.parametrize("band_height", [960, 256, 24])
def test_raster_bytes_match_python_escpos(receipt_pdf: bytes, band_height: int) -> None:
    page = rasterize_pdf(receipt_pdf, ESCPOS_80)[0]
    reference = Dummy()
    reference.image(page.to_picture(), impl="bitImageRaster", fragment_height=band_height)
    assert escpos.image(page, "raster", band_height) == reference.output


def test_graphics_bytes_match_python_escpos(receipt_pdf: bytes) -> None:
    # python-escpos writes GS ( L with a 2-byte length, valid up to 65 535 bytes per band:
    # 900 rows x 72 bytes fits.
    page = rasterize_pdf(receipt_pdf, ESCPOS_80)[0]
    reference = Dummy()
    reference.image(page.to_picture(), impl="graphics", fragment_height=900)
    assert escpos.image(page, "graphics", 900) == reference.output


def test_graphics_switches_to_4_byte_length_for_big_bands() -> None:
    page = _checker_raster(576, 1000)  # 72 000 bytes: too big for GS ( L
    data = escpos.graphics_band(page, 0, 1000)
    assert data.startswith(b"\x1d8L" + (72000 + 10).to_bytes(4, "little") + b"0p0\x01\x011")
    assert data.endswith(b"\x1d(L\x02\x0002")


def test_cut_and_drawer_match_python_escpos() -> None:
    reference = Dummy()
    reference.cut(mode="PART")
    assert escpos.feed_lines(6) + escpos.cut("partial") == reference.output
    reference = Dummy()
    reference.cut(mode="FULL")
    assert escpos.feed_lines(6) + escpos.cut("full") == reference.output
    reference = Dummy()
    reference.cashdraw([27, 112, 0, 50, 250])
    assert escpos.drawer_kick("pin2") == reference.output


def test_tspl_header_and_polarity() -> None:
    page = _checker_raster(800, 3)
    data = encode([page], TSPL, PrintOptions(copies=3))
    header = b"SIZE 100 mm,150 mm\r\nGAP 2 mm,0 mm\r\nDIRECTION 0\r\nCLS\r\nBITMAP 0,0,100,3,0,"
    assert data.startswith(header)
    body = data[len(header) : len(header) + 300]
    # Default TSPL polarity: a cleared bit prints, so every byte is the inverse of ours.
    assert body == bytes(255 - b for b in page.data)
    assert data[len(header) + 300 :] == b"\r\nPRINT 1,3\r\n"
    one_is_black = dataclasses.replace(TSPL, tspl_black_bit=1)
    assert page.data in encode([page], one_is_black, PrintOptions())


def test_tspl_padding_bits_stay_white_when_inverted() -> None:
    page = Raster(12, 1, b"\xff\xf0")  # 12 dots inked, 4 padding bits
    data = tspl.bitmap(page, black_bit=0)
    assert data.endswith(b",\x00\x0f\r\n")  # inverted: ink 0, padding 1 (white)


def test_tspl_stored_settings_and_continuous_media() -> None:
    page = _checker_raster(800, 1)
    stored = dataclasses.replace(TSPL, tspl_stored_settings=True)
    assert encode([page], stored, PrintOptions()).startswith(b"DIRECTION 0\r\nCLS\r\n")
    continuous = dataclasses.replace(TSPL, label_gap_mm=0)
    assert b"GAP 0,0\r\n" in encode([page], continuous, PrintOptions())


def test_zpl_format_with_z64() -> None:
    page = _checker_raster(800, 5)
    text = encode([page], ZPL, PrintOptions(copies=2)).decode("ascii")
    lines = text.splitlines()
    assert lines[:4] == ["^XA", "^PW800", "^LL1200", "^LH0,0"]
    assert lines[4].startswith("^FO0,0^GFA,500,500,100,:Z64:") and lines[4].endswith("^FS")
    assert lines[5:] == ["^PQ2", "^XZ"]
    field = lines[4][len("^FO0,0^GFA,500,500,100,") : -len("^FS")]
    _, _, encoded, crc = field.split(":")
    assert zlib.decompress(base64.b64decode(encoded)) == page.data
    assert int(crc, 16) == zpl.crc16_xmodem(encoded.encode())


def test_crc16_is_the_xmodem_variant() -> None:
    # The standard check value of CRC-16/XMODEM (poly 0x1021, init 0).
    assert zpl.crc16_xmodem(b"123456789") == 0x31C3


@pytest.mark.parametrize(
    "row, expected",
    [
        (bytes(4), ","),  # all white: fill the row with zeros
        (b"\xff" * 4, "!"),  # all black: fill with ones
        (b"\xf0\x00\x00\x00", "F,"),
        (b"\x00\x00\x00\x0f", "M0!"),  # seven zeros, then ones to the end
        (b"\xab" * 30, "AB" * 30),  # no runs worth compressing
        (b"\x55" * 2 + b"\x00" * 28, "J5,"),  # four 5s, then zeros to the end
        (b"\x11" * 40, "j1"),  # 80 digits: j = 80
        (b"\x11" * 250, "z1k1"),  # 500 digits: 400 + 100
        (b"\x12" * 3, "121212"),
    ],
)
def test_zpl_ascii_row_compression(row: bytes, expected: str) -> None:
    assert zpl.ascii_compressed(Raster(len(row) * 8, 1, row)) == expected


def test_zpl_ascii_repeats_identical_rows_with_colon() -> None:
    row = b"\x00\xff\x00\x81"
    raster = Raster(32, 3, row * 3)
    assert zpl.ascii_compressed(raster) == "00FF0081::"


def test_every_encoder_rejects_a_page_of_the_wrong_width() -> None:
    with pytest.raises(ValueError, match="576"):
        encode([_checker_raster(384, 2)], ESCPOS_80, PrintOptions())
