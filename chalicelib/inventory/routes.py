"""Stock check, ledger, adjustments and drop orders. Roles: CS requests goods, the warehouse hands
them over and scans returns, either closes one whose goods were sold, admins adjust stock (admins
may do everything)."""
from __future__ import annotations

from ..core.lazy import lazy
from ..core.web import ADMIN, ALL_STAFF, CS, WAREHOUSE, Api, F, int_param, once, parse_body, query_param
from . import model

drop_orders = lazy(".drop_orders", __package__)
service = lazy(".service", __package__)

bp = Api(__name__)
BACK_OFFICE = (CS, WAREHOUSE)


@bp.endpoint("/inventory/stock", ["GET"], roles=ALL_STAFF)
def stock(caller):
    return service.stock_check(caller, query_param(bp.current_request, "q") or "")


@bp.endpoint("/inventory/ledger", ["GET"], roles=BACK_OFFICE)
def ledger(caller):
    req = bp.current_request
    return service.ledger(caller, query_param(req, "sku") or "", int_param(req, "limit", 100, maximum=500))


@bp.endpoint("/inventory/adjustments", ["POST"], roles=[ADMIN])
def adjust(caller):
    req = bp.current_request
    body = parse_body(req, {"location": F(str, check=model.validate_location), "reason": F(str), "items": F(list),
                            "note": F(str, required=False, nullable=True)})
    return once(req, caller, "stock-adjustment", body, lambda: service.adjust(
        caller, location=body["location"], reason=body["reason"], items=body["items"], note=body.get("note")))


@bp.endpoint("/inventory/drop-orders", ["POST"], roles=[CS])
def request_drop(caller):
    req = bp.current_request
    body = parse_body(req, {"items": F(list), "note": F(str, required=False, nullable=True)})
    return once(req, caller, "drop-order", body, lambda: drop_orders.request(caller, body["items"], body.get("note")))


@bp.endpoint("/inventory/drop-orders", ["GET"], roles=BACK_OFFICE)
def list_drops(caller):
    req = bp.current_request
    return {"drop_orders": drop_orders.list_by_status(caller, query_param(req, "status") or model.DROP_REQUESTED,
                                                      int_param(req, "limit", 50))}


@bp.endpoint("/inventory/drop-orders/{drop_id}", ["GET"], roles=BACK_OFFICE)
def get_drop(caller, drop_id):
    return drop_orders.get(caller, drop_id)


@bp.endpoint("/inventory/drop-orders/{drop_id}/handover", ["POST"], roles=[WAREHOUSE])
def hand_over(caller, drop_id):
    """No body: everything requested. ``{"items": [{"sku", "qty"}]}``: what the warehouse has."""
    body = parse_body(bp.current_request, {"items": F(list, required=False, nullable=True)}, allow_empty=True)
    return drop_orders.hand_over(caller, drop_id, body.get("items"))


@bp.endpoint("/inventory/drop-orders/{drop_id}/close", ["POST"], roles=BACK_OFFICE)
def close_drop(caller, drop_id):
    """Nothing comes back: "Semua terjual", or ``{"keep_rest": true, "note"}`` (why the rest stays at CS)."""
    body = parse_body(bp.current_request, {"keep_rest": F(bool, required=False), "note": F(str, required=False, nullable=True)},
                      allow_empty=True)
    return drop_orders.close_unreturned(caller, drop_id, keep_rest=bool(body.get("keep_rest")), note=body.get("note"))


@bp.endpoint("/inventory/drop-orders/{drop_id}/cancel", ["POST"], roles=BACK_OFFICE)
def cancel_drop(caller, drop_id):
    return drop_orders.cancel(caller, drop_id)


@bp.endpoint("/inventory/drop-orders/{drop_id}/return", ["POST"], roles=[WAREHOUSE])
def return_goods(caller, drop_id):
    req = bp.current_request
    body = parse_body(req, {"items": F(list)})
    return once(req, caller, f"drop-return#{drop_id}", body, lambda: drop_orders.return_goods(caller, drop_id, body["items"]),
                status=200)
