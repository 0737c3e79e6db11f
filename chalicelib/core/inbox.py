"""The inbox: every verified webhook from outside (payment gateways, couriers, and later web shops
and banks), stored raw once and applied once.

An event is keyed by its source and the source's own event key (stable for the same news). The
first delivery stores it and applies it; a redelivery of an event already applied answers
``duplicate`` with the first outcome and changes nothing; a redelivery of one stored but never
marked applied (the first handler died in between) is applied again, which is safe because
applying goes through conditional writes that refuse to move a record twice.
"""
from __future__ import annotations

from typing import Callable

from pynamodb.attributes import BooleanAttribute, NumberAttribute, UnicodeAttribute

from . import uow as units
from .clock import get_clock
from .db import JSONAttribute, Table, find, table_meta


class InboxRecord(Table):
    """One verified event from an outside system."""

    Meta = table_meta("inbox", ttl="purge_at")
    key = UnicodeAttribute(hash_key=True)  # "<source>#<event key>"
    source = UnicodeAttribute()  # midtrans | xendit | biteship | ...
    event_key = UnicodeAttribute()
    store_id = UnicodeAttribute()
    subject = UnicodeAttribute()  # what it is about: an order id, a shipment id
    details = JSONAttribute(default=dict)  # what the source said, parsed (status, amount, attempt, kind)
    raw = JSONAttribute()
    received_at = NumberAttribute()
    applied = BooleanAttribute(default=False)
    outcome = UnicodeAttribute(null=True)
    purge_at = NumberAttribute(null=True)  # None: kept (money evidence); else deleted by TTL


def key_of(source: str, event_key: str) -> str:
    return f"{source}#{event_key}"


def get(source: str, event_key: str) -> InboxRecord | None:
    return find(InboxRecord, key_of(source, event_key), consistent_read=True)


def process(source: str, event_key: str, *, store_id: str, subject: str, raw: dict, details: dict | None = None,
            keep_seconds: int | None = None, apply: Callable[[], str]) -> dict:
    """Store the event once and run ``apply()`` (which returns an outcome word) unless an earlier
    delivery already did. Answers ``{"status": "ok" | "duplicate", "outcome": ...}``."""
    now = get_clock().now_s()
    record = InboxRecord(key=key_of(source, event_key), source=source, event_key=event_key, store_id=store_id,
                         subject=subject, details=details or {}, raw=raw, received_at=now,
                         purge_at=None if keep_seconds is None else now + keep_seconds)
    stored, _ = units.attempt(lambda uow: uow.save(record, condition=InboxRecord.key.does_not_exist()))
    if not stored:
        record = get(source, event_key)
        if record.applied:
            return {"status": "duplicate", "outcome": record.outcome}
    outcome = apply()
    units.commit(lambda uow: uow.update(record, actions=[InboxRecord.applied.set(True), InboxRecord.outcome.set(outcome)]))
    return {"status": "ok", "outcome": outcome}
