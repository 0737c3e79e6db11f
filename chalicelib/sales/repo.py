"""Orders, payment attempts and receipt links in DynamoDB (gateway events live in the shared inbox)."""
from __future__ import annotations

from pynamodb.attributes import ListAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex, KeysOnlyProjection

from ..core import counters
from ..core.db import JSONAttribute, Table, find, number_is, table_meta
from ..core.errors import NotFound
from .model import AWAITING_PAYMENT as AWAITING, COMPLETED, NEEDS_REVIEW, PAID_LATE

PAY_SHARD = "PAY"  # the scheduler's shard of orders it must look at (open_by_due)


def decision_shard(store_id: str) -> str:
    """The open_by_due shard of a store's paid orders that wait for a person (late, mismatched)."""
    return f"DECIDE#{store_id}"


class OrdersByStoreDay(GlobalSecondaryIndex):
    class Meta:
        index_name = "by_store_day"
        projection = AllProjection()

    store_day = UnicodeAttribute(hash_key=True)  # "<store>#<YYYY-MM-DD>" in the store's timezone
    created_at = NumberAttribute(range_key=True)


class OpenOrders(GlobalSecondaryIndex):
    """Sparse: only orders that still need the scheduler (awaiting payment, paid not completed, booked)."""

    class Meta:
        index_name = "open_by_due"
        projection = AllProjection()

    open_shard = UnicodeAttribute(hash_key=True)
    due_at = NumberAttribute(range_key=True)


class OrdersByNumber(GlobalSecondaryIndex):
    class Meta:
        index_name = "by_number"
        projection = AllProjection()

    store_id = UnicodeAttribute(hash_key=True)
    order_no = UnicodeAttribute(range_key=True)


class OrdersByPhone(GlobalSecondaryIndex):
    class Meta:
        index_name = "by_customer_phone"
        projection = AllProjection()

    phone_key = UnicodeAttribute(hash_key=True)  # "<store>#<E.164>"
    created_at = NumberAttribute(range_key=True)


class OrderRecord(Table):
    Meta = table_meta("orders")
    order_id = UnicodeAttribute(hash_key=True)
    order_no = UnicodeAttribute()
    kind = UnicodeAttribute()  # STORE_SALE | BOOK_ORDER
    status = UnicodeAttribute()
    merchant_id = UnicodeAttribute()
    store_id = UnicodeAttribute()
    store_day = UnicodeAttribute()
    created_at = NumberAttribute()
    created_by = UnicodeAttribute()  # staff id
    device_id = UnicodeAttribute(null=True)
    items = JSONAttribute()
    subtotal = NumberAttribute()
    discount = NumberAttribute(default=0)
    shipping_fee = NumberAttribute(default=0)
    unique_code = NumberAttribute(default=0)
    total = NumberAttribute()  # what the customer pays, in rupiah
    shopper_id = UnicodeAttribute(null=True)
    customer = JSONAttribute(null=True)  # book orders: name, phone, address, channel
    # book orders: bank transfers matched to the order (statement rows) that have not made it paid
    # (yet): a part payment shows on the order, and a cancel must give it back, never drop it
    transfers_received = NumberAttribute(default=0)
    phone_key = UnicodeAttribute(null=True)
    # payment
    attempt = NumberAttribute(default=0)  # the current payment attempt (0 = none yet)
    attempt_at = NumberAttribute(null=True)  # when the current attempt was opened
    payment_method = UnicodeAttribute(null=True)
    payment_issuer = UnicodeAttribute(null=True)
    payment_provider = UnicodeAttribute(null=True)
    cash_received = NumberAttribute(null=True)
    paid_amount = NumberAttribute(null=True)
    paid_at = NumberAttribute(null=True)
    completed_at = NumberAttribute(null=True)
    completed_by = UnicodeAttribute(null=True)
    expires_at = NumberAttribute(null=True)  # QR expiry, or a book order's payment deadline
    failure_reason = UnicodeAttribute(null=True)
    flags = ListAttribute(of=UnicodeAttribute, default=list)
    points_earned = NumberAttribute(null=True)
    receipt_token = UnicodeAttribute(null=True)
    open_shard = UnicodeAttribute(null=True)
    due_at = NumberAttribute(null=True)
    booking = JSONAttribute(null=True)  # a book order's own details: read through book_orders.model.BookOrder
    # refunds: what refunds done or under way have taken (money, units per SKU); refund_count also
    # versions these totals, so two refunds asked at once never both take the same money.
    refunded_amount = NumberAttribute(default=0)
    refunded_qty = JSONAttribute(default=dict)
    refund_count = NumberAttribute(default=0)
    # Copies of the receipt printed so far: written only as a counter (copy_counted), read here.
    receipt_copies = NumberAttribute(attr_name=counters.PREFIX + "receipt_copies", null=True)
    decision_note = UnicodeAttribute(null=True)  # why a decision was closed without a refund
    by_store_day = OrdersByStoreDay()
    open_by_due = OpenOrders()
    by_number = OrdersByNumber()
    by_customer_phone = OrdersByPhone()


class OrderNumberRecord(Table):
    """Makes an order number unique within its store."""

    Meta = table_meta("order_numbers")
    store_id = UnicodeAttribute(hash_key=True)
    order_no = UnicodeAttribute(range_key=True)
    order_id = UnicodeAttribute()


class PaymentAttemptRecord(Table):
    Meta = table_meta("payment_attempts")
    order_id = UnicodeAttribute(hash_key=True)
    attempt = NumberAttribute(range_key=True)
    store_id = UnicodeAttribute()
    provider = UnicodeAttribute()
    gateway_ref = UnicodeAttribute()  # our id at the gateway: "<order>-<attempt>"
    provider_ref = UnicodeAttribute(null=True)  # the gateway's own id
    amount = NumberAttribute()
    qr_string = UnicodeAttribute(null=True)
    status = UnicodeAttribute()  # CREATING | PENDING | PAID | FAILED | EXPIRED | CANCELLED
    created_at = NumberAttribute()
    expires_at = NumberAttribute()
    checked_at = NumberAttribute(default=0)  # last time we asked the gateway (rate limit)
    issuer = UnicodeAttribute(null=True)
    paid_at = NumberAttribute(null=True)
    reason = UnicodeAttribute(null=True)


class RefundsDue(GlobalSecondaryIndex):
    """Sparse: refunds still waiting for the gateway (the sweeper asks about them)."""

    class Meta:
        index_name = "open_by_due"
        projection = AllProjection()

    open_shard = UnicodeAttribute(hash_key=True)
    due_at = NumberAttribute(range_key=True)


class RefundsByProviderId(GlobalSecondaryIndex):
    """Sparse: a refund by the gateway's own id of it (set once the gateway answered)."""

    class Meta:
        index_name = "by_provider_refund"
        projection = KeysOnlyProjection()

    provider_refund_id = UnicodeAttribute(hash_key=True)


class RefundRecord(Table):
    """A refund or void: its own document linked to the sale (``order_id``), never an edit of it."""

    Meta = table_meta("refunds")
    order_id = UnicodeAttribute(hash_key=True)
    refund_id = UnicodeAttribute(range_key=True)  # also the gateway's idempotency key (refund_key)
    refund_no = UnicodeAttribute()  # "<order no>-R<n>": what staff and shoppers read
    kind = UnicodeAttribute()  # VOID | REFUND
    store_id = UnicodeAttribute()
    merchant_id = UnicodeAttribute()
    store_day = UnicodeAttribute()  # the store-local day it was asked
    lines = JSONAttribute(default=list)  # refund_rules.RefundLine dicts
    amount = NumberAttribute()
    reason = UnicodeAttribute()
    note = UnicodeAttribute(null=True)
    tender = UnicodeAttribute()  # QRIS | CASH | BANK_TRANSFER
    transfer_ref = UnicodeAttribute(null=True)
    status = UnicodeAttribute()  # REQUESTED | PENDING | DONE | FAILED
    failure_code = UnicodeAttribute(null=True)
    failure_message = UnicodeAttribute(null=True)
    requested_by = UnicodeAttribute()
    requested_by_name = UnicodeAttribute(null=True)
    approved_by = UnicodeAttribute(null=True)
    approved_by_name = UnicodeAttribute(null=True)
    device_id = UnicodeAttribute(null=True)
    created_at = NumberAttribute()
    done_at = NumberAttribute(null=True)
    attempt = NumberAttribute(null=True)  # the payment attempt a QRIS refund goes back through
    provider = UnicodeAttribute(null=True)
    provider_refund_id = UnicodeAttribute(null=True)
    checked_at = NumberAttribute(default=0)
    points_taken = NumberAttribute(null=True)
    receipt_token = UnicodeAttribute(null=True)
    receipt_copies = NumberAttribute(attr_name=counters.PREFIX + "receipt_copies", null=True)  # as the order's
    open_shard = UnicodeAttribute(null=True)
    due_at = NumberAttribute(null=True)
    open_by_due = RefundsDue()
    by_provider_refund = RefundsByProviderId()


REFUND_SHARD = "REFUND"  # refunds waiting for the gateway (RefundRecord.open_by_due)


class ReceiptLinkRecord(Table):
    """Unguessable token -> order, for the public digital receipt page."""

    Meta = table_meta("receipt_links")
    token = UnicodeAttribute(hash_key=True)
    order_id = UnicodeAttribute()
    refund_id = UnicodeAttribute(null=True)  # a refund receipt's link names the refund too


def get_order(order_id: str) -> OrderRecord | None:
    return find(OrderRecord, order_id, consistent_read=True)


def own_order(store_id: str, order_id: str) -> OrderRecord:
    """The order if it belongs to this store; otherwise "not found", never "forbidden"."""
    order = get_order(order_id)
    if order is None or order.store_id != store_id:
        raise NotFound("Pesanan tidak ditemukan.", code="order_not_found")
    return order


def get_attempt(order_id: str, attempt: int) -> PaymentAttemptRecord | None:
    return find(PaymentAttemptRecord, order_id, attempt, consistent_read=True)


# ---- writes: every condition and update expression on orders and attempts lives here ----------
# Each takes the caller's unit of work (chalicelib.core.uow) and adds one write to it.

def add_order(uow, order: OrderRecord) -> None:
    """A new order and the item that makes its number unique in the store (a taken number fails)."""
    uow.save(order, condition=OrderRecord.order_id.does_not_exist())
    uow.save(OrderNumberRecord(store_id=order.store_id, order_no=order.order_no, order_id=order.order_id),
             condition=OrderNumberRecord.order_no.does_not_exist(), return_values="ALL_OLD", label="order_no")


def add_attempt(uow, attempt: PaymentAttemptRecord) -> None:
    """A new order's first payment attempt, written with the order."""
    uow.save(attempt, condition=PaymentAttemptRecord.attempt.does_not_exist())


def open_attempt(uow, order: OrderRecord, attempt: PaymentAttemptRecord, *, due_at: int, lost=None) -> None:
    """Attempt N+1 exists once: the order's attempt number and status move only from what was read."""
    uow.save(attempt, condition=PaymentAttemptRecord.attempt.does_not_exist(), lost=lost)
    uow.update(order, actions=[OrderRecord.attempt.set(attempt.attempt), OrderRecord.attempt_at.set(attempt.created_at),
                               OrderRecord.status.set(AWAITING),
                               OrderRecord.expires_at.set(attempt.expires_at), OrderRecord.failure_reason.remove(),
                               OrderRecord.open_shard.set(PAY_SHARD), OrderRecord.due_at.set(due_at)],
               condition=(OrderRecord.attempt == order.attempt) & (OrderRecord.status == order.status), lost=lost)


def attempt_created(uow, attempt: PaymentAttemptRecord, *, qr_string: str, provider_ref: str | None,
                    expires_at: int) -> None:
    """The gateway made the QR: CREATING -> PENDING with what it answered."""
    uow.update(attempt, actions=[PaymentAttemptRecord.status.set("PENDING"), PaymentAttemptRecord.qr_string.set(qr_string),
                                 PaymentAttemptRecord.provider_ref.set(provider_ref),
                                 PaymentAttemptRecord.expires_at.set(expires_at)],
               condition=PaymentAttemptRecord.status == "CREATING")


def claim_status_check(uow, attempt: PaymentAttemptRecord, now: int, min_gap: int) -> None:
    """At most one gateway status call per attempt every ``min_gap`` seconds."""
    uow.update(attempt, actions=[PaymentAttemptRecord.checked_at.set(now)],
               condition=PaymentAttemptRecord.checked_at <= now - min_gap)


def attempt_paid(uow, attempt: PaymentAttemptRecord, *, issuer: str | None, paid_at: int) -> None:
    uow.update(attempt, actions=[PaymentAttemptRecord.status.set("PAID"), PaymentAttemptRecord.issuer.set(issuer),
                                 PaymentAttemptRecord.paid_at.set(paid_at)],
               condition=PaymentAttemptRecord.status != "PAID")


def attempt_ended(uow, attempt: PaymentAttemptRecord, status: str, reason: str) -> None:
    """A CREATING or PENDING attempt failed, expired or was cancelled at the gateway."""
    uow.update(attempt, actions=[PaymentAttemptRecord.status.set(status), PaymentAttemptRecord.reason.set(reason)],
               condition=PaymentAttemptRecord.status.is_in("CREATING", "PENDING"))


def attempt_cancelled(uow, attempt: PaymentAttemptRecord) -> None:
    """We cancelled it at the gateway (or it never got there): it can no longer be paid."""
    uow.update(attempt, actions=[PaymentAttemptRecord.status.set("CANCELLED")],
               condition=PaymentAttemptRecord.status != "PAID")


def payment_recorded(uow, order: OrderRecord, *, target: str | None, flags: list[str], paid_at: int, amount: int,
                     method: str, issuer: str | None, provider: str | None, cash_received: int | None,
                     complete_due_at: int | None, completed: dict | None = None) -> None:
    """A payment lands on the order as read: it moves to ``target`` (PAID / PAID_LATE), or, with no
    target (paid already), only its flags change. ``complete_due_at`` keeps a PAID order in the
    scheduler's index until it completes. ``completed`` (``actor``, ``now``, ``points``,
    ``receipt_token``): the sale completes in the same write (target COMPLETED), with its receipt link."""
    actions = []
    if completed is not None:
        target, complete_due_at = COMPLETED, None
        actions += [OrderRecord.completed_at.set(completed["now"]), OrderRecord.completed_by.set(completed["actor"]),
                    OrderRecord.points_earned.set(completed["points"]),
                    OrderRecord.receipt_token.set(completed["receipt_token"])]
        uow.save(ReceiptLinkRecord(token=completed["receipt_token"], order_id=order.order_id),
                 condition=ReceiptLinkRecord.token.does_not_exist())
    if target is not None:
        actions += [OrderRecord.status.set(target), OrderRecord.paid_at.set(paid_at), OrderRecord.paid_amount.set(amount),
                    OrderRecord.payment_method.set(method), OrderRecord.payment_issuer.set(issuer),
                    OrderRecord.payment_provider.set(provider), OrderRecord.failure_reason.remove()]
        if cash_received is not None:
            actions.append(OrderRecord.cash_received.set(cash_received))
        if complete_due_at is not None:
            actions += [OrderRecord.open_shard.set(PAY_SHARD), OrderRecord.due_at.set(complete_due_at)]
        elif target in (PAID_LATE, NEEDS_REVIEW):
            actions += [OrderRecord.open_shard.set(decision_shard(order.store_id)), OrderRecord.due_at.set(paid_at)]
        else:
            actions += [OrderRecord.open_shard.remove(), OrderRecord.due_at.remove()]
    if flags != list(order.flags or []) or not actions:
        actions.append(OrderRecord.flags.set(flags))
    uow.update(order, actions=actions,
               condition=(OrderRecord.status == order.status) & (OrderRecord.attempt == order.attempt))


def ended_unpaid(uow, order: OrderRecord, target: str, reason: str, *, attempt_no: int | None = None,
                 from_status: str | None = None, transfers: int | None = None) -> None:
    """AWAITING_PAYMENT (or ``from_status``) -> FAILED / EXPIRED / CANCELLED, out of the scheduler's
    index; with ``attempt_no`` only while that attempt is still the order's current one, with
    ``transfers`` only while the transfers received are still those (a cancel never drops money
    matched meanwhile), which then leave the order (its caller puts them on the refund list)."""
    condition = OrderRecord.status == (from_status or order.status)
    if attempt_no is not None:
        condition &= OrderRecord.attempt == attempt_no
    extra = []
    if transfers is not None:
        condition &= number_is(OrderRecord.transfers_received, transfers)
        if transfers:  # they leave with it: the caller gives them back in the same unit of work
            extra.append(OrderRecord.transfers_received.set(0))
    uow.update(order, actions=[OrderRecord.status.set(target), OrderRecord.failure_reason.set(reason),
                               OrderRecord.open_shard.remove(), OrderRecord.due_at.remove(), *extra],
               condition=condition)


def transfer_noted(uow, order: OrderRecord, delta: int) -> None:
    """Bank transfers matched to (``delta`` > 0) or taken off (< 0) an order they do not make paid,
    while it is still in the status read."""
    uow.update(order, actions=[OrderRecord.transfers_received.add(delta)], condition=OrderRecord.status == order.status)


def order_unchanged(uow, order: OrderRecord) -> None:
    """The order must still be in the status read (checked, not written)."""
    uow.condition_check(OrderRecord, order.order_id, condition=OrderRecord.status == order.status)


def completed(uow, order: OrderRecord, *, actor: str, now: int, points: int, receipt_token: str) -> None:
    """PAID / PAID_LATE -> COMPLETED, with a receipt link, out of the scheduler's index."""
    uow.update(order, actions=[
        OrderRecord.status.set(COMPLETED), OrderRecord.completed_at.set(now), OrderRecord.completed_by.set(actor),
        OrderRecord.points_earned.set(points), OrderRecord.receipt_token.set(receipt_token),
        OrderRecord.open_shard.remove(), OrderRecord.due_at.remove(),
    ], condition=OrderRecord.status == order.status)
    uow.save(ReceiptLinkRecord(token=receipt_token, order_id=order.order_id),
             condition=ReceiptLinkRecord.token.does_not_exist())


def flagged(uow, order: OrderRecord, flags: list[str]) -> None:
    uow.update(order, actions=[OrderRecord.flags.set(flags)])


def recheck_later(uow, order: OrderRecord, due_at: int) -> None:
    """An order still awaiting payment comes back to the scheduler at ``due_at``."""
    uow.update(order, actions=[OrderRecord.due_at.set(due_at)], condition=OrderRecord.status == AWAITING)


def orders_of_day(store_id: str, day: str, *, kind: str | None = None, limit: int | None = None) -> list[OrderRecord]:
    return list(OrderRecord.by_store_day.query(f"{store_id}#{day}", scan_index_forward=False, limit=limit,
                                               filter_condition=(OrderRecord.kind == kind) if kind else None))


def due_for_scheduler(now: int, limit: int):
    """Orders the payment sweeper must look at now (awaiting payment, or paid but not completed)."""
    return OrderRecord.open_by_due.query(PAY_SHARD, OrderRecord.due_at <= now, limit=limit)


def orders_by_number(store_id: str, order_no: str) -> list[OrderRecord]:
    return list(OrderRecord.by_number.query(store_id, OrderRecord.order_no == order_no))


def orders_by_phone(store_id: str, phone_e164: str, *, limit: int) -> list[OrderRecord]:
    return list(OrderRecord.by_customer_phone.query(f"{store_id}#{phone_e164}", scan_index_forward=False, limit=limit))


def payment_undone(uow, order: OrderRecord, *, back_to: str, open_shard: str | None, due_at: int | None,
                   transfers: int = 0) -> None:
    """A PAID / PAID_LATE order goes back to ``back_to`` with its payment fields cleared (and the
    late flag), keeping ``transfers`` of matched transfers that do not pay it in full: only while it
    is still in the status read, so a sale made meanwhile stays."""
    actions = [OrderRecord.status.set(back_to), OrderRecord.paid_at.remove(), OrderRecord.paid_amount.remove(),
               OrderRecord.transfers_received.set(transfers),
               OrderRecord.payment_method.remove(), OrderRecord.payment_issuer.remove(),
               OrderRecord.payment_provider.remove(),
               OrderRecord.flags.set([f for f in order.flags or [] if f != "late_payment"])]
    if open_shard is not None:
        actions += [OrderRecord.open_shard.set(open_shard), OrderRecord.due_at.set(due_at)]
    else:
        actions += [OrderRecord.open_shard.remove(), OrderRecord.due_at.remove()]  # no longer waits for anyone
    uow.update(order, actions=actions, condition=OrderRecord.status == order.status)


def waits_for_decision(uow, order: OrderRecord, *, flags: list[str], at: int) -> None:
    """A completed order joins its store's decisions list (a parcel came back), from the status read."""
    uow.update(order, actions=[OrderRecord.flags.set(flags), OrderRecord.open_shard.set(decision_shard(order.store_id)),
                               OrderRecord.due_at.set(at)], condition=OrderRecord.status == order.status)


def decision_made(uow, order: OrderRecord, *, note: str | None = None) -> None:
    """A completed order leaves the decisions list (refunded, or closed without a refund)."""
    actions = [OrderRecord.open_shard.remove(), OrderRecord.due_at.remove()]
    if note:
        actions.append(OrderRecord.decision_note.set(note[:300]))
    uow.update(order, actions=actions, condition=OrderRecord.open_shard == decision_shard(order.store_id))


def awaiting_decision(store_id: str, limit: int) -> list[OrderRecord]:
    """A store's paid orders that wait for a person, newest payment first (one Query)."""
    return list(OrderRecord.open_by_due.query(decision_shard(store_id), scan_index_forward=False, limit=limit))


# ---- receipt copies ----------------------------------------------------------------------------

COPIES = "receipt_copies"  # the copy counter (declared as receipt_copies on both records) on the sale's or refund's item (core.counters)


def receipt_copies(record_cls, keys: tuple) -> int:
    """Copies of this receipt printed so far (read consistently, every attribute as stored)."""
    raw = counters.raw_item(record_cls, keys[0], keys[1] if len(keys) > 1 else None)
    if raw is None:
        raise NotFound("Struk tidak ditemukan.", code="receipt_not_found")
    return counters.counters_of(raw).get(COPIES, 0)


def copy_counted(uow, record_cls, keys: tuple, seen: int) -> None:
    """One more copy on the sale's or refund's item, only from the count read (an existing item)."""
    path = counters.counter_path(COPIES)
    same = (path == seen) if seen else path.does_not_exist()
    exists = OrderRecord.order_id.exists() if record_cls is OrderRecord else RefundRecord.refund_id.exists()
    uow.update(record_cls(*keys), actions=counters.counter_actions({COPIES: 1}), condition=exists & same,
               label="receipt_copies")


# ---- refunds ---------------------------------------------------------------------------------

def get_refund(order_id: str, refund_id: str) -> RefundRecord | None:
    return find(RefundRecord, order_id, refund_id, consistent_read=True)


def order_refunds(order_id: str) -> list[RefundRecord]:
    """An order's refunds, oldest first."""
    return sorted(RefundRecord.query(order_id, consistent_read=True), key=lambda r: (r.created_at, r.refund_id))


def refund_by_provider_id(provider_refund_id: str) -> tuple[str, str] | None:
    """``(order id, refund id)`` of the refund the gateway knows as ``provider_refund_id`` (Xendit's
    QR refund callbacks name only their own ``qrrf_...``), from a sparse index: eventually
    consistent, so a callback racing the refund's own write may miss it and be sent again."""
    for rec in RefundRecord.by_provider_refund.query(provider_refund_id, limit=1):
        return rec.order_id, rec.refund_id
    return None


def refunds_due(now: int, limit: int) -> list[RefundRecord]:
    return list(RefundRecord.open_by_due.query(REFUND_SHARD, RefundRecord.due_at <= now, limit=limit))


def _same_refund_totals(order: OrderRecord):
    """The order's refund totals are still the ones read (refund_count versions them)."""
    return number_is(OrderRecord.refund_count, int(order.refund_count or 0))


def refund_reserved(uow, order: OrderRecord, refund: RefundRecord, *, quantities: dict[str, int], lost=None,
                    end_status: str | None = None, decided: bool = False) -> None:
    """A new refund and what it takes on the order, only from the totals read: two refunds asked at
    once cannot both take the same money or units (the second is decided again from a fresh read).
    ``end_status``: a refund done at once that also ends the order (VOIDED, REFUNDED); ``decided``: it is
    done at once, so an order waiting for a decision (a returned parcel) leaves that list."""
    taken = dict(order.refunded_qty or {})
    for sku, qty in quantities.items():
        taken[sku] = int(taken.get(sku, 0)) + qty
    uow.save(refund, condition=RefundRecord.refund_id.does_not_exist())
    actions = [OrderRecord.refunded_amount.set(int(order.refunded_amount or 0) + int(refund.amount)),
               OrderRecord.refunded_qty.set(taken), OrderRecord.refund_count.set(int(order.refund_count or 0) + 1)]
    if end_status is not None or (decided and order.open_shard == decision_shard(order.store_id)):
        # An order that ends, or one waiting for a decision (a returned parcel), leaves the lists.
        actions += [OrderRecord.open_shard.remove(), OrderRecord.due_at.remove()]
    if end_status is not None:
        actions.append(OrderRecord.status.set(end_status))
    uow.update(order, actions=actions, condition=_same_refund_totals(order) & (OrderRecord.status == order.status),
               lost=lost, label="order_refund_totals")


def refund_released(uow, order: OrderRecord, refund: RefundRecord) -> None:
    """A refund that failed gives back what it had taken on the order (from the totals read)."""
    taken = dict(order.refunded_qty or {})
    for line in refund.lines or []:
        taken[line["sku"]] = max(0, int(taken.get(line["sku"], 0)) - int(line["qty"]))
    uow.update(order, actions=[OrderRecord.refunded_amount.set(max(0, int(order.refunded_amount or 0) - int(refund.amount))),
                               OrderRecord.refunded_qty.set({k: v for k, v in taken.items() if v}),
                               OrderRecord.refund_count.set(int(order.refund_count or 0) + 1)],
               condition=_same_refund_totals(order), label="order_refund_totals")


def refund_moved(uow, refund: RefundRecord, status: str, *, from_states, open_due_at: int | None = None,
                 **fields) -> None:
    """The refund moves to ``status`` only from one of ``from_states`` (as stored). ``open_due_at``
    keeps it in the sweeper's index; any other move takes it out."""
    actions = [RefundRecord.status.set(status)]
    for name, value in fields.items():
        attr = getattr(RefundRecord, name)
        actions.append(attr.set(value) if value is not None else attr.remove())
    if open_due_at is not None:
        actions += [RefundRecord.open_shard.set(REFUND_SHARD), RefundRecord.due_at.set(open_due_at)]
    else:
        actions += [RefundRecord.open_shard.remove(), RefundRecord.due_at.remove()]
    uow.update(refund, actions=actions, condition=RefundRecord.status.is_in(*from_states), label="refund_status")


def refund_checked(uow, refund: RefundRecord, now: int, min_gap: int) -> None:
    """At most one gateway question about a refund every ``min_gap`` seconds."""
    uow.update(refund, actions=[RefundRecord.checked_at.set(now)], condition=RefundRecord.checked_at <= now - min_gap)


def refund_receipt_link(uow, token: str, refund: RefundRecord) -> None:
    uow.save(ReceiptLinkRecord(token=token, order_id=refund.order_id, refund_id=refund.refund_id),
             condition=ReceiptLinkRecord.token.does_not_exist())


def order_ended_by_refund(uow, order: OrderRecord, status: str) -> None:
    """A voided sale (VOIDED) or a refunded payment that was never a sale (REFUNDED), from the status read."""
    uow.update(order, actions=[OrderRecord.status.set(status), OrderRecord.open_shard.remove(), OrderRecord.due_at.remove()],
               condition=OrderRecord.status == order.status, label="order_status")
