"""Reconciliation use cases for CS: uploading statements, following imports, the review list,
confirming, hand-matching and unmatching payments, turning paid book orders into sales, and the
column mappings for other banks' CSV files. Routes call these; claims on rows and orders go through
:mod:`.claims`, and every write is a unit of work (:mod:`chalicelib.core.uow`) of :mod:`.repo` functions.

Confirmations and hand-matches that one person could forge need an admin's PIN (:mod:`.approval`):
checked here with the sign-in's own PIN check and lockout; every approval asked for, refused or
given is in the audit trail.
"""
from __future__ import annotations

import re
from collections import defaultdict

from ..book_orders.model import BOOK_ORDER
from ..core import outbox
from ..core import uow as units
from ..core.clock import check_day, format_wib, get_clock, local_day
from ..core.errors import Conflict, Forbidden, Locked, NotFound, SambungError, ValidationError
from ..core.ids import new_id
from ..core.money import format_rupiah
from ..core.paging import decode_cursor, encode_cursor
from ..core.storage import presigned_post
from ..core.web import ADMIN, Caller
from ..sales import service as sales
from ..staff import service as staff
from . import approval as approvals
from . import claims, repo
from .approval import ApprovalReason, Approved, Gate
from .importer import MAX_BYTES, PREFIX
from .matching import MatchCandidate, OrderStatus, ReviewReason, match_lines
from .parsers import ColumnMapping
from .repo import (ASIDE_QUEUE, AUTO, DEBIT_QUEUE, FAILED, GIVEN_BACK_QUEUE, IMPORTED, MATCHED, NEEDS_REVIEW,
                   PROCESSING, PROPOSED, PROPOSED_QUEUE, REFUND_QUEUE, REFUNDED, REVIEW_QUEUE, SET_ASIDE, SUPERSEDED,
                   TO_REFUND, UNMATCHED, Actor, MappingRecord, OrderPaymentRecord, StatementLineRecord,
                   StatementRecord, UploadRecord, get_order_payment, is_discontinuous, line_key, lines_by_key, mappings,
                   order_payments, own_line, own_statement)
from .statement import normalize_account

UPLOAD_EXPIRES_S = 15 * 60
UPLOAD_KEPT_S = 7 * 86400
MAX_ALLOCATIONS = 20  # one hand-match is one transaction (100 items at most)

STATUS_LABELS = {PROCESSING: "Sedang diproses", IMPORTED: "Selesai diimpor", NEEDS_REVIEW: "Perlu diperiksa",
                 FAILED: "Gagal"}
LINE_STATUS_LABELS = {UNMATCHED: "Belum cocok", PROPOSED: "Usulan cocok", MATCHED: "Cocok",
                      SUPERSEDED: "Diganti baris yang sudah dibukukan", SET_ASIDE: "Disisihkan",
                      REFUNDED: "Dikembalikan", TO_REFUND: "Perlu dikembalikan"}
# Why a person set a row aside (no order to pay): the codes the UI offers.
ASIDE_REASONS = {"bukan_penjualan": "Bukan penjualan (setoran, pinjaman, transfer antar rekening)",
                 "duplikat": "Duplikat (baris yang sama di mutasi lain)", "biaya_bank": "Biaya/bunga bank",
                 "lainnya": "Lainnya"}
MAX_NOTE = 200
REASON_LABELS = {
    ReviewReason.STATEMENT_NEEDS_REVIEW: "Berkas mutasi tidak lolos pemeriksaan saldo/total",
    ReviewReason.DEBIT: "Debet (uang keluar)",
    ReviewReason.PENDING: "PEND: belum dibukukan bank",
    ReviewReason.FRACTIONAL_AMOUNT: "Nominal bersen (bunga/pajak)",
    ReviewReason.SEVERAL_CANDIDATES: "Lebih dari satu pesanan bisa cocok",
    ReviewReason.SEVERAL_CREDITS: "Beberapa kredit untuk satu pesanan",
    ReviewReason.LATE_PAYMENT: "Dibayar setelah batas waktu, atau pesanan sudah kedaluwarsa/batal",
    ReviewReason.BEFORE_BOOKING: "Kredit masuk sebelum pesanan dibuat",
    ReviewReason.ALREADY_PAID: "Pesanan dengan nominal ini sudah dibayar",
    ReviewReason.AMOUNT_WITHOUT_CODE: "Nominal tanpa kode unik",
    ReviewReason.PARTIAL_PAYMENT: "Kurang bayar",
    ReviewReason.OVER_PAYMENT: "Lebih bayar",
    ReviewReason.NO_CANDIDATE: "Tidak ada pesanan yang cocok",
    ReviewReason.UNMATCHED: "Pencocokan dilepas CS",
}
APPROVAL_LABELS = {
    ApprovalReason.OWN_UPLOAD: "Berkas mutasi ini diunggah oleh orang yang mengonfirmasi",
    ApprovalReason.HAND_MATCH: "Cocokkan manual",
    ApprovalReason.BALANCE_DISCONTINUITY: "Saldo awal berkas tidak menyambung dengan saldo yang tersimpan",
}
CANDIDATE_LABELS = {OrderStatus.OPEN: "Menunggu transfer", OrderStatus.EXPIRED: "Kedaluwarsa",
                    OrderStatus.CANCELLED: "Dibatalkan", OrderStatus.PAID: "Sudah dibayar"}
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def actor(caller: Caller) -> Actor:
    return Actor(caller.staff_id or caller.device_id, caller.staff_name)


def _settings(store_id: str):
    return staff.store_settings(store_id)


def _threshold(store_id: str) -> int:
    """The store's two-person threshold (store setting ``two_person_above``)."""
    return staff.store_settings(store_id).two_person_above


def _bank_account(settings, account_no: str) -> dict | None:
    wanted = normalize_account(account_no)
    for entry in settings.bank_accounts:
        if isinstance(entry, dict) and normalize_account(entry.get("account_no", "")) == wanted:
            return entry
    return None


def _require_account(settings, account_no: str) -> dict:
    entry = _bank_account(settings, account_no)
    if entry is None:
        raise ValidationError("Rekening tidak terdaftar di toko ini.", code="unknown_bank_account")
    return entry


# ---- uploads and imports -------------------------------------------------------------------------

def safe_filename(filename: str) -> str:
    """A key-safe version of the file's name (the import reads content, the name is for people)."""
    name = _UNSAFE.sub("_", filename.strip().rsplit("/", 1)[-1].rsplit("\\", 1)[-1]).strip("._")
    return name[-80:] or "mutasi.csv"


def create_upload(caller: Caller, filename: str, account_no: str | None) -> dict:
    """A presigned POST for one statement file: the PWA sends the file straight to S3 and the S3
    notification starts the import. ``account_no`` picks the account (and its saved column mapping)."""
    account = None
    if account_no:
        account = normalize_account(_require_account(_settings(caller.store_id), account_no)["account_no"])
    now = get_clock().now_s()
    key = f"{PREFIX}{caller.store_id}/{new_id()}-{safe_filename(filename)}"
    upload = UploadRecord(object_key=key, store_id=caller.store_id, filename=filename.strip()[:200],
                          uploaded_by=caller.staff_id or caller.device_id, uploaded_by_name=caller.staff_name,
                          account_no=account, created_at=now, purge_at=now + UPLOAD_KEPT_S)
    units.commit(lambda uow: repo.add_upload(uow, upload))
    post = presigned_post(key, max_bytes=MAX_BYTES, expires_in=UPLOAD_EXPIRES_S)
    return {"key": key, "upload": {"url": post["url"], "fields": post["fields"]}, "max_bytes": MAX_BYTES,
            "expires_in": UPLOAD_EXPIRES_S}


def statement_view(rec: StatementRecord, tz: str) -> dict:
    total, done = int(rec.rows_total), int(rec.rows_done)
    finished = rec.status != PROCESSING
    return {
        "statement_id": rec.statement_id, "object_key": rec.object_key, "filename": rec.filename,
        "status": rec.status, "status_label": STATUS_LABELS.get(rec.status, rec.status),
        "uploaded_by": rec.uploaded_by, "uploaded_by_name": rec.uploaded_by_name,
        "created_at": int(rec.created_at), "created_label": format_wib(int(rec.created_at), tz),
        "finished_at": rec.finished_at, "bank": rec.bank, "layout": rec.layout, "account": rec.account,
        "account_name": rec.account_name, "period": [rec.period_start, rec.period_end] if rec.period_start else None,
        "progress": {"done": done, "total": total,
                     "percent": 100 if finished else (int(done * 100 / total) if total else 0)},
        "counts": {"rows": total, "new": int(rec.rows_new), "duplicates": max(0, total - int(rec.rows_new)) if finished else None,
                   "auto_matched": int(rec.auto_matched), "proposed": int(rec.proposed), "review": int(rec.review),
                   "pending_settled": int(rec.pending_settled)},
        "problems": list(rec.problems or []), "error": rec.error,
        "retrying": bool(rec.last_error) and not finished,
        "balance_check": rec.balance_check,
        "balance_discontinuity": rec.balance_check.get("message") if is_discontinuous(rec) else None,
    }


def list_statements(caller: Caller, limit: int = 30) -> list[dict]:
    tz = _settings(caller.store_id).timezone
    return [statement_view(rec, tz) for rec in repo.recent_statements(caller.store_id, limit)]


def get_statement(caller: Caller, statement_id: str) -> dict:
    return statement_view(own_statement(caller.store_id, statement_id), _settings(caller.store_id).timezone)


# ---- rows and the review list --------------------------------------------------------------------

def file_label(object_key: str) -> str:
    """The uploaded file's own name from its key (``<ulid>-<name>``)."""
    name = object_key.rsplit("/", 1)[-1]
    return name[27:] if len(name) > 27 and name[26] == "-" else name


def approval_view(gate: Gate | None) -> dict | None:
    """What confirming needs (None: nothing), for the PIN dialog."""
    if gate is None or not gate.required:
        return None
    return {**gate.details(), "labels": [APPROVAL_LABELS[r] for r in gate.reasons]}


def line_view(rec: StatementLineRecord, suggestions: list[dict] | None = None, statement: StatementRecord | None = None,
              confirm_gate: Gate | None = None) -> dict:
    """A row as CS sees it; ``statement``: the file that stored it (who uploaded it, whether its
    balance continued), ``confirm_gate``: what confirming this proposal needs from the caller."""
    reason = rec.review_reason
    return {
        "line_id": rec.fingerprint, "statement_id": rec.statement_id, "file": file_label(rec.object_key),
        "object_key": rec.object_key, "line_number": int(rec.line_number), "raw_line": rec.raw_line,
        "bank": rec.bank, "account": rec.account, "posted_date": rec.posted_date, "posted_time": rec.posted_time,
        "pending": bool(rec.pending), "date_hint": rec.date_hint, "direction": rec.direction,
        "amount": int(rec.amount), "amount_sen": int(rec.amount_sen or 0), "amount_label": format_rupiah(int(rec.amount)),
        "description": rec.description, "payer_name": rec.payer_name, "status": rec.status,
        "status_label": LINE_STATUS_LABELS.get(rec.status, rec.status), "review_reason": reason,
        "review_label": REASON_LABELS.get(ReviewReason(reason)) if reason else None,
        "allocations": list(rec.allocations or []), "match_kind": rec.match_kind, "matched_by": rec.matched_by,
        "matched_at": rec.matched_at, "superseded_by": rec.superseded_by,
        "refunds": list(rec.refunds or []), "refunded": int(rec.refunded or 0), "free": rec.free(),
        "free_label": format_rupiah(rec.free()),
        "set_aside": dict(rec.set_aside, reason_label=ASIDE_REASONS.get(rec.set_aside.get("reason"), "")) if rec.set_aside else None,
        "rejected_orders": list(rec.rejected_orders or []),
        "suggestions": suggestions if suggestions is not None else [],
        "uploaded_by": statement.uploaded_by if statement else None,
        "uploaded_by_name": statement.uploaded_by_name if statement else None,
        "balance_discontinuity": statement.balance_check.get("message") if is_discontinuous(statement) else None,
        "balance_check": statement.balance_check if is_discontinuous(statement) else None,
        "approval": approval_view(confirm_gate),
    }


def _confirm_gate(caller: Caller, rec: StatementLineRecord, statement: StatementRecord | None, threshold: int) -> Gate:
    return approvals.confirm_gate(int(rec.amount), threshold, confirmer=actor(caller).staff_id,
                                  uploader=statement.uploaded_by if statement else None,
                                  discontinuous=is_discontinuous(statement))


def line_views(caller: Caller, records: list[StatementLineRecord],
               suggestions: dict[str, list[dict]] | None = None) -> list[dict]:
    """Rows with their files (one BatchGetItem) and, for proposals, what confirming needs."""
    statements = repo.statements_by_id(r.statement_id for r in records)
    threshold = _threshold(caller.store_id) if any(r.status == PROPOSED for r in records) else 0
    views = []
    for rec in records:
        statement = statements.get(rec.statement_id)
        gate = _confirm_gate(caller, rec, statement, threshold) if rec.status == PROPOSED else None
        views.append(line_view(rec, (suggestions or {}).get(rec.fingerprint, []), statement, gate))
    return views


def _suggestion_view(s) -> dict:
    return {"order_id": s.order_id, "order_no": s.order_no, "status": s.status.value,
            "status_label": CANDIDATE_LABELS[s.status], "amount_due": s.amount_due,
            "amount_label": format_rupiah(s.amount_due), "score": s.score, "signals": list(s.signals)}


def suggestions_for(store_id: str, merchant_id: str, records: list[StatementLineRecord]) -> dict[str, list[dict]]:
    """Ranked suggestions from the orders as they are now (not as they were at import), per row.

    The matcher is asked as if the file needed review, so every credit gets suggestions and nothing
    is decided here. One candidate query per receiving account.
    """
    settings = _settings(store_id)
    by_account: dict[str, list[StatementLineRecord]] = defaultdict(list)
    for rec in records:
        if rec.direction == "CR":
            by_account[rec.account].append(rec)
    out: dict[str, list[dict]] = {}
    for account, recs in by_account.items():
        entry = _bank_account(settings, account)
        candidates: list[MatchCandidate] = (claims.order_candidates(merchant_id, store_id, entry, account)
                                            if entry else [])
        plan = match_lines([r.to_line() for r in recs], candidates, statement_needs_review=True, tz=settings.timezone)
        rejected = {r.fingerprint: set(r.rejected_orders or []) for r in recs}
        for item in plan.review:
            # An order a person unmatched from this row stays findable for a hand-match (a mistake
            # can be undone), marked and listed last: never offered as if nobody had looked.
            no = rejected.get(item.line.fingerprint, set())
            views = [dict(_suggestion_view(s), rejected=s.order_id in no) for s in item.suggestions]
            out[item.line.fingerprint] = sorted(views, key=lambda v: v["rejected"])
    return out


_QUEUES = {"review": REVIEW_QUEUE, "debit": DEBIT_QUEUE, "proposed": PROPOSED_QUEUE, "refund": REFUND_QUEUE,
           "aside": ASIDE_QUEUE, "refunded": GIVEN_BACK_QUEUE}


def review_list(caller: Caller, queue: str = "review", reason: str | None = None, limit: int = 100,
                cursor: str | None = None) -> dict:
    """Rows waiting for CS, newest booking day first: ``review`` (credits, with reasons and ranked
    suggestions), ``debit`` (money going out), ``proposed`` matches, ``refund`` (money to give back);
    and the rows a person closed: ``aside`` (set aside) and ``refunded``. ``next`` continues the list."""
    if queue not in _QUEUES:
        raise ValidationError("Parameter queue harus review, debit, proposed, refund, aside atau refunded.",
                              code="invalid_query")
    if reason is not None and reason not in {r.value for r in ReviewReason}:
        raise ValidationError("Alasan tidak dikenal.", code="invalid_query")
    records, last_key = repo.queued_rows(caller.store_id, _QUEUES[queue], reason=reason, limit=limit,
                                         after=decode_cursor(cursor, param="next", code="invalid_query"))
    suggestions = suggestions_for(caller.store_id, caller.merchant_id, records) if queue == "review" else {}
    lines = line_views(caller, records, suggestions)
    if queue in ("proposed", "refund"):
        _attach_orders(lines)
    return {"queue": queue, "lines": lines, "next": encode_cursor(last_key),
            "reasons": {r.value: label for r, label in REASON_LABELS.items()},
            "short_payment_tolerance": _settings(caller.store_id).short_payment_tolerance}


def _attach_orders(lines: list[dict]) -> None:
    """Show each allocation's order as it is now (status, total), for confirming or unmatching."""
    ids = {a["order_id"] for line in lines for a in line["allocations"]}
    orders = {o.order_id: o for o in sales.orders_by_id(list(ids))}
    for line in lines:
        for a in line["allocations"]:
            order = orders.get(a["order_id"])
            if order is not None:
                a.update(status=order.status, status_label=sales.status_label(order.status),
                         total=int(order.total), customer_name=(order.customer or {}).get("name", ""))


def get_line(caller: Caller, line_id: str) -> dict:
    rec = own_line(caller.store_id, line_id)
    suggestions = suggestions_for(caller.store_id, caller.merchant_id, [rec]) if rec.status == UNMATCHED else {}
    (view,) = line_views(caller, [rec], suggestions)
    _attach_orders([view])
    return view


# ---- CS actions ---------------------------------------------------------------------------------

def confirm(caller: Caller, line_id: str, approval: dict | None = None) -> dict:
    """CS confirms a proposed match: the order is PAID now (PAID_LATE if it expired meanwhile).

    The person who uploaded the file confirming above the store's threshold, or a file that broke
    its account's balance chain, needs ``approval`` (``{"staff_id", "pin"}``) of an admin."""
    rec = own_line(caller.store_id, line_id)
    if not (rec.status == MATCHED and rec.match_kind == AUTO) and rec.status != PROPOSED:
        raise Conflict(f"Baris {rec.line_number} bukan usulan yang menunggu konfirmasi "
                       f"({LINE_STATUS_LABELS.get(rec.status, rec.status)}).", code="not_proposed")
    if rec.status == PROPOSED:
        gate = _confirm_gate(caller, rec, repo.get_statement(rec.statement_id), _threshold(caller.store_id))
        orders = [{k: a[k] for k in ("order_id", "order_no", "amount")} for a in rec.allocations]
        approved = _approved(caller, gate, approval, "confirm", lines=[rec], orders=orders)
        claims.confirm(rec, actor(caller), approved)
    return get_line(caller, line_id)


# ---- approvals ----------------------------------------------------------------------------------

def _approval_message(gate: Gate) -> str:
    limit = format_rupiah(gate.threshold)
    parts = []
    if ApprovalReason.OWN_UPLOAD in gate.reasons:
        parts.append(f"Berkas mutasi ini Anda unggah sendiri dan nominalnya di atas {limit}")
    if ApprovalReason.HAND_MATCH in gate.reasons:
        parts.append(f"Cocokkan manual di atas {limit}")
    if ApprovalReason.BALANCE_DISCONTINUITY in gate.reasons:
        parts.append("Saldo awal berkas mutasi ini tidak menyambung dengan saldo yang tersimpan")
    who = "admin lain" if gate.excluded else "admin"
    return "; ".join(parts) + f": perlu PIN {who} untuk menyetujui."


def _approved(caller: Caller, gate: Gate, approval: dict | None, action: str, *, lines: list[StatementLineRecord],
              orders: list[dict]) -> Approved | None:
    """The admin's PIN the action needs, checked like a sign-in on the caller's device (same lockout).

    Nothing needed: None. Missing: 403 ``approval_required``; the uploader approving their own file:
    403 ``second_admin_required``; not an admin: 403 ``approver_not_admin``; a wrong PIN: 403
    ``wrong_pin`` (not 401: the caller's own session is fine and must not end). Each refusal is
    audited and changes nothing else.
    """
    if not gate.required:
        return None
    me = actor(caller)
    asked = {"action": action, **gate.details()}

    def refuse(error: Forbidden | Locked, why: str, approver: str | None = None):
        detail = dict(asked, refusal=why, approver=approver) if approver else dict(asked, refusal=why)
        entry = "approval_required" if why == "missing" else "approval_refused"
        units.commit(lambda uow: repo.audit(uow, caller.store_id, entry, me, lines=lines, orders=orders, detail=detail))
        return error

    if not approval:
        raise refuse(Forbidden(_approval_message(gate), code="approval_required",
                               details={**gate.details(), "labels": [APPROVAL_LABELS[r] for r in gate.reasons]}),
                     "missing")
    approver_id = approval["staff_id"]
    if not gate.may_approve(approver_id):
        raise refuse(Forbidden("Berkas ini Anda unggah sendiri: persetujuan harus dari admin lain.",
                               code="second_admin_required"), "same_person", approver_id)
    try:
        admin = staff.verify_pin(caller.store_id, approver_id, approval["pin"], roles=(ADMIN,), device_id=caller.device_id)
    except Forbidden:
        raise refuse(Forbidden("Persetujuan hanya dengan PIN admin toko ini.", code="approver_not_admin"),
                     "not_admin", approver_id) from None
    except Locked as exc:
        raise refuse(exc, "locked", approver_id) from None
    if admin is None:
        raise refuse(Forbidden("PIN admin salah.", code="wrong_pin"), "wrong_pin", approver_id)
    return Approved(admin.staff_id, admin.name, gate)


def unmatch(caller: Caller, line_id: str) -> dict:
    """Undo a match or reject a proposal: the row goes back to review, its orders back to unpaid."""
    rec = own_line(caller.store_id, line_id)
    if rec.status == UNMATCHED:
        return get_line(caller, line_id)  # a repeated tap: already done
    if rec.status not in (PROPOSED, MATCHED):
        raise Conflict(f"Baris {rec.line_number} tidak sedang dicocokkan.", code="not_matched")
    claims.unmatch(rec, actor(caller))
    return get_line(caller, line_id)


def hand_match(caller: Caller, allocations: list[dict], approval: dict | None = None, *, accept_short: bool = False,
               rest_to_refund: bool = False) -> dict:
    """Match credits to book orders by hand with explicit amounts (one credit to several orders,
    several credits to one order). Every credit must be used up exactly (``rest_to_refund``: what an
    over-payment leaves goes to the refund list instead); no order may receive more than it still
    owes. An order whose allocations reach its total becomes PAID; with ``accept_short``, one left
    short by no more than the store's ``short_payment_tolerance`` too, the difference recorded.
    Above the store's threshold (credits, or the biggest order paid into), or with rows of a file
    that broke its account's balance chain, ``approval`` (``{"staff_id", "pin"}``) of an admin is needed."""
    if not allocations:
        raise ValidationError("Pilih minimal satu alokasi.", code="missing_field")
    if len(allocations) > MAX_ALLOCATIONS:
        raise ValidationError(f"Maksimal {MAX_ALLOCATIONS} alokasi sekali cocok.", code="too_many_allocations")
    pairs = [(a["line_id"], a["order_id"]) for a in allocations]
    if len(set(pairs)) != len(pairs):
        raise ValidationError("Satu baris ke satu pesanan cukup satu alokasi.", code="duplicate_allocation")
    found = lines_by_key(line_key(caller.store_id, a["line_id"]) for a in allocations)
    rows: dict[str, StatementLineRecord] = {}
    for line_id, _ in pairs:
        rec = found.get(line_key(caller.store_id, line_id))
        if rec is None:
            raise NotFound("Baris mutasi tidak ditemukan.", code="line_not_found")
        rows[line_id] = _matchable_row(rec)
    orders = {oid: _payable_order(caller, oid) for _, oid in pairs}
    payments = order_payments(list(orders))
    _check_amounts(rows, orders, payments, allocations, rest_to_refund=rest_to_refund)
    short = _accepted_short(caller, orders, payments, allocations) if accept_short else {}
    statements = repo.statements_by_id(r.statement_id for r in rows.values())
    at_stake = max(sum(a["amount"] for a in allocations), max(int(o.total) for o in orders.values()))
    gate = approvals.hand_match_gate(at_stake, _threshold(caller.store_id), confirmer=actor(caller).staff_id,
                                     uploaders=[s.uploaded_by for s in statements.values()],
                                     discontinuous=any(is_discontinuous(s) for s in statements.values()))
    per_order: dict[str, int] = defaultdict(int)
    for a in allocations:
        per_order[a["order_id"]] += a["amount"]
    approved = _approved(caller, gate, approval, "hand_match", lines=list(rows.values()),
                         orders=[claims.order_ref(orders[o], amount) for o, amount in per_order.items()])
    paid = claims.hand_match(caller.store_id, rows, orders, payments, allocations, actor(caller), approved, short=short)
    return {"lines": [get_line(caller, fp) for fp in rows], "orders": [order_payment_view(o) for o in orders],
            "paid_orders": paid}


def _matchable_row(rec: StatementLineRecord) -> StatementLineRecord:
    where = f"Baris {rec.line_number} ({file_label(rec.object_key)})"
    if rec.status != UNMATCHED:
        raise Conflict(f"{where} sudah {LINE_STATUS_LABELS.get(rec.status, rec.status).lower()}; lepas dulu bila "
                       "ingin mencocokkan ulang.", code="line_already_matched")
    if rec.direction != "CR":
        raise ValidationError(f"{where} adalah debet; hanya kredit yang bisa dicocokkan.", code="line_not_credit")
    if rec.pending:
        raise Conflict(f"{where} masih PEND (belum dibukukan bank). Cocokkan setelah mutasi berikutnya memuatnya.",
                       code="line_pending")
    if rec.amount_sen:
        raise ValidationError(f"{where} bernominal sen (bunga/pajak), bukan pembayaran pesanan.",
                              code="line_fractional")
    return rec


def _payable_order(caller: Caller, order_id: str):
    order = sales.own_order(caller.store_id, order_id)
    if order.kind != BOOK_ORDER:
        raise Conflict(f"Pesanan {order.order_no} bukan book order.", code="invalid_transition")
    if order.status not in (sales.BOOKED, sales.EXPIRED, sales.CANCELLED):
        raise Conflict(f"Pesanan {order.order_no} berstatus {sales.status_label(order.status)}; "
                       "tidak bisa menerima pembayaran transfer.", code="order_not_payable",
                       details={"order_id": order_id, "status": order.status})
    return order


def _accepted_short(caller: Caller, orders: dict, payments: dict[str, OrderPaymentRecord],
                    allocations: list[dict]) -> dict[str, int]:
    """Per order, what it is left short of its total by this match, when the person accepts it as
    paid: never more than the store's tolerance, and only for an order this match leaves short."""
    tolerance = _settings(caller.store_id).short_payment_tolerance
    per_order: dict[str, int] = defaultdict(int)
    for a in allocations:
        per_order[a["order_id"]] += a["amount"]
    short = {}
    for order_id, added in per_order.items():
        order, payment = orders[order_id], payments.get(order_id)
        left = int(order.total) - (int(payment.allocated) if payment else 0) - added
        if left <= 0:
            continue
        if left > tolerance:
            raise ValidationError(
                f"Pesanan {order.order_no} masih kurang {format_rupiah(left)}, di atas toleransi kurang bayar toko "
                f"({format_rupiah(tolerance)}).", code="short_above_tolerance",
                details={"order_id": order_id, "short": left, "tolerance": tolerance})
        short[order_id] = left
    if not short:
        raise ValidationError("Tidak ada pesanan yang kurang bayar dalam pencocokan ini.", code="nothing_short")
    return short


def _check_amounts(rows: dict[str, StatementLineRecord], orders: dict,
                   payments: dict[str, OrderPaymentRecord], allocations: list[dict], *,
                   rest_to_refund: bool = False) -> None:
    per_row: dict[str, int] = defaultdict(int)
    per_order: dict[str, int] = defaultdict(int)
    for a in allocations:
        per_row[a["line_id"]] += a["amount"]
        per_order[a["order_id"]] += a["amount"]
    for line_id, total in per_row.items():
        rec = rows[line_id]
        amount = int(rec.amount)
        if rest_to_refund and total < amount:
            continue  # an over-payment: the rest waits on the refund list
        if total != amount:
            diff = f"kurang {format_rupiah(amount - total)}" if total < amount else f"lebih {format_rupiah(total - amount)}"
            raise ValidationError(
                f"Kredit baris {rec.line_number} sebesar {format_rupiah(amount)} harus habis dialokasikan tepat: "
                f"teralokasi {format_rupiah(total)} ({diff}).", code="allocation_mismatch",
                details={"line_id": line_id, "amount": amount, "allocated": total})
    for order_id, added in per_order.items():
        order, payment = orders[order_id], payments.get(order_id)
        remaining = int(order.total) - (int(payment.allocated) if payment else 0)
        if added > remaining:
            raise ValidationError(
                f"Alokasi ke pesanan {order.order_no} {format_rupiah(added)} melebihi sisa tagihan "
                f"{format_rupiah(remaining)}.", code="allocation_exceeds_order",
                details={"order_id": order_id, "remaining": remaining, "allocated": added})


def order_payment_view(order_id: str) -> dict:
    order, payment = sales.get_order(order_id), get_order_payment(order_id)
    allocated = int(payment.allocated) if payment else 0
    return {"order_id": order_id, "order_no": order.order_no, "status": order.status,
            "status_label": sales.status_label(order.status), "total": int(order.total),
            "total_label": format_rupiah(int(order.total)), "allocated": allocated,
            "confirmed": int(payment.confirmed) if payment else 0, "remaining": int(order.total) - allocated,
            "allocations": list(payment.allocations) if payment else [],
            "short_accepted": int(payment.short_accepted or 0) if payment else 0,
            "customer_name": (order.customer or {}).get("name", "")}


# ---- money that pays no order: set aside, given back ---------------------------------------------

def _note(note) -> str | None:
    if note is None:
        return None
    if not isinstance(note, str) or len(note.strip()) > MAX_NOTE:
        raise ValidationError(f"Catatan maksimal {MAX_NOTE} karakter.", code="invalid_note")
    return note.strip() or None


def _change_line(writes) -> None:
    """One person's change of a row as one unit of work; a row that moved meanwhile is a 409."""
    if not units.attempt(writes)[0]:
        raise Conflict("Baris ini baru saja berubah. Muat ulang lalu coba lagi.", code="line_changed")


def set_aside(caller: Caller, line_id: str, reason: str, note: str | None = None) -> dict:
    """A row that pays no order (a deposit, a duplicate, a bank fee...) is set aside with why, by a
    person, in the audit trail. Only an unmatched row: a matched one is unmatched first (409)."""
    rec = own_line(caller.store_id, line_id)
    if reason not in ASIDE_REASONS:
        raise ValidationError("Pilih alasan: " + ", ".join(ASIDE_REASONS) + ".", code="invalid_reason")
    note = _note(note)
    if reason == "lainnya" and not note:
        raise ValidationError("Tulis catatan untuk alasan Lainnya.", code="note_required")
    if rec.status == SET_ASIDE:
        return get_line(caller, line_id)  # a repeated tap
    if rec.status != UNMATCHED:
        raise Conflict(f"Baris {rec.line_number} berstatus {LINE_STATUS_LABELS.get(rec.status, rec.status)}; "
                       "hanya baris yang belum cocok yang bisa disisihkan.", code="line_not_unmatched")
    who = actor(caller)
    aside = {"reason": reason, "note": note, "by": who.staff_id, "by_name": who.name, "at": get_clock().now_s(),
             "amount": rec.free()}

    def writes(uow: units.UnitOfWork) -> None:
        repo.put_aside(uow, rec, aside)
        repo.audit(uow, caller.store_id, "set_aside", who, lines=[rec], detail={"reason": reason, "note": note})

    _change_line(writes)
    return get_line(caller, line_id)


def undo_set_aside(caller: Caller, line_id: str) -> dict:
    """A row set aside by mistake goes back to the review list."""
    rec = own_line(caller.store_id, line_id)
    if rec.status != SET_ASIDE:
        raise Conflict(f"Baris {rec.line_number} tidak sedang disisihkan.", code="line_not_set_aside")
    who = actor(caller)

    def writes(uow: units.UnitOfWork) -> None:
        repo.take_back_from_aside(uow, rec)
        repo.audit(uow, caller.store_id, "undo_set_aside", who, lines=[rec], detail=dict(rec.set_aside or {}))

    _change_line(writes)
    return get_line(caller, line_id)


def refund_line(caller: Caller, line_id: str, transfer_ref: str, amount: int | None = None,
                note: str | None = None) -> dict:
    """Money of a credit given back by bank transfer (its reference recorded): an unrelated credit,
    a double transfer, the rest of an over-payment, or what a cancelled order had received. Never
    more than the row's money that pays no order and was not given back already."""
    rec = own_line(caller.store_id, line_id)
    if rec.direction != "CR":
        raise ValidationError("Hanya kredit (uang masuk) yang bisa dikembalikan.", code="line_not_credit")
    if rec.status not in (UNMATCHED, TO_REFUND, MATCHED):
        raise Conflict(f"Baris {rec.line_number} berstatus {LINE_STATUS_LABELS.get(rec.status, rec.status)}; "
                       "tidak ada uang yang bisa dikembalikan.", code="line_not_refundable")
    if rec.pending:
        raise Conflict("Baris PEND belum dibukukan bank; kembalikan setelah dibukukan.", code="line_pending")
    free = rec.free()
    amount = free if amount is None else amount
    if not isinstance(amount, int) or isinstance(amount, bool) or amount <= 0:
        raise ValidationError("Jumlah pengembalian harus rupiah bulat lebih dari 0.", code="invalid_amount")
    if amount > free:
        raise ValidationError(f"Pengembalian {format_rupiah(amount)} melebihi uang baris ini yang belum terpakai "
                              f"({format_rupiah(free)}).", code="refund_exceeds_line",
                              details={"free": free, "amount": amount})
    ref = (transfer_ref or "").strip() if isinstance(transfer_ref, str) else ""
    if not 3 <= len(ref) <= 64:
        raise ValidationError("Isi referensi transfer pengembalian (3-64 karakter).", code="transfer_ref_required")
    who = actor(caller)
    refund = {"amount": amount, "transfer_ref": ref, "note": _note(note), "by": who.staff_id, "by_name": who.name,
              "at": get_clock().now_s()}

    def writes(uow: units.UnitOfWork) -> None:
        repo.refund_from_row(uow, rec, refund)
        repo.audit(uow, caller.store_id, "refund", who, lines=[rec], detail={k: refund[k] for k in ("amount", "transfer_ref", "note")})

    _change_line(writes)
    return get_line(caller, line_id)


def cancel_order(caller: Caller, order_id: str) -> dict:
    """"Batalkan & kembalikan dana": a book order that received transfers is cancelled and, in the
    same unit of work, that money goes to the refund list (its rows, TO_REFUND)."""
    order = sales.own_order(caller.store_id, order_id)
    if order.kind != BOOK_ORDER:
        raise Conflict("Hanya book order yang dibatalkan di sini.", code="invalid_transition")
    return claims.cancel_giving_back(caller, order, actor(caller))


# ---- the day's money check ----------------------------------------------------------------------

_UNPAID = ("BOOKED", "EXPIRED", "CANCELLED")


def money_check(caller: Caller, day: str | None = None) -> dict:
    """Where every rupiah credited on ``day`` (the bank's posting day; default today in the store's
    zone) to the store's receiving accounts stands: matched to sales, given back, set aside, or
    waiting (unmatched, proposed, paying an order not paid in full yet, to give back). Each part is
    summed on its own from the rows, so ``balanced`` is a real check, not a remainder."""
    settings = _settings(caller.store_id)
    day = check_day(day) if day else local_day(get_clock().now_s(), settings.timezone)
    rows: list[StatementLineRecord] = []
    seen: set[str] = set()
    for entry in settings.bank_accounts:
        if not isinstance(entry, dict) or not entry.get("account_no"):
            continue
        scope = repo.account_scope(caller.store_id, entry.get("bank", ""), normalize_account(entry["account_no"]))
        if scope in seen:
            continue
        seen.add(scope)
        rows += [r for r in repo.posted_rows(scope, day, day) if r.direction == "CR" and r.status != SUPERSEDED]
    order_ids = {a["order_id"] for r in rows if r.status in (MATCHED, TO_REFUND) for a in r.allocations or []}
    status = {o.order_id: o.status for o in sales.orders_by_id(list(order_ids))} if order_ids else {}
    parts = dict(matched=0, refunded=0, set_aside=0, unmatched=0, proposed=0, part_paid=0, to_refund=0)
    for r in rows:
        parts["refunded"] += int(r.refunded or 0)
        if r.status == SET_ASIDE:
            parts["set_aside"] += int(r.amount) - int(r.refunded or 0)
        elif r.status == UNMATCHED:
            parts["unmatched"] += int(r.amount) - int(r.refunded or 0)
        elif r.status == PROPOSED:
            parts["proposed"] += int(r.amount)
        elif r.status in (MATCHED, TO_REFUND):
            for a in r.allocations or []:
                key = "part_paid" if status.get(a["order_id"]) in _UNPAID else "matched"
                parts[key] += int(a["amount"])
            parts["to_refund"] += r.free()
    waiting = parts["unmatched"] + parts["proposed"] + parts["part_paid"] + parts["to_refund"]
    credits = sum(int(r.amount) for r in rows)
    accounted = parts["matched"] + parts["refunded"] + parts["set_aside"] + waiting
    return {"day": day, "credits": credits, "rows": len(rows), **parts, "waiting": waiting,
            "balanced": credits == accounted, "difference": credits - accounted,
            "labels": {k: format_rupiah(v) for k, v in dict(parts, credits=credits, waiting=waiting).items()}}


# ---- paid book orders become sales ---------------------------------------------------------------

def paid_orders(caller: Caller, limit: int = 100) -> list[dict]:
    """Book orders paid through statements that are not a sale yet ("Jadikan penjualan")."""
    found = repo.awaiting_sale(caller.store_id, limit)
    orders = {o.order_id: o for o in sales.orders_by_id([p.order_id for p in found])}
    out = []
    for payment in found:
        order = orders.get(payment.order_id)
        if order is not None and order.status in (sales.PAID, sales.PAID_LATE):
            out.append(order_payment_view(order.order_id))
    return out


def make_sale(caller: Caller, order_id: str) -> dict:
    """Only a paid book order becomes a sale: its held stock is consumed, the receipt printed and
    loyalty points credited (``sales.complete``). Anything else is 409."""
    order = sales.own_order(caller.store_id, order_id)
    if order.kind != BOOK_ORDER:
        raise Conflict("Hanya book order yang sudah dibayar yang bisa dijadikan penjualan di sini.",
                       code="invalid_transition", details={"status": order.status})
    if order.status == sales.PAID_LATE and caller.role != ADMIN:
        raise Conflict("Pembayaran ini terlambat: minta admin memeriksa lalu menjadikannya penjualan.",
                       code="invalid_transition", details={"status": order.status})
    sales.require_move(order.status, sales.COMPLETED)
    if not sales.complete(order_id, actor=caller.staff_id or caller.device_id):
        order = sales.get_order(order_id) or order
        if order.status != sales.COMPLETED:
            sales.require_move(order.status, sales.COMPLETED)
    payment = get_order_payment(order_id)

    def writes(uow: units.UnitOfWork) -> None:
        if payment is not None and payment.awaiting_store:
            repo.sale_made(uow, payment)
        repo.audit(uow, caller.store_id, "sale", actor(caller), orders=[claims.order_ref(order, int(order.total))])

    units.commit(writes)
    # CS is at the desk: take the goods off the books and print the receipt now; a failure stays
    # queued for the outbox worker.
    outbox.process_one(f"stock#{order_id}")
    printed = outbox.process_one(f"receipt-print#{order_id}")
    return {**sales.order_view(sales.get_order(order_id)), "receipt_print": printed}


# ---- bulk: everything ready, in one action -----------------------------------------------------

BULK_MAX = 100  # rows or orders one bulk action takes; the summary says when more remain


def _skipped(err: SambungError) -> dict:
    return {"code": err.code, "message": err.message}


def confirm_all(caller: Caller) -> dict:
    """"Konfirmasi semua": every proposed match of the store confirmed as if CS tapped each (each its
    own unit of work). One that needs an admin's PIN, or changed meanwhile, is skipped with why; the
    summary lists both."""
    records, more = repo.queued_rows(caller.store_id, PROPOSED_QUEUE, reason=None, limit=BULK_MAX, after=None)
    threshold = _threshold(caller.store_id) if records else 0
    statements = repo.statements_by_id(r.statement_id for r in records)
    done, skipped = [], []
    for rec in records:
        what = {"line_id": rec.fingerprint, "line_number": int(rec.line_number), "amount": int(rec.amount),
                "order_no": (rec.allocations or [{}])[0].get("order_no")}
        gate = _confirm_gate(caller, rec, statements.get(rec.statement_id), threshold)
        if gate.required:
            skipped.append({**what, "code": "approval_required", "message": _approval_message(gate)})
            continue
        try:
            outcome = claims.confirm(rec, actor(caller), None)
        except SambungError as err:
            skipped.append({**what, **_skipped(err)})
            continue
        done.append({**what, "outcome": outcome})
    return {"confirmed": done, "skipped": skipped, "more": more is not None}


def make_all_sales(caller: Caller) -> dict:
    """"Jadikan semua penjualan": every paid book order waiting for its sale becomes one, each as
    "Jadikan penjualan" does; one that cannot (paid late needs an admin, changed meanwhile) is
    skipped with why."""
    found = repo.awaiting_sale(caller.store_id, BULK_MAX + 1)
    more = len(found) > BULK_MAX
    done, skipped = [], []
    for payment in found[:BULK_MAX]:
        what = {"order_id": payment.order_id, "order_no": payment.order_no, "total": int(payment.total)}
        try:
            sale = make_sale(caller, payment.order_id)
        except SambungError as err:
            skipped.append({**what, **_skipped(err)})
            continue
        done.append({**what, "receipt_print": sale.get("receipt_print")})
    return {"sales": done, "skipped": skipped, "more": more}


# ---- column mappings for other banks ------------------------------------------------------------

def list_mappings(caller: Caller) -> dict:
    settings = _settings(caller.store_id)
    saved = {m.account: m for m in mappings(caller.store_id)}
    accounts = []
    for entry in settings.bank_accounts:
        if not isinstance(entry, dict) or not entry.get("account_no"):
            continue
        account = normalize_account(entry["account_no"])
        rec = saved.get(account)
        accounts.append({"bank": entry.get("bank", ""), "account_no": entry["account_no"], "account": account,
                         "holder": entry.get("holder", ""), "mapping": rec.mapping if rec else None})
    return {"accounts": accounts}


def save_mapping(caller: Caller, account_no: str, fields: dict) -> dict:
    """Save how to read one account's CSV export (any bank without a built-in layout)."""
    entry = _require_account(_settings(caller.store_id), account_no)
    account = normalize_account(entry["account_no"])
    mapping = ColumnMapping.from_dict({"bank": entry.get("bank", ""), **fields, "account": account})
    now = get_clock().now_s()

    def writes(uow: units.UnitOfWork) -> None:
        repo.save_mapping(uow, MappingRecord(store_id=caller.store_id, account=account, mapping=mapping.to_dict(),
                                             updated_by=caller.staff_id or caller.device_id, updated_at=now))
        repo.audit(uow, caller.store_id, "mapping_saved", actor(caller), detail={"account": account,
                                                                                 "mapping": mapping.to_dict()})

    units.commit(writes)
    return {"account": account, "mapping": mapping.to_dict()}


# ---- the audit trail ------------------------------------------------------------------------------

def audit_log(caller: Caller, limit: int = 100) -> list[dict]:
    tz = _settings(caller.store_id).timezone
    return [{"audit_id": r.audit_id, "at": int(r.at), "at_label": format_wib(int(r.at), tz), "action": r.action,
             "actor": r.actor, "actor_name": r.actor_name, "statement_id": r.statement_id, "object_key": r.object_key,
             "file": file_label(r.object_key) if r.object_key else None,
             "lines": [{**line, "file": file_label(line["object_key"])} for line in r.lines], "orders": r.orders,
             "detail": r.detail}
            for r in repo.audit_trail(caller.store_id, limit)]
