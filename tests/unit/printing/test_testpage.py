"""The test page prints as people check a new printer: sized for the profile, a bar across the
whole printable width, and a barcode that scans back to the profile's name."""
from __future__ import annotations

import pytest
import zxingcpp

from chalicelib.printing import model
from chalicelib.printing.testpage import render_test_page
from print_bridge.profiles import BUILTIN_PROFILES
from print_bridge.raster import rasterize_pdf


@pytest.mark.parametrize("name", sorted(model.BUILTIN_PROFILES))
def test_test_page_fits_the_printer_and_its_barcode_scans(name):
    pdf = render_test_page(model.BUILTIN_PROFILES[name], store_name="Toko Demo", station_name="PC Kasir",
                           printed_at=1_795_392_000, tz="Asia/Jakarta")
    [page] = rasterize_pdf(pdf, BUILTIN_PROFILES[name])
    picture = page.to_picture().convert("L")
    assert picture.width == BUILTIN_PROFILES[name].width_dots
    full_rows = [y for y in range(picture.height) if all(picture.getpixel((x, y)) == 0 for x in range(picture.width))]
    assert len(full_rows) >= 30, "a 4 mm bar from edge to edge of the printable width"
    found = [r.text for r in zxingcpp.read_barcodes(picture) if r.format == zxingcpp.BarcodeFormat.Code128]
    assert found == [name]
