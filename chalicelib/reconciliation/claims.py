"""Claiming statement rows and book orders together: every claim is one conditional transaction.

Who can take a row or an order, and why each happens once:

- **auto-match, store auto-confirms**: ``apply_payment`` moves the order BOOKED -> PAID and, in the
  same transaction (its ``extra_ops``), the row UNMATCHED -> MATCHED and the order's
  :class:`~.repo.OrderPaymentRecord` is created (``attribute_not_exists``). Two imports racing for
  one credit or one order: one transaction commits, the other's condition fails and it gives up.
- **auto-match, CS confirms (the default)**: a *proposal*. The row goes UNMATCHED -> PROPOSED and the
  order's payment record is created with the allocation PROPOSED, together with a condition that the
  order is still BOOKED. The order itself does not change: it is PAID only when CS confirms, which is
  again ``apply_payment`` with the row PROPOSED -> MATCHED as extra ops. While proposed, the payment
  record makes the order unavailable to other rows (its allocations already reach its total) and
  the row is off the review list, so nothing else can take either side.
- **hand-match**: rows UNMATCHED -> MATCHED with explicit allocations and each order's payment record
  (``version`` condition, allocations never above the total) in one transaction. An order whose
  confirmed allocations reach its total gets a ``reconciliation.order_paid`` outbox item in that same
  transaction: one hand-match can pay several orders, and ``apply_payment`` moves one order per
  transaction, so the move happens right after (or by the outbox worker) exactly once, guarded by
  the record's ``payment_applied``.
- **unmatch** reverses a row's allocations; an order that was PAID through them goes back to BOOKED
  (or to the expired/cancelled state it was in) in the same transaction, on the condition that it
  is still PAID: an order that became a sale is refused (409).
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Iterable

from pynamodb.exceptions import TransactWriteError

from ..core import outbox
from ..core.clock import get_clock
from ..core.db import is_condition_failure, transaction
from ..core.errors import Conflict
from ..core.ids import new_id
from ..sales import kode_unik
from ..sales import model as sales
from ..sales.completion import Payment, apply_payment
from ..sales.repo import OrderRecord, get_order
from .matching import MatchCandidate, OrderStatus, ReviewReason
from .repo import (MATCHED, PROPOSED, PROPOSED_QUEUE, REVIEW_QUEUE, UNMATCHED, AuditRecord, OrderPaymentRecord,
                   StatementLineRecord, StatementRecord, get_line, get_order_payment, order_payments, queue_key,
                   queue_position)

AUTO, HAND = "auto", "hand"
CONFIRMED = "CONFIRMED"
ORDER_PAID_EFFECT = "reconciliation.order_paid"


@dataclass(frozen=True)
class Actor:
    """Who acts: a staff member, or the importer."""

    staff_id: str
    name: str | None = None


SYSTEM = Actor("system", "Sistem (impor mutasi)")


class Stale(Exception):
    """A row or order is no longer in the state the claim was planned on; nothing was written."""


# ---- audit ------------------------------------------------------------------------------------

def line_ref(row: StatementLineRecord) -> dict:
    """Which file and line, for the audit trail."""
    return {"fingerprint": row.fingerprint, "line_number": int(row.line_number), "amount": int(row.amount),
            "statement_id": row.statement_id, "object_key": row.object_key}


def audit_op(tx, store_id: str, action: str, actor: Actor, *, statement: StatementRecord | None = None,
             lines: Iterable[StatementLineRecord] = (), orders: Iterable[dict] = (), detail: dict | None = None) -> None:
    """Append an audit entry in the caller's transaction (never updated afterwards)."""
    tx.save(AuditRecord(store_id=store_id, audit_id=new_id(), at=get_clock().now_s(), action=action,
                        actor=actor.staff_id, actor_name=actor.name,
                        statement_id=statement.statement_id if statement else None,
                        object_key=statement.object_key if statement else None,
                        lines=[line_ref(r) for r in lines], orders=list(orders), detail=detail or {}),
            condition=AuditRecord.audit_id.does_not_exist())


def order_ref(order: OrderRecord, amount: int) -> dict:
    return {"order_id": order.order_id, "order_no": order.order_no, "amount": amount}


# ---- candidates ---------------------------------------------------------------------------------

def matcher_status(order: OrderRecord, payment: OrderPaymentRecord | None) -> OrderStatus:
    """How the matcher sees an order. Anything already covered by statement rows (even a proposal or a
    part), paid, or being paid at the kiosk by QRIS counts as PAID: a transfer of its amount is then a
    duplicate for staff to look at, never a second claim."""
    if payment is not None and payment.allocations:
        return OrderStatus.PAID
    if order.status == sales.BOOKED:
        return OrderStatus.OPEN
    if order.status == sales.EXPIRED:
        return OrderStatus.EXPIRED
    if order.status == sales.CANCELLED:
        return OrderStatus.CANCELLED
    return OrderStatus.PAID


def candidate(order: OrderRecord, account: str, payment: OrderPaymentRecord | None) -> MatchCandidate:
    extra = order.extra or {}
    return MatchCandidate(
        order_id=order.order_id, order_no=order.order_no, account=account, amount_due=int(order.total),
        kode_unik=int(order.unique_code or 0), booked_at=int(order.created_at),
        deadline=int(extra.get("deadline") or order.expires_at or order.created_at),
        grace_seconds=int(extra.get("grace_seconds") or 0), status=matcher_status(order, payment),
        customer_name=(order.customer or {}).get("name", ""))


def order_candidates(merchant_id: str, store_id: str, bank_account: dict, account: str) -> list[MatchCandidate]:
    """The book orders a credit on this receiving account may pay, read per account, never by scan.

    Every book order keeps its kode unik reservation (keyed by account and amount) until deadline +
    grace + the store's cool-down, whatever happens to the order, so one Query of the account gives
    the open orders, the expired/cancelled ones still in cool-down and the recently paid ones: exactly
    the set the matcher needs. Other stores sharing the account keep their orders to themselves.
    """
    key = kode_unik.account_key(merchant_id, bank_account.get("bank", ""), bank_account["account_no"])
    ids = list(dict.fromkeys(r.order_id for r in kode_unik.KodeUnikReservation.query(key) if r.store_id == store_id))
    if not ids:
        return []
    payments = order_payments(ids)
    return [candidate(o, account, payments.get(o.order_id)) for o in OrderRecord.batch_get(ids)
            if o.kind == sales.BOOK_ORDER and o.store_id == store_id]


# ---- auto-match ---------------------------------------------------------------------------------

def _allocation(row: StatementLineRecord, amount: int, state: str) -> dict:
    return {"fingerprint": row.fingerprint, "line_number": int(row.line_number), "statement_id": row.statement_id,
            "object_key": row.object_key, "amount": amount, "state": state}


def _matched_actions(state: str, kind: str, actor: Actor, allocations: list[dict], now: int) -> list:
    actions = [StatementLineRecord.status.set(state), StatementLineRecord.allocations.set(allocations),
               StatementLineRecord.match_kind.set(kind), StatementLineRecord.matched_by.set(actor.staff_id),
               StatementLineRecord.matched_at.set(now), StatementLineRecord.review_reason.remove()]
    if state == PROPOSED:
        return actions
    return actions + [StatementLineRecord.queue.remove(), StatementLineRecord.queued_at.remove()]


def _claim_untouched_order(tx, order: OrderRecord, allocation: dict, *, confirmed: int, extra: list = ()) -> None:
    """An auto-match takes an order nothing covers yet: no payment record, or one emptied by an unmatch.
    The version only ever grows, so a writer holding an older version can never succeed afterwards."""
    tx.update(OrderPaymentRecord(order_id=order.order_id), actions=[
        OrderPaymentRecord.store_id.set(order.store_id), OrderPaymentRecord.order_no.set(order.order_no),
        OrderPaymentRecord.total.set(int(order.total)), OrderPaymentRecord.allocated.set(allocation["amount"]),
        OrderPaymentRecord.confirmed.set(confirmed), OrderPaymentRecord.allocations.set([allocation]),
        OrderPaymentRecord.version.add(1), *extra],
        condition=OrderPaymentRecord.allocated.does_not_exist() | (OrderPaymentRecord.allocated == 0))


def _check_still_free(row: StatementLineRecord, order_id: str) -> None:
    """On a retry inside ``apply_payment``: stop if the row or the order was taken meanwhile."""
    fresh = get_line(row.store_id, row.fingerprint)
    payment = get_order_payment(order_id)
    if fresh is None or fresh.status != UNMATCHED or (payment is not None and payment.allocations):
        raise Stale


def claim_auto(statement: StatementRecord, row: StatementLineRecord, order_id: str, *, confirm: bool) -> bool:
    """Claim ``row`` and the order it alone can pay; False when someone else took either first."""
    if confirm:
        return _claim_confirmed(statement, row, order_id)
    return _claim_proposed(statement, row, order_id)


def _claim_confirmed(statement: StatementRecord, row: StatementLineRecord, order_id: str) -> bool:
    now = get_clock().now_s()
    amount = int(row.amount)
    attempts = 0

    def ops(tx, order: OrderRecord, target: str | None) -> None:
        nonlocal attempts
        attempts += 1
        if order.kind != sales.BOOK_ORDER or order.status != sales.BOOKED or target != sales.PAID:
            raise Stale
        if attempts > 1:
            _check_still_free(row, order_id)
        allocations = [{"order_id": order.order_id, "order_no": order.order_no, "amount": amount}]
        tx.update(StatementLineRecord(line_key=row.line_key), actions=_matched_actions(MATCHED, AUTO, SYSTEM, allocations, now),
                  condition=StatementLineRecord.status == UNMATCHED)
        _claim_untouched_order(tx, order, _allocation(row, amount, CONFIRMED), confirmed=amount, extra=[
            OrderPaymentRecord.payment_applied.set(True), OrderPaymentRecord.status_before.set(order.status),
            OrderPaymentRecord.awaiting_store.set(order.store_id), OrderPaymentRecord.paid_at.set(now)])
        tx.update(StatementRecord(statement_id=statement.statement_id), actions=[StatementRecord.auto_matched.add(1)])
        audit_op(tx, order.store_id, "auto_match", SYSTEM, statement=statement, lines=[row],
                 orders=[order_ref(order, amount)])

    try:
        outcome = apply_payment(Payment(order_id=order_id, attempt=None, method=sales.BANK_TRANSFER, amount=amount,
                                        source="statement"), extra_ops=ops, complete_sale=False)
    except Stale:
        return False
    return outcome == "paid"


def _claim_proposed(statement: StatementRecord, row: StatementLineRecord, order_id: str) -> bool:
    order = get_order(order_id)
    if order is None or order.status != sales.BOOKED:
        return False
    now = get_clock().now_s()
    amount = int(row.amount)
    allocations = [{"order_id": order.order_id, "order_no": order.order_no, "amount": amount}]
    try:
        with transaction() as tx:
            tx.update(StatementLineRecord(line_key=row.line_key),
                      actions=_matched_actions(PROPOSED, AUTO, SYSTEM, allocations, now) + [
                          StatementLineRecord.queue.set(queue_key(row.store_id, PROPOSED_QUEUE)),
                          StatementLineRecord.queued_at.set(queue_position(row.day_key, row.line_number, row.fingerprint))],
                      condition=StatementLineRecord.status == UNMATCHED)
            _claim_untouched_order(tx, order, _allocation(row, amount, PROPOSED), confirmed=0)
            tx.condition_check(OrderRecord, order.order_id, condition=OrderRecord.status == sales.BOOKED)
            tx.update(StatementRecord(statement_id=statement.statement_id),
                      actions=[StatementRecord.auto_matched.add(1), StatementRecord.proposed.add(1)])
            audit_op(tx, order.store_id, "propose", SYSTEM, statement=statement, lines=[row],
                     orders=[order_ref(order, amount)])
    except TransactWriteError as exc:
        if is_condition_failure(exc):
            return False
        raise
    return True


# ---- CS confirms a proposal ----------------------------------------------------------------------

def confirm(row: StatementLineRecord, actor: Actor) -> str:
    """PROPOSED -> MATCHED and the order PAID (or PAID_LATE if it expired meanwhile), one transaction."""
    order_id = row.allocations[0]["order_id"]
    amount = int(row.amount)
    now = get_clock().now_s()

    def ops(tx, order: OrderRecord, target: str | None) -> None:
        if target is None:
            raise Conflict(f"Pesanan {order.order_no} sudah dibayar dengan cara lain; lepas usulan ini lalu "
                           "tangani sebagai pembayaran ganda.", code="order_already_paid")
        payment = get_order_payment(order_id)
        if payment is None or not any(a["fingerprint"] == row.fingerprint and a["state"] == PROPOSED
                                      for a in payment.allocations):
            raise Stale
        allocations = [dict(a, state=CONFIRMED) if a["fingerprint"] == row.fingerprint else a for a in payment.allocations]
        confirmed = int(payment.confirmed) + amount
        actions = [OrderPaymentRecord.allocations.set(allocations), OrderPaymentRecord.confirmed.set(confirmed),
                   OrderPaymentRecord.version.set(int(payment.version) + 1)]
        if confirmed >= int(payment.total):
            actions += _applied_actions(order, target, now)
        tx.update(payment, actions=actions, condition=OrderPaymentRecord.version == payment.version)
        tx.update(StatementLineRecord(line_key=row.line_key),
                  actions=_matched_actions(MATCHED, AUTO, actor, row.allocations, now),
                  condition=StatementLineRecord.status == PROPOSED)
        audit_op(tx, row.store_id, "confirm", actor, lines=[row], orders=[order_ref(order, amount)])

    try:
        outcome = apply_payment(Payment(order_id=order_id, attempt=None, method=sales.BANK_TRANSFER, amount=amount,
                                        source="statement"), extra_ops=ops, complete_sale=False)
    except Stale:
        raise Conflict("Usulan ini baru saja berubah. Muat ulang lalu coba lagi.", code="line_changed") from None
    if outcome not in ("paid", "late"):
        raise Conflict("Pesanan sedang berubah. Coba lagi sebentar.", code="order_busy")
    return outcome


def _applied_actions(order: OrderRecord, target: str | None, now: int) -> list:
    """The payment record's side of "the order is paid now": remembered for an unmatch, listed for the sale."""
    actions = [OrderPaymentRecord.payment_applied.set(True), OrderPaymentRecord.status_before.set(order.status),
               OrderPaymentRecord.paid_at.set(now)]
    if target in (sales.PAID, sales.PAID_LATE):
        actions.append(OrderPaymentRecord.awaiting_store.set(order.store_id))
    return actions


# ---- hand-match -----------------------------------------------------------------------------------

def hand_match(store_id: str, rows: dict[str, StatementLineRecord], orders: dict[str, OrderRecord],
               payments: dict[str, OrderPaymentRecord], allocations: list[dict], actor: Actor) -> list[str]:
    """Write validated allocations (``[{"line_id", "order_id", "amount"}]``) in one transaction.

    Returns the ids of orders now fully covered; their move to PAID is queued in the same
    transaction and attempted right away.
    """
    now = get_clock().now_s()
    per_row: dict[str, list[dict]] = defaultdict(list)
    per_order: dict[str, list[dict]] = defaultdict(list)
    for a in allocations:
        row, order = rows[a["line_id"]], orders[a["order_id"]]
        per_row[row.fingerprint].append({"order_id": order.order_id, "order_no": order.order_no, "amount": a["amount"]})
        per_order[order.order_id].append(_allocation(row, a["amount"], CONFIRMED))
    effects: dict[str, str] = {}
    try:
        with transaction() as tx:
            for fingerprint, allocs in per_row.items():
                tx.update(StatementLineRecord(line_key=rows[fingerprint].line_key),
                          actions=_matched_actions(MATCHED, HAND, actor, allocs, now),
                          condition=StatementLineRecord.status == UNMATCHED)
            for order_id, allocs in per_order.items():
                order, payment = orders[order_id], payments.get(order_id)
                added = sum(a["amount"] for a in allocs)
                confirmed = (int(payment.confirmed) if payment else 0) + added
                if payment is None:
                    version = 1
                    tx.save(OrderPaymentRecord(order_id=order_id, store_id=store_id, order_no=order.order_no,
                                               total=int(order.total), allocated=added, confirmed=confirmed,
                                               allocations=allocs, version=version),
                            condition=OrderPaymentRecord.order_id.does_not_exist())
                else:
                    version = int(payment.version) + 1
                    tx.update(payment, actions=[OrderPaymentRecord.allocations.set(list(payment.allocations) + allocs),
                                                OrderPaymentRecord.allocated.set(int(payment.allocated) + added),
                                                OrderPaymentRecord.confirmed.set(confirmed),
                                                OrderPaymentRecord.version.set(version)],
                              condition=OrderPaymentRecord.version == payment.version)
                if confirmed == int(order.total):
                    effects[order_id] = f"recon-paid#{order_id}#{version}"
                    outbox.add(tx, effects[order_id], ORDER_PAID_EFFECT, store_id, {"order_id": order_id})
                else:
                    # Nothing moves on the order yet; it must still be the order CS looked at.
                    tx.condition_check(OrderRecord, order_id, condition=OrderRecord.status == order.status)
            audit_op(tx, store_id, "hand_match", actor, lines=[rows[f] for f in per_row],
                     orders=[order_ref(orders[o], sum(a["amount"] for a in allocs)) for o, allocs in per_order.items()],
                     detail={"allocations": [{"fingerprint": a["line_id"], "order_id": a["order_id"], "amount": a["amount"]}
                                             for a in allocations]})
    except TransactWriteError as exc:
        if is_condition_failure(exc):
            raise Conflict("Baris atau pesanan ini baru saja berubah. Muat ulang lalu coba lagi.",
                           code="match_changed") from None
        raise
    for effect_id in effects.values():
        outbox.process_one(effect_id)
    return list(effects)


@outbox.handler(ORDER_PAID_EFFECT)
def apply_order_paid(item) -> dict:
    """Move an order whose hand-matched rows cover its total to PAID, once (``payment_applied``)."""
    order_id = item.payload["order_id"]
    now = get_clock().now_s()

    def ops(tx, order: OrderRecord, target: str | None) -> None:
        payment = get_order_payment(order_id)
        if payment is None or payment.payment_applied or int(payment.confirmed) < int(payment.total):
            raise Stale  # applied already, or unmatched before we got here
        tx.update(payment, actions=_applied_actions(order, target, now) + [
            OrderPaymentRecord.version.set(int(payment.version) + 1)], condition=OrderPaymentRecord.version == payment.version)

    payment = get_order_payment(order_id)
    if payment is None:
        return {"outcome": "nothing_to_do"}
    try:
        outcome = apply_payment(Payment(order_id=order_id, attempt=None, method=sales.BANK_TRANSFER,
                                        amount=int(payment.total), source="statement"), extra_ops=ops, complete_sale=False)
    except Stale:
        return {"outcome": "nothing_to_do"}
    if outcome == "contended":
        raise RuntimeError("order kept changing; retried by the outbox")
    return {"outcome": outcome}


# ---- unmatch ------------------------------------------------------------------------------------

def paid_by_statement(payment: OrderPaymentRecord | None) -> bool:
    """Whether the statement rows are what made the order paid (not a second payment on a paid order)."""
    return bool(payment and payment.payment_applied and payment.status_before not in sales.PAID_STATES)


def unmatch(row: StatementLineRecord, actor: Actor) -> list[str]:
    """Undo every allocation of ``row`` (a proposal or a match). Returns the orders put back to unpaid.

    Each order loses this row's part; one that had become PAID through it goes back to BOOKED (or the
    expired/cancelled state it was paid from), condition: still PAID. A sale already made is refused.
    The row goes back on the review list as :attr:`ReviewReason.UNMATCHED`.
    """
    order_ids = list(dict.fromkeys(a["order_id"] for a in row.allocations))
    orders = {oid: get_order(oid) for oid in order_ids}
    payments = order_payments(order_ids)
    for oid, order in orders.items():
        if order is not None and order.status == sales.COMPLETED and paid_by_statement(payments.get(oid)):
            raise Conflict(f"Pesanan {order.order_no} sudah menjadi penjualan; pencocokan tidak bisa dilepas.",
                           code="order_completed", details={"order_id": oid})
    reverted: list[str] = []
    try:
        with transaction() as tx:
            tx.update(StatementLineRecord(line_key=row.line_key), actions=[
                StatementLineRecord.status.set(UNMATCHED), StatementLineRecord.allocations.set([]),
                StatementLineRecord.match_kind.remove(), StatementLineRecord.matched_by.remove(),
                StatementLineRecord.matched_at.remove(), StatementLineRecord.review_reason.set(ReviewReason.UNMATCHED.value),
                StatementLineRecord.queue.set(queue_key(row.store_id, REVIEW_QUEUE)),
                StatementLineRecord.queued_at.set(queue_position(row.day_key, row.line_number, row.fingerprint))],
                condition=StatementLineRecord.status == row.status)
            for oid in order_ids:
                order, payment = orders[oid], payments.get(oid)
                if order is None or payment is None:
                    continue
                mine = [a for a in payment.allocations if a["fingerprint"] == row.fingerprint]
                actions = [OrderPaymentRecord.allocations.set([a for a in payment.allocations if a not in mine]),
                           OrderPaymentRecord.allocated.set(int(payment.allocated) - sum(a["amount"] for a in mine)),
                           OrderPaymentRecord.confirmed.set(int(payment.confirmed) - sum(
                               a["amount"] for a in mine if a["state"] == CONFIRMED)),
                           OrderPaymentRecord.version.set(int(payment.version) + 1)]
                if payment.payment_applied:
                    actions += [OrderPaymentRecord.payment_applied.set(False), OrderPaymentRecord.awaiting_store.remove(),
                                OrderPaymentRecord.paid_at.remove(), OrderPaymentRecord.status_before.remove()]
                if paid_by_statement(payment) and order.status in (sales.PAID, sales.PAID_LATE):
                    _revert_order(tx, order, payment.status_before)
                    reverted.append(oid)
                else:
                    # Nothing to put back on the order, but it must not move (e.g. become a sale) under us.
                    tx.condition_check(OrderRecord, oid, condition=OrderRecord.status == order.status)
                tx.update(payment, actions=actions, condition=OrderPaymentRecord.version == payment.version)
            audit_op(tx, row.store_id, "unmatch", actor, lines=[row],
                     orders=[order_ref(o, sum(a["amount"] for a in row.allocations if a["order_id"] == oid))
                             for oid, o in orders.items() if o is not None],
                     detail={"was": row.status, "reverted_orders": reverted})
    except TransactWriteError as exc:
        if is_condition_failure(exc):
            raise Conflict("Baris atau pesanan ini baru saja berubah (mungkin sudah menjadi penjualan). "
                           "Muat ulang lalu coba lagi.", code="match_changed") from None
        raise
    return reverted


def _revert_order(tx, order: OrderRecord, status_before: str | None) -> None:
    """Put a PAID (or PAID_LATE) order back to what it was before the statement paid it.

    A deliberate exception to "orders never move backwards": the payment was a person's mistake
    (the wrong row), undone by a person and audited. The condition on the current status keeps a sale
    made meanwhile untouched (the transaction fails instead). A booked order gets its deadline back
    on the open index; if the deadline has passed, the hold sweeper expires it as usual.
    """
    back = status_before if status_before in (sales.EXPIRED, sales.CANCELLED) else sales.BOOKED
    actions = [OrderRecord.status.set(back), OrderRecord.paid_at.remove(), OrderRecord.paid_amount.remove(),
               OrderRecord.payment_method.remove(), OrderRecord.payment_issuer.remove(),
               OrderRecord.payment_provider.remove(),
               OrderRecord.flags.set([f for f in order.flags or [] if f != "late_payment"])]
    if back == sales.BOOKED:
        deadline = int((order.extra or {}).get("deadline") or order.expires_at or get_clock().now_s())
        actions += [OrderRecord.open_shard.set("BOOK"), OrderRecord.due_at.set(deadline)]
    tx.update(order, actions=actions, condition=OrderRecord.status == order.status)
