"""Unique codes (kode unik): the 1-999 rupiah added to a book order so its bank transfer can be told apart.

The customer transfers ``base + code`` (base = items + shipping) to one of the store's accounts, or
``base - code`` where the store takes the code off instead (``unique_code_subtracts``: a *signed*
code, -1 to -999, so ``base + code`` holds either way);
the bank statement shows only the amount, so no two orders waiting on the same account may ask for
the same amount. A reservation item per ``(account, amount to transfer)`` makes that a database
condition: it is written with ``attribute_not_exists`` (or over a reservation whose time is up) in
the book order's own transaction. Keying on the final amount rather than ``(base, code)`` also keeps
two different bases apart (100.004 + 1 and 100.000 + 5 would both ask for Rp100.005).

A reservation outlives its order: it is free only after deadline + grace + the store's cool-down,
so a transfer that arrives late still points at the old order and is never matched to a new one.
"""
from __future__ import annotations

import re
from typing import Iterable

from pynamodb.attributes import NumberAttribute, UnicodeAttribute

from ..core.db import Table, table_meta
from ..core.errors import Conflict

MIN_CODE, MAX_CODE = 1, 999


# ---- rules ----------------------------------------------------------------------------------

def normalize_account_no(account_no: str) -> str:
    """However the number was typed: ``123-456 7890`` -> ``1234567890``."""
    return re.sub(r"[^0-9A-Za-z]", "", account_no).upper()


def account_key(merchant_id: str, bank: str, account_no: str) -> str:
    """One receiving account of one merchant."""
    return f"{merchant_id}#{bank.strip().upper()}#{normalize_account_no(account_no)}"


def codes_in_use(reservations: Iterable[tuple[int, int]], base: int, now: int, sign: int = 1) -> set[int]:
    """Codes (as 1-999) that would collide for ``base``: from ``(amount, free_at)`` reservations still
    running; ``sign`` -1 looks below the base (codes taken off)."""
    return {sign * (amount - base) for amount, free_at in reservations
            if MIN_CODE <= sign * (amount - base) <= MAX_CODE and free_at > now}


def lowest_free(in_use: set[int], *, below: int | None = None) -> int:
    """The smallest code not in use: customers transfer the least extra (or the least less), and it
    is easy to read. ``below``: codes must stay under it (a code taken off never reaches the base)."""
    for code in range(MIN_CODE, min(MAX_CODE, below - 1 if below is not None else MAX_CODE) + 1):
        if code not in in_use:
            return code
    raise Conflict("Semua kode unik (1-999) untuk nominal ini sedang dipakai di rekening tersebut. "
                   "Gunakan rekening lain atau ubah ongkir sedikit.", code="kode_unik_exhausted")


def free_at(deadline: int, grace_seconds: int, cooldown_hours: int) -> int:
    """When a code may be given to another order."""
    return deadline + grace_seconds + cooldown_hours * 3600


# ---- reservations ---------------------------------------------------------------------------

class UniqueCodeReservation(Table):
    Meta = table_meta("unique_codes", ttl="free_at")
    account = UnicodeAttribute(hash_key=True)  # account_key(...)
    amount = NumberAttribute(range_key=True)  # what the customer transfers: base + code (code signed)
    base_amount = NumberAttribute()
    code = NumberAttribute()
    order_id = UnicodeAttribute()
    store_id = UnicodeAttribute()
    free_at = NumberAttribute()  # also the TTL: after it the item is only garbage


def in_use(account: str, base: int, now: int, sign: int = 1) -> set[int]:
    """The codes taken for ``base`` on this account right now (one consistent query); ``sign`` -1 for
    codes taken off the base."""
    low, high = (base + MIN_CODE, base + MAX_CODE) if sign > 0 else (base - MAX_CODE, base - MIN_CODE)
    found = UniqueCodeReservation.query(account, UniqueCodeReservation.amount.between(low, high), consistent_read=True)
    return codes_in_use(((int(r.amount), int(r.free_at)) for r in found), base, now, sign)


def reserve(uow, *, account: str, base: int, code: int, order_id: str, store_id: str, until: int, now: int) -> None:
    """Add the reservation to ``uow`` (``code`` signed: negative when taken off): a lost condition if
    another order holds that amount."""
    uow.save(UniqueCodeReservation(account=account, amount=base + code, base_amount=base, code=code, order_id=order_id,
                                store_id=store_id, free_at=until),
            condition=UniqueCodeReservation.amount.does_not_exist() | (UniqueCodeReservation.free_at <= now),
            return_values="ALL_OLD")  # a failure then shows which reservation was in the way


def order_ids_on_account(account: str, store_id: str) -> list[str]:
    """The orders of one store holding (or, in cool-down, still owning) a code on this account,
    oldest reservation first, each once."""
    return list(dict.fromkeys(r.order_id for r in UniqueCodeReservation.query(account) if r.store_id == store_id))
