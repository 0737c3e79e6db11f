"""Top products, chat sales per CS, cost of goods (HPP) and gross profit, and the exports, over a
mixed day of real sales through the API: store sales by two cashiers, chat orders booked by two
people and paid, products with and without a cost price, a cost price changed mid-day, a refund of a
store sale and one of a chat order. Every figure is exact to the rupiah and agrees with the orders."""
from __future__ import annotations

import uuid
from datetime import datetime
from zoneinfo import ZoneInfo

from chalicelib.catalog.repo import ProductRecord
from chalicelib.sales.repo import OrderRecord
from tests.integration.reports.test_report_refunds import refund
from tests.integration.reports.test_reports import _csv, _pdf_text, _register

WIB = ZoneInfo("Asia/Jakarta")
DAY = "2026-11-23"


def _at(*args) -> datetime:
    return datetime(*args, tzinfo=WIB)


def _key() -> dict:
    return {"Idempotency-Key": str(uuid.uuid4())}


def _book(api, auth, items, name: str) -> dict:
    body = {"items": items, "customer_name": name, "phone": "081298765432", "address": "Jl. Kenanga 3, Bogor 16111",
            "shipping_fee": 15_000, "channel": "whatsapp"}
    r = api.post("/book-orders", body, auth=auth, headers=_key())
    assert r.status == 201, r
    return r.json


def _pay_at_the_till(api, till, order: dict) -> dict:
    qr = api.post(f"/sales/{order['order_id']}/book-order/pay-qris", auth=till.auth).json
    till.sim.pay(f"{qr['order_id']}-{qr['attempt']}", issuer="gopay")
    till.sim.wait_idle()
    done = api.post(f"/sales/{qr['order_id']}/status", auth=till.auth).json
    assert done["status"] == "COMPLETED" and done["kind"] == "BOOK_ORDER", done
    return done


def test_a_mixed_day_top_products_chat_sales_per_cs_and_gross_profit(api, demo, till_for, clock):
    clock.set(_at(2026, 11, 23, 9, 0))
    admin, cs = api.login_as(demo, "admin"), api.login_as(demo, "cs")
    # Cost prices for coffee and tea; bread and water have none.
    assert api.patch("/catalog/products/KOPI-250", {"cost_price": 12_000}, auth=admin).json["cost_price"] == 12_000
    assert api.patch("/catalog/products/TEH-350", {"cost_price": 5_000}, auth=admin).json["cost_price"] == 5_000

    clock.set(_at(2026, 11, 23, 10, 0))
    sari, budi = till_for("u_sari"), till_for("u_budi")
    wulan = _register(api, sari.auth, "081234567890", "Wulan")
    s1 = sari.cash([{"sku": "KOPI-250", "qty": 2}, {"sku": "AIR-600", "qty": 1}])  # 36.000 + 4.000
    clock.advance(minutes=5)
    s2 = sari.qris([{"sku": "TEH-350", "qty": 3}], shopper_id=wulan)  # 24.000
    clock.advance(minutes=5)
    c1 = _pay_at_the_till(api, sari, _book(api, cs, [{"sku": "KOPI-250", "qty": 1}, {"sku": "ROTI-COK", "qty": 2}], "Rudi"))
    clock.advance(minutes=5)
    c2 = _pay_at_the_till(api, sari, _book(api, admin, [{"sku": "TEH-350", "qty": 1}], "Tono"))  # booked by the admin
    clock.advance(minutes=5)
    cancelled = _book(api, cs, [{"sku": "AIR-600", "qty": 1}], "Yani")
    assert api.post(f"/book-orders/{cancelled['order_id']}/cancel", auth=cs).json["status"] == "CANCELLED"

    # The coffee's cost goes up at noon: what was sold before keeps its cost, later sales get the new one.
    clock.set(_at(2026, 11, 23, 12, 0))
    assert api.patch("/catalog/products/KOPI-250", {"cost_price": 20_000}, auth=admin).status == 200
    s3 = budi.cash([{"sku": "KOPI-250", "qty": 1}])  # 18.000 at HPP 20.000: sold at a loss

    clock.set(_at(2026, 11, 23, 15, 0))
    back = refund(sari, s1["order_id"], [("KOPI-250", 1)])  # 18.000, its HPP 12.000 as sold
    chat_back = refund(till_for("u_dewi"), c1["order_id"], [("ROTI-COK", 1)], tender="CASH")  # goods 15.500 + ongkir share
    assert back["amount"] == 18_000 and chat_back["amount"] > 15_500, "a chat refund's money carries ongkir and kode unik"

    stored = {i["sku"]: i for i in OrderRecord.get(s3["order_id"]).items}
    assert stored["KOPI-250"]["unit_cost"] == 20_000 and OrderRecord.get(s1["order_id"]).items[0]["unit_cost"] == 12_000
    assert "unit_cost" not in api.get(f"/sales/{s3['order_id']}", auth=sari.auth).json["items"][0], "HPP stays in the office"
    assert "unit_cost" not in OrderRecord.get(s1["order_id"]).items[1], "water has no cost price"

    report = api.get(f"/reports/day?date={DAY}", auth=admin).json
    sales = report["sales"]
    assert (sales["count"], sales["net"]) == (5, 40_000 + 24_000 + 49_000 + 8_000 + 18_000) == (5, 139_000)
    products = {p["sku"]: p for p in report["products"]["top"]}
    assert [p["sku"] for p in report["products"]["top"]] == ["KOPI-250", "TEH-350", "ROTI-COK", "AIR-600"]
    assert products["KOPI-250"] == {
        "sku": "KOPI-250", "name": "Kopi Susu Gula Aren 250 ml", "sold": 4, "returned": 1, "units": 3, "costed": "all",
        "net": 36_000 + 18_000 + 18_000 - 18_000, "net_with_cost": 54_000,
        "cost": 24_000 + 12_000 + 20_000 - 12_000, "gross_profit": 54_000 - 44_000, "net_without_cost": 0}
    assert (products["TEH-350"]["units"], products["TEH-350"]["net"], products["TEH-350"]["cost"]) == (4, 32_000, 20_000)
    assert (products["ROTI-COK"]["units"], products["ROTI-COK"]["net"], products["ROTI-COK"]["cost"]) == (1, 15_500, None)
    assert (products["AIR-600"]["net"], products["AIR-600"]["net_without_cost"], products["AIR-600"]["costed"]) == \
        (4_000, 4_000, "none"), "no cost price: unknown, never a profit of 100%"
    assert products["KOPI-250"]["costed"] == products["TEH-350"]["costed"] == "all"
    total = report["products"]["total"]
    assert total["net"] == sales["net"] - 18_000 - 15_500 == 105_500, "goods after refunds, without ongkir or kode unik"
    assert report["products"]["others"] is None

    profit = report["profit"]
    assert profit["net"] == 105_500
    assert profit["with_cost"] == {"net": 54_000 + 32_000, "cost": 44_000 + 20_000, "gross_profit": 86_000 - 64_000,
                                   "margin": round(22_000 / 86_000, 4)}
    assert profit["without_cost"]["net"] == 15_500 + 4_000 and profit["without_cost"]["products"] == 2
    assert profit["without_cost"]["share"] == round(19_500 / 105_500, 4) and profit["complete"] is False
    assert [p["sku"] for p in profit["without_cost"]["top"]] == ["ROTI-COK", "AIR-600"]

    chat = {c["staff_id"]: c for c in report["chat_by_cs"]}
    assert chat["u_dewi"] == {"staff_id": "u_dewi", "name": "Dewi CS", "orders": 1, "net": 49_000, "average": 49_000,
                              "returns_count": 1, "returned": 15_500, "net_after_returns": 33_500}
    assert (chat["u_admin"]["name"], chat["u_admin"]["orders"], chat["u_admin"]["net"]) == ("Rina Admin", 1, 8_000)
    assert [c["staff_id"] for c in report["chat_by_cs"]] == ["u_dewi", "u_admin"], "best first"
    assert sum(c["net"] for c in report["chat_by_cs"]) == sales["from_book_orders"]["net"] == 57_000

    top2 = api.get(f"/reports/day?date={DAY}&top=2", auth=admin).json["products"]
    assert [p["sku"] for p in top2["top"]] == ["KOPI-250", "TEH-350"]
    assert (top2["others"]["products"], top2["others"]["units"], top2["others"]["net"]) == (2, 2, 19_500)
    assert api.get(f"/reports/day?date={DAY}&top=0", auth=admin).error_code == "invalid_query"

    # A month is its days: the same figures for November.
    month = api.get("/reports/month?month=2026-11", auth=admin).json
    assert month["products"] == report["products"] and month["profit"] == report["profit"]
    assert month["chat_by_cs"] == report["chat_by_cs"]

    # CS reads the same report without cost prices or profit.
    seen_by_cs = api.get(f"/reports/day?date={DAY}", auth=cs).json
    assert seen_by_cs["profit"] is None and seen_by_cs["costs_visible"] is False
    assert not any("cost" in key for p in seen_by_cs["products"]["top"] for key in p)
    assert seen_by_cs["chat_by_cs"] == report["chat_by_cs"]

    # The downloads: the day sheet, the products and the orders, for Excel set to Indonesian.
    r = api.get(f"/reports/day.csv?date={DAY}", auth=admin)
    assert r.body.decode().startswith("\ufeffbagian;indikator;rincian;nilai\r\n")
    values = {(x["bagian"], x["indikator"], x["rincian"]): x["nilai"] for x in _csv(r.body)}
    kopi = f"{products['KOPI-250']['name']} (KOPI-250)"
    assert values[("Produk terlaris", "Penjualan bersih", kopi)] == "54000"
    assert values[("Produk terlaris", "Laba kotor", kopi)] == "10000"
    assert values[("HPP & laba kotor", "Laba kotor", "")] == "22000"
    assert values[("HPP & laba kotor", "Penjualan tanpa HPP", "")] == "19500"
    assert values[("HPP & laba kotor", "Margin laba kotor", "")] == f"{22_000 / 86_000:.4f}".replace(".", ",")
    assert values[("Penjualan chat per CS", "Bersih setelah pengembalian", "Dewi CS (u_dewi)")] == "33500"
    assert not any(k[0] == "HPP & laba kotor" for k in
                   {(x["bagian"], x["indikator"]) for x in _csv(api.get(f"/reports/day.csv?date={DAY}", auth=cs).body)})

    sheet = _csv(api.get("/reports/month.csv?month=2026-11", auth=admin).body)
    day_row = next(row for row in sheet if row["tanggal"] == "23/11/2026")
    assert (day_row["laba_kotor"], day_row["hpp"], day_row["penjualan_tanpa_hpp"]) == ("22000", "64000", "19500")
    assert sheet[-1]["tanggal"] == "TOTAL" and sheet[-1]["laba_kotor"] == "22000"
    assert "laba_kotor" not in _csv(api.get("/reports/month.csv?month=2026-11", auth=cs).body)[0]

    r = api.get(f"/reports/day/products.csv?date={DAY}", auth=admin)
    assert r.headers["Content-Disposition"] == f'attachment; filename="produk-{DAY}.csv"'
    sheet = {row["sku"]: row for row in _csv(r.body)}
    assert (sheet["KOPI-250"]["terjual"], sheet["KOPI-250"]["dikembalikan"], sheet["KOPI-250"]["hpp"]) == ("4", "1", "44000")
    assert sheet["TOTAL"]["penjualan_bersih"] == "105500" and sheet["TOTAL"]["laba_kotor"] == "22000"

    r = api.get(f"/reports/day/orders.csv?date={DAY}", auth=cs)
    assert r.status == 200 and r.headers["Content-Type"].startswith("text/csv")
    assert r.headers["Content-Disposition"] == f'attachment; filename="pesanan-{DAY}.csv"'
    orders = {row["no_pesanan"]: row for row in _csv(r.body)}
    assert len(orders) == 6, "every order of the day, the cancelled one too"
    one = orders[s1["order_no"]]
    assert (one["tanggal"], one["jam_wib"], one["jenis"], one["status"], one["kasir_cs"]) == \
        ("23/11/2026", "10:00", "Toko", "Selesai", "Sari Kasir")
    assert (one["metode_bayar"], one["total"], one["dikembalikan"], one["bersih"]) == ("Tunai", "40000", "18000", "22000")
    two = orders[s2["order_no"]]
    assert (two["pembeli"], two["telepon"], two["metode_bayar"]) == ("Wulan", "0812-3456-7890", "QRIS (gopay)")
    chat_row = orders[c1["order_no"]]
    assert (chat_row["jenis"], chat_row["kasir_cs"], chat_row["pembeli"], chat_row["nilai_barang"]) == \
        ("Chat", "Dewi CS", "Rudi", "49000")
    assert (chat_row["total"], chat_row["dikembalikan"]) == (str(c1["total"]), str(chat_back["amount"]))
    assert int(chat_row["bersih"]) == c1["total"] - chat_back["amount"]
    assert (orders[c2["order_no"]]["kasir_cs"], orders[s3["order_no"]]["kasir_cs"]) == ("Rina Admin", "Budi Kasir")
    gone = orders[cancelled["order_no"]]
    assert (gone["status"], gone["bersih"], gone["tanggal_selesai"]) == ("Dibatalkan", "0", "")
    assert sum(int(o["bersih"]) for o in orders.values()) == sales["collected"] - report["refunds"]["amount"]
    month_orders = _csv(api.get("/reports/month/orders.csv?month=2026-11", auth=admin).body)
    assert [o["no_pesanan"] for o in month_orders] == list(orders) == \
        [o["order_no"] for o in (s1, s2, c1, c2, cancelled, s3)], "oldest first, the same rows"

    pdf = _pdf_text(api.get(f"/reports/day.pdf?date={DAY}", auth=admin, headers={"Accept": "application/pdf"}).body)
    for expected in ("Produk terlaris", "Penjualan chat per CS", "Dewi CS", "HPP & laba kotor", "Laba kotor Rp22.000",
                     "Penjualan tanpa HPP Rp19.500", "tidak dihitung dalam laba kotor", "Terlaris tanpa HPP"):
        assert expected in pdf, expected
    cs_pdf = _pdf_text(api.get(f"/reports/day.pdf?date={DAY}", auth=cs, headers={"Accept": "application/pdf"}).body)
    assert "Produk terlaris" in cs_pdf and "HPP & laba kotor" not in cs_pdf and "Laba kotor" not in cs_pdf


def test_the_cost_price_through_the_catalog_api(api, demo):
    admin, cashier = api.login_as(demo, "admin"), api.login_as(demo, "cashier")
    r = api.post("/catalog/products", {"sku": "KUE-9", "name": "Kue Lapis", "price": 45_000, "cost_price": 30_000},
                 auth=admin, headers=_key())
    assert r.status == 201 and r.json["cost_price"] == 30_000
    assert "cost_price" not in api.get("/catalog/products/KUE-9", auth=cashier).json, "cashiers never see HPP"
    assert all("cost_price" not in p for p in api.get("/catalog/products?q=kue", auth=cashier).json["products"])
    assert api.get("/catalog/products/KUE-9", auth=admin).json["cost_price"] == 30_000
    assert api.post("/catalog/products", {"sku": "KUE-8", "name": "Kue Sus", "price": 5_000}, auth=admin,
                    headers=_key()).json["cost_price"] is None, "optional"

    before = ProductRecord.get("m_demo", "KUE-9").version
    for body, code in (({"cost_price": -1}, "invalid_amount"), ({"cost_price": 1500.5}, "invalid_type"),
                       ({"cost_price": "30000"}, "invalid_type"), ({"cost_price": True}, "invalid_type"),
                       ({"cost_price": 10**12}, "invalid_amount")):
        r = api.patch("/catalog/products/KUE-9", body, auth=admin)
        assert r.status == 400 and r.error_code == code and r.json["error"]["message"], (body, r)
    rec = ProductRecord.get("m_demo", "KUE-9")
    assert (rec.version, rec.cost_price) == (before, 30_000), "nothing changed"
    assert api.patch("/catalog/products/KUE-9", {"cost_price": 31_000}, auth=cashier).status == 403
    assert api.patch("/catalog/products/KUE-9", {"price": 46_000}, auth=admin).json["cost_price"] == 30_000, "kept"
    assert api.patch("/catalog/products/KUE-9", {"cost_price": None}, auth=admin).json["cost_price"] is None, "cleared"
    assert ProductRecord.get("m_demo", "KUE-9").cost_price is None
    r = api.post("/catalog/products", {"sku": "KUE-7", "name": "Kue", "price": 5_000, "cost_price": -5}, auth=admin,
                 headers=_key())
    assert r.status == 400 and r.error_code == "invalid_amount" and ProductRecord.count("m_demo", ProductRecord.sku == "KUE-7") == 0
