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
