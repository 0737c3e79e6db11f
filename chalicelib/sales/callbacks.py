"""Gateway callbacks: verify first, store the raw event once (the shared inbox), apply through the
same path as a status check, answer fast."""
from __future__ import annotations

from ..core import inbox
from ..core.errors import NotFound, Unauthorized
from ..payments.gateways import gateway_for
from ..payments.providers.base import loads_exact
from ..staff.service import store_settings
from . import model as sales_model
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


def handle_callback(provider: str, headers: dict, body: bytes) -> dict:
    ref = _gateway_ref(provider, body)
    parsed = sales_model.split_gateway_ref(ref) if ref else None
    order = get_order(parsed[0]) if parsed else None
    if order is None:
        # Without the order we cannot know whose key signs it: nothing is trusted, nothing changes.
        raise NotFound("Transaksi tidak dikenal.", code="unknown_transaction")
    gateway = gateway_for(store_settings(order.store_id))
    if gateway.provider != provider:
        raise Unauthorized("Callback dari gateway yang tidak dipakai toko ini.", code="bad_signature")
    event = gateway.parse_callback(headers, body)  # raises Unauthorized on a bad signature
    attempt = get_attempt(order.order_id, parsed[1])
    if attempt is None:
        raise NotFound("Transaksi tidak dikenal.", code="unknown_transaction")
    return inbox.process(
        provider, event.event_key, store_id=order.store_id, subject=order.order_id, raw=event.raw,
        details={"attempt": parsed[1], "status": event.status, "amount": event.amount},
        apply=lambda: apply_gateway_status(order, attempt, event, "callback"))
