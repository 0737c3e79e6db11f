"""A sale opened from the history shows its receipts and messages (issue 16, item 1): the first
print and every copy (who asked), refund receipts, and each message to the shopper with whether it
went out; what failed can be sent again, only by the sale's own store and only when it failed."""
from __future__ import annotations

import uuid

from chalicelib.core import outbox, uow as units
from chalicelib.core.db import find_many
from chalicelib.core.outbox import OutboxItem

from .test_history import AYU_PHONE, _elsewhere, _paid_cash, _shopper
from .test_refunds import ADMIN, _refund


def _activity(api, auth, order_id) -> dict:
    r = api.get(f"/sales/{order_id}", auth=auth)
    assert r.status == 200, r
    return r.json["activity"]


def _receipts(act):
    return [(r["kind"], r["refund_no"], r["copy"], r["status"]) for r in act["receipts"]]


def _messages(act):
    return [(m["kind"], m["refund_no"], m["status"]) for m in act["messages"]]


def _station(api, admin) -> str:
    code = api.post("/devices/pairing-codes", {"kind": "print_station"}, auth=admin).json["code"]
    r = api.post("/devices/pair", {"code": code, "name": "PC Kasir", "kind": "print_station"})
    assert r.status == 201, r
    return f"Device {r.json['device_token']}"


def test_receipts_and_messages_as_they_go_copies_with_who_asked_and_refunds(api, demo, monkeypatch, tmp_path):
    monkeypatch.setenv("SAMBUNG_MESSAGES_PROVIDER", "dev")
    monkeypatch.setenv("SAMBUNG_MESSAGES_FILE", str(tmp_path / "messages.jsonl"))
    cashier = api.login_as(demo, "cashier")
    ayu = _shopper(api, cashier, AYU_PHONE, "Ayu Lestari")
    sale = _paid_cash(api, cashier, [{"sku": "KOPI-250", "qty": 3}], ayu["shopper_id"])
    oid = sale["order_id"]

    act = _activity(api, cashier, oid)
    assert _receipts(act) == [("receipt", None, None, "QUEUED")]
    assert _messages(act) == [("receipt_link", None, "QUEUED"), ("activation_link", None, "QUEUED")]
    assert {m["to_masked"] for m in act["messages"]} == {"0812-****-7890"}, "the number masked as everywhere"
    assert act["kept_days"] == 90

    for effect in (f"receipt-print#{oid}", f"msg-receipt#{oid}", f"msg-activation#{oid}"):
        assert outbox.process_one(effect) == "DONE"
    act = _activity(api, cashier, oid)
    assert _receipts(act) == [("receipt", None, None, "QUEUED")], "with the printer now, not printed yet"
    assert _messages(act) == [("receipt_link", None, "SENT"), ("activation_link", None, "SENT")]
    assert all(m["channel"] and m["sent_at"] for m in act["messages"])

    station = _station(api, api.login_as(demo, "admin"))
    job = api.post("/print/jobs/claim", {"roles": ["receipt"]}, auth=station).json["job"]
    assert api.post(f"/print/jobs/{job['job_id']}/ack", {"status": "printed"}, auth=station).status == 200
    assert _receipts(_activity(api, cashier, oid)) == [("receipt", None, None, "PRINTED")]

    assert api.post(f"/sales/{oid}/reprint", {}, auth=cashier).json["copy"] == 1
    copy = _activity(api, cashier, oid)["receipts"][1]
    assert (copy["copy"], copy["asked_by"], copy["status"]) == (1, "Sari Kasir", "QUEUED")

    r = _refund(api, cashier, oid, {"lines": [{"sku": "KOPI-250", "quantity": 1, "restock": True}],
                                    "reason": "barang_rusak", "approval": ADMIN})
    assert r.status == 201 and r.json["status"] == "DONE", r
    no = r.json["refund_no"]
    outbox.process_one(f"refund-print#{r.json['refund_id']}")
    api.post(f"/sales/{oid}/refunds/{r.json['refund_id']}/reprint", {}, auth=cashier)
    act = _activity(api, cashier, oid)
    assert _receipts(act) == [("receipt", None, None, "PRINTED"), ("receipt", None, 1, "QUEUED"),
                              ("refund_receipt", no, None, "QUEUED"), ("refund_receipt", no, 1, "QUEUED")]
    assert _messages(act)[-1] == ("refund_notice", no, "QUEUED")


def test_what_failed_can_be_sent_again_and_nothing_else(api, demo, monkeypatch, tmp_path):
    cashier = api.login_as(demo, "cashier")
    ayu = _shopper(api, cashier, AYU_PHONE, "Ayu Lestari")
    sale = _paid_cash(api, cashier, [{"sku": "TEH-350", "qty": 1}], ayu["shopper_id"])
    oid = sale["order_id"]
    effect = f"msg-receipt#{oid}"
    assert outbox.process_one(effect) == "PENDING", "no messaging set up for the store: tried again later"
    waiting = _activity(api, cashier, oid)["messages"][0]
    assert (waiting["status"], waiting["can_retry"], waiting["reason"]) == (
        "QUEUED", False, "Pengiriman pesan belum dikonfigurasi untuk toko ini."), "why it has not gone yet"
    item = OutboxItem.get(effect)
    units.run(lambda uow: outbox.park_failed(uow, item, item.last_error))  # as when its tries run out

    failed = _activity(api, cashier, oid)["messages"][0]
    assert (failed["status"], failed["can_retry"]) == ("FAILED", True)

    retry = f"/sales/{oid}/activity/retry"
    assert api.post(retry, {"effect_id": f"msg-activation#{oid}"}, auth=cashier).error_code == "effect_not_failed"
    other = _paid_cash(api, cashier, [{"sku": "AIR-600", "qty": 1}])
    r = api.post(retry, {"effect_id": f"receipt-print#{other['order_id']}"}, auth=cashier)
    assert (r.status, r.error_code) == (404, "effect_not_found"), "another sale's effect is not this sale's"
    assert api.post(retry, {"effect_id": ""}, auth=cashier).error_code == "invalid_effect"
    assert api.post("/sales/o_unknown/activity/retry", {"effect_id": effect}, auth=cashier).status == 404
    foreign = _elsewhere("2311-ZZZZ9", api.get("/sales", auth=cashier).json["today"])
    r = api.post(f"/sales/{foreign.order_id}/activity/retry", {"effect_id": f"receipt-print#{foreign.order_id}"},
                 auth=cashier)
    assert (r.status, r.error_code) == (404, "order_not_found"), "another store's sale is not found, not forbidden"
    assert OutboxItem.get(effect).status == "FAILED", "refusals changed nothing"

    monkeypatch.setenv("SAMBUNG_MESSAGES_PROVIDER", "dev")  # the store's messaging is fixed
    monkeypatch.setenv("SAMBUNG_MESSAGES_FILE", str(tmp_path / "messages.jsonl"))

    r = api.post(retry, {"effect_id": effect}, auth=cashier)
    assert r.status == 200 and r.json == {"effect_id": effect, "status": "DONE"}, r
    again = _activity(api, cashier, oid)["messages"][0]
    assert (again["status"], again["can_retry"], again["reason"]) == ("SENT", False, None)


def test_more_than_a_hundred_keys_are_read_in_several_batches(demo):
    ids = [f"test-many#{uuid.uuid4().hex}" for _ in range(150)]
    units.run(lambda uow: [uow.outbox(i, "noop", "s_demo", {"n": n}) for n, i in enumerate(ids[:120:2])])
    found = find_many([(OutboxItem, i) for i in ids])
    assert [f.payload["n"] if f else None for f in found] == [n // 2 if n < 120 and n % 2 == 0 else None
                                                               for n in range(150)]
