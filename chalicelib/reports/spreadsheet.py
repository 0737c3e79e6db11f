"""The one CSV writer of every export: files that open right in Excel set to Indonesian.

Excel with Indonesian regional settings splits a CSV on the list separator ``;`` (``,`` is the
decimal comma there), reads ``.`` as a thousands separator and opens text as the ANSI code page
unless the file starts with a BOM. So every export is written as:

- UTF-8 with a BOM, ``;`` between cells, CRLF line ends, cells quoted only when they must be;
- whole numbers (rupiah, counts) as plain digits, ``-`` for negatives, never grouped
  (``1.500`` would be read as 1,5);
- fractions (rates) with a decimal comma, ``0,2500``;
- dates as ``dd/mm/yyyy`` and times as ``HH:MM`` in the store's timezone (its name in the header);
- text that a spreadsheet would run as a formula (``=HYPERLINK(...)`` typed as a name) behind an
  apostrophe.

Pure: rows in, text out.
"""
from __future__ import annotations

import csv
import io
from datetime import date
from typing import Iterable, Sequence

from ..core.clock import format_wib, local_datetime

DELIMITER = ";"
BOM = "\ufeff"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def number(value) -> str:
    """A cell's text: ints plain, floats (rates) with a decimal comma, None empty, text guarded."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return f"{value:.4f}".replace(".", ",")
    return text(str(value))


def text(value: str) -> str:
    """Text as typed, with a leading apostrophe when a spreadsheet would take it for a formula (a
    negative number written as text stays a number)."""
    if value[:1] in _FORMULA_START and not value.lstrip("-").isdigit():
        return "'" + value
    return value


def day(iso_day: str) -> str:
    """``2026-11-23`` -> ``23/11/2026``."""
    return date.fromisoformat(iso_day).strftime("%d/%m/%Y")


def date_and_time(ts: float | None, tz: str) -> tuple[str, str]:
    """An instant as ``(dd/mm/yyyy, HH:MM)`` in the store's timezone; empty for None."""
    if ts is None:
        return "", ""
    local = local_datetime(ts, tz)
    return local.strftime("%d/%m/%Y"), local.strftime("%H:%M")


def zone_label(tz: str, at: float) -> str:
    """WIB / WITA / WIT (or the zone's own abbreviation) for column headers."""
    return format_wib(at, tz).rsplit(" ", 1)[1]


def write(rows: Iterable[Sequence]) -> str:
    """The file: a BOM, then the rows, every cell through :func:`number`."""
    out = io.StringIO()
    out.write(BOM)
    writer = csv.writer(out, delimiter=DELIMITER, lineterminator="\r\n")
    writer.writerows([number(value) for value in row] for row in rows)
    return out.getvalue()
