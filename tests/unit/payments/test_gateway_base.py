"""Shared gateway helpers: exact rupiah from gateway data, header lookup, error mapping, factory."""
from __future__ import annotations

from decimal import Decimal

import pytest

from chalicelib.core.errors import UpstreamError
from chalicelib.payments.providers import GatewayNotFound, MidtransGateway, XenditGateway, make_gateway
from chalicelib.payments.providers.base import gateway_error, header, loads_exact, rupiah


@pytest.mark.parametrize("value, expected", [
    (10000, 10000), ("10000", 10000), ("10000.00", 10000), ("10000.0", 10000),
    (Decimal("10000.00"), 10000), (0, 0),
])
def test_rupiah_reads_gateway_amounts_exactly(value, expected):
    assert rupiah(value, "amount", "Test") == expected


@pytest.mark.parametrize("value", ["10000.50", "10.000", "1,000", "-5", " 10000", "", None, True, 10000.0,
                                   Decimal("0.5"), Decimal("NaN"), -1])
def test_rupiah_refuses_fractions_floats_and_junk(value):
    with pytest.raises(UpstreamError) as exc:
        rupiah(value, "amount", "Test")
    assert exc.value.code == "gateway_bad_amount"


def test_loads_exact_never_makes_floats():
    assert loads_exact(b'{"a": 1.10, "b": 2}') == {"a": Decimal("1.10"), "b": 2}


def test_header_is_case_insensitive():
    assert header({"X-Callback-Token": "t"}, "x-callback-token") == "t"
    assert header({}, "x-callback-token") is None


@pytest.mark.parametrize("status, kind, code", [
    (301, UpstreamError, "gateway_redirect"), (401, UpstreamError, "gateway_auth_failed"),
    (403, UpstreamError, "gateway_auth_failed"), (404, GatewayNotFound, "gateway_not_found"),
    (406, UpstreamError, "gateway_duplicate"), (429, UpstreamError, "gateway_rate_limited"),
    (422, UpstreamError, "gateway_rejected"), (502, UpstreamError, "gateway_unavailable"),
])
def test_gateway_error_kinds(status, kind, code):
    err = gateway_error("Midtrans", status, "said something.", gateway_code=str(status))
    assert isinstance(err, kind) and err.code == code
    assert err.details == {"system": "Midtrans", "http_status": status, "gateway_code": str(status),
                           "gateway_message": "said something."}
    assert err.to_body()["error"]["code"] == code


def test_make_gateway():
    assert isinstance(make_gateway("midtrans", server_key="k", base_url="http://127.0.0.1:1"), MidtransGateway)
    assert isinstance(make_gateway("xendit", secret_key="s", callback_token="t"), XenditGateway)
    with pytest.raises(ValueError, match="unknown payment gateway"):
        make_gateway("doku")
    with pytest.raises(ValueError, match="server_key"):
        make_gateway("midtrans", server_key="")


# --- refunds ------------------------------------------------------------------------------------

def test_refund_refusals_are_conflicts_the_service_can_tell_apart():
    from chalicelib.core.errors import Conflict
    from chalicelib.payments.providers import (
        PartialRefundNotSupported, RefundExceedsPaid, RefundInProgress, RefundInsufficientBalance, RefundKeyConflict,
        RefundNotAllowed, RefundNotFound, RefundNotSupported, RefundRefused, RefundWindowPassed)

    refusals = {PartialRefundNotSupported: "gateway_partial_refund_not_supported",
                RefundNotSupported: "gateway_refund_not_supported", RefundExceedsPaid: "gateway_refund_exceeds_paid",
                RefundInProgress: "gateway_refund_in_progress", RefundWindowPassed: "gateway_refund_window_passed",
                RefundNotAllowed: "gateway_refund_not_allowed", RefundKeyConflict: "gateway_refund_key_conflict"}
    for kind, code in refusals.items():
        err = kind("x")
        assert isinstance(err, RefundRefused) and isinstance(err, Conflict) and (err.code, err.status) == (code, 409)
    assert len(set(refusals.values())) == len(refusals)
    assert (RefundInsufficientBalance("x").status, RefundInsufficientBalance("x").code) == (
        502, "gateway_refund_insufficient_balance")
    assert isinstance(RefundInsufficientBalance("x"), UpstreamError)
    missing = RefundNotFound("x")
    assert isinstance(missing, GatewayNotFound) and missing.code == "gateway_refund_not_found"


def test_refund_refusal_carries_what_the_gateway_said():
    from chalicelib.payments.providers import RefundExceedsPaid
    from chalicelib.payments.providers.base import refund_refusal

    err = refund_refusal(RefundExceedsPaid, "Xendit", 400, "cannot exceed", gateway_code="MAXIMUM_REFUND_AMOUNT_REACHED",
                         text="melebihi sisa.")
    assert isinstance(err, RefundExceedsPaid) and err.message == "Xendit: melebihi sisa."
    assert err.to_body()["error"] == {"code": "gateway_refund_exceeds_paid", "message": "Xendit: melebihi sisa.",
                                      "details": {"system": "Xendit", "http_status": 400,
                                                  "gateway_code": "MAXIMUM_REFUND_AMOUNT_REACHED",
                                                  "gateway_message": "cannot exceed"}}


def test_check_refund_request():
    from chalicelib.core.errors import ValidationError
    from chalicelib.payments.providers.base import check_refund_request

    assert check_refund_request("01JREFUND_A-1", 1, None) == ""
    assert check_refund_request("k", 10**12, "  Barang rusak ") == "Barang rusak"
    for key, amount, reason, code in [("", 1, "", "invalid_refund_key"), ("a b", 1, "", "invalid_refund_key"),
                                      ("k", 0, "", "invalid_amount"), ("k", 1.0, "", "fractional_amount"),
                                      ("k", 1, "x" * 256, "invalid_reason"), ("k", 1, ["x"], "invalid_reason")]:
        with pytest.raises(ValidationError) as exc:
            check_refund_request(key, amount, reason)
        assert exc.value.code == code
