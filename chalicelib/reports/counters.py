"""The functions other areas call inside their own transactions to keep the report counters.

Each adds one to three actions to the caller's ``TransactWrite``: an ADD on the store's day item,
and where it applies an ADD on the seller's open shift and on the store's live item (shipments
waiting for an AWB). None of them touches the caller's own items, so they never collide with the
change they describe. Days are the store's timezone, taken from ``at`` (default: now).

Where they are called:

- :func:`on_sale_completed` - ``sales.completion.complete()`` (store sales and book orders; a
  book order counts as paid, or paid late, here);
- :func:`on_book_order` - book order created / cancelled / expired;
- :func:`on_drop_order` - drop order created / handed to CS / returned / cancelled;
- :func:`on_shipment_change` - ``shipping.service.apply_news()`` (first AWB, picked up, cancelled);
  a shipment's request is counted by :func:`on_sale_completed`, whose transaction queues it.

``tz`` may be left out by callers that have not read the store's settings; it is then read here.
"""
from __future__ import annotations

from typing import Mapping

from ..core.clock import get_clock, local_datetime, local_day
from . import model, repo


def add_ops(tx, *, store_id: str, at: float, tz: str, increments: Mapping[str, int]) -> None:
    """Add ``increments`` to the counters of the store-local day of ``at`` (one action)."""
    repo.add_day_ops(tx, store_id, local_day(at, tz), increments)


def _visits_before(merchant_id: str, shopper_id: str) -> int:
    """The shopper's completed orders so far. Read just before the completion transaction, which
    adds this visit; two orders of one shopper completing in the same instant may both read the
    same number, which can only under-count a repeat, never invent one."""
    from ..shoppers.repo import get_shopper

    shopper = get_shopper(merchant_id, shopper_id, consistent=True)
    return int(shopper.visit_count or 0) if shopper else 0


def on_sale_completed(tx, order, tz: str) -> None:
    """A sale completes now: count it for the day and, when its seller has a shift open on the
    device that rang it up, for that shift. ``order`` is the ``OrderRecord`` as read before the
    transaction (status PAID or PAID_LATE)."""
    from ..sales import model as sales
    from ..shifts import repo as shifts
    from ..shipping import model as shipping

    at = get_clock().now_s()
    linked = bool(order.shopper_id)
    method = order.payment_method or sales.QRIS
    sale = model.CompletedSale(
        kind=order.kind, subtotal=int(order.subtotal), discount=int(order.discount or 0), total=int(order.total),
        method=method, issuer=order.payment_issuer, hour=local_datetime(at, tz).hour, seller_id=order.created_by,
        linked=linked, repeat=linked and _visits_before(order.merchant_id, order.shopper_id) >= 1,
        late=order.status == sales.PAID_LATE)
    increments = model.sale_increments(sale)
    if order.kind == sales.BOOK_ORDER and shipping.needs_shipping(order):
        # complete() queues the shipment request in this same transaction.
        increments.update(model.shipment_increments(["requested"]))
        _move_waiting_awb(tx, order.store_id, 1, at)
    add_ops(tx, store_id=order.store_id, at=at, tz=tz, increments=increments)
    pointer = shifts.open_pointer(order.store_id, shifts.staff_holder(order.created_by))
    if pointer is not None and pointer.device_id == order.device_id:
        shifts.add_sale_ops(tx, order.store_id, pointer.shift_id, method, order.payment_issuer, int(order.total))


def _store_tz(store_id: str, tz: str | None) -> str:
    from ..staff.service import store_settings

    return tz or store_settings(store_id).timezone


def on_book_order(tx, *, store_id: str, event: str, amount: int = 0, tz: str | None = None,
                  at: float | None = None) -> None:
    """``event``: created | cancelled | expired; ``amount`` the order's total (for created)."""
    if event not in ("created", "cancelled", "expired"):
        raise ValueError(f"book order {event!r} is counted by on_sale_completed or not at all")
    add_ops(tx, store_id=store_id, at=get_clock().now_s() if at is None else at, tz=_store_tz(store_id, tz),
            increments=model.book_order_increments(event, amount))


def on_drop_order(tx, *, store_id: str, event: str, qty: int = 0, tz: str | None = None,
                  at: float | None = None) -> None:
    """``event``: created | handed | returned | cancelled; ``qty`` the pieces that moved."""
    add_ops(tx, store_id=store_id, at=get_clock().now_s() if at is None else at, tz=_store_tz(store_id, tz),
            increments=model.drop_order_increments(event, qty))


def _move_waiting_awb(tx, store_id: str, delta: int, at: float) -> None:
    tx.update(repo.ReportDayRecord(store_id=store_id, day=repo.LIVE),
              actions=[repo.counter_path(model.WAITING_AWB).add(delta), repo.ReportDayRecord.updated_at.set(int(at))])


def on_shipment_change(tx, *, store_id: str, status_before: str, had_awb: bool, status_after: str | None,
                       new_awb: str | None, tz: str | None = None, at: float | None = None) -> None:
    """A shipment change being applied (status and AWB before, what changes): counts the first AWB,
    the courier picking the parcel up and a cancellation, and moves the live "menunggu resi" count."""
    events = model.shipment_events(status_before, had_awb, None if status_after is None else str(status_after), new_awb)
    if not events:
        return
    now = get_clock().now_s() if at is None else at
    add_ops(tx, store_id=store_id, at=now, tz=_store_tz(store_id, tz), increments=model.shipment_increments(events))
    delta = model.waiting_awb_delta(events, has_awb=had_awb or bool(new_awb))
    if delta:
        _move_waiting_awb(tx, store_id, delta, now)
