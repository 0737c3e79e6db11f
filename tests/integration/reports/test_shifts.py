"""Tutup kasir with real sales: cash at the counter and QRIS through the gateway simulator, cash in
and out, a selisih over the allowance approved with an admin's PIN, the report printed and kept."""
from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import datetime
from zoneinfo import ZoneInfo

import pypdfium2 as pdfium

from chalicelib.sales.repo import OrderRecord
from chalicelib.staff.repo import PinGuardRecord

WIB = ZoneInfo("Asia/Jakarta")
ADMIN_PIN, BUDI_PIN = "135790", "112358"


def _close(till, shift_id: str, counted: int, **approval):
    return till.post(f"/shifts/{shift_id}/close", {"counted_cash": counted, "note": "Uang receh kurang", **approval})


def _kiosk_token(api, demo) -> str:
    r = api.post("/devices/pair", {"code": demo["pairing_codes"]["kiosk"], "name": "Kasir 2", "kind": "kiosk"})
    assert r.status == 201, r
    return r.json["device_token"]


def _from_orders(staff_id: str, device_id: str, start: int, end: int) -> dict:
    """The shift's totals the slow way: the cashier's completed orders on that device in the shift."""
    totals = defaultdict(lambda: [0, 0])
    for o in OrderRecord.by_store_day.query("s_demo#2026-11-23"):
        if o.status == "COMPLETED" and o.created_by == staff_id and o.device_id == device_id \
                and start <= int(o.completed_at) <= end:
            key = (o.payment_method, o.payment_issuer.lower() if o.payment_method == "QRIS" else None)
            totals[key][0] += 1
            totals[key][1] += int(o.total)
    return {k: tuple(v) for k, v in totals.items()}


def test_shift_with_cash_qris_cash_movements_and_an_admin_approved_difference(api, demo, till_for, printer, clock):
    kiosk = _kiosk_token(api, demo)  # pairing codes last 10 minutes from the seed
    clock.set(datetime(2026, 11, 23, 8, 0, tzinfo=WIB))
    sari = till_for("u_sari")
    opened = sari.post("/shifts", {"opening_float": 200_000})
    assert opened.status == 201 and opened.json["status"] == "OPEN" and opened.json["expected_cash"] == 200_000
    shift_id, device_id = opened.json["shift_id"], opened.json["device_id"]
    assert sari.post("/shifts", {"opening_float": 0}).error_code == "shift_already_open"
    budi = till_for("u_budi")
    assert budi.post("/shifts", {"opening_float": 0}).error_code == "device_shift_open", "one cashier per drawer"

    assert sari.post(f"/shifts/{shift_id}/cash", {"direction": "in", "amount": 50_000, "reason": "Tukar uang kecil"}).status == 201
    too_much = sari.post(f"/shifts/{shift_id}/cash", {"direction": "out", "amount": 250_001, "reason": "Setor"})
    assert too_much.status == 409 and too_much.error_code == "cash_out_exceeds_drawer"
    assert sari.post(f"/shifts/{shift_id}/cash", {"direction": "out", "amount": 20_000, "reason": "Beli air galon"}).status == 201
    assert sari.post(f"/shifts/{shift_id}/cash", {"direction": "out", "amount": 1, "reason": " "}).error_code == "invalid_reason"

    clock.advance(minutes=10)
    sari.cash([{"sku": "ROTI-COK", "qty": 1}], received=20_000)
    sari.qris([{"sku": "KOPI-250", "qty": 2}], issuer="gopay")
    sari.qris([{"sku": "TEH-350", "qty": 1}], issuer="OVO")
    budi.cash([{"sku": "AIR-600", "qty": 2}])  # another cashier: not in Sari's shift
    till_for("u_sari", kiosk).cash([{"sku": "AIR-600", "qty": 1}])  # Sari, another drawer

    current = api.get("/shifts/current", auth=sari.auth).json["shift"]
    assert current["shift_id"] == shift_id
    lines = [(m["method"], m["issuer"], m["count"], m["amount"]) for m in current["sales"]["by_method"]]
    assert lines == [("CASH", None, 1, 15_500), ("QRIS", "gopay", 1, 36_000), ("QRIS", "ovo", 1, 8_000),
                     ("BANK_TRANSFER", None, 0, 0)]
    assert {(m, i): (c, a) for m, i, c, a in lines if c} == _from_orders("u_sari", device_id, current["opened_at"],
                                                                         int(clock.now()))
    assert current["expected_cash"] == 200_000 + 15_500 + 50_000 - 20_000 == 245_500
    assert [(m["amount"], m["reason"]) for m in current["movements"]] == [(50_000, "Tukar uang kecil"),
                                                                        (-20_000, "Beli air galon")]
    assert api.get(f"/shifts/{shift_id}", auth=budi.auth).status == 404, "a cashier sees only their own shifts"

    clock.advance(hours=8)
    needs = _close(sari, shift_id, 230_000)
    assert needs.status == 409 and needs.error_code == "approval_required"
    assert needs.json["error"]["details"] == {"expected_cash": 245_500, "difference": -15_500, "allowance": 10_000}
    wrong = _close(sari, shift_id, 230_000, approver_staff_id="u_admin", approver_pin="999999")
    assert wrong.status == 403 and wrong.error_code == "approval_pin_wrong", "403: the cashier stays signed in"
    assert PinGuardRecord.get("s_demo", f"u_admin#{device_id}").tries == 1, "counts towards the admin's lockout"
    not_admin = _close(sari, shift_id, 230_000, approver_staff_id="u_budi", approver_pin=BUDI_PIN)
    assert not_admin.status == 403 and not_admin.error_code == "approver_not_admin"
    assert api.get("/shifts/current", auth=sari.auth).json["shift"]["status"] == "OPEN"

    closed = _close(sari, shift_id, 230_000, approver_staff_id="u_admin", approver_pin=ADMIN_PIN)
    assert closed.status == 200, closed
    c = closed.json
    assert (c["status"], c["counted_cash"], c["expected_cash"], c["difference"]) == ("CLOSED", 230_000, 245_500, -15_500)
    assert (c["approved_by"], c["approved_by_name"], c["note"]) == ("u_admin", "Rina Admin", "Uang receh kurang")
    assert PinGuardRecord.get("s_demo", f"u_admin#{device_id}").tries == 0
    assert api.get("/shifts/current", auth=sari.auth).json == {"shift": None}

    jobs = printer()
    assert [(j["role"], j["kind"], j["reference"], j["title"]) for j in jobs] == [
        ("receipt", "report", f"shift-report#{shift_id}", f"Tutup kasir {c['shift_code']}")]
    width_pt = pdfium.PdfDocument(jobs[0]["pdf"])[0].get_size()[0]
    assert round(width_pt / 72 * 25.4) == 80, "the store's receipt width (80 mm until a station says otherwise)"
    kept = api.get(f"/shifts/{shift_id}/report.pdf", auth=sari.auth, headers={"Accept": "application/pdf"})
    assert kept.status == 200 and kept.headers["Content-Disposition"].startswith("attachment; filename=\"tutup-kasir-")
    text = " ".join(pdfium.PdfDocument(kept.body)[0].get_textpage().get_text_range().split())
    for expected in ("LAPORAN TUTUP KASIR", "Sari Kasir", "Rp245.500", "-Rp15.500", "Kas masuk 08:00", "Tukar uang", "QRIS - gopay",
                     "Disetujui: Rina Admin"):
        assert expected in text, expected

    sari.cash([{"sku": "ROTI-COK", "qty": 1}])  # after the closing: the closed shift never changes
    again = api.get(f"/shifts/{shift_id}", auth=sari.auth).json
    assert again["sales"] == c["sales"] and again["expected_cash"] == 245_500
    assert sari.post(f"/shifts/{shift_id}/cash", {"direction": "in", "amount": 1, "reason": "x"}).error_code == "shift_closed"


def test_wrong_admin_pins_lock_the_admin_as_sign_in_does(api, demo, till_for, printer, clock):
    sari = till_for("u_sari")
    shift_id = sari.post("/shifts", {"opening_float": 0}).json["shift_id"]
    codes = [_close(sari, shift_id, 50_000, approver_staff_id="u_admin", approver_pin="999999").status for _ in range(5)]
    assert codes == [403, 403, 403, 403, 423]
    assert _close(sari, shift_id, 50_000, approver_staff_id="u_admin", approver_pin=ADMIN_PIN).error_code == "pin_locked"
    login = api.post("/auth/login", {"staff_id": "u_admin", "pin": ADMIN_PIN},
                     auth=f"Device {demo['backoffice_device_token']}")
    assert login.status == 423, "the same lockout as the sign-in"
    assert api.get(f"/shifts/{shift_id}", auth=sari.auth).json["status"] == "OPEN" and printer() == []


def test_a_difference_within_the_allowance_closes_without_a_pin_and_prints_for_real(api, demo, till_for, clock):
    from chalicelib.core.outbox import OutboxItem
    from chalicelib.printing import model as printing
    from chalicelib.printing.repo import PrintJobRecord

    sari = till_for("u_sari")
    shift_id = sari.post("/shifts", {"opening_float": 100_000}).json["shift_id"]
    sari.cash([{"sku": "KOPI-250", "qty": 1}], received=50_000)
    key = {"Idempotency-Key": str(uuid.uuid4())}
    body = {"counted_cash": 128_000, "note": None}
    first = api.post(f"/shifts/{shift_id}/close", body, auth=sari.auth, headers=key)
    assert first.status == 200 and first.json["difference"] == 128_000 - 118_000 and first.json["approved_by"] is None
    retry = api.post(f"/shifts/{shift_id}/close", body, auth=sari.auth, headers=key)
    assert retry.json == first.json, "a retried close gets the first answer"
    assert _close(sari, shift_id, 128_000).error_code == "shift_closed"
    effect = f"shift-report#{shift_id}"
    assert OutboxItem.get(effect).status == "DONE", "the printing area took the job"
    job = PrintJobRecord.get(printing.job_id_for("s_demo", effect))
    assert (job.role, job.kind, job.status) == ("receipt", "report", "QUEUED")
    again = sari.post(f"/shifts/{shift_id}/print")
    assert again.status == 200 and again.json["print"] == "DONE"

    admin = api.login_as(demo, "admin")
    listed = api.get("/shifts", auth=admin).json["shifts"]
    assert [(s["shift_id"], s["status"], s["sales_total"], s["difference"]) for s in listed] == [
        (shift_id, "CLOSED", 18_000, 10_000)]
    assert api.get("/shifts", auth=till_for("u_budi").auth).json["shifts"] == []
    assert sari.post("/shifts", {"opening_float": 100_000}).status == 201, "a new shift after the closing"
