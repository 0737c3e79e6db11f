"""Biteship webhook verification and the payload shapes it sends."""
from __future__ import annotations

import json

import pytest

from chalicelib.core.errors import Unauthorized, ValidationError
from chalicelib.shipping.model import CourierEventKind, ShipmentStatus
from chalicelib.shipping.providers.biteship import DEFAULT_WEBHOOK_HEADER, BiteshipProvider, parse_webhook

SECRET = "s3cret-webhook-value"
GOOD = {DEFAULT_WEBHOOK_HEADER: SECRET, "Content-Type": "application/json"}

# Flat shape read by independent integrations.
FLAT_STATUS = {
    "event": "order.status", "courier_tracking_id": "6de509ebdefgh4158ij3451c", "courier_waybill_id": "jne00123456789",
    "courier_company": "jne", "courier_type": "reg", "courier_driver_name": None, "courier_driver_phone": None,
    "courier_link": None, "order_id": "5dd599ebdefcd4158eb8470b", "order_price": 48000, "status": "picked",
}
# Nested shape of an SDK fixture.
NESTED_WAYBILL = {
    "event": "order.waybill_id", "order_id": "ORD-123456",
    "courier": {"company": "jne", "type": "REG", "tracking_id": "TRK-789", "waybill_id": "JNE00123456789"},
}


def body(payload: dict) -> bytes:
    return json.dumps(payload).encode()


@pytest.mark.parametrize("empty", [b"", "", None, b"  \n"])
def test_installation_ping_with_empty_body_is_ok_without_a_secret(empty):
    assert parse_webhook({}, empty, secret=SECRET) is None


def test_ping_is_ok_even_when_the_store_has_no_secret_yet():
    assert parse_webhook({}, b"", secret=None) is None


@pytest.mark.parametrize("headers", [{}, {DEFAULT_WEBHOOK_HEADER: "wrong"}, {DEFAULT_WEBHOOK_HEADER: SECRET[:-1]},
                                     {"Authorization": SECRET}])
def test_missing_or_wrong_secret_is_refused(headers):
    with pytest.raises(Unauthorized) as exc:
        parse_webhook(headers, body(FLAT_STATUS), secret=SECRET)
    assert exc.value.code == "courier_webhook_unauthorized"
    assert exc.value.status == 401


def test_a_store_without_a_configured_secret_accepts_no_events():
    with pytest.raises(Unauthorized, match="belum diatur"):
        parse_webhook({DEFAULT_WEBHOOK_HEADER: ""}, body(FLAT_STATUS), secret=None)


def test_header_name_is_case_insensitive_and_configurable():
    assert parse_webhook({DEFAULT_WEBHOOK_HEADER.lower(): SECRET}, body(FLAT_STATUS), secret=SECRET)
    assert parse_webhook({"X-Callback-Token": SECRET}, body(FLAT_STATUS), secret=SECRET, header="x-callback-token")


def test_flat_status_event():
    event = parse_webhook(GOOD, body(FLAT_STATUS), secret=SECRET)
    assert event.kind is CourierEventKind.STATUS
    assert event.provider_order_id == "5dd599ebdefcd4158eb8470b"
    assert event.status is ShipmentStatus.PICKED
    assert event.awb == "JNE00123456789"
    assert event.courier == "jne"
    assert event.price == 48000
    assert event.reference is None
    assert event.raw == FLAT_STATUS


def test_nested_waybill_event():
    event = parse_webhook(GOOD, body(NESTED_WAYBILL), secret=SECRET)
    assert event.kind is CourierEventKind.WAYBILL
    assert (event.provider_order_id, event.awb, event.courier, event.status) == (
        "ORD-123456", "JNE00123456789", "jne", None)


def test_status_event_with_nested_courier_and_null_waybill():
    payload = {"event": "order.status", "order_id": "ORD-1", "status": "droppingOff",
               "courier": {"company": "sicepat", "waybill_id": None}}
    event = parse_webhook(GOOD, body(payload), secret=SECRET)
    assert (event.status, event.awb, event.courier) == (ShipmentStatus.DROPPING_OFF, None, "sicepat")


def test_price_event():
    payload = {"event": "order.price", "order_id": "ORD-1", "courier_waybill_id": "JNE1", "price": 52000.0,
               "status": "picked"}
    event = parse_webhook(GOOD, body(payload), secret=SECRET)
    assert (event.kind, event.price, event.status) == (CourierEventKind.PRICE, 52000, ShipmentStatus.PICKED)


def test_reference_is_read_when_echoed():
    event = parse_webhook(GOOD, body({**FLAT_STATUS, "reference_id": "SALE-9"}), secret=SECRET)
    assert event.reference == "SALE-9"


def test_an_unknown_status_is_kept_raw_not_mapped():
    event = parse_webhook(GOOD, body({**FLAT_STATUS, "status": "teleported"}), secret=SECRET)
    assert event.status is None
    assert "teleported" in event.event_key


def test_event_types_we_do_not_use_are_ignored():
    assert parse_webhook(GOOD, body({"event": "order.created", "order_id": "X"}), secret=SECRET) is None
    assert parse_webhook(GOOD, body({}), secret=SECRET) is None


def test_a_redelivery_has_the_same_event_key_and_news_a_new_one():
    first = parse_webhook(GOOD, body(FLAT_STATUS), secret=SECRET)
    again = parse_webhook(GOOD, json.dumps(FLAT_STATUS, indent=2), secret=SECRET)
    later = parse_webhook(GOOD, body({**FLAT_STATUS, "status": "dropping_off"}), secret=SECRET)
    resi = parse_webhook(GOOD, body({**NESTED_WAYBILL, "order_id": FLAT_STATUS["order_id"]}), secret=SECRET)
    assert first.event_key == again.event_key
    assert len({first.event_key, later.event_key, resi.event_key}) == 3


@pytest.mark.parametrize("raw", [b"{not json", b"[1, 2]", body({"event": "order.status", "status": "picked"})])
def test_unreadable_bodies_are_refused_clearly(raw):
    with pytest.raises(ValidationError) as exc:
        parse_webhook(GOOD, raw, secret=SECRET)
    assert exc.value.code == "courier_webhook_invalid"


def test_secret_is_checked_before_the_body_is_read():
    with pytest.raises(Unauthorized):
        parse_webhook({}, b"{not json", secret=SECRET)


def test_provider_uses_the_store_secret_and_header():
    provider = BiteshipProvider("biteship_test.key", webhook_secret=SECRET, webhook_header="X-Toko-Secret")
    assert provider.parse_webhook({"X-Toko-Secret": SECRET}, body(FLAT_STATUS)).status is ShipmentStatus.PICKED
    with pytest.raises(Unauthorized):
        provider.parse_webhook(GOOD, body(FLAT_STATUS))
