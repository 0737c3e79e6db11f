"""What BCA writes into a row's description (reference §1.1 D), shared by both KlikBCA layouts.

Payer names are hints for CS, never keys: BCA truncates them to ~18 characters and glues the
transfer amount to the remark (``150123.00ORDER 1043          SITI RAHMAWATI``).
"""
from __future__ import annotations

import re
from datetime import date

from .base import Record, day_month, fail, resolve_date

# TRSF E-BANKING CR 1003/FTSCY/WS95031       150123.00ORDER 1043          SITI RAHMAWATI
# The amount has exactly two decimals, so a remark starting with digits cannot be swallowed.
_TRSF = re.compile(r"^TRSF E-BANKING (?:CR|DB) (?P<ddmm>\d{4})/[A-Z]+/\S+\s+\d+\.\d{2}(?P<rest>.*)$")
# BI-FAST CR TRANSFER   DR 008 BUDI SANTOSO / SWITCHING CR TRANSFER DR 009 ... : DR = "from" + bank code
_FROM_BANK = re.compile(r"\bDR \d{3}\s+(?P<name>.+)$")
# KR OTOMATIS LLG-MANDIRI AGUS PRASETYO 0000000000123
_LLG = re.compile(r"^KR OTOMATIS LLG-\S+\s+(?P<name>.+?)(?:\s+\d{6,})?$")
_DAY_MONTH = re.compile(r"\b(\d{2})/(\d{2})\b")


def payer_name(description: str) -> str | None:
    """The sender's name as far as BCA shows it, for credit rows; ``None`` when the text has none."""
    text = description.strip()
    m = _TRSF.match(text)
    if m:
        # The remark (berita) and the name are separated by padding; with one chunk it is the name.
        chunks = [c for c in re.split(r"\s{2,}", m.group("rest").strip()) if c]
        return chunks[-1] if chunks else None
    for pattern in (_FROM_BANK, _LLG):
        m = pattern.search(text)
        if m:
            return " ".join(m.group("name").split())
    return None


def day_month_in_description(description: str) -> tuple[int, int] | None:
    """The ``ddmm`` of a TRSF code or a ``dd/mm`` in the text: the day a ``PEND`` row happened."""
    m = _TRSF.match(description.strip())
    if m:
        ddmm = m.group("ddmm")
        return int(ddmm[:2]), int(ddmm[2:])
    m = _DAY_MONTH.search(description)
    return (int(m.group(1)), int(m.group(2))) if m else None


def row_dates(
    record: Record, date_text: str, description: str, period: tuple[date, date] | None, received_on: date
) -> tuple[date | None, date | None]:
    """``(posted, hint)`` of a KlikBCA row: a posted day, or for ``PEND`` the day in its description."""
    if date_text.upper() == "PEND":
        found = day_month_in_description(description)
        try:
            return None, resolve_date(found[0], found[1], None, period, received_on) if found else None
        except ValueError:  # a code that only looks like dd/mm: no hint rather than no file
            return None, None
    parts = day_month(date_text)
    try:
        if parts is None:
            raise ValueError(date_text)
        return resolve_date(*parts, period, received_on), None
    except ValueError:
        raise fail(record.line_number, f"tanggal tidak dikenali: {date_text!r}.") from None
