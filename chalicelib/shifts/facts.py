"""The shifts area keeps a shift's per-tender totals from the sales completed while it is open."""
from __future__ import annotations

from ..core.uow import UnitOfWork, fact_handler
from . import repo


@fact_handler("sale.completed")
def on_sale_completed(uow: UnitOfWork, sale) -> None:
    """A sale counts for its seller's open shift when it was rung up on that shift's device."""
    if not sale.seller_id:
        return
    pointer = repo.open_pointer(sale.store_id, repo.staff_holder(sale.seller_id))
    if pointer is not None and pointer.device_id == sale.device_id:
        repo.add_sale_ops(uow, sale.store_id, pointer.shift_id, sale.method, sale.issuer, sale.total)


@fact_handler("refund.done")
def on_refund_done(uow: UnitOfWork, refund) -> None:
    """A refund counts for the open shift of the person who paid it out, on that shift's device
    (a cash refund takes the money out of that drawer)."""
    if not refund.staff_id:
        return
    pointer = repo.open_pointer(refund.store_id, repo.staff_holder(refund.staff_id))
    if pointer is not None and pointer.device_id == refund.device_id:
        repo.add_refund_ops(uow, refund.store_id, pointer.shift_id, refund.tender, refund.amount)
