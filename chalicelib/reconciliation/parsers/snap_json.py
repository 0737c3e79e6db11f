"""SNAP BI Bank Statement answers (service 14) as a statement, so fetched rows take the upload path.

A fetch (:mod:`..feeds`) stores what the bank answered for one bank day as one JSON object under
``statements/<store>/`` (the raw ``detailData`` kept for the audit trail, as uploads keep the file)
and the importer reads it with this parser like any CSV::

    {"sambung": "snap-bank-statement/1", "bank": "BCA", "account_no": "1234567890",
     "from": "2026-11-23T00:00:00+07:00", "to": "2026-11-23T10:05:00+07:00",
     "fetched_at": "2026-11-23T03:05:02Z", "pages": [<Bank Statement answer>, ...]}

**Fingerprints equal to the bank's CSV where the answer allows it.** A KlikBCA row's key is (bank,
account, direction, exact amount, posted day, balance after) (:mod:`..fingerprints`): no time, no
reference, never the description. A SNAP row is built to give that same key:

* ``posted_date`` is ``transactionDate`` on the bank's clock (WIB); ``posted_time`` is left out
  (KlikBCA exports carry none) and ``transactionId`` is not made the reference while a balance is known;
* the balance after the row is ``detailBalance.endAmount`` when the bank sends it (BRI), else it is
  derived: the day's ``startingBalance`` plus each row in posting order, used only when the result
  ends exactly at the bank's ``endingBalance`` (so a gap or a reordering never produces balances).
  Rows are fetched per whole bank day, so the start is the day's opening balance, as in the export.

Where the answer has no balance at all (neither per row nor for the day, or one that does not add
up) a row cannot carry the CSV's key: it is keyed by ``transactionId`` when the bank gives one, else
by its remark with an occurrence index, like a balance-less CSV; such a row fetched and also uploaded
as CSV would be two rows, and the statement's own check says why (no balance to chain).

BRI's e-statement CSV keys a row by its time and ``SEQ`` (:mod:`.bri`), which SNAP does not return:
a BRI row fetched and uploaded as CSV cannot be recognised as one by its key either.
"""
from __future__ import annotations

import json
import re
from datetime import date, datetime, timedelta, timezone

from ..statement import CREDIT, DEBIT, ParsedStatement, StatementLine, normalize_account
from . import bca_text
from .base import Record, StatementFormatError, StatementParser, make_line, reported_figures

FORMAT = "snap-bank-statement/1"
WIB = timezone(timedelta(hours=7))
_MONEY = re.compile(r"^(-)?(\d{1,15})(?:\.(\d{1,2}))?$")
_TYPES = {"CREDIT": CREDIT, "KREDIT": CREDIT, "CR": CREDIT, "C": CREDIT, "K": CREDIT,
          "DEBIT": DEBIT, "DEBET": DEBIT, "DB": DEBIT, "D": DEBIT}


def _bad(message: str, row: int | None = None) -> StatementFormatError:
    where = f"Baris {row}: " if row else ""
    return StatementFormatError(f"Jawaban SNAP BI tidak bisa dibaca. {where}{message}", code="snap_answer_invalid",
                                details={"line": row} if row else None)


def money_sen(value, row: int | None = None, what: str = "amount") -> int:
    """``{"value": "20000.00", "currency": "IDR"}`` -> exact sen. Only rupiah; text with 0-2 decimals."""
    if not isinstance(value, dict):
        raise _bad(f"{what} bukan objek {{value, currency}}.", row)
    currency = value.get("currency")
    if currency not in (None, "", "IDR"):
        raise _bad(f"{what} dalam {currency!r}, hanya rupiah (IDR) yang dibaca.", row)
    text = value.get("value")
    if isinstance(text, (int, float)) and not isinstance(text, bool):
        text = f"{text:.2f}" if isinstance(text, float) else str(text)
    m = _MONEY.match(str(text).strip()) if isinstance(text, str) else None
    if not m:
        raise _bad(f"{what} {text!r} bukan angka.", row)
    sen = int(m.group(2)) * 100 + int((m.group(3) or "0").ljust(2, "0"))
    return -sen if m.group(1) else sen


def bank_time(text, row: int | None = None) -> datetime:
    """A SNAP time (ISO-8601; an offset-less one is the bank's own clock, WIB) on the bank's clock."""
    try:
        moment = datetime.fromisoformat(str(text).strip().replace("Z", "+00:00"))
    except ValueError:
        raise _bad(f"waktu {text!r} tidak dikenali.", row) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=WIB)
    return moment.astimezone(WIB)


def _first(value):
    return value[0] if isinstance(value, list) and value else value if isinstance(value, dict) else None


def _row_balance(item: dict, row: int) -> int | None:
    detail = item.get("detailBalance")
    if not isinstance(detail, dict):
        return None
    end = _first(detail.get("endAmount"))
    if not isinstance(end, dict):
        return None
    return money_sen(end.get("amount", end), row, "detailBalance.endAmount")


class _Entry:
    __slots__ = ("number", "item", "at", "direction", "amount", "balance")

    def __init__(self, number: int, item: dict):
        if not isinstance(item, dict):
            raise _bad("baris bukan objek.", number)
        self.number, self.item = number, item
        self.at = bank_time(item.get("transactionDate"), number)
        kind = str(item.get("type") or "").strip().upper()
        if kind not in _TYPES:
            raise _bad(f"jenis transaksi {item.get('type')!r} bukan kredit/debit.", number)
        self.direction = _TYPES[kind]
        self.amount = money_sen(item.get("amount"), number)
        if self.amount < 0:  # some banks sign debits; the type already says which way
            self.amount = -self.amount
        self.balance = _row_balance(item, number)


def _posting_order(entries: list[_Entry]) -> list[_Entry]:
    """Oldest first. A bank that answers newest first (BRI's default) is read backwards, so rows of
    the same second keep the bank's posting order either way."""
    if len(entries) > 1 and entries[0].at > entries[-1].at:
        entries = entries[::-1]
    return sorted(entries, key=lambda e: e.at)  # stable


def _day_balances(pages: list[dict]) -> tuple[int | None, int | None]:
    """The window's starting balance (first page) and ending balance (last page that says)."""
    start = end = None
    for n, page in enumerate(pages):
        balance = _first(page.get("balance"))
        if not isinstance(balance, dict):
            continue
        if n == 0 and isinstance(balance.get("startingBalance"), dict):
            start = money_sen(balance["startingBalance"], None, "balance.startingBalance")
        if isinstance(balance.get("endingBalance"), dict):
            end = money_sen(balance["endingBalance"], None, "balance.endingBalance")
    return start, end


def _totals(page: dict, name: str) -> tuple[int | None, int | None]:
    entry = page.get(name)
    if not isinstance(entry, dict):
        return None, None
    count = entry.get("numberOfEntries")
    count = int(count) if isinstance(count, (int, str)) and str(count).strip().isdigit() else None
    amount = money_sen(entry["amount"], None, name) if isinstance(entry.get("amount"), dict) else None
    return amount, count


def read_answer(document: dict) -> ParsedStatement:
    """The stored fetch (format above) -> canonical rows without fingerprints."""
    bank = str(document.get("bank") or "").strip()
    account = normalize_account(str(document.get("account_no") or ""))
    pages = document.get("pages")
    if not bank or not account or not isinstance(pages, list) or not all(isinstance(p, dict) for p in pages):
        raise _bad("bank, rekening atau halaman jawaban tidak ada.")
    start_at, end_at = bank_time(document.get("from")), bank_time(document.get("to"))
    entries, number = [], 0
    for page in pages:
        details = page.get("detailData") or []
        if not isinstance(details, list):
            raise _bad("detailData bukan daftar.")
        for item in details:
            number += 1
            entries.append(_Entry(number, item))
    entries = _posting_order(entries)
    opening, closing = _day_balances(pages)

    balances: list[int | None]
    if entries and all(e.balance is not None for e in entries):
        balances = [e.balance for e in entries]
    elif opening is not None and closing is not None and not any(e.balance is not None for e in entries):
        running, derived = opening, []
        for e in entries:
            running += e.amount if e.direction == CREDIT else -e.amount
            derived.append(running)
        balances = derived if running == closing else [None] * len(entries)
    else:
        balances = [None] * len(entries)

    lines: list[StatementLine] = []
    for e, balance in zip(entries, balances):
        remark = str(e.item.get("remark") or e.item.get("remarkCustom") or "").strip()
        ref = str(e.item.get("transactionId") or "").strip() or None
        raw = json.dumps(e.item, separators=(",", ":"), ensure_ascii=False)
        lines.append(make_line(
            Record(e.number, raw, ()), bank=bank, account=account, posted=e.at.date(), direction=e.direction,
            amount_sen=e.amount, balance_sen=balance, description=remark or "(tanpa keterangan)",
            payer_name=_payer(bank, remark) if e.direction == CREDIT else None,
            reference=ref if balance is None else None))

    credit, credit_count = _totals(pages[0], "totalCreditEntries") if pages else (None, None)
    debit, debit_count = _totals(pages[0], "totalDebitEntries") if pages else (None, None)
    if len(pages) > 1:  # totals of a paged answer may be per page: compare only what is certain
        credit = debit = credit_count = debit_count = None
    return ParsedStatement(
        bank=bank, layout="snap_bi_statement", account=account, lines=tuple(lines),
        period_start=start_at.date().isoformat(), period_end=end_at.date().isoformat(),
        credit_count=credit_count, debit_count=debit_count,
        **reported_figures(opening=opening, closing=closing, credit=credit, debit=debit))


def _payer(bank: str, remark: str) -> str | None:
    return bca_text.payer_name(remark) if bank.upper() == "BCA" else None


class SnapStatementParser(StatementParser):
    layout = "snap_bi_statement"
    bank = "SNAP"
    label = "Mutasi SNAP BI (diambil otomatis dari bank)"

    def matches(self, text: str) -> bool:
        head = text.lstrip()[:200]
        return head.startswith("{") and f'"sambung":"{FORMAT}"' in head.replace(" ", "")

    def read(self, text: str, received_on: date) -> ParsedStatement:
        try:
            document = json.loads(text)
        except ValueError:
            raise _bad("bukan JSON.") from None
        if not isinstance(document, dict) or document.get("sambung") != FORMAT:
            raise _bad("format tidak dikenal.")
        return read_answer(document)
