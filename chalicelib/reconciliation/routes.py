"""Reconciliation for CS: statement uploads and imports, the review list, matching by hand,
confirming and unmatching, and turning paid book orders into sales."""
from __future__ import annotations

from ..core.errors import ValidationError
from ..core.lazy import lazy
from ..core.web import CS, Api, F, int_param, once, parse_body, query_param, validate_fields

service = lazy(".service", __package__)

bp = Api(__name__)


def _text(limit: int, label: str):
    def check(value: str) -> str:
        value = value.strip()
        if not value or len(value) > limit:
            raise ValidationError(f"{label} wajib diisi, maksimal {limit} karakter.", code="invalid_input")
        return value
    return check


_UPLOAD = {"filename": F(str, check=_text(200, "Nama berkas")),
           "account_no": F(str, required=False, nullable=True)}

_ALLOCATION = {"line_id": F(str, check=_text(64, "Baris")), "order_id": F(str, check=_text(40, "Pesanan")),
               "amount": F(int)}


def _allocations(items: list) -> list[dict]:
    out = []
    for i, item in enumerate(items):
        a = validate_fields(item, _ALLOCATION, where=f"allocations[{i}].")
        if a["amount"] <= 0:
            raise ValidationError(f"Jumlah alokasi ke-{i + 1} harus lebih dari 0.", code="invalid_amount")
        out.append(a)
    return out


_APPROVAL = {"staff_id": F(str, check=_text(64, "Admin")), "pin": F(str)}


def _approval(value: dict) -> dict:
    return validate_fields(value, _APPROVAL, where="approval.")


# An admin's PIN for a confirmation or hand-match one person could forge (see approval.py).
_APPROVED = {"approval": F(dict, required=False, nullable=True, check=_approval)}


def _remembered(body: dict) -> dict:
    """What the idempotency record hashes: never the PIN (a 6-digit PIN under plain SHA-256 is one
    brute force away). The page sends each approval attempt under a new key."""
    approval = body.get("approval")
    return dict(body, approval={"staff_id": approval["staff_id"]}) if approval else body


_COLUMN = (str, int)
_MAPPING = {
    "bank": F(str, required=False), "date": F(_COLUMN), "description": F(list),
    "amount": F(_COLUMN, required=False, nullable=True), "debit": F(_COLUMN, required=False, nullable=True),
    "credit": F(_COLUMN, required=False, nullable=True), "direction": F(_COLUMN, required=False, nullable=True),
    "balance": F(_COLUMN, required=False, nullable=True), "reference": F(_COLUMN, required=False, nullable=True),
    "date_format": F(str, required=False), "decimal": F(str, required=False),
    "credit_markers": F(list, required=False), "debit_markers": F(list, required=False),
    "delimiter": F(str, required=False, nullable=True), "has_header": F(bool, required=False),
    "skip_rows": F(int, required=False), "stop_at": F(list, required=False),
}


@bp.endpoint("/reconciliation/uploads", ["POST"], roles=[CS])
def create_upload(caller):
    """A presigned POST to ``statements/<store>/...``; uploading the file starts its import."""
    req = bp.current_request
    body = parse_body(req, _UPLOAD)
    return once(req, caller, "statement-upload", body,
                lambda: service.create_upload(caller, body["filename"], body.get("account_no")))


@bp.endpoint("/reconciliation/statements", ["GET"], roles=[CS])
def list_statements(caller):
    return {"statements": service.list_statements(caller, int_param(bp.current_request, "limit", 30, maximum=100))}


@bp.endpoint("/reconciliation/statements/{statement_id}", ["GET"], roles=[CS])
def get_statement(caller, statement_id):
    return service.get_statement(caller, statement_id)


@bp.endpoint("/reconciliation/review", ["GET"], roles=[CS])
def review(caller):
    """``?queue=review`` (credits, default), ``debit`` or ``proposed``; ``?reason=`` narrows it; ``?next=``
    continues it."""
    req = bp.current_request
    return service.review_list(caller, query_param(req, "queue", "review"), query_param(req, "reason"),
                               int_param(req, "limit", 100, maximum=200), query_param(req, "next"))


@bp.endpoint("/reconciliation/lines/{line_id}", ["GET"], roles=[CS])
def get_line(caller, line_id):
    return service.get_line(caller, line_id)


@bp.endpoint("/reconciliation/lines/{line_id}/confirm", ["POST"], roles=[CS])
def confirm(caller, line_id):
    """No body, or ``{"approval": {"staff_id", "pin"}}`` when the answer was 403 ``approval_required``."""
    body = parse_body(bp.current_request, _APPROVED, allow_empty=True)
    return service.confirm(caller, line_id, body.get("approval"))


@bp.endpoint("/reconciliation/lines/{line_id}/unmatch", ["POST"], roles=[CS])
def unmatch(caller, line_id):
    return service.unmatch(caller, line_id)


@bp.endpoint("/reconciliation/lines/{line_id}/set-aside", ["POST"], roles=[CS])
def set_aside(caller, line_id):
    """``{"reason": "bukan_penjualan"|"duplikat"|"biaya_bank"|"lainnya", "note"}``: the row pays no order."""
    body = parse_body(bp.current_request, {"reason": F(str), "note": F(str, required=False, nullable=True)})
    return service.set_aside(caller, line_id, body["reason"], body.get("note"))


@bp.endpoint("/reconciliation/lines/{line_id}/undo-set-aside", ["POST"], roles=[CS])
def undo_set_aside(caller, line_id):
    return service.undo_set_aside(caller, line_id)


@bp.endpoint("/reconciliation/lines/{line_id}/refunds", ["POST"], roles=[CS])
def refund_line(caller, line_id):
    """``{"transfer_ref", "amount"?, "note"?}``: money of the row given back by transfer (all that
    pays no order when ``amount`` is left out)."""
    req = bp.current_request
    body = parse_body(req, {"transfer_ref": F(str), "amount": F(int, required=False, nullable=True),
                            "note": F(str, required=False, nullable=True)})
    return once(req, caller, f"statement-refund#{line_id}", body, lambda: service.refund_line(
        caller, line_id, body["transfer_ref"], body.get("amount"), body.get("note")))


@bp.endpoint("/reconciliation/orders/{order_id}/cancel", ["POST"], roles=[CS])
def cancel_order(caller, order_id):
    """"Batalkan & kembalikan dana": the book order is cancelled and what it received by transfer
    goes to the refund list, together."""
    return service.cancel_order(caller, order_id)


@bp.endpoint("/reconciliation/money", ["GET"], roles=[CS])
def money_check(caller):
    """The day's money check (``?day=YYYY-MM-DD``, default today): credits received = matched to
    sales + given back + set aside + waiting."""
    return service.money_check(caller, query_param(bp.current_request, "day"))


@bp.endpoint("/reconciliation/matches", ["POST"], roles=[CS])
def hand_match(caller):
    """``{"allocations": [{"line_id", "order_id", "amount"}], "approval": {"staff_id", "pin"},
    "accept_short": bool, "rest_to_refund": bool}``: each credit used up exactly (or its rest to the
    refund list); an order left short within the store's tolerance accepted as paid; the approval
    only when the answer was 403 ``approval_required``."""
    req = bp.current_request
    body = parse_body(req, {"allocations": F(list, check=_allocations), **_APPROVED,
                            "accept_short": F(bool, required=False), "rest_to_refund": F(bool, required=False)})
    return once(req, caller, "statement-match", _remembered(body),
                lambda: service.hand_match(caller, body["allocations"], body.get("approval"),
                                           accept_short=bool(body.get("accept_short")),
                                           rest_to_refund=bool(body.get("rest_to_refund"))))


@bp.endpoint("/reconciliation/proposals/confirm-all", ["POST"], roles=[CS])
def confirm_all(caller):
    """Every proposed match confirmed; those needing an admin's PIN or changed meanwhile are skipped, with why."""
    return service.confirm_all(caller)


@bp.endpoint("/reconciliation/paid-orders/make-sales", ["POST"], roles=[CS])
def make_all_sales(caller):
    """Every paid book order waiting for its sale made one; those that cannot are skipped, with why."""
    return service.make_all_sales(caller)


@bp.endpoint("/reconciliation/paid-orders", ["GET"], roles=[CS])
def paid_orders(caller):
    return {"orders": service.paid_orders(caller)}


@bp.endpoint("/reconciliation/orders/{order_id}/sale", ["POST"], roles=[CS])
def make_sale(caller, order_id):
    return service.make_sale(caller, order_id)


@bp.endpoint("/reconciliation/mappings", ["GET"], roles=[CS])
def list_mappings(caller):
    return service.list_mappings(caller)


@bp.endpoint("/reconciliation/mappings/{account_no}", ["PUT"], roles=[CS])
def save_mapping(caller, account_no):
    return service.save_mapping(caller, account_no, parse_body(bp.current_request, _MAPPING))


@bp.endpoint("/reconciliation/audit", ["GET"], roles=[CS])
def audit(caller):
    return {"entries": service.audit_log(caller, int_param(bp.current_request, "limit", 100, maximum=200))}
