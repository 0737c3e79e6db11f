"""The refund receipt and reprinted copies as the shopper and the cashier hold them: the refund's own
number naming the sale's receipt, what went back and how, who did it and who approved, points taken
back (a debt printed as "Poin terutang"), and "SALINAN ke-N" on every reprint."""
from __future__ import annotations

from dataclasses import replace

import pytest
import zxingcpp
from docpdf import PT_PER_MM, decode, pages, save_preview
from docsamples import AT_1405_WIB, LONG_NAME, sample_receipt

from chalicelib.documents import (
    BANK_TRANSFER,
    CASH,
    QRIS,
    CopyMark,
    RefundNote,
    RefundReceiptData,
    RefundReceiptLine,
    render_receipt,
    render_refund_receipt,
)

REFUND_URL = "https://sambung.id/receipt.html#rf-9Xk2mQ4pL7sT1vB3nD5fH8jK"
AT_1630_WIB = AT_1405_WIB + 2 * 3600 + 25 * 60


def sample_refund(**changes) -> RefundReceiptData:
    data = RefundReceiptData(
        merchant_name="Toko Batik Sekar Jagad", store_name="Cabang Kemang",
        store_address="Jl. Kemang Raya No. 12, Mampang Prapatan, Jakarta Selatan 12730", store_phone="+62217194455",
        refund_number="S-20261123-0042-R1", order_number="S-20261123-0042", refunded_at=AT_1630_WIB,
        sale_paid_at=AT_1405_WIB,
        lines=[RefundReceiptLine(LONG_NAME, 1, 350_000, 341_463), RefundReceiptLine("Kaos Polos Hitam L", 1, 75_000, 68_292)],
        amount=409_755, tender=CASH, reason="Barang rusak/cacat", note="Jahitan lepas di bahu",
        processed_by="Siti Rahmawati", approved_by="Budi (Supervisor)", shopper_phone="+6281234567890",
        points_taken=40, points_balance=1_210, receipt_url=REFUND_URL)
    return replace(data, **changes)


@pytest.mark.parametrize("width_mm", [58, 80])
def test_the_refund_receipt_shows_what_went_back_how_and_by_whom(width_mm: int) -> None:
    pdf = render_refund_receipt(sample_refund(), width_mm)
    save_preview(f"refund-receipt-{width_mm}", pdf)
    [page] = pages(pdf)
    width, height = page.size_mm
    assert width == width_mm and 100 < height < 450
    text = page.flat_text
    for expected in ["Toko Batik Sekar Jagad", "Cabang Kemang", "PENGEMBALIAN atas struk S-20261123-0042",
                     "No. Pengembalian S-20261123-0042-R1", "Tanggal 23/11/2026 16:30 WIB",
                     "Tanggal struk asal 23/11/2026 14:05 WIB", "Diproses oleh Siti Rahmawati",
                     "Disetujui oleh Budi (Supervisor)", "Kaos Polos Hitam L", "1 x Rp75.000 Rp75.000",
                     "Dikembalikan Rp68.292", "TOTAL DIKEMBALIKAN Rp409.755", "Dikembalikan via Tunai",
                     "Alasan Barang rusak/cacat", "Catatan: Jahitan lepas di bahu", "Member 0812-****-7890",
                     "Poin ditarik kembali -40", "Sisa poin 1.210"]:
        assert expected in text, expected
    assert "3456" not in text, "the shopper's full number never appears on paper"
    assert "SALINAN" not in text, "the first print is not a copy"
    assert "Pembulatan" not in text, "the lines add up to the total"
    margin = (width_mm - {58: 48, 80: 72}[width_mm]) / 2 * PT_PER_MM
    for ch in page.chars:
        assert ch.left >= margin - 0.5 and ch.right <= page.width_pt - margin + 0.5, ch


@pytest.mark.parametrize("width_mm", [58, 80])
def test_the_refund_receipts_qr_opens_its_digital_receipt(width_mm: int) -> None:
    [page] = pages(render_refund_receipt(sample_refund(), width_mm))
    assert [c.text for c in decode(page.image(), zxingcpp.BarcodeFormat.QRCode)] == [REFUND_URL]


def test_a_void_says_pembatalan_and_the_tender_shows_its_reference() -> None:
    void = sample_refund(void=True, tender=QRIS, tender_issuer="GoPay", tender_reference="rfd-7788",
                         approved_by=None, note=None,
                         lines=[RefundReceiptLine("Kaos Polos Hitam L", 2, 75_000, 150_000)], amount=150_000)
    text = pages(render_refund_receipt(void, 80))[0].flat_text
    for expected in ["PEMBATALAN (VOID) atas struk S-20261123-0042", "No. Pembatalan S-20261123-0042-R1",
                     "Dikembalikan via QRIS - GoPay", "Referensi rfd-7788", "2 x Rp75.000 Rp150.000",
                     "TOTAL DIKEMBALIKAN Rp150.000"]:
        assert expected in text, expected
    assert "Disetujui" not in text and "Dikembalikan Rp" not in text, "no approver, no discount share to explain"
    transfer = sample_refund(tender=BANK_TRANSFER, tender_reference="TRF 0099 BCA")
    text = pages(render_refund_receipt(transfer, 58))[0].flat_text
    assert "Dikembalikan via Transfer Bank" in text and "Referensi TRF 0099 BCA" in text


def test_points_taken_back_below_zero_are_printed_as_owed() -> None:
    owed = sample_refund(points_taken=40, points_balance=-15)
    text = pages(render_refund_receipt(owed, 58))[0].flat_text
    assert "Poin ditarik kembali -40" in text and "Poin terutang 15" in text
    assert "Sisa poin" not in text and "-15" not in text
    anonymous = sample_refund(shopper_phone=None, points_taken=None, points_balance=None)
    text = pages(render_refund_receipt(anonymous, 58))[0].flat_text
    assert "Member" not in text and "Poin" not in text


def test_money_without_goods_and_rounding_are_said_plainly() -> None:
    money_only = sample_refund(lines=[], amount=3_000)
    text = pages(render_refund_receipt(money_only, 80))[0].flat_text
    assert "Pengembalian dana (tanpa barang)" in text and "TOTAL DIKEMBALIKAN Rp3.000" in text
    rounded = sample_refund(amount=409_756)
    assert "Pembulatan Rp1" in pages(render_refund_receipt(rounded, 80))[0].flat_text


def test_a_refund_receipt_with_its_figures_wrong_never_reaches_paper() -> None:
    with pytest.raises(ValueError):
        sample_refund(amount=0)
    with pytest.raises(ValueError):
        RefundReceiptLine("Kaos", 0, 75_000, 0)
    with pytest.raises(ValueError):
        sample_refund(points_taken=-1)
    with pytest.raises(ValueError):
        CopyMark(0, AT_1630_WIB, "Sari")
    with pytest.raises(ValueError):
        CopyMark(1, AT_1630_WIB, " ")


@pytest.mark.parametrize("width_mm", [58, 80])
def test_a_reprint_is_marked_salinan_with_its_number_time_and_who_asked(width_mm: int) -> None:
    copy = CopyMark(number=2, printed_at=AT_1630_WIB + 600, requested_by="Sari Kasir")
    pdf = render_receipt(replace(sample_receipt(), copy=copy), width_mm)
    save_preview(f"receipt-copy-{width_mm}", pdf)
    [page] = pages(pdf)
    text = page.flat_text
    for expected in ["SALINAN ke-2", "Dicetak ulang 23/11/2026 16:40 WIB", "Oleh Sari Kasir",
                     "SALINAN ke-2 - bukan transaksi baru", "No. Order S-20261123-0042", "TOTAL Rp600.000"]:
        assert expected in text, expected
    # The mark is the first thing under the store's name, above the sale itself.
    assert page.find("SALINAN")[0].top > page.find("No.Order")[0].top
    refund_copy = render_refund_receipt(sample_refund(copy=replace(copy, number=1)), width_mm)
    text = pages(refund_copy)[0].flat_text
    assert "SALINAN ke-1" in text and "Oleh Sari Kasir" in text and "PENGEMBALIAN atas struk" in text


def test_the_sale_receipt_lists_its_refunds_and_says_when_it_was_voided() -> None:
    refunded = replace(sample_receipt(), refunds=[RefundNote("S-20261123-0042-R1", 68_292, AT_1630_WIB),
                                                  RefundNote("S-20261123-0042-R2", 100_000, AT_1630_WIB + 3600)])
    text = pages(render_receipt(refunded, 80))[0].flat_text
    for expected in ["Pengembalian atas struk ini", "S-20261123-0042-R1 23/11/2026 16:30 WIB -Rp68.292",
                     "S-20261123-0042-R2 23/11/2026 17:30 WIB -Rp100.000", "Total dikembalikan -Rp168.292",
                     "TOTAL Rp600.000"]:
        assert expected in text, expected
    voided = replace(sample_receipt(), voided=True,
                     refunds=[RefundNote("S-20261123-0042-R1", 600_000, AT_1630_WIB, void=True)])
    text = pages(render_receipt(voided, 58))[0].flat_text
    assert "DIBATALKAN (VOID)" in text and "S-20261123-0042-R1 (void) 23/11/2026 16:30 WIB -Rp600.000" in text
    assert "Pengembalian" not in pages(render_receipt(sample_receipt(), 58))[0].flat_text


def test_a_sale_receipt_shows_a_negative_balance_as_owed_points() -> None:
    owed = replace(sample_receipt(), points_earned=5, points_balance=-7)
    text = pages(render_receipt(owed, 58))[0].flat_text
    assert "Poin terutang 7" in text and "Total poin" not in text


def test_refund_receipt_bytes_are_deterministic() -> None:
    assert render_refund_receipt(sample_refund(), 58) == render_refund_receipt(sample_refund(), 58)
