"""Any other bank's CSV, read with a column mapping the store saved for that account.

Columns are named by their header text (matched case- and spacing-insensitively) or by 0-based
position. Money is either one ``amount`` column (direction from a ``direction`` column, a marker
after the number such as ``1.000,00 CR``, or the sign) or a ``debit`` + ``credit`` pair. Dates use
``strptime`` codes; a format with ``%H`` also gives the row's time. Data rows end at the first blank
line or at a row whose first cell starts with one of ``stop_at`` (a footer such as "Saldo Awal").
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, fields
from datetime import date, datetime
from typing import Any

from ...core.errors import ValidationError
from ..statement import CREDIT, DEBIT, ParsedStatement, normalize_account
from .base import (
    NumberStyle,
    Record,
    StatementParser,
    clean,
    detect_number_style,
    fail,
    locate,
    make_line,
    money,
    normal_label,
    read_records,
    split_marker,
)

Column = str | int


@dataclass(frozen=True)
class ColumnMapping:
    """How to read one bank account's CSV export. Saved per account; see :meth:`to_dict`."""

    bank: str
    account: str
    date: Column
    description: tuple[Column, ...]
    amount: Column | None = None
    debit: Column | None = None
    credit: Column | None = None
    direction: Column | None = None
    balance: Column | None = None
    reference: Column | None = None
    date_format: str = "%d/%m/%Y"
    decimal: str = "auto"  # "." (1,234,567.00), "," (1.234.567,00) or "auto": detected per file
    credit_markers: tuple[str, ...] = ("CR", "C", "K", "KR", "KREDIT", "CREDIT")
    debit_markers: tuple[str, ...] = ("DB", "D", "DR", "DEBET", "DEBIT")
    delimiter: str | None = None  # None: sniffed (",", ";" or tab)
    has_header: bool = True
    skip_rows: int = 0  # lines to skip before the header (or before the data without a header)
    stop_at: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "description", tuple(self.description))
        object.__setattr__(self, "credit_markers", tuple(m.upper() for m in self.credit_markers))
        object.__setattr__(self, "debit_markers", tuple(m.upper() for m in self.debit_markers))
        object.__setattr__(self, "stop_at", tuple(self.stop_at))
        problems = []
        if not self.bank.strip():
            problems.append("nama bank wajib diisi")
        if not normalize_account(self.account):
            problems.append("nomor rekening wajib diisi")
        if not self.description:
            problems.append("pilih minimal satu kolom keterangan")
        if (self.amount is None) == (self.debit is None and self.credit is None):
            problems.append("pilih kolom jumlah, atau kolom debet dan kredit (tidak keduanya)")
        if self.amount is None and (self.debit is None or self.credit is None):
            problems.append("kolom debet dan kredit harus dipilih berdua")
        if self.decimal not in ("auto", ".", ","):
            problems.append("pemisah desimal harus '.', ',' atau otomatis")
        if set(self.credit_markers) & set(self.debit_markers):
            problems.append("penanda kredit dan debet tidak boleh sama")
        if not self.has_header and any(isinstance(c, str) for c in self.columns()):
            problems.append("tanpa baris judul, kolom harus dipilih dengan nomor urut")
        if "%d" not in self.date_format and "%j" not in self.date_format:
            problems.append("format tanggal harus memuat hari (%d)")
        if problems:
            raise ValidationError("Pemetaan kolom tidak valid: " + "; ".join(problems) + ".", code="invalid_mapping")

    def columns(self) -> list[Column]:
        picked = [self.date, *self.description, self.amount, self.debit, self.credit]
        picked += [self.direction, self.balance, self.reference]
        return [c for c in picked if c is not None]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form for storage (tuples become lists)."""
        return {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(self).items()}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ColumnMapping:
        known = {f.name for f in fields(cls)}
        return cls(**{k: tuple(v) if isinstance(v, list) else v for k, v in data.items() if k in known})


class GenericCsvParser(StatementParser):
    """Reads a file with a :class:`ColumnMapping`; it matches when the mapped columns are there."""

    layout = "generic_csv"
    label = "CSV bank lain dengan pemetaan kolom tersimpan"

    def __init__(self, mapping: ColumnMapping):
        self.mapping = mapping
        self.bank = mapping.bank.strip().upper()

    def matches(self, text: str) -> bool:
        try:
            self._layout(text)
        except ValueError:
            return False
        return True

    def _layout(self, text: str) -> tuple[str, list[Record], dict[Column, int]]:
        """``(delimiter, data records, column -> index)``; ``ValueError`` if the mapping does not fit."""
        mapping = self.mapping
        names = {normal_label(c) for c in mapping.columns() if isinstance(c, str)}
        if mapping.has_header:

            def is_header(record: Record) -> bool:
                return record.line_number > mapping.skip_rows and names <= set(record.labels) and not record.blank

            found = locate(text, is_header)
            if found is None:
                raise ValueError("header not found")
            delimiter, header_at = found
            records = read_records(text, delimiter)
            header = records[header_at].labels
            index = {c: (header.index(normal_label(c)) if isinstance(c, str) else c) for c in mapping.columns()}
            body = records[header_at + 1 :]
        else:
            delimiter = mapping.delimiter or _sniff(text, mapping)
            body = [r for r in read_records(text, delimiter) if r.line_number > mapping.skip_rows]
            index = {c: c for c in mapping.columns()}
        if mapping.delimiter and delimiter != mapping.delimiter:
            raise ValueError("delimiter differs")
        rows = []
        for record in body:
            first = normal_label(record.cell(0))
            if record.blank:
                if rows:
                    break
                continue
            if any(first.startswith(normal_label(s)) for s in mapping.stop_at):
                break
            rows.append(record)
        if rows and max(index.values()) >= len(rows[0].cells):
            raise ValueError("too few columns")
        return delimiter, rows, index

    def read(self, text: str, received_on: date) -> ParsedStatement:
        mapping = self.mapping
        _, rows, at = self._layout(text)
        markers = mapping.credit_markers + mapping.debit_markers

        def cell(record: Record, column: Column | None) -> str:
            return record.cell(at[column]) if column is not None else ""

        money_cells = [c for c in (mapping.amount, mapping.debit, mapping.credit, mapping.balance) if c is not None]
        samples = [split_marker(cell(r, c), markers)[0] for r in rows for c in money_cells]
        style = detect_number_style(samples) if mapping.decimal == "auto" else NumberStyle(mapping.decimal)
        account = normalize_account(mapping.account)
        with_time = "%H" in mapping.date_format
        lines = []
        for record in rows:
            amount, direction = self._movement(record, cell, style, markers)
            if amount == 0:
                continue
            date_text = " ".join(clean(cell(record, mapping.date)).split())
            try:
                moment = datetime.strptime(date_text, mapping.date_format)
            except ValueError:
                raise fail(
                    record.line_number, f"tanggal {date_text!r} tidak sesuai format {mapping.date_format}."
                ) from None
            balance_text = cell(record, mapping.balance)
            description = " | ".join(
                " ".join(cell(record, c).split()) for c in mapping.description if cell(record, c).strip()
            )
            lines.append(
                make_line(
                    record,
                    bank=self.bank,
                    account=account,
                    posted=moment.date(),
                    posted_time=moment.strftime("%H:%M:%S") if with_time else None,
                    direction=direction,
                    amount_sen=amount,
                    balance_sen=money(record, balance_text, style) if clean(balance_text) else None,
                    description=description,
                    payer_name=None,
                    reference=clean(cell(record, mapping.reference)),
                )
            )
        return ParsedStatement(bank=self.bank, layout=self.layout, account=account, lines=tuple(lines))

    def _movement(
        self, record: Record, cell: Callable[[Record, Column | None], str], style: NumberStyle, markers: tuple[str, ...]
    ) -> tuple[int, str]:
        """``(amount in sen, direction)`` of a row, from whichever money columns the mapping uses."""
        mapping = self.mapping
        if mapping.amount is None:
            debit = abs(money(record, cell(record, mapping.debit), style))
            credit = abs(money(record, cell(record, mapping.credit), style))
            if debit and credit:
                raise fail(record.line_number, "debet dan kredit terisi bersamaan.")
            return (credit, CREDIT) if credit else (debit, DEBIT)
        number, marker = split_marker(cell(record, mapping.amount), markers)
        if mapping.direction is not None:
            marker = clean(cell(record, mapping.direction)).upper() or marker
        value = money(record, number, style)
        if marker is None:
            return abs(value), DEBIT if value < 0 else CREDIT
        if marker in mapping.credit_markers:
            return abs(value), CREDIT
        if marker in mapping.debit_markers:
            return abs(value), DEBIT
        raise fail(record.line_number, f"penanda arah {marker!r} tidak dikenal.")


def _sniff(text: str, mapping: ColumnMapping) -> str:
    """Without a header: the delimiter that gives the first data line enough columns."""
    widest = max(c for c in mapping.columns() if isinstance(c, int))
    lines = text.split("\n")[mapping.skip_rows : mapping.skip_rows + 5]
    for delimiter in (",", ";", "\t"):
        records = [r for r in read_records("\n".join(lines), delimiter) if not r.blank]
        if records and all(len(r.cells) > widest for r in records):
            return delimiter
    raise ValueError("no delimiter fits")
