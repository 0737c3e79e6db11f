"""Which sales ship, and the one outbox effect that requests a sale's shipment."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

SHIPMENT_REQUEST = "shipment.request"  # the outbox kind that books a sale's shipment


def request_effect_id(order_id: str) -> str:
    """The outbox effect that requests the shipment of one sale: at most one per sale."""
    return f"shipment#{order_id}"


class OrderLike(Protocol):
    """The parts of a sales order that decide whether it ships (``sales.repo.OrderRecord`` has them)."""

    customer: Mapping[str, Any] | None
    shipping_fee: int
    extra: Mapping[str, Any] | None


def needs_shipping(order: OrderLike) -> bool:
    """A book order ships when it has a delivery address and either a shipping fee or a chosen courier.

    The address alone does not decide it: CS always records one, also for customers who collect,
    and those orders carry neither a fee nor a courier.
    """
    customer = order.customer or {}
    address = customer.get("address")
    if not isinstance(address, str) or not address.strip():
        return False
    courier = (order.extra or {}).get("courier")
    return int(order.shipping_fee or 0) > 0 or (isinstance(courier, str) and bool(courier.strip()))
