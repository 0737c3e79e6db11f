"""ESC/POS real-time status (``DLE EOT n``, 10 04 n).

The printer answers one byte immediately, even while offline. Bits 1 and 4 are fixed to 1 and
bits 0 and 7 to 0 in every answer, which lets us tell a status byte from stray data. Meanings
(Epson, Bixolon, Citizen agree):

* n=1 printer status: bit 2 drawer pin 3 high, bit 3 offline;
* n=2 offline cause: bit 2 cover open, bit 3 paper fed by the FEED button, bit 5 printing stopped
  by paper end, bit 6 error;
* n=4 roll paper sensor: bits 2-3 near end, bits 5-6 paper end.

This is the only "can it print?" signal a raw port-9100 or USB printer gives; it is best-effort
(many TSPL/ZPL printers and some ESC/POS clones do not answer at all).
"""
from __future__ import annotations

from dataclasses import dataclass

DLE_EOT = b"\x10\x04"
QUERY_PRINTER = DLE_EOT + b"\x01"
QUERY_OFFLINE_CAUSE = DLE_EOT + b"\x02"
QUERY_PAPER = DLE_EOT + b"\x04"

_FIXED_MASK, _FIXED_VALUE = 0b1001_0011, 0b0001_0010


def is_status_byte(value: int) -> bool:
    return value & _FIXED_MASK == _FIXED_VALUE


def _check(value: int) -> int:
    if not is_status_byte(value):
        raise ValueError(f"0x{value:02x} is not an ESC/POS status byte")
    return value


@dataclass(frozen=True)
class PrinterStatus:
    """What the printer reported. Cause fields are None when that query was not answered."""

    online: bool
    drawer_pin3_high: bool = False
    cover_open: bool | None = None
    paper_end: bool | None = None
    paper_near_end: bool | None = None
    error: bool | None = None

    @property
    def problem(self) -> str | None:
        """A short reason a cashier understands, or None when the printer can print."""
        if self.cover_open:
            return "printer cover is open"
        if self.paper_end:
            return "printer is out of paper"
        if self.error:
            return "printer reports an error"
        if not self.online:
            return "printer is offline"
        return None


def parse_printer_status(value: int) -> PrinterStatus:
    """Answer to ``DLE EOT 1``."""
    _check(value)
    return PrinterStatus(online=not value & 0x08, drawer_pin3_high=bool(value & 0x04))


def with_offline_cause(status: PrinterStatus, value: int) -> PrinterStatus:
    """Add the answer to ``DLE EOT 2``."""
    _check(value)
    return PrinterStatus(
        online=status.online,
        drawer_pin3_high=status.drawer_pin3_high,
        cover_open=bool(value & 0x04),
        paper_end=bool(value & 0x20) or bool(status.paper_end),
        paper_near_end=status.paper_near_end,
        error=bool(value & 0x40),
    )


def with_paper_sensor(status: PrinterStatus, value: int) -> PrinterStatus:
    """Add the answer to ``DLE EOT 4``."""
    _check(value)
    return PrinterStatus(
        online=status.online,
        drawer_pin3_high=status.drawer_pin3_high,
        cover_open=status.cover_open,
        paper_end=(value & 0x60) == 0x60 or bool(status.paper_end),
        paper_near_end=(value & 0x0C) == 0x0C,
        error=status.error,
    )
