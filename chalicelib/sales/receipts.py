"""Receipts: the printed ones (outbox effects) and the public digital ones behind unguessable links.

- A sale's receipt prints when it completes (``print.receipt``); a refund's or void's own receipt
  prints when it is done (``print.refund_receipt``), through the same print path.
- A reprint (``reprint``, ``reprint_refund``) is a copy: "SALINAN ke-N" with the reprint time and
  who asked. N counts the copies of that receipt; the count is kept on the sale's (or the refund's)
  own item and moves in the same unit of work as the copy's print effect, only from the count read,
  so two reprints asked at the same instant get N and N+1, never the same number.
- ``GET /api/receipts/{token}`` answers the sale's receipt (``document: "sale"``, with the refunds
  done on it) or, for a refund's link, the refund receipt (``document: "refund"``); the shopper's
  number only masked either way.
"""
from __future__ import annotations

from ..core import outbox
from ..core import uow as units
from ..core.clock import get_clock
from ..core.errors import Conflict, NotFound
from ..core.settings import get_settings
from . import model, repo
from . import refund_rules as rules
from .repo import OrderRecord, ReceiptLinkRecord, RefundRecord, get_order, get_refund, order_refunds

RECEIPT_STATES = (model.COMPLETED, model.VOIDED)  # sales that have a receipt (a voided one says so)
_COPY_RETRIES = 20  # reprints of one receipt asked at the same instant each take the next number


def _receipt_url(token: str | None) -> str | None:
    return f"{get_settings().public_base_url}/receipt.html#{token}" if token else None


def _copy_mark(copy: dict | None):
    from ..documents import CopyMark

    if not copy:
        return None
    return CopyMark(number=int(copy["number"]), printed_at=copy["at"], requested_by=copy.get("by_name") or copy["by"])


def _done_refunds(order: OrderRecord) -> list[RefundRecord]:
    if not int(order.refund_count or 0):
        return []  # never asked for a refund: no read
    return [r for r in order_refunds(order.order_id) if r.status == rules.DONE]


# ---- the sale's receipt -----------------------------------------------------------------------

def receipt_data(order: OrderRecord, *, copy: dict | None = None, refunds: list[RefundRecord] | None = None):
    from ..documents import ReceiptData, ReceiptLine, RefundNote
    from ..staff.service import get_store, merchant_name, staff_name, store_settings

    store = get_store(order.store_id)
    phone, balance = None, None
    if order.shopper_id:
        from ..shoppers import service as shoppers

        phone, balance = shoppers.receipt_details(order.merchant_id, order.shopper_id, order.order_id)
    refunds = _done_refunds(order) if refunds is None else refunds
    return ReceiptData(
        merchant_name=merchant_name(order.merchant_id), store_name=store.name, store_address=store.address,
        cashier_name=staff_name(order.store_id, order.created_by) or "-", order_number=order.order_no,
        paid_at=order.paid_at or order.created_at,
        items=[ReceiptLine(i["name"], i["qty"], i["unit_price"], i["line_total"]) for i in order.items],
        subtotal=int(order.subtotal), total=int(order.total), discount=int(order.discount),
        shipping_fee=int(order.shipping_fee or 0), unique_code=int(order.unique_code or 0),
        payment_method=order.payment_method or model.QRIS, payment_issuer=order.payment_issuer,
        cash_received=int(order.cash_received) if order.cash_received is not None else None,
        shopper_phone=phone, points_earned=int(order.points_earned) if order.points_earned else None,
        points_balance=balance, receipt_url=_receipt_url(order.receipt_token),
        tz=store_settings(order.store_id).timezone, copy=_copy_mark(copy),
        refunds=[RefundNote(refund_number=r.refund_no, amount=int(r.amount), refunded_at=r.done_at or r.created_at,
                            void=r.kind == rules.VOID) for r in refunds],
        voided=order.status == model.VOIDED,
    )


def receipt_pdf(order: OrderRecord, width_mm: int = 80, *, copy: dict | None = None) -> bytes:
    from ..documents import render_receipt

    return render_receipt(receipt_data(order, copy=copy), width_mm=width_mm)


@outbox.handler("print.receipt")
def print_receipt(item) -> dict:
    """Render the receipt and queue it for the store's receipt printer (idempotent on the effect).
    The first print opens the drawer of a cash sale; a copy (``copy`` in the payload) never does."""
    from ..printing import service as printing

    order = get_order(item.payload["order_id"])
    copy = item.payload.get("copy")
    copies = int(item.payload.get("copies", 1))
    width = printing.receipt_width_mm(order.store_id)
    title = f"Struk {order.order_no}" + (f" (SALINAN ke-{copy['number']})" if copy else "")
    job = printing.submit_pdf(order.store_id, role="receipt", kind="receipt", pdf=receipt_pdf(order, width, copy=copy),
                              reference=item.effect_id, copies=copies,
                              drawer_kick=copy is None and order.payment_method == model.CASH, title=title)
    return {"job_id": job["job_id"]}


# ---- the refund's receipt ---------------------------------------------------------------------

def refund_receipt_data(order: OrderRecord, rec: RefundRecord, *, copy: dict | None = None):
    from ..documents import RefundReceiptData, RefundReceiptLine
    from ..staff.service import get_store, merchant_name, staff_name, store_settings

    store = get_store(order.store_id)
    phone, taken, balance = None, None, None
    if order.shopper_id:
        from ..shoppers import service as shoppers

        phone, taken, balance = shoppers.refund_receipt_details(order.merchant_id, order.shopper_id, rec.refund_id)
    reference = rec.transfer_ref if rec.tender == model.BANK_TRANSFER else \
        rec.provider_refund_id if rec.tender == model.QRIS else None
    return RefundReceiptData(
        merchant_name=merchant_name(order.merchant_id), store_name=store.name, store_address=store.address,
        refund_number=rec.refund_no, order_number=order.order_no, refunded_at=rec.done_at or rec.created_at,
        sale_paid_at=order.paid_at or order.created_at,
        lines=[RefundReceiptLine(name=line.get("name") or line["sku"], qty=int(line["qty"]),
                                 unit_price=int(line["unit_price"]), amount=int(line["amount"])) for line in rec.lines or []],
        amount=int(rec.amount), tender=rec.tender,
        tender_issuer=order.payment_issuer if rec.tender == model.QRIS else None, tender_reference=reference,
        reason=rules.REASONS.get(rec.reason, rec.reason), note=rec.note,
        processed_by=rec.requested_by_name or staff_name(order.store_id, rec.requested_by) or "-",
        approved_by=(rec.approved_by_name or staff_name(order.store_id, rec.approved_by) or rec.approved_by)
        if rec.approved_by else None,
        void=rec.kind == rules.VOID, shopper_phone=phone, points_taken=taken, points_balance=balance,
        receipt_url=_receipt_url(rec.receipt_token), tz=store_settings(order.store_id).timezone, copy=_copy_mark(copy))


def refund_receipt_pdf(order: OrderRecord, rec: RefundRecord, width_mm: int = 80, *, copy: dict | None = None) -> bytes:
    from ..documents import render_refund_receipt

    return render_refund_receipt(refund_receipt_data(order, rec, copy=copy), width_mm=width_mm)


def _done_refund(order_id: str, refund_id: str) -> tuple[OrderRecord, RefundRecord]:
    order, rec = get_order(order_id), get_refund(order_id, refund_id)
    if order is None or rec is None or rec.status != rules.DONE:
        raise NotFound("Struk pengembalian hanya ada untuk pengembalian yang selesai.", code="receipt_not_found")
    return order, rec


@outbox.handler("print.refund_receipt")
def print_refund_receipt(item) -> dict:
    """Render a refund's (or void's) receipt and queue it for the store's receipt printer, like a
    sale's receipt (idempotent on the effect). The first print of a cash refund opens the drawer:
    the money goes out of it."""
    from ..printing import service as printing

    order, rec = _done_refund(item.payload["order_id"], item.payload["refund_id"])
    copy = item.payload.get("copy")
    width = printing.receipt_width_mm(order.store_id)
    title = f"Pengembalian {rec.refund_no}" + (f" (SALINAN ke-{copy['number']})" if copy else "")
    job = printing.submit_pdf(order.store_id, role="receipt", kind="refund_receipt",
                              pdf=refund_receipt_pdf(order, rec, width, copy=copy), reference=item.effect_id,
                              drawer_kick=copy is None and rec.tender == model.CASH, title=title)
    return {"job_id": job["job_id"]}


# ---- reprints ("SALINAN ke-N") ----------------------------------------------------------------

def reprint(store_id: str, order_id: str, actor: str) -> dict:
    """Another copy of a sale's receipt, through the same print path, marked "SALINAN ke-N" with the
    time and the name of who asked. A voided sale's copy says it was voided."""
    order = get_order(order_id)
    if order is None or order.store_id != store_id or order.status not in RECEIPT_STATES:
        raise NotFound("Struk hanya ada untuk pesanan yang selesai.", code="receipt_not_found")
    copy, status = _print_copy(store_id, actor, OrderRecord, (order_id,), effect=f"receipt-copy#{order_id}",
                               kind="print.receipt", payload={"order_id": order_id})
    return {"order_id": order_id, "copy": copy["number"], "print": status}


def reprint_refund(store_id: str, order_id: str, refund_id: str, actor: str) -> dict:
    """Another copy of a refund's (or void's) receipt, marked like a sale's copy."""
    order, rec = get_order(order_id), get_refund(order_id, refund_id)
    if order is None or order.store_id != store_id or rec is None or rec.status != rules.DONE:
        raise NotFound("Struk pengembalian hanya ada untuk pengembalian yang selesai.", code="receipt_not_found")
    copy, status = _print_copy(store_id, actor, RefundRecord, (order_id, refund_id),
                               effect=f"refund-copy#{refund_id}", kind="print.refund_receipt",
                               payload={"order_id": order_id, "refund_id": refund_id})
    return {"order_id": order_id, "refund_id": refund_id, "copy": copy["number"], "print": status}


def _print_copy(store_id: str, actor: str, record_cls, keys: tuple, *, effect: str, kind: str,
                payload: dict) -> tuple[dict, str | None]:
    """Number the next copy of a receipt and queue its print in one unit, then deliver it now."""
    from ..staff.service import staff_name

    name = staff_name(store_id, actor) or actor
    now = get_clock().now_s()

    def work(uow: units.UnitOfWork) -> tuple[dict, str]:
        seen = repo.receipt_copies(record_cls, keys)
        copy = {"number": seen + 1, "at": now, "by": actor, "by_name": name}
        repo.copy_counted(uow, record_cls, keys, seen)
        effect_id = f"{effect}#{copy['number']}"
        uow.outbox(effect_id, kind, store_id, dict(payload, copy=copy))
        return copy, effect_id

    try:
        copy, effect_id = units.run(work, lost_retries=_COPY_RETRIES)
    except units.ConditionLost:
        raise Conflict("Struk ini sedang dicetak ulang dari perangkat lain. Coba lagi.", code="reprint_busy") from None
    return copy, outbox.process_one(effect_id)


# ---- the public digital receipts ----------------------------------------------------------------

def _link(tok: str) -> ReceiptLinkRecord:
    try:
        return ReceiptLinkRecord.get(tok)
    except ReceiptLinkRecord.DoesNotExist:
        raise NotFound("Struk tidak ditemukan.", code="receipt_not_found") from None


def _by_token(tok: str) -> tuple[OrderRecord, RefundRecord | None]:
    link = _link(tok)
    order = get_order(link.order_id)
    if order is None:
        raise NotFound("Struk tidak ditemukan.", code="receipt_not_found")
    if not link.refund_id:
        return order, None
    rec = get_refund(link.order_id, link.refund_id)
    if rec is None or rec.status != rules.DONE:
        raise NotFound("Struk tidak ditemukan.", code="receipt_not_found")
    return order, rec


def _public(data) -> dict:
    """A document's data as the public page may show it: the shopper's number masked only."""
    from dataclasses import asdict

    from ..documents.formatting import masked_phone

    out = asdict(data)
    out["shopper_phone_masked"] = masked_phone(data.shopper_phone) if data.shopper_phone else None
    del out["shopper_phone"]
    out.pop("copy", None)  # the digital receipt is never a paper copy
    return out


def digital_receipt(tok: str) -> dict:
    order, rec = _by_token(tok)
    if rec is not None:
        return _digital_refund(order, rec)
    refunds = _done_refunds(order)
    data = receipt_data(order, refunds=refunds)
    out = _public(data)
    out["document"] = "sale"
    out["status"] = order.status
    out["change"] = data.change
    out["items"] = [{"name": i.name, "qty": i.qty, "unit_price": i.unit_price, "line_total": i.line_total}
                    for i in data.items]
    # The refunds done on this sale, each with its own receipt's link (same shopper, same sale).
    out["refunds"] = [{"refund_number": r.refund_no, "kind": r.kind, "amount": int(r.amount),
                       "refunded_at": int(r.done_at or r.created_at), "receipt_token": r.receipt_token}
                      for r in refunds]
    out["refunded"] = data.refunded
    return out


def _digital_refund(order: OrderRecord, rec: RefundRecord) -> dict:
    data = refund_receipt_data(order, rec)
    out = _public(data)
    out["document"] = "refund"
    out["kind"] = rec.kind
    out["title"] = data.title
    out["points_owed"] = max(0, -data.points_balance) if data.points_balance is not None else 0
    out["sale_receipt_token"] = order.receipt_token
    return out


def digital_receipt_pdf(tok: str) -> bytes:
    order, rec = _by_token(tok)
    if rec is not None:
        return refund_receipt_pdf(order, rec, 80)
    return receipt_pdf(order, 80)
