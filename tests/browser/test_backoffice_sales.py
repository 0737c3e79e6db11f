"""Riwayat Penjualan in the back office, in Chromium (issue 16, items 1, 2 and 6): CS finds a chat
order's sale by its number, opens it (lines, payment, receipts and messages), refunds one unit of it
as a bank transfer with its reference and an admin's PIN, reprints the refund's receipt and sees
the copy with who asked; the kiosk's screens, hosted in the back office's menu."""
from __future__ import annotations

import uuid

from tests.browser.backoffice import sign_in, staff_of, wait_section
from tests.browser.conftest import ARTIFACTS
from tests.browser.kiosk import post_json
from tests.browser.test_kiosk_sale import product, rupiah
from tests.helpers import wait_until


def paid_book_order(stack, http, cs_auth, sku: str, qty: int) -> dict:
    """A chat order booked by CS and paid with the QR CS sends (the shopper's app pays it in the simulator)."""
    phone = "0812-7777-" + str(uuid.uuid4().int % 10_000).zfill(4)
    status, booked, _ = http.post("/api/book-orders", {
        "items": [{"sku": sku, "qty": qty}], "customer_name": "Rani Lestari", "phone": phone,
        "address": "Jl. Cempaka No. 7, Bandung 40115", "shipping_fee": 15_000, "channel": "whatsapp"},
        auth=cs_auth, headers={"Idempotency-Key": str(uuid.uuid4())})
    assert status == 201, booked
    status, paying, _ = http.post(f"/api/sales/{booked['order_id']}/book-order/pay-qris", auth=cs_auth)
    assert status == 200 and paying["qr_string"], paying
    status, body = post_json(stack.state["gateway_simulator_url"] + "/sim/scan",
                             {"qr_string": paying["qr_string"], "action": "pay", "issuer": "dana"})
    assert status == 200, body

    def completed():
        _, sale, _ = http.get(f"/api/sales/{booked['order_id']}", auth=cs_auth)
        return sale if sale["status"] == "COMPLETED" else None

    return dict(wait_until(completed, timeout=30, step=0.3, what="the book order's sale"), phone=phone)


def test_cs_refunds_a_chat_sale_as_a_bank_transfer_from_the_back_offices_history(page, stack, http, admin_auth):
    batik = product(stack, "BATIK-M")
    person = staff_of(stack, "cs")
    admin = staff_of(stack, "admin")
    cs_auth = http.login_as(stack.state, "cs")
    sale = paid_book_order(stack, http, cs_auth, batik["sku"], 2)

    sign_in(page, stack, http, admin_auth, person["staff_id"], person["pin"], "/backoffice/#penjualan")
    wait_section(page, "penjualan")
    assert page.locator("#tabs .tab[aria-current='page']").inner_text() == "Riwayat Penjualan"
    assert not page.locator("#history-back").count(), "the menu is the way out of the history here"
    page.fill("#history-search", sale["order_no"])
    row = page.locator(".history-row", has_text=sale["order_no"])
    row.wait_for()
    assert "QRIS · DANA" in row.inner_text()
    row.locator(".history-card").click()
    page.wait_for_selector("#sale-lines")
    assert page.locator("#sale-title").inner_text() == f"Pesanan {sale['order_no']}"
    assert page.locator("#sale-total").inner_text() == rupiah(sale["total"])
    assert page.locator("#sale-shipping").inner_text() == rupiah(15_000), "a chat order's total shows its shipping fee"
    activity = page.locator("#sale-activity")
    activity.locator("#activity-messages").wait_for()
    masked = f"0812-****-{sale['phone'][-4:]}"
    assert f"Instruksi pembayaran ke {masked}" in activity.inner_text()
    page.screenshot(path=str(ARTIFACTS / "backoffice-sale-detail.png"), full_page=True)

    # Refund one of the two: back by bank transfer (the chat customer's account), with its reference.
    page.click("#sale-refund")
    page.wait_for_selector("#refund-lines")
    page.click(f".refund-line[data-sku='{batik['sku']}'] .refund-more")
    page.locator("#refund-reason").select_option("pelanggan_batal")
    page.click("[data-tender='BANK_TRANSFER']")
    assert page.locator("#refund-submit").is_disabled(), "a transfer needs its reference"
    page.fill("#refund-transfer-ref", "BCA 0712-99812")
    page.click("#refund-submit")
    dialog = page.locator("#approval-dialog")
    dialog.wait_for()
    page.click(f"#approval-dialog .staff-button[data-approver-id='{admin['staff_id']}']")
    for digit in admin["pin"]:
        page.click(f"#approval-dialog .keypad .key[data-key='{digit}']")
    page.wait_for_selector("#refund-result[data-status='DONE']")
    assert page.locator("#refund-result-tender").inner_text() == "Transfer bank"
    assert page.locator("#refund-result-approver").inner_text() == admin["name"]
    amount = page.locator("#refund-result-amount").inner_text()
    assert amount.startswith("Rp") and amount != rupiah(0)

    page.click("#refund-to-sale")
    page.wait_for_selector("#refund-list")
    refund = page.locator(".refund-item").first
    assert "Transfer bank (BCA 0712-99812)" in refund.inner_text() and "Selesai" in refund.inner_text()
    refund_no = refund.locator(".refund-no").inner_text()
    receipts = page.locator("#activity-receipts")
    receipts.get_by_text(f"Struk pengembalian {refund_no}", exact=True).wait_for()
    assert f"Pemberitahuan pengembalian {refund_no} ke {masked}" in page.locator("#activity-messages").inner_text()

    refund.locator(".refund-reprint").click()
    copy = receipts.locator(".activity-item", has_text=f"Struk pengembalian {refund_no} · SALINAN ke-1")
    copy.wait_for()
    assert f"diminta {person['name']}" in copy.inner_text()
    page.screenshot(path=str(ARTIFACTS / "backoffice-sale-refunded.png"), full_page=True)

    _, opened, _ = http.get(f"/api/sales/{sale['order_id']}", auth=cs_auth)
    assert opened["refunded_qty"] == {batik["sku"]: 1} and opened["refunds"][0]["transfer_ref"] == "BCA 0712-99812"
