"""Gateway callbacks: verify first, store the raw event once, apply through the same path as a
status check, answer fast."""
from __future__ import annotations

from pynamodb.exceptions import PutError

from ..core.clock import get_clock
from ..core.db import is_condition_failure
from ..core.errors import NotFound, Unauthorized
from ..sales import model as sales_model
from ..sales.repo import PaymentEventRecord, get_attempt, get_order
from ..staff.service import store_settings
from .gateways import gateway_for
from .providers.base import loads_exact


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
    record = PaymentEventRecord(event_key=event.event_key, provider=provider, order_id=order.order_id,
                                attempt=parsed[1], status=event.status, amount=event.amount, raw=event.raw,
                                received_at=get_clock().now_s())
    try:
        record.save(condition=PaymentEventRecord.event_key.does_not_exist())
    except PutError as exc:
        if not is_condition_failure(exc):
            raise
        record = PaymentEventRecord.get(event.event_key, consistent_read=True)
        if record.applied:
            return {"status": "duplicate", "outcome": record.outcome}
    from ..sales.service import apply_gateway_status

    outcome = apply_gateway_status(order, attempt, event, "callback")
    record.update(actions=[PaymentEventRecord.applied.set(True), PaymentEventRecord.outcome.set(outcome)])
    return {"status": "ok", "outcome": outcome}
