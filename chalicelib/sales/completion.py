"""Applying payments and completing orders, exactly once, whoever sees the payment first
(a gateway callback confirmed with the gateway, a cashier's status check, the scheduled job, or cash).

- ``apply_payment``: the attempt and the order move only from the state read; a duplicate or
  concurrent event fails the condition and changes nothing. A payment that makes an order PAID and
  completes it (the kiosk's QRIS and cash) is one transaction with every effect of the sale:
  loyalty points, the cashier's figures, report and shift counters (facts), and outbox items for
  stock, the shopper's messages and the receipt print job.
- ``complete``: a PAID order (a transfer staff turn into a sale) or, by a person, a late or
  mismatched one becomes COMPLETED with the same effects; the scheduler completes a PAID order
  left behind.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from ..core import uow as units
from ..core.clock import get_clock, local_day
from ..core.ids import token
from ..core.observability import logger
from ..staff.service import store_settings
from . import model, repo
from .facts import SaleCompleted, sold_lines
from .repo import OrderRecord, get_attempt, get_order

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
    mismatches: tuple[str, ...] = ()  # what the confirmed payment got wrong (model.payment_mismatches)
    accepted_short: int = 0  # rupiah short of the total that a person accepted (a transfer without its last digits)


def apply_payment(p: Payment, *, extra_ops: Callable[[units.UnitOfWork, OrderRecord, str | None], None] | None = None,
                  complete_sale: bool = True, read: tuple | None = None, settings=None) -> str:
    """Record a confirmed payment. Returns the outcome: ``paid``, ``late``, ``review``, ``duplicate`` or
    ``double_payment``. A payment that is not exactly the order's (amount, transaction) moves it to
    NEEDS_REVIEW for staff: the system never completes it.

    ``extra_ops(uow, order, target)`` adds the caller's own writes to the same unit of work (a bank
    statement row claimed together with the order); it sees the order as read and the status it is
    about to get, and may raise to abort without writing. ``complete_sale=False`` leaves a PAID order
    for staff to turn into a sale (a bank transfer found on a statement) instead of completing it now.
    ``read``: the ``(order, attempt)`` the caller has just read, used for the first try (a lost
    condition reads them again); ``settings``: the store's, when the caller has them.

    A payment that makes the order PAID and is to complete it does both in one transaction: the
    order goes straight to COMPLETED with every effect of the sale (there is no PAID moment for the
    scheduler to pick up).
    """
    now = get_clock().now_s()
    first = [read]

    def work(uow: units.UnitOfWork) -> str:
        if first[0] is not None:
            (order, attempt), first[0] = first[0], None
        else:
            order = get_order(p.order_id)
            attempt = get_attempt(p.order_id, p.attempt) if p.attempt and order is not None else None
        if order is None:
            return "unknown_order"
        if attempt is not None and attempt.status == "PAID":
            return "duplicate"
        target = model.on_payment(order.status)
        is_current = p.attempt is None or order.attempt == p.attempt
        if target == model.PAID and not is_current:
            target = model.PAID_LATE if order.status in model.UNPAID_ENDS else None
        if attempt is not None:
            repo.attempt_paid(uow, attempt, issuer=p.issuer, paid_at=p.paid_at or now)
        flags = list(order.flags or [])
        wrong = list(p.mismatches)
        if p.amount + p.accepted_short != order.total and "amount_mismatch" not in wrong:
            wrong.append("amount_mismatch")
        flags += [f for f in wrong if f not in flags]
        if target is None:
            flags.append("double_payment")  # already paid by another means or attempt: staff must refund
        elif wrong:
            target = model.NEEDS_REVIEW
        elif target == model.PAID_LATE:
            flags.append("late_payment")
        completed = None
        if target == model.PAID and complete_sale:
            points, receipt_token = _sale_effects(uow, order, settings=settings or store_settings(order.store_id),
                                                  now=now, method=p.method, issuer=p.issuer, late=False)
            completed = {"actor": "system", "now": now, "points": points, "receipt_token": receipt_token}
        repo.payment_recorded(uow, order, target=target, flags=flags, paid_at=p.paid_at or now, amount=p.amount,
                              method=p.method, issuer=p.issuer, provider=p.provider, cash_received=p.cash_received,
                              complete_due_at=None, completed=completed)
        if extra_ops is not None:
            extra_ops(uow, order, target)
        if target == model.PAID:
            return "paid"
        return {model.PAID_LATE: "late", model.NEEDS_REVIEW: "review"}.get(target, "double_payment")

    try:
        # Someone moved first (a lost condition): read again and decide again.
        outcome = units.run(work, lost_retries=_RETRIES - 1)
    except (units.ConditionLost, units.Contended):
        logger.warning("apply_payment gave up after retries", extra={"order_id": p.order_id})
        return "contended"
    if outcome == "duplicate":
        order = get_order(p.order_id)
        if order is not None and order.status == model.PAID:
            complete(p.order_id, actor="system")  # paid without completing (an earlier version, or by hand)
    return outcome


def record_unpaid_end(order_id: str, attempt_no: int, status: str, reason: str) -> bool:
    """An attempt failed, expired or was cancelled at the gateway. The order follows only if that
    attempt is still its current one and it is still awaiting payment. Never moves backwards."""
    attempt = get_attempt(order_id, attempt_no)
    if attempt is None:
        return False
    attempt_status = {"failed": "FAILED", "expired": "EXPIRED", "cancelled": "CANCELLED"}[status]
    order = get_order(order_id)

    def writes(uow: units.UnitOfWork) -> None:
        repo.attempt_ended(uow, attempt, attempt_status, reason)
        if order is not None and order.status == model.AWAITING_PAYMENT and order.attempt == attempt_no \
                and status in ("failed", "expired"):
            repo.ended_unpaid(uow, order, model.FAILED if status == "failed" else model.EXPIRED, reason,
                              attempt_no=attempt_no)

    done, _ = units.attempt(writes)
    return done


def complete(order_id: str, *, actor: str) -> bool:
    """PAID (or, by staff, PAID_LATE / NEEDS_REVIEW) -> COMPLETED with every effect, exactly once.

    The unit is built from fresh reads of the order and its shopper; it loses its condition when
    either moved meanwhile (a completion by someone else, or another sale of the same shopper
    completing at that instant) and is then decided again, so the points and the balance the
    receipt shows are exact."""
    def work(uow: units.UnitOfWork) -> bool:
        order = get_order(order_id)
        if order is None or order.status not in (model.PAID, *model.DECISION_STATES):
            return False
        if order.status in model.DECISION_STATES and actor == "system":
            return False  # a late or mismatched payment waits for a person
        now = get_clock().now_s()
        points, receipt_token = _sale_effects(uow, order, settings=store_settings(order.store_id), now=now,
                                              method=order.payment_method or model.QRIS, issuer=order.payment_issuer,
                                              late=order.status == model.PAID_LATE)
        repo.completed(uow, order, actor=actor, now=now, points=points, receipt_token=receipt_token)
        return True

    try:
        return units.run(work, lost_retries=_RETRIES)
    except units.ConditionLost:
        return False  # still losing after fresh reads: the scheduler completes a PAID order later


def _sale_effects(uow: units.UnitOfWork, order: OrderRecord, *, settings, now: int, method: str, issuer: str | None,
                  late: bool) -> tuple[int, str]:
    """Every effect of a sale completing now, added to ``uow`` (the order's own write is the
    caller's): points (exact against the shopper as read now), the cashier's figures, the stock and
    receipt-print effects, the shopper's messages and the fact the reports and shifts count.
    Returns ``(points earned, receipt token)``."""
    from ..shoppers import service as shoppers

    receipt_token = token(18)
    points, balance, visits_before = 0, None, 0
    if order.shopper_id:
        shopper = shoppers.shopper_for_sale(order.merchant_id, order.shopper_id)
        visits_before = int(shopper.visit_count or 0) if shopper is not None else 0
        points, balance = shoppers.earn_points_ops(
            uow, merchant_id=order.merchant_id, shopper_id=order.shopper_id, order_id=order.order_id,
            amount=int(order.total), store_id=order.store_id, rupiah_per_point=settings.loyalty_rupiah_per_point,
            shopper=shopper)
    if order.kind == model.STORE_SALE:
        shoppers.record_sale_ops(uow, store_id=order.store_id, staff_id=order.created_by,
                                 day=local_day(order.created_at, settings.timezone), linked=bool(order.shopper_id))
    uow.outbox(f"stock#{order.order_id}", "sale.stock", order.store_id, {"order_id": order.order_id})
    uow.outbox(f"receipt-print#{order.order_id}", "print.receipt", order.store_id, {"order_id": order.order_id})
    if order.shopper_id:
        shoppers.queue_order_messages(uow, order=_message_view(order, receipt_token, points, balance))
    uow.fact(SaleCompleted(
        store_id=order.store_id, order_id=order.order_id, kind=order.kind, subtotal=int(order.subtotal),
        discount=int(order.discount or 0), total=int(order.total), method=method, issuer=issuer,
        seller_id=order.created_by, device_id=order.device_id, linked=bool(order.shopper_id),
        repeat=bool(order.shopper_id) and visits_before >= 1, late=late, at=now, tz=settings.timezone,
        lines=sold_lines(order.items, subtotal=int(order.subtotal), discount=int(order.discount or 0))))
    return points, receipt_token


def _message_view(order: OrderRecord, receipt_token: str, points: int, balance: int | None) -> dict:
    from ..core.settings import get_settings

    return {"order_id": order.order_id, "order_no": order.order_no, "store_id": order.store_id,
            "merchant_id": order.merchant_id, "shopper_id": order.shopper_id, "amount": int(order.total),
            "receipt_url": f"{get_settings().public_base_url}/receipt.html#{receipt_token}", "points_earned": points,
            "points_balance": balance}
