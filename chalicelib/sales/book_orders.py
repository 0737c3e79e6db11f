"""Book orders: a chat customer's goods booked at the CS desk until a payment deadline.

Creating one is a single TransactWriteItems: the order (BOOKED) and its number, the kode unik
reservation, the hold with one conditional reservation per sku (``available >= qty``), the order
slip print job and the customer's payment message. Either all of it is written or none, so stock is
never booked without an order, nor an order left without its stock, code or message.

A booking that finds too little stock first releases holds of those skus whose deadline has passed
(the sweeper may not have run yet) and tries once more: an expired booking never blocks a new one.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from pynamodb.exceptions import TransactWriteError

from ..catalog import service as catalog
from ..core import outbox
from ..core.clock import format_wib, get_clock, local_day
from ..core.db import is_condition_failure, transaction
from ..core.errors import Conflict, NotFound, ValidationError
from ..core.ids import new_id
from ..core.money import format_rupiah
from ..core.phone import display_phone
from ..core.web import Caller
from ..inventory import holds
from ..inventory import model as stock
from ..inventory import repo as stock_repo
from ..reports import counters as report_counters
from ..staff import model as staff_model
from ..staff.service import get_store
from . import kode_unik, model
from .repo import OrderNumberRecord, OrderRecord, get_order, own_order
from .service import _new_order_no, order_view, start_qris

CHANNELS = {"whatsapp": "WhatsApp", "instagram": "Instagram", "website": "Website", "marketplace": "Marketplace",
            "tiktok": "TikTok", "other": "Lainnya"}
MAX_SKUS = stock.MAX_LINES
MAX_SHIPPING_FEE = 10_000_000
# A failed attempt is retried only after another booking took the code or number it wanted, or
# after expired holds were released, so this bounds work under contention, not correctness.
_ATTEMPTS = 20


@dataclass
class _Lost:
    """Which conditions of a booking transaction failed."""

    stock: dict[str, int] = field(default_factory=dict)  # sku -> available, for reservations that were short
    stock_item_missing: bool = False  # a sku never stocked at the desk (no item to report)
    code: bool = False  # the kode unik was taken


def _lost(exc: TransactWriteError) -> _Lost:
    """Read the failed conditions off the transaction's cancellation reasons.

    The reservation updates and the kode unik and number puts ask for the item as it was when their
    condition failed (``ALL_OLD``), so each failure names its item: a stock item (with what was
    available), the code's reservation, or the order number. That spares a read per failed attempt,
    and tells a lost code (read the codes again) from a lost number (draw another) exactly.
    """
    lost = _Lost()
    for reason in exc.cancellation_reasons or []:
        if reason is None or reason.code != "ConditionalCheckFailed":
            continue
        item = reason.raw_item or {}
        if not item:
            lost.stock_item_missing = True  # only a reservation can fail on an item that does not exist
        elif "on_hand" in item:
            lost.stock[item["sku"]["S"]] = int(item["available"]["N"])
        elif "free_at" in item and "code" in item:
            lost.code = True
    return lost


def validate_channel(value: str) -> str:
    if value not in CHANNELS:
        raise ValidationError(f"Channel harus salah satu dari: {', '.join(CHANNELS)}.", code="invalid_channel")
    return value


def validate_address(value: str) -> str:
    text = "\n".join(" ".join(line.split()) for line in value.strip().splitlines() if line.strip())
    if not text:
        raise ValidationError("Alamat pengiriman wajib diisi.", code="invalid_address")
    if len(text) > 400:
        raise ValidationError("Alamat pengiriman maksimal 400 karakter.", code="invalid_address")
    return text


def _account(settings: staff_model.StoreSettings, account_no: str | None) -> dict:
    accounts = [a for a in settings.bank_accounts if isinstance(a, dict) and a.get("account_no")]
    if not accounts:
        raise Conflict("Rekening bank toko belum diatur. Minta admin mengisinya di pengaturan toko.",
                       code="bank_account_missing")
    if account_no is None:
        return accounts[0]
    for a in accounts:
        if kode_unik.normalize_account_no(a["account_no"]) == kode_unik.normalize_account_no(account_no):
            return a
    raise ValidationError("Rekening tujuan tidak terdaftar di toko ini.", code="unknown_bank_account")


# ---- views ----------------------------------------------------------------------------------

def book_view(order: OrderRecord, hold=None, tz: str = "Asia/Jakarta") -> dict:
    """A book order as CS and the cashier see it: the order, what to transfer where, and its hold."""
    extra = order.extra or {}
    customer = order.customer or {}
    now = get_clock().now_s()
    deadline = int(extra.get("deadline") or order.expires_at or now)
    view = order_view(order)
    view.update({
        "shipping_fee": int(order.shipping_fee), "unique_code": int(order.unique_code),
        "amount_to_transfer": int(order.total), "amount_label": format_rupiah(int(order.total)),
        "customer": {**customer, "phone_display": display_phone(customer.get("phone", ""))},
        "channel_label": CHANNELS.get(customer.get("channel"), customer.get("channel")),
        "bank_account": extra.get("bank_account"), "courier": extra.get("courier"), "note": extra.get("note"),
        "deadline": deadline, "deadline_label": format_wib(deadline, tz),
        "seconds_left": max(0, deadline - now) if order.status == model.BOOKED else 0,
        "hold": None if hold is None else {"status": hold.status, "expires_at": int(hold.expires_at),
                                           "location": hold.location},
    })
    return view


def _tz(store_id: str) -> str:
    return staff_model.StoreSettings.from_dict(get_store(store_id).settings).timezone


def _own_book_order(caller: Caller, order_id: str) -> OrderRecord:
    order = own_order(caller.store_id, order_id)
    if order.kind != model.BOOK_ORDER:
        raise NotFound("Book order tidak ditemukan.", code="order_not_found")
    return order


# ---- creating -------------------------------------------------------------------------------

def create(caller: Caller, *, items: list, customer_name: str, phone: str, address: str, shipping_fee: int,
           channel: str, courier: str | None = None, note: str | None = None, account_no: str | None = None) -> dict:
    """Book the items at the CS desk for a chat customer and tell them what to transfer by when."""
    from ..documents.formatting import format_deadline
    from ..notify import templates
    from ..notify.service import queue_message

    priced = catalog.resolve_items(caller.merchant_id, items)
    if len(priced) > MAX_SKUS:
        raise ValidationError(f"Maksimal {MAX_SKUS} jenis barang per book order.", code="too_many_items")
    lines = [model.Line(p.sku, p.name, qty, p.price, p.barcode) for p, qty in priced]
    wanted = {line.sku: line.qty for line in lines}
    subtotal = sum(line.total for line in lines)
    base = subtotal + shipping_fee
    store = get_store(caller.store_id)
    settings = staff_model.StoreSettings.from_dict(store.settings)
    if settings.payment_deadline_minutes < 1:
        raise Conflict("Batas waktu bayar toko belum diatur dengan benar.", code="payment_deadline_invalid")
    account = _account(settings, account_no)
    account_key = kode_unik.account_key(caller.merchant_id, account.get("bank", ""), account["account_no"])
    now = get_clock().now_s()
    deadline = now + settings.payment_deadline_minutes * 60
    grace = settings.hold_grace_minutes * 60
    customer = {"name": customer_name, "phone": phone, "address": address, "channel": channel}
    extra = {"deadline": deadline, "grace_seconds": grace, "courier": courier, "note": note,
             "bank_account": {"bank": account.get("bank", ""), "account_no": account["account_no"],
                              "holder": account.get("holder", "")}}
    order_id = new_id()
    released_expired = False
    in_use = kode_unik.in_use(account_key, base, now)
    for _ in range(_ATTEMPTS):
        code = kode_unik.lowest_free(in_use)
        order = OrderRecord(
            order_id=order_id, order_no=_new_order_no(settings.timezone, now), kind=model.BOOK_ORDER,
            status=model.BOOKED, merchant_id=caller.merchant_id, store_id=caller.store_id,
            store_day=f"{caller.store_id}#{local_day(now, settings.timezone)}", created_at=now,
            created_by=caller.staff_id or caller.device_id, device_id=caller.device_id,
            items=[line.to_dict() for line in lines], subtotal=subtotal, discount=0, shipping_fee=shipping_fee,
            unique_code=code, total=base + code, customer=customer, phone_key=f"{caller.store_id}#{phone}",
            attempt=0, expires_at=deadline, open_shard="BOOK", due_at=deadline, extra=extra)
        params = {"name": customer_name, "store": store.name, "order_no": order.order_no,
                  "amount": format_rupiah(base + code), "bank": account.get("bank", ""),
                  "account_no": account["account_no"], "account_holder": account.get("holder", ""),
                  "deadline": format_deadline(deadline, settings.timezone)}
        try:
            with transaction() as tx:
                tx.save(order, condition=OrderRecord.order_id.does_not_exist())
                tx.save(OrderNumberRecord(store_id=caller.store_id, order_no=order.order_no, order_id=order_id),
                        condition=OrderNumberRecord.order_no.does_not_exist(), return_values="ALL_OLD")
                kode_unik.reserve_op(tx, account=account_key, base=base, code=code, order_id=order_id,
                                     store_id=caller.store_id,
                                     until=kode_unik.free_at(deadline, grace, settings.kode_unik_cooldown_hours), now=now)
                hold = holds.create_ops(tx, hold_id=order_id, store_id=caller.store_id, location=stock.CS_DESK, lines=wanted,
                                        deadline=deadline, grace_seconds=grace)
                outbox.add(tx, f"slip-print#{order_id}", "print.order_slip", caller.store_id, {"order_id": order_id})
                report_counters.on_book_order(tx, store_id=caller.store_id, event="created", amount=int(order.total),
                                              tz=settings.timezone, at=now)
                queue_message(tx, effect_id=f"msg-book#{order_id}", store_id=caller.store_id, to_e164=phone,
                              template=templates.BOOK_ORDER_PAYMENT, params=params)
            break
        except TransactWriteError as exc:
            if not is_condition_failure(exc):
                raise
            lost = _lost(exc)
        if lost.stock_item_missing:
            have = stock_repo.available_at(caller.store_id, stock.CS_DESK, wanted)
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
            in_use = kode_unik.in_use(account_key, base, now)
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
    hold = stock_repo.get_hold(order_id)
    if order.status == model.BOOKED and hold is not None and hold.status == stock.HOLD_ACTIVE \
            and hold.expires_at <= get_clock().now_s():
        holds.settle_due(hold, settled_by="read")
        order.refresh(consistent_read=True)
        hold = stock_repo.get_hold(order_id)
    return book_view(order, hold, _tz(caller.store_id))


def list_open(caller: Caller) -> list[dict]:
    """Book orders still holding goods (booked, or being paid at the kiosk), soonest deadline first."""
    open_holds = stock_repo.open_holds(caller.store_id)
    orders = {o.order_id: o for o in OrderRecord.batch_get([h.order_id for h in open_holds])}
    tz = _tz(caller.store_id)
    views = [book_view(orders[h.order_id], h, tz) for h in open_holds if h.order_id in orders]
    return sorted(views, key=lambda v: v["deadline"])


def list_day(caller: Caller, day: str) -> list[dict]:
    tz = _tz(caller.store_id)
    found = OrderRecord.by_store_day.query(f"{caller.store_id}#{day}", scan_index_forward=False,
                                           filter_condition=OrderRecord.kind == model.BOOK_ORDER)
    return [book_view(o, None, tz) for o in found]


# ---- changing -------------------------------------------------------------------------------

def cancel(caller: Caller, order_id: str) -> dict:
    """CS cancels: the goods return to available at once; the kode unik stays reserved for its
    cool-down so a transfer that still comes in is recognised. Taking the goods back to the
    warehouse is a separate scan (a drop order return)."""
    order = _own_book_order(caller, order_id)
    if order.status == model.BOOKED:
        hold = stock_repo.get_hold(order_id)
        if hold is None or not holds.cancel(hold, order):
            order.refresh(consistent_read=True)
    if order.status not in (model.BOOKED, model.CANCELLED):
        raise Conflict(f"Pesanan berstatus {model.STATUS_LABELS.get(order.status, order.status)}; hanya pesanan "
                       "yang masih dipesan yang bisa dibatalkan di sini.", code="invalid_transition",
                       details={"status": order.status})
    order.refresh(consistent_read=True)
    if order.status != model.CANCELLED:
        raise Conflict("Pesanan baru saja berubah. Muat ulang lalu coba lagi.", code="order_changed")
    return book_view(order, stock_repo.get_hold(order_id), _tz(caller.store_id))


def pay_at_store_qris(caller: Caller, order_id: str) -> dict:
    """The chat customer pays at the kiosk: BOOKED -> AWAITING_PAYMENT through the store's QRIS flow.

    The hold becomes PAYING first and holds until the QR can no longer be paid; completing the sale
    consumes it. A QR that ends unpaid leaves the order to the kiosk's "Coba lagi" or, at the
    hold's expiry, to the sweeper, which then releases the goods.
    """
    from ..staff.service import store_settings

    order = _own_book_order(caller, order_id)
    if order.status == model.AWAITING_PAYMENT:
        return book_view(order, stock_repo.get_hold(order_id), _tz(caller.store_id))  # a repeated tap
    if order.status != model.BOOKED:
        raise Conflict(f"Pesanan berstatus {model.STATUS_LABELS.get(order.status, order.status)}; hanya pesanan "
                       "yang masih dipesan yang bisa dibayar di kasir.", code="invalid_transition",
                       details={"status": order.status})
    settings = store_settings(order.store_id)
    now = get_clock().now_s()
    holds.start_paying(stock_repo.get_hold(order_id), qr_expires_at=now + settings.qris_expiry_minutes * 60)
    start_qris(order, settings)
    order.refresh(consistent_read=True)
    return book_view(order, stock_repo.get_hold(order_id), settings.timezone)


# ---- the order slip -------------------------------------------------------------------------

def slip_pdf(order: OrderRecord, width_mm: int = 80) -> bytes:
    from ..documents import BankAccount, OrderSlipData, SlipLine, render_order_slip
    from ..staff.service import merchant_name, staff_name

    store = get_store(order.store_id)
    extra, customer = order.extra or {}, order.customer or {}
    account = extra.get("bank_account") or {}
    data = OrderSlipData(
        merchant_name=merchant_name(order.merchant_id), store_name=store.name, order_number=order.order_no,
        created_at=int(order.created_at),
        items=[SlipLine(i["sku"], i["name"], int(i["qty"]), int(i["unit_price"]), i.get("barcode")) for i in order.items],
        customer_name=customer.get("name", ""), customer_phone=customer.get("phone", ""),
        shipping_address=customer.get("address", ""), channel=CHANNELS.get(customer.get("channel"), "-"),
        bank_account=BankAccount(account.get("bank", ""), account.get("account_no", ""), account.get("holder", "")),
        pay_by=int(extra.get("deadline") or order.expires_at), unique_code=int(order.unique_code),
        shipping_fee=int(order.shipping_fee), courier=extra.get("courier"),
        cs_name=staff_name(order.store_id, order.created_by) or None, note=extra.get("note"),
        tz=staff_model.StoreSettings.from_dict(store.settings).timezone)
    return render_order_slip(data, width_mm=width_mm)


def own_slip_pdf(caller: Caller, order_id: str) -> tuple[str, bytes]:
    order = _own_book_order(caller, order_id)
    return order.order_no, slip_pdf(order)


@outbox.handler("print.order_slip")
def print_order_slip(item) -> dict:
    """Queue the slip on the store's receipt printer at the CS desk (idempotent on the effect id)."""
    from ..printing import service as printing

    order = get_order(item.payload["order_id"])
    pdf = slip_pdf(order, printing.receipt_width_mm(order.store_id))
    job = printing.submit_pdf(order.store_id, role="receipt", kind="slip", pdf=pdf, reference=item.effect_id,
                              title=f"Slip pesanan {order.order_no}")
    return {"job_id": job["job_id"]}
