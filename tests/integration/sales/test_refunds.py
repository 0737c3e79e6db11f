"""Refunds and voids through the API: limits, approvals, the gateway's refund API (the simulator
answers truthfully), and concurrent refunds that together would exceed what was paid."""
from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor

from chalicelib.sales.repo import OrderRecord, RefundRecord

from .test_store_sales import _ref, _sale

ADMIN = {"staff_id": "u_admin", "pin": "135790"}


def _refund(api, auth, order_id, body, key=None):
    return api.post(f"/sales/{order_id}/refunds", body, auth=auth, headers={"Idempotency-Key": key or str(uuid.uuid4())})


def _cash_sale(api, auth, items):
    order = _sale(api, auth, items, method="CASH").json
    r = api.post(f"/sales/{order['order_id']}/cash", {"amount_received": order["total"]}, auth=auth,
                 headers={"Idempotency-Key": str(uuid.uuid4())})
    assert r.json["status"] == "COMPLETED", r
    return r.json


def _qris_sale(api, auth, payments, items):
    order = _sale(api, auth, items).json
    payments.pay(_ref(order))
    payments.wait_idle()
    done = api.get(f"/sales/{order['order_id']}", auth=auth).json
    assert done["status"] == "COMPLETED", done
    return done


def test_a_cash_refund_of_one_line_needs_an_admin_pin_and_is_done_at_once(api, demo):
    cashier = api.login_as(demo, "cashier")
    sale = _cash_sale(api, cashier, [{"sku": "KOPI-250", "qty": 2}, {"sku": "TEH-350", "qty": 1}])
    body = {"lines": [{"sku": "KOPI-250", "quantity": 1, "restock": False}], "reason": "barang_rusak"}
    needs = _refund(api, cashier, sale["order_id"], body)
    assert needs.status == 403 and needs.error_code == "approval_required"
    wrong = _refund(api, cashier, sale["order_id"], dict(body, approval={"staff_id": "u_admin", "pin": "999999"}))
    assert wrong.status == 403 and wrong.error_code == "approval_pin_wrong"
    not_admin = _refund(api, cashier, sale["order_id"], dict(body, approval={"staff_id": "u_budi", "pin": "112358"}))
    assert not_admin.error_code == "approver_not_allowed"
    assert OrderRecord.get(sale["order_id"]).refunded_amount == 0, "refused: nothing changed"
    r = _refund(api, cashier, sale["order_id"], dict(body, approval=ADMIN))
    assert r.status == 201, r
    refund = r.json
    assert (refund["status"], refund["amount"], refund["tender"], refund["approved_by"]) == ("DONE", 18_000, "CASH", "u_admin")
    assert refund["refund_no"].endswith("-R1") and refund["receipt_token"]
    order = OrderRecord.get(sale["order_id"])
    assert (order.refunded_amount, order.refunded_qty, order.status) == (18_000, {"KOPI-250": 1}, "COMPLETED")
    assert "approval" not in str(RefundRecord.get(sale["order_id"], refund["refund_id"]).note or "")


def test_more_than_was_sold_or_paid_is_refused(api, demo):
    admin = api.login_as(demo, "admin")
    sale = _cash_sale(api, admin, [{"sku": "KOPI-250", "qty": 1}])
    too_many = _refund(api, admin, sale["order_id"], {"lines": [{"sku": "KOPI-250", "quantity": 2}], "reason": "salah_input"})
    assert too_many.status == 409 and too_many.error_code == "refund_qty_exceeds_sold"
    other = _refund(api, admin, sale["order_id"], {"lines": [{"sku": "TEH-350", "quantity": 1}], "reason": "salah_input"})
    assert other.status == 400 and other.error_code == "refund_sku_not_sold"
    assert _refund(api, admin, sale["order_id"], {"reason": "nope"}).error_code == "invalid_refund_reason"
    assert _refund(api, admin, sale["order_id"], {"reason": "lainnya"}).error_code == "invalid_refund_note"
    assert _refund(api, admin, sale["order_id"], {"reason": "salah_input", "tender": "QRIS"}).error_code == "invalid_refund_tender"
    full = _refund(api, admin, sale["order_id"], {"reason": "pelanggan_batal", "lines": [{"sku": "KOPI-250", "quantity": 1,
                                                                                          "restock": False}]})
    assert full.status == 201 and full.json["amount"] == 18_000
    again = _refund(api, admin, sale["order_id"], {"reason": "pelanggan_batal"})
    assert again.status == 409 and again.error_code == "already_refunded"
    other_store = api.post("/sales/nope/refunds", {"reason": "salah_input"}, auth=admin,
                           headers={"Idempotency-Key": str(uuid.uuid4())})
    assert other_store.status == 404


def test_concurrent_refunds_never_exceed_what_was_paid(api, demo):
    admin = api.login_as(demo, "admin")
    sale = _cash_sale(api, admin, [{"sku": "KOPI-250", "qty": 3}])
    body = {"lines": [{"sku": "KOPI-250", "quantity": 2, "restock": False}], "reason": "salah_input"}
    with ThreadPoolExecutor(max_workers=4) as pool:
        answers = list(pool.map(lambda _: _refund(api, admin, sale["order_id"], body), range(4)))
    done = [a for a in answers if a.status == 201]
    assert len(done) == 1, answers  # 2 + 2 > 3 sold: only one can be
    assert {a.error_code for a in answers if a.status != 201} <= {"refund_qty_exceeds_sold", "refund_busy"}
    order = OrderRecord.get(sale["order_id"])
    assert (order.refunded_amount, order.refunded_qty) == (36_000, {"KOPI-250": 2})


def test_a_qris_refund_goes_back_through_the_gateway(api, demo, payments):
    admin = api.login_as(demo, "admin")
    sale = _qris_sale(api, admin, payments, [{"sku": "KOPI-250", "qty": 2}])
    r = _refund(api, admin, sale["order_id"], {"lines": [{"sku": "KOPI-250", "quantity": 1, "restock": False}],
                                               "reason": "barang_rusak"})
    assert r.status == 201, r
    assert (r.json["status"], r.json["tender"], r.json["amount"]) == ("DONE", "QRIS", 18_000)
    at_gateway = payments.refunds(_ref(sale))
    assert [(x["refund_key"], x["amount"]) for x in at_gateway] == [(r.json["refund_id"], 18_000)]


def test_a_qris_refund_the_gateway_refuses_gives_back_what_it_reserved(api, demo, payments):
    admin = api.login_as(demo, "admin")
    sale = _qris_sale(api, admin, payments, [{"sku": "KOPI-250", "qty": 2}])
    payments.set_refund_mode("partial_not_supported", ref=_ref(sale))
    r = _refund(api, admin, sale["order_id"], {"lines": [{"sku": "KOPI-250", "quantity": 1, "restock": False}],
                                               "reason": "barang_rusak"})
    assert r.status == 201 and r.json["status"] == "FAILED" and r.json["failure_code"], r
    order = OrderRecord.get(sale["order_id"])
    assert (order.refunded_amount, order.refunded_qty) == (0, {})
    cash = _refund(api, admin, sale["order_id"], {"lines": [{"sku": "KOPI-250", "quantity": 1, "restock": False}],
                                                  "reason": "barang_rusak", "tender": "CASH"})
    assert cash.json["status"] == "DONE" and cash.json["tender"] == "CASH"


def test_a_pending_qris_refund_is_finished_by_the_gateways_notification(api, demo, payments):
    admin = api.login_as(demo, "admin")
    sale = _qris_sale(api, admin, payments, [{"sku": "KOPI-250", "qty": 1}])
    payments.set_refund_mode("pending", ref=_ref(sale))
    r = _refund(api, admin, sale["order_id"], {"reason": "pelanggan_batal", "lines": [{"sku": "KOPI-250", "quantity": 1,
                                                                                       "restock": False}]})
    assert r.json["status"] == "PENDING", r
    payments.complete_refund(r.json["refund_id"])
    payments.wait_idle()
    rec = RefundRecord.get(sale["order_id"], r.json["refund_id"])
    assert rec.status == "DONE" and rec.done_at


def test_a_refund_left_pending_is_finished_by_the_sweeper(api, demo, payments, clock):
    from chalicelib.sales import refunds

    admin = api.login_as(demo, "admin")
    sale = _qris_sale(api, admin, payments, [{"sku": "KOPI-250", "qty": 1}])
    payments.set_refund_mode("pending", ref=_ref(sale))
    r = _refund(api, admin, sale["order_id"], {"reason": "pelanggan_batal", "lines": [{"sku": "KOPI-250", "quantity": 1,
                                                                                       "restock": False}]})
    payments.callback_url = None  # no notification will come
    payments.complete_refund(r.json["refund_id"])
    assert refunds.sweep() == {}  # not due yet
    clock.advance(seconds=61)
    assert refunds.sweep() == {"done": 1}
    assert RefundRecord.get(sale["order_id"], r.json["refund_id"]).status == "DONE"


def test_a_late_payment_is_refunded_whole_from_the_decisions_list(api, demo, payments, clock):
    admin = api.login_as(demo, "admin")
    order = _sale(api, admin, [{"sku": "KOPI-250", "qty": 1}]).json
    payments.pay(_ref(order), amount=17_000)  # underpaid: NEEDS_REVIEW
    payments.wait_idle()
    assert api.get(f"/sales/{order['order_id']}", auth=admin).json["status"] == "NEEDS_REVIEW"
    part = _refund(api, admin, order["order_id"], {"reason": "jumlah_tidak_sesuai",
                                                    "lines": [{"sku": "KOPI-250", "quantity": 1}]})
    assert part.error_code == "refund_whole_payment_only"
    r = _refund(api, admin, order["order_id"], {"reason": "jumlah_tidak_sesuai"})
    assert r.status == 201 and (r.json["status"], r.json["amount"], r.json["tender"]) == ("DONE", 17_000, "QRIS"), r
    assert api.get(f"/sales/{order['order_id']}", auth=admin).json["status"] == "REFUNDED"
    assert order["order_id"] not in [o["order_id"] for o in api.get("/sales/decisions", auth=admin).json["orders"]]


def test_a_void_is_a_full_refund_of_todays_sale(api, demo):
    cashier = api.login_as(demo, "cashier")
    sale = _cash_sale(api, cashier, [{"sku": "KOPI-250", "qty": 1}])
    key = str(uuid.uuid4())
    body = {"reason": "salah_input"}
    needs = api.post(f"/sales/{sale['order_id']}/void", body, auth=cashier, headers={"Idempotency-Key": key})
    assert needs.error_code == "approval_required"
    r = api.post(f"/sales/{sale['order_id']}/void", dict(body, approval=ADMIN), auth=cashier,
                 headers={"Idempotency-Key": str(uuid.uuid4())})
    assert r.status == 201 and (r.json["kind"], r.json["status"], r.json["amount"]) == ("VOID", "DONE", 18_000), r
    assert api.get(f"/sales/{sale['order_id']}", auth=cashier).json["status"] == "VOIDED"


def test_restocked_lines_go_back_to_the_shop_floor_once_and_the_figures_show_the_refund(api, demo):
    from chalicelib.core import outbox
    from chalicelib.core.clock import get_clock, local_day
    from chalicelib.reports import repo as reports

    from .test_store_sales import _stock

    admin = api.login_as(demo, "admin")
    sale = _cash_sale(api, admin, [{"sku": "KOPI-250", "qty": 3}])
    outbox.process_due()
    before = _stock("KOPI-250")
    r = _refund(api, admin, sale["order_id"], {"reason": "barang_rusak",
                                               "lines": [{"sku": "KOPI-250", "quantity": 2, "restock": True}]})
    assert r.status == 201, r
    outbox.process_due()
    outbox.process_due()  # a redelivery changes nothing
    assert _stock("KOPI-250") == before + 2
    day = reports.day_counters(demo["store_id"], local_day(get_clock().now_s(), "Asia/Jakarta"))
    assert (day["refunds_count"], day["refunded"], day["refund_method#CASH"]) == (1, 36_000, 36_000)


def test_a_supervisor_approves_a_cashiers_refund_and_needs_no_approval_for_their_own(api, demo):
    admin = api.login_as(demo, "admin")
    made = api.post("/staff", {"name": "Sinta Supervisor", "role": "supervisor", "pin": "739184"}, auth=admin)
    sup_id = made.json["staff_id"]
    cashier = api.login_as(demo, "cashier")
    sale = _cash_sale(api, cashier, [{"sku": "KOPI-250", "qty": 2}])
    line = {"lines": [{"sku": "KOPI-250", "quantity": 1, "restock": False}], "reason": "salah_input"}
    r = _refund(api, cashier, sale["order_id"], dict(line, approval={"staff_id": sup_id, "pin": "739184"}))
    assert r.status == 201 and r.json["approved_by"] == sup_id and r.json["approved_by_name"] == "Sinta Supervisor"
    sup = api.login(demo["backoffice_device_token"], sup_id, "739184")
    own = _refund(api, sup, sale["order_id"], line)
    assert own.status == 201 and own.json["approved_by"] is None


def test_the_store_decides_who_may_void_without_approval(api, demo):
    admin = api.login_as(demo, "admin")
    made = api.post("/staff", {"name": "Sinta Supervisor", "role": "supervisor", "pin": "739184"}, auth=admin).json
    sup = api.login(demo["backoffice_device_token"], made["staff_id"], "739184")
    bad = api.patch("/store/settings", {"void_without_approval": ["owner"]}, auth=admin)
    assert bad.status == 400 and bad.error_code == "invalid_setting"
    r = api.patch("/store/settings", {"void_without_approval": ["cashier"]}, auth=admin)
    assert r.status == 200 and r.json["void_without_approval"] == ["cashier", "admin"]
    cashier = api.login_as(demo, "cashier")
    sale = _cash_sale(api, cashier, [{"sku": "KOPI-250", "qty": 1}])
    ok = api.post(f"/sales/{sale['order_id']}/void", {"reason": "salah_input"}, auth=cashier,
                  headers={"Idempotency-Key": str(uuid.uuid4())})
    assert ok.status == 201 and ok.json["approved_by"] is None, ok
    api.patch("/store/settings", {"void_without_approval": []}, auth=admin)  # only admins now
    other = _cash_sale(api, cashier, [{"sku": "KOPI-250", "qty": 1}])
    needs = api.post(f"/sales/{other['order_id']}/void", {"reason": "salah_input"}, auth=sup,
                     headers={"Idempotency-Key": str(uuid.uuid4())})
    assert needs.status == 403 and needs.error_code == "approval_required"
