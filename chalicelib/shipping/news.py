"""Applying news to a shipment: whatever brings it (a booking, a courier webhook, the AWB poller,
a staff scan), one unit of work decided by :func:`model.plan_change`.

News never moves a shipment backwards, and two writers never overwrite each other: the shipment is
written conditional on the version read, and someone else's change first means reading again and
deciding again. A new AWB takes the store-wide AWB key, tells the reports and queues the customer's
message in the same unit.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..core import outbox
from ..core import uow as units
from ..core.clock import get_clock
from ..core.db import find
from ..core.errors import Conflict, NotFound
from ..core.observability import logger
from . import model, repo
from .facts import ShipmentChanged
from .model import ShipmentInfo, ShipmentStatus
from .repo import ShipmentRecord, get_shipment
from .settings import PROVIDER, shipping_settings

# A neutral public AWB lookup for the customer's message when the courier gives no tracking link
# and the store has not set its own (Settings -> tracking_url).
DEFAULT_TRACKING_URL = "https://cekresi.com/?noresi={awb}"
FIRST_POLL_S = 60  # the AWB poller first asks this long after a booking without an AWB
NEWS_RETRIES = 8  # how often news is decided again after someone else changed the shipment first


@dataclass(frozen=True)
class News:
    """Something we learnt about a shipment; None fields are not part of the news."""

    status: ShipmentStatus | None = None
    awb: str | None = None
    awb_source: str = "courier"  # courier | staff
    provider_order_id: str | None = None
    tracking_id: str | None = None
    tracking_url: str | None = None
    price: int | None = None
    courier_company: str | None = None
    courier_type: str | None = None
    sender: dict | None = None  # the origin a booking used

    @classmethod
    def from_info(cls, info: ShipmentInfo, *, sender: dict | None = None) -> News:
        return cls(status=info.status, awb=info.awb, provider_order_id=info.provider_order_id,
                   tracking_id=info.tracking_id, tracking_url=info.tracking_url, price=info.price,
                   courier_company=info.courier_company, courier_type=info.courier_type, sender=sender)

    def courier_details(self) -> dict:
        return {"tracking_id": self.tracking_id, "tracking_url": self.tracking_url, "price": self.price,
                "courier_company": self.courier_company, "courier_type": self.courier_type}


def apply_news(shipment_id: str, news: News) -> tuple[ShipmentRecord, str]:
    """Store what changes, in one unit of work conditional on the shipment's version: the shipment,
    the AWB's uniqueness key, the courier order key, the reports' fact and, for a new AWB, the
    customer's message.

    Returns the stored shipment and ``applied``, ``unchanged`` or ``other_order`` (news about a courier
    order that is not this shipment's). Raises :class:`Conflict` ``awb_duplicate`` when the AWB
    already belongs to another shipment of the store.
    """
    def work(uow: units.UnitOfWork) -> tuple[ShipmentRecord, str]:
        rec = get_shipment(shipment_id)
        if rec is None:
            raise NotFound("Kiriman tidak ditemukan.", code="shipment_not_found")
        if news.provider_order_id and rec.provider_order_id and news.provider_order_id != rec.provider_order_id:
            logger.error("courier order does not match the shipment", extra={
                "shipment_id": shipment_id, "stored": rec.provider_order_id, "news": news.provider_order_id})
            return rec, "other_order"
        current = ShipmentStatus(rec.status)
        change = model.plan_change(current, rec.awb, label_printed=rec.label_batch is not None,
                                   status=news.status, awb=news.awb)
        now = get_clock().now_s()
        new_order = bool(news.provider_order_id) and rec.provider_order_id is None
        # Booked at the courier, journey running, no AWB yet: the poller asks until one comes.
        final = change.status or current
        waiting = (rec.mode == PROVIDER and bool(rec.provider_order_id or new_order)
                   and not (change.awb or rec.awb) and not final.terminal)
        changed = repo.record_news(
            uow, rec, now=now, courier_order_id=news.provider_order_id if new_order else None,
            sender=news.sender if new_order else None, details=news.courier_details(), status=change.status,
            awb=change.awb, awb_source=news.awb_source, reprint_reason=change.reprint_reason,
            leave_label_queue=change.leaves_label_queue, wait_for_awb=waiting, poll_at=now + FIRST_POLL_S)
        if not changed:
            return rec, "unchanged"
        told_changed(uow, rec, status_after=change.status, new_awb=change.awb, now=now)
        if change.awb:
            other = repo.shipment_with_awb(rec.store_id, change.awb)
            if other is not None and other.shipment_id != rec.shipment_id:
                raise Conflict(f"Nomor resi {change.awb} sudah dipakai untuk pesanan {other.order_no}.",
                               code="awb_duplicate", details={"awb": change.awb, "order_no": other.order_no})
            repo.take_awb(uow, rec, change.awb)
            if rec.awb:
                repo.give_up_awb(uow, rec, rec.awb)
        if new_order:
            repo.take_courier_order(uow, rec, PROVIDER, news.provider_order_id)
        message_id = f"msg-awb#{rec.shipment_id}#{change.awb}" if change.notify else None
        if message_id and not _already_queued(message_id):  # else the AWB came back after a change
            _queue_awb_message(uow, rec, message_id, change.awb, news.tracking_url or rec.tracking_url,
                               news.courier_company or rec.courier_company, news.courier_type or rec.courier_type)
        return rec, "applied"

    try:
        rec, outcome = units.run(work, lost_retries=NEWS_RETRIES - 1)
    except units.ConditionLost:
        raise Conflict("Kiriman sedang diubah bersamaan. Coba lagi.", code="shipment_busy") from None
    return (get_shipment(shipment_id), outcome) if outcome == "applied" else (rec, outcome)


def told_changed(uow: units.UnitOfWork, rec: ShipmentRecord, *, status_after: ShipmentStatus | None,
                 new_awb: str | None, now: int) -> None:
    """What a shipment's change tells others, in the change's own unit: the reports' fact and, when
    a cash-on-delivery parcel's journey ends, the effect that ends its order (a sale when delivered,
    cancelled otherwise; book orders decide)."""
    uow.fact(ShipmentChanged(store_id=rec.store_id, status_before=rec.status, had_awb=bool(rec.awb),
                             status_after=status_after, new_awb=new_awb, at=now, order_id=rec.order_id))
    if rec.cod_amount and status_after is not None and status_after.terminal:
        uow.outbox(model.cod_outcome_effect_id(rec.order_id), model.COD_OUTCOME, rec.store_id,
                   {"order_id": rec.order_id, "status": status_after.value})


def _already_queued(effect_id: str) -> bool:
    return find(outbox.OutboxItem, effect_id, consistent_read=True) is not None


def _queue_awb_message(uow: units.UnitOfWork, rec: ShipmentRecord, effect_id: str, awb: str,
                       tracking_url: str | None, company: str | None, service: str | None) -> None:
    from ..notify import templates
    from ..notify.service import queue_message
    from ..shoppers.model import first_name
    from ..staff.service import get_store

    phone = rec.recipient.get("contact_phone")
    if not phone:
        return
    courier = model.courier_label(company, service)
    link = tracking_url or (shipping_settings(rec.store_id).tracking_url or DEFAULT_TRACKING_URL).format(
        awb=awb, courier=(company or ""))
    queue_message(uow, effect_id=effect_id, store_id=rec.store_id, to_e164=phone, template=templates.AWB_NOTIFICATION,
                  params={"name": first_name(rec.recipient.get("contact_name") or "") or "Pelanggan",
                          "store": get_store(rec.store_id).name, "order_no": rec.order_no, "courier": courier,
                          "awb": awb, "tracking_url": link})
