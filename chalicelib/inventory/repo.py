"""Stock levels and the stock ledger. Writers add their operations to a caller's transaction so a
stock change and the business change that caused it commit together."""
from __future__ import annotations

from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex

from ..core.clock import get_clock
from ..core.db import Table, table_meta
from .model import StockLevel, stock_key


class StockRecord(Table):
    Meta = table_meta("stock")
    store_id = UnicodeAttribute(hash_key=True)
    key = UnicodeAttribute(range_key=True)  # "<sku>#<location>"
    sku = UnicodeAttribute()
    location = UnicodeAttribute()
    on_hand = NumberAttribute(default=0)
    reserved = NumberAttribute(default=0)
    updated_at = NumberAttribute()

    def level(self) -> StockLevel:
        return StockLevel(self.sku, self.location, int(self.on_hand), int(self.reserved))


class LedgerByReference(GlobalSecondaryIndex):
    class Meta:
        index_name = "by_reference"
        projection = AllProjection()

    reference = UnicodeAttribute(hash_key=True)
    entry_id = UnicodeAttribute(range_key=True)


class StockLedgerEntry(Table):
    """Append-only. ``entry_id`` is derived from the cause (e.g. ``sale#<order>#<sku>#SHOP``), so the
    same movement can never be booked twice."""

    Meta = table_meta("stock_ledger")
    store_id = UnicodeAttribute(hash_key=True)
    entry_id = UnicodeAttribute(range_key=True)
    sku = UnicodeAttribute()
    location = UnicodeAttribute()
    delta = NumberAttribute()
    reason = UnicodeAttribute()
    reference = UnicodeAttribute()
    actor = UnicodeAttribute()
    at = NumberAttribute()
    by_reference = LedgerByReference()


def levels(store_id: str, sku: str | None = None) -> list[StockLevel]:
    cond = StockRecord.key.startswith(f"{sku}#") if sku else None
    return [r.level() for r in StockRecord.query(store_id, cond)]


def move_on_hand(tx, store_id: str, sku: str, location: str, delta: int, *, reason: str, reference: str,
                 actor: str, entry_id: str, allow_negative: bool = False) -> None:
    """Change on_hand by ``delta`` and append the ledger entry, in ``tx``.

    Taking stock out requires what stays to cover the reservations (never oversold), unless
    ``allow_negative`` (a sale at the counter of goods physically in the shopper's hand).
    """
    now = get_clock().now_s()
    rec = StockRecord(store_id=store_id, key=stock_key(sku, location))
    condition = None
    if delta < 0 and not allow_negative:
        # on_hand - reserved >= -delta, written as on_hand >= reserved + qty via a precomputed bound is not
        # expressible in DynamoDB; keep reserved == 0 locations or check through reserve_ops first.
        condition = StockRecord.on_hand >= -delta
    tx.update(rec, actions=[StockRecord.on_hand.add(delta), StockRecord.sku.set(sku), StockRecord.location.set(location),
                            StockRecord.updated_at.set(now)], condition=condition)
    tx.save(StockLedgerEntry(store_id=store_id, entry_id=entry_id, sku=sku, location=location, delta=delta,
                             reason=reason, reference=reference, actor=actor, at=now),
            condition=StockLedgerEntry.entry_id.does_not_exist())
