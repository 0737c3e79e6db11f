"""Report counters in DynamoDB: one item per store and store-local day, read by key, never scanned.

Counters are top-level number attributes named ``c#<counter>`` (``c#sales_count``,
``c#by_issuer#gopay``): the set of names is open (issuers, hours, cashiers), and DynamoDB's ADD
works only on top-level attributes. ADD creates a missing item and a missing counter at zero, so
writers never read first and two transactions adding to one day never lose an increment.

PynamoDB models drop attributes they do not declare, so counters are read through the low-level
connection and picked out by their prefix (:func:`counters_of`); the shifts area keeps its
per-method totals the same way.
"""
from __future__ import annotations

from typing import Mapping

from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.expressions.operand import Path
from pynamodb.expressions.update import Action

from ..core.clock import get_clock
from ..core.db import Table, table_meta

PREFIX = "c#"
LIVE = "live"  # the day key of the store's item for figures that are a state, not a day's events


class ReportDayRecord(Table):
    """Counters of one store for one store-local day (``YYYY-MM-DD``), or its ``live`` item."""

    Meta = table_meta("report_days")
    store_id = UnicodeAttribute(hash_key=True)
    day = UnicodeAttribute(range_key=True)
    updated_at = NumberAttribute(null=True)


def counter_actions(increments: Mapping[str, int]) -> list[Action]:
    """ADD actions for the non-zero increments (a list of segments, so no name is split on dots)."""
    return [Path([PREFIX + name]).add(int(value)) for name, value in sorted(increments.items()) if value]


def counter_path(name: str) -> Path:
    return Path([PREFIX + name])


def counters_of(raw_item: Mapping[str, dict]) -> dict[str, int]:
    """The counters of a raw DynamoDB item (``{"c#net": {"N": "1500"}}`` -> ``{"net": 1500}``)."""
    return {name[len(PREFIX):]: int(value["N"]) for name, value in raw_item.items()
            if name.startswith(PREFIX) and "N" in value}


def raw_item(model: type[Table], hash_key: str, range_key: str) -> dict | None:
    """One item exactly as stored (every attribute, declared or not), read consistently. The
    model's own table connection knows the key schema, so no DescribeTable call is made."""
    data = model._get_connection().get_item(hash_key, range_key, consistent_read=True)
    return data.get("Item")


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


def cashier_engagement(store_id: str, first: str, last: str) -> list:
    """The shoppers area's cashier rows (``CashierDayRecord``) of the days ``[first, last]``: one
    Query on the store's key, whose sort key starts with the day."""
    from ..shoppers.repo import CashierDayRecord

    return list(CashierDayRecord.query(store_id, CashierDayRecord.day_staff.between(f"{first}#", f"{last}#\uffff"),
                                       consistent_read=True))
