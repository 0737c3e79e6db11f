"""What the shipping area tells others (the reports) about, as plain facts in a unit of work."""
from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar


@dataclass(frozen=True)
class ShipmentChanged:
    """A courier's news being applied to a shipment: its status and AWB before, and what changes."""

    KIND: ClassVar[str] = "shipment.changed"
    store_id: str
    status_before: str
    had_awb: bool
    status_after: str | None
    new_awb: str | None
    at: float | None = None
    tz: str | None = None
    order_id: str | None = None  # the order the shipment carries (a parcel returned opens a decision on it)
