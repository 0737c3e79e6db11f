"""Report counters in DynamoDB: one item per store and store-local day (and a ``live`` item for
figures that are a state), read by key, never scanned. Counters are stored as an open set of
``c#`` attributes (see :mod:`chalicelib.core.counters`).

A day's goods (per product) are on items of their own, ``p#<day>#<n>`` for n below
``model.PRODUCT_SHARDS``: they sort after every ``YYYY-MM-DD`` and ``live``, so a month's Query of
day items never meets them, and a day's or month's products are one Query of their own."""
from __future__ import annotations

from typing import Mapping

from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.expressions.operand import Path

from ..core.clock import get_clock
from ..core.counters import counter_actions, counter_path, counters_of, raw_item
from ..core.db import Table, table_meta
from .model import PRODUCT_SHARDS, WAITING_AWB

LIVE = "live"  # the day key of the store's item for figures that are a state, not a day's events


class ReportDayRecord(Table):
    """Counters of one store for one store-local day (``YYYY-MM-DD``), or its ``live`` item."""

    Meta = table_meta("report_days")
    store_id = UnicodeAttribute(hash_key=True)
    day = UnicodeAttribute(range_key=True)
    updated_at = NumberAttribute(null=True)


def add_day_ops(tx, store_id: str, day: str, increments: Mapping[str, int]) -> None:
    """Add the increments to the store's ``day`` item in the caller's transaction (one action)."""
    actions = counter_actions(increments)
    if actions:
        tx.update(ReportDayRecord(store_id=store_id, day=day),
                  actions=actions + [ReportDayRecord.updated_at.set(get_clock().now_s())])


def day_counters(store_id: str, day: str) -> dict[str, int]:
    item = raw_item(ReportDayRecord, store_id, day)
    return counters_of(item) if item else {}


def days_between(store_id: str, first: str, last: str) -> dict[str, dict[str, int]]:
    """Counters of every day item in ``[first, last]``: one Query on the store's key (a month is at
    most 31 small items, so normally one page)."""
    out: dict[str, dict[str, int]] = {}
    start_key = None
    while True:
        page = ReportDayRecord._get_connection().query(store_id, range_key_condition=Path(["day"]).between(first, last),
                                                       consistent_read=True, exclusive_start_key=start_key)
        for item in page.get("Items", []):
            out[item["day"]["S"]] = counters_of(item)
        start_key = page.get("LastEvaluatedKey")
        if not start_key:
            return out


def product_key(day: str, shard: int) -> str:
    if not 0 <= shard < PRODUCT_SHARDS:
        raise ValueError(f"product shard must be 0-{PRODUCT_SHARDS - 1}, got {shard}")
    return f"p#{day}#{shard}"


def product_days(store_id: str, first: str, last: str) -> dict[str, dict[str, int]]:
    """The product counters of every day in ``[first, last]``, each day's items added up: one Query
    (a month is at most 31 x ``PRODUCT_SHARDS`` items, paged as DynamoDB pages it)."""
    out: dict[str, dict[str, int]] = {}
    start_key = None
    while True:
        page = ReportDayRecord._get_connection().query(
            store_id, range_key_condition=Path(["day"]).between(f"p#{first}#", f"p#{last}#~"), consistent_read=True,
            exclusive_start_key=start_key)
        for item in page.get("Items", []):
            day = item["day"]["S"].split("#")[1]
            summed = out.setdefault(day, {})
            for name, value in counters_of(item).items():
                summed[name] = summed.get(name, 0) + value
        start_key = page.get("LastEvaluatedKey")
        if not start_key:
            return out


def move_waiting_awb(tx, store_id: str, delta: int, at: float) -> None:
    """Move the store's live count of shipments waiting for an AWB (one action)."""
    tx.update(ReportDayRecord(store_id=store_id, day=LIVE),
              actions=[counter_path(WAITING_AWB).add(delta), ReportDayRecord.updated_at.set(int(at))])
