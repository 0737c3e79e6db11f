"""Xendit QR Codes API adapter (API version ``2022-07-31``, "QR Codes v2") for dynamic QRIS.

Calls used (``shared/reference/payments.md`` §3.2):

* ``POST {base}/qr_codes`` with header ``api-version: 2022-07-31`` and
  ``{reference_id, type: "DYNAMIC", currency: "IDR", amount, expires_at}``; the response carries
  ``id`` (``qr_...``), ``qr_string``, ``status: "ACTIVE"`` and ``expires_at``.
* ``GET {base}/qr_codes/{qr_id}/payments``: payments made with the QR (``status: "SUCCEEDED"``).
* ``GET {base}/qr_codes/{qr_id}``: ``ACTIVE`` or ``INACTIVE``; inactive after ``expires_at``
  means expired, before it means it was closed.
* ``POST {base}/qr_codes/payments/{qrpy_id}/refunds`` with header ``idempotency-key`` (our refund
  id) and ``{reference_id, amount, reason}``: always ``PENDING`` first, then a ``qr.refund``
  callback with ``SUCCEEDED`` or ``FAILED`` (+ ``failure_code``). Refusals come as
  ``{"error_code": ...}``: ``MAXIMUM_REFUND_AMOUNT_REACHED``, ``PARTIAL_REFUND_NOT_SUPPORTED``,
  ``REFUND_NOT_SUPPORTED`` (e.g. paid with GoPay), ``REFUND_IN_PROGRESS``, ``INELIGIBLE_TRANSACTION``
  (``refunds_and_voids.md`` §2). ``GET {base}/qr_codes/payments/{qrpy_id}/refunds`` lists a
  payment's refunds (our refund is the one whose ``reference_id`` is our key). A payment refunded
  in part (or after 24 hours) then reads ``REFUNDED``, one refunded in full within 24 hours
  ``VOIDED``; both still count as paid money that was given back (``refunded``).
* Callbacks ``{event: "qr.payment", data: {...}}``, authenticated by the ``x-callback-token``
  header (the dashboard's verification token), compared in constant time. The v1 flat shape
  (``{event, id, amount, status: "COMPLETED", qr_code: {external_id}}``) is read too, since
  accounts created before v2 still receive it.

Auth is HTTP Basic with the secret key as user and no password. Xendit looks QR codes up by its
own id, so :meth:`get_status` and :meth:`cancel` need ``provider_ref``.

Xendit's QR Codes API has no call that closes an ACTIVE QR: it stays payable until ``expires_at``.
:meth:`cancel` therefore reports a QR that already ended (paid, expired, inactive) and raises
:class:`~.base.CancelNotSupported` for one that is still live, so the caller never assumes an
unpaid, cancelled QR that a shopper could still pay.
"""
from __future__ import annotations

import hmac
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from chalicelib.core import http
from chalicelib.core.clock import Clock, get_clock, iso_utc, parse_iso
from chalicelib.core.errors import Unauthorized, UpstreamError, ValidationError
from chalicelib.core.money import require_rupiah

from .base import (
    CancelNotSupported,
    GatewayEvent,
    GatewayStatus,
    PartialRefundNotSupported,
    QrisCharge,
    RefundExceedsPaid,
    RefundInProgress,
    RefundInsufficientBalance,
    RefundKeyConflict,
    RefundNotAllowed,
    RefundNotFound,
    RefundNotSupported,
    RefundResult,
    RefundStatus,
    Status,
    Transport,
    basic_auth,
    check_refund_request,
    checked_qr,
    gateway_error,
    header,
    loads_exact,
    refund_refusal,
    rupiah,
)

SYSTEM = "Xendit"
BASE_URL = "https://api.xendit.co"
API_VERSION = "2022-07-31"

# Payment statuses in callbacks and in the payments list (v2: SUCCEEDED, v1: COMPLETED). After a
# refund the payment reads REFUNDED (partial, or after 24 h) or VOIDED (full within 24 h).
_PAYMENT_STATUS: dict[str, Status] = {"SUCCEEDED": "paid", "COMPLETED": "paid", "FAILED": "failed",
                                      "REFUNDED": "refunded", "VOIDED": "refunded"}
_REFUND_STATUS: dict[str, RefundStatus] = {"PENDING": "pending", "SUCCEEDED": "succeeded", "FAILED": "failed"}
# Xendit's refund reasons (free text is refused); ours stays in our own records.
_REFUND_REASONS = ("FRAUDULENT", "DUPLICATE", "REQUESTED_BY_CUSTOMER", "CANCELLATION", "OTHERS")
_REFUND_REFUSALS = {
    "MAXIMUM_REFUND_AMOUNT_REACHED": (RefundExceedsPaid, "jumlah refund melebihi sisa pembayaran yang belum di-refund."),
    "PARTIAL_REFUND_NOT_SUPPORTED": (PartialRefundNotSupported, "penerbit pembayaran ini tidak mendukung refund sebagian."),
    "REFUND_NOT_SUPPORTED": (RefundNotSupported, "penerbit pembayaran ini tidak mendukung refund lewat Xendit."),
    "REFUND_IN_PROGRESS": (RefundInProgress, "refund penuh lain untuk pembayaran ini masih diproses."),
    "INELIGIBLE_TRANSACTION": (RefundNotAllowed, "pembayaran ini tidak dapat di-refund (gagal, tertunda atau sudah "
                                                 "dibatalkan)."),
    "INSUFFICIENT_BALANCE": (RefundInsufficientBalance, "saldo Xendit merchant tidak cukup untuk refund; coba lagi "
                                                        "nanti."),
}
_REFUND_EVENTS = ("qr.refund", "refund.succeeded", "refund.failed")


def _epoch(text: Any) -> int | None:
    if not isinstance(text, str) or not text:
        return None
    try:
        return int(parse_iso(text))
    except ValueError:
        return None


def _issuer(payment: Mapping[str, Any]) -> str | None:
    """The payer's app: ``payment_detail.source`` ("GOPAY"), else the channel ("ID_DANA" -> "dana")."""
    for key in ("payment_detail", "payment_details"):
        detail = payment.get(key)
        if isinstance(detail, Mapping) and isinstance(detail.get("source"), str) and detail["source"]:
            return detail["source"].lower()
    channel = payment.get("channel_code")
    if isinstance(channel, str) and channel and channel.upper() != "QRIS":
        return channel.lower().removeprefix("id_")
    return None


class XenditGateway:
    """One merchant's Xendit account: ``secret_key`` for API calls, ``callback_token`` for callbacks."""

    provider = "xendit"

    def __init__(
        self,
        *,
        secret_key: str,
        callback_token: str,
        base_url: str = BASE_URL,
        timeout: float = 10.0,
        transport: Transport = http.request,
        clock: Clock | None = None,
    ):
        if not secret_key or not callback_token:
            raise ValueError("Xendit secret_key and callback_token are required")
        self._auth = basic_auth(secret_key)
        self._callback_token = callback_token.encode("utf-8")
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self._transport = transport
        self._clock = clock

    def __repr__(self) -> str:  # never print the keys
        return f"XenditGateway(base_url={self.base_url!r})"

    @property
    def clock(self) -> Clock:
        return self._clock or get_clock()

    def create_qris(self, order_ref: str, amount: int, expires_at: int, description: str = "") -> QrisCharge:
        if not isinstance(order_ref, str) or not order_ref:
            raise ValidationError("order_ref wajib diisi.", code="invalid_order_ref")
        require_rupiah(amount, "amount", minimum=1)
        if expires_at <= self.clock.now_s():
            raise ValidationError("Batas waktu QRIS sudah lewat.", code="invalid_expiry")
        body: dict[str, Any] = {
            "reference_id": order_ref,
            "type": "DYNAMIC",
            "currency": "IDR",
            "amount": amount,
            "expires_at": iso_utc(expires_at),
        }
        if description:
            body["description"] = description
        data = self._call("POST", "/qr_codes", body)
        qr_string = checked_qr(SYSTEM, data.get("qr_string"), amount)
        qr_id = data.get("id")
        if not isinstance(qr_id, str) or not qr_id:
            raise UpstreamError(f"{SYSTEM} tidak mengirim id QR.", code="gateway_bad_response")
        return QrisCharge(provider=self.provider, provider_ref=qr_id, qr_string=qr_string,
                          expires_at=_epoch(data.get("expires_at")) or expires_at, raw=data)

    def get_status(self, order_ref: str, *, provider_ref: str | None = None) -> GatewayStatus:
        """Paid if any payment on the QR succeeded (``refunded`` once money went back); otherwise the
        QR's own state."""
        qr_id = _require_ref(provider_ref)
        listing = self._call("GET", f"/qr_codes/{quote(qr_id, safe='')}/payments")
        payments = listing.get("data") if isinstance(listing.get("data"), list) else []
        for payment in payments:
            state = _PAYMENT_STATUS.get(str(payment.get("status"))) if isinstance(payment, Mapping) else None
            if state in ("paid", "refunded"):
                return GatewayStatus(
                    status=state,
                    amount=rupiah(payment.get("amount"), "amount", SYSTEM),
                    issuer=_issuer(payment),
                    paid_at=_epoch(payment.get("created")),
                    provider_ref=qr_id,
                    raw={"qr_code_id": qr_id, "payments": listing},
                )
        qr = self._call("GET", f"/qr_codes/{quote(qr_id, safe='')}")
        status: Status = "pending"
        if qr.get("status") == "INACTIVE":
            expires = _epoch(qr.get("expires_at"))
            status = "expired" if expires is not None and expires <= self.clock.now_s() else "cancelled"
        amount = qr.get("amount")
        return GatewayStatus(
            status=status,
            amount=rupiah(amount, "amount", SYSTEM) if amount is not None else None,
            issuer=None,
            paid_at=None,
            provider_ref=qr_id,
            raw={"qr_code": qr, "payments": listing},
        )

    def cancel(self, order_ref: str, *, provider_ref: str | None = None) -> GatewayStatus:
        """Report an ended QR; refuse (:class:`CancelNotSupported`) for one still payable."""
        current = self.get_status(order_ref, provider_ref=provider_ref)
        if current.status != "pending":
            return current
        qr = current.raw.get("qr_code", {})
        raise CancelNotSupported(
            f"Xendit tidak dapat menutup QR yang masih aktif; QR tetap bisa dibayar sampai {qr.get('expires_at')}.",
            details={"system": SYSTEM, "provider_ref": current.provider_ref, "expires_at": qr.get("expires_at")},
        )

    def parse_callback(self, headers: Mapping[str, str], body: bytes) -> GatewayEvent:
        """Check ``x-callback-token`` first (constant time); only then read the body.

        Event key: ``xendit:{payment id}:{status}``. The payment id (``qrpy_...``) is the same in
        every redelivery and manual resend of one payment's callback, and one QR payment gives one
        payment id, so it is the natural de-duplication key (``webhook-id`` is kept in ``raw``).
        Refund callbacks (``qr.refund``; the unified ``refund.succeeded``/``refund.failed`` too) come
        back as ``kind="refund"`` events keyed ``xendit:refund:{refund id}:{status}``.
        """
        token = header(headers, "x-callback-token")
        if token is None or not hmac.compare_digest(token.encode("utf-8"), self._callback_token):
            raise Unauthorized("Token callback Xendit tidak cocok.", code="bad_signature")
        try:
            data = loads_exact(body)
        except (ValueError, UnicodeDecodeError):
            raise UpstreamError(f"{SYSTEM}: callback bukan JSON.", code="gateway_bad_response") from None
        if not isinstance(data, dict):
            raise UpstreamError(f"{SYSTEM}: callback bukan objek JSON.", code="gateway_bad_response")
        if data.get("event") in _REFUND_EVENTS:
            return self._refund_event(headers, data)

        if isinstance(data.get("data"), Mapping):  # v2: {event, api_version, data: {...}}
            payment = data["data"]
            order_ref = payment.get("reference_id")
            qr_id = payment.get("qr_id")
        else:  # v1: flat, the QR nested under qr_code
            payment = data
            qr_code = data.get("qr_code") if isinstance(data.get("qr_code"), Mapping) else {}
            order_ref = qr_code.get("external_id") or qr_code.get("reference_id")
            qr_id = qr_code.get("id")
        payment_id, raw_status = payment.get("id"), str(payment.get("status"))
        status = _PAYMENT_STATUS.get(raw_status)
        if status is None:
            raise UpstreamError(f"{SYSTEM}: status pembayaran tidak dikenal {raw_status!r}.",
                                code="gateway_unknown_status", details={"system": SYSTEM})
        if not isinstance(order_ref, str) or not order_ref or not isinstance(payment_id, str) or not payment_id:
            raise UpstreamError(f"{SYSTEM}: callback tanpa reference_id atau id pembayaran.", code="gateway_bad_response")
        webhook_id = header(headers, "webhook-id")
        raw = dict(data, _webhook_id=webhook_id) if webhook_id else data
        return GatewayEvent(
            event_key=f"xendit:{payment_id}:{raw_status}",
            order_ref=order_ref,
            status=status,
            amount=rupiah(payment.get("amount"), "amount", SYSTEM),
            issuer=_issuer(payment),
            paid_at=_epoch(payment.get("created")) if status == "paid" else None,
            raw=raw,
            provider=self.provider,
            provider_ref=qr_id if isinstance(qr_id, str) else None,
        )

    def refund(self, order_ref: str, *, provider_ref: str | None, refund_key: str, amount: int,
               reason: str) -> RefundResult:
        """Refund ``amount`` of the QR's payment. ``refund_key`` goes as the ``idempotency-key``
        header and as ``reference_id``, so a retry returns the refund already made. ``provider_ref``
        is the QR id from :meth:`create_qris` (or the payment id, ``qrpy_...``)."""
        reason = check_refund_request(refund_key, amount, reason)
        payment_id = self._payment_id(provider_ref)
        body = {"reference_id": refund_key, "amount": amount, "reason": _xendit_reason(reason)}
        path = f"/qr_codes/payments/{quote(payment_id, safe='')}/refunds"
        try:
            data = self._call("POST", path, body, extra_headers={"idempotency-key": refund_key})
        except UpstreamError as exc:
            code = exc.details.get("gateway_code")
            if code in _REFUND_REFUSALS:
                kind, text = _REFUND_REFUSALS[code]
                raise refund_refusal(kind, SYSTEM, exc.details.get("http_status", 400), exc.details.get("gateway_message"),
                                     gateway_code=code, text=text) from None
            if exc.details.get("http_status") == 409:
                # The key was used before: the same refund (answer it) or another one (refuse).
                try:
                    existing = self._find_refund(payment_id, refund_key)
                except RefundNotFound:
                    raise exc from None
                if existing.amount == amount:
                    return existing
                raise refund_refusal(RefundKeyConflict, SYSTEM, 409, exc.details.get("gateway_message"),
                                     gateway_code=code, text=f"kunci refund {refund_key} sudah dipakai untuk refund "
                                                             f"Rp{existing.amount} (diminta Rp{amount}).") from None
            raise
        return _refund_result(data, refund_key, amount)

    def get_refund(self, order_ref: str, *, provider_ref: str | None, refund_key: str,
                   provider_refund_id: str | None = None) -> RefundResult:
        """The refund among the payment's refunds whose ``reference_id`` is ``refund_key`` (or, since
        the QR Codes API's own refund object carries no ``reference_id``, whose ``id`` is the
        ``qrrf_...`` Xendit gave it). Xendit has no refund period error of its own: a refund asked
        after 30 days ends ``failed`` with ``INELIGIBLE_TRANSACTION`` (by callback and here)."""
        try:
            payment_id = self._payment_id(provider_ref)
        except RefundNotAllowed:
            raise RefundNotFound(f"{SYSTEM}: QR {provider_ref} belum dibayar, jadi tidak punya refund.",
                                 details={"system": SYSTEM, "refund_key": refund_key}) from None
        return self._find_refund(payment_id, refund_key, provider_refund_id)

    def _find_refund(self, payment_id: str, refund_key: str, provider_refund_id: str | None = None) -> RefundResult:
        listing = self._call("GET", f"/qr_codes/payments/{quote(payment_id, safe='')}/refunds")
        for refund in listing.get("data") if isinstance(listing.get("data"), list) else []:
            if not isinstance(refund, Mapping):
                continue
            if refund.get("reference_id") == refund_key or (provider_refund_id and refund.get("id") == provider_refund_id):
                return _refund_result(dict(refund), refund_key, None)
        raise RefundNotFound(f"{SYSTEM} tidak mencatat refund {refund_key} untuk pembayaran {payment_id}.",
                             details={"system": SYSTEM, "refund_key": refund_key, "payment_id": payment_id})

    def _payment_id(self, provider_ref: str | None) -> str:
        """The QR's successful payment (``qrpy_...``): refunds are made against the payment, not the QR."""
        ref = _require_ref(provider_ref)
        if ref.startswith("qrpy_"):
            return ref
        listing = self._call("GET", f"/qr_codes/{quote(ref, safe='')}/payments")
        for payment in listing.get("data") if isinstance(listing.get("data"), list) else []:
            if (isinstance(payment, Mapping) and _PAYMENT_STATUS.get(str(payment.get("status"))) in ("paid", "refunded")
                    and isinstance(payment.get("id"), str) and payment["id"]):
                return payment["id"]
        raise RefundNotAllowed(f"{SYSTEM}: QR {ref} belum dibayar, tidak ada yang bisa di-refund.",
                               details={"system": SYSTEM, "provider_ref": ref})

    def _refund_event(self, headers: Mapping[str, str], data: dict) -> GatewayEvent:
        refund = data.get("data")
        if isinstance(refund, Mapping) and isinstance(refund.get("data"), Mapping) and "event" in refund:
            refund = refund["data"]  # the unified refund webhook sample nests the event once more
        if not isinstance(refund, Mapping):
            raise UpstreamError(f"{SYSTEM}: callback refund tanpa data.", code="gateway_bad_response")
        refund_id, raw_status = refund.get("id"), str(refund.get("status"))
        refund_status = _REFUND_STATUS.get(raw_status)
        if refund_status is None:
            raise UpstreamError(f"{SYSTEM}: status refund tidak dikenal {raw_status!r}.",
                                code="gateway_unknown_status", details={"system": SYSTEM})
        if not isinstance(refund_id, str) or not refund_id:
            raise UpstreamError(f"{SYSTEM}: callback refund tanpa id.", code="gateway_bad_response")
        reference = refund.get("reference_id")  # the unified refund object names our refund; the QR one does not
        qr_id = refund.get("qr_id") or refund.get("qrpy_id") or refund.get("payment_id")
        given = refund.get("refund_amount", refund.get("amount"))
        webhook_id = header(headers, "webhook-id")
        raw = dict(data, _webhook_id=webhook_id) if webhook_id else data
        return GatewayEvent(
            event_key=f"xendit:refund:{refund_id}:{raw_status}",
            order_ref=None,
            status="refunded" if refund_status == "succeeded" else "paid",
            amount=None,
            issuer=_issuer(refund),
            paid_at=None,
            raw=raw,
            provider=self.provider,
            provider_ref=qr_id if isinstance(qr_id, str) and qr_id else None,
            kind="refund",
            refund_key=reference if isinstance(reference, str) and reference else None,
            refund_amount=rupiah(given, "amount", SYSTEM) if given is not None else None,
            refund_status=refund_status,
            provider_refund_id=refund_id,
            failure_code=refund.get("failure_code") if isinstance(refund.get("failure_code"), str) else None,
        )

    def _call(self, method: str, path: str, body: dict | None = None, *, extra_headers: dict | None = None) -> dict:
        headers = {"Authorization": self._auth, "api-version": API_VERSION}
        if extra_headers:
            headers.update(extra_headers)
        resp = self._transport(method, self.base_url + path, json_body=body, headers=headers,
                               timeout=self.timeout, system=SYSTEM)
        try:
            data = loads_exact(resp.body) if resp.body else None
        except (ValueError, UnicodeDecodeError):
            data = None
        if resp.status >= 300:
            # Xendit errors: {"error_code": "DATA_NOT_FOUND", "message": "..."}
            message = data.get("message") if isinstance(data, dict) else None
            code = data.get("error_code") if isinstance(data, dict) else None
            raise gateway_error(SYSTEM, resp.status, message, gateway_code=code)
        if not isinstance(data, dict):
            raise UpstreamError(f"{SYSTEM} menjawab bukan JSON (HTTP {resp.status}).", code="gateway_bad_response",
                                details={"system": SYSTEM, "http_status": resp.status})
        return data


def _xendit_reason(reason: str) -> str:
    """Xendit takes a reason code, not free text: ours if it is one, else REQUESTED_BY_CUSTOMER."""
    code = reason.strip().upper().replace(" ", "_")
    return code if code in _REFUND_REASONS else "REQUESTED_BY_CUSTOMER"


def _refund_result(data: dict, refund_key: str, asked: int | None) -> RefundResult:
    raw_status = str(data.get("status"))
    status = _REFUND_STATUS.get(raw_status)
    if status is None:
        raise UpstreamError(f"{SYSTEM}: status refund tidak dikenal {raw_status!r}.", code="gateway_unknown_status",
                            details={"system": SYSTEM})
    echoed = data.get("reference_id")
    if echoed is not None and echoed != refund_key:
        raise UpstreamError(f"{SYSTEM} menjawab untuk refund lain ({echoed!r}).", code="gateway_bad_response",
                            details={"system": SYSTEM, "refund_key": refund_key})
    given = data.get("refund_amount", data.get("amount"))  # the QR object's "amount" would be the payment's
    if given is None and asked is None:
        raise UpstreamError(f"{SYSTEM}: refund tanpa jumlah.", code="gateway_bad_response", details={"system": SYSTEM})
    failure = data.get("failure_code") if isinstance(data.get("failure_code"), str) else None
    return RefundResult(
        refund_key=refund_key,
        status=status,
        amount=rupiah(given, "amount", SYSTEM) if given is not None else asked,
        provider_refund_id=data.get("id") if isinstance(data.get("id"), str) else None,
        failure_code=failure if status == "failed" else None,
        failure_message=_FAILURE_MESSAGES.get(failure or "", failure) if status == "failed" else None,
        raw=data,
    )


_FAILURE_MESSAGES = {
    "INSUFFICIENT_BALANCE": "Saldo Xendit merchant tidak cukup saat refund diproses.",
    "INELIGIBLE_TRANSACTION": "Pembayaran melewati masa refund (30 hari) atau sudah terlalu sering dicoba.",
}


def _require_ref(provider_ref: str | None) -> str:
    if not isinstance(provider_ref, str) or not provider_ref:
        raise ValidationError("Xendit butuh provider_ref (id QR dari create_qris).", code="missing_provider_ref")
    return provider_ref
