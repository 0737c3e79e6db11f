"""Whether a parsed statement can be trusted: its own totals, counts, balances and period
against its rows, in exact sen. A statement with problems is imported for review, never matched."""
from __future__ import annotations

from typing import Sequence

from .statement import CREDIT, DEBIT, ParsedStatement, StatementLine, format_sen, to_sen


def _exact(rupiah: int | None, sen: int) -> int | None:
    return None if rupiah is None else to_sen(rupiah, sen)


def validate(statement: ParsedStatement) -> list[str]:
    """Problems that make a statement untrustworthy (empty list = fine). Messages are for CS staff.

    Checks, all in exact sen: the reported credit/debit totals and counts against the rows; opening
    + credits - debits = closing; each row's balance = previous balance + signed amount, starting
    from the opening balance when reported and ending at the closing balance; posted days inside the
    reported period. Pending rows are left out of totals and the chain (they have no balance yet);
    because it is not documented whether BCA counts ``PEND`` rows in its footer, a reported total
    that equals the sum *including* pending rows is accepted as well. A chain that only adds up read
    bottom-up is accepted too (some exports list the newest row first).
    """
    problems = list(statement.anomalies)
    posted = [line for line in statement.lines if not line.pending]
    pending = [line for line in statement.lines if line.pending]

    for direction, label, total, total_sen, count in (
        (CREDIT, "kredit", statement.credit_total, statement.credit_total_sen, statement.credit_count),
        (DEBIT, "debet", statement.debit_total, statement.debit_total_sen, statement.debit_count),
    ):
        rows = [line.amount_exact_sen for line in posted if line.direction == direction]
        pend = [line.amount_exact_sen for line in pending if line.direction == direction]
        if total is not None:
            reported = to_sen(total, total_sen)
            if reported not in (sum(rows), sum(rows) + sum(pend)):
                problems.append(
                    f"Total {label} di berkas {format_sen(reported)} tidak sama dengan jumlah baris "
                    f"{format_sen(sum(rows))}."
                )
        if count is not None and count not in (len(rows), len(rows) + len(pend)):
            problems.append(f"Jumlah transaksi {label} di berkas {count} tidak sama dengan {len(rows)} baris.")

    opening = _exact(statement.opening_balance, statement.opening_balance_sen)
    closing = _exact(statement.closing_balance, statement.closing_balance_sen)
    if opening is not None and closing is not None:
        expected = opening + sum(line.signed_sen for line in posted)
        if expected != closing:
            problems.append(
                f"Saldo awal {format_sen(opening)} + kredit - debet = {format_sen(expected)}, "
                f"tetapi saldo akhir di berkas {format_sen(closing)}."
            )

    problems.extend(_chain_problems(posted, opening, closing))

    if statement.period_start and statement.period_end:
        for line in posted:
            if not statement.period_start <= line.posted_date <= statement.period_end:
                problems.append(
                    f"Baris {line.line_number}: tanggal {line.posted_date} di luar periode "
                    f"{statement.period_start} s/d {statement.period_end}."
                )
    return problems


def _chain_problems(posted: list[StatementLine], opening: int | None, closing: int | None) -> list[str]:
    with_balance = [line for line in posted if line.balance_after is not None]
    if not with_balance:
        return []
    missing = [line for line in posted if line.balance_after is None]
    if missing:
        return [f"Baris {line.line_number}: saldo kosong padahal baris lain bersaldo." for line in missing]
    forward = _chain_break(posted, opening, closing)
    if forward is None or _chain_break(posted[::-1], opening, closing) is None:
        return []
    return [forward]


def _chain_break(rows: Sequence[StatementLine], opening: int | None, closing: int | None) -> str | None:
    """The first place where the running balance does not add up, or ``None``."""
    previous = opening
    for line in rows:
        balance = line.balance_exact_sen
        if previous is not None and previous + line.signed_sen != balance:
            return (
                f"Baris {line.line_number}: saldo {format_sen(previous)} "
                f"{'+' if line.is_credit else '-'} {format_sen(line.amount_exact_sen)} seharusnya "
                f"{format_sen(previous + line.signed_sen)}, tertulis {format_sen(balance)}."
            )
        previous = balance
    if closing is not None and previous != closing:
        return f"Saldo baris terakhir {format_sen(previous)} tidak sama dengan saldo akhir {format_sen(closing)}."
    return None
