"""Store sales end to end in-process: our Midtrans adapter talks to the gateway simulator over
HTTP and the simulator calls our callback route over HTTP."""
from __future__ import annotations

import threading
import uuid

from chalicelib.core import outbox
from chalicelib.inventory.repo import StockLedgerEntry, StockRecord
from chalicelib.payments import qris
from chalicelib.core.inbox import InboxRecord
from chalicelib.sales.repo import OrderRecord
from chalicelib.sales.service import sweep_payments
from infra.local import seed


def _sale(api, auth, items, method="QRIS", key=None):
    return api.post("/sales", {"items": items, "payment_method": method}, auth=auth,
                    headers={"Idempotency-Key": key or str(uuid.uuid4())})


def _ref(order):
    return f"{order['order_id']}-{order['attempt']}"


def _stock(sku, location="SHOP"):
    return int(StockRecord.get("s_demo", f"{sku}#{location}").on_hand)


def test_qris_sale_priced_from_catalog_paid_by_callback_completes_once(api, demo, payments):
    cashier = api.login_as(demo, "cashier")
    r = _sale(api, cashier, [{"sku": "KOPI-250", "qty": 2}, {"barcode": seed.ean13(2), "qty": 1}])
    assert r.status == 201, r
    order = r.json
    assert order["status"] == "AWAITING_PAYMENT" and order["total"] == 2 * 18_000 + 8_000
    payload = qris.parse(order["qr_string"])
    assert payload.is_dynamic and payload.amount == order["total"]
    assert order["expires_at"] > 0
    payments.pay(_ref(order), issuer="gopay")
    payments.wait_idle()
    done = api.post(f"/sales/{order['order_id']}/status", auth=cashier).json
    assert done["status"] == "COMPLETED" and done["payment"]["issuer"] == "gopay" and done["receipt_token"]
    before = _stock("KOPI-250")
    outbox.process_due()
    assert _stock("KOPI-250") == before - 2
    receipt = api.get(f"/receipts/{done['receipt_token']}")
    assert receipt.status == 200 and receipt.json["order_number"] == order["order_no"]


def test_client_prices_are_never_used(api, demo, payments):
    cashier = api.login_as(demo, "cashier")
    r = api.post("/sales", {"items": [{"sku": "KOPI-250", "qty": 1, "price": 1}]}, auth=cashier,
                 headers={"Idempotency-Key": "p1"})
    assert r.status == 400 and r.error_code == "unknown_field"
    assert _sale(api, cashier, [{"sku": "NOPE", "qty": 1}]).status == 404
    assert _sale(api, cashier, [{"sku": "KOPI-250", "qty": 0}]).status == 400
    assert _sale(api, cashier, []).status == 400


def test_same_idempotency_key_returns_the_same_order_and_qr(api, demo, payments):
    cashier = api.login_as(demo, "cashier")
    a = _sale(api, cashier, [{"sku": "TEH-350", "qty": 1}], key="same")
    b = _sale(api, cashier, [{"sku": "TEH-350", "qty": 1}], key="same")
    assert a.json["order_id"] == b.json["order_id"] and a.json["qr_string"] == b.json["qr_string"]
    assert len([t for t in payments.transactions() if t["order_id"].startswith(a.json["order_id"])]) == 1


def test_bad_signature_is_refused_and_changes_nothing(api, demo, payments):
    cashier = api.login_as(demo, "cashier")
    order = _sale(api, cashier, [{"sku": "AIR-600", "qty": 1}]).json
    body = {"order_id": _ref(order), "status_code": "200", "gross_amount": f"{order['total']}.00",
            "transaction_status": "settlement", "transaction_id": "x", "signature_key": "0" * 128,
            "payment_type": "qris", "fraud_status": "accept"}
    r = api.post("/callbacks/midtrans", body)
    assert r.status == 401
    assert OrderRecord.get(order["order_id"]).status == "AWAITING_PAYMENT"
    assert InboxRecord.count() == 0


def test_twenty_concurrent_duplicate_callbacks_and_status_checks_complete_once(api, demo, payments):
    cashier = api.login_as(demo, "cashier")
    order = _sale(api, cashier, [{"sku": "ROTI-COK", "qty": 3}]).json
    payments.pay(_ref(order), duplicates=20, concurrent=True)
    checks = [threading.Thread(target=lambda: api.post(f"/sales/{order['order_id']}/status", auth=cashier))
              for _ in range(20)]
    for t in checks:
        t.start()
    for t in checks:
        t.join()
    payments.wait_idle(timeout=20)
    rec = OrderRecord.get(order["order_id"])
    assert rec.status == "COMPLETED" and "double_payment" not in rec.flags
    effects = [i.effect_id for i in outbox.OutboxItem.scan() if order["order_id"] in i.effect_id]
    assert sorted(effects) == sorted([f"stock#{order['order_id']}", f"receipt-print#{order['order_id']}"])
    outbox.process_due()
    outbox.process_due()
    entries = list(StockLedgerEntry.by_reference.query(order["order_id"]))
    assert [(e.sku, int(e.delta)) for e in entries] == [("ROTI-COK", -3)]


def test_failed_qr_then_coba_lagi_opens_one_new_qr(api, demo, payments):
    cashier = api.login_as(demo, "cashier")
    order = _sale(api, cashier, [{"sku": "GULA-1", "qty": 1}]).json
    payments.fail(_ref(order))
    payments.wait_idle()
    failed = api.post(f"/sales/{order['order_id']}/status", auth=cashier).json
    assert failed["status"] == "FAILED" and failed["failure_reason"] and failed["qr_string"] is None
    r1 = api.post(f"/sales/{order['order_id']}/retry", auth=cashier, headers={"Idempotency-Key": "r1"})
    r2 = api.post(f"/sales/{order['order_id']}/retry", auth=cashier, headers={"Idempotency-Key": "r2"})
    assert r1.json["status"] == "AWAITING_PAYMENT" and r1.json["attempt"] == 2
    assert r2.json["attempt"] == 2 and r2.json["qr_string"] == r1.json["qr_string"]
    live = [t for t in payments.transactions()
            if t["order_id"].startswith(order["order_id"]) and t["status"] == "pending"]
    assert len(live) == 1


def test_retry_while_first_qr_is_being_paid_never_leaves_two_live(api, demo, payments):
    """Our side marked the attempt failed (say, a timeout), but the QR is live at the gateway and the
    shopper pays it exactly while the cashier taps "Coba lagi"."""
    from chalicelib.sales.completion import record_unpaid_end
    from infra.local.gateway_sim import SimError

    cashier = api.login_as(demo, "cashier")
    for round_ in range(3):
        order = _sale(api, cashier, [{"sku": "GULA-1", "qty": 1}]).json
        record_unpaid_end(order["order_id"], 1, "failed", "timeout")
        outcome = {}

        def pay():
            try:
                outcome["pay"] = payments.pay(_ref(order))
            except SimError as exc:  # the cancel won the race
                outcome["pay"] = exc

        def retry():
            outcome["retry"] = api.post(f"/sales/{order['order_id']}/retry", auth=cashier,
                                        headers={"Idempotency-Key": f"race-{round_}"})

        threads = [threading.Thread(target=pay), threading.Thread(target=retry)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        payments.wait_idle()
        mine = [t for t in payments.transactions() if t["order_id"].startswith(order["order_id"])]
        live = [t for t in mine if t["status"] == "pending"]
        paid = [t for t in mine if t["status"] == "settlement"]
        assert len(live) + len(paid) <= 1, mine
        final = OrderRecord.get(order["order_id"])
        if paid:
            assert final.status in ("PAID_LATE", "COMPLETED"), final.status
        else:
            assert final.status == "AWAITING_PAYMENT" and final.attempt == 2


def test_scheduler_finds_lost_callbacks_and_expires_overdue(api, demo, payments, clock):
    cashier = api.login_as(demo, "cashier")
    lost = _sale(api, cashier, [{"sku": "TELUR-10", "qty": 1}]).json
    overdue = _sale(api, cashier, [{"sku": "MIE-GRG", "qty": 2}]).json
    payments.callback_url = None  # the notification never reaches us
    payments.pay(_ref(lost))
    clock.advance(minutes=3)
    sweep_payments()
    assert OrderRecord.get(lost["order_id"]).status == "COMPLETED"
    clock.advance(minutes=13)
    sweep_payments()
    assert OrderRecord.get(overdue["order_id"]).status == "EXPIRED"
    sim_tx = [t for t in payments.transactions() if t["order_id"].startswith(overdue["order_id"])]
    assert sim_tx and all(t["status"] in ("cancel", "expire") for t in sim_tx)


def test_late_payment_after_expiry_is_flagged_never_dropped(api, demo, payments, clock):
    """The real late case: the shopper pays just before the QR expires, the notification reaches us
    only after our own expiry. The gateway confirms the payment: PAID_LATE for staff, never dropped."""
    cashier = api.login_as(demo, "cashier")
    order = _sale(api, cashier, [{"sku": "MADU-250", "qty": 1}]).json
    clock.advance(minutes=14)
    payments.pay(_ref(order), delay_ms=800)  # paid at the gateway now; the notification is late
    clock.advance(minutes=2)
    rec = OrderRecord.get(order["order_id"])
    from chalicelib.sales.service import record_unpaid_end_for_expiry

    record_unpaid_end_for_expiry(rec)  # our side expired it before the notification came
    assert OrderRecord.get(order["order_id"]).status == "EXPIRED"
    payments.wait_idle()
    rec = OrderRecord.get(order["order_id"])
    assert rec.status == "PAID_LATE" and "late_payment" in rec.flags
    [waiting] = api.get("/sales/decisions", auth=cashier).json["orders"]  # staff see it in one list
    assert waiting["order_id"] == order["order_id"] and waiting["reasons"][0]["code"] == "late_payment"


def test_out_of_order_pending_after_settlement_never_moves_back(api, demo, payments):
    cashier = api.login_as(demo, "cashier")
    order = _sale(api, cashier, [{"sku": "TISU-250", "qty": 1}]).json
    payments.pay(_ref(order))
    payments.wait_idle()
    payments.replay(_ref(order), ["pending", "expire"])
    payments.wait_idle()
    assert OrderRecord.get(order["order_id"]).status == "COMPLETED"


def test_cash_payment_with_change_cancels_the_qr(api, demo, payments):
    cashier = api.login_as(demo, "cashier")
    order = _sale(api, cashier, [{"sku": "BERAS-5", "qty": 1}]).json
    short = api.post(f"/sales/{order['order_id']}/cash", {"amount_received": 50_000}, auth=cashier,
                     headers={"Idempotency-Key": "c0"})
    assert short.status == 409 and short.error_code == "cash_insufficient"
    r = api.post(f"/sales/{order['order_id']}/cash", {"amount_received": 100_000}, auth=cashier,
                 headers={"Idempotency-Key": "c1"})
    assert r.status == 200 and r.json["status"] == "COMPLETED"
    assert r.json["payment"]["method"] == "CASH" and r.json["payment"]["change"] == 22_000
    sim_tx = [t for t in payments.transactions() if t["order_id"].startswith(order["order_id"])]
    assert [t["status"] for t in sim_tx] == ["cancel"]
    bad = api.post(f"/sales/{order['order_id']}/cash", {"amount_received": 1.5}, auth=cashier,
                   headers={"Idempotency-Key": "c2"})
    assert bad.status == 400


def test_another_store_gets_404_and_warehouse_cannot_sell(api, demo, payments):
    from chalicelib.core.web import Caller
    from chalicelib.staff import service

    cashier = api.login_as(demo, "cashier")
    order = _sale(api, cashier, [{"sku": "KOPI-250", "qty": 1}]).json
    m2, s2 = service.create_merchant("Toko Lain", "Cabang")
    service.add_staff(m2, s2, "Kasir Lain", "cashier", "975310", staff_id="u_x")
    dev = service.pair_device(service.create_pairing_code(Caller(m2, s2, "admin", "seed"), "kiosk")["code"], "T")["device_token"]
    other = api.login(dev, "u_x", "975310")
    assert api.get(f"/sales/{order['order_id']}", auth=other).status == 404
    assert api.post(f"/sales/{order['order_id']}/cancel", auth=other).status == 404
    warehouse = api.login_as(demo, "warehouse")
    assert _sale(api, warehouse, [{"sku": "KOPI-250", "qty": 1}]).status == 403


def test_an_expired_sale_can_be_cancelled(api, demo, payments, clock):
    cashier = api.login_as(demo, "cashier")
    order = _sale(api, cashier, [{"sku": "AIR-600", "qty": 1}]).json
    clock.advance(minutes=16)
    sweep_payments()
    assert OrderRecord.get(order["order_id"]).status == "EXPIRED"
    r = api.post(f"/sales/{order['order_id']}/cancel", auth=cashier)
    assert r.status == 200 and r.json["status"] == "CANCELLED"
