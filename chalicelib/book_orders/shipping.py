"""A sold book order that ships asks the courier for its shipment in the sale's own transaction
(a COD order asked with its booking, and its sale comes from the delivery: nothing to ask)."""
from __future__ import annotations

from ..core.uow import UnitOfWork, fact_handler
from ..sales import service as sales
from . import model
from .facts import ShipmentRequested


@fact_handler("sale.completed")
def request_shipment(uow: UnitOfWork, sale) -> None:
    if sale.kind != model.BOOK_ORDER:
        return
    order = sales.get_order(sale.order_id)
    if order is None:
        return
    book = model.BookOrder.of(order)
    if not book.needs_shipping or book.cod:
        return
    uow.outbox(model.shipment_request_effect_id(sale.order_id), model.SHIPMENT_REQUEST, sale.store_id,
               {"order_id": sale.order_id})
    uow.fact(ShipmentRequested(store_id=sale.store_id, order_id=sale.order_id, at=sale.at, tz=sale.tz))
