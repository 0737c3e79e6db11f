"""Sales history through the API (issue 16, items 1 and 7): a store's orders of one store-local day,
newest first, in pages; search by order number, phone as people type it and name; filters by
status, payment method and refunds; never another store's orders. And one sale opened with its
refunds and what is left of each line, and an approval sent again under the same Idempotency-Key."""
from __future__ import annotations

import uuid
from datetime import datetime
from zoneinfo import ZoneInfo

from chalicelib.sales.repo import OrderRecord

from .test_refunds import ADMIN, _cash_sale, _refund
from .test_store_sales import _sale

WIB = ZoneInfo("Asia/Jakarta")
AYU_PHONE = "0812-3456-7890"


def _at(*args) -> float:
    return datetime(*args, tzinfo=WIB).timestamp()


def _shopper(api, auth, phone, name):
    r = api.post("/shoppers", {"phone": phone, "name": name, "consent": True}, auth=auth,
                 headers={"Idempotency-Key": str(uuid.uuid4())})
    assert r.status in (200, 201), r
    return r.json


def _paid_cash(api, auth, items, shopper_id=None):
    body = {"items": items, "payment_method": "CASH", "shopper_id": shopper_id}
    order = api.post("/sales", body, auth=auth, headers={"Idempotency-Key": str(uuid.uuid4())}).json
    r = api.post(f"/sales/{order['order_id']}/cash", {"amount_received": order["total"]}, auth=auth,
                 headers={"Idempotency-Key": str(uuid.uuid4())})
    assert r.json["status"] == "COMPLETED", r
    return r.json


def _history(api, auth, **params):
    query = "&".join(f"{k}={v}" for k, v in params.items() if v is not None)
    r = api.get("/sales" + (f"?{query}" if query else ""), auth=auth)
    assert r.status == 200, r
    return r.json


def _nos(page) -> list[str]:
    return [row["order_no"] for row in page["sales"]]


def _elsewhere(order_no: str, day: str, **fields) -> OrderRecord:
    """An order of another store (the same merchant's shopper, the same number): written directly."""
    created = _at(*map(int, day.split("-")), 9, 0)
    rec = OrderRecord(order_id="o_other_" + uuid.uuid4().hex[:8], order_no=order_no, kind="STORE_SALE", status="COMPLETED",
                      merchant_id="m_demo", store_id="s_other", store_day=f"s_other#{day}", created_at=int(created),
                      created_by="u_other", items=[{"sku": "KOPI-250", "name": "Kopi", "qty": 1, "unit_price": 18_000,
                                                    "line_total": 18_000}],
                      subtotal=18_000, total=18_000, payment_method="CASH", paid_amount=18_000, **fields)
    rec.save()
    return rec


def test_a_day_newest_first_in_pages_with_what_each_row_shows_and_no_other_stores(api, demo, clock):
    clock.set(_at(2026, 11, 23, 20, 0))
    cashier = api.login_as(demo, "cashier")
    yesterday = _paid_cash(api, cashier, [{"sku": "TEH-350", "qty": 1}])
    ayu = _shopper(api, cashier, AYU_PHONE, "Ayu Lestari")
    clock.set(_at(2026, 11, 24, 8, 0))
    cashier = api.login_as(demo, "cashier")
    made = []
    for minute, items in enumerate([[{"sku": "KOPI-250", "qty": 2}], [{"sku": "TEH-350", "qty": 1}],
                                    [{"sku": "AIR-600", "qty": 3}], [{"sku": "KOPI-250", "qty": 1}]]):
        clock.set(_at(2026, 11, 24, 9, minute))
        made.append(_paid_cash(api, cashier, items, shopper_id=ayu["shopper_id"] if minute == 1 else None))
    _elsewhere(made[0]["order_no"][:5] + "ZZZZZ", "2026-11-24", shopper_id=ayu["shopper_id"])
    clock.set(_at(2026, 11, 24, 12, 0))

    first = _history(api, cashier, limit=3)
    newest_first = [o["order_no"] for o in reversed(made)]
    assert (first["day"], first["today"], first["count"]) == ("2026-11-24", "2026-11-24", 4)
    assert _nos(first) == newest_first[:3] and first["next_cursor"]
    rest = _history(api, cashier, limit=3, cursor=first["next_cursor"])
    assert _nos(rest) == newest_first[3:] and rest["next_cursor"] is None
    everything = _history(api, cashier)
    assert _nos(everything) == newest_first, "the other store's order of the same day never shows"

    row = next(r for r in everything["sales"] if r["order_id"] == made[1]["order_id"])
    assert row == {
        "order_id": made[1]["order_id"], "order_no": made[1]["order_no"], "kind": "STORE_SALE", "day": "2026-11-24",
        "created_at": int(_at(2026, 11, 24, 9, 1)), "time": "09:01", "total": made[1]["total"], "status": "COMPLETED",
        "status_label": "Selesai", "method": "CASH", "issuer": None, "items_count": 1,
        "shopper": {"name": "Ayu Lestari", "phone_masked": "0812-****-7890"}, "refunded_amount": 0,
        "refunds_count": 0, "refund_pending": False}
    assert next(r for r in everything["sales"] if r["order_id"] == made[0]["order_id"])["shopper"] is None

    day_before = _history(api, cashier, day="2026-11-23")
    assert _nos(day_before) == [yesterday["order_no"]] and day_before["today"] == "2026-11-24"
    assert _history(api, cashier, day="2026-11-22")["sales"] == []
    for bad in ("23-11-2026", "2026-02-30", "kemarin"):
        r = api.get(f"/sales?day={bad}", auth=cashier)
        assert r.status == 400 and r.error_code == "invalid_day", bad
    assert api.get("/sales?cursor=bukan-kursor", auth=cashier).error_code == "invalid_cursor"


def test_search_by_number_phone_as_typed_and_name(api, demo, clock):
    clock.set(_at(2026, 11, 23, 9, 0))
    cashier = api.login_as(demo, "cashier")
    ayu = _shopper(api, cashier, AYU_PHONE, "Ayu Lestari")
    budi = _shopper(api, cashier, "0813 1111 2222", "Budi Santoso")
    a1 = _paid_cash(api, cashier, [{"sku": "KOPI-250", "qty": 1}], ayu["shopper_id"])
    clock.advance(60)
    b1 = _paid_cash(api, cashier, [{"sku": "TEH-350", "qty": 1}], budi["shopper_id"])
    clock.advance(60)
    a2 = _paid_cash(api, cashier, [{"sku": "AIR-600", "qty": 1}], ayu["shopper_id"])
    clock.advance(60)
    nobody = _paid_cash(api, cashier, [{"sku": "AIR-600", "qty": 2}])
    _elsewhere("2311-ZZZZZ", "2026-11-23", shopper_id=ayu["shopper_id"], customer={"name": "Ayu Lain", "phone": "+6281234567890"})

    def found(q):
        return _nos(_history(api, cashier, q=q))

    # the order number: exact, its start, lower case without the dash
    assert found(b1["order_no"]) == [b1["order_no"]]
    assert found(b1["order_no"].lower().replace("-", "")) == [b1["order_no"]]
    assert found(b1["order_no"][:7]) == [b1["order_no"]]
    assert set(found(b1["order_no"][:4])) == {a1["order_no"], b1["order_no"], a2["order_no"], nobody["order_no"]}
    # the phone as people type it, whole or in part
    for typed in (AYU_PHONE, "081234567890", "+62 812-3456-7890", "62812 3456 7890"):
        assert found(typed) == [a2["order_no"], a1["order_no"]], typed
    assert found("3456-78") == [a2["order_no"], a1["order_no"]]
    assert found("0813-1111") == [b1["order_no"]]
    assert found("0857 0000 0000") == []
    # part of the name, whatever its case
    assert found("ayu") == [a2["order_no"], a1["order_no"]]
    assert found("SANTOSO") == [b1["order_no"]]
    assert found("lain") == [], "another store's order is never found, not even by name"
    assert found("2311-ZZZZZ") == [], "... nor by its number"
    # a search with a filter
    assert _nos(_history(api, cashier, q="ayu", status="CANCELLED")) == []


def test_a_whole_order_number_finds_the_sale_of_another_day(api, demo, clock):
    clock.set(_at(2026, 11, 23, 10, 0))
    cashier = api.login_as(demo, "cashier")
    last_week = _paid_cash(api, cashier, [{"sku": "KOPI-250", "qty": 1}])
    clock.set(_at(2026, 11, 30, 10, 0))
    cashier = api.login_as(demo, "cashier")
    today = _history(api, cashier, q=last_week["order_no"])
    assert _nos(today) == [last_week["order_no"]] and today["sales"][0]["day"] == "2026-11-23"
    assert _history(api, cashier, q=last_week["order_no"][:7])["sales"] == [], "only a whole number leaves the day"


def test_filters_by_status_method_and_refunds(api, demo, payments, clock):
    clock.set(_at(2026, 11, 23, 9, 0))
    cashier = api.login_as(demo, "cashier")
    admin = api.login_as(demo, "admin")
    cash = _cash_sale(api, cashier, [{"sku": "KOPI-250", "qty": 2}])
    clock.advance(60)
    refunded = _cash_sale(api, cashier, [{"sku": "TEH-350", "qty": 2}])
    r = _refund(api, admin, refunded["order_id"], {"lines": [{"sku": "TEH-350", "quantity": 1, "restock": False}],
                                                   "reason": "barang_rusak"})
    assert r.status == 201, r
    clock.advance(60)
    voided = _cash_sale(api, cashier, [{"sku": "AIR-600", "qty": 1}])
    assert api.post(f"/sales/{voided['order_id']}/void", {"reason": "salah_input"}, auth=admin,
                    headers={"Idempotency-Key": str(uuid.uuid4())}).status == 201
    clock.advance(60)
    qris = _sale(api, cashier, [{"sku": "KOPI-250", "qty": 1}]).json  # its QR is on screen
    clock.advance(60)
    cancelled = _sale(api, cashier, [{"sku": "TEH-350", "qty": 1}], method="CASH").json
    assert api.post(f"/sales/{cancelled['order_id']}/cancel", auth=cashier).json["status"] == "CANCELLED"

    def nos(**params):
        return set(_nos(_history(api, cashier, **params)))

    assert nos(status="COMPLETED") == {cash["order_no"], refunded["order_no"]}
    assert nos(status="VOIDED,CANCELLED") == {voided["order_no"], cancelled["order_no"]}
    assert nos(status="awaiting_payment") == {qris["order_no"]}
    assert nos(status="REFUNDS") == {refunded["order_no"], voided["order_no"]}
    assert nos(method="QRIS") == {qris["order_no"]}
    assert nos(method="CASH", status="COMPLETED") == {cash["order_no"], refunded["order_no"]}
    rows = {row["order_no"]: row for row in _history(api, cashier)["sales"]}
    assert (rows[refunded["order_no"]]["refunded_amount"], rows[refunded["order_no"]]["refunds_count"]) == (8_000, 1)
    assert (rows[voided["order_no"]]["status_label"], rows[voided["order_no"]]["refunds_count"]) == ("Dibatalkan (void)", 1)
    assert rows[cancelled["order_no"]]["method"] is None
    assert api.get("/sales?status=HILANG", auth=cashier).error_code == "invalid_status"
    assert api.get("/sales?method=KARTU", auth=cashier).error_code == "invalid_method"


def test_an_opened_sale_shows_its_refunds_and_what_is_left_of_each_line(api, demo, clock):
    clock.set(_at(2026, 11, 23, 9, 0))
    cashier = api.login_as(demo, "cashier")
    ayu = _shopper(api, cashier, AYU_PHONE, "Ayu Lestari")
    sale = _paid_cash(api, cashier, [{"sku": "KOPI-250", "qty": 3}, {"sku": "TEH-350", "qty": 1}], ayu["shopper_id"])
    opened = api.get(f"/sales/{sale['order_id']}", auth=cashier).json
    assert (opened["refunds"], opened["refunded_amount"], opened["refunded_qty"]) == ([], 0, {})
    assert (opened["can_refund"], opened["can_void"], opened["refundable_amount"]) == (True, True, sale["total"])
    assert opened["cashier_name"] == "Sari Kasir" and opened["shopper"] == {"name": "Ayu Lestari",
                                                                            "phone_masked": "0812-****-7890"}

    r = _refund(api, cashier, sale["order_id"], {"lines": [{"sku": "KOPI-250", "quantity": 2, "restock": True}],
                                                 "reason": "barang_rusak", "approval": ADMIN})
    assert r.status == 201 and r.json["status"] == "DONE", r
    opened = api.get(f"/sales/{sale['order_id']}", auth=cashier).json
    assert [(x["refund_id"], x["status"], x["amount"]) for x in opened["refunds"]] == [(r.json["refund_id"], "DONE", 36_000)]
    assert (opened["refunded_amount"], opened["refunded_qty"]) == (36_000, {"KOPI-250": 2})
    assert {line["sku"]: (line["sold"], line["refunded"], line["left"]) for line in opened["lines"]} == {
        "KOPI-250": (3, 2, 1), "TEH-350": (1, 0, 1)}
    assert (opened["can_refund"], opened["can_void"], opened["refundable_amount"]) == (True, False, sale["total"] - 36_000)

    clock.set(_at(2026, 11, 24, 9, 0))
    cashier = api.login_as(demo, "cashier")
    other = _paid_cash(api, cashier, [{"sku": "AIR-600", "qty": 1}])
    clock.set(_at(2026, 11, 25, 9, 0))
    cashier = api.login_as(demo, "cashier")
    assert api.get(f"/sales/{other['order_id']}", auth=cashier).json["can_void"] is False, "a void is for today's sales"
    assert api.get("/sales/o_unknown", auth=cashier).status == 404


def test_an_approval_goes_again_under_the_same_idempotency_key(api, demo):
    cashier = api.login_as(demo, "cashier")
    sale = _cash_sale(api, cashier, [{"sku": "KOPI-250", "qty": 2}])
    key = str(uuid.uuid4())
    body = {"lines": [{"sku": "KOPI-250", "quantity": 1, "restock": True}], "reason": "barang_rusak"}
    assert _refund(api, cashier, sale["order_id"], body, key).error_code == "approval_required"
    wrong = _refund(api, cashier, sale["order_id"], dict(body, approval={"staff_id": "u_admin", "pin": "000000"}), key)
    assert wrong.status == 403 and wrong.error_code == "approval_pin_wrong"
    done = _refund(api, cashier, sale["order_id"], dict(body, approval=ADMIN), key)
    assert done.status == 201 and done.json["status"] == "DONE" and done.json["approved_by"] == "u_admin", done
    again = _refund(api, cashier, sale["order_id"], dict(body, approval=ADMIN), key)
    assert (again.status, again.json["refund_id"]) == (201, done.json["refund_id"]), "a lost answer comes back as it was"
    other = _refund(api, cashier, sale["order_id"], dict(body, reason="salah_input", approval=ADMIN), key)
    assert other.status == 422 and other.error_code == "idempotency_key_reused"
    assert OrderRecord.get(sale["order_id"]).refunded_qty == {"KOPI-250": 1}, "refunded once"

    void_key = str(uuid.uuid4())
    sale = _cash_sale(api, cashier, [{"sku": "TEH-350", "qty": 1}])
    assert api.post(f"/sales/{sale['order_id']}/void", {"reason": "salah_input"}, auth=cashier,
                    headers={"Idempotency-Key": void_key}).error_code == "approval_required"
    voided = api.post(f"/sales/{sale['order_id']}/void", {"reason": "salah_input", "approval": ADMIN}, auth=cashier,
                      headers={"Idempotency-Key": void_key})
    assert voided.status == 201 and voided.json["kind"] == "VOID", voided
