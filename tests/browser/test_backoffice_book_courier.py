"""Book Order with the courier at booking and a known customer, in Chromium against the local stack
(its courier simulator speaks Biteship): CS types the phone of a customer the store knows and sees
the name and the last address filled in, checks the rates, picks a service (the ongkir follows it;
another amount shows a warning) and books; the order is the kiosk's shopper's and keeps the
courier's quote, and a search finds it. And "Ambil di toko": no address, no ongkir, nothing ships."""
from __future__ import annotations

import random
import uuid
from urllib.parse import quote

from playwright.sync_api import expect

from tests.browser.backoffice import sign_in, staff_of, wait_section
from tests.browser.conftest import ARTIFACTS

SKU = "LILIN-AR"  # 210 g: one kilogram; Jakarta (the store) to Bandung is another region: Rp13.500 by JNE REG


def _phone() -> tuple[str, str]:
    local = "0813" + "".join(random.choice("0123456789") for _ in range(8))
    return f"{local[:4]}-{local[4:8]}-{local[8:]}", "+62" + local[1:]


def _cancel_all(http, cs, phone: str) -> None:
    """Give the goods back to the shared stack's CS desk (other tests book from it too)."""
    status, found, _ = http.get(f"/api/book-orders?q={quote(phone)}", auth=cs)
    assert status == 200, found
    for order in found["book_orders"]:
        if order["status"] == "BOOKED":
            http.post(f"/api/book-orders/{order['order_id']}/cancel", auth=cs)


def _add_item(page) -> None:
    search = page.get_by_role("textbox", name="Cari barang")
    search.fill(SKU)
    search.press("Enter")
    page.get_by_role("textbox", name=f"Jumlah {SKU}").wait_for()


def test_a_known_phone_fills_in_and_cs_books_a_courier_from_the_rates(page, stack, http, admin_auth, cashier_auth):
    shown, e164 = _phone()
    status, shopper, _ = http.post("/api/shoppers", {"phone": shown, "name": "Rina", "consent": True},
                                   auth=cashier_auth, headers={"Idempotency-Key": str(uuid.uuid4())})
    assert status == 201, shopper
    cs_auth = http.login_as(stack.state, "cs")
    status, earlier, _ = http.post("/api/book-orders", {
        "items": [{"sku": SKU, "qty": 1}], "customer_name": "Rina Kartika", "phone": e164, "channel": "instagram",
        "delivery": "courier", "address": "Jl. Dago No. 12, Coblong, Bandung", "postal_code": "40135",
        "shipping_fee": 13_500, "courier_company": "jne", "courier_type": "reg"},
        auth=cs_auth, headers={"Idempotency-Key": str(uuid.uuid4())})
    assert status == 201, earlier
    try:
        person = staff_of(stack, "cs")
        sign_in(page, stack, http, admin_auth, person["staff_id"], person["pin"], "/backoffice/#pesan")
        wait_section(page, "pesan")
        _add_item(page)
        page.fill("#bo-phone", shown)
        expect(page.locator("#bo-name")).to_have_value("Rina Kartika")
        assert page.input_value("#bo-address") == "Jl. Dago No. 12, Coblong, Bandung"
        assert page.input_value("#bo-postal") == "40135"
        hint = page.inner_text("#bo-customer-hint")
        assert "Pelanggan terdaftar: Rina · 0 poin" in hint and earlier["order_no"] in hint

        # Without a courier picked from the rates, the form says what to do and books nothing.
        page.get_by_role("button", name="Pesan & cetak slip").click()
        page.locator("form.panel .form-error", has_text="Cek ongkir").wait_for()

        page.get_by_role("button", name="Cek ongkir").click()
        page.locator("#bo-rates label[data-rate='jne/reg']").wait_for()
        assert "ke 40135 untuk berat 210 g" in page.inner_text("#bo-delivery")
        assert page.locator("#bo-rates label[data-rate='jne/yes'] .tag").count() == 0  # no COD on JNE YES
        assert page.locator("#bo-rates label[data-rate='jne/reg'] .tag").inner_text() == "COD"
        page.locator("#bo-rates label[data-rate='jne/reg'] input").check()
        assert page.input_value("#bo-shipping") == "13.500", "the ongkir follows the chosen rate"
        assert page.locator("#bo-fee-warning").is_hidden()
        page.fill("#bo-shipping", "15.000")  # CS rounds it up for the customer
        warning = page.locator("#bo-fee-warning")
        warning.wait_for()
        assert "Ongkir berbeda dari tarif kurir (Rp13.500)" in warning.inner_text()

        page.get_by_role("button", name="Pesan & cetak slip").click()
        booked = page.locator("#booked")
        booked.wait_for()
        assert "JNE REG" in booked.inner_text() and "tarif kurir Rp13.500" in booked.inner_text()
        order_no = booked.locator("h3").inner_text().removeprefix("Book order ").strip()
        status, found, _ = http.get(f"/api/book-orders?q={order_no}", auth=cs_auth)
        [order] = found["book_orders"]
        assert order["shopper_id"] == shopper["shopper_id"], "the kiosk's shopper: points and history are one"
        assert (order["courier_company"], order["courier_type"], order["courier_price"], order["shipping_fee"]) == \
            ("jne", "reg", 13_500, 15_000)
        assert order["shipping_fee_differs"] and order["postal_code"] == "40135"
        assert order["customer"]["address"] == "Jl. Dago No. 12, Coblong, Bandung"

        # The list's search finds both of the customer's orders by the phone, as typed.
        page.fill("#bo-search", shown)
        page.locator("#bo-search").press("Enter")
        page.get_by_role("heading", name=f"Hasil pencarian: {shown}").wait_for()
        page.locator(f".card[data-order='{order['order_id']}']").wait_for()
        assert page.locator(f".card[data-order='{earlier['order_id']}']").count() == 1
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "book-order-courier.png"), full_page=True)
    finally:
        _cancel_all(http, cs_auth, e164)


def test_ambil_di_toko_books_without_an_address_or_ongkir(page, stack, http, admin_auth):
    shown, e164 = _phone()
    cs_auth = http.login_as(stack.state, "cs")
    try:
        person = staff_of(stack, "cs")
        sign_in(page, stack, http, admin_auth, person["staff_id"], person["pin"], "/backoffice/#pesan")
        wait_section(page, "pesan")
        _add_item(page)
        page.fill("#bo-phone", shown)
        page.locator("#bo-customer-hint", has_text="Nomor baru").wait_for()
        page.fill("#bo-name", "Dimas Pratama")
        page.get_by_label("Ambil di toko").check()
        assert page.locator("#bo-address").is_hidden() and page.locator("#bo-shipping").is_hidden()
        page.get_by_role("button", name="Pesan & cetak slip").click()
        booked = page.locator("#booked")
        booked.wait_for()
        assert "Ambil di toko" in booked.inner_text()
        order_no = booked.locator("h3").inner_text().removeprefix("Book order ").strip()
        status, found, _ = http.get(f"/api/book-orders?q={order_no}", auth=cs_auth)
        [order] = found["book_orders"]
        assert order["pickup"] and order["shipping_fee"] == 0 and order["customer"]["address"] == ""
        assert order["courier"] is None and order["shopper_id"], "a new chat buyer becomes a shopper"
        card = page.locator(f".card[data-order='{order['order_id']}']")
        card.wait_for()
        assert "Ambil di toko" in card.inner_text()
    finally:
        _cancel_all(http, cs_auth, e164)
