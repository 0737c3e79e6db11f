"""Round trips over real loopback TCP: what the fake printer reconstructs equals what we sent."""
from __future__ import annotations

import dataclasses

import pytest
import zxingcpp
from PIL import Image

from infra.local.fake_printer import FakePrinter
from print_bridge.encoders import PrintOptions, encode
from print_bridge.profiles import BUILTIN_PROFILES, Profile
from print_bridge.raster import Raster, rasterize_pdf
from print_bridge.testpage import build_test_page
from print_bridge.transports import open_transport

ESCPOS_80 = BUILTIN_PROFILES["escpos-80"]
TSPL = BUILTIN_PROFILES["tspl-100x150"]
ZPL = BUILTIN_PROFILES["zpl-100x150"]

PROFILES = {
    "escpos-raster": ESCPOS_80,
    "escpos-graphics": dataclasses.replace(ESCPOS_80, escpos_image_mode="graphics", band_height=2000),
    "escpos-small-bands": dataclasses.replace(ESCPOS_80, band_height=64),
    "tspl": TSPL,
    "zpl-z64": ZPL,
    "zpl-ascii": dataclasses.replace(ZPL, zpl_compression="ascii"),
}


def _same(picture: Image.Image, raster: Raster, canvas: tuple[int, int] | None = None) -> bool:
    """Pixel-exact comparison; on a fixed-size label the rest of the canvas must be blank."""
    expected = Image.new("1", canvas or (raster.width, raster.height), 255)
    expected.paste(raster.to_picture(), (0, 0))
    return picture.size == expected.size and picture.convert("1").tobytes() == expected.tobytes()


def _send(printer: FakePrinter, data: bytes, profile: Profile, query_status: bool = True):
    before = len(printer.jobs)
    transport = open_transport(f"tcp://127.0.0.1:{printer.port}")
    transport.send(data, query_status=query_status and profile.language == "escpos")
    jobs = printer.wait_for_jobs(before + 1)
    assert len(jobs) == before + 1
    return jobs[-1]


@pytest.mark.parametrize("name", sorted(PROFILES))
def test_printer_reconstructs_exactly_what_was_sent(
    name: str, printer: FakePrinter, receipt_pdf: bytes, label_pdf: bytes
) -> None:
    profile = PROFILES[name]
    pdf = receipt_pdf if profile.language == "escpos" else label_pdf
    page = rasterize_pdf(pdf, profile)[0]
    job = _send(printer, encode([page], profile, PrintOptions()), profile)
    assert job.error is None
    assert len(job.pages) == 1
    canvas = None if profile.language == "escpos" else (800, 1200)
    assert _same(job.pages[0].image, page, canvas)
    # The PNG on disk is the same picture.
    assert _same(Image.open(job.pages[0].path), page, canvas)


def test_label_barcode_scans_from_the_printed_label(printer: FakePrinter, label_pdf: bytes) -> None:
    page = rasterize_pdf(label_pdf, TSPL)[0]
    job = _send(printer, encode([page], TSPL, PrintOptions()), TSPL)
    assert [code.text for code in zxingcpp.read_barcodes(job.pages[0].image.convert("L"))] == ["JX8009962760"]


def test_escpos_copies_cut_and_drawer_arrive(printer: FakePrinter, receipt_pdf: bytes) -> None:
    page = rasterize_pdf(receipt_pdf, ESCPOS_80)[0]
    job = _send(printer, encode([page], ESCPOS_80, PrintOptions(copies=2, drawer_kick=True)), ESCPOS_80)
    assert [p.cut for p in job.pages] == ["partial", "partial"]
    assert all(_same(p.image, page) for p in job.pages)
    assert job.drawer_kicks == [2]
    assert job.status_queries == [1, 1]  # asked before and after


def test_tspl_copies_and_wrong_polarity_is_visible(printer: FakePrinter, label_pdf: bytes) -> None:
    page = rasterize_pdf(label_pdf, TSPL)[0]
    job = _send(printer, encode([page], TSPL, PrintOptions(copies=3)), TSPL)
    assert job.pages[0].copies == 3
    # A profile with the wrong polarity for this printer prints a negative: mostly black.
    wrong = dataclasses.replace(TSPL, tspl_black_bit=1)
    negative = _send(printer, encode([page], wrong, PrintOptions()), wrong).pages[0].image
    assert negative.convert("L").histogram()[0] > 0.8 * 800 * 1200


def test_multi_page_labels_become_separate_labels(printer: FakePrinter, label_pdf: bytes) -> None:
    pages = rasterize_pdf(label_pdf, ZPL) * 2
    job = _send(printer, encode(pages, ZPL, PrintOptions()), ZPL)
    assert len(job.pages) == 2


def test_test_page_prints_edge_to_edge(printer: FakePrinter) -> None:
    for profile in (BUILTIN_PROFILES["escpos-58"], ESCPOS_80, TSPL, ZPL):
        raster = build_test_page(profile)
        job = _send(printer, encode([raster], profile, PrintOptions()), profile)
        image = job.pages[0].image.convert("L")
        assert image.width == profile.width_dots
        # Both edge marks are on the paper: the profile's width matches the head.
        assert image.getpixel((0, 10)) == 0 and image.getpixel((profile.width_dots - 1, 10)) == 0


def test_z64_with_a_bad_crc_is_rejected_like_a_zebra(printer: FakePrinter) -> None:
    page = Raster(800, 2, b"\xf0" * 200)
    data = encode([page], ZPL, PrintOptions()).decode()
    crc = data.split("^FS")[0][-4:]
    tampered = data.replace(crc + "^FS", ("0000" if crc != "0000" else "FFFF") + "^FS").encode()
    job = _send(printer, tampered, ZPL)
    assert job.error == "^GF CRC mismatch: download aborted"


def test_unknown_escpos_command_is_reported_not_guessed(printer: FakePrinter) -> None:
    job = _send(printer, b"\x1b@\x1b\x99\x00", ESCPOS_80, query_status=False)
    assert "unsupported command" in job.error


def test_fake_printer_reads_b64_and_double_density_images(printer: FakePrinter) -> None:
    import base64
    import binascii

    rows = b"\xff\x00\x00\xff"  # 16x2: left half ink on row 0, right half on row 1
    encoded = base64.b64encode(rows).decode()
    crc = binascii.crc_hqx(encoded.encode(), 0)
    zpl_job = f"^XA^FO0,0^GFA,4,4,2,:B64:{encoded}:{crc:04X}^FS^XZ".encode()
    image = _send(printer, zpl_job, ZPL).pages[0].image.convert("L")
    assert image.size == (16, 2) and image.getpixel((0, 0)) == 0 and image.getpixel((15, 0)) == 255

    # GS v 0 with m=3: every dot printed 2x2.
    escpos_job = b"\x1b@\x1dv0\x03\x01\x00\x01\x00\x80"
    image = _send(printer, escpos_job, ESCPOS_80, query_status=False).pages[0].image.convert("L")
    assert image.size == (16, 2)
    assert [image.getpixel((x, y)) for y in (0, 1) for x in (0, 1, 2)] == [0, 0, 255, 0, 0, 255]
