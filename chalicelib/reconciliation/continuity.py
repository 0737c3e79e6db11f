"""Whether a statement continues the balance already stored for its account.

:mod:`.validation` checks a file against itself: a home-made file whose totals add up passes. The
bank's balance is one chain across every export of an account, so a new file's opening balance
must be the balance the stored rows reached at the end of the last day before the file starts. A
file that does not continue it is a gap (an export not uploaded) or not the bank's: it is imported
for review, its matches are never confirmed by the importer and confirming them needs an admin.

Rows may come newest first, several exports may have stored one day, and a day's rows carry no
reliable order, so the day's closing balance is read from the chain itself: each row turns the
balance before it into the balance after it, and the balance that no row of the day starts from
is where the day ended. Exact sen throughout. Pure Python.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Iterable, Sequence

from .statement import ParsedStatement, StatementLine, format_sen, to_sen

CONTINUOUS, DISCONTINUOUS, UNCHECKED = "continuous", "discontinuous", "unchecked"


def _left(of: Counter, minus: Counter) -> set[int]:
    """Balances of ``of`` that ``minus`` does not account for (Counter subtraction keeps what is left)."""
    return set(of - minus)


def _chain(lines: Iterable[StatementLine]) -> tuple[Counter, Counter]:
    before, after = Counter(), Counter()
    for line in lines:
        balance = line.balance_exact_sen
        if balance is not None and not line.pending:
            after[balance] += 1
            before[balance - line.signed_sen] += 1
    return before, after


def day_closing(lines: Sequence[StatementLine]) -> set[int]:
    """The balance (exact sen) one day's rows ended at; several candidates when the rows alone cannot
    tell (a day that ends where it began), empty when they carry no balance."""
    before, after = _chain(lines)
    if not after:
        return set()
    return _left(after, before) or set(after)


def statement_opening(statement: ParsedStatement) -> set[int]:
    """The balance (exact sen) the file starts from: the one it reports, or else the balance its
    rows start from; empty when the file has no balances at all."""
    if statement.opening_balance is not None:
        return {to_sen(statement.opening_balance, statement.opening_balance_sen)}
    before, after = _chain(statement.lines)
    if not before:
        return set()
    return _left(before, after) or set(before)


def first_day(statement: ParsedStatement) -> str | None:
    """The day the file starts: its reported period, or else its first posted row."""
    if statement.period_start:
        return statement.period_start
    days = statement.date_range
    return days[0] if days else None


@dataclass(frozen=True)
class BalanceCheck:
    """The outcome: ``continuous``, ``discontinuous`` (with ``message`` for staff) or ``unchecked``
    (nothing stored before the file, or no balance to compare on the stored side)."""

    status: str
    opening: int | None = None  # what the file starts from, exact sen (None: it carries no balance)
    expected: int | None = None  # where the stored rows ended, exact sen
    previous_day: str | None = None  # the last stored day before the file
    previous_statement_id: str | None = None  # the import that stored that day's last row
    message: str | None = None

    @property
    def discontinuous(self) -> bool:
        return self.status == DISCONTINUOUS

    def to_dict(self) -> dict:
        return {"status": self.status, "opening": self.opening, "expected": self.expected,
                "previous_day": self.previous_day, "previous_statement_id": self.previous_statement_id,
                "message": self.message}


def check(statement: ParsedStatement, previous_day: str | None, previous_rows: Sequence[StatementLine],
          previous_statement_of: dict[str, str] | None = None) -> BalanceCheck:
    """Compare the file's opening balance with the close of ``previous_day`` (the last day stored for
    the account before :func:`first_day`), whose rows are ``previous_rows``.

    ``previous_statement_of`` maps a row's fingerprint to the import that stored it, to name the
    file the chain breaks from.
    """
    if not previous_day or not previous_rows:
        return BalanceCheck(UNCHECKED)
    expected = day_closing(previous_rows)
    if not expected:
        return BalanceCheck(UNCHECKED, previous_day=previous_day)
    opening = statement_opening(statement)
    closing = min(expected)
    source = next((line.fingerprint for line in previous_rows if line.balance_exact_sen == closing), None)
    where = (previous_statement_of or {}).get(source) if source else None
    day = "/".join(reversed(previous_day.split("-")))
    if opening & expected:
        return BalanceCheck(CONTINUOUS, opening=min(opening & expected), expected=closing, previous_day=previous_day,
                            previous_statement_id=where)
    if not opening:
        message = (f"Berkas ini tanpa saldo, padahal saldo rekening ini tersimpan sampai {day} "
                   f"({format_sen(closing)}): kesinambungan saldo tidak bisa dicek.")
    else:
        message = (f"Saldo awal berkas {format_sen(min(opening))} tidak menyambung dengan saldo akhir {day} yang "
                   f"tersimpan ({format_sen(closing)}). Ada mutasi yang belum diunggah, atau berkas ini bukan "
                   "dari bank.")
    return BalanceCheck(DISCONTINUOUS, opening=min(opening) if opening else None, expected=closing,
                        previous_day=previous_day, previous_statement_id=where, message=message)
