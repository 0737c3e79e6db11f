"""Payments that wait for a person (issue 14): a QR paid with another amount than the order's shows
the kiosk's review panel (never success, never "Coba lagi"); the back office lists it under
Keputusan Pembayaran with why and what came in; cashiers see the list without the button, an admin
completes it (after a confirm) and it leaves the list, and the kiosk then shows the success page. A
completion someone else made first is told beside the list, which reloads."""
from __future__ import annotations

import time
import uuid

from tests.browser.backoffice import sign_in, staff_of, wait_section
from tests.browser.conftest import ARTIFACTS, LANDSCAPE, PORTRAIT, new_context, open_kiosk
from tests.browser.kiosk import Kiosk, touch_target_problems
from tests.browser.test_kiosk_sale import product, rupiah

REVIEW_HELP = "Jangan serahkan barang dulu. Minta admin memeriksa pesanan {} di back office, bagian Keputusan Pembayaran."


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def both_viewports(page, name: str, must_show: str) -> None:
    """Screenshots at 1280x800 and 800x1280: nothing spills sideways, `must_show` is on screen unscrolled."""
    for label, size in (("landscape", LANDSCAPE), ("portrait", PORTRAIT)):
        page.set_viewport_size(size)
        page.wait_for_timeout(100)
        shot(page, f"{name}-{label}")
        assert page.evaluate("document.documentElement.scrollWidth") <= size["width"], (name, label)
        box = page.locator(must_show).first.bounding_box()
        assert box and box["y"] + box["height"] <= size["height"], f"{name} ({label}): {must_show} is below the fold"
    page.set_viewport_size(LANDSCAPE)


def back_office(browser, stack, http, admin_auth, role: str):
    """A back-office tablet of its own, signed in as the demo person with `role`, at Keputusan Pembayaran."""
    ctx = new_context(browser)
    page = ctx.new_page()
    person = staff_of(stack, role)
    sign_in(page, stack, http, admin_auth, person["staff_id"], person["pin"], "/backoffice/#keputusan")
    wait_section(page, "keputusan")
    page.wait_for_selector("#decisions .decision, #decisions-empty")
    return ctx, page


def review_order_by_api(http, cashier_auth, sim, sku: str) -> dict:
    """A sale rung up through the API whose QR the shopper's app pays with Rp1: NEEDS_REVIEW."""
    status, order, _ = http.post("/api/sales", {"items": [{"sku": sku, "qty": 1}]}, auth=cashier_auth,
                                 headers={"Idempotency-Key": str(uuid.uuid4())})
    assert status in (200, 201), order
    sim.sim_pay(f"{order['order_id']}-{order['attempt']}", amount=1)
    deadline = time.monotonic() + 15
    while True:
        status, seen, _ = http.post(f"/api/sales/{order['order_id']}/status", auth=cashier_auth)
        if seen["status"] == "NEEDS_REVIEW":
            return seen
        assert time.monotonic() < deadline, seen
        time.sleep(0.3)


def test_a_qr_paid_with_another_amount_is_checked_by_an_admin_and_then_completes(browser, stack, kiosk_device, http,
                                                                               admin_auth):
    madu = product(stack, "MADU-250")
    ctx, k = open_kiosk(browser, stack, kiosk_device)
    page = k.page
    cashier_bo = admin_bo = None
    try:
        k.open()
        page.wait_for_selector(".staff-button")
        k.login()
        k.quick_sale_to_qr([madu["barcode"]])
        order = k.order()
        k.sim_pay(f"{order['order_id']}-{order['attempt']}", amount=1)  # the payer's app sent Rp1
        k.wait_result("NEEDS_REVIEW")  # the kiosk's own polling brings it, no tap needed

        # The kiosk: a review panel, not a failure and not a success; the goods stay at the counter.
        panel = page.locator(".result-panel.review")
        assert page.locator("#result-title").inner_text() == "Pembayaran Perlu Dicek"
        assert page.locator("#result-reason").inner_text() == "Uang yang diterima tidak sama dengan total pesanan."
        assert page.locator("#result-total").inner_text() == rupiah(madu["price"])
        page.wait_for_selector("#result-received:text-is('Rp1')")  # from the list of decisions
        assert page.locator("#result-order-no").inner_text() == order["order_no"]
        assert page.locator("#result-help").inner_text() == REVIEW_HELP.format(order["order_no"])
        assert not page.locator("#retry, #reprint, #result-cash, .result-panel.success, .result-panel.failed").count()
        assert "Berhasil" not in panel.inner_text()
        assert touch_target_problems(page) == []
        both_viewports(page, "screen-needs-review", "#new-sale")

        # A cashier in the back office sees it, with no way to complete it.
        cashier_ctx, cashier_bo = back_office(browser, stack, http, admin_auth, "cashier")
        card = cashier_bo.locator(f".decision[data-order='{order['order_id']}']")
        card.wait_for()
        assert cashier_bo.locator("#decisions-admin-only").inner_text() == \
            "Hanya admin yang bisa menyelesaikan pesanan di sini. Minta admin memeriksanya."
        assert not card.get_by_role("button", name="Selesaikan").count()
        assert "Jumlah yang diterima tidak sama dengan total pesanan." in card.inner_text()
        both_viewports(cashier_bo, "backoffice-decisions-cashier", f".decision[data-order='{order['order_id']}']")

        # An admin sees what came in against the order, and why it waits.
        admin_ctx, admin_bo = back_office(browser, stack, http, admin_auth, "admin")
        card = admin_bo.locator(f".decision[data-order='{order['order_id']}']")
        card.wait_for()
        assert admin_bo.locator("#decisions-admin-only").count() == 0
        assert card.locator("h3").inner_text() == order["order_no"]
        assert card.locator(".badge").inner_text() == "Perlu dicek"
        assert card.locator(".decision-total").inner_text() == rupiah(madu["price"])
        assert card.locator(".decision-received").inner_text() == "Rp1"
        assert card.locator(".decision-difference").inner_text() == "-" + rupiah(madu["price"] - 1)
        assert card.locator(".decision-method").inner_text() == "QRIS · GOPAY"
        assert card.locator(".decision-paid-at").inner_text().endswith("WIB")
        assert [r.inner_text() for r in card.locator(".decision-reasons li").all()] == [
            "Jumlah yang diterima tidak sama dengan total pesanan."]
        assert touch_target_problems(admin_bo) == []
        both_viewports(admin_bo, "backoffice-decisions-admin", f".decision[data-order='{order['order_id']}'] button")

        # "Selesaikan" asks first; dismissed, nothing happens.
        asked = []
        admin_bo.once("dialog", lambda d: (asked.append(d.message), d.dismiss()))
        card.get_by_role("button", name="Selesaikan").click()
        admin_bo.wait_for_timeout(300)
        assert asked and order["order_no"] in asked[0] and "Rp1" in asked[0] and rupiah(madu["price"]) in asked[0]
        assert card.is_visible()
        admin_bo.once("dialog", lambda d: d.accept())
        card.get_by_role("button", name="Selesaikan").click()
        card.wait_for(state="detached")  # decided: off the list
        admin_bo.locator("#toast", has_text=f"Pesanan {order['order_no']} diselesaikan.").wait_for()
        shot(admin_bo, "backoffice-decisions-completed")

        # The cashier's list drops it on "Muat ulang".
        cashier_bo.get_by_role("button", name="Muat ulang").click()
        cashier_bo.locator(f".decision[data-order='{order['order_id']}']").wait_for(state="detached")

        # The kiosk, still on the review panel, turns into the success page once the admin completed it.
        k.wait_result("COMPLETED", timeout=25000)
        assert page.locator("#result-title").inner_text() == "Pembayaran Berhasil"
        k.shot("screen-needs-review-completed")
        cashier_ctx.close()
        admin_ctx.close()
    finally:
        ctx.close()


def test_a_completion_made_elsewhere_first_is_told_beside_the_list(browser, stack, kiosk_device, http, admin_auth,
                                                                    cashier_auth):
    ctx, admin_bo = back_office(browser, stack, http, admin_auth, "admin")
    try:
        admin_bo.locator("#decisions-empty").wait_for()
        assert admin_bo.inner_text("#decisions-empty") == "Tidak ada pembayaran yang menunggu keputusan."
        shot(admin_bo, "backoffice-decisions-empty")

        sim = Kiosk(admin_bo, stack)  # the simulator's controls (the shopper's phone); no kiosk page
        order = review_order_by_api(http, cashier_auth, sim, "TEH-350")
        admin_bo.get_by_role("button", name="Muat ulang").click()
        card = admin_bo.locator(f".decision[data-order='{order['order_id']}']")
        card.wait_for()

        # Another admin completes it on another device while this list still shows it.
        status, done, _ = http.post(f"/api/sales/{order['order_id']}/complete-late", auth=admin_auth)
        assert status == 200 and done["status"] == "COMPLETED", done
        admin_bo.once("dialog", lambda d: d.accept())
        card.get_by_role("button", name="Selesaikan").click()
        error = admin_bo.locator(".view[data-section='keputusan'] .form-error")
        error.filter(has_text=order["order_no"]).wait_for()
        assert error.inner_text() == (f"Pesanan {order['order_no']} sudah tidak menunggu keputusan (mungkin sudah "
                                      "diselesaikan di perangkat lain). Daftar dimuat ulang.")
        card.wait_for(state="detached")  # the list was reloaded
        admin_bo.locator("#decisions-empty").wait_for()
        shot(admin_bo, "backoffice-decisions-conflict")
        admin_bo.wait_for_timeout(4500)  # longer than a toast: the error stays until a completion works
        assert error.inner_text().startswith(f"Pesanan {order['order_no']}")

        # English: the section, the reasons and the button in the other language.
        order = review_order_by_api(http, cashier_auth, sim, "KOPI-250")
        admin_bo.click("#lang-button")
        admin_bo.get_by_role("heading", name="Payment decisions").wait_for()
        card = admin_bo.locator(f".decision[data-order='{order['order_id']}']")
        card.wait_for()
        assert card.locator(".decision-reasons li").inner_text() == "The amount received differs from the order total."
        assert card.locator(".badge").inner_text() == "Needs checking"
        shot(admin_bo, "backoffice-decisions-en")
        admin_bo.once("dialog", lambda d: d.accept())
        card.get_by_role("button", name="Complete").click()
        card.wait_for(state="detached")
        assert error.inner_text() == ""  # a completion that worked clears the old error
        admin_bo.click("#lang-button")
        admin_bo.get_by_role("heading", name="Keputusan Pembayaran").wait_for()
    finally:
        ctx.close()


def test_the_late_panel_sends_the_cashier_to_the_same_back_office_section(kiosk, stack, http, cashier_auth):
    """PAID_LATE needs a payment the gateway confirms after our own expiry, which the browser suite's
    real-time stack cannot wait for (tests/integration covers it); the panel is driven here by the
    server's answer for that state."""
    import json

    k, page = kiosk, kiosk.page
    k.login()
    k.quick_sale_to_qr([product(stack, "GULA-1")["barcode"]])
    order = k.order()
    late = {**order, "status": "PAID_LATE", "status_label": "Dibayar terlambat", "flags": ["late_payment"],
            "qr_string": None, "expires_at": None}

    def answer_late(route):
        route.fulfill(status=200, content_type="application/json", body=json.dumps(late))

    page.route(f"**/api/sales/{order['order_id']}/status", answer_late)
    page.route(f"**/api/sales/{order['order_id']}", answer_late)
    try:
        k.check_until("PAID_LATE")
        assert page.locator("#result-title").inner_text() == "Pembayaran Diterima Terlambat"
        help_text = page.locator("#result-help").inner_text()
        assert f"Pesanan {order['order_no']} ditandai untuk admin" in help_text
        assert "jangan serahkan barang dulu" in help_text and "bagian Keputusan Pembayaran" in help_text
        assert not page.locator("#retry, #reprint").count()
        assert touch_target_problems(page) == []
        k.shot("screen-paid-late")
        both_viewports(page, "screen-paid-late", "#new-sale")
    finally:
        page.unroute(f"**/api/sales/{order['order_id']}/status")
        page.unroute(f"**/api/sales/{order['order_id']}")
        status, body, _ = http.post(f"/api/sales/{order['order_id']}/cancel", auth=cashier_auth)
        assert status == 200 and body["status"] == "CANCELLED", body
