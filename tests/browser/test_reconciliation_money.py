"""Every transfer accounted for, in Chromium (issue 17, item 1): CS sets aside a deposit that pays no
order ("Bukan penjualan") and gives back a transfer nobody ordered for, with its reference, from the
review list; "Uang & Pengembalian" shows the day's money check balanced, the row set aside (and
takes it back), and the refund with its reference."""
from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone

from tests.browser.backoffice import sign_in, staff_of, wait_section
from tests.browser.conftest import ARTIFACTS
from tests.browser.test_reconciliation_approval import _upload
from tests.integration.reconciliation.conftest import bca_csv, transfer

WIB = timezone(timedelta(hours=7))


def test_cs_sets_aside_and_gives_back_and_the_days_money_adds_up(page, stack, http, admin_auth):
    today = datetime.now(WIB)
    tag = uuid.uuid4().hex[:6].upper()
    deposit, stranger = f"SETORAN TUNAI {tag}", f"ORANG LAIN {tag}"
    statement = _upload(http, admin_auth, bca_csv([
        (f"{today:%d/%m/%Y}", deposit, 1_500_000, "CR"),
        (f"{today:%d/%m/%Y}", transfer(stranger, 43_210), 43_210, "CR")], opening=9_000_000))
    assert statement["status"] in ("IMPORTED", "NEEDS_REVIEW"), statement
    person = staff_of(stack, "cs")
    sign_in(page, stack, http, admin_auth, person["staff_id"], person["pin"], "/reconciliation/#cek")
    wait_section(page, "mutasi")

    card = page.locator("#review-lines .card", has_text=deposit)
    card.wait_for()
    card.locator(".aside-open").click()
    card.locator(".aside-reason").select_option("bukan_penjualan")
    card.locator(".aside-save").click()
    page.locator("#toast", has_text="disisihkan").wait_for()
    card.wait_for(state="detached")

    card = page.locator("#review-lines .card", has_text=stranger)
    card.locator(".refund-open").click()
    assert card.locator(".refund-amount").input_value() == "43.210", "what the row holds, by default"
    card.locator(".refund-save").click()
    card.locator(".form-error", has_text="referensi").wait_for()  # no reference: refused, nothing changed
    card.locator(".refund-ref").fill(f"BCA {tag}")
    card.locator(".refund-save").click()
    page.locator("#toast", has_text="Pengembalian Rp43.210 dicatat").wait_for()
    card.wait_for(state="detached")

    page.get_by_role("tab", name="Uang & Pengembalian").click()
    check = page.locator("#money-check")
    check.wait_for()
    assert check.get_attribute("data-balanced") == "true"
    assert "Seimbang" in page.inner_text("#money-balanced")
    aside = page.locator("#aside-lines .card", has_text=deposit)
    aside.wait_for()
    assert "Bukan penjualan" in aside.inner_text() and person["name"] in aside.inner_text()
    given = page.locator("#refunded-lines .card", has_text=stranger)
    assert f"ref BCA {tag}" in given.inner_text()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "reconciliation-money.png"), full_page=True)

    _, money, _ = http.get(f"/api/reconciliation/money?day={today:%Y-%m-%d}", auth=http.login_as(stack.state, "cs"))
    assert money["balanced"] and money["set_aside"] >= 1_500_000 and money["refunded"] >= 43_210

    aside.locator(".aside-undo").click()
    page.locator("#toast", has_text="kembali ke daftar cek").wait_for()
    aside.wait_for(state="detached")

    # The day report shows the same check, with the way to Mutasi Bank.
    page.get_by_role("link", name="Laporan", exact=True).click()
    report = page.locator("#report-money")
    report.wait_for()
    assert "Kredit masuk" in report.inner_text() and "Seimbang" in report.inner_text()


def _continuing_opening(http, auth, day: datetime) -> int:
    """The opening balance a file of ``day`` must have to continue the account's stored balance: a
    small probe file (one bank fee) tells it when the stored chain says otherwise."""
    probe = _upload(http, auth, bca_csv([(f"{day:%d/%m/%Y}", f"BIAYA ADM {uuid.uuid4().hex[:6]}", 1, "DB")],
                                        opening=1_000_000))
    check = probe.get("balance_check") or {}
    return int(check["expected"]) // 100 if check.get("status") == "discontinuous" and check.get("expected") else 1_000_000


def _book(http, cs, name: str, sku: str, qty: int, phone: str) -> dict:
    """A chat order booked by CS through the API."""
    status, order, _ = http.post("/api/book-orders", {
        "items": [{"sku": sku, "qty": qty}], "customer_name": name, "phone": phone,
        "address": "Jl. Mawar No. 1, Bandung 40115", "shipping_fee": 10_000, "channel": "whatsapp"},
        auth=cs, headers={"Idempotency-Key": str(uuid.uuid4())})
    assert status == 201, order
    return order


def test_cs_confirms_every_proposal_and_makes_every_sale_in_one_tap_each(page, stack, http, admin_auth):
    today = datetime.now(WIB)
    cs = http.login_as(stack.state, "cs")
    orders = [_book(http, cs, f"{name} Lestari", "KOPI-250", 1, "0812-5555-0142") for name in ("Ani", "Bayu")]
    opening = _continuing_opening(http, admin_auth, today)
    statement = _upload(http, admin_auth, bca_csv([(f"{today:%d/%m/%Y}", transfer(o["customer"]["name"].upper(), o["total"]),
                                                    o["total"], "CR") for o in orders], opening=opening))
    assert statement["counts"]["proposed"] == 2, statement

    person = staff_of(stack, "cs")
    sign_in(page, stack, http, admin_auth, person["staff_id"], person["pin"], "/reconciliation/#usulan")
    wait_section(page, "mutasi")
    for o in orders:
        page.locator("#proposed-lines .card", has_text=o["order_no"]).wait_for()
    page.click("#confirm-all")
    page.locator("#confirm-all-summary .sum-ok").wait_for()
    assert "usulan dikonfirmasi" in page.inner_text("#confirm-all-summary")
    for o in orders:
        page.locator("#proposed-lines .card", has_text=o["order_no"]).wait_for(state="detached")
        assert http.get(f"/api/book-orders/{o['order_id']}", auth=cs)[1]["status"] == "PAID"

    page.get_by_role("tab", name="Siap Dijual").click()
    page.locator("#paid-orders .card", has_text=orders[0]["order_no"]).wait_for()
    page.click("#make-all-sales")
    page.locator("#make-sales-summary .sum-ok").wait_for()
    assert "dijadikan penjualan" in page.inner_text("#make-sales-summary")
    page.screenshot(path=str(ARTIFACTS / "reconciliation-bulk.png"), full_page=True)
    for o in orders:
        assert http.get(f"/api/sales/{o['order_id']}", auth=cs)[1]["status"] == "COMPLETED"


def test_a_transfer_a_few_rupiah_short_is_accepted_with_one_tap_within_the_stores_tolerance(page, stack, http, admin_auth):
    today = datetime.now(WIB)
    status, _, _ = http.call("PATCH", "/api/store/settings", {"short_payment_tolerance": 100}, auth=admin_auth)
    assert status == 200
    cs = http.login_as(stack.state, "cs")
    order = _book(http, cs, "Citra Dewi", "TEH-350", 2, "0812-5555-0177")
    short = order["total"] - order["unique_code"]  # sent without the kode unik
    opening = _continuing_opening(http, admin_auth, today)
    _upload(http, admin_auth, bca_csv([(f"{today:%d/%m/%Y}", transfer("CITRA DEWI", short), short, "CR")], opening=opening))

    person = staff_of(stack, "cs")
    sign_in(page, stack, http, admin_auth, person["staff_id"], person["pin"], "/reconciliation/#cek")
    wait_section(page, "mutasi")
    card = page.locator("#review-lines .card", has_text="CITRA DEWI")
    button = card.locator(f".suggestion[data-order='{order['order_id']}'] .match-short")
    button.wait_for()
    assert button.inner_text() == f"Cocokkan, terima kurang Rp{order['unique_code']}"
    button.click()
    card.wait_for(state="detached")
    _, paid, _ = http.get(f"/api/book-orders/{order['order_id']}", auth=cs)
    assert paid["status"] == "PAID" and paid["payment"]["method"] == "BANK_TRANSFER"
    http.call("PATCH", "/api/store/settings", {"short_payment_tolerance": 0}, auth=admin_auth)


def test_a_part_paid_book_order_shows_its_money_and_is_cancelled_giving_it_back(page, stack, http, admin_auth):
    today = datetime.now(WIB)
    cs = http.login_as(stack.state, "cs")
    order = _book(http, cs, "Dian Pratama", "KOPI-250", 2, "0812-5555-0188")
    part = order["total"] - 20_000
    opening = _continuing_opening(http, admin_auth, today)
    statement = _upload(http, admin_auth, bca_csv([(f"{today:%d/%m/%Y}", transfer("DIAN PRATAMA", part), part, "CR")],
                                                  opening=opening))
    _, review, _ = http.get("/api/reconciliation/review?queue=review", auth=cs)
    (line,) = [l for l in review["lines"] if l["statement_id"] == statement["statement_id"]]
    status, _, _ = http.post("/api/reconciliation/matches", {"allocations": [
        {"line_id": line["line_id"], "order_id": order["order_id"], "amount": part}]}, auth=cs,
        headers={"Idempotency-Key": str(uuid.uuid4())})
    assert status == 201

    person = staff_of(stack, "cs")
    sign_in(page, stack, http, admin_auth, person["staff_id"], person["pin"], "/backoffice/#pesan")
    wait_section(page, "pesan")
    card = page.locator(f".card[data-order='{order['order_id']}']")
    card.locator(".book-part-paid").wait_for()
    assert card.locator(".book-part-paid").inner_text() == f"Sudah ditransfer Rp{part:,}; kurang Rp20.000.".replace(",", ".")
    page.on("dialog", lambda dialog: dialog.accept())
    card.locator(".book-cancel", has_text="Batalkan & kembalikan dana").click()
    page.locator("#toast", has_text="uangnya menunggu dikembalikan").wait_for()
    _, cancelled, _ = http.get(f"/api/book-orders/{order['order_id']}", auth=cs)
    assert cancelled["status"] == "CANCELLED"
    _, refunds, _ = http.get("/api/reconciliation/review?queue=refund", auth=cs)
    assert line["line_id"] in [l["line_id"] for l in refunds["lines"]]
