"""Goods in the reports without AWS: the lines a sale and a refund tell the reports (value after
discount, cost price as captured on the sale line), per-product counters and their shards, top
products with "others", gross profit that never counts sales without a cost price, chat sales per
CS, and the spreadsheets Excel set to Indonesian opens as they are (``;``, a BOM, plain numbers,
dd/mm/yyyy)."""
from __future__ import annotations

import csv
import io

import pytest

from chalicelib.catalog import model as catalog
from chalicelib.core.errors import ValidationError
from chalicelib.reports import model, spreadsheet, views
from chalicelib.sales.facts import GoodsLine, returned_lines, sold_lines

# A sale as stored: coffee with a cost price captured on its line, bread without one.
ITEMS = [{"sku": "KOPI-250", "name": "Kopi", "qty": 2, "unit_price": 18_000, "line_total": 36_000, "unit_cost": 12_000},
         {"sku": "ROTI-COK", "name": "Roti", "qty": 3, "unit_price": 15_500, "line_total": 46_500}]


def _rows(text: str) -> list[list[str]]:
    assert text.startswith(spreadsheet.BOM)
    return list(csv.reader(io.StringIO(text[1:]), delimiter=";"))


def test_sold_lines_carry_the_value_after_discount_and_the_captured_cost():
    lines = sold_lines(ITEMS, subtotal=82_500, discount=0)
    assert lines == (GoodsLine("KOPI-250", 2, 36_000, 24_000), GoodsLine("ROTI-COK", 3, 46_500, None))
    discounted = sold_lines(ITEMS, subtotal=82_500, discount=1_001)
    assert sum(line.net for line in discounted) == 82_500 - 1_001, "the lines add up to the order's net exactly"
    assert [line.cost for line in discounted] == [24_000, None], "a discount never changes the cost price"
    assert sold_lines([], subtotal=0, discount=0) == ()


def test_returned_lines_take_back_value_and_the_cost_the_sale_recorded():
    refund = [{"sku": "KOPI-250", "name": "Kopi", "qty": 1, "unit_price": 18_000, "amount": 19_300, "restock": True},
              {"sku": "ROTI-COK", "name": "Roti", "qty": 2, "unit_price": 15_500, "amount": 33_200, "restock": False}]
    lines = returned_lines(ITEMS, refund, subtotal=82_500, discount=0)
    assert lines == (GoodsLine("KOPI-250", 1, 18_000, 12_000), GoodsLine("ROTI-COK", 2, 31_000, None)), \
        "goods at the price sold (a chat order's refund money also carries ongkir and kode unik: not goods)"
    assert returned_lines(ITEMS, [], subtotal=82_500, discount=0) == (), "money only: no goods"


def test_goods_count_per_product_and_a_return_takes_value_and_cost_back():
    sold = model.goods_increments(sold_lines(ITEMS, subtotal=82_500, discount=0))
    assert sold == {"p_qty#KOPI-250": 2, "p_net#KOPI-250": 36_000, "p_cnet#KOPI-250": 36_000, "p_cost#KOPI-250": 24_000,
                    "p_qty#ROTI-COK": 3, "p_net#ROTI-COK": 46_500}
    back = model.goods_increments([GoodsLine("KOPI-250", 1, 18_000, 12_000)], returned=True)
    assert back == {"p_ret#KOPI-250": 1, "p_net#KOPI-250": -18_000, "p_cnet#KOPI-250": -18_000, "p_cost#KOPI-250": -12_000}
    shards = model.by_product_shard(sold)
    assert sum(len(inc) for inc in shards.values()) == len(sold)
    for shard, inc in shards.items():
        assert {model.product_shard(name.split("#", 1)[1]) for name in inc} == {shard}, "a SKU always counts on one item"
    assert model.product_shard("KOPI-250") == model.product_shard("KOPI-250") < model.PRODUCT_SHARDS


def _day() -> dict:
    return model.sum_counters([
        model.goods_increments(sold_lines(ITEMS, subtotal=82_500, discount=0)),
        model.goods_increments([GoodsLine("TEH-350", 5, 40_000, 25_000)]),
        model.goods_increments([GoodsLine("AIR-600", 1, 4_000, None)]),
        model.goods_increments([GoodsLine("KOPI-250", 1, 18_000, 12_000)], returned=True),
    ])


def test_products_best_first_with_others_summed():
    rows = model.product_rows(_day())
    assert [(r["sku"], r["units"], r["net"]) for r in rows] == [
        ("ROTI-COK", 3, 46_500), ("TEH-350", 5, 40_000), ("KOPI-250", 1, 18_000), ("AIR-600", 1, 4_000)]
    kopi = rows[2]
    assert (kopi["sold"], kopi["returned"], kopi["cost"], kopi["gross_profit"], kopi["costed"]) == (2, 1, 12_000, 6_000, "all")
    assert (rows[0]["costed"], rows[0]["cost"], rows[0]["gross_profit"]) == ("none", None, None), "unknown, not 0"
    mixed = model.product_rows(model.sum_counters([model.goods_increments([GoodsLine("TEH-350", 1, 8_000, 5_000)]),
                                                   model.goods_increments([GoodsLine("TEH-350", 1, 8_000, None)])]))
    assert [(r["costed"], r["net"], r["net_with_cost"], r["cost"], r["gross_profit"]) for r in mixed] == \
        [("part", 16_000, 8_000, 5_000, 3_000)], "a cost price set mid-period: profit of the goods that had it"
    top = model.top_products(rows, {"ROTI-COK": "Roti Cokelat"}, top=2, with_costs=True)
    assert [(p["name"], p["net"]) for p in top["top"]] == [("Roti Cokelat", 46_500), ("TEH-350", 40_000)], \
        "a product the catalog does not name shows its SKU"
    assert top["others"] == {"products": 2, "sold": 3, "returned": 1, "units": 2, "net": 22_000, "net_with_cost": 18_000,
                             "cost": 12_000, "gross_profit": 6_000, "net_without_cost": 4_000}
    assert top["total"]["net"] == 108_500 and top["total"]["products"] == 4
    hidden = model.top_products(rows, {}, top=10, with_costs=False)
    assert hidden["others"] is None and len(hidden["top"]) == 4
    assert not any(k in row for row in [*hidden["top"], hidden["total"]] for k in ("cost", "gross_profit", "net_with_cost"))


def test_gross_profit_counts_only_goods_with_a_cost_price_and_says_what_is_left_out():
    p = model.gross_profit(model.product_rows(_day()), {"ROTI-COK": "Roti Cokelat", "AIR-600": "Air"})
    assert p["net"] == 108_500
    assert p["with_cost"] == {"net": 58_000, "cost": 37_000, "gross_profit": 21_000, "margin": round(21_000 / 58_000, 4)}
    assert p["without_cost"]["net"] == 50_500 and p["without_cost"]["share"] == round(50_500 / 108_500, 4)
    assert [(x["name"], x["net"]) for x in p["without_cost"]["top"]] == [("Roti Cokelat", 46_500), ("Air", 4_000)]
    assert p["complete"] is False and "Rp50.500" in views.without_cost_note(p)
    all_costed = model.gross_profit(model.product_rows(model.goods_increments([GoodsLine("TEH-350", 1, 8_000, 0)])), {})
    assert all_costed["complete"] and all_costed["with_cost"]["gross_profit"] == 8_000, "a cost price of 0 is a cost price"
    assert model.gross_profit([], {})["with_cost"]["margin"] is None


def test_chat_sales_per_cs_with_their_returns():
    def chat(seller, net):
        return model.sale_increments(model.CompletedSale(kind="BOOK_ORDER", subtotal=net, discount=0, total=net + 15_123,
                                                         method="BANK_TRANSFER", issuer=None, hour=10, seller_id=seller,
                                                         linked=False, repeat=False, late=False))
    c = model.sum_counters([chat("u_rina", 49_000), chat("u_rina", 18_000), chat("u_dodi", 20_000),
                            model.chat_return_increments("u_rina", [GoodsLine("ROTI-COK", 1, 15_500, None)]),
                            model.chat_return_increments("u_rina", [])])
    rows = model.chat_sales_by_cs(c, {"u_rina": "Rina CS"})
    assert rows == [
        {"staff_id": "u_rina", "name": "Rina CS", "orders": 2, "net": 67_000, "average": 33_500, "returns_count": 1,
         "returned": 15_500, "net_after_returns": 51_500},
        {"staff_id": "u_dodi", "name": "u_dodi", "orders": 1, "net": 20_000, "average": 20_000, "returns_count": 0,
         "returned": 0, "net_after_returns": 20_000}]


def test_the_cost_price_is_optional_whole_rupiah_and_never_negative():
    base = {"sku": "kopi-1", "name": "Kopi", "price": 18_000}
    assert catalog.new_product(base).cost_price is None
    assert catalog.new_product({**base, "cost_price": 0}).cost_price == 0
    assert catalog.new_product({**base, "cost_price": 12_500}).cost_price == 12_500
    for bad, code in ((-1, "invalid_amount"), (1.5, "fractional_amount"), ("12000", "invalid_amount"),
                      (True, "invalid_amount"), (catalog.MAX_PRICE + 1, "invalid_amount")):
        with pytest.raises(ValidationError) as err:
            catalog.new_product({**base, "cost_price": bad})
        assert err.value.code == code, bad
    product = catalog.new_product({**base, "cost_price": 12_500})
    assert "cost_price" not in product.to_dict(with_cost=False) and product.to_dict()["cost_price"] == 12_500
    assert catalog.changed_product(product, {"cost_price": None}).cost_price is None
    assert catalog.changed_product(product, {"price": 19_000}).cost_price == 12_500


def test_the_spreadsheet_writer_is_for_excel_set_to_indonesian():
    text = spreadsheet.write([["nama", "nilai", "rasio", "kosong"], ["Kopi; susu", 1_500_000, 0.25, None],
                              ["=HYPERLINK(\"x\")", -22_000, 0.0, "-5"], ["+62 812", True, 1.0, "@x"]])
    assert text.startswith("\ufeffnama;nilai;rasio;kosong\r\n")
    rows = _rows(text)
    assert rows[1] == ["Kopi; susu", "1500000", "0,2500", ""], "no thousands dots; a decimal comma; ';' inside quotes"
    assert rows[2] == ["'=HYPERLINK(\"x\")", "-22000", "0,0000", "-5"]
    assert rows[3] == ["'+62 812", "1", "1,0000", "'@x"]
    assert spreadsheet.day("2026-11-23") == "23/11/2026"
    assert spreadsheet.date_and_time(1_795_440_600, "Asia/Jakarta") == ("23/11/2026", "20:30")
    assert spreadsheet.date_and_time(1_795_440_600, "Asia/Makassar") == ("23/11/2026", "21:30")
    assert spreadsheet.date_and_time(None, "Asia/Jakarta") == ("", "")
    assert spreadsheet.zone_label("Asia/Jayapura", 1_795_440_600) == "WIT"


def test_the_order_export_has_a_row_per_order_in_store_time():
    listing = {"kind": "day", "date": "2026-11-23", "timezone": "Asia/Jakarta", "orders": [
        {"order_no": "2311-AB3CD", "kind": "STORE_SALE", "status": "COMPLETED", "status_label": "Selesai",
         "created_at": 1_795_440_600, "completed_at": 1_795_440_660, "staff_name": "Sari Kasir", "customer": "Wulan",
         "phone": "0812-3456-7890", "method": "QRIS", "issuer": "gopay", "goods": 36_000, "total": 36_000,
         "refunded": 18_000, "net": 18_000},
        {"order_no": "2311-XY9ZK", "kind": "BOOK_ORDER", "status": "CANCELLED", "status_label": "Dibatalkan",
         "created_at": 1_795_400_000, "completed_at": None, "staff_name": "Rina CS", "customer": "Tono",
         "phone": "0812-9876-5432", "method": None, "issuer": None, "goods": 49_000, "total": 64_123,
         "refunded": 0, "net": model.order_net("CANCELLED", 64_123, 0)}]}
    rows = _rows(views.orders_csv(listing, generated_at=1_795_440_600))
    assert rows[0] == ["no_pesanan", "tanggal", "jam_wib", "jenis", "status", "kasir_cs", "pembeli", "telepon",
                       "metode_bayar", "nilai_barang", "total", "dikembalikan", "bersih", "tanggal_selesai",
                       "jam_selesai_wib"]
    assert rows[1] == ["2311-AB3CD", "23/11/2026", "20:30", "Toko", "Selesai", "Sari Kasir", "Wulan", "0812-3456-7890",
                       "QRIS (gopay)", "36000", "36000", "18000", "18000", "23/11/2026", "20:31"]
    assert rows[2][3:5] == ["Chat", "Dibatalkan"] and rows[2][8:] == ["", "49000", "64123", "0", "0", "", ""]
    assert model.order_net("VOIDED", 20_000, 20_000) == 0 and model.order_net("REFUNDED", 20_000, 20_000) == 0


def test_the_products_export_lists_every_product_and_a_total():
    rows = model.product_rows(_day())
    top = model.top_products(rows, {"KOPI-250": "Kopi"}, top=len(rows), with_costs=True)
    listing = {"kind": "day", "date": "2026-11-23", "timezone": "Asia/Jakarta", "products": top["top"],
               "total": top["total"], "costs_visible": True}
    sheet = _rows(views.products_csv(listing))
    assert sheet[0][-4:] == ["penjualan_dengan_hpp", "hpp", "laba_kotor", "penjualan_tanpa_hpp"]
    assert ["KOPI-250", "Kopi", "2", "1", "1", "18000", "18000", "12000", "6000", "0"] in sheet
    assert ["AIR-600", "AIR-600", "1", "0", "1", "4000", "0", "", "", "4000"] in sheet, "no cost price: blank, not 0"
    assert sheet[-1][:2] == ["TOTAL", "4 produk"] and sheet[-1][5] == "108500"
    hidden = {**listing, "costs_visible": False,
              "products": model.top_products(rows, {}, top=4)["top"], "total": model.top_products(rows, {}, top=4)["total"]}
    assert _rows(views.products_csv(hidden))[0] == ["sku", "produk", "terjual", "dikembalikan", "terjual_bersih",
                                                     "penjualan_bersih"]
