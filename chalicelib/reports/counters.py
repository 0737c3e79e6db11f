"""The report counters kept from the facts other areas record in their units of work.

Areas never import the reports: they add a plain fact to their unit of work
(``uow.fact(SaleCompleted(...))``) and the handlers here, registered for the fact's kind (see
``schema.FACT_HANDLER_MODULES``), add one or two actions to the same transaction: an ADD on the
store's day item and, where it applies, an ADD on the store's live item (shipments waiting for an
AWB). None of them touches the caller's own items, so they never collide with the change they
describe, and the counters can never disagree with the records. Days are the store's timezone,
taken from the fact's ``at`` (default: now).

- ``sale.completed`` - a store sale or a book order made a sale (a book order counts as paid, or
  paid late, here); its goods count per product (units, value, cost price) on the day's product
  items, and a book order for the CS who booked it;
- ``refund.done`` - money of a sale went back (a refund or a void), on the day it went back; the
  goods it takes back are taken off their products (value and cost price), and a book order's off
  its CS;
- ``shipment.requested`` - a sold book order's courier request was queued with its completion;
- ``book_order.moved`` - book order created / cancelled / expired;
- ``drop_order.moved`` - drop order created / handed to CS / returned / cancelled;
- ``shipment.changed`` - courier news applied (first AWB, picked up, cancelled).
"""
from __future__ import annotations

from typing import Mapping

from ..core.clock import get_clock, local_datetime, local_day
from ..core.uow import UnitOfWork, fact_handler
from . import model, repo


def add_ops(uow: UnitOfWork, *, store_id: str, at: float, tz: str, increments: Mapping[str, int]) -> None:
    """Add ``increments`` to the counters of the store-local day of ``at``. Several facts of one unit
    (a sale and the shipment it requests) merge into one action per day item."""
    _pending(uow).add(store_id, local_day(at, tz), increments)


def add_goods_ops(uow: UnitOfWork, *, store_id: str, at: float, tz: str, lines, returned: bool = False) -> None:
    """Add goods sold (or returned) to the product items of the store-local day of ``at``: one
    action per item the products count on."""
    day = local_day(at, tz)
    for shard, increments in model.by_product_shard(model.goods_increments(lines, returned=returned)).items():
        _pending(uow).add(store_id, repo.product_key(day, shard), increments)


def _move_waiting_awb(uow: UnitOfWork, store_id: str, delta: int, at: float) -> None:
    _pending(uow).add(store_id, repo.LIVE, {model.WAITING_AWB: delta}, at=at)


class _Pending:
    def __init__(self):
        self.items: dict[tuple[str, str], dict[str, int]] = {}
        self.at: dict[tuple[str, str], float] = {}

    def add(self, store_id: str, day: str, increments: Mapping[str, int], at: float | None = None) -> None:
        merged = self.items.setdefault((store_id, day), {})
        for name, value in increments.items():
            merged[name] = merged.get(name, 0) + int(value)
        if at is not None:
            self.at[(store_id, day)] = at


def _flush(uow: UnitOfWork, pending: _Pending) -> None:
    for (store_id, day), increments in pending.items.items():
        if day == repo.LIVE:
            if increments.get(model.WAITING_AWB):
                    repo.move_waiting_awb(uow, store_id, increments[model.WAITING_AWB], pending.at[(store_id, day)])
        else:
            repo.add_day_ops(uow, store_id, day, increments)


def _pending(uow: UnitOfWork) -> _Pending:
    return uow.shared("reports.counters", _Pending, _flush)


def _store_tz(store_id: str, tz: str | None) -> str:
    if tz:
        return tz
    from ..staff.service import store_settings

    return store_settings(store_id).timezone


def _at(at: float | None) -> float:
    return get_clock().now_s() if at is None else at


@fact_handler("sale.completed")
def count_sale(uow: UnitOfWork, sale) -> None:
    counted = model.CompletedSale(
        kind=sale.kind, subtotal=sale.subtotal, discount=sale.discount, total=sale.total, method=sale.method,
        issuer=sale.issuer, hour=local_datetime(sale.at, sale.tz).hour, seller_id=sale.seller_id,
        linked=sale.linked, repeat=sale.repeat, late=sale.late)
    add_ops(uow, store_id=sale.store_id, at=sale.at, tz=sale.tz, increments=model.sale_increments(counted))
    add_goods_ops(uow, store_id=sale.store_id, at=sale.at, tz=sale.tz, lines=sale.lines)


@fact_handler("refund.done")
def count_refund(uow: UnitOfWork, refund) -> None:
    """Money that went back: on the day it went back, by tender and by who paid it out (the sale
    stays on its own day, with its seller); the goods it returns off their products' value and
    cost price, and a book order's off the CS who booked it, on that day too."""
    increments = model.refund_increments(refund.kind, refund.amount, refund.tender, refund.staff_id)
    if refund.order_kind == model.BOOK_ORDER:
        increments.update(model.chat_return_increments(refund.seller_id, refund.lines))
    add_ops(uow, store_id=refund.store_id, at=refund.at, tz=refund.tz, increments=increments)
    add_goods_ops(uow, store_id=refund.store_id, at=refund.at, tz=refund.tz, lines=refund.lines, returned=True)


@fact_handler("shipment.requested")
def count_shipment_request(uow: UnitOfWork, fact) -> None:
    """A sold book order's shipment was requested: counted for the day, and it now waits for an AWB."""
    add_ops(uow, store_id=fact.store_id, at=fact.at, tz=fact.tz, increments=model.shipment_increments(["requested"]))
    _move_waiting_awb(uow, fact.store_id, 1, fact.at)


@fact_handler("book_order.moved")
def count_book_order(uow: UnitOfWork, fact) -> None:
    if fact.event not in ("created", "cancelled", "expired"):
        raise ValueError(f"book order {fact.event!r} is counted as a completed sale or not at all")
    add_ops(uow, store_id=fact.store_id, at=_at(fact.at), tz=_store_tz(fact.store_id, fact.tz),
            increments=model.book_order_increments(fact.event, fact.amount))


@fact_handler("drop_order.moved")
def count_drop_order(uow: UnitOfWork, fact) -> None:
    add_ops(uow, store_id=fact.store_id, at=_at(fact.at), tz=_store_tz(fact.store_id, fact.tz),
            increments=model.drop_order_increments(fact.event, fact.qty))


@fact_handler("shipment.changed")
def count_shipment_change(uow: UnitOfWork, fact) -> None:
    """Counts the first AWB, the courier picking the parcel up and a cancellation, and moves the
    live "menunggu resi" count."""
    events = model.shipment_events(fact.status_before, fact.had_awb,
                                   None if fact.status_after is None else str(fact.status_after), fact.new_awb)
    if not events:
        return
    now = _at(fact.at)
    add_ops(uow, store_id=fact.store_id, at=now, tz=_store_tz(fact.store_id, fact.tz),
            increments=model.shipment_increments(events))
    delta = model.waiting_awb_delta(events, has_awb=fact.had_awb or bool(fact.new_awb))
    if delta:
        _move_waiting_awb(uow, fact.store_id, delta, now)
