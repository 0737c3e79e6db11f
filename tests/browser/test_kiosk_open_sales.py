"""Open sales are never lost, cash never opens a QR, and races are told (issue 14, parts 3 and 4):
a kiosk reloaded, locked or closed mid-payment takes up the same order with the same QR (the server's
GET /sales/pending?device=mine is the truth, not the tab's sessionStorage); several such sales are
listed to pick from; the store's list shows every device's; a QR no longer live offers "Coba lagi"
and "Batal". "Bayar Tunai" on the cart makes a sale with no QRIS charge at the gateway. A QR paid at
the gateway while the cashier took cash (or tapped Batal), its notification not yet with us, ends on
a warning ("QRIS sudah dibayar - kembalikan uang tunai") instead of the ordinary success page, and so
does a payment the kiosk's own poll finds while the cash screen is open."""
from __future__ import annotations

import json
import re
import time
import uuid

from tests.browser.conftest import cancel_pending_sales, new_context
from tests.browser.kiosk import Kiosk, device_init_script, touch_target_problems
from tests.browser.test_kiosk_sale import product, rupiah, unique_phone
from tests.browser.test_payment_decisions import both_viewports

RETURN_CASH = "QRIS sudah dibayar - kembalikan uang tunai kepada pembeli."
NOT_CANCELLED = "QRIS sudah dibayar - pesanan tidak dibatalkan."
NOTIFY_LATER_MS = 60_000  # the shopper's payment reaches the gateway now, its notification us only in a minute


def sale_by_api(http, auth, skus: list[str], method: str = "QRIS") -> dict:
    status, order, _ = http.post("/api/sales", {"items": [{"sku": sku, "qty": 1} for sku in skus], "payment_method": method},
                                 auth=auth, headers={"Idempotency-Key": str(uuid.uuid4())})
    assert status in (200, 201), order
    return order


def assert_same_qr(k: Kiosk, order: dict, qr: str) -> None:
    page = k.page
    page.wait_for_selector("body[data-screen='payment'] #qris svg")
    assert page.get_attribute("#qris", "data-qr") == qr
    assert k.screen_qr() == qr  # what the shopper's app reads is still the first QR
    assert page.locator("#pay-order-no").inner_text() == order["order_no"]
    assert re.fullmatch(r"QR berlaku \d\d:\d\d", page.locator("#qr-countdown").inner_text())
    assert k.order()["order_id"] == order["order_id"]


def test_a_kiosk_reloaded_locked_or_closed_mid_payment_resumes_the_same_qr(browser, stack, kiosk_device, http,
                                                                           cashier_auth):
    phone = unique_phone()
    status, shopper, _ = http.post("/api/shoppers", {"phone": phone, "name": "Rina Wati", "consent": True},
                                   auth=cashier_auth, headers={"Idempotency-Key": f"reg-{phone}"})
    assert status in (200, 201), shopper
    kopi, teh = product(stack, "KOPI-250"), product(stack, "TEH-350")
    cancel_pending_sales(stack, kiosk_device)
    ctx = new_context(browser)
    ctx.add_init_script(device_init_script(kiosk_device))
    k = Kiosk(ctx.new_page(), stack)
    page = k.page
    try:
        k.open()
        page.wait_for_selector(".staff-button")
        k.login()
        k.enter_phone(phone)
        k.find_shopper()
        k.tap("#shopper-continue")
        page.wait_for_selector("body[data-screen='cart']")
        k.scan(kopi["barcode"])
        k.scan(teh["barcode"])
        k.wait_cart_items(2)
        qr = k.lanjut()
        order = k.order()
        total = kopi["price"] + teh["price"]

        # The background check says ?poll=1; the cashier's "Cek Status Pembayaran" does not.
        checks = []
        page.on("request", lambda r: checks.append(r.url) if "/status" in r.url else None)
        deadline = time.monotonic() + 10
        while not checks:
            assert time.monotonic() < deadline, "no background status check"
            page.wait_for_timeout(200)
        assert all(url.endswith(f"/sales/{order['order_id']}/status?poll=1") for url in checks), checks
        checks.clear()
        k.tap("#check-status")
        page.wait_for_selector("#pay-status:has-text('Belum ada pembayaran masuk')")
        assert f"/sales/{order['order_id']}/status" in [url.split("/api", 1)[1] for url in checks], checks

        # A reload.
        page.reload()
        assert_same_qr(k, order, qr)

        # Kunci, then the PIN again.
        k.tap("#lock-button")
        page.wait_for_selector("body[data-screen='login']")
        k.enter_pin(next(s["pin"] for s in stack.state["staff"] if s["staff_id"] == "u_sari"))
        assert_same_qr(k, order, qr)

        # The tab closed: a new one has no sessionStorage at all (no sale, no session).
        page.close()
        k.page = page = ctx.new_page()
        k.open()
        page.wait_for_selector(".staff-button")
        assert page.evaluate("sessionStorage.length") == 0
        k.login(screen="payment")
        assert_same_qr(k, order, qr)
        assert page.locator("#pay-shopper").inner_text() == "Rina Wati"  # the shopper came back with the order
        assert page.locator("#pay-amount").inner_text() == rupiah(total)
        assert [(line["sku"], line["qty"]) for line in page.evaluate(
            "JSON.parse(sessionStorage.getItem('sambung.kasir.sale')).cart")] == [(kopi["sku"], 1), (teh["sku"], 1)]
        assert touch_target_problems(page) == []
        both_viewports(page, "screen-payment-resumed", "#pay-cancel")

        k.sim_scan(qr, "pay", issuer="ovo")
        k.wait_result("COMPLETED")  # the page's own polling
        assert page.locator("#result-title").inner_text() == "Pembayaran Berhasil"
        assert page.locator("#result-points").inner_text() == f"+{total // 10_000} poin untuk Rina Wati"
        assert page.locator("#result-method").inner_text() == "QRIS · OVO"
        status, body, _ = http.get("/api/sales/pending?device=mine", auth=cashier_auth)
        assert order["order_id"] not in [o["order_id"] for o in body["orders"]]
    finally:
        ctx.close()


def test_cash_from_the_cart_never_creates_a_qris_charge(kiosk, stack):
    k, page = kiosk, kiosk.page
    kopi, teh = product(stack, "KOPI-250"), product(stack, "TEH-350")
    total = kopi["price"] + teh["price"]
    k.login()
    k.skip_shopper()
    k.scan(kopi["barcode"])
    k.scan(teh["barcode"])
    k.wait_cart_items(2)
    assert page.locator("#cart-continue").inner_text() == "Bayar QRIS"
    assert page.locator("#cart-cash").inner_text() == "Bayar Tunai"
    k.shot("screen-cart-tenders")
    order = k.pay_cash_from_cart()
    assert order["status"] == "AWAITING_PAYMENT" and order["qr_string"] is None and order["attempt"] == 0
    assert not page.locator("#qris").count() and page.locator("#check-status").is_hidden()
    assert page.locator("#pay-cash").inner_text() == "Bayar dengan QRIS"
    assert k.sim_transactions(order["order_id"]) == []  # nothing was charged at the gateway
    assert touch_target_problems(page) == []
    both_viewports(page, "screen-cash-sale", "#confirm-cash")

    page.reload()  # a cash sale waiting for its money is resumed on the cash screen too
    page.wait_for_selector("body[data-screen='payment'] #cash-received")
    assert k.order()["order_id"] == order["order_id"]
    k.take_cash(50000)
    k.wait_result("COMPLETED")
    assert page.locator("#result-method").inner_text() == "Tunai"
    assert page.locator("#result-received").inner_text() == rupiah(50000)
    assert page.locator("#result-change").inner_text() == rupiah(50000 - total)
    assert k.sim_transactions(order["order_id"]) == []
    k.shot("screen-success-cash-sale")

    # The shopper changes their mind: a cash sale still gets its QR on request, and it is paid.
    k.tap("#new-sale")
    page.wait_for_selector("body[data-screen='shopper']")
    k.skip_shopper()
    k.scan(teh["barcode"])
    k.wait_cart_items(1)
    order = k.pay_cash_from_cart()
    k.tap("#pay-cash")  # "Bayar dengan QRIS"
    page.wait_for_selector("#qris svg")
    qr = page.get_attribute("#qris", "data-qr")
    assert [tx["qr_string"] for tx in k.sim_transactions(order["order_id"])] == [qr]
    k.sim_scan(qr, "pay")
    k.check_until("COMPLETED")
    assert page.locator("#result-method").inner_text().startswith("QRIS")


def test_a_qr_paid_while_cash_is_taken_or_batal_tapped_is_told(kiosk, stack):
    k, page = kiosk, kiosk.page
    beras, mie = product(stack, "BERAS-5"), product(stack, "MIE-GRG")
    k.login()

    # The shopper pays the QR; the gateway knows, we do not yet; the cashier takes cash meanwhile.
    k.quick_sale_to_qr([beras["barcode"]])
    order = k.order()
    k.sim_pay(f"{order['order_id']}-{order['attempt']}", issuer="gopay", delay_ms=NOTIFY_LATER_MS)
    k.tap("#pay-cash")
    k.take_cash(100000)
    k.wait_result("COMPLETED")
    section = page.locator(".screen-result")
    assert section.get_attribute("data-notice") == "qris_paid_return_cash"
    assert page.locator("#result-title").inner_text() == "QRIS Sudah Dibayar"
    assert page.locator("#result-notice").inner_text() == RETURN_CASH
    assert not page.locator(".result-panel.success").count()  # not the ordinary success page
    assert page.locator("#result-method").inner_text() == "QRIS · GOPAY"
    assert not page.locator("#result-received, #result-change").count()  # nothing recorded for the cash
    assert page.locator("#result-amount").inner_text() == rupiah(beras["price"])
    page.wait_for_selector("#reprint:not([disabled])")
    assert touch_target_problems(page) == []
    both_viewports(page, "screen-qris-paid-return-cash", "#result-notice")

    # The warning survives a reload, and reads in English with the title from the language file.
    page.reload()
    page.wait_for_selector(".screen-result[data-notice='qris_paid_return_cash']")
    k.tap("#lang-button")
    page.wait_for_selector("#result-title:text-is('QRIS Already Paid')")
    assert page.locator("#result-notice").inner_text() == "The QRIS was already paid - give the cash back to the shopper."
    k.tap("#lang-button")
    page.wait_for_selector("#result-title:text-is('QRIS Sudah Dibayar')")

    # Batal on a QR paid meanwhile: the sale stands, and the screen says so.
    k.tap("#new-sale")
    page.wait_for_selector("body[data-screen='shopper']")
    k.quick_sale_to_qr([mie["barcode"]])
    order = k.order()
    k.sim_pay(f"{order['order_id']}-{order['attempt']}", delay_ms=NOTIFY_LATER_MS)
    k.tap("#pay-cancel")
    k.tap("#pay-cancel")  # the second tap confirms
    k.wait_result("COMPLETED")
    assert page.locator(".screen-result").get_attribute("data-notice") == "qris_paid_not_cancelled"
    assert page.locator("#result-title").inner_text() == "QRIS Sudah Dibayar"
    assert page.locator("#result-notice").inner_text() == NOT_CANCELLED
    both_viewports(page, "screen-qris-paid-not-cancelled", "#result-notice")

    # The notification lands while the cash screen is open: the kiosk's own poll finds the QR paid,
    # and the cashier, who may already hold the shopper's cash, is told the same way.
    k.tap("#new-sale")
    page.wait_for_selector("body[data-screen='shopper']")
    k.quick_sale_to_qr([mie["barcode"]])
    order = k.order()
    k.tap("#pay-cash")
    k.tap(f".quick-cash [data-amount='{mie['price']}']")  # "Uang pas", not yet confirmed
    k.sim_pay(f"{order['order_id']}-{order['attempt']}")
    k.wait_result("COMPLETED")
    assert page.locator(".screen-result").get_attribute("data-notice") == "qris_paid_during_cash"
    assert page.locator("#result-notice").inner_text() == \
        "QRIS sudah dibayar - jika uang tunai sudah diterima, kembalikan kepada pembeli."
    assert page.locator("#result-notice-done").inner_text() == "Penjualan ini selesai: dibayar lewat QRIS."


def test_several_open_sales_are_listed_and_the_store_list_shows_every_device(browser, stack, kiosk_device, http,
                                                                              cashier_auth, new_pairing_code, kiosk):
    k, page = kiosk, kiosk.page
    gula, air, roti = product(stack, "GULA-1"), product(stack, "AIR-600"), product(stack, "ROTI-COK")
    older = sale_by_api(http, cashier_auth, ["GULA-1"])  # this kiosk's sales, e.g. from a tab closed earlier
    newer = sale_by_api(http, cashier_auth, ["AIR-600"])
    status, other_device, _ = http.post("/api/devices/pair", {"code": new_pairing_code(), "name": "Kasir 2"})
    assert status == 201, other_device
    person = next(s for s in stack.state["staff"] if s["staff_id"] == "u_sari")
    other_auth = http.login(other_device["device_token"], person["staff_id"], person["pin"])
    elsewhere = sale_by_api(http, other_auth, ["ROTI-COK"])
    try:
        k.login(screen="pending")
        rows = page.locator("#pending-list .pending-row")
        assert [rows.nth(i).get_attribute("data-order") for i in range(rows.count())] == \
            [newer["order_id"], older["order_id"]]  # newest first, this device's only
        assert page.locator("#pending-title").inner_text() == "Transaksi Belum Dibayar"
        first = rows.nth(0).inner_text()
        assert newer["order_no"] in first and rupiah(air["price"]) in first and "QR aktif" in first
        assert re.search(r"\d\d:\d\d WIB", first)
        assert touch_target_problems(page) == []
        both_viewports(page, "screen-pending-mine", f".pending-row[data-order='{older['order_id']}']")

        k.tap(f".pending-row[data-order='{older['order_id']}'] button")
        assert_same_qr(k, older, older["qr_string"])
        k.tap("#pay-cancel")
        k.tap("#pay-cancel")
        page.wait_for_selector("body[data-screen='cart']")
        k.wait_cart_items(1)  # the order's own lines, kept for the shopper who still wants them
        assert page.locator(f".cart-line[data-sku='{gula['sku']}']").count() == 1

        # The store's list, from the start screen: every device's, only this device's open on tap.
        page.locator("#cart-shopper + .btn-link").tap()
        page.wait_for_selector("body[data-screen='shopper']")
        k.tap("#open-pending")
        page.wait_for_selector(f".pending-row[data-order='{elsewhere['order_id']}']")
        assert page.locator("#pending-title").inner_text() == "Menunggu Pembayaran"
        mine = page.locator(f".pending-row[data-order='{newer['order_id']}']")
        theirs = page.locator(f".pending-row[data-order='{elsewhere['order_id']}']")
        assert "Perangkat ini" in mine.inner_text() and mine.locator("button").count() == 1
        assert "Perangkat lain" in theirs.inner_text() and theirs.locator("button").count() == 0
        assert rupiah(roti["price"]) in theirs.inner_text()
        assert not page.locator(f".pending-row[data-order='{older['order_id']}']").count()  # cancelled
        assert touch_target_problems(page) == []
        both_viewports(page, "screen-pending-store", f".pending-row[data-order='{newer['order_id']}']")
        k.tap(f".pending-row[data-order='{newer['order_id']}'] button")
        assert_same_qr(k, newer, newer["qr_string"])
    finally:
        status, body, _ = http.post(f"/api/sales/{elsewhere['order_id']}/cancel", auth=other_auth)
        assert status == 200 and body["status"] == "CANCELLED", body


def test_a_qr_no_longer_live_offers_coba_lagi_and_batal(kiosk, stack, http, cashier_auth):
    """The server answers a sale without its live QR (say, while the gateway is still opening it): the
    kiosk offers what the result screen does. "Coba lagi" gives back the QR that is still live."""
    k, page = kiosk, kiosk.page
    order = sale_by_api(http, cashier_auth, ["TELUR-10"])
    ended = {**order, "qr_string": None, "expires_at": None}

    def without_qr(route):
        route.fulfill(status=200, content_type="application/json", body=json.dumps({"orders": [ended]}))

    page.route(re.compile(r".*/api/sales/pending\?device=mine$"), without_qr)
    k.login(screen="result")
    page.unroute(re.compile(r".*/api/sales/pending\?device=mine$"))
    assert page.locator("#result-title").inner_text() == "QRIS Tidak Aktif"
    assert page.locator("#result-order-no").inner_text() == order["order_no"]
    for control in ("#retry", "#result-cancel", "#result-cash"):
        assert page.locator(control).is_visible(), control
    assert touch_target_problems(page) == []
    both_viewports(page, "screen-qr-no-longer-live", "#retry")
    k.tap("#retry")
    assert_same_qr(k, order, order["qr_string"])  # the server still had it live: no second QR
    assert [tx["qr_string"] for tx in k.sim_transactions(order["order_id"])] == [order["qr_string"]]
    k.tap("#pay-cancel")
    k.tap("#pay-cancel")
    page.wait_for_selector("body[data-screen='cart']")
