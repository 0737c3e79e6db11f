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
