"""One interface for every QRIS payment gateway, and the small helpers the adapters share.

The service layer only sees :class:`PaymentGateway` and the three result types. Each adapter turns
its gateway's vocabulary into ours:

========== ===========================================================
status     meaning
========== ===========================================================
pending    QR is live, nothing paid yet
paid       money received (settled)
failed     the gateway or issuer refused the payment
expired    the QR timed out unpaid
cancelled  we (or the gateway) cancelled it unpaid
refunded   money went back after a payment (refund or chargeback)
========== ===========================================================

``refunded`` is in the set because gateways do report it (Midtrans ``refund``/``chargeback``) and an
event must never be forced into a wrong bucket; the order state machine should record it and flag
the order, never move it backwards.

Money from gateways is parsed exactly into ``int`` rupiah (``"10000.00"`` -> ``10000``); a fraction
of a rupiah is refused. JSON from gateways is decoded with ``Decimal`` for non-integers, so ``raw``
never holds a float (DynamoDB refuses floats anyway).
"""
from __future__ import annotations

import base64
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal, Protocol, runtime_checkable

from chalicelib.core import http
from chalicelib.core.errors import Conflict, UpstreamError
from chalicelib.payments import qris

Status = Literal["pending", "paid", "failed", "expired", "cancelled", "refunded"]
STATUSES: frozenset[str] = frozenset({"pending", "paid", "failed", "expired", "cancelled", "refunded"})

# The HTTP call the adapters make; tests pass a fake with the same signature.
Transport = Callable[..., http.HttpResponse]


@dataclass(frozen=True)
class QrisCharge:
    """A live dynamic QR at a gateway. ``qr_string`` has been checked with the QRIS codec."""

    provider: str
    provider_ref: str  # the gateway's id: Midtrans transaction_id, Xendit qr id
    qr_string: str
    expires_at: int  # epoch seconds
    raw: dict = field(repr=False)


@dataclass(frozen=True)
class GatewayStatus:
    """What the gateway says about one payment attempt right now."""

    status: Status
    amount: int | None
    issuer: str | None  # the payer's wallet or bank, lower case ("gopay", "bca")
    paid_at: int | None  # epoch seconds, only when paid
    provider_ref: str | None
    raw: dict = field(repr=False)


@dataclass(frozen=True)
class GatewayEvent:
    """A verified callback. ``event_key`` is stable across redeliveries of the same event."""

    event_key: str
    order_ref: str
    status: Status
    amount: int | None
    issuer: str | None
    paid_at: int | None
    raw: dict = field(repr=False)
    provider: str
    provider_ref: str | None  # the gateway's id for the payment attempt, when the callback names it


@runtime_checkable
class PaymentGateway(Protocol):
    """A dynamic-QRIS gateway, configured per merchant (base URL and keys in the constructor).

    ``order_ref`` is our id for one payment attempt (unique per attempt: gateways refuse to reuse
    an id while it is pending or paid). ``provider_ref`` is the gateway's id from
    :attr:`QrisCharge.provider_ref`; gateways that look payments up by our id ignore it, the others
    require it.
    """

    provider: str

    def create_qris(self, order_ref: str, amount: int, expires_at: int, description: str) -> QrisCharge:
        """Ask for a dynamic QR for ``amount`` rupiah valid until ``expires_at`` (epoch s)."""

    def get_status(self, order_ref: str, *, provider_ref: str | None = None) -> GatewayStatus:
        """Ask the gateway for the current state of a payment attempt."""

    def cancel(self, order_ref: str, *, provider_ref: str | None = None) -> GatewayStatus:
        """Cancel an unpaid QR. Returns the resulting state, which is ``paid`` if it was paid first."""

    def parse_callback(self, headers: Mapping[str, str], body: bytes) -> GatewayEvent:
        """Verify a callback (raises :class:`~chalicelib.core.errors.Unauthorized`), then read it."""


class GatewayNotFound(UpstreamError):
    """The gateway has no payment under that id."""

    code = "gateway_not_found"


class CancelNotSupported(Conflict):
    """The gateway cannot cancel this QR before it expires; it stays payable until then."""

    code = "gateway_cannot_cancel"


def gateway_error(system: str, http_status: int, message: str | None, *, gateway_code: str | None = None) -> UpstreamError:
    """Turn a gateway's refusal into an :class:`UpstreamError` whose code says what kind it was."""
    detail = {"system": system, "http_status": http_status}
    if gateway_code:
        detail["gateway_code"] = gateway_code
    if message:
        detail["gateway_message"] = message
    said = f": {message.rstrip('.')}" if message else ""
    if 300 <= http_status < 400:
        # Redirects are never followed: a gateway API never legitimately redirects a payment call.
        return UpstreamError(f"{system} mengalihkan permintaan (HTTP {http_status}); tidak diikuti.",
                             code="gateway_redirect", details=detail)
    if http_status in (401, 403):
        return UpstreamError(f"{system} menolak kunci API merchant{said}.", code="gateway_auth_failed", details=detail)
    if http_status == 404:
        return GatewayNotFound(f"{system} tidak menemukan transaksi{said}.", details=detail)
    if http_status in (406, 409):
        return UpstreamError(f"{system} menolak: transaksi sudah ada{said}.", code="gateway_duplicate", details=detail)
    if http_status == 429:
        return UpstreamError(f"{system} membatasi permintaan; coba lagi sebentar.", code="gateway_rate_limited", details=detail)
    if http_status >= 500:
        return UpstreamError(f"{system} sedang bermasalah (HTTP {http_status}){said}.", code="gateway_unavailable", details=detail)
    return UpstreamError(f"{system} menolak permintaan (HTTP {http_status}){said}.", code="gateway_rejected", details=detail)


def basic_auth(key: str) -> str:
    """``Authorization`` value for gateways that take the secret key as the Basic-auth user, no password."""
    return "Basic " + base64.b64encode(f"{key}:".encode()).decode("ascii")


def header(headers: Mapping[str, str], name: str) -> str | None:
    """Case-insensitive header lookup (API Gateway, WSGI and urllib3 all case headers differently)."""
    wanted = name.lower()
    for key, value in headers.items():
        if key.lower() == wanted:
            return value
    return None


def loads_exact(body: bytes | str) -> Any:
    """Decode JSON keeping non-integers as ``Decimal``. Raises ``ValueError`` on bad JSON."""
    if isinstance(body, bytes):
        body = body.decode("utf-8")
    return json.loads(body, parse_float=Decimal)


def rupiah(value: Any, field_name: str, system: str) -> int:
    """A gateway amount as whole rupiah: ``10000``, ``Decimal("10000.00")`` or ``"10000.00"``."""
    amount: int | None = None
    if isinstance(value, int) and not isinstance(value, bool):
        amount = value
    elif isinstance(value, Decimal) and value.is_finite() and value == value.to_integral_value():
        amount = int(value)
    elif isinstance(value, str):
        try:
            amount = qris.parse_amount(value)
        except qris.QrisError:
            amount = None
    if amount is not None and amount >= 0:
        return amount
    # The gateway's data is wrong, not the client's: an upstream fault.
    raise UpstreamError(f"{system}: {field_name} {value!r} bukan jumlah rupiah bulat.", code="gateway_bad_amount",
                        details={"system": system})


def checked_qr(system: str, qr_string: Any, amount: int) -> str:
    """The gateway's QR, verbatim, after checking it is a valid dynamic QRIS for exactly ``amount``.

    Showing a broken or wrong-amount QR would fail at the shopper's phone or take the wrong sum,
    so a bad one is the gateway's fault and stops the sale here.
    """
    if not isinstance(qr_string, str) or not qr_string:
        raise UpstreamError(f"{system} tidak mengirim qr_string.", code="gateway_bad_response")
    try:
        qris.expect_dynamic(qr_string, amount)
    except qris.QrisError as exc:
        raise UpstreamError(f"{system} mengirim QRIS yang tidak valid: {exc}", code="gateway_bad_qr",
                            details={"system": system}) from None
    return qr_string
