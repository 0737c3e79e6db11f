"""Shipping use cases: settings, booking couriers for paid book orders, AWBs, labels, webhooks.

How a shipment comes to be, exactly once:

1. Completing a sale of a book order that ships writes the outbox effect ``shipment#<sale id>``
   (kind :data:`model.SHIPMENT_REQUEST`) in the completion transaction.
2. Its handler creates the shipment (id = sale id, conditional put) and, for stores with a courier
   integration, books it at Biteship with the sale id as reference. The adapter resumes an earlier
   attempt's draft by that reference, so a retry after a timeout or a crash, or a staff retry racing
   the outbox, finds the same courier order instead of making a second one.
3. A failure (low balance, unknown postal code, ...) is stored on the shipment for the PWA and
   re-raised, so the outbox retries with backoff and finally parks the effect; staff retry it.

Every later change (webhook, AWB poller, staff scan, label batch) is a conditional write on the
shipment's ``version`` or label state, decided by :func:`model.plan_change`, so news never moves a
shipment backwards and two writers never overwrite each other.
"""
from __future__ import annotations

import json
import secrets
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from pynamodb.exceptions import PutError, TransactWriteError, UpdateError

from ..core.paging import decode_cursor, encode_cursor
from ..core import outbox
from ..core.clock import get_clock
from ..core.db import is_condition_failure, transaction
from ..core.errors import Conflict, NotFound, SambungError, ValidationError
from ..core.ids import new_id
from ..core.observability import logger
from ..core.phone import display_phone
from ..core.settings import get_settings
from ..core.web import Caller
from ..reports import counters as report_counters
from . import model
from .model import ShipmentInfo, ShipmentStatus, ShippingSettings
from .providers.biteship import BASE_URL, DEFAULT_WEBHOOK_HEADER, BiteshipProvider, parse_webhook
from .repo import (
    AWB_WAIT_SHARD,
    EVENT_KEEP_SECONDS,
    CourierEventRecord,
    ShipmentKeyRecord,
    ShipmentRecord,
    awb_key,
    get_shipment,
    own_shipment,
    provider_key,
    shipment_by_key,
)

PROVIDER = "biteship"
MANUAL = "manual"
# Seconds per courier API call; the adapter retries each step once, and the outbox retries later.
COURIER_TIMEOUT_S = 10.0
# Stages where secrets may sit in the settings themselves; in AWS only SSM parameter names do.
LOCAL_STAGES = frozenset({"dev", "test", "local"})
# A neutral public AWB lookup for the customer's message when the courier gives no tracking link
# and the store has not set its own (Settings -> tracking_url).
DEFAULT_TRACKING_URL = "https://cekresi.com/?noresi={awb}"
DEFAULT_ITEM_WEIGHT_G = 100  # the catalog's own default, for an item whose product was removed since
LABEL_BATCH_MAX = 100  # one click renders at most this many labels, well inside the API's time limit
FIRST_POLL_S, MAX_POLL_S = 60, 30 * 60
_RETRIES = 8


# ---- settings ---------------------------------------------------------------------------------

def shipping_settings(store_id: str) -> ShippingSettings:
    from ..staff.service import get_store

    return ShippingSettings.from_dict((get_store(store_id).settings or {}).get("shipping"))


def webhook_url() -> str:
    return f"{get_settings().public_base_url}/api/callbacks/biteship"


def settings_view(store_id: str) -> dict:
    """The settings as an admin sees them: secrets only as "tersimpan", never their value."""
    s = shipping_settings(store_id)
    return {
        "provider": s.provider, "integrated": s.integrated, "test_mode": s.test_mode, "origin": s.origin or None,
        "courier_company": s.courier_company, "courier_type": s.courier_type, "tracking_url": s.tracking_url,
        "api_key": model.SECRET_SHOWN if (s.api_key or s.api_key_param) else None, "api_key_param": s.api_key_param,
        "webhook_secret": model.SECRET_SHOWN if (s.webhook_secret or s.webhook_secret_param) else None,
        "webhook_secret_param": s.webhook_secret_param, "webhook_header": DEFAULT_WEBHOOK_HEADER,
        "webhook_url": webhook_url(),
    }


_PAIRED = {"api_key": "api_key_param", "api_key_param": "api_key",
           "webhook_secret": "webhook_secret_param", "webhook_secret_param": "webhook_secret"}


def update_settings(caller: Caller, patch: Mapping[str, Any]) -> dict:
    """Change some settings; a field set to null is cleared. A secret and its SSM name replace each other."""
    def change(current: ShippingSettings) -> ShippingSettings:
        data = current.to_dict()
        for name, value in patch.items():
            if value is None:
                data.pop(name, None)
            else:
                data[name] = value
                if name in _PAIRED:
                    data.pop(_PAIRED[name], None)
        return _validated(ShippingSettings.from_dict(data), set(patch))

    _save_settings(caller.store_id, change)
    return settings_view(caller.store_id)


def new_webhook_secret(caller: Caller) -> dict:
    """Generate the shared webhook secret and show it once, for the admin to paste into Biteship.

    Unlike the API key it may be stored in the settings in AWS too: we generate it, and it only
    authenticates calls to us; it cannot spend the merchant's balance.
    """
    secret = secrets.token_urlsafe(24)
    _save_settings(caller.store_id, lambda current: ShippingSettings.from_dict(
        {**{k: v for k, v in current.to_dict().items() if k != "webhook_secret_param"}, "webhook_secret": secret}))
    return {"webhook_secret": secret, "webhook_header": DEFAULT_WEBHOOK_HEADER, "webhook_url": webhook_url()}


def _validated(s: ShippingSettings, changed: set[str]) -> ShippingSettings:
    stage = get_settings().stage
    if s.provider not in model.PROVIDERS:
        raise ValidationError("Integrasi harus biteship atau manual.", code="invalid_provider")
    if s.api_key is not None:
        if "api_key" in changed and stage not in LOCAL_STAGES:
            raise ValidationError("Simpan API key di SSM Parameter Store lalu isi nama parameternya (api_key_param).",
                                  code="api_key_needs_ssm")
        model.validate_api_key(s.api_key, s.test_mode)
    for name in ("api_key_param", "webhook_secret_param"):
        value = getattr(s, name)
        # The API's role may read only this stage's parameters (see infra/cdk).
        if value is not None and not value.startswith(f"/sambung/{stage}/"):
            raise ValidationError(f"Nama parameter SSM harus diawali /sambung/{stage}/.", code="invalid_param_name")
    if s.webhook_secret is not None and len(s.webhook_secret) < 16:
        raise ValidationError("Rahasia webhook minimal 16 karakter.", code="invalid_webhook_secret")
    if s.courier_company is not None:
        model.validate_courier_code(s.courier_company, "Kurir")
    if s.courier_type is not None:
        model.validate_courier_code(s.courier_type, "Layanan kurir")
    if s.tracking_url is not None:
        model.validate_tracking_url(s.tracking_url)
    origin = model.address_to_dict(model.address_from_dict(s.origin)) if s.origin else {}
    if s.provider == PROVIDER:
        missing = [label for label, ok in (
            ("API key", bool(s.api_key or s.api_key_param)), ("alamat pengirim", bool(origin)),
            ("kurir default", bool(s.courier_company and s.courier_type))) if not ok]
        if missing:
            raise ValidationError("Untuk memakai Biteship, lengkapi dulu: " + ", ".join(missing) + ".",
                                  code="shipping_settings_incomplete", details={"missing": missing})
    return ShippingSettings.from_dict({**s.to_dict(), "origin": origin})


def _save_settings(store_id: str, change: Callable[[ShippingSettings], ShippingSettings]) -> None:
    """Replace the ``shipping`` part of the store's settings, conditional on the settings read (others
    edit other parts of the same item)."""
    from ..staff.model import StoreSettings
    from ..staff.repo import StoreRecord

    for _ in range(_RETRIES):
        store = StoreRecord.get(store_id, consistent_read=True)
        current = dict(store.settings or {})
        merged = dict(current, shipping=change(ShippingSettings.from_dict(current.get("shipping"))).to_dict())
        StoreSettings.from_dict(merged)
        try:
            store.update(actions=[StoreRecord.settings.set(merged)], condition=StoreRecord.settings == current)
            return
        except UpdateError as exc:
            if not is_condition_failure(exc):
                raise
    raise Conflict("Pengaturan toko sedang diubah orang lain. Coba lagi.", code="settings_busy")


def _secret(value: str | None, param: str | None) -> str | None:
    if param:
        from aws_lambda_powertools.utilities.parameters import get_parameter

        return get_parameter(param, decrypt=True, max_age=300)
    return value


def provider_for(s: ShippingSettings) -> BiteshipProvider:
    return BiteshipProvider(_secret(s.api_key, s.api_key_param) or "", base_url=s.base_url or BASE_URL,
                            timeout_s=COURIER_TIMEOUT_S,
                            webhook_secret=_secret(s.webhook_secret, s.webhook_secret_param))


# ---- creating and booking -------------------------------------------------------------------------

def ensure_shipment(order_id: str) -> ShipmentRecord:
    """The shipment of a completed sale, created on first call (REQUESTED, label queued for printing).

    Booking data is copied from the order now, leniently: a missing postal code or courier choice
    shows up as the booking's error, which staff can fix, rather than losing the shipment.
    """
    existing = get_shipment(order_id)
    if existing is not None:
        return existing
    from ..catalog import repo as catalog_repo
    from ..sales.repo import get_order

    order = get_order(order_id)
    if order is None:
        raise NotFound("Pesanan tidak ditemukan.", code="order_not_found")
    settings = shipping_settings(order.store_id)
    customer, extra = order.customer or {}, order.extra or {}
    company, service = model.parse_courier_choice(extra.get("courier"), settings.courier_company, settings.courier_type)
    products = catalog_repo.get_many(order.merchant_id, [line["sku"] for line in order.items])
    items = [{"name": line["name"], "value": int(line["unit_price"]), "quantity": int(line["qty"]),
              "weight_g": products[line["sku"]].weight_g if line["sku"] in products else DEFAULT_ITEM_WEIGHT_G}
             for line in order.items]
    address = str(customer.get("address") or "")
    now = get_clock().now_s()
    integrated = settings.integrated
    rec = ShipmentRecord(
        shipment_id=order.order_id, store_id=order.store_id, merchant_id=order.merchant_id, order_id=order.order_id,
        order_no=order.order_no, mode=PROVIDER if integrated else MANUAL, test_mode=integrated and settings.test_mode,
        status=ShipmentStatus.REQUESTED.value, version=0, created_at=now, updated_at=now, sender=dict(settings.origin),
        recipient={"contact_name": customer.get("name") or "", "contact_phone": customer.get("phone") or "",
                   "address": address, "postal_code": model.postal_code_in(address)},
        items=items, weight_g=sum(i["weight_g"] * i["quantity"] for i in items),
        courier_company=company, courier_type=service, note=extra.get("note") or None, label_queue=order.store_id)
    try:
        rec.save(condition=ShipmentRecord.shipment_id.does_not_exist())
    except PutError as exc:
        if not is_condition_failure(exc):
            raise
        return get_shipment(order_id)
    return rec


def book(shipment_id: str) -> ShipmentRecord:
    """Book the courier for a shipment that has none yet; a no-op for booked and manual ones.

    Safe to run twice at once: both attempts reach the same Biteship order through our reference.
    """
    rec = get_shipment(shipment_id)
    if rec is None:
        raise NotFound("Kiriman tidak ditemukan.", code="shipment_not_found")
    if rec.mode != PROVIDER or rec.provider_order_id:
        return rec
    settings = shipping_settings(rec.store_id)
    try:
        request = _request(rec, settings)
        info = provider_for(settings).create_order(request)
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
        courier_type=rec.courier_type, items=tuple(model.ShipmentItem(**item) for item in rec.items), note=rec.note)


def _record_error(rec: ShipmentRecord, exc: SambungError) -> None:
    """Show why booking failed; never over a booking that another attempt has meanwhile made."""
    error = {"code": exc.code, "message": exc.message, "at": get_clock().now_s()}
    try:
        rec.update(actions=[ShipmentRecord.error.set(error), ShipmentRecord.updated_at.set(error["at"])],
                   condition=ShipmentRecord.provider_order_id.does_not_exist())
    except UpdateError as err:
        if not is_condition_failure(err):
            raise


@outbox.handler(model.SHIPMENT_REQUEST)
def request_shipment(item) -> dict:
    """Outbox effect of a completed sale that ships: create the shipment and book the courier."""
    rec = book(ensure_shipment(item.payload["order_id"]).shipment_id)
    return {"shipment_id": rec.shipment_id, "mode": rec.mode, "status": rec.status, "awb": rec.awb}


# ---- applying news ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class News:
    """Something we learnt about a shipment; None fields are not part of the news."""

    status: ShipmentStatus | None = None
    awb: str | None = None
    awb_source: str = "courier"  # courier | staff
    provider_order_id: str | None = None
    tracking_id: str | None = None
    tracking_url: str | None = None
    price: int | None = None
    courier_company: str | None = None
    courier_type: str | None = None
    sender: dict | None = None  # the origin a booking used

    @classmethod
    def from_info(cls, info: ShipmentInfo, *, sender: dict | None = None) -> News:
        return cls(status=info.status, awb=info.awb, provider_order_id=info.provider_order_id,
                   tracking_id=info.tracking_id, tracking_url=info.tracking_url, price=info.price,
                   courier_company=info.courier_company, courier_type=info.courier_type, sender=sender)


def apply_news(shipment_id: str, news: News) -> tuple[ShipmentRecord, str]:
    """Store what changes, in one transaction conditional on the shipment's version: the shipment,
    the AWB's uniqueness key, the courier order key and, for a new AWB, the customer's message.

    Returns the stored shipment and ``applied``, ``unchanged`` or ``other_order`` (news about a courier
    order that is not this shipment's). Raises :class:`Conflict` ``awb_duplicate`` when the AWB
    already belongs to another shipment of the store.
    """
    for _ in range(_RETRIES):
        rec = get_shipment(shipment_id)
        if rec is None:
            raise NotFound("Kiriman tidak ditemukan.", code="shipment_not_found")
        if news.provider_order_id and rec.provider_order_id and news.provider_order_id != rec.provider_order_id:
            logger.error("courier order does not match the shipment", extra={
                "shipment_id": shipment_id, "stored": rec.provider_order_id, "news": news.provider_order_id})
            return rec, "other_order"
        current = ShipmentStatus(rec.status)
        change = model.plan_change(current, rec.awb, label_printed=rec.label_batch is not None,
                                   status=news.status, awb=news.awb)
        now = get_clock().now_s()
        new_order = bool(news.provider_order_id) and rec.provider_order_id is None
        actions = _news_actions(rec, news, change, new_order, now)
        if not actions:
            return rec, "unchanged"
        actions += [ShipmentRecord.version.add(1), ShipmentRecord.updated_at.set(now)]
        message_id = f"msg-awb#{rec.shipment_id}#{change.awb}" if change.notify else None
        if message_id and _already_queued(message_id):
            message_id = None  # the AWB came back after a change: the customer already has it
        try:
            with transaction() as tx:
                tx.update(rec, actions=actions, condition=ShipmentRecord.version == rec.version)
                report_counters.on_shipment_change(tx, store_id=rec.store_id, status_before=rec.status,
                                                   had_awb=bool(rec.awb), status_after=change.status,
                                                   new_awb=change.awb, at=now)
                if change.awb:
                    tx.save(ShipmentKeyRecord(key=awb_key(rec.store_id, change.awb), shipment_id=rec.shipment_id,
                                              store_id=rec.store_id), condition=ShipmentKeyRecord.key.does_not_exist())
                    if rec.awb:
                        tx.delete(ShipmentKeyRecord(key=awb_key(rec.store_id, rec.awb)),
                                  condition=(ShipmentKeyRecord.shipment_id == rec.shipment_id)
                                  | ShipmentKeyRecord.key.does_not_exist())
                if new_order:
                    tx.save(ShipmentKeyRecord(key=provider_key(PROVIDER, news.provider_order_id),
                                              shipment_id=rec.shipment_id, store_id=rec.store_id),
                            condition=ShipmentKeyRecord.key.does_not_exist())
                if message_id:
                    _queue_awb_message(tx, rec, message_id, change.awb, news.tracking_url or rec.tracking_url,
                                       news.courier_company or rec.courier_company, news.courier_type or rec.courier_type)
        except TransactWriteError as exc:
            if not is_condition_failure(exc):
                raise
            # Which condition failed is not told reliably by position (other areas add actions to
            # this transaction), so look: an AWB owned by another shipment will not go away.
            if change.awb:
                other = shipment_by_key(awb_key(rec.store_id, change.awb))
                if other is not None and other.shipment_id != rec.shipment_id:
                    raise Conflict(f"Nomor resi {change.awb} sudah dipakai untuk pesanan {other.order_no}.",
                                   code="awb_duplicate", details={"awb": change.awb, "order_no": other.order_no}) from None
            continue  # someone changed the shipment first: read again and decide again
        return get_shipment(shipment_id), "applied"
    raise Conflict("Kiriman sedang diubah bersamaan. Coba lagi.", code="shipment_busy")


def _news_actions(rec: ShipmentRecord, news: News, change: model.ShipmentChange, new_order: bool, now: int) -> list:
    S = ShipmentRecord
    actions = []
    if new_order:
        actions += [S.provider_order_id.set(news.provider_order_id), S.error.remove()]
        if news.sender:
            actions.append(S.sender.set(news.sender))
    for attr, value in ((S.tracking_id, news.tracking_id), (S.tracking_url, news.tracking_url), (S.price, news.price),
                        (S.courier_company, news.courier_company), (S.courier_type, news.courier_type)):
        if value is not None and value != getattr(rec, attr.attr_name):
            actions.append(attr.set(value))
    if change.status is not None:
        actions.append(S.status.set(change.status.value))
    if change.awb is not None:
        actions += [S.awb.set(change.awb), S.awb_at.set(now), S.awb_source.set(news.awb_source)]
    if change.reprint_reason is not None:
        actions += [S.label_batch.remove(), S.label_queue.set(rec.store_id), S.reprint_reason.set(change.reprint_reason)]
    if change.leaves_label_queue and rec.label_queue is not None:
        actions += [S.label_queue.remove(), S.reprint_reason.remove()]
    # Booked at the courier, journey running, no AWB yet: the poller asks until one comes.
    final = change.status or ShipmentStatus(rec.status)
    waiting = (rec.mode == PROVIDER and bool(rec.provider_order_id or new_order)
               and not (change.awb or rec.awb) and not final.terminal)
    if waiting and rec.awb_wait is None:
        actions += [S.awb_wait.set(AWB_WAIT_SHARD), S.poll_at.set(now + FIRST_POLL_S)]
    elif not waiting and rec.awb_wait is not None:
        actions += [S.awb_wait.remove(), S.poll_at.remove()]
    return actions


def _already_queued(effect_id: str) -> bool:
    try:
        outbox.OutboxItem.get(effect_id, consistent_read=True)
        return True
    except outbox.OutboxItem.DoesNotExist:
        return False


def _queue_awb_message(tx, rec: ShipmentRecord, effect_id: str, awb: str, tracking_url: str | None,
                       company: str | None, service: str | None) -> None:
    from ..notify import templates
    from ..notify.service import queue_message
    from ..shoppers.model import first_name
    from ..staff.service import get_store

    phone = rec.recipient.get("contact_phone")
    if not phone:
        return
    courier = model.courier_label(company, service)
    link = tracking_url or (shipping_settings(rec.store_id).tracking_url or DEFAULT_TRACKING_URL).format(
        awb=awb, courier=(company or ""))
    queue_message(tx, effect_id=effect_id, store_id=rec.store_id, to_e164=phone, template=templates.AWB_NOTIFICATION,
                  params={"name": first_name(rec.recipient.get("contact_name") or "") or "Pelanggan",
                          "store": get_store(rec.store_id).name, "order_no": rec.order_no, "courier": courier,
                          "awb": awb, "tracking_url": link})


# ---- webhook and polling ------------------------------------------------------------------------------

def handle_webhook(headers: Mapping[str, str], body: bytes) -> dict:
    """A Biteship callback: find the shipment, verify its store's secret, record the event once, apply it.

    The empty-body installation check is answered without doing anything. An order we do not know
    gets 404 so Biteship tries again: the callback can overtake our own write of its order id.
    """
    text = body.decode("utf-8", errors="replace") if body else ""
    if not text.strip():
        return {"status": "ok"}
    try:
        payload = json.loads(text)
    except ValueError:
        raise ValidationError("Isi webhook Biteship bukan JSON yang valid.", code="courier_webhook_invalid") from None
    if not isinstance(payload, dict):
        raise ValidationError("Isi webhook Biteship tidak dikenali.", code="courier_webhook_invalid")
    rec = _webhook_shipment(payload)
    if rec is None:
        raise NotFound("Kiriman tidak dikenal.", code="unknown_shipment")
    settings = shipping_settings(rec.store_id)
    event = parse_webhook(headers, body, secret=_secret(settings.webhook_secret, settings.webhook_secret_param))
    if event is None:
        return {"status": "ignored"}
    now = get_clock().now_s()
    record = CourierEventRecord(event_key=event.event_key, provider=PROVIDER, shipment_id=rec.shipment_id,
                                store_id=rec.store_id, kind=event.kind.value, raw=event.raw, received_at=now,
                                purge_at=now + EVENT_KEEP_SECONDS)
    try:
        record.save(condition=CourierEventRecord.event_key.does_not_exist())
    except PutError as exc:
        if not is_condition_failure(exc):
            raise
        record = CourierEventRecord.get(event.event_key, consistent_read=True)
        if record.applied:
            return {"status": "duplicate", "outcome": record.outcome}
    news = News(status=event.status, awb=event.awb, price=event.price, provider_order_id=event.provider_order_id,
                tracking_url=_text(event.raw.get("courier_link")))
    try:
        _, outcome = apply_news(rec.shipment_id, news)
    except Conflict as exc:
        if exc.code != "awb_duplicate":
            raise
        # Retrying cannot help; keep the event and say why it changed nothing.
        logger.warning("courier AWB already belongs to another shipment", extra={"shipment_id": rec.shipment_id})
        outcome = "awb_duplicate"
    record.update(actions=[CourierEventRecord.applied.set(True), CourierEventRecord.outcome.set(outcome)])
    return {"status": "ok", "outcome": outcome}


def _text(value: object) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def _webhook_shipment(payload: Mapping[str, Any]) -> ShipmentRecord | None:
    """By the courier's order id first, else by our reference (the sale id) when the payload has it."""
    order_id = payload.get("order_id") or payload.get("id")
    if isinstance(order_id, str) and order_id.strip():
        rec = shipment_by_key(provider_key(PROVIDER, order_id.strip()))
        if rec is not None:
            return rec
    reference = payload.get("reference_id")
    if isinstance(reference, str) and reference.strip():
        rec = get_shipment(reference.strip())
        if rec is not None and rec.mode == PROVIDER:
            return rec
    return None


def poll_missing_awbs(limit: int = 50) -> dict:
    """Ask the courier about booked shipments still without an AWB (webhooks can be lost or late).

    Each one is leased by moving its next poll ahead (conditional), with backoff from one minute
    to half an hour, so overlapping runs never ask twice.
    """
    now = get_clock().now_s()
    counts = {"asked": 0, "awb": 0, "failed": 0}
    settings: dict[str, ShippingSettings] = {}
    for rec in ShipmentRecord.awb_wait_index.query(AWB_WAIT_SHARD, ShipmentRecord.poll_at <= now, limit=limit):
        try:
            rec.update(actions=[ShipmentRecord.poll_at.set(now + min(MAX_POLL_S, FIRST_POLL_S * 2 ** int(rec.polls))),
                                ShipmentRecord.polls.add(1)],
                       condition=(ShipmentRecord.poll_at == rec.poll_at) & ShipmentRecord.awb_wait.exists())
        except UpdateError as exc:
            if is_condition_failure(exc):
                continue
            raise
        counts["asked"] += 1
        try:
            if rec.store_id not in settings:
                settings[rec.store_id] = shipping_settings(rec.store_id)
            info = provider_for(settings[rec.store_id]).get_order(rec.provider_order_id)
            updated, _ = apply_news(rec.shipment_id, News.from_info(info))
        except SambungError as exc:
            counts["failed"] += 1
            logger.warning("AWB poll failed", extra={"shipment_id": rec.shipment_id, "code": exc.code})
            continue
        counts["awb"] += updated.awb is not None
    return counts


# ---- staff actions ------------------------------------------------------------------------------------

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
        _fix_booking_data(rec, fixes)
    effect_id = model.request_effect_id(rec.order_id)
    try:
        item = outbox.OutboxItem.get(effect_id, consistent_read=True)
    except outbox.OutboxItem.DoesNotExist:
        item = None
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


def _fix_booking_data(rec: ShipmentRecord, fixes: Mapping[str, str]) -> None:
    actions = []
    if "postal_code" in fixes:
        recipient = dict(rec.recipient, postal_code=fixes["postal_code"])
        actions.append(ShipmentRecord.recipient.set(recipient))
    if "courier_company" in fixes:
        actions.append(ShipmentRecord.courier_company.set(fixes["courier_company"]))
    if "courier_type" in fixes:
        actions.append(ShipmentRecord.courier_type.set(fixes["courier_type"]))
    try:
        rec.update(actions=actions + [ShipmentRecord.version.add(1), ShipmentRecord.updated_at.set(get_clock().now_s())],
                   condition=(ShipmentRecord.version == rec.version) & ShipmentRecord.provider_order_id.does_not_exist())
    except UpdateError as exc:
        if is_condition_failure(exc):
            raise Conflict("Kiriman baru saja berubah. Muat ulang lalu coba lagi.", code="shipment_changed") from None
        raise


def switch_to_manual(caller: Caller, shipment_id: str) -> dict:
    """Staff book this one with the courier themselves (e.g. a courier Biteship does not offer)."""
    rec = own_shipment(caller.store_id, shipment_id)
    if rec.mode == MANUAL:
        return shipment_view(rec)
    try:
        rec.update(actions=[ShipmentRecord.mode.set(MANUAL), ShipmentRecord.error.remove(), ShipmentRecord.awb_wait.remove(),
                            ShipmentRecord.poll_at.remove(), ShipmentRecord.version.add(1),
                            ShipmentRecord.updated_at.set(get_clock().now_s())],
                   condition=(ShipmentRecord.version == rec.version) & ShipmentRecord.provider_order_id.does_not_exist())
    except UpdateError as exc:
        if is_condition_failure(exc):
            raise Conflict("Kiriman ini sudah dipesan ke kurir lewat Biteship; tidak bisa diubah ke manual.",
                           code="shipment_booked") from None
        raise
    # A parked booking effect now finishes as a no-op instead of staying on the failure list.
    effect_id = model.request_effect_id(rec.order_id)
    if outbox.retry_failed(effect_id, caller.store_id):
        outbox.process_one(effect_id)
    return get(caller, shipment_id)


MAX_SCAN_ROWS = 200


def scan_awbs(caller: Caller, rows: list) -> dict:
    """Manual AWBs for many shipments in one go; each row gets its own result, in order.

    A row names the shipment by ``order_no`` (as printed on the slip and label) or ``shipment_id``.
    The AWB is normalised (trimmed, upper-cased); one already used in this store is refused.
    """
    if not rows:
        raise ValidationError("Isi minimal satu baris resi.", code="empty_batch")
    if len(rows) > MAX_SCAN_ROWS:
        raise ValidationError(f"Maksimal {MAX_SCAN_ROWS} resi sekali kirim.", code="too_many_rows")
    results = []
    for index, row in enumerate(rows):
        ref = {k: row.get(k) for k in ("order_no", "shipment_id")} if isinstance(row, dict) else {}
        try:
            results.append({"row": index, "ok": True, **ref, **_scan_one(caller, row)})
        except SambungError as exc:
            results.append({"row": index, "ok": False, **ref, "code": exc.code, "message": exc.message})
    saved = sum(1 for r in results if r["ok"])
    return {"results": results, "saved": saved, "refused": len(results) - saved}


def _scan_one(caller: Caller, row: object) -> dict:
    from ..core.web import F, validate_fields

    data = validate_fields(row, {"order_no": F(str, required=False), "shipment_id": F(str, required=False),
                                 "awb": F(str), "replace": F(bool, required=False)}, "rows[].")
    awb = model.normalize_awb(data["awb"])
    rec = _find_shipment(caller.store_id, data.get("order_no"), data.get("shipment_id"))
    if rec.mode != MANUAL:
        raise Conflict("Resi kiriman ini dibuat otomatis oleh Biteship. Ubah kiriman ke manual dulu bila kurirnya "
                       "dipesan sendiri.", code="awb_from_courier")
    result = {"shipment_id": rec.shipment_id, "order_no": rec.order_no, "awb": awb}
    if rec.awb == awb:
        return {**result, "outcome": "unchanged", "status": rec.status}
    if rec.awb and not data.get("replace"):
        raise Conflict(f"Kiriman ini sudah punya resi {rec.awb}. Centang ganti resi bila memang salah.",
                       code="awb_already_set", details={"awb": rec.awb})
    if rec.awb and ShipmentStatus(rec.status).terminal:
        raise Conflict("Kiriman sudah selesai; resinya tidak bisa diganti.", code="shipment_ended")
    updated, _ = apply_news(rec.shipment_id, News(awb=awb, awb_source="staff"))
    return {**result, "outcome": "saved", "status": updated.status}


def _find_shipment(store_id: str, order_no: str | None, shipment_id: str | None) -> ShipmentRecord:
    if shipment_id:
        return own_shipment(store_id, shipment_id.strip())
    if not order_no or not order_no.strip():
        raise ValidationError("Isi nomor pesanan atau id kiriman.", code="missing_field")
    from ..sales.repo import OrderRecord

    wanted = order_no.strip().upper()
    for order in OrderRecord.by_number.query(store_id, OrderRecord.order_no == wanted, limit=1):
        rec = get_shipment(order.order_id)
        if rec is not None and rec.store_id == store_id:
            return rec
        raise NotFound(f"Pesanan {wanted} tidak punya kiriman.", code="shipment_not_found")
    raise NotFound(f"Pesanan {wanted} tidak ditemukan.", code="order_not_found")


# ---- labels ---------------------------------------------------------------------------------------------

def print_unprinted(caller: Caller, size: str | None) -> dict:
    """"Cetak semua label yang belum dicetak": one PDF, one print job, each label printed once.

    Each queued label is claimed with a conditional write (its print batch must still be empty),
    so of two clicks at the same time each label goes to exactly one of them; only claimed labels
    are rendered, from the state the claim returned. If rendering or submitting fails, the claims
    are undone and the labels stay queued.
    """
    from ..staff.service import get_store

    size = size or label_size(caller.store_id)
    batch_id = new_id()
    now = get_clock().now_s()
    claimed: list[tuple[ShipmentRecord, str | None]] = []
    for rec in ShipmentRecord.label_queue_index.query(caller.store_id, limit=LABEL_BATCH_MAX):
        reason = rec.reprint_reason
        if _claim_label(rec, batch_id, now):
            claimed.append((rec, reason))
    if not claimed:
        raise Conflict("Tidak ada label yang belum dicetak.", code="no_unprinted_labels")
    recs = sorted((rec for rec, _ in claimed), key=lambda r: (r.created_at, r.shipment_id))
    try:
        job = _print_labels(get_store(caller.store_id), recs, size, reference=f"labels#{batch_id}",
                            title=f"{len(recs)} label pengiriman")
    except Exception:
        _release_labels(claimed, batch_id)
        raise
    return {"batch_id": batch_id, "size": size, "printed": len(recs), "job_id": job.get("job_id"),
            "remaining": ShipmentRecord.label_queue_index.count(caller.store_id),
            "labels": [{"shipment_id": r.shipment_id, "order_no": r.order_no, "awb": r.awb} for r in recs]}


def _claim_label(rec: ShipmentRecord, batch_id: str, now: int) -> bool:
    try:
        rec.update(actions=[ShipmentRecord.label_batch.set(batch_id), ShipmentRecord.label_printed_at.set(now),
                            ShipmentRecord.label_print_count.add(1), ShipmentRecord.label_queue.remove(),
                            ShipmentRecord.reprint_reason.remove(), ShipmentRecord.version.add(1)],
                   condition=ShipmentRecord.label_batch.does_not_exist() & (ShipmentRecord.label_queue == rec.store_id))
        return True
    except UpdateError as exc:
        if is_condition_failure(exc):
            return False
        raise


def _release_labels(claimed: Iterable[tuple[ShipmentRecord, str | None]], batch_id: str) -> None:
    for rec, reason in claimed:
        actions = [ShipmentRecord.label_batch.remove(), ShipmentRecord.label_queue.set(rec.store_id),
                   ShipmentRecord.label_print_count.add(-1), ShipmentRecord.version.add(1)]
        if reason:
            actions.append(ShipmentRecord.reprint_reason.set(reason))
        try:
            rec.update(actions=actions, condition=ShipmentRecord.label_batch == batch_id)
        except UpdateError as exc:
            if not is_condition_failure(exc):
                raise


def reprint_label(caller: Caller, shipment_id: str, size: str | None) -> dict:
    """Print one shipment's label again now, whatever its state."""
    from ..staff.service import get_store

    rec = own_shipment(caller.store_id, shipment_id)
    size = size or label_size(caller.store_id)
    batch_id = new_id()
    job = _print_labels(get_store(caller.store_id), [rec], size, reference=f"label-reprint#{batch_id}",
                        title=f"Label {rec.order_no} (cetak ulang)")
    try:
        # Conditional on what was rendered: if an AWB arrived meanwhile, the label stays queued.
        rec.update(actions=[ShipmentRecord.label_batch.set(batch_id), ShipmentRecord.label_printed_at.set(get_clock().now_s()),
                            ShipmentRecord.label_print_count.add(1), ShipmentRecord.label_queue.remove(),
                            ShipmentRecord.reprint_reason.remove(), ShipmentRecord.version.add(1)],
                   condition=ShipmentRecord.version == rec.version)
    except UpdateError as exc:
        if not is_condition_failure(exc):
            raise
    return {"batch_id": batch_id, "size": size, "job_id": job.get("job_id"), "shipment": get(caller, shipment_id)}


def label_size(store_id: str) -> str:
    """The size the store's label printer takes: label stock is 100x150; a receipt printer that
    prints labels (a common setup) takes its roll width. 100x150 when the store has no station yet."""
    from ..printing import model as printing_model
    from ..printing import service as printing

    stations = printing.list_stations(store_id)
    routed = stations["routes"].get("label")
    if routed is None:
        return "100x150"
    station = next(s for s in stations["stations"] if s["station_id"] == routed["station_id"])
    profile = printing_model.profile_table(station["profiles"]).get(routed["profile"])
    if profile is None or profile["language"] != "escpos":
        return "100x150"
    return str(printing_model.roll_width_mm(profile))


def _print_labels(store, recs: list[ShipmentRecord], size: str, *, reference: str, title: str) -> dict:
    from ..documents import render_labels
    from ..printing import service as printing

    pdf = render_labels([label_data(rec, store) for rec in recs], size=size)
    return printing.submit_pdf(store.store_id, role="label", kind="label", pdf=pdf, reference=reference, title=title)


def label_data(rec: ShipmentRecord, store):
    """The label of a shipment. Sales ship after payment, so labels say NON-COD (no COD amount)."""
    from ..documents import LabelData, Party

    sender, recipient = rec.sender or {}, rec.recipient
    contents = ", ".join(f"{item['quantity']}x {item['name']}" for item in rec.items)
    return LabelData(
        order_number=rec.order_no,
        sender=Party(sender.get("contact_name") or store.name, sender.get("contact_phone") or "",
                     sender.get("address") or store.address),
        recipient=Party(recipient.get("contact_name") or "-", recipient.get("contact_phone") or "",
                        recipient.get("address") or "-"),
        courier=(rec.courier_company or "Kurir").upper(), service=(rec.courier_type or "").upper(),
        weight_grams=int(rec.weight_g), awb=rec.awb, contents=contents,
        note="MODE UJI: bukan kiriman sungguhan." if rec.test_mode else rec.note,
    )


# ---- reading ----------------------------------------------------------------------------------------------

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
        recs = _search(caller.store_id, q)
        next_cursor = None
    else:
        S = ShipmentRecord
        conditions = []
        if statuses:
            conditions.append(S.status.is_in(*statuses))
        if awb == "missing":
            conditions.append(S.awb.does_not_exist())
        elif awb == "present":
            conditions.append(S.awb.exists())
        if label == "printed":
            conditions.append(S.label_batch.exists())
        elif label == "unprinted":
            conditions.append(S.label_queue.exists())
        if booking == "error":
            conditions.append(S.error.exists())
        condition = None
        for c in conditions:
            condition = c if condition is None else condition & c
        # PynamoDB reads pages until ``limit`` items pass the filter; the cursor resumes after the last one.
        result = S.by_store.query(caller.store_id, scan_index_forward=False, filter_condition=condition, limit=limit,
                                  last_evaluated_key=decode_cursor(cursor), page_size=max(limit, 50))
        recs = list(result)
        next_cursor = encode_cursor(result.last_evaluated_key)
    states = _booking_states(recs)
    return {"shipments": [shipment_view(r, states[r.shipment_id]) for r in recs], "next_cursor": next_cursor,
            "unprinted": ShipmentRecord.label_queue_index.count(caller.store_id)}


def _search(store_id: str, q: str) -> list[ShipmentRecord]:
    text = q.strip().upper()
    found = shipment_by_key(awb_key(store_id, model.canonical_awb(text) or text))
    if found is None:
        try:
            found = _find_shipment(store_id, text, None)
        except NotFound:
            return []
    return [found] if found.store_id == store_id else []
