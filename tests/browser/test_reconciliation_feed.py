"""Mutasi Bank's Rekening Bank view, in Chromium, on the local stack whose demo account is connected
to the SNAP BI bank simulator (its own process): the account shows connected with its last and next
fetch; a credit posted at the bank is fetched ("Ambil mutasi sekarang", or the schedule first) and
proposed for its book order; a bank answering garbage shows the error in words; an admin sees the
connection without its secrets and can test it; another account shows it is uploaded by hand."""
from __future__ import annotations

import json
import time
import urllib.request
import uuid

from tests.browser.backoffice import sign_in, staff_of, wait_section
from tests.browser.conftest import ARTIFACTS

ACCOUNT = "1234567890"


def _sim(stack, path: str, body=None):
    request = urllib.request.Request(stack.state["snap_simulator_url"] + path, method="POST" if body is not None else "GET",
                                     data=json.dumps(body).encode() if body is not None else None,
                                     headers={"Content-Type": "application/json"})
    with urllib.request.build_opener(urllib.request.ProxyHandler({})).open(request, timeout=10) as r:
        return json.loads(r.read())


def press_fetch(card) -> None:
    """ "Ambil mutasi sekarang"; pressed within 5 s of the schedule's own fetch it is refused with a wait
    (429, said in the card), so press again after it."""
    card.locator("[data-action='fetch']").click()
    time.sleep(1.5)
    if "baru saja diambil" in card.inner_text():
        time.sleep(5)
        card.locator("[data-action='fetch']").click()


def test_cs_sees_the_bank_feed_fetches_now_and_reads_the_error_in_words(page, stack, http, admin_auth):
    cs = http.login_as(stack.state, "cs")
    status, order, _ = http.post("/api/book-orders", {
        "items": [{"sku": "KOPI-250", "qty": 1}], "customer_name": "Feed Tester", "phone": "0812-5555-0177",
        "address": "Jl. Melati No. 5, Bandung 40115", "shipping_fee": 12_000, "channel": "whatsapp"},
        auth=cs, headers={"Idempotency-Key": str(uuid.uuid4())})
    assert status == 201, order
    tag = uuid.uuid4().hex[:6].upper()
    _sim(stack, f"/sim/accounts/{ACCOUNT}/transactions",
         {"type": "CREDIT", "amount": order["total"], "remark": f"TRSF E-BANKING CR 0000/FTSCY/WS95031 FEED {tag}"})

    person = staff_of(stack, "cs")
    sign_in(page, stack, http, admin_auth, person["staff_id"], person["pin"], "/reconciliation/#rekening")
    wait_section(page, "mutasi")
    card = page.locator(f"#bank-feeds .card[data-account='{ACCOUNT}']")
    card.wait_for()
    assert "Tersambung SNAP BI" in card.inner_text() and "Berikutnya:" in card.inner_text()
    assert card.locator("[data-action='test']").count() == 0, "testing and connecting are for admins"
    press_fetch(card)

    def proposed() -> bool:
        _, review, _ = http.get("/api/reconciliation/review?queue=proposed", auth=cs)
        return any(order["order_id"] in json.dumps(line) for line in review["lines"])

    deadline = time.monotonic() + 45  # "Ambil" now, or the 30 s schedule got there first
    while not proposed():
        assert time.monotonic() < deadline, "the credit posted at the bank was never proposed for its order"
        time.sleep(1)
    card.locator(".feed-last", has_text="baris mutasi").wait_for(timeout=15_000)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "reconciliation-feed.png"), full_page=True)

    # The bank answers garbage: the fetch fails, says why in words, and nothing is half-imported.
    _sim(stack, "/sim/config", {"fail_next": ["garbage"] * 30})
    try:
        press_fetch(card)
        card.locator(".feed-error", has_text="Jawaban bank tidak dikenali").wait_for(timeout=30_000)
        assert "gagal" in card.locator(".feed-last").inner_text()
    finally:
        _sim(stack, "/sim/config", {"fail_next": []})

    # An admin: the connection without its secrets, and a test that reaches the bank.
    _, view, _ = http.get(f"/api/bank-accounts/{ACCOUNT}/snap", auth=cs)
    assert view["client_secret"] == "tersimpan" and "PRIVATE" not in json.dumps(view)
    _, test, _ = http.post(f"/api/bank-accounts/{ACCOUNT}/snap/test", auth=admin_auth)
    assert test["ok"] and isinstance(test["balance"], int), test


def test_an_admin_changes_the_interval_without_the_secrets_tests_it_and_reads_it_in_english(page, stack, http, admin_auth):
    person = staff_of(stack, "admin")
    sign_in(page, stack, http, admin_auth, person["staff_id"], person["pin"], "/reconciliation/#rekening")
    wait_section(page, "mutasi")
    card = page.locator(f"#bank-feeds .card[data-account='{ACCOUNT}']")
    card.wait_for()
    try:
        card.locator("summary", has_text="Ubah koneksi").click()
        form = card.locator("form.feed-form")
        assert form.locator("[name=client_secret]").input_value() == "", "a secret is never shown again"
        assert "tersimpan" in form.locator("[name=client_secret]").get_attribute("placeholder")
        form.locator("[name=interval_seconds]").fill("45")
        form.locator("button[type=submit]").click()
        page.locator("#toast", has_text="Koneksi SNAP BI tersimpan").wait_for()
        card.locator(".feed-next", has_text="setiap 45 detik").wait_for()
        _, view, _ = http.get(f"/api/bank-accounts/{ACCOUNT}/snap", auth=admin_auth)
        assert view["interval_seconds"] == 45 and view["client_secret"] == "tersimpan"

        card.locator("[data-action='test']").click()
        page.locator("#toast", has_text="Koneksi berhasil. Saldo: Rp").wait_for()

        page.click("#lang-button")
        page.get_by_role("tab", name="Bank Accounts").wait_for()
        card.locator("[data-action='fetch']", has_text="Fetch statement now").wait_for()
        assert "every 45 s" in card.inner_text()
        page.click("#lang-button")
    finally:
        status, _, _ = http.call("PUT", f"/api/bank-accounts/{ACCOUNT}/snap", {**view_without_secrets(http, admin_auth),
                                                                              "interval_seconds": 30}, auth=admin_auth)
        assert status == 200


def view_without_secrets(http, auth) -> dict:
    _, view, _ = http.get(f"/api/bank-accounts/{ACCOUNT}/snap", auth=auth)
    return {name: view[name] for name in ("base_url", "partner_id", "client_key", "channel_id")}
