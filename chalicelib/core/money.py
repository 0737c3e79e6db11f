"""Money is an ``int`` of rupiah everywhere. Never floats."""
from __future__ import annotations

import re

from .errors import ValidationError

_DIGITS_ONLY = re.compile(r"^\d+$")
# "Rp 150.000", "150,000", "150000", "Rp150.000,00" -> 150000
_GROUPED = re.compile(r"^\d{1,3}([.,]\d{3})+$")


def format_rupiah(amount: int) -> str:
    """``150000`` -> ``Rp150.000``; negative amounts as ``-Rp5.000``."""
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise TypeError(f"rupiah amounts are int, got {type(amount).__name__}")
    sign = "-" if amount < 0 else ""
    return f"{sign}Rp{abs(amount):,}".replace(",", ".")


def parse_rupiah(text: str | int) -> int:
    """Read an amount as people type it: ``Rp150.000``, ``150,000``, ``150000``, ``Rp 1.500.000,00``.

    Fractions of a rupiah are refused: ``,50`` or ``.5`` after the thousands is an error, ``,00`` is fine.
    """
    if isinstance(text, bool):
        raise ValidationError("Jumlah uang tidak valid.", code="invalid_amount")
    if isinstance(text, int):
        return text
    if not isinstance(text, str):
        raise ValidationError("Jumlah uang tidak valid.", code="invalid_amount")
    s = text.strip().replace(" ", "").replace("\u00a0", "")
    negative = s.startswith("-")
    if negative:
        s = s[1:]
    if s[:2].lower() == "rp":
        s = s[2:]
    s = s.rstrip(".")
    # A trailing ",00" / ".00" is zero sen; anything else after a decimal mark is a fraction.
    m = re.match(r"^(.*?)[.,](\d{1,2})$", s)
    if m and not _GROUPED.match(s):
        if int(m.group(2)) != 0:
            raise ValidationError("Rupiah tidak boleh pecahan.", code="fractional_amount")
        s = m.group(1)
    if _DIGITS_ONLY.match(s):
        value = int(s)
    elif _GROUPED.match(s) and len({c for c in s if c in ".,"}) == 1:
        value = int(re.sub(r"[.,]", "", s))
    else:
        raise ValidationError(f"Jumlah uang tidak dikenali: {text!r}.", code="invalid_amount")
    return -value if negative else value


def require_rupiah(value, field: str, *, minimum: int = 0, maximum: int = 10**12) -> int:
    """Validate a JSON value as a whole rupiah amount (an int, not a float or a string)."""
    if isinstance(value, bool) or not isinstance(value, int):
        if isinstance(value, float):
            raise ValidationError(f"{field}: rupiah harus bilangan bulat, tanpa pecahan.", code="fractional_amount")
        raise ValidationError(f"{field}: harus berupa angka rupiah.", code="invalid_amount")
    if value < minimum:
        raise ValidationError(f"{field}: tidak boleh kurang dari {format_rupiah(minimum)}.", code="invalid_amount")
    if value > maximum:
        raise ValidationError(f"{field}: terlalu besar.", code="invalid_amount")
    return value
