"""Book orders against moto: one transaction books the goods, the kode unik, the slip and the message."""
from __future__ import annotations

import uuid

import pytest

from chalicelib.core import outbox
from chalicelib.core.errors import Conflict
from chalicelib.core.outbox import OutboxItem
from chalicelib.book_orders import service as book_orders, unique_codes
from chalicelib.sales.repo import OrderRecord
from tests.integration.inventory.conftest import book, caller_for, hold, level, settlement

KOPI, TEH = 18_000, 8_000


def test_booking_holds_the_goods_and_asks_for_subtotal_plus_shipping_plus_the_lowest_code(shop, clock):
    order = book(shop, [{"sku": "KOPI-250", "qty": 2}, {"barcode": shop["products"][1]["barcode"], "qty": 1}],
                 shipping_fee=15_000)
    subtotal = 2 * KOPI + TEH
    assert order["status"] == "BOOKED" and order["subtotal"] == subtotal and order["shipping_fee"] == 15_000
    assert order["unique_code"] == 1 and order["amount_to_transfer"] == subtotal + 15_000 + 1 == order["total"]
    assert order["amount_label"] == "Rp59.001"
    assert order["deadline"] == clock.now_s() + 120 * 60 and order["seconds_left"] == 7200
    assert order["customer"]["phone_display"] == "0812-3456-7890" and order["channel_label"] == "WhatsApp"
    assert order["bank_account"] == {"bank": "BCA", "account_no": "1234567890", "holder": "PT Sambung Demo"}
    kopi, teh = level(shop["store_id"], "KOPI-250"), level(shop["store_id"], "TEH-350")
    assert (int(kopi.on_hand), int(kopi.reserved), int(kopi.available)) == (10, 2, 8)
    assert (int(teh.reserved), int(teh.available)) == (1, 9)
    h = hold(order["order_id"])
    assert h.status == "ACTIVE" and h.location == "CS" and h.expires_at == order["deadline"]
    assert h.purge_at > h.expires_at and h.sweep_shard and h.open_store == shop["store_id"]
    rec = OrderRecord.get(order["order_id"])
    assert rec.kind == "BOOK_ORDER" and rec.open_shard == "BOOK" and rec.due_at == order["deadline"]
    assert rec.phone_key == f"{shop['store_id']}#+6281234567890"


def test_two_orders_with_the_same_total_on_the_same_account_get_codes_1_and_2(shop, clock):
    a = book(shop, [{"sku": "KOPI-250", "qty": 1}])
    b = book(shop, [{"sku": "KOPI-250", "qty": 1}])
    c = book(shop, [{"sku": "TEH-350", "qty": 1}])  # another base: its own window
    assert (a["unique_code"], b["unique_code"], c["unique_code"]) == (1, 2, 1)
    assert b["total"] == a["total"] + 1


def test_another_receiving_account_has_its_own_codes(shop, clock):
    from chalicelib.staff.repo import StoreRecord

    store = StoreRecord.get(shop["store_id"])
    accounts = store.settings["bank_accounts"] + [{"bank": "Mandiri", "account_no": "137-00-1234567-8", "holder": "PT Sambung Demo"}]
    store.update(actions=[StoreRecord.settings.set(dict(store.settings, bank_accounts=accounts))])
    book(shop, [{"sku": "KOPI-250", "qty": 1}])
    other = book(shop, [{"sku": "KOPI-250", "qty": 1}], account_no="1370012345678")
    assert other["unique_code"] == 1 and other["bank_account"]["bank"] == "Mandiri"


def test_slip_print_and_payment_message_are_queued_in_the_same_transaction(shop, clock):
    from chalicelib.printing import service as printing

    order = book(shop, [{"sku": "KOPI-250", "qty": 1}])
    slip = OutboxItem.get(f"slip-print#{order['order_id']}")
    assert slip.kind == "print.order_slip" and slip.payload == {"order_id": order["order_id"]}
    # Printed at once for the CS at the desk: a job for the receipt printer, once however often delivered.
    assert order["slip_print"] == "DONE" and slip.status == "DONE"
    assert outbox.process_one(slip.effect_id) == "DONE"
    [job] = printing.list_jobs(shop["store_id"])
    assert (job["kind"], job["role"], job["reference"]) == ("slip", "receipt", slip.effect_id)
    assert job["title"] == f"Slip pesanan {order['order_no']}"
    msg = OutboxItem.get(f"msg-book#{order['order_id']}")
    assert msg.kind == "message" and msg.payload["to"] == "+6281234567890"
    assert msg.payload["template"] == "sambung_instruksi_bayar"
    assert msg.payload["params"]["amount"] == "Rp30.001" and msg.payload["params"]["account_no"] == "1234567890"
    assert msg.payload["params"]["order_no"] == order["order_no"] and "WIB" in msg.payload["params"]["deadline"]


def test_the_order_slip_shows_number_items_customer_and_amount(shop, clock):
    import pypdfium2 as pdfium

    order = book(shop, [{"sku": "KOPI-250", "qty": 2}], customer_name="Ayu Lestari", courier="JNE REG")
    pdf = book_orders.slip_pdf(OrderRecord.get(order["order_id"]))
    text = pdfium.PdfDocument(pdf)[0].get_textpage().get_text_range()
    for expected in (order["order_no"], "KOPI-250", "Kopi Susu Gula Aren", "Ayu Lestari", "Jl. Melati No. 5",
                     "Rp48.001", "BCA", "1234567890", "JNE REG"):
        assert expected in text, expected


def test_too_little_stock_refuses_and_books_nothing(shop, clock):
    with pytest.raises(Conflict) as e:
        book(shop, [{"sku": "KOPI-250", "qty": 3}, {"sku": "TEH-350", "qty": 11}])
    assert e.value.code == "insufficient_stock" and e.value.details["short"] == ["TEH-350"]
    assert "tersedia 10, diminta 11" in e.value.message
    assert int(level(shop["store_id"], "KOPI-250").reserved) == 0
    assert OrderRecord.count() == 0 and unique_codes.UniqueCodeReservation.count() == 0 and OutboxItem.count() == 0
    from chalicelib.catalog import model as catalog_model, repo as catalog_repo

    catalog_repo.insert(shop["merchant_id"], catalog_model.new_product({"sku": "BARU-1", "name": "Barang Baru", "price": 5_000}))
    with pytest.raises(Conflict) as e:  # in the catalog, never stocked at the desk
        book(shop, [{"sku": "BARU-1", "qty": 1}])
    assert e.value.code == "insufficient_stock" and "BARU-1 (tersedia 0, diminta 1)" in e.value.message


def test_cancel_releases_the_goods_once_and_keeps_the_code_for_its_cool_down(shop, clock):
    cs = caller_for(shop, "cs")
    order = book(shop, [{"sku": "KOPI-250", "qty": 4}])
    done = book_orders.cancel(cs, order["order_id"])
    assert done["status"] == "CANCELLED" and done["failure_reason"] == "Dibatalkan oleh CS."
    assert hold(order["order_id"]).status == "RELEASED" and settlement(order["order_id"]).settled_by == "cancel"
    assert book_orders.cancel(cs, order["order_id"])["status"] == "CANCELLED"  # a second tap changes nothing
    kopi = level(shop["store_id"], "KOPI-250")
    assert (int(kopi.on_hand), int(kopi.reserved), int(kopi.available)) == (10, 0, 10)
    # A late transfer of the cancelled amount must not match a new order: its code is still taken.
    assert book(shop, [{"sku": "KOPI-250", "qty": 4}])["unique_code"] == 2
    clock.advance(minutes=120 + 15, hours=48, seconds=1)
    assert book(shop, [{"sku": "KOPI-250", "qty": 1}, {"sku": "KOPI-250", "qty": 3}])["unique_code"] == 1


def test_a_cancelled_or_expired_order_cannot_be_cancelled_into_something_else(shop, clock):
    cs = caller_for(shop, "cs")
    order = book(shop, [{"sku": "KOPI-250", "qty": 1}])
    clock.advance(minutes=121)
    assert book_orders.get(cs, order["order_id"])["status"] == "EXPIRED"  # reading it expires it
    with pytest.raises(Conflict) as e:
        book_orders.cancel(cs, order["order_id"])
    assert e.value.code == "invalid_transition"


# ---- over HTTP ------------------------------------------------------------------------------

BODY = {"items": [{"sku": "KOPI-250", "qty": 1}], "customer_name": "Wulan", "phone": "0812 3456 7890",
        "address": "Jl. Melati 5, Bandung 40115", "shipping_fee": 10_000, "channel": "instagram"}


def _post(api, auth, body=None, key=None):
    return api.post("/book-orders", body or BODY, auth=auth, headers={"Idempotency-Key": key or str(uuid.uuid4())})


def test_api_creates_once_per_idempotency_key_and_lists_open_orders(api, shop, clock):
    cs = api.login_as(shop, "cs")
    a, b = _post(api, cs, key="k"), _post(api, cs, key="k")
    assert a.status == 201 == b.status and a.json["order_id"] == b.json["order_id"]
    assert a.json["customer"]["phone"] == "+6281234567890" and a.json["channel_label"] == "Instagram"
    assert int(level(shop["store_id"], "KOPI-250").reserved) == 1
    listed = api.get("/book-orders", auth=cs).json
    assert [o["order_id"] for o in listed["book_orders"]] == [a.json["order_id"]] and listed["now"] == clock.now_s()
    assert api.get(f"/book-orders/{a.json['order_id']}", auth=cs).json["hold"]["status"] == "ACTIVE"
    day = api.get("/book-orders?day=2026-11-23", auth=cs).json["book_orders"]
    assert [o["order_id"] for o in day] == [a.json["order_id"]]
    cancelled = api.post(f"/book-orders/{a.json['order_id']}/cancel", auth=cs)
    assert cancelled.status == 200 and cancelled.json["status"] == "CANCELLED"
    assert api.get("/book-orders", auth=cs).json["book_orders"] == []
    slip = api.get(f"/book-orders/{a.json['order_id']}/slip.pdf", auth=cs, headers={"Accept": "application/pdf"})
    assert slip.status == 200 and slip.body.startswith(b"%PDF")


BAD = [
    ({"phone": "12345"}, "invalid_phone"), ({"channel": "fax"}, "invalid_channel"),
    ({"shipping_fee": -1}, "invalid_amount"), ({"shipping_fee": 1.5}, "invalid_type"),
    ({"address": "  "}, "invalid_address"), ({"customer_name": ""}, "invalid_name"),
    ({"items": [{"sku": "KOPI-250", "qty": 1, "price": 1}]}, "unknown_field"),
    ({"items": [{"sku": "KOPI-250", "qty": 1}], "total": 5}, "unknown_field"),
    ({"account_no": "000"}, "unknown_bank_account"), ({"items": []}, "empty_cart"),
]


def test_api_refuses_bad_input_with_a_clear_error_and_books_nothing(api, shop, clock):
    cs = api.login_as(shop, "cs")
    for change, code in BAD:
        r = _post(api, cs, {**BODY, **change})
        assert r.status == 400 and r.error_code == code, (change, r)
    assert OrderRecord.count() == 0 and int(level(shop["store_id"], "KOPI-250").reserved) == 0


def test_api_roles_and_other_stores(api, shop, clock, second_store):
    assert _post(api, api.login_as(shop, "warehouse")).status == 403
    assert _post(api, api.login_as(shop, "cashier")).status == 403
    order = _post(api, api.login_as(shop, "cs")).json
    other = api.login_as(second_store, "cs")
    for method, path in (("GET", f"/book-orders/{order['order_id']}"), ("POST", f"/book-orders/{order['order_id']}/cancel"),
                         ("POST", f"/sales/{order['order_id']}/book-order/pay-qris"),
                         ("GET", f"/book-orders/{order['order_id']}/slip.pdf")):
        r = api.call(method, path, auth=other)
        assert r.status == 404 and r.error_code == "order_not_found", (path, r)
    assert api.get("/book-orders", auth=other).json["book_orders"] == []
    assert OrderRecord.get(order["order_id"]).status == "BOOKED"


def test_a_store_sale_is_not_a_book_order(api, shop, clock):
    cashier = api.login_as(shop, "cashier")
    sale = api.post("/sales", {"items": [{"sku": "TEH-350", "qty": 1}], "payment_method": "CASH"}, auth=cashier,
                    headers={"Idempotency-Key": "s1"}).json
    assert api.get(f"/book-orders/{sale['order_id']}", auth=cashier).status == 404
    assert api.post(f"/sales/{sale['order_id']}/book-order/pay-qris", auth=cashier).status == 404
    outbox.process_due()


def test_a_store_may_take_the_kode_unik_off_the_amount_and_its_transfer_still_matches(shop, clock):
    from chalicelib.reconciliation import service as reconciliation
    from chalicelib.staff import service as staff
    from tests.integration.reconciliation.conftest import bca_csv, import_file, set_settings, transfer

    staff.update_store_settings(caller_for(shop, "admin"), {"unique_code_subtracts": True})  # as an admin sets it
    a = book(shop, [{"sku": "KOPI-250", "qty": 1}])
    b = book(shop, [{"sku": "KOPI-250", "qty": 1}])
    base = KOPI + 12_000
    assert (a["unique_code"], a["total"], b["unique_code"], b["total"]) == (-1, base - 1, -2, base - 2)
    assert a["amount_label"] == "Rp29.999"
    set_settings(shop["store_id"], unique_code_subtracts=False)
    c = book(shop, [{"sku": "KOPI-250", "qty": 1}])
    assert (c["unique_code"], c["total"]) == (1, base + 1), "adding again: its own window, above the base"

    from tests.integration.sales.test_refund_effects import _pdf_text

    _, pdf = book_orders.own_slip_pdf(caller_for(shop, "cs"), a["order_id"])
    assert "dipotong kode unik 1" in _pdf_text(pdf)

    set_settings(shop["store_id"], auto_confirm_matches=True)
    import_file(shop["store_id"], bca_csv([("23/11/2026", transfer("WULAN SARI", a["total"]), a["total"], "CR")]))
    assert OrderRecord.get(a["order_id"]).status == "PAID", "the amount less its code matches like any other"
    cs = caller_for(shop, "cs")
    review = reconciliation.review_list(cs, "review")["lines"]
    assert review == [] or all(line["amount"] != a["total"] for line in review)
