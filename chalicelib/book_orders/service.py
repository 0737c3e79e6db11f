"""Book orders: a chat customer's goods booked at the CS desk until a payment deadline.

Creating one is a single TransactWriteItems: the order (BOOKED) and its number, the kode unik
reservation, the hold with one conditional reservation per sku (``available >= qty``), the order
slip print job and the customer's payment message. Either all of it is written or none, so stock is
never booked without an order, nor an order left without its stock, code or message.

A booking that finds too little stock first releases holds of those skus whose deadline has passed
(the sweeper may not have run yet) and tries once more: an expired booking never blocks a new one.

Before that, the delivery is checked (pickup, or a courier the courier's own rates offer for the
postal code and weight; see :mod:`.model`), and the customer is found or registered as the
merchant's shopper by phone (the kiosk's identity), which the order names: its sale earns points.
A COD order has no kode unik and no payment message; its shipment request is in the same
transaction, and its parcel's journey ends it (:func:`settle_cod`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..catalog import service as catalog
from ..core import outbox
from ..core import uow as units
from ..core.clock import format_wib, get_clock, local_day
from ..core.errors import Conflict, NotFound, Unprocessable, ValidationError
from ..core.ids import new_id
from ..core.money import format_rupiah
from ..core.phone import display_phone, normalize_phone
from ..core.web import Caller
from ..inventory import holds as stock_holds
from ..inventory import model as stock
from ..inventory import service as stock_service
from ..sales import kinds
from ..sales import model as sale_rules
from ..sales import service as sales
from ..staff import model as staff_model
from ..staff.service import get_store
from . import holds, model, unique_codes
from .facts import BookOrderMoved, ShipmentRequested
from .model import CHANNELS, BookOrder

MAX_SKUS = stock.MAX_LINES
# A failed attempt is retried only after another booking took the code or number it wanted, or
# after expired holds were released, so this bounds work under contention, not correctness.
_ATTEMPTS = 20


@dataclass
class _Lost:
    """Which conditions of a booking's unit of work failed."""

    stock: dict[str, int] = field(default_factory=dict)  # sku -> available, for reservations that were short
    stock_item_missing: bool = False  # a sku never stocked at the desk (no item to report)
    code: bool = False  # the kode unik was taken


def _lost(exc: units.ConditionLost) -> _Lost:
    """Read the failed conditions off the unit's failed writes.

    The reservation updates and the kode unik and number puts ask for the item as it was when their
    condition failed (``ALL_OLD``), so each failure names its item: a stock item (with what was
    available), the code's reservation, or the order number. That spares a read per failed attempt,
    and tells a lost code (read the codes again) from a lost number (draw another) exactly.
    """
    lost = _Lost()
    for item in exc.old_items():
        if not item:
            lost.stock_item_missing = True  # only a reservation can fail on an item that does not exist
        elif "on_hand" in item:
            lost.stock[item["sku"]["S"]] = int(item["available"]["N"])
        elif "free_at" in item and "code" in item:
            lost.code = True
    return lost


def _account(settings: staff_model.StoreSettings, account_no: str | None) -> dict:
    accounts = settings.bank_accounts  # only valid ones: a junk account stored earlier is not read
    if not accounts:
        raise Conflict("Rekening bank toko belum diatur. Minta admin mengisinya di pengaturan toko.",
                       code="bank_account_missing")
    if account_no is None:
        return accounts[0]
    for a in accounts:
        if unique_codes.normalize_account_no(a["account_no"]) == unique_codes.normalize_account_no(account_no):
            return a
    raise ValidationError("Rekening tujuan tidak terdaftar di toko ini.", code="unknown_bank_account")


# ---- views ----------------------------------------------------------------------------------

def book_view(order, hold=None, tz: str = "Asia/Jakarta") -> dict:
    """A book order as CS and the cashier see it: the order, what to transfer where, and its hold."""
    book = BookOrder.of(order)
    now = get_clock().now_s()
    view = sales.order_view(order)
    view.update({
        "shipping_fee": book.shipping_fee, "unique_code": book.unique_code,
        "amount_to_transfer": book.total, "amount_label": format_rupiah(book.total),
        # a part already transferred (matched from a statement): shown, and still owed the rest
        "transfers_label": format_rupiah(int(order.transfers_received or 0)) if order.transfers_received else None,
        "amount_left": max(0, book.total - int(order.transfers_received or 0)) if order.status == sales.BOOKED else 0,
        "customer": {**(order.customer or {}), "phone_display": display_phone(book.customer.phone)},
        "channel_label": book.channel_label,
        "bank_account": book.bank_account.to_dict() if book.bank_account else None, "courier": book.courier,
        "delivery": model.COURIER if book.needs_shipping else model.PICKUP, "pickup": book.pickup,
        "postal_code": book.postal_code or (model.postal_code_in(book.customer.address) if book.needs_shipping else None),
        "courier_company": book.courier_company, "courier_type": book.courier_type,
        "courier_price": book.courier_price, "shipping_fee_differs": book.shipping_fee_differs,
        "cod": book.cod, "cod_amount": book.total if book.cod else None,
        "note": book.note, "deadline": book.deadline, "deadline_label": format_wib(book.deadline, tz),
        "seconds_left": max(0, book.deadline - now) if order.status == sales.BOOKED else 0,
        "hold": None if hold is None else {"status": hold.status, "expires_at": int(hold.expires_at),
                                           "location": hold.location},
    })
    return view


def _tz(store_id: str) -> str:
    return staff_model.StoreSettings.from_dict(get_store(store_id).settings).timezone


def _own_book_order(caller: Caller, order_id: str):
    order = sales.own_order(caller.store_id, order_id)
    if order.kind != model.BOOK_ORDER:
        raise NotFound("Book order tidak ditemukan.", code="order_not_found")
    return order


# ---- creating -------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Delivery:
    """How the goods reach the customer, as checked at booking."""

    delivery: str  # model.COURIER | model.PICKUP
    address: str
    postal_code: str | None = None
    courier: str | None = None  # as shown on slips and labels: "JNE REG", or what CS typed
    courier_company: str | None = None
    courier_type: str | None = None
    courier_price: int | None = None  # the courier's quote for this parcel
    cod: bool = False


def _delivery(caller: Caller, priced: list, *, delivery: str | None, address: str | None, postal_code: str | None,
              shipping_fee: int, courier: str | None, courier_company: str | None, courier_type: str | None,
              cod: bool) -> _Delivery:
    """Check how the goods reach the customer before anything is booked.

    Pickup has no address, fee, courier or COD. Delivery needs the address and its postal code;
    on a store with a courier integration the courier and service are checked against the courier's
    rates for that postal code and weight (a service it does not offer is refused) and its quote is
    kept; COD needs a service that collects it.
    """
    how = model.delivery_of(delivery, shipping_fee=shipping_fee, courier=courier, courier_company=courier_company,
                            cod=cod)
    if how == model.PICKUP:
        model.require_pickup_rules(shipping_fee=shipping_fee, cod=cod, courier=courier, courier_company=courier_company)
        return _Delivery(model.PICKUP, "")
    text = model.validate_address(address or "")
    postal = model.require_postal_code(postal_code if postal_code else model.postal_code_in(text) or "")
    parcel = [{"name": p.name, "value": p.price, "weight_g": p.weight_g, "quantity": qty} for p, qty in priced]
    quote = kinds.handler_for(model.BOOK_ORDER, "courier_quote")(
        caller.store_id, postal_code=postal, items=parcel, courier=courier, courier_company=courier_company,
        courier_type=courier_type)
    if quote is None:  # couriers booked by hand: nothing to ask, and nobody to collect cash
        if cod:
            raise Conflict("COD perlu kurir yang terhubung (Biteship): kurir yang menagih dan mengabarkan paket "
                           "sampai. Minta admin mengatur Pengiriman.", code="cod_needs_courier_integration")
        typed = (courier or " ".join(c.upper() for c in (courier_company, courier_type) if c)).strip()
        return _Delivery(model.COURIER, text, postal, typed or None)
    if cod and not quote["cod"]:
        raise Unprocessable(f"{quote['label']} tidak melayani COD ke kode pos {postal}. Pilih layanan bertanda COD.",
                            code="cod_not_available", details={"courier": quote["label"], "postal_code": postal})
    return _Delivery(model.COURIER, text, postal, quote["label"], quote["courier_company"], quote["courier_type"],
                     int(quote["price"]), cod)


def create(caller: Caller, *, items: list, customer_name: str, phone: str, shipping_fee: int, channel: str,
           address: str | None = None, courier: str | None = None, note: str | None = None,
           account_no: str | None = None, delivery: str | None = None, postal_code: str | None = None,
           courier_company: str | None = None, courier_type: str | None = None, cod: bool = False) -> dict:
    """Book the items at the CS desk for a chat customer and tell them what to transfer by when (a COD
    order: nothing to transfer; its shipment is requested with the booking). The customer becomes
    (or is found as) the merchant's shopper by phone, so the sale earns points like the kiosk's."""
    from ..documents.formatting import format_deadline
    from ..notify import templates
    from ..notify.service import queue_message
    from ..shoppers import service as shoppers

    priced = catalog.resolve_items(caller.merchant_id, items)
    if len(priced) > MAX_SKUS:
        raise ValidationError(f"Maksimal {MAX_SKUS} jenis barang per book order.", code="too_many_items")
    lines = [sales.Line(p.sku, p.name, qty, p.price, p.barcode) for p, qty in priced]
    wanted = {line.sku: line.qty for line in lines}
    subtotal = sum(line.total for line in lines)
    base = subtotal + shipping_fee
    cod = bool(cod)
    store = get_store(caller.store_id)
    settings = staff_model.StoreSettings.from_dict(store.settings)  # as stored, brought into range
    sale_rules.require_sale_amount(base, settings.max_sale_amount)
    account = None if cod else _account(settings, account_no)  # checked before the courier is asked
    how = _delivery(caller, priced, delivery=delivery, address=address, postal_code=postal_code,
                    shipping_fee=shipping_fee, courier=courier, courier_company=courier_company,
                    courier_type=courier_type, cod=cod)
    account_key = unique_codes.account_key(caller.merchant_id, account.get("bank", ""), account["account_no"]) \
        if account else None
    now = get_clock().now_s()
    deadline = now + (model.COD_HOLD_SECONDS if how.cod else settings.payment_deadline_minutes * 60)
    grace = settings.hold_grace_minutes * 60
    customer = model.Customer(customer_name, phone, how.address, channel)
    booking = model.booking_details(
        deadline=deadline, grace_seconds=grace, courier=how.courier, note=note,
        bank_account=model.BankAccount(account.get("bank", ""), account["account_no"], account.get("holder", ""))
        if account else None,
        delivery=how.delivery, postal_code=how.postal_code, courier_company=how.courier_company,
        courier_type=how.courier_type, courier_price=how.courier_price, cod=how.cod)
    shopper_id = shoppers.for_chat_order(caller, phone, customer_name)
    order_id = new_id()
    released_expired = False
    sign = -1 if settings.unique_code_subtracts else 1  # the store takes the kode unik off instead of adding it
    in_use = unique_codes.in_use(account_key, base, now, sign) if account_key else set()
    for _ in range(_ATTEMPTS):
        code = sign * unique_codes.lowest_free(in_use, below=base if sign < 0 else None) if account_key else 0

        def work(uow: units.UnitOfWork, code: int = code):
            order = sales.new_order(
                order_id=order_id, kind=model.BOOK_ORDER, status=sales.BOOKED, caller=caller, tz=settings.timezone,
                now=now, lines=lines, subtotal=subtotal, shipping_fee=shipping_fee, unique_code=code,
                total=base + code, shopper_id=shopper_id, customer=customer.to_dict(), phone=phone,
                expires_at=deadline, open_shard="BOOK", due_at=deadline, booking=booking)
            sales.add_order(uow, order)
            if account_key:
                unique_codes.reserve(uow, account=account_key, base=base, code=code, order_id=order_id,
                                     store_id=caller.store_id, now=now,
                                     until=unique_codes.free_at(deadline, grace, settings.unique_code_cooldown_hours))
            hold = holds.create_ops(uow, hold_id=order_id, store_id=caller.store_id, location=stock.CS_DESK,
                                    lines=wanted, deadline=deadline, grace_seconds=grace)
            uow.outbox(f"slip-print#{order_id}", "print.order_slip", caller.store_id, {"order_id": order_id})
            uow.fact(BookOrderMoved(store_id=caller.store_id, event="created", amount=int(order.total),
                                    tz=settings.timezone, at=now))
            if how.cod:
                # Nothing to wait for: the courier is booked now and collects on delivery.
                uow.outbox(model.shipment_request_effect_id(order_id), model.SHIPMENT_REQUEST, caller.store_id,
                           {"order_id": order_id})
                uow.fact(ShipmentRequested(store_id=caller.store_id, order_id=order_id, at=now, tz=settings.timezone))
            else:
                params = {"name": customer_name, "store": store.name, "order_no": order.order_no,
                          "amount": format_rupiah(base + code), "bank": account.get("bank", ""),
                          "account_no": account["account_no"], "account_holder": account.get("holder", ""),
                          "deadline": format_deadline(deadline, settings.timezone)}
                queue_message(uow, effect_id=f"msg-book#{order_id}", store_id=caller.store_id, to_e164=phone,
                              template=templates.BOOK_ORDER_PAYMENT, params=params)
            return order, hold

        try:
            order, hold = units.run(work)
            break
        except units.ConditionLost as exc:
            lost = _lost(exc)
        if lost.stock_item_missing:
            have = stock_service.available_at(caller.store_id, stock.CS_DESK, wanted)
        else:
            have = {**{sku: wanted[sku] for sku in wanted}, **lost.stock}
        short = {sku for sku, qty in wanted.items() if have.get(sku, 0) < qty}
        if short:
            if not released_expired and holds.release_expired(caller.store_id, stock.CS_DESK, short):
                released_expired = True
                continue
            raise Conflict("Stok di Meja CS tidak cukup: " + ", ".join(
                f"{sku} (tersedia {max(0, have.get(sku, 0))}, diminta {wanted[sku]})" for sku in sorted(short))
                + ". Minta barang ke gudang dengan drop order.", code="insufficient_stock",
                details={"short": sorted(short)})
        if lost.code:
            # A booking that committed first holds it; others may have taken the next ones meanwhile,
            # and one read of the codes costs less than discovering each of them by a failed write.
            in_use = unique_codes.in_use(account_key, base, now, sign)
        # A taken order number needs nothing: every attempt draws a new one.
    else:
        raise Conflict("Banyak pesanan sedang dibuat bersamaan. Coba lagi.", code="busy")
    # The CS is at the printer: print now; a failure stays queued for the outbox worker to retry.
    printed = outbox.process_one(f"slip-print#{order_id}")
    return {**book_view(order, hold, settings.timezone), "slip_print": printed}


# ---- reading --------------------------------------------------------------------------------

def get(caller: Caller, order_id: str) -> dict:
    """One book order. A booked one past its deadline is expired here and now (the same conditional
    release the sweeper does), so nobody acts on an order that no longer holds its goods."""
    order = _own_book_order(caller, order_id)
    hold = holds.get_hold(order_id)
    if order.status == sales.BOOKED and hold is not None and hold.status == holds.HOLD_ACTIVE \
            and hold.expires_at <= get_clock().now_s():
        holds.settle_due(hold, settled_by="read")
        order.refresh(consistent_read=True)
        hold = holds.get_hold(order_id)
    return book_view(order, hold, _tz(caller.store_id))


def list_open(caller: Caller) -> list[dict]:
    """Book orders still holding goods (booked, or being paid at the kiosk), soonest deadline first."""
    open_holds = holds.open_holds(caller.store_id)
    orders = {o.order_id: o for o in sales.orders_by_id([h.order_id for h in open_holds])}
    tz = _tz(caller.store_id)
    views = [book_view(orders[h.order_id], h, tz) for h in open_holds if h.order_id in orders]
    return sorted(views, key=lambda v: v["deadline"])


def list_day(caller: Caller, day: str) -> list[dict]:
    tz = _tz(caller.store_id)
    return [book_view(o, None, tz) for o in sales.orders_of_day(caller.store_id, day, kind=model.BOOK_ORDER)]


SEARCH_DAYS = 31  # a name is looked for among the book orders of this many recent days
SEARCH_LIMIT = 50
_PHONE_LIKE = re.compile(r"^\+?[\d\s().-]{8,}$")


def search(caller: Caller, q: str) -> list[dict]:
    """Book orders in any state (expired and cancelled too), newest first: by order number (as on
    the slip), by the customer's phone (as typed), or by a name among the last :data:`SEARCH_DAYS`
    days (every word of ``q`` in the customer's name)."""
    text = " ".join((q or "").split())
    if len(text) < 2:
        raise ValidationError("Ketik minimal 2 karakter: nomor pesanan, nomor HP atau nama.", code="invalid_query")
    found = {}
    by_number = sales.order_by_number(caller.store_id, text.upper())
    if by_number is not None:
        found[by_number.order_id] = by_number
    if _PHONE_LIKE.match(text):
        try:
            phone = normalize_phone(text)
        except ValidationError:
            phone = None
        if phone:
            found.update((o.order_id, o) for o in _orders_by_phone(caller, phone))
    if not found:
        words = text.lower().split()
        tz = _tz(caller.store_id)
        today = get_clock().now_s()
        for back in range(SEARCH_DAYS):
            day = local_day(today - back * 86_400, tz)
            for o in sales.orders_of_day(caller.store_id, day, kind=model.BOOK_ORDER):
                name = ((o.customer or {}).get("name") or "").lower()
                if all(w in name for w in words):
                    found[o.order_id] = o
            if len(found) >= SEARCH_LIMIT:
                break
    orders = sorted((o for o in found.values() if o.kind == model.BOOK_ORDER), key=lambda o: o.created_at,
                    reverse=True)[:SEARCH_LIMIT]
    tz = _tz(caller.store_id)
    return [book_view(o, None, tz) for o in orders]


def _orders_by_phone(caller: Caller, phone: str) -> list:
    """This store's book orders for a customer phone (E.164), newest first (the last twenty)."""
    try:
        views = sales.find_open_order(caller, phone=phone)
    except NotFound:
        return []
    return sales.orders_by_id([v["order_id"] for v in views if v["kind"] == model.BOOK_ORDER])


def customer(caller: Caller, raw_phone: str | None) -> dict:
    """What CS needs when typing a phone: the merchant's shopper with that phone (the kiosk's
    identity: points, visits) and the name and address the customer last ordered with here, so
    a returning customer's details fill in. ``known`` is False for a phone never seen."""
    from ..shoppers import service as shoppers

    phone = normalize_phone(raw_phone or "")
    shopper = shoppers.find_by_phone(caller.merchant_id, phone)
    orders = sorted(_orders_by_phone(caller, phone), key=lambda o: o.created_at, reverse=True)
    last = BookOrder.of(orders[0]) if orders else None
    shipped = next((BookOrder.of(o) for o in orders if BookOrder.of(o).needs_shipping), None)
    return {
        "phone": phone, "phone_display": display_phone(phone), "known": bool(shopper or last),
        "name": (last.customer.name if last else None) or (shopper["name"] if shopper else None),
        "address": shipped.customer.address if shipped else None,
        "postal_code": (shipped.postal_code or model.postal_code_in(shipped.customer.address)) if shipped else None,
        "channel": last.customer.channel if last else None,
        "shopper": None if shopper is None else {k: shopper[k] for k in (
            "shopper_id", "name", "points_balance", "points_owed", "visit_count", "member_since")},
        "last_order": None if last is None else {"order_no": last.order_no, "created_at": int(orders[0].created_at),
                                                 "status": last.status, "status_label": sales.status_label(last.status)},
    }


# ---- changing -------------------------------------------------------------------------------

@kinds.handler(model.BOOK_ORDER, "cancel")
def cancel(caller: Caller, order_id: str, *, give_back_transfers=None) -> dict:
    """CS cancels: the goods return to available at once; the kode unik stays reserved for its
    cool-down so a transfer that still comes in is recognised. Taking the goods back to the
    warehouse is a separate scan (a drop order return).

    An order that has received part of its money by transfer is cancelled only together with giving
    that money back: ``give_back_transfers(uow, order)`` (reconciliation's "Batalkan & kembalikan
    dana") adds those writes to the same unit of work; without it such a cancel is refused (409), so
    money matched to an order never falls out of view."""
    order = _own_book_order(caller, order_id)
    received = int(order.transfers_received or 0)
    if order.status == sales.BOOKED and received and give_back_transfers is None:
        raise Conflict(f"Pesanan {order.order_no} sudah menerima transfer {format_rupiah(received)}. Batalkan dari "
                       "Mutasi Bank (Batalkan & kembalikan dana) supaya uangnya masuk daftar pengembalian.",
                       code="order_has_transfers", details={"transfers_received": received})
    if order.status == sales.BOOKED:
        hold = holds.get_hold(order_id)
        if hold is None or not holds.cancel(hold, order, also=give_back_transfers):
            order.refresh(consistent_read=True)
    if order.status not in (sales.BOOKED, sales.CANCELLED):
        raise Conflict(f"Pesanan berstatus {sales.status_label(order.status)}; hanya pesanan "
                       "yang masih dipesan yang bisa dibatalkan di sini.", code="invalid_transition",
                       details={"status": order.status})
    order.refresh(consistent_read=True)
    if order.status != sales.CANCELLED:
        raise Conflict("Pesanan baru saja berubah. Muat ulang lalu coba lagi.", code="order_changed")
    return book_view(order, holds.get_hold(order_id), _tz(caller.store_id))


def cancel_booking(caller: Caller, order_id: str) -> dict:
    """CS's Batalkan on the Book Order page. A COD order's parcel may already be with the courier, so
    it is cancelled through its shipment (Pengiriman; the order ends with it), never here."""
    order = _own_book_order(caller, order_id)
    if BookOrder.of(order).cod and order.status == sales.BOOKED:
        raise Conflict("Pesanan COD batal bersama kirimannya: batalkan kirimannya (sebelum diambil kurir), "
                       "pesanan ikut batal dan barangnya kembali tersedia.", code="cod_cancel_via_shipment")
    return cancel(caller, order_id)


def pay_at_store_qris(caller: Caller, order_id: str) -> dict:
    """The chat customer pays at the kiosk: BOOKED -> AWAITING_PAYMENT through the store's QRIS flow.

    The hold becomes PAYING first and holds until the QR can no longer be paid; completing the sale
    consumes it. A QR that ends unpaid leaves the order to the kiosk's "Coba lagi" or, at the
    hold's expiry, to the sweeper, which then releases the goods.
    """
    from ..staff.service import store_settings

    order = _own_book_order(caller, order_id)
    if order.status == sales.AWAITING_PAYMENT:
        return book_view(order, holds.get_hold(order_id), _tz(caller.store_id))  # a repeated tap
    if BookOrder.of(order).cod:
        raise Conflict("Pesanan COD dibayar ke kurir saat paket tiba, bukan di kasir.", code="cod_order")
    if order.status != sales.BOOKED:
        raise Conflict(f"Pesanan berstatus {sales.status_label(order.status)}; hanya pesanan "
                       "yang masih dipesan yang bisa dibayar di kasir.", code="invalid_transition",
                       details={"status": order.status})
    settings = store_settings(order.store_id)
    now = get_clock().now_s()
    holds.start_paying(holds.get_hold(order_id), qr_expires_at=now + settings.qris_expiry_minutes * 60)
    sales.start_qris(order, settings)
    order.refresh(consistent_read=True)
    return book_view(order, holds.get_hold(order_id), settings.timezone)


# ---- cash on delivery: the parcel's journey ends the order ---------------------------------------

_UNDELIVERED = {"cancelled": "dibatalkan", "rejected": "ditolak", "returned": "diretur",
                "courier_not_found": "tidak mendapat kurir", "disposed": "dimusnahkan"}


@outbox.handler(model.COD_OUTCOME)
def settle_cod(item) -> dict:
    """The shipping area's news that a COD parcel's journey ended (``{"order_id", "status"}``).

    Delivered: the customer paid the courier, so the order is paid by COD and completed as a sale
    in one transaction (stock leaves the hold, points, receipt and reports), exactly as a confirmed
    payment completes a kiosk sale. Anything else (cancelled before pickup, rejected, returned, no
    courier): the order is cancelled and its goods are available at the CS desk again.

    Only a booked order moves; one the hold sweeper already ended (the parcel outlived
    ``COD_HOLD_SECONDS``) gets a delivery as a late payment, which staff decide like any other.
    A redelivered effect finds the order already moved and changes nothing.
    """
    order_id, status = item.payload["order_id"], item.payload["status"]
    order = sales.get_order(order_id)
    if order is None or order.kind != model.BOOK_ORDER or not BookOrder.of(order).cod:
        return {"outcome": "not_cod"}
    if status == "delivered":
        if order.status not in (sales.BOOKED, *sale_rules.UNPAID_ENDS):
            return {"outcome": "already", "status": order.status}
        outcome = sales.apply_payment(sales.Payment(order_id, attempt=None, method=model.COD, amount=int(order.total),
                                                    source="courier"))
        if outcome == "contended":
            raise Conflict("Pesanan COD sedang berubah; diulang otomatis.", code="order_changed")
        return {"outcome": outcome}
    if order.status != sales.BOOKED:
        return {"outcome": "already", "status": order.status}
    hold = holds.get_hold(order_id)
    if hold is None or hold.status != holds.HOLD_ACTIVE:
        return {"outcome": "no_hold"}
    why = _UNDELIVERED.get(status, status)
    if not holds._release(hold, order, outcome=stock_holds.HOLD_RELEASED, settled_by="courier",
                          order_target=sales.CANCELLED, reason=f"Kiriman COD {why}; pesanan batal, barang tersedia lagi."):
        order.refresh(consistent_read=True)
        if order.status == sales.BOOKED:
            raise Conflict("Pesanan COD sedang berubah; diulang otomatis.", code="order_changed")
    return {"outcome": "cancelled"}


# ---- the order slip -------------------------------------------------------------------------

def slip_pdf(order, width_mm: int = 80) -> bytes:
    from ..documents import BankAccount, OrderSlipData, SlipLine, render_order_slip
    from ..staff.service import merchant_name, staff_name

    store = get_store(order.store_id)
    book = BookOrder.of(order)
    account = book.bank_account or (None if book.cod else model.BankAccount("", "", ""))
    data = OrderSlipData(
        merchant_name=merchant_name(order.merchant_id), store_name=store.name, order_number=order.order_no,
        created_at=int(order.created_at),
        items=[SlipLine(i["sku"], i["name"], int(i["qty"]), int(i["unit_price"]), i.get("barcode")) for i in order.items],
        customer_name=book.customer.name, customer_phone=book.customer.phone,
        shipping_address=book.customer.address, channel=CHANNELS.get(book.customer.channel, "-"),
        bank_account=BankAccount(account.bank, account.account_no, account.holder) if account else None,
        pay_by=book.deadline, unique_code=book.unique_code, shipping_fee=book.shipping_fee, courier=book.courier,
        cs_name=staff_name(order.store_id, order.created_by) or None, note=book.note,
        tz=staff_model.StoreSettings.from_dict(store.settings).timezone, pickup=book.pickup, cod=book.cod)
    return render_order_slip(data, width_mm=width_mm)


def own_slip_pdf(caller: Caller, order_id: str) -> tuple[str, bytes]:
    order = _own_book_order(caller, order_id)
    return order.order_no, slip_pdf(order)


@outbox.handler("print.order_slip")
def print_order_slip(item) -> dict:
    """Queue the slip on the store's receipt printer at the CS desk (idempotent on the effect id)."""
    from ..printing import service as printing

    order = sales.get_order(item.payload["order_id"])
    pdf = slip_pdf(order, printing.receipt_width_mm(order.store_id))
    job = printing.submit_pdf(order.store_id, role="receipt", kind="slip", pdf=pdf, reference=item.effect_id,
                              title=f"Slip pesanan {order.order_no}")
    return {"job_id": job["job_id"]}


# ---- published for reconciliation ----------------------------------------------------------------

def order_ids_paying_to(merchant_id: str, bank_account: dict, store_id: str) -> list[str]:
    """The book orders a credit on this receiving account may pay: every book order keeps its kode
    unik reservation (keyed by account and amount) until deadline + grace + the store's cool-down,
    whatever happens to it, so one Query of the account finds the open ones, those expired or
    cancelled still in cool-down and the recently paid ones. Other stores sharing the account keep
    their orders to themselves."""
    key = unique_codes.account_key(merchant_id, bank_account.get("bank", ""), bank_account["account_no"])
    return unique_codes.order_ids_on_account(key, store_id)


def book_order(order) -> BookOrder:
    """A book order's own details (deadline, grace, courier, account) from its order record."""
    return BookOrder.of(order)


def undo_statement_payment(uow, order, status_before: str | None, *, transfers: int = 0) -> None:
    """Put a PAID (or PAID_LATE) book order back to what it was before a statement row paid it (a
    person unmatched the row), keeping ``transfers`` still matched to it. A booked order gets its
    deadline back on the open index; if the deadline has passed, the hold sweeper expires it as usual."""
    back = status_before if status_before in (sales.EXPIRED, sales.CANCELLED) else sales.BOOKED
    if back == sales.BOOKED:
        sales.undo_payment(uow, order, back_to=back, open_shard="BOOK", due_at=BookOrder.of(order).deadline,
                           transfers=transfers)
    else:
        sales.undo_payment(uow, order, back_to=back, transfers=transfers)
