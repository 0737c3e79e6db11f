"""Midtrans Core API adapter for dynamic QRIS (``payment_type: "qris"``).

Calls used (Midtrans Core API v2, see ``shared/reference/payments.md`` §3.1):

* ``POST {base}/v2/charge`` with ``transaction_details``, ``qris.acquirer`` and ``custom_expiry``;
  the response carries ``qr_string`` (the EMV payload) and ``transaction_id``.
* ``GET {base}/v2/{order_id}/status``
* ``POST {base}/v2/{order_id}/cancel``
* HTTP notifications, verified by
  ``signature_key = SHA512(order_id + status_code + gross_amount + server_key)`` over the body's own
  strings (``gross_amount`` keeps its ``.00``; ``status_code`` differs per status).

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
    QrisCharge,
    Status,
    Transport,
    basic_auth,
    checked_qr,
    gateway_error,
    loads_exact,
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
    """

    provider = "midtrans"

    def __init__(
        self,
        *,
        server_key: str,
        base_url: str = SANDBOX_BASE_URL,
        acquirer: str = "gopay",
        notification_url: str | None = None,
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

    # -- plumbing ----------------------------------------------------------------------------

    def _call(self, method: str, path: str, body: dict | None = None, *, extra_headers: dict | None = None) -> dict:
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


def _paid_at(data: Mapping[str, Any]) -> int | None:
    return _epoch(data.get("settlement_time")) or _epoch(data.get("transaction_time"))


def _check_order_ref(order_ref: str) -> None:
    if not isinstance(order_ref, str) or not _ORDER_ID.match(order_ref):
        raise ValidationError(f"order_ref {order_ref!r} tidak valid untuk Midtrans (maks 50: huruf, angka, - _ ~ .).",
                              code="invalid_order_ref")
