"""Stock use cases shared by sales and chat orders."""
from __future__ import annotations

from pynamodb.exceptions import TransactWriteError

from ..core import outbox
from ..core.db import is_condition_failure, transaction
from . import model, repo

_CHUNK = 40  # 2 writes per line; DynamoDB allows 100 per transaction


@outbox.handler("sale.stock")
def apply_sale_stock(item) -> dict:
    """Take a completed store sale's goods off the shop floor, once per order and sku.

    Goods sold at the counter are physically in the shopper's hand, so the sale is never refused
    for stock; a negative shop-floor level shows up in the stock check for staff to correct.
    """
    from ..sales import model as sales_model
    from ..sales.repo import get_order

    order = get_order(item.payload["order_id"])
    if order.kind != sales_model.STORE_SALE:
        from . import holds

        return holds.consume_for_sale(order)
    lines = order.items
    applied = 0
    for start in range(0, len(lines), _CHUNK):
        chunk = lines[start:start + _CHUNK]
        try:
            with transaction() as tx:
                for line in chunk:
                    repo.move_on_hand(tx, order.store_id, line["sku"], model.SHOP_FLOOR, -int(line["qty"]),
                                      reason="sale", reference=order.order_id, actor=order.created_by,
                                      entry_id=f"sale#{order.order_id}#{line['sku']}#{model.SHOP_FLOOR}",
                                      allow_negative=True)
            applied += len(chunk)
        except TransactWriteError as exc:
            if not is_condition_failure(exc):
                raise  # a redelivery finds the ledger entries and skips the chunk
    return {"lines": applied}
