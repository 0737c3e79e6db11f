"""Holds of book orders: the goods booked for an order until its payment deadline, given back or
sold exactly once (the stock side is :mod:`chalicelib.inventory.holds`).

Who can end a hold, and how each stays exactly-once:

- the CS cancels the order (``cancel``), the sweeper releases it after its expiry (``sweep``), the
  DynamoDB stream handler releases one that TTL deleted first (``handle_ttl_removals``), a booking
  that ran short releases expired ones for its skus on the spot (``release_expired``), or the sale
  takes the goods (``consume_for_sale``);
- each writes the hold's settlement marker with ``attribute_not_exists`` in the same unit of work as
  its stock change, so only the first commits and the others change nothing;
- releases also carry a condition on the hold's state (while it exists) and on the order's status
  as read (BOOKED -> EXPIRED/CANCELLED), so a payment that lands first wins and the goods stay
  booked for the sale.

A hold being paid at the kiosk (PAYING) is never released while its QR can still be paid: its
expiry is pushed past the QR's, and at expiry the order's status decides (``model.expiry_decision``).
"""
from __future__ import annotations

from ..core import uow as units
from ..core.clock import get_clock
from ..core.errors import Conflict
from ..core.observability import logger
from ..inventory import holds as stock_holds
from ..inventory import model as stock
from ..sales import kinds
from ..sales import service as sales
from . import messages, model
from .facts import BookOrderMoved

TTL_PRINCIPAL = "dynamodb.amazonaws.com"
HOLD_ACTIVE = stock_holds.HOLD_ACTIVE
get_hold, open_holds = stock_holds.get_hold, stock_holds.open_holds


def create_ops(uow, *, hold_id: str, store_id: str, location: str, lines: dict[str, int], deadline: int,
               grace_seconds: int):
    """Add the order's hold and its reservations to ``uow``: each sku only if that many are available."""
    return stock_holds.place(uow, hold_id=hold_id, order_id=hold_id, store_id=store_id, location=location,
                             lines=lines, deadline=deadline, grace_seconds=grace_seconds)


# ---- releasing ------------------------------------------------------------------------------

def _release(hold, order, *, outcome: str, settled_by: str, order_target: str, reason: str,
             expired_by: int | None = None, deleted: bool = False, transfers: int | None = None, also=None) -> bool:
    """One unit of work: the goods back to available, the hold closed and the order's side.

    The order moves BOOKED -> ``order_target``; an order already ended unpaid (its kiosk QR expired
    or was cancelled) only has to still be in that state. False when anyone else moved first.
    """
    def writes(uow: units.UnitOfWork) -> None:
        stock_holds.release(uow, hold, outcome=outcome, settled_by=settled_by, expired_by=expired_by, deleted=deleted)
        if order is None:
            return
        if order.status == sales.BOOKED:
            sales.end_unpaid(uow, order, order_target, reason, transfers=transfers)
            messages.queue(uow, order, messages.CANCELLED if order_target == sales.CANCELLED else messages.EXPIRED,
                           giving_back=int(transfers or 0))
        else:
            sales.require_unchanged(uow, order)
        if also is not None:
            also(uow, order)
        uow.fact(BookOrderMoved(store_id=hold.store_id, at=get_clock().now_s(),
                                event="cancelled" if order_target == sales.CANCELLED else "expired"))

    done, _ = units.attempt(writes)
    if done:
        logger.info("hold released", extra={"hold_id": hold.hold_id, "outcome": outcome, "by": settled_by})
    return done


def cancel(hold, order, *, also=None) -> bool:
    """CS cancels a booked order: the hold is released and the order CANCELLED, together or not at all
    (``also(uow, order)``: more writes of the same unit, e.g. its transfers given back), only while
    the order still has the transfers it was read with."""
    if hold.status != stock_holds.HOLD_ACTIVE:
        return False
    return _release(hold, order, outcome=stock_holds.HOLD_RELEASED, settled_by="cancel", order_target=sales.CANCELLED,
                    reason="Dibatalkan oleh CS.", transfers=int(order.transfers_received or 0), also=also)


def _extend(hold, until: int) -> bool:
    done, _ = units.attempt(lambda uow: stock_holds.extend(uow, hold, until))
    return done


def settle_due(hold, *, settled_by: str) -> str:
    """Deal with one open hold whose expiry has passed (sweeper, lazy release, a read of the order).

    Returns ``released``, ``extended``, ``waiting`` or ``skipped`` (someone else moved first).
    """
    now = get_clock().now_s()
    order = sales.get_order(hold.order_id)
    decision = model.expiry_decision(order.status if order else None)
    if decision == model.RELEASE:
        done = _release(hold, order, outcome=stock_holds.HOLD_EXPIRED, settled_by=settled_by, expired_by=now,
                        order_target=sales.EXPIRED, reason="Batas waktu pembayaran lewat; stok dilepas.")
        return "released" if done else "skipped"
    if decision == model.EXTEND:
        until = max(int(order.expires_at or now), now) + model.PAYING_BUFFER_SECONDS
        return "extended" if _extend(hold, until) else "skipped"
    return "waiting" if _extend(hold, now + model.PAID_RECHECK_SECONDS) else "skipped"


def sweep(limit: int = 200) -> dict:
    """Every minute: settle every open hold whose expiry has passed."""
    now = get_clock().now_s()
    counts = {"released": 0, "extended": 0, "waiting": 0, "skipped": 0}
    for hold in stock_holds.due_holds(now, limit):
        counts[settle_due(hold, settled_by="sweeper")] += 1
    return counts


def release_expired(store_id: str, location: str, skus: set[str]) -> int:
    """Release now the expired holds that keep ``skus`` at ``location`` booked (a booking ran short)."""
    now = get_clock().now_s()
    released = 0
    for hold in stock_holds.open_holds(store_id, expired_by=now):
        if hold.location == location and skus & set(stock_holds.total_lines(hold.lines)):
            released += settle_due(hold, settled_by="lazy") == "released"
    return released


# ---- the DynamoDB stream (TTL deletes) ------------------------------------------------------

def is_ttl_delete(record: dict) -> bool:
    """A REMOVE made by DynamoDB's TTL service, not by a person or our code."""
    identity = record.get("userIdentity") or {}
    return (record.get("eventName") == "REMOVE" and identity.get("type") == "Service"
            and identity.get("principalId") == TTL_PRINCIPAL)


def on_ttl_record(record: dict) -> str:
    """One stream record. A hold TTL deleted while still open is settled here as the sweeper would;
    one still being paid at the kiosk is put back so the sweeper follows the payment."""
    if not is_ttl_delete(record):
        return "ignored"
    hold = stock_holds.HoldRecord.from_raw_data(record["dynamodb"]["OldImage"])
    if hold.status not in stock_holds.HOLD_OPEN:
        return "already_settled"
    order = sales.get_order(hold.order_id)
    decision = model.expiry_decision(order.status if order else None)
    if decision == model.RELEASE:
        done = _release(hold, order, outcome=stock_holds.HOLD_EXPIRED, settled_by="ttl_stream", deleted=True,
                        order_target=sales.EXPIRED, reason="Batas waktu pembayaran lewat; stok dilepas.")
        return "released" if done else "already_settled"
    if decision == model.EXTEND:
        now = get_clock().now_s()
        until = max(int(order.expires_at or now), now) + model.PAYING_BUFFER_SECONDS
        units.attempt(lambda uow: stock_holds.restore(uow, hold, until))
        return "restored"
    return "left_for_sale"  # the paid order's sale consumes the reservation without the hold item


def handle_ttl_removals(event: dict, context) -> dict:
    """The stream batch, with partial failures: only failed records are retried by Lambda."""
    from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response

    def record_handler(record) -> str:
        return on_ttl_record(record.raw_event)

    processor = BatchProcessor(event_type=EventType.DynamoDBStreams)
    return process_partial_response(event=event, record_handler=record_handler, processor=processor, context=context)


# ---- paying and selling -----------------------------------------------------------------------

def start_paying(hold, *, qr_expires_at: int) -> None:
    """The customer pays at the kiosk: ACTIVE -> PAYING, holding at least until the QR can no longer
    be paid, so neither the sweeper nor TTL gives the goods away mid-payment."""
    now = get_clock().now_s()
    if hold is None or hold.status not in stock_holds.HOLD_OPEN \
            or (hold.status == stock_holds.HOLD_ACTIVE and hold.expires_at <= now):
        raise Conflict("Stok pesanan ini sudah tidak dipesan lagi (batas waktu lewat atau dibatalkan).",
                       code="hold_not_active")
    until = max(int(hold.expires_at), model.paying_until(int(hold.deadline), qr_expires_at))
    changed = Conflict("Pesanan ini baru saja berubah. Muat ulang lalu coba lagi.", code="hold_changed")
    units.commit(lambda uow: stock_holds.start_paying(uow, hold, until=until, now=now, lost=changed))


def consume_for_sale(order) -> dict:
    """The "sale.stock" effect of a completed book order: its goods leave the CS desk, once.

    Normally the reservation is consumed (on_hand and reserved drop together). If the hold was
    released before the money came (a late payment completed by staff), the goods are taken from
    what is available at the CS desk instead, never below zero; if there is not enough, this
    fails so the effect is retried and, in the end, shown to staff.
    """
    from ..inventory import service as inventory

    lines = stock_holds.total_lines(order.items)
    actor = order.completed_by or "system"
    prefix = f"book_sale#{order.order_id}"
    settlement = stock_holds.get_settlement(order.order_id)
    if settlement is None:
        hold = stock_holds.get_hold(order.order_id)
        done, _ = units.attempt(lambda uow: stock_holds.consume(
            uow, hold, hold_id=order.order_id, store_id=order.store_id, location=stock.CS_DESK, lines=lines,
            reason="book_order_sale", reference=order.order_id, actor=actor, entry_prefix=prefix,
            order_no=order.order_no))
        if done:
            return {"lines": len(lines), "from": "reserved"}
        settlement = stock_holds.get_settlement(order.order_id)
        if settlement is None:
            raise Conflict("Stok pesanan berubah saat dijual; diulang otomatis.", code="hold_changed")
    if settlement.outcome == stock_holds.HOLD_CONSUMED:
        return {"lines": 0, "from": "already_consumed"}
    taken = inventory.take_for_late_sale(order.store_id, stock.CS_DESK, lines, reference=order.order_id, actor=actor,
                                         entry_prefix=prefix, reason="book_order_sale", order_no=order.order_no)
    if taken is None:
        return {"lines": 0, "from": "already_taken"}
    if taken is False:
        raise Conflict(f"Stok di Meja CS tidak cukup untuk pesanan {order.order_no} yang dibayar setelah "
                       "stoknya dilepas. Pindahkan barang ke Meja CS (drop order), lalu ulangi.",
                       code="insufficient_stock")
    return {"lines": len(lines), "from": "available"}


@kinds.handler(model.BOOK_ORDER, "stock")
def _stock_for_sale(order) -> dict:
    return consume_for_sale(order)


@kinds.handler(model.BOOK_ORDER, "restock")
def _restock_after_refund(order, refund_id: str, lines: list[tuple[str, int]], actor: str,
                          refund_no: str | None = None) -> dict:
    """Goods of a refunded book order sale go back to the CS desk, where the sale took them from."""
    from ..inventory import service as inventory

    return inventory.return_goods(store_id=order.store_id, reference=refund_id, actor=actor, lines=lines,
                                  location=inventory.CS_DESK, order_no=refund_no or order.order_no)
