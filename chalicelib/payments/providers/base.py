"""One interface for every QRIS payment gateway, and the small helpers the adapters share.

The service layer only sees :class:`PaymentGateway` and its result types (:class:`QrisCharge`,
:class:`GatewayStatus`, :class:`GatewayEvent`, :class:`RefundResult`). Each adapter turns its
gateway's vocabulary into ours:

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

Refunds (``refund``/``get_refund``) are idempotent on ``refund_key`` (our refund id): a retry with the
same key, after a timeout or a crash, never makes a second refund at the gateway. A refund is
``pending`` (asked, not final), ``succeeded`` (money went back) or ``failed`` (the gateway or issuer
gave up; nothing went back). A gateway that refuses to start a refund raises one of the
:class:`RefundRefused` classes below (409, each with its own stable code); a merchant balance too
low to pay it out raises :class:`RefundInsufficientBalance` (502, try again later); a timeout stays
an :class:`~chalicelib.core.errors.UpstreamError` and the caller retries with the same key.

Money from gateways is parsed exactly into ``int`` rupiah (``"10000.00"`` -> ``10000``); a fraction
of a rupiah is refused. JSON from gateways is decoded with ``Decimal`` for non-integers, so ``raw``
never holds a float (DynamoDB refuses floats anyway).
"""
from __future__ import annotations

import base64
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal, Protocol, runtime_checkable

from chalicelib.core import http
from chalicelib.core.errors import Conflict, SambungError, UpstreamError, ValidationError
from chalicelib.core.money import require_rupiah
from chalicelib.payments import qris

Status = Literal["pending", "paid", "failed", "expired", "cancelled", "refunded"]
STATUSES: frozenset[str] = frozenset({"pending", "paid", "failed", "expired", "cancelled", "refunded"})
RefundStatus = Literal["pending", "succeeded", "failed"]
REFUND_STATUSES: frozenset[str] = frozenset({"pending", "succeeded", "failed"})
EventKind = Literal["payment", "refund"]
# Our refund ids as gateways accept them: Midtrans' refund_key allows letters, digits, '-' and '_'.
_REFUND_KEY = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
MAX_REFUND_REASON = 255

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
    """A verified callback. ``event_key`` is stable across redeliveries of the same event.

    ``kind`` tells payment news from refund news. For a refund event:

    * ``refund_key`` is our refund id as the gateway echoes it (``None`` when the notification does
      not say which refund it is: then ask :meth:`PaymentGateway.get_refund` for each refund of
      the payment still pending);
    * ``refund_status`` is the refund's state per this notification, ``refund_amount`` that one
      refund's amount, ``provider_refund_id`` the gateway's id for it, ``failure_code`` why it failed;
    * ``status`` is the payment's state as the gateway now reports it (``refunded`` after a refund
      went through, still ``paid`` after one failed) and ``amount`` the payment's amount, or
      ``None`` when the notification does not say;
    * ``order_ref`` is our payment attempt id when the notification names it (Midtrans does;
      Xendit's refund callbacks name only the QR and its payment, in ``provider_ref`` and ``raw``).

    Like a payment notification, a refund notification is only a hint: confirm it with
    :meth:`PaymentGateway.get_refund` before moving money records.
    """

    event_key: str
    order_ref: str | None  # None only for refund events whose gateway does not name the payment (Xendit)
    status: Status
    amount: int | None
    issuer: str | None
    paid_at: int | None
    raw: dict = field(repr=False)
    provider: str
    provider_ref: str | None  # the gateway's id for the payment attempt, when the callback names it
    kind: EventKind = "payment"
    refund_key: str | None = None
    refund_amount: int | None = None
    refund_status: RefundStatus | None = None
    provider_refund_id: str | None = None
    failure_code: str | None = None


@dataclass(frozen=True)
class RefundResult:
    """What the gateway says about one refund (ours: ``refund_key``) right now.

    ``amount`` is what this refund returns to the payer (the gateway's figure when it gives one).
    ``failure_code`` is the gateway's own code (Xendit ``INSUFFICIENT_BALANCE``, ...), only when
    ``failed``.
    """

    refund_key: str
    status: RefundStatus
    amount: int
    provider_refund_id: str | None
    failure_code: str | None
    failure_message: str | None
    raw: dict = field(repr=False)


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
        """Verify a callback (raises :class:`~chalicelib.core.errors.Unauthorized`), then read it.
        Payment and refund notifications both come here; ``GatewayEvent.kind`` tells them apart."""

    def refund(self, order_ref: str, *, provider_ref: str | None, refund_key: str, amount: int,
               reason: str) -> RefundResult:
        """Ask the gateway to give back ``amount`` rupiah (all or part) of a paid QRIS payment.

        Idempotent on ``refund_key``: the same key again returns the same refund, never a second
        one. Raises a :class:`RefundRefused` subclass when the gateway will not start it,
        :class:`RefundInsufficientBalance` when the merchant balance cannot cover it, and an
        :class:`~chalicelib.core.errors.UpstreamError` (timeouts included) when the answer is
        unknown: then call again with the same key, or ask :meth:`get_refund`.
        """

    def get_refund(self, order_ref: str, *, provider_ref: str | None, refund_key: str,
                   provider_refund_id: str | None = None) -> RefundResult:
        """The current state of one refund. Raises :class:`RefundNotFound` when the gateway has no
        refund under ``refund_key`` for this payment (never received, or dropped before it was
        acknowledged): nothing was refunded, and asking again with the same key is safe.
        ``provider_refund_id``: the gateway's own id of the refund when it gave one (a gateway whose
        refund objects may not echo our key finds it by that)."""


class GatewayNotFound(UpstreamError):
    """The gateway has no payment under that id."""

    code = "gateway_not_found"


class RefundNotFound(GatewayNotFound):
    """The gateway knows the payment but has no refund under that key."""

    code = "gateway_refund_not_found"


class RefundRefused(Conflict):
    """The gateway refused to start a refund; nothing was refunded. Subclasses say why."""

    code = "gateway_refund_refused"


class PartialRefundNotSupported(RefundRefused):
    """The issuer (or the gateway for this payment) only refunds the whole payment."""

    code = "gateway_partial_refund_not_supported"


class RefundNotSupported(RefundRefused):
    """This payment cannot be refunded through the gateway at all (e.g. QRIS paid with GoPay at
    Xendit): refund it by cash or transfer instead."""

    code = "gateway_refund_not_supported"


class RefundExceedsPaid(RefundRefused):
    """The amount is more than what was paid minus what was already refunded (or is being refunded)."""

    code = "gateway_refund_exceeds_paid"


class RefundInProgress(RefundRefused):
    """Another refund of this payment is still pending and the gateway allows only one at a time;
    ask again once it has finished."""

    code = "gateway_refund_in_progress"


class RefundWindowPassed(RefundRefused):
    """The gateway's or issuer's refund period for this payment is over."""

    code = "gateway_refund_window_passed"


class RefundNotAllowed(RefundRefused):
    """The payment is not in a state that can be refunded (not settled, voided, failed)."""

    code = "gateway_refund_not_allowed"


class RefundKeyConflict(RefundRefused):
    """The refund key was already used for a refund of another amount or another payment."""

    code = "gateway_refund_key_conflict"


class RefundInsufficientBalance(UpstreamError):
    """The merchant's balance at the gateway cannot pay the refund out now; try again later."""

    code = "gateway_refund_insufficient_balance"


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


def refund_refusal(kind: type[SambungError], system: str, http_status: int, message: str | None, *,
                   gateway_code: str | None = None, text: str) -> SambungError:
    """A refund refusal of ``kind`` carrying what the gateway said, like :func:`gateway_error`."""
    detail: dict[str, Any] = {"system": system, "http_status": http_status}
    if gateway_code:
        detail["gateway_code"] = gateway_code
    if message:
        detail["gateway_message"] = message
    return kind(f"{system}: {text}", details=detail)


def check_refund_request(refund_key: Any, amount: Any, reason: Any) -> str:
    """Validate a refund request before anything is sent; returns the reason, trimmed."""
    if not isinstance(refund_key, str) or not _REFUND_KEY.match(refund_key):
        raise ValidationError("refund_key harus 1-64 huruf, angka, '-' atau '_'.", code="invalid_refund_key")
    require_rupiah(amount, "amount", minimum=1)
    if reason is None:
        reason = ""
    if not isinstance(reason, str):
        raise ValidationError("reason harus teks.", code="invalid_reason")
    reason = reason.strip()
    if len(reason) > MAX_REFUND_REASON:
        raise ValidationError(f"reason paling banyak {MAX_REFUND_REASON} karakter.", code="invalid_reason")
    return reason


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
