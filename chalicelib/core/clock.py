"""Injectable clock. Time is stored in UTC; days and months use the store's timezone."""
from __future__ import annotations

import time
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

DEFAULT_TZ = "Asia/Jakarta"


class Clock:
    """Wall clock. Tests use :class:`FixedClock` and move it."""

    def now(self) -> float:
        return time.time()

    def now_s(self) -> int:
        return int(self.now())

    def utcnow(self) -> datetime:
        return datetime.fromtimestamp(self.now(), tz=timezone.utc)


class FixedClock(Clock):
    def __init__(self, at: float | datetime = 1_767_225_600.0):  # 2026-01-01T00:00:00Z
        self._t = at.timestamp() if isinstance(at, datetime) else float(at)

    def now(self) -> float:
        return self._t

    def advance(self, seconds: float = 0, **kw) -> None:
        self._t += seconds + timedelta(**kw).total_seconds()

    def set(self, at: float | datetime) -> None:
        self._t = at.timestamp() if isinstance(at, datetime) else float(at)


_clock: Clock = Clock()


def get_clock() -> Clock:
    return _clock


def set_clock(clock: Clock) -> Clock:
    """Swap the process clock (tests, the local stack's time travel). Returns the previous one."""
    global _clock
    previous, _clock = _clock, clock
    return previous


def iso_utc(ts: float) -> str:
    """Epoch seconds -> ``2026-01-01T00:00:00Z``."""
    return datetime.fromtimestamp(ts, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_iso(s: str) -> float:
    return datetime.fromisoformat(s.replace("Z", "+00:00")).timestamp()


def local_datetime(ts: float, tz: str = DEFAULT_TZ) -> datetime:
    return datetime.fromtimestamp(ts, tz=ZoneInfo(tz))


def check_day(value) -> str:
    """A day as a request names it (``2026-11-23``, a date that exists), else a clear 422."""
    from .errors import ValidationError

    if isinstance(value, str) and len(value) == 10 and value[4] == value[7] == "-":
        try:
            return date.fromisoformat(value).isoformat()
        except ValueError:
            pass
    raise ValidationError("Parameter day harus tanggal TTTT-BB-HH yang ada.", code="invalid_day")


def local_day(ts: float, tz: str = DEFAULT_TZ) -> str:
    """The store-local calendar day of an instant, ``YYYY-MM-DD``."""
    return local_datetime(ts, tz).strftime("%Y-%m-%d")


def local_month(ts: float, tz: str = DEFAULT_TZ) -> str:
    return local_datetime(ts, tz).strftime("%Y-%m")


def day_bounds(day: str, tz: str = DEFAULT_TZ) -> tuple[int, int]:
    """``YYYY-MM-DD`` in the store's timezone -> [start, end) in epoch seconds."""
    d = date.fromisoformat(day)
    start = datetime(d.year, d.month, d.day, tzinfo=ZoneInfo(tz))
    end = start + timedelta(days=1)
    return int(start.timestamp()), int(end.timestamp())


def format_wib(ts: float, tz: str = DEFAULT_TZ, with_seconds: bool = False) -> str:
    """``23/11/2026 14:05 WIB`` (WIB/WITA/WIT by zone)."""
    dt = local_datetime(ts, tz)
    label = {"Asia/Jakarta": "WIB", "Asia/Pontianak": "WIB", "Asia/Makassar": "WITA", "Asia/Jayapura": "WIT"}.get(tz, dt.tzname())
    fmt = "%d/%m/%Y %H:%M:%S" if with_seconds else "%d/%m/%Y %H:%M"
    return f"{dt.strftime(fmt)} {label}"
