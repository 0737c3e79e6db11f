"""Fixed-window rate limits for public endpoints (pairing codes, shopper links, receipts).

One counter item per ``(scope, subject, window)`` in the ``rate_limits`` table, raised with an
atomic ADD conditional on being under the limit, and dropped by TTL two windows later. Over the
limit: 429 with ``Retry-After`` (the end of the window). The subject is the caller's address:
behind CloudFront the viewer address it forwards, else API Gateway's source IP.
"""
from __future__ import annotations

from dataclasses import dataclass

from pynamodb.attributes import NumberAttribute, UnicodeAttribute

from . import uow as units
from .clock import get_clock
from .db import Table, table_meta
from .errors import TooManyRequests


class RateCounterRecord(Table):
    Meta = table_meta("rate_limits", ttl="purge_at")
    key = UnicodeAttribute(hash_key=True)  # <scope>#<subject>#<window>
    hits = NumberAttribute(default=0)
    purge_at = NumberAttribute()


@dataclass(frozen=True)
class Limit:
    scope: str
    hits: int  # allowed per window
    seconds: int  # the window


def count(uow, key: str, *, limit: int, purge_at: int, lost: Exception) -> None:
    counter = RateCounterRecord(key=key)
    uow.update(counter, [RateCounterRecord.hits.add(1), RateCounterRecord.purge_at.set(purge_at)],
               condition=RateCounterRecord.hits.does_not_exist() | (RateCounterRecord.hits < limit), lost=lost)


def client_address(request) -> str:
    """The caller's address as API Gateway saw the TCP connection (``identity.sourceIp``). Headers
    such as X-Forwarded-For are not trusted: anyone can send them. Behind CloudFront this is the
    edge's address, so a limit is shared by the viewers of one edge: the limits are sized for that."""
    return ((request.context or {}).get("identity") or {}).get("sourceIp") or "unknown"


def hit(limit: Limit, subject: str) -> None:
    """Count one request of ``subject`` against ``limit``; raise 429 once over it."""
    now = get_clock().now_s()
    window = now // limit.seconds
    retry_after = (window + 1) * limit.seconds - now
    busy = TooManyRequests("Terlalu banyak permintaan. Coba lagi sebentar lagi.", code="rate_limited",
                           retry_after=retry_after)
    units.commit(lambda uow: count(uow, f"{limit.scope}#{subject}#{window}", limit=limit.hits,
                                   purge_at=now + 2 * limit.seconds, lost=busy))


def give_back(uow, key: str) -> None:
    uow.update(RateCounterRecord(key=key), [RateCounterRecord.hits.add(-1)], condition=RateCounterRecord.hits > 0)


class guesses:
    """``with guesses(limit, subject):`` around a check someone could try to guess (a pairing code,
    a shopper link). The try is counted before the check, atomically, so parallel guesses check at
    most ``limit.hits`` per window; a try that succeeds (no exception) is given back, so only wrong
    guesses use up the allowance."""

    def __init__(self, limit: Limit, subject: str, *, code: str = "rate_limited",
                 message: str = "Terlalu banyak percobaan yang salah. Coba lagi nanti."):
        self.limit, self.subject, self.code, self.message = limit, subject, code, message
        self.key = ""

    def __enter__(self):
        now = get_clock().now_s()
        window = now // self.limit.seconds
        self.key = f"{self.limit.scope}#{self.subject}#{window}"
        busy = TooManyRequests(self.message, code=self.code, retry_after=(window + 1) * self.limit.seconds - now)
        units.commit(lambda uow: count(uow, self.key, limit=self.limit.hits, purge_at=now + 2 * self.limit.seconds,
                                       lost=busy))
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type is None:
            units.attempt(lambda uow: give_back(uow, self.key))
        return False
