"""BCA KlikBCA Bisnis (KBB) CSV (reference §1.1 C). Every cell double-quoted::

    "Informasi Rekening - Mutasi Rekening","",""

    "No. rekening : 0123456789"
    "Nama : TOKO CONTOH"
    "Periode : 01/03/2025 - 31/03/2025"
    "Kode Mata Uang : Rp"

    "Tanggal Transaksi","Keterangan","Cabang","Jumlah","Saldo"
    "01/03/2025","TRSF E-BANKING CR ...","0000","3,528,964.00 CR","25,441,156.00"
    "Saldo Awal : 21,912,192.00"
    "Mutasi Debet : 0.00","0"
    "Mutasi Kredit : 3,528,964.00","1"
    "Saldo Akhir : 25,441,156.00"

Variants accepted: no ``Saldo`` column (then no balance chain), ``dd/mm`` dates with the year from
``Periode`` (incl. Dec->Jan), ``PEND`` rows with an empty balance, and the 6-column header
``...,"Jumlah","","Saldo"`` with ``CR``/``DB`` in its own cell (seen only in synthetic files).
"""
from __future__ import annotations

from datetime import date

from ..statement import ParsedStatement, normalize_account
from . import bca_text
from .base import (
    Record,
    StatementParser,
    clean,
    detect_number_style,
    fail,
    locate,
    make_line,
    money,
    normal_label,
    parse_period,
    read_records,
    reported_figures,
    require_account,
    require_idr,
    split_marker,
)

_COLUMNS = ("tanggal transaksi", "keterangan", "cabang", "jumlah")
_TAILS = {(): "none", ("saldo",): "balance", ("", "saldo"): "flag+balance"}
_META = {
    "no. rekening": "account",
    "no rekening": "account",
    "nama": "name",
    "periode": "period",
    "kode mata uang": "currency",
    "mata uang": "currency",
}
_TRAILER = {"saldo awal": "opening", "mutasi debet": "debit", "mutasi kredit": "credit", "saldo akhir": "closing"}


def _is_header(record: Record) -> bool:
    labels = record.labels
    return labels[:4] == _COLUMNS and labels[4:] in _TAILS


def _label_value(cell: str) -> tuple[str, str] | None:
    """``"Saldo Awal : 21,912,192.00"`` -> ``("saldo awal", "21,912,192.00")``."""
    name, colon, value = clean(cell).partition(":")
    return (normal_label(name), value.strip()) if colon else None


class BcaBisnisParser(StatementParser):
    layout = "bca_klikbca_bisnis"
    bank = "BCA"
    label = "BCA KlikBCA Bisnis CSV"

    def matches(self, text: str) -> bool:
        return locate(text, _is_header) is not None

    def read(self, text: str, received_on: date) -> ParsedStatement:
        delimiter, header_at = locate(text, _is_header)
        records = read_records(text, delimiter)
        tail = _TAILS[records[header_at].labels[4:]]
        meta: dict[str, str] = {}
        for record in records[:header_at]:
            pair = _label_value(record.cell(0))
            if pair and pair[0] in _META:
                meta[_META[pair[0]]] = pair[1]
        require_idr(meta.get("currency"))
        account = require_account(normalize_account(meta.get("account", "")), "baris 'No. rekening'")
        period = parse_period(meta["period"]) if meta.get("period") else None

        rows: list[tuple[Record, str, str, str, str]] = []  # record, date, description, amount, balance
        trailer: dict[str, tuple[Record, str]] = {}
        for record in records[header_at + 1 :]:
            if record.blank:
                continue
            pair = _label_value(record.cell(0))
            if pair and pair[0] in _TRAILER:
                trailer[_TRAILER[pair[0]]] = (record, pair[1])
                continue
            if trailer:
                raise fail(record.line_number, "baris transaksi setelah ringkasan saldo.")
            cells = record.cells
            if tail == "flag+balance":
                amount_text = f"{record.cell(3)} {record.cell(4)}"
                balance_text = record.cell(5)
            else:
                amount_text = record.cell(3)
                balance_text = record.cell(4) if tail == "balance" else ""
            width = {"none": 4, "balance": 5, "flag+balance": 6}[tail]
            if len(cells) < 4 or any(clean(c) for c in cells[width:]):
                raise fail(record.line_number, f"baris harus berisi {width} kolom seperti judulnya.")
            rows.append((record, clean(cells[0]), cells[1], amount_text, balance_text))

        split = [(row, *split_marker(row[3])) for row in rows]
        style = detect_number_style(
            [number for _, number, _ in split] + [row[4] for row in rows] + [value for _, value in trailer.values()]
        )
        lines = []
        for (record, date_text, description, _, balance_text), number, direction in split:
            if direction is None:
                raise fail(record.line_number, f"jumlah tanpa CR/DB: {clean(number)!r}.")
            amount = money(record, number, style)
            if amount == 0:
                continue
            posted, hint = bca_text.row_dates(record, date_text, description, period, received_on)
            lines.append(
                make_line(
                    record,
                    bank=self.bank,
                    account=account,
                    posted=posted,
                    direction=direction,
                    amount_sen=amount,
                    balance_sen=money(record, balance_text, style) if clean(balance_text) else None,
                    description=description,
                    payer_name=bca_text.payer_name(description) if direction == "CR" else None,
                    date_hint=hint,
                )
            )

        figures = {key: money(rec, value, style) for key, (rec, value) in trailer.items()}
        counts = {
            key: int(clean(rec.cell(1))) for key, (rec, _) in trailer.items() if clean(rec.cell(1)).isdigit()
        }
        return ParsedStatement(
            bank=self.bank,
            layout=self.layout,
            account=account,
            lines=tuple(lines),
            account_name=meta.get("name") or None,
            period_start=period[0].isoformat() if period else None,
            period_end=period[1].isoformat() if period else None,
            credit_count=counts.get("credit"),
            debit_count=counts.get("debit"),
            **reported_figures(**figures),
        )
