"""Store sales and payment attempts: the cashier's side of the QRIS flow.

"Never two live QRs for one order": a new attempt is opened only after the previous one is
confirmed unpaid at the gateway and cancelled there (or never reached it), and the order's
``attempt`` number is advanced with a condition, so two taps of "Coba lagi" open one attempt.
"""
from __future__ import annotations

from ..catalog import service as catalog
from ..core import uow as units
from ..core.clock import get_clock, local_day
from ..core.errors import Conflict, NotFound, UpstreamError, ValidationError
from ..core.ids import new_id, short_code
from ..core.observability import logger
from ..core.web import Caller
from ..payments.gateways import gateway_for
from ..payments.providers import CancelNotSupported, GatewayNotFound
from ..staff.service import store_settings
from . import kinds, model, repo
from .completion import Payment, apply_payment, complete, record_unpaid_end
from .repo import OrderRecord, PaymentAttemptRecord, get_attempt
from .repo import get_order as _repo_get_order, own_order as _repo_own_order

STATUS_CHECK_SECONDS = 3  # at most one gateway status call per order this often (the cashier's button)
POLL_ASKS_GATEWAY_AFTER = 30  # the kiosk's background poll asks the gateway only once no callback came this long
POLL_GAP_SECONDS = 15  # ... and then at most this often
LOST_CALLBACK_SECONDS = 120  # the scheduler asks the gateway about orders pending this long


# ---- published for other areas (they reach orders through these, never through the repo) -------

AWAITING_PAYMENT, BOOKED, PAID, PAID_LATE, COMPLETED = (model.AWAITING_PAYMENT, model.BOOKED, model.PAID,
                                                        model.PAID_LATE, model.COMPLETED)
EXPIRED, FAILED, CANCELLED = model.EXPIRED, model.FAILED, model.CANCELLED
Line = model.Line


def status_label(status: str) -> str:
    return model.STATUS_LABELS.get(status, status)


def get_order(order_id: str) -> OrderRecord | None:
    """The order as stored now (consistent read), or None."""
    return _repo_get_order(order_id)


def own_order(store_id: str, order_id: str) -> OrderRecord:
    """The order if it belongs to this store; otherwise "not found", never "forbidden"."""
    return _repo_own_order(store_id, order_id)


def order_by_number(store_id: str, order_no: str) -> OrderRecord | None:
    """The store's order with this number (as printed on slips and labels), or None."""
    found = repo.orders_by_number(store_id, order_no.strip().upper())
    return found[0] if found else None


def orders_by_id(order_ids: list[str]) -> list[OrderRecord]:
    return list(OrderRecord.batch_get(order_ids)) if order_ids else []


def orders_of_day(store_id: str, day: str, *, kind: str | None = None, limit: int | None = None) -> list[OrderRecord]:
    """A store's orders created on one store-local day, newest first."""
    return repo.orders_of_day(store_id, day, kind=kind, limit=limit)


def new_order(*, order_id: str, kind: str, status: str, caller: Caller, tz: str, now: int, lines: list,
              subtotal: int, total: int, shipping_fee: int = 0, unique_code: int = 0, shopper_id: str | None = None,
              customer: dict | None = None, phone: str | None = None, expires_at: int | None = None,
              open_shard: str | None = None, due_at: int | None = None, booking: dict | None = None,
              unit_costs: dict[str, int] | None = None) -> OrderRecord:
    """A new order (not yet written) with a fresh order number; :func:`add_order` writes it. Each line
    keeps its product's cost price (HPP) as it is now (``unit_costs``; read from the catalog when not
    given), so a later change of the cost never rewrites what was sold."""
    if unit_costs is None:
        unit_costs = catalog.cost_prices(caller.merchant_id, [line.sku for line in lines])
    return OrderRecord(
        order_id=order_id, order_no=_new_order_no(tz, now), kind=kind, status=status,
        merchant_id=caller.merchant_id, store_id=caller.store_id, store_day=f"{caller.store_id}#{local_day(now, tz)}",
        created_at=now, created_by=caller.staff_id or caller.device_id, device_id=caller.device_id,
        items=[_costed(line.to_dict(), unit_costs.get(line.sku)) for line in lines], subtotal=subtotal, discount=0,
        shipping_fee=shipping_fee,
        unique_code=unique_code, total=total, shopper_id=shopper_id, customer=customer,
        phone_key=f"{caller.store_id}#{phone}" if phone else None, attempt=0, expires_at=expires_at,
        open_shard=open_shard, due_at=due_at, booking=booking)


def _costed(item: dict, unit_cost: int | None) -> dict:
    return item if unit_cost is None else {**item, "unit_cost": unit_cost}


def add_order(uow, order: OrderRecord) -> None:
    """Write a new order in the caller's unit of work (a taken order number is a lost condition)."""
    repo.add_order(uow, order)


def end_unpaid(uow, order: OrderRecord, target: str, reason: str, *, transfers: int | None = None) -> None:
    """In the caller's unit of work: the order, still in the status read (and, with ``transfers``,
    still with those transfers received), ends unpaid (``target``)."""
    model.require_move(order.status, target)
    repo.ended_unpaid(uow, order, target, reason, transfers=transfers)


def undo_payment(uow, order: OrderRecord, *, back_to: str, open_shard: str | None = None,
                 due_at: int | None = None, transfers: int = 0) -> None:
    """In the caller's unit of work: a payment recorded by mistake is taken back (a person unmatched
    the statement row), keeping ``transfers`` still matched to it. A deliberate, audited exception to
    "orders never move backwards"."""
    if order.status not in (model.PAID, model.PAID_LATE):
        raise Conflict("Hanya pesanan yang sudah dibayar yang bisa dibatalkan pembayarannya.", code="invalid_transition")
    repo.payment_undone(uow, order, back_to=back_to, open_shard=open_shard, due_at=due_at, transfers=transfers)


def note_transfer(uow, order: OrderRecord, delta: int) -> None:
    """In the caller's unit of work: bank transfers matched to (or taken off) an order they do not
    make paid, shown on it; the order must still be in the status read."""
    repo.transfer_noted(uow, order, delta)



PAID_STATES = model.PAID_STATES
# Also published (imported above from .completion): Payment, apply_payment (a payment from any source)
# and complete (a paid order becomes a sale).


def require_move(current: str, target: str) -> None:
    model.require_move(current, target)


def require_unchanged(uow, order: OrderRecord) -> None:
    """In the caller's unit of work: the order must still be in the status read."""
    repo.order_unchanged(uow, order)


# ---- views -----------------------------------------------------------------------------------

def order_view(order: OrderRecord, attempt: PaymentAttemptRecord | None = None, *, with_qr: bool = True) -> dict:
    """The order as clients see it. ``with_qr=False`` (the kiosk's early polls) leaves the live QR
    out (``qr_unchanged``): the kiosk keeps the one it shows, and the attempt is not read again."""
    if with_qr and attempt is None and order.attempt and order.status == model.AWAITING_PAYMENT:  # only a live QR needs it
        attempt = get_attempt(order.order_id, int(order.attempt))
    live = attempt is not None and attempt.status == "PENDING" and order.status == model.AWAITING_PAYMENT
    view = {
        "order_id": order.order_id, "order_no": order.order_no, "kind": order.kind, "status": order.status,
        "status_label": model.STATUS_LABELS.get(order.status, order.status),
        "items": [{k: v for k, v in item.items() if k != "unit_cost"} for item in order.items],  # HPP: reports only
        "subtotal": int(order.subtotal), "discount": int(order.discount), "total": int(order.total),
        "shopper_id": order.shopper_id, "created_at": int(order.created_at), "attempt": int(order.attempt),
        "payment": {
            "method": order.payment_method, "issuer": order.payment_issuer, "paid_at": order.paid_at,
            "cash_received": order.cash_received,
            "change": (int(order.cash_received) - int(order.total)) if order.cash_received is not None else None,
        },
        "qr_string": attempt.qr_string if live else None,
        "expires_at": int(attempt.expires_at) if live else None,
        "failure_reason": order.failure_reason, "flags": list(order.flags or []),
        "points_earned": order.points_earned, "completed_at": order.completed_at,
        "receipt_token": order.receipt_token,
        # what refunds done or under way have taken: money, and units per SKU
        "refunded_amount": int(order.refunded_amount or 0),
        "transfers_received": int(order.transfers_received or 0),
        "refunded_qty": {sku: int(qty) for sku, qty in (order.refunded_qty or {}).items()},
    }
    if not with_qr and order.status == model.AWAITING_PAYMENT:
        del view["qr_string"]
        view["expires_at"] = int(order.expires_at) if order.expires_at is not None else None
        view["qr_unchanged"] = True
    return view


# ---- creating a sale -------------------------------------------------------------------------

def _new_order_no(tz: str, now: int) -> str:
    # ddmm + 5 readable characters: short enough to read aloud, unique per store by a condition.
    return local_day(now, tz)[8:10] + local_day(now, tz)[5:7] + "-" + short_code(5)


def create_store_sale(caller: Caller, items: list[dict], shopper_id: str | None, method: str) -> dict:
    if method not in (model.QRIS, model.CASH):
        raise ValidationError("Metode pembayaran harus QRIS atau CASH.", code="invalid_method")
    if shopper_id is not None:
        from ..shoppers import service as shoppers

        shoppers.require_shopper(caller.merchant_id, shopper_id)
    priced = catalog.resolve_items(caller.merchant_id, items)
    lines = [model.Line(p.sku, p.name, qty, p.price, p.barcode) for p, qty in priced]
    subtotal = sum(line.total for line in lines)
    settings = store_settings(caller.store_id)
    model.require_sale_amount(subtotal, settings.max_sale_amount)
    gateway = gateway_for(settings, caller.merchant_id) if method == model.QRIS else None
    now = get_clock().now_s()
    order_id = new_id()

    def work(uow: units.UnitOfWork):
        order = new_order(order_id=order_id, kind=model.STORE_SALE, status=model.AWAITING_PAYMENT, caller=caller,
                          tz=settings.timezone, now=now, lines=lines, subtotal=subtotal, total=subtotal,
                          shopper_id=shopper_id,
                          unit_costs={p.sku: p.cost_price for p, _ in priced if p.cost_price is not None})
        attempt = None
        if gateway is not None:  # the first attempt is written with the order: one transaction
            attempt = _new_attempt(order, 1, gateway.provider, now, now + settings.qris_expiry_minutes * 60)
            order.attempt, order.attempt_at, order.expires_at = 1, now, attempt.expires_at
            order.open_shard, order.due_at = repo.PAY_SHARD, now + LOST_CALLBACK_SECONDS
            repo.add_attempt(uow, attempt)
        repo.add_order(uow, order)
        return order, attempt

    order, attempt = units.run(work, lost_retries=3)  # a lost condition is a taken order number: draw another
    if attempt is not None:
        return _charge(order, attempt, gateway)
    return order_view(order)


def _new_attempt(order: OrderRecord, n: int, provider: str, now: int, expires_at: int) -> PaymentAttemptRecord:
    return PaymentAttemptRecord(order_id=order.order_id, attempt=n, store_id=order.store_id, provider=provider,
                                gateway_ref=model.gateway_ref(order.order_id, n), amount=int(order.total),
                                status="CREATING", created_at=now, expires_at=expires_at)


def start_qris(order: OrderRecord, settings=None) -> dict:
    """Open the next payment attempt and ask the gateway for a dynamic QR.

    The attempt number moves with a condition on the order's current attempt and status, so only
    one caller ever opens attempt N+1.
    """
    settings = settings or store_settings(order.store_id)
    gateway = gateway_for(settings, order.merchant_id)
    now = get_clock().now_s()
    n = int(order.attempt) + 1
    attempt = _new_attempt(order, n, gateway.provider, now, now + settings.qris_expiry_minutes * 60)
    taken = Conflict("Pembayaran untuk pesanan ini baru saja dibuka di perangkat lain.", code="attempt_in_progress")
    units.commit(lambda uow: repo.open_attempt(uow, order, attempt, due_at=now + LOST_CALLBACK_SECONDS, lost=taken))
    # What the unit wrote (a transaction does not refresh the record): no need to read it back.
    order.attempt, order.status, order.expires_at, order.failure_reason = n, model.AWAITING_PAYMENT, attempt.expires_at, None
    order.attempt_at = now
    return _charge(order, attempt, gateway)


def _charge(order: OrderRecord, attempt: PaymentAttemptRecord, gateway) -> dict:
    """Ask the gateway for the attempt's dynamic QR and keep what it answered."""
    try:
        charge = gateway.create_qris(attempt.gateway_ref, int(order.total), int(attempt.expires_at),
                                     f"Pesanan {order.order_no}")
    except UpstreamError as exc:
        # The QR may or may not exist at the gateway (a timeout); "Coba lagi" asks before reopening.
        record_unpaid_end(order.order_id, int(attempt.attempt), "failed", exc.message)
        order.refresh(consistent_read=True)
        return order_view(order)
    units.commit(lambda uow: repo.attempt_created(uow, attempt, qr_string=charge.qr_string,
                                                  provider_ref=charge.provider_ref, expires_at=charge.expires_at))
    return order_view(order, attempt)


# ---- asking the gateway ----------------------------------------------------------------------

def _claim_check(attempt: PaymentAttemptRecord, now: int, min_gap: int) -> bool:
    claimed, _ = units.attempt(lambda uow: repo.claim_status_check(uow, attempt, now, min_gap))
    return claimed


def apply_gateway_status(order: OrderRecord, attempt: PaymentAttemptRecord, status, source: str, settings=None) -> str:
    """Apply what the gateway's own status API confirmed (never an unconfirmed notification).

    A payment completes only when its amount is exactly the attempt's and it is the transaction the
    attempt opened; anything else is recorded for staff (NEEDS_REVIEW), never completed."""
    if status.status == "paid":
        wrong = model.payment_mismatches(expected_amount=int(attempt.amount), paid_amount=status.amount,
                                         expected_ref=attempt.provider_ref, paid_ref=status.provider_ref)
        return apply_payment(Payment(order_id=order.order_id, attempt=int(attempt.attempt), method=model.QRIS,
                                     amount=status.amount if status.amount is not None else 0, issuer=status.issuer,
                                     provider=attempt.provider, paid_at=status.paid_at, source=source,
                                     mismatches=tuple(wrong)), read=(order, attempt), settings=settings)
    if status.status in ("failed", "expired", "cancelled"):
        reasons = {"failed": "Pembayaran ditolak oleh bank atau e-wallet.", "expired": "Waktu pembayaran QRIS habis.",
                   "cancelled": "QRIS dibatalkan."}
        return "ended" if record_unpaid_end(order.order_id, int(attempt.attempt), status.status, reasons[status.status]) else "noop"
    if status.status == "refunded":
        _flag(order, "refunded")
        return "refunded"
    return "pending"


def _flag(order: OrderRecord, flag: str) -> None:
    flags = list(order.flags or [])
    if flag not in flags:
        units.commit(lambda uow: repo.flagged(uow, order, flags + [flag]))


def check_status(caller: Caller, order_id: str, *, poll: bool = False) -> dict:
    """ "Cek Status Pembayaran": our state, refreshed from the gateway while a QR is live (rate limited).

    ``poll``: the kiosk's own background check. It reads our state only (the callback normally
    arrives first) and asks the gateway only when none came for a while, at most every
    :data:`POLL_GAP_SECONDS`; the cashier's button always asks (every :data:`STATUS_CHECK_SECONDS`)."""
    order = own_order(caller.store_id, order_id)
    if order.status != model.AWAITING_PAYMENT or not order.attempt:
        return order_view(order)
    if poll and order.attempt_at is not None and get_clock().now_s() - int(order.attempt_at) < POLL_ASKS_GATEWAY_AFTER:
        return order_view(order, with_qr=False)  # one read: the callback normally comes first
    attempt = get_attempt(order.order_id, int(order.attempt))
    outcome = refresh_from_gateway(order, source="status_check", attempt=attempt,
                                   min_gap=POLL_GAP_SECONDS if poll else STATUS_CHECK_SECONDS)
    if outcome in (None, "pending"):
        return order_view(order, attempt)
    order.refresh(consistent_read=True)
    return order_view(order)


def refresh_from_gateway(order: OrderRecord, *, source: str, min_gap: int,
                         attempt: PaymentAttemptRecord | None = None) -> str | None:
    if order.status != model.AWAITING_PAYMENT or not order.attempt:
        return None
    attempt = attempt or get_attempt(order.order_id, int(order.attempt))
    if attempt is None or attempt.status not in ("PENDING", "CREATING"):
        return None
    now = get_clock().now_s()
    if not _claim_check(attempt, now, min_gap):
        return None
    settings = store_settings(order.store_id)
    gateway = gateway_for(settings, order.merchant_id)
    try:
        status = gateway.get_status(attempt.gateway_ref, provider_ref=attempt.provider_ref)
    except GatewayNotFound:
        if attempt.status == "CREATING" and now - attempt.created_at > 60:
            record_unpaid_end(order.order_id, int(attempt.attempt), "failed", "QRIS tidak pernah dibuat di gateway.")
        return None
    except UpstreamError as exc:
        logger.info("gateway status unavailable", extra={"order_id": order.order_id, "error": exc.code})
        return None
    return apply_gateway_status(order, attempt, status, source, settings)


def _settle_previous_attempt(order: OrderRecord) -> str:
    """Make sure the current attempt can never be paid: ask, then cancel at the gateway.

    Returns ``clear`` (unpaid and cancelled, or never created) or ``paid`` (it was paid first;
    the payment is applied).
    """
    if not order.attempt:
        return "clear"
    attempt = get_attempt(order.order_id, int(order.attempt))
    if attempt is None or attempt.status in ("CANCELLED",):
        return "clear"
    if attempt.status == "PAID":
        return "paid"
    settings = store_settings(order.store_id)
    gateway = gateway_for(settings, order.merchant_id)
    try:
        result = gateway.cancel(attempt.gateway_ref, provider_ref=attempt.provider_ref)
    except GatewayNotFound:
        result = None  # the gateway never created it
    except CancelNotSupported as exc:
        raise Conflict("QRIS sebelumnya masih aktif dan tidak bisa dibatalkan di gateway. Tunggu sampai "
                       "kedaluwarsa, lalu coba lagi.", code="previous_qr_still_live", details=exc.details) from None
    if result is not None and result.status == "paid":
        apply_gateway_status(order, attempt, result, "cancel", settings)
        return "paid"
    if result is not None and result.status == "pending":
        raise UpstreamError("Gateway belum mengonfirmasi pembatalan QRIS sebelumnya. Coba lagi sebentar.",
                            code="gateway_cancel_unconfirmed")
    cancelled, _ = units.attempt(lambda uow: repo.attempt_cancelled(uow, attempt))
    return "clear" if cancelled else "paid"


# ---- cashier actions -------------------------------------------------------------------------

def retry_payment(caller: Caller, order_id: str) -> dict:
    """ "Coba lagi": a new QR, only once the previous one is confirmed unpaid and cancelled."""
    order = own_order(caller.store_id, order_id)
    if order.status == model.AWAITING_PAYMENT:
        refresh_from_gateway(order, source="status_check", min_gap=0)
        order.refresh(consistent_read=True)
        if order.status == model.AWAITING_PAYMENT:
            attempt = get_attempt(order.order_id, int(order.attempt)) if order.attempt else None
            if attempt is not None and attempt.status == "PENDING" and attempt.expires_at > get_clock().now_s():
                return order_view(order, attempt)  # the live QR is still the one to pay
    if order.status not in (model.FAILED, model.EXPIRED, model.AWAITING_PAYMENT):
        return order_view(order)
    if _settle_previous_attempt(order) == "paid":
        order.refresh(consistent_read=True)
        return order_view(order)
    order.refresh(consistent_read=True)
    if order.status not in (model.FAILED, model.EXPIRED, model.AWAITING_PAYMENT):
        return order_view(order)
    return start_qris(order)


QRIS_PAID_KEEP_NO_CASH = {"code": "qris_paid_return_cash",
                          "message": "QRIS sudah dibayar - kembalikan uang tunai kepada pembeli."}
QRIS_PAID_NOT_CANCELLED = {"code": "qris_paid_not_cancelled",
                           "message": "QRIS sudah dibayar - pesanan tidak dibatalkan."}


def _paid_by_qris_meanwhile(order: OrderRecord, notice: dict) -> dict:
    """The shopper paid the QR while the cashier took cash or tapped Batal: say so, record nothing."""
    order.refresh(consistent_read=True)
    return {**order_view(order), "notice": notice}


def pay_cash(caller: Caller, order_id: str, received: int) -> dict:
    order = own_order(caller.store_id, order_id)
    if order.status in model.PAID_STATES:
        if order.payment_method == model.QRIS:
            return _paid_by_qris_meanwhile(order, QRIS_PAID_KEEP_NO_CASH)
        return order_view(order)  # a repeated tap, or paid otherwise
    if order.status not in (model.AWAITING_PAYMENT, model.FAILED, model.EXPIRED, model.BOOKED):
        model.require_move(order.status, model.PAID)
    model.change_due(int(order.total), received)
    if _settle_previous_attempt(order) == "paid":
        return _paid_by_qris_meanwhile(order, QRIS_PAID_KEEP_NO_CASH)
    outcome = apply_payment(Payment(order_id=order.order_id, attempt=None, method=model.CASH, amount=int(order.total),
                                    cash_received=received, source="cash"))
    if outcome not in ("paid", "duplicate"):
        logger.info("cash payment outcome", extra={"order_id": order.order_id, "outcome": outcome})
    order.refresh(consistent_read=True)
    return order_view(order)


def cancel_order(caller: Caller, order_id: str) -> dict:
    """ "Batal": cancel an unpaid sale; a QR paid at the last second wins and completes instead."""
    order = own_order(caller.store_id, order_id)
    if order.status == model.CANCELLED:
        return order_view(order)
    if order.status in model.PAID_STATES:
        return _paid_by_qris_meanwhile(order, QRIS_PAID_NOT_CANCELLED) if order.payment_method == model.QRIS \
            else order_view(order)
    if order.status == model.BOOKED:
        # The area that owns the kind cancels it (a book order releases its held goods with it).
        kinds.handler_for(order.kind, "cancel")(caller, order_id)
        return order_view(own_order(caller.store_id, order_id))
    model.require_move(order.status, model.CANCELLED)
    if _settle_previous_attempt(order) == "paid":
        return _paid_by_qris_meanwhile(order, QRIS_PAID_NOT_CANCELLED)
    units.attempt(lambda uow: repo.ended_unpaid(uow, order, model.CANCELLED, "Dibatalkan kasir."))
    order.refresh(consistent_read=True)
    return order_view(order)


def complete_late(caller: Caller, order_id: str) -> dict:
    """Staff accept a late or mismatched payment: the order completes with its effects."""
    order = own_order(caller.store_id, order_id)
    if order.status not in model.DECISION_STATES:
        raise Conflict("Hanya pesanan yang dibayar terlambat atau perlu dicek yang bisa diselesaikan di sini.",
                       code="invalid_transition")
    complete(order.order_id, actor=caller.staff_id or "staff")
    order.refresh(consistent_read=True)
    return order_view(order)


DECISION_REASONS = {
    "late_payment": "Uang masuk setelah QR atau batas bayar berakhir.",
    "amount_mismatch": "Jumlah yang diterima tidak sama dengan total pesanan.",
    "transaction_mismatch": "Pembayaran dari transaksi lain, bukan QR pesanan ini.",
    "double_payment": "Pesanan ini dibayar dua kali.",
    "parcel_returned": "Paket diretur kurir: terima barangnya (restock) dan kembalikan dana, atau tutup dengan alasan.",
}


def decisions(caller: Caller, limit: int = 100) -> list[dict]:
    """Paid orders that wait for a person (paid late, or not the payment asked for), newest first,
    each with why and what was received: staff complete them (or refund the money)."""
    out = []
    for order in repo.awaiting_decision(caller.store_id, limit):
        view = order_view(order)
        view["paid_amount"] = int(order.paid_amount) if order.paid_amount is not None else None
        view["reasons"] = [{"code": f, "label": DECISION_REASONS[f]} for f in order.flags or [] if f in DECISION_REASONS]
        out.append(view)
    return out


# ---- scheduler -------------------------------------------------------------------------------

def sweep_payments(limit: int = 200) -> dict:
    """Every minute: complete PAID orders left behind, ask about QRs pending too long (lost
    callbacks), and expire overdue ones, cancelling them at the gateway."""
    now = get_clock().now_s()
    counts = {"completed": 0, "checked": 0, "expired": 0}
    for order in repo.due_for_scheduler(now, limit):
        try:
            if order.status == model.PAID:
                counts["completed"] += complete(order.order_id, actor="system")
                continue
            if order.status != model.AWAITING_PAYMENT:
                continue
            refresh_from_gateway(order, source="scheduler", min_gap=STATUS_CHECK_SECONDS)
            counts["checked"] += 1
            order.refresh(consistent_read=True)
            if order.status == model.AWAITING_PAYMENT and (order.expires_at or 0) <= now:
                if _settle_previous_attempt(order) == "clear":
                    record_unpaid_end_for_expiry(order)
                    counts["expired"] += 1
            elif order.status == model.AWAITING_PAYMENT:
                units.attempt(lambda uow: repo.recheck_later(uow, order, now + 60))
        except (UpstreamError, Conflict) as exc:
            logger.info("payment sweep skipped an order", extra={"order_id": order.order_id, "error": exc.code})
    return counts


def record_unpaid_end_for_expiry(order: OrderRecord) -> None:
    units.attempt(lambda uow: repo.ended_unpaid(uow, order, model.EXPIRED, "Waktu pembayaran QRIS habis.",
                                                attempt_no=order.attempt, from_status=model.AWAITING_PAYMENT))


def pending_orders(caller: Caller, *, mine: bool = False) -> list[dict]:
    """The store's sales still waiting for payment (today's and yesterday's, by store day), newest
    first, or only those rung up on the caller's device: a kiosk reopened mid-payment resumes its
    sale instead of ringing it again while the old QR is still payable."""
    tz = store_settings(caller.store_id).timezone
    now = get_clock().now_s()
    days = dict.fromkeys((local_day(now, tz), local_day(now - 86_400, tz)))
    found = [o for day in days for o in repo.orders_of_day(caller.store_id, day)
             if o.status == model.AWAITING_PAYMENT and (not mine or o.device_id == caller.device_id)]
    return [order_view(o) for o in sorted(found, key=lambda o: o.created_at, reverse=True)]


def find_open_order(caller: Caller, *, order_no: str | None = None, phone: str | None = None) -> list[dict]:
    """The cashier finds an order (e.g. a book order paid at the kiosk) by number or customer phone."""
    if order_no:
        found = repo.orders_by_number(caller.store_id, order_no.strip().upper())
    elif phone:
        from ..core.phone import normalize_phone

        found = repo.orders_by_phone(caller.store_id, normalize_phone(phone), limit=20)
    else:
        raise ValidationError("Isi nomor pesanan atau nomor HP.", code="missing_field")
    if not found:
        raise NotFound("Pesanan tidak ditemukan.", code="order_not_found")
    return [order_view(o) for o in found]
