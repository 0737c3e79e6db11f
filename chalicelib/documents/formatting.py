"""Text formats used on printed documents, in the way Indonesian shoppers read them.

Rupiah and times come from :mod:`chalicelib.core`; this module adds only what is specific to
paper: masked phones, weights, counts, percentages and day names.
"""
from __future__ import annotations

from chalicelib.core.clock import DEFAULT_TZ, format_wib, local_datetime
from chalicelib.core.money import format_rupiah
from chalicelib.core.phone import display_phone, mask_phone

from .model import Cell, ValueKind

_DAY_NAMES = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")


def format_count(n: int) -> str:
    """``1250`` -> ``1.250`` (Indonesian thousands separator)."""
    return f"{n:,}".replace(",", ".")


def _one_decimal(value: float) -> str:
    """``12.5`` -> ``12,5``; ``50.0`` -> ``50`` (decimal comma, no trailing ``,0``)."""
    value = round(value, 1)
    return f"{value:.0f}" if value == int(value) else f"{value:.1f}".replace(".", ",")


def format_percent(fraction: float) -> str:
    """``0.125`` -> ``12,5%``; ``0.5`` -> ``50%``."""
    return f"{_one_decimal(fraction * 100)}%"


def format_weight(grams: int) -> str:
    """``1200`` -> ``1,2 kg``; ``250`` -> ``0,25 kg``; ``3000`` -> ``3 kg`` (couriers bill in kg)."""
    kg, rest = divmod(grams, 1000)
    if rest == 0:
        return f"{kg} kg"
    return f"{kg},{rest:03d}".rstrip("0") + " kg"


def points_balance_pair(balance: int) -> tuple[str, str]:
    """A points balance as a receipt prints it: ``("Total poin", "1.250")``, or, below zero (a refund
    took back points the shopper had already used), ``("Poin terutang", "3")``: a debt, never
    printed as a bare minus sign the shopper could misread."""
    if balance < 0:
        return "Poin terutang", format_count(-balance)
    return "Total poin", format_count(balance)


def masked_phone(e164: str) -> str:
    """What a receipt shows of the shopper: ``+6281234567890`` -> ``0812-****-7890``.

    Enough for the shopper to recognise their number, not enough for a stranger who picks up
    the receipt to message them.
    """
    if not e164.startswith("+62"):
        return mask_phone(e164)
    groups = display_phone(e164).split("-")
    return "-".join([groups[0], *("*" * len(g) for g in groups[1:-1]), groups[-1]])


def readable_phone(phone: str) -> str:
    """A phone printed whole (couriers and customers call it): Indonesian mobiles as
    ``0812-3456-7890``, other Indonesian numbers in national form (``+62217194455`` ->
    ``0217194455``, since landline area codes vary in length), anything else as given."""
    if phone.startswith("+628"):
        return display_phone(phone)
    if phone.startswith("+62"):
        return "0" + phone[3:]
    return phone


def format_deadline(ts: float, tz: str = DEFAULT_TZ) -> str:
    """``Senin, 23/11/2026 16:05 WIB``: the day name helps a customer reading the slip late at night."""
    return f"{_DAY_NAMES[local_datetime(ts, tz).weekday()]}, {format_wib(ts, tz)}"


def format_cell(value: Cell, kind: ValueKind) -> str:
    """A report value as printed; ``None`` is an en dash (no data, distinct from zero)."""
    if value is None:
        return "\u2013"
    if kind == "rupiah":
        return format_rupiah(int(value))
    if kind == "count":
        return format_count(int(value))
    if kind == "percent":
        return format_percent(float(value))
    return str(value)


def format_rupiah_short(amount: float) -> str:
    """Chart axis ticks: ``1_500_000`` -> ``1,5 jt``, ``250_000`` -> ``250 rb``."""
    for size, unit in ((1_000_000_000, "M"), (1_000_000, "jt"), (1_000, "rb")):
        if abs(amount) >= size:
            return f"{_one_decimal(amount / size)} {unit}"
    return f"{amount:.0f}"
