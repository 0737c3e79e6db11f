"""Receipts: the printed one (an outbox effect) and the public digital one behind an unguessable link."""
from __future__ import annotations

from ..core import outbox
from ..core.errors import NotFound
from ..core.settings import get_settings
from . import model
from .repo import OrderRecord, ReceiptLinkRecord, get_order


def receipt_data(order: OrderRecord):
    from ..documents import ReceiptData, ReceiptLine
    from ..staff.service import get_store, merchant_name, staff_name, store_settings

    store = get_store(order.store_id)
    phone, balance = None, None
    if order.shopper_id:
        from ..shoppers import service as shoppers

        phone, balance = shoppers.receipt_details(order.merchant_id, order.shopper_id, order.order_id)
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
        points_balance=balance,
        receipt_url=f"{get_settings().public_base_url}/receipt.html#{order.receipt_token}" if order.receipt_token else None,
        tz=store_settings(order.store_id).timezone,
    )


def receipt_pdf(order: OrderRecord, width_mm: int = 80) -> bytes:
    from ..documents import render_receipt

    return render_receipt(receipt_data(order), width_mm=width_mm)


@outbox.handler("print.receipt")
def print_receipt(item) -> dict:
    """Render the receipt and queue it for the store's receipt printer (idempotent on the order)."""
    from ..printing import service as printing

    order = get_order(item.payload["order_id"])
    copies = int(item.payload.get("copies", 1))
    width = printing.receipt_width_mm(order.store_id)
    job = printing.submit_pdf(order.store_id, role="receipt", kind="receipt", pdf=receipt_pdf(order, width),
                              reference=item.effect_id, copies=copies, drawer_kick=order.payment_method == model.CASH,
                              title=f"Struk {order.order_no}")
    return {"job_id": job["job_id"]}


def reprint(store_id: str, order_id: str, actor: str) -> dict:
    """Another copy of a completed sale's receipt, through the same print path."""
    from ..core.ids import new_id

    order = get_order(order_id)
    if order is None or order.store_id != store_id or order.status != model.COMPLETED:
        raise NotFound("Struk hanya ada untuk pesanan yang selesai.", code="receipt_not_found")
    effect_id = f"receipt-reprint#{order_id}#{new_id()}"
    outbox.put(effect_id, "print.receipt", store_id, {"order_id": order_id, "requested_by": actor})
    status = outbox.process_one(effect_id)
    return {"order_id": order_id, "print": status}


def _by_token(tok: str) -> OrderRecord:
    try:
        link = ReceiptLinkRecord.get(tok)
    except ReceiptLinkRecord.DoesNotExist:
        raise NotFound("Struk tidak ditemukan.", code="receipt_not_found") from None
    order = get_order(link.order_id)
    if order is None:
        raise NotFound("Struk tidak ditemukan.", code="receipt_not_found")
    return order


def digital_receipt(tok: str) -> dict:
    from dataclasses import asdict

    from ..documents.formatting import masked_phone

    data = receipt_data(_by_token(tok))
    out = asdict(data)
    # Public behind the link: the shopper's number only as the paper receipt shows it.
    out["shopper_phone_masked"] = masked_phone(data.shopper_phone) if data.shopper_phone else None
    del out["shopper_phone"]
    out["change"] = data.change
    out["items"] = [asdict(i) for i in data.items]
    return out


def digital_receipt_pdf(tok: str) -> bytes:
    return receipt_pdf(_by_token(tok), 80)
