"""Never oversold: 50 bookings at once for 10 units, and the same races replayed step by step.

The threads talk to the serialised moto server (one request at a time, like DynamoDB applies a
condition and its update atomically), so what is tested is our conditions, not moto's luck.
"""
from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from chalicelib.core.errors import Conflict
from chalicelib.inventory import repo as stock_repo
from chalicelib.book_orders import unique_codes
from chalicelib.sales.repo import OrderRecord
from tests.integration.inventory.conftest import book, level


def test_fifty_parallel_bookings_for_ten_units_exactly_ten_succeed(shop, clock):
    store = shop["store_id"]
    seen: list[int] = []
    stop = threading.Event()

    def watch():  # availability as anyone reading it would see it, all through the rush
        while not stop.wait(0.01):
            seen.append(int(level(store, "KOPI-250").available))

    def attempt(i: int):
        try:
            return book(shop, [{"sku": "KOPI-250", "qty": 1}], customer_name=f"Pelanggan {i}")
        except Conflict as exc:
            return exc

    watcher = threading.Thread(target=watch)
    watcher.start()
    barrier = threading.Barrier(50)

    def go(i):
        barrier.wait()
        return attempt(i)

    with ThreadPoolExecutor(max_workers=50) as pool:
        results = list(pool.map(go, range(50)))
    stop.set()
    watcher.join()
    booked = [r for r in results if isinstance(r, dict)]
    refused = [r for r in results if isinstance(r, Conflict)]
    assert len(booked) == 10 and len(refused) == 40
    assert {r.code for r in refused} == {"insufficient_stock"}
    assert sorted(o["unique_code"] for o in booked) == list(range(1, 11))  # same total, same account: 1..10
    final = level(store, "KOPI-250")
    assert (int(final.on_hand), int(final.reserved), int(final.available)) == (10, 10, 0)
    assert seen and min(seen) >= 0
    assert OrderRecord.count() == 10 and unique_codes.UniqueCodeReservation.count() == 10


def test_a_reservation_that_read_stale_stock_loses(shop, clock, monkeypatch):
    """A books the last 3 units after reading its codes; B slips in between and takes 8 of 10.
    A's transaction carries the condition, not its earlier view: it fails and nothing is booked."""
    original = unique_codes.in_use
    b_booked = []

    def in_use_then_b_books(account, base, now, sign=1):
        seen = original(account, base, now, sign)
        if not b_booked:
            b_booked.append("B")  # before B runs: B's own read must not start a third booking
            book(shop, [{"sku": "KOPI-250", "qty": 8}], shipping_fee=0)
        return seen

    monkeypatch.setattr(unique_codes, "in_use", in_use_then_b_books)
    with pytest.raises(Conflict) as e:
        book(shop, [{"sku": "KOPI-250", "qty": 3}], shipping_fee=0)
    assert e.value.code == "insufficient_stock" and "tersedia 2, diminta 3" in e.value.message
    rec = level(shop["store_id"], "KOPI-250")
    assert (int(rec.reserved), int(rec.available)) == (8, 2)
    assert OrderRecord.count() == 1


def test_a_code_chosen_from_a_stale_read_is_refused_and_the_next_free_one_taken(shop, clock, monkeypatch):
    """A and B book the same total; B commits code 1 after A read "1 is free". A's reservation of
    code 1 fails its condition, A reads the codes again and takes 2. Both orders exist, codes distinct."""
    original = unique_codes.in_use
    reads, b_orders = [], []

    def in_use_then_b_books(account, base, now, sign=1):
        seen = original(account, base, now, sign)
        reads.append(sorted(seen))
        if len(reads) == 1:
            b_orders.append(book(shop, [{"sku": "KOPI-250", "qty": 1}]))
        return seen

    monkeypatch.setattr(unique_codes, "in_use", in_use_then_b_books)
    a = book(shop, [{"sku": "KOPI-250", "qty": 1}])
    assert reads == [[], [], [1]]  # A and B both saw every code free; A, refused, read again
    assert (b_orders[0]["unique_code"], a["unique_code"]) == (1, 2)
    assert int(level(shop["store_id"], "KOPI-250").reserved) == 2
    assert unique_codes.UniqueCodeReservation.count() == 2


def test_the_stock_conditions_themselves(shop, clock):
    """The raw operations: a reservation needs available >= qty, a release needs reserved >= qty,
    taking stock out never goes below what is booked; each failure changes nothing."""
    from chalicelib.core import uow as units

    store = shop["store_id"]

    def run(op) -> bool:
        done, _ = units.attempt(op)  # a lost condition answers False; anything else raises
        return done

    assert run(lambda tx: stock_repo.reserve(tx, store, "TEH-350", "CS", 10))
    assert not run(lambda tx: stock_repo.reserve(tx, store, "TEH-350", "CS", 1))
    assert not run(lambda tx: stock_repo.move_on_hand(tx, store, "TEH-350", "CS", -1, reason="adjust", reference="t",
                                                      actor="t", entry_id="t1"))
    assert not run(lambda tx: stock_repo.unreserve(tx, store, "TEH-350", "CS", 11))
    assert run(lambda tx: stock_repo.unreserve(tx, store, "TEH-350", "CS", 4))
    assert run(lambda tx: stock_repo.move_on_hand(tx, store, "TEH-350", "CS", -4, reason="adjust", reference="t",
                                                  actor="t", entry_id="t2"))
    assert not run(lambda tx: stock_repo.reserve(tx, store, "NOPE", "CS", 1))  # never stocked here
    rec = level(store, "TEH-350")
    assert (int(rec.on_hand), int(rec.reserved), int(rec.available)) == (6, 6, 0)
