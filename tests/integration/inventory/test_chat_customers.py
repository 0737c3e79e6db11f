"""Chat customers (issue 17, part 7), through the API: a chat buyer is the merchant's shopper by phone,
the same one the kiosk recognises, so a book order's sale earns points into the same balance and
history; a known phone fills in the name and the address last used; the book order list is searched
in every state (expired and cancelled too) by order number, phone or name."""
from __future__ import annotations

import uuid

from chalicelib.sales.completion import Payment, apply_payment, complete
from chalicelib.sales.repo import OrderRecord
from chalicelib.shoppers.repo import ShopperRecord

KOPI = 18_000
BOOKING = {"items": [{"sku": "KOPI-250", "qty": 2}], "customer_name": "Wulan Sari", "phone": "0812-3456-7890",
           "channel": "whatsapp", "delivery": "courier", "address": "Jl. Melati No. 5, Sukajadi, Bandung",
           "postal_code": "40115", "shipping_fee": 12_000, "courier": "JNE REG"}


def _book(api, auth, **changes) -> dict:
    r = api.post("/book-orders", {**BOOKING, **changes}, auth=auth, headers={"Idempotency-Key": str(uuid.uuid4())})
    assert r.status == 201, r
    return r.json


def _register_at_kiosk(api, cashier, phone: str, name: str) -> dict:
    r = api.post("/shoppers", {"phone": phone, "name": name, "consent": True}, auth=cashier,
                 headers={"Idempotency-Key": str(uuid.uuid4())})
    assert r.status == 201, r
    return r.json


def _paid_and_sold(order: dict) -> None:
    """The transfer found on a statement, then CS makes it a sale (as Mutasi Bank does)."""
    assert apply_payment(Payment(order["order_id"], attempt=None, method="BANK_TRANSFER",
                                 amount=order["amount_to_transfer"], source="statement"), complete_sale=False) == "paid"
    assert complete(order["order_id"], actor="u_dewi")


def test_a_chat_order_is_the_kiosk_shoppers_and_its_sale_earns_points_into_the_same_balance(api, shop, clock):
    cashier, cs = api.login_as(shop, "cashier"), api.login_as(shop, "cs")
    kiosk = _register_at_kiosk(api, cashier, "081234567890", "Wulan")
    order = _book(api, cs, phone="+62 812-3456-7890")  # the same number, typed another way
    assert order["shopper_id"] == kiosk["shopper_id"]
    assert ShopperRecord.count() == 1, "no second customer record for the same phone"
    _paid_and_sold(order)
    points = order["total"] // 10_000
    assert OrderRecord.get(order["order_id"]).points_earned == points == 4
    # The kiosk sees the points and the visit the chat order earned.
    seen = api.get("/shoppers/lookup?phone=0812-3456-7890", auth=cashier).json
    assert seen["shopper_id"] == kiosk["shopper_id"] and seen["points_balance"] == points and seen["visit_count"] == 1
    history = api.get(f"/shoppers/{kiosk['shopper_id']}/points", auth=cashier).json["entries"]
    assert [(e["kind"], e["order_id"], e["points"], e["amount"]) for e in history] == \
        [("earn", order["order_id"], points, order["total"])]
    assert seen["name"] == "Wulan", "the shopper's own name stays as registered"


def test_a_new_chat_buyer_becomes_a_shopper_the_kiosk_recognises(api, shop, clock):
    cs, cashier = api.login_as(shop, "cs"), api.login_as(shop, "cashier")
    assert api.get("/shoppers/lookup?phone=081355550101", auth=cashier).status == 404
    order = _book(api, cs, phone="0813-5555-0101", customer_name="Nita Anggraini")
    found = api.get("/shoppers/lookup?phone=081355550101", auth=cashier).json
    assert found["shopper_id"] == order["shopper_id"] and found["name"] == "Nita Anggraini"
    assert found["visit_count"] == 0 and found["points_balance"] == 0
    # A second order from the same chat is the same shopper; a cancelled one earns nothing.
    again = _book(api, cs, phone="6281355550101", customer_name="Nita")
    assert again["shopper_id"] == order["shopper_id"] and ShopperRecord.count() == 1
    assert api.post(f"/book-orders/{again['order_id']}/cancel", auth=cs).json["status"] == "CANCELLED"
    _paid_and_sold(order)
    assert api.get("/shoppers/lookup?phone=081355550101", auth=cashier).json["points_balance"] == order["total"] // 10_000


def test_a_landline_books_without_a_shopper(api, shop, clock):
    cs = api.login_as(shop, "cs")
    order = _book(api, cs, phone="021-5550-1234")
    assert order["shopper_id"] is None and ShopperRecord.count() == 0


def test_typing_a_known_phone_fills_the_name_and_the_last_address(api, shop, clock):
    cs, cashier = api.login_as(shop, "cs"), api.login_as(shop, "cashier")
    unknown = api.get("/book-orders/customer?phone=0812-3456-7890", auth=cs)
    assert unknown.status == 200 and unknown.json["known"] is False and unknown.json["name"] is None
    assert unknown.json["phone"] == "+6281234567890" and unknown.json["phone_display"] == "0812-3456-7890"
    _register_at_kiosk(api, cashier, "081234567890", "Wulan")
    kiosk_only = api.get("/book-orders/customer?phone=081234567890", auth=cs).json
    assert kiosk_only["known"] and kiosk_only["name"] == "Wulan" and kiosk_only["address"] is None
    assert kiosk_only["shopper"]["points_balance"] == 0 and kiosk_only["last_order"] is None
    _book(api, cs, customer_name="Wulan Sari", address="Jl. Lama 1, Bandung", postal_code="40111")
    clock.advance(minutes=5)
    last = _book(api, cs, customer_name="Wulan Sari", address="Jl. Melati No. 5, Sukajadi, Bandung",
                 postal_code="40162", channel="instagram")
    clock.advance(minutes=5)
    _book(api, cs, customer_name="Wulan Sari", delivery="pickup", address=None, postal_code=None, shipping_fee=0,
          courier=None)  # picked up at the store: it has no address to remember
    filled = api.get("/book-orders/customer?phone=%2B62%20812%203456%207890", auth=cs).json
    assert (filled["name"], filled["address"], filled["postal_code"]) == \
        ("Wulan Sari", "Jl. Melati No. 5, Sukajadi, Bandung", "40162")
    assert filled["channel"] == "whatsapp" and filled["last_order"]["status"] == "BOOKED"
    assert last["shopper_id"] == filled["shopper"]["shopper_id"]
    bad = api.get("/book-orders/customer?phone=12", auth=cs)
    assert bad.status == 400 and bad.error_code == "invalid_phone"
    assert api.get("/book-orders/customer?phone=081234567890", auth=cashier).status == 403


def test_the_book_order_list_is_searched_in_every_state(api, shop, clock):
    from chalicelib.book_orders import service as book_orders
    from tests.integration.inventory.conftest import caller_for

    cs = api.login_as(shop, "cs")
    expired = _book(api, cs)
    clock.advance(minutes=121)
    assert book_orders.get(caller_for(shop, "cs"), expired["order_id"])["status"] == "EXPIRED"
    cancelled = _book(api, cs)
    api.post(f"/book-orders/{cancelled['order_id']}/cancel", auth=cs)
    other = _book(api, cs, customer_name="Budi Santoso", phone="0813-9876-5432")
    cs = api.login_as(shop, "cs")  # after the clock moved on

    def found(q: str) -> list[str]:
        r = api.get(f"/book-orders?q={q}", auth=cs)
        assert r.status == 200, r
        return [o["order_id"] for o in r.json["book_orders"]]

    assert found("wulan") == [cancelled["order_id"], expired["order_id"]], "newest first, ended ones too"
    assert found("sari%20WULAN") == [cancelled["order_id"], expired["order_id"]]
    assert found("0812%203456%207890") == [cancelled["order_id"], expired["order_id"]]
    assert found(expired["order_no"].lower()) == [expired["order_id"]]
    assert found("budi") == [other["order_id"]] and found("tono") == []
    statuses = {o["order_id"]: o["status"] for o in api.get("/book-orders?q=wulan", auth=cs).json["book_orders"]}
    assert statuses == {expired["order_id"]: "EXPIRED", cancelled["order_id"]: "CANCELLED"}
    r = api.get("/book-orders?q=x", auth=cs)
    assert r.status == 400 and r.error_code == "invalid_query"
