"""What the sales area tells others (reports, shifts) about, as plain facts in a unit of work."""
from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Iterable, Mapping


@dataclass(frozen=True)
class GoodsLine:
    """Goods of one product in a sale or a refund: ``net`` is their value after the order's discount
    (without shipping fee or kode unik), ``cost`` their cost price (HPP) as captured on the sale
    line when it was sold (None: the product had no cost price then)."""

    sku: str
    qty: int
    net: int
    cost: int | None = None


def _line_cost(item: Mapping, qty: int) -> int | None:
    unit_cost = item.get("unit_cost")
    return None if unit_cost is None else int(unit_cost) * qty


def sold_lines(items: Iterable[Mapping], *, subtotal: int, discount: int) -> tuple[GoodsLine, ...]:
    """The order's lines as goods sold: each line's value less its share of the order's discount
    (in proportion to its price, rounded down; the biggest line takes what rounding left), so the
    lines add up to ``subtotal - discount`` exactly."""
    items = list(items)
    gross = [int(i["qty"]) * int(i["unit_price"]) for i in items]
    shares = [g * discount // subtotal if subtotal > 0 else 0 for g in gross]
    if items and discount:
        biggest = max(range(len(items)), key=lambda n: gross[n])
        shares[biggest] += discount - sum(shares)
    return tuple(GoodsLine(sku=str(i["sku"]), qty=int(i["qty"]), net=g - d, cost=_line_cost(i, int(i["qty"])))
                 for i, g, d in zip(items, gross, shares))


def returned_lines(items: Iterable[Mapping], refund_lines: Iterable[Mapping], *, subtotal: int,
                   discount: int) -> tuple[GoodsLine, ...]:
    """A refund's lines as goods taken back: their value at the price they were sold (scaled by the
    order's discount) and their cost price (HPP) from the sale's line of that product. Lines of one
    product are merged when a sale is rung up, so a product has one sale line and one unit cost."""
    sold = {}
    for item in items:
        sold.setdefault(str(item["sku"]), item)
    out = []
    for line in refund_lines:
        sku, qty = str(line["sku"]), int(line["qty"])
        item = sold.get(sku, {})
        gross = qty * int(line["unit_price"])
        net = (gross * (subtotal - discount) // subtotal) if subtotal > 0 else 0
        out.append(GoodsLine(sku=sku, qty=qty, net=net, cost=_line_cost(item, qty)))
    return tuple(out)


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
    lines: tuple[GoodsLine, ...] = ()  # the goods sold (sold_lines), for the product and cost figures


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
    seller_id: str | None = None  # who made the sale (a book order's CS)
    lines: tuple[GoodsLine, ...] = ()  # the goods taken back (returned_lines); none for money only
