"""Kopra by Mandiri CSV (reference §1.2 C): semicolon-delimited, one header row::

    AccountNo;Ccy;PostDate;Remarks;AdditionalDesc;Credit Amount;Debit Amount;Close Balance
    1370012345678;IDR;01 April 2026 07:40:58;MCM InhouseTrf DARI SITI;ORDER 1043;150123.00;0.00;5150123.00

``PostDate`` uses English or Indonesian month names; the credit column comes before the debit
column. The closing balance of each row gives a running-balance chain (no opening balance or
totals are reported, so the first row is the chain's anchor).
"""
from __future__ import annotations

import re
from datetime import date, datetime

from ..statement import CREDIT, DEBIT, ParsedStatement
from .base import (
    MONTHS,
    Record,
    StatementFormatError,
    StatementParser,
    clean,
    day_month,
    detect_number_style,
    fail,
    locate,
    make_line,
    money,
    read_records,
    require_idr,
    row_account,
)
from .mandiri_mcm import payer_name

_HEADER = (
    "accountno",
    "ccy",
    "postdate",
    "remarks",
    "additionaldesc",
    "credit amount",
    "debit amount",
    "close balance",
)
# 01 April 2026 07:40:58 / 1 Mei 2026 / 01/04/2026 07:40:58
_NAMED = re.compile(r"^(\d{1,2})\s+([A-Za-z]+)\.?\s+(\d{4})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?)?$")
_NUMERIC = re.compile(r"^(\S+)(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?)?$")


def _is_header(record: Record) -> bool:
    return record.labels == _HEADER


def _post_date(record: Record, text: str) -> tuple[date, str | None]:
    value = " ".join(clean(text).split())
    m = _NAMED.match(value)
    try:
        if m:
            month = MONTHS.get(m.group(2).casefold())
            if month is None:
                raise ValueError
            day = date(int(m.group(3)), month, int(m.group(1)))
            clock = m.groups()[3:]
        else:
            n = _NUMERIC.match(value)
            parts = day_month(n.group(1)) if n else None
            if parts is None or parts[2] is None:
                raise ValueError
            day = date(parts[2], parts[1], parts[0])
            clock = n.groups()[1:]
        if clock[0] is None:
            return day, None
        hh, mm, ss = int(clock[0]), int(clock[1]), int(clock[2] or 0)
        return day, datetime(2000, 1, 1, hh, mm, ss).strftime("%H:%M:%S")
    except ValueError:
        raise fail(record.line_number, f"PostDate tidak dikenali: {value!r}.") from None


class MandiriKopraParser(StatementParser):
    layout = "mandiri_kopra"
    bank = "MANDIRI"
    label = "Kopra by Mandiri CSV"

    def matches(self, text: str) -> bool:
        return locate(text, _is_header) is not None

    def read(self, text: str, received_on: date) -> ParsedStatement:
        delimiter, header_at = locate(text, _is_header)
        rows = [r for r in read_records(text, delimiter)[header_at + 1 :] if not r.blank]
        style = detect_number_style(r.cell(i) for r in rows for i in (5, 6, 7))
        account = ""
        lines = []
        for record in rows:
            if len(record.cells) < 8 or any(clean(c) for c in record.cells[8:]):
                raise fail(record.line_number, "baris harus berisi 8 kolom seperti judulnya.")
            account = row_account(record, record.cells[0], account)
            require_idr(clean(record.cells[1]))
            credit = money(record, record.cells[5], style)
            debit = money(record, record.cells[6], style)
            if debit and credit:
                raise fail(record.line_number, "debet dan kredit terisi bersamaan.")
            if not debit and not credit:
                continue
            posted, posted_time = _post_date(record, record.cells[2])
            first = " ".join(record.cells[3].split())
            second = " ".join(record.cells[4].split())
            balance = record.cells[7]
            lines.append(
                make_line(
                    record,
                    bank=self.bank,
                    account=account,
                    posted=posted,
                    posted_time=posted_time,
                    direction=CREDIT if credit else DEBIT,
                    amount_sen=credit or debit,
                    balance_sen=money(record, balance, style) if clean(balance) else None,
                    description=" | ".join(p for p in (first, second) if p),
                    payer_name=payer_name(first, second) if credit else None,
                )
            )
        if not account:
            raise StatementFormatError("Berkas Kopra tidak berisi transaksi.", code="statement_empty")
        return ParsedStatement(bank=self.bank, layout=self.layout, account=account, lines=tuple(lines))
