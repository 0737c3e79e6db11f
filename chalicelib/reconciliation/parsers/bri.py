"""BRI e-statement CSV (reference §1.3, sample §4.3): one header row of technical names::

    "ID","NOREK","TGL_TRAN","TGL_EFEKTIF","JAM_TRAN","SEQ","DESK_TRAN","SALDO_AWAL_MUTASI",
    "MUTASI_DEBET","MUTASI_KREDIT","SALDO_AKHIR_MUTASI","GLSIGN","TRUSER","KODE_TRAN",
    "KODE_TRAN_TELLER","TRREMK","TLBDS1","TLBDS2","REMARK_CUSTOM"

Columns are found by name. Every row carries its balance before (``SALDO_AWAL_MUTASI``) and after
(``SALDO_AKHIR_MUTASI``); the first row's balance before is the statement's opening balance, and a
row whose own balances disagree with its amount or with the previous row is an anomaly.
``SEQ`` is kept as the row's bank reference: it is not unique (a BRIVA transfer and its Rp1.000 fee
share it) so the fingerprint also uses the balance, and never the description, which BRI rewrites
between the H+0 and H+1 exports. ``REMARK_CUSTOM`` (the sender's own remark) is appended to the
description because order numbers are typed there.
"""
from __future__ import annotations

import re
from datetime import date, datetime

from ..statement import CREDIT, DEBIT, ParsedStatement, format_sen
from .base import (
    Record,
    StatementFormatError,
    StatementParser,
    clean,
    detect_number_style,
    fail,
    locate,
    make_line,
    money,
    read_records,
    reported_figures,
    row_account,
)

_REQUIRED = (
    "NOREK",
    "TGL_TRAN",
    "SEQ",
    "DESK_TRAN",
    "SALDO_AWAL_MUTASI",
    "MUTASI_DEBET",
    "MUTASI_KREDIT",
    "SALDO_AKHIR_MUTASI",
    "GLSIGN",
)
_MONEY = ("SALDO_AWAL_MUTASI", "MUTASI_DEBET", "MUTASI_KREDIT", "SALDO_AKHIR_MUTASI")
_DATETIME_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d")
# NBMB SITI RAHMAWATI TO TOKO CONTOH ESB:NBMB:...  (BRImo: sender between NBMB and TO)
_NBMB = re.compile(r"^NBMB\s+(?P<name>.+?)\s+TO\s+")


def _columns(record: Record) -> tuple[str, ...]:
    return tuple(clean(c).upper() for c in record.cells)


def _is_header(record: Record) -> bool:
    names = _columns(record)
    return names[:3] == ("ID", "NOREK", "TGL_TRAN") and set(_REQUIRED) <= set(names)


def _timestamp(record: Record, text: str, jam: str) -> tuple[date, str | None]:
    value = clean(text)
    for fmt in _DATETIME_FORMATS:
        try:
            at = datetime.strptime(value, fmt)
        except ValueError:
            continue
        if fmt == "%Y-%m-%d":
            # JAM_TRAN is HHMMSS but loses its leading zeros once Excel has seen it.
            digits = clean(jam)
            if not digits.isdigit() or len(digits) > 6:
                return at.date(), None
            digits = digits.zfill(6)
            return at.date(), f"{digits[:2]}:{digits[2:4]}:{digits[4:]}"
        return at.date(), at.strftime("%H:%M:%S")
    raise fail(record.line_number, f"TGL_TRAN tidak dikenali: {value!r}.")


class BriParser(StatementParser):
    layout = "bri_estatement"
    bank = "BRI"
    label = "BRI e-statement CSV"

    def matches(self, text: str) -> bool:
        return locate(text, _is_header) is not None

    def read(self, text: str, received_on: date) -> ParsedStatement:
        delimiter, header_at = locate(text, _is_header)
        records = read_records(text, delimiter)
        at = {name: i for i, name in enumerate(_columns(records[header_at]))}
        rows = [r for r in records[header_at + 1 :] if not r.blank]

        def cell(record: Record, name: str) -> str:
            return record.cell(at[name]) if name in at else ""

        style = detect_number_style(cell(r, name) for r in rows for name in _MONEY)
        account = ""
        lines, anomalies = [], []
        opening = previous_after = None
        for record in rows:
            account = row_account(record, cell(record, "NOREK"), account)
            before = money(record, cell(record, "SALDO_AWAL_MUTASI"), style)
            debit = money(record, cell(record, "MUTASI_DEBET"), style)
            credit = money(record, cell(record, "MUTASI_KREDIT"), style)
            after = money(record, cell(record, "SALDO_AKHIR_MUTASI"), style)
            if debit and credit:
                raise fail(record.line_number, "debet dan kredit terisi bersamaan.")
            if not debit and not credit:
                continue
            direction = CREDIT if credit else DEBIT
            sign = clean(cell(record, "GLSIGN")).upper()
            if sign and sign[:1] != direction[:1]:
                raise fail(record.line_number, f"GLSIGN {sign!r} bertentangan dengan kolom debet/kredit.")
            amount = credit or debit
            signed = amount if credit else -amount
            if before + signed != after:
                anomalies.append(
                    f"Baris {record.line_number}: saldo awal {format_sen(before)} dan mutasi "
                    f"{format_sen(signed)} tidak menghasilkan saldo akhir {format_sen(after)}."
                )
            if previous_after is not None and before != previous_after:
                anomalies.append(
                    f"Baris {record.line_number}: saldo awal {format_sen(before)} tidak sama dengan "
                    f"saldo akhir baris sebelumnya {format_sen(previous_after)}."
                )
            if opening is None:
                opening = before
            previous_after = after
            posted, posted_time = _timestamp(record, cell(record, "TGL_TRAN"), cell(record, "JAM_TRAN"))
            desk = " ".join(clean(cell(record, "DESK_TRAN")).split())
            remark = " ".join(clean(cell(record, "REMARK_CUSTOM")).split())
            name = _NBMB.match(desk) if direction == CREDIT else None
            lines.append(
                make_line(
                    record,
                    bank=self.bank,
                    account=account,
                    posted=posted,
                    posted_time=posted_time,
                    direction=direction,
                    amount_sen=amount,
                    balance_sen=after,
                    description=f"{desk} | {remark}" if remark and remark != desk else desk,
                    payer_name=name.group("name") if name else None,
                    reference=clean(cell(record, "SEQ")),
                )
            )
        if not account:
            raise StatementFormatError("Berkas BRI tidak berisi transaksi.", code="statement_empty")
        return ParsedStatement(
            bank=self.bank,
            layout=self.layout,
            account=account,
            lines=tuple(lines),
            anomalies=tuple(anomalies),
            **reported_figures(opening=opening),
        )
