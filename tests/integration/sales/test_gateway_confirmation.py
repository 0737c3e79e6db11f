"""A gateway notification is a hint: the order moves only on what the gateway's own status API
confirms (the simulator answers it truthfully). Through the real HTTP callback route."""
from __future__ import annotations

import json
import urllib.error
import urllib.request

from chalicelib.core.inbox import InboxRecord
from chalicelib.sales.repo import OrderRecord
from chalicelib.staff.repo import StoreRecord
from infra.local.gateway_sim import _signature

from .conftest import SERVER_KEY
from .test_store_sales import _ref, _sale


def _post(url: str, body: dict) -> tuple[int, dict]:
    req = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST",
                                 headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status, json.loads(resp.read() or b"{}")
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"{}")


def _notification(payments, order, status: str, status_code: str, *, gross: str | None = None) -> dict:
    """A Midtrans notification for the order's live QR, signed with the store's real key."""
    tx = payments.transaction(_ref(order))
    gross = gross or f"{tx['gross_amount']}.00"
    return {"transaction_status": status, "status_code": status_code, "order_id": tx["order_id"],
            "gross_amount": gross, "transaction_id": tx["transaction_id"], "payment_type": "qris",
            "fraud_status": "accept", "issuer": "gopay",
            "signature_key": _signature(tx["order_id"], status_code, gross, SERVER_KEY)}


def test_a_signed_but_altered_notification_changes_nothing(api, demo, payments):
    """Midtrans signs only order_id, status_code and gross_amount: a pending notification with its
    transaction_status changed to settlement still verifies, and must not complete the order."""
    cashier = api.login_as(demo, "cashier")
    order = _sale(api, cashier, [{"sku": "KOPI-250", "qty": 1}]).json
    status, body = _post(payments.callback_url, _notification(payments, order, "settlement", "201"))
    assert status == 200 and body["outcome"] == "pending"
    rec = OrderRecord.get(order["order_id"])
    assert rec.status == "AWAITING_PAYMENT" and not rec.points_earned
    [event] = [e for e in InboxRecord.scan() if e.subject == order["order_id"]]
    assert (event.details["notified"], event.details["status"]) == ("paid", "pending")


def test_a_replayed_settlement_for_a_qr_still_pending_changes_nothing(api, demo, payments):
    cashier = api.login_as(demo, "cashier")
    order = _sale(api, cashier, [{"sku": "TEH-350", "qty": 1}]).json
    payments.replay(_ref(order), ["settlement"], duplicates=2)
    payments.wait_idle()
    assert OrderRecord.get(order["order_id"]).status == "AWAITING_PAYMENT"
    payments.pay(_ref(order))  # the real payment still completes it, once
    payments.wait_idle()
    assert OrderRecord.get(order["order_id"]).status == "COMPLETED"


def test_a_lie_about_the_amount_in_a_signed_notification_is_ignored_for_the_truth(api, demo, payments):
    """A validly signed notification saying Rp1 was paid (a leaked key): the gateway says what was
    really paid, and that is what counts."""
    cashier = api.login_as(demo, "cashier")
    order = _sale(api, cashier, [{"sku": "KOPI-250", "qty": 1}]).json
    status, _ = _post(payments.callback_url, _notification(payments, order, "settlement", "200", gross="1.00"))
    assert status == 200 and OrderRecord.get(order["order_id"]).status == "AWAITING_PAYMENT"


def test_a_payment_of_another_amount_waits_for_staff_and_never_completes_itself(api, demo, payments):
    cashier = api.login_as(demo, "cashier")
    order = _sale(api, cashier, [{"sku": "KOPI-250", "qty": 1}]).json
    payments.pay(_ref(order), amount=1)  # the gateway itself reports Rp1 paid
    payments.wait_idle()
    rec = OrderRecord.get(order["order_id"])
    assert rec.status == "NEEDS_REVIEW" and "amount_mismatch" in rec.flags
    assert rec.paid_amount == 1 and rec.points_earned is None and rec.receipt_token is None
    seen = api.post(f"/sales/{order['order_id']}/status", auth=cashier).json
    assert seen["status"] == "NEEDS_REVIEW" and seen["status_label"] == "Perlu dicek"
    assert api.post(f"/sales/{order['order_id']}/complete-late", auth=cashier).status == 403  # cashiers cannot
    admin = api.login_as(demo, "admin")
    [waiting] = api.get("/sales/decisions", auth=admin).json["orders"]
    assert waiting["order_id"] == order["order_id"] and waiting["paid_amount"] == 1
    assert [r["code"] for r in waiting["reasons"]] == ["amount_mismatch"]
    done = api.post(f"/sales/{order['order_id']}/complete-late", auth=admin)
    assert done.status == 200 and done.json["status"] == "COMPLETED"
    assert api.get("/sales/decisions", auth=admin).json["orders"] == []  # decided: off the list


def test_a_forged_signature_is_refused_and_nothing_is_written(api, demo, payments):
    cashier = api.login_as(demo, "cashier")
    order = _sale(api, cashier, [{"sku": "KOPI-250", "qty": 1}]).json
    forged = {**_notification(payments, order, "settlement", "200"), "signature_key": "0" * 128}
    status, body = _post(payments.callback_url, forged)
    assert status == 401 and body["error"]["code"] == "bad_signature"
    assert OrderRecord.get(order["order_id"]).status == "AWAITING_PAYMENT"
    assert not [e for e in InboxRecord.scan() if e.subject == order["order_id"]]
    unknown = _post(payments.callback_url, {**forged, "order_id": "01NOSUCHORDER-1"})
    assert unknown[0] == 404


def test_a_gateway_that_cannot_confirm_leaves_the_order_for_the_sweeper(api, demo, payments, clock):
    from chalicelib.sales.service import sweep_payments

    cashier = api.login_as(demo, "cashier")
    callback, payments.callback_url = payments.callback_url, None  # we send the notification ourselves
    order = _sale(api, cashier, [{"sku": "KOPI-250", "qty": 1}]).json
    payments.pay(_ref(order))
    store = StoreRecord.get("s_demo")
    good = dict(store.settings)
    store.update(actions=[StoreRecord.settings.set({**good, "gateway": {**good["gateway"], "base_url": "http://127.0.0.1:9"}})])
    status, _ = _post(callback, _notification(payments, order, "settlement", "200"))  # the gateway is unreachable
    assert status == 502
    assert OrderRecord.get(order["order_id"]).status == "AWAITING_PAYMENT"
    assert not [e for e in InboxRecord.scan() if e.subject == order["order_id"]]
    StoreRecord.get("s_demo").update(actions=[StoreRecord.settings.set(good)])
    clock.advance(minutes=3)
    sweep_payments()
    assert OrderRecord.get(order["order_id"]).status == "COMPLETED"



def test_the_kiosks_poll_reads_our_state_and_asks_the_gateway_only_when_no_callback_came(api, demo, payments, clock):
    from chalicelib.sales.repo import PaymentAttemptRecord

    cashier = api.login_as(demo, "cashier")
    payments.callback_url = None  # no callback will come
    order = _sale(api, cashier, [{"sku": "KOPI-250", "qty": 1}]).json
    payments.pay(_ref(order))
    polled = api.post(f"/sales/{order['order_id']}/status?poll=1", auth=cashier).json
    attempt = PaymentAttemptRecord.get(order["order_id"], 1)
    assert polled["status"] == "AWAITING_PAYMENT" and attempt.checked_at == 0  # gateway not asked
    # Early polls read the order only: the QR is left out (the kiosk keeps the one it shows).
    assert polled["qr_unchanged"] is True and "qr_string" not in polled and polled["expires_at"] == order["expires_at"]
    clock.advance(seconds=31)  # no callback for a while: now the poll asks
    assert api.post(f"/sales/{order['order_id']}/status?poll=1", auth=cashier).json["status"] == "COMPLETED"
    # The cashier's own "Cek Status Pembayaran" asks at once.
    other = _sale(api, cashier, [{"sku": "TEH-350", "qty": 1}]).json
    payments.pay(_ref(other))
    assert api.post(f"/sales/{other['order_id']}/status", auth=cashier).json["status"] == "COMPLETED"
