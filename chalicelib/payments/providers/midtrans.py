"""Midtrans Core API adapter for dynamic QRIS (``payment_type: "qris"``).

Calls used (Midtrans Core API v2, see ``shared/reference/payments.md`` §3.1):

* ``POST {base}/v2/charge`` with ``transaction_details``, ``qris.acquirer`` and ``custom_expiry``;
  the response carries ``qr_string`` (the EMV payload) and ``transaction_id``.
* ``GET {base}/v2/{order_id}/status``
* ``POST {base}/v2/{order_id}/cancel``
* ``POST {base}/v2/{transaction_id}/refund/online/direct`` (or ``/refund``, ``direct_refund=False``)
  ``{refund_key, amount, reason}``: the same ``refund_key`` is the same refund ("retry the same
  refund request ... use the same refund_key"); ``status_code`` 200 = refunded, 201 = accepted and
  still being processed. The status API then lists the refund in ``refunds[]`` (with
  ``bank_confirmed_at`` once the bank confirmed it), and ``transaction_status`` becomes
  ``partial_refund``/``refund``. An acknowledged refund is always listed there; one that is not
  listed was not acknowledged and can be asked again with the same key.
* HTTP notifications, verified by
  ``signature_key = SHA512(order_id + status_code + gross_amount + server_key)`` over the body's own
  strings (``gross_amount`` keeps its ``.00``; ``status_code`` differs per status).

Midtrans sends a refund notification only when a refund succeeds (``transaction_status``
``refund``/``partial_refund``, carrying ``refunds[]``); a refund that fails is never notified, so
pending refunds must be polled with :meth:`MidtransGateway.get_refund`.

Midtrans does not publish one error code per refund refusal (``412`` covers "cannot modify the
transaction" whatever the cause), so a refused refund is classified against the status API's own
figures (settled? how much is left?) before the message is read.

Auth is HTTP Basic with the merchant's server key as user and no password. Midtrans times are
``YYYY-MM-DD HH:MM:SS`` in GMT+7.
"""
from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

from chalicelib.core import http
from chalicelib.core.clock import Clock, get_clock
from chalicelib.core.errors import Unauthorized, UpstreamError, ValidationError
from chalicelib.core.money import require_rupiah

from .base import (
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
    RefundRefused,
    RefundResult,
    RefundWindowPassed,
    Status,
    Transport,
    basic_auth,
    check_refund_request,
    checked_qr,
    gateway_error,
    loads_exact,
    refund_refusal,
    rupiah,
)

SYSTEM = "Midtrans"
SANDBOX_BASE_URL = "https://api.sandbox.midtrans.com"
PRODUCTION_BASE_URL = "https://api.midtrans.com"
_WIB = ZoneInfo("Asia/Jakarta")  # Midtrans reports and accepts times in GMT+7
_TIME_FORMAT = "%Y-%m-%d %H:%M:%S"
# Midtrans order_id: at most 50 characters of letters, digits, '-', '_', '~' and '.'.
_ORDER_ID = re.compile(r"^[A-Za-z0-9\-_~.]{1,50}$")

_STATUS_MAP: dict[str, Status] = {
    "settlement": "paid",
    "capture": "paid",  # cards; QRIS settles directly
    "pending": "pending",
    "authorize": "pending",  # card pre-auth, not yet money
    "deny": "failed",
    "failure": "failed",
    "expire": "expired",
    "cancel": "cancelled",
    "refund": "refunded",
    "partial_refund": "refunded",
    "chargeback": "refunded",
    "partial_chargeback": "refunded",
}
_REFUND_STATUSES = ("refund", "partial_refund")
_REFUNDABLE = ("settlement", "capture", "partial_refund")


def notification_signature(order_id: str, status_code: str, gross_amount: str, server_key: str) -> str:
    """Midtrans' ``signature_key``: lower-case hex SHA-512 of the four strings joined as they are."""
    return hashlib.sha512(f"{order_id}{status_code}{gross_amount}{server_key}".encode("utf-8")).hexdigest()


def map_status(transaction_status: str, fraud_status: str | None = None) -> Status:
    """Midtrans ``transaction_status`` (+ ``fraud_status``) -> our status.

    Money counts as received only when the fraud check accepted it: ``challenge`` waits for a
    decision (pending), ``deny`` is a refusal.
    """
    status = _STATUS_MAP.get(transaction_status)
    if status is None:
        raise UpstreamError(f"{SYSTEM}: status transaksi tidak dikenal {transaction_status!r}.",
                            code="gateway_unknown_status", details={"system": SYSTEM})
    if status == "paid" and fraud_status == "challenge":
        return "pending"
    if status == "paid" and fraud_status == "deny":
        return "failed"
    return status


def _epoch(text: Any) -> int | None:
    if not isinstance(text, str) or not text:
        return None
    try:
        return int(datetime.strptime(text, _TIME_FORMAT).replace(tzinfo=_WIB).timestamp())
    except ValueError:
        return None


def _issuer(body: Mapping[str, Any], status: Status) -> str | None:
    """The payer's wallet or bank. Only a payment has one: while pending, ``acquirer`` is just the
    merchant's side. QRIS notifications name the payer in ``issuer``; older GoPay ones only in
    ``acquirer``, which is then the same app."""
    if status != "paid":
        return None
    value = body.get("issuer") or body.get("acquirer")
    return value.lower() if isinstance(value, str) and value else None


class MidtransGateway:
    """One merchant's Midtrans account.

    ``notification_url`` is sent as ``X-Override-Notification`` on each charge so that every
    merchant's notifications reach our callback route whatever the dashboard says.
    ``direct_refund`` picks the Direct Refund API (sent straight to the issuer, notified when it
    succeeds; QRIS supports it) over the Refund API.
    """

    provider = "midtrans"

    def __init__(
        self,
        *,
        server_key: str,
        base_url: str = SANDBOX_BASE_URL,
        acquirer: str = "gopay",
        notification_url: str | None = None,
        direct_refund: bool = True,
        timeout: float = 10.0,
        transport: Transport = http.request,
        clock: Clock | None = None,
    ):
        if not server_key:
            raise ValueError("Midtrans server_key is required")
        self._server_key = server_key
        self._auth = basic_auth(server_key)
        self.base_url = base_url.rstrip("/")
        self.acquirer = acquirer
        self.notification_url = notification_url
        self.direct_refund = direct_refund
        self.timeout = timeout
        self._transport = transport
        self._clock = clock

    def __repr__(self) -> str:  # never print the key
        return f"MidtransGateway(base_url={self.base_url!r})"

    @property
    def clock(self) -> Clock:
        return self._clock or get_clock()

    # -- calls -------------------------------------------------------------------------------

    def create_qris(self, order_ref: str, amount: int, expires_at: int, description: str = "") -> QrisCharge:
        _check_order_ref(order_ref)
        require_rupiah(amount, "amount", minimum=1)
        now = self.clock.now_s()
        if expires_at <= now:
            raise ValidationError("Batas waktu QRIS sudah lewat.", code="invalid_expiry")
        body: dict[str, Any] = {
            "payment_type": "qris",
            "transaction_details": {"order_id": order_ref, "gross_amount": amount},
            "qris": {"acquirer": self.acquirer},
            # order_time pins the start, so the expiry lands on expires_at to the second.
            "custom_expiry": {
                "order_time": datetime.fromtimestamp(now, _WIB).strftime(_TIME_FORMAT + " %z"),
                "expiry_duration": expires_at - now,
                "unit": "second",
            },
        }
        if description:
            # One line that sums to gross_amount (Midtrans refuses a mismatch); names max 50 chars.
            body["item_details"] = [{"id": order_ref, "price": amount, "quantity": 1, "name": description[:50]}]
        extra = {"X-Override-Notification": self.notification_url} if self.notification_url else None
        data = self._call("POST", "/v2/charge", body, extra_headers=extra)
        if data.get("transaction_status") != "pending":
            raise UpstreamError(f"{SYSTEM} menolak membuat QRIS: {data.get('status_message') or data.get('transaction_status')}.",
                                code="gateway_rejected", details={"system": SYSTEM, "gateway_code": data.get("status_code")})
        qr_string = checked_qr(SYSTEM, data.get("qr_string"), amount)
        provider_ref = data.get("transaction_id")
        if not isinstance(provider_ref, str) or not provider_ref:
            raise UpstreamError(f"{SYSTEM} tidak mengirim transaction_id.", code="gateway_bad_response")
        return QrisCharge(
            provider=self.provider,
            provider_ref=provider_ref,
            qr_string=qr_string,
            expires_at=_epoch(data.get("expiry_time")) or expires_at,
            raw=data,
        )

    def get_status(self, order_ref: str, *, provider_ref: str | None = None) -> GatewayStatus:
        """Midtrans looks transactions up by our order_id; ``provider_ref`` is not needed."""
        _check_order_ref(order_ref)
        return self._status_of(self._call("GET", f"/v2/{quote(order_ref, safe='')}/status"))

    def cancel(self, order_ref: str, *, provider_ref: str | None = None) -> GatewayStatus:
        """Cancel a pending QR. If it is no longer pending (paid, expired) the real state is returned."""
        _check_order_ref(order_ref)
        try:
            data = self._call("POST", f"/v2/{quote(order_ref, safe='')}/cancel")
        except UpstreamError as exc:
            # 412: "Merchant cannot modify the status of the transaction": it settled or expired
            # first. The caller needs to know which, so ask.
            if exc.details.get("gateway_code") == "412":
                return self.get_status(order_ref)
            raise
        return self._status_of(data)

    def parse_callback(self, headers: Mapping[str, str], body: bytes) -> GatewayEvent:
        """Verify the signature first; only then read the notification.

        Event key: ``midtrans:{transaction_id}:{transaction_status}:{status_code}``. A redelivery of
        the same notification has the same key; a different status of the same payment (pending
        then settlement, out of order or not) has its own; a reused order_id after cancel/expire
        gets a new transaction_id, so a later payment is never mistaken for a duplicate.

        ``refund``/``partial_refund`` notifications (sent when a refund succeeded) come back as
        ``kind="refund"`` events, keyed per refund (see :meth:`_refund_event`); chargebacks stay
        payment events with status ``refunded``.
        """
        try:
            data = loads_exact(body)
        except (ValueError, UnicodeDecodeError):
            raise Unauthorized("Notifikasi Midtrans tidak dapat diverifikasi: bukan JSON.", code="bad_signature") from None
        if not isinstance(data, dict):
            raise Unauthorized("Notifikasi Midtrans tidak dapat diverifikasi.", code="bad_signature")
        parts = [data.get(k) for k in ("order_id", "status_code", "gross_amount", "signature_key")]
        if not all(isinstance(p, str) and p for p in parts):
            raise Unauthorized("Notifikasi Midtrans tanpa order_id/status_code/gross_amount/signature_key.",
                               code="bad_signature")
        order_id, status_code, gross_amount, signature = parts
        expected = notification_signature(order_id, status_code, gross_amount, self._server_key)
        if not hmac.compare_digest(expected.encode(), signature.lower().encode()):
            raise Unauthorized("Tanda tangan notifikasi Midtrans tidak cocok.", code="bad_signature")

        transaction_status = data.get("transaction_status")
        if not isinstance(transaction_status, str):
            raise UpstreamError(f"{SYSTEM}: notifikasi tanpa transaction_status.", code="gateway_bad_response")
        status = map_status(transaction_status, data.get("fraud_status"))
        transaction_id = data.get("transaction_id") if isinstance(data.get("transaction_id"), str) else None
        if transaction_status in _REFUND_STATUSES:
            return self._refund_event(data, order_id, status_code, gross_amount, status, transaction_id)
        return GatewayEvent(
            event_key=f"midtrans:{transaction_id or order_id}:{transaction_status}:{status_code}",
            order_ref=order_id,
            status=status,
            amount=rupiah(gross_amount, "gross_amount", SYSTEM),
            issuer=_issuer(data, status),
            paid_at=_paid_at(data) if status == "paid" else None,
            raw=data,
            provider=self.provider,
            provider_ref=transaction_id,
        )

    def refund(self, order_ref: str, *, provider_ref: str | None, refund_key: str, amount: int,
               reason: str) -> RefundResult:
        """Refund ``amount`` of a settled payment; ``refund_key`` makes a retry the same refund.

        The call names the transaction by ``provider_ref`` (Midtrans' transaction_id) when given,
        so a reused order_id can never point the refund at another attempt.
        """
        _check_order_ref(order_ref)
        reason = check_refund_request(refund_key, amount, reason)
        ref = provider_ref or order_ref
        path = f"/v2/{quote(ref, safe='')}/refund" + ("/online/direct" if self.direct_refund else "")
        body: dict[str, Any] = {"refund_key": refund_key, "amount": amount}
        if reason:
            body["reason"] = reason
        resp, data = self._send("POST", path, body)
        code = str(data.get("status_code", resp.status))
        if resp.status < 300 and code in ("200", "201"):
            return self._refund_result(data, refund_key, amount, succeeded=code == "200")
        outcome = self._refund_refused(ref, refund_key, amount, code, resp.status, data)
        if isinstance(outcome, RefundResult):
            return outcome
        raise outcome

    def get_refund(self, order_ref: str, *, provider_ref: str | None, refund_key: str,
                   provider_refund_id: str | None = None) -> RefundResult:
        """The refund as the status API lists it: confirmed by the bank -> succeeded; listed but
        not confirmed yet -> pending; not listed -> :class:`RefundNotFound`."""
        _check_order_ref(order_ref)
        data = self._call("GET", f"/v2/{quote(provider_ref or order_ref, safe='')}/status")
        entry = _refund_entry(data, refund_key)
        if entry is None:
            raise RefundNotFound(f"{SYSTEM} tidak mencatat refund {refund_key} untuk transaksi ini.",
                                 details={"system": SYSTEM, "refund_key": refund_key})
        return _result_from_entry(entry, refund_key, data)

    # -- refunds: plumbing -------------------------------------------------------------------

    def _refund_result(self, data: dict, refund_key: str, amount: int, *, succeeded: bool) -> RefundResult:
        echoed = data.get("refund_key")
        if echoed is not None and echoed != refund_key:
            raise UpstreamError(f"{SYSTEM} menjawab untuk refund lain ({echoed!r}).", code="gateway_bad_response",
                                details={"system": SYSTEM, "refund_key": refund_key})
        given = data.get("refund_amount")
        return RefundResult(
            refund_key=refund_key,
            status="succeeded" if succeeded and data.get("transaction_status") in _REFUND_STATUSES else "pending",
            amount=rupiah(given, "refund_amount", SYSTEM) if given is not None else amount,
            provider_refund_id=_refund_id(data),
            failure_code=None,
            failure_message=None,
            raw=data,
        )

    def _refund_refused(self, ref: str, refund_key: str, amount: int, code: str, http_status: int,
                        data: dict) -> RefundResult | Exception:
        """Why Midtrans refused, from its status API's figures first and its words second (or, when
        the status already lists this very refund, that refund: the request was a repeat)."""
        message = data.get("status_message") if isinstance(data.get("status_message"), str) else None
        extra = data.get("validation_messages")
        if isinstance(extra, list) and extra:
            message = f"{message or ''} {'; '.join(str(m) for m in extra)}".strip()
        effective = int(code) if code.isdigit() else http_status
        if effective in (401, 403, 404, 429) or effective >= 500 and effective != 501:
            return gateway_error(SYSTEM, effective, message, gateway_code=code)
        if effective == 414:
            return refund_refusal(RefundInsufficientBalance, SYSTEM, effective, message, gateway_code=code,
                                  text="saldo merchant tidak cukup untuk refund; coba lagi nanti.")

        def refused(kind: type, text: str) -> Exception:
            return refund_refusal(kind, SYSTEM, effective, message, gateway_code=code, text=text)

        try:
            status = self._call("GET", f"/v2/{quote(ref, safe='')}/status")
        except UpstreamError:
            status = None
        if status is not None:
            entry = _refund_entry(status, refund_key)
            if entry is not None:
                listed = rupiah(entry.get("refund_amount"), "refund_amount", SYSTEM)
                if listed == amount:  # the same request again: Midtrans already has this refund
                    return _result_from_entry(entry, refund_key, status)
                return refused(RefundKeyConflict, f"refund_key {refund_key} sudah dipakai untuk refund "
                                                  f"Rp{listed} (diminta Rp{amount}).")
            transaction_status = status.get("transaction_status")
            gross = rupiah(status.get("gross_amount"), "gross_amount", SYSTEM) if status.get("gross_amount") else None
            refunded = _refunded_total(status)
            if transaction_status == "refund" or (gross is not None and amount > gross - refunded):
                left = 0 if gross is None else max(gross - refunded, 0)
                return refused(RefundExceedsPaid, f"refund Rp{amount} melebihi sisa yang bisa dikembalikan (Rp{left}).")
            if transaction_status not in _REFUNDABLE:
                return refused(RefundNotAllowed, f"transaksi berstatus {transaction_status}, belum/tidak bisa "
                                                 "di-refund.")
        words = (message or "").lower()
        if "partial" in words:
            return refused(PartialRefundNotSupported, "refund sebagian tidak didukung untuk pembayaran ini.")
        if effective == 501 or "not supported" in words or "not available" in words or "not allowed" in words:
            return refused(RefundNotSupported, "refund tidak didukung untuk pembayaran ini.")
        if any(w in words for w in ("period", "window", "expired", "too old", "days")):
            return refused(RefundWindowPassed, "batas waktu refund untuk pembayaran ini sudah lewat.")
        if "progress" in words or "processing" in words:
            return refused(RefundInProgress, "refund lain untuk pembayaran ini masih diproses.")
        if any(w in words for w in ("greater", "exceed", "more than", "remaining")):
            return refused(RefundExceedsPaid, "jumlah refund melebihi sisa yang bisa dikembalikan.")
        if effective == 406:
            return refused(RefundKeyConflict, f"refund_key {refund_key} sudah dipakai.")
        return refused(RefundRefused, f"refund ditolak (kode {code}).")

    def _refund_event(self, data: dict, order_id: str, status_code: str, gross_amount: str, status: Status,
                      transaction_id: str | None) -> GatewayEvent:
        """A refund notification (Midtrans sends one only when a refund succeeded).

        It names the refund by a top-level ``refund_key`` when present; otherwise by the entry of
        ``refunds[]`` the bank confirmed last. When two entries share that second, the notification
        does not say which one it is about: ``refund_key`` is then ``None`` and the caller asks
        :meth:`get_refund` for each refund of the payment still pending. The event key counts the
        confirmed total, so every refund that succeeds gets its own key and a redelivery the same.
        """
        entries = [e for e in data.get("refunds") or [] if isinstance(e, Mapping)]
        confirmed = [e for e in entries if isinstance(e.get("bank_confirmed_at"), str) and e["bank_confirmed_at"]]
        entry: Mapping[str, Any] | None = None
        if isinstance(data.get("refund_key"), str):
            entry = _refund_entry(data, data["refund_key"]) or {
                "refund_key": data["refund_key"], "refund_amount": data.get("refund_amount"),
                "refund_chargeback_id": data.get("refund_chargeback_id"),
                "refund_chargeback_uuid": data.get("refund_chargeback_uuid")}
        elif confirmed or entries:
            pool = confirmed or entries
            stamp = "bank_confirmed_at" if confirmed else "created_at"
            latest = max(str(e.get(stamp)) for e in pool)
            newest = [e for e in pool if str(e.get(stamp)) == latest]
            entry = newest[0] if len(newest) == 1 else None
        if confirmed:
            total = sum(rupiah(e.get("refund_amount"), "refund_amount", SYSTEM) for e in confirmed)
        else:
            total = data.get("refund_amount")
        refund_key = entry.get("refund_key") if entry and isinstance(entry.get("refund_key"), str) else None
        refund_amount = entry.get("refund_amount") if entry else None
        refund_id = _refund_id(entry) if entry else None
        which = refund_id or refund_key or "unnamed"
        return GatewayEvent(
            event_key=f"midtrans:{transaction_id or order_id}:refund:{which}:{total}",
            order_ref=order_id,
            status=status,
            amount=rupiah(gross_amount, "gross_amount", SYSTEM),
            issuer=_issuer(data, "paid"),
            paid_at=None,
            raw=data,
            provider=self.provider,
            provider_ref=transaction_id,
            kind="refund",
            refund_key=refund_key,
            refund_amount=rupiah(refund_amount, "refund_amount", SYSTEM) if refund_amount is not None else None,
            refund_status="succeeded",
            provider_refund_id=refund_id,
        )

    # -- plumbing ----------------------------------------------------------------------------

    def _send(self, method: str, path: str, body: dict | None = None, *,
              extra_headers: dict | None = None) -> tuple[Any, dict]:
        """One call: the answer and its JSON object. Redirects are never followed; an answer that is
        not a JSON object is the gateway's fault (or its refusal, by HTTP status)."""
        headers = {"Authorization": self._auth}
        if extra_headers:
            headers.update(extra_headers)
        resp = self._transport(method, self.base_url + path, json_body=body, headers=headers,
                               timeout=self.timeout, system=SYSTEM)
        if 300 <= resp.status < 400:
            raise gateway_error(SYSTEM, resp.status, None)
        try:
            data = loads_exact(resp.body) if resp.body else None
        except (ValueError, UnicodeDecodeError):
            data = None
        if not isinstance(data, dict):
            if resp.status >= 400:
                raise gateway_error(SYSTEM, resp.status, None)
            raise UpstreamError(f"{SYSTEM} menjawab bukan JSON (HTTP {resp.status}).", code="gateway_bad_response",
                                details={"system": SYSTEM, "http_status": resp.status})
        return resp, data

    def _call(self, method: str, path: str, body: dict | None = None, *, extra_headers: dict | None = None) -> dict:
        resp, data = self._send(method, path, body, extra_headers=extra_headers)
        # A transaction record is an answer whatever its status_code (an expired one says 407);
        # anything else with a status_code >= 300 is Midtrans refusing the call, often with HTTP 200.
        code = str(data.get("status_code", resp.status))
        if "transaction_status" not in data and (resp.status >= 300 or not code.startswith("2")):
            effective = int(code) if code.isdigit() else resp.status
            raise gateway_error(SYSTEM, effective, data.get("status_message"), gateway_code=code)
        return data

    def _status_of(self, data: dict) -> GatewayStatus:
        status = map_status(str(data.get("transaction_status")), data.get("fraud_status"))
        amount = data.get("gross_amount")
        return GatewayStatus(
            status=status,
            amount=rupiah(amount, "gross_amount", SYSTEM) if amount is not None else None,
            issuer=_issuer(data, status),
            paid_at=_paid_at(data) if status == "paid" else None,
            provider_ref=data.get("transaction_id"),
            raw=data,
        )


def _refund_entry(data: Mapping[str, Any], refund_key: str) -> Mapping[str, Any] | None:
    for entry in data.get("refunds") or []:
        if isinstance(entry, Mapping) and entry.get("refund_key") == refund_key:
            return entry
    return None


def _refund_id(data: Mapping[str, Any]) -> str | None:
    for key in ("refund_chargeback_uuid", "refund_chargeback_id"):
        value = data.get(key)
        if isinstance(value, (str, int)) and not isinstance(value, bool) and str(value):
            return str(value)
    return None


def _refunded_total(data: Mapping[str, Any]) -> int:
    """What Midtrans counts as refunded (or being refunded) on this transaction."""
    entries = [e for e in data.get("refunds") or [] if isinstance(e, Mapping)]
    if entries:
        return sum(rupiah(e.get("refund_amount"), "refund_amount", SYSTEM) for e in entries)
    total = data.get("refund_amount")
    return rupiah(total, "refund_amount", SYSTEM) if total is not None else 0


def _result_from_entry(entry: Mapping[str, Any], refund_key: str, data: dict) -> RefundResult:
    confirmed = entry.get("bank_confirmed_at")
    return RefundResult(
        refund_key=refund_key,
        status="succeeded" if isinstance(confirmed, str) and confirmed else "pending",
        amount=rupiah(entry.get("refund_amount"), "refund_amount", SYSTEM),
        provider_refund_id=_refund_id(entry),
        failure_code=None,
        failure_message=None,
        raw=data,
    )


def _paid_at(data: Mapping[str, Any]) -> int | None:
    return _epoch(data.get("settlement_time")) or _epoch(data.get("transaction_time"))


def _check_order_ref(order_ref: str) -> None:
    if not isinstance(order_ref, str) or not _ORDER_ID.match(order_ref):
        raise ValidationError(f"order_ref {order_ref!r} tidak valid untuk Midtrans (maks 50: huruf, angka, - _ ~ .).",
                              code="invalid_order_ref")
