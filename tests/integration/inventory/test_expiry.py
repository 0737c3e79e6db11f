"""Holds that expire on time: logically at once, physically by the sweeper or the TTL stream, once.

The clock is moved with the ``clock`` fixture. TTL deletion is done by the local stack's emulator,
which builds the REMOVE records by hand (moto neither deletes expired items nor marks its REMOVE
records as TTL's) and calls the real stream handler, as Lambda would.
"""
from __future__ import annotations

import app  # noqa: F401 - registers the stream handler on the app, as in Lambda
from chalicelib.book_orders import holds
from chalicelib.inventory import service as stock_service
from chalicelib.inventory.repo import HoldRecord, HoldSettlementRecord
from chalicelib.sales.repo import OrderRecord
from infra.local.pump import FakeLambdaContext
from tests.integration.inventory.conftest import book, caller_for, hold, level, settlement

PAST_DEADLINE = 120 * 60 + 1
PAST_TTL = 120 * 60 + 15 * 60 + 3600 + 1  # deadline + grace + TTL margin


def _cs_desk(shop, sku="KOPI-250"):
    [product] = stock_service.stock_check(caller_for(shop, "cs"), sku)["products"]
    return product["cs_desk"]


def _invoke_stream(records):
    from chalicelib.book_orders.events import hold_ttl_removals

    return hold_ttl_removals({"Records": records}, FakeLambdaContext("hold_ttl_removals"))


def test_an_expired_hold_stops_counting_at_once_and_the_sweeper_releases_it_once(shop, clock):
    order = book(shop, [{"sku": "KOPI-250", "qty": 4}])
    assert _cs_desk(shop)["available"] == 6
    clock.advance(seconds=PAST_DEADLINE)
    # Before any sweep: the read already gives the goods back, while the stored counter still holds them.
    assert _cs_desk(shop)["available"] == 10 and _cs_desk(shop)["reserved"] == 0
    assert int(level(shop["store_id"], "KOPI-250").reserved) == 4
    assert holds.sweep() == {"released": 1, "extended": 0, "waiting": 0, "skipped": 0}
    assert holds.sweep()["released"] == 0  # nothing left to sweep
    rec = level(shop["store_id"], "KOPI-250")
    assert (int(rec.on_hand), int(rec.reserved), int(rec.available)) == (10, 0, 10)
    h = hold(order["order_id"])
    assert h.status == "EXPIRED" and h.settled_by == "sweeper" and h.sweep_shard is None and h.open_store is None
    o = OrderRecord.get(order["order_id"])
    assert o.status == "EXPIRED" and o.open_shard is None and "lewat" in o.failure_reason


def test_a_hold_ttl_deleted_before_any_sweep_is_released_once_by_the_stream(shop, clock, ttl):
    order = book(shop, [{"sku": "KOPI-250", "qty": 3}])
    clock.advance(seconds=PAST_DEADLINE)
    assert ttl.tick()["deleted"] == 0  # expired, but TTL is hours later
    clock.advance(seconds=PAST_TTL - PAST_DEADLINE)
    report = ttl.tick()
    assert report["deleted"] == 1 and report["delivered"] == 1 and report["failed"] == 0
    assert hold(order["order_id"]) is None
    assert settlement(order["order_id"]).settled_by == "ttl_stream"
    assert OrderRecord.get(order["order_id"]).status == "EXPIRED"
    assert int(level(shop["store_id"], "KOPI-250").reserved) == 0
    assert holds.sweep()["released"] == 0 and ttl.tick()["deleted"] == 0


def test_a_redelivered_stream_record_releases_nothing_twice(shop, clock, ttl, monkeypatch):
    book(shop, [{"sku": "KOPI-250", "qty": 3}])
    other = book(shop, [{"sku": "KOPI-250", "qty": 2}])
    delivered = []
    original = ttl._deliver
    monkeypatch.setattr(ttl, "_deliver", lambda target, records, report: delivered.append(records) or original(target, records, report))
    clock.advance(seconds=PAST_TTL)
    assert ttl.tick()["deleted"] == 2
    [records] = delivered
    assert {r["userIdentity"]["principalId"] for r in records} == {"dynamodb.amazonaws.com"}
    for r in records:
        assert {"ApproximateCreationDateTime", "Keys", "OldImage", "SequenceNumber", "SizeBytes",
                "StreamViewType"} <= set(r["dynamodb"]) and r["eventSourceARN"].endswith(r["eventSourceARN"].split("/stream/")[1])
    assert int(level(shop["store_id"], "KOPI-250").reserved) == 0
    again = _invoke_stream(records)  # Lambda delivers the same batch again
    assert again == {"batchItemFailures": []}
    rec = level(shop["store_id"], "KOPI-250")
    assert (int(rec.reserved), int(rec.available)) == (0, 10)
    assert HoldSettlementRecord.count() == 2 and OrderRecord.get(other["order_id"]).status == "EXPIRED"


def test_sweeper_first_then_ttl_delete_is_still_one_release(shop, clock, ttl):
    order = book(shop, [{"sku": "KOPI-250", "qty": 5}])
    clock.advance(seconds=PAST_DEADLINE)
    assert holds.sweep()["released"] == 1
    clock.advance(seconds=PAST_TTL - PAST_DEADLINE)
    report = ttl.tick()
    assert report["deleted"] == 1 and report["failed"] == 0  # the REMOVE shows an EXPIRED hold: nothing to do
    assert settlement(order["order_id"]).settled_by == "sweeper"
    rec = level(shop["store_id"], "KOPI-250")
    assert (int(rec.reserved), int(rec.available)) == (0, 10)


def test_stream_releases_while_a_sweeper_holds_a_stale_copy_still_one_release(shop, clock, ttl):
    """The sweeper read the hold ACTIVE, then TTL deleted it and the stream released it; the
    sweeper's late transaction fails on the settlement marker (and on the vanished hold)."""
    order = book(shop, [{"sku": "KOPI-250", "qty": 2}])
    clock.advance(seconds=PAST_TTL)
    stale = HoldRecord.get(order["order_id"], consistent_read=True)
    assert ttl.tick()["deleted"] == 1
    assert holds.settle_due(stale, settled_by="sweeper") == "skipped"
    assert settlement(order["order_id"]).settled_by == "ttl_stream"
    rec = level(shop["store_id"], "KOPI-250")
    assert (int(rec.reserved), int(rec.available)) == (0, 10)


def test_stream_ignores_other_removes_and_reports_only_failed_records(shop, clock, ttl, monkeypatch):
    order = book(shop, [{"sku": "KOPI-250", "qty": 2}])
    clock.advance(seconds=PAST_TTL)
    records = []
    monkeypatch.setattr(ttl, "_deliver", lambda target, rs, report: records.extend(rs) or [])
    ttl.tick()
    [ttl_record] = records
    by_hand = {**ttl_record, "userIdentity": None}  # someone deleted it (or moto's own stream record)
    by_hand.pop("userIdentity")
    garbled = {**ttl_record["dynamodb"]["OldImage"], "lines": {"S": "not json"}}
    broken = {**ttl_record, "dynamodb": {**ttl_record["dynamodb"], "SequenceNumber": "7", "OldImage": garbled}}
    result = _invoke_stream([by_hand, broken])
    assert result == {"batchItemFailures": [{"itemIdentifier": "7"}]}
    assert int(level(shop["store_id"], "KOPI-250").reserved) == 2  # the person's delete released nothing
    assert _invoke_stream([ttl_record]) == {"batchItemFailures": []}
    assert int(level(shop["store_id"], "KOPI-250").reserved) == 0 and settlement(order["order_id"])


def test_a_booking_short_of_stock_releases_expired_holds_on_the_spot(shop, clock):
    first = book(shop, [{"sku": "KOPI-250", "qty": 8}])
    clock.advance(seconds=PAST_DEADLINE)
    second = book(shop, [{"sku": "KOPI-250", "qty": 9}])  # the sweeper has not run
    assert second["status"] == "BOOKED"
    assert settlement(first["order_id"]).settled_by == "lazy"
    assert OrderRecord.get(first["order_id"]).status == "EXPIRED"
    rec = level(shop["store_id"], "KOPI-250")
    assert (int(rec.reserved), int(rec.available)) == (9, 1)
