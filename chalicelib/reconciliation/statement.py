"""Statement rows in one shape for every bank: accounts, directions and exact amounts.

Pure Python: no boto3, PynamoDB or Chalice. Parsers (``parsers/``) produce the types defined here.

Amounts are ``int`` rupiah. Bank files write two decimals, and the sen part is almost always
``00``; it is not for interest (``BUNGA``), its tax and every balance after them. We neither
refuse such files (month-end exports would fail) nor round (the balance chain would stop adding
up). Each money field therefore has a ``*_sen`` companion holding the fraction (0..99, with the
sign of the value), so the exact value is ``rupiah * 100 + sen``. It is ``0`` in almost every row.
A credit with a fraction is *flagged*: it never auto-matches (orders are whole rupiah) and goes to
review as :attr:`~.matching.ReviewReason.FRACTIONAL_AMOUNT`; validation uses the exact values.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..core.money import format_rupiah

CREDIT = "CR"
DEBIT = "DB"
DIRECTIONS = (CREDIT, DEBIT)


# --------------------------------------------------------------------------------------------------
# money with an exact sen part


def to_sen(rupiah: int, sen: int = 0) -> int:
    """Whole rupiah plus its sen companion -> the exact value in sen."""
    return rupiah * 100 + sen


def split_sen(value: int) -> tuple[int, int]:
    """Exact sen -> ``(rupiah, sen)``, both with the value's sign: ``-12345`` -> ``(-123, -45)``."""
    sign = -1 if value < 0 else 1
    rupiah, sen = divmod(abs(value), 100)
    return sign * rupiah, sign * sen


def format_sen(value: int) -> str:
    """``12345`` -> ``Rp123,45``; whole amounts print as :func:`format_rupiah` does."""
    rupiah, sen = split_sen(abs(value))
    text = format_rupiah(rupiah) + (f",{sen:02d}" if sen else "")
    return "-" + text if value < 0 else text


def normalize_account(text: str) -> str:
    """Account numbers as text, without Excel's ``'`` and without spaces, dots or dashes."""
    return re.sub(r"[^0-9A-Za-z]", "", text or "").upper()



# --------------------------------------------------------------------------------------------------
# canonical rows


@dataclass(frozen=True, slots=True)
class StatementLine:
    """One row of a bank statement in the same shape for every bank and layout.

    ``posted_date`` is the bank's booking day (ISO ``YYYY-MM-DD``, bank clock = WIB) or ``None`` for
    a pending row. ``posted_time`` (``HH:MM:SS``) exists only where the layout has it (BRI, Kopra,
    some generic files). ``date_hint`` is the best-known day of the transaction: the posted date, or
    for a pending row the ``dd/mm`` the bank wrote into its description (``None`` if there is none).
    ``line_number`` is the 1-based physical line of the decoded file and ``raw_line`` its text, for
    the audit trail. ``fingerprint`` is set by :func:`~.fingerprints.assign_fingerprints`.
    """

    bank: str
    account: str
    posted_date: str | None
    pending: bool
    direction: str
    amount: int
    balance_after: int | None
    description: str
    payer_name: str | None
    line_number: int
    raw_line: str
    fingerprint: str = ""
    posted_time: str | None = None
    date_hint: str | None = None
    reference: str | None = None
    amount_sen: int = 0
    balance_after_sen: int = 0

    def __post_init__(self) -> None:
        # Parsers build these; a violation is a parser bug, so plain ValueError.
        if self.direction not in DIRECTIONS:
            raise ValueError(f"direction must be CR or DB, got {self.direction!r}")
        if self.amount < 0 or not 0 <= self.amount_sen < 100 or self.amount_exact_sen <= 0:
            raise ValueError(f"amount must be positive, got {self.amount} + {self.amount_sen} sen")
        if self.pending != (self.posted_date is None):
            raise ValueError("a row is pending exactly when it has no posted date")
        if abs(self.balance_after_sen) >= 100 or (self.balance_after is None and self.balance_after_sen):
            raise ValueError("balance_after_sen is the sen part of balance_after")

    @property
    def amount_exact_sen(self) -> int:
        return to_sen(self.amount, self.amount_sen)

    @property
    def signed_sen(self) -> int:
        """The row's effect on the balance, in sen: credits add, debits subtract."""
        return self.amount_exact_sen if self.direction == CREDIT else -self.amount_exact_sen

    @property
    def balance_exact_sen(self) -> int | None:
        return None if self.balance_after is None else to_sen(self.balance_after, self.balance_after_sen)

    @property
    def is_credit(self) -> bool:
        return self.direction == CREDIT


@dataclass(frozen=True, slots=True)
class ParsedStatement:
    """A parsed file: its rows plus whatever the file itself reports about them.

    Every reported figure is ``None`` when the layout does not carry it; nothing here is derived from
    the rows, so :func:`~.validation.validate` can compare the two. ``anomalies`` are inconsistencies a parser saw
    that the canonical rows cannot show (e.g. BRI's per-row opening balance disagreeing with the
    previous row); they make the statement need review like any other problem. Only rupiah
    accounts are parsed (a foreign-currency file is refused), so every amount is rupiah.
    """

    bank: str
    layout: str
    account: str
    lines: tuple[StatementLine, ...]
    account_name: str | None = None
    period_start: str | None = None
    period_end: str | None = None
    opening_balance: int | None = None
    closing_balance: int | None = None
    credit_total: int | None = None
    debit_total: int | None = None
    credit_count: int | None = None
    debit_count: int | None = None
    opening_balance_sen: int = 0
    closing_balance_sen: int = 0
    credit_total_sen: int = 0
    debit_total_sen: int = 0
    anomalies: tuple[str, ...] = ()

    @property
    def date_range(self) -> tuple[str, str] | None:
        """First and last posted day among the rows (the period when the file reports none)."""
        days = [line.posted_date for line in self.lines if line.posted_date]
        return (min(days), max(days)) if days else None
