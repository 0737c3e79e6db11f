"""The shift close report with refunds and voids paid out during the shift: listed per tender,
only cash ones taken out of the drawer's expected cash, and the selisih counted from that."""
from __future__ import annotations

from dataclasses import fields

import pytest
from docpdf import pages, save_preview
from docsamples import sample_shift

from chalicelib.documents import BANK_TRANSFER, CASH, QRIS, MethodTotal, render_shift_report
from chalicelib.documents.shift_report import ShiftCloseData


def _with_refunds(**kw) -> ShiftCloseData:
    refunds = [MethodTotal(CASH, 45_000, 2), MethodTotal(QRIS, 30_000, 1), MethodTotal(BANK_TRANSFER, 10_000, 1)]
    base = sample_shift()
    return ShiftCloseData(**{**{f.name: getattr(base, f.name) for f in fields(base)}, "refunds": refunds, **kw})


def test_cash_refunds_leave_the_drawer_and_the_others_do_not():
    plain, shift = sample_shift(), _with_refunds()
    assert shift.cash_refunds == 45_000
    assert shift.expected_cash == plain.expected_cash - 45_000 == 500_000 + 1_200_000 + 200_000 - 20_000 - 45_000
    assert shift.difference == 1_875_000 - 1_835_000


@pytest.mark.parametrize("width_mm", [58, 80])
def test_report_lists_refunds_per_tender_beside_the_sales(width_mm: int):
    pdf = render_shift_report(_with_refunds(counted_cash=1_835_000), width_mm)
    save_preview(f"shift-report-refunds-{width_mm}", pdf)
    [page] = pages(pdf)
    text = page.flat_text
    for expected in ["PENGEMBALIAN", "Tunai (2 trx) -Rp45.000", "QRIS (1 trx) -Rp30.000",
                     "Transfer Bank (1 trx) -Rp10.000", "Total (4 trx) -Rp85.000", "Penjualan bersih Rp2.015.000",
                     "Pengembalian non-tunai tidak keluar dari laci", "Pengembalian tunai -Rp45.000",
                     "Kas seharusnya Rp1.835.000", "SELISIH Rp0", "(kas PAS)"]:
        assert expected in text, expected
    assert text.index("PENGEMBALIAN") < text.index("KAS DI LACI") < text.index("Pengembalian tunai")


def test_a_shift_without_refunds_says_so():
    text = pages(render_shift_report(sample_shift()))[0].flat_text
    assert "PENGEMBALIAN" in text and "Total (0 trx) Rp0" in text and "Pengembalian tunai Rp0" in text
    assert "non-tunai" not in text
