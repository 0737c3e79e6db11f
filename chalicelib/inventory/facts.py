"""What the inventory area tells others (the reports) about, as plain facts in a unit of work."""
from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar


@dataclass(frozen=True)
class DropOrderMoved:
    """A drop order was created, handed to CS, returned or cancelled; ``qty`` the pieces that moved."""

    KIND: ClassVar[str] = "drop_order.moved"
    store_id: str
    event: str  # created | handed | returned | cancelled
    qty: int = 0
    at: float | None = None
    tz: str | None = None
