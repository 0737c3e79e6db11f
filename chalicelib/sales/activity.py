"""What happened after a sale, as staff see it when they open it: its receipts (the first print,
every "SALINAN ke-N", each refund's receipt and its copies, a Book Order's slip) with what the
printer did, and its messages to the shopper (digital receipt, activation link, payment
instructions, refund notice) with whether they went out.

Nothing here is stored twice: each receipt and message is an outbox effect whose id the sale (or
its refund) names (``receipt-print#<order>``, ``msg-refund#<refund>``...), and a print's outcome is
its print job. So one sale's activity is two ``BatchGetItem`` calls: the effects, then their jobs.
A failed effect can be sent again (``retry``); the outbox keeps finished effects 90 days, so older
sales show fewer entries (``kept_days``).
"""
from __future__ import annotations

from dataclasses import dataclass

from ..core import outbox
from ..core.db import find_many
from ..core.errors import Conflict, NotFound, ValidationError
from ..core.outbox import OutboxItem
from ..documents.formatting import masked_phone
from . import refund_rules as rules
from .repo import OrderRecord, RefundRecord

KEPT_DAYS = 90  # core.outbox.mark_done: finished effects are purged after this
MAX_COPIES = 20  # the newest copies of one receipt listed (a counter still says how many there were)

RECEIPT, REFUND_RECEIPT, SLIP = "receipt", "refund_receipt", "slip"
# Message templates (notify.templates) -> what the list calls them.
MESSAGE_KINDS = {"msg-receipt": "receipt_link", "msg-activation": "activation_link", "msg-book": "payment_instructions",
                 "msg-paid": "payment_received", "msg-cancelled": "order_cancelled", "msg-expired": "order_expired",
                 "msg-refund": "refund_notice"}


@dataclass(frozen=True)
class Effect:
    effect_id: str
    kind: str  # RECEIPT | REFUND_RECEIPT | SLIP | one of MESSAGE_KINDS' values
    refund_no: str | None = None
    copy: int | None = None  # the copy's number; None for a first print or a message

    @property
    def message(self) -> bool:
        return self.kind in MESSAGE_KINDS.values()


def effects_of(order: OrderRecord, refunds: list[RefundRecord]) -> list[Effect]:
    """Every receipt and message the sale and its refunds may have queued, in the order they happen."""
    o = order.order_id
    out = [Effect(f"receipt-print#{o}", RECEIPT)]
    if order.kind == "BOOK_ORDER":
        out += [Effect(f"slip-print#{o}", SLIP), Effect(f"msg-book#{o}", MESSAGE_KINDS["msg-book"]),
                Effect(f"msg-paid#{o}", MESSAGE_KINDS["msg-paid"]), Effect(f"msg-expired#{o}", MESSAGE_KINDS["msg-expired"]),
                Effect(f"msg-cancelled#{o}", MESSAGE_KINDS["msg-cancelled"])]
    out += [Effect(f"msg-receipt#{o}", MESSAGE_KINDS["msg-receipt"]),
            Effect(f"msg-activation#{o}", MESSAGE_KINDS["msg-activation"])]
    out += [Effect(f"receipt-copy#{o}#{n}", RECEIPT, copy=n) for n in _copy_numbers(order.receipt_copies)]
    for rec in refunds:
        if rec.status != rules.DONE:  # its receipt and message are queued when it is done
            continue
        r = rec.refund_id
        out += [Effect(f"refund-print#{r}", REFUND_RECEIPT, rec.refund_no),
                Effect(f"msg-refund#{r}", MESSAGE_KINDS["msg-refund"], rec.refund_no)]
        out += [Effect(f"refund-copy#{r}#{n}", REFUND_RECEIPT, rec.refund_no, copy=n)
                for n in _copy_numbers(rec.receipt_copies)]
    return out


def _copy_numbers(count) -> range:
    count = int(count or 0)
    return range(max(1, count - MAX_COPIES + 1), count + 1)


def activity(order: OrderRecord, refunds: list[RefundRecord]) -> dict:
    """``{"receipts": [...], "messages": [...]}`` of one sale (store checked by the caller)."""
    from ..printing import service as printing

    effects = effects_of(order, refunds)
    items = find_many([(OutboxItem, e.effect_id) for e in effects], consistent=False)
    queued = [(e, item) for e, item in zip(effects, items) if item is not None and item.store_id == order.store_id]
    jobs = printing.job_outcomes((item.result or {}).get("job_id") for e, item in queued if not e.message)
    receipts, messages = [], []
    for e, item in queued:
        if e.message:
            messages.append(_message(e, item))
        else:
            receipts.append(_receipt(e, item, jobs.get((item.result or {}).get("job_id"))))
    return {"receipts": receipts, "messages": messages, "kept_days": KEPT_DAYS}


def _base(e: Effect, item: OutboxItem) -> dict:
    return {"effect_id": e.effect_id, "kind": e.kind, "refund_no": e.refund_no, "queued_at": int(item.created_at),
            "can_retry": item.status == "FAILED"}


def _receipt(e: Effect, item: OutboxItem, job) -> dict:
    """A print: queued (waiting for the outbox), then its job's state; a copy says who asked for it."""
    out = _base(e, item)
    copy = (item.payload or {}).get("copy") or {}
    out.update(copy=e.copy, asked_by=copy.get("by_name"), asked_at=copy.get("at"))
    if item.status == "FAILED":  # never reached the printer queue
        out.update(status="FAILED", reason=item.last_error, finished_at=None)
    elif job is None:
        out.update(status="QUEUED", reason=None, finished_at=None)
    else:
        out.update(job)
    return out


def _message(e: Effect, item: OutboxItem) -> dict:
    """A message: queued, SENT (with the channel that took it) or FAILED (why, e.g. no channel reaches the number)."""
    out = _base(e, item)
    to = (item.payload or {}).get("to")
    result = item.result or {}
    status = {"DONE": "SENT", "FAILED": "FAILED"}.get(item.status, "QUEUED")
    out.update(status=status, to_masked=masked_phone(to) if to else None, channel=result.get("provider"),
               sent_at=result.get("sent_at"), reason=item.last_error if item.status != "DONE" else None)
    return out


def retry(order: OrderRecord, refunds: list[RefundRecord], effect_id) -> dict:
    """Staff send a failed receipt print or message again: it must be one of this sale's effects."""
    if not isinstance(effect_id, str) or not effect_id:
        raise ValidationError("effect_id wajib diisi.", code="invalid_effect")
    if effect_id not in {e.effect_id for e in effects_of(order, refunds)}:
        raise NotFound("Struk atau pesan ini bukan milik penjualan ini.", code="effect_not_found")
    if not outbox.retry_failed(effect_id, order.store_id):
        raise Conflict("Hanya struk atau pesan yang gagal yang bisa dikirim ulang.", code="effect_not_failed")
    status = outbox.process_one(effect_id)
    return {"effect_id": effect_id, "status": status}
