"""Courier at booking (issue 17, part 6), through the API with the courier simulator over real HTTP:
Cek ongkir answers with Biteship's rates for the postal code and the products' weight; a booking
keeps the courier's quote beside the ongkir the customer pays and refuses a service the courier
does not offer; "Ambil di toko" ships nothing; COD is booked with the order, printed on the label,
and ended by the courier's news (delivered: a sale paid by COD; returned or cancelled: the goods
come back)."""
from __future__ import annotations

import uuid

from chalicelib.core import outbox
from chalicelib.core.outbox import OutboxItem
from chalicelib.inventory.repo import StockRecord
from chalicelib.sales.completion import Payment, apply_payment, complete
from chalicelib.sales.repo import OrderRecord
from chalicelib.shipping.model import cod_outcome_effect_id, request_effect_id
from chalicelib.shipping.repo import ShipmentRecord
from chalicelib.shoppers.repo import ShopperRecord

from .conftest import idem, job_pdf, label_jobs, read_label_pages, ship, wait_until

# Two Kopi Susu (280 g each): one started kilogram. Jakarta (12730) to Bandung (40115) is another
# region in the simulator, so a kilogram of JNE REG costs 9.000 x 1,5.
ITEMS = [{"sku": "KOPI-250", "qty": 2}]
JNE_REG = 13_500
BOOKING = {"items": ITEMS, "customer_name": "Wulan Sari", "phone": "0812-3456-7890", "channel": "whatsapp",
           "delivery": "courier", "address": "Jl. Melati No. 5, Sukajadi, Bandung", "postal_code": "40115",
           "shipping_fee": JNE_REG, "courier_company": "jne", "courier_type": "reg"}


def _book(api, auth, **changes):
    return api.post("/book-orders", {**BOOKING, **changes}, auth=auth, headers={"Idempotency-Key": str(uuid.uuid4())})


def _reserved(store_id: str, sku: str = "KOPI-250") -> tuple[int, int]:
    rec = StockRecord.get(store_id, f"{sku}#CS", consistent_read=True)
    return int(rec.on_hand), int(rec.reserved)


def test_cek_ongkir_asks_the_courier_for_the_postal_code_and_the_products_weight(api, shop, courier):
    cs = api.login_as(shop, "cs")
    r = api.post("/shipping/rates", {"postal_code": "40115", "items": ITEMS}, auth=cs)
    assert r.status == 200, r
    assert r.json["postal_code"] == "40115" and r.json["weight_g"] == 2 * 280 and r.json["cod_available"]
    rates = {(c["courier_company"], c["courier_type"]): c for c in r.json["couriers"]}
    assert rates[("jne", "reg")]["price"] == JNE_REG and rates[("jne", "reg")]["cod"] is True
    assert rates[("jne", "reg")]["label"] == "JNE REG" and rates[("jne", "reg")]["duration"] == "2 - 3 days"
    assert rates[("jne", "yes")]["cod"] is False and rates[("sicepat", "reg")]["cod"] is True
    prices = [c["price"] for c in r.json["couriers"]]
    assert prices == sorted(prices), "cheapest first"
    # Within the region it is the plain kilogram price (Jakarta to Jakarta).
    near = api.post("/shipping/rates", {"postal_code": "10210", "items": ITEMS}, auth=cs).json
    assert next(c["price"] for c in near["couriers"] if c["label"] == "JNE REG") == 9_000
    # Heavier goods, more kilograms: 3 x 370 g + 2 x 280 g = 1.670 g, two started kilograms.
    heavy = api.post("/shipping/rates", {"postal_code": "40115", "items": ITEMS + [{"sku": "TEH-350", "qty": 3}]},
                     auth=cs).json
    assert heavy["weight_g"] == 1_670 and next(c["price"] for c in heavy["couriers"] if c["label"] == "JNE REG") == 2 * JNE_REG


def test_cek_ongkir_refuses_bad_input_and_says_when_the_store_has_no_courier_integration(api, shop, courier):
    cs = api.login_as(shop, "cs")
    for body, code in (({"postal_code": "4011", "items": ITEMS}, "invalid_postal_code"),
                       ({"postal_code": "01234", "items": ITEMS}, "invalid_postal_code"),
                       ({"postal_code": "40115", "items": []}, "empty_cart"),
                       ({"postal_code": "40115"}, "missing_field")):
        r = api.post("/shipping/rates", body, auth=cs)
        assert r.status == 400 and r.error_code == code, (body, r)
    assert api.post("/shipping/rates", {"postal_code": "40115", "items": ITEMS},
                    auth=api.login_as(shop, "cashier")).status == 403
    from .conftest import set_shipping

    set_shipping(shop["store_id"], {"provider": "manual"})
    r = api.post("/shipping/rates", {"postal_code": "40115", "items": ITEMS}, auth=cs)
    assert r.status == 409 and r.error_code == "courier_not_integrated"


def test_the_booking_keeps_the_couriers_quote_and_flags_another_ongkir(api, shop, courier):
    cs = api.login_as(shop, "cs")
    same = _book(api, cs)
    assert same.status == 201, same
    assert (same.json["courier"], same.json["courier_company"], same.json["courier_type"]) == ("JNE REG", "jne", "reg")
    assert same.json["courier_price"] == JNE_REG == same.json["shipping_fee"] and not same.json["shipping_fee_differs"]
    assert same.json["delivery"] == "courier" and same.json["postal_code"] == "40115" and not same.json["cod"]
    # CS charges the customer a round Rp15.000: allowed, and the order says so beside the courier's price.
    other = _book(api, cs, shipping_fee=15_000, courier_company="sicepat", courier_type="reg")
    assert other.status == 201, other
    assert other.json["shipping_fee"] == 15_000 and other.json["courier_price"] == 12_800
    assert other.json["shipping_fee_differs"] is True
    assert other.json["amount_to_transfer"] == 2 * 18_000 + 15_000 + other.json["unique_code"]
    # The shipment books exactly what was chosen, to the postal code given.
    paid = apply_payment(Payment(other.json["order_id"], attempt=None, method="BANK_TRANSFER",
                                 amount=other.json["amount_to_transfer"], source="statement"))
    assert paid == "paid"
    ship(other.json["order_id"])
    [booked] = courier.orders()
    assert (booked["courier"]["company"], booked["courier"]["type"]) == ("sicepat", "reg")
    assert booked["destination"]["postal_code"] == 40115 and booked["price"] == 12_800


def test_a_service_the_courier_does_not_offer_is_refused_and_nothing_is_booked(api, shop, courier):
    cs = api.login_as(shop, "cs")
    for changes, status, code in (
            ({"courier_type": "sds"}, 422, "courier_service_not_offered"),  # JNE has no such service
            ({"courier_company": "gojek", "courier_type": "instant"}, 422, "courier_service_not_offered"),
            ({"courier_company": "jne", "courier_type": None}, 400, "courier_choice_missing"),
            ({"postal_code": None, "address": "Jl. Melati No. 5, Bandung"}, 400, "postal_code_required"),
            ({"postal_code": "4O115"}, 400, "invalid_postal_code"),
            ({"address": None}, 400, "invalid_address"),
            ({"delivery": "drone"}, 400, "invalid_delivery")):
        r = _book(api, cs, **changes)
        assert r.status == status and r.error_code == code, (changes, r)
    assert OrderRecord.count() == 0 and _reserved(shop["store_id"]) == (10, 0)
    assert ShopperRecord.count() == 0, "a refused booking registers nobody"
    # A postal code written in the address is read from there when the field is left empty.
    found = _book(api, cs, postal_code=None, address="Jl. Melati No. 5, Bandung 40115")
    assert found.status == 201 and found.json["postal_code"] == "40115"


def test_ambil_di_toko_needs_no_address_and_ships_nothing(api, shop, courier):
    cs = api.login_as(shop, "cs")
    for changes, code in (({"shipping_fee": 5_000}, "pickup_shipping_fee"), ({"cod": True, "shipping_fee": 0}, "cod_needs_delivery")):
        r = _book(api, cs, delivery="pickup", address=None, postal_code=None, courier_company=None, courier_type=None,
                  **changes)
        assert r.status == 400 and r.error_code == code, r
    r = _book(api, cs, delivery="pickup", address=None, postal_code=None, courier_company=None, courier_type=None,
              shipping_fee=0)
    assert r.status == 201, r
    order = r.json
    assert order["delivery"] == "pickup" and order["pickup"] is True and order["customer"]["address"] == ""
    assert order["courier"] is None and order["postal_code"] is None and order["shipping_fee"] == 0
    assert order["amount_to_transfer"] == 2 * 18_000 + order["unique_code"]
    slip = api.get(f"/book-orders/{order['order_id']}/slip.pdf", auth=cs, headers={"Accept": "application/pdf"})
    [page] = read_label_pages(slip.body)
    assert "AMBIL DI TOKO" in page["text"] and "Kirim ke" not in page["text"]
    assert apply_payment(Payment(order["order_id"], attempt=None, method="BANK_TRANSFER",
                                 amount=order["amount_to_transfer"], source="statement"), complete_sale=False) == "paid"
    assert complete(order["order_id"], actor="u_dewi")
    outbox.process_due()
    assert OrderRecord.get(order["order_id"]).status == "COMPLETED"
    assert ShipmentRecord.count() == 0 and courier.orders() == []
    assert OutboxItem.count(request_effect_id(order["order_id"])) == 0, "no shipment was ever asked for"


def _cod(api, cs, **changes) -> dict:
    r = _book(api, cs, cod=True, **changes)
    assert r.status == 201, r
    return r.json


def test_cod_is_booked_with_the_order_and_its_label_says_cod(api, shop, courier):
    cs = api.login_as(shop, "cs")
    order = _cod(api, cs)
    total = 2 * 18_000 + JNE_REG
    assert order["cod"] is True and order["cod_amount"] == total == order["total"] and order["unique_code"] == 0
    assert order["bank_account"] is None and order["status"] == "BOOKED"
    assert order["deadline"] - order["created_at"] == 30 * 86400, "the goods stay held while the parcel travels"
    assert OutboxItem.count(f"msg-book#{order['order_id']}") == 0, "nothing to transfer, no transfer instructions"
    assert _reserved(shop["store_id"]) == (10, 2)
    # The shipment is asked for with the booking (no payment to wait for) and booked collecting the total.
    assert OutboxItem.get(request_effect_id(order["order_id"])).kind == "shipment.request"
    ship(order["order_id"])
    [booked] = courier.orders()
    assert booked["destination"]["cash_on_delivery"]["amount"] == total and booked["reference_id"] == order["order_id"]
    shipment = api.get(f"/shipping/shipments/{order['order_id']}", auth=cs).json
    assert shipment["cod_amount"] == total and shipment["booking"] == "booked"
    printed = api.post("/shipping/labels/print-unprinted", auth=cs, headers=idem())
    assert printed.status == 201, printed
    [job] = label_jobs(shop["store_id"])
    [page] = read_label_pages(job_pdf(job.job_id))
    assert "COD Rp49.500" in page["text"] and "NON-COD" not in page["text"]
    slip = api.get(f"/book-orders/{order['order_id']}/slip.pdf", auth=cs, headers={"Accept": "application/pdf"})
    [slip_page] = read_label_pages(slip.body)
    assert "COD - BAYAR DI TEMPAT" in slip_page["text"] and "Rp49.500" in slip_page["text"]
    assert "JUMLAH TRANSFER" not in slip_page["text"] and "Kode unik" not in slip_page["text"]
    # Paying it at the kiosk makes no sense: the courier collects.
    r = api.post(f"/sales/{order['order_id']}/book-order/pay-qris", auth=api.login_as(shop, "cashier"))
    assert r.status == 409 and r.error_code == "cod_order"


def test_cod_needs_a_service_that_collects_and_a_courier_integration(api, shop, courier):
    cs = api.login_as(shop, "cs")
    r = _book(api, cs, cod=True, courier_type="yes")  # JNE YES does not collect cash
    assert r.status == 422 and r.error_code == "cod_not_available", r
    from .conftest import set_shipping

    set_shipping(shop["store_id"], {"provider": "manual"})
    r = _book(api, cs, cod=True)
    assert r.status == 409 and r.error_code == "cod_needs_courier_integration", r
    assert OrderRecord.count() == 0 and _reserved(shop["store_id"]) == (10, 0)


def _deliver(courier, order_id: str, status: str) -> None:
    """The courier's news over HTTP (webhook to our front), then the COD effect it queued."""
    [booked] = [o for o in courier.orders() if o["reference_id"] == order_id]
    courier.sim.set_status(booked["id"], status)
    wait_until(lambda: ShipmentRecord.get(order_id, consistent_read=True).status == status)
    assert OutboxItem.get(cod_outcome_effect_id(order_id)).payload == {"order_id": order_id, "status": status}
    assert outbox.process_one(cod_outcome_effect_id(order_id)) == "DONE"


def test_a_delivered_cod_parcel_makes_the_order_a_sale_paid_by_cod(api, shop, courier):
    cs = api.login_as(shop, "cs")
    order = _cod(api, cs)
    ship(order["order_id"])
    courier.sim.advance(courier.orders()[0]["id"])  # allocated: still on its way, nothing happens
    _deliver(courier, order["order_id"], "delivered")
    sale = OrderRecord.get(order["order_id"], consistent_read=True)
    assert sale.status == "COMPLETED" and sale.payment_method == "COD" and sale.paid_amount == order["total"]
    assert sale.points_earned == order["total"] // 10_000, "the chat customer is a shopper: points as at the kiosk"
    outbox.process_due()  # the sale's stock effect: the held goods leave the CS desk
    assert _reserved(shop["store_id"]) == (8, 0)
    assert OutboxItem.count(request_effect_id(order["order_id"])) == 1, "no second shipment for the sale"
    # The same news again (a redelivered webhook or effect) changes nothing.
    assert outbox.process_one(cod_outcome_effect_id(order["order_id"])) in ("DONE", None)
    again = OrderRecord.get(order["order_id"], consistent_read=True)
    assert again.status == "COMPLETED" and "double_payment" not in (again.flags or [])
    report = api.get("/reports/day?date=2026-11-23", auth=cs).json
    assert {m["method"]: m["count"] for m in report["sales"]["by_method"]}.get("COD") == 1


def test_a_returned_cod_parcel_cancels_the_order_and_its_goods_come_back(api, shop, courier):
    cs = api.login_as(shop, "cs")
    order = _cod(api, cs)
    ship(order["order_id"])
    _deliver(courier, order["order_id"], "returned")
    ended = api.get(f"/book-orders/{order['order_id']}", auth=cs).json
    assert ended["status"] == "CANCELLED" and ended["hold"]["status"] != "ACTIVE"
    assert _reserved(shop["store_id"]) == (10, 0)
    assert OrderRecord.get(order["order_id"]).failure_reason.startswith("Kiriman COD diretur")


def test_a_cod_order_is_cancelled_through_its_shipment_before_pickup_only(api, shop, courier):
    cs = api.login_as(shop, "cs")
    order = _cod(api, cs)
    r = api.post(f"/book-orders/{order['order_id']}/cancel", auth=cs)
    assert r.status == 409 and r.error_code == "cod_cancel_via_shipment"
    # Not booked at the courier yet (its effect has not run): cancelled here, and never booked later.
    r = api.post(f"/shipping/shipments/{order['order_id']}/cancel", {"reason": "Pelanggan batal"}, auth=cs)
    assert r.status == 200 and r.json["status"] == "cancelled", r
    assert api.get(f"/book-orders/{order['order_id']}", auth=cs).json["status"] == "CANCELLED"
    assert _reserved(shop["store_id"]) == (10, 0)
    ship(order["order_id"])
    assert courier.orders() == []
    # Booked at the courier: cancelled there, until the courier has picked the parcel up.
    second = _cod(api, cs)
    ship(second["order_id"])
    r = api.post(f"/shipping/shipments/{second['order_id']}/cancel", auth=cs)
    assert r.status == 200 and r.json["status"] == "cancelled", r
    [booked] = courier.orders()
    assert booked["status"] == "cancelled" and OrderRecord.get(second["order_id"]).status == "CANCELLED"
    third = _cod(api, cs)
    ship(third["order_id"])
    provider_id = next(o["id"] for o in courier.orders() if o["reference_id"] == third["order_id"])
    courier.sim.set_status(provider_id, "picked")
    wait_until(lambda: ShipmentRecord.get(third["order_id"], consistent_read=True).status == "picked")
    r = api.post(f"/shipping/shipments/{third['order_id']}/cancel", auth=cs)
    assert r.status == 409 and r.error_code == "shipment_not_cancellable"
    assert OrderRecord.get(third["order_id"]).status == "BOOKED"
    # A COD shipment cannot be handed to a manual courier: nobody would report the delivery.
    r = api.post(f"/shipping/shipments/{third['order_id']}/manual", auth=cs)
    assert r.status == 409 and r.error_code == "cod_needs_courier"


def test_the_admin_chooses_which_couriers_cek_ongkir_asks(api, shop, courier):
    admin, cs = api.login_as(shop, "admin"), api.login_as(shop, "cs")
    assert api.get("/shipping/settings", auth=admin).json["rate_couriers"][:3] == ["jne", "jnt", "sicepat"]
    r = api.call("PUT", "/shipping/settings", {"rate_couriers": ["sicepat", "anteraja"]}, auth=admin)
    assert r.status == 200 and r.json["rate_couriers"] == ["sicepat", "anteraja"], r
    rates = api.post("/shipping/rates", {"postal_code": "40115", "items": ITEMS}, auth=cs).json["couriers"]
    assert {c["courier_company"] for c in rates} == {"sicepat", "anteraja"}
    bad = api.call("PUT", "/shipping/settings", {"rate_couriers": ["j&t"]}, auth=admin)
    assert bad.status == 400 and bad.error_code == "invalid_courier"
    assert api.get("/shipping/settings", auth=admin).json["rate_couriers"] == ["sicepat", "anteraja"]
