"""Report and shift rules without AWS: what an event adds, how counters become figures, the
spreadsheet and the closing arithmetic."""
from __future__ import annotations

import csv
import io

import pytest

from chalicelib.core.errors import ValidationError
from chalicelib.reports import model, views
from chalicelib.shifts import model as shifts


def _sale(**kw) -> model.CompletedSale:
    base = dict(kind="STORE_SALE", subtotal=36_000, discount=0, total=36_000, method="QRIS", issuer="GoPay", hour=14,
                seller_id="u_sari", linked=False, repeat=False, late=False)
    return model.CompletedSale(**{**base, **kw})


def test_a_qris_store_sale_counts_for_method_issuer_hour_and_cashier():
    inc = model.sale_increments(_sale(subtotal=40_000, discount=4_000, total=36_000))
    assert inc["sales_count"] == 1 and inc["gross"] == 40_000 and inc["discounts"] == 4_000 and inc["net"] == 36_000
    assert inc["by_method#QRIS"] == 36_000 and inc["by_method_count#QRIS"] == 1
    assert inc["by_issuer#gopay"] == 36_000, "issuers are one counter whatever case the gateway used"
    assert inc["by_hour#14"] == 36_000 and inc["by_hour_count#14"] == 1
    assert inc["cashier_net#u_sari"] == 36_000 and inc["store_net"] == 36_000
    assert "chat_net" not in inc and "book_paid" not in inc


def test_a_book_order_counts_as_a_chat_sale_and_as_paid_or_late():
    on_time = model.sale_increments(_sale(kind="BOOK_ORDER", method="BANK_TRANSFER", issuer=None, total=51_123,
                                          subtotal=45_000))
    assert on_time["chat_sales_count"] == 1 and on_time["chat_net"] == 45_000 and on_time["collected"] == 51_123
    assert on_time["book_paid"] == 1 and on_time["book_paid_amount"] == 51_123 and "book_late" not in on_time
    assert not any(k.startswith("cashier_") for k in on_time), "chat orders are not a cashier's ticket"
    late = model.sale_increments(_sale(kind="BOOK_ORDER", late=True))
    assert late["book_late"] == 1 and "book_paid" not in late and late["late_completed"] == 1


def test_sale_rules_refuse_impossible_sales():
    with pytest.raises(ValueError):
        _sale(hour=24)
    with pytest.raises(ValueError):
        _sale(repeat=True, linked=False)
    with pytest.raises(ValueError):
        model.book_order_increments("refunded")


def test_figures_from_summed_days():
    days = [model.sale_increments(_sale(method="CASH", issuer=None, total=10_000, subtotal=10_000, hour=9)),
            model.sale_increments(_sale(total=5_001, subtotal=5_001, linked=True, repeat=True)),
            model.sale_increments(_sale(kind="BOOK_ORDER", total=20_000, subtotal=20_000, linked=True)),
            model.book_order_increments("created", 20_000), model.drop_order_increments("returned", 3)]
    f = model.figures(model.sum_counters(days))
    assert f["sales"]["count"] == 3 and f["sales"]["net"] == 35_001
    assert f["sales"]["average_ticket"] == 11_667, "rounded half up to whole rupiah"
    assert [m["method"] for m in f["sales"]["by_method"]] == ["CASH", "QRIS"]
    assert f["o2o"]["linked"] == 2 and f["o2o"]["repeat"] == 1 and f["o2o"]["repeat_rate"] == 0.5
    assert f["o2o"]["gmv_store"] == 15_001 and f["o2o"]["gmv_chat"] == 20_000
    assert f["book_orders"]["created"] == 1 and f["book_orders"]["paid"] == 1
    assert f["drop_orders"]["returned"] == 1 and f["drop_orders"]["returned_qty"] == 3
    assert sum(h["count"] for h in f["sales"]["by_hour"]) == 3 and len(f["sales"]["by_hour"]) == 24
    empty = model.figures({})
    assert empty["sales"]["average_ticket"] is None and empty["o2o"]["repeat_rate"] is None


def test_cashier_rows_put_engagement_beside_sales():
    counters = model.sum_counters([model.sale_increments(_sale(total=30_000, subtotal=30_000)),
                                   model.sale_increments(_sale(total=10_000, subtotal=10_000, seller_id="u_budi"))])
    engagement = [model.CashierEngagement("u_sari", transactions=1, linked=1, registered=1),
                  model.CashierEngagement("u_sari", transactions=2, linked=0, skipped=2),
                  model.CashierEngagement("u_dewi", transactions=0, skipped=1)]
    rows = model.cashier_rows(engagement, counters, {"u_sari": "Sari", "u_budi": "Budi", "u_dewi": "Dewi"})
    assert [r["name"] for r in rows] == ["Budi", "Dewi", "Sari"]
    sari = rows[2]
    assert sari["transactions"] == 3 and sari["link_rate"] == round(1 / 3, 4) and sari["registered"] == 1
    assert sari["net"] == 30_000 and sari["average_ticket"] == 30_000
    assert rows[0]["transactions"] == 0 and rows[0]["average_ticket"] == 10_000


def test_shipment_changes_count_the_first_awb_the_pickup_and_a_cancellation():
    events = model.shipment_events
    assert events("requested", False, "confirmed", "JNE1") == ["awb"]
    assert events("confirmed", True, None, "JNE2") == [], "a replaced AWB is not a new one"
    assert events("allocated", True, "picked", None) == ["shipped"]
    assert events("picked", True, "delivered", None) == [], "shipped once, however far it travels"
    assert events("confirmed", True, "delivered", None) == ["shipped"]
    assert events("requested", False, "cancelled", None) == ["cancelled"]
    assert events("delivered", True, "returned", None) == []
    assert model.waiting_awb_delta(["requested"], has_awb=False) == 1
    assert model.waiting_awb_delta(["awb", "shipped"], has_awb=True) == -1
    assert model.waiting_awb_delta(["cancelled"], has_awb=False) == -1
    assert model.waiting_awb_delta(["cancelled"], has_awb=True) == 0
    with pytest.raises(ValueError):
        model.shipment_increments(["lost"])


def test_periods():
    assert len(model.month_days("2028-02")) == 29 and len(model.month_days("2026-02")) == 28
    assert model.month_days("2026-01")[-1] == "2026-01-31"
    for bad in ("2026-13", "26-01", "2026-1", None):
        with pytest.raises(ValidationError):
            model.validate_month(bad)
    for bad in ("2026-02-30", "2026-2-1", 20260101):
        with pytest.raises(ValidationError):
            model.validate_day(bad)


def _report(kind: str, counters: dict) -> dict:
    f = model.figures(counters)
    f["shipments"]["waiting_awb_now"] = 0
    period = {"date": "2026-01-31"} if kind == "day" else {"month": "2026-01"}
    goods = {"products": model.top_products([], {}), "profit": None, "costs_visible": False}
    return {"kind": kind, **period, "timezone": "Asia/Jakarta", **f, "cashiers": [], "chat_by_cs": [], **goods}


def test_month_csv_has_a_row_per_day_and_a_total_equal_to_their_sum():
    day1 = model.sale_increments(_sale(method="CASH", issuer=None, total=10_000, subtotal=10_000))
    day31 = model.sale_increments(_sale(total=25_000, subtotal=25_000))
    stored = {"2026-01-01": day1, "2026-01-31": day31}
    report = _report("month", model.sum_counters(stored.values()))
    report["days"] = [{"date": d, "figures": model.figures(stored.get(d, {}))} for d in model.month_days("2026-01")]
    rows = list(csv.DictReader(io.StringIO(views.month_csv(report).lstrip("\ufeff")), delimiter=";"))
    assert len(rows) == 32 and rows[-1]["tanggal"] == "TOTAL"
    assert rows[0]["tanggal"] == "01/01/2026" and rows[0]["penjualan_bersih"] == "10000" and rows[0]["metode_cash"] == "10000"
    for column in ("transaksi", "penjualan_bersih", "metode_qris", "book_order_dibuat", "drop_order_kembali"):
        assert int(rows[-1][column]) == sum(int(r[column]) for r in rows[:-1]), column
    assert rows[-1]["rata_rata_transaksi"] == "17500" and rows[1]["rata_rata_transaksi"] == ""


def test_day_csv_is_long_form_with_plain_numbers():
    report = _report("day", model.sale_increments(_sale(linked=True)))
    text = views.day_csv(report)
    assert text.startswith("\ufeffbagian;indikator;rincian;nilai\r\n")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))[1:]
    assert ["Penjualan", "Penjualan bersih", "", "36000"] in rows
    assert ["QRIS per penerbit", "Nilai", "gopay", "36000"] in rows
    assert ["Per jam", "Transaksi", "14:00", "1"] in rows
    assert ["O2O", "Tingkat pembeli ulang", "", "0,0000"] in rows
    report["cashiers"] = [{"staff_id": "u_x", "name": "=HYPERLINK(\"http://x\")", "transactions": 1, "linked": 0,
                           "link_rate": 0.0, "registered": 0, "net": -5, "average_ticket": None, "refunds_count": 0,
                           "refunded": 0}]
    cashier = [r for r in csv.reader(io.StringIO(views.day_csv(report).lstrip("\ufeff")), delimiter=";") if r[0] == "Kasir"]
    assert all(r[2].startswith("'=HYPERLINK") for r in cashier), "a name never runs as a formula"
    assert ["Kasir", "Penjualan bersih", cashier[0][2], "-5"] in cashier
    assert ["Kasir", "Rata-rata transaksi", cashier[0][2], ""] in cashier


def test_shift_expected_cash_and_the_approval_threshold():
    c = model.sum_counters([shifts.sale_increments("CASH", None, 15_500), shifts.sale_increments("QRIS", "OVO", 8_000),
                            shifts.sale_increments("QRIS", "gopay", 36_000)])
    assert shifts.cash_sales(c) == 15_500
    assert shifts.expected_cash(200_000, 15_500, 50_000, 20_000, 0) == 245_500
    lines = shifts.method_lines(c)
    assert [(x.method, x.issuer, x.amount) for x in lines] == [
        ("CASH", None, 15_500), ("QRIS", "gopay", 36_000), ("QRIS", "ovo", 8_000), ("BANK_TRANSFER", None, 0)]
    assert [x.method for x in shifts.method_lines({})] == ["CASH", "QRIS", "BANK_TRANSFER"]
    assert not shifts.needs_approval(10_000, 10_000) and not shifts.needs_approval(-10_000, 10_000)
    assert shifts.needs_approval(10_001, 10_000) and shifts.needs_approval(-10_001, 10_000)
    with pytest.raises(ValidationError):
        shifts.validate_reason("   ")
    assert shifts.validate_note("  uang   receh ") == "uang receh" and shifts.validate_note("") is None


def _refund_day() -> dict:
    """A day with two sales, a refund of part of one by Budi (cash), a QRIS refund and a void by Sari."""
    return model.sum_counters([
        model.sale_increments(_sale(method="CASH", issuer=None, total=40_000, subtotal=40_000)),
        model.sale_increments(_sale(total=36_000, subtotal=36_000)),
        model.refund_increments("REFUND", 18_000, "CASH", "u_budi"),
        model.refund_increments("REFUND", 6_000, "QRIS", "u_sari"),
        model.refund_increments("VOID", 10_000, "CASH", "u_sari"),
    ])


def test_refunds_and_voids_have_their_own_lines_and_net_sales_are_after_them():
    f = model.figures(_refund_day())
    assert f["sales"]["net"] == 76_000 and f["sales"]["count"] == 2, "the sales themselves are not changed"
    assert f["sales"]["refunded"] == 34_000 and f["sales"]["net_after_refunds"] == 76_000 - 34_000
    r = f["refunds"]
    assert (r["count"], r["amount"]) == (3, 34_000)
    assert r["refunds"] == {"count": 2, "amount": 24_000} and r["voids"] == {"count": 1, "amount": 10_000}
    assert r["by_tender"] == [{"method": "CASH", "label": "Tunai", "count": 2, "amount": 28_000},
                              {"method": "QRIS", "label": "QRIS", "count": 1, "amount": 6_000}]
    assert r["collected_after_refunds"] == 76_000 - 34_000
    empty = model.figures({})
    assert empty["refunds"]["by_tender"] == [] and empty["sales"]["net_after_refunds"] == 0
    only_refund = model.figures(model.refund_increments("REFUND", 5_000, "BANK_TRANSFER"))
    assert only_refund["sales"]["net_after_refunds"] == -5_000, "a day of refunds only goes below zero, as it should"
    assert not any(k.startswith("cashier_") for k in model.refund_increments("REFUND", 5_000, "CASH"))


def test_cashier_rows_show_refunds_by_who_paid_them_out():
    rows = {r["staff_id"]: r for r in model.cashier_rows([], _refund_day(), {"u_sari": "Sari", "u_budi": "Budi"})}
    assert (rows["u_budi"]["refunds_count"], rows["u_budi"]["refunded"], rows["u_budi"]["sales_count"]) == (1, 18_000, 0)
    assert (rows["u_sari"]["refunds_count"], rows["u_sari"]["refunded"], rows["u_sari"]["net"]) == (2, 16_000, 76_000)


def test_refunds_in_the_spreadsheets_and_on_the_page():
    day = _refund_day()
    report = _report("day", day)
    report["cashiers"] = model.cashier_rows([], day, {"u_sari": "Sari", "u_budi": "Budi"})
    rows = list(csv.reader(io.StringIO(views.day_csv(report).lstrip("\ufeff")), delimiter=";"))
    for row in (["Pengembalian", "Pengembalian (refund)", "", "2"], ["Pengembalian", "Nilai pengembalian (refund)", "", "24000"],
                ["Pengembalian", "Pembatalan (void)", "", "1"], ["Pengembalian", "Nilai pembatalan (void)", "", "10000"],
                ["Pengembalian", "Total dikembalikan", "", "34000"],
                ["Pengembalian", "Penjualan bersih setelah pengembalian", "", "42000"],
                ["Pengembalian per metode", "Nilai", "Tunai", "28000"], ["Pengembalian per metode", "Transaksi", "QRIS", "1"],
                ["Kasir", "Pengembalian dibayar", "Budi (u_budi)", "18000"]):
        assert row in rows, row

    stored = {"2026-01-01": model.sale_increments(_sale(method="CASH", issuer=None, total=10_000, subtotal=10_000)),
              "2026-01-02": model.refund_increments("REFUND", 4_000, "CASH", "u_sari"), "2026-01-31": day}
    month = _report("month", model.sum_counters(stored.values()))
    month["days"] = [{"date": d, "figures": model.figures(stored.get(d, {}))} for d in model.month_days("2026-01")]
    sheet = list(csv.DictReader(io.StringIO(views.month_csv(month).lstrip("\ufeff")), delimiter=";"))
    assert sheet[1]["total_dikembalikan"] == "4000" and sheet[1]["penjualan_bersih_setelah_pengembalian"] == "-4000"
    for column in ("refund", "void", "total_dikembalikan", "penjualan_bersih_setelah_pengembalian", "pengembalian_cash",
                   "pengembalian_qris", "nilai_void"):
        assert int(sheet[-1][column]) == sum(int(r[column]) for r in sheet[:-1]), column
    assert sheet[-1]["penjualan_bersih_setelah_pengembalian"] == str(86_000 - 38_000)

    page = views.report_data(report, merchant_name="M", store_name="S", generated_at=0)
    headline = {fig.label: fig.value for fig in page.headline}
    assert headline["Pengembalian"] == 34_000 and headline["Bersih setelah pengembalian"] == 42_000
    section = next(x for x in page.sections if x.title == "Pengembalian")
    assert section.note == views.REFUNDS_NOTE and "hari uangnya dikembalikan" in section.note
    assert [list(r) for r in section.tables[0].rows] == [["Tunai", 2, 28_000], ["QRIS", 1, 6_000]]
    cashiers = next(x for x in page.sections if x.title == "Per kasir")
    assert cashiers.tables[0].columns[-1].header == "Refund" and cashiers.note == views.CASHIER_REFUNDS_NOTE


def test_shift_expected_cash_takes_out_cash_refunds_only():
    c = model.sum_counters([shifts.sale_increments("CASH", None, 40_000), shifts.sale_increments("QRIS", "gopay", 36_000),
                            shifts.refund_increments("CASH", 18_000), shifts.refund_increments("QRIS", 6_000),
                            shifts.refund_increments("CASH", 2_000)])
    assert shifts.cash_refunds(c) == 20_000
    assert shifts.expected_cash(100_000, shifts.cash_sales(c), 5_000, 1_000, shifts.cash_refunds(c)) == \
        100_000 + 40_000 + 5_000 - 1_000 - 20_000
    assert [(x.method, x.count, x.amount) for x in shifts.refund_lines(c)] == [("CASH", 2, 20_000), ("QRIS", 1, 6_000)]
    assert shifts.refund_lines({}) == []
