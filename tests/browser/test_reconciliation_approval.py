"""Mutasi Bank on a back-office tablet when money needs two people (issue 15, part 4): a CS person's
own upload that does not continue the account's stored balance shows why on the import list and on
the proposal; Konfirmasi asks for an admin's PIN in a dialog (pick the admin, type the PIN), a wrong
PIN is told inside the dialog, the right one confirms and the audit trail names the admin."""
from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone

from tests.browser.backoffice import sign_in, staff_of, wait_section
from tests.browser.conftest import ARTIFACTS
from tests.helpers import wait_until
from tests.integration.reconciliation.conftest import bca_csv, post_form, transfer

WIB = timezone(timedelta(hours=7))


def _upload(http, auth, content: bytes) -> dict:
    status, ticket, _ = http.post("/api/reconciliation/uploads", {"filename": "mutasi.csv"}, auth=auth,
                                  headers={"Idempotency-Key": str(uuid.uuid4())})
    assert status == 201, ticket
    assert post_form(ticket["upload"]["url"], ticket["upload"]["fields"], "mutasi.csv", content) == 204

    def imported():
        _, body, _ = http.get("/api/reconciliation/statements", auth=auth)
        mine = [s for s in body["statements"] if s["object_key"] == ticket["key"]]
        return mine[0] if mine and mine[0]["status"] != "PROCESSING" else None

    return wait_until(imported, timeout=30, step=0.3, what="the statement's import")


def test_the_uploader_confirms_with_an_admins_pin_and_sees_why(page, stack, http, admin_auth):
    today = datetime.now(WIB)
    yesterday = today - timedelta(days=1)
    account = "1234567890"  # the demo store's receiving account
    # The bank's export of yesterday, uploaded by the admin: the account's balance ends at Rp2.490.000.
    genuine = _upload(http, admin_auth, bca_csv([(f"{yesterday:%d/%m/%Y}", "BIAYA ADM", 10_000, "DB")],
                                                account=account, opening=2_500_000))
    assert genuine["status"] == "IMPORTED", genuine

    person = staff_of(stack, "cs")
    cs = http.login_as(stack.state, "cs")
    batik = next(p for p in stack.state["products"] if p["sku"] == "BATIK-M")
    status, order, _ = http.post("/api/book-orders", {
        "items": [{"sku": batik["sku"], "qty": 6}], "customer_name": "Wulan Sari", "phone": "0812-5555-0199",
        "address": "Jl. Melati No. 5, Bandung 40115", "shipping_fee": 12_000, "channel": "whatsapp"},
        auth=cs, headers={"Idempotency-Key": str(uuid.uuid4())})
    assert status == 201 and order["total"] > 1_000_000, order
    # Her own file of today: it adds up, but starts from Rp2.500.000 again.
    forged = _upload(http, cs, bca_csv([(f"{today:%d/%m/%Y}", transfer("WULAN SARI", order["total"]), order["total"], "CR")],
                                       account=account, opening=2_500_000))
    assert forged["status"] == "NEEDS_REVIEW" and forged["balance_check"]["status"] == "discontinuous", forged

    sign_in(page, stack, http, admin_auth, person["staff_id"], person["pin"], "/reconciliation/")
    wait_section(page, "mutasi")
    card = page.locator("#statements .card", has_text="Perlu diperiksa").first
    card.wait_for()
    assert f"tidak menyambung dengan saldo akhir {yesterday:%d/%m/%Y} yang tersimpan (Rp2.490.000)" in card.inner_text()

    page.get_by_role("tab", name="Usulan Cocok").click()
    proposal = page.locator("#proposed-lines .card", has_text=order["order_no"])
    proposal.wait_for()
    assert "Perlu PIN admin:" in proposal.inner_text() and "tidak menyambung" in proposal.inner_text()
    proposal.get_by_role("button", name="Konfirmasi").click()

    dialog = page.get_by_role("dialog", name="Perlu persetujuan admin")
    dialog.wait_for()
    text = dialog.inner_text()
    assert "Anda unggah sendiri" in text and "di atas batas Rp1.000.000" in text and "admin lain" in text
    page.wait_for_selector("#approval-admin option[value='u_admin']", state="attached")
    assert [o.inner_text() for o in page.query_selector_all("#approval-admin option")] == ["Rina Admin"]
    page.fill("#approval-pin", "000000")
    dialog.get_by_role("button", name="Setujui").click()
    dialog.locator(".form-error", has_text="PIN admin salah").wait_for()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "reconciliation-approval-dialog.png"))
    _, still, _ = http.get(f"/api/book-orders/{order['order_id']}", auth=cs)
    assert still["status"] == "BOOKED", "a wrong PIN changes nothing"

    page.fill("#approval-pin", "135790")
    dialog.get_by_role("button", name="Setujui").click()
    dialog.wait_for(state="detached")
    page.locator("#toast", has_text="Dikonfirmasi").wait_for()
    proposal.wait_for(state="detached")
    _, paid, _ = http.get(f"/api/book-orders/{order['order_id']}", auth=cs)
    assert paid["status"] == "PAID"
    assert page.inner_text("#staff-name").startswith(person["name"]), "still signed in as the CS person"

    page.get_by_role("tab", name="Riwayat").click()
    page.locator("td", has_text="Disetujui admin").first.wait_for()
    body = page.inner_text("main")
    assert "disetujui Rina Admin" in body and "untuk Dewi CS" in body and "PIN admin salah" in body
    assert "Saldo tidak menyambung" in body
