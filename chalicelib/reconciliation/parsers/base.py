"""Tools every statement adapter shares: decoding, CSV records, money, dates, the parser base class.

Bank exports are read defensively (see ``reference/bank_statements.md`` §5.2): BOM or not, UTF-8
or Windows-1252, CR/CRLF/LF, ``,`` ``;`` or tab, Excel's ``'`` text prefix, quoted or bare cells.
Money is parsed to exact sen with the file's own number style; the layout decides nothing about
``.`` versus ``,`` on its own because Excel re-saves files in the user's locale.
"""
from __future__ import annotations

import csv
import re
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import date
from typing import ClassVar

from ...core.clock import get_clock, local_day
from ...core.errors import ValidationError
from ..fingerprints import assign_fingerprints
from ..statement import CREDIT, DEBIT, ParsedStatement, StatementLine, split_sen

DELIMITERS = (",", ";", "\t")
HEADER_SEARCH_LINES = 60


class StatementFormatError(ValidationError):
    """The file is not a statement we can read, or a row in it is malformed. Nothing is imported."""

    code = "statement_format"


def fail(line_number: int, message: str) -> StatementFormatError:
    return StatementFormatError(f"Baris {line_number}: {message}", details={"line": line_number})


# --------------------------------------------------------------------------------------------------
# text


_NOT_CSV = (
    (b"PK\x03\x04", "Excel (.xlsx)"),
    (b"\xd0\xcf\x11\xe0", "Excel 97-2003 (.xls)"),
    (b"%PDF", "PDF"),
)


def decode(content: bytes) -> str:
    """Bytes -> text with ``\\n`` line ends. UTF-8 (BOM optional), UTF-16 with BOM, else Windows-1252.

    Windows-1252 leaves five bytes undefined; Latin-1 (which maps every byte) reads those files.
    """
    for magic, kind in _NOT_CSV:
        if content.startswith(magic):
            raise StatementFormatError(
                f"Berkas ini {kind}, bukan CSV. Unduh mutasi dari internet banking dalam format CSV.",
                code="statement_not_csv",
            )
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = content.decode("utf-16")
    else:
        body = content.removeprefix(b"\xef\xbb\xbf")
        for encoding in ("utf-8", "cp1252", "latin-1"):
            try:
                text = body.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
    if "\x00" in text:
        raise StatementFormatError("Berkas ini bukan teks CSV.", code="statement_not_csv")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise StatementFormatError("Berkas mutasi kosong.", code="statement_empty")
    return text


def clean(cell: str) -> str:
    """A cell's value: trimmed (incl. no-break spaces) and without Excel's leading ``'``."""
    value = cell.replace("\u00a0", " ").strip()
    return value[1:].strip() if value.startswith("'") else value


def normal_label(cell: str) -> str:
    """A header or label cell, compared case- and spacing-insensitively."""
    return " ".join(clean(cell).casefold().split())


@dataclass(frozen=True, slots=True)
class Record:
    """One CSV record: the physical line it starts on (1-based), its raw text, its cells."""

    line_number: int
    raw: str
    cells: tuple[str, ...]

    @property
    def blank(self) -> bool:
        return not any(clean(c) for c in self.cells)

    @property
    def labels(self) -> tuple[str, ...]:
        """Normalised cells without trailing empties (exports differ in trailing delimiters)."""
        cells = [normal_label(c) for c in self.cells]
        while cells and not cells[-1]:
            cells.pop()
        return tuple(cells)

    def cell(self, index: int) -> str:
        return self.cells[index] if index < len(self.cells) else ""


def read_records(text: str, delimiter: str) -> list[Record]:
    """All records; a quoted cell may span lines, and each record keeps its raw physical lines."""
    physical = text.split("\n")
    if physical and physical[-1] == "":
        physical.pop()
    reader = csv.reader((line + "\n" for line in physical), delimiter=delimiter)
    records, consumed = [], 0
    for cells in reader:
        first = consumed + 1
        consumed = reader.line_num
        records.append(Record(first, "\n".join(physical[first - 1 : consumed]), tuple(cells)))
    return records


def locate(text: str, is_header: Callable[[Record], bool]) -> tuple[str, int] | None:
    """Find a layout's header near the top: ``(delimiter, index of the header record)`` or ``None``."""
    head = "\n".join(text.split("\n", HEADER_SEARCH_LINES)[:HEADER_SEARCH_LINES])
    for delimiter in DELIMITERS:
        if delimiter not in head:
            continue
        for i, record in enumerate(read_records(head, delimiter)):
            if is_header(record):
                return delimiter, i
    return None


# --------------------------------------------------------------------------------------------------
# money


@dataclass(frozen=True, slots=True)
class NumberStyle:
    """Which mark separates decimals in this file: ``.`` (``1,234,567.00``) or ``,`` (``1.234.567,00``)."""

    decimal: str

    @property
    def thousands(self) -> str:
        return "," if self.decimal == "." else "."


_CURRENCY = re.compile(r"^(?:RP\.?|IDR)", re.IGNORECASE)


def _bare(text: str) -> tuple[str, bool]:
    """Strip currency, spaces and sign: ``'-Rp 1.000,00'`` -> ``('1.000,00', True)``."""
    s = clean(text).replace(" ", "")
    negative = False
    if s.startswith("(") and s.endswith(")"):
        s, negative = s[1:-1], True
    if s.startswith(("-", "+")):
        negative, s = s[0] == "-", s[1:]
    elif s.endswith("-"):
        negative, s = True, s[:-1]
    s = _CURRENCY.sub("", s)
    if s.startswith(("-", "+")):  # "Rp-1.000"
        negative, s = s[0] == "-", s[1:]
    return s, negative


def split_marker(text: str, markers: Iterable[str] = ("CR", "DB")) -> tuple[str, str | None]:
    """A direction written after the number: ``'3,528,964.00 CR'`` -> ``('3,528,964.00', 'CR')``.

    Without one of ``markers`` the text comes back unchanged with ``None``.
    """
    alternatives = "|".join(re.escape(m) for m in sorted(markers, key=len, reverse=True))
    m = re.fullmatch(rf"(?P<number>.*\d)\s*(?P<marker>{alternatives})\.?", clean(text), re.IGNORECASE)
    if not m:
        return text, None
    return m.group("number"), m.group("marker").upper()


def _vote(bare: str) -> str | None:
    """The decimal mark a number implies, or ``None`` when it cannot tell (plain digits)."""
    marks = [c for c in bare if c in ".,"]
    if not marks:
        return None
    if len(set(marks)) == 2:
        return marks[-1]
    mark = marks[0]
    if len(marks) > 1:
        return "," if mark == "." else "."  # repeated: thousands
    decimals = len(bare) - bare.index(mark) - 1
    if decimals in (1, 2):
        return mark
    return ("," if mark == "." else ".") if decimals == 3 else None


def detect_number_style(samples: Iterable[str], default: str = ".") -> NumberStyle:
    """One style per file: every number that shows its style must agree, else the file is refused.

    ``samples`` are amount cells without direction markers.
    """
    votes: dict[str, str] = {}
    for sample in samples:
        bare, _ = _bare(sample)
        mark = _vote(bare)
        if mark:
            votes.setdefault(mark, sample)
    if len(votes) > 1:
        raise StatementFormatError(
            f"Format angka bercampur dalam satu berkas ({votes['.']!r} dan {votes[',']!r}).",
            code="statement_number_format",
        )
    return NumberStyle(next(iter(votes), default))


def parse_sen(text: str, style: NumberStyle) -> int:
    """An amount cell -> exact signed sen. Empty is 0. Raises ``ValueError`` if it is not a number."""
    bare, negative = _bare(text)
    if not bare:
        return 0
    d, t = re.escape(style.decimal), re.escape(style.thousands)
    m = re.fullmatch(rf"(?P<int>\d+|\d{{1,3}}(?:{t}\d{{3}})+|)(?:{d}(?P<frac>\d{{1,2}}))?", bare)
    if not m or (not m.group("int") and m.group("frac") is None):
        raise ValueError(f"bukan angka: {text!r}")
    whole = int(re.sub(t, "", m.group("int")) or "0")
    sen = int((m.group("frac") or "0").ljust(2, "0"))
    value = whole * 100 + sen
    return -value if negative else value


def reported_figures(
    opening: int | None = None, closing: int | None = None, credit: int | None = None, debit: int | None = None
) -> dict[str, int | None]:
    """Keyword arguments for :class:`ParsedStatement`'s reported balances and totals, given in exact
    sen (``None`` = the file does not report it)."""
    out: dict[str, int | None] = {}
    for name, value in (
        ("opening_balance", opening),
        ("closing_balance", closing),
        ("credit_total", credit),
        ("debit_total", debit),
    ):
        out[name], out[f"{name}_sen"] = split_sen(value) if value is not None else (None, 0)
    return out


def money(record: Record, text: str, style: NumberStyle) -> int:
    """:func:`parse_sen` with the row named in the error."""
    try:
        return parse_sen(text, style)
    except ValueError:
        raise fail(record.line_number, f"jumlah tidak dikenali: {clean(text)!r}.") from None


# --------------------------------------------------------------------------------------------------
# dates

_DAY_MONTH = re.compile(r"^(\d{1,2})[/.-](\d{1,2})(?:[/.-](\d{2}|\d{4}))?$")
_FULL_DATE = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})")
MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "januari", "jan"),
            ("february", "februari", "feb", "peb"),
            ("march", "maret", "mar"),
            ("april", "apr"),
            ("may", "mei"),
            ("june", "juni", "jun"),
            ("july", "juli", "jul"),
            ("august", "agustus", "aug", "agu", "agt"),
            ("september", "sept", "sep"),
            ("october", "oktober", "oct", "okt"),
            ("november", "nopember", "nov", "nop"),
            ("december", "desember", "dec", "des"),
        ),
        start=1,
    )
    for name in names
}


def full_year(year: int) -> int:
    return year + 2000 if year < 100 else year


def day_month(text: str) -> tuple[int, int, int | None] | None:
    """``dd/mm``, ``dd/mm/yy`` or ``dd/mm/yyyy`` -> ``(day, month, year or None)``."""
    m = _DAY_MONTH.match(clean(text))
    if not m:
        return None
    return int(m.group(1)), int(m.group(2)), full_year(int(m.group(3))) if m.group(3) else None


def parse_period(text: str) -> tuple[date, date] | None:
    """``01/03/2025 - 31/03/2025`` (or ``s/d``, ``sampai``, ``to``) -> the two days."""
    found = _FULL_DATE.findall(text)
    if len(found) != 2:
        return None
    try:
        start, end = (date(full_year(int(y)), int(m), int(d)) for d, m, y in found)
    except ValueError:
        return None
    return (start, end) if start <= end else None


def resolve_date(day: int, month: int, year: int | None, period: tuple[date, date] | None, received_on: date) -> date:
    """Give a year to a ``dd/mm`` date: the one that puts it inside the reported period (Dec->Jan
    periods span two years), else the latest one not after the day the file was received.
    Raises ``ValueError`` for an impossible date."""
    if year is not None:
        return date(year, month, day)
    if period:
        options = [_try_date(y, month, day) for y in range(period[0].year, period[1].year + 1)]
        options = [d for d in options if d]
        inside = [d for d in options if period[0] <= d <= period[1]]
        if inside:
            return inside[0]
        if options:  # outside the period: keep the nearest year, validation will flag the row
            return min(options, key=lambda d: min(abs((d - period[0]).days), abs((d - period[1]).days)))
    for y in (received_on.year, received_on.year - 1, received_on.year - 2, received_on.year - 3):
        candidate = _try_date(y, month, day)
        if candidate and candidate <= received_on:
            return candidate
    raise ValueError(f"tanggal tidak valid: {day:02d}/{month:02d}")


def _try_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def today_in_store() -> date:
    return date.fromisoformat(local_day(get_clock().now()))


# --------------------------------------------------------------------------------------------------
# rows and the parser base


def make_line(
    record: Record,
    *,
    bank: str,
    account: str,
    posted: date | None,
    direction: str,
    amount_sen: int,
    balance_sen: int | None,
    description: str,
    payer_name: str | None,
    posted_time: str | None = None,
    date_hint: date | None = None,
    reference: str | None = None,
) -> StatementLine:
    """A canonical row from exact sen values; the amount is the unsigned size of the movement."""
    if direction not in (CREDIT, DEBIT):
        raise fail(record.line_number, f"arah transaksi tidak dikenali: {direction!r}.")
    amount, amount_frac = split_sen(abs(amount_sen))
    balance, balance_frac = split_sen(balance_sen) if balance_sen is not None else (None, 0)
    hint = posted or date_hint
    return StatementLine(
        bank=bank,
        account=account,
        posted_date=posted.isoformat() if posted else None,
        pending=posted is None,
        direction=direction,
        amount=amount,
        balance_after=balance,
        description=description.strip(),
        payer_name=(payer_name or "").strip() or None,
        line_number=record.line_number,
        raw_line=record.raw,
        posted_time=posted_time,
        date_hint=hint.isoformat() if hint else None,
        reference=(reference or "").strip() or None,
        amount_sen=amount_frac,
        balance_after_sen=balance_frac,
    )


class StatementParser(ABC):
    """One adapter per layout. ``matches`` looks at content only; ``parse`` reads the whole file.

    Rows that move no money (``0.00`` on both sides) are left out: they can pay nothing and do not
    change the balance. Any other row that cannot be read refuses the whole file with its line
    number, so nothing is half-imported.
    """

    layout: ClassVar[str]
    bank: ClassVar[str]
    label: ClassVar[str]

    @abstractmethod
    def matches(self, text: str) -> bool:
        """Whether the decoded text has this layout's unmistakable header."""

    @abstractmethod
    def read(self, text: str, received_on: date) -> ParsedStatement:
        """Parse decoded text; rows come back without fingerprints."""

    def parse(self, content: bytes, *, received_on: date | None = None) -> ParsedStatement:
        """Decode, parse and fingerprint. ``received_on`` (the upload's store-local day, default
        today) only gives a year to ``dd/mm`` dates in files that report no period."""
        text = decode(content)
        if not self.matches(text):
            raise StatementFormatError(f"Berkas ini bukan {self.label}.", code="statement_format_unknown")
        statement = self.read(text, received_on or today_in_store())
        return replace(statement, lines=assign_fingerprints(statement.lines))


def require_account(account: str, what: str) -> str:
    if not account:
        raise StatementFormatError(f"Nomor rekening tidak ditemukan di {what}.", code="statement_format")
    return account


def row_account(record: Record, text: str, current: str) -> str:
    """The account number a row carries; every row of one file must name the same account."""
    found = clean(text)
    if not found.isdigit():
        # Excel shows long numbers as 5.0501E+13 and drops the digits: only a fresh download helps.
        raise fail(record.line_number, f"nomor rekening tidak utuh: {found!r} (unduh ulang tanpa membuka di Excel).")
    if current and found != current:
        raise StatementFormatError(
            f"Satu berkas hanya boleh berisi satu rekening ({current} dan {found}, baris {record.line_number}).",
            code="statement_format",
        )
    return found


def require_idr(currency: str | None) -> None:
    """Only rupiah accounts: a USD statement's cents would be read as rupiah."""
    if currency and normal_label(currency) not in ("idr", "rp", "rupiah"):
        raise StatementFormatError(
            f"Mata uang rekening {currency!r}; hanya rekening Rupiah (IDR) yang didukung.",
            code="statement_currency",
        )
