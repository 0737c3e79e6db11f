"""Day and month reports from real sales: days in WIB, a month the sum of its days, every figure
checked against the orders it counts, and the downloads a merchant opens."""
from __future__ import annotations

import csv
import io
import uuid
from datetime import datetime
from zoneinfo import ZoneInfo

import pypdfium2 as pdfium

from chalicelib.core.outbox import process_due
from tests.integration.reports import from_orders

WIB = ZoneInfo("Asia/Jakarta")


def _at(*args) -> datetime:
    return datetime(*args, tzinfo=WIB)


def _pdf_text(body: bytes) -> str:
    doc = pdfium.PdfDocument(body)
    return " ".join(" ".join(doc[i].get_textpage().get_text_range().split()) for i in range(len(doc)))


def _csv(body) -> list[dict]:
    text = body.decode() if isinstance(body, bytes) else body
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:]), delimiter=";"))


def _firsts(*orders) -> dict[str, int]:
    first: dict[str, int] = {}
    for o in sorted(orders, key=lambda o: o["completed_at"]):
        if o["shopper_id"]:
            first.setdefault(o["shopper_id"], o["completed_at"])
    return first


def test_midnight_wib_splits_the_days_and_each_day_matches_its_orders(api, demo, till_for, clock):
    clock.set(_at(2026, 11, 23, 23, 59))
    sari = till_for("u_sari")
    late_evening = sari.qris([{"sku": "KOPI-250", "qty": 2}], issuer="gopay")
    clock.set(_at(2026, 11, 24, 0, 1))
    past_midnight = sari.cash([{"sku": "TEH-350", "qty": 1}], received=10_000)
    # Rung up at 23:59:30, paid at 00:00:30: a sale counts on the day it completes.
    clock.set(_at(2026, 11, 24, 23, 59, 30))
    sari = till_for("u_sari")  # a new shift's sign-in: sessions last 12 hours
    pending = sari.sale([{"sku": "AIR-600", "qty": 3}])
    clock.set(_at(2026, 11, 25, 0, 0, 30))
    sari.sim.pay(f"{pending['order_id']}-1", issuer="ShopeePay")
    sari.sim.wait_idle()
    after = api.get(f"/sales/{pending['order_id']}", auth=sari.auth).json
    assert after["status"] == "COMPLETED"

    admin = api.login_as(demo, "admin")
    days = {d: api.get(f"/reports/day?date={d}", auth=admin).json for d in ("2026-11-23", "2026-11-24", "2026-11-25")}
    assert [days[d]["sales"]["count"] for d in days] == [1, 1, 1]
    assert days["2026-11-23"]["sales"]["by_hour"][23]["net"] == late_evening["total"] == 36_000
    assert days["2026-11-24"]["sales"]["by_hour"][0]["net"] == past_midnight["total"] == 8_000
    assert days["2026-11-25"]["sales"]["by_issuer"] == [{"issuer": "shopeepay", "count": 1, "amount": 12_000}]
    for day, report in days.items():
        assert from_orders.as_reported(report) == from_orders.sales_figures("s_demo", day, {}), day

    month = api.get("/reports/month?month=2026-11", auth=admin).json
    assert month["sales"]["count"] == 3 and month["sales"]["net"] == 36_000 + 8_000 + 12_000
    assert [(d["date"], d["net"]) for d in month["days"] if d["count"]] == [
        ("2026-11-23", 36_000), ("2026-11-24", 8_000), ("2026-11-25", 12_000)]
    assert len(month["days"]) == 30


def test_month_boundary_and_a_month_is_the_sum_of_its_days(api, demo, till_for, clock):
    clock.set(_at(2026, 1, 31, 23, 30))
    sari = till_for("u_sari")
    january = [sari.cash([{"sku": "ROTI-COK", "qty": 2}]), sari.qris([{"sku": "KOPI-250", "qty": 1}], issuer="dana")]
    clock.set(_at(2026, 2, 1, 0, 30))
    sari.cash([{"sku": "AIR-600", "qty": 1}])

    admin = api.login_as(demo, "admin")
    jan = api.get("/reports/month?month=2026-01", auth=admin).json
    feb = api.get("/reports/month?month=2026-02", auth=admin).json
    assert jan["sales"]["count"] == 2 and jan["sales"]["net"] == sum(o["total"] for o in january) == 49_000
    assert feb["sales"]["count"] == 1 and feb["sales"]["net"] == 4_000 and len(feb["days"]) == 28
    day_reports = [api.get(f"/reports/day?date=2026-01-{d:02d}", auth=admin).json for d in (30, 31)]
    for key in ("count", "gross", "net", "collected"):
        assert jan["sales"][key] == sum(r["sales"][key] for r in day_reports), key
    assert jan["sales"]["by_method"] == day_reports[1]["sales"]["by_method"]
    assert from_orders.as_reported(day_reports[1]) == from_orders.sales_figures("s_demo", "2026-01-31", {})

    r = api.get("/reports/month.csv?month=2026-01", auth=admin)
    assert r.status == 200 and r.headers["Content-Type"].startswith("text/csv")
    assert r.headers["Content-Disposition"] == 'attachment; filename="laporan-2026-01.csv"'
    rows = _csv(r.body)
    assert len(rows) == 32 and rows[30]["tanggal"] == "31/01/2026" and rows[-1]["tanggal"] == "TOTAL"
    assert rows[30]["penjualan_bersih"] == "49000" and rows[30]["metode_cash"] == "31000" and rows[30]["metode_qris"] == "18000"
    for column in ("transaksi", "penjualan_kotor", "penjualan_bersih", "diterima", "metode_cash", "metode_qris"):
        assert int(rows[-1][column]) == sum(int(row[column]) for row in rows[:-1]) == int(rows[30][column]), column

    pdf = api.get("/reports/month.pdf?month=2026-01", auth=admin, headers={"Accept": "application/pdf"})
    assert pdf.status == 200 and pdf.headers["Content-Type"] == "application/pdf" and pdf.body[:5] == b"%PDF-"
    text = _pdf_text(pdf.body)
    assert "Laporan Bulanan" in text and "Januari 2026" in text and "Rp49.000" in text and "Toko Demo" in text


def _register(api, auth, phone: str, name: str) -> str:
    r = api.post("/shoppers", {"phone": phone, "name": name, "consent": True}, auth=auth,
                 headers={"Idempotency-Key": str(uuid.uuid4())})
    assert r.status in (200, 201), r
    return r.json["shopper_id"]


def test_o2o_book_orders_drop_orders_and_cashiers_reconcile_with_the_orders(api, demo, till_for, clock):
    clock.set(_at(2026, 11, 23, 10, 0))
    sari, budi = till_for("u_sari"), till_for("u_budi")
    cs, warehouse, admin = (api.login_as(demo, role) for role in ("cs", "warehouse", "admin"))
    wulan = _register(api, sari.auth, "081234567890", "Wulan")
    done = [sari.cash([{"sku": "KOPI-250", "qty": 1}], shopper_id=wulan)]
    clock.advance(minutes=5)
    done.append(sari.qris([{"sku": "ROTI-COK", "qty": 2}], issuer="OVO", shopper_id=wulan))
    done.append(sari.cash([{"sku": "AIR-600", "qty": 1}]))
    done.append(budi.cash([{"sku": "TEH-350", "qty": 2}]))

    book = {"items": [{"sku": "KOPI-250", "qty": 2}], "customer_name": "Rudi", "phone": "081298765432",
            "address": "Jl. Kenanga 3, Bogor 16111", "shipping_fee": 15_000, "channel": "whatsapp"}
    paid = api.post("/book-orders", book, auth=cs, headers={"Idempotency-Key": str(uuid.uuid4())})
    assert paid.status == 201, paid
    cancelled = api.post("/book-orders", {**book, "customer_name": "Tono"}, auth=cs,
                         headers={"Idempotency-Key": str(uuid.uuid4())}).json
    assert api.post(f"/book-orders/{cancelled['order_id']}/cancel", auth=cs).json["status"] == "CANCELLED"
    qr = api.post(f"/sales/{paid.json['order_id']}/book-order/pay-qris", auth=sari.auth).json
    sari.sim.pay(f"{qr['order_id']}-{qr['attempt']}", issuer="gopay")
    sari.sim.wait_idle()
    chat = api.post(f"/sales/{qr['order_id']}/status", auth=sari.auth).json
    assert chat["status"] == "COMPLETED" and chat["kind"] == "BOOK_ORDER"
    done.append(chat)

    drop = api.post("/inventory/drop-orders", {"items": [{"sku": "TEH-350", "qty": 3}]}, auth=cs,
                    headers={"Idempotency-Key": str(uuid.uuid4())}).json
    assert api.post(f"/inventory/drop-orders/{drop['drop_id']}/handover", auth=warehouse).status == 200
    assert api.get(f"/inventory/drop-orders/{drop['drop_id']}", auth=cs).json["status"] == "HANDED_OVER"
    back = api.post(f"/inventory/drop-orders/{drop['drop_id']}/return", {"items": [{"sku": "TEH-350", "qty": 1}]},
                    auth=warehouse, headers={"Idempotency-Key": str(uuid.uuid4())})
    assert back.status == 200, back
    process_due()  # stock, receipts and the shipment request: none of them may count a sale again
    waiting = api.get("/reports/day?date=2026-11-23", auth=cs).json["shipments"]
    assert (waiting["requested"], waiting["awb"], waiting["waiting_awb_now"]) == (1, 0, 1)
    scanned = api.post("/shipping/awb-batch", {"rows": [{"order_no": chat["order_no"], "awb": "jne0012345678"}]}, auth=cs)
    assert scanned.json["saved"] == 1, scanned

    report = api.get("/reports/day?date=2026-11-23", auth=cs).json
    assert report["shipments"] == {"requested": 1, "awb": 1, "shipped": 0, "cancelled": 0, "waiting_awb_now": 0}
    assert from_orders.as_reported(report) == from_orders.sales_figures("s_demo", "2026-11-23", _firsts(*done))
    assert report["sales"]["count"] == 5 and report["sales"]["from_book_orders"] == {"count": 1, "net": 36_000}
    assert report["sales"]["collected"] - report["sales"]["net"] == chat["total"] - 36_000 == report["sales"]["shipping_and_codes"]
    assert report["book_orders"] == {"created": 2, "created_amount": paid.json["total"] + cancelled["total"],
                                          "paid": 1, "paid_amount": chat["total"], "cancelled": 1, "expired": 0,
                                          "late": 0, "late_amount": 0}
    assert report["drop_orders"] == {"created": 1, "created_qty": 3, "handed": 1, "handed_qty": 3, "returned": 1,
                                     "returned_qty": 1, "cancelled": 0}
    o2o = report["o2o"]
    # Linked: Wulan's two visits and the chat order, whose customer (Rudi) is a shopper by phone too.
    assert (o2o["transactions"], o2o["linked"], o2o["repeat"], o2o["repeat_rate"]) == (5, 3, 1, 0.3333)
    assert o2o["gmv_store"] == 18_000 + 31_000 + 4_000 + 16_000 and o2o["gmv_chat"] == 36_000
    assert o2o["average_value"] == round((69_000 + 36_000) / 5)
    rows = {c["staff_id"]: c for c in report["cashiers"]}
    assert (rows["u_sari"]["transactions"], rows["u_sari"]["linked"], rows["u_sari"]["registered"]) == (3, 2, 1)
    assert rows["u_sari"]["link_rate"] == round(2 / 3, 4) and rows["u_sari"]["net"] == 53_000
    assert rows["u_sari"]["average_ticket"] == 17_667 and rows["u_sari"]["name"] == "Sari Kasir"
    assert (rows["u_budi"]["transactions"], rows["u_budi"]["average_ticket"]) == (1, 16_000)

    r = api.get("/reports/day.csv?date=2026-11-23", auth=admin)
    assert r.headers["Content-Disposition"] == 'attachment; filename="laporan-2026-11-23.csv"'
    lines = _csv(r.body)
    assert list(lines[0]) == ["bagian", "indikator", "rincian", "nilai"]
    values = {(x["bagian"], x["indikator"], x["rincian"]): x["nilai"] for x in lines}
    assert values[("Penjualan", "Penjualan bersih", "")] == "105000"
    assert values[("Drop Order", "Dikembalikan", "")] == "1" and values[("Book Order", "Dibatalkan", "")] == "1"
    assert values[("Kasir", "Pembeli baru", "Sari Kasir (u_sari)")] == "1"
    pdf = api.get("/reports/day.pdf?date=2026-11-23", auth=admin, headers={"Accept": "*/*"})
    text = _pdf_text(pdf.body)
    assert "Laporan Harian" in text and "23 November 2026" in text and "Rp105.000" in text and "Sari Kasir" in text


def test_who_may_read_reports_and_bad_periods(api, demo, admin, clock):
    cashier = api.login_as(demo, "cashier")
    assert api.get("/reports/day", auth=cashier).status == 403
    today = api.get("/reports/day", auth=admin).json
    assert today["date"] == "2026-11-23" and today["sales"]["count"] == 0 and today["timezone"] == "Asia/Jakarta"
    assert api.get("/reports/month", auth=admin).json["month"] == "2026-11"
    assert api.get("/reports/day?date=2026-02-30", auth=admin).error_code == "invalid_date"
    assert api.get("/reports/month.csv?month=2026-13", auth=admin).error_code == "invalid_month"
