"""Holds, the stock side: goods reserved at one location until a time, settled exactly once.

The inventory area knows what a hold does to stock; the area that places a hold (book orders)
decides when it ends. Every function here adds its writes to the caller's unit of work:

- :func:`place` - the hold and one conditional reservation per sku (``available >= qty``);
- :func:`release` - the settlement marker (``attribute_not_exists``: only the first settlement of a
  hold commits, however sweeper, stream redeliveries and the sale interleave), the reservations
  back to available and the hold closed (when it still exists: TTL may have deleted it);
- :func:`consume` - the sale takes the goods: the marker, the hold closed, on_hand and reserved
  drop together (or, for a hold released before the money came, on_hand drops from what is
  available, never below zero);
- :func:`extend`, :func:`start_paying`, :func:`restore` - the hold lives longer.
"""
from __future__ import annotations

from ..core.clock import get_clock
from . import model, repo
from .repo import HoldRecord

HOLD_ACTIVE, HOLD_PAYING, HOLD_OPEN = model.HOLD_ACTIVE, model.HOLD_PAYING, model.HOLD_OPEN
HOLD_RELEASED, HOLD_EXPIRED, HOLD_CONSUMED = model.HOLD_RELEASED, model.HOLD_EXPIRED, model.HOLD_CONSUMED
total_lines = model.total_lines
get_hold = repo.get_hold
get_settlement = repo.get_settlement
open_holds = repo.open_holds
due_holds = repo.due_holds


def place(uow, *, hold_id: str, order_id: str, store_id: str, location: str, lines: dict[str, int], deadline: int,
          grace_seconds: int) -> HoldRecord:
    """Reserve ``lines`` at ``location`` until ``deadline`` (+ grace before TTL may delete it)."""
    hold = HoldRecord(hold_id=hold_id, store_id=store_id, order_id=order_id, location=location,
                      lines=[{"sku": s, "qty": q} for s, q in lines.items()], status=model.HOLD_ACTIVE,
                      created_at=get_clock().now_s(), deadline=deadline, expires_at=deadline,
                      grace_seconds=grace_seconds, purge_at=model.purge_time(deadline, grace_seconds),
                      sweep_shard=repo.SWEEP_SHARD, open_store=store_id)
    repo.add_hold(uow, hold)
    for sku, qty in lines.items():
        repo.reserve(uow, store_id, sku, location, qty)
    return hold


def release(uow, hold: HoldRecord, *, outcome: str, settled_by: str, expired_by: int | None = None,
            deleted: bool = False) -> None:
    """Give the goods back. The hold must still be in the status read (and, with ``expired_by``,
    expired by then); ``deleted``: TTL already removed the hold item, only the stock moves."""
    repo.settle(uow, hold.hold_id, outcome, settled_by)
    for sku, qty in model.total_lines(hold.lines).items():
        repo.unreserve(uow, hold.store_id, sku, hold.location, qty)
    if not deleted:
        repo.close_hold(uow, hold, outcome, settled_by, get_clock().now_s(), expired_by=expired_by)


def consume(uow, hold: HoldRecord | None, *, hold_id: str, store_id: str, location: str, lines: dict[str, int],
            reason: str, reference: str, actor: str, entry_prefix: str, order_no: str | None = None) -> None:
    """The sale takes the reserved goods: settled once, the hold (if still open) closed; ``order_no``
    is what the stock history shows for it."""
    repo.settle(uow, hold_id, model.HOLD_CONSUMED, "sale")
    if hold is not None and hold.status in model.HOLD_OPEN:
        repo.close_hold(uow, hold, model.HOLD_CONSUMED, "sale", get_clock().now_s())
    for sku, qty in lines.items():
        repo.take_reserved(uow, store_id, sku, location, qty, reason=reason, reference=reference, actor=actor,
                           entry_id=f"{entry_prefix}#{sku}#{location}", reference_no=order_no)


def extend(uow, hold: HoldRecord, until: int) -> None:
    """The hold lives until ``until`` (only if nobody moved it since it was read)."""
    repo.extend_hold(uow, hold, until, model.purge_time(until, int(hold.grace_seconds)))


def start_paying(uow, hold: HoldRecord, *, until: int, now: int, lost=None) -> None:
    """ACTIVE -> PAYING until ``until`` (the goods stay while a payment is under way)."""
    repo.hold_paying(uow, hold, until, model.purge_time(until, int(hold.grace_seconds)), now, lost=lost)


def restore(uow, hold: HoldRecord, until: int) -> None:
    """Put back a hold TTL deleted while it still had to hold (its payment is under way)."""
    hold.expires_at = until
    hold.purge_at = model.purge_time(until, int(hold.grace_seconds))
    repo.add_hold(uow, hold)


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
