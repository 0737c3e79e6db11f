"""BCA KlikBCA Individu CSV, Indonesian or English labels (reference §1.1 A/B, sample §4.1).

::

    No. Rekening,=,'0123456789          Account No.,=,'0123456789
    Nama,=,TOKO CONTOH                  Name,=,TOKO CONTOH
    Mata Uang,=,IDR                     Currency,=,IDR
    (Periode,=,dd/mm/yyyy - dd/mm/yyyy  - unverified, used when present)

    Tanggal,Keterangan,Cabang,Jumlah,,Saldo          Date,Description,Branch,Amount,,Balance
    '10/03,TRSF E-BANKING CR ...,'0000,150123.00,CR,2650123.00
    'PEND,TRSF E-BANKING CR ...,'0000,199999.00,CR,
    Saldo Awal,=,2500000.00             Starting Balance,=,...
    Kredit,=,1064790.00                 Credit,=,...
    Debet,=,758500.00                   Debet,=,        (empty when there are no debits)
    Saldo Akhir,=,2806290.00            Ending Balance,=,...

Cells are unquoted and a description may hold raw commas, so a row is read from the right,
anchored on its ``CR``/``DB`` cell. Dates are ``'dd/mm`` (year from the period or the upload day)
or ``'dd/mm/yyyy`` in newer downloads; ``'PEND`` marks a pending row with no balance yet.
"""
from __future__ import annotations

from dataclasses import dataclass
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
)

_HEADERS = {
    ("tanggal", "keterangan", "cabang", "jumlah", "", "saldo"),
    ("date", "description", "branch", "amount", "", "balance"),
}
_META = {
    "no. rekening": "account",
    "no rekening": "account",
    "account no.": "account",
    "account no": "account",
    "nama": "name",
    "name": "name",
    "mata uang": "currency",
    "currency": "currency",
    "periode": "period",
    "period": "period",
}
_FOOTER = {
    "saldo awal": "opening",
    "starting balance": "opening",
    "kredit": "credit",
    "credit": "credit",
    "mutasi kredit": "credit",
    "debet": "debit",
    "debit": "debit",
    "mutasi debet": "debit",
    "saldo akhir": "closing",
    "ending balance": "closing",
}


def _is_header(record: Record) -> bool:
    return record.labels in _HEADERS


def _key_value(record: Record) -> tuple[str, str] | None:
    """``<label>,=,<value>`` lines of the preamble and the footer."""
    if len(record.cells) >= 3 and clean(record.cells[1]) == "=":
        return normal_label(record.cells[0]), clean(record.cells[2])
    return None


@dataclass(frozen=True, slots=True)
class _Row:
    record: Record
    date_text: str
    description: str
    amount_text: str
    direction: str
    balance_text: str


def _split_row(record: Record, delimiter: str) -> _Row:
    cells = record.cells
    # The CR/DB cell is the 5th of 6 (or 4th from last when an export adds a trailing delimiter).
    flag = next(
        (i for i in range(len(cells) - 1, max(len(cells) - 4, 3), -1) if clean(cells[i]).upper() in ("CR", "DB")),
        None,
    )
    if flag is None:
        raise fail(record.line_number, "kolom CR/DB tidak ditemukan.")
    if any(clean(c) for c in cells[flag + 2 :]):
        raise fail(record.line_number, "ada kolom tak dikenal setelah saldo.")
    return _Row(
        record=record,
        date_text=clean(cells[0]),
        description=delimiter.join(cells[1 : flag - 2]),
        amount_text=cells[flag - 1],
        direction=clean(cells[flag]).upper(),
        balance_text=record.cell(flag + 1),
    )


class BcaIndividualParser(StatementParser):
    layout = "bca_klikbca_individual"
    bank = "BCA"
    label = "BCA KlikBCA Individu CSV (label Indonesia atau Inggris)"

    def matches(self, text: str) -> bool:
        return locate(text, _is_header) is not None

    def read(self, text: str, received_on: date) -> ParsedStatement:
        delimiter, header_at = locate(text, _is_header)
        records = read_records(text, delimiter)
        meta: dict[str, str] = {}
        for record in records[:header_at]:
            pair = _key_value(record)
            if pair and pair[0] in _META:
                meta[_META[pair[0]]] = pair[1]
        require_idr(meta.get("currency"))
        account = require_account(normalize_account(meta.get("account", "")), "baris 'No. Rekening'")
        period = parse_period(meta["period"]) if meta.get("period") else None

        rows: list[_Row] = []
        footer: dict[str, Record] = {}
        for record in records[header_at + 1 :]:
            if record.blank:
                continue
            pair = _key_value(record)
            if pair and pair[0] in _FOOTER:
                footer[_FOOTER[pair[0]]] = record
            elif footer:
                raise fail(record.line_number, "baris transaksi setelah ringkasan saldo.")
            else:
                rows.append(_split_row(record, delimiter))

        style = detect_number_style(
            [r.amount_text for r in rows] + [r.balance_text for r in rows] + [clean(f.cell(2)) for f in footer.values()]
        )
        lines = []
        for row in rows:
            amount = money(row.record, row.amount_text, style)
            if amount == 0:
                continue
            posted, hint = bca_text.row_dates(row.record, row.date_text, row.description, period, received_on)
            balance = money(row.record, row.balance_text, style) if clean(row.balance_text) else None
            lines.append(
                make_line(
                    row.record,
                    bank=self.bank,
                    account=account,
                    posted=posted,
                    direction=row.direction,
                    amount_sen=amount,
                    balance_sen=balance,
                    description=row.description,
                    payer_name=bca_text.payer_name(row.description) if row.direction == "CR" else None,
                    date_hint=hint,
                )
            )

        figures = {key: money(rec, rec.cell(2), style) for key, rec in footer.items()}
        counts = {key: int(clean(rec.cell(3))) for key, rec in footer.items() if clean(rec.cell(3)).isdigit()}
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
