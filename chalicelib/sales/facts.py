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


@dataclass(frozen=True)
class RefundDone:
    """Money went back to a customer now (a refund or a void of a sale; not a payment that never
    became a sale). Reports count it on the day it was done, by tender; a cash refund leaves the
    drawer of the shift open on the device that paid it out."""

    KIND: ClassVar[str] = "refund.done"
    store_id: str
    order_id: str
    refund_id: str
    kind: str  # VOID | REFUND
    order_kind: str  # STORE_SALE | BOOK_ORDER
    amount: int
    tender: str  # CASH | QRIS | BANK_TRANSFER: how the money went back
    sale_method: str  # how the sale was paid
    staff_id: str | None  # who paid it out
    device_id: str | None
    at: float
    tz: str
