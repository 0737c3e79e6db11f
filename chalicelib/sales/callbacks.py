"""Gateway callbacks: verify first, then treat the notification as a hint only.

A signature covers only part of a Midtrans notification (order_id, status_code, gross_amount), and
a verified body can still be a stale or altered copy, so nothing in it is applied. The server asks
the gateway's own status API about the attempt and applies what that confirms, through the same
path as "Cek Status Pembayaran"; the event is stored once in the shared inbox under a key made of
the confirmed transaction and status, so redeliveries and altered copies of one payment apply once.
A gateway that does not answer leaves the order as it was (502: the gateway retries, and so does
the payments sweeper)."""
from __future__ import annotations

from ..core import inbox
from ..core.errors import NotFound, Unauthorized
from ..payments.gateways import gateway_for
from ..payments.providers.base import loads_exact
from ..staff.service import store_settings
from . import model as sales_model, refund_rules
from .repo import get_attempt, get_order
from .service import apply_gateway_status


def _gateway_ref(provider: str, body: bytes) -> str | None:
    """Our attempt id as the callback names it (read before verification only to find the store's key)."""
    try:
        data = loads_exact(body)
    except (ValueError, UnicodeDecodeError):
        return None
    if not isinstance(data, dict):
        return None
    if provider == "midtrans":
        ref = data.get("order_id")
    else:
        inner = data.get("data") if isinstance(data.get("data"), dict) else data
        ref = inner.get("reference_id") or inner.get("external_id")
    return ref if isinstance(ref, str) else None


def _refunded_order(provider: str, body: bytes) -> str | None:
    """Xendit's refund callbacks name our refund, not the payment attempt: the unified refund object
    by its ``reference_id`` (our refund id, which names the order), the QR Codes one only by
    Xendit's own ``id`` (``qrrf_...``, looked up in the refunds' index). The order it is about, or
    None when this is not a refund callback; "" for a refund we cannot place."""
    if provider != "xendit":
        return None
    try:
        data = loads_exact(body)
    except (ValueError, UnicodeDecodeError):
        return None
    if not isinstance(data, dict) or data.get("event") not in ("qr.refund", "refund.succeeded", "refund.failed"):
        return None
    inner = data.get("data") if isinstance(data.get("data"), dict) else {}
    if isinstance(inner.get("data"), dict) and "event" in inner:
        inner = inner["data"]
    ref, own_id = inner.get("reference_id"), inner.get("id")
    if isinstance(ref, str) and ref:
        return refund_rules.order_of_refund(ref) or ""
    if isinstance(own_id, str) and own_id:
        from .repo import refund_by_provider_id

        found = refund_by_provider_id(own_id)
        return found[0] if found else ""
    return ""


def handle_callback(provider: str, headers: dict, body: bytes) -> dict:
    refunded = _refunded_order(provider, body)
    if refunded is not None:
        return _refund_callback(provider, headers, body, refunded)
    ref = _gateway_ref(provider, body)
    parsed = sales_model.split_gateway_ref(ref) if ref else None
    order = get_order(parsed[0]) if parsed else None
    if order is None:
        # Without the order we cannot know whose key signs it: nothing is trusted, nothing changes.
        raise NotFound("Transaksi tidak dikenal.", code="unknown_transaction")
    settings = store_settings(order.store_id)
    gateway = gateway_for(settings, order.merchant_id)
    if gateway.provider != provider:
        raise Unauthorized("Callback dari gateway yang tidak dipakai toko ini.", code="bad_signature")
    event = gateway.parse_callback(headers, body)  # raises Unauthorized on a bad signature
    if event.kind == "refund":
        return _confirm_refunds(provider, order.order_id, event)
    attempt = get_attempt(order.order_id, parsed[1])
    if attempt is None:
        raise NotFound("Transaksi tidak dikenal.", code="unknown_transaction")
    confirmed = gateway.get_status(attempt.gateway_ref, provider_ref=attempt.provider_ref)  # UpstreamError: 502
    key = f"{confirmed.provider_ref or attempt.gateway_ref}:{confirmed.status}"
    return inbox.process(
        provider, key, store_id=order.store_id, subject=order.order_id,
        raw={"notification": event.raw, "confirmed": confirmed.raw},
        details={"attempt": parsed[1], "notified": event.status, "status": confirmed.status,
                 "amount": confirmed.amount, "transaction": confirmed.provider_ref},
        apply=lambda: apply_gateway_status(order, attempt, confirmed, "callback", settings))


def _refund_callback(provider: str, headers: dict, body: bytes, order_id: str) -> dict:
    order = get_order(order_id) if order_id else None
    if order is None:
        raise NotFound("Pengembalian tidak dikenal.", code="unknown_transaction")
    gateway = gateway_for(store_settings(order.store_id), order.merchant_id)
    if gateway.provider != provider:
        raise Unauthorized("Callback dari gateway yang tidak dipakai toko ini.", code="bad_signature")
    event = gateway.parse_callback(headers, body)  # raises Unauthorized on a bad token
    return _confirm_refunds(provider, order.order_id, event)


def _confirm_refunds(provider: str, order_id: str, event) -> dict:
    """A refund notification is a hint too: each refund it may be about is asked about at the
    gateway and what that confirms is applied (refunds.check), once per confirmed state."""
    from . import refunds

    def confirm() -> str:
        if event.refund_key:
            return refunds.confirm_notification(order_id, event.refund_key)
        # Midtrans (or Xendit's QR refund object) did not name our refund: every refund of the order
        # still in progress is asked about.
        return ",".join(refunds.check(r, min_gap=0) for r in refunds.open_refunds(order_id)) or "noop"

    # Stored once per notification (the raw event is kept); applying it twice changes nothing anyway:
    # a refund moves only from the state read.
    return inbox.process(provider, event.event_key, store_id=get_order(order_id).store_id, subject=order_id,
                         raw={"notification": event.raw}, details={"kind": "refund", "refund_key": event.refund_key,
                                                                   "notified": event.refund_status},
                         apply=confirm)
