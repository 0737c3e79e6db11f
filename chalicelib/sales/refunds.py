"""Refunds and voids of sales, with every effect of the sale reversed exactly once.

A refund is a document of its own (``RefundRecord``) linked to the sale. Asking for one reserves
its money and units on the order in the same unit of work that writes it (the order's refund totals
move only from what was read), so refunds asked at once never together exceed what was paid, or
take back more of a line than was sold.

- Cash and bank-transfer refunds are done at once: the refund, the order's totals and every effect
  (stock back to where it came from when restocked, loyalty points taken back, report and shift
  figures, the shopper's message and the refund receipt print) commit together.
- A QRIS refund goes back through the gateway's refund API with the refund id as its idempotency
  key: REQUESTED (written) -> PENDING (the gateway has it) -> DONE (the effects commit then) or
  FAILED (what it had reserved is given back). A timeout leaves it for the sweeper, which asks the
  gateway (``get_refund``) and sends it again with the same key when the gateway never got it.
  Gateway refund notifications are hints confirmed the same way.
- A payment that never became a sale (paid late, or not what the order asked: the decisions list)
  is refunded whole; the order becomes REFUNDED and there are no sale effects to reverse.
- A void is the full refund of a sale of the current store day whose cashier's shift (when the
  store opens shifts) is still open, by its own tender; the sale becomes VOIDED. After the drawer
  was counted, it is a refund.
"""
from __future__ import annotations

from ..core import uow as units
from ..core.clock import get_clock, local_day
from ..core.errors import Conflict, Forbidden, NotFound, SambungError, UpstreamError, ValidationError
from ..core.ids import new_id, token
from ..core.money import format_rupiah
from ..core.observability import logger
from ..core.settings import get_settings
from ..core.web import ADMIN, SUPERVISOR, Caller
from ..payments.gateways import gateway_for
from ..payments.providers import GatewayNotFound
from ..payments.providers.base import RefundNotFound, RefundRefused
from ..staff import service as staff
from ..staff.service import store_settings
from . import model, refund_rules as rules, repo
from .facts import RefundDone, returned_lines
from .repo import OrderRecord, RefundRecord

APPROVER_ROLES = (SUPERVISOR, ADMIN)  # who may approve a refund or void with their PIN
CHECK_GAP_SECONDS = 15  # at most one gateway question per refund this often
SWEEP_AFTER_SECONDS = 60  # a refund the gateway has not settled is looked at again after this
_RETRIES = 5


# ---- asking for a refund ---------------------------------------------------------------------

def refund(caller: Caller, order_id: str, *, lines: list | None, reason: str, note: str | None = None,
           tender: str | None = None, transfer_ref: str | None = None, approval: dict | None = None) -> dict:
    """Refund a completed sale (whole, or lines and quantities), or the money of a paid order that
    never became a sale (paid late or not as asked: always whole)."""
    return _ask(caller, order_id, kind=rules.REFUND, lines=lines, reason=reason, note=note, tender=tender,
                transfer_ref=transfer_ref, approval=approval)


def void(caller: Caller, order_id: str, *, reason: str, note: str | None = None, approval: dict | None = None) -> dict:
    """Cancel a sale of today in full, by the tender it was paid with (QRIS through the gateway)."""
    return _ask(caller, order_id, kind=rules.VOID, lines=None, reason=reason, note=note, tender=None,
                transfer_ref=None, approval=approval)


def _ask(caller: Caller, order_id: str, *, kind: str, lines, reason: str, note, tender, transfer_ref, approval) -> dict:
    reason, note = rules.reason(reason, note)
    order = repo.own_order(caller.store_id, order_id)
    settings = store_settings(caller.store_id)
    now = get_clock().now_s()
    today = local_day(now, settings.timezone)
    _allowed(order, kind, lines, today, settings.timezone)
    method = order.payment_method or model.CASH
    tender, transfer_ref = rules.tender(tender if kind == rules.REFUND else None, method, transfer_ref)
    preview = _plan(order, lines)
    approver = _approve(caller, kind, preview.amount, settings, approval)
    refund_id = rules.refund_id(order.order_id, new_id())

    def work(uow: units.UnitOfWork) -> RefundRecord:
        fresh = repo.get_order(order_id)
        _allowed(fresh, kind, lines, today, settings.timezone)
        plan = _plan(fresh, lines)
        rec = RefundRecord(
            order_id=fresh.order_id, refund_id=refund_id, refund_no=f"{fresh.order_no}-R{int(fresh.refund_count or 0) + 1}",
            kind=kind, store_id=fresh.store_id, merchant_id=fresh.merchant_id, store_day=f"{fresh.store_id}#{today}",
            lines=[line.to_dict() for line in plan.lines], amount=plan.amount, reason=reason, note=note, tender=tender,
            transfer_ref=transfer_ref, status=rules.REQUESTED, requested_by=caller.staff_id or caller.device_id,
            requested_by_name=caller.staff_name, approved_by=approver.staff_id if approver else None,
            approved_by_name=approver.name if approver else None, device_id=caller.device_id, created_at=now,
            attempt=int(fresh.attempt) if tender == model.QRIS and fresh.attempt else None,
            provider=fresh.payment_provider if tender == model.QRIS else None,
            points_taken=rules.points_to_take(int(fresh.points_earned or 0), _paid(fresh),
                                              int(fresh.refunded_amount or 0), plan.amount),
            open_shard=repo.REFUND_SHARD if tender == model.QRIS else None,
            due_at=now + SWEEP_AFTER_SECONDS if tender == model.QRIS else None)
        busy = Conflict("Pengembalian lain untuk penjualan ini baru saja dicatat. Coba lagi.", code="refund_busy")
        end = None
        if tender != model.QRIS:  # cash from the drawer, or a transfer already made: done now
            rec.status, rec.done_at, rec.receipt_token = rules.DONE, now, token(18)
            end = _end_status(fresh, rec)
            _done_effects(uow, fresh, rec, settings=settings, now=now)
        repo.refund_reserved(uow, fresh, rec, quantities=plan.quantities, lost=busy, end_status=end,
                             decided=rec.status == rules.DONE)
        return rec

    try:
        rec = units.run(work, lost_retries=_RETRIES)
    except units.ConditionLost:
        raise Conflict("Pengembalian lain untuk penjualan ini baru saja dicatat. Coba lagi.", code="refund_busy") from None
    if rec.tender == model.QRIS:
        _send(rec)
        rec = repo.get_refund(rec.order_id, rec.refund_id)
    return refund_view(rec)


def _allowed(order: OrderRecord, kind: str, lines, today: str, tz: str) -> None:
    if order.status in model.DECISION_STATES:
        if kind == rules.VOID or lines is not None:
            raise Conflict("Pembayaran yang belum menjadi penjualan dikembalikan utuh (tanpa pilih barang).",
                           code="refund_whole_payment_only")
        return
    if order.status != model.COMPLETED:
        raise Conflict(f"Pesanan berstatus {model.STATUS_LABELS.get(order.status, order.status)}: belum ada pembayaran "
                       "yang bisa dikembalikan.", code="refund_not_allowed", details={"status": order.status})
    if kind == rules.VOID:
        if local_day(order.completed_at or order.created_at, tz) != today:
            raise Conflict("Pembatalan (void) hanya untuk penjualan hari ini. Gunakan pengembalian (refund).",
                           code="void_not_today")
        if shift_closed(order):
            raise Conflict("Shift kasir penjualan ini sudah ditutup (kasnya sudah dihitung): gunakan pengembalian "
                           "(refund).", code="void_shift_closed")
        if int(order.refunded_amount or 0) > 0:
            raise Conflict("Penjualan ini sudah dikembalikan sebagian: gunakan pengembalian (refund).",
                           code="void_after_refund")


def shift_closed(order: OrderRecord) -> bool:
    """The sale was counted on a cashier's shift that has been closed since (shifts area)."""
    from ..shifts import service as shifts

    return shifts.sale_shift_closed(order.store_id, order.created_by, order.device_id,
                                    int(order.completed_at or order.created_at))


def _paid(order: OrderRecord) -> int:
    return int(order.paid_amount) if order.paid_amount is not None else int(order.total)


def _plan(order: OrderRecord, lines) -> rules.RefundPlan:
    if order.status in model.DECISION_STATES:  # money only: nothing was sold
        left = _paid(order) - int(order.refunded_amount or 0)
        if left <= 0:
            raise Conflict("Pembayaran ini sudah dikembalikan.", code="already_refunded")
        return rules.RefundPlan(lines=(), amount=left, closes=True)
    return rules.plan(order.items, subtotal=int(order.subtotal), paid=_paid(order),
                      refunded_amount=int(order.refunded_amount or 0), refunded_qty=order.refunded_qty, request=lines)


def _approve(caller: Caller, kind: str, amount: int, settings, approval: dict | None):
    """The approver's staff record, or None when the caller needs none: a refund not above the
    store's limit or asked by an approver; a void by a role the store lets void without approval
    (``void_without_approval``, by default supervisors and admins)."""
    limit = settings.refund_approval_above
    if kind == rules.VOID:
        if caller.role in settings.void_without_approval:
            return None
        limit = -1
    elif not rules.needs_approval(amount, role=caller.role, limit=limit, approver_roles=APPROVER_ROLES):
        return None
    if not isinstance(approval, dict) or not approval.get("staff_id") or not approval.get("pin"):
        raise Forbidden("Pengembalian ini perlu persetujuan supervisor atau admin (PIN).", code="approval_required",
                        details={"amount": amount, "limit": max(limit, 0), "approver_roles": list(APPROVER_ROLES)})
    if approval["staff_id"] == caller.staff_id:
        raise Forbidden("Persetujuan harus dari orang lain.", code="second_person_required")
    try:
        approver = staff.verify_pin(caller.store_id, approval["staff_id"], approval["pin"], roles=APPROVER_ROLES,
                                    device_id=caller.device_id)
    except Forbidden:
        raise Forbidden("Persetujuan hanya dengan PIN supervisor atau admin toko ini.", code="approver_not_allowed") from None
    if approver is None:
        raise Forbidden("PIN persetujuan salah.", code="approval_pin_wrong")  # 403: the caller stays signed in
    return approver


# ---- the gateway -----------------------------------------------------------------------------

def _send(rec: RefundRecord) -> None:
    """Ask the gateway to refund (idempotent on the refund id) and apply its answer. A timeout or
    an outage leaves the refund for the sweeper."""
    order = repo.get_order(rec.order_id)
    attempt = repo.get_attempt(rec.order_id, int(rec.attempt)) if rec.attempt else None
    if order is None or attempt is None:
        _fail(rec, "no_payment", "Pembayaran QRIS untuk pesanan ini tidak ditemukan.")
        return
    gateway = gateway_for(store_settings(order.store_id), order.merchant_id)
    try:
        result = gateway.refund(attempt.gateway_ref, provider_ref=attempt.provider_ref, refund_key=rec.refund_id,
                                amount=int(rec.amount), reason=rules.REASONS.get(rec.reason, rec.reason))
    except RefundRefused as exc:
        _fail(rec, exc.code, exc.message)
        return
    except UpstreamError as exc:
        logger.info("refund not sent yet", extra={"refund_id": rec.refund_id, "error": exc.code})
        return
    apply_result(rec, result)


def apply_result(rec: RefundRecord, result) -> str:
    """Apply what the gateway says about one refund (from its answer, a confirmed notification or the
    sweeper). Returns ``done``, ``failed``, ``pending`` or ``noop`` (already settled)."""
    if result.status == "succeeded":
        return "done" if _finish(rec, provider_refund_id=result.provider_refund_id) else "noop"
    if result.status == "failed":
        return "failed" if _fail(rec, result.failure_code or "gateway_refund_failed",
                                 result.failure_message or "Gateway gagal mengembalikan dana.") else "noop"
    moved, _ = units.attempt(lambda uow: repo.refund_moved(
        uow, rec, rules.PENDING, from_states=(rules.REQUESTED,), open_due_at=get_clock().now_s() + SWEEP_AFTER_SECONDS,
        provider_refund_id=result.provider_refund_id))
    return "pending" if moved else "noop"


def _finish(rec: RefundRecord, *, provider_refund_id: str | None = None) -> bool:
    """REQUESTED/PENDING -> DONE with every effect, once."""
    now = get_clock().now_s()

    def work(uow: units.UnitOfWork) -> bool:
        fresh = repo.get_refund(rec.order_id, rec.refund_id)
        if fresh is None or fresh.status not in rules.OPEN_STATES:
            return False
        order = repo.get_order(rec.order_id)
        fresh.done_at, fresh.receipt_token = now, token(18)
        repo.refund_moved(uow, fresh, rules.DONE, from_states=(fresh.status,), done_at=now,
                          provider_refund_id=provider_refund_id or fresh.provider_refund_id,
                          receipt_token=fresh.receipt_token)
        end = _end_status(order, fresh)
        if end is not None:
            repo.order_ended_by_refund(uow, order, end)
        elif order.open_shard == repo.decision_shard(order.store_id):
            repo.decision_made(uow, order)  # a returned parcel's decision: refunded
        _done_effects(uow, order, fresh, settings=store_settings(order.store_id), now=now)
        return True

    try:
        return units.run(work, lost_retries=_RETRIES)
    except units.ConditionLost:
        return False


def _fail(rec: RefundRecord, code: str, message: str) -> bool:
    """REQUESTED/PENDING -> FAILED, giving back what it reserved on the order, once."""
    def work(uow: units.UnitOfWork) -> bool:
        fresh = repo.get_refund(rec.order_id, rec.refund_id)
        if fresh is None or fresh.status not in rules.OPEN_STATES:
            return False
        repo.refund_moved(uow, fresh, rules.FAILED, from_states=(fresh.status,), failure_code=code,
                          failure_message=message[:300])
        repo.refund_released(uow, repo.get_order(rec.order_id), fresh)
        return True

    try:
        return units.run(work, lost_retries=_RETRIES)
    except units.ConditionLost:
        return False


def _end_status(order: OrderRecord, rec: RefundRecord) -> str | None:
    """Where a refund that is done takes the order: VOIDED (a void), REFUNDED (a payment that never
    became a sale), or nowhere (a refund of a sale: the sale stays, with its refunds beside it)."""
    if order.status in model.DECISION_STATES:
        return model.REFUNDED
    return model.VOIDED if rec.kind == rules.VOID else None


def _queue_customer_refund_message(uow: units.UnitOfWork, order: OrderRecord, rec: RefundRecord, customer: dict,
                                   receipt_url: str) -> None:
    """The refund's message to a chat order's customer (no loyalty account: no points in it), under the
    same effect id a shopper's would have."""
    from ..notify import templates
    from ..notify.service import queue_message
    from ..shoppers.model import first_name

    queue_message(uow, effect_id=f"msg-refund#{rec.refund_id}", store_id=order.store_id, to_e164=customer["phone"],
                  template=templates.REFUND_NO_POINTS,
                  params={"name": first_name(customer.get("name") or "") or "Pelanggan", "refund_no": rec.refund_no,
                          "order_no": order.order_no, "store": staff.get_store(order.store_id).name,
                          "amount": format_rupiah(int(rec.amount)), "receipt_url": receipt_url})


def _done_effects(uow: units.UnitOfWork, order: OrderRecord, rec: RefundRecord, *, settings, now: int) -> None:
    """Every effect of a refund that is done, added to the caller's unit (the refund's and the
    order's own writes are the caller's): its receipt link, and the sale's effects reversed for what
    it takes (stock when restocked, points, figures, a message and a receipt print). A payment that
    never became a sale has no sale effects to reverse."""
    repo.refund_receipt_link(uow, rec.receipt_token, rec)
    if order.status in model.DECISION_STATES:
        return
    receipt_token = rec.receipt_token
    if any(line["restock"] for line in rec.lines or []):
        uow.outbox(f"refund-stock#{rec.refund_id}", "refund.stock", order.store_id,
                   {"order_id": order.order_id, "refund_id": rec.refund_id})
    balance = None
    if order.shopper_id and rec.points_taken:
        from ..shoppers import service as shoppers

        balance = shoppers.take_points_ops(uow, merchant_id=order.merchant_id, shopper_id=order.shopper_id,
                                           order_id=order.order_id, refund_id=rec.refund_id,
                                           points=int(rec.points_taken), store_id=order.store_id)
    uow.outbox(f"refund-print#{rec.refund_id}", "print.refund_receipt", order.store_id,
               {"order_id": order.order_id, "refund_id": rec.refund_id})
    receipt_url = f"{get_settings().public_base_url}/receipt.html#{receipt_token}"
    customer = order.customer or {}
    if order.shopper_id:
        from ..shoppers import service as shoppers

        shoppers.queue_refund_message(uow, order={
            "order_id": order.order_id, "order_no": order.order_no, "store_id": order.store_id,
            "merchant_id": order.merchant_id, "shopper_id": order.shopper_id, "refund_id": rec.refund_id,
            "refund_no": rec.refund_no, "amount": int(rec.amount), "points_taken": int(rec.points_taken or 0),
            "points_balance": balance, "receipt_url": receipt_url})
    elif customer.get("phone"):  # a chat order's customer: the number CS booked it for
        _queue_customer_refund_message(uow, order, rec, customer, receipt_url)
    uow.fact(RefundDone(
        store_id=order.store_id, order_id=order.order_id, refund_id=rec.refund_id, kind=rec.kind,
        order_kind=order.kind, amount=int(rec.amount), tender=rec.tender, sale_method=order.payment_method or model.CASH,
        staff_id=rec.requested_by, device_id=rec.device_id, at=now, tz=settings.timezone, seller_id=order.created_by,
        lines=returned_lines(order.items, rec.lines or [], subtotal=int(order.subtotal), discount=int(order.discount or 0))))


# ---- the sweeper and the gateway's notifications ----------------------------------------------

def check(rec: RefundRecord, *, min_gap: int = CHECK_GAP_SECONDS) -> str:
    """Ask the gateway about a refund in progress (at most every ``min_gap`` seconds) and apply the
    answer; a refund the gateway never got is sent again with the same key."""
    if rec.status not in rules.OPEN_STATES:
        return "noop"
    now = get_clock().now_s()
    claimed, _ = units.attempt(lambda uow: repo.refund_checked(uow, rec, now, min_gap))
    if not claimed:
        return "noop"
    order = repo.get_order(rec.order_id)
    attempt = repo.get_attempt(rec.order_id, int(rec.attempt)) if rec.attempt else None
    if order is None or attempt is None:
        return "failed" if _fail(rec, "no_payment", "Pembayaran QRIS untuk pesanan ini tidak ditemukan.") else "noop"
    gateway = gateway_for(store_settings(order.store_id), order.merchant_id)
    try:
        result = gateway.get_refund(attempt.gateway_ref, provider_ref=attempt.provider_ref, refund_key=rec.refund_id,
                                    provider_refund_id=rec.provider_refund_id)
    except (RefundNotFound, GatewayNotFound):
        _send(rec)  # the gateway never got it (or dropped it): the same key again
        return "resent"
    except UpstreamError as exc:
        logger.info("refund status unavailable", extra={"refund_id": rec.refund_id, "error": exc.code})
        units.attempt(lambda uow: repo.refund_moved(uow, rec, rec.status, from_states=(rec.status,),
                                                    open_due_at=now + SWEEP_AFTER_SECONDS))
        return "pending"
    outcome = apply_result(rec, result)
    if outcome == "noop" and result.status == "pending":
        units.attempt(lambda uow: repo.refund_moved(uow, rec, rec.status, from_states=(rec.status,),
                                                    open_due_at=now + SWEEP_AFTER_SECONDS))
    return outcome


def sweep(limit: int = 100) -> dict:
    """Refunds waiting for the gateway past their due time: asked again (scheduled)."""
    counts: dict[str, int] = {}
    for rec in repo.refunds_due(get_clock().now_s(), limit):
        try:
            outcome = check(rec, min_gap=CHECK_GAP_SECONDS)
        except SambungError as exc:
            outcome = exc.code
        counts[outcome] = counts.get(outcome, 0) + 1
    return counts


def confirm_notification(order_id: str, refund_key: str) -> str:
    """A gateway's refund notification (a hint): the refund it names is asked about and the
    confirmed state applied. Unknown refunds are ignored."""
    rec = repo.get_refund(order_id, refund_key)
    if rec is None:
        return "unknown_refund"
    return check(rec, min_gap=0)


# ---- reading ---------------------------------------------------------------------------------

def refund_view(rec: RefundRecord) -> dict:
    return {"refund_id": rec.refund_id, "refund_no": rec.refund_no, "order_id": rec.order_id, "kind": rec.kind,
            "status": rec.status, "amount": int(rec.amount), "tender": rec.tender, "transfer_ref": rec.transfer_ref,
            "lines": rec.lines or [], "reason": rec.reason, "reason_label": rules.REASONS.get(rec.reason, rec.reason),
            "note": rec.note, "requested_by": rec.requested_by, "requested_by_name": rec.requested_by_name,
            "approved_by": rec.approved_by, "approved_by_name": rec.approved_by_name, "created_at": int(rec.created_at),
            "done_at": int(rec.done_at) if rec.done_at else None, "failure_code": rec.failure_code,
            "failure_message": rec.failure_message, "points_taken": int(rec.points_taken or 0),
            "receipt_token": rec.receipt_token}


def open_refunds(order_id: str) -> list[RefundRecord]:
    return [r for r in repo.order_refunds(order_id) if r.status in rules.OPEN_STATES]


def refunds_of(order: OrderRecord) -> list[dict]:
    return [refund_view(r) for r in repo.order_refunds(order.order_id)]


def own_refund(caller: Caller, order_id: str, refund_id: str) -> RefundRecord:
    rec = repo.get_refund(order_id, refund_id)
    if rec is None or rec.store_id != caller.store_id:
        raise NotFound("Pengembalian tidak ditemukan.", code="refund_not_found")
    return rec


def check_by_hand(caller: Caller, order_id: str, refund_id: str) -> dict:
    """Staff's "Cek status pengembalian": the gateway is asked now (rate limited)."""
    rec = own_refund(caller, order_id, refund_id)
    if rec.status in rules.OPEN_STATES and rec.tender == model.QRIS:
        check(rec)
        rec = repo.get_refund(order_id, refund_id)
    return refund_view(rec)


def validate_lines(lines) -> list | None:
    if lines is None:
        return None
    if not isinstance(lines, list):
        raise ValidationError("lines harus daftar {sku, quantity, restock}.", code="invalid_refund_line")
    return lines
