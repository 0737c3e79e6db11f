"""The stock effects of orders, once each: a completed order's goods leave the stock ("sale.stock"),
and what a refund takes back with "restock" goes back where the sale took it from ("refund.stock").

A store sale's goods leave (and come back to) the shop floor; an order of a kind another area owns
(a book order's goods at the CS desk) is handed to that area's registered handler.
"""
from __future__ import annotations

from ..core import outbox
from ..inventory import service as inventory
from . import kinds, model
from .repo import get_order, get_refund


@outbox.handler("sale.stock")
def apply_sale_stock(item) -> dict:
    order = get_order(item.payload["order_id"])
    if order.kind != model.STORE_SALE:
        return kinds.handler_for(order.kind, "stock")(order)
    return inventory.take_sold_goods(store_id=order.store_id, order_id=order.order_id, actor=order.created_by,
                                     lines=[(line["sku"], int(line["qty"])) for line in order.items],
                                     order_no=order.order_no)


@outbox.handler("refund.stock")
def apply_refund_stock(item) -> dict:
    order = get_order(item.payload["order_id"])
    refund = get_refund(order.order_id, item.payload["refund_id"])
    lines = [(line["sku"], int(line["qty"])) for line in refund.lines or [] if line["restock"]]
    if order.kind != model.STORE_SALE:
        return kinds.handler_for(order.kind, "restock")(order, refund.refund_id, lines, refund.requested_by,
                                                        refund_no=refund.refund_no)
    return inventory.return_goods(store_id=order.store_id, reference=refund.refund_id, actor=refund.requested_by,
                                  lines=lines, location=inventory.SHOP_FLOOR, order_no=refund.refund_no)
