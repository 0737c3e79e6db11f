"""Shifts (buka / tutup kasir): open, cash in/out, close, the closing report."""
from __future__ import annotations

from chalice import Response

from ..core.lazy import lazy
from ..core.money import require_rupiah
from ..core.web import CASHIER, CS, Api, F, int_param, once, parse_body
model = lazy(".model", __package__)
service = lazy(".service", __package__)

bp = Api(__name__)
HOLDERS = (CASHIER, CS)  # whoever takes money at a device; admins always may


def _rupiah(label: str, minimum: int):
    return lambda v: require_rupiah(v, label, minimum=minimum, maximum=model.MAX_DRAWER)


@bp.endpoint("/shifts/current", ["GET"], roles=HOLDERS)
def current(caller):
    return service.current(caller)


@bp.endpoint("/shifts", ["GET"], roles=HOLDERS)
def list_shifts(caller):
    return {"shifts": service.list_shifts(caller, int_param(bp.current_request, "limit", 30, maximum=100))}


@bp.endpoint("/shifts", ["POST"], roles=HOLDERS)
def open_shift(caller):
    req = bp.current_request
    body = parse_body(req, {"opening_float": F(int, check=_rupiah("Kas awal", 0))})
    return once(req, caller, "shift-open", body, lambda: service.open_shift(caller, body["opening_float"]))


@bp.endpoint("/shifts/{shift_id}", ["GET"], roles=HOLDERS)
def get_shift(caller, shift_id):
    return service.get_shift(caller, shift_id)


@bp.endpoint("/shifts/{shift_id}/cash", ["POST"], roles=HOLDERS)
def cash_movement(caller, shift_id):
    req = bp.current_request
    body = parse_body(req, {"direction": F(str), "amount": F(int, check=_rupiah("Jumlah", 1)), "reason": F(str)})
    return once(req, caller, f"shift-cash#{shift_id}", body, lambda: service.cash_movement(
        caller, shift_id, body["direction"], body["amount"], body["reason"]))


@bp.endpoint("/shifts/{shift_id}/close", ["POST"], roles=HOLDERS)
def close_shift(caller, shift_id):
    req = bp.current_request
    body = parse_body(req, {"counted_cash": F(int, check=_rupiah("Kas dihitung", 0)),
                            "note": F(str, required=False, nullable=True),
                            "approver_staff_id": F(str, required=False, nullable=True),
                            "approver_pin": F(str, required=False, nullable=True)})
    # The PIN stays out of the idempotency record's request hash (a 6-digit PIN under plain SHA-256
    # is one brute-force away); the kiosk sends each approval attempt under a new key.
    remembered = {k: v for k, v in body.items() if k != "approver_pin"}
    return once(req, caller, f"shift-close#{shift_id}", remembered, lambda: service.close_shift(
        caller, shift_id, body["counted_cash"], body.get("note"), body.get("approver_staff_id"),
        body.get("approver_pin")), status=200)


@bp.endpoint("/shifts/{shift_id}/report.pdf", ["GET"], roles=HOLDERS)
def report_pdf(caller, shift_id):
    rec, pdf = service.closed_pdf(caller, shift_id)
    return Response(body=pdf, status_code=200, headers={
        "Content-Type": "application/pdf", "Cache-Control": "no-store",
        "Content-Disposition": f'attachment; filename="tutup-kasir-{rec.shift_code}.pdf"'})


@bp.endpoint("/shifts/{shift_id}/print", ["POST"], roles=HOLDERS)
def reprint(caller, shift_id):
    return service.reprint(caller, shift_id)
