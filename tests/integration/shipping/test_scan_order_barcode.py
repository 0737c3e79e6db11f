"""AWB scan-in with the documents we print: "Scan nomor pesanan (slip atau label), lalu scan nomor
resi dari kurir". The order number is read off the real slip and label PDFs at 203 dpi, exactly as
a handheld scanner would type it, and then typed the ways scanners get it wrong."""
from __future__ import annotations

from chalicelib.shipping.repo import ShipmentRecord

from .conftest import awb_messages, completed_sale, idem, job_pdf, paid_book_order, read_label_pages, ship


def _manual_shipment(order_id: str) -> ShipmentRecord:
    assert ship(order_id) == "DONE"
    rec = ShipmentRecord.get(order_id)
    assert rec.mode == "manual" and rec.awb is None
    return rec


def _scan(api, auth, rows: list[dict]) -> list[dict]:
    r = api.post("/shipping/awb-batch", {"rows": rows}, auth=auth)
    assert r.status == 200, r
    return r.json["results"]


def test_the_order_number_scanned_off_the_slip_and_the_label_finds_the_shipment(api, shop):
    shipment = _manual_shipment(paid_book_order(shop))
    cs = api.login_as(shop, "cs")
    slip = api.get(f"/book-orders/{shipment.order_id}/slip.pdf", auth=cs, headers={"Accept": "application/pdf"})
    assert slip.status == 200, slip
    [slip_page] = read_label_pages(slip.body)
    assert slip_page["code128"] == [shipment.order_no]
    printed = api.post("/shipping/labels/print-unprinted", auth=cs, headers=idem())
    [label_page] = read_label_pages(job_pdf(printed.json["job_id"]))
    assert label_page["code128"] == [shipment.order_no] and "MENUNGGU RESI" in label_page["text"]

    scanned = slip_page["code128"][0]  # what the scanner types before its Enter
    found = api.get(f"/shipping/shipments?q={scanned}", auth=cs).json["shipments"]  # "Scan atau ketik lalu Enter"
    assert [s["shipment_id"] for s in found] == [shipment.shipment_id]
    [result] = _scan(api, cs, [{"order_no": scanned, "awb": "JX0012345678"}])
    assert result["ok"] and result["outcome"] == "saved" and result["order_no"] == shipment.order_no, result
    assert ShipmentRecord.get(shipment.shipment_id).awb == "JX0012345678"


def test_scanners_that_type_lower_case_or_drop_the_dash_still_name_the_order(api, shop):
    caps_lock, no_dash, both = (_manual_shipment(completed_sale(shop)) for _ in range(3))
    cs = api.login_as(shop, "cs")
    rows = [{"order_no": caps_lock.order_no.lower(), "awb": "SCP000111"},
            {"order_no": no_dash.order_no.replace("-", ""), "awb": "SCP000222"},
            {"order_no": f" {both.order_no.replace('-', '').lower()}\r\n", "awb": "SCP000333"}]
    results = _scan(api, cs, rows)
    assert [(r["ok"], r.get("order_no")) for r in results] == [
        (True, caps_lock.order_no), (True, no_dash.order_no), (True, both.order_no)], results
    assert [ShipmentRecord.get(s.shipment_id).awb for s in (caps_lock, no_dash, both)] == [
        "SCP000111", "SCP000222", "SCP000333"]


def test_a_slip_scanned_where_the_awb_goes_is_refused(api, shop):
    """Two slips scanned in a row: the second order number must not become the first parcel's resi
    (and be sent to its customer as one)."""
    first, second = (_manual_shipment(completed_sale(shop)) for _ in range(2))
    cs = api.login_as(shop, "cs")
    rows = [{"order_no": first.order_no, "awb": second.order_no},
            {"order_no": first.order_no, "awb": first.order_no.replace("-", "").lower()},
            {"order_no": second.order_no, "awb": "0101-ZZZZZ"}]  # shaped like one, but no order of ours
    results = _scan(api, cs, rows)
    assert [r.get("code") for r in results] == ["awb_is_order_no", "awb_is_order_no", None], results
    assert second.order_no in results[0]["message"] and "bukan nomor resi" in results[0]["message"]
    assert ShipmentRecord.get(first.shipment_id).awb is None and awb_messages(first.shipment_id) == []
    assert ShipmentRecord.get(second.shipment_id).awb == "0101-ZZZZZ"
