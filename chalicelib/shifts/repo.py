"""Shifts and their open-shift pointers in DynamoDB.

A shift item holds its fixed facts (who, where, float, cash movements, the closing) and its sales
and refund counters as ``c#...`` attributes added by the order-completion and refund transactions
(see :mod:`chalicelib.core.counters`). Two pointer items, ``staff#<id>`` and ``device#<id>``, say which
shift is open for a person and for a drawer: both are created when the shift opens and deleted
when it closes, in the same transactions, so a cashier has one open shift and a drawer has one
cashier.
"""
from __future__ import annotations

from pynamodb.attributes import NumberAttribute, UnicodeAttribute

from ..core.db import JSONAttribute, Table, find, table_meta
from ..core.counters import counter_actions, counters_of, raw_item
from . import model


class ShiftRecord(Table):
    Meta = table_meta("shifts")
    store_id = UnicodeAttribute(hash_key=True)
    shift_id = UnicodeAttribute(range_key=True)  # time-sortable: a store's shifts query newest first
    shift_code = UnicodeAttribute()
    merchant_id = UnicodeAttribute()
    staff_id = UnicodeAttribute()
    device_id = UnicodeAttribute()
    status = UnicodeAttribute()  # OPEN | CLOSED
    opened_at = NumberAttribute()
    opening_float = NumberAttribute()
    movements = JSONAttribute(default=list)  # [{"at", "amount" (+in / -out), "reason", "by"}]
    cash_in = NumberAttribute(default=0)
    cash_out = NumberAttribute(default=0)
    version = NumberAttribute(default=0)  # bumped by each cash movement (optimistic condition)
    sales_count = NumberAttribute(default=0)  # ADDed with the sales counters: the closing's condition
    refunds_count = NumberAttribute(default=0)  # ADDed with the refund counters: the closing's condition too
    closed_at = NumberAttribute(null=True)
    closed_by = UnicodeAttribute(null=True)
    sales_total = NumberAttribute(null=True)  # frozen at closing, for lists that skip the counters
    refunds_total = NumberAttribute(null=True)  # likewise: refunds and voids paid out, every tender
    counted_cash = NumberAttribute(null=True)
    expected_cash = NumberAttribute(null=True)
    difference = NumberAttribute(null=True)
    allowance = NumberAttribute(null=True)
    note = UnicodeAttribute(null=True)
    approved_by = UnicodeAttribute(null=True)
    approved_at = NumberAttribute(null=True)
    pdf_key = UnicodeAttribute(null=True)


class OpenShiftRecord(Table):
    """``staff#<id>`` or ``device#<id>`` -> the open shift; exists only while the shift is open."""

    Meta = table_meta("open_shifts")
    store_id = UnicodeAttribute(hash_key=True)
    holder = UnicodeAttribute(range_key=True)
    shift_id = UnicodeAttribute()
    staff_id = UnicodeAttribute()
    device_id = UnicodeAttribute()
    opened_at = NumberAttribute()


def staff_holder(staff_id: str) -> str:
    return f"staff#{staff_id}"


def device_holder(device_id: str) -> str:
    return f"device#{device_id}"


def get_shift(store_id: str, shift_id: str) -> tuple[ShiftRecord, dict[str, int]] | None:
    """The shift and its sales counters, from one consistent read."""
    item = raw_item(ShiftRecord, store_id, shift_id)
    if item is None:
        return None
    return ShiftRecord.from_raw_data(item), counters_of(item)


def open_pointer(store_id: str, holder: str) -> OpenShiftRecord | None:
    return find(OpenShiftRecord, store_id, holder, consistent_read=True)


def add_sale_ops(tx, store_id: str, shift_id: str, method: str, issuer: str | None, total: int) -> None:
    """Add a completed sale to an open shift in the caller's transaction. The condition on OPEN
    means a shift that closed meanwhile fails the whole completion, which is then retried (the
    scheduler completes PAID orders) and no longer finds the shift."""
    actions = counter_actions(model.sale_increments(method, issuer, total)) + [ShiftRecord.sales_count.add(1)]
    tx.update(ShiftRecord(store_id=store_id, shift_id=shift_id), actions=actions,
              condition=ShiftRecord.status == model.OPEN)


def add_refund_ops(tx, store_id: str, shift_id: str, tender: str, amount: int) -> None:
    """Add a refund paid out on an open shift in the caller's transaction (a closed shift fails it).
    ``refunds_count`` moves with it, so a closing or a cash out read before it fails cleanly."""
    tx.update(ShiftRecord(store_id=store_id, shift_id=shift_id),
              actions=counter_actions(model.refund_increments(tender, amount)) + [ShiftRecord.refunds_count.add(1)],
              condition=ShiftRecord.status == model.OPEN)


def _no_refund_since(rec: ShiftRecord):
    """The shift has seen exactly the refunds it had when read (a shift opened before refunds were
    counted has no attribute until its first)."""
    seen = int(rec.refunds_count or 0)
    if seen:
        return ShiftRecord.refunds_count == seen
    return ShiftRecord.refunds_count.does_not_exist() | (ShiftRecord.refunds_count == 0)


def recent_shifts(store_id: str, limit: int) -> list[ShiftRecord]:
    return list(ShiftRecord.query(store_id, scan_index_forward=False, limit=limit))


# ---- writes: every condition and update expression on shifts lives here ------------------------

def add_shift(uow, rec: ShiftRecord, pointers: list[OpenShiftRecord]) -> None:
    """A new open shift and its pointers: a cashier or a drawer that already has one loses the condition."""
    uow.save(rec, condition=ShiftRecord.shift_id.does_not_exist())
    for pointer in pointers:
        uow.save(pointer, condition=OpenShiftRecord.holder.does_not_exist())


def add_movement(uow, rec: ShiftRecord, movement: dict, *, cash_in: bool, amount: int) -> None:
    """Tunai masuk/keluar on the shift as read (its version, and its refunds: a cash out is checked
    against the drawer they left), while it is open."""
    total = ShiftRecord.cash_in if cash_in else ShiftRecord.cash_out
    uow.update(rec, actions=[ShiftRecord.movements.set([*rec.movements, movement]), total.add(amount),
                             ShiftRecord.version.add(1)],
               condition=(ShiftRecord.status == model.OPEN) & (ShiftRecord.version == rec.version)
               & _no_refund_since(rec))


def close(uow, rec: ShiftRecord, *, now: int, closed_by: str, counted_cash: int, expected_cash: int, difference: int,
          allowance: int, sales_total: int, refunds_total: int, note: str | None, approved_by: str | None,
          lost=None) -> None:
    """Tutup kasir on the totals read: no cash movement (version), no sale (sales_count) and no
    refund (refunds_count) since, and its pointers removed so the cashier and the drawer are free again."""
    actions = [ShiftRecord.status.set(model.CLOSED), ShiftRecord.closed_at.set(now), ShiftRecord.closed_by.set(closed_by),
               ShiftRecord.counted_cash.set(counted_cash), ShiftRecord.expected_cash.set(expected_cash),
               ShiftRecord.difference.set(difference), ShiftRecord.allowance.set(allowance),
               ShiftRecord.sales_total.set(sales_total), ShiftRecord.refunds_total.set(refunds_total),
               ShiftRecord.note.set(note)]
    if approved_by is not None:
        actions += [ShiftRecord.approved_by.set(approved_by), ShiftRecord.approved_at.set(now)]
    uow.update(rec, actions=actions, lost=lost, condition=(ShiftRecord.status == model.OPEN)
               & (ShiftRecord.version == rec.version) & (ShiftRecord.sales_count == rec.sales_count)
               & _no_refund_since(rec))
    for holder in (staff_holder(rec.staff_id), device_holder(rec.device_id)):
        uow.delete(OpenShiftRecord(store_id=rec.store_id, holder=holder), lost=lost,
                   condition=OpenShiftRecord.shift_id == rec.shift_id)


def report_kept(uow, rec: ShiftRecord, key: str) -> None:
    uow.update(rec, actions=[ShiftRecord.pdf_key.set(key)])
