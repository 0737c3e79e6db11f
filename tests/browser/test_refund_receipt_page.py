"""The shopper's digital receipt of a refund on a phone (/receipt.html#<refund token>), the sale's
receipt listing it, and points owed shown as a debt."""
from __future__ import annotations

import json
import time

from tests.browser.conftest import ARTIFACTS, new_context
from tests.browser.test_receipt_page import completed_cash_sale

PHONE_VIEW = {"width": 390, "height": 844}


def test_a_refund_receipt_on_a_phone_and_the_sale_listing_it(browser, stack, http, cashier_auth, admin_auth):
    phone = "0857" + f"{time.time_ns() // 1000 % 10 ** 8:08d}"
    status, shopper, _ = http.post("/api/shoppers", {"phone": phone, "name": "Rani", "consent": True},
                                   auth=cashier_auth, headers={"Idempotency-Key": f"reg-{phone}"})
    assert status in (200, 201), shopper
    order = completed_cash_sale(http, cashier_auth, shopper["shopper_id"])
    status, refund, _ = http.post(f"/api/sales/{order['order_id']}/refunds",
                                  {"lines": [{"sku": "ROTI-KEJU", "quantity": 1, "restock": True}],
                                   "reason": "barang_rusak"},
                                  auth=admin_auth, headers={"Idempotency-Key": f"refund-{phone}"})
    assert status == 201 and refund["status"] == "DONE", refund
    ctx = new_context(browser, PHONE_VIEW)
    try:
        page = ctx.new_page()
        page.goto(f"{stack.url}/receipt.html#{refund['receipt_token']}")
        page.wait_for_selector("#refund-of")
        text = page.locator("#receipt").text_content()
        for expected in ("Struk pengembalian", f"Pengembalian atas struk {order['order_no']}", refund["refund_no"], "Roti",
                         "Barang rusak/cacat", "Tunai", f"{phone[:4]}-****-{phone[8:]}"):
            assert expected in text, expected
        assert phone[4:8] not in text.replace(order["order_no"], "").replace(refund["refund_no"], "")
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_VIEW["width"]
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "screen-refund-receipt-phone.png"), full_page=True)
        pdf = page.evaluate("""async () => {
            const r = await fetch(document.querySelector('#receipt-pdf').href);
            return [r.headers.get('content-type'), new TextDecoder().decode((await r.arrayBuffer()).slice(0, 5))];
        }""")
        assert pdf == ["application/pdf", "%PDF-"]

        page.click("#sale-receipt")  # the sale's own receipt, with the refund under it
        page.wait_for_selector("#receipt-refunds")
        refunds = page.locator("#receipt-refunds").text_content()
        assert refund["refund_no"] in refunds and "Pengembalian atas struk ini" in refunds
        page.screenshot(path=str(ARTIFACTS / "screen-receipt-with-refund-phone.png"), full_page=True)
        page.click("#receipt-refunds a.link")
        page.wait_for_selector("#refund-of")
    finally:
        ctx.close()


def test_points_owed_read_as_a_debt(browser, stack):
    """A refund that took back points already used: the page says "Poin terutang", not a bare minus."""
    refund = {"document": "refund", "kind": "REFUND", "title": "PENGEMBALIAN", "void": False,
              "merchant_name": "Sambung Demo", "store_name": "Toko Demo", "store_address": "Jl. Contoh 1",
              "refund_number": "2311-ABCDE-R1", "order_number": "2311-ABCDE", "refunded_at": 1795400000,
              "sale_paid_at": 1795390000, "lines": [{"name": "Beras Pandan Wangi 5 kg", "qty": 2, "unit_price": 78000,
                                                      "amount": 156000}],
              "amount": 156000, "tender": "CASH", "tender_issuer": None, "tender_reference": None,
              "reason": "Pelanggan batal", "note": None, "processed_by": "Rina Admin", "approved_by": None,
              "shopper_phone_masked": "0812-****-7890", "points_taken": 15, "points_balance": -12, "points_owed": 12,
              "receipt_url": None, "store_phone": None, "footer": "Simpan struk ini.", "tz": "Asia/Jakarta",
              "sale_receipt_token": None}
    ctx = new_context(browser, PHONE_VIEW)
    try:
        page = ctx.new_page()
        page.route("**/api/receipts/owed-example", lambda route: route.fulfill(
            status=200, content_type="application/json", body=json.dumps(refund)))
        page.goto(f"{stack.url}/receipt.html#owed-example")
        page.wait_for_selector("#refund-points.owed")
        points = page.locator("#refund-points").text_content()
        assert "Poin ditarik kembali: -15" in points and "Poin terutang: 12" in points and "-12" not in points
    finally:
        ctx.close()
