"""Drop orders in Chromium (issue 17, item 5): CS types -3 and 2,5 as a quantity and is told beside
the field what is wrong (nothing is sent, nothing reverts); the warehouse hands over fewer than
asked; "Semua terjual" is refused until the CS desk has sold as many, then closes the drop order;
the stock history names the drop order by its number (a link back to it) and people by name."""
from __future__ import annotations

import uuid

from tests.browser.backoffice import enter_pin, sign_in, staff_of, wait_section
from tests.browser.conftest import ARTIFACTS
from tests.helpers import wait_until

SKU = "LILIN-AR"  # no other browser test moves this one


def _drops(http, auth, status: str) -> list[dict]:
    code, body, _ = http.get(f"/api/inventory/drop-orders?status={status}", auth=auth)
    assert code == 200, body
    return [d for d in body["drop_orders"] if any(line["sku"] == SKU for line in d["lines"])]


def _sell_at_the_cs_desk(http, cs_auth, cashier_auth, qty: int) -> None:
    """A chat order for ``qty`` booked at the CS desk and paid in cash: the goods leave the CS desk."""
    once = lambda: {"Idempotency-Key": str(uuid.uuid4())}  # noqa: E731
    status, booked, _ = http.post("/api/book-orders", {
        "items": [{"sku": SKU, "qty": qty}], "customer_name": "Nita Anggraini", "phone": "0812-5555-0" + str(uuid.uuid4().int % 1000).zfill(3),
        "address": "Jl. Kenanga No. 3, Bandung 40115", "shipping_fee": 10_000, "channel": "whatsapp"},
        auth=cs_auth, headers=once())
    assert status == 201, booked
    status, sale, _ = http.post(f"/api/sales/{booked['order_id']}/cash", {"amount_received": booked["total"]},
                                auth=cashier_auth, headers=once())
    assert status == 200 and sale["status"] == "COMPLETED", sale

    def taken():
        _, ledger, _ = http.get(f"/api/inventory/ledger?sku={SKU}", auth=cs_auth)
        return any(e["reason"] == "book_order_sale" and e["document"]["id"] == booked["order_id"] for e in ledger["entries"])

    wait_until(taken, timeout=30, step=0.3, what="the sold goods leaving the CS desk")


def test_quantities_are_explained_at_the_field_fewer_are_handed_over_and_a_sold_drop_order_closes(page, stack, http,
                                                                                                 admin_auth):
    cs, wh = staff_of(stack, "cs"), staff_of(stack, "warehouse")
    cs_auth, cashier_auth = http.login_as(stack.state, "cs"), http.login_as(stack.state, "cashier")
    sign_in(page, stack, http, admin_auth, cs["staff_id"], cs["pin"], "/backoffice/#drop")
    wait_section(page, "drop")
    form = page.locator("form.panel", has=page.get_by_role("heading", name="Minta barang ke gudang"))
    search = form.get_by_role("textbox", name="Cari barang")
    search.fill(SKU)
    search.press("Enter")
    qty = form.get_by_role("textbox", name=f"Jumlah {SKU}")
    qty.wait_for()
    message = form.locator(".line .qty-error")

    qty.fill("-3")
    assert message.inner_text() == "Minimal 1; tidak boleh 0 atau negatif."
    assert qty.get_attribute("aria-invalid") == "true"
    form.get_by_role("button", name="Kirim drop order").click()
    assert form.locator(".form-error").last.inner_text() == \
        f"Perbaiki jumlah {SKU}: Minimal 1; tidak boleh 0 atau negatif."
    assert qty.input_value() == "-3", "what was typed stays, never quietly put back"
    assert page.evaluate("document.activeElement.getAttribute('aria-label')") == f"Jumlah {SKU}"
    qty.fill("2,5")
    assert message.inner_text() == "Harus bilangan bulat, tanpa koma."
    assert form.locator(".form-error").last.inner_text() == f"Perbaiki jumlah {SKU}: Harus bilangan bulat, tanpa koma."
    qty.fill("0")
    assert message.inner_text() == "Minimal 1; tidak boleh 0 atau negatif."
    qty.fill("")
    assert message.inner_text() == "Isi jumlahnya."
    page.screenshot(path=str(ARTIFACTS / "drop-order-negative-quantity.png"), full_page=True)
    assert _drops(http, cs_auth, "REQUESTED") == [], "nothing was sent"

    qty.fill("4")
    assert message.inner_text() == "" and qty.get_attribute("aria-invalid") == "false"
    assert form.locator(".form-error").last.inner_text() == "", "the form's message goes once the field is right"
    form.get_by_role("button", name="Kirim drop order").click()
    page.locator("#toast", has_text="dikirim ke gudang").wait_for()
    [drop] = _drops(http, cs_auth, "REQUESTED")
    assert [(line["sku"], line["qty"]) for line in drop["lines"]] == [(SKU, 4)]

    # The warehouse hands over two of the four.
    page.get_by_role("button", name="Keluar").click()
    enter_pin(page, wh["staff_id"], wh["pin"])
    wait_section(page, "drop")
    card = page.locator("article.card", has=page.get_by_role("heading", name=drop["drop_no"]))
    card.get_by_text("gudang:").wait_for()
    card.get_by_role("button", name="Serahkan sebagian").click()
    handed = page.locator(f"#handover-{drop['drop_id']}")
    field = handed.get_by_role("textbox", name=f"Jumlah diserahkan {SKU}")
    assert field.input_value() == "4"
    field.fill("-1")
    assert handed.locator(".qty-error").inner_text() == "Tidak boleh negatif."
    field.fill("5")
    assert handed.locator(".qty-error").inner_text() == "Maksimal 4."
    handed.get_by_role("button", name="Serahkan", exact=True).click()
    assert handed.locator(".form-error").last.inner_text() == f"Perbaiki jumlah {SKU}: Maksimal 4."
    field.fill("2")
    assert handed.locator(".form-error").last.inner_text() == ""
    handed.get_by_role("button", name="Serahkan", exact=True).click()
    page.locator("#toast", has_text=f"{drop['drop_no']}: 2 dari 4 barang diserahkan ke CS.").wait_for()
    [given] = _drops(http, cs_auth, "HANDED_OVER")
    assert [(line["qty"], line["handed"]) for line in given["lines"]] == [(4, 2)]
    assert given["handed_by_name"] == "Agus Gudang"

    page.select_option("#drop-status", "HANDED_OVER")
    card.get_by_text("Diserahkan 2 dari 4 barang yang diminta.").wait_for()
    assert "diserahkan 2" in card.locator("li").inner_text()
    assert "oleh Dewi CS" in card.inner_text() and "oleh Agus Gudang" in card.inner_text()

    # "Semua terjual" before anything was sold: refused, with what was sold.
    card.get_by_role("button", name="Semua terjual").click()
    refusal = page.locator(".view[data-section='drop'] > div > section .form-error").first
    refusal.get_by_text(f"{SKU} terjual 0 dari 2").wait_for()
    _sell_at_the_cs_desk(http, cs_auth, cashier_auth, 2)
    card.get_by_role("button", name="Semua terjual").click()
    page.locator("#toast", has_text=f"{drop['drop_no']} ditutup: semua terjual.").wait_for()
    assert refusal.inner_text() == ""
    page.select_option("#drop-status", "CLOSED")
    card.locator(".badge", has_text="Selesai · Semua terjual").wait_for()
    page.screenshot(path=str(ARTIFACTS / "drop-order-sold-out.png"), full_page=True)
    [closed] = _drops(http, cs_auth, "CLOSED")
    assert (closed["close_reason"], closed["returned"], closed["closed_by_name"]) == ("sold", {}, "Agus Gudang")

    # The stock history names the drop order by its number (a link back to it) and the people by name.
    page.locator("#tabs .tab", has_text="Cek Stok").click()
    wait_section(page, "stok")
    page.fill("#stock-q", SKU)
    page.get_by_role("button", name="Cek", exact=True).click()
    page.get_by_role("button", name="Riwayat stok").click()
    history = page.locator("section.panel", has=page.get_by_role("heading", name=f"Riwayat stok {SKU}"))
    link = history.get_by_role("link", name=drop["drop_no"]).first
    link.wait_for()
    rows = history.locator("tbody tr", has=page.get_by_role("link", name=drop["drop_no"]))
    assert rows.count() == 2  # out of the warehouse, onto the CS desk
    assert all("Agus Gudang" in text for text in rows.all_inner_texts())
    text = history.inner_text()
    assert "u_agus" not in text and drop["drop_id"] not in text
    page.screenshot(path=str(ARTIFACTS / "stock-history-names.png"), full_page=True)
    link.click()
    wait_section(page, "drop")
    page.locator(f"article.card[data-focus][data-drop='{drop['drop_id']}']").wait_for()
    assert page.locator("#drop-status").input_value() == "CLOSED"


def test_the_quantity_message_speaks_english_when_the_back_office_does(page, stack, http, admin_auth):
    cs = staff_of(stack, "cs")
    sign_in(page, stack, http, admin_auth, cs["staff_id"], cs["pin"], "/backoffice/#pesan")
    wait_section(page, "pesan")
    page.locator("#lang-button").click()
    page.get_by_role("heading", name="New book order").wait_for()
    search = page.get_by_role("textbox", name="Search items")
    search.fill(SKU)
    search.press("Enter")
    qty = page.get_by_role("textbox", name=f"Quantity {SKU}")
    qty.fill("-3")
    assert page.locator(".line .qty-error").inner_text() == "At least 1; zero or negative is not allowed."
    page.fill("#bo-name", "Nita Anggraini")
    page.fill("#bo-phone", "0812-5555-0101")
    page.fill("#bo-address", "Jl. Kenanga No. 3, Bandung 40115")
    page.get_by_role("button", name="Book & print slip").click()
    assert page.locator("form.panel .form-error").last.inner_text() == \
        f"Fix the quantity of {SKU}: At least 1; zero or negative is not allowed."
    assert qty.input_value() == "-3"
    assert page.locator("#booked").count() == 0, "nothing was booked"
