"""Stock levels, the stock ledger, holds and drop orders in DynamoDB. Writers add their operations to
a caller's transaction so a stock change and the business change that caused it commit together.

Every write to a stock item keeps ``available == on_hand - reserved`` in the same update
expression. DynamoDB conditions cannot do arithmetic across two attributes, so the invariant the
business needs, ``on_hand - reserved >= qty``, is checked as ``available >= qty`` on that stored
attribute: the condition and the change are one atomic step, with no read before it to go stale.
"""
from __future__ import annotations

from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex

from ..core.clock import get_clock
from ..core.db import JSONAttribute, Table, find, table_meta
from .model import (CLOSE_RETURNED, DROP_CANCELLED, DROP_CLOSED, DROP_HANDED_OVER, DROP_REQUESTED, HOLD_PAYING,
                    StockLevel, stock_key)


class StockRecord(Table):
    Meta = table_meta("stock")
    store_id = UnicodeAttribute(hash_key=True)
    key = UnicodeAttribute(range_key=True)  # "<sku>#<location>"
    sku = UnicodeAttribute()
    location = UnicodeAttribute()
    on_hand = NumberAttribute(default=0)
    reserved = NumberAttribute(default=0)
    available = NumberAttribute(default=0)  # on_hand - reserved, maintained by every write below
    updated_at = NumberAttribute()

    def level(self) -> StockLevel:
        return StockLevel(self.sku, self.location, int(self.on_hand), int(self.reserved))


class LedgerByReference(GlobalSecondaryIndex):
    class Meta:
        index_name = "by_reference"
        projection = AllProjection()

    reference = UnicodeAttribute(hash_key=True)
    entry_id = UnicodeAttribute(range_key=True)


class LedgerBySku(GlobalSecondaryIndex):
    class Meta:
        index_name = "by_sku"
        projection = AllProjection()

    store_sku = UnicodeAttribute(hash_key=True)  # "<store>#<sku>"
    at = NumberAttribute(range_key=True)


class StockLedgerEntry(Table):
    """Append-only. ``entry_id`` is derived from the cause (e.g. ``sale#<order>#<sku>#SHOP``), so the
    same movement can never be booked twice."""

    Meta = table_meta("stock_ledger")
    store_id = UnicodeAttribute(hash_key=True)
    entry_id = UnicodeAttribute(range_key=True)
    store_sku = UnicodeAttribute()
    sku = UnicodeAttribute()
    location = UnicodeAttribute()
    delta = NumberAttribute()
    reason = UnicodeAttribute()
    reference = UnicodeAttribute()
    reference_no = UnicodeAttribute(null=True)  # the number people read for it: "0812-RC4NY", "D-K7M2Q"
    actor = UnicodeAttribute()
    at = NumberAttribute()
    note = UnicodeAttribute(null=True)
    by_reference = LedgerByReference()
    by_sku = LedgerBySku()


def levels(store_id: str, sku: str | None = None) -> list[StockLevel]:
    cond = StockRecord.key.startswith(f"{sku}#") if sku else None
    return [r.level() for r in StockRecord.query(store_id, cond, consistent_read=True)]


def records(store_id: str) -> list[StockRecord]:
    return list(StockRecord.query(store_id, consistent_read=True))


def available_at(store_id: str, location: str, skus) -> dict[str, int]:
    """``{sku: available}`` at one location (consistent reads); skus never stocked there are absent."""
    keys = [(store_id, stock_key(sku, location)) for sku in dict.fromkeys(skus)]
    return {r.sku: int(r.available) for r in StockRecord.batch_get(keys, consistent_read=True)}


def ledger(store_id: str, sku: str, *, limit: int | None = None, newest_first: bool = True) -> list[StockLedgerEntry]:
    return list(StockLedgerEntry.by_sku.query(f"{store_id}#{sku}", scan_index_forward=not newest_first, limit=limit))


def ledger_since(store_id: str, sku: str, location: str, since: int):
    """The movements of one sku at one location from ``since`` on (epoch seconds), oldest first."""
    return StockLedgerEntry.by_sku.query(f"{store_id}#{sku}", StockLedgerEntry.at >= since,
                                         filter_condition=StockLedgerEntry.location == location)


def _stock(store_id: str, sku: str, location: str) -> StockRecord:
    return StockRecord(store_id=store_id, key=stock_key(sku, location))


def move_on_hand(tx, store_id: str, sku: str, location: str, delta: int, *, reason: str, reference: str,
                 actor: str, entry_id: str, allow_negative: bool = False, note: str | None = None,
                 expect_on_hand: int | None = None, lost: Exception | None = None,
                 reference_no: str | None = None) -> None:
    """Change on_hand by ``delta`` and append the ledger entry, in ``tx``.

    ``reference`` is the id of what caused it (an order, a drop order), ``reference_no`` the number
    people read for it, kept on the entry so the ledger names it without reading the other area.

    Taking stock out requires what stays to cover the reservations (``available >= qty``: never
    oversold), unless ``allow_negative`` (a sale at the counter of goods physically in the
    shopper's hand). ``expect_on_hand`` commits only if on_hand is still the value the change was
    computed from (a stock count). ``lost``: the caller's error when a condition does not hold
    (``tx`` is a unit of work then).
    """
    now = get_clock().now_s()
    condition = StockRecord.available >= -delta if delta < 0 and not allow_negative else None
    if expect_on_hand is not None:
        same = StockRecord.on_hand == expect_on_hand
        if expect_on_hand == 0:
            same = same | StockRecord.on_hand.does_not_exist()
        condition = same if condition is None else condition & same
    lost_as = {"lost": lost} if lost is not None else {}
    tx.update(_stock(store_id, sku, location),
              actions=[StockRecord.on_hand.add(delta), StockRecord.available.add(delta), StockRecord.sku.set(sku),
                       StockRecord.location.set(location), StockRecord.updated_at.set(now)], condition=condition,
              **lost_as)
    _ledger_entry(tx, store_id, sku, location, delta, reason=reason, reference=reference, actor=actor,
                  entry_id=entry_id, note=note, at=now, reference_no=reference_no, **lost_as)


def _ledger_entry(tx, store_id: str, sku: str, location: str, delta: int, *, reason: str, reference: str, actor: str,
                  entry_id: str, note: str | None, at: int, reference_no: str | None = None, **lost_as) -> None:
    tx.save(StockLedgerEntry(store_id=store_id, entry_id=entry_id, store_sku=f"{store_id}#{sku}", sku=sku,
                             location=location, delta=delta, reason=reason, reference=reference,
                             reference_no=reference_no, actor=actor, at=at, note=note),
            condition=StockLedgerEntry.entry_id.does_not_exist(), **lost_as)


def get_ledger_entry(store_id: str, entry_id: str) -> StockLedgerEntry | None:
    return find(StockLedgerEntry, store_id, entry_id, consistent_read=True)


def reserve(tx, store_id: str, sku: str, location: str, qty: int) -> None:
    """Book ``qty`` for a hold: only if that many are available right now (the atomic condition).
    A failure returns the stock item as it was, so the caller sees what was available."""
    tx.update(_stock(store_id, sku, location),
              actions=[StockRecord.reserved.add(qty), StockRecord.available.add(-qty),
                       StockRecord.updated_at.set(get_clock().now_s())],
              condition=StockRecord.available >= qty, return_values="ALL_OLD")


def unreserve(tx, store_id: str, sku: str, location: str, qty: int) -> None:
    """Give a hold's ``qty`` back to available."""
    tx.update(_stock(store_id, sku, location),
              actions=[StockRecord.reserved.add(-qty), StockRecord.available.add(qty),
                       StockRecord.updated_at.set(get_clock().now_s())],
              condition=StockRecord.reserved >= qty)


def take_reserved(tx, store_id: str, sku: str, location: str, qty: int, *, reason: str, reference: str, actor: str,
                  entry_id: str, reference_no: str | None = None) -> None:
    """The booked goods leave with the customer: on_hand and reserved both drop, available stays."""
    now = get_clock().now_s()
    tx.update(_stock(store_id, sku, location),
              actions=[StockRecord.on_hand.add(-qty), StockRecord.reserved.add(-qty), StockRecord.updated_at.set(now)],
              condition=StockRecord.reserved >= qty)
    _ledger_entry(tx, store_id, sku, location, -qty, reason=reason, reference=reference, actor=actor,
                  entry_id=entry_id, note=None, at=now, reference_no=reference_no)


# ---- holds -----------------------------------------------------------------------------------

class HoldsDue(GlobalSecondaryIndex):
    """Sparse: only open holds carry ``sweep_shard``; the sweeper reads those past ``expires_at``."""

    class Meta:
        index_name = "due"
        projection = AllProjection()

    sweep_shard = UnicodeAttribute(hash_key=True)
    expires_at = NumberAttribute(range_key=True)


class HoldsOpenByStore(GlobalSecondaryIndex):
    """Sparse: a store's open holds (the CS list, and expired-but-unswept holds for availability)."""

    class Meta:
        index_name = "open_by_store"
        projection = AllProjection()

    open_store = UnicodeAttribute(hash_key=True)
    expires_at = NumberAttribute(range_key=True)


SWEEP_SHARD = "HOLD"


class HoldRecord(Table):
    """Stock booked for one book order (``hold_id`` is the order id). ``purge_at`` is the TTL."""

    Meta = table_meta("holds", ttl="purge_at", stream="OLD_IMAGE")
    hold_id = UnicodeAttribute(hash_key=True)
    store_id = UnicodeAttribute()
    order_id = UnicodeAttribute()
    location = UnicodeAttribute()
    lines = JSONAttribute()  # [{"sku", "qty"}], one line per sku
    status = UnicodeAttribute()  # ACTIVE | PAYING | RELEASED | EXPIRED | CONSUMED
    created_at = NumberAttribute()
    deadline = NumberAttribute()  # the booking's payment deadline (never moves)
    expires_at = NumberAttribute()  # when it stops holding: the deadline, later while paid at the kiosk
    grace_seconds = NumberAttribute(default=0)
    purge_at = NumberAttribute()
    settled_at = NumberAttribute(null=True)
    settled_by = UnicodeAttribute(null=True)  # cancel | sweeper | ttl_stream | lazy | sale
    sweep_shard = UnicodeAttribute(null=True)
    open_store = UnicodeAttribute(null=True)
    due = HoldsDue()
    open_by_store = HoldsOpenByStore()


class HoldSettlementRecord(Table):
    """Written once, in the transaction that releases or consumes a hold's reservation: whoever
    writes it first (cancel, sweeper, TTL stream, sale) is the only one whose stock change commits.
    Kept for good: a late sale of a released hold must still find it (the hold itself is purged)."""

    Meta = table_meta("hold_settlements")
    hold_id = UnicodeAttribute(hash_key=True)
    outcome = UnicodeAttribute()  # RELEASED | EXPIRED | CONSUMED
    settled_by = UnicodeAttribute()
    at = NumberAttribute()


def get_hold(hold_id: str) -> HoldRecord | None:
    return find(HoldRecord, hold_id, consistent_read=True)


def get_settlement(hold_id: str) -> HoldSettlementRecord | None:
    return find(HoldSettlementRecord, hold_id, consistent_read=True)


def settle(tx, hold_id: str, outcome: str, settled_by: str) -> None:
    tx.save(HoldSettlementRecord(hold_id=hold_id, outcome=outcome, settled_by=settled_by, at=get_clock().now_s()),
            condition=HoldSettlementRecord.hold_id.does_not_exist())


def open_holds(store_id: str, *, expired_by: int | None = None) -> list[HoldRecord]:
    """A store's open holds, or only those whose expiry is at or before ``expired_by``."""
    cond = HoldRecord.expires_at <= expired_by if expired_by is not None else None
    return list(HoldRecord.open_by_store.query(store_id, cond))


def due_holds(now: int, limit: int) -> list[HoldRecord]:
    return list(HoldRecord.due.query(SWEEP_SHARD, HoldRecord.expires_at <= now, limit=limit))


# ---- drop orders -----------------------------------------------------------------------------

class DropOrdersByStatus(GlobalSecondaryIndex):
    class Meta:
        index_name = "by_store_status"
        projection = AllProjection()

    store_status = UnicodeAttribute(hash_key=True)  # "<store>#<status>"
    requested_at = NumberAttribute(range_key=True)


class DropOrderRecord(Table):
    Meta = table_meta("drop_orders")
    drop_id = UnicodeAttribute(hash_key=True)
    store_id = UnicodeAttribute()
    drop_no = UnicodeAttribute()  # short code people read out: "D-K7M2Q"
    status = UnicodeAttribute()
    store_status = UnicodeAttribute()
    lines = JSONAttribute()  # [{"sku", "name", "barcode", "qty", "handed" (once handed over)}]
    note = UnicodeAttribute(null=True)
    requested_by = UnicodeAttribute()
    requested_at = NumberAttribute()
    handed_by = UnicodeAttribute(null=True)
    handed_at = NumberAttribute(null=True)
    returned = JSONAttribute(null=True)  # {sku: qty} scanned back
    closed_by = UnicodeAttribute(null=True)
    closed_at = NumberAttribute(null=True)
    close_reason = UnicodeAttribute(null=True)  # how a CLOSED one ended: returned | sold | kept
    close_note = UnicodeAttribute(null=True)  # a person's word for "kept"
    by_store_status = DropOrdersByStatus()


def get_drop_order(drop_id: str) -> DropOrderRecord | None:
    return find(DropOrderRecord, drop_id, consistent_read=True)


def drop_orders(store_id: str, status: str, *, oldest_first: bool, limit: int) -> list[DropOrderRecord]:
    return list(DropOrderRecord.by_store_status.query(f"{store_id}#{status}", scan_index_forward=oldest_first,
                                                      limit=limit))


def add_drop_order(uow, d: DropOrderRecord) -> None:
    uow.save(d, condition=DropOrderRecord.drop_id.does_not_exist())


def _drop_status(status: str, store_id: str) -> list:
    return [DropOrderRecord.status.set(status), DropOrderRecord.store_status.set(f"{store_id}#{status}")]


def hand_over_drop(uow, d: DropOrderRecord, lines: list[dict], *, actor: str, now: int) -> None:
    """REQUESTED -> HANDED_OVER, by ``actor``, with ``lines`` saying how many of each were handed
    over: only from REQUESTED."""
    uow.update(d, actions=_drop_status(DROP_HANDED_OVER, d.store_id)
               + [DropOrderRecord.lines.set(lines), DropOrderRecord.handed_by.set(actor),
                  DropOrderRecord.handed_at.set(now)],
               condition=DropOrderRecord.status == DROP_REQUESTED, label="drop_status")


def cancel_drop(uow, d: DropOrderRecord, *, actor: str, now: int) -> None:
    """REQUESTED -> CANCELLED: only from REQUESTED (no goods have moved)."""
    uow.update(d, actions=_drop_status(DROP_CANCELLED, d.store_id)
               + [DropOrderRecord.closed_by.set(actor), DropOrderRecord.closed_at.set(now)],
               condition=DropOrderRecord.status == DROP_REQUESTED, label="drop_status")


def close_drop_with_return(uow, d: DropOrderRecord, outcome: str, returned: dict[str, int], *, actor: str,
                           now: int) -> None:
    """HANDED_OVER -> ``outcome`` (CANCELLED or CLOSED) with what was scanned back: only from HANDED_OVER."""
    actions = [DropOrderRecord.closed_by.set(actor), DropOrderRecord.closed_at.set(now),
               DropOrderRecord.returned.set(returned)]
    if outcome == DROP_CLOSED:
        actions.append(DropOrderRecord.close_reason.set(CLOSE_RETURNED))
    uow.update(d, actions=_drop_status(outcome, d.store_id) + actions,
               condition=DropOrderRecord.status == DROP_HANDED_OVER, label="drop_status")


def close_drop_unreturned(uow, d: DropOrderRecord, reason: str, note: str | None, *, actor: str, now: int) -> None:
    """HANDED_OVER -> CLOSED with nothing scanned back (``reason`` sold or kept): only from HANDED_OVER."""
    actions = [DropOrderRecord.closed_by.set(actor), DropOrderRecord.closed_at.set(now),
               DropOrderRecord.returned.set({}), DropOrderRecord.close_reason.set(reason)]
    if note:
        actions.append(DropOrderRecord.close_note.set(note))
    uow.update(d, actions=_drop_status(DROP_CLOSED, d.store_id) + actions,
               condition=DropOrderRecord.status == DROP_HANDED_OVER, label="drop_status")


# ---- hold writes (see holds.py) ----------------------------------------------------------------

def add_hold(uow, hold: HoldRecord) -> None:
    uow.save(hold, condition=HoldRecord.hold_id.does_not_exist())


def close_hold(uow, hold: HoldRecord, status: str, settled_by: str, now: int, *, expired_by: int | None = None) -> None:
    """Settle the hold item; removing the index keys takes it out of the sweeper's and the CS
    list's sparse indexes. Only from the status read (and, with ``expired_by``, once expired)."""
    condition = HoldRecord.status == hold.status
    if expired_by is not None:
        condition &= HoldRecord.expires_at <= expired_by
    uow.update(HoldRecord(hold_id=hold.hold_id),
               actions=[HoldRecord.status.set(status), HoldRecord.settled_at.set(now), HoldRecord.settled_by.set(settled_by),
                        HoldRecord.sweep_shard.remove(), HoldRecord.open_store.remove()],
               condition=condition)


def extend_hold(uow, hold: HoldRecord, until: int, purge_at: int) -> None:
    uow.update(hold, actions=[HoldRecord.expires_at.set(until), HoldRecord.purge_at.set(purge_at)],
               condition=(HoldRecord.status == hold.status) & (HoldRecord.expires_at == hold.expires_at))


def hold_paying(uow, hold: HoldRecord, until: int, purge_at: int, now: int, *, lost=None) -> None:
    uow.update(hold, actions=[HoldRecord.status.set(HOLD_PAYING), HoldRecord.expires_at.set(until),
                              HoldRecord.purge_at.set(purge_at)],
               condition=(HoldRecord.status == hold.status) & (HoldRecord.expires_at > now), lost=lost)

