"""Store sales: create (QRIS or cash), "Cek Status Pembayaran", "Coba lagi", cash, cancel; gateway callbacks."""
from __future__ import annotations

from ..core.lazy import lazy
from ..core.money import require_rupiah
from ..core.ratelimit import Limit
from ..core.web import ADMIN, CASHIER, CS, Api, F, int_param, once, parse_body, query_param
service = lazy(".service", __package__)
history = lazy(".history", __package__)
refunds = lazy(".refunds", __package__)
callbacks = lazy(".callbacks", __package__)

bp = Api(__name__)
SELLERS = (CASHIER, CS)


@bp.endpoint("/sales", ["POST"], roles=SELLERS)
def create_sale(caller):
    req = bp.current_request
    body = parse_body(req, {"items": F(list), "shopper_id": F(str, required=False, nullable=True),
                            "payment_method": F(str, required=False)})
    return once(req, caller, "sale", body, lambda: service.create_store_sale(
        caller, body["items"], body.get("shopper_id"), body.get("payment_method") or "QRIS"))


@bp.endpoint("/sales", ["GET"], roles=SELLERS)
def list_sales(caller):
    """Sales history: the store's orders of one store-local day (``day``, default today), newest first,
    in pages (``cursor``); ``q`` (order number, phone, name), ``status`` and ``method`` narrow it."""
    req = bp.current_request
    return history.day_sales(caller, day=query_param(req, "day"), q=query_param(req, "q"),
                             status=query_param(req, "status"), method=query_param(req, "method"),
                             cursor=query_param(req, "cursor"), limit=int_param(req, "limit", history.PAGE, maximum=100))


@bp.endpoint("/sales/find", ["GET"], roles=SELLERS)
def find(caller):
    req = bp.current_request
    return {"orders": service.find_open_order(caller, order_no=query_param(req, "order_no"), phone=query_param(req, "phone"))}


@bp.endpoint("/sales/pending", ["GET"], roles=SELLERS)
def pending(caller):
    """Sales still waiting for payment: ``?device=mine`` only this device's (the kiosk resumes them)."""
    mine = query_param(bp.current_request, "device") == "mine"
    return {"orders": service.pending_orders(caller, mine=mine)}


@bp.endpoint("/sales/decisions", ["GET"], roles=[ADMIN, CASHIER, CS])
def decisions(caller):
    """Paid orders that wait for a person (late, or another amount/transaction than asked for)."""
    return {"orders": service.decisions(caller)}


@bp.endpoint("/sales/{order_id}", ["GET"], roles=SELLERS)
def get_sale(caller, order_id):
    """The order with its refunds, per line what is left to refund, and its receipts and messages."""
    return history.sale(caller, order_id)


@bp.endpoint("/sales/{order_id}/activity/retry", ["POST"], roles=SELLERS)
def retry_activity(caller, order_id):
    """Send a failed receipt print or message of this sale again (``effect_id`` from its activity)."""
    body = parse_body(bp.current_request, {"effect_id": F(str)})
    return history.retry_activity(caller, order_id, body["effect_id"])


@bp.endpoint("/sales/{order_id}/status", ["POST"], roles=SELLERS)
def check_status(caller, order_id):
    """``?poll=1``: the kiosk's background check (our state; the gateway only when no callback came)."""
    return service.check_status(caller, order_id, poll=query_param(bp.current_request, "poll") == "1")


@bp.endpoint("/sales/{order_id}/retry", ["POST"], roles=SELLERS)
def retry(caller, order_id):
    req = bp.current_request
    return once(req, caller, f"retry#{order_id}", {}, lambda: service.retry_payment(caller, order_id), status=200)


@bp.endpoint("/sales/{order_id}/cash", ["POST"], roles=SELLERS)
def pay_cash(caller, order_id):
    req = bp.current_request
    body = parse_body(req, {"amount_received": F(int, check=lambda v: require_rupiah(v, "Uang diterima", minimum=1))})
    return once(req, caller, f"cash#{order_id}", body, lambda: service.pay_cash(caller, order_id, body["amount_received"]),
                status=200)


@bp.endpoint("/sales/{order_id}/cancel", ["POST"], roles=SELLERS)
def cancel(caller, order_id):
    return service.cancel_order(caller, order_id)


@bp.endpoint("/sales/{order_id}/returns/close", ["POST"], roles=[CS])
def close_return(caller, order_id):
    """A returned parcel's order leaves the decisions list without a refund (sent again, ...), with why."""
    from .returns import close_without_refund

    body = parse_body(bp.current_request, {"note": F(str)})
    return close_without_refund(caller, order_id, body["note"])


@bp.endpoint("/sales/{order_id}/complete-late", ["POST"], roles=[ADMIN])
def complete_late(caller, order_id):
    return service.complete_late(caller, order_id)


_APPROVAL = F(dict, required=False, nullable=True)
_REFUND = {"lines": F(list, required=False, nullable=True), "reason": F(str), "note": F(str, required=False, nullable=True),
           "tender": F(str, required=False, nullable=True), "transfer_ref": F(str, required=False, nullable=True),
           "approval": _APPROVAL}


# Refusals of the approval itself. They are not kept as the Idempotency-Key's answer, and the approval
# is no part of the request's fingerprint: the kiosk sends the same intent again, with the same key,
# once a supervisor has typed their PIN (or typed it right).
APPROVAL_REFUSALS = frozenset({"approval_required", "approval_pin_wrong", "approver_not_allowed",
                               "second_person_required", "pin_locked", "invalid_pin_format"})


def _once_approved(req, caller, scope: str, body: dict, fn):
    return once(req, caller, scope, {k: v for k, v in body.items() if k != "approval"}, fn, forget=APPROVAL_REFUSALS)


@bp.endpoint("/sales/{order_id}/refunds", ["POST"], roles=SELLERS)
def create_refund(caller, order_id):
    """Refund a completed sale (``lines`` of ``{sku, quantity, restock}``, or all of it) or the money of
    a paid order that never became a sale; approval by an admin's PIN when the caller needs one."""
    req = bp.current_request
    body = parse_body(req, _REFUND)
    return _once_approved(req, caller, f"refund#{order_id}", body, lambda: refunds.refund(
        caller, order_id, lines=refunds.validate_lines(body.get("lines")), reason=body["reason"], note=body.get("note"),
        tender=body.get("tender"), transfer_ref=body.get("transfer_ref"), approval=body.get("approval")))


@bp.endpoint("/sales/{order_id}/void", ["POST"], roles=SELLERS)
def void_sale(caller, order_id):
    req = bp.current_request
    body = parse_body(req, {"reason": F(str), "note": F(str, required=False, nullable=True), "approval": _APPROVAL})
    return _once_approved(req, caller, f"void#{order_id}", body, lambda: refunds.void(
        caller, order_id, reason=body["reason"], note=body.get("note"), approval=body.get("approval")))


@bp.endpoint("/sales/{order_id}/refunds", ["GET"], roles=SELLERS)
def list_refunds(caller, order_id):
    return {"refunds": refunds.refunds_of(service.own_order(caller.store_id, order_id))}


@bp.endpoint("/sales/{order_id}/refunds/{refund_id}/status", ["POST"], roles=SELLERS)
def refund_status(caller, order_id, refund_id):
    """ "Cek status pengembalian": a QRIS refund in progress is asked about at the gateway now."""
    return refunds.check_by_hand(caller, order_id, refund_id)


@bp.endpoint("/sales/{order_id}/reprint", ["POST"], roles=SELLERS)
def reprint(caller, order_id):
    from .receipts import reprint as do_reprint

    return do_reprint(caller.store_id, order_id, caller.staff_id or caller.device_id)


RECEIPT_LIMIT = Limit("receipt", hits=300, seconds=600)  # per address: a shopper opens a receipt a few times


@bp.endpoint("/receipts/{token}", ["GET"], public=True, limit=RECEIPT_LIMIT)
def digital_receipt(_, token):
    from .receipts import digital_receipt as view

    return view(token)


@bp.endpoint("/receipts/{token}/pdf", ["GET"], public=True, limit=RECEIPT_LIMIT)
def digital_receipt_pdf(_, token):
    from chalice import Response

    from .receipts import digital_receipt_pdf as pdf

    return Response(body=pdf(token), status_code=200,
                    headers={"Content-Type": "application/pdf", "Content-Disposition": f'inline; filename="struk-{token[:6]}.pdf"'})


# ---- gateway callbacks: public (the gateway calls them), verified inside before anything changes --

def _callback(provider: str):
    req = bp.current_request
    headers = {k.lower(): v for k, v in (req.headers or {}).items()}
    return callbacks.handle_callback(provider, headers, req.raw_body or b"")


@bp.endpoint("/callbacks/midtrans", ["POST"], public=True)
def midtrans(_):
    return _callback("midtrans")


@bp.endpoint("/callbacks/xendit", ["POST"], public=True)
def xendit(_):
    return _callback("xendit")


@bp.endpoint("/sales/{order_id}/refunds/{refund_id}/reprint", ["POST"], roles=SELLERS)
def reprint_refund(caller, order_id, refund_id):
    """Another copy of a refund's (or void's) receipt, marked "SALINAN ke-N" with the time and who asked."""
    from .receipts import reprint_refund as do_reprint

    return do_reprint(caller.store_id, order_id, refund_id, caller.staff_id or caller.device_id)
