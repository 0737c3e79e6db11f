"""Parcels that come back: a sold book order whose parcel the courier reports RETURNED waits for a
person in the decisions list ("Paket diretur"), next to payments that came late or wrong.

The decision is a refund (the goods taken back to the CS desk with "restock", the money by bank
transfer with its reference), or closing it without a refund (the parcel is sent again, or the
customer was paid back outside Sambung, with a note). Either one takes the order off the list.
"""
from __future__ import annotations

from ..core import uow as units
from ..core.clock import get_clock
from ..core.errors import Conflict, ValidationError
from ..core.uow import UnitOfWork, fact_handler
from ..core.web import Caller
from . import model, repo

RETURNED_FLAG = "parcel_returned"
RETURNED = "returned"  # the shipping area's status value (ShipmentStatus.RETURNED)


@fact_handler("shipment.changed")
def on_shipment_changed(uow: UnitOfWork, fact) -> None:
    """A parcel that reached RETURNED puts its (completed) order on the decisions list, once."""
    if fact.status_after != RETURNED or fact.status_before == RETURNED or not getattr(fact, "order_id", None):
        return
    order = repo.get_order(fact.order_id)
    if order is None or order.status != model.COMPLETED or RETURNED_FLAG in (order.flags or []):
        return
    repo.waits_for_decision(uow, order, flags=list(order.flags or []) + [RETURNED_FLAG],
                            at=int(fact.at or get_clock().now_s()))


def close_without_refund(caller: Caller, order_id: str, note: str) -> dict:
    """Take a returned parcel's order off the decisions list without a refund, with why."""
    if not isinstance(note, str) or not note.strip() or len(note.strip()) > 200:
        raise ValidationError("Tulis alasannya (maks. 200 karakter), misalnya 'dikirim ulang'.", code="invalid_note")
    order = repo.own_order(caller.store_id, order_id)
    if RETURNED_FLAG not in (order.flags or []) or order.open_shard != repo.decision_shard(order.store_id):
        raise Conflict("Pesanan ini tidak menunggu keputusan retur.", code="not_waiting")
    units.commit(lambda uow: repo.decision_made(uow, order, note=f"{caller.staff_name or caller.staff_id}: "
                                                               f"{note.strip()}"))
    return {"order_id": order_id, "closed": True}
