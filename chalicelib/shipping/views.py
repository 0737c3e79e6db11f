"""Reading shipments: one shipment as the PWA shows it, the filtered list, and finding one by the
order number printed on the slip and label, or by its AWB."""
from __future__ import annotations

from ..core import outbox
from ..core.errors import NotFound, ValidationError
from ..core.phone import display_phone
from ..core.web import Caller
from . import model, repo
from .model import ShipmentStatus
from .repo import ShipmentRecord, get_shipment, own_shipment
from .settings import MANUAL, PROVIDER


def shipment_view(rec: ShipmentRecord, booking_state: str | None = None) -> dict:
    status = ShipmentStatus(rec.status)
    recipient = rec.recipient or {}
    phone = recipient.get("contact_phone") or ""
    return {
        "shipment_id": rec.shipment_id, "order_id": rec.order_id, "order_no": rec.order_no, "mode": rec.mode,
        "test_mode": bool(rec.test_mode), "status": status.value, "status_label": model.STATUS_LABELS[status],
        "terminal": status.terminal,
        "courier": {"company": rec.courier_company, "type": rec.courier_type,
                    "label": model.courier_label(rec.courier_company, rec.courier_type)},
        "awb": rec.awb, "awb_source": rec.awb_source, "awb_at": rec.awb_at, "tracking_url": rec.tracking_url,
        "provider_order_id": rec.provider_order_id, "price": rec.price,
        "cod_amount": int(rec.cod_amount) if rec.cod_amount else None,
        "recipient": {"name": recipient.get("contact_name"), "phone": phone,
                      "phone_display": display_phone(phone) if phone.startswith("+62") else phone,
                      "address": recipient.get("address"), "postal_code": recipient.get("postal_code")},
        "weight_g": int(rec.weight_g), "items": rec.items, "created_at": rec.created_at, "updated_at": rec.updated_at,
        "error": rec.error, "booking": booking_state or _booking_state(rec, None),
        "label": {"printed": rec.label_batch is not None, "printed_at": rec.label_printed_at,
                  "print_count": int(rec.label_print_count or 0), "queued": rec.label_queue is not None,
                  "reprint_reason": rec.reprint_reason},
    }


def _booking_state(rec: ShipmentRecord, effect_status: str | None) -> str:
    """``manual``, ``booked``, ``pending`` (not tried or no failure yet), ``retrying`` (failed, the
    outbox tries again) or ``parked`` (failed every retry: staff must retry)."""
    if rec.mode == MANUAL:
        return MANUAL
    if rec.provider_order_id:
        return "booked"
    if rec.error and effect_status == "FAILED":
        return "parked"
    return "retrying" if rec.error else "pending"


def _booking_states(recs: list[ShipmentRecord]) -> dict[str, str]:
    failing = [model.request_effect_id(r.order_id) for r in recs
               if r.mode == PROVIDER and r.error and not r.provider_order_id]
    effects = {item.effect_id: item.status for item in outbox.OutboxItem.batch_get(failing)} if failing else {}
    return {r.shipment_id: _booking_state(r, effects.get(model.request_effect_id(r.order_id))) for r in recs}


def get(caller: Caller, shipment_id: str) -> dict:
    rec = own_shipment(caller.store_id, shipment_id)
    return shipment_view(rec, _booking_states([rec])[rec.shipment_id])


def list_shipments(caller: Caller, *, statuses: list[str], awb: str | None, label: str | None,
                   booking: str | None, q: str | None, limit: int, cursor: str | None) -> dict:
    """Newest first, filtered. ``q`` finds one shipment by AWB or order number (a scan of either)."""
    if q:
        recs = _search(caller, q)
        next_cursor = None
    else:
        recs, next_cursor = repo.store_shipments(caller.store_id, statuses=statuses, awb=awb, label=label,
                                                 booking=booking, limit=limit, cursor=cursor)
    states = _booking_states(recs)
    return {"shipments": [shipment_view(r, states[r.shipment_id]) for r in recs], "next_cursor": next_cursor,
            "unprinted": repo.count_labels_to_print(caller.store_id)}


def _search(caller: Caller, q: str) -> list[ShipmentRecord]:
    text = q.strip().upper()
    found = repo.shipment_with_awb(caller.store_id, model.canonical_awb(text) or text)
    if found is None:
        try:
            found = find_shipment(caller, text, None)
        except NotFound:
            return []
    return [found] if found.store_id == caller.store_id else []


def find_shipment(caller: Caller, order_no: str | None, shipment_id: str | None) -> ShipmentRecord:
    """The store's shipment named by its id, or by its sale's order number (as printed on the slip)."""
    from ..sales import service as sales

    if shipment_id:
        return own_shipment(caller.store_id, shipment_id.strip())
    if not order_no or not order_no.strip():
        raise ValidationError("Isi nomor pesanan atau id kiriman.", code="missing_field")
    wanted = order_no.strip().upper()
    order = sales.order_by_number(caller.store_id, wanted)
    if order is None:
        raise NotFound(f"Pesanan {wanted} tidak ditemukan.", code="order_not_found")
    rec = get_shipment(order.order_id)
    if rec is not None and rec.store_id == caller.store_id:
        return rec
    raise NotFound(f"Pesanan {wanted} tidak punya kiriman.", code="shipment_not_found")
