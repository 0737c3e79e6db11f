"""Holds: stock booked for a book order until its payment deadline, settled exactly once.

Who can settle a hold, and how each stays exactly-once:

- the CS cancels it (``cancel``), the sweeper releases it after its expiry (``sweep``), the DynamoDB
  stream handler releases one that TTL deleted first (``handle_ttl_removals``), a booking that ran
  short releases expired ones for its skus on the spot (``release_expired``), or the sale takes
  the goods (``consume_for_sale``);
- every one of them writes the hold's :class:`~.repo.HoldSettlementRecord` with
  ``attribute_not_exists`` in the same transaction as its stock change, so only the first commits
  and the others change nothing, however sweeper, stream redeliveries and the sale interleave;
- releases also carry a condition on the hold's state (while it exists) and on the order's status
  as read (BOOKED -> EXPIRED/CANCELLED), so a payment that lands first wins and the goods stay
  booked for the sale.

A hold being paid at the kiosk (PAYING) is never released while its QR can still be paid: its
expiry is pushed past the QR's, and at expiry the order's status decides (``model.expiry_decision``).
"""
from __future__ import annotations

from pynamodb.exceptions import PutError, TransactWriteError, UpdateError

from ..core.clock import get_clock
from ..core.db import is_condition_failure, transaction
from ..core.errors import Conflict
from ..core.observability import logger
from . import model, repo
from .repo import HoldRecord, StockLedgerEntry

TTL_PRINCIPAL = "dynamodb.amazonaws.com"


# ---- creating -------------------------------------------------------------------------------

def create_ops(tx, *, hold_id: str, store_id: str, location: str, lines: dict[str, int], deadline: int,
               grace_seconds: int) -> HoldRecord:
    """Add the hold and its reservations to ``tx``: each sku only if that many are available."""
    now = get_clock().now_s()
    hold = HoldRecord(hold_id=hold_id, store_id=store_id, order_id=hold_id, location=location,
                      lines=[{"sku": s, "qty": q} for s, q in lines.items()], status=model.HOLD_ACTIVE,
                      created_at=now, deadline=deadline, expires_at=deadline, grace_seconds=grace_seconds,
                      purge_at=model.purge_time(deadline, grace_seconds), sweep_shard=repo.SWEEP_SHARD,
                      open_store=store_id)
    tx.save(hold, condition=HoldRecord.hold_id.does_not_exist())
    for sku, qty in lines.items():
        repo.reserve(tx, store_id, sku, location, qty)
    return hold


# ---- releasing ------------------------------------------------------------------------------

def _close_hold_actions(status: str, settled_by: str, now: int) -> list:
    # Removing the index keys takes the hold out of the sweeper's and the CS list's sparse indexes.
    return [HoldRecord.status.set(status), HoldRecord.settled_at.set(now), HoldRecord.settled_by.set(settled_by),
            HoldRecord.sweep_shard.remove(), HoldRecord.open_store.remove()]


def _release(hold: HoldRecord, order, *, outcome: str, settled_by: str, hold_condition, order_target: str,
             reason: str) -> bool:
    """One transaction: the settlement marker, the reservations back to available, the hold closed
    (when it still exists: ``hold_condition`` is None after a TTL delete) and the order's side.

    The order moves BOOKED -> ``order_target``; an order already ended unpaid (its kiosk QR expired
    or was cancelled) only has to still be in that state. False when anyone else moved first.
    """
    from ..reports import counters as report_counters
    from ..sales import model as sales
    from ..sales.repo import OrderRecord

    now = get_clock().now_s()
    try:
        with transaction() as tx:
            repo.settle(tx, hold.hold_id, outcome, settled_by)
            for sku, qty in model.total_lines(hold.lines).items():
                repo.unreserve(tx, hold.store_id, sku, hold.location, qty)
            if hold_condition is not None:
                tx.update(HoldRecord(hold_id=hold.hold_id), actions=_close_hold_actions(outcome, settled_by, now),
                          condition=hold_condition)
            if order is not None and order.status == sales.BOOKED:
                tx.update(order, actions=[OrderRecord.status.set(order_target), OrderRecord.failure_reason.set(reason),
                                          OrderRecord.open_shard.remove(), OrderRecord.due_at.remove()],
                          condition=OrderRecord.status == sales.BOOKED)
            elif order is not None:
                tx.condition_check(OrderRecord, order.order_id, condition=OrderRecord.status == order.status)
            if order is not None:
                report_counters.on_book_order(tx, store_id=hold.store_id, at=now,
                                              event="cancelled" if order_target == sales.CANCELLED else "expired")
    except TransactWriteError as exc:
        if is_condition_failure(exc):
            return False
        raise
    logger.info("hold released", extra={"hold_id": hold.hold_id, "outcome": outcome, "by": settled_by})
    return True


def cancel(hold: HoldRecord, order) -> bool:
    """CS cancels a booked order: the hold is released and the order CANCELLED, together or not at all."""
    from ..sales import model as sales

    return _release(hold, order, outcome=model.HOLD_RELEASED, settled_by="cancel",
                    hold_condition=HoldRecord.status == model.HOLD_ACTIVE, order_target=sales.CANCELLED,
                    reason="Dibatalkan oleh CS.")


def _extend(hold: HoldRecord, until: int) -> bool:
    try:
        hold.update(actions=[HoldRecord.expires_at.set(until),
                             HoldRecord.purge_at.set(model.purge_time(until, int(hold.grace_seconds)))],
                    condition=(HoldRecord.status == hold.status) & (HoldRecord.expires_at == hold.expires_at))
        return True
    except UpdateError as exc:
        if is_condition_failure(exc):
            return False
        raise


def settle_due(hold: HoldRecord, *, settled_by: str) -> str:
    """Deal with one open hold whose expiry has passed (sweeper, lazy release, a read of the order).

    Returns ``released``, ``extended``, ``waiting`` or ``skipped`` (someone else moved first).
    """
    from ..sales import model as sales
    from ..sales.repo import get_order

    now = get_clock().now_s()
    order = get_order(hold.order_id)
    decision = model.expiry_decision(order.status if order else None)
    if decision == model.RELEASE:
        done = _release(hold, order, outcome=model.HOLD_EXPIRED, settled_by=settled_by,
                        hold_condition=(HoldRecord.status == hold.status) & (HoldRecord.expires_at <= now),
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
    for hold in repo.due_holds(now, limit):
        counts[settle_due(hold, settled_by="sweeper")] += 1
    return counts


def release_expired(store_id: str, location: str, skus: set[str]) -> int:
    """Release now the expired holds that keep ``skus`` at ``location`` booked (a booking ran short)."""
    now = get_clock().now_s()
    released = 0
    for hold in repo.open_holds(store_id, expired_by=now):
        if hold.location == location and skus & set(model.total_lines(hold.lines)):
            released += settle_due(hold, settled_by="lazy") == "released"
    return released


def expired_quantities(store_id: str) -> dict[tuple[str, str], int]:
    """``(sku, location) -> qty`` still counted in ``reserved`` by holds that no longer hold:
    availability reads add these back, so an expired hold stops counting the second it expires."""
    now = get_clock().now_s()
    out: dict[tuple[str, str], int] = {}
    for hold in repo.open_holds(store_id, expired_by=now):
        if not model.hold_counts(hold.status, int(hold.expires_at), now):
            for sku, qty in model.total_lines(hold.lines).items():
                out[(sku, hold.location)] = out.get((sku, hold.location), 0) + qty
    return out


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
    hold = HoldRecord.from_raw_data(record["dynamodb"]["OldImage"])
    if hold.status not in model.HOLD_OPEN:
        return "already_settled"
    from ..sales import model as sales
    from ..sales.repo import get_order

    order = get_order(hold.order_id)
    decision = model.expiry_decision(order.status if order else None)
    if decision == model.RELEASE:
        done = _release(hold, order, outcome=model.HOLD_EXPIRED, settled_by="ttl_stream", hold_condition=None,
                        order_target=sales.EXPIRED, reason="Batas waktu pembayaran lewat; stok dilepas.")
        return "released" if done else "already_settled"
    if decision == model.EXTEND:
        now = get_clock().now_s()
        hold.expires_at = max(int(order.expires_at or now), now) + model.PAYING_BUFFER_SECONDS
        hold.purge_at = model.purge_time(int(hold.expires_at), int(hold.grace_seconds))
        try:
            hold.save(condition=HoldRecord.hold_id.does_not_exist())
        except PutError as exc:
            if not is_condition_failure(exc):
                raise
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

def start_paying(hold: HoldRecord | None, *, qr_expires_at: int) -> None:
    """The customer pays at the kiosk: ACTIVE -> PAYING, holding at least until the QR can no longer
    be paid, so neither the sweeper nor TTL gives the goods away mid-payment."""
    now = get_clock().now_s()
    if hold is None or hold.status not in model.HOLD_OPEN or (hold.status == model.HOLD_ACTIVE and hold.expires_at <= now):
        raise Conflict("Stok pesanan ini sudah tidak dipesan lagi (batas waktu lewat atau dibatalkan).",
                       code="hold_not_active")
    until = max(int(hold.expires_at), model.paying_until(int(hold.deadline), qr_expires_at))
    try:
        hold.update(actions=[HoldRecord.status.set(model.HOLD_PAYING), HoldRecord.expires_at.set(until),
                             HoldRecord.purge_at.set(model.purge_time(until, int(hold.grace_seconds)))],
                    condition=(HoldRecord.status == hold.status) & (HoldRecord.expires_at > now))
    except UpdateError as exc:
        if is_condition_failure(exc):
            raise Conflict("Pesanan ini baru saja berubah. Muat ulang lalu coba lagi.", code="hold_changed") from None
        raise


def _entry_id(order_id: str, sku: str) -> str:
    return f"book_sale#{order_id}#{sku}#{model.CS_DESK}"


def consume_for_sale(order) -> dict:
    """The "sale.stock" effect of a completed book order: its goods leave the CS desk, once.

    Normally the reservation is consumed (on_hand and reserved drop together). If the hold was
    released before the money came (a late payment completed by staff), the goods are taken from
    what is available at the CS desk instead, never below zero; if there is not enough, this
    fails so the effect is retried and, in the end, shown to staff.
    """
    lines = model.total_lines(order.items)
    actor = order.completed_by or "system"
    settlement = repo.get_settlement(order.order_id)
    if settlement is None:
        hold = repo.get_hold(order.order_id)
        now = get_clock().now_s()
        try:
            with transaction() as tx:
                repo.settle(tx, order.order_id, model.HOLD_CONSUMED, "sale")
                if hold is not None and hold.status in model.HOLD_OPEN:
                    tx.update(hold, actions=_close_hold_actions(model.HOLD_CONSUMED, "sale", now),
                              condition=HoldRecord.status == hold.status)
                for sku, qty in lines.items():
                    repo.take_reserved(tx, order.store_id, sku, model.CS_DESK, qty, reason="book_order_sale",
                                       reference=order.order_id, actor=actor, entry_id=_entry_id(order.order_id, sku))
            return {"lines": len(lines), "from": "reserved"}
        except TransactWriteError as exc:
            if not is_condition_failure(exc):
                raise
            settlement = repo.get_settlement(order.order_id)
            if settlement is None:
                raise  # the hold changed under us (e.g. restored by the stream): the outbox retries
    if settlement.outcome == model.HOLD_CONSUMED:
        return {"lines": 0, "from": "already_consumed"}
    try:
        with transaction() as tx:
            for sku, qty in lines.items():
                repo.move_on_hand(tx, order.store_id, sku, model.CS_DESK, -qty, reason="book_order_sale",
                                  reference=order.order_id, actor=actor, entry_id=_entry_id(order.order_id, sku))
    except TransactWriteError as exc:
        if not is_condition_failure(exc):
            raise
        first = next(iter(lines))
        try:
            StockLedgerEntry.get(order.store_id, _entry_id(order.order_id, first), consistent_read=True)
            return {"lines": 0, "from": "already_taken"}
        except StockLedgerEntry.DoesNotExist:
            raise Conflict(f"Stok di Meja CS tidak cukup untuk pesanan {order.order_no} yang dibayar setelah "
                           "stoknya dilepas. Pindahkan barang ke Meja CS (drop order), lalu ulangi.",
                           code="insufficient_stock") from None
    return {"lines": len(lines), "from": "available"}
