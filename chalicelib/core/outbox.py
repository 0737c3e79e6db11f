"""The transactional outbox: effects of a state change (a message to the shopper, a print job)
are written as outbox items in the same transaction as the change, then delivered by a worker.

Delivery is at-least-once with a stable ``effect_id``; each handler is idempotent on it, so the effect
happens once. A failing delivery is retried with backoff and never lost: after ``MAX_ATTEMPTS`` the
item is parked as FAILED for staff to see and retry.
"""
from __future__ import annotations

import traceback
from typing import Callable

from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex

from . import uow as units
from .clock import get_clock
from .db import JSONAttribute, Table, table_meta
from .errors import SambungError
from .observability import logger
from .registry import Registry

MAX_ATTEMPTS = 8
LEASE_SECONDS = 60


class PendingByDue(GlobalSecondaryIndex):
    """Sparse: only items still to deliver carry ``pending_shard``."""

    class Meta:
        index_name = "pending"
        projection = AllProjection()

    pending_shard = UnicodeAttribute(hash_key=True)
    due_at = NumberAttribute(range_key=True)


class OutboxItem(Table):
    Meta = table_meta("outbox", ttl="purge_at", stream="NEW_IMAGE")
    effect_id = UnicodeAttribute(hash_key=True)  # e.g. "receipt-msg#<order id>": the effect's identity
    kind = UnicodeAttribute()  # a registered handler name
    store_id = UnicodeAttribute()
    payload = JSONAttribute()
    status = UnicodeAttribute(default="PENDING")  # PENDING | DONE | FAILED
    attempts = NumberAttribute(default=0)
    created_at = NumberAttribute()
    due_at = NumberAttribute()
    pending_shard = UnicodeAttribute(null=True)
    last_error = UnicodeAttribute(null=True)
    result = JSONAttribute(null=True)
    done_at = NumberAttribute(null=True)
    purge_at = NumberAttribute(null=True)
    pending = PendingByDue()


HANDLERS = Registry("outbox")  # configured by chalicelib.schema (OUTBOX_HANDLER_MODULES)


def handler(kind: str):
    """Register the delivery function for ``kind``; it must be idempotent on ``item.effect_id``."""
    return HANDLERS.register(kind)


def handler_for(kind: str) -> Callable[[OutboxItem], dict | None] | None:
    """The registered handler, importing its module on first use."""
    found = HANDLERS.handlers(kind)
    return found[-1] if found else None


def new_item(effect_id: str, kind: str, store_id: str, payload: dict, *, delay_s: int = 0) -> OutboxItem:
    now = get_clock().now_s()
    return OutboxItem(effect_id=effect_id, kind=kind, store_id=store_id, payload=payload, created_at=now,
                      due_at=now + delay_s, pending_shard="P")


def add(tx, effect_id: str, kind: str, store_id: str, payload: dict, *, delay_s: int = 0) -> None:
    """Write an effect in ``tx``: a unit of work (its commit calls this for ``uow.outbox(...)``) or,
    until every caller uses one, a ``TransactWrite``. The same effect id twice fails it as a lost condition."""
    tx.save(new_item(effect_id, kind, store_id, payload, delay_s=delay_s), condition=OutboxItem.effect_id.does_not_exist())


def put(effect_id: str, kind: str, store_id: str, payload: dict, *, delay_s: int = 0) -> bool:
    """Write an effect on its own; False when it already existed."""
    done, _ = units.attempt(lambda uow: uow.outbox(effect_id, kind, store_id, payload, delay_s=delay_s))
    return done


# ---- the item's transitions (its repo functions: the condition and update expressions) ----------

def claim(uow: units.UnitOfWork, item: OutboxItem, now: int) -> None:
    """Lease a due, pending item so two workers never deliver it at the same moment."""
    uow.update(item, [OutboxItem.due_at.set(now + LEASE_SECONDS), OutboxItem.attempts.add(1)],
               condition=(OutboxItem.status == "PENDING") & (OutboxItem.due_at <= now), label="outbox-claim")


def mark_done(uow: units.UnitOfWork, item: OutboxItem, result: dict | None, now: int) -> None:
    uow.update(item, [OutboxItem.status.set("DONE"), OutboxItem.done_at.set(now), OutboxItem.result.set(result),
                      OutboxItem.pending_shard.remove(), OutboxItem.purge_at.set(now + 90 * 86400)])


def retry_later(uow: units.UnitOfWork, item: OutboxItem, due_at: int, error: str) -> None:
    uow.update(item, [OutboxItem.due_at.set(due_at), OutboxItem.last_error.set(error[:500])])


def park_failed(uow: units.UnitOfWork, item: OutboxItem, error: str) -> None:
    """Out of attempts: FAILED, off the pending index, for staff to see and retry."""
    uow.update(item, [OutboxItem.status.set("FAILED"), OutboxItem.last_error.set(error[:500]),
                      OutboxItem.pending_shard.remove()])


def requeue_failed(uow: units.UnitOfWork, effect_id: str, store_id: str, now: int) -> None:
    """A FAILED effect of this store back in the queue, due now, with its attempts reset."""
    uow.update(OutboxItem(effect_id=effect_id),
               [OutboxItem.status.set("PENDING"), OutboxItem.attempts.set(0), OutboxItem.pending_shard.set("P"),
                OutboxItem.due_at.set(now)],
               condition=(OutboxItem.status == "FAILED") & (OutboxItem.store_id == store_id), label="outbox-requeue")


# ---- delivery -----------------------------------------------------------------------------------

def _claim(item: OutboxItem, now: int) -> bool:
    """True when this worker holds the lease; False when another one claimed it or it is not due."""
    return units.attempt(lambda uow: claim(uow, item, now))[0]


def deliver(item: OutboxItem) -> str:
    """Deliver one claimed item; returns its new status."""
    now = get_clock().now_s()
    fn = handler_for(item.kind)
    try:
        if fn is None:
            raise RuntimeError(f"no outbox handler for {item.kind}")
        result = fn(item)
    except Exception as exc:  # noqa: BLE001 - every failure is recorded and retried
        message = exc.message if isinstance(exc, SambungError) else f"{exc.__class__.__name__}: {exc}"
        if not isinstance(exc, SambungError):
            logger.warning("outbox delivery failed", extra={"effect_id": item.effect_id, "trace": traceback.format_exc(limit=3)})
        if item.attempts >= MAX_ATTEMPTS:
            units.commit(lambda uow: park_failed(uow, item, message))
            return "FAILED"
        backoff = min(3600, 15 * 2 ** (item.attempts - 1))
        units.commit(lambda uow: retry_later(uow, item, now + backoff, message))
        return "PENDING"
    units.commit(lambda uow: mark_done(uow, item, result, now))
    return "DONE"


def process_due(limit: int = 100) -> dict:
    """Deliver everything that is due (the scheduled worker, and the stream handler's fallback)."""
    now = get_clock().now_s()
    counts = {"DONE": 0, "PENDING": 0, "FAILED": 0}
    for item in OutboxItem.pending.query("P", OutboxItem.due_at <= now, limit=limit):
        if _claim(item, now):
            counts[deliver(item)] += 1
    return counts


def process_one(effect_id: str) -> str | None:
    """Deliver one item right away (after a transaction, or from the stream handler)."""
    now = get_clock().now_s()
    try:
        item = OutboxItem.get(effect_id, consistent_read=True)
    except OutboxItem.DoesNotExist:
        return None
    if item.status != "PENDING" or item.due_at > now or not _claim(item, now):
        return item.status
    return deliver(item)


def retry_failed(effect_id: str, store_id: str) -> bool:
    """Staff put a FAILED effect back in the queue; False when it is not a FAILED effect of this store."""
    return units.attempt(lambda uow: requeue_failed(uow, effect_id, store_id, get_clock().now_s()))[0]
