"""Importing one statement file from S3: parse, validate, store its rows once, match.

Idempotent and resumable, so "nothing half-imported" holds without one giant transaction:

1. **Start**: the statement record is keyed by the object's key + ETag and created with
   ``attribute_not_exists``. A re-delivered S3 event finds it: a finished import is a no-op, one in
   progress is left to its worker while its lease runs. A crashed attempt releases its lease (or the
   lease runs out); the retry (Lambda's own, the local pump's, or the ``resume_statement_imports``
   schedule) takes it over and finishes the same job.
2. **Read before writing**: the whole file is parsed and checked first. A file we cannot read (unknown
   layout, malformed row, an account the store does not have) becomes FAILED with the reason and
   writes no row. A file whose totals or balance chain do not add up is imported as NEEDS_REVIEW and
   none of its rows is matched automatically. A file whose opening balance does not continue the
   balance stored for its account (:mod:`.continuity`) is NEEDS_REVIEW too: its credits are matched
   as proposals only, and confirming them needs an admin's PIN (:mod:`.approval`).
3. **Rows**: every row is a put with ``attribute_not_exists`` on ``<store>#<fingerprint>``: a retry
   or an overlapping file never stores a row twice. Rows are classified before they are written
   (review reason, or "to be claimed"); a row to be claimed stays off every list until its claim
   commits. The statement's counts are taken from what is stored when it finishes, so a resumed
   attempt counts each row once.
4. **Claims**: each auto-match is its own unit of work (:mod:`.claims`). A retry plans
   again from what is stored: claimed rows are no longer UNMATCHED and claimed orders no longer
   OPEN, so nothing is claimed twice, and two imports of overlapping files match each credit once.
5. **Finish**: IMPORTED or NEEDS_REVIEW, with an audit entry, on the condition it was PROCESSING.
"""
from __future__ import annotations

import hashlib
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, timedelta
from urllib.parse import unquote_plus

from botocore.exceptions import ClientError

from ..core import uow as units
from ..core.clock import get_clock, local_day
from ..core.errors import NotFound, SambungError
from ..core.observability import logger
from ..core.settings import get_settings
from ..core.storage import s3
from ..staff import service as staff
from . import approval, claims, continuity, repo
from .continuity import BalanceCheck
from .fingerprints import PENDING_SETTLES_WITHIN_DAYS, pending_settlements
from .matching import MatchPlan, ReviewReason, match_lines
from .statement import ParsedStatement, StatementLine, normalize_account
from .validation import validate
from .parsers import ColumnMapping, StatementFormatError, parse_statement
from .repo import (FAILED, IMPORTED, NEEDS_REVIEW, PROCESSING, ROW_STATE, SUPERSEDED, SYSTEM, UNMATCHED, Actor,
                   StatementLineRecord, StatementRecord, account_scope, get_statement, get_upload, line_key, lines_by_key,
                   mappings, new_line_record, queue_position, review_queue_key)

PREFIX = "statements/"
# The import function's timeout is 300 s (infra/cdk); a lease longer than that means a live worker
# is never taken over, and a dead one is resumed within minutes.
LEASE_SECONDS = 360
PROGRESS_EVERY = 250  # rows between progress updates
MAX_DAY_ROWS = 2000  # stored rows of the day before a file read for its balance check
WRITERS = 4  # concurrent row puts: each is a network round trip
MAX_BYTES = 10 * 1024 * 1024
_CLAIM_ROUNDS = 3
_KEY = re.compile(r"^statements/(?P<store>[A-Za-z0-9_-]+)/(?P<name>[^/]+)$")


def statement_id_for(key: str, etag: str) -> str:
    """One statement per object version: the same key overwritten with other bytes is a new import."""
    return "st_" + hashlib.sha256(f"{key}\x1f{etag}".encode()).hexdigest()[:26]


def store_of(key: str) -> str | None:
    m = _KEY.match(key)
    return m.group("store") if m else None


def handle_s3_event(event: dict) -> dict:
    """The S3 ObjectCreated notification (AWS's, or the local pump's identical one)."""
    results = []
    bucket = get_settings().bucket
    for record in event.get("Records", []):
        if record.get("eventSource") != "aws:s3" or not str(record.get("eventName", "")).startswith("ObjectCreated:"):
            continue
        obj = record["s3"]["object"]
        if record["s3"]["bucket"]["name"] != bucket:
            logger.warning("statement event for another bucket", extra={"bucket": record["s3"]["bucket"]["name"]})
            continue
        key = unquote_plus(obj["key"])  # S3 sends keys URL-encoded ("+" for spaces)
        results.append(import_object(key, obj.get("eTag", ""), int(obj.get("size") or 0)))
    return {"results": results}


def import_object(key: str, etag: str, size: int) -> dict:
    """Import one uploaded object, or do nothing if this object version was imported already."""
    store_id = store_of(key)
    store = _store(store_id) if store_id else None
    if store is None:
        logger.warning("object outside any store's statements folder", extra={"key": key})
        return {"key": key, "outcome": "ignored"}
    etag = etag.strip('"') or s3().head_object(Bucket=get_settings().bucket, Key=key)["ETag"].strip('"')
    statement = _begin(store, key, etag, size)
    if statement is None:
        return {"key": key, "statement_id": statement_id_for(key, etag), "outcome": "already_handled"}
    try:
        outcome = _Import(statement, store).run()
    except Exception as exc:
        _release(statement, exc)
        raise
    return {"key": key, "statement_id": statement.statement_id, "outcome": outcome}


def resume_stalled(limit: int = 10) -> int:
    """Imports whose worker died (lease run out) are taken over and finished."""
    now = get_clock().now_s()
    resumed = 0
    for rec in repo.stalled_imports(now, limit):
        import_object(rec.object_key, rec.etag, int(rec.size))
        resumed += 1
    return resumed


def _store(store_id: str):
    """The store whose statements folder the object is in (None: no such store)."""
    try:
        return staff.get_store(store_id)
    except NotFound:
        return None


def _begin(store, key: str, etag: str, size: int) -> StatementRecord | None:
    """Create the statement (first delivery) or take over a stalled one; None when there is nothing to do."""
    now = get_clock().now_s()
    upload = get_upload(key)
    rec = StatementRecord(
        statement_id=statement_id_for(key, etag), store_id=store.store_id, merchant_id=store.merchant_id,
        object_key=key, etag=etag, size=size,
        filename=upload.filename if upload else key.rsplit("/", 1)[-1],
        uploaded_by=upload.uploaded_by if upload else None, uploaded_by_name=upload.uploaded_by_name if upload else None,
        account_hint=upload.account_no if upload else None, status=PROCESSING, created_at=now,
        lease_until=now + LEASE_SECONDS, attempts=1, stalled_shard="P", problems=[])
    started, _ = units.attempt(lambda uow: repo.start_import(uow, rec))
    if started:
        return rec
    existing = get_statement(rec.statement_id)
    if existing is None or existing.status != PROCESSING or existing.lease_until > now:
        return None
    taken, _ = units.attempt(lambda uow: repo.take_over_import(uow, existing, now + LEASE_SECONDS))
    return existing if taken else None  # another worker took it over first


def _release(statement: StatementRecord, exc: Exception) -> None:
    """A crashed attempt hands the job to the next one at once instead of when its lease runs out."""
    logger.exception("statement import attempt failed", extra={"statement_id": statement.statement_id})
    try:
        units.commit(lambda uow: repo.release_import(uow, statement, f"{exc.__class__.__name__}: {exc}"))
    except Exception:  # noqa: BLE001 - the original error matters; the lease also runs out on its own
        logger.warning("could not release the import lease", extra={"statement_id": statement.statement_id})


@dataclass
class _Row:
    """A row of this file and what is stored for it (None: not stored yet)."""

    line: StatementLine
    stored: StatementLineRecord | None


class _Import:
    def __init__(self, statement: StatementRecord, store):
        self.st = statement
        self.store = store
        self.settings = staff.store_settings(store.store_id)
        self.threshold = self.settings.two_person_above
        self.now = get_clock().now_s()
        self.balance = BalanceCheck(continuity.UNCHECKED)
        self._earlier: dict[str, StatementRecord | None] = {}  # files that stored rows this import matches

    # ---- the job ---------------------------------------------------------------------------------

    def run(self) -> str:
        content = self._content()
        if content is None:
            return FAILED
        try:
            parsed = self._parse(content)
            bank_account = self._receiving_account(parsed)
        except SambungError as exc:
            return self._fail(exc)
        problems = validate(parsed)
        self.balance = self._balance_check(parsed)
        units.commit(lambda uow: repo.record_file_facts(
            uow, self.st, rows_total=len(parsed.lines), problems=problems, bank=parsed.bank, layout=parsed.layout,
            account=parsed.account, account_name=parsed.account_name, period_start=parsed.period_start,
            period_end=parsed.period_end, balance_check=self.balance.to_dict()))

        stored = lines_by_key((line_key(self.st.store_id, line.fingerprint) for line in parsed.lines), ROW_STATE)
        rows = [_Row(line, stored.get(line_key(self.st.store_id, line.fingerprint))) for line in parsed.lines]
        superseded = self._pending_settlements(parsed, rows)
        plan = self._plan(rows, superseded, bank_account, parsed.account, bool(problems))
        auto = {m.line.fingerprint: m.order.order_id for m in plan.auto}
        reasons = {item.line.fingerprint: item.reason.value for item in plan.review}
        self._store_new_rows(rows, superseded, reasons)
        self._classify_stored_rows(rows, reasons)
        self._claim(auto, bank_account, parsed.account, bool(problems))
        review = problems or self.balance.discontinuous
        return self._finish(NEEDS_REVIEW if review else IMPORTED, rows, superseded)

    def _content(self) -> bytes | None:
        try:
            obj = s3().get_object(Bucket=get_settings().bucket, Key=self.st.object_key, IfMatch=self.st.etag)
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("NoSuchKey", "PreconditionFailed", "412", "404"):
                self._fail(StatementFormatError("Berkas sudah dihapus atau diganti sebelum sempat diproses. "
                                                "Unggah ulang bila perlu.", code="statement_gone"))
                return None
            raise
        if int(obj.get("ContentLength") or 0) > MAX_BYTES:
            self._fail(StatementFormatError("Berkas mutasi lebih dari 10 MB. Unduh per periode yang lebih pendek.",
                                            code="statement_too_large"))
            return None
        return obj["Body"].read()

    def _parse(self, content: bytes) -> ParsedStatement:
        """Known layouts first; a generic CSV is read with the saved mapping of the account chosen at
        upload, or else with whichever of the store's saved mappings fits the file."""
        received_on = date.fromisoformat(local_day(self.st.created_at, self.settings.timezone))
        saved = {m.account: ColumnMapping.from_dict(m.mapping) for m in mappings(self.st.store_id)}
        hint = normalize_account(self.st.account_hint or "")
        options: list[ColumnMapping | None] = [saved[hint]] if hint in saved else (list(saved.values()) or [None])
        error: StatementFormatError | None = None
        for mapping in options:
            try:
                return parse_statement(content, mapping, received_on=received_on)
            except StatementFormatError as exc:
                if exc.code != "statement_format_unknown":
                    raise
                error = exc
        raise error

    def _receiving_account(self, parsed: ParsedStatement) -> dict:
        hint = normalize_account(self.st.account_hint or "")
        if hint and hint != parsed.account:
            raise StatementFormatError(f"Berkas ini mutasi rekening {parsed.account}, bukan rekening {hint} yang dipilih "
                                       "saat mengunggah.", code="statement_account_mismatch")
        for entry in self.settings.bank_accounts:
            if isinstance(entry, dict) and normalize_account(entry.get("account_no", "")) == parsed.account:
                return entry
        raise StatementFormatError(f"Rekening {parsed.bank} {parsed.account} tidak terdaftar di toko ini. Tambahkan "
                                   "di pengaturan toko, atau unggah mutasi rekening toko.", code="statement_account_unknown")

    # ---- the balance stored before this file ---------------------------------------------------------

    def _balance_check(self, parsed: ParsedStatement) -> BalanceCheck:
        """The file's opening balance against the close of the last day stored for its account before
        the file starts (rows other imports stored; this import's own, after a crash, are not history)."""
        start = continuity.first_day(parsed)
        if start is None:
            return BalanceCheck(continuity.UNCHECKED)
        day, previous = None, []
        for rec in repo.rows_before(account_scope(self.st.store_id, parsed.bank, parsed.account), start):
            if rec.statement_id == self.st.statement_id:
                continue
            if day is not None and rec.day_key != day:
                break
            day = rec.day_key
            previous.append(rec)
            if len(previous) >= MAX_DAY_ROWS:
                break
        return continuity.check(parsed, day, [r.to_line() for r in previous],
                                {r.fingerprint: r.statement_id for r in previous})

    # ---- PEND rows -------------------------------------------------------------------------------

    def _pending_settlements(self, parsed: ParsedStatement, rows: list[_Row]) -> dict[str, str]:
        """``{pending fingerprint: posted fingerprint}`` for PEND rows that a posted row now settles.

        Both directions: stored PEND rows settled by posted rows of this file, and PEND rows of this
        file whose posted row was stored by a later export uploaded earlier.
        """
        scope = account_scope(self.st.store_id, parsed.bank, parsed.account)
        mine = [r for r in rows if r.stored is None or r.stored.statement_id == self.st.statement_id]
        pend = {r.line.fingerprint: r.line for r in mine if r.line.pending and (r.stored is None or r.stored.status == UNMATCHED)}
        settled_already: set[str] = set()  # posted rows that settled a PEND row before: each settles one
        for rec in repo.pending_rows(scope):
            if rec.status == UNMATCHED:
                pend.setdefault(rec.fingerprint, rec.to_line())
            elif rec.superseded_by:
                settled_already.add(rec.superseded_by)
        posted = {r.line.fingerprint: r.line for r in mine if not r.line.pending}
        hints = [date.fromisoformat(line.date_hint) for line in pend.values() if line.date_hint]
        if hints:
            first = (min(hints) - timedelta(days=1)).isoformat()
            last = (max(hints) + timedelta(days=PENDING_SETTLES_WITHIN_DAYS)).isoformat()
            for rec in repo.posted_rows(scope, first, last):
                posted.setdefault(rec.fingerprint, rec.to_line())
        posted = {fp: line for fp, line in posted.items() if fp not in settled_already}
        if not pend or not posted:
            return {}
        return {p.fingerprint: q.fingerprint for p, q in pending_settlements(pend.values(), posted.values())}

    # ---- planning ----------------------------------------------------------------------------------

    def _plan(self, rows: list[_Row], superseded: dict[str, str], bank_account: dict, account: str,
              needs_review: bool) -> MatchPlan:
        """Which rows to decide now: the ones this import stores, any of its own a crashed attempt
        left undecided, and (only when the file checks out and continues the stored balance) rows of
        earlier files still unmatched."""
        lines = [r.line for r in rows if r.line.fingerprint not in superseded and self._to_decide(r, needs_review)]
        candidates = claims.order_candidates(self.st.merchant_id, self.st.store_id, bank_account, account)
        return match_lines(lines, candidates, statement_needs_review=needs_review, tz=self.settings.timezone)

    def _to_decide(self, row: _Row, needs_review: bool) -> bool:
        if row.stored is None:
            return True
        if row.stored.status != UNMATCHED:
            return False
        if row.stored.rejected_orders:
            return False  # a person unmatched it: a person decides it, never the next import
        if row.stored.statement_id == self.st.statement_id:
            return row.stored.queue is None
        return not needs_review and not self.balance.discontinuous

    # ---- writing rows ------------------------------------------------------------------------------

    def _store_new_rows(self, rows: list[_Row], superseded: dict[str, str], reasons: dict[str, str]) -> None:
        """Each new row is its own conditional put: a row another import stored meanwhile is simply
        not written again. (Rows are independent, so a transaction would add nothing but cost.)"""
        with ThreadPoolExecutor(max_workers=WRITERS) as pool:
            for start in range(0, len(rows), PROGRESS_EVERY):
                chunk = [r.line for r in rows[start:start + PROGRESS_EVERY] if r.stored is None]
                list(pool.map(self._put, (self._record(line, superseded, reasons) for line in chunk)))
                done = min(start + PROGRESS_EVERY, len(rows))
                units.commit(lambda uow: repo.import_progress(uow, self.st, done))
        new = {r.line.fingerprint for r in rows if r.stored is None}
        for pend_fp, posted_fp in superseded.items():
            if pend_fp not in new:
                # A row taken meanwhile (matched, or superseded already) is left as it is.
                units.attempt(lambda uow: repo.supersede_pending(uow, self.st.store_id, pend_fp, posted_fp))

    def _record(self, line: StatementLine, superseded: dict[str, str], reasons: dict[str, str]) -> StatementLineRecord:
        rec = new_line_record(self.st.store_id, self.st.statement_id, self.st.object_key, line, self.now)
        if line.fingerprint in superseded:
            rec.status, rec.superseded_by = SUPERSEDED, superseded[line.fingerprint]
        elif line.fingerprint in reasons:
            rec.review_reason = reasons[line.fingerprint]
            rec.queue = review_queue_key(self.st.store_id, rec.review_reason)
            rec.queued_at = queue_position(rec.day_key, line.line_number, line.fingerprint)
        return rec

    @staticmethod
    def _put(rec: StatementLineRecord) -> None:
        """One conditional PutItem; a row stored already (by a retry or an overlapping file) stays as it is."""
        units.attempt(lambda uow: repo.store_row(uow, rec))

    def _classify_stored_rows(self, rows: list[_Row], reasons: dict[str, str]) -> None:
        """Rows stored before this import and decided now go on the review list: this import's own rows
        a crashed attempt left undecided, and rows an earlier file could not vouch for (it failed its
        checks) that this valid file now decides. Other reasons already given are kept."""
        for row in rows:
            rec, reason = row.stored, reasons.get(row.line.fingerprint)
            if rec is None or reason is None:
                continue
            own = rec.statement_id == self.st.statement_id
            if not own and rec.review_reason != ReviewReason.STATEMENT_NEEDS_REVIEW:
                continue
            units.attempt(lambda uow: repo.send_to_review(
                uow, rec, reason, if_on_no_list=own,
                if_waiting_for=None if own else ReviewReason.STATEMENT_NEEDS_REVIEW.value))

    # ---- claiming ----------------------------------------------------------------------------------

    def _confirms(self, rec: StatementLineRecord) -> bool:
        """Whether this import confirms the match itself (the store's ``auto_confirm_matches``), or
        only proposes it: never for a row of a file that breaks the balance chain (this one, or the
        earlier one that stored the row), and not above the store's two-person threshold for a file a
        staff member uploaded (:func:`.approval.may_auto_confirm`)."""
        if not self.settings.auto_confirm_matches:
            return False
        files = [self.st]
        if rec.statement_id != self.st.statement_id:
            if rec.statement_id not in self._earlier:
                self._earlier[rec.statement_id] = repo.get_statement(rec.statement_id)
            files.append(self._earlier[rec.statement_id])
        return approval.may_auto_confirm(
            int(rec.amount), self.threshold, uploaded_by_person=any(f is None or f.uploaded_by for f in files),
            discontinuous=self.balance.discontinuous or any(repo.is_discontinuous(f) for f in files[1:]))

    def _claim(self, auto: dict[str, str], bank_account: dict, account: str, needs_review: bool) -> None:
        """Claim every planned auto-match. A claim lost to someone else is planned again from what is
        stored now (the row may be gone, or the order taken): a few rounds settle every race."""
        for _ in range(_CLAIM_ROUNDS):
            if not auto:
                return
            stored = lines_by_key(line_key(self.st.store_id, fp) for fp in auto)
            lost = []
            for fingerprint, order_id in auto.items():
                rec = stored.get(line_key(self.st.store_id, fingerprint))
                if rec is None or rec.status != UNMATCHED:
                    continue
                if not claims.claim_auto(self.st, rec, order_id, confirm=self._confirms(rec)):
                    lost.append(rec)
            fresh = [r for r in lines_by_key(r.line_key for r in lost).values() if r.status == UNMATCHED]
            if not fresh:
                return
            candidates = claims.order_candidates(self.st.merchant_id, self.st.store_id, bank_account, account)
            plan = match_lines([r.to_line() for r in fresh], candidates, statement_needs_review=needs_review,
                               tz=self.settings.timezone)
            self._to_review({item.line.fingerprint: item.reason.value for item in plan.review})
            auto = {m.line.fingerprint: m.order.order_id for m in plan.auto}
        # Still contended after every round: a person decides.
        self._to_review({fp: ReviewReason.SEVERAL_CANDIDATES.value for fp in auto})

    def _to_review(self, reasons: dict[str, str]) -> None:
        stored = lines_by_key(line_key(self.st.store_id, fp) for fp in reasons)
        for rec in stored.values():
            units.attempt(lambda uow: repo.send_to_review(uow, rec, reasons[rec.fingerprint]))

    # ---- ending ------------------------------------------------------------------------------------

    def _finish(self, status: str, rows: list[_Row], superseded: dict[str, str]) -> str:
        """Count from what is stored (so a resumed or doubled attempt counts each row once), then close."""
        keys = [line_key(self.st.store_id, r.line.fingerprint) for r in rows]
        stored = lines_by_key(keys + [line_key(self.st.store_id, fp) for fp in superseded], ROW_STATE)
        file_rows = [stored[k] for k in keys if k in stored]
        counts = {
            "rows_new": sum(r.statement_id == self.st.statement_id for r in file_rows),
            "review": sum(r.status == UNMATCHED and r.queue is not None for r in file_rows),
            "pending_settled": sum(r.status == SUPERSEDED for r in stored.values() if r.fingerprint in superseded),
        }
        self.st.refresh(consistent_read=True)

        def writes(uow: units.UnitOfWork) -> None:
            repo.finish_import(uow, self.st.statement_id, status, now=get_clock().now_s(), rows=len(rows), **counts)
            repo.audit(uow, self.st.store_id, "import", self._uploader(), statement=self.st, detail={
                "status": status, "rows": len(rows), **counts, "auto_matched": int(self.st.auto_matched),
                "proposed": int(self.st.proposed), "problems": list(self.st.problems or []),
                "balance_check": self.balance.status})
            if self.balance.discontinuous:
                repo.audit(uow, self.st.store_id, "balance_discontinuity", SYSTEM, statement=self.st,
                           detail={**self.balance.to_dict(), "uploaded_by": self.st.uploaded_by,
                                   "uploaded_by_name": self.st.uploaded_by_name})

        units.attempt(writes)  # lost: another attempt finished it first
        return status

    def _fail(self, exc: SambungError) -> str:
        error = {"code": exc.code, "message": exc.message, "details": exc.details}

        def writes(uow: units.UnitOfWork) -> None:
            repo.fail_import(uow, self.st.statement_id, error, now=get_clock().now_s())
            repo.audit(uow, self.st.store_id, "import_failed", self._uploader(), statement=self.st, detail={"error": error})

        units.attempt(writes)  # lost: another attempt finished it first
        return FAILED

    def _uploader(self) -> Actor:
        if self.st.uploaded_by:
            return Actor(self.st.uploaded_by, self.st.uploaded_by_name)
        return SYSTEM
