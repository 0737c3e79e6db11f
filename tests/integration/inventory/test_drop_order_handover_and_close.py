"""Quantities people type (zero, negative, not whole) are refused with a clear code and change
nothing; the warehouse hands over fewer than asked when it has fewer; a drop order whose goods were
sold closes with nothing returned ("Semua terjual"), or with a person's reason when they were not."""
from __future__ import annotations

import uuid

import pytest

from chalicelib.core import outbox
from chalicelib.inventory.repo import StockLedgerEntry, StockRecord
from tests.integration.inventory.conftest import book, level

BAD_QUANTITIES = [0, -3, 2.5, 1.0, "3", None, True, 10_000]


def _key():
    return {"Idempotency-Key": str(uuid.uuid4())}


def _stock(store_id: str) -> dict[str, tuple[int, int]]:
    return {r.key: (int(r.on_hand), int(r.reserved)) for r in StockRecord.query(store_id, consistent_read=True)}


def _ledger_count(store_id: str) -> int:
    return sum(1 for _ in StockLedgerEntry.query(store_id, consistent_read=True))


def _drop(api, auth, items):
    r = api.post("/inventory/drop-orders", {"items": items}, auth=auth, headers=_key())
    assert r.status == 201, r
    return r.json


@pytest.mark.parametrize("qty", BAD_QUANTITIES)
def test_a_drop_order_or_book_order_for_zero_negative_or_not_whole_quantities_is_refused(api, shop, clock, qty):
    cs = api.login_as(shop, "cs")
    store = shop["store_id"]
    before, entries = _stock(store), _ledger_count(store)
    drop = api.post("/inventory/drop-orders", {"items": [{"sku": "KOPI-250", "qty": qty}]}, auth=cs, headers=_key())
    assert drop.status == 400 and drop.error_code == "invalid_qty", drop
    assert "bilangan bulat 1-9999" in drop.json["error"]["message"]
    body = {"items": [{"sku": "KOPI-250", "qty": qty}], "customer_name": "Wulan Sari", "phone": "081234567890",
            "address": "Jl. Melati No. 5, Bandung 40115", "shipping_fee": 12_000, "channel": "whatsapp"}
    booked = api.post("/book-orders", body, auth=cs, headers=_key())
    assert booked.status == 400 and booked.error_code == "invalid_qty", booked
    assert "bilangan bulat 1-999" in booked.json["error"]["message"]
    for status in ("REQUESTED", "HANDED_OVER", "CLOSED", "CANCELLED"):
        assert api.get(f"/inventory/drop-orders?status={status}", auth=cs).json["drop_orders"] == []
    assert api.get("/book-orders", auth=cs).json["book_orders"] == []
    assert (_stock(store), _ledger_count(store)) == (before, entries), "nothing moved, nothing reserved"


def test_the_warehouse_hands_over_what_it_has_and_only_that_moves(api, shop, clock):
    cs, wh = api.login_as(shop, "cs"), api.login_as(shop, "warehouse")
    store = shop["store_id"]
    drop = _drop(api, cs, [{"sku": "KOPI-250", "qty": 60}, {"sku": "TEH-350", "qty": 2}, {"sku": "AIR-600", "qty": 4}])
    [queued] = api.get("/inventory/drop-orders?status=REQUESTED", auth=wh).json["drop_orders"]
    assert [(line["sku"], line["qty"], line["warehouse_available"]) for line in queued["lines"]] == [
        ("KOPI-250", 60, 50), ("TEH-350", 2, 50), ("AIR-600", 4, 50)]
    assert queued["requested_by_name"] == "Dewi CS" and queued["handed_qty"] is None
    path = f"/inventory/drop-orders/{drop['drop_id']}/handover"
    before, entries = _stock(store), _ledger_count(store)
    everything = api.post(path, auth=wh)
    assert everything.status == 409 and everything.error_code == "insufficient_stock"
    assert "KOPI-250 (ada 50, diminta 60)" in everything.json["error"]["message"]
    refusals = [
        ([{"sku": "KOPI-250", "qty": 61}], "invalid_qty"),  # more than asked
        ([{"sku": "KOPI-250", "qty": -3}], "invalid_qty"),
        ([{"sku": "KOPI-250", "qty": 2.5}], "invalid_qty"),
        ([{"sku": "KOPI-250", "qty": "50"}], "invalid_qty"),
        ([{"sku": "ROTI-COK", "qty": 1}], "not_in_drop_order"),
        ([{"sku": "KOPI-250", "qty": 1}, {"sku": "KOPI-250", "qty": 1}], "duplicate_item"),
        ([{"sku": "KOPI-250", "qty": 0}], "nothing_handed"),
        ([], "nothing_handed"),
    ]
    for items, code in refusals:
        r = api.post(path, {"items": items}, auth=wh)
        assert r.status == 400 and r.error_code == code, (items, r)
    assert api.post(path, {"items": [{"sku": "KOPI-250", "qty": 51}]}, auth=wh).error_code == "insufficient_stock"
    assert (_stock(store), _ledger_count(store)) == (before, entries), "a refused hand-over moves nothing"
    assert api.get(f"/inventory/drop-orders/{drop['drop_id']}", auth=cs).json["status"] == "REQUESTED"

    # 50 of the 60 coffees and both teas; no water (a line left out is not handed over).
    done = api.post(path, {"items": [{"sku": "KOPI-250", "qty": 50}, {"sku": "TEH-350", "qty": 2}]}, auth=wh)
    assert done.status == 200 and done.json["status"] == "HANDED_OVER", done
    assert [(line["sku"], line["qty"], line["handed"]) for line in done.json["lines"]] == [
        ("KOPI-250", 60, 50), ("TEH-350", 2, 2), ("AIR-600", 4, 0)]
    assert (done.json["requested_qty"], done.json["handed_qty"], done.json["short"]) == (66, 52, True)
    assert done.json["handed_by_name"] == "Agus Gudang"
    assert api.post(path, {"items": [{"sku": "KOPI-250", "qty": 1}]}, auth=wh).json["handed_qty"] == 52  # a second tap
    after = _stock(store)
    assert after["KOPI-250#WAREHOUSE"][0] == 0 and after["KOPI-250#CS"][0] == 60
    assert after["TEH-350#WAREHOUSE"][0] == 48 and after["TEH-350#CS"][0] == 12
    assert after["AIR-600#WAREHOUSE"] == before["AIR-600#WAREHOUSE"] and after["AIR-600#CS"] == before["AIR-600#CS"]
    moves = {e.entry_id: int(e.delta) for e in StockLedgerEntry.by_reference.query(drop["drop_id"])}
    d = drop["drop_id"]
    assert moves == {f"drop_order#{d}#KOPI-250#WAREHOUSE": -50, f"drop_order#{d}#KOPI-250#CS": 50,
                     f"drop_order#{d}#TEH-350#WAREHOUSE": -2, f"drop_order#{d}#TEH-350#CS": 2}

    # Only what was handed over can come back: no water, at most 50 coffees; all of it undoes the drop.
    ret = f"/inventory/drop-orders/{d}/return"
    assert api.post(ret, {"items": [{"sku": "AIR-600", "qty": 1}]}, auth=wh, headers=_key()).error_code == "not_in_drop_order"
    assert api.post(ret, {"items": [{"sku": "KOPI-250", "qty": 51}]}, auth=wh,
                    headers=_key()).error_code == "return_exceeds_drop"
    assert api.post(ret, {"items": [{"sku": "KOPI-250", "qty": -1}]}, auth=wh, headers=_key()).error_code == "invalid_qty"
    back = api.post(ret, {"items": [{"sku": "KOPI-250", "qty": 50}, {"sku": "TEH-350", "qty": 2}]}, auth=wh,
                    headers=_key())
    assert back.status == 200 and back.json["status"] == "CANCELLED"
    assert _stock(store) == before


def test_a_drop_order_closes_as_sold_out_once_the_cs_desk_sold_as_many(api, shop, clock):
    cs, wh, cashier = api.login_as(shop, "cs"), api.login_as(shop, "warehouse"), api.login_as(shop, "cashier")
    store = shop["store_id"]
    drop = _drop(api, cs, [{"sku": "TEH-350", "qty": 5}, {"sku": "ROTI-COK", "qty": 2}])
    api.post(f"/inventory/drop-orders/{drop['drop_id']}/handover", {"items": [{"sku": "TEH-350", "qty": 3},
                                                                              {"sku": "ROTI-COK", "qty": 2}]}, auth=wh)
    close = f"/inventory/drop-orders/{drop['drop_id']}/close"
    early = api.post(close, auth=cs)
    assert early.status == 409 and early.error_code == "not_all_sold"
    assert early.json["error"]["details"]["unsold"] == [{"sku": "ROTI-COK", "handed": 2, "sold": 0},
                                                        {"sku": "TEH-350", "handed": 3, "sold": 0}]
    assert "TEH-350 terjual 0 dari 3" in early.json["error"]["message"]

    clock.advance(seconds=5)
    paid = book(shop, [{"sku": "TEH-350", "qty": 3}, {"sku": "ROTI-COK", "qty": 1}])
    book(shop, [{"sku": "ROTI-COK", "qty": 1}])  # booked, not sold: does not count
    cash = api.post(f"/sales/{paid['order_id']}/cash", {"amount_received": paid["total"]}, auth=cashier, headers=_key())
    assert cash.json["status"] == "COMPLETED", cash
    outbox.process_due()
    still = api.post(close, auth=wh)
    assert still.error_code == "not_all_sold" and still.json["error"]["details"]["unsold"] == [
        {"sku": "ROTI-COK", "handed": 2, "sold": 1}]
    store_sale = api.post("/sales", {"items": [{"sku": "ROTI-COK", "qty": 1}], "payment_method": "CASH"},
                          auth=cashier, headers=_key())  # a store sale leaves the shop floor, not the CS desk
    assert store_sale.status == 201, store_sale
    outbox.process_due()
    assert api.post(close, auth=cs).error_code == "not_all_sold"

    second = book(shop, [{"sku": "ROTI-COK", "qty": 1}])
    api.post(f"/sales/{second['order_id']}/cash", {"amount_received": second["total"]}, auth=cashier, headers=_key())
    outbox.process_due()
    before, entries = _stock(store), _ledger_count(store)
    closed = api.post(close, auth=cs)
    assert closed.status == 200, closed
    assert (closed.json["status"], closed.json["close_reason"], closed.json["close_reason_label"]) == (
        "CLOSED", "sold", "Semua terjual")
    assert closed.json["returned"] == {} and closed.json["closed_by_name"] == "Dewi CS"
    assert (_stock(store), _ledger_count(store)) == (before, entries), "closing moves no stock"
    assert api.post(close, auth=cs).json["close_reason"] == "sold"  # a second tap
    assert api.post(close, {"keep_rest": True, "note": "disimpan"}, auth=cs).error_code == "invalid_transition"
    assert api.post(f"/inventory/drop-orders/{drop['drop_id']}/return", {"items": [{"sku": "TEH-350", "qty": 1}]},
                    auth=wh, headers=_key()).error_code == "invalid_transition"
    assert [d["drop_id"] for d in api.get("/inventory/drop-orders?status=CLOSED", auth=wh).json["drop_orders"]] == [
        drop["drop_id"]]


def test_closing_with_the_rest_kept_at_the_cs_desk_needs_a_reason(api, shop, clock):
    cs, wh = api.login_as(shop, "cs"), api.login_as(shop, "warehouse")
    store = shop["store_id"]
    drop = _drop(api, cs, [{"sku": "AIR-600", "qty": 4}])
    close = f"/inventory/drop-orders/{drop['drop_id']}/close"
    assert api.post(close, {"keep_rest": True, "note": "untuk besok"}, auth=cs).error_code == "invalid_transition"
    api.post(f"/inventory/drop-orders/{drop['drop_id']}/handover", auth=wh)
    before = _stock(store)
    for body in ({"keep_rest": True}, {"keep_rest": True, "note": " "}, {"keep_rest": True, "note": "ok"}):
        r = api.post(close, body, auth=cs)
        assert r.status == 400 and r.error_code == "reason_required", (body, r)
    assert api.post(close, {"keep_rest": "ya"}, auth=cs).error_code == "invalid_type"
    assert api.post(close, {"keep_rest": True, "note": "untuk pesanan besok"}, auth=api.login_as(shop, "cashier")).status == 403
    kept = api.post(close, {"keep_rest": True, "note": "untuk pesanan besok"}, auth=wh)
    assert kept.status == 200, kept
    assert (kept.json["status"], kept.json["close_reason"], kept.json["close_note"]) == (
        "CLOSED", "kept", "untuk pesanan besok")
    assert kept.json["close_reason_label"] == "Sisa tetap di Meja CS" and kept.json["closed_by_name"] == "Agus Gudang"
    assert _stock(store) == before
    assert int(level(store, "AIR-600").on_hand) == 14, "the four stay on the CS desk's books"
