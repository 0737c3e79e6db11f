"""Xendit QR refunds: the calls the adapter makes, error codes, refund callbacks and what a refunded
payment reads like (fake transport; tests/integration/test_gateway_refunds.py runs the same
against the simulator over HTTP)."""
from __future__ import annotations

import json

import pytest

from chalicelib.core.errors import Unauthorized, UpstreamError, ValidationError
from chalicelib.core.http import HttpResponse, HttpTimeout
from chalicelib.payments.providers import (
    PartialRefundNotSupported,
    RefundExceedsPaid,
    RefundInProgress,
    RefundInsufficientBalance,
    RefundKeyConflict,
    RefundNotAllowed,
    RefundNotFound,
    RefundNotSupported,
    RefundRefused,
    XenditGateway,
)

SECRET = "xnd_development_TEST"
TOKEN = "callback-token-TEST"
QR = "qr_8182837te-87st-49ing-8696-1239bd4d759c"
PAYMENT = "qrpy_8182837te-87st-49ing-8696-1239bd4d759c"
PAYMENTS = {"data": [{"id": PAYMENT, "qr_id": QR, "reference_id": "S-0001-1", "amount": 48500, "currency": "IDR",
                      "status": "SUCCEEDED", "created": "2026-01-03T05:41:02Z", "channel_code": "ID_DANA",
                      "payment_detail": {"source": "DANA"}}], "has_more": False}
REFUND = {"id": "qrrf_4aa6e0b2-0f5c-4c0f-8d35-1a2c3b4d5e6f", "payment_id": PAYMENT, "qr_id": QR,
          "reference_id": "RF-1", "currency": "IDR", "amount": 10000, "status": "PENDING",
          "reason": "REQUESTED_BY_CUSTOMER", "channel_code": "ID_DANA", "failure_code": None,
          "created": "2026-01-03T06:00:00Z", "updated": "2026-01-03T06:00:00Z", "metadata": None}


class FakeTransport:
    def __init__(self, *responses):
        self.responses = list(responses)
        self.calls: list[dict] = []

    def __call__(self, method, url, *, json_body=None, headers=None, timeout=10.0, system="upstream", data=None):
        self.calls.append({"method": method, "url": url, "json": json_body, "headers": headers or {}})
        answer = self.responses.pop(0)
        if isinstance(answer, Exception):
            raise answer
        status, body = answer
        return HttpResponse(status=status, body=body if isinstance(body, bytes) else json.dumps(body).encode(),
                            headers={})


def gateway(*responses) -> tuple[XenditGateway, FakeTransport]:
    transport = FakeTransport(*responses)
    return XenditGateway(secret_key=SECRET, callback_token=TOKEN, base_url="https://api.xendit.co",
                         transport=transport), transport


def refund(g: XenditGateway, amount: int = 10000, key: str = "RF-1", provider_ref: str = QR, reason: str = "rusak"):
    return g.refund("S-0001-1", provider_ref=provider_ref, refund_key=key, amount=amount, reason=reason)


def error(code: str, message: str = "said no") -> dict:
    return {"error_code": code, "message": message}


# --- the call -----------------------------------------------------------------------------------

def test_refund_finds_the_payment_then_refunds_it_with_our_key():
    g, t = gateway((200, PAYMENTS), (200, REFUND))
    result = refund(g)
    lookup, post = t.calls
    assert (lookup["method"], lookup["url"]) == ("GET", f"https://api.xendit.co/qr_codes/{QR}/payments")
    assert (post["method"], post["url"]) == ("POST", f"https://api.xendit.co/qr_codes/payments/{PAYMENT}/refunds")
    assert post["json"] == {"reference_id": "RF-1", "amount": 10000, "reason": "REQUESTED_BY_CUSTOMER"}
    assert post["headers"]["idempotency-key"] == "RF-1" and post["headers"]["api-version"] == "2022-07-31"
    assert (result.refund_key, result.status, result.amount) == ("RF-1", "pending", 10000)
    assert result.provider_refund_id == REFUND["id"] and result.failure_code is None


def test_a_payment_id_skips_the_lookup_and_reason_codes_pass_through():
    g, t = gateway((200, dict(REFUND, reason="CANCELLATION")))
    refund(g, provider_ref=PAYMENT, reason="cancellation")
    assert len(t.calls) == 1 and t.calls[0]["json"]["reason"] == "CANCELLATION"


def test_a_partly_refunded_payment_can_be_refunded_again():
    refunded = {"data": [dict(PAYMENTS["data"][0], status="REFUNDED")], "has_more": False}
    g, t = gateway((200, refunded), (200, REFUND))
    assert refund(g).status == "pending"
    assert PAYMENT in t.calls[1]["url"]


def test_an_unpaid_qr_has_nothing_to_refund():
    g, t = gateway((200, {"data": [], "has_more": False}))
    with pytest.raises(RefundNotAllowed):
        refund(g)
    assert len(t.calls) == 1


def test_provider_ref_is_required():
    g, t = gateway()
    with pytest.raises(ValidationError, match="provider_ref"):
        g.refund("S-0001-1", provider_ref=None, refund_key="RF-1", amount=1000, reason="")
    with pytest.raises(ValidationError):
        g.refund("S-0001-1", provider_ref=QR, refund_key="RF 1", amount=1000, reason="")
    assert t.calls == []


def test_a_timeout_stays_an_upstream_error():
    g, _ = gateway((200, PAYMENTS), HttpTimeout("Xendit tidak menjawab tepat waktu."))
    with pytest.raises(UpstreamError) as exc:
        refund(g)
    assert exc.value.code == "upstream_timeout" and not isinstance(exc.value, RefundRefused)


@pytest.mark.parametrize("http, code, kind, ours", [
    (400, "MAXIMUM_REFUND_AMOUNT_REACHED", RefundExceedsPaid, "gateway_refund_exceeds_paid"),
    (400, "PARTIAL_REFUND_NOT_SUPPORTED", PartialRefundNotSupported, "gateway_partial_refund_not_supported"),
    (400, "REFUND_NOT_SUPPORTED", RefundNotSupported, "gateway_refund_not_supported"),
    (400, "REFUND_IN_PROGRESS", RefundInProgress, "gateway_refund_in_progress"),
    (403, "INELIGIBLE_TRANSACTION", RefundNotAllowed, "gateway_refund_not_allowed"),
    (400, "INSUFFICIENT_BALANCE", RefundInsufficientBalance, "gateway_refund_insufficient_balance"),
])
def test_refusals_by_error_code(http, code, kind, ours):
    g, _ = gateway((200, PAYMENTS), (http, error(code, "Xendit said no")))
    with pytest.raises(kind) as exc:
        refund(g)
    assert exc.value.code == ours
    assert exc.value.details == {"system": "Xendit", "http_status": http, "gateway_code": code,
                                 "gateway_message": "Xendit said no"}


@pytest.mark.parametrize("http, code, ours", [
    (401, "INVALID_API_KEY", "gateway_auth_failed"), (403, "REQUEST_FORBIDDEN_ERROR", "gateway_auth_failed"),
    (404, "DATA_NOT_FOUND", "gateway_not_found"), (400, "API_VALIDATION_ERROR", "gateway_rejected"),
    (503, "SERVER_ERROR", "gateway_unavailable"),
])
def test_other_errors_stay_upstream_errors(http, code, ours):
    g, _ = gateway((200, PAYMENTS), (http, error(code)))
    with pytest.raises(UpstreamError) as exc:
        refund(g)
    assert exc.value.code == ours and not isinstance(exc.value, RefundRefused)


def test_a_reused_key_answers_the_refund_it_made_or_refuses_another_amount():
    listing = {"data": [dict(REFUND, status="SUCCEEDED")], "has_more": False}
    g, _ = gateway((200, PAYMENTS), (409, error("DUPLICATE_ERROR")), (200, listing))
    assert refund(g).status == "succeeded"
    g, _ = gateway((200, PAYMENTS), (409, error("DUPLICATE_ERROR")), (200, listing))
    with pytest.raises(RefundKeyConflict):
        refund(g, amount=9000)
    g, _ = gateway((200, PAYMENTS), (409, error("DUPLICATE_ERROR")), (200, {"data": [], "has_more": False}))
    with pytest.raises(UpstreamError) as exc:
        refund(g)
    assert exc.value.details["gateway_code"] == "DUPLICATE_ERROR"


def test_answers_about_another_refund_or_in_an_unknown_state_are_upstream_faults():
    g, _ = gateway((200, PAYMENTS), (200, dict(REFUND, reference_id="RF-OTHER")))
    with pytest.raises(UpstreamError) as exc:
        refund(g)
    assert exc.value.code == "gateway_bad_response"
    g, _ = gateway((200, PAYMENTS), (200, dict(REFUND, status="REVERSED")))
    with pytest.raises(UpstreamError) as exc:
        refund(g)
    assert exc.value.code == "gateway_unknown_status"


# --- get_refund ----------------------------------------------------------------------------------

def test_get_refund_finds_ours_among_the_payments_refunds():
    failed = dict(REFUND, id="qrrf_2", reference_id="RF-2", status="FAILED", failure_code="INSUFFICIENT_BALANCE")
    listing = {"data": [dict(REFUND, status="SUCCEEDED"), failed], "has_more": False}
    g, t = gateway((200, PAYMENTS), (200, listing), (200, listing))
    done = g.get_refund("S-0001-1", provider_ref=QR, refund_key="RF-1")
    assert (done.status, done.amount) == ("succeeded", 10000)
    assert t.calls[1]["url"] == f"https://api.xendit.co/qr_codes/payments/{PAYMENT}/refunds"
    bad = g.get_refund("S-0001-1", provider_ref=PAYMENT, refund_key="RF-2")
    assert (bad.status, bad.failure_code) == ("failed", "INSUFFICIENT_BALANCE") and bad.failure_message


def test_get_refund_unknown():
    g, _ = gateway((200, PAYMENTS), (200, {"data": [REFUND], "has_more": False}), (200, {"data": [], "has_more": False}))
    with pytest.raises(RefundNotFound):
        g.get_refund("S-0001-1", provider_ref=QR, refund_key="RF-9")
    with pytest.raises(RefundNotFound):  # an unpaid QR has no refunds at all
        g.get_refund("S-0001-1", provider_ref=QR, refund_key="RF-9")


@pytest.mark.parametrize("state", ["REFUNDED", "VOIDED"])
def test_a_refunded_payment_reads_refunded_not_unpaid(state):
    g, _ = gateway((200, {"data": [dict(PAYMENTS["data"][0], status=state)], "has_more": False}))
    status = g.get_status("S-0001-1", provider_ref=QR)
    assert (status.status, status.amount, status.issuer) == ("refunded", 48500, "dana")


# --- callbacks -----------------------------------------------------------------------------------

QR_REFUND_CALLBACK = {"event": "qr.refund", "api_version": "2022-07-31", "business_id": "5f27a14a9bf05c73dd040bc8",
                      "created": "2026-01-03T06:00:05Z", "data": dict(REFUND, status="SUCCEEDED")}
# The unified refund webhook as Xendit's docs print it (the event nested once more), for a QR refund.
UNIFIED_FAILED = {
    "event": "refund.failed", "business_id": "6094fa76c2fd53701b8e079c", "created": "2021-12-02T14:52:21.566Z",
    "data": {"event": "refund.failed", "business_id": "5f27a14a9bf05c73dd040bc8", "created": "2020-08-29T09:12:33.001Z",
             "data": {"id": "rfd-6f4a377d-a201-437f-9119-f8b00cbbe857", "payment_id": PAYMENT, "invoice_id": None,
                      "amount": 10000, "payment_method_type": "QR_CODE", "channel_code": "DANA", "currency": "IDR",
                      "status": "FAILED", "reason": "CANCELLATION", "reference_id": "RF-1",
                      "failure_code": "INSUFFICIENT_BALANCE", "refund_fee_amount": None,
                      "created": "2020-08-30T09:12:33.001Z", "updated": "2020-08-30T09:12:33.001Z", "metadata": None}},
}


def test_qr_refund_callback():
    g, _ = gateway()
    event = g.parse_callback({"x-callback-token": TOKEN, "webhook-id": "wh-9"}, json.dumps(QR_REFUND_CALLBACK).encode())
    assert (event.kind, event.refund_key, event.refund_amount, event.refund_status) == ("refund", "RF-1", 10000,
                                                                                         "succeeded")
    assert (event.status, event.order_ref, event.amount) == ("refunded", None, None)
    assert event.provider_ref == QR and event.provider_refund_id == REFUND["id"] and event.issuer == "dana"
    assert event.event_key == f"xendit:refund:{REFUND['id']}:SUCCEEDED" and event.raw["_webhook_id"] == "wh-9"
    failed = dict(QR_REFUND_CALLBACK, data=dict(REFUND, status="FAILED", failure_code="INSUFFICIENT_BALANCE"))
    other = g.parse_callback({"x-callback-token": TOKEN}, json.dumps(failed).encode())
    assert (other.refund_status, other.failure_code, other.status) == ("failed", "INSUFFICIENT_BALANCE", "paid")
    assert other.event_key != event.event_key


def test_unified_refund_webhook():
    g, _ = gateway()
    event = g.parse_callback({"X-CALLBACK-TOKEN": TOKEN}, json.dumps(UNIFIED_FAILED).encode())
    assert (event.kind, event.refund_key, event.refund_status, event.failure_code) == (
        "refund", "RF-1", "failed", "INSUFFICIENT_BALANCE")
    assert event.event_key == "xendit:refund:rfd-6f4a377d-a201-437f-9119-f8b00cbbe857:FAILED"


@pytest.mark.parametrize("headers", [{}, {"x-callback-token": TOKEN + "x"}])
def test_refund_callbacks_need_the_token(headers):
    g, _ = gateway()
    with pytest.raises(Unauthorized):
        g.parse_callback(headers, json.dumps(QR_REFUND_CALLBACK).encode())


@pytest.mark.parametrize("data, code", [
    (dict(REFUND, status="WEIRD"), "gateway_unknown_status"), (dict(REFUND, id=None), "gateway_bad_response"),
    (None, "gateway_bad_response"), (dict(REFUND, amount=100.5), "gateway_bad_amount"),
])
def test_malformed_refund_callbacks(data, code):
    g, _ = gateway()
    with pytest.raises(UpstreamError) as exc:
        g.parse_callback({"x-callback-token": TOKEN}, json.dumps(dict(QR_REFUND_CALLBACK, data=data)).encode())
    assert exc.value.code == code
