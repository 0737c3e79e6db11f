"""Reconciliation tables: uploads, statements, statement rows, what each order has been paid by,
saved column mappings and the audit trail.

Keys carry the integrity rules:

- a statement is keyed by its S3 object *version* (key + ETag), so a re-delivered S3 event finds
  the statement it already started and an overwritten object is a new statement;
- a row is keyed by ``<store>#<fingerprint>`` (the fingerprint hashes bank + account + the row's
  stable fields), written with ``attribute_not_exists``: overlapping or repeated uploads add nothing
  twice, and a claimed row is claimed by a condition on its ``status``;
- :class:`OrderPaymentRecord` holds every allocation to one order under a ``version`` condition, so
  the allocations to an order never exceed its total whoever writes them at the same time.

Every write is a function here taking the caller's unit of work (:mod:`chalicelib.core.uow`): the
condition and update expressions on these records live in this module and nowhere else.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from pynamodb.attributes import BooleanAttribute, ListAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex

from ..core.clock import get_clock
from ..core.db import JSONAttribute, Table, find, number_is, table_meta
from ..core.errors import NotFound
from ..core.ids import new_id
from .continuity import DISCONTINUOUS
from .matching import ReviewReason
from .statement import StatementLine

# Statement states. PROCESSING is leased: a crashed attempt's lease runs out and a retry resumes it.
PROCESSING, IMPORTED, NEEDS_REVIEW, FAILED = "PROCESSING", "IMPORTED", "NEEDS_REVIEW", "FAILED"
# Row states. A row is claimed (PROPOSED or MATCHED) only from UNMATCHED, by a condition.
UNMATCHED, PROPOSED, MATCHED, SUPERSEDED = "UNMATCHED", "PROPOSED", "MATCHED", "SUPERSEDED"
# Where a credit's money ends when it pays no order: set aside by a person with a reason ("bukan
# penjualan", "duplikat"...), given back (REFUNDED, with the transfer's reference), or waiting to be
# given back (TO_REFUND: its order was cancelled after the money was matched to it).
SET_ASIDE, REFUNDED, TO_REFUND = "SET_ASIDE", "REFUNDED", "TO_REFUND"
# Sparse queues on the rows' ``queue`` index: what CS still has to look at. Debits (money going out)
# are kept apart so a month of fees and purchases never buries the credits waiting for a decision.
# REFUND lists money to give back; ASIDE and GIVEN_BACK keep the rows a person closed visible.
REVIEW_QUEUE, DEBIT_QUEUE, PROPOSED_QUEUE = "REVIEW", "DEBIT", "PROPOSED"
REFUND_QUEUE, ASIDE_QUEUE, GIVEN_BACK_QUEUE = "REFUND", "ASIDE", "GIVEN_BACK"
# How a row was matched, and the states of one allocation on an order's payment record.
AUTO, HAND = "auto", "hand"
CONFIRMED = "CONFIRMED"  # (the other allocation state is PROPOSED)


def queue_key(store_id: str, queue: str) -> str:
    return f"{store_id}#{queue}"


def review_queue_key(store_id: str, reason: str) -> str:
    """The list a row left for a person goes on, by its :class:`~.matching.ReviewReason` value."""
    return queue_key(store_id, DEBIT_QUEUE if reason == ReviewReason.DEBIT else REVIEW_QUEUE)


def line_key(store_id: str, fingerprint: str) -> str:
    return f"{store_id}#{fingerprint}"


def account_scope(store_id: str, bank: str, account: str) -> str:
    """All rows of one receiving account of one store (PEND settlement looks here)."""
    return f"{store_id}#{bank.upper()}#{account}"


class UploadRecord(Table):
    """What the presigned upload knew before the file arrived: who, which account, the file name."""

    Meta = table_meta("recon_uploads", ttl="purge_at")
    object_key = UnicodeAttribute(hash_key=True)
    store_id = UnicodeAttribute()
    filename = UnicodeAttribute()
    uploaded_by = UnicodeAttribute()
    uploaded_by_name = UnicodeAttribute(null=True)
    account_no = UnicodeAttribute(null=True)
    created_at = NumberAttribute()
    purge_at = NumberAttribute()


class StatementsByStore(GlobalSecondaryIndex):
    class Meta:
        index_name = "by_store"
        projection = AllProjection()

    store_id = UnicodeAttribute(hash_key=True)
    created_at = NumberAttribute(range_key=True)


class StalledImports(GlobalSecondaryIndex):
    """Sparse: imports still PROCESSING, by lease end; a lease that ran out is a dead worker's job."""

    class Meta:
        index_name = "stalled"
        projection = AllProjection()

    stalled_shard = UnicodeAttribute(hash_key=True)
    lease_until = NumberAttribute(range_key=True)


class StatementRecord(Table):
    """One imported file: its progress, what the file says about itself and what the import did."""

    Meta = table_meta("recon_statements")
    statement_id = UnicodeAttribute(hash_key=True)
    store_id = UnicodeAttribute()
    merchant_id = UnicodeAttribute()
    object_key = UnicodeAttribute()
    etag = UnicodeAttribute()
    size = NumberAttribute(default=0)
    filename = UnicodeAttribute()
    uploaded_by = UnicodeAttribute(null=True)  # staff id; None for a file copied in with ``aws s3 cp``
    uploaded_by_name = UnicodeAttribute(null=True)
    account_hint = UnicodeAttribute(null=True)  # the account chosen at upload (needed for generic CSV)
    status = UnicodeAttribute()
    created_at = NumberAttribute()
    finished_at = NumberAttribute(null=True)
    lease_until = NumberAttribute(default=0)
    stalled_shard = UnicodeAttribute(null=True)  # "P" while PROCESSING
    attempts = NumberAttribute(default=1)
    last_error = UnicodeAttribute(null=True)  # an infrastructure error of the last attempt (retried)
    error = JSONAttribute(null=True)  # FAILED: {"code", "message", "details"} for the person who uploaded
    problems = ListAttribute(of=UnicodeAttribute, default=list)  # validation problems (NEEDS_REVIEW)
    # Whether the file continues the account's stored balance (continuity.BalanceCheck.to_dict());
    # a discontinuous file is NEEDS_REVIEW and confirming its matches needs an admin's PIN.
    balance_check = JSONAttribute(null=True)
    bank = UnicodeAttribute(null=True)
    layout = UnicodeAttribute(null=True)
    account = UnicodeAttribute(null=True)
    account_name = UnicodeAttribute(null=True)
    period_start = UnicodeAttribute(null=True)
    period_end = UnicodeAttribute(null=True)
    rows_total = NumberAttribute(default=0)
    rows_done = NumberAttribute(default=0)  # progress: rows stored or found already stored
    rows_new = NumberAttribute(default=0)
    auto_matched = NumberAttribute(default=0)  # claimed by the matcher (confirmed or proposed)
    proposed = NumberAttribute(default=0)  # of which waiting for CS to confirm
    review = NumberAttribute(default=0)  # rows this import put on the review list
    pending_settled = NumberAttribute(default=0)  # PEND rows replaced by their posted row
    by_store = StatementsByStore()
    stalled = StalledImports()


class LinesByAccount(GlobalSecondaryIndex):
    """Rows of one account by posted day (``PEND`` for pending rows): PEND settlement windows."""

    class Meta:
        index_name = "by_account"
        projection = AllProjection()

    scope = UnicodeAttribute(hash_key=True)
    day_key = UnicodeAttribute(range_key=True)


class LinesByQueue(GlobalSecondaryIndex):
    """Sparse: rows waiting for CS (review or a proposed match), oldest first."""

    class Meta:
        index_name = "queue"
        projection = AllProjection()

    queue = UnicodeAttribute(hash_key=True)
    queued_at = UnicodeAttribute(range_key=True)  # "<posted day or PEND>#<line no>#<fingerprint>"


class StatementLineRecord(Table):
    """One bank statement row, stored once per store however many files contain it."""

    Meta = table_meta("recon_lines")
    line_key = UnicodeAttribute(hash_key=True)
    store_id = UnicodeAttribute()
    fingerprint = UnicodeAttribute()
    scope = UnicodeAttribute()
    day_key = UnicodeAttribute()
    statement_id = UnicodeAttribute()  # the import that stored it first
    object_key = UnicodeAttribute()
    bank = UnicodeAttribute()
    account = UnicodeAttribute()
    posted_date = UnicodeAttribute(null=True)
    posted_time = UnicodeAttribute(null=True)
    pending = BooleanAttribute(default=False)
    date_hint = UnicodeAttribute(null=True)
    direction = UnicodeAttribute()
    amount = NumberAttribute()
    amount_sen = NumberAttribute(default=0)
    balance_after = NumberAttribute(null=True)
    balance_after_sen = NumberAttribute(default=0)
    description = UnicodeAttribute()
    payer_name = UnicodeAttribute(null=True)
    reference = UnicodeAttribute(null=True)
    line_number = NumberAttribute()
    raw_line = UnicodeAttribute()
    created_at = NumberAttribute()
    status = UnicodeAttribute(default=UNMATCHED)
    review_reason = UnicodeAttribute(null=True)  # a matching.ReviewReason; suggestions are computed when read
    queue = UnicodeAttribute(null=True)
    queued_at = UnicodeAttribute(null=True)
    allocations = JSONAttribute(default=list)  # [{"order_id", "order_no", "amount"}]
    match_kind = UnicodeAttribute(null=True)  # auto | hand
    matched_by = UnicodeAttribute(null=True)
    matched_at = NumberAttribute(null=True)
    superseded_by = UnicodeAttribute(null=True)  # the posted row that settled this PEND row
    # money given back from this row: [{"amount", "transfer_ref", "note", "by", "by_name", "at"}]
    refunds = JSONAttribute(default=list)
    refunded = NumberAttribute(default=0)
    set_aside = JSONAttribute(null=True)  # {"reason", "note", "by", "by_name", "at"} while SET_ASIDE
    rejected_orders = ListAttribute(of=UnicodeAttribute, default=list)  # a person unmatched these: never again
    by_account = LinesByAccount()
    queued = LinesByQueue()

    def allocated(self) -> int:
        return sum(int(a["amount"]) for a in self.allocations or [])

    def free(self) -> int:
        """Money of this credit that pays no order and was not given back or set aside."""
        if self.status in (SET_ASIDE, SUPERSEDED):
            return 0
        return int(self.amount) - self.allocated() - int(self.refunded or 0)

    def to_line(self) -> StatementLine:
        """The canonical row again (for the matcher and PEND settlement)."""
        return StatementLine(
            bank=self.bank, account=self.account, posted_date=self.posted_date, pending=bool(self.pending),
            direction=self.direction, amount=int(self.amount), balance_after=_int(self.balance_after),
            description=self.description, payer_name=self.payer_name, line_number=int(self.line_number),
            raw_line=self.raw_line, fingerprint=self.fingerprint, posted_time=self.posted_time,
            date_hint=self.date_hint, reference=self.reference, amount_sen=int(self.amount_sen or 0),
            balance_after_sen=int(self.balance_after_sen or 0))


def _int(value) -> int | None:
    return None if value is None else int(value)


def queue_position(day_key: str, line_number: int, fingerprint: str) -> str:
    """Where a row sorts on a queue: by booking day, then by its line in the file."""
    return f"{day_key}#{int(line_number):07d}#{fingerprint}"


def new_line_record(store_id: str, statement_id: str, object_key: str, line: StatementLine, now: int) -> StatementLineRecord:
    return StatementLineRecord(
        line_key=line_key(store_id, line.fingerprint), store_id=store_id, fingerprint=line.fingerprint,
        scope=account_scope(store_id, line.bank, line.account), day_key=line.posted_date or "PEND",
        statement_id=statement_id, object_key=object_key, bank=line.bank, account=line.account,
        posted_date=line.posted_date, posted_time=line.posted_time, pending=line.pending, date_hint=line.date_hint,
        direction=line.direction, amount=line.amount, amount_sen=line.amount_sen, balance_after=line.balance_after,
        balance_after_sen=line.balance_after_sen, description=line.description, payer_name=line.payer_name,
        reference=line.reference, line_number=line.line_number, raw_line=line.raw_line, created_at=now,
        status=UNMATCHED, allocations=[])


class PaidAwaitingSale(GlobalSecondaryIndex):
    """Sparse: book orders paid through reconciliation that are not a sale yet."""

    class Meta:
        index_name = "awaiting_sale"
        projection = AllProjection()

    awaiting_store = UnicodeAttribute(hash_key=True)
    paid_at = NumberAttribute(range_key=True)


class OrderPaymentRecord(Table):
    """Which statement rows pay one book order, and how much of its total they cover.

    ``allocations``: ``[{"fingerprint", "line_number", "statement_id", "amount", "state"}]`` with state
    PROPOSED (an auto-match waiting for CS) or CONFIRMED. Every write is conditioned on ``version``.
    ``payment_applied`` is set in the transaction that moved the order to PAID; ``status_before`` is
    the status it had then, so an unmatch can put it back. ``awaiting_store`` (sparse) lists paid
    orders not yet turned into a sale.
    """

    Meta = table_meta("recon_order_payments")
    order_id = UnicodeAttribute(hash_key=True)
    store_id = UnicodeAttribute()
    order_no = UnicodeAttribute()
    total = NumberAttribute()
    allocated = NumberAttribute(default=0)
    confirmed = NumberAttribute(default=0)
    allocations = JSONAttribute(default=list)
    version = NumberAttribute(default=0)
    payment_applied = BooleanAttribute(default=False)
    status_before = UnicodeAttribute(null=True)
    awaiting_store = UnicodeAttribute(null=True)
    paid_at = NumberAttribute(null=True)
    short_accepted = NumberAttribute(default=0)  # rupiah short of the total a person accepted as paid
    awaiting_sale = PaidAwaitingSale()


class MappingRecord(Table):
    """A store's saved column mapping for one account's generic CSV export."""

    Meta = table_meta("recon_mappings")
    store_id = UnicodeAttribute(hash_key=True)
    account = UnicodeAttribute(range_key=True)  # normalised account number
    mapping = JSONAttribute()
    updated_by = UnicodeAttribute()
    updated_at = NumberAttribute()


class AuditRecord(Table):
    """Append-only: every reconciliation action, who did it, when, on which file and line.

    Written with ``attribute_not_exists`` in the same transaction as the action it records, never
    updated or deleted.
    """

    Meta = table_meta("recon_audit")
    store_id = UnicodeAttribute(hash_key=True)
    audit_id = UnicodeAttribute(range_key=True)  # ULID: time-ordered
    at = NumberAttribute()
    action = UnicodeAttribute()
    actor = UnicodeAttribute()  # staff id, or "system" for the importer
    actor_name = UnicodeAttribute(null=True)
    statement_id = UnicodeAttribute(null=True)
    object_key = UnicodeAttribute(null=True)
    lines = JSONAttribute(default=list)  # [{"fingerprint", "line_number", "amount", "statement_id", "object_key"}]
    orders = JSONAttribute(default=list)  # [{"order_id", "order_no", "amount"}]
    detail = JSONAttribute(default=dict)


# ---- reads ------------------------------------------------------------------------------------

def get_statement(statement_id: str) -> StatementRecord | None:
    return find(StatementRecord, statement_id, consistent_read=True)


def own_statement(store_id: str, statement_id: str) -> StatementRecord:
    rec = get_statement(statement_id)
    if rec is None or rec.store_id != store_id:
        raise NotFound("Mutasi tidak ditemukan.", code="statement_not_found")
    return rec


def statements_by_id(statement_ids: Iterable[str]) -> dict[str, StatementRecord]:
    """Statements by id (BatchGetItem): who uploaded each file and how its balance checked out."""
    unique = list(dict.fromkeys(statement_ids))
    return {rec.statement_id: rec for rec in StatementRecord.batch_get(unique)} if unique else {}


def is_discontinuous(statement: StatementRecord | None) -> bool:
    """The file did not continue its account's stored balance (see :mod:`.continuity`)."""
    return bool(statement is not None and statement.balance_check
                and statement.balance_check.get("status") == DISCONTINUOUS)


def get_line(store_id: str, fingerprint: str) -> StatementLineRecord | None:
    return find(StatementLineRecord, line_key(store_id, fingerprint), consistent_read=True)


def own_line(store_id: str, fingerprint: str) -> StatementLineRecord:
    rec = get_line(store_id, fingerprint)
    if rec is None:
        raise NotFound("Baris mutasi tidak ditemukan.", code="line_not_found")
    return rec


# What the importer needs to know about rows it finds stored: who stored them and where they stand.
ROW_STATE = ("line_key", "store_id", "fingerprint", "statement_id", "status", "queue", "review_reason", "day_key",
             "line_number", "rejected_orders")


def lines_by_key(keys: Iterable[str], attributes: Iterable[str] | None = None) -> dict[str, StatementLineRecord]:
    """Rows by ``line_key`` (BatchGetItem, 100 at a time); missing keys are simply absent.
    ``attributes`` reads only those (the rest of each record is then unset)."""
    unique = list(dict.fromkeys(keys))
    if not unique:
        return {}
    found = StatementLineRecord.batch_get(unique, attributes_to_get=list(attributes) if attributes else None)
    return {rec.line_key: rec for rec in found}


def get_order_payment(order_id: str) -> OrderPaymentRecord | None:
    return find(OrderPaymentRecord, order_id, consistent_read=True)


def order_payments(order_ids: Iterable[str]) -> dict[str, OrderPaymentRecord]:
    unique = list(dict.fromkeys(order_ids))
    return {rec.order_id: rec for rec in OrderPaymentRecord.batch_get(unique)} if unique else {}


def get_upload(object_key: str) -> UploadRecord | None:
    return find(UploadRecord, object_key, consistent_read=True)


def mappings(store_id: str) -> list[MappingRecord]:
    return list(MappingRecord.query(store_id, consistent_read=True))


def stalled_imports(now: int, limit: int) -> Iterable[StatementRecord]:
    """Imports still PROCESSING whose lease ran out before ``now``: their worker died."""
    return StatementRecord.stalled.query("P", StatementRecord.lease_until < now, limit=limit)


def recent_statements(store_id: str, limit: int) -> Iterable[StatementRecord]:
    return StatementRecord.by_store.query(store_id, scan_index_forward=False, limit=limit)


def pending_rows(scope: str) -> Iterable[StatementLineRecord]:
    """Every ``PEND`` row stored for one account (whatever its state)."""
    return StatementLineRecord.by_account.query(scope, StatementLineRecord.day_key == "PEND")


def rows_before(scope: str, day: str) -> Iterable[StatementLineRecord]:
    """Rows of one account posted before ``day`` (an ISO day; pending rows are not), latest day first."""
    return StatementLineRecord.by_account.query(scope, StatementLineRecord.day_key < day, scan_index_forward=False)


def posted_rows(scope: str, first_day: str, last_day: str) -> Iterable[StatementLineRecord]:
    """Rows of one account posted from ``first_day`` to ``last_day`` (ISO days, both included)."""
    return StatementLineRecord.by_account.query(scope, StatementLineRecord.day_key.between(first_day, last_day))


def queued_rows(store_id: str, queue: str, *, reason: str | None, limit: int,
                after: dict | None) -> tuple[list[StatementLineRecord], dict | None]:
    """One page of a list CS works through, newest booking day first, and where the next page starts."""
    query = StatementLineRecord.queued.query(
        queue_key(store_id, queue), scan_index_forward=False, limit=limit, last_evaluated_key=after,
        filter_condition=(StatementLineRecord.review_reason == reason) if reason else None)
    records = list(query)
    return records, query.last_evaluated_key


def awaiting_sale(store_id: str, limit: int) -> list[OrderPaymentRecord]:
    """Payment records of orders paid through statements that are not a sale yet."""
    return list(OrderPaymentRecord.awaiting_sale.query(store_id, limit=limit))


def audit_trail(store_id: str, limit: int) -> Iterable[AuditRecord]:
    return AuditRecord.query(store_id, scan_index_forward=False, limit=limit)


# ---- writes: imports -----------------------------------------------------------------------------

def start_import(uow, statement: StatementRecord) -> None:
    """The first delivery of an object version starts its import (a second finds it started)."""
    uow.save(statement, condition=StatementRecord.statement_id.does_not_exist())


def take_over_import(uow, statement: StatementRecord, lease_until: int) -> None:
    """A stalled import is taken over by one worker: the lease read must still be the one in place."""
    uow.update(statement, actions=[StatementRecord.lease_until.set(lease_until), StatementRecord.attempts.add(1)],
               condition=(StatementRecord.status == PROCESSING) & (StatementRecord.lease_until == statement.lease_until))


def release_import(uow, statement: StatementRecord, error: str) -> None:
    """A crashed attempt hands the import to the next one now instead of when its lease runs out."""
    uow.update(statement, actions=[StatementRecord.lease_until.set(0), StatementRecord.last_error.set(error[:500])],
               condition=StatementRecord.status == PROCESSING)


def record_file_facts(uow, statement: StatementRecord, *, rows_total: int, problems: list[str], **facts) -> None:
    """What the file says about itself (bank, layout, account, account name, period; a ``None`` is
    left out), how many rows it has and the problems validation found."""
    actions = [getattr(StatementRecord, name).set(value) for name, value in facts.items() if value is not None]
    uow.update(statement, actions=actions + [StatementRecord.rows_total.set(rows_total),
                                             StatementRecord.problems.set(problems)])


def import_progress(uow, statement: StatementRecord, rows_done: int) -> None:
    uow.update(statement, actions=[StatementRecord.rows_done.set(rows_done)])


def _closed() -> list:
    """An import that ended: no lease, off the stalled index, no error of an earlier attempt."""
    return [StatementRecord.lease_until.set(0), StatementRecord.stalled_shard.remove(), StatementRecord.last_error.remove()]


def finish_import(uow, statement_id: str, status: str, *, now: int, rows: int, rows_new: int, review: int,
                  pending_settled: int) -> None:
    """PROCESSING -> IMPORTED / NEEDS_REVIEW with the counts taken from what is stored."""
    uow.update(StatementRecord(statement_id=statement_id), actions=[
        StatementRecord.status.set(status), StatementRecord.finished_at.set(now), StatementRecord.rows_done.set(rows),
        StatementRecord.rows_new.set(rows_new), StatementRecord.review.set(review),
        StatementRecord.pending_settled.set(pending_settled), *_closed()],
        condition=StatementRecord.status == PROCESSING)


def fail_import(uow, statement_id: str, error: dict, *, now: int) -> None:
    """PROCESSING -> FAILED with the reason for the person who uploaded the file."""
    uow.update(StatementRecord(statement_id=statement_id), actions=[
        StatementRecord.status.set(FAILED), StatementRecord.error.set(error), StatementRecord.finished_at.set(now),
        *_closed()], condition=StatementRecord.status == PROCESSING)


def count_auto_match(uow, statement_id: str, *, proposed: bool) -> None:
    """The import matched one more row (``proposed``: waiting for CS to confirm it)."""
    actions = [StatementRecord.auto_matched.add(1)] + ([StatementRecord.proposed.add(1)] if proposed else [])
    uow.update(StatementRecord(statement_id=statement_id), actions=actions)


def add_upload(uow, upload: UploadRecord) -> None:
    uow.save(upload)


def save_mapping(uow, mapping: MappingRecord) -> None:
    """A store's column mapping for one account, replacing the one saved before."""
    uow.save(mapping)


# ---- writes: statement rows ----------------------------------------------------------------------

def store_row(uow, row: StatementLineRecord) -> None:
    """A row is stored once per store, however many files (or retries) contain it."""
    uow.save(row, condition=StatementLineRecord.line_key.does_not_exist())


def _update_unmatched(uow, store_id: str, fingerprint: str, actions: list, condition=None) -> None:
    uow.update(StatementLineRecord(line_key=line_key(store_id, fingerprint)), actions=actions,
               condition=(StatementLineRecord.status == UNMATCHED) & (
                   condition if condition is not None else StatementLineRecord.line_key.exists()))


def supersede_pending(uow, store_id: str, fingerprint: str, posted_fingerprint: str) -> None:
    """A stored ``PEND`` row nobody matched is settled by its posted row: it leaves every list."""
    _update_unmatched(uow, store_id, fingerprint, [
        StatementLineRecord.status.set(SUPERSEDED), StatementLineRecord.superseded_by.set(posted_fingerprint),
        StatementLineRecord.queue.remove(), StatementLineRecord.queued_at.remove()])


def send_to_review(uow, row: StatementLineRecord, reason: str, *, if_on_no_list: bool = False,
                   if_waiting_for: str | None = None) -> None:
    """An unmatched row goes on the list for a person, with the reason it was not matched.

    ``if_on_no_list``: only while it is on no list yet; ``if_waiting_for``: only while that is its reason.
    """
    condition = (StatementLineRecord.queue.does_not_exist() if if_on_no_list
                 else StatementLineRecord.review_reason == if_waiting_for if if_waiting_for else None)
    _update_unmatched(uow, row.store_id, row.fingerprint, [
        StatementLineRecord.review_reason.set(reason),
        StatementLineRecord.queue.set(review_queue_key(row.store_id, reason)),
        StatementLineRecord.queued_at.set(queue_position(row.day_key, row.line_number, row.fingerprint))], condition)


def _matched(state: str, kind: str, actor: "Actor", allocations: list[dict], now: int) -> list:
    return [StatementLineRecord.status.set(state), StatementLineRecord.allocations.set(allocations),
            StatementLineRecord.match_kind.set(kind), StatementLineRecord.matched_by.set(actor.staff_id),
            StatementLineRecord.matched_at.set(now), StatementLineRecord.review_reason.remove()]


def propose_match(uow, row: StatementLineRecord, allocations: list[dict], now: int) -> None:
    """An auto-match waiting for CS: UNMATCHED -> PROPOSED, on the list of proposals."""
    uow.update(StatementLineRecord(line_key=row.line_key), actions=_matched(PROPOSED, AUTO, SYSTEM, allocations, now) + [
        StatementLineRecord.queue.set(queue_key(row.store_id, PROPOSED_QUEUE)),
        StatementLineRecord.queued_at.set(queue_position(row.day_key, row.line_number, row.fingerprint))],
        condition=StatementLineRecord.status == UNMATCHED)


def match_row(uow, row: StatementLineRecord, *, kind: str, actor: "Actor", allocations: list[dict], now: int,
              was: str = UNMATCHED) -> None:
    """The row pays these orders: ``was`` (UNMATCHED, or PROPOSED when CS confirms) -> MATCHED, off every
    list; an over-payment (allocations below the row's amount) waits on the refund list for its rest."""
    rest = int(row.amount) - sum(int(a["amount"]) for a in allocations) - int(row.refunded or 0)
    queue = [StatementLineRecord.queue.set(queue_key(row.store_id, REFUND_QUEUE)),
             StatementLineRecord.queued_at.set(queue_position(row.day_key, row.line_number, row.fingerprint))] if rest > 0 \
        else [StatementLineRecord.queue.remove(), StatementLineRecord.queued_at.remove()]
    uow.update(StatementLineRecord(line_key=row.line_key), actions=_matched(MATCHED, kind, actor, allocations, now) + queue,
               condition=StatementLineRecord.status == was)


def unmatch_row(uow, row: StatementLineRecord) -> None:
    """A match or proposal undone: back to UNMATCHED on the review list, from the status read. The
    orders it was matched to are remembered as rejected: no import proposes them for it again."""
    rejected = list(dict.fromkeys(list(row.rejected_orders or []) + [a["order_id"] for a in row.allocations or []]))
    uow.update(StatementLineRecord(line_key=row.line_key), actions=[
        StatementLineRecord.status.set(UNMATCHED), StatementLineRecord.allocations.set([]),
        StatementLineRecord.rejected_orders.set(rejected),
        StatementLineRecord.match_kind.remove(), StatementLineRecord.matched_by.remove(),
        StatementLineRecord.matched_at.remove(), StatementLineRecord.review_reason.set(ReviewReason.UNMATCHED.value),
        StatementLineRecord.queue.set(queue_key(row.store_id, REVIEW_QUEUE)),
        StatementLineRecord.queued_at.set(queue_position(row.day_key, row.line_number, row.fingerprint))],
        condition=StatementLineRecord.status == row.status)


def _refunded_is(amount: int):
    """The row's refunded total is still ``amount`` (rows stored before refunds existed have none)."""
    return number_is(StatementLineRecord.refunded, amount)


def _on_queue(row: StatementLineRecord, queue: str | None) -> list:
    if queue is None:
        return [StatementLineRecord.queue.remove(), StatementLineRecord.queued_at.remove()]
    return [StatementLineRecord.queue.set(queue_key(row.store_id, queue)),
            StatementLineRecord.queued_at.set(queue_position(row.day_key, row.line_number, row.fingerprint))]


def put_aside(uow, row: StatementLineRecord, aside: dict) -> None:
    """An unmatched credit (or debit) a person decided pays no order: UNMATCHED -> SET_ASIDE, with why."""
    uow.update(StatementLineRecord(line_key=row.line_key), actions=[
        StatementLineRecord.status.set(SET_ASIDE), StatementLineRecord.set_aside.set(aside),
        *_on_queue(row, ASIDE_QUEUE)], condition=(StatementLineRecord.status == UNMATCHED) & _refunded_is(
            int(row.refunded or 0)))


def take_back_from_aside(uow, row: StatementLineRecord) -> None:
    """A row set aside by mistake goes back to the review list, unmatched."""
    uow.update(StatementLineRecord(line_key=row.line_key), actions=[
        StatementLineRecord.status.set(UNMATCHED), StatementLineRecord.set_aside.remove(),
        StatementLineRecord.review_reason.set(ReviewReason.UNMATCHED.value),
        *_on_queue(row, REVIEW_QUEUE if row.direction == "CR" else DEBIT_QUEUE)],
        condition=StatementLineRecord.status == SET_ASIDE)


def refund_from_row(uow, row: StatementLineRecord, refund: dict) -> None:
    """Money of the row given back (``refund["amount"]`` within what is free, checked by the caller
    from the state read, which the condition holds): a row with nothing allocated and nothing left
    is REFUNDED; one that still pays orders stays MATCHED; what is left stays on its list."""
    refunded = int(row.refunded or 0) + int(refund["amount"])
    left = int(row.amount) - row.allocated() - refunded
    status = row.status
    if left == 0 and not row.allocations:
        status, queue = REFUNDED, GIVEN_BACK_QUEUE
    elif left == 0:
        queue = None  # the rest pays its orders
    else:
        queue = REVIEW_QUEUE if status == UNMATCHED else REFUND_QUEUE
    uow.update(StatementLineRecord(line_key=row.line_key), actions=[
        StatementLineRecord.status.set(status), StatementLineRecord.refunds.set(list(row.refunds or []) + [refund]),
        StatementLineRecord.refunded.set(refunded), *_on_queue(row, queue)],
        condition=(StatementLineRecord.status == row.status) & _refunded_is(int(row.refunded or 0)))


def free_for_refund(uow, row: StatementLineRecord, order_id: str) -> int:
    """The row's allocations to a cancelled order leave it; their money waits to be given back
    (TO_REFUND, or MATCHED with the rest still paying other orders), on the refund list. Returns
    how much was freed."""
    keep = [a for a in row.allocations if a["order_id"] != order_id]
    freed = row.allocated() - sum(int(a["amount"]) for a in keep)
    uow.update(StatementLineRecord(line_key=row.line_key), actions=[
        StatementLineRecord.status.set(MATCHED if keep else TO_REFUND), StatementLineRecord.allocations.set(keep),
        *_on_queue(row, REFUND_QUEUE)],
        condition=(StatementLineRecord.status == MATCHED) & _refunded_is(int(row.refunded or 0)))
    return freed


# ---- writes: what pays each order ----------------------------------------------------------------

@dataclass(frozen=True)
class Paid:
    """The rows made the order paid: its status before (an unmatch puts it back), when, and the
    store whose list of orders waiting to become a sale it joins (``None``: it joins none)."""

    status_before: str
    at: int
    awaiting_store: str | None


def _paid(paid: Paid) -> list:
    actions = [OrderPaymentRecord.payment_applied.set(True), OrderPaymentRecord.status_before.set(paid.status_before),
               OrderPaymentRecord.paid_at.set(paid.at)]
    if paid.awaiting_store:
        actions.append(OrderPaymentRecord.awaiting_store.set(paid.awaiting_store))
    return actions


def claim_order(uow, *, order_id: str, store_id: str, order_no: str, total: int, allocation: dict, confirmed: int,
                paid: Paid | None = None) -> None:
    """An auto-match takes an order nothing covers yet: no payment record, or one emptied by an
    unmatch. The version only ever grows, so a writer holding an older version never succeeds after."""
    uow.update(OrderPaymentRecord(order_id=order_id), actions=[
        OrderPaymentRecord.store_id.set(store_id), OrderPaymentRecord.order_no.set(order_no),
        OrderPaymentRecord.total.set(total), OrderPaymentRecord.allocated.set(allocation["amount"]),
        OrderPaymentRecord.confirmed.set(confirmed), OrderPaymentRecord.allocations.set([allocation]),
        OrderPaymentRecord.version.add(1), *(_paid(paid) if paid else [])],
        condition=OrderPaymentRecord.allocated.does_not_exist() | (OrderPaymentRecord.allocated == 0))


def confirm_allocation(uow, payment: OrderPaymentRecord, fingerprint: str, amount: int, *,
                       paid: Paid | None = None) -> None:
    """CS confirms the row's proposed allocation (``paid``: the order is covered and paid now)."""
    allocations = [dict(a, state=CONFIRMED) if a["fingerprint"] == fingerprint else a for a in payment.allocations]
    uow.update(payment, actions=[
        OrderPaymentRecord.allocations.set(allocations), OrderPaymentRecord.confirmed.set(int(payment.confirmed) + amount),
        OrderPaymentRecord.version.set(int(payment.version) + 1), *(_paid(paid) if paid else [])],
        condition=OrderPaymentRecord.version == payment.version)


def add_allocations(uow, payment: OrderPaymentRecord | None, *, order_id: str, store_id: str, order_no: str,
                    total: int, allocations: list[dict], short: int = 0) -> int:
    """Confirmed allocations of hand-matched rows added to an order (``short``: rupiah short of its
    total a person accepts as paid); returns the record's new version."""
    added = sum(a["amount"] for a in allocations)
    if payment is None:
        uow.save(OrderPaymentRecord(order_id=order_id, store_id=store_id, order_no=order_no, total=total,
                                    allocated=added, confirmed=added, allocations=allocations, version=1,
                                    short_accepted=short),
                 condition=OrderPaymentRecord.order_id.does_not_exist())
        return 1
    version = int(payment.version) + 1
    uow.update(payment, actions=[OrderPaymentRecord.allocations.set(list(payment.allocations) + allocations),
                                 OrderPaymentRecord.allocated.set(int(payment.allocated) + added),
                                 OrderPaymentRecord.confirmed.set(int(payment.confirmed) + added),
                                 OrderPaymentRecord.short_accepted.set(short),
                                 OrderPaymentRecord.version.set(version)],
               condition=OrderPaymentRecord.version == payment.version)
    return version


def mark_order_paid(uow, payment: OrderPaymentRecord, paid: Paid) -> None:
    """The order that hand-matched rows cover has moved to paid: remembered once, at this version."""
    uow.update(payment, actions=_paid(paid) + [OrderPaymentRecord.version.set(int(payment.version) + 1)],
               condition=OrderPaymentRecord.version == payment.version)


def remove_allocations(uow, payment: OrderPaymentRecord, fingerprint: str) -> None:
    """The row's part of the order is taken back; an order it had made paid is no longer paid by it."""
    mine = [a for a in payment.allocations if a["fingerprint"] == fingerprint]
    actions = [OrderPaymentRecord.allocations.set([a for a in payment.allocations if a not in mine]),
               OrderPaymentRecord.allocated.set(int(payment.allocated) - sum(a["amount"] for a in mine)),
               OrderPaymentRecord.confirmed.set(int(payment.confirmed) - sum(
                   a["amount"] for a in mine if a["state"] == CONFIRMED)),
               OrderPaymentRecord.version.set(int(payment.version) + 1)]
    if payment.payment_applied:
        actions += [OrderPaymentRecord.payment_applied.set(False), OrderPaymentRecord.awaiting_store.remove(),
                    OrderPaymentRecord.paid_at.remove(), OrderPaymentRecord.status_before.remove()]
    if mine and int(payment.short_accepted or 0):
        actions.append(OrderPaymentRecord.short_accepted.set(0))  # accepted for those rows: taken back with them
    uow.update(payment, actions=actions, condition=OrderPaymentRecord.version == payment.version)


def payment_given_back(uow, payment: OrderPaymentRecord) -> None:
    """A cancelled order's confirmed transfers leave it (they wait on the refund list now)."""
    uow.update(payment, actions=[OrderPaymentRecord.allocations.set([]), OrderPaymentRecord.allocated.set(0),
                                 OrderPaymentRecord.confirmed.set(0), OrderPaymentRecord.short_accepted.set(0),
                                 OrderPaymentRecord.version.set(int(payment.version) + 1)],
               condition=OrderPaymentRecord.version == payment.version)


def sale_made(uow, payment: OrderPaymentRecord) -> None:
    """The paid order became a sale: off the list of orders waiting for one."""
    uow.update(payment, actions=[OrderPaymentRecord.awaiting_store.remove()])


# ---- the audit trail -----------------------------------------------------------------------------

@dataclass(frozen=True)
class Actor:
    """Who acts: a staff member, or the importer."""

    staff_id: str
    name: str | None = None


SYSTEM = Actor("system", "Sistem (impor mutasi)")


def line_ref(row: StatementLineRecord) -> dict:
    """Which file and line, for the audit trail."""
    return {"fingerprint": row.fingerprint, "line_number": int(row.line_number), "amount": int(row.amount),
            "statement_id": row.statement_id, "object_key": row.object_key}


def audit(uow, store_id: str, action: str, actor: Actor, *, statement: StatementRecord | None = None,
          lines: Iterable[StatementLineRecord] = (), orders: Iterable[dict] = (), detail: dict | None = None) -> None:
    """Append an entry to the audit trail in the caller's unit of work (never updated afterwards)."""
    uow.save(AuditRecord(store_id=store_id, audit_id=new_id(), at=get_clock().now_s(), action=action,
                         actor=actor.staff_id, actor_name=actor.name,
                         statement_id=statement.statement_id if statement else None,
                         object_key=statement.object_key if statement else None,
                         lines=[line_ref(r) for r in lines], orders=list(orders), detail=detail or {}),
             condition=AuditRecord.audit_id.does_not_exist())
