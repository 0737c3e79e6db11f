"""What the book orders area tells others (the reports) about, as plain facts in a unit of work."""
from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar


@dataclass(frozen=True)
class BookOrderMoved:
    """A book order was created, cancelled or expired (a paid one is counted as a completed sale)."""

    KIND: ClassVar[str] = "book_order.moved"
    store_id: str
    event: str  # created | cancelled | expired
    amount: int = 0  # the order's total, for created
    at: float | None = None
    tz: str | None = None


@dataclass(frozen=True)
class ShipmentRequested:
    """A sold book order's shipment was requested from the courier (queued with its completion)."""

    KIND: ClassVar[str] = "shipment.requested"
    store_id: str
    order_id: str
    at: float
    tz: str
