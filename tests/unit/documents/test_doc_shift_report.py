"""The shift close report the cashier signs: sales per method, the drawer's arithmetic, and the
difference with its sign, note and approval."""
from __future__ import annotations

from dataclasses import replace

import pytest
from docpdf import pages, save_preview
from docsamples import sample_shift

from chalicelib.documents import render_shift_report


def test_expected_cash_is_float_plus_cash_sales_plus_movements() -> None:
    shift = sample_shift()
    assert shift.cash_sales == 1_200_000
    assert shift.expected_cash == 500_000 + 1_200_000 + 200_000 - 20_000
    assert shift.difference == 1_875_000 - 1_880_000


@pytest.mark.parametrize("width_mm", [58, 80])
def test_report_shows_the_whole_shift(width_mm: int) -> None:
    pdf = render_shift_report(sample_shift(), width_mm)
    save_preview(f"shift-report-{width_mm}", pdf)
    [page] = pages(pdf)
    assert page.size_mm[0] == width_mm
    text = page.flat_text
    for expected in ["LAPORAN TUTUP KASIR", "Cabang Kemang", "Kasir Siti Rahmawati", "Shift SH-0012",
                     "Buka 23/11/2026 08:00 WIB", "Tutup 23/11/2026 16:00 WIB",
                     "Tunai (12 trx) Rp1.200.000", "QRIS - GoPay (5 trx) Rp300.000", "QRIS - OVO (4 trx) Rp450.000",
                     "Transfer Bank (1 trx) Rp150.000", "Rp2.100.000", "Modal awal Rp500.000",
                     "Penjualan tunai Rp1.200.000", "+Rp200.000", "Beli es batu", "-Rp20.000",
                     "Kas seharusnya Rp1.880.000", "Kas dihitung Rp1.875.000", "SELISIH -Rp5.000", "(kas KURANG)",
                     "Catatan: Uang Rp5.000 terselip", "Disetujui: Budi (Admin), 23/11/2026 16:02 WIB", "Admin"]:
        assert expected in text
    assert "Kas masuk 10:00" in text and "Kas keluar 12:00" in text


@pytest.mark.parametrize("counted, shown, note", [(1_885_000, "+Rp5.000", "(kas LEBIH)"),
                                                  (1_880_000, "Rp0", "(kas PAS)")])
def test_difference_is_signed(counted: int, shown: str, note: str) -> None:
    shift = replace(sample_shift(), counted_cash=counted, approved_by=None, approved_at=None, note=None)
    text = pages(render_shift_report(shift))[0].flat_text
    assert f"SELISIH {shown}" in text and note in text
    assert "Disetujui" not in text and "Admin" not in text, "no admin line without an approval"


def test_closing_before_opening_is_refused() -> None:
    shift = sample_shift()
    with pytest.raises(ValueError, match="closed_at"):
        replace(shift, closed_at=shift.opened_at - 1)
