"""Claiming statement rows and book orders together: every claim is one unit of work.

Who can take a row or an order, and why each happens once:

- **auto-match, store auto-confirms**: ``apply_payment`` moves the order BOOKED -> PAID and, in the
  same unit of work (its ``extra_ops``), the row UNMATCHED -> MATCHED and the order's
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
- **approvals**: an admin's PIN given for a confirmation or hand-match (:mod:`.approval`) is recorded
  in the same unit of work as the action: an ``approval_given`` entry by the admin, and the action's
  own entry names the approver.
- **unmatch** reverses a row's allocations; an order that was PAID through them goes back to BOOKED
  (or to the expired/cancelled state it was in) in the same transaction, on the condition that it
  is still PAID: an order that became a sale is refused (409). The orders it named are remembered
  on the row as rejected: no import proposes them for it again.
- **money on the order**: hand-matched transfers are added to the order's ``transfers_received``
  in the same unit (a part payment shows on the order); an unmatch takes them off. Cancelling an
  order that holds transfers gives them back in the cancel's own unit (:func:`cancel_giving_back`):
  the rows' money goes to the refund list, never into nothing.
"""
from __future__ import annotations

from collections import defaultdict

from ..book_orders import messages as customer_messages
from ..book_orders import service as book_orders
from ..book_orders.model import BOOK_ORDER
from ..core import outbox
from ..core import uow as units
from ..core.clock import get_clock
from ..core.errors import Conflict
from ..core.tender import BANK_TRANSFER
from ..sales import service as sales
from . import repo
from .approval import Approved
from .matching import MatchCandidate, OrderStatus
from .repo import (AUTO, CONFIRMED, HAND, PROPOSED, SYSTEM, UNMATCHED, Actor, OrderPaymentRecord, Paid,
                   StatementLineRecord, StatementRecord, get_line, get_order_payment, order_payments)

ORDER_PAID_EFFECT = "reconciliation.order_paid"


class Stale(Exception):
    """A row or order is no longer in the state the claim was planned on; nothing was written."""


def order_ref(order, amount: int) -> dict:
    """Which order and how much of it, for the audit trail."""
    return {"order_id": order.order_id, "order_no": order.order_no, "amount": amount}


# ---- candidates ---------------------------------------------------------------------------------

def matcher_status(order, payment: OrderPaymentRecord | None) -> OrderStatus:
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


def candidate(order, account: str, payment: OrderPaymentRecord | None) -> MatchCandidate:
    book = book_orders.book_order(order)
    return MatchCandidate(
        order_id=book.order_id, order_no=book.order_no, account=account, amount_due=book.total,
        kode_unik=book.unique_code, booked_at=int(order.created_at), deadline=book.deadline,
        grace_seconds=book.grace_seconds, status=matcher_status(order, payment), customer_name=book.customer.name)


def order_candidates(merchant_id: str, store_id: str, bank_account: dict, account: str) -> list[MatchCandidate]:
    """The book orders a credit on this receiving account may pay, read per account (by their kode
    unik reservations), never by scan: the open ones, those expired or cancelled still in cool-down and
    the recently paid ones, exactly the set the matcher needs."""
    ids = book_orders.order_ids_paying_to(merchant_id, bank_account, store_id)
    if not ids:
        return []
    payments = order_payments(ids)
    return [candidate(o, account, payments.get(o.order_id)) for o in sales.orders_by_id(ids)
            if o.kind == BOOK_ORDER and o.store_id == store_id]


# ---- auto-match ---------------------------------------------------------------------------------

def _allocation(row: StatementLineRecord, amount: int, state: str) -> dict:
    return {"fingerprint": row.fingerprint, "line_number": int(row.line_number), "statement_id": row.statement_id,
            "object_key": row.object_key, "amount": amount, "state": state}


def _paid(order, target: str | None, now: int) -> Paid:
    """The payment record's side of "the order is paid now": remembered for an unmatch, listed for the sale."""
    return Paid(status_before=order.status, at=now,
                awaiting_store=order.store_id if target in (sales.PAID, sales.PAID_LATE) else None)


def _check_still_free(row: StatementLineRecord, order_id: str) -> None:
    """On a retry inside ``apply_payment``: stop if the row or the order was taken meanwhile."""
    fresh = get_line(row.store_id, row.fingerprint)
    payment = get_order_payment(order_id)
    if fresh is None or fresh.status != UNMATCHED or (payment is not None and payment.allocations):
        raise Stale


def _statement_payment(order_id: str, amount: int) -> "sales.Payment":
    return sales.Payment(order_id=order_id, attempt=None, method=BANK_TRANSFER, amount=amount, source="statement")


def claim_auto(statement: StatementRecord, row: StatementLineRecord, order_id: str, *, confirm: bool) -> bool:
    """Claim ``row`` and the order it alone can pay; False when someone else took either first."""
    if confirm:
        return _claim_confirmed(statement, row, order_id)
    return _claim_proposed(statement, row, order_id)


def _claim_confirmed(statement: StatementRecord, row: StatementLineRecord, order_id: str) -> bool:
    now = get_clock().now_s()
    amount = int(row.amount)
    attempts = 0

    def ops(uow, order, target: str | None) -> None:
        nonlocal attempts
        attempts += 1
        if order.kind != BOOK_ORDER or order.status != sales.BOOKED or target != sales.PAID:
            raise Stale
        if attempts > 1:
            _check_still_free(row, order_id)
        repo.match_row(uow, row, kind=AUTO, actor=SYSTEM, now=now,
                       allocations=[{"order_id": order.order_id, "order_no": order.order_no, "amount": amount}])
        repo.claim_order(uow, order_id=order.order_id, store_id=order.store_id, order_no=order.order_no,
                         total=int(order.total), allocation=_allocation(row, amount, CONFIRMED), confirmed=amount,
                         paid=_paid(order, target, now))
        repo.count_auto_match(uow, statement.statement_id, proposed=False)
        repo.audit(uow, order.store_id, "auto_match", SYSTEM, statement=statement, lines=[row],
                   orders=[order_ref(order, amount)])
        customer_messages.queue(uow, order, customer_messages.PAID, amount=amount)

    try:
        outcome = sales.apply_payment(_statement_payment(order_id, amount), extra_ops=ops, complete_sale=False)
    except Stale:
        return False
    return outcome == "paid"


def _claim_proposed(statement: StatementRecord, row: StatementLineRecord, order_id: str) -> bool:
    order = sales.get_order(order_id)
    if order is None or order.status != sales.BOOKED:
        return False
    now = get_clock().now_s()
    amount = int(row.amount)

    def writes(uow: units.UnitOfWork) -> None:
        repo.propose_match(uow, row, [{"order_id": order.order_id, "order_no": order.order_no, "amount": amount}], now)
        repo.claim_order(uow, order_id=order.order_id, store_id=order.store_id, order_no=order.order_no,
                         total=int(order.total), allocation=_allocation(row, amount, PROPOSED), confirmed=0)
        sales.require_unchanged(uow, order)  # still BOOKED
        repo.count_auto_match(uow, statement.statement_id, proposed=True)
        repo.audit(uow, order.store_id, "propose", SYSTEM, statement=statement, lines=[row],
                   orders=[order_ref(order, amount)])

    claimed, _ = units.attempt(writes)
    return claimed


# ---- CS confirms a proposal ----------------------------------------------------------------------

def approval_entries(uow, store_id: str, action: str, actor: Actor, approved: Approved | None, *,
                     lines: list[StatementLineRecord], orders: list[dict]) -> dict:
    """The approval's own audit entry (by the admin who gave it); returns the detail the action's
    entry carries about it (empty without one)."""
    if approved is None:
        return {}
    repo.audit(uow, store_id, "approval_given", Actor(approved.staff_id, approved.name), lines=lines, orders=orders,
               detail={"action": action, "for": actor.staff_id, "for_name": actor.name, **approved.gate.details()})
    return {"approval": approved.detail()}


def confirm(row: StatementLineRecord, actor: Actor, approved: Approved | None = None) -> str:
    """PROPOSED -> MATCHED and the order PAID (or PAID_LATE if it expired meanwhile), one unit of work;
    ``approved``: the admin's PIN this confirmation needed."""
    order_id = row.allocations[0]["order_id"]
    amount = int(row.amount)
    now = get_clock().now_s()

    def ops(uow, order, target: str | None) -> None:
        if target is None:
            raise Conflict(f"Pesanan {order.order_no} sudah dibayar dengan cara lain; lepas usulan ini lalu "
                           "tangani sebagai pembayaran ganda.", code="order_already_paid")
        payment = get_order_payment(order_id)
        if payment is None or not any(a["fingerprint"] == row.fingerprint and a["state"] == PROPOSED
                                      for a in payment.allocations):
            raise Stale
        covered = int(payment.confirmed) + amount >= int(payment.total)
        repo.confirm_allocation(uow, payment, row.fingerprint, amount, paid=_paid(order, target, now) if covered else None)
        if covered:
            customer_messages.queue(uow, order, customer_messages.PAID, amount=int(payment.confirmed) + amount)
        repo.match_row(uow, row, kind=AUTO, actor=actor, allocations=row.allocations, now=now, was=PROPOSED)
        orders = [order_ref(order, amount)]
        detail = approval_entries(uow, row.store_id, "confirm", actor, approved, lines=[row], orders=orders)
        repo.audit(uow, row.store_id, "confirm", actor, lines=[row], orders=orders, detail=detail)

    try:
        outcome = sales.apply_payment(_statement_payment(order_id, amount), extra_ops=ops, complete_sale=False)
    except Stale:
        raise Conflict("Usulan ini baru saja berubah. Muat ulang lalu coba lagi.", code="line_changed") from None
    if outcome not in ("paid", "late"):
        raise Conflict("Pesanan sedang berubah. Coba lagi sebentar.", code="order_busy")
    return outcome


# ---- hand-match -----------------------------------------------------------------------------------

def hand_match(store_id: str, rows: dict[str, StatementLineRecord], orders: dict, payments: dict[str, OrderPaymentRecord],
               allocations: list[dict], actor: Actor, approved: Approved | None = None,
               short: dict[str, int] | None = None) -> list[str]:
    """Write validated allocations (``[{"line_id", "order_id", "amount"}]``) in one unit of work
    (``approved``: the admin's PIN it needed).

    Returns the ids of orders now fully covered; their move to PAID is queued in the same
    unit of work and attempted right away. ``short``: per order, rupiah short of its total the
    person accepts as paid (the store's tolerance, checked by the caller), recorded on it.
    """
    short = short or {}
    now = get_clock().now_s()
    per_row: dict[str, list[dict]] = defaultdict(list)
    per_order: dict[str, list[dict]] = defaultdict(list)
    for a in allocations:
        row, order = rows[a["line_id"]], orders[a["order_id"]]
        per_row[row.fingerprint].append({"order_id": order.order_id, "order_no": order.order_no, "amount": a["amount"]})
        per_order[order.order_id].append(_allocation(row, a["amount"], CONFIRMED))

    def writes(uow: units.UnitOfWork) -> dict[str, str]:
        effects: dict[str, str] = {}
        for fingerprint, allocs in per_row.items():
            repo.match_row(uow, rows[fingerprint], kind=HAND, actor=actor, allocations=allocs, now=now)
        for order_id, allocs in per_order.items():
            order, payment = orders[order_id], payments.get(order_id)
            version = repo.add_allocations(uow, payment, order_id=order_id, store_id=store_id, order_no=order.order_no,
                                           total=int(order.total), allocations=allocs, short=short.get(order_id, 0))
            confirmed = (int(payment.confirmed) if payment else 0) + sum(a["amount"] for a in allocs)
            if confirmed + short.get(order_id, 0) == int(order.total):
                effects[order_id] = f"recon-paid#{order_id}#{version}"
                uow.outbox(effects[order_id], ORDER_PAID_EFFECT, store_id, {"order_id": order_id})
            # The money shows on the order at once (a part payment too), still the order CS looked at.
            sales.note_transfer(uow, order, sum(a["amount"] for a in allocs))
        lines = [rows[f] for f in per_row]
        refs = [order_ref(orders[o], sum(a["amount"] for a in allocs)) for o, allocs in per_order.items()]
        detail = approval_entries(uow, store_id, "hand_match", actor, approved, lines=lines, orders=refs)
        rests = {f: int(rows[f].amount) - sum(a["amount"] for a in allocs) for f, allocs in per_row.items()}
        repo.audit(uow, store_id, "hand_match", actor, lines=lines, orders=refs,
                   detail={"allocations": [{"fingerprint": a["line_id"], "order_id": a["order_id"], "amount": a["amount"]}
                                           for a in allocations],
                           **({"short_accepted": short} if short else {}),
                           **({"rest_to_refund": {f: r for f, r in rests.items() if r}} if any(rests.values()) else {}),
                           **detail})
        return effects

    done, effects = units.attempt(writes)
    if not done:
        raise Conflict("Baris atau pesanan ini baru saja berubah. Muat ulang lalu coba lagi.", code="match_changed")
    for effect_id in effects.values():
        outbox.process_one(effect_id)
    return list(effects)


@outbox.handler(ORDER_PAID_EFFECT)
def apply_order_paid(item) -> dict:
    """Move an order whose hand-matched rows cover its total to PAID, once (``payment_applied``)."""
    order_id = item.payload["order_id"]
    now = get_clock().now_s()

    def ops(uow, order, target: str | None) -> None:
        payment = get_order_payment(order_id)
        if payment is None or payment.payment_applied or \
                int(payment.confirmed) + int(payment.short_accepted or 0) < int(payment.total):
            raise Stale  # applied already, or unmatched before we got here
        repo.mark_order_paid(uow, payment, _paid(order, target, now))
        customer_messages.queue(uow, order, customer_messages.PAID, amount=int(payment.confirmed))

    payment = get_order_payment(order_id)
    if payment is None:
        return {"outcome": "nothing_to_do"}
    short = int(payment.short_accepted or 0)
    paid = sales.Payment(order_id=order_id, attempt=None, method=BANK_TRANSFER, amount=int(payment.total) - short,
                         source="statement", accepted_short=short)
    try:
        outcome = sales.apply_payment(paid, extra_ops=ops, complete_sale=False)
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
    orders = {oid: sales.get_order(oid) for oid in order_ids}
    payments = order_payments(order_ids)
    for oid, order in orders.items():
        if order is not None and order.status == sales.COMPLETED and paid_by_statement(payments.get(oid)):
            raise Conflict(f"Pesanan {order.order_no} sudah menjadi penjualan; pencocokan tidak bisa dilepas.",
                           code="order_completed", details={"order_id": oid})

    def writes(uow: units.UnitOfWork) -> list[str]:
        reverted: list[str] = []
        repo.unmatch_row(uow, row)
        for oid in order_ids:
            order, payment = orders[oid], payments.get(oid)
            if order is None or payment is None:
                continue
            mine = sum(int(a["amount"]) for a in payment.allocations
                       if a["fingerprint"] == row.fingerprint and a["state"] == CONFIRMED)
            if paid_by_statement(payment) and order.status in (sales.PAID, sales.PAID_LATE):
                book_orders.undo_statement_payment(uow, order, payment.status_before,
                                                   transfers=int(payment.confirmed) - mine)
                reverted.append(oid)
            elif mine and order.status in (sales.BOOKED, sales.EXPIRED, sales.CANCELLED):
                sales.note_transfer(uow, order, -mine)  # the part payment leaves the order
            else:
                sales.require_unchanged(uow, order)  # nothing to put back, but it must not move (become a sale) under us
            repo.remove_allocations(uow, payment, row.fingerprint)
        repo.audit(uow, row.store_id, "unmatch", actor, lines=[row],
                   orders=[order_ref(o, sum(a["amount"] for a in row.allocations if a["order_id"] == oid))
                           for oid, o in orders.items() if o is not None],
                   detail={"was": row.status, "reverted_orders": reverted})
        return reverted

    done, reverted = units.attempt(writes)
    if not done:
        raise Conflict("Baris atau pesanan ini baru saja berubah (mungkin sudah menjadi penjualan). "
                       "Muat ulang lalu coba lagi.", code="match_changed")
    return reverted


# ---- cancel, giving the transfers back ---------------------------------------------------------

def give_back_writes(payment: OrderPaymentRecord | None, actor: Actor):
    """The writes that go with cancelling an order whose confirmed transfers must be given back:
    each paying row's allocation to the order leaves it and its money waits on the refund list; the
    order's payment record is emptied; the audit trail says who and how much. For
    ``book_orders.cancel(give_back_transfers=...)``: called inside the cancel's unit of work."""
    def writes(uow, order) -> None:
        if payment is None or not payment.allocations:
            return
        confirmed = [a for a in payment.allocations if a["state"] == CONFIRMED]
        rows = repo.lines_by_key(repo.line_key(order.store_id, a["fingerprint"]) for a in confirmed)
        freed = 0
        for row in rows.values():
            freed += repo.free_for_refund(uow, row, order.order_id)
        if freed != int(payment.confirmed):
            raise Stale
        repo.payment_given_back(uow, payment)
        repo.audit(uow, order.store_id, "cancel_give_back", actor, lines=list(rows.values()),
                   orders=[order_ref(order, freed)], detail={"to_refund": freed})
    return writes


def cancel_giving_back(caller, order, actor: Actor) -> dict:
    """Cancel a book order that received transfers, putting that money on the refund list, in one
    unit of work with the cancel itself (the goods back to available, the order CANCELLED)."""
    payment = get_order_payment(order.order_id)
    try:
        return book_orders.cancel(caller, order.order_id,
                                  give_back_transfers=give_back_writes(payment, actor))
    except Stale:
        raise Conflict("Pembayaran pesanan ini baru saja berubah. Muat ulang lalu coba lagi.",
                       code="match_changed") from None
