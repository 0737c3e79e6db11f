"""What the sales area tells others (reports, shifts) about, as plain facts in a unit of work."""
from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar


@dataclass(frozen=True)
class SaleCompleted:
    """An order completed now (a store sale, or a paid book order made a sale)."""

    KIND: ClassVar[str] = "sale.completed"
    store_id: str
    order_id: str
    kind: str  # STORE_SALE | BOOK_ORDER
    subtotal: int
    discount: int
    total: int
    method: str  # CASH | QRIS | BANK_TRANSFER
    issuer: str | None
    seller_id: str | None  # the staff member who rang it up (or the device)
    device_id: str | None
    linked: bool  # a shopper's phone was given
    repeat: bool  # ... and that shopper had completed an order before
    late: bool  # the payment came after expiry and staff accepted it
    at: float
    tz: str
