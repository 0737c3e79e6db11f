"""A report (the JSON of :mod:`.service`) as a spreadsheet (CSV) and as an A4 page (ReportData).

Pure: the CSV is text and the page is the documents area's dataclasses; rendering to PDF is
``documents.render_report``. Both read the same figure list, so the screen, the CSV and the PDF
cannot disagree.
"""
from __future__ import annotations

import csv
import io
from typing import Callable

from ..documents.model import BarSeries, Column, Figure, ReportData, ReportSection, Table
from . import model

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


def period_label(report: dict) -> str:
    if report["kind"] == "day":
        y, m, d = report["date"].split("-")
        return f"{int(d)} {MONTH_NAMES[int(m) - 1]} {y}"
    y, m = report["month"].split("-")
    return f"{MONTH_NAMES[int(m) - 1]} {y}"


def _csv_value(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.4f}"
    return str(value)


def _method_amount(figures: dict, method: str) -> int:
    return next((m["amount"] for m in figures["sales"]["by_method"] if m["method"] == method), 0)


def _refund_amount(figures: dict, tender: str) -> int:
    return next((m["amount"] for m in figures["refunds"]["by_tender"] if m["method"] == tender), 0)


def _cell(value):
    """Text that a spreadsheet would run as a formula (a staff name typed as ``=HYPERLINK(...)``)
    is written with a leading apostrophe; numbers are left as they are."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@") and not value.lstrip("-").isdigit():
        return "'" + value
    return value


def _write(rows: list[list]) -> str:
    out = io.StringIO()
    out.write("\ufeff")  # a BOM, so spreadsheet programs read the names as UTF-8
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerows([_cell(value) for value in row] for row in rows)
    return out.getvalue()


def day_csv(report: dict) -> str:
    """One row per figure: ``bagian, indikator, rincian, nilai`` (numbers plain, rates as fractions)."""
    rows: list[list] = [["bagian", "indikator", "rincian", "nilai"]]
    rows += [[section, label, "", _csv_value(get(report))] for section, label, get, _, _ in LINES]
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
                 ["Kasir", "Tingkat terhubung", who, _csv_value(c["link_rate"])],
                 ["Kasir", "Pembeli baru", who, c["registered"]], ["Kasir", "Penjualan bersih", who, c["net"]],
                 ["Kasir", "Rata-rata transaksi", who, _csv_value(c["average_ticket"])],
                 ["Kasir", "Pengembalian dibayar (transaksi)", who, c["refunds_count"]],
                 ["Kasir", "Pengembalian dibayar", who, c["refunded"]]]
    return _write(rows)


def month_csv(report: dict) -> str:
    """One row per day of the month and a TOTAL row (which equals the sum of the days)."""
    header = ["tanggal"] + [line[4] for line in LINES] + [column for _, column in METHOD_COLUMNS + REFUND_COLUMNS]

    def row(label: str, figures: dict) -> list:
        return [label] + [_csv_value(get(figures)) for _, _, get, _, _ in LINES] + \
               [_method_amount(figures, method) for method, _ in METHOD_COLUMNS] + \
               [_refund_amount(figures, tender) for tender, _ in REFUND_COLUMNS]

    rows = [header] + [row(day["date"], day["figures"]) for day in report["days"]]
    rows.append(row("TOTAL", report))
    return _write(rows)


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
    title = "Laporan Harian" if report["kind"] == "day" else "Laporan Bulanan"
    return ReportData(title=title, merchant_name=merchant_name, store_name=store_name, period_label=period_label(report),
                      generated_at=generated_at, headline=headline, sections=sections, tz=report["timezone"])
