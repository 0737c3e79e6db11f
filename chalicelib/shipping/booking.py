"""Booking the courier for a sold book order: the ``shipment.request`` outbox handler, and staff's
retry and "book it by hand".

How a shipment comes to be, exactly once:

1. Completing a sale of a book order that ships writes the outbox effect ``shipment#<sale id>``
   (kind :data:`model.SHIPMENT_REQUEST`) in the completion transaction.
2. Its handler creates the shipment (id = sale id, conditional put) and, for stores with a courier
   integration, books it at Biteship with the sale id as reference. The adapter resumes an earlier
   attempt's draft by that reference, so a retry after a timeout or a crash, or a staff retry racing
   the outbox, finds the same courier order instead of making a second one.
3. A failure (low balance, unknown postal code, ...) is stored on the shipment for the PWA and
   re-raised, so the outbox retries with backoff and finally parks the effect; staff retry it.
"""
from __future__ import annotations

from collections.abc import Mapping

from ..book_orders.model import BOOK_ORDER
from ..core import outbox
from ..core import uow as units
from ..core.clock import get_clock
from ..core.db import find
from ..core.errors import Conflict, NotFound, SambungError, ValidationError
from ..core.web import Caller
from . import model, repo
from .model import ShipmentStatus, ShippingSettings
from .news import News, apply_news, told_changed
from .repo import ShipmentRecord, get_shipment, own_shipment
from .settings import MANUAL, PROVIDER, provider_for, shipping_settings, store_shipping
from .views import get, shipment_view

DEFAULT_ITEM_WEIGHT_G = 100  # the catalog's own default, for an item whose product was removed since


def ensure_shipment(order_id: str) -> ShipmentRecord:
    """The shipment of a completed sale, created on first call (REQUESTED, label queued for printing).

    Booking data is copied from the order now: the postal code and the courier CS chose at booking
    (orders booked before those were fields: read from the address and the courier text, leniently,
    so a missing one shows up as the booking's error, which staff can fix, rather than losing the
    shipment). A cash-on-delivery order's shipment collects the order's total.
    """
    existing = get_shipment(order_id)
    if existing is not None:
        return existing
    from ..book_orders import service as book_orders
    from ..catalog import service as catalog
    from ..sales import service as sales

    order = sales.get_order(order_id)
    if order is None:
        raise NotFound("Pesanan tidak ditemukan.", code="order_not_found")
    settings = shipping_settings(order.store_id)
    book = book_orders.book_order(order)
    if book.courier_company and book.courier_type:
        company, service = book.courier_company, book.courier_type
    else:
        company, service = model.parse_courier_choice(book.courier, settings.courier_company, settings.courier_type)
    products = catalog.products_by_sku(order.merchant_id, [line["sku"] for line in order.items])
    items = [{"name": line["name"], "value": int(line["unit_price"]), "quantity": int(line["qty"]),
              "weight_g": products[line["sku"]].weight_g if line["sku"] in products else DEFAULT_ITEM_WEIGHT_G}
             for line in order.items]
    address = book.customer.address
    now = get_clock().now_s()
    integrated = settings.integrated
    rec = ShipmentRecord(
        shipment_id=order.order_id, store_id=order.store_id, merchant_id=order.merchant_id, order_id=order.order_id,
        order_no=order.order_no, mode=PROVIDER if integrated else MANUAL, test_mode=integrated and settings.test_mode,
        status=ShipmentStatus.REQUESTED.value, version=0, created_at=now, updated_at=now, sender=dict(settings.origin),
        recipient={"contact_name": book.customer.name, "contact_phone": book.customer.phone,
                   "address": address, "postal_code": book.postal_code or model.postal_code_in(address)},
        items=items, weight_g=sum(i["weight_g"] * i["quantity"] for i in items),
        courier_company=company, courier_type=service, note=book.note or None, label_queue=order.store_id,
        cod_amount=int(order.total) if book.cod else None)
    created, _ = units.attempt(lambda uow: repo.open_shipment(uow, rec))
    return rec if created else get_shipment(order_id)


def book(shipment_id: str) -> ShipmentRecord:
    """Book the courier for a shipment that has none yet; a no-op for booked and manual ones.

    Safe to run twice at once: both attempts reach the same Biteship order through our reference.
    """
    rec = get_shipment(shipment_id)
    if rec is None:
        raise NotFound("Kiriman tidak ditemukan.", code="shipment_not_found")
    if rec.mode != PROVIDER or rec.provider_order_id or ShipmentStatus(rec.status).terminal:
        return rec  # manual, booked, or cancelled by staff before any courier took it
    settings, merchant_id = store_shipping(rec.store_id)
    try:
        request = _request(rec, settings)
        info = provider_for(settings, merchant_id).create_order(request)
    except SambungError as exc:
        _record_error(rec, exc)
        raise
    updated, _ = apply_news(rec.shipment_id, News.from_info(info, sender=model.address_to_dict(request.origin)))
    return updated


def _request(rec: ShipmentRecord, settings: ShippingSettings) -> model.ShipmentRequest:
    if not rec.courier_company or not rec.courier_type:
        raise ValidationError("Kurir atau layanan kiriman ini belum dipilih. Pilih kurir dan layanan lalu coba lagi.",
                              code="courier_choice_missing")
    if not rec.recipient.get("postal_code"):
        raise ValidationError("Kode pos penerima tidak ditemukan di alamat. Isi kode pos lalu coba lagi.",
                              code="recipient_postal_code_missing")
    return model.ShipmentRequest(
        reference=rec.shipment_id, origin=settings.origin_address(),
        destination=model.address_from_dict(rec.recipient), courier_company=rec.courier_company,
        courier_type=rec.courier_type, items=tuple(model.ShipmentItem(**item) for item in rec.items), note=rec.note,
        cod_amount=int(rec.cod_amount) if rec.cod_amount else None)


def _record_error(rec: ShipmentRecord, exc: SambungError) -> None:
    """Show why booking failed; never over a booking that another attempt has meanwhile made."""
    error = {"code": exc.code, "message": exc.message, "at": get_clock().now_s()}
    units.attempt(lambda uow: repo.note_booking_failure(uow, rec, error))


@outbox.handler(model.SHIPMENT_REQUEST)
def request_shipment(item) -> dict:
    """Outbox effect of a completed sale that ships: create the shipment and book the courier."""
    rec = book(ensure_shipment(item.payload["order_id"]).shipment_id)
    return {"shipment_id": rec.shipment_id, "mode": rec.mode, "status": rec.status, "awb": rec.awb}


# ---- staff ----------------------------------------------------------------------------------------

def retry(caller: Caller, shipment_id: str, fixes: Mapping[str, str]) -> dict:
    """Staff: book again now, optionally after fixing the recipient's postal code or the courier.

    Goes through the same outbox effect when it is parked or due (so it ends DONE); while the effect
    waits out its backoff, books directly, and the effect finds the booking and finishes as a no-op.
    """
    rec = own_shipment(caller.store_id, shipment_id)
    if rec.mode != PROVIDER:
        raise Conflict("Kiriman ini manual: isi nomor resinya lewat Scan resi.", code="shipment_manual")
    if rec.provider_order_id:
        return shipment_view(rec)
    if fixes:
        changed = Conflict("Kiriman baru saja berubah. Muat ulang lalu coba lagi.", code="shipment_changed")
        units.commit(lambda uow: repo.fix_booking_details(
            uow, rec, now=get_clock().now_s(), postal_code=fixes.get("postal_code"),
            courier_company=fixes.get("courier_company"), courier_type=fixes.get("courier_type"), lost=changed))
    effect_id = model.request_effect_id(rec.order_id)
    item = _effect(effect_id)
    try:
        if item is not None and item.status == "FAILED" and outbox.retry_failed(effect_id, caller.store_id):
            outbox.process_one(effect_id)
        elif item is not None and item.status == "PENDING" and item.due_at <= get_clock().now_s():
            outbox.process_one(effect_id)
        else:
            book(rec.shipment_id)
    except SambungError:
        pass  # recorded on the shipment, which the answer shows
    return get(caller, shipment_id)


def _effect(effect_id: str) -> outbox.OutboxItem | None:
    return find(outbox.OutboxItem, effect_id, consistent_read=True)


def switch_to_manual(caller: Caller, shipment_id: str) -> dict:
    """Staff book this one with the courier themselves (e.g. a courier Biteship does not offer)."""
    rec = own_shipment(caller.store_id, shipment_id)
    if rec.mode == MANUAL:
        return shipment_view(rec)
    if rec.cod_amount:
        raise Conflict("Kiriman COD harus lewat Biteship: kurir yang menagih, dan kabar 'terkirim' darinya yang "
                       "menjadikan pesanan ini penjualan.", code="cod_needs_courier")
    booked = Conflict("Kiriman ini sudah dipesan ke kurir lewat Biteship; tidak bisa diubah ke manual.",
                      code="shipment_booked")
    units.commit(lambda uow: repo.book_by_hand(uow, rec, now=get_clock().now_s(), lost=booked))
    # A parked booking effect now finishes as a no-op instead of staying on the failure list.
    effect_id = model.request_effect_id(rec.order_id)
    if outbox.retry_failed(effect_id, caller.store_id):
        outbox.process_one(effect_id)
    return get(caller, shipment_id)


def cancel(caller: Caller, shipment_id: str, reason: str) -> dict:
    """Staff cancel a shipment whose parcel no courier has picked up: at Biteship when it is booked
    there (allowed until pickup; its answer and webhook say cancelled), here when no courier has it
    yet. A cash-on-delivery order ends with its shipment, at once: CANCELLED, its goods available
    again. A parcel already picked up cannot be called back: it is delivered or returned."""
    from ..book_orders import service as book_orders
    from ..sales import service as sales

    rec = get_shipment(shipment_id)
    if rec is None or rec.store_id != caller.store_id:
        # A COD order books its shipment with the booking; its effect may not have run yet.
        order = sales.own_order(caller.store_id, shipment_id)
        if order.kind != BOOK_ORDER or not book_orders.book_order(order).cod:
            raise NotFound("Kiriman tidak ditemukan.", code="shipment_not_found")
        rec = ensure_shipment(order.order_id)
    status = ShipmentStatus(rec.status)
    if status.terminal:
        raise Conflict(f"Kiriman ini sudah berakhir ({model.STATUS_LABELS[status]}).", code="shipment_ended",
                       details={"status": status.value})
    if rec.provider_order_id:
        if not status.cancellable:
            raise Conflict("Paket sudah diambil kurir, jadi kirimannya tidak bisa dibatalkan lagi. Tunggu sampai "
                           "terkirim atau diretur.", code="shipment_not_cancellable", details={"status": status.value})
        settings, merchant_id = store_shipping(rec.store_id)
        info = provider_for(settings, merchant_id).cancel_order(rec.provider_order_id, reason)
        apply_news(rec.shipment_id, News.from_info(info))
    else:
        now = get_clock().now_s()
        changed = Conflict("Kiriman baru saja berubah (mungkin baru dipesan ke kurir). Muat ulang lalu coba lagi.",
                           code="shipment_changed")

        def work(uow: units.UnitOfWork) -> None:
            repo.cancel_unbooked(uow, rec, now=now, lost=changed)
            told_changed(uow, rec, status_after=ShipmentStatus.CANCELLED, new_awb=None, now=now)

        units.commit(work)
        # A parked booking effect now finishes as a no-op instead of staying on the failure list.
        effect_id = model.request_effect_id(rec.order_id)
        if outbox.retry_failed(effect_id, caller.store_id):
            outbox.process_one(effect_id)
    if rec.cod_amount:
        outbox.process_one(model.cod_outcome_effect_id(rec.order_id))  # CS sees the order end now
    return get(caller, rec.shipment_id)
