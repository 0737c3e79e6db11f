"""Stores without a courier integration: CS scans AWBs in for many shipments at once."""
from __future__ import annotations

from chalicelib.shipping.repo import ShipmentRecord

from .conftest import awb_messages, completed_sale, ship


def _manual_shipments(shop, count: int) -> list[ShipmentRecord]:
    ids = [completed_sale(shop) for _ in range(count)]
    for order_id in ids:
        assert ship(order_id) == "DONE"
    return [ShipmentRecord.get(order_id) for order_id in ids]


def test_scan_in_many_awbs_normalised_with_a_duplicate_refused(api, shop):
    a, b, c = _manual_shipments(shop, 3)
    assert {a.mode, b.mode, c.mode} == {"manual"} and a.status == "requested"
    cs = api.login_as(shop, "cs")
    rows = [
        {"order_no": a.order_no.lower(), "awb": " jx0012345678\r\n"},  # a scanner's Enter, typed lower-case
        {"shipment_id": b.shipment_id, "awb": "JX0012345678"},  # the same AWB for another parcel
        {"order_no": c.order_no, "awb": "https://jet.co.id/track"},  # a QR code's URL scanned by mistake
        {"order_no": "0101-ZZZZZ", "awb": "ABC123"},
        {"order_no": a.order_no, "awb": "JX0012345678"},  # scanned twice
        {"order_no": a.order_no, "awb": "SCP000111"},
    ]
    r = api.post("/shipping/awb-batch", {"rows": rows}, auth=cs)
    assert r.status == 200, r
    results = r.json["results"]
    assert [x["ok"] for x in results] == [True, False, False, False, True, False]
    assert results[0]["awb"] == "JX0012345678" and results[0]["outcome"] == "saved" and results[0]["status"] == "confirmed"
    assert results[1]["code"] == "awb_duplicate" and a.order_no in results[1]["message"]
    assert results[2]["code"] == "invalid_awb" and results[3]["code"] == "order_not_found"
    assert results[4]["outcome"] == "unchanged" and results[5]["code"] == "awb_already_set"
    assert r.json["saved"] == 2 and r.json["refused"] == 4
    assert ShipmentRecord.get(b.shipment_id).awb is None and ShipmentRecord.get(c.shipment_id).awb is None
    assert [m.payload["params"]["awb"] for m in awb_messages(a.shipment_id)] == ["JX0012345678"]

    # A typo corrected on purpose frees the old number for the parcel it really belongs to.
    fix = [{"order_no": a.order_no, "awb": "SCP000111", "replace": True},
           {"shipment_id": b.shipment_id, "awb": "jx0012345678"}]
    r = api.post("/shipping/awb-batch", {"rows": fix}, auth=cs)
    assert [x["ok"] for x in r.json["results"]] == [True, True], r
    assert ShipmentRecord.get(a.shipment_id).awb == "SCP000111"
    assert ShipmentRecord.get(b.shipment_id).awb == "JX0012345678" and ShipmentRecord.get(b.shipment_id).awb_source == "staff"
    assert len(awb_messages(a.shipment_id)) == 2 and len(awb_messages(b.shipment_id)) == 1
    found = api.get("/shipping/shipments?q=jx0012345678", auth=cs).json["shipments"]
    assert [s["shipment_id"] for s in found] == [b.shipment_id]


def test_batch_shape_is_checked(api, shop):
    cs = api.login_as(shop, "cs")
    assert api.post("/shipping/awb-batch", {"rows": []}, auth=cs).error_code == "empty_batch"
    assert api.post("/shipping/awb-batch", {"rows": [{"awb": "X1"}] * 201}, auth=cs).error_code == "too_many_rows"
    r = api.post("/shipping/awb-batch", {"rows": [{"order_no": "X", "awb": 123}, "JX1", {"awb": "JX1"}]}, auth=cs)
    assert [x["code"] for x in r.json["results"]] == ["invalid_type", "invalid_json", "missing_field"]


def test_courier_booked_shipments_take_no_typed_awb_until_switched_to_manual(api, shop, courier):
    courier.sim.configure({"balance": 0})
    stuck = completed_sale(shop, courier="sicepat reg")
    ship(stuck)
    booked = completed_sale(shop)
    courier.sim.configure({"balance": 1_000_000})
    ship(booked)
    cs = api.login_as(shop, "cs")
    r = api.post("/shipping/awb-batch", {"rows": [{"shipment_id": stuck, "awb": "002927168687"}]}, auth=cs)
    assert r.json["results"][0]["code"] == "awb_from_courier"
    assert api.post(f"/shipping/shipments/{booked}/manual", auth=cs).error_code == "shipment_booked"
    switched = api.post(f"/shipping/shipments/{stuck}/manual", auth=cs).json
    assert switched["mode"] == "manual" and switched["booking"] == "manual" and switched["error"] is None
    r = api.post("/shipping/awb-batch", {"rows": [{"shipment_id": stuck, "awb": "002927168687"}]}, auth=cs)
    assert r.json["results"][0]["ok"] is True
    assert api.post(f"/shipping/shipments/{stuck}/retry", auth=cs).error_code == "shipment_manual"
    assert len(courier.orders()) == 1  # the switched one was never booked
