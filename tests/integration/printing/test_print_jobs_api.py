"""Print jobs through the API against moto: idempotent submits, leases on the test clock, expiry,
acknowledgements, release, failures with reasons, reprints, and store scoping."""
from __future__ import annotations

import threading

from chalicelib.core.web import Caller
from chalicelib.printing import service
from chalicelib.printing.repo import PrintJobRecord
from tests.integration.printing.conftest import PDF, fetch, idem


def test_the_same_reference_twice_is_one_job_with_its_pdf_in_s3(shop, other_shop):
    first = shop.submit("receipt-print#o1", copies=2, drawer_kick=True, title="Struk 2311-0001")
    again = shop.submit("receipt-print#o1", pdf=PDF + b"% rendered again\n")
    assert again["job_id"] == first["job_id"] and first["status"] == "QUEUED"
    assert [j["job_id"] for j in shop.jobs()] == [first["job_id"]]
    elsewhere = other_shop.submit("receipt-print#o1")
    assert elsewhere["job_id"] != first["job_id"], "references are per store"

    station = shop.pair_station()
    job = shop.claim(station)
    assert job["job_id"] == first["job_id"] and job["copies"] == 2 and job["drawer_kick"] is True
    assert job["profile"] == "escpos-80" and job["role"] == "receipt" and job["cut"] is True
    assert fetch(job["pdf_url"]) == PDF, "the first PDF is kept; a repeated submit stores nothing"


def test_a_lease_hides_the_job_until_it_runs_out_then_it_is_offered_again(shop, clock):
    submitted = shop.submit("slip#1")
    station = shop.pair_station()
    job = shop.claim(station, lease_seconds=60)
    assert job["job_id"] == submitted["job_id"] and job["lease_until"] == "2026-11-23T00:01:00Z"
    assert shop.claim(station) is None, "never the same job twice while its lease runs"
    assert shop.jobs()[0]["status"] == "LEASED"
    clock.advance(59)
    assert shop.claim(station) is None
    clock.advance(1)
    assert shop.jobs()[0]["status"] == "QUEUED", "a lease that ran out shows the job waiting again"
    again = shop.claim(station)
    assert again["job_id"] == submitted["job_id"]
    assert shop.jobs()[0]["attempts"] == 2
    assert fetch(again["pdf_url"]) == PDF, "every claim brings a fresh PDF link"


def test_lease_seconds_are_kept_within_bounds(shop):
    shop.submit("a")
    shop.submit("b")
    station = shop.pair_station()
    assert shop.claim(station, lease_seconds=1)["lease_until"] == "2026-11-23T00:00:10Z"
    assert shop.claim(station, lease_seconds=86400)["lease_until"] == "2026-11-23T00:05:00Z"


def test_concurrent_claims_hand_one_job_to_one_claim(shop):
    shop.submit("only-one")
    shop.pair_station()
    device = service._stations(shop.store_id)[0]
    caller = Caller(merchant_id=shop.merchant_id, store_id=shop.store_id, role="device", device_id=device.station_id,
                    device_kind="print_station")
    results, barrier = [], threading.Barrier(4)

    def claim():
        barrier.wait()
        results.append(service.claim(caller, ["receipt"], 60))

    threads = [threading.Thread(target=claim) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(1 for r in results if r is not None) == 1


def test_expired_jobs_are_never_offered(shop, clock):
    soon = shop.submit("short", ttl_seconds=60)
    station = shop.pair_station()
    clock.advance(60)
    assert shop.claim(station) is None
    assert shop.jobs("EXPIRED")[0]["job_id"] == soon["job_id"]
    assert PrintJobRecord.get(soon["job_id"]).status == "EXPIRED", "the claim marked it"
    assert PrintJobRecord.get(soon["job_id"]).queue_key is None

    leased = shop.submit("leased-then-late", ttl_seconds=120)
    assert shop.claim(station, lease_seconds=60)["job_id"] == leased["job_id"]
    clock.advance(61)  # the lease ran out and so did the job: nobody may print it now
    clock.advance(60)
    assert shop.claim(station) is None
    assert shop.jobs()[0]["status"] == "EXPIRED"


def test_a_job_on_a_live_lease_is_not_expired_under_its_printer(shop, clock):
    job = shop.submit("printing-at-the-deadline", ttl_seconds=60)
    station = shop.pair_station()
    shop.claim(station, lease_seconds=60)
    clock.advance(30)
    shop.submit("next")
    assert shop.claim(station)["job_id"] != job["job_id"]
    clock.advance(31)  # past expiry, the lease still live
    assert shop.ack(station, job["job_id"]).status == 200
    assert PrintJobRecord.get(job["job_id"]).status == "PRINTED"


def test_acks_are_idempotent_and_a_lost_lease_is_409(shop, clock):
    job = shop.submit("r1")
    first = shop.pair_station("PC Kasir")
    clock.advance(1)
    assert shop.claim(first)["job_id"] == job["job_id"]
    r = shop.ack(first, job["job_id"])
    assert r.status == 200 and r.json == {"job_id": job["job_id"], "status": "printed"}
    assert shop.ack(first, job["job_id"]).status == 200, "a retried ack is answered the same"
    assert shop.ack(first, job["job_id"], "failed", "paper jam").status == 409
    assert shop.jobs("PRINTED")[0]["station_name"] == "PC Kasir"

    # The admin moves receipts to another PC while the first one holds a lease that then runs out.
    lost = shop.submit("r2")
    second = shop.pair_station("PC Gudang")
    assert shop.claim(first)["job_id"] == lost["job_id"]
    assert shop.assign(first, {}).status == 200 and shop.assign(second, {"receipt": "escpos-58"}).status == 200
    clock.advance(61)
    taken = shop.claim(second)
    assert taken["job_id"] == lost["job_id"] and taken["profile"] == "escpos-58"
    late = shop.ack(first, lost["job_id"])
    assert late.status == 409 and late.error_code == "lease_lost"
    assert shop.ack(second, lost["job_id"]).status == 200


def test_an_ack_after_the_lease_ran_out_counts_when_nobody_else_claimed(shop, clock):
    job = shop.submit("slow-printer")
    station = shop.pair_station()
    shop.claim(station)
    clock.advance(120)
    assert shop.ack(station, job["job_id"]).status == 200
    assert shop.claim(station) is None


def test_failures_keep_their_reason_for_staff(shop):
    job = shop.submit("label-1", role="label", kind="label", title="Label JNE")
    station = shop.pair_station()
    assert shop.claim(station, roles=["label"])["profile"] == "tspl-100x150"
    r = shop.ack(station, job["job_id"], "failed")
    assert r.status == 400 and r.error_code == "reason_required"
    assert shop.ack(station, job["job_id"], "torn").status == 400
    assert shop.ack(station, job["job_id"], "failed", "malformed PDF: cannot open PDF").status == 200
    assert shop.ack(station, job["job_id"], "failed", "malformed PDF: cannot open PDF").status == 200
    [failed] = shop.jobs("failed")
    assert failed["reason"] == "malformed PDF: cannot open PDF" and failed["title"] == "Label JNE"
    assert shop.jobs("PRINTED") == []
    assert shop.api.get("/print/jobs?status=LOST", auth=shop.admin).status == 400


def test_release_gives_the_job_back_at_once_with_a_note(shop):
    job = shop.submit("offline")
    station = shop.pair_station()
    shop.claim(station)
    r = shop.api.post(f"/print/jobs/{job['job_id']}/release", {"reason": "receipt printer unavailable"}, auth=station)
    assert r.status == 200 and r.json["status"] == "QUEUED"
    assert shop.api.post(f"/print/jobs/{job['job_id']}/release", auth=station).status == 200, "idempotent"
    [listed] = shop.jobs("QUEUED")
    assert listed["note"] == "receipt printer unavailable"
    assert shop.claim(station)["job_id"] == job["job_id"], "offered again without waiting out the lease"
    shop.ack(station, job["job_id"])
    assert shop.api.post(f"/print/jobs/{job['job_id']}/release", auth=station).status == 409


def test_a_receipt_is_reprinted_only_from_the_sales_history_marked_as_a_copy(shop):
    for kind in ("receipt", "refund_receipt"):
        original = shop.submit(f"{kind}-print#o8", kind=kind, title="Struk 2311-0008")
        r = shop.api.post(f"/print/jobs/{original['job_id']}/reprint", auth=shop.cashier, headers=idem())
        assert r.status == 409 and r.error_code == "reprint_from_sales", r


def test_reprint_makes_a_new_job_from_the_same_pdf(shop):
    original = shop.submit("slip-print#o9", kind="order_slip", drawer_kick=True, copies=2, title="Struk 2311-0009")
    station = shop.pair_station()
    shop.claim(station)
    pending = shop.api.post(f"/print/jobs/{original['job_id']}/reprint", auth=shop.cashier, headers=idem())
    assert pending.status == 409 and pending.error_code == "job_pending", "the original may still print"
    shop.ack(station, original["job_id"])

    key = idem()
    r = shop.api.post(f"/print/jobs/{original['job_id']}/reprint", auth=shop.cashier, headers=key)
    assert r.status == 201, r
    copy = r.json
    assert copy["job_id"] != original["job_id"] and copy["reprint_of"] == original["job_id"]
    assert copy["status"] == "QUEUED" and copy["copies"] == 2 and copy["title"] == "Struk 2311-0009"
    retry = shop.api.post(f"/print/jobs/{original['job_id']}/reprint", auth=shop.cashier, headers=key)
    assert retry.json["job_id"] == copy["job_id"], "a retried tap is one reprint"
    job = shop.claim(station)
    assert job["job_id"] == copy["job_id"] and job["drawer_kick"] is False, "a reprint never opens the drawer"
    assert fetch(job["pdf_url"]) == PDF
    one = shop.api.post(f"/print/jobs/{original['job_id']}/reprint", {"copies": 1}, auth=shop.admin, headers=idem())
    assert one.status == 201 and one.json["copies"] == 1
    assert shop.api.post(f"/print/jobs/{original['job_id']}/reprint", {"copies": 100}, auth=shop.admin,
                         headers=idem()).status == 400


def test_stations_only_get_the_roles_they_serve(shop, clock):
    receipts = shop.pair_station("PC Kasir")
    clock.advance(1)
    labels = shop.pair_station("PC Gudang")
    assert shop.assign(labels, {"label": "zpl-100x150"}).status == 200
    label = shop.submit("awb-1", role="label")
    receipt = shop.submit("receipt-1")
    assert shop.claim(receipts)["job_id"] == receipt["job_id"]
    assert shop.claim(receipts) is None, "labels go to the station assigned the label role"
    job = shop.claim(labels)
    assert job["job_id"] == label["job_id"] and job["profile"] == "zpl-100x150"
    assert shop.claim(labels, roles=["receipt"]) is None
    config = shop.api.get("/print/station", auth=labels).json
    assert config["printers"] == [{"role": "label", "profile": "zpl-100x150"}]
    assert shop.api.get("/print/station", auth=receipts).json["printers"] == [
        {"role": "receipt", "profile": "escpos-80"}]
    routes = shop.api.get("/print/stations", auth=shop.admin).json["routes"]
    assert routes["label"]["station_name"] == "PC Gudang" and routes["receipt"]["station_name"] == "PC Kasir"
    assert shop.claim(receipts, roles=["receipt", "tape"]) is None, "unknown roles from a newer bridge are ignored"


def test_a_revoked_station_stops_and_the_next_one_takes_its_roles(shop, clock):
    first = shop.pair_station("PC 1")
    clock.advance(1)
    second = shop.pair_station("PC 2")
    job = shop.submit("r")
    assert shop.claim(second) is None, "the first-paired station serves unassigned roles"
    first_id = shop.station_id(first)
    assert shop.api.post(f"/devices/{first_id}/revoke", auth=shop.admin).status == 200
    r = shop.api.post("/print/jobs/claim", {"roles": ["receipt"]}, auth=first)
    assert r.status == 401 and r.error_code == "device_revoked"
    assert shop.claim(second)["job_id"] == job["job_id"]


def test_other_stores_and_other_callers_cannot_touch_our_jobs(shop, other_shop):
    job = shop.submit("ours")
    ours = shop.pair_station()
    theirs = other_shop.pair_station()
    assert shop.claim(theirs) is None
    assert other_shop.ack(theirs, job["job_id"]).status == 404
    assert other_shop.api.post(f"/print/jobs/{job['job_id']}/release", auth=theirs).status == 404
    assert other_shop.api.post(f"/print/jobs/{job['job_id']}/reprint", auth=other_shop.admin,
                               headers=idem()).status == 404
    assert other_shop.jobs() == []
    ours_id = shop.station_id(ours)
    assert other_shop.api.get(f"/print/stations/{ours_id}/printers", auth=other_shop.admin).status == 404

    kiosk_code = shop.api.post("/devices/pairing-codes", {"kind": "kiosk"}, auth=shop.admin).json["code"]
    kiosk = f"Device {shop.api.post('/devices/pair', {'code': kiosk_code, 'name': 'Tablet'}).json['device_token']}"
    r = shop.api.post("/print/jobs/claim", {"roles": ["receipt"]}, auth=kiosk)
    assert r.status == 403 and r.error_code == "print_station_required"
    assert shop.api.post("/print/jobs/claim", {"roles": ["receipt"]}, auth=shop.admin).status == 403
    assert shop.api.post("/print/jobs/claim", {"roles": ["receipt"]}, auth=shop.cashier).status == 403
    assert shop.api.get("/print/stations", auth=shop.cashier).status == 403
    assert shop.api.get("/print/jobs", auth=shop.cashier).status == 200
    assert shop.api.post("/print/jobs/claim", {"roles": ["receipt"]}).status == 401
    assert shop.claim(ours)["job_id"] == job["job_id"]


def test_receipt_width_follows_the_receipt_printer(shop):
    assert service.receipt_width_mm(shop.store_id) == 80, "no station yet: the common 80 mm"
    station = shop.pair_station()
    assert service.receipt_width_mm(shop.store_id) == 80
    assert shop.assign(station, {"receipt": "escpos-58"}).status == 200
    assert service.receipt_width_mm(shop.store_id) == 58
    sid = shop.station_id(station)
    r = shop.api.post(f"/print/stations/{sid}/profiles", {"name": "xp-64", "base": "escpos-80", "width_dots": 512},
                      auth=shop.admin)
    assert r.status == 201, r
    assert shop.assign(station, {"receipt": "xp-64"}).status == 200
    assert service.receipt_width_mm(shop.store_id) == 80
