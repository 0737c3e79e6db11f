"""Bank feeds: a store's bank account connected by SNAP BI, fetched on a schedule, imported like a file.

**Connection** (admins): the bank's base URL, partner id, client key, channel id, the bank's
public key and the interval are kept on the feed record; the client secret and our RSA private key
go to SSM SecureString under names derived here from the merchant and the account
(:func:`chalicelib.core.secrets.account_name_for`). They are never stored in DynamoDB and never
shown again; a new PUT replaces them (or keeps them when left out).

**Fetch** (schedule or "Ambil mutasi sekarang"): the window runs from the end of the last window
fetched in full, less :data:`OVERLAP_S` (banks show rows minutes late), widened to whole bank days
(WIB), one Bank Statement request (with its pages) per day. Every day is fetched and read before
anything is written, so a failure on any of them writes nothing. A day with rows not stored yet is
written as one JSON object under ``statements/<store>/`` and imported by :func:`.importer.import_object`
(the path uploads take: parsing by :mod:`.parsers.snap_json`, fingerprints, de-duplication, the
balance chain, matching, the audit trail; resumable by the same lease). A day whose rows are all
stored already writes nothing (an idle fetch is one bank call and one BatchGetItem). Nothing is ever
deleted: an answer with fewer rows than an earlier one only adds nothing.

**Failures** are recorded on the account (kind, the bank's response code, words for people) and the
next try is spaced out; the schedule goes on with the other accounts whatever one of them does.
"""
from __future__ import annotations

import hashlib
import ipaddress
import json
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import datetime, time as day_time, timedelta
from urllib.parse import urlsplit

from ..core import secrets as merchant_secrets
from ..core import uow as units
from ..core.clock import get_clock, iso_utc
from ..core.errors import Conflict, NotFound, SambungError, TooManyRequests, ValidationError
from ..core.observability import logger
from ..core.settings import LOCAL_STAGES, get_settings
from ..core.storage import s3
from ..core.web import Caller
from ..staff import service as staff
from . import feed_repo, importer, repo
from .feed_repo import DUE_SHARD, BankFeedRecord
from .fingerprints import assign_fingerprints
from .parsers.base import StatementFormatError
from .parsers.snap_json import FORMAT, WIB, read_answer
from .matching import ReviewReason
from .repo import FAILED, NEEDS_REVIEW, PROCESSING, ROW_STATE, UNMATCHED, get_statement, line_key, lines_by_key
from .snap import signing
from .snap.client import BAD_ANSWER, Connection, SnapClient, SnapError, profile_for
from .statement import normalize_account

DEFAULT_INTERVAL_S, MIN_INTERVAL_S, MAX_INTERVAL_S = 300, 30, 86_400
OVERLAP_S = 3600  # a row may reach the statement API this late after its transaction time
FIRST_DAYS = 1  # a new connection fetches yesterday and today
MAX_DAYS = 7  # after a long outage, at most this many days per fetch (the next one continues)
LEASE_S = 240
DUE_PER_RUN = 25
FETCHERS = 4  # accounts fetched at the same time by one schedule run
FETCH_NOW_GAP_S = 5  # "fetch now" at most this often per account
SECRET_SHOWN = "tersimpan"
_PATH = re.compile(r"^/[A-Za-z0-9._~/-]{1,200}$")
_IDENT = re.compile(r"^[\x21-\x7e]{1,128}$")
_CHANNEL = re.compile(r"^[0-9A-Za-z]{5}$")


# ---- connection ------------------------------------------------------------------------------


def _account_entry(caller: Caller, account_no: str) -> dict:
    wanted = normalize_account(account_no)
    for entry in staff.store_settings(caller.store_id).bank_accounts:
        if normalize_account(entry.get("account_no", "")) == wanted:
            return entry
    raise NotFound(f"Rekening {account_no} tidak terdaftar di toko ini. Tambahkan dulu di pengaturan toko.",
                   code="bank_account_unknown")


def _bad(message: str, field: str) -> ValidationError:
    return ValidationError(message, code="invalid_snap_connection", details={"field": field})


def check_base_url(value) -> str:
    """Any HTTPS address; plain HTTP only to a loopback host, and only in the local stages."""
    if not isinstance(value, str) or len(value) > 300:
        raise _bad("base_url harus alamat http(s) bank, maksimal 300 karakter.", "base_url")
    parts = urlsplit(value.strip())
    if parts.scheme not in ("https", "http") or not parts.hostname or parts.username or parts.password \
            or parts.query or parts.fragment:
        raise _bad("base_url harus alamat http(s) tanpa user, query atau fragment, mis. https://api.bank.co.id.",
                   "base_url")
    try:
        address = ipaddress.ip_address(parts.hostname)
    except ValueError:
        address = None
    local = get_settings().stage in LOCAL_STAGES
    if parts.scheme == "http":
        loopback = parts.hostname == "localhost" or (address is not None and address.is_loopback)
        if not loopback or not local:
            raise _bad("base_url harus https (http hanya untuk simulator lokal di 127.0.0.1).", "base_url")
    elif address is not None and not local and not address.is_global:
        # A bank is on the internet: never our own network or the cloud's metadata address.
        raise _bad("base_url tidak boleh alamat jaringan internal.", "base_url")
    if parts.path and not _PATH.match(parts.path.rstrip("/") or "/x"):
        raise _bad("Path pada base_url tidak valid.", "base_url")
    return value.strip().rstrip("/")


def _check(body: dict, existing: BankFeedRecord | None) -> dict:
    out = {"base_url": check_base_url(body["base_url"])}
    for name in ("partner_id", "client_key"):
        if not isinstance(body.get(name), str) or not _IDENT.match(body[name].strip()):
            raise _bad(f"{name} wajib diisi: 1-128 karakter tanpa spasi.", name)
        out[name] = body[name].strip()
    if not isinstance(body.get("channel_id"), str) or not _CHANNEL.match(body["channel_id"].strip()):
        raise _bad("channel_id (CHANNEL-ID) harus 5 huruf/angka dari bank, mis. 95221.", "channel_id")
    out["channel_id"] = body["channel_id"].strip()
    secret = body.get("client_secret")
    if secret is None and existing is None:
        raise _bad("client_secret wajib diisi saat menyambungkan rekening.", "client_secret")
    if secret is not None and (not isinstance(secret, str) or not 8 <= len(secret.strip()) <= 512):
        raise _bad("client_secret harus 8 sampai 512 karakter.", "client_secret")
    out["client_secret"] = secret.strip() if secret is not None else None
    pem = body.get("private_key_pem")
    if pem is None and existing is None:
        raise _bad("private_key_pem (kunci privat RSA kami) wajib diisi saat menyambungkan rekening.", "private_key_pem")
    if pem is not None:
        try:
            signing.load_private_key(pem if isinstance(pem, str) else "")
        except ValueError:
            raise _bad("private_key_pem harus kunci privat RSA (PEM, tanpa sandi, minimal 2048 bit).",
                       "private_key_pem") from None
        if len(pem) > merchant_secrets.MAX_SECRET_LENGTH:
            raise _bad("private_key_pem terlalu panjang.", "private_key_pem")
    out["private_key_pem"] = pem.strip() + "\n" if pem is not None else None
    public = body.get("bank_public_key_pem")
    if public is not None:
        try:
            signing.load_public_key(public if isinstance(public, str) else "")
        except ValueError:
            raise _bad("bank_public_key_pem harus kunci publik RSA bank (PEM, minimal 2048 bit).",
                       "bank_public_key_pem") from None
        out["bank_public_key_pem"] = public.strip() + "\n"
    else:
        out["bank_public_key_pem"] = existing.bank_public_key_pem if existing is not None and \
            "bank_public_key_pem" not in body else None
    interval = body.get("interval_seconds")
    if interval is None:
        interval = int(existing.interval_seconds) if existing is not None else DEFAULT_INTERVAL_S
    if isinstance(interval, bool) or not isinstance(interval, int) or not MIN_INTERVAL_S <= interval <= MAX_INTERVAL_S:
        raise _bad(f"interval_seconds harus bilangan bulat {MIN_INTERVAL_S} sampai {MAX_INTERVAL_S} detik.",
                   "interval_seconds")
    out["interval_seconds"] = interval
    paths = {}
    for name in ("token_path", "statement_path", "balance_path"):
        value = body.get(name)
        if value is not None:
            if not isinstance(value, str) or not _PATH.match(value):
                raise _bad(f"{name} harus path yang diawali '/', mis. /openapi/v1.0/bank-statement.", name)
            paths[name] = value
    out["paths"] = paths or None
    return out


def connect(caller: Caller, account_no: str, body: dict) -> dict:
    """Connect (or reconnect) one of the store's accounts. Everything is checked before SSM or the
    table is written; the secrets go to SSM under the account's own names."""
    entry = _account_entry(caller, account_no)
    number = normalize_account(entry["account_no"])
    existing = feed_repo.get(caller.store_id, number)
    checked = _check(body, existing)
    names = {"client_secret": merchant_secrets.account_name_for(caller.merchant_id, number, "snap/client_secret"),
             "private_key": merchant_secrets.account_name_for(caller.merchant_id, number, "snap/private_key")}
    if checked["client_secret"] is not None:
        merchant_secrets.put_named(caller.merchant_id, names["client_secret"], checked["client_secret"])
    if checked["private_key_pem"] is not None:
        merchant_secrets.put_named(caller.merchant_id, names["private_key"], checked["private_key_pem"])
    now = get_clock().now_s()
    settings = {"base_url": checked["base_url"], "partner_id": checked["partner_id"],
                "client_key": checked["client_key"], "channel_id": checked["channel_id"],
                "bank_public_key_pem": checked["bank_public_key_pem"], "paths": checked["paths"],
                "interval_seconds": checked["interval_seconds"], "secret_params": names, "bank": entry["bank"],
                "connected_at": now, "connected_by": caller.staff_id or caller.device_id,
                "due_shard": DUE_SHARD, "next_fetch_at": now, "failures": 0}
    shown = {"account_no": number, "base_url": checked["base_url"], "partner_id": checked["partner_id"],
             "client_key": checked["client_key"], "channel_id": checked["channel_id"],
             "interval_seconds": checked["interval_seconds"],
             "secrets_replaced": [n for n in ("client_secret", "private_key_pem") if checked[n] is not None]}
    if existing is None:
        record = BankFeedRecord(store_id=caller.store_id, account_no=number, merchant_id=caller.merchant_id,
                                lease_until=0, **settings)
        units.commit(lambda uow: (feed_repo.connect(uow, record), _audit(uow, caller, "snap_connected", shown)))
    else:
        units.commit(lambda uow: (feed_repo.reconnect(uow, existing, settings),
                                  _audit(uow, caller, "snap_connected", shown)))
    logger.info("bank feed connected", extra={"store_id": caller.store_id, "account": number[-4:]})
    return status(caller, number)


def disconnect(caller: Caller, account_no: str) -> dict:
    number = normalize_account(_account_entry(caller, account_no)["account_no"])
    record = feed_repo.get(caller.store_id, number)
    if record is None:
        raise NotFound("Rekening ini tidak tersambung SNAP BI.", code="snap_not_connected")
    units.commit(lambda uow: (feed_repo.disconnect(uow, record),
                              _audit(uow, caller, "snap_disconnected", {"account_no": number})))
    for name in (record.secret_params or {}).values():
        merchant_secrets.delete(caller.merchant_id, name)
    return status(caller, number)


def _audit(uow, caller: Caller, action: str, detail: dict) -> None:
    """Who connected, changed or disconnected a bank account (never a secret), in the reconciliation trail."""
    repo.audit(uow, caller.store_id, action, repo.Actor(caller.staff_id or caller.device_id, caller.staff_name),
               detail=detail)


def _connection(record: BankFeedRecord) -> Connection:
    names = record.secret_params or {}
    try:
        secret = merchant_secrets.get(record.merchant_id, names.get("client_secret"))
        private = merchant_secrets.get(record.merchant_id, names.get("private_key"))
    except SambungError:
        raise
    except Exception as exc:  # noqa: BLE001 - a parameter gone or unreadable: people must save it again
        raise SnapError("rejected", "Rahasia koneksi (client secret/kunci privat) tidak bisa dibaca dari SSM: "
                                    f"simpan ulang koneksi. ({exc.__class__.__name__})") from None
    return Connection(base_url=record.base_url, partner_id=record.partner_id, client_key=record.client_key,
                      client_secret=secret, channel_id=record.channel_id, private_key_pem=private,
                      bank_public_key_pem=record.bank_public_key_pem,
                      profile=profile_for(record.bank, record.paths))


# ---- views -----------------------------------------------------------------------------------


def _iso(ts) -> str | None:
    return iso_utc(int(ts)) if ts else None


def _view(entry: dict, record: BankFeedRecord | None, now: int) -> dict:
    out = {"account_no": entry["account_no"], "bank": entry["bank"], "holder": entry.get("holder"),
           "connected": record is not None}
    if record is None:
        return out
    return {**out, "base_url": record.base_url, "partner_id": record.partner_id, "client_key": record.client_key,
            "channel_id": record.channel_id, "interval_seconds": int(record.interval_seconds),
            "client_secret": SECRET_SHOWN, "private_key": SECRET_SHOWN,
            "bank_public_key": SECRET_SHOWN if record.bank_public_key_pem else None,
            "paths": record.paths or None, "connected_at": _iso(record.connected_at),
            "last_fetch_at": _iso(record.last_fetch_at), "last_success_at": _iso(record.last_success_at),
            "last_result": record.last_result, "last_error": record.last_error,
            "last_transaction_at": _iso(record.last_transaction_at),
            "next_fetch_at": _iso(max(int(record.next_fetch_at or 0), now)),
            "fetching": int(record.lease_until or 0) > now, "failures": int(record.failures or 0)}


def status(caller: Caller, account_no: str) -> dict:
    entry = _account_entry(caller, account_no)
    return _view(entry, feed_repo.get(caller.store_id, normalize_account(entry["account_no"])), get_clock().now_s())


def statuses(caller: Caller) -> dict:
    """Every account of the store, connected or not (the Mutasi Bank page)."""
    settings = staff.store_settings(caller.store_id)
    feeds = {r.account_no: r for r in feed_repo.of_store(caller.store_id)}
    now = get_clock().now_s()
    return {"timezone": settings.timezone,
            "accounts": [_view(e, feeds.get(normalize_account(e.get("account_no", ""))), now)
                         for e in settings.bank_accounts]}


def _connected(caller: Caller, account_no: str) -> BankFeedRecord:
    number = normalize_account(_account_entry(caller, account_no)["account_no"])
    record = feed_repo.get(caller.store_id, number)
    if record is None:
        raise NotFound("Rekening ini belum tersambung SNAP BI.", code="snap_not_connected")
    return record


def test_connection(caller: Caller, account_no: str) -> dict:
    """A fresh B2B token and a Balance Inquiry; the answer says what worked or why not."""
    record = _connected(caller, account_no)
    try:
        client = SnapClient(_connection(record), attempts=2, max_wait_s=2.0)
        client.access_token(fresh=True)
        balance = client.balance(record.account_no)
    except SnapError as exc:
        return {"ok": False, "kind": exc.kind, "response_code": exc.response_code, "message": exc.message}
    ledger = balance.get("available") if balance.get("available") is not None else balance.get("ledger")
    return {"ok": True, "name": balance.get("name"), "balance": None if ledger is None else ledger // 100,
            "message": "Tersambung: token B2B didapat dan saldo terbaca."}


def fetch_now(caller: Caller, account_no: str) -> dict:
    """"Ambil mutasi sekarang": fetched and imported now; 409 while a fetch of it is running."""
    record = _connected(caller, account_no)
    now = get_clock().now_s()
    since = now - int(record.last_fetch_at or 0)
    if since < FETCH_NOW_GAP_S:  # a finger on the button must not become the bank's rate limit
        raise TooManyRequests(f"Mutasi rekening ini baru saja diambil. Coba lagi {FETCH_NOW_GAP_S - since} detik lagi.",
                              code="snap_fetched_just_now", retry_after=FETCH_NOW_GAP_S - since)
    if int(record.lease_until or 0) > now or not _take(record, now, due=False):
        raise Conflict("Mutasi rekening ini sedang diambil. Tunggu sebentar.", code="snap_fetch_running")
    _fetch_taken(record, now, interactive=True)
    return status(caller, record.account_no)


# ---- the schedule ------------------------------------------------------------------------------


def run_due(limit: int = DUE_PER_RUN) -> dict:
    """Fetch every account whose time has come, a few at a time (a bank that times out and is
    retried never holds up the others' fetches). One account's failure never stops the others."""
    now = get_clock().now_s()
    done = {"fetched": 0, "failed": 0, "skipped": 0}
    taken = []
    for record in feed_repo.due(now, limit):
        if int(record.lease_until or 0) > now or not _take(record, now):
            done["skipped"] += 1
        else:
            taken.append(record)

    def one(record: BankFeedRecord) -> bool:
        try:
            return _fetch_taken(record, now)
        except Exception:  # noqa: BLE001 - recorded by _fetch_taken when it can be; the others go on
            logger.exception("bank feed fetch crashed", extra={"store_id": record.store_id})
            return False

    if taken:
        with ThreadPoolExecutor(max_workers=min(FETCHERS, len(taken))) as pool:
            for ok in pool.map(one, taken):
                done["fetched" if ok else "failed"] += 1
    return done


def _take(record: BankFeedRecord, now: int, *, due: bool = True) -> bool:
    taken, _ = units.attempt(lambda uow: feed_repo.take(uow, record, now, LEASE_S, due=due))
    return taken


def _day_start(ts: float) -> datetime:
    return datetime.combine(datetime.fromtimestamp(ts, WIB).date(), day_time(0, 0), tzinfo=WIB)


def windows(record: BankFeedRecord, now: int) -> list[tuple[str, str]]:
    """``(fromDateTime, toDateTime)`` per bank day to ask for, oldest first (see the module docstring)."""
    today = _day_start(now)
    if record.window_to:
        first = _day_start(int(record.window_to) - OVERLAP_S)
    else:
        first = today - timedelta(days=FIRST_DAYS)
    first = max(first, today - timedelta(days=365))
    out, day = [], first
    end = datetime.fromtimestamp(now, WIB).replace(microsecond=0)
    while day <= today and len(out) < MAX_DAYS:
        last = min(day + timedelta(days=1, seconds=-1), end)
        out.append((signing.timestamp(day), signing.timestamp(last)))
        day += timedelta(days=1)
    return out


def _fetch_taken(record: BankFeedRecord, now: int, *, interactive: bool = False) -> bool:
    """Fetch and import for an account this worker holds the lease of; records the outcome."""
    interval = int(record.interval_seconds)
    try:
        result, window_to, last_tx = _fetch(record, now, interactive)
    except (SnapError, StatementFormatError) as exc:
        kind = exc.kind if isinstance(exc, SnapError) else BAD_ANSWER
        code = exc.response_code if isinstance(exc, SnapError) else None
        return _failed(record, now, interval, kind, code, exc.message)
    except Exception as exc:  # noqa: BLE001 - recorded for people; the schedule goes on
        logger.exception("bank feed fetch failed", extra={"store_id": record.store_id})
        return _failed(record, now, interval, "error", None,
                       f"Kesalahan di server saat mengambil mutasi ({exc.__class__.__name__}); dicoba lagi nanti.")
    units.attempt(lambda uow: feed_repo.fetched(uow, record, now=get_clock().now_s(), next_at=now + interval,
                                                result=result, window_to=window_to, last_transaction_at=last_tx))
    return True


def _failed(record: BankFeedRecord, now: int, interval: int, kind: str, code: str | None, message: str) -> bool:
    failures = int(record.failures or 0)
    wait = min(interval * 2 ** min(failures, 4), max(interval, 1800))
    error = {"at": iso_utc(now), "kind": kind, "response_code": code, "message": message}
    units.attempt(lambda uow: feed_repo.failed(uow, record, now=get_clock().now_s(), next_at=now + wait,
                                               result={"status": "failed", **error}, error=error))
    logger.warning("bank feed fetch failed", extra={"store_id": record.store_id, "kind": kind, "code": code})
    return False


def _fetch(record: BankFeedRecord, now: int, interactive: bool) -> tuple[dict, int, int | None]:
    # A person waits for "fetch now" behind API Gateway's 29 s: fewer, shorter tries than the schedule.
    client = SnapClient(_connection(record), **({"attempts": 2, "max_wait_s": 2.0, "timeout_s": 5.0}
                                                if interactive else {}))
    days, window_to = [], now
    for start, end in windows(record, now):
        window_to = int(signing.parse_timestamp(end).timestamp())  # after a long outage: only as far as asked
        pages = client.statement(record.account_no, start, end)
        document = {"sambung": FORMAT, "bank": record.bank, "account_no": record.account_no, "from": start,
                    "to": end, "fetched_at": iso_utc(get_clock().now_s()), "pages": pages}
        parsed = read_answer(document)
        days.append((start, document, replace(parsed, lines=assign_fingerprints(parsed.lines))))
    # Everything read and checked: now write, day by day, through the import path of uploads.
    rows = new = 0
    importing = False
    statements, review = [], []
    last_tx = None
    for start, document, parsed in days:
        rows += len(parsed.lines)
        for item in (i for page in document["pages"] for i in (page.get("detailData") or [])):
            moment = datetime.fromisoformat(str(item.get("transactionDate")).replace("Z", "+00:00"))
            at = int((moment if moment.tzinfo else moment.replace(tzinfo=WIB)).timestamp())
            last_tx = max(last_tx or at, at)
        keys = [line_key(record.store_id, line.fingerprint) for line in parsed.lines]
        stored = lines_by_key(keys, ROW_STATE) if keys else {}
        vouch = any(r.status == UNMATCHED and r.review_reason == ReviewReason.STATEMENT_NEEDS_REVIEW.value
                    for r in stored.values())  # rows a file that failed its checks stored: the bank's answer decides them
        if not keys or (len(stored) == len(set(keys)) and not vouch):
            continue  # nothing new that day: nothing written
        outcome = _import(record, start, document)
        statement = get_statement(outcome["statement_id"])
        statements.append(outcome["statement_id"])
        if statement is not None and statement.status == FAILED:
            error = statement.error or {}
            raise StatementFormatError(error.get("message") or "Impor mutasi gagal.",
                                       code=error.get("code") or "snap_import_failed")
        if statement is not None and statement.status == PROCESSING:
            importing = True  # the object's S3 notification started the same import first; it finishes it
        elif statement is not None:
            new += int(statement.rows_new or 0)
            if statement.status == NEEDS_REVIEW:
                review.extend(statement.problems or [])
                if (statement.balance_check or {}).get("message"):
                    review.append(statement.balance_check["message"])
    message = (f"{rows} baris mutasi, {new} baru." if new else
               f"{rows} baris mutasi, tidak ada yang baru." if rows else "Belum ada mutasi pada periode ini.")
    if importing:
        message += " Sebagian masih diimpor (lihat Unggah & Impor)."
    if review:
        message += " Perlu dicek: " + " ".join(review[:3])
    result = {"status": "ok", "at": iso_utc(now), "days": len(days), "rows": rows, "new_rows": new,
              "statements": statements, "calls": client.stats.calls, "token_calls": client.stats.token_calls,
              "retries": client.stats.retries, "needs_review": bool(review), "message": message}
    return result, window_to, last_tx


def _import(record: BankFeedRecord, start: str, document: dict) -> dict:
    """The day's answer as an object under the store's statements folder, imported at once (the S3
    notification of that object finds the import started or done)."""
    body = json.dumps(document, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    digest = hashlib.sha256(json.dumps(document["pages"], sort_keys=True).encode()).hexdigest()[:16]
    key = f"statements/{record.store_id}/SNAP-{record.bank}-{record.account_no}-{start[:10]}-{digest}.json"
    etag = s3().put_object(Bucket=get_settings().bucket, Key=key, Body=body, ContentType="application/json")["ETag"]
    return importer.import_object(key, etag.strip('"'), len(body))
