"""Open sets of integer counters on one DynamoDB item.

Counters are top-level number attributes named ``c#<counter>`` (``c#sales_count``,
``c#by_issuer#gopay``): the set of names is open (issuers, hours, cashiers), and DynamoDB's ADD
works only on top-level attributes. ADD creates a missing item and a missing counter at zero, so
writers never read first and two transactions adding to one item never lose an increment.

PynamoDB models drop attributes they do not declare, so counters are read through the low-level
connection and picked out by their prefix (:func:`counters_of`). The reports keep a store's days
this way, the shifts a shift's per-tender totals.
"""
from __future__ import annotations

from typing import Mapping

from pynamodb.expressions.operand import Path
from pynamodb.expressions.update import Action

from .db import Table

PREFIX = "c#"


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
