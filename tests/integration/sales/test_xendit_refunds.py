"""A store on Xendit (issue 16, item 4): a QRIS refund goes back through Xendit's QR refund API,
waits PENDING, and is finished by Xendit's ``qr.refund`` callback: verified by its token, placed
even when the refund object names only Xendit's own ``qrrf_`` id (the QR Codes API's shape, no
``reference_id``), confirmed with the gateway, applied once however often it is delivered."""
from __future__ import annotations

import json

import pytest
import requests

from chalicelib.core.inbox import InboxRecord
from chalicelib.sales.repo import OrderRecord, RefundRecord

from .test_refunds import ADMIN, _refund
from .test_store_sales import _ref, _sale

SECRET = "xnd_development_SALESREFUND"
TOKEN = "xendit-callback-token-SALESREFUND"


@pytest.fixture(params=["qr", "unified"])
def xendit(demo, request):
    import app
    from chalicelib.staff.repo import StoreRecord
    from infra.local.gateway import LocalGatewayServer
    from infra.local.gateway_sim import GatewaySimulator

    front = LocalGatewayServer(app.app, port=0).start()
    sim = GatewaySimulator(server_key="SB-Mid-server-UNUSED", xendit_secret_key=SECRET, xendit_callback_token=TOKEN,
                           xendit_callback_url=f"{front.url}/api/callbacks/xendit", xendit_refund_shape=request.param,
                           retry_delay=0.05).start()
    store = StoreRecord.get("s_demo")
    settings = dict(store.settings, gateway={"provider": "xendit", "base_url": sim.url, "secret_key": SECRET,
                                             "callback_token": TOKEN})
    store.update(actions=[StoreRecord.settings.set(settings)])
    sim.front_url = front.url
    yield sim
    sim.stop()
    front.stop()


def _paid(api, auth, sim, items):
    order = _sale(api, auth, items).json
    charge = api.get(f"/sales/{order['order_id']}", auth=auth).json
    assert charge["qr_string"], charge
    sim.scan(charge["qr_string"], "pay", issuer="dana")
    assert sim.wait_idle()
    done = api.get(f"/sales/{order['order_id']}", auth=auth).json
    assert done["status"] == "COMPLETED", done
    return done


def test_a_qris_refund_waits_for_xendit_and_its_callback_finishes_it_once(api, demo, xendit):
    cashier = api.login_as(demo, "cashier")
    sale = _paid(api, cashier, xendit, [{"sku": "KOPI-250", "qty": 2}])
    xendit.set_refund_mode("pending")  # Xendit keeps it PENDING until it is told otherwise
    r = _refund(api, cashier, sale["order_id"], {"lines": [{"sku": "KOPI-250", "quantity": 1, "restock": True}],
                                                 "reason": "barang_rusak", "tender": "QRIS", "approval": ADMIN})
    assert r.status == 201 and r.json["status"] == "PENDING", r
    rec = RefundRecord.get(sale["order_id"], r.json["refund_id"])
    assert rec.provider_refund_id.startswith("qrrf_")

    xendit.complete_refund(rec.provider_refund_id, succeed=True)  # Xendit finishes it and calls back
    assert xendit.wait_idle()
    done = RefundRecord.get(sale["order_id"], r.json["refund_id"])
    assert done.status == "DONE", "the callback (verified, then confirmed with Xendit) finished it"
    assert OrderRecord.get(sale["order_id"]).refunded_amount == 18_000
    seen = [i for i in InboxRecord.scan() if i.subject == sale["order_id"] and "refund" in i.event_key]
    assert len(seen) == 1, "stored once"
    # The same notification delivered again (as Xendit does when an answer is lost) changes nothing;
    # one with a wrong token is refused before anything is read.
    payment_id = [t for t in xendit.transactions() if t["order_id"] == _ref(sale)][0]["payment_id"]
    note = json.dumps({"event": "qr.refund", "api_version": "2022-07-31",
                       "data": xendit.xendit_refunds(payment_id, rec.provider_refund_id)}).encode()
    url = f"{xendit.front_url}/api/callbacks/xendit"
    forged = requests.post(url, data=note, headers={"x-callback-token": "wrong", "Content-Type": "application/json"},
                           timeout=10)
    assert forged.status_code == 401
    again = requests.post(url, data=note, headers={"x-callback-token": TOKEN, "Content-Type": "application/json"},
                          timeout=10)
    assert again.status_code == 200, again.text
    assert RefundRecord.get(sale["order_id"], r.json["refund_id"]).status == "DONE"
    assert OrderRecord.get(sale["order_id"]).refunded_amount == 18_000
