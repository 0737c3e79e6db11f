"""Row fingerprints (de-duplication across uploads) and PEND rows settled by their posted row.

A row's fingerprint is ``sha256`` of a key built only from fields a bank does not rewrite between
exports, plus the row's occurrence index among rows with the same key in the same file:

============================ ==========================================================
row kind                     key (besides bank, account, direction, exact amount)
============================ ==========================================================
posted, with balance         date, time (if any), bank reference (if any), balance after
posted, no balance, ref      date, time (if any), bank reference
posted, no balance, no ref   date, time (if any), normalised description
pending (BCA ``PEND``)       ``PEND``, normalised description
============================ ==========================================================

* The balance after a row makes same-day twins distinct (BCA, BRI, Kopra) and it never changes
  once the row is posted, so overlapping exports give the same key. BRI descriptions change
  between H+0 and H+1 exports, so a row with a balance never hashes its description.
* BRI's ``SEQ`` is not unique (a BRIVA transfer and its fee share it); it is part of the key but
  never alone.
* Without a balance (Mandiri MCM, generic files) real twins share a key; the occurrence index
  keeps them apart. Exports cover whole days in posting order, so the first twin is #0 in every
  export that contains it and a later export that adds the second twin adds exactly one row.
* Bank + account, not the layout, are hashed: the same BCA row exported as KlikBCA individual
  and as KlikBCA Bisnis (both with balances) is one row.
"""
from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import replace
from datetime import date
from typing import Iterable, Sequence

from .statement import StatementLine

FINGERPRINT_VERSION = "v1"


def _normalize_description(text: str) -> str:
    return " ".join(text.upper().split())


def dedupe_key(line: StatementLine) -> tuple[str, ...]:
    """The stable fields of a row, as described in the module docstring (without the occurrence)."""
    key: tuple[str, ...] = (line.bank.upper(), line.account, line.direction, str(line.amount_exact_sen))
    if line.pending:
        return key + ("PEND", _normalize_description(line.description))
    key += (line.posted_date or "", line.posted_time or "")
    if line.reference:
        key += ("ref", line.reference)
    if line.balance_after is not None:
        return key + ("bal", str(line.balance_exact_sen))
    if line.reference:
        return key
    return key + ("desc", _normalize_description(line.description))


def assign_fingerprints(lines: Sequence[StatementLine]) -> tuple[StatementLine, ...]:
    """Return the rows (in file order) with ``fingerprint`` set: sha256 of key + occurrence index."""
    seen: dict[tuple[str, ...], int] = defaultdict(int)
    out = []
    for line in lines:
        key = dedupe_key(line)
        occurrence = seen[key]
        seen[key] += 1
        payload = "\x1f".join((FINGERPRINT_VERSION, *key, str(occurrence)))
        out.append(replace(line, fingerprint=hashlib.sha256(payload.encode("utf-8")).hexdigest()))
    return tuple(out)


# A PEND row is posted within one working day (reference §1.1 A); a long weekend stretches that.
PENDING_SETTLES_WITHIN_DAYS = 5


def pending_settlements(
    pending: Iterable[StatementLine], posted: Iterable[StatementLine]
) -> list[tuple[StatementLine, StatementLine]]:
    """Pair stored ``PEND`` rows with the posted rows that settle them, so the same money is not
    kept twice once a later export shows it posted (the PEND row's fingerprint cannot match: it
    has no date and no balance).

    A posted row settles a PEND row with the same bank, account, direction and exact amount, posted
    from the day before its date hint up to :data:`PENDING_SETTLES_WITHIN_DAYS` after it (any day
    when the PEND row has no hint). An identical description is preferred, then the earliest row.
    Each row is used once; PEND rows are served in the order given, so twins pair off one by one.
    """
    candidates: dict[tuple[str, str, str, int], list[StatementLine]] = defaultdict(list)
    for line in posted:
        if not line.pending:
            candidates[(line.bank.upper(), line.account, line.direction, line.amount_exact_sen)].append(line)
    pairs, used = [], set()
    for pend in pending:
        if not pend.pending:
            continue
        hint = date.fromisoformat(pend.date_hint) if pend.date_hint else None
        options = [
            line
            for line in candidates.get((pend.bank.upper(), pend.account, pend.direction, pend.amount_exact_sen), ())
            if line.fingerprint not in used
            and (hint is None or -1 <= (date.fromisoformat(line.posted_date) - hint).days <= PENDING_SETTLES_WITHIN_DAYS)
        ]
        if options:
            wanted = _normalize_description(pend.description)
            best = min(options, key=lambda l: (_normalize_description(l.description) != wanted, l.posted_date))
            used.add(best.fingerprint)
            pairs.append((pend, best))
    return pairs
