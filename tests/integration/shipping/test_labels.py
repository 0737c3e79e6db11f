"""Address labels: one PDF of every unprinted label, the AWB as a Code128 that decodes back, "Menunggu
resi" until it exists and a reprint once it does, and each label printed once under concurrent clicks."""
from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request

from chalicelib.shipping.model import AWB_ISSUED
from chalicelib.shipping.repo import ShipmentRecord

from .conftest import completed_sale, idem, job_pdf, label_jobs, read_label_pages, ship


def _sales(shop, count: int) -> list[ShipmentRecord]:
    ids = [completed_sale(shop) for _ in range(count)]
    for order_id in ids:
        ship(order_id)
    return [ShipmentRecord.get(order_id) for order_id in ids]


def _scan(api, auth, shipment_id: str, awb: str) -> None:
    r = api.post("/shipping/awb-batch", {"rows": [{"shipment_id": shipment_id, "awb": awb}]}, auth=auth)
    assert r.json["results"][0]["ok"], r


def test_print_unprinted_makes_one_pdf_with_decodable_awbs_and_menunggu_resi(api, shop):
    first, second = _sales(shop, 2)
    cs = api.login_as(shop, "cs")
    _scan(api, cs, first.shipment_id, "JX0012345678")
    unprinted = api.get("/shipping/shipments?label=unprinted", auth=cs).json
    assert unprinted["unprinted"] == 2 and len(unprinted["shipments"]) == 2
    key = idem()
    r = api.post("/shipping/labels/print-unprinted", auth=cs, headers=key)
    assert r.status == 201, r
    assert r.json["printed"] == 2 and r.json["remaining"] == 0 and r.json["size"] == "100x150"
    [job] = label_jobs(shop["store_id"])
    assert job.job_id == r.json["job_id"] and job.role == "label" and job.reference == f"labels#{r.json['batch_id']}"
    pages = read_label_pages(job_pdf(job.job_id))
    assert [p["width_mm"] for p in pages] == [100, 100]
    by_order = {next(o for o in (first.order_no, second.order_no) if o in p["text"]): p for p in pages}
    # The AWB for the courier, the order number for the shop's own scanner.
    assert sorted(by_order[first.order_no]["code128"]) == sorted(["JX0012345678", first.order_no])
    assert "JX0012345678" in by_order[first.order_no]["text"]
    assert by_order[second.order_no]["code128"] == [second.order_no] and "MENUNGGU RESI" in by_order[second.order_no]["text"]
    assert "Budi Santoso" in pages[0]["text"] and "Toko Demo" in pages[0]["text"] and "JNE REG" in pages[0]["text"]
    # The same click retried (lost answer) is the same batch; a new click finds nothing left.
    assert api.post("/shipping/labels/print-unprinted", auth=cs, headers=key).json["batch_id"] == r.json["batch_id"]
    again = api.post("/shipping/labels/print-unprinted", auth=cs, headers=idem())
    assert again.status == 409 and again.error_code == "no_unprinted_labels"
    printed = api.get("/shipping/shipments?label=printed", auth=cs).json
    assert len(printed["shipments"]) == 2 and printed["unprinted"] == 0
    assert len(label_jobs(shop["store_id"])) == 1

    # The AWB arrives after its label was printed: the label is queued again, with the reason.
    _scan(api, cs, second.shipment_id, "SCP000999888")
    [queued] = api.get("/shipping/shipments?label=unprinted", auth=cs).json["shipments"]
    assert queued["shipment_id"] == second.shipment_id and queued["label"]["reprint_reason"] == AWB_ISSUED
    r = api.post("/shipping/labels/print-unprinted", auth=cs, headers=idem())
    assert r.json["printed"] == 1
    [page] = read_label_pages(job_pdf(r.json["job_id"]))
    assert sorted(page["code128"]) == sorted(["SCP000999888", second.order_no]) and "MENUNGGU RESI" not in page["text"]
    rec = ShipmentRecord.get(second.shipment_id)
    assert rec.label_print_count == 2 and rec.reprint_reason is None and rec.label_queue is None


def test_two_concurrent_clicks_print_each_label_once(api, shop):
    import app
    from infra.local.gateway import LocalGatewayServer

    sales = _sales(shop, 6)
    cs = api.login_as(shop, "cs")
    front = LocalGatewayServer(app.app, port=0).start()
    answers: list[tuple[int, dict]] = []
    start = threading.Barrier(2)

    def click(n: int) -> None:
        req = urllib.request.Request(f"{front.url}/api/shipping/labels/print-unprinted", data=b"{}", method="POST",
                                     headers={"Authorization": cs, "Content-Type": "application/json",
                                              "Idempotency-Key": f"click-{n}"})
        start.wait()
        try:
            with urllib.request.urlopen(req, timeout=60) as resp:
                answers.append((resp.status, json.loads(resp.read())))
        except urllib.error.HTTPError as exc:
            answers.append((exc.code, json.loads(exc.read())))

    try:
        threads = [threading.Thread(target=click, args=(n,)) for n in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        front.stop()
    printed = [label["shipment_id"] for status, body in answers if status == 201 for label in body["labels"]]
    assert sorted(printed) == sorted(s.shipment_id for s in sales), answers  # every label, none twice
    assert all(status in (201, 409) for status, _ in answers)
    assert sum(len(read_label_pages(job_pdf(job.job_id))) for job in label_jobs(shop["store_id"])) == 6
    assert {int(ShipmentRecord.get(s.shipment_id).label_print_count) for s in sales} == {1}


def test_any_label_reprints_and_the_size_follows_the_label_printer(api, shop):
    [sale] = _sales(shop, 1)
    cs = api.login_as(shop, "cs")
    api.post("/shipping/labels/print-unprinted", auth=cs, headers=idem())
    r = api.post(f"/shipping/shipments/{sale.shipment_id}/label/reprint", {"size": "58"}, auth=cs, headers=idem())
    assert r.status == 201 and r.json["shipment"]["label"]["print_count"] == 2, r
    assert read_label_pages(job_pdf(r.json["job_id"]))[0]["width_mm"] == 58
    assert api.post(f"/shipping/shipments/{sale.shipment_id}/label/reprint", {"size": "A4"}, auth=cs,
                    headers=idem()).error_code == "invalid_label_size"

    # A receipt printer that prints the labels: the store's label role routed to an 80 mm profile.
    admin = api.login_as(shop, "admin")
    paired = api.post("/devices/pair", {"code": shop["pairing_codes"]["print_station"], "name": "PC Gudang",
                                        "kind": "print_station"})
    station = f"Device {paired.json['device_token']}"
    station_id = api.get("/print/station", auth=station).json["station_id"]
    profile = {"name": "label-80", "base": "escpos-80", "role": "label"}
    assert api.post(f"/print/stations/{station_id}/profiles", profile, auth=admin).status == 201
    assign = api.call("PUT", f"/print/stations/{station_id}/printers",
                      {"printers": [{"role": "label", "profile": "label-80"}]}, auth=admin)
    assert assign.status == 200, assign
    r = api.post(f"/shipping/shipments/{sale.shipment_id}/label/reprint", auth=cs, headers=idem())
    assert r.json["size"] == "80"
    assert read_label_pages(job_pdf(r.json["job_id"]))[0]["width_mm"] == 80
