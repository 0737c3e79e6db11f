"""Cashier shifts (buka kasir / tutup kasir): pure rules (no AWS).

A cashier opens a shift on one device with an opening float (kas awal), records cash put in or
taken out with a reason (tunai masuk / keluar), and closes it by counting the drawer. Sales the
cashier completes on that device while the shift is open add to the shift's per-method counters
in the completion transaction, and refunds and voids the cashier pays out there add to its
per-tender refund counters in the refund's transaction, so the expected totals are exact without
reading any order.

    expected cash = opening float + cash sales + cash in - cash out - cash refunds
    selisih       = counted cash - expected cash

Refunds by QRIS (back through the gateway) or bank transfer never touch the drawer; they are
listed beside the sales so the shift's figures add up.

A selisih larger (either way) than the store's allowance needs an admin's PIN to close.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

from ..core.errors import ValidationError
from ..core import tender as counters

OPEN, CLOSED = "OPEN", "CLOSED"
IN, OUT = "in", "out"
MAX_DRAWER = 1_000_000_000  # a drawer never holds a billion rupiah: bigger is a typing error
REASON_MAX, NOTE_MAX = 80, 300


def validate_reason(value) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValidationError("Alasan kas masuk/keluar wajib diisi.", code="invalid_reason")
    reason = " ".join(value.split())
    if len(reason) > REASON_MAX:
        raise ValidationError(f"Alasan maksimal {REASON_MAX} karakter.", code="invalid_reason")
    return reason


def validate_note(value) -> str | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if not isinstance(value, str):
        raise ValidationError("Catatan harus berupa teks.", code="invalid_note")
    note = " ".join(value.split())
    if len(note) > NOTE_MAX:
        raise ValidationError(f"Catatan maksimal {NOTE_MAX} karakter.", code="invalid_note")
    return note


def validate_direction(value) -> str:
    if value not in (IN, OUT):
        raise ValidationError("Arah kas harus 'in' (masuk) atau 'out' (keluar).", code="invalid_direction")
    return value


def sale_increments(method: str, issuer: str | None, total: int) -> dict[str, int]:
    """What one completed sale adds to its shift: amount and count per method, and per QRIS issuer."""
    return counters.tender_increments(method, issuer, total)


def refund_key(tender: str) -> str:
    return f"refund#{tender}"


def refund_count_key(tender: str) -> str:
    return f"refund_count#{tender}"


def refund_increments(tender: str, amount: int) -> dict[str, int]:
    """What one refund paid out on a shift adds: amount and count per tender (cash leaves the drawer)."""
    return {refund_key(tender): amount, refund_count_key(tender): 1}


@dataclass(frozen=True)
class MethodLine:
    method: str
    count: int
    amount: int
    issuer: str | None = None


def method_lines(c: Mapping[str, int]) -> list[MethodLine]:
    """Per method, cash and bank transfer as one line each and QRIS split by issuer; the three
    methods always appear (a zero line tells the cashier there is nothing to look for)."""
    g = lambda name: int(c.get(name, 0))  # noqa: E731 - absent counters are zero
    lines = [MethodLine(counters.CASH, g(counters.method_count_key(counters.CASH)), g(counters.method_key(counters.CASH)))]
    issuers = sorted((n[len("by_issuer_count#"):] for n in c if n.startswith("by_issuer_count#")))
    if issuers:
        lines += [MethodLine(counters.QRIS, g(counters.issuer_count_key(i)), g(counters.issuer_key(i)), i) for i in issuers]
    else:
        lines.append(MethodLine(counters.QRIS, 0, 0))
    lines.append(MethodLine(counters.BANK_TRANSFER, g(counters.method_count_key(counters.BANK_TRANSFER)),
                            g(counters.method_key(counters.BANK_TRANSFER))))
    return lines


def refund_lines(c: Mapping[str, int]) -> list[MethodLine]:
    """Refunds and voids paid out on the shift, one line per tender that had any (cash first)."""
    tenders = [t for t in counters.METHODS if c.get(refund_count_key(t))]
    tenders += sorted(n[len("refund_count#"):] for n in c
                      if n.startswith("refund_count#") and n[len("refund_count#"):] not in counters.METHODS)
    return [MethodLine(t, int(c.get(refund_count_key(t), 0)), int(c.get(refund_key(t), 0))) for t in tenders]


def cash_sales(c: Mapping[str, int]) -> int:
    return int(c.get(counters.method_key(counters.CASH), 0))


def cash_refunds(c: Mapping[str, int]) -> int:
    """Cash that went back to customers from this drawer."""
    return int(c.get(refund_key(counters.CASH), 0))


def expected_cash(opening_float: int, cash_sales_total: int, cash_in: int, cash_out: int, cash_refunds_total: int) -> int:
    return opening_float + cash_sales_total + cash_in - cash_out - cash_refunds_total


def needs_approval(difference: int, allowance: int) -> bool:
    """More or less cash than expected beyond the allowance both need an admin: a surplus can hide
    a sale rung up wrongly just as a shortage can hide a loss."""
    return abs(difference) > allowance
