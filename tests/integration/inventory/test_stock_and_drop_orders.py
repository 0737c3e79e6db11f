"""Stock check, ledger, adjustments and drop orders over the API, and the ledger invariant."""
from __future__ import annotations

import uuid
from collections import defaultdict

from chalicelib.core import outbox
from chalicelib.inventory.repo import StockLedgerEntry, StockRecord
from tests.integration.inventory.conftest import book, caller_for, level


def _key():
    return {"Idempotency-Key": str(uuid.uuid4())}


def _cs(levels):
    return next(lv for lv in levels if lv["location"] == "CS")


def test_stock_check_by_sku_barcode_or_name_shows_each_location_with_booked_goods(api, shop, clock):
    cs = api.login_as(shop, "cs")
    book(shop, [{"sku": "TEH-350", "qty": 3}])
    by_sku = api.get("/inventory/stock?q=teh-350", auth=cs).json["products"]
    by_barcode = api.get(f"/inventory/stock?q={shop['products'][1]['barcode']}", auth=cs).json["products"]
    by_name = api.get("/inventory/stock?q=melati", auth=cs).json["products"]
    assert by_sku == by_barcode == by_name and len(by_sku) == 1
    [teh] = by_sku
    assert [lv["location"] for lv in teh["locations"]] == ["CS", "WAREHOUSE", "SHOP"]
    assert teh["cs_desk"] == {"sku": "TEH-350", "location": "CS", "label": "Meja CS", "on_hand": 10, "reserved": 3,
                              "available": 7}
    assert teh["total"] == {"on_hand": 80, "reserved": 3, "available": 77}
    assert api.get("/inventory/stock?q=tidak-ada", auth=cs).json["products"] == []
    assert api.get("/inventory/stock?q=", auth=cs).error_code == "missing_query"
    assert api.get("/inventory/stock?q=kopi", auth=api.login_as(shop, "cashier")).status == 200


def test_admin_adjustments_are_ledger_entries_and_never_take_booked_goods(api, shop, clock):
    admin, cs = api.login_as(shop, "admin"), api.login_as(shop, "cs")
    clock.advance(seconds=1)  # after the opening stock: the ledger lists by the second
    r = api.post("/inventory/adjustments", {"location": "WAREHOUSE", "reason": "receive", "note": "PO-17",
                                            "items": [{"sku": "KOPI-250", "delta": 24}, {"barcode": shop["products"][2]["barcode"], "delta": 6}]},
                 auth=admin, headers=_key())
    assert r.status == 201 and [c["delta"] for c in r.json["changes"]] == [24, 6]
    assert int(level(shop["store_id"], "KOPI-250", "WAREHOUSE").on_hand) == 74
    clock.advance(seconds=1)
    book(shop, [{"sku": "KOPI-250", "qty": 7}])
    refused = api.post("/inventory/adjustments", {"location": "CS", "reason": "adjust", "items": [{"sku": "KOPI-250", "delta": -4}]},
                       auth=admin, headers=_key())
    assert refused.status == 409 and refused.error_code == "stock_changed"
    counted = api.post("/inventory/adjustments", {"location": "CS", "reason": "count", "items": [{"sku": "KOPI-250", "counted": 8}]},
                       auth=admin, headers=_key())
    assert counted.status == 201 and counted.json["changes"] == [{"sku": "KOPI-250", "delta": -2}]
    assert _cs(counted.json["levels"]) == {"sku": "KOPI-250", "location": "CS", "label": "Meja CS", "on_hand": 8,
                                           "reserved": 7, "available": 1}
    assert api.post("/inventory/adjustments", {"location": "CS", "reason": "receive", "items": [{"sku": "KOPI-250", "delta": 1}]},
                    auth=cs, headers=_key()).status == 403
    assert api.post("/inventory/adjustments", {"location": "ROOF", "reason": "receive", "items": []}, auth=admin,
                    headers=_key()).error_code == "invalid_location"
    ledger = api.get("/inventory/ledger?sku=KOPI-250", auth=cs).json
    assert [(e["location"], e["delta"], e["reason"]) for e in ledger["entries"][:2]] == [("CS", -2, "count"),
                                                                                           ("WAREHOUSE", 24, "receive")]
    assert ledger["entries"][1]["note"] == "PO-17" and ledger["entries"][1]["actor"] == "u_admin"


def test_drop_order_queue_handover_and_return(api, shop, clock):
    cs, wh = api.login_as(shop, "cs"), api.login_as(shop, "warehouse")
    asked = api.post("/inventory/drop-orders", {"items": [{"sku": "ROTI-COK", "qty": 2}, {"barcode": shop["products"][3]["barcode"], "qty": 1},
                                                          {"sku": "AIR-600", "qty": 5}], "note": "untuk chat Bu Rina"},
                     auth=cs, headers=_key())
    assert asked.status == 201 and asked.json["status"] == "REQUESTED" and asked.json["drop_no"].startswith("D-")
    assert [(line["sku"], line["qty"]) for line in asked.json["lines"]] == [("ROTI-COK", 3), ("AIR-600", 5)]
    drop_id = asked.json["drop_id"]
    queue = api.get("/inventory/drop-orders?status=REQUESTED", auth=wh).json["drop_orders"]
    assert [d["drop_id"] for d in queue] == [drop_id]
    assert api.post(f"/inventory/drop-orders/{drop_id}/handover", auth=cs).status == 403
    done = api.post(f"/inventory/drop-orders/{drop_id}/handover", auth=wh)
    assert done.status == 200 and done.json["status"] == "HANDED_OVER" and done.json["handed_by"] == "u_agus"
    assert api.post(f"/inventory/drop-orders/{drop_id}/handover", auth=wh).json["status"] == "HANDED_OVER"  # second tap
    store = shop["store_id"]
    assert (int(level(store, "ROTI-COK", "WAREHOUSE").on_hand), int(level(store, "ROTI-COK").on_hand)) == (47, 13)
    assert (int(level(store, "AIR-600", "WAREHOUSE").on_hand), int(level(store, "AIR-600").on_hand)) == (45, 15)
    entries = {e.entry_id: int(e.delta) for e in StockLedgerEntry.by_reference.query(drop_id)}
    assert entries == {f"drop_order#{drop_id}#ROTI-COK#WAREHOUSE": -3, f"drop_order#{drop_id}#ROTI-COK#CS": 3,
                       f"drop_order#{drop_id}#AIR-600#WAREHOUSE": -5, f"drop_order#{drop_id}#AIR-600#CS": 5}
    assert api.get("/inventory/drop-orders?status=REQUESTED", auth=wh).json["drop_orders"] == []
    # The customer cancelled one roti; the warehouse scans it and everything else back.
    book(shop, [{"sku": "AIR-600", "qty": 12}])  # 12 of the 15 at CS are booked: only 3 may leave
    blocked = api.post(f"/inventory/drop-orders/{drop_id}/return", {"items": [{"sku": "AIR-600", "qty": 5}]}, auth=wh,
                       headers=_key())
    assert blocked.status == 409 and blocked.error_code == "insufficient_stock" and "bebas 3" in blocked.json["error"]["message"]
    over = api.post(f"/inventory/drop-orders/{drop_id}/return", {"items": [{"sku": "ROTI-COK", "qty": 4}]}, auth=wh, headers=_key())
    assert over.status == 400 and over.error_code == "return_exceeds_drop"
    closed = api.post(f"/inventory/drop-orders/{drop_id}/return", {"items": [{"sku": "ROTI-COK", "qty": 1}]}, auth=wh,
                      headers=_key())
    assert closed.status == 200 and closed.json["status"] == "CLOSED" and closed.json["returned"] == {"ROTI-COK": 1}
    assert (int(level(store, "ROTI-COK", "WAREHOUSE").on_hand), int(level(store, "ROTI-COK").on_hand)) == (48, 12)
    assert api.post(f"/inventory/drop-orders/{drop_id}/return", {"items": [{"sku": "ROTI-COK", "qty": 1}]}, auth=wh,
                    headers=_key()).error_code == "invalid_transition"
    assert [d["drop_id"] for d in api.get("/inventory/drop-orders?status=CLOSED", auth=cs).json["drop_orders"]] == [drop_id]


def test_a_full_return_cancels_and_a_short_warehouse_refuses_without_moving_anything(api, shop, clock):
    cs, wh = api.login_as(shop, "cs"), api.login_as(shop, "warehouse")
    small = api.post("/inventory/drop-orders", {"items": [{"sku": "KOPI-250", "qty": 2}]}, auth=cs, headers=_key()).json
    api.post(f"/inventory/drop-orders/{small['drop_id']}/handover", auth=wh)
    back = api.post(f"/inventory/drop-orders/{small['drop_id']}/return", {"items": [{"sku": "KOPI-250", "qty": 1}, {"sku": "KOPI-250", "qty": 1}]},
                    auth=wh, headers=_key())
    assert back.json["status"] == "CANCELLED"
    assert int(level(shop["store_id"], "KOPI-250", "WAREHOUSE").on_hand) == 50
    big = api.post("/inventory/drop-orders", {"items": [{"sku": "TEH-350", "qty": 3}, {"sku": "KOPI-250", "qty": 51}]},
                   auth=cs, headers=_key()).json
    refused = api.post(f"/inventory/drop-orders/{big['drop_id']}/handover", auth=wh)
    assert refused.status == 409 and "KOPI-250 (ada 50, diminta 51)" in refused.json["error"]["message"]
    assert int(level(shop["store_id"], "TEH-350", "WAREHOUSE").on_hand) == 50  # nothing moved
    assert api.post(f"/inventory/drop-orders/{big['drop_id']}/cancel", auth=cs).json["status"] == "CANCELLED"
    assert api.post(f"/inventory/drop-orders/{big['drop_id']}/cancel", auth=cs).json["status"] == "CANCELLED"  # again
    from chalicelib.core.clock import local_day
    day = api.get(f"/reports/day?date={local_day(clock.now())}", auth=cs).json
    assert day["drop_orders"]["cancelled"] == 1, "counted once, in the day's report"
    assert api.post("/inventory/drop-orders", {"items": [{"sku": "KOPI-250", "qty": 1}]}, auth=wh, headers=_key()).status == 403
    assert api.get("/inventory/drop-orders", auth=api.login_as(shop, "cashier")).status == 403


def test_drop_orders_of_another_store_are_not_found(api, shop, clock, second_store):
    mine = api.post("/inventory/drop-orders", {"items": [{"sku": "KOPI-250", "qty": 1}]}, auth=api.login_as(shop, "cs"),
                    headers=_key()).json
    other = api.login_as(second_store, "cs")
    for method, path in (("GET", f"/inventory/drop-orders/{mine['drop_id']}"),
                         ("POST", f"/inventory/drop-orders/{mine['drop_id']}/cancel")):
        r = api.call(method, path, auth=other)
        assert r.status == 404 and r.error_code == "drop_order_not_found"
    assert api.get("/inventory/drop-orders", auth=other).json["drop_orders"] == []


def test_on_hand_always_equals_the_sum_of_the_ledger(api, shop, clock):
    """A day's mix: receipts, a drop and its return, bookings that are cancelled, expire or are
    paid in cash and completed, a store sale, a count. Every stock item must add up."""
    from chalicelib.book_orders import service as book_orders

    admin, cs, wh = api.login_as(shop, "admin"), api.login_as(shop, "cs"), api.login_as(shop, "warehouse")
    cashier = api.login_as(shop, "cashier")
    api.post("/inventory/adjustments", {"location": "WAREHOUSE", "reason": "receive", "items": [{"sku": "TEH-350", "delta": 30}]},
             auth=admin, headers=_key())
    drop = api.post("/inventory/drop-orders", {"items": [{"sku": "TEH-350", "qty": 6}]}, auth=cs, headers=_key()).json
    api.post(f"/inventory/drop-orders/{drop['drop_id']}/handover", auth=wh)
    kept = book(shop, [{"sku": "TEH-350", "qty": 5}, {"sku": "KOPI-250", "qty": 2}])
    dropped = book(shop, [{"sku": "TEH-350", "qty": 4}])
    book_orders.cancel(caller_for(shop, "cs"), dropped["order_id"])
    lapsed = book(shop, [{"sku": "KOPI-250", "qty": 3}])
    cash = api.post(f"/sales/{kept['order_id']}/cash", {"amount_received": kept["total"]}, auth=cashier, headers=_key())
    assert cash.json["status"] == "COMPLETED", cash
    api.post(f"/inventory/drop-orders/{drop['drop_id']}/return", {"items": [{"sku": "TEH-350", "qty": 2}]}, auth=wh,
             headers=_key())
    api.post("/sales", {"items": [{"sku": "KOPI-250", "qty": 1}], "payment_method": "CASH"}, auth=cashier, headers=_key())
    api.post("/inventory/adjustments", {"location": "SHOP", "reason": "count", "items": [{"sku": "AIR-600", "counted": 17}]},
             auth=admin, headers=_key())
    clock.advance(minutes=121)
    from chalicelib.book_orders import holds

    holds.sweep()
    outbox.process_due()
    assert api.get(f"/book-orders/{lapsed['order_id']}", auth=cs).json["status"] == "EXPIRED"
    sums: dict[str, int] = defaultdict(int)
    for entry in StockLedgerEntry.query(shop["store_id"]):
        sums[f"{entry.sku}#{entry.location}"] += int(entry.delta)
    records = {r.key: r for r in StockRecord.query(shop["store_id"], consistent_read=True)}
    assert set(sums) == set(records)
    for key, rec in records.items():
        assert int(rec.on_hand) == sums[key], key
        assert int(rec.available) == int(rec.on_hand) - int(rec.reserved) and int(rec.reserved) == 0, key
    assert (int(records["TEH-350#CS"].on_hand), int(records["KOPI-250#CS"].on_hand)) == (10 + 6 - 5 - 2, 10 - 2)
    assert int(records["AIR-600#SHOP"].on_hand) == 17
