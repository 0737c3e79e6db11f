"""A book order paid at the kiosk by QRIS on the running local stack, shipped through the courier
simulator over real HTTP: AWB, the customer's message, a status webhook, and its label printed."""
import uuid

from tests.e2e.webclient import Http
from tests.helpers import wait_until


def _wait(fn, timeout=30.0):
    return wait_until(fn, timeout=timeout, step=0.3)


def test_paid_book_order_gets_an_awb_from_the_courier_simulator(stack):
    http = Http(stack.url)
    cs = http.login_as(stack.state, "cs")
    phone = "0812-6666-" + str(uuid.uuid4().int % 10000).zfill(4)
    status, booked, _ = http.post("/api/book-orders", {
        "items": [{"sku": stack.state["products"][1]["sku"], "qty": 1}], "customer_name": "Rani Lestari",
        "phone": phone, "address": "Jl. Cempaka No. 7, Bandung 40115", "shipping_fee": 15_000, "channel": "whatsapp",
        "courier": "JNE REG"}, auth=cs, headers={"Idempotency-Key": str(uuid.uuid4())})
    assert status == 201, booked
    status, paying, _ = http.post(f"/api/sales/{booked['order_id']}/book-order/pay-qris", auth=cs)
    assert status == 200 and paying["qr_string"], paying
    status, _, _ = Http(stack.state["gateway_simulator_url"]).post(
        "/sim/scan", {"qr_string": paying["qr_string"], "action": "pay", "issuer": "dana"})
    assert status == 200

    def shipment():
        status, body, _ = http.get(f"/api/shipping/shipments/{booked['order_id']}", auth=cs)
        return body if status == 200 and body["awb"] else None

    shipped = _wait(shipment)
    courier = Http(stack.state["courier_simulator_url"])
    _, sim, _ = courier.get("/sim/orders")
    [order] = [o for o in sim["orders"] if o["reference_id"] == booked["order_id"]]
    assert shipped["awb"] == order["courier"]["waybill_id"] and shipped["status"] == "confirmed"

    def awb_message():
        _, msgs, _ = http.get("/api/dev/messages")
        return [m for m in msgs["messages"] if m["to"].endswith(phone[-4:]) and shipped["awb"] in m["text"]]

    [message] = _wait(awb_message)
    assert "JNE REG" in message["text"]

    status, _, _ = courier.post(f"/sim/orders/{order['id']}/advance", {})  # the courier is on its way
    assert status == 200
    _wait(lambda: http.get(f"/api/shipping/shipments/{booked['order_id']}", auth=cs)[1]["status"] == "allocated")

    status, printed, _ = http.post("/api/shipping/labels/print-unprinted", {}, auth=cs,
                                   headers={"Idempotency-Key": str(uuid.uuid4())})
    assert status == 201 and booked["order_id"] in [label["shipment_id"] for label in printed["labels"]], printed
    assert http.get(f"/api/shipping/shipments/{booked['order_id']}", auth=cs)[1]["label"]["printed"] is True
