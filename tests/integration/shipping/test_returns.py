"""A parcel the courier reports RETURNED opens a decision: restock and refund (bank transfer back),
or close it with a reason (issue 16, item 6)."""
from __future__ import annotations

import uuid

from chalicelib.core import outbox
from chalicelib.inventory.repo import StockRecord
from chalicelib.sales.repo import OrderRecord

from .conftest import SECRET, completed_sale, ship, wait_until
from .test_booking import _view


def _return_parcel(api, shop, courier) -> str:
    order_id = completed_sale(shop, items=[{"sku": "TEH-350", "name": "Teh Melati Dingin 350 ml", "qty": 2,
                                            "unit_price": 8_000, "line_total": 16_000, "barcode": None}])
    ship(order_id)
    cs = api.login_as(shop, "cs")
    provider_id = _view(api, cs, order_id)["provider_order_id"]
    headers = {"X-Sambung-Webhook-Secret": SECRET}
    for status in ("picked", "returnInTransit", "returned", "returned"):  # the last one a redelivery
        r = api.post("/callbacks/biteship", {"event": "order.status", "order_id": provider_id, "status": status,
                                             "courier_waybill_id": None}, headers=headers)
        assert r.status == 200, r
    wait_until(lambda: _view(api, cs, order_id)["status"] == "returned")
    return order_id


def _decisions(api, auth) -> dict:
    return {o["order_id"]: o for o in api.get("/sales/decisions", auth=auth).json["orders"]}


def test_a_returned_parcel_is_restocked_and_refunded_by_transfer_then_leaves_the_list(api, shop, courier):
    order_id = _return_parcel(api, shop, courier)
    cs = api.login_as(shop, "cs")
    waiting = _decisions(api, cs)
    assert [r["code"] for r in waiting[order_id]["reasons"]] == ["parcel_returned"]
    before = int(StockRecord.get(shop["store_id"], "TEH-350#CS").on_hand)
    body = {"reason": "retur_kurir", "tender": "BANK_TRANSFER",
            "lines": [{"sku": "TEH-350", "quantity": 2, "restock": True}],
            "approval": {"staff_id": "u_admin", "pin": "135790"}}
    no_ref = api.post(f"/sales/{order_id}/refunds", body, auth=cs, headers={"Idempotency-Key": str(uuid.uuid4())})
    assert no_ref.error_code == "transfer_ref_required"
    r = api.post(f"/sales/{order_id}/refunds", dict(body, transfer_ref="BCA-TRF-0098"), auth=cs,
                 headers={"Idempotency-Key": str(uuid.uuid4())})
    assert r.status == 201 and (r.json["status"], r.json["tender"], r.json["transfer_ref"]) == \
        ("DONE", "BANK_TRANSFER", "BCA-TRF-0098"), r
    message = outbox.OutboxItem.get(f"msg-refund#{r.json['refund_id']}").payload
    assert (message["to"], message["template"]) == ("+6281298765432", "sambung_pengembalian_dana_umum"), \
        "the chat customer hears of it too (a message without points: no loyalty account)"
    assert message["params"]["name"] == "Budi" and message["params"]["refund_no"] == r.json["refund_no"]
    outbox.process_due()
    assert int(StockRecord.get(shop["store_id"], "TEH-350#CS").on_hand) == before + 2  # back at the CS desk
    assert order_id not in _decisions(api, cs)
    assert OrderRecord.get(order_id).status == "COMPLETED"  # the sale stays, with its refund beside it


def test_a_returned_parcel_sent_again_is_closed_with_a_reason(api, shop, courier):
    order_id = _return_parcel(api, shop, courier)
    cs = api.login_as(shop, "cs")
    assert api.post(f"/sales/{order_id}/returns/close", {"note": "  "}, auth=cs).error_code == "invalid_note"
    r = api.post(f"/sales/{order_id}/returns/close", {"note": "Dikirim ulang dengan kurir lain"}, auth=cs)
    assert r.status == 200, r
    assert order_id not in _decisions(api, cs)
    assert "Dikirim ulang" in OrderRecord.get(order_id).decision_note
    again = api.post(f"/sales/{order_id}/returns/close", {"note": "lagi"}, auth=cs)
    assert again.status == 409 and again.error_code == "not_waiting"
