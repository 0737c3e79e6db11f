"""Midtrans adapter: signature, status mapping, callbacks, and the calls it makes (fake transport)."""
from __future__ import annotations

import base64
import json
from datetime import datetime, timedelta, timezone

import pytest

from chalicelib.core.clock import FixedClock
from chalicelib.core.errors import Unauthorized, UpstreamError, ValidationError
from chalicelib.core.http import HttpResponse
from chalicelib.payments.providers import GatewayNotFound, MidtransGateway, PaymentGateway
from chalicelib.payments.providers.midtrans import map_status, notification_signature

# Server key printed in Midtrans' "Receiving notifications" docs (https://docs.midtrans.com/reference/receiving-notifications).
DOC_KEY = "askvnoibnosifnboseofinbofinfgbiufglnbfg"
# A signed status body from dilab/omnipay-midtrans tests/Message/SnapWindowRedirectionCompletePurchaseResponseTest.php:
# its signature_key was computed by someone else for the docs' key, so verifying it checks our formula.
DILAB_SIGNED = {
    "status_code": "200", "status_message": "Success, transaction found",
    "transaction_id": "249fc620-6017-4540-af7c-5a1c25788f46", "masked_card": "481111-1114", "order_id": "1111",
    "payment_type": "credit_card", "transaction_time": "2015-02-26 14:39:33", "transaction_status": "capture",
    "fraud_status": "accept", "approval_code": "1424936374393",
    "signature_key": "edc076b21793ebe3e17926350f5b8ae67d902fe657b3d0aa31b932d5c127e2375d308a2bc94f3265ac2d80"
                     "a1f181a79b997ac178a236fcff35af263fc4d4c231",
    "bank": "bni", "gross_amount": "100000.00",
}
# The QRIS charge response and notification published in Midtrans' GoPay/QRIS POS guide
# (Midtrans/technical-documentation-site en/other/faq/gopay-pos.md, commit 393a9a50).
CHARGE_RESPONSE = {
    "status_code": "201", "status_message": "QRIS transaction is created",
    "transaction_id": "1015a919-b03f-450a-bc85-b38202a79a96", "order_id": "order102", "merchant_id": "G490526303",
    "gross_amount": "789000.00", "currency": "IDR", "payment_type": "qris", "transaction_time": "2021-06-23 15:25:24",
    "transaction_status": "pending", "fraud_status": "accept",
    "actions": [{"name": "generate-qr-code", "method": "GET",
                 "url": "https://api.midtrans.com/v2/qris/1015a919-b03f-450a-bc85-b38202a79a96/qr-code"}],
    "qr_string": "00020101021226620014COM.GO-JEK.WWW011993600914349052630340210G4905263030303UKE51440014ID.CO.QRIS"
                 ".WWW0215AID0607336128660303UKE5204341453033605802ID5904Test6007BANDUNG6105402845409789000.006247503"
                 "6c032f87c-f773-4619-aefa-675e1f06f9210703A016304A623",
    "acquirer": "gopay",
}
NOTIFICATION = {
    "transaction_type": "on-us", "transaction_time": "2021-06-23 15:45:42", "transaction_status": "settlement",
    "transaction_id": "1015a919-b03f-450a-bc85-b38202a79a96", "status_message": "midtrans payment notification",
    "status_code": "200", "settlement_time": "2021-06-23 15:46:00", "payment_type": "qris", "order_id": "order102",
    "merchant_id": "G490526303", "issuer": "gopay", "gross_amount": "789000.00", "fraud_status": "accept",
    "currency": "IDR", "acquirer": "gopay",
}
KEY = "SB-Mid-server-TEST"
NOW = datetime(2021, 6, 23, 8, 25, 24, tzinfo=timezone.utc).timestamp()  # 15:25:24 WIB


class FakeTransport:
    """Stands in for chalicelib.core.http.request: records calls, answers from a queue."""

    def __init__(self, *responses: tuple[int, object]):
        self.responses = list(responses)
        self.calls: list[dict] = []

    def __call__(self, method, url, *, json_body=None, headers=None, timeout=10.0, system="upstream", data=None):
        self.calls.append({"method": method, "url": url, "json": json_body, "headers": headers or {}})
        status, body = self.responses.pop(0)
        raw = body if isinstance(body, bytes) else json.dumps(body).encode()
        return HttpResponse(status=status, body=raw, headers={})


def gateway(*responses, **kw) -> tuple[MidtransGateway, FakeTransport]:
    transport = FakeTransport(*responses)
    kw.setdefault("server_key", KEY)
    return MidtransGateway(base_url="https://api.sandbox.midtrans.com/", transport=transport,
                           clock=FixedClock(NOW), **kw), transport


def signed(body: dict, key: str = KEY) -> bytes:
    body = dict(body)
    body["signature_key"] = notification_signature(body["order_id"], body["status_code"], body["gross_amount"], key)
    return json.dumps(body).encode()


# --- signature --------------------------------------------------------------------------------

def test_signature_matches_an_independently_computed_one():
    assert notification_signature("1111", "200", "100000.00", DOC_KEY) == DILAB_SIGNED["signature_key"]


def test_signature_uses_gross_amount_as_written():
    assert notification_signature("1111", "200", "100000", DOC_KEY) != DILAB_SIGNED["signature_key"]
    assert notification_signature("1111", "200", "100000", DOC_KEY).startswith("5f363520")


def test_verifies_a_third_party_signed_body():
    g = MidtransGateway(server_key=DOC_KEY)
    event = g.parse_callback({}, json.dumps(DILAB_SIGNED).encode())
    assert (event.order_ref, event.status, event.amount) == ("1111", "paid", 100000)
    assert event.event_key == "midtrans:249fc620-6017-4540-af7c-5a1c25788f46:capture:200"


# --- status mapping ---------------------------------------------------------------------------

@pytest.mark.parametrize("midtrans, fraud, ours", [
    ("settlement", "accept", "paid"), ("capture", "accept", "paid"), ("settlement", None, "paid"),
    ("capture", "challenge", "pending"), ("settlement", "deny", "failed"),
    ("pending", "accept", "pending"), ("authorize", None, "pending"),
    ("deny", "accept", "failed"), ("failure", None, "failed"),
    ("expire", "accept", "expired"), ("cancel", "accept", "cancelled"),
    ("refund", None, "refunded"), ("partial_refund", None, "refunded"), ("chargeback", None, "refunded"),
])
def test_map_status(midtrans, fraud, ours):
    assert map_status(midtrans, fraud) == ours


def test_unknown_status_is_an_upstream_error():
    with pytest.raises(UpstreamError) as exc:
        map_status("teleported")
    assert exc.value.code == "gateway_unknown_status"


# --- parse_callback ---------------------------------------------------------------------------

def test_parses_the_published_qris_notification():
    g, _ = gateway()
    event = g.parse_callback({"Content-Type": "application/json"}, signed(NOTIFICATION))
    assert event.order_ref == "order102"
    assert event.status == "paid"
    assert event.amount == 789000
    assert event.issuer == "gopay"
    assert event.paid_at == int(datetime(2021, 6, 23, 8, 46, tzinfo=timezone.utc).timestamp())  # 15:46 WIB
    assert event.provider == "midtrans" and event.provider_ref == "1015a919-b03f-450a-bc85-b38202a79a96"
    assert event.event_key == "midtrans:1015a919-b03f-450a-bc85-b38202a79a96:settlement:200"
    assert event.raw["merchant_id"] == "G490526303"


def test_redelivery_has_the_same_key_and_other_statuses_their_own():
    g, _ = gateway()
    first = g.parse_callback({}, signed(NOTIFICATION))
    again = g.parse_callback({}, signed(NOTIFICATION))
    pending = g.parse_callback({}, signed(dict(NOTIFICATION, transaction_status="pending", status_code="201")))
    assert first.event_key == again.event_key
    assert pending.event_key != first.event_key
    assert pending.status == "pending" and pending.issuer is None and pending.paid_at is None


def test_expire_notification_with_status_code_202():
    g, _ = gateway()
    event = g.parse_callback({}, signed(dict(NOTIFICATION, transaction_status="expire", status_code="202")))
    assert event.status == "expired" and event.paid_at is None
    assert event.event_key.endswith(":expire:202")


@pytest.mark.parametrize("tamper", [
    {"gross_amount": "789000"},  # the classic: ".00" stripped
    {"gross_amount": "1.00"},  # amount changed
    {"order_id": "order103"},
    {"status_code": "201"},
])
def test_tampered_body_is_refused(tamper):
    g, _ = gateway()
    body = json.loads(signed(NOTIFICATION))
    body.update(tamper)
    with pytest.raises(Unauthorized) as exc:
        g.parse_callback({}, json.dumps(body).encode())
    assert exc.value.code == "bad_signature" and exc.value.status == 401


def test_other_server_key_is_refused():
    g, _ = gateway()
    with pytest.raises(Unauthorized):
        g.parse_callback({}, signed(NOTIFICATION, key="SB-Mid-server-OTHER"))


@pytest.mark.parametrize("body", [b"", b"not json", b"[1, 2]", b"\xff\xfe",
                                  json.dumps(dict(NOTIFICATION)).encode(),  # no signature_key at all
                                  json.dumps(dict(NOTIFICATION, signature_key=None)).encode()])
def test_unverifiable_bodies_are_unauthorized(body):
    g, _ = gateway()
    with pytest.raises(Unauthorized):
        g.parse_callback({}, body)


def test_upper_case_signature_is_accepted():
    g, _ = gateway()
    body = json.loads(signed(NOTIFICATION))
    body["signature_key"] = body["signature_key"].upper()
    assert g.parse_callback({}, json.dumps(body).encode()).status == "paid"


@pytest.mark.parametrize("gross, amount", [("10000.00", 10000), ("10000", 10000), ("10000.0", 10000)])
def test_amount_strings(gross, amount):
    g, _ = gateway()
    assert g.parse_callback({}, signed(dict(NOTIFICATION, gross_amount=gross))).amount == amount


def test_fractional_rupiah_in_a_signed_callback_is_refused():
    g, _ = gateway()
    with pytest.raises(UpstreamError) as exc:
        g.parse_callback({}, signed(dict(NOTIFICATION, gross_amount="10000.50")))
    assert exc.value.code == "gateway_bad_amount"


def test_issuer_is_lower_cased_and_falls_back_to_acquirer_when_paid():
    g, _ = gateway()
    assert g.parse_callback({}, signed(dict(NOTIFICATION, issuer="DANA"))).issuer == "dana"
    no_issuer = {k: v for k, v in NOTIFICATION.items() if k != "issuer"}
    assert g.parse_callback({}, signed(no_issuer)).issuer == "gopay"


# --- create_qris ------------------------------------------------------------------------------

def test_create_qris_sends_a_qris_charge_and_checks_the_qr():
    g, t = gateway((200, CHARGE_RESPONSE), notification_url="https://pos.example/api/callbacks/midtrans")
    charge = g.create_qris("order102", 789000, int(NOW) + 900, "Kopi susu x 3")
    call = t.calls[0]
    assert call["method"] == "POST" and call["url"] == "https://api.sandbox.midtrans.com/v2/charge"
    assert call["headers"]["Authorization"] == "Basic " + base64.b64encode(f"{KEY}:".encode()).decode()
    assert call["headers"]["X-Override-Notification"] == "https://pos.example/api/callbacks/midtrans"
    assert call["json"] == {
        "payment_type": "qris",
        "transaction_details": {"order_id": "order102", "gross_amount": 789000},
        "qris": {"acquirer": "gopay"},
        "custom_expiry": {"order_time": "2021-06-23 15:25:24 +0700", "expiry_duration": 900, "unit": "second"},
        "item_details": [{"id": "order102", "price": 789000, "quantity": 1, "name": "Kopi susu x 3"}],
    }
    assert charge.provider == "midtrans"
    assert charge.provider_ref == "1015a919-b03f-450a-bc85-b38202a79a96"
    assert charge.qr_string == CHARGE_RESPONSE["qr_string"]
    assert charge.expires_at == int(NOW) + 900


def test_create_qris_uses_the_gateways_expiry_time_when_given():
    g, _ = gateway((200, dict(CHARGE_RESPONSE, expiry_time="2021-06-23 15:40:24")))
    charge = g.create_qris("order102", 789000, int(NOW) + 60, "")
    assert charge.expires_at == int(NOW) + 900


def test_create_qris_without_description_sends_no_items():
    g, t = gateway((200, CHARGE_RESPONSE))
    g.create_qris("order102", 789000, int(NOW) + 900, "")
    assert "item_details" not in t.calls[0]["json"]
    assert "X-Override-Notification" not in t.calls[0]["headers"]


def test_qr_for_another_amount_is_refused():
    g, _ = gateway((200, CHARGE_RESPONSE))
    with pytest.raises(UpstreamError) as exc:
        g.create_qris("order102", 789001, int(NOW) + 900, "")
    assert exc.value.code == "gateway_bad_qr" and "789001" in exc.value.message


def test_missing_or_broken_qr_string_is_refused():
    g, _ = gateway((200, dict(CHARGE_RESPONSE, qr_string=None)),
                   (200, dict(CHARGE_RESPONSE, qr_string=CHARGE_RESPONSE["qr_string"][:-1] + "4")))
    with pytest.raises(UpstreamError, match="qr_string"):
        g.create_qris("order102", 789000, int(NOW) + 900, "")
    with pytest.raises(UpstreamError, match="bad CRC"):
        g.create_qris("order102", 789000, int(NOW) + 900, "")


def test_denied_charge():
    g, _ = gateway((200, dict(CHARGE_RESPONSE, status_code="202", transaction_status="deny",
                              status_message="QRIS transaction is denied")))
    with pytest.raises(UpstreamError, match="denied"):
        g.create_qris("order102", 789000, int(NOW) + 900, "")


@pytest.mark.parametrize("args, code", [
    (("order 102", 1000), "invalid_order_ref"),
    (("x" * 51, 1000), "invalid_order_ref"),
    (("order102", 1000.0), "fractional_amount"),
    (("order102", 0), "invalid_amount"),
])
def test_create_qris_validates_input(args, code):
    g, t = gateway()
    with pytest.raises(ValidationError) as exc:
        g.create_qris(*args, int(NOW) + 900, "")
    assert exc.value.code == code and not t.calls


def test_expiry_in_the_past_is_refused():
    g, _ = gateway()
    with pytest.raises(ValidationError, match="lewat"):
        g.create_qris("order102", 1000, int(NOW), "")


# --- errors -------------------------------------------------------------------------------------

@pytest.mark.parametrize("status, body, code", [
    (401, {"status_code": "401", "status_message": "Access denied due to unauthorized transaction"}, "gateway_auth_failed"),
    (200, {"status_code": "406", "status_message": "Duplicate order ID."}, "gateway_duplicate"),
    (200, {"status_code": "400", "status_message": "One or more parameters in the payload is invalid."}, "gateway_rejected"),
    (500, b"<html>Internal error</html>", "gateway_unavailable"),
    (503, {"status_code": "503", "status_message": "Service unavailable"}, "gateway_unavailable"),
    (302, b"", "gateway_redirect"),
    (200, b"<html>captive portal</html>", "gateway_bad_response"),
])
def test_gateway_errors_become_upstream_errors(status, body, code):
    g, _ = gateway((status, body))
    with pytest.raises(UpstreamError) as exc:
        g.create_qris("order102", 789000, int(NOW) + 900, "")
    assert exc.value.code == code
    assert exc.value.status == 502


def test_unknown_transaction_is_gateway_not_found():
    g, t = gateway((404, {"status_code": "404", "status_message": "Transaction doesn't exist."}))
    with pytest.raises(GatewayNotFound) as exc:
        g.get_status("order-unknown")
    assert exc.value.details["gateway_code"] == "404"
    assert t.calls[0]["url"] == "https://api.sandbox.midtrans.com/v2/order-unknown/status"


# --- status and cancel ------------------------------------------------------------------------

def test_get_status_reads_a_settled_transaction():
    g, t = gateway((200, dict(NOTIFICATION, status_message="Success, transaction is found")))
    status = g.get_status("order102")
    assert t.calls[0]["method"] == "GET"
    assert t.calls[0]["url"] == "https://api.sandbox.midtrans.com/v2/order102/status"
    assert (status.status, status.amount, status.issuer) == ("paid", 789000, "gopay")
    assert status.provider_ref == "1015a919-b03f-450a-bc85-b38202a79a96"


def test_get_status_of_an_expired_transaction_with_status_code_407():
    g, _ = gateway((200, dict(CHARGE_RESPONSE, status_code="407", transaction_status="expire",
                              status_message="Success, transaction is found")))
    assert g.get_status("order102").status == "expired"


def test_cancel_pending():
    g, t = gateway((200, dict(CHARGE_RESPONSE, status_code="200", transaction_status="cancel",
                              status_message="Success, transaction is canceled")))
    assert g.cancel("order102").status == "cancelled"
    assert t.calls[0]["method"] == "POST" and t.calls[0]["url"].endswith("/v2/order102/cancel")


def test_cancel_after_payment_reports_paid():
    g, t = gateway((412, {"status_code": "412", "status_message": "Merchant cannot modify the status of the transaction"}),
                   (200, NOTIFICATION))
    result = g.cancel("order102")
    assert result.status == "paid" and result.amount == 789000
    assert [c["url"].rsplit("/", 1)[-1] for c in t.calls] == ["cancel", "status"]


def test_satisfies_the_gateway_protocol_and_hides_the_key():
    g, _ = gateway()
    assert isinstance(g, PaymentGateway)
    assert KEY not in repr(g)


def test_times_are_read_in_wib():
    g, _ = gateway()
    event = g.parse_callback({}, signed(dict(NOTIFICATION, settlement_time="2021-01-01 00:00:00")))
    assert event.paid_at == int((datetime(2021, 1, 1, tzinfo=timezone.utc) - timedelta(hours=7)).timestamp())
