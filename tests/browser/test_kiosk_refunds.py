"""After the sale, in Chromium (issue 16): a cashier finds a sale in the kiosk's history and refunds ONE
line of it with a supervisor's PIN (a wrong PIN first: the dialog stays and the request goes again
under the same Idempotency-Key); the refund shows DONE and the sale shows the refund. The history's
day, search and language; a supervisor's own void; a QRIS refund left pending at the gateway ("Cek
status") and one it refuses (paid back in cash instead). In the back office a supervisor gives back
the money of an order waiting in Keputusan Pembayaran ("Kembalikan dana") and the order leaves the
list as REFUNDED; a returned parcel's order is refunded or closed, never completed again."""
from __future__ import annotations

import json
import time
import uuid

import pytest

from tests.browser.backoffice import sign_in, wait_section
from tests.browser.conftest import ARTIFACTS, new_context
from tests.browser.kiosk import Kiosk, approve, open_sale_from_history, post_json, touch_target_problems
from tests.browser.test_kiosk_sale import product, rupiah
from tests.browser.test_payment_decisions import both_viewports, review_order_by_api

SUPERVISOR_PIN = "739184"


@pytest.fixture(scope="module")
def supervisor(http, admin_auth):
    """A supervisor made the way an admin makes one: POST /api/staff."""
    name = f"Sinta Supervisor {time.time_ns() % 10_000:04d}"
    status, body, _ = http.post("/api/staff", {"name": name, "role": "supervisor", "pin": SUPERVISOR_PIN}, auth=admin_auth)
    assert status == 201, body
    return {"staff_id": body["staff_id"], "name": name, "pin": SUPERVISOR_PIN}


def cash_sale(http, auth, items) -> dict:
    status, order, _ = http.post("/api/sales", {"items": items, "payment_method": "CASH"}, auth=auth,
                                 headers={"Idempotency-Key": str(uuid.uuid4())})
    assert status == 201, order
    status, done, _ = http.post(f"/api/sales/{order['order_id']}/cash", {"amount_received": order["total"]}, auth=auth,
                                headers={"Idempotency-Key": str(uuid.uuid4())})
    assert status == 200 and done["status"] == "COMPLETED", done
    return done


def test_a_cashier_refunds_one_line_from_the_history_with_a_supervisors_pin(kiosk, stack, http, cashier_auth, supervisor):
    k, page = kiosk, kiosk.page
    kopi, teh = product(stack, "KOPI-250"), product(stack, "TEH-350")
    sale = cash_sale(http, cashier_auth, [{"sku": "KOPI-250", "qty": 2}, {"sku": "TEH-350", "qty": 1}])
    refund_posts = []
    page.on("request", lambda r: refund_posts.append(r.headers.get("idempotency-key"))
            if r.method == "POST" and r.url.endswith(f"/api/sales/{sale['order_id']}/refunds") else None)

    k.login()
    open_sale_from_history(k, sale["order_no"])
    assert page.locator("#sale-title").inner_text() == f"Pesanan {sale['order_no']}"
    assert page.locator("#sale-total").inner_text() == rupiah(2 * kopi["price"] + teh["price"])
    assert page.locator("#refund-none").is_visible()
    assert page.locator("#sale-void").is_visible(), "a sale of today can be voided"
    assert touch_target_problems(page) == []
    k.shot("screen-sale-detail")

    k.tap("#sale-refund")
    page.wait_for_selector("body[data-screen='refund'] #refund-lines")
    assert page.locator("#refund-submit").is_disabled()  # nothing picked yet
    assert page.locator("[data-tender='CASH']").get_attribute("aria-pressed") == "true", "back the way it was paid"
    assert not page.locator("[data-tender='QRIS']").count(), "QRIS only for a QRIS sale"
    kopi_line = page.locator(f".refund-line[data-sku='{kopi['sku']}']")
    k.tap(f".refund-line[data-sku='{kopi['sku']}'] .refund-more")
    k.tap(f".refund-line[data-sku='{kopi['sku']}'] .refund-more")
    assert kopi_line.locator(".refund-more").is_disabled(), "never more than was sold"
    k.tap(f".refund-line[data-sku='{kopi['sku']}'] .refund-less")
    assert kopi_line.locator(".qty-value").inner_text() == "1"
    assert page.locator(f"#restock-{kopi['sku']}").is_checked(), "back to stock unless unticked"
    page.locator("#refund-reason").select_option("barang_rusak")
    assert page.locator("#refund-amount").inner_text() == rupiah(kopi["price"])
    assert page.locator("#refund-submit").inner_text() == f"Kembalikan {rupiah(kopi['price'])}"
    assert touch_target_problems(page) == []
    k.shot("screen-refund-form")

    # A cashier needs a supervisor's PIN: the dialog lists supervisors and admins, never the cashier.
    k.tap("#refund-submit")
    page.wait_for_selector("#approval-dialog[open]")
    assert page.locator("#approval-lead").inner_text() == f"Pengembalian {rupiah(kopi['price'])} perlu PIN supervisor atau admin."
    page.wait_for_selector("#approval-dialog .staff-button")  # the names come from the server
    names = page.locator("#approval-dialog .staff-button").all_inner_texts()
    assert any(supervisor["name"] in n and "Supervisor" in n for n in names), names
    assert not page.locator("#approval-dialog .staff-button[data-approver-id='u_sari']").count()
    assert touch_target_problems(page) == []
    k.shot("screen-refund-approval")
    approve(k, supervisor["staff_id"], "000001")  # a wrong PIN
    page.locator("#approval-error", has_text="PIN salah").wait_for()
    assert page.locator("#approval-dialog[open]").count() == 1, "a wrong PIN keeps the dialog open"
    for digit in supervisor["pin"]:
        k.tap(f"#approval-dialog .keypad .key[data-key='{digit}']")

    page.wait_for_selector("#refund-result[data-status='DONE']")
    assert page.locator("#approval-dialog").count() == 0
    assert page.locator("#refund-title").inner_text() == "Dana Dikembalikan"
    assert page.locator("#refund-result-amount").inner_text() == rupiah(kopi["price"])
    assert page.locator("#refund-result-approver").inner_text() == supervisor["name"]
    assert page.locator("#refund-result-help").inner_text() == \
        f"Serahkan uang tunai {rupiah(kopi['price'])} dari laci ke pelanggan."
    assert len(refund_posts) == 3 and len(set(refund_posts)) == 1, "one refund, one Idempotency-Key"
    k.shot("screen-refund-done")

    # The sale shows the refund, and what is left of the line.
    k.tap("#refund-to-sale")
    refund_item = page.locator("#refund-list .refund-item")
    refund_item.wait_for()
    assert refund_item.get_attribute("data-status") == "DONE"
    assert refund_item.locator(".refund-amount").inner_text() == rupiah(kopi["price"])
    assert supervisor["name"] in refund_item.locator(".refund-meta").inner_text()
    assert page.locator(f".sale-line[data-sku='{kopi['sku']}'] .line-refunded").inner_text() == "1 dikembalikan"
    assert page.locator("#sale-refunded").inner_text() == rupiah(kopi["price"])
    assert not page.locator("#sale-void").count(), "a partly refunded sale is refunded, not voided"
    both_viewports(page, "screen-sale-refunded", "#refund-list")

    status, seen, _ = http.get(f"/api/sales/{sale['order_id']}", auth=cashier_auth)
    assert status == 200 and seen["refunded_qty"] == {kopi["sku"]: 1}
    assert [(r["status"], r["approved_by"], r["lines"][0]["restock"]) for r in seen["refunds"]] == [
        ("DONE", supervisor["staff_id"], True)]

    # Back to the history: the row says money went back.
    k.tap("#sale-back")
    row = page.locator(f".history-row[data-order='{sale['order_id']}']")
    row.wait_for()
    assert row.locator(".history-refunded").inner_text() == f"Dikembalikan {rupiah(kopi['price'])}"
    page.locator("#history-status").select_option("REFUNDS")
    row.wait_for()
    assert touch_target_problems(page) == []
    both_viewports(page, "screen-history", "#history-list")


def test_the_history_lists_the_day_newest_first_and_finds_by_number(kiosk, stack, http, cashier_auth):
    k, page = kiosk, kiosk.page
    older = cash_sale(http, cashier_auth, [{"sku": "AIR-600", "qty": 1}])
    newer = cash_sale(http, cashier_auth, [{"sku": "TEH-350", "qty": 2}])
    k.login()
    k.tap("#open-history")
    page.wait_for_selector(f".history-row[data-order='{newer['order_id']}']")
    orders = [r.get_attribute("data-order") for r in page.locator(".history-row").all()]
    assert orders.index(newer["order_id"]) < orders.index(older["order_id"]), "newest first"
    assert page.locator("#history-next").is_disabled() and page.locator("#history-today").is_disabled()
    page.locator("#history-search").fill(older["order_no"].lower())
    page.wait_for_function("id => [...document.querySelectorAll('.history-row')].map(r => r.dataset.order).join() === id",
                           arg=older["order_id"])
    k.tap("#history-prev")  # yesterday: a whole order number still finds its sale, with its date
    row = page.locator(f".history-row[data-order='{older['order_id']}']")
    row.locator(".history-time", has_text="/").wait_for()
    page.locator("#history-search").fill("")
    page.locator("#history-empty").wait_for()  # nothing was sold yesterday on this stack
    assert not page.locator("#history-next").is_disabled()
    k.tap("#history-today")
    page.wait_for_selector(f".history-row[data-order='{newer['order_id']}']")
    page.locator("#history-search").fill(older["order_no"].lower())
    page.wait_for_function("id => [...document.querySelectorAll('.history-row')].map(r => r.dataset.order).join() === id",
                           arg=older["order_id"])
    page.click("#lang-button")  # the screen in English, with its filters kept
    page.get_by_role("heading", name="Sales History").wait_for()
    assert page.locator("#history-search").input_value() == older["order_no"].lower()
    page.wait_for_selector(f".history-row[data-order='{older['order_id']}']")
    page.click("#lang-button")
    page.get_by_role("heading", name="Riwayat Penjualan").wait_for()
    k.tap("#history-back")
    page.wait_for_selector("body[data-screen='shopper']")


def test_a_supervisor_refunds_a_decision_order_from_the_back_office(browser, stack, http, admin_auth, cashier_auth,
                                                                    supervisor):
    ctx = new_context(browser)
    page = ctx.new_page()
    try:
        sign_in(page, stack, http, admin_auth, supervisor["staff_id"], supervisor["pin"], "/backoffice/#keputusan")
        wait_section(page, "keputusan")
        sim = Kiosk(page, stack)  # the simulator's controls (the shopper's phone)
        order = review_order_by_api(http, cashier_auth, sim, "GULA-1")
        page.get_by_role("button", name="Muat ulang").click()
        card = page.locator(f".decision[data-order='{order['order_id']}']")
        card.wait_for()
        assert page.locator("#decisions-refund-only").is_visible()
        assert not card.get_by_role("button", name="Selesaikan").count(), "completing stays with admins"
        card.get_by_role("button", name="Kembalikan dana").click()
        assert card.locator("select[id^='refund-reason']").input_value() == "jumlah_tidak_sesuai", "from why it waits"
        assert card.locator("select[id^='refund-tender']").input_value() == "QRIS"
        assert "Kembalikan Rp1 dari pesanan" in card.locator(".refund-question").inner_text()
        assert touch_target_problems(page) == []
        page.screenshot(path=str(ARTIFACTS / "backoffice-decision-refund.png"), full_page=True)

        card.get_by_role("button", name="Batal").click()  # thought better of it: nothing sent
        assert card.get_by_role("button", name="Kembalikan dana").is_visible()
        card.get_by_role("button", name="Kembalikan dana").click()
        card.get_by_role("button", name="Ya, kembalikan Rp1").click()
        card.wait_for(state="detached")
        page.locator("#toast", has_text=f"Dana pesanan {order['order_no']} dikembalikan (Rp1).").wait_for()

        status, seen, _ = http.get(f"/api/sales/{order['order_id']}", auth=cashier_auth)
        assert status == 200 and seen["status"] == "REFUNDED", seen
        assert [(r["status"], r["amount"], r["tender"], r["reason"]) for r in seen["refunds"]] == [
            ("DONE", 1, "QRIS", "jumlah_tidak_sesuai")]
        status, body, _ = http.get("/api/sales/decisions", auth=cashier_auth)
        assert order["order_id"] not in [o["order_id"] for o in body["orders"]]
    finally:
        ctx.close()


def test_the_supervisor_signs_in_on_the_kiosk_and_needs_no_pin_of_their_own(kiosk, stack, http, cashier_auth, supervisor):
    k, page = kiosk, kiosk.page
    sale = cash_sale(http, cashier_auth, [{"sku": "AIR-600", "qty": 1}])
    assert page.locator(f".staff-button[data-staff-id='{supervisor['staff_id']}'] .staff-role").inner_text() == "Supervisor"
    k.login(supervisor["staff_id"], supervisor["pin"])
    open_sale_from_history(k, sale["order_no"])
    k.tap("#sale-void")
    page.wait_for_selector("#refund-void-lead")
    page.locator("#refund-reason").select_option("salah_input")
    k.tap("#refund-submit")
    page.wait_for_selector("#refund-result[data-status='DONE']")
    assert page.locator("#approval-dialog").count() == 0, "a supervisor approves their own void"
    assert page.locator("#refund-title").inner_text() == "Penjualan Di-void"
    status, seen, _ = http.get(f"/api/sales/{sale['order_id']}", auth=cashier_auth)
    assert seen["status"] == "VOIDED" and seen["refunds"][0]["approved_by"] is None


def qris_sale(http, auth, sim: Kiosk, items) -> dict:
    """A QRIS sale rung up through the API and paid from the shopper's phone (the simulator)."""
    status, order, _ = http.post("/api/sales", {"items": items}, auth=auth, headers={"Idempotency-Key": str(uuid.uuid4())})
    assert status == 201, order
    sim.sim_pay(f"{order['order_id']}-{order['attempt']}", issuer="gopay")
    deadline = time.monotonic() + 15
    while True:
        status, seen, _ = http.post(f"/api/sales/{order['order_id']}/status", auth=auth)
        if seen["status"] == "COMPLETED":
            return seen
        assert time.monotonic() < deadline, seen
        time.sleep(0.3)


def refund_mode(stack, order, mode: str) -> None:
    status, body = post_json(f"{stack.state['gateway_simulator_url']}/sim/transactions/{order['order_id']}-{order['attempt']}/refund_mode",
                             {"mode": mode})
    assert status == 200, body


def test_a_qris_refund_pending_at_the_gateway_and_one_it_refuses(kiosk, stack, http, cashier_auth, supervisor):
    k, page = kiosk, kiosk.page
    kopi = product(stack, "KOPI-250")
    pending = qris_sale(http, cashier_auth, k, [{"sku": "KOPI-250", "qty": 2}])
    refused = qris_sale(http, cashier_auth, k, [{"sku": "KOPI-250", "qty": 1}])
    refund_mode(stack, pending, "pending")
    refund_mode(stack, refused, "not_supported")
    k.login(supervisor["staff_id"], supervisor["pin"])  # a supervisor approves their own refunds

    # Pending at the gateway: "Cek status" asks again; the gateway's word finishes it.
    open_sale_from_history(k, pending["order_no"])
    k.tap("#sale-refund")
    page.wait_for_selector("#refund-lines")
    assert page.locator("[data-tender='QRIS']").get_attribute("aria-pressed") == "true"
    k.tap(f".refund-line[data-sku='{kopi['sku']}'] .refund-more")
    page.locator("#refund-reason").select_option("pelanggan_batal")
    k.tap("#refund-submit")
    page.wait_for_selector("#refund-result[data-status='PENDING']")
    assert page.locator("#refund-title").inner_text() == "Pengembalian Diproses"
    assert page.locator("#refund-result-status").inner_text() == "Diproses gateway"
    k.shot("screen-refund-pending")
    k.tap("#refund-check")
    page.locator("#refund-result-error", has_text="Masih diproses gateway").wait_for()
    status, body, _ = http.get(f"/api/sales/{pending['order_id']}/refunds", auth=cashier_auth)
    refund_id = body["refunds"][0]["refund_id"]
    status, answer = post_json(f"{stack.state['gateway_simulator_url']}/sim/refunds/{refund_id}/succeed", {})
    assert status == 200, answer
    deadline = time.monotonic() + 15
    while http.get(f"/api/sales/{pending['order_id']}/refunds", auth=cashier_auth)[1]["refunds"][0]["status"] != "DONE":
        assert time.monotonic() < deadline, "the gateway's notification never finished the refund"
        time.sleep(0.3)
    k.tap("#refund-check")
    page.wait_for_selector("#refund-result[data-status='DONE']")
    assert page.locator("#refund-result-help").inner_text() == \
        "Dana kembali ke e-wallet atau rekening pembayar lewat gateway."

    # Refused by the gateway: the reason, and the same lines paid back in cash instead.
    k.tap("#refund-to-sale")
    page.wait_for_selector("#sale-back")
    k.tap("#sale-back")
    page.wait_for_selector("body[data-screen='history']")
    page.locator("#history-search").fill(refused["order_no"])
    row = page.locator(f".history-row[data-order='{refused['order_id']}'] .history-card")
    row.wait_for()
    row.tap()
    page.wait_for_selector("#sale-refund")
    k.tap("#sale-refund")
    page.wait_for_selector("#refund-lines")
    k.tap(f".refund-line[data-sku='{kopi['sku']}'] .refund-more")
    page.locator("#refund-reason").select_option("barang_rusak")
    k.tap("#refund-submit")
    page.wait_for_selector("#refund-result[data-status='FAILED']")
    assert page.locator("#refund-title").inner_text() == "Pengembalian Gagal"
    assert page.locator("#refund-result-reason").inner_text()
    k.shot("screen-refund-failed")
    k.tap("#refund-as-cash")
    page.wait_for_selector("#refund-lines")
    assert page.locator("[data-tender='CASH']").get_attribute("aria-pressed") == "true"
    assert page.locator(f".refund-line[data-sku='{kopi['sku']}'] .qty-value").inner_text() == "1", "the same lines"
    k.tap("#refund-submit")
    page.wait_for_selector("#refund-result[data-status='DONE']")
    assert page.locator("#refund-result-tender").inner_text() == "Tunai"
    status, seen, _ = http.get(f"/api/sales/{refused['order_id']}", auth=cashier_auth)
    assert [(r["status"], r["tender"]) for r in seen["refunds"]] == [("FAILED", "QRIS"), ("DONE", "CASH")]


def test_a_returned_parcel_in_the_decisions_is_refunded_or_closed_never_completed_again(browser, stack, http, admin_auth):
    """The courier's RETURNED (integration-tested in tests/integration/shipping/test_returns.py) is driven
    here by the server's answers for such an order: a sale already, so no "Selesaikan"."""
    order = {"order_id": "o_returned_ui", "order_no": "0812-RTRN1", "kind": "BOOK_ORDER", "status": "COMPLETED",
             "status_label": "Selesai", "total": 36_000, "paid_amount": 36_000, "refunded_amount": 0, "refunded_qty": {},
             "items": [{"sku": "TEH-350", "name": "Teh Melati Dingin 350 ml", "qty": 2}],
             "payment": {"method": "BANK_TRANSFER", "issuer": None, "paid_at": int(time.time())},
             "reasons": [{"code": "parcel_returned", "label": "Paket diretur kurir"}]}
    closed = []

    def decisions(route):
        route.fulfill(status=200, content_type="application/json", body=json.dumps({"orders": [] if closed else [order]}))

    def close(route):
        closed.append(json.loads(route.request.post_data))
        route.fulfill(status=200, content_type="application/json", body=json.dumps({"order_id": order["order_id"], "closed": True}))

    ctx = new_context(browser)
    page = ctx.new_page()
    page.route("**/api/sales/decisions", decisions)
    page.route(f"**/api/sales/{order['order_id']}/returns/close", close)
    try:
        admin = next(s for s in stack.state["staff"] if s["role"] == "admin")
        sign_in(page, stack, http, admin_auth, admin["staff_id"], admin["pin"], "/backoffice/#keputusan")
        wait_section(page, "keputusan")
        card = page.locator(f".decision[data-order='{order['order_id']}']")
        card.wait_for()
        assert card.locator(".decision-reasons li").inner_text().startswith("Paket diretur kurir")
        assert not card.get_by_role("button", name="Selesaikan").count()
        card.get_by_role("button", name="Kembalikan dana").click()
        assert card.locator("select[id^='refund-reason']").input_value() == "retur_kurir"
        assert card.locator("select[id^='refund-tender']").input_value() == "BANK_TRANSFER"
        assert card.locator("input[id^='refund-ref']").is_visible(), "a transfer back needs its reference"
        assert "Semua barangnya kembali ke stok." in card.locator(".refund-question").inner_text()
        card.get_by_role("button", name="Batal").click()
        card.get_by_role("button", name="Tutup tanpa refund").click()
        close_button = card.get_by_role("button", name="Tutup", exact=True)
        assert close_button.is_disabled(), "closing needs a reason"
        card.locator("input[id^='close-note']").fill("Dikirim ulang dengan kurir lain")
        assert touch_target_problems(page) == []
        page.screenshot(path=str(ARTIFACTS / "backoffice-decision-returned-close.png"), full_page=True)
        close_button.click()
        card.wait_for(state="detached")
        page.locator("#toast", has_text="Pesanan 0812-RTRN1 ditutup tanpa refund.").wait_for()
        assert closed == [{"note": "Dikirim ulang dengan kurir lain"}]
    finally:
        ctx.close()
