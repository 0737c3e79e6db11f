"""Applying payments and completing orders, exactly once, whoever sees the payment first
(a gateway callback, a cashier's status check, the scheduled job, or cash at the counter).

Two conditional steps, each a single transaction:
1. ``apply_payment``: the attempt and the order move to PAID (or PAID_LATE) only from the state we
   read; a duplicate or concurrent event fails the condition and changes nothing.
2. ``complete``: PAID -> COMPLETED together with every effect of the sale: loyalty points, the
   cashier's engagement counters, report counters, and outbox items for stock, the shopper's
   messages and the receipt print job. If the process dies between 1 and 2, the scheduler finds
   the PAID order and completes it.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from pynamodb.exceptions import TransactWriteError
from pynamodb.transactions import TransactWrite

from ..core import outbox
from ..core.clock import get_clock, local_day
from ..core.db import is_condition_failure, transaction
from ..core.ids import token
from ..core.observability import logger
from . import model
from .repo import OrderRecord, PaymentAttemptRecord, ReceiptLinkRecord, get_attempt, get_order

_RETRIES = 6


@dataclass(frozen=True)
class Payment:
    """A confirmed payment for one attempt, from any source."""

    order_id: str
    attempt: int | None  # None for cash (no gateway attempt)
    method: str  # QRIS | CASH | BANK_TRANSFER
    amount: int
    issuer: str | None = None
    provider: str | None = None
    paid_at: int | None = None
    cash_received: int | None = None
    source: str = "callback"  # callback | status_check | scheduler | cash | statement


def apply_payment(p: Payment, *, extra_ops: Callable[[TransactWrite, OrderRecord, str | None], None] | None = None,
                  complete_sale: bool = True) -> str:
    """Record a confirmed payment. Returns the outcome: ``paid``, ``late``, ``duplicate`` or ``double_payment``.

    ``extra_ops(tx, order, target)`` adds the caller's own writes to the same transaction (a bank
    statement row claimed together with the order); it sees the order as read and the status it is
    about to get, and may raise to abort without writing. ``complete_sale=False`` leaves a PAID order
    for staff to turn into a sale (a bank transfer found on a statement) instead of completing it now.
    """
    now = get_clock().now_s()
    for _ in range(_RETRIES):
        order = get_order(p.order_id)
        if order is None:
            return "unknown_order"
        attempt = get_attempt(p.order_id, p.attempt) if p.attempt else None
        if attempt is not None and attempt.status == "PAID":
            if order.status == model.PAID:
                complete(p.order_id, actor="system")  # the first delivery may have died before completing
            return "duplicate"
        target = model.on_payment(order.status)
        is_current = p.attempt is None or order.attempt == p.attempt
        if target == model.PAID and not is_current:
            target = model.PAID_LATE if order.status in model.UNPAID_ENDS else None
        try:
            with transaction() as tx:
                if attempt is not None:
                    tx.update(attempt, actions=[PaymentAttemptRecord.status.set("PAID"),
                                                PaymentAttemptRecord.issuer.set(p.issuer),
                                                PaymentAttemptRecord.paid_at.set(p.paid_at or now)],
                              condition=PaymentAttemptRecord.status != "PAID")
                actions = []
                flags = list(order.flags or [])
                if p.amount != order.total:
                    flags.append("amount_mismatch")
                if target is None:
                    # Already paid by another means or attempt: money arrived twice; staff must refund.
                    flags.append("double_payment")
                else:
                    actions += [OrderRecord.status.set(target), OrderRecord.paid_at.set(p.paid_at or now),
                                OrderRecord.paid_amount.set(p.amount), OrderRecord.payment_method.set(p.method),
                                OrderRecord.payment_issuer.set(p.issuer), OrderRecord.payment_provider.set(p.provider),
                                OrderRecord.failure_reason.remove()]
                    if p.cash_received is not None:
                        actions.append(OrderRecord.cash_received.set(p.cash_received))
                    if target == model.PAID_LATE:
                        flags.append("late_payment")
                    if target == model.PAID and complete_sale:
                        # The scheduler completes it if we die before step 2.
                        actions += [OrderRecord.open_shard.set("PAY"), OrderRecord.due_at.set(now + 30)]
                    else:
                        actions += [OrderRecord.open_shard.remove(), OrderRecord.due_at.remove()]
                if flags != list(order.flags or []):
                    actions.append(OrderRecord.flags.set(flags))
                tx.update(order, actions=actions or [OrderRecord.flags.set(flags)],
                          condition=(OrderRecord.status == order.status) & (OrderRecord.attempt == order.attempt))
                if extra_ops is not None:
                    extra_ops(tx, order, target)
        except TransactWriteError as exc:
            if is_condition_failure(exc):
                continue  # someone moved first: read again and decide again
            raise
        if target == model.PAID:
            if complete_sale:
                complete(p.order_id, actor="system")
            return "paid"
        return "late" if target == model.PAID_LATE else "double_payment"
    logger.warning("apply_payment gave up after retries", extra={"order_id": p.order_id})
    return "contended"


def record_unpaid_end(order_id: str, attempt_no: int, status: str, reason: str) -> bool:
    """An attempt failed, expired or was cancelled at the gateway. The order follows only if that
    attempt is still its current one and it is still awaiting payment. Never moves backwards."""
    attempt = get_attempt(order_id, attempt_no)
    if attempt is None:
        return False
    attempt_status = {"failed": "FAILED", "expired": "EXPIRED", "cancelled": "CANCELLED"}[status]
    order = get_order(order_id)
    try:
        with transaction() as tx:
            tx.update(attempt, actions=[PaymentAttemptRecord.status.set(attempt_status), PaymentAttemptRecord.reason.set(reason)],
                      condition=PaymentAttemptRecord.status.is_in("CREATING", "PENDING"))
            if order is not None and order.status == model.AWAITING_PAYMENT and order.attempt == attempt_no \
                    and status in ("failed", "expired"):
                target = model.FAILED if status == "failed" else model.EXPIRED
                tx.update(order, actions=[OrderRecord.status.set(target), OrderRecord.failure_reason.set(reason),
                                          OrderRecord.open_shard.remove(), OrderRecord.due_at.remove()],
                          condition=(OrderRecord.status == model.AWAITING_PAYMENT) & (OrderRecord.attempt == attempt_no))
    except TransactWriteError as exc:
        if is_condition_failure(exc):
            return False
        raise
    return True


def complete(order_id: str, *, actor: str, _attempts: int = 0) -> bool:
    """PAID (or PAID_LATE, by staff) -> COMPLETED with every effect, exactly once."""
    from ..reports import counters as report_counters
    from ..shipping import model as shipping
    from ..shoppers import service as shoppers
    from ..staff.service import store_settings

    order = get_order(order_id)
    if order is None or order.status not in (model.PAID, model.PAID_LATE):
        return False
    if order.status == model.PAID_LATE and actor == "system":
        return False  # a late payment waits for a person
    settings = store_settings(order.store_id)
    now = get_clock().now_s()
    receipt_token = token(18)
    points = 0
    try:
        with transaction() as tx:
            if order.shopper_id:
                points = shoppers.earn_points_ops(
                    tx, merchant_id=order.merchant_id, shopper_id=order.shopper_id, order_id=order.order_id,
                    amount=int(order.total), store_id=order.store_id, rupiah_per_point=settings.loyalty_rupiah_per_point)
            tx.update(order, actions=[
                OrderRecord.status.set(model.COMPLETED), OrderRecord.completed_at.set(now),
                OrderRecord.completed_by.set(actor), OrderRecord.points_earned.set(points),
                OrderRecord.receipt_token.set(receipt_token), OrderRecord.open_shard.remove(), OrderRecord.due_at.remove(),
            ], condition=OrderRecord.status == order.status)
            tx.save(ReceiptLinkRecord(token=receipt_token, order_id=order.order_id),
                    condition=ReceiptLinkRecord.token.does_not_exist())
            if order.kind == model.STORE_SALE:
                shoppers.record_sale_ops(tx, store_id=order.store_id, staff_id=order.created_by,
                                         day=local_day(order.created_at, settings.timezone), linked=bool(order.shopper_id))
            report_counters.on_sale_completed(tx, order, settings.timezone)
            outbox.add(tx, f"stock#{order.order_id}", "sale.stock", order.store_id, {"order_id": order.order_id})
            outbox.add(tx, f"receipt-print#{order.order_id}", "print.receipt", order.store_id, {"order_id": order.order_id})
            if order.kind == model.BOOK_ORDER and shipping.needs_shipping(order):
                outbox.add(tx, shipping.request_effect_id(order.order_id), shipping.SHIPMENT_REQUEST, order.store_id,
                           {"order_id": order.order_id})
            if order.shopper_id:
                shoppers.queue_order_messages(tx, order=_message_view(order, receipt_token, points))
    except TransactWriteError as exc:
        if is_condition_failure(exc):
            return False  # completed by someone else first
        if _conflict(exc) and _attempts < 3:
            return complete(order_id, actor=actor, _attempts=_attempts + 1)
        raise
    return True


def _conflict(exc: TransactWriteError) -> bool:
    """Another transaction was touching the same items at that instant: safe to try again."""
    reasons = getattr(exc, "cancellation_reasons", None) or []
    return any(r is not None and r.code == "TransactionConflict" for r in reasons)


def _message_view(order: OrderRecord, receipt_token: str, points: int) -> dict:
    from ..core.settings import get_settings

    return {"order_id": order.order_id, "order_no": order.order_no, "store_id": order.store_id,
            "merchant_id": order.merchant_id, "shopper_id": order.shopper_id, "amount": int(order.total),
            "receipt_url": f"{get_settings().public_base_url}/receipt.html#{receipt_token}", "points_earned": points}
