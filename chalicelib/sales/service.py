"""Store sales and payment attempts: the cashier's side of the QRIS flow.

"Never two live QRs for one order": a new attempt is opened only after the previous one is
confirmed unpaid at the gateway and cancelled there (or never reached it), and the order's
``attempt`` number is advanced with a condition, so two taps of "Coba lagi" open one attempt.
"""
from __future__ import annotations

from pynamodb.exceptions import TransactWriteError, UpdateError

from ..catalog import service as catalog
from ..core.clock import get_clock, local_day
from ..core.db import is_condition_failure, transaction
from ..core.errors import Conflict, NotFound, UpstreamError, ValidationError
from ..core.ids import new_id, short_code
from ..core.observability import logger
from ..core.web import Caller
from ..payments.gateways import gateway_for
from ..payments.providers import CancelNotSupported, GatewayNotFound
from ..staff.service import store_settings
from . import model
from .completion import Payment, apply_payment, complete, record_unpaid_end
from .repo import OrderNumberRecord, OrderRecord, PaymentAttemptRecord, get_attempt
from .repo import get_order as _repo_get_order, own_order as _repo_own_order

STATUS_CHECK_SECONDS = 3  # at most one gateway status call per order this often
LOST_CALLBACK_SECONDS = 120  # the scheduler asks the gateway about orders pending this long


# ---- published reads (other areas reach orders through these, never through the repo) -----------

def get_order(order_id: str) -> OrderRecord | None:
    """The order as stored now (consistent read), or None."""
    return _repo_get_order(order_id)


def own_order(store_id: str, order_id: str) -> OrderRecord:
    """The order if it belongs to this store; otherwise "not found", never "forbidden"."""
    return _repo_own_order(store_id, order_id)


# ---- views -----------------------------------------------------------------------------------

def order_view(order: OrderRecord, attempt: PaymentAttemptRecord | None = None) -> dict:
    if attempt is None and order.attempt:
        attempt = get_attempt(order.order_id, int(order.attempt))
    live = attempt is not None and attempt.status == "PENDING" and order.status == model.AWAITING_PAYMENT
    view = {
        "order_id": order.order_id, "order_no": order.order_no, "kind": order.kind, "status": order.status,
        "status_label": model.STATUS_LABELS.get(order.status, order.status), "items": order.items,
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
    }
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
    now = get_clock().now_s()
    order = OrderRecord(
        order_id=new_id(), order_no=_new_order_no(settings.timezone, now), kind=model.STORE_SALE,
        status=model.AWAITING_PAYMENT, merchant_id=caller.merchant_id, store_id=caller.store_id,
        store_day=f"{caller.store_id}#{local_day(now, settings.timezone)}", created_at=now,
        created_by=caller.staff_id or caller.device_id, device_id=caller.device_id,
        items=[line.to_dict() for line in lines], subtotal=subtotal, discount=0, total=subtotal,
        shopper_id=shopper_id, attempt=0,
    )
    with transaction() as tx:
        tx.save(order, condition=OrderRecord.order_id.does_not_exist())
        tx.save(OrderNumberRecord(store_id=caller.store_id, order_no=order.order_no, order_id=order.order_id),
                condition=OrderNumberRecord.order_no.does_not_exist())
    if method == model.QRIS:
        return start_qris(order, settings)
    return order_view(order)


def start_qris(order: OrderRecord, settings=None) -> dict:
    """Open the next payment attempt and ask the gateway for a dynamic QR.

    The attempt number moves with a condition on the order's current attempt and status, so only
    one caller ever opens attempt N+1.
    """
    settings = settings or store_settings(order.store_id)
    gateway = gateway_for(settings)
    now = get_clock().now_s()
    n = int(order.attempt) + 1
    expires_at = now + settings.qris_expiry_minutes * 60
    attempt = PaymentAttemptRecord(order_id=order.order_id, attempt=n, store_id=order.store_id,
                                   provider=gateway.provider, gateway_ref=model.gateway_ref(order.order_id, n),
                                   amount=int(order.total), status="CREATING", created_at=now, expires_at=expires_at)
    try:
        with transaction() as tx:
            tx.save(attempt, condition=PaymentAttemptRecord.attempt.does_not_exist())
            tx.update(order, actions=[OrderRecord.attempt.set(n), OrderRecord.status.set(model.AWAITING_PAYMENT),
                                      OrderRecord.expires_at.set(expires_at), OrderRecord.failure_reason.remove(),
                                      OrderRecord.open_shard.set("PAY"), OrderRecord.due_at.set(now + LOST_CALLBACK_SECONDS)],
                      condition=(OrderRecord.attempt == order.attempt) & (OrderRecord.status == order.status))
    except TransactWriteError as exc:
        if is_condition_failure(exc):
            raise Conflict("Pembayaran untuk pesanan ini baru saja dibuka di perangkat lain.", code="attempt_in_progress") from None
        raise
    order.refresh(consistent_read=True)
    try:
        charge = gateway.create_qris(attempt.gateway_ref, int(order.total), expires_at, f"Pesanan {order.order_no}")
    except UpstreamError as exc:
        # The QR may or may not exist at the gateway (a timeout); "Coba lagi" asks before reopening.
        record_unpaid_end(order.order_id, n, "failed", exc.message)
        order.refresh(consistent_read=True)
        return order_view(order)
    attempt.update(actions=[PaymentAttemptRecord.status.set("PENDING"), PaymentAttemptRecord.qr_string.set(charge.qr_string),
                            PaymentAttemptRecord.provider_ref.set(charge.provider_ref),
                            PaymentAttemptRecord.expires_at.set(charge.expires_at)],
                   condition=PaymentAttemptRecord.status == "CREATING")
    return order_view(order, attempt)


# ---- asking the gateway ----------------------------------------------------------------------

def _claim_check(attempt: PaymentAttemptRecord, now: int, min_gap: int) -> bool:
    try:
        attempt.update(actions=[PaymentAttemptRecord.checked_at.set(now)],
                       condition=PaymentAttemptRecord.checked_at <= now - min_gap)
        return True
    except UpdateError as exc:
        if is_condition_failure(exc):
            return False
        raise


def apply_gateway_status(order: OrderRecord, attempt: PaymentAttemptRecord, status, source: str) -> str:
    """Apply what the gateway says (a status answer or a verified callback) through one code path."""
    if status.status == "paid":
        return apply_payment(Payment(order_id=order.order_id, attempt=int(attempt.attempt), method=model.QRIS,
                                     amount=status.amount if status.amount is not None else int(attempt.amount),
                                     issuer=status.issuer, provider=attempt.provider, paid_at=status.paid_at, source=source))
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
        order.update(actions=[OrderRecord.flags.set(flags + [flag])])


def check_status(caller: Caller, order_id: str) -> dict:
    """ "Cek Status Pembayaran": our state, refreshed from the gateway while a QR is live (rate limited)."""
    order = own_order(caller.store_id, order_id)
    refresh_from_gateway(order, source="status_check", min_gap=STATUS_CHECK_SECONDS)
    order.refresh(consistent_read=True)
    return order_view(order)


def refresh_from_gateway(order: OrderRecord, *, source: str, min_gap: int) -> str | None:
    if order.status != model.AWAITING_PAYMENT or not order.attempt:
        return None
    attempt = get_attempt(order.order_id, int(order.attempt))
    if attempt is None or attempt.status not in ("PENDING", "CREATING"):
        return None
    now = get_clock().now_s()
    if not _claim_check(attempt, now, min_gap):
        return None
    gateway = gateway_for(store_settings(order.store_id))
    try:
        status = gateway.get_status(attempt.gateway_ref, provider_ref=attempt.provider_ref)
    except GatewayNotFound:
        if attempt.status == "CREATING" and now - attempt.created_at > 60:
            record_unpaid_end(order.order_id, int(attempt.attempt), "failed", "QRIS tidak pernah dibuat di gateway.")
        return None
    except UpstreamError as exc:
        logger.info("gateway status unavailable", extra={"order_id": order.order_id, "error": exc.code})
        return None
    return apply_gateway_status(order, attempt, status, source)


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
    gateway = gateway_for(store_settings(order.store_id))
    try:
        result = gateway.cancel(attempt.gateway_ref, provider_ref=attempt.provider_ref)
    except GatewayNotFound:
        result = None  # the gateway never created it
    except CancelNotSupported as exc:
        raise Conflict("QRIS sebelumnya masih aktif dan tidak bisa dibatalkan di gateway. Tunggu sampai "
                       "kedaluwarsa, lalu coba lagi.", code="previous_qr_still_live", details=exc.details) from None
    if result is not None and result.status == "paid":
        apply_gateway_status(order, attempt, result, "cancel")
        return "paid"
    if result is not None and result.status == "pending":
        raise UpstreamError("Gateway belum mengonfirmasi pembatalan QRIS sebelumnya. Coba lagi sebentar.",
                            code="gateway_cancel_unconfirmed")
    try:
        attempt.update(actions=[PaymentAttemptRecord.status.set("CANCELLED")],
                       condition=PaymentAttemptRecord.status != "PAID")
    except UpdateError as exc:
        if is_condition_failure(exc):
            return "paid"
        raise
    return "clear"


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


def pay_cash(caller: Caller, order_id: str, received: int) -> dict:
    order = own_order(caller.store_id, order_id)
    if order.status in model.PAID_STATES:
        return order_view(order)
    if order.status not in (model.AWAITING_PAYMENT, model.FAILED, model.EXPIRED, model.BOOKED):
        model.require_move(order.status, model.PAID)
    model.change_due(int(order.total), received)
    if _settle_previous_attempt(order) == "paid":
        order.refresh(consistent_read=True)
        return order_view(order)
    outcome = apply_payment(Payment(order_id=order.order_id, attempt=None, method=model.CASH, amount=int(order.total),
                                    cash_received=received, source="cash"))
    if outcome not in ("paid", "duplicate"):
        logger.info("cash payment outcome", extra={"order_id": order.order_id, "outcome": outcome})
    order.refresh(consistent_read=True)
    return order_view(order)


def cancel_order(caller: Caller, order_id: str) -> dict:
    """ "Batal": cancel an unpaid sale; a QR paid at the last second wins and completes instead."""
    order = own_order(caller.store_id, order_id)
    if order.status == model.CANCELLED or order.status in model.PAID_STATES:
        return order_view(order)
    if order.kind == model.BOOK_ORDER and order.status == model.BOOKED:
        from .book_orders import cancel as cancel_book_order  # releases its held stock in the same transaction

        cancel_book_order(caller, order_id)
        return order_view(own_order(caller.store_id, order_id))
    model.require_move(order.status, model.CANCELLED)
    if _settle_previous_attempt(order) == "paid":
        order.refresh(consistent_read=True)
        return order_view(order)
    try:
        order.update(actions=[OrderRecord.status.set(model.CANCELLED), OrderRecord.failure_reason.set("Dibatalkan kasir."),
                              OrderRecord.open_shard.remove(), OrderRecord.due_at.remove()],
                     condition=OrderRecord.status == order.status)
    except UpdateError as exc:
        if not is_condition_failure(exc):
            raise
    order.refresh(consistent_read=True)
    return order_view(order)


def complete_late(caller: Caller, order_id: str) -> dict:
    """Staff accept a late payment: the order completes with its effects."""
    order = own_order(caller.store_id, order_id)
    if order.status != model.PAID_LATE:
        raise Conflict("Hanya pesanan yang dibayar terlambat yang bisa diselesaikan di sini.", code="invalid_transition")
    complete(order.order_id, actor=caller.staff_id or "staff")
    order.refresh(consistent_read=True)
    return order_view(order)


def get_sale(caller: Caller, order_id: str) -> dict:
    return order_view(own_order(caller.store_id, order_id))


def list_sales(caller: Caller, day: str, limit: int = 100) -> list[dict]:
    orders = OrderRecord.by_store_day.query(f"{caller.store_id}#{day}", scan_index_forward=False, limit=limit)
    return [order_view(o) for o in orders]


def flagged(caller: Caller, day: str) -> list[dict]:
    return [o for o in list_sales(caller, day, limit=500) if o["flags"] or o["status"] == model.PAID_LATE]


# ---- scheduler -------------------------------------------------------------------------------

def sweep_payments(limit: int = 200) -> dict:
    """Every minute: complete PAID orders left behind, ask about QRs pending too long (lost
    callbacks), and expire overdue ones, cancelling them at the gateway."""
    now = get_clock().now_s()
    counts = {"completed": 0, "checked": 0, "expired": 0}
    for order in OrderRecord.open_by_due.query("PAY", OrderRecord.due_at <= now, limit=limit):
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
                order.update(actions=[OrderRecord.due_at.set(now + 60)], condition=OrderRecord.status == model.AWAITING_PAYMENT)
        except (UpstreamError, Conflict) as exc:
            logger.info("payment sweep skipped an order", extra={"order_id": order.order_id, "error": exc.code})
        except UpdateError as exc:
            if not is_condition_failure(exc):
                raise
    return counts


def record_unpaid_end_for_expiry(order: OrderRecord) -> None:
    try:
        order.update(actions=[OrderRecord.status.set(model.EXPIRED), OrderRecord.failure_reason.set("Waktu pembayaran QRIS habis."),
                              OrderRecord.open_shard.remove(), OrderRecord.due_at.remove()],
                     condition=(OrderRecord.status == model.AWAITING_PAYMENT) & (OrderRecord.attempt == order.attempt))
    except UpdateError as exc:
        if not is_condition_failure(exc):
            raise


def find_open_order(caller: Caller, *, order_no: str | None = None, phone: str | None = None) -> list[dict]:
    """The cashier finds an order (e.g. a book order paid at the kiosk) by number or customer phone."""
    if order_no:
        found = list(OrderRecord.by_number.query(caller.store_id, OrderRecord.order_no == order_no.strip().upper()))
    elif phone:
        from ..core.phone import normalize_phone

        found = list(OrderRecord.by_customer_phone.query(f"{caller.store_id}#{normalize_phone(phone)}",
                                                         scan_index_forward=False, limit=20))
    else:
        raise ValidationError("Isi nomor pesanan atau nomor HP.", code="missing_field")
    if not found:
        raise NotFound("Pesanan tidak ditemukan.", code="order_not_found")
    return [order_view(o) for o in found]
