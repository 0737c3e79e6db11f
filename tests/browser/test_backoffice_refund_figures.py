"""Refunds where a merchant reads figures: the cashier's Tutup Kasir page lists a cash refund and a
lower expected cash, and the day report shows refunds and voids on their own lines, the figures
the API gives."""
from __future__ import annotations

import uuid

from chalicelib.core.money import format_rupiah
from tests.browser.backoffice import enter_pin, sign_in, staff_of, wait_section
from tests.browser.kiosk import ARTIFACTS


def _row(page, label: str) -> str:
    """The value beside a label in the figures tables of the page."""
    return page.locator("table.figures tr", has=page.get_by_role("rowheader", name=label, exact=True)).first \
        .locator("td").inner_text()


def test_a_cash_refund_on_the_shift_page_and_in_the_day_report(page, stack, http, admin_auth):
    sari = next(s for s in stack.state["staff"] if s["staff_id"] == "u_sari")
    admin = staff_of(stack, "admin")
    sign_in(page, stack, http, admin_auth, sari["staff_id"], sari["pin"], "/reports/shift.html")
    wait_section(page, "kasir")
    page.fill("#opening-float", "100000")
    page.get_by_role("button", name="Buka kasir").click()
    page.get_by_role("heading", name="Pengembalian").wait_for()
    assert page.get_by_text("Belum ada pengembalian atau void.").is_visible()

    # A cash sale and a refund of it rung up on this tablet, as the kiosk would (same session).
    auth = "Bearer " + page.evaluate("JSON.parse(sessionStorage.getItem('sambung.kasir.session')).token")
    once = lambda: {"Idempotency-Key": str(uuid.uuid4())}  # noqa: E731
    sku = stack.state["products"][0]["sku"]
    status, order, _ = http.post("/api/sales", {"items": [{"sku": sku, "qty": 2}], "payment_method": "CASH"},
                                 auth=auth, headers=once())
    assert status == 201, order
    status, sale, _ = http.post(f"/api/sales/{order['order_id']}/cash", {"amount_received": order["total"]},
                                auth=auth, headers=once())
    assert status == 200 and sale["status"] == "COMPLETED", sale
    status, refund, _ = http.post(f"/api/sales/{order['order_id']}/refunds", {
        "reason": "barang_rusak", "lines": [{"sku": sku, "quantity": 1, "restock": False}],
        "approval": {"staff_id": admin["staff_id"], "pin": admin["pin"]}}, auth=auth, headers=once())
    assert status == 201 and refund["status"] == "DONE", refund
    status, shift, _ = http.get("/api/shifts/current", auth=auth)
    shift = shift["shift"]
    assert shift["expected_cash"] == 100_000 + order["total"] - refund["amount"]

    page.get_by_role("button", name="Muat ulang").click()
    page.get_by_role("heading", name="Pengembalian").wait_for()
    page.get_by_text("Hanya pengembalian tunai yang keluar dari laci").wait_for()
    assert _row(page, "Pengembalian tunai") == format_rupiah(-refund["amount"])
    assert _row(page, "Kas seharusnya") == format_rupiah(shift["expected_cash"])
    assert _row(page, "Penjualan bersih") == format_rupiah(order["total"] - refund["amount"])
    page.screenshot(path=str(ARTIFACTS / "shift-with-refund.png"), full_page=True)
    status, closed, _ = http.post(f"/api/shifts/{shift['shift_id']}/close", {"counted_cash": shift["expected_cash"]},
                                  auth=auth, headers=once())
    assert status == 200 and closed["difference"] == 0, closed

    # The day report, read by CS on the same tablet.
    page.get_by_role("button", name="Keluar").click()
    cs = staff_of(stack, "cs")
    enter_pin(page, cs["staff_id"], cs["pin"])
    wait_section(page, "kasir")  # back where the tablet was
    page.get_by_role("link", name="Laporan").click()
    wait_section(page, "laporan")
    page.get_by_role("heading", name="Pengembalian & void").wait_for()
    status, report, _ = http.get("/api/reports/day", auth=http.login_as(stack.state, "cs"))
    assert status == 200 and report["refunds"]["amount"] >= refund["amount"]
    trx = lambda amount, n: f"{format_rupiah(amount)} ({n} trx)"  # noqa: E731
    r = report["refunds"]
    assert _row(page, "Pengembalian (refund)") == trx(r["refunds"]["amount"], r["refunds"]["count"])
    assert _row(page, "Pembatalan (void)") == trx(r["voids"]["amount"], r["voids"]["count"])
    assert _row(page, "Total dikembalikan") == trx(r["amount"], r["count"])
    assert _row(page, "Penjualan bersih setelah pengembalian") == format_rupiah(report["sales"]["net_after_refunds"])
    page.get_by_text("dihitung pada hari uangnya dikembalikan").wait_for()
    page.get_by_role("heading", name="Pengembalian per metode").wait_for()
    page.screenshot(path=str(ARTIFACTS / "report-with-refunds.png"), full_page=True)
