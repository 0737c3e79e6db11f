"""A whole store sale over real HTTP on the running local stack: pairing, PIN, shopper
registration, QRIS from the gateway simulator (paid through its scan endpoint, which calls our
callback over HTTP), completion, points, the shopper's messages and the digital receipt."""
import uuid

from chalicelib.payments import qris
from tests.e2e.webclient import Http
from tests.helpers import wait_until


def _wait(fn, timeout=20.0):
    return wait_until(fn, timeout=timeout, step=0.3)


def test_store_sale_to_a_new_shopper(stack):
    http = Http(stack.url)
    admin = http.login_as(stack.state, "admin")
    status, code, _ = http.post("/api/devices/pairing-codes", {"kind": "kiosk"}, auth=admin)
    status, device, _ = http.post("/api/devices/pair", {"code": code["code"], "name": "Tablet E2E"})
    assert status == 201
    cashier = http.login(device["device_token"], "u_sari", "246810")

    phone = "0812-7777-" + str(uuid.uuid4().int % 10000).zfill(4)
    status, body, _ = http.get(f"/api/shoppers/lookup?phone={phone}", auth=cashier)
    assert status == 404
    status, shopper, _ = http.post("/api/shoppers", {"phone": phone, "name": "Wulan", "consent": True}, auth=cashier,
                                   headers={"Idempotency-Key": str(uuid.uuid4())})
    assert status in (200, 201), shopper

    status, order, _ = http.post("/api/sales", {"items": [{"barcode": stack.state["products"][0]["barcode"], "qty": 2}],
                                                "shopper_id": shopper["shopper_id"]},
                                 auth=cashier, headers={"Idempotency-Key": str(uuid.uuid4())})
    assert status == 201 and order["status"] == "AWAITING_PAYMENT", order
    assert qris.parse(order["qr_string"]).amount == order["total"] == 2 * stack.state["products"][0]["price"]

    sim = Http(stack.state["gateway_simulator_url"])
    status, _, _ = sim.post("/sim/scan", {"qr_string": order["qr_string"], "action": "pay", "issuer": "ovo"})
    assert status == 200
    done = _wait(lambda: (lambda r: r if r["status"] == "COMPLETED" else None)(
        http.post(f"/api/sales/{order['order_id']}/status", auth=cashier)[1]))
    assert done["payment"]["issuer"] == "ovo" and done["points_earned"] == order["total"] // 10_000

    status, again, _ = http.get(f"/api/shoppers/lookup?phone={phone}", auth=cashier)
    assert again["points_balance"] == done["points_earned"] and again["visit_count"] == 1

    def shopper_messages():
        _, msgs, _ = http.get("/api/dev/messages")
        mine = [m for m in msgs["messages"] if m["to"].endswith(phone[-4:])]
        return mine if len(mine) >= 2 else None

    msgs = _wait(shopper_messages)
    text = " ".join(m["text"] for m in msgs)
    assert "/receipt.html#" in text and "/activate.html" in text

    status, receipt, _ = http.get(f"/api/receipts/{done['receipt_token']}")
    assert status == 200 and receipt["order_number"] == order["order_no"] and receipt["total"] == order["total"]
