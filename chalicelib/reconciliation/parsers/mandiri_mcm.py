"""Mandiri Cash Management (MCM) CSV (reference §1.2 B, sample §4.2)::

    Account No,Date,Val. Date,Transaction Code,Description,Description,Reference No.,Debit,Credit
    1370012345678,10/03/25,10/03/25,7820,"MCM InhouseTrf  DARI SITI ...","G075...", WLST...,".00","150,123.00"

Two columns are both named ``Description``; they are joined with `` | ``. Dates are ``dd/mm/yy``.
There is no balance column and no totals, so only the rows themselves can be checked, and
fingerprints rest on the reference number or the description plus the occurrence index.
Anything before the header is ignored (whether MCM writes a preamble is unknown).
"""
from __future__ import annotations

import re
from datetime import date

from ..statement import CREDIT, DEBIT, ParsedStatement
from .base import (
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
    row_account,
)

_HEADER = (
    "account no",
    "date",
    "val. date",
    "transaction code",
    "description",
    "description",
    "reference no.",
    "debit",
    "credit",
)
# MCM InhouseTrf  DARI SITI RAHMAWATI Transfer Fee   4021500000000001
_INHOUSE = re.compile(r"\bDARI\s+(?P<name>.+?)(?:\s+Transfer Fee\b.*)?$", re.IGNORECASE)
# 71830000001/DEWI LESTARI/BDG  (second description of "DR <acct> KR <acct>" rows)
_REF_NAME_CITY = re.compile(r"^\d+/(?P<name>[^/]+)/")
# 20250311BMRIIDJA010O0000000001 CENAIDJA/BUDI SANTOSO  (BI-FAST: sender's BIC / name)
_BIC_NAME = re.compile(r"\b[A-Z]{6}[A-Z0-9]{2}(?:[A-Z0-9]{3})?/(?P<name>[^/]+)$")
_NAME_ONLY = re.compile(r"^[A-Za-z][A-Za-z .,'-]+$")


def _is_header(record: Record) -> bool:
    return record.labels == _HEADER


def payer_name(first: str, second: str) -> str | None:
    """Sender of a Mandiri credit from its two description parts (MCM and Kopra write the same)."""
    for pattern, text in ((_INHOUSE, first), (_REF_NAME_CITY, second), (_BIC_NAME, first)):
        m = pattern.search(text)
        if m:
            return " ".join(m.group("name").split())
    if first.upper().startswith("TRF INW") and _NAME_ONLY.match(second):
        return " ".join(second.split())  # incoming from another bank: the name is the second part
    return None


class MandiriMcmParser(StatementParser):
    layout = "mandiri_mcm"
    bank = "MANDIRI"
    label = "Mandiri Cash Management (MCM) CSV"

    def matches(self, text: str) -> bool:
        return locate(text, _is_header) is not None

    def read(self, text: str, received_on: date) -> ParsedStatement:
        delimiter, header_at = locate(text, _is_header)
        rows = [r for r in read_records(text, delimiter)[header_at + 1 :] if not r.blank]
        style = detect_number_style(r.cell(i) for r in rows for i in (7, 8))
        account = ""
        lines = []
        for record in rows:
            if len(record.cells) < 9 or any(clean(c) for c in record.cells[9:]):
                raise fail(record.line_number, "baris harus berisi 9 kolom seperti judulnya.")
            account = row_account(record, record.cells[0], account)
            debit = money(record, record.cells[7], style)
            credit = money(record, record.cells[8], style)
            if debit and credit:
                raise fail(record.line_number, "debet dan kredit terisi bersamaan.")
            if not debit and not credit:
                continue
            parts = day_month(record.cells[1])
            try:
                if parts is None or parts[2] is None:
                    raise ValueError
                posted = date(parts[2], parts[1], parts[0])
            except ValueError:
                raise fail(record.line_number, f"tanggal tidak dikenali: {clean(record.cells[1])!r}.") from None
            first = " ".join(record.cells[4].split())
            second = " ".join(record.cells[5].split())
            lines.append(
                make_line(
                    record,
                    bank=self.bank,
                    account=account,
                    posted=posted,
                    direction=CREDIT if credit else DEBIT,
                    amount_sen=credit or debit,
                    balance_sen=None,
                    description=" | ".join(p for p in (first, second) if p),
                    payer_name=payer_name(first, second) if credit else None,
                    reference=clean(record.cells[6]),
                )
            )
        if not account:
            raise StatementFormatError("Berkas Mandiri MCM tidak berisi transaksi.", code="statement_empty")
        return ParsedStatement(bank=self.bank, layout=self.layout, account=account, lines=tuple(lines))
