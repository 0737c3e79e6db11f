"""Idempotency-Key handling for create calls: a retry returns the first result.

A record is claimed with a conditional put before the work runs; a second call with the same key
returns the stored answer, a different body under the same key is refused (422), and a call that
arrives while the first is still running gets 409. Server-side failures (5xx, upstream errors)
release the key so a retry runs again.

Records stay small whatever the request: the request is kept as its SHA-256 only, and an answer
longer than ``MAX_ANSWER_BYTES`` is not kept (DynamoDB refuses items over 400 KB, and that refusal
would come after the work was done): the record says it is done, and a retry is told so (409)
instead of running the work twice.
"""
from __future__ import annotations

import hashlib
import json
from typing import Callable

from pynamodb.attributes import NumberAttribute, UnicodeAttribute

from . import uow as units
from .clock import get_clock
from .db import JSONAttribute, Table, table_meta
from .errors import Conflict, SambungError, Unprocessable

KEEP_SECONDS = 24 * 3600
LOCK_SECONDS = 60
MAX_ANSWER_BYTES = 128 * 1024  # a third of the item limit; a 100-line sale answers under 20 KB


class IdempotencyRecord(Table):
    Meta = table_meta("idempotency", ttl="expires_at")
    key = UnicodeAttribute(hash_key=True)  # <merchant>#<store>#<scope>#<client key>
    state = UnicodeAttribute()  # IN_PROGRESS | DONE
    request_hash = UnicodeAttribute()
    status_code = NumberAttribute(null=True)
    response = JSONAttribute(null=True)
    answer_bytes_not_kept = NumberAttribute(null=True)  # set instead of ``response`` for an answer too long to keep
    locked_until = NumberAttribute()
    expires_at = NumberAttribute()


def _hash(payload) -> str:
    """The request's fingerprint: a retry must send the same body, and the body itself is never kept."""
    return hashlib.sha256(json.dumps(payload, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


# ---- the record's writes (its repo functions: the condition and update expressions) ------------

def claim_key(uow: units.UnitOfWork, rec: IdempotencyRecord, now: int) -> None:
    """Take the key: new, or left IN_PROGRESS by a call whose lock ran out (it died mid-way)."""
    uow.save(rec, condition=IdempotencyRecord.key.does_not_exist()
             | ((IdempotencyRecord.state == "IN_PROGRESS") & (IdempotencyRecord.locked_until < now)))


def store_answer(uow: units.UnitOfWork, rec: IdempotencyRecord, status: int, body) -> None:
    size = len(json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode())
    kept = (IdempotencyRecord.response.set(body) if size <= MAX_ANSWER_BYTES
            else IdempotencyRecord.answer_bytes_not_kept.set(size))
    uow.update(rec, [IdempotencyRecord.state.set("DONE"), IdempotencyRecord.status_code.set(status), kept])


def release_key(uow: units.UnitOfWork, rec: IdempotencyRecord) -> None:
    """Forget the claim so a retry runs again (the work failed on our side)."""
    uow.delete(rec)


def run_once(scope: str, client_key: str, payload, fn: Callable[[], tuple[int, object]], *,
             forget: frozenset[str] = frozenset()) -> tuple[int, object]:
    """Run ``fn`` at most once per ``(scope, client_key)``; ``fn`` returns ``(status, body)``.

    Client errors (4xx) are remembered like successes: the same request gives the same answer;
    except those whose code is in ``forget`` (e.g. "an approver's PIN is needed"), which give the
    key back so the same request, completed, can be sent again under it.
    """
    now = get_clock().now_s()
    rec = IdempotencyRecord(key=f"{scope}#{client_key}", state="IN_PROGRESS", request_hash=_hash(payload),
                            locked_until=now + LOCK_SECONDS, expires_at=now + KEEP_SECONDS)
    claimed, _ = units.attempt(lambda uow: claim_key(uow, rec, now))
    if not claimed:
        existing = IdempotencyRecord.get(rec.key, consistent_read=True)
        if existing.request_hash != rec.request_hash:
            raise Unprocessable("Idempotency-Key ini sudah dipakai untuk permintaan lain.", code="idempotency_key_reused")
        if existing.state == "DONE":
            if existing.answer_bytes_not_kept is not None:
                raise Conflict("Permintaan ini sudah diproses, tetapi jawabannya terlalu besar untuk diulang. "
                               "Muat ulang daftarnya untuk melihat hasilnya.", code="request_already_done")
            return int(existing.status_code), existing.response
        raise Conflict("Permintaan yang sama masih diproses. Coba lagi sebentar.", code="request_in_progress")
    try:
        status, body = fn()
    except SambungError as exc:
        if exc.status >= 500 or exc.code in forget:
            units.commit(lambda uow: release_key(uow, rec))
            raise
        status, body = exc.status, exc.to_body()
    except Exception:
        units.commit(lambda uow: release_key(uow, rec))
        raise
    units.commit(lambda uow: store_answer(uow, rec, status, body))
    return status, body
