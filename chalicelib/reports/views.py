"""A report (the JSON of :mod:`.service`) as a spreadsheet (CSV) and as an A4 page (ReportData);
the products and the orders of a period as spreadsheets.

Pure: the CSV is text (written by :mod:`.spreadsheet`, for Excel set to Indonesian) and the page is
the documents area's dataclasses; rendering to PDF is ``documents.render_report``. Both read the
same figure list, so the screen, the CSV and the PDF cannot disagree.
"""
from __future__ import annotations

from typing import Callable

from ..core.money import format_rupiah
from ..core.tender import METHOD_LABELS
from ..documents.formatting import format_percent
from ..documents.model import BarSeries, Column, Figure, ReportData, ReportSection, Table
from . import model, spreadsheet

MONTH_NAMES = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September",
               "Oktober", "November", "Desember")

# (section, label, value from the figures, kind, CSV column of the month sheet)
Line = tuple[str, str, Callable[[dict], object], str, str]
LINES: list[Line] = [
    ("Penjualan", "Jumlah transaksi", lambda f: f["sales"]["count"], "count", "transaksi"),
    ("Penjualan", "Penjualan kotor", lambda f: f["sales"]["gross"], "rupiah", "penjualan_kotor"),
    ("Penjualan", "Diskon", lambda f: f["sales"]["discounts"], "rupiah", "diskon"),
    ("Penjualan", "Penjualan bersih", lambda f: f["sales"]["net"], "rupiah", "penjualan_bersih"),
    ("Penjualan", "Ongkir & kode unik", lambda f: f["sales"]["shipping_and_codes"], "rupiah", "ongkir_kode_unik"),
    ("Penjualan", "Uang diterima", lambda f: f["sales"]["collected"], "rupiah", "diterima"),
    ("Penjualan", "Rata-rata transaksi", lambda f: f["sales"]["average_ticket"], "rupiah", "rata_rata_transaksi"),
    ("Penjualan", "Penjualan toko (transaksi)", lambda f: f["sales"]["store"]["count"], "count", "transaksi_toko"),
    ("Penjualan", "Penjualan toko", lambda f: f["sales"]["store"]["net"], "rupiah", "penjualan_toko"),
    ("Penjualan", "Dari Book Order (transaksi)", lambda f: f["sales"]["from_book_orders"]["count"], "count",
     "transaksi_dari_book_order"),
    ("Penjualan", "Dari Book Order", lambda f: f["sales"]["from_book_orders"]["net"], "rupiah", "penjualan_dari_book_order"),
    ("Penjualan", "Bayar terlambat diselesaikan", lambda f: f["sales"]["late_completed"], "count", "bayar_terlambat_selesai"),
    ("Pengembalian", "Pengembalian (refund)", lambda f: f["refunds"]["refunds"]["count"], "count", "refund"),
    ("Pengembalian", "Nilai pengembalian (refund)", lambda f: f["refunds"]["refunds"]["amount"], "rupiah", "nilai_refund"),
    ("Pengembalian", "Pembatalan (void)", lambda f: f["refunds"]["voids"]["count"], "count", "void"),
    ("Pengembalian", "Nilai pembatalan (void)", lambda f: f["refunds"]["voids"]["amount"], "rupiah", "nilai_void"),
    ("Pengembalian", "Total dikembalikan", lambda f: f["refunds"]["amount"], "rupiah", "total_dikembalikan"),
    ("Pengembalian", "Penjualan bersih setelah pengembalian", lambda f: f["sales"]["net_after_refunds"], "rupiah",
     "penjualan_bersih_setelah_pengembalian"),
    ("Pengembalian", "Uang diterima setelah pengembalian", lambda f: f["refunds"]["collected_after_refunds"], "rupiah",
     "diterima_setelah_pengembalian"),
    ("Book Order", "Dibuat", lambda f: f["book_orders"]["created"], "count", "book_order_dibuat"),
    ("Book Order", "Nilai dibuat", lambda f: f["book_orders"]["created_amount"], "rupiah", "nilai_book_order_dibuat"),
    ("Book Order", "Dibayar", lambda f: f["book_orders"]["paid"], "count", "book_order_dibayar"),
    ("Book Order", "Nilai dibayar", lambda f: f["book_orders"]["paid_amount"], "rupiah", "nilai_book_order_dibayar"),
    ("Book Order", "Dibatalkan", lambda f: f["book_orders"]["cancelled"], "count", "book_order_batal"),
    ("Book Order", "Kedaluwarsa", lambda f: f["book_orders"]["expired"], "count", "book_order_kedaluwarsa"),
    ("Book Order", "Bayar terlambat", lambda f: f["book_orders"]["late"], "count", "book_order_bayar_terlambat"),
    ("Drop Order", "Diminta", lambda f: f["drop_orders"]["created"], "count", "drop_order"),
    ("Drop Order", "Diserahkan ke CS", lambda f: f["drop_orders"]["handed"], "count", "drop_order_diserahkan"),
    ("Drop Order", "Dikembalikan", lambda f: f["drop_orders"]["returned"], "count", "drop_order_kembali"),
    ("Drop Order", "Barang dikembalikan (pcs)", lambda f: f["drop_orders"]["returned_qty"], "count", "barang_kembali"),
    ("Drop Order", "Dibatalkan", lambda f: f["drop_orders"]["cancelled"], "count", "drop_order_batal"),
    ("Pengiriman", "Diminta", lambda f: f["shipments"]["requested"], "count", "pengiriman_diminta"),
    ("Pengiriman", "Resi terbit", lambda f: f["shipments"]["awb"], "count", "resi_terbit"),
    ("Pengiriman", "Dikirim", lambda f: f["shipments"]["shipped"], "count", "dikirim"),
    ("Pengiriman", "Dibatalkan", lambda f: f["shipments"]["cancelled"], "count", "pengiriman_batal"),
    ("O2O", "Volume transaksi", lambda f: f["o2o"]["transactions"], "count", "volume_transaksi"),
    ("O2O", "Nilai rata-rata transaksi", lambda f: f["o2o"]["average_value"], "rupiah", "nilai_rata_rata"),
    ("O2O", "Transaksi dengan pembeli", lambda f: f["o2o"]["linked"], "count", "pembeli_terhubung"),
    ("O2O", "Transaksi pembeli ulang", lambda f: f["o2o"]["repeat"], "count", "pembeli_ulang"),
    ("O2O", "Tingkat pembeli ulang", lambda f: f["o2o"]["repeat_rate"], "percent", "tingkat_pembeli_ulang"),
    ("O2O", "GMV toko", lambda f: f["o2o"]["gmv_store"], "rupiah", "gmv_toko"),
    ("O2O", "GMV chat (Book Order)", lambda f: f["o2o"]["gmv_chat"], "rupiah", "gmv_chat"),
    ("O2O", "Porsi GMV chat", lambda f: f["o2o"]["chat_share"], "percent", "porsi_gmv_chat"),
]
METHOD_COLUMNS = [(m, f"metode_{m.lower()}") for m in model.METHODS]
REFUND_COLUMNS = [(m, f"pengembalian_{m.lower()}") for m in model.METHODS]
# Said wherever refunds are shown: which day a refund counts on, and whose it is.
REFUNDS_NOTE = ("Pengembalian dan pembatalan (void) dihitung pada hari uangnya dikembalikan; penjualannya tetap "
                "pada hari penjualan. Penjualan bersih setelah pengembalian = penjualan bersih - total dikembalikan.")
CASHIER_REFUNDS_NOTE = ("Kolom Refund: pengembalian dan pembatalan (void) yang dibayarkan orang itu, dihitung pada orang "
                        "yang membayarkannya, bukan penjualnya.")
PRODUCTS_NOTE = ("Penjualan bersih per produk = nilai barang terjual (setelah diskon, tanpa ongkir dan kode unik) dikurangi "
                 "nilai barang yang dikembalikan pada periode ini. Terjual = unit terjual dikurangi unit dikembalikan.")
CHAT_NOTE = ("Penjualan dari Book Order per CS yang membuatnya. Dikembalikan: nilai barang dari pengembalian pesanan "
             "mereka, dihitung pada hari pengembalian.")
PROFIT_NOTE = ("Laba kotor = penjualan bersih - HPP, hanya dari barang yang punya harga pokok (HPP) saat terjual; HPP "
               "dicatat pada baris penjualan, jadi perubahan HPP kemudian tidak mengubah laporan. Pengembalian mengurangi "
               "penjualan dan HPP barang yang dikembalikan.")


def without_cost_note(profit: dict) -> str:
    """Said wherever gross profit is shown: how much of the sales had no cost price."""
    w = profit["without_cost"]
    if profit["complete"]:
        return "Semua penjualan barang punya HPP: laba kotor mencakup seluruh penjualan."
    share = _percent(w["share"])
    return (f"Penjualan tanpa HPP {_rupiah(w['net'])} ({share} dari penjualan barang, {w['products']} produk) tidak "
            "dihitung dalam laba kotor. Isi harga pokok produknya agar laba kotor lengkap.")


def _rupiah(amount: int) -> str:
    return format_rupiah(int(amount))


def _percent(fraction: float | None) -> str:
    return "-" if fraction is None else format_percent(fraction)


def period_label(report: dict) -> str:
    if report["kind"] == "day":
        y, m, d = report["date"].split("-")
        return f"{int(d)} {MONTH_NAMES[int(m) - 1]} {y}"
    y, m = report["month"].split("-")
    return f"{MONTH_NAMES[int(m) - 1]} {y}"


def _method_amount(figures: dict, method: str) -> int:
    return next((m["amount"] for m in figures["sales"]["by_method"] if m["method"] == method), 0)


def _refund_amount(figures: dict, tender: str) -> int:
    return next((m["amount"] for m in figures["refunds"]["by_tender"] if m["method"] == tender), 0)


# Profit lines (admins only): (label, value from the profit figures, kind, CSV column of the month sheet)
PROFIT_LINES: list[tuple[str, Callable[[dict], object], str, str]] = [
    ("Penjualan barang bersih", lambda p: p["net"], "rupiah", "penjualan_barang_bersih"),
    ("Penjualan dengan HPP", lambda p: p["with_cost"]["net"], "rupiah", "penjualan_dengan_hpp"),
    ("HPP (harga pokok penjualan)", lambda p: p["with_cost"]["cost"], "rupiah", "hpp"),
    ("Laba kotor", lambda p: p["with_cost"]["gross_profit"], "rupiah", "laba_kotor"),
    ("Margin laba kotor", lambda p: p["with_cost"]["margin"], "percent", "margin_laba_kotor"),
    ("Penjualan tanpa HPP", lambda p: p["without_cost"]["net"], "rupiah", "penjualan_tanpa_hpp"),
    ("Porsi penjualan tanpa HPP", lambda p: p["without_cost"]["share"], "percent", "porsi_tanpa_hpp"),
]


def _product_label(p: dict) -> str:
    return f"{p['name']} ({p['sku']})"


def _others_label(others: dict) -> str:
    return f"Lainnya ({others['products']} produk)"


def day_csv(report: dict) -> str:
    """One row per figure: ``bagian; indikator; rincian; nilai`` (numbers plain, rates as fractions
    with a decimal comma)."""
    rows: list[list] = [["bagian", "indikator", "rincian", "nilai"]]
    rows += [[section, label, "", get(report)] for section, label, get, _, _ in LINES]
    for m in report["sales"]["by_method"]:
        rows += [["Metode bayar", "Transaksi", m["label"], m["count"]], ["Metode bayar", "Nilai", m["label"], m["amount"]]]
    for m in report["refunds"]["by_tender"]:
        rows += [["Pengembalian per metode", "Transaksi", m["label"], m["count"]],
                 ["Pengembalian per metode", "Nilai", m["label"], m["amount"]]]
    for i in report["sales"]["by_issuer"]:
        rows += [["QRIS per penerbit", "Transaksi", i["issuer"], i["count"]],
                 ["QRIS per penerbit", "Nilai", i["issuer"], i["amount"]]]
    for h in report["sales"]["by_hour"]:
        if h["count"]:
            rows += [["Per jam", "Transaksi", f"{h['hour']:02d}:00", h["count"]],
                     ["Per jam", "Penjualan bersih", f"{h['hour']:02d}:00", h["net"]]]
    for c in report["cashiers"]:
        who = f"{c['name']} ({c['staff_id']})"
        rows += [["Kasir", "Transaksi", who, c["transactions"]], ["Kasir", "Pembeli terhubung", who, c["linked"]],
                 ["Kasir", "Tingkat terhubung", who, c["link_rate"]],
                 ["Kasir", "Pembeli baru", who, c["registered"]], ["Kasir", "Penjualan bersih", who, c["net"]],
                 ["Kasir", "Rata-rata transaksi", who, c["average_ticket"]],
                 ["Kasir", "Pengembalian dibayar (transaksi)", who, c["refunds_count"]],
                 ["Kasir", "Pengembalian dibayar", who, c["refunded"]]]
    for c in report["chat_by_cs"]:
        who = f"{c['name']} ({c['staff_id']})"
        rows += [["Penjualan chat per CS", "Pesanan", who, c["orders"]],
                 ["Penjualan chat per CS", "Penjualan bersih", who, c["net"]],
                 ["Penjualan chat per CS", "Dikembalikan", who, c["returned"]],
                 ["Penjualan chat per CS", "Bersih setelah pengembalian", who, c["net_after_returns"]]]
    products = report["products"]
    listed = [(_product_label(p), p) for p in products["top"]]
    if products["others"]:
        listed.append((_others_label(products["others"]), products["others"]))
    for label, p in listed:
        rows += [["Produk terlaris", "Terjual (pcs)", label, p["units"]],
                 ["Produk terlaris", "Penjualan bersih", label, p["net"]]]
        if report["costs_visible"]:
            rows += [["Produk terlaris", "HPP", label, p["cost"]], ["Produk terlaris", "Laba kotor", label, p["gross_profit"]]]
    if report["profit"] is not None:
        rows += [["HPP & laba kotor", label, "", get(report["profit"])] for label, get, _, _ in PROFIT_LINES]
        rows += [["HPP & laba kotor", "Produk tanpa HPP", _product_label(p), p["net"]]
                 for p in report["profit"]["without_cost"]["top"]]
    return spreadsheet.write(rows)


def month_csv(report: dict) -> str:
    """One row per day of the month (``dd/mm/yyyy``) and a TOTAL row (which equals the sum of the
    days); for admins the goods, HPP and gross profit of each day too."""
    with_costs = report["profit"] is not None
    header = ["tanggal"] + [line[4] for line in LINES] + [column for _, column in METHOD_COLUMNS + REFUND_COLUMNS]
    if with_costs:
        header += [column for _, _, _, column in PROFIT_LINES]

    def row(label: str, figures: dict) -> list:
        cells = [label] + [get(figures) for _, _, get, _, _ in LINES] + \
                [_method_amount(figures, method) for method, _ in METHOD_COLUMNS] + \
                [_refund_amount(figures, tender) for tender, _ in REFUND_COLUMNS]
        if with_costs:
            cells += [get(figures["profit"]) for _, get, _, _ in PROFIT_LINES]
        return cells

    rows = [header] + [row(spreadsheet.day(day["date"]), day["figures"]) for day in report["days"]]
    rows.append(row("TOTAL", report))
    return spreadsheet.write(rows)


def products_csv(listing: dict) -> str:
    """Every product of the period (:func:`.service.product_list`), best first, and a TOTAL row."""
    with_costs = listing["costs_visible"]
    header = ["sku", "produk", "terjual", "dikembalikan", "terjual_bersih", "penjualan_bersih"]
    if with_costs:
        header += ["penjualan_dengan_hpp", "hpp", "laba_kotor", "penjualan_tanpa_hpp"]

    def row(sku: str, name: str, p: dict) -> list:
        cells = [sku, name, p["sold"], p["returned"], p["units"], p["net"]]
        if with_costs:
            cells += [p["net_with_cost"], p["cost"], p["gross_profit"], p["net_without_cost"]]
        return cells

    rows = [header] + [row(p["sku"], p["name"], p) for p in listing["products"]]
    rows.append(row("TOTAL", f"{listing['total']['products']} produk", listing["total"]))
    return spreadsheet.write(rows)


KIND_LABELS = {model.STORE_SALE: "Toko", model.BOOK_ORDER: "Chat"}


def payment_label(method: str | None, issuer: str | None) -> str:
    if not method:
        return ""
    label = METHOD_LABELS.get(method, method)
    return f"{label} ({issuer})" if method == model.QRIS and issuer else label


def orders_csv(listing: dict, *, generated_at: float) -> str:
    """One row per order (:func:`.service.order_list`): dates ``dd/mm/yyyy`` and times in the
    store's timezone (named in the header), money as plain rupiah."""
    tz = listing["timezone"]
    zone = spreadsheet.zone_label(tz, generated_at).lower()
    rows: list[list] = [["no_pesanan", "tanggal", f"jam_{zone}", "jenis", "status", "kasir_cs", "pembeli",
                         "telepon", "metode_bayar", "nilai_barang", "total", "dikembalikan", "bersih",
                         "tanggal_selesai", f"jam_selesai_{zone}"]]
    for o in listing["orders"]:
        created, completed = spreadsheet.date_and_time(o["created_at"], tz), spreadsheet.date_and_time(o["completed_at"], tz)
        rows.append([o["order_no"], *created, KIND_LABELS.get(o["kind"], o["kind"]), o["status_label"], o["staff_name"],
                     o["customer"], o["phone"], payment_label(o["method"], o["issuer"]), o["goods"], o["total"],
                     o["refunded"], o["net"], *completed])
    return spreadsheet.write(rows)


def _goods_sections(report: dict) -> list[ReportSection]:
    """Top products, chat sales per CS and (for admins) HPP and gross profit, for the A4 page."""
    sections = []
    products, with_costs = report["products"], report["costs_visible"]
    columns = [Column("Produk"), Column("Terjual", "count"), Column("Penjualan bersih", "rupiah")]
    if with_costs:
        columns += [Column("HPP", "rupiah"), Column("Laba kotor", "rupiah")]

    def cells(label: str, p: dict) -> list:
        return [label, p["units"], p["net"]] + ([p["cost"], p["gross_profit"]] if with_costs else [])

    rows = [cells(_product_label(p), p) for p in products["top"]]
    if products["others"]:
        rows.append(cells(_others_label(products["others"]), products["others"]))
    top = Table(columns, rows, total=cells("Total", products["total"]) if rows else None)
    sections.append(ReportSection("Produk terlaris", tables=[top] if rows else [],
                                  note=PRODUCTS_NOTE if rows else "Belum ada barang terjual."))
    chat = report["chat_by_cs"]
    table = Table([Column("CS"), Column("Pesanan", "count"), Column("Penjualan bersih", "rupiah"),
                   Column("Dikembalikan", "rupiah"), Column("Bersih", "rupiah")],
                  [[c["name"], c["orders"], c["net"], c["returned"], c["net_after_returns"]] for c in chat])
    sections.append(ReportSection("Penjualan chat per CS", tables=[table] if chat else [],
                                  note=CHAT_NOTE if chat else "Belum ada penjualan dari Book Order."))
    profit = report["profit"]
    if profit is not None:
        missing = []
        if profit["without_cost"]["top"]:
            missing.append(Table([Column("Produk tanpa HPP"), Column("Penjualan", "rupiah")],
                                 [[_product_label(p), p["net"]] for p in profit["without_cost"]["top"]],
                                 title="Terlaris tanpa HPP"))
        sections.append(ReportSection("HPP & laba kotor",
                                      figures=[Figure(label, get(profit), kind) for label, get, kind, _ in PROFIT_LINES],
                                      tables=missing, note=f"{without_cost_note(profit)} {PROFIT_NOTE}"))
    return sections


def report_data(report: dict, *, merchant_name: str, store_name: str, generated_at: float) -> ReportData:
    """The A4 page: headline, one section per area, charts by hour (day) or by day (month)."""
    sections: list[ReportSection] = []
    by_section: dict[str, list[Figure]] = {}
    for section, label, get, kind, _ in LINES:
        by_section.setdefault(section, []).append(Figure(label, get(report), kind))
    sales = report["sales"]
    if report["kind"] == "day":
        chart = BarSeries("Penjualan bersih per jam", [f"{h['hour']:02d}" for h in sales["by_hour"]],
                          [h["net"] for h in sales["by_hour"]])
    else:
        chart = BarSeries("Penjualan bersih per hari", [day["date"][8:] for day in report["days"]],
                          [day["net"] for day in report["days"]])
    methods = Table([Column("Metode"), Column("Transaksi", "count"), Column("Nilai", "rupiah")],
                    [[m["label"], m["count"], m["amount"]] for m in sales["by_method"]], title="Per metode bayar",
                    total=["Total", sales["count"], sales["collected"]] if sales["by_method"] else None)
    tables = [methods]
    if sales["by_issuer"]:
        tables.append(Table([Column("Penerbit QRIS"), Column("Transaksi", "count"), Column("Nilai", "rupiah")],
                            [[i["issuer"], i["count"], i["amount"]] for i in sales["by_issuer"]], title="QRIS per penerbit"))
    sections.append(ReportSection("Penjualan", figures=by_section["Penjualan"], charts=[chart], tables=tables))
    refunds = report["refunds"]
    tenders = Table([Column("Metode"), Column("Transaksi", "count"), Column("Nilai", "rupiah")],
                    [[m["label"], m["count"], m["amount"]] for m in refunds["by_tender"]], title="Pengembalian per metode",
                    total=["Total", refunds["count"], refunds["amount"]])
    sections.append(ReportSection("Pengembalian", figures=by_section["Pengembalian"],
                                  tables=[tenders] if refunds["by_tender"] else [], note=REFUNDS_NOTE))
    sections += _goods_sections(report)
    sections.append(ReportSection("Book Order", figures=by_section["Book Order"]))
    sections.append(ReportSection("Drop Order", figures=by_section["Drop Order"]))
    waiting = Figure("Menunggu resi (saat ini)", report["shipments"]["waiting_awb_now"])
    sections.append(ReportSection("Pengiriman", figures=[*by_section["Pengiriman"], waiting]))
    sections.append(ReportSection("O2O", figures=by_section["O2O"]))
    cashiers = Table([Column("Kasir"), Column("Transaksi", "count"), Column("Terhubung", "percent"),
                      Column("Pembeli baru", "count"), Column("Penjualan bersih", "rupiah"), Column("Rata-rata", "rupiah"),
                      Column("Refund", "rupiah")],
                     [[c["name"], c["transactions"], c["link_rate"], c["registered"], c["net"], c["average_ticket"],
                       c["refunded"]] for c in report["cashiers"]])
    sections.append(ReportSection("Per kasir", tables=[cashiers] if report["cashiers"] else [],
                                  note=CASHIER_REFUNDS_NOTE if report["cashiers"] else "Belum ada transaksi kasir."))
    headline = [Figure("Penjualan bersih", sales["net"], "rupiah"),
                Figure("Pengembalian", refunds["amount"], "rupiah",
                       note=f"{refunds['refunds']['count']} refund, {refunds['voids']['count']} void"),
                Figure("Bersih setelah pengembalian", sales["net_after_refunds"], "rupiah"),
                Figure("Transaksi", sales["count"]),
                Figure("Rata-rata transaksi", sales["average_ticket"], "rupiah"),
                Figure("Pembeli ulang", report["o2o"]["repeat_rate"], "percent")]
    profit = report["profit"]
    if profit is not None:
        w = profit["without_cost"]
        headline.append(Figure("Laba kotor", profit["with_cost"]["gross_profit"], "rupiah",
                               note="semua penjualan ber-HPP" if profit["complete"]
                               else f"tanpa HPP: {_rupiah(w['net'])} ({_percent(w['share'])})"))
    top = report["products"]["top"]
    if top:
        headline.append(Figure("Produk terlaris", top[0]["net"], "rupiah", note=f"{top[0]['name']} ({top[0]['units']} pcs)"))
    title = "Laporan Harian" if report["kind"] == "day" else "Laporan Bulanan"
    return ReportData(title=title, merchant_name=merchant_name, store_name=store_name, period_label=period_label(report),
                      generated_at=generated_at, headline=headline, sections=sections, tz=report["timezone"])
