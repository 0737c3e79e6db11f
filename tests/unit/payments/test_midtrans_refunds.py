"""Midtrans refunds: the calls the adapter makes, how it reads answers and refusals, and refund
notifications (fake transport; the simulator tests in tests/integration/test_gateway_refunds.py
cover the same over HTTP)."""
from __future__ import annotations

import base64
import json

import pytest

from chalicelib.core.errors import Unauthorized, UpstreamError, ValidationError
from chalicelib.core.http import HttpResponse, HttpTimeout
from chalicelib.payments.providers import (
    GatewayNotFound,
    MidtransGateway,
    PartialRefundNotSupported,
    RefundExceedsPaid,
    RefundInProgress,
    RefundInsufficientBalance,
    RefundKeyConflict,
    RefundNotAllowed,
    RefundNotFound,
    RefundNotSupported,
    RefundRefused,
    RefundWindowPassed,
)
from chalicelib.payments.providers.midtrans import notification_signature

KEY = "SB-Mid-server-TEST"
TXID = "1015a919-b03f-450a-bc85-b38202a79a96"
# The direct refund answer published in Midtrans/midtrans-php tests (refunds_and_voids.md §1, S18),
# for our transaction.
DIRECT_REFUND_OK = {
    "status_code": "200", "status_message": "Success, refund request is approved", "transaction_id": TXID,
    "order_id": "S-0001-1", "payment_type": "qris", "transaction_time": "2021-06-23 15:25:24",
    "transaction_status": "partial_refund", "gross_amount": "48500.00", "refund_chargeback_id": 1,
    "refund_amount": "10000.00", "refund_key": "RF-1",
}
# A status answer with refunds[], shaped like Midtrans' get-status "Refund Details" sample.
ENTRY_1 = {"refund_chargeback_id": 183700, "refund_chargeback_uuid": "21a2b0a9-a2a2-4ab1-8758-ae0477458f21",
           "refund_amount": "10000.00", "created_at": "2022-08-23 11:16:16", "reason": "Barang rusak",
           "refund_key": "RF-1", "refund_method": "online", "bank_confirmed_at": "2022-08-23 11:16:16"}
ENTRY_2 = {"refund_chargeback_id": 183701, "refund_chargeback_uuid": "b1adbe80-84de-4aae-b567-9f5eba7c0414",
           "refund_amount": "15000.00", "created_at": "2022-08-23 11:16:21", "reason": "",
           "refund_key": "RF-2", "refund_method": "online", "bank_confirmed_at": "2022-08-23 11:16:21"}
STATUS = {
    "status_code": "200", "status_message": "Success, transaction is found", "transaction_id": TXID,
    "order_id": "S-0001-1", "gross_amount": "48500.00", "currency": "IDR", "payment_type": "qris",
    "transaction_time": "2022-08-23 11:10:00", "transaction_status": "partial_refund", "fraud_status": "accept",
    "settlement_time": "2022-08-23 11:11:00", "issuer": "dana", "acquirer": "gopay",
    "refunds": [ENTRY_1, ENTRY_2], "refund_amount": "25000.00",
}


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


def gateway(*responses, **kw) -> tuple[MidtransGateway, FakeTransport]:
    transport = FakeTransport(*responses)
    return MidtransGateway(server_key=KEY, base_url="https://api.sandbox.midtrans.com", transport=transport, **kw), \
        transport


def refund(g: MidtransGateway, amount: int = 10000, key: str = "RF-1", provider_ref: str | None = TXID,
           reason: str = "Barang rusak"):
    return g.refund("S-0001-1", provider_ref=provider_ref, refund_key=key, amount=amount, reason=reason)


def signed(body: dict, key: str = KEY) -> bytes:
    body = dict(body)
    body["signature_key"] = notification_signature(body["order_id"], body["status_code"], body["gross_amount"], key)
    return json.dumps(body).encode()


# --- the call -----------------------------------------------------------------------------------

def test_direct_refund_call_and_answer():
    g, t = gateway((200, DIRECT_REFUND_OK))
    result = refund(g)
    [call] = t.calls
    assert call["method"] == "POST"
    assert call["url"] == f"https://api.sandbox.midtrans.com/v2/{TXID}/refund/online/direct"
    assert call["json"] == {"refund_key": "RF-1", "amount": 10000, "reason": "Barang rusak"}
    assert call["headers"]["Authorization"] == "Basic " + base64.b64encode(f"{KEY}:".encode()).decode()
    assert (result.refund_key, result.status, result.amount) == ("RF-1", "succeeded", 10000)
    assert result.provider_refund_id == "1" and result.failure_code is None and result.raw == DIRECT_REFUND_OK


def test_refund_api_and_order_id_path_and_no_reason():
    g, t = gateway((200, dict(DIRECT_REFUND_OK, transaction_status="refund", refund_amount="48500.00")),
                   direct_refund=False)
    result = refund(g, amount=48500, provider_ref=None, reason="  ")
    assert t.calls[0]["url"] == "https://api.sandbox.midtrans.com/v2/S-0001-1/refund"
    assert t.calls[0]["json"] == {"refund_key": "RF-1", "amount": 48500}
    assert (result.status, result.amount) == ("succeeded", 48500)


def test_accepted_but_not_done_is_pending():
    g, _ = gateway((200, dict(DIRECT_REFUND_OK, status_code="201", transaction_status="settlement",
                              refund_chargeback_uuid="c720cb44-272d-4b64-b97d-47d89e86da02")))
    result = refund(g)
    assert result.status == "pending" and result.provider_refund_id == "c720cb44-272d-4b64-b97d-47d89e86da02"


def test_an_answer_about_another_refund_is_an_upstream_fault():
    g, _ = gateway((200, dict(DIRECT_REFUND_OK, refund_key="RF-OTHER")))
    with pytest.raises(UpstreamError) as exc:
        refund(g)
    assert exc.value.code == "gateway_bad_response"


@pytest.mark.parametrize("key, amount, reason", [
    ("", 1000, ""), ("has space", 1000, ""), ("x" * 65, 1000, ""), ("tanda/miring", 1000, ""), (None, 1000, ""),
    ("RF-1", 0, ""), ("RF-1", -1, ""), ("RF-1", 1000.0, ""), ("RF-1", "1000", ""), ("RF-1", True, ""),
    ("RF-1", 1000, "x" * 256), ("RF-1", 1000, 42),
])
def test_bad_requests_are_refused_before_any_call(key, amount, reason):
    g, t = gateway()
    with pytest.raises(ValidationError):
        g.refund("S-0001-1", provider_ref=TXID, refund_key=key, amount=amount, reason=reason)
    assert t.calls == []


def test_a_timeout_stays_an_upstream_error_for_the_caller_to_retry_with_the_same_key():
    g, t = gateway(HttpTimeout("Midtrans tidak menjawab tepat waktu."), (200, DIRECT_REFUND_OK))
    with pytest.raises(UpstreamError) as exc:
        refund(g)
    assert exc.value.code == "upstream_timeout" and not isinstance(exc.value, RefundRefused)
    assert refund(g).status == "succeeded"
    assert t.calls[0]["json"] == t.calls[1]["json"]  # the same key both times


# --- refusals ----------------------------------------------------------------------------------

def _refused(message: str, code: str = "412") -> dict:
    return {"status_code": code, "status_message": message, "id": "e1"}


SETTLED = dict(STATUS, transaction_status="settlement", refunds=[], refund_amount=None)
SETTLED.pop("refunds")
SETTLED.pop("refund_amount")


@pytest.mark.parametrize("status, amount, kind, code", [
    # the status API's figures decide first, whatever the words
    (STATUS, 30000, RefundExceedsPaid, "gateway_refund_exceeds_paid"),  # 48500 - 25000 left
    (dict(STATUS, transaction_status="refund"), 1, RefundExceedsPaid, "gateway_refund_exceeds_paid"),
    (dict(SETTLED, transaction_status="pending"), 1000, RefundNotAllowed, "gateway_refund_not_allowed"),
    (dict(SETTLED, transaction_status="expire"), 1000, RefundNotAllowed, "gateway_refund_not_allowed"),
])
def test_refusals_are_read_against_the_status(status, amount, kind, code):
    g, t = gateway((200, _refused("Merchant cannot modify the status of the transaction")), (200, status))
    with pytest.raises(kind) as exc:
        refund(g, amount=amount, key="RF-9")
    assert exc.value.code == code and exc.value.status == 409
    assert exc.value.details["gateway_code"] == "412" and exc.value.details["system"] == "Midtrans"
    assert t.calls[1]["method"] == "GET" and t.calls[1]["url"].endswith(f"/v2/{TXID}/status")


@pytest.mark.parametrize("message, http, kind", [
    ("Partial refund is not supported for this payment", 200, PartialRefundNotSupported),
    ("Refund is not supported for this issuer", 200, RefundNotSupported),
    ("Transaction has passed its refund period", 200, RefundWindowPassed),
    ("Another refund is in progress", 200, RefundInProgress),
    ("Refund amount is greater than the refundable amount", 200, RefundExceedsPaid),
    ("Something else entirely", 412, RefundRefused),
])
def test_refusals_are_read_from_the_words_when_the_figures_allow(message, http, kind):
    g, _ = gateway((http, _refused(message)), (200, SETTLED))
    with pytest.raises(kind) as exc:
        refund(g)
    assert type(exc.value) is kind and exc.value.details["gateway_message"] == message


def test_feature_not_available_is_not_supported():
    g, _ = gateway((200, _refused("The feature is not available.", "501")), (200, SETTLED))
    with pytest.raises(RefundNotSupported):
        refund(g)


def test_insufficient_merchant_balance_is_an_upstream_error_to_retry_later():
    g, t = gateway((200, _refused("Refund request is rejected due to merchant insufficient funds.", "414")))
    with pytest.raises(RefundInsufficientBalance) as exc:
        refund(g)
    assert exc.value.status == 502 and exc.value.code == "gateway_refund_insufficient_balance"
    assert len(t.calls) == 1


def test_a_refused_repeat_of_a_listed_refund_is_that_refund():
    g, _ = gateway((200, _refused("Duplicate refund_key", "406")), (200, STATUS))
    result = refund(g, amount=15000, key="RF-2")
    assert (result.status, result.amount, result.provider_refund_id) == ("succeeded", 15000, ENTRY_2[
        "refund_chargeback_uuid"])


def test_a_key_used_for_another_amount_is_a_conflict():
    g, _ = gateway((200, _refused("Duplicate refund_key", "406")), (200, STATUS))
    with pytest.raises(RefundKeyConflict) as exc:
        refund(g, amount=5000, key="RF-2")
    assert exc.value.code == "gateway_refund_key_conflict"


@pytest.mark.parametrize("http, body, code", [
    (401, {"status_code": "401", "status_message": "Access denied"}, "gateway_auth_failed"),
    (404, {"status_code": "404", "status_message": "Transaction doesn't exist."}, "gateway_not_found"),
    (500, b"<html>oops</html>", "gateway_unavailable"),
    (302, b"", "gateway_redirect"),
    (200, b"not json", "gateway_bad_response"),
])
def test_transport_level_failures(http, body, code):
    g, t = gateway((http, body))
    with pytest.raises(UpstreamError) as exc:
        refund(g)
    assert exc.value.code == code and len(t.calls) == 1


def test_status_unreachable_while_classifying_falls_back_to_the_words():
    g, _ = gateway((200, _refused("Partial refund is not supported")), HttpTimeout("late"))
    with pytest.raises(PartialRefundNotSupported):
        refund(g)


# --- get_refund ----------------------------------------------------------------------------------

def test_get_refund_reads_refunds_from_the_status():
    pending = dict(ENTRY_2, bank_confirmed_at=None)
    g, t = gateway((200, STATUS), (200, dict(STATUS, refunds=[ENTRY_1, pending])))
    done = g.get_refund("S-0001-1", provider_ref=TXID, refund_key="RF-1")
    assert (done.status, done.amount, done.provider_refund_id) == ("succeeded", 10000, ENTRY_1["refund_chargeback_uuid"])
    assert t.calls[0]["url"] == f"https://api.sandbox.midtrans.com/v2/{TXID}/status"
    assert g.get_refund("S-0001-1", provider_ref=TXID, refund_key="RF-2").status == "pending"


def test_get_refund_not_listed():
    g, _ = gateway((200, STATUS), (200, SETTLED))
    for _ in range(2):
        with pytest.raises(RefundNotFound) as exc:
            g.get_refund("S-0001-1", provider_ref=None, refund_key="RF-3")
        assert isinstance(exc.value, GatewayNotFound) and exc.value.code == "gateway_refund_not_found"


# --- notifications -------------------------------------------------------------------------------

NOTE = {
    "transaction_time": "2022-08-23 11:10:00", "transaction_status": "partial_refund", "transaction_id": TXID,
    "status_message": "midtrans payment notification", "status_code": "200", "payment_type": "qris",
    "order_id": "S-0001-1", "merchant_id": "G000000001", "gross_amount": "48500.00", "fraud_status": "accept",
    "currency": "IDR", "acquirer": "gopay", "issuer": "dana", "settlement_time": "2022-08-23 11:11:00",
    "refunds": [ENTRY_1], "refund_amount": "10000.00",
}


def test_refund_notification_is_a_refund_event():
    g, _ = gateway()
    event = g.parse_callback({}, signed(NOTE))
    assert (event.kind, event.refund_key, event.refund_amount, event.refund_status) == ("refund", "RF-1", 10000,
                                                                                         "succeeded")
    assert (event.order_ref, event.status, event.amount, event.issuer) == ("S-0001-1", "refunded", 48500, "dana")
    assert event.provider_ref == TXID and event.provider_refund_id == ENTRY_1["refund_chargeback_uuid"]
    assert event.event_key == f"midtrans:{TXID}:refund:{ENTRY_1['refund_chargeback_uuid']}:10000"
    assert g.parse_callback({}, signed(NOTE)).event_key == event.event_key  # a redelivery


def test_each_refund_gets_its_own_event_key_and_the_last_confirmed_names_it():
    g, _ = gateway()
    second = g.parse_callback({}, signed(dict(NOTE, refunds=[ENTRY_1, ENTRY_2], refund_amount="25000.00")))
    assert (second.refund_key, second.refund_amount) == ("RF-2", 15000)
    # an older refund confirmed after a newer one is named by its confirmation, not its id
    late = dict(ENTRY_1, bank_confirmed_at="2022-08-23 11:20:00")
    third = g.parse_callback({}, signed(dict(NOTE, refunds=[late, ENTRY_2], refund_amount="25000.00")))
    assert third.refund_key == "RF-1"
    first = g.parse_callback({}, signed(NOTE))
    assert len({first.event_key, second.event_key}) == 2


def test_two_refunds_confirmed_in_the_same_second_are_not_guessed():
    g, _ = gateway()
    same = dict(ENTRY_2, bank_confirmed_at=ENTRY_1["bank_confirmed_at"])
    event = g.parse_callback({}, signed(dict(NOTE, refunds=[ENTRY_1, same], refund_amount="25000.00")))
    assert event.kind == "refund" and event.refund_key is None and event.refund_amount is None
    assert event.event_key == f"midtrans:{TXID}:refund:unnamed:25000"


def test_a_top_level_refund_key_wins_and_bare_notifications_still_parse():
    g, _ = gateway()
    named = g.parse_callback({}, signed(dict(NOTE, refund_key="RF-2", refunds=[ENTRY_1, ENTRY_2])))
    assert named.refund_key == "RF-2"
    bare = dict(NOTE)
    del bare["refunds"]
    event = g.parse_callback({}, signed(dict(bare, transaction_status="refund", refund_amount="48500.00")))
    assert (event.kind, event.refund_key, event.status) == ("refund", None, "refunded")
    assert event.event_key == f"midtrans:{TXID}:refund:unnamed:48500.00"


def test_refund_notifications_are_verified_like_payments():
    g, _ = gateway()
    with pytest.raises(Unauthorized):
        g.parse_callback({}, signed(NOTE, key="SB-Mid-server-OTHER"))
    tampered = json.loads(signed(NOTE))
    tampered["gross_amount"] = "99999.00"
    with pytest.raises(Unauthorized):
        g.parse_callback({}, json.dumps(tampered).encode())


def test_payment_notifications_stay_payment_events():
    g, _ = gateway()
    body = dict(NOTE, transaction_status="settlement")
    del body["refunds"], body["refund_amount"]
    event = g.parse_callback({}, signed(body))
    assert (event.kind, event.refund_key, event.refund_status) == ("payment", None, None)
    chargeback = g.parse_callback({}, signed(dict(body, transaction_status="chargeback")))
    assert (chargeback.kind, chargeback.status) == ("payment", "refunded")
