"""Refunds and voids in the day and month reports: on their own lines, on the day the money went
back (the sale stays on its own day, across midnight WIB), by tender and by who paid them out, net
sales after them, a month the sum of its days, and the CSV and the PDF saying the same; every figure
checked against the orders and the refund documents themselves."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from tests.integration.reports import from_orders
from tests.integration.reports.test_reports import _csv, _pdf_text
from tests.integration.sales.test_refunds import ADMIN

WIB = ZoneInfo("Asia/Jakarta")
DAYS = ("2026-11-23", "2026-11-24")


def _at(*args) -> datetime:
    return datetime(*args, tzinfo=WIB)


def refund(till, order_id: str, lines=None, **body) -> dict:
    body = {"reason": "barang_rusak", "approval": ADMIN, **body}
    if lines is not None:
        body["lines"] = [{"sku": sku, "quantity": qty, "restock": False} for sku, qty in lines]
    r = till.post(f"/sales/{order_id}/refunds", body)
    assert r.status == 201 and r.json["status"] == "DONE", r
    return r.json


def void(till, order_id: str) -> dict:
    r = till.post(f"/sales/{order_id}/void", {"reason": "salah_input", "approval": ADMIN})
    assert r.status == 201 and r.json["status"] == "DONE", r
    return r.json


def test_refunds_count_on_the_day_the_money_went_back_and_reconcile_with_the_documents(api, demo, till_for, clock):
    clock.set(_at(2026, 11, 23, 23, 50))
    sari = till_for("u_sari")
    coffee = sari.cash([{"sku": "KOPI-250", "qty": 2}])  # 36.000
    tea = sari.qris([{"sku": "TEH-350", "qty": 1}], issuer="gopay")  # 8.000
    bread = sari.cash([{"sku": "ROTI-COK", "qty": 1}])  # 15.500, voided the same evening
    clock.set(_at(2026, 11, 23, 23, 55))
    assert void(sari, bread["order_id"])["amount"] == 15_500

    # Past midnight: Budi pays back one coffee of Sari's sale in cash, Sari the tea through QRIS.
    clock.set(_at(2026, 11, 24, 0, 5))
    budi = till_for("u_budi")
    assert refund(budi, coffee["order_id"], [("KOPI-250", 1)])["amount"] == 18_000
    back = refund(sari, tea["order_id"])
    assert (back["tender"], back["amount"]) == ("QRIS", 8_000)
    water = budi.cash([{"sku": "AIR-600", "qty": 1}])  # 4.000, a sale of the 24th

    admin = api.login_as(demo, "admin")
    days = {d: api.get(f"/reports/day?date={d}", auth=admin).json for d in DAYS}
    first, second = days["2026-11-23"], days["2026-11-24"]
    assert (first["sales"]["count"], first["sales"]["net"]) == (3, 36_000 + 8_000 + 15_500), "the sales stay on their day"
    assert first["refunds"]["voids"] == {"count": 1, "amount": 15_500} and first["refunds"]["refunds"]["count"] == 0
    assert first["sales"]["net_after_refunds"] == 59_500 - 15_500
    assert (second["sales"]["count"], second["sales"]["net"]) == (1, water["total"]) == (1, 4_000)
    assert second["refunds"]["refunds"] == {"count": 2, "amount": 26_000} and second["refunds"]["voids"]["count"] == 0
    assert second["refunds"]["by_tender"] == [{"method": "CASH", "label": "Tunai", "count": 1, "amount": 18_000},
                                              {"method": "QRIS", "label": "QRIS", "count": 1, "amount": 8_000}]
    assert second["sales"]["net_after_refunds"] == 4_000 - 26_000, "a day can give back more than it sells"
    assert second["refunds"]["collected_after_refunds"] == 4_000 - 26_000
    cashiers = {c["staff_id"]: c for c in second["cashiers"]}
    assert (cashiers["u_budi"]["refunds_count"], cashiers["u_budi"]["refunded"]) == (1, 18_000), "who paid it out"
    assert (cashiers["u_sari"]["refunded"], cashiers["u_sari"]["sales_count"]) == (8_000, 0)
    for day, report in days.items():
        assert from_orders.as_reported(report) == from_orders.sales_figures("s_demo", day, {}), day
        assert from_orders.refunds_as_reported(report) == from_orders.refund_figures("s_demo", day), day

    month = api.get("/reports/month?month=2026-11", auth=admin).json
    assert month["sales"]["net"] == 63_500 and month["refunds"]["amount"] == 15_500 + 26_000
    assert month["sales"]["net_after_refunds"] == sum(d["sales"]["net_after_refunds"] for d in days.values()) == 22_000
    assert month["refunds"]["voids"]["count"] == 1 and month["refunds"]["refunds"]["count"] == 2
    assert [(d["date"], d["net"], d["refunded"], d["net_after_refunds"]) for d in month["days"] if d["count"] or d["refunded"]] \
        == [("2026-11-23", 59_500, 15_500, 44_000), ("2026-11-24", 4_000, 26_000, -22_000)]

    rows = {(x["bagian"], x["indikator"], x["rincian"]): x["nilai"]
            for x in _csv(api.get("/reports/day.csv?date=2026-11-24", auth=admin).body)}
    assert rows[("Pengembalian", "Nilai pengembalian (refund)", "")] == "26000"
    assert rows[("Pengembalian", "Penjualan bersih setelah pengembalian", "")] == "-22000"
    assert rows[("Pengembalian per metode", "Nilai", "Tunai")] == "18000"
    assert rows[("Kasir", "Pengembalian dibayar", "Budi Kasir (u_budi)")] == "18000"
    sheet = _csv(api.get("/reports/month.csv?month=2026-11", auth=admin).body)
    assert sheet[-1]["tanggal"] == "TOTAL" and sheet[22]["tanggal"] == "23/11/2026"
    assert (sheet[22]["nilai_void"], sheet[23]["total_dikembalikan"], sheet[23]["pengembalian_qris"]) == ("15500", "26000", "8000")
    for column in ("total_dikembalikan", "nilai_refund", "nilai_void", "penjualan_bersih_setelah_pengembalian",
                   "pengembalian_cash", "pengembalian_qris"):
        assert int(sheet[-1][column]) == sum(int(row[column]) for row in sheet[:-1]), column
    assert sheet[-1]["penjualan_bersih_setelah_pengembalian"] == "22000"

    day_pdf = _pdf_text(api.get("/reports/day.pdf?date=2026-11-24", auth=admin, headers={"Accept": "application/pdf"}).body)
    for expected in ("Pengembalian per metode", "Nilai pengembalian (refund) Rp26.000", "Bersih setelah pengembalian",
                     "-Rp22.000", "hari uangnya dikembalikan", "orang yang membayarkannya", "Budi Kasir"):
        assert expected in day_pdf, expected
    month_pdf = _pdf_text(api.get("/reports/month.pdf?month=2026-11", auth=admin, headers={"Accept": "*/*"}).body)
    assert "Total dikembalikan Rp41.500" in month_pdf and "Nilai pembatalan (void) Rp15.500" in month_pdf
    assert "Rp22.000" in month_pdf
