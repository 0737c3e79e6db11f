"""What the courier tells us: Biteship webhooks (verified, de-duplicated by the shared inbox) and
the AWB poller for booked shipments whose AWB no webhook has brought."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..core import inbox
from ..core import uow as units
from ..core.clock import get_clock
from ..core.errors import Conflict, NotFound, SambungError
from ..core.observability import logger
from . import repo
from .model import CourierEvent
from .news import FIRST_POLL_S, News, apply_news
from .providers.biteship import parse_webhook, webhook_payload
from .repo import ShipmentRecord, get_shipment
from .settings import PROVIDER, provider_for, shipping_settings, store_shipping

EVENT_KEEP_SECONDS = 90 * 86400  # courier events stay in the inbox this long (then TTL deletes them)
MAX_POLL_S = 30 * 60  # the AWB poller backs off from FIRST_POLL_S to this


def handle_webhook(headers: Mapping[str, str], body: bytes) -> dict:
    """A Biteship callback: find the shipment, verify its store's secret, record the event once, apply it.

    The empty-body installation check is answered without doing anything. An order we do not know
    gets 404 so Biteship tries again: the callback can overtake our own write of its order id.
    """
    payload = webhook_payload(body)
    if payload is None:
        return {"status": "ok"}
    rec = _webhook_shipment(payload)
    if rec is None:
        raise NotFound("Kiriman tidak dikenal.", code="unknown_shipment")
    event = parse_webhook(headers, body, secret=shipping_settings(rec.store_id).webhook_secret)
    if event is None:
        return {"status": "ignored"}
    return inbox.process(
        PROVIDER, event.event_key, store_id=rec.store_id, subject=rec.shipment_id, raw=event.raw,
        details={"kind": event.kind.value, "provider_order_id": event.provider_order_id,
                 "status": event.status.value if event.status else None, "awb": event.awb, "price": event.price},
        keep_seconds=EVENT_KEEP_SECONDS, apply=lambda: _apply_event(rec, event))


def _apply_event(rec: ShipmentRecord, event: CourierEvent) -> str:
    news = News(status=event.status, awb=event.awb, price=event.price, provider_order_id=event.provider_order_id,
                tracking_url=_text(event.raw.get("courier_link")))
    try:
        _, outcome = apply_news(rec.shipment_id, news)
    except Conflict as exc:
        if exc.code != "awb_duplicate":
            raise
        # Retrying cannot help; keep the event and say why it changed nothing.
        logger.warning("courier AWB already belongs to another shipment", extra={"shipment_id": rec.shipment_id})
        outcome = "awb_duplicate"
    return outcome


def _text(value: object) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def _webhook_shipment(payload: Mapping[str, Any]) -> ShipmentRecord | None:
    """By the courier's order id first, else by our reference (the sale id) when the payload has it."""
    order_id = payload.get("order_id") or payload.get("id")
    if isinstance(order_id, str) and order_id.strip():
        rec = repo.shipment_of_courier_order(PROVIDER, order_id.strip())
        if rec is not None:
            return rec
    reference = payload.get("reference_id")
    if isinstance(reference, str) and reference.strip():
        rec = get_shipment(reference.strip())
        if rec is not None and rec.mode == PROVIDER:
            return rec
    return None


def poll_missing_awbs(limit: int = 50) -> dict:
    """Ask the courier about booked shipments still without an AWB (webhooks can be lost or late).

    Each one is leased by moving its next poll ahead (conditional), with backoff from one minute
    to half an hour, so overlapping runs never ask twice.
    """
    now = get_clock().now_s()
    counts = {"asked": 0, "awb": 0, "failed": 0}
    providers: dict[str, object] = {}
    for rec in repo.awb_polls_due(now, limit):
        next_poll_at = now + min(MAX_POLL_S, FIRST_POLL_S * 2 ** int(rec.polls))
        leased, _ = units.attempt(lambda uow: repo.lease_awb_poll(uow, rec, next_poll_at))
        if not leased:
            continue  # another run has it, or its AWB has come
        counts["asked"] += 1
        try:
            if rec.store_id not in providers:
                providers[rec.store_id] = provider_for(*store_shipping(rec.store_id))
            info = providers[rec.store_id].get_order(rec.provider_order_id)
            updated, _ = apply_news(rec.shipment_id, News.from_info(info))
        except SambungError as exc:
            counts["failed"] += 1
            logger.warning("AWB poll failed", extra={"shipment_id": rec.shipment_id, "code": exc.code})
            continue
        counts["awb"] += updated.awb is not None
    return counts
