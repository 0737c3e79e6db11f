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
"""
from __future__ import annotations

from typing import Iterable

from pynamodb.attributes import BooleanAttribute, ListAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex

from ..core.db import JSONAttribute, Table, find, table_meta
from ..core.errors import NotFound
from .statement import StatementLine

# Statement states. PROCESSING is leased: a crashed attempt's lease runs out and a retry resumes it.
PROCESSING, IMPORTED, NEEDS_REVIEW, FAILED = "PROCESSING", "IMPORTED", "NEEDS_REVIEW", "FAILED"
# Row states. A row is claimed (PROPOSED or MATCHED) only from UNMATCHED, by a condition.
UNMATCHED, PROPOSED, MATCHED, SUPERSEDED = "UNMATCHED", "PROPOSED", "MATCHED", "SUPERSEDED"
# Sparse queues on the rows' ``queue`` index: what CS still has to look at. Debits (money going out)
# are kept apart so a month of fees and purchases never buries the credits waiting for a decision.
REVIEW_QUEUE, DEBIT_QUEUE, PROPOSED_QUEUE = "REVIEW", "DEBIT", "PROPOSED"


def queue_key(store_id: str, queue: str) -> str:
    return f"{store_id}#{queue}"


def review_queue_key(store_id: str, reason: str) -> str:
    """The list a row left for a person goes on, by its :class:`~.matching.ReviewReason` value."""
    return queue_key(store_id, DEBIT_QUEUE if reason == "debit" else REVIEW_QUEUE)


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
    by_account = LinesByAccount()
    queued = LinesByQueue()

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


def get_line(store_id: str, fingerprint: str) -> StatementLineRecord | None:
    return find(StatementLineRecord, line_key(store_id, fingerprint), consistent_read=True)


def own_line(store_id: str, fingerprint: str) -> StatementLineRecord:
    rec = get_line(store_id, fingerprint)
    if rec is None:
        raise NotFound("Baris mutasi tidak ditemukan.", code="line_not_found")
    return rec


# What the importer needs to know about rows it finds stored: who stored them and where they stand.
ROW_STATE = ("line_key", "store_id", "fingerprint", "statement_id", "status", "queue", "review_reason", "day_key",
             "line_number")


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
