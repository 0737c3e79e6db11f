"""The "sale.stock" effect of a completed order: its goods leave the stock, once.

A store sale's goods leave the shop floor (inventory); an order of a kind another area owns (a
book order's held goods at the CS desk) is handed to that area's registered handler.
"""
from __future__ import annotations

from ..core import outbox
from ..inventory import service as inventory
from . import kinds, model
from .repo import get_order


@outbox.handler("sale.stock")
def apply_sale_stock(item) -> dict:
    order = get_order(item.payload["order_id"])
    if order.kind != model.STORE_SALE:
        return kinds.handler_for(order.kind, "stock")(order)
    return inventory.take_sold_goods(store_id=order.store_id, order_id=order.order_id, actor=order.created_by,
                                     lines=[(line["sku"], int(line["qty"])) for line in order.items])
