"""The shopper's digital receipt (/receipt.html#<token>) on a phone, from a completed sale."""
from __future__ import annotations

import time

from tests.browser.conftest import ARTIFACTS, new_context


def completed_cash_sale(http, auth, shopper_id):
    key = f"receipt-{time.time_ns()}"
    status, order, _ = http.post("/api/sales", {"items": [{"sku": "KOPI-250", "qty": 2}, {"sku": "ROTI-KEJU", "qty": 1}],
                                                "shopper_id": shopper_id, "payment_method": "CASH"},
                                 auth=auth, headers={"Idempotency-Key": key})
    assert status == 201, order
    status, order, _ = http.post(f"/api/sales/{order['order_id']}/cash", {"amount_received": 50000},
                                 auth=auth, headers={"Idempotency-Key": key + "-cash"})
    assert status == 200 and order["status"] == "COMPLETED", order
    return order


def test_digital_receipt_on_a_phone_with_pdf(browser, stack, http, cashier_auth):
    phone = "0857" + f"{time.time_ns() // 1000 % 10 ** 8:08d}"
    status, shopper, _ = http.post("/api/shoppers", {"phone": phone, "name": "Rani", "consent": True},
                                   auth=cashier_auth, headers={"Idempotency-Key": f"reg-{phone}"})
    assert status in (200, 201), shopper
    order = completed_cash_sale(http, cashier_auth, shopper["shopper_id"])
    ctx = new_context(browser, {"width": 390, "height": 844})
    try:
        page = ctx.new_page()
        page.goto(f"{stack.url}/receipt.html#{order['receipt_token']}")
        page.wait_for_selector(".items .item")
        text = page.locator("#receipt").text_content()
        for expected in ("Sambung Demo", "Toko Demo", order["order_no"], "Sari Kasir", "Kopi Susu Gula Aren 250 ml",
                         "2 × Rp18.000", "Rp48.000", "Tunai", "Rp50.000", "Rp2.000", "+4",
                         f"{phone[:4]}-****-{phone[8:]}"):  # the phone is masked: the link may be forwarded
            assert expected in text, expected
        assert phone[4:8] not in text.replace(order["order_no"], "")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "screen-receipt-phone.png"), full_page=True)
        pdf = page.evaluate("""async () => {
            const r = await fetch(document.querySelector('#receipt-pdf').href);
            return [r.headers.get('content-type'), new TextDecoder().decode((await r.arrayBuffer()).slice(0, 5))];
        }""")
        assert pdf == ["application/pdf", "%PDF-"]

        page.goto(f"{stack.url}/receipt.html#not-a-real-token")
        page.wait_for_selector(".status.error:text('Struk tidak ditemukan.')")
    finally:
        ctx.close()
