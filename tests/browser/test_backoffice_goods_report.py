"""The day report's goods, as a manager reads them: top products with their cost of goods (HPP) and
gross profit, what was sold without a cost price said in words, chat sales per CS, and the orders
export saved as a CSV Excel set to Indonesian opens (a BOM, ``;``). A CS reads the same page without
cost prices. Every figure on the page is the one the API gives."""
from __future__ import annotations

import csv
import io
import uuid

from chalicelib.core.money import format_rupiah
from tests.browser.backoffice import enter_pin, sign_in, staff_of, wait_section
from tests.browser.kiosk import ARTIFACTS


def _once() -> dict:
    return {"Idempotency-Key": str(uuid.uuid4())}


def _cell(page, panel: str, row_text: str, column: int) -> str:
    row = page.locator(f"{panel} tbody tr", has_text=row_text).first
    return row.locator("td").nth(column).inner_text()


def _figure(page, panel: str, label: str) -> str:
    return page.locator(f"{panel} tr", has=page.get_by_role("rowheader", name=label, exact=True)).first \
        .locator("td").inner_text()


def test_a_manager_sees_top_products_and_gross_profit(page, stack, http, admin_auth):
    admin = staff_of(stack, "admin")
    status, batik, _ = http.call("PATCH", "/api/catalog/products/BATIK-L", {"cost_price": 120_000}, auth=admin_auth)
    assert status == 200 and batik["cost_price"] == 120_000, batik
    cashier = http.login_as(stack.state, "cashier")
    status, order, _ = http.post("/api/sales", {"items": [{"sku": "BATIK-L", "qty": 3}, {"sku": "MADU-250", "qty": 1}],
                                                "payment_method": "CASH"}, auth=cashier, headers=_once())
    assert status == 201, order
    status, sale, _ = http.post(f"/api/sales/{order['order_id']}/cash", {"amount_received": order["total"]},
                                auth=cashier, headers=_once())
    assert status == 200 and sale["status"] == "COMPLETED", sale

    sign_in(page, stack, http, admin_auth, admin["staff_id"], admin["pin"], "/reports/")
    wait_section(page, "laporan")
    page.get_by_role("heading", name="Produk terlaris").wait_for()
    status, report, _ = http.get("/api/reports/day", auth=admin_auth)
    assert status == 200
    top = {p["sku"]: p for p in report["products"]["top"]}
    assert top["BATIK-L"]["cost"] >= 3 * 120_000 and top["BATIK-L"]["units"] >= 3
    name = top["BATIK-L"]["name"]
    assert _cell(page, "#top-products", name, 1) == str(top["BATIK-L"]["units"])
    assert _cell(page, "#top-products", name, 2) == format_rupiah(top["BATIK-L"]["net"])
    assert _cell(page, "#top-products", name, 3) == format_rupiah(top["BATIK-L"]["cost"])
    assert _cell(page, "#top-products", name, 4) == format_rupiah(top["BATIK-L"]["gross_profit"])

    honey = top["MADU-250"]["name"]
    assert top["MADU-250"]["costed"] == "none" and _cell(page, "#top-products", honey, 3) == "\u2013", "unknown, not Rp0"
    assert _cell(page, "#top-products", honey, 4) == "\u2013"
    page.get_by_text("\u2013 : produk tanpa HPP").wait_for()

    profit = report["profit"]
    page.get_by_role("heading", name="HPP & laba kotor").wait_for()
    assert _figure(page, "#gross-profit", "Laba kotor") == format_rupiah(profit["with_cost"]["gross_profit"])
    assert _figure(page, "#gross-profit", "HPP (harga pokok penjualan)") == format_rupiah(profit["with_cost"]["cost"])
    assert _figure(page, "#gross-profit", "Penjualan tanpa HPP") == format_rupiah(profit["without_cost"]["net"])
    assert profit["without_cost"]["net"] >= 89_000, "the honey has no cost price"
    warning = page.locator("#gross-profit [role=note]").inner_text()
    assert f"Penjualan tanpa HPP {format_rupiah(profit['without_cost']['net'])}" in warning
    assert "tidak dihitung dalam laba kotor" in warning
    page.get_by_role("heading", name="Terlaris tanpa HPP").wait_for()
    headline = page.locator(".headline .figure", has_text="Laba kotor").locator(".figure-value").inner_text()
    assert headline == format_rupiah(profit["with_cost"]["gross_profit"])
    page.get_by_role("heading", name="Penjualan chat per CS").wait_for()
    page.screenshot(path=str(ARTIFACTS / "report-goods-and-profit.png"), full_page=True)

    # The orders of the day as a CSV for Excel set to Indonesian.
    with page.expect_download() as info:
        page.get_by_role("button", name="CSV pesanan").click()
    download = info.value
    assert download.suggested_filename == f"pesanan-{report['date']}.csv"
    text = open(download.path(), encoding="utf-8").read()
    assert text.startswith("\ufeffno_pesanan;tanggal;jam_wib;")
    rows = {r["no_pesanan"]: r for r in csv.DictReader(io.StringIO(text[1:]), delimiter=";")}
    mine = rows[sale["order_no"]]
    assert (mine["jenis"], mine["status"], mine["metode_bayar"], mine["total"]) == \
        ("Toko", "Selesai", "Tunai", str(sale["total"])), "plain rupiah: no thousands dots"

    # English on request.
    page.locator("#lang-button").click()
    page.get_by_role("heading", name="Top products").wait_for()
    assert _figure(page, "#gross-profit", "Gross profit") == format_rupiah(profit["with_cost"]["gross_profit"])
    page.locator("#lang-button").click()
    page.get_by_role("heading", name="Produk terlaris").wait_for()

    # A CS reads the same report: top products, no cost prices, no profit.
    page.get_by_role("button", name="Keluar").click()
    cs = staff_of(stack, "cs")
    enter_pin(page, cs["staff_id"], cs["pin"])
    wait_section(page, "laporan")
    page.get_by_role("heading", name="Produk terlaris").wait_for()
    page.get_by_text("HPP dan laba kotor hanya terlihat oleh admin.").wait_for()
    assert page.locator("#gross-profit").count() == 0
    assert page.locator("#top-products thead th").all_inner_texts() == ["Produk", "Terjual", "Penjualan bersih"]
