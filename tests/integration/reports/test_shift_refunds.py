"""Tutup kasir with refunds and voids: a cash refund lowers the drawer's expected cash exactly, a
QRIS refund is listed but leaves the drawer alone, a refund paid out by someone else is not this
shift's, the selisih and the admin's approval follow the new expected cash, the closing report
prints the "Pengembalian" lines, and a refund landing while the cashier closes makes the close
fail cleanly instead of freezing stale totals."""
from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from zoneinfo import ZoneInfo

import pypdfium2 as pdfium

from chalicelib.sales.repo import RefundRecord
from tests.integration.reports.test_report_refunds import refund, void
from tests.integration.reports.test_shifts import _close

WIB = ZoneInfo("Asia/Jakarta")


def _refunds_from_documents(staff_id: str, device_id: str, start: int, end: int) -> dict:
    """The shift's refunds the slow way: the refund documents the cashier paid out on that device."""
    totals = defaultdict(lambda: [0, 0])
    for r in RefundRecord.scan():
        if r.status == "DONE" and r.requested_by == staff_id and r.device_id == device_id and start <= int(r.done_at) <= end:
            totals[r.tender][0] += 1
            totals[r.tender][1] += int(r.amount)
    return {k: tuple(v) for k, v in totals.items()}


def test_a_cash_refund_lowers_the_expected_cash_and_a_qris_refund_is_only_listed(api, demo, till_for, printer, clock):
    clock.set(datetime(2026, 11, 23, 8, 0, tzinfo=WIB))
    sari = till_for("u_sari")
    opened = sari.post("/shifts", {"opening_float": 100_000}).json
    shift_id, device_id = opened["shift_id"], opened["device_id"]
    clock.advance(minutes=5)
    coffee = sari.cash([{"sku": "KOPI-250", "qty": 2}], received=50_000)  # 36.000 cash
    tea = sari.qris([{"sku": "TEH-350", "qty": 2}], issuer="gopay")  # 16.000 QRIS
    bread = sari.cash([{"sku": "ROTI-COK", "qty": 1}])  # 15.500 cash, voided
    before = api.get("/shifts/current", auth=sari.auth).json["shift"]
    assert before["expected_cash"] == 100_000 + 36_000 + 15_500 and before["refunds"]["by_tender"] == []

    clock.advance(minutes=5)
    assert refund(sari, coffee["order_id"], [("KOPI-250", 1)])["amount"] == 18_000
    assert void(sari, bread["order_id"])["tender"] == "CASH"
    assert refund(sari, tea["order_id"], [("TEH-350", 1)])["tender"] == "QRIS"
    # Budi pays back the other coffee: his money (no shift of his), not Sari's drawer.
    assert refund(till_for("u_budi"), coffee["order_id"], [("KOPI-250", 1)])["amount"] == 18_000

    shift = api.get("/shifts/current", auth=sari.auth).json["shift"]
    assert shift["sales"]["total"] == 36_000 + 16_000 + 15_500, "the sales themselves stay as they were"
    assert shift["refunds"] == {"count": 3, "total": 18_000 + 15_500 + 8_000, "by_tender": [
        {"method": "CASH", "count": 2, "amount": 33_500}, {"method": "QRIS", "count": 1, "amount": 8_000}]}
    assert shift["net_total"] == 67_500 - 41_500
    assert shift["cash_refunds"] == 33_500
    assert shift["expected_cash"] == 100_000 + 36_000 + 15_500 - 33_500 == 118_000, "the QRIS refund never left the drawer"
    assert {t["method"]: (t["count"], t["amount"]) for t in shift["refunds"]["by_tender"]} == \
        _refunds_from_documents("u_sari", device_id, shift["opened_at"], int(clock.now()))

    too_much = sari.post(f"/shifts/{shift_id}/cash", {"direction": "out", "amount": 118_001, "reason": "Setor"})
    assert too_much.error_code == "cash_out_exceeds_drawer" and too_much.json["error"]["details"] == {"drawer": 118_000}

    # The drawer counted as if nothing had been paid back is 33.500 over: an admin must approve that.
    clock.advance(hours=8)
    over = _close(sari, shift_id, 151_500)
    assert over.status == 409 and over.error_code == "approval_required"
    assert over.json["error"]["details"] == {"expected_cash": 118_000, "difference": 33_500, "allowance": 10_000}
    closed = _close(sari, shift_id, 118_000)
    assert closed.status == 200, closed
    c = closed.json
    assert (c["expected_cash"], c["difference"], c["approved_by"]) == (118_000, 0, None)
    assert c["refunds"] == shift["refunds"] and c["cash_refunds"] == 33_500

    admin = api.login_as(demo, "admin")
    listed = api.get("/shifts", auth=admin).json["shifts"]
    assert [(s["shift_id"], s["sales_total"], s["refunds_total"], s["expected_cash"]) for s in listed] == [
        (shift_id, 67_500, 41_500, 118_000)]
    kept = api.get(f"/shifts/{shift_id}/report.pdf", auth=sari.auth, headers={"Accept": "application/pdf"})
    text = " ".join(pdfium.PdfDocument(kept.body)[0].get_textpage().get_text_range().split())
    for expected in ("PENGEMBALIAN", "Tunai (2 trx) -Rp33.500", "QRIS (1 trx) -Rp8.000", "Total (3 trx) -Rp41.500",
                     "Penjualan bersih Rp26.000", "Pengembalian tunai -Rp33.500", "Kas seharusnya Rp118.000",
                     "SELISIH Rp0", "non-tunai tidak keluar dari laci"):
        assert expected in text, expected
    assert [j["reference"] for j in printer()] == [f"shift-report#{shift_id}"]
    printed = " ".join(pdfium.PdfDocument(printer()[0]["pdf"])[0].get_textpage().get_text_range().split())
    assert "Pengembalian tunai -Rp33.500" in printed


def test_a_refund_paid_out_while_the_cashier_closes_makes_the_close_fail_cleanly(api, demo, till_for, clock, monkeypatch):
    from chalicelib.shifts import repo as shifts_repo
    from chalicelib.shifts import service as shifts

    sari = till_for("u_sari")
    shift_id = sari.post("/shifts", {"opening_float": 50_000}).json["shift_id"]
    sale = sari.cash([{"sku": "KOPI-250", "qty": 1}])
    read_before = shifts_repo.get_shift("s_demo", shift_id)  # what the closing read ...
    refund(sari, sale["order_id"])  # ... before this cash refund committed
    monkeypatch.setattr(shifts, "_load", lambda caller, sid: read_before)
    stale = _close(sari, shift_id, 68_000)  # right for the stale totals: no approval asked
    assert stale.status == 409 and stale.error_code == "shift_changed", stale
    monkeypatch.undo()
    assert api.get(f"/shifts/{shift_id}", auth=sari.auth).json["status"] == "OPEN"
    closed = _close(sari, shift_id, 50_000)
    assert closed.status == 200 and (closed.json["expected_cash"], closed.json["difference"]) == (50_000, 0), closed


def test_a_sale_of_a_closed_shift_is_refunded_not_voided(api, demo, till_for, clock):
    clock.set(datetime(2026, 11, 23, 8, 0, tzinfo=WIB))
    sari = till_for("u_sari")
    opened = sari.post("/shifts", {"opening_float": 100_000}).json
    clock.advance(minutes=5)
    bread = sari.cash([{"sku": "ROTI-COK", "qty": 1}])  # 15.500 cash
    assert api.get(f"/sales/{bread['order_id']}", auth=sari.auth).json["can_void"] is True, "its shift is open"
    clock.advance(minutes=5)
    assert _close(sari, opened["shift_id"], 115_500).status == 200
    assert api.get(f"/sales/{bread['order_id']}", auth=sari.auth).json["can_void"] is False
    r = sari.post(f"/sales/{bread['order_id']}/void", {"reason": "salah_input", "approval": {"staff_id": "u_admin",
                                                                                              "pin": "135790"}})
    assert (r.status, r.error_code) == (409, "void_shift_closed"), r
    assert refund(sari, bread["order_id"])["kind"] == "REFUND", "the money goes back as a refund instead"
