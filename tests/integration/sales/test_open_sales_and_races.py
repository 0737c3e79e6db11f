"""Open sales are never lost (a kiosk reopened mid-payment finds its sale), and a QR paid while the
cashier took cash or tapped Batal is told plainly, with nothing recorded for the cash."""
from __future__ import annotations

import uuid

from chalicelib.sales.repo import OrderRecord

from .test_store_sales import _ref, _sale


def test_a_device_finds_its_sales_still_waiting_for_payment(api, demo, payments):
    cashier = api.login_as(demo, "cashier")
    first = _sale(api, cashier, [{"sku": "KOPI-250", "qty": 1}]).json
    second = _sale(api, cashier, [{"sku": "TEH-350", "qty": 1}]).json
    cash = _sale(api, cashier, [{"sku": "TEH-350", "qty": 1}], method="CASH").json
    assert cash["qr_string"] is None and not [t for t in payments.transactions()
                                              if t["order_id"].startswith(cash["order_id"])]  # no QRIS charge
    mine = api.get("/sales/pending?device=mine", auth=cashier).json["orders"]
    ids = [o["order_id"] for o in mine]
    assert ids[:2] == [cash["order_id"], second["order_id"]] and first["order_id"] in ids
    live = next(o for o in mine if o["order_id"] == first["order_id"])
    assert live["qr_string"] == first["qr_string"] and live["expires_at"] == first["expires_at"]  # resumable
    payments.pay(_ref(first))
    payments.wait_idle()
    ids = [o["order_id"] for o in api.get("/sales/pending?device=mine", auth=cashier).json["orders"]]
    assert first["order_id"] not in ids and second["order_id"] in ids
    # Another kiosk of the store: none of them are its sales, but the store's list has them.
    kiosk = api.post("/devices/pair", {"code": demo["pairing_codes"]["kiosk"], "name": "Kasir 2"}).json
    person = next(s for s in demo["staff"] if s["role"] == "cashier")
    other = api.login(kiosk["device_token"], person["staff_id"], person["pin"])
    assert api.get("/sales/pending?device=mine", auth=other).json["orders"] == []
    assert second["order_id"] in [o["order_id"] for o in api.get("/sales/pending", auth=other).json["orders"]]


def test_a_qr_paid_while_cash_was_taken_is_told_and_no_cash_is_recorded(api, demo, payments):
    cashier = api.login_as(demo, "cashier")
    payments.callback_url = None  # the notification has not reached us yet
    order = _sale(api, cashier, [{"sku": "BERAS-5", "qty": 1}]).json
    payments.pay(_ref(order))
    r = api.post(f"/sales/{order['order_id']}/cash", {"amount_received": 100_000}, auth=cashier,
                 headers={"Idempotency-Key": str(uuid.uuid4())})
    assert r.status == 200 and r.json["status"] == "COMPLETED"
    assert r.json["notice"]["code"] == "qris_paid_return_cash" and "kembalikan uang tunai" in r.json["notice"]["message"]
    assert r.json["payment"]["method"] == "QRIS" and r.json["payment"]["cash_received"] is None
    rec = OrderRecord.get(order["order_id"])
    assert rec.payment_method == "QRIS" and rec.cash_received is None
    again = api.post(f"/sales/{order['order_id']}/cash", {"amount_received": 100_000}, auth=cashier,
                     headers={"Idempotency-Key": str(uuid.uuid4())})
    assert again.json["notice"]["code"] == "qris_paid_return_cash"  # told again, still nothing recorded


def test_batal_on_a_qr_paid_meanwhile_is_told_and_the_sale_stands(api, demo, payments):
    cashier = api.login_as(demo, "cashier")
    payments.callback_url = None
    order = _sale(api, cashier, [{"sku": "MIE-GRG", "qty": 2}]).json
    payments.pay(_ref(order))
    r = api.post(f"/sales/{order['order_id']}/cancel", auth=cashier)
    assert r.status == 200 and r.json["status"] == "COMPLETED" and r.json["notice"]["code"] == "qris_paid_not_cancelled"
