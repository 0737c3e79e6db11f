"""What a chat order's customer hears as the order moves, beside the payment instructions sent when
it is booked: the transfer was received, the order expired unpaid, or it was cancelled (and, when
money had arrived, that it will be given back). Each is queued in the unit of work that makes the
move (through the outbox, like every message) to the number CS booked the order for, once per
order: the effect ids are ``msg-paid#``, ``msg-expired#`` and ``msg-cancelled#<order id>``."""
from __future__ import annotations

from ..core.db import find
from ..core.errors import ValidationError
from ..core.money import format_rupiah
from ..core.outbox import OutboxItem
from ..core.phone import normalize_phone
from ..notify import templates
from ..notify.service import queue_message

PAID, EXPIRED, CANCELLED = "paid", "expired", "cancelled"
_TEMPLATES = {PAID: templates.BOOK_ORDER_PAID, EXPIRED: templates.BOOK_ORDER_EXPIRED,
              CANCELLED: templates.BOOK_ORDER_CANCELLED}


def effect_id(event: str, order_id: str) -> str:
    return f"msg-{event}#{order_id}"


def queue(uow, order, event: str, *, amount: int | None = None, giving_back: int = 0) -> str | None:
    """Queue the customer's message for ``event`` (PAID, EXPIRED, CANCELLED) in the caller's unit of
    work; None when the order has no customer's number or the message was queued before (a payment
    undone and made again tells the customer once)."""
    customer = order.customer or {}
    try:
        phone = normalize_phone(customer.get("phone") or "")
    except ValidationError:  # no number to reach (or one kept as typed long ago): nothing to send
        return None
    effect = effect_id(event, order.order_id)
    if find(OutboxItem, effect, consistent_read=True) is not None:
        return None
    from ..shoppers.model import first_name
    from ..staff.service import get_store

    params = {"name": first_name(customer.get("name") or "") or "Pelanggan", "store": get_store(order.store_id).name,
              "order_no": order.order_no, "amount": format_rupiah(int(amount if amount is not None else order.total))}
    if event == CANCELLED:
        params["refund"] = (f"Dana {format_rupiah(giving_back)} yang sudah Anda transfer akan kami kembalikan."
                            if giving_back else "Terima kasih.")
    return queue_message(uow, effect_id=effect, store_id=order.store_id, to_e164=phone, template=_TEMPLATES[event],
                         params=params)
