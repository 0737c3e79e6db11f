"""The Biteship adapter's booking steps, payload and error mapping, against scripted HTTP answers.

The simulator tests (tests/integration/test_courier_sim.py) run the same adapter over real HTTP;
these pin down each recovery branch one request at a time.
"""
from __future__ import annotations

import json
from urllib.parse import parse_qs, urlsplit

import pytest

from chalicelib.core.errors import UpstreamError, ValidationError
from chalicelib.core.http import HttpResponse, HttpTimeout
from chalicelib.shipping.model import Coordinate, ShipmentItem, ShipmentRequest, ShipmentStatus, ShippingAddress
from chalicelib.shipping.providers import (
    CourierAuthFailed,
    CourierInsufficientBalance,
    CourierInvalidAddress,
    CourierOrderNotFound,
    CourierRateLimited,
    CourierRequestRejected,
    CourierServiceUnavailable,
    CourierTimeout,
    CourierUnavailable,
)
from chalicelib.shipping.providers import biteship
from chalicelib.shipping.providers.biteship import BiteshipProvider

KEY = "biteship_test.abc123"
REF = "01JD0SALE0000000000000000A"
DRAFT = {"success": True, "object": "draft_order", "id": "d-1", "order_id": None, "status": "ready",
         "reference_id": REF}
ORDER = {
    "success": True, "object": "order", "id": "5dd599ebdefcd4158eb8470b", "reference_id": REF, "price": 48000,
    "status": "confirmed",
    "courier": {"tracking_id": "trk-1", "waybill_id": "wyb-1112223333443", "company": "jne", "type": "reg",
                "link": "https://track.biteship.com?waybill_id=WYB-1112223333443"},
}
TIMEOUT = HttpTimeout("Biteship tidak menjawab tepat waktu.")


class ScriptedBiteship:
    """Stands in for ``core.http.request``: answers each call from a script and records it."""

    def __init__(self, *steps):
        self.steps = list(steps)
        self.calls: list[dict] = []

    def __call__(self, method, url, *, json_body=None, headers=None, timeout=10.0, system="upstream", data=None):
        parts = urlsplit(url)
        self.calls.append({"method": method, "path": parts.path, "query": parse_qs(parts.query),
                           "json": json_body, "headers": headers, "timeout": timeout})
        assert self.steps, f"unexpected call {method} {parts.path}"
        want_method, want_path, answer = self.steps.pop(0)
        assert (method, parts.path) == (want_method, want_path)
        if isinstance(answer, Exception):
            raise answer
        status, body = answer
        raw = body if isinstance(body, bytes) else json.dumps(body).encode()
        return HttpResponse(status=status, body=raw, headers={})

    def paths(self) -> list[str]:
        return [f"{c['method']} {c['path']}" for c in self.calls]


@pytest.fixture
def script(monkeypatch):
    def install(*steps) -> ScriptedBiteship:
        fake = ScriptedBiteship(*steps)
        monkeypatch.setattr(biteship, "request", fake)
        return fake
    return install


def make_request(**overrides) -> ShipmentRequest:
    fields = {
        "reference": REF,
        "origin": ShippingAddress("Toko Sambung", "+6281234567890", "Jl. Asia Afrika 8", postal_code="12440",
                                  note="Dekat pintu masuk"),
        "destination": ShippingAddress("Sari", "0812-9876-5432", "Jl. Kartini 2", area_id="IDNP6IDNC147",
                                       coordinate=Coordinate(-6.28927, 106.77492), contact_email="sari@example.id"),
        "courier_company": "jne", "courier_type": "reg",
        "items": [ShipmentItem("Kaos", 100_000, 300, 2)],
    }
    fields.update(overrides)
    return ShipmentRequest(**fields)


def provider(**kwargs) -> BiteshipProvider:
    return BiteshipProvider(KEY, base_url="https://biteship.test/", timeout_s=3.0, **kwargs)


def test_books_through_a_draft_keyed_by_our_sale_id(script):
    fake = script(("POST", "/v1/draft_orders", (200, DRAFT)),
                  ("POST", "/v1/draft_orders/d-1/confirm", (200, ORDER)))
    info = provider().create_order(make_request(cod_amount=250_000, insurance_amount=200_000, note="Fragile"))
    assert info.provider_order_id == "5dd599ebdefcd4158eb8470b"
    assert info.awb == "WYB-1112223333443"
    assert info.status is ShipmentStatus.CONFIRMED
    assert (info.courier_company, info.courier_type, info.price) == ("jne", "reg", 48000)
    assert info.tracking_id == "trk-1"
    assert info.tracking_url.startswith("https://track.biteship.com")
    assert info.reference == REF
    sent = fake.calls[0]
    assert sent["headers"] == {"Authorization": KEY}  # the raw key, as Biteship's own example sends it
    assert sent["timeout"] == 3.0
    assert sent["json"] == {
        "origin_contact_name": "Toko Sambung", "origin_contact_phone": "081234567890",
        "origin_address": "Jl. Asia Afrika 8", "origin_note": "Dekat pintu masuk", "origin_postal_code": 12440,
        "destination_contact_name": "Sari", "destination_contact_phone": "081298765432",
        "destination_address": "Jl. Kartini 2", "destination_contact_email": "sari@example.id",
        "destination_area_id": "IDNP6IDNC147",
        "destination_coordinate": {"latitude": -6.28927, "longitude": 106.77492},
        "courier_company": "jne", "courier_type": "reg", "delivery_type": "now", "reference_id": REF,
        "items": [{"name": "Kaos", "value": 100_000, "quantity": 2, "weight": 300}],
        "destination_cash_on_delivery": 250_000, "courier_insurance": 200_000, "order_note": "Fragile",
    }


def test_lost_draft_answer_resumes_the_draft_found_by_reference(script):
    fake = script(("POST", "/v1/draft_orders", TIMEOUT),
                  ("GET", "/v1/draft_orders", (200, {"success": True, "drafts": [DRAFT]})),
                  ("POST", "/v1/draft_orders/d-1/confirm", (200, ORDER)))
    assert provider().create_order(make_request()).provider_order_id == ORDER["id"]
    assert fake.calls[1]["query"] == {"reference_id": [REF]}
    assert fake.paths().count("POST /v1/draft_orders") == 1


def test_lost_draft_answer_with_no_draft_found_creates_it_again(script):
    fake = script(("POST", "/v1/draft_orders", UpstreamError("Biteship tidak dapat dihubungi: ProtocolError.")),
                  ("GET", "/v1/draft_orders", (200, {"success": True, "drafts": []})),
                  ("POST", "/v1/draft_orders", (200, DRAFT)),
                  ("POST", "/v1/draft_orders/d-1/confirm", (200, ORDER)))
    assert provider().create_order(make_request()).provider_order_id == ORDER["id"]
    assert not fake.steps


def test_a_retry_after_a_finished_booking_returns_that_order_without_booking_again(script):
    confirmed = {**DRAFT, "status": "confirmed", "order_id": ORDER["id"]}
    fake = script(("POST", "/v1/draft_orders", (422, {"success": False, "error": "Reference ID taken",
                                                      "code": 42211015})),
                  ("GET", "/v1/draft_orders", (200, {"success": True, "drafts": [confirmed]})),
                  ("GET", f"/v1/orders/{ORDER['id']}", (200, ORDER)))
    assert provider().create_order(make_request()).awb == "WYB-1112223333443"
    assert "POST /v1/draft_orders/d-1/confirm" not in fake.paths()


def test_reference_taken_but_no_draft_found_is_a_clear_error(script):
    script(("POST", "/v1/draft_orders", (422, {"success": False, "error": "Reference ID taken", "code": 42211015})),
           ("GET", "/v1/draft_orders", (200, {"success": True, "drafts": []})))
    with pytest.raises(CourierRequestRejected, match="nomor referensi sudah dipakai"):
        provider().create_order(make_request())


def test_lost_confirm_answer_reads_the_order_from_the_draft_instead_of_booking_twice(script):
    fake = script(("POST", "/v1/draft_orders", (200, DRAFT)),
                  ("POST", "/v1/draft_orders/d-1/confirm", TIMEOUT),
                  ("GET", "/v1/draft_orders/d-1", (200, {**DRAFT, "status": "confirmed", "order_id": ORDER["id"]})),
                  ("GET", f"/v1/orders/{ORDER['id']}", (200, ORDER)))
    assert provider().create_order(make_request()).provider_order_id == ORDER["id"]
    assert fake.paths().count("POST /v1/draft_orders/d-1/confirm") == 1


def test_lost_confirm_of_a_draft_still_ready_confirms_again(script):
    fake = script(("POST", "/v1/draft_orders", (200, DRAFT)),
                  ("POST", "/v1/draft_orders/d-1/confirm", TIMEOUT),
                  ("GET", "/v1/draft_orders/d-1", (200, DRAFT)),
                  ("POST", "/v1/draft_orders/d-1/confirm", (200, ORDER)))
    assert provider().create_order(make_request()).provider_order_id == ORDER["id"]
    assert not fake.steps


def test_a_refused_confirm_after_an_earlier_success_returns_that_order(script):
    script(("POST", "/v1/draft_orders", (200, DRAFT)),
           ("POST", "/v1/draft_orders/d-1/confirm", (400, {"success": False, "error": "Draft order can't be confirmed"})),
           ("GET", "/v1/draft_orders/d-1", (200, {**DRAFT, "status": "confirmed", "order_id": ORDER["id"]})),
           ("GET", f"/v1/orders/{ORDER['id']}", (200, ORDER)))
    assert provider().create_order(make_request()).provider_order_id == ORDER["id"]


def test_silence_through_every_retry_is_a_timeout_the_caller_may_retry(script):
    script(("POST", "/v1/draft_orders", (200, DRAFT)),
           ("POST", "/v1/draft_orders/d-1/confirm", TIMEOUT),
           ("GET", "/v1/draft_orders/d-1", (200, DRAFT)),
           ("POST", "/v1/draft_orders/d-1/confirm", TIMEOUT),
           ("GET", "/v1/draft_orders/d-1", (200, DRAFT)))
    with pytest.raises(CourierTimeout) as exc:
        provider().create_order(make_request())
    assert exc.value.code == "courier_timeout"
    assert exc.value.status == 504
    assert "belum pasti dibuat" in exc.value.message


def test_a_draft_that_already_has_its_order_is_not_confirmed_again(script):
    fake = script(("POST", "/v1/draft_orders", (200, {**DRAFT, "order_id": ORDER["id"], "status": "confirmed"})),
                  ("GET", f"/v1/orders/{ORDER['id']}", (200, ORDER)))
    provider().create_order(make_request())
    assert len(fake.calls) == 2


def test_insufficient_balance_on_confirm_does_not_probe_the_draft(script):
    fake = script(("POST", "/v1/draft_orders", (200, DRAFT)),
                  ("POST", "/v1/draft_orders/d-1/confirm", (402, {"success": False, "error": "Balance is not enough"})))
    with pytest.raises(CourierInsufficientBalance) as exc:
        provider().create_order(make_request())
    assert exc.value.message == "Saldo Biteship tidak cukup. Isi saldo lalu coba lagi."
    assert exc.value.code == "courier_insufficient_balance"
    assert len(fake.calls) == 2


def test_find_by_reference_never_adopts_another_sales_draft(script):
    other = {**DRAFT, "id": "d-9", "reference_id": "OTHER", "order_id": "ffff"}
    script(("GET", "/v1/draft_orders", (200, {"success": True, "drafts": [other]})))
    assert provider().find_by_reference(REF) is None


def test_find_by_reference_returns_the_booked_order(script):
    script(("GET", "/v1/draft_orders", (200, {"success": True, "drafts": [{**DRAFT, "order_id": ORDER["id"]}]})),
           ("GET", f"/v1/orders/{ORDER['id']}", (200, ORDER)))
    assert provider().find_by_reference(REF).provider_order_id == ORDER["id"]


def test_find_by_reference_of_an_unconfirmed_draft_is_none(script):
    script(("GET", "/v1/draft_orders", (200, {"success": True, "drafts": [DRAFT]})))
    assert provider().find_by_reference(REF) is None


def test_order_without_awb_or_price_is_still_read(script):
    bare = {"success": True, "id": "abc", "status": "pickingUp", "courier": {"waybill_id": None}}
    script(("GET", "/v1/orders/abc", (200, bare)))
    info = provider().get_order("abc")
    assert (info.awb, info.price, info.status) == (None, None, ShipmentStatus.PICKING_UP)


def test_float_prices_of_whole_rupiah_are_kept_as_int(script):
    script(("GET", "/v1/orders/abc", (200, {**ORDER, "id": "abc", "price": 48000.0})))
    price = provider().get_order("abc").price
    assert price == 48000 and isinstance(price, int)


@pytest.mark.parametrize("status,body,error,code", [
    (401, {"success": False, "error": "Authentication failed", "code": 40000001}, CourierAuthFailed,
     "courier_auth_failed"),
    (400, {"success": False, "error": "Key has not been activated", "code": 40002002}, CourierAuthFailed,
     "courier_auth_failed"),
    (402, {"success": False, "error": "Request failed"}, CourierInsufficientBalance, "courier_insufficient_balance"),
    (400, {"success": False, "error": "Insufficient balance"}, CourierInsufficientBalance,
     "courier_insufficient_balance"),
    (400, {"success": False, "error": "Either destination needs to have postal code or coordinate",
           "code": 40002010}, CourierInvalidAddress, "courier_invalid_area"),
    (400, {"success": False, "error": "Failed due to invalid or missing postal code.", "code": 40002020},
     CourierInvalidAddress, "courier_invalid_area"),
    (400, {"success": False, "error": "Courier is not available for cash on delivery service", "code": 40002009},
     CourierServiceUnavailable, "courier_service_unavailable"),
    (404, {"success": False, "error": "Order not found"}, CourierOrderNotFound, "courier_order_not_found"),
    (429, {"success": False, "error": "Too many requests"}, CourierRateLimited, "courier_rate_limited"),
    (502, b"<html>Bad gateway</html>", CourierUnavailable, "courier_unavailable"),
    (200, b"not json", CourierUnavailable, "courier_unavailable"),
])
def test_biteship_errors_become_clear_merchant_errors(script, status, body, error, code):
    script(("GET", "/v1/orders/x", (status, body)))
    with pytest.raises(error) as exc:
        provider().get_order("x")
    assert exc.value.code == code
    assert isinstance(exc.value, UpstreamError)
    assert exc.value.details["http_status"] == status


def test_a_rejected_field_carries_biteship_reason(script):
    script(("GET", "/v1/orders/x", (400, {"success": False, "error": "Please make sure destination address is filled",
                                          "code": 40002019})))
    with pytest.raises(CourierRequestRejected) as exc:
        provider().get_order("x")
    assert exc.value.message == "Biteship menolak data pengiriman. (Please make sure destination address is filled)"
    assert exc.value.details["provider_code"] == 40002019


def test_unreachable_biteship_is_reported_as_unavailable(script):
    script(("GET", "/v1/orders/x", UpstreamError("Biteship tidak dapat dihubungi: NewConnectionError.")))
    with pytest.raises(CourierUnavailable, match="tidak dapat dihubungi"):
        provider().get_order("x")


def test_a_store_without_an_api_key_gets_a_clear_error():
    with pytest.raises(ValidationError) as exc:
        BiteshipProvider("  ")
    assert exc.value.code == "courier_not_configured"
