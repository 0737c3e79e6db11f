"""A paid book order's shipment booked at the courier simulator over HTTP, through our service:
AWB at once or later (webhook, polling), failures shown on the shipment, single creation under
timeouts, retries and races."""
from __future__ import annotations

import json
import threading

from chalicelib.core import outbox
from chalicelib.shipping import service
from chalicelib.shipping import settings as shipping_settings
from chalicelib.shipping.model import request_effect_id
from chalicelib.shipping.repo import ShipmentRecord

from .conftest import SECRET, awb_messages, completed_sale, paid_book_order, set_shipping, ship, wait_until


def _view(api, cs, shipment_id):
    r = api.get(f"/shipping/shipments/{shipment_id}", auth=cs)
    assert r.status == 200, r
    return r.json


def test_paid_book_order_is_booked_and_gets_its_awb_at_once(api, shop, courier):
    order_id = paid_book_order(shop)
    assert ship(order_id) == "DONE"
    cs = api.login_as(shop, "cs")
    view = _view(api, cs, order_id)
    [order] = courier.orders()
    assert order["reference_id"] == order_id and order["courier"]["company"] == "jne"
    assert view["status"] == "confirmed" and view["booking"] == "booked" and view["test_mode"] is True
    assert view["awb"] == order["courier"]["waybill_id"] and view["provider_order_id"] == order["id"]
    assert view["courier"]["label"] == "JNE REG" and view["weight_g"] == 2 * 280
    assert view["recipient"]["postal_code"] == "40115" and view["label"] == {
        "printed": False, "printed_at": None, "print_count": 0, "queued": True, "reprint_reason": None}
    [message] = awb_messages(order_id)
    assert message.payload["to"] == "+6281234567890" and message.payload["params"]["awb"] == view["awb"]
    assert message.payload["params"]["courier"] == "JNE REG"
    # The effect running again (a redelivery) books nothing more and sends nothing more.
    service.request_shipment(outbox.OutboxItem.get(request_effect_id(order_id)))
    assert len(courier.orders()) == 1 and len(awb_messages(order_id)) == 1


def test_book_orders_collected_at_the_store_do_not_ship(api, shop, courier):
    order_id = paid_book_order(shop, shipping_fee=0, courier=None)
    assert ship(order_id) is None
    assert ShipmentRecord.count() == 0 and courier.orders() == []


def test_delayed_awb_arrives_by_webhook_and_the_customer_is_told_once(api, shop, courier):
    courier.sim.configure({"awb_delay_s": 0.3})
    order_id = completed_sale(shop)
    ship(order_id)
    cs = api.login_as(shop, "cs")
    first = _view(api, cs, order_id)
    assert first["status"] == "confirmed" and first["awb"] is None and awb_messages() == []
    assert api.get("/shipping/shipments?awb=missing", auth=cs).json["shipments"][0]["shipment_id"] == order_id
    awb = wait_until(lambda: _view(api, cs, order_id)["awb"])
    assert awb == courier.orders()[0]["courier"]["waybill_id"]
    assert api.get("/shipping/shipments?awb=missing", auth=cs).json["shipments"] == []
    # Biteship delivers again: de-duplicated by the event key, still one message.
    payload = {"event": "order.waybill_id", "order_id": first["provider_order_id"], "courier_waybill_id": awb,
               "courier_company": "jne", "courier_type": "reg", "courier_tracking_id": "t"}
    again = api.post("/callbacks/biteship", payload, headers={"X-Sambung-Webhook-Secret": SECRET})
    assert again.status == 200 and again.json["status"] == "duplicate", again
    [message] = awb_messages(order_id)
    assert message.payload["params"]["awb"] == awb
    assert ShipmentRecord.get(order_id).awb_wait is None  # nothing left for the poller


def _poll() -> dict:
    """The scheduled AWB poller, invoked the way EventBridge invokes it."""
    from chalicelib.shipping import events
    from infra.local.pump import FakeLambdaContext, scheduled_event

    return events.poll_awbs(scheduled_event("poll_awbs"), FakeLambdaContext("poll_awbs"))


def test_poller_fetches_an_awb_whose_webhook_never_came(api, shop, courier, clock):
    courier.sim.configure({"awb_delay_s": 0.2, "webhook_url": None})
    order_id = completed_sale(shop)
    ship(order_id)
    wait_until(lambda: courier.orders()[0]["courier"]["waybill_id"])
    assert _poll() == {"asked": 0, "awb": 0, "failed": 0}  # not due yet
    clock.advance(61)
    assert _poll() == {"asked": 1, "awb": 1, "failed": 0}
    rec = ShipmentRecord.get(order_id)
    assert rec.awb == courier.orders()[0]["courier"]["waybill_id"] and rec.awb_wait is None
    clock.advance(3600)
    assert _poll()["asked"] == 0
    assert len(awb_messages(order_id)) == 1


def test_insufficient_balance_is_shown_then_top_up_and_retry_books_once(api, shop, courier, clock):
    courier.sim.configure({"balance": 0})
    order_id = completed_sale(shop)
    assert ship(order_id) == "PENDING"  # the outbox retries later
    cs = api.login_as(shop, "cs")
    view = _view(api, cs, order_id)
    assert view["status"] == "requested" and view["booking"] == "retrying"
    assert view["error"]["code"] == "courier_insufficient_balance"
    assert "Saldo Biteship tidak cukup" in view["error"]["message"]
    listed = api.get("/shipping/shipments?booking=error", auth=cs).json["shipments"]
    assert [s["shipment_id"] for s in listed] == [order_id]
    courier.sim.configure({"balance": 1_000_000})
    retried = api.post(f"/shipping/shipments/{order_id}/retry", auth=cs)
    assert retried.status == 200 and retried.json["booking"] == "booked" and retried.json["error"] is None
    assert retried.json["awb"]
    # The outbox's own retry comes later and finds the booking: one courier order, effect done.
    clock.advance(3600)
    outbox.process_due()
    assert outbox.OutboxItem.get(request_effect_id(order_id)).status == "DONE"
    assert len(courier.orders()) == 1 and len(awb_messages(order_id)) == 1


def test_a_parked_booking_is_shown_and_staff_retry_completes_the_effect(api, shop, courier, clock):
    courier.sim.configure({"balance": 0})
    order_id = completed_sale(shop)
    for _ in range(outbox.MAX_ATTEMPTS):
        ship(order_id)
        clock.advance(3600)
    assert outbox.OutboxItem.get(request_effect_id(order_id)).status == "FAILED"
    cs = api.login_as(shop, "cs")  # after the clock moved on
    assert _view(api, cs, order_id)["booking"] == "parked"
    courier.sim.configure({"balance": 1_000_000})
    assert api.post(f"/shipping/shipments/{order_id}/retry", auth=cs).json["booking"] == "booked"
    assert outbox.OutboxItem.get(request_effect_id(order_id)).status == "DONE"
    assert len(courier.orders()) == 1


def test_a_missing_postal_code_is_fixed_by_staff_on_retry(api, shop, courier):
    order_id = completed_sale(shop, address="Jl. Melati No. 5, Bandung")
    ship(order_id)
    cs = api.login_as(shop, "cs")
    assert _view(api, cs, order_id)["error"]["code"] == "recipient_postal_code_missing"
    assert api.post(f"/shipping/shipments/{order_id}/retry", {"postal_code": "4011"}, auth=cs).status == 400
    fixed = api.post(f"/shipping/shipments/{order_id}/retry", {"postal_code": "40115"}, auth=cs).json
    assert fixed["booking"] == "booked" and fixed["recipient"]["postal_code"] == "40115"
    assert courier.orders()[0]["destination"]["postal_code"] == 40115


def test_a_timeout_and_retries_create_one_courier_order(api, shop, courier, monkeypatch):
    # Every create answer comes after the adapter gave up waiting; the effect happened all the same.
    monkeypatch.setattr(shipping_settings, "COURIER_TIMEOUT_S", 0.25)
    courier.sim.configure({"slow_ms": 600})
    order_id = completed_sale(shop)
    ship(order_id)  # times out, then finds the draft and the order by our reference
    cs = api.login_as(shop, "cs")
    api.post(f"/shipping/shipments/{order_id}/retry", auth=cs)
    courier.sim.configure({"slow_ms": 0})
    view = api.post(f"/shipping/shipments/{order_id}/retry", auth=cs).json
    [order] = courier.orders()
    assert courier.drafts() == 1 and order["reference_id"] == order_id
    assert view["booking"] == "booked" and view["provider_order_id"] == order["id"]


def test_two_bookings_racing_create_one_courier_order(api, shop, courier):
    courier.sim.configure({"slow_ms": 150})
    order_id = completed_sale(shop)
    service.ensure_shipment(order_id)
    results, errors = [], []

    def book():
        try:
            results.append(service.book(order_id).provider_order_id)
        except Exception as exc:  # noqa: BLE001 - collected for the assertion
            errors.append(exc)

    threads = [threading.Thread(target=book) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    [order] = courier.orders()
    assert not errors and set(results) == {order["id"]}
    assert ShipmentRecord.get(order_id).provider_order_id == order["id"]


def test_courier_statuses_run_forward_and_the_end_is_final(api, shop, courier):
    order_id = completed_sale(shop)
    ship(order_id)
    cs = api.login_as(shop, "cs")
    provider_id = _view(api, cs, order_id)["provider_order_id"]
    for _ in range(4):  # allocated, picking_up, picked, dropping_off
        courier.sim.advance(provider_id)
    wait_until(lambda: _view(api, cs, order_id)["status"] == "dropping_off")
    headers = {"X-Sambung-Webhook-Secret": SECRET}

    def hook(status: str):
        body = {"event": "order.status", "order_id": provider_id, "status": status, "courier_waybill_id": None}
        return api.post("/callbacks/biteship", body, headers=headers)

    stale = hook("picked")  # late and out of order
    assert stale.status == 200 and stale.json["outcome"] == "unchanged"
    assert _view(api, cs, order_id)["status"] == "dropping_off"
    assert hook("onHold").json["outcome"] == "applied"  # camelCase, same rank: a parcel held at a hub
    assert hook("delivered").json["outcome"] == "applied"
    assert hook("delivered").json["status"] == "duplicate"
    assert hook("cancelled").json["outcome"] == "unchanged"
    assert hook("returnInTransit").json["outcome"] == "unchanged"
    view = _view(api, cs, order_id)
    assert view["status"] == "delivered" and view["status_label"] == "Terkirim" and view["terminal"]


def test_nested_payload_shape_and_reference_lookup(api, shop, courier):
    courier.sim.configure({"awb_delay_s": 60, "webhook_url": None})
    order_id = completed_sale(shop)
    ship(order_id)
    rec = ShipmentRecord.get(order_id)
    body = {"event": "order.waybill_id", "id": rec.provider_order_id, "reference_id": order_id,
            "courier": {"waybill_id": " jne000111222 ", "company": "jne"}}
    r = api.post("/callbacks/biteship", body, headers={"X-Sambung-Webhook-Secret": SECRET})
    assert r.status == 200 and r.json["outcome"] == "applied"
    assert ShipmentRecord.get(order_id).awb == "JNE000111222"


def test_webhook_with_a_bad_secret_is_refused_and_changes_nothing(api, shop, courier):
    from chalicelib.core.inbox import InboxRecord

    def courier_events() -> int:
        return sum(1 for _ in InboxRecord.scan(InboxRecord.source == "biteship", consistent_read=True))

    courier.sim.configure({"awb_delay_s": 60, "webhook_url": None})
    order_id = completed_sale(shop)
    ship(order_id)
    rec = ShipmentRecord.get(order_id)
    body = {"event": "order.status", "order_id": rec.provider_order_id, "status": "delivered"}
    for headers in ({"X-Sambung-Webhook-Secret": "wrong-secret"}, {}):
        r = api.post("/callbacks/biteship", body, headers=headers)
        assert r.status == 401 and r.error_code == "courier_webhook_unauthorized", r
    assert ShipmentRecord.get(order_id).status == "confirmed" and courier_events() == 0
    # Unknown orders get 404 (Biteship retries; our own write may not have landed yet); the
    # installation check with an empty body gets 200 and does nothing.
    unknown = dict(body, order_id="f" * 24)
    assert api.post("/callbacks/biteship", unknown, headers={"X-Sambung-Webhook-Secret": SECRET}).status == 404
    ping = api.call("POST", "/callbacks/biteship", raw=b"")
    assert ping.status == 200 and courier_events() == 0
    bad_json = api.call("POST", "/callbacks/biteship", raw=b"{not json")
    assert bad_json.status == 400


def test_a_store_without_a_webhook_secret_accepts_no_callbacks(api, shop, courier):
    from chalicelib.staff.repo import StoreRecord

    courier.sim.configure({"awb_delay_s": 60, "webhook_url": None})
    order_id = completed_sale(shop)
    ship(order_id)
    settings = dict(StoreRecord.get(shop["store_id"]).settings["shipping"])
    settings.pop("webhook_secret")
    set_shipping(shop["store_id"], settings)
    rec = ShipmentRecord.get(order_id)
    body = json.dumps({"event": "order.status", "order_id": rec.provider_order_id, "status": "picked"}).encode()
    r = api.call("POST", "/callbacks/biteship", raw=body, headers={"X-Sambung-Webhook-Secret": SECRET})
    assert r.status == 401 and ShipmentRecord.get(order_id).status == "confirmed"
