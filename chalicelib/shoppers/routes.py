"""Shopper lookup and registration, points, "Lewati", activation links (public) and cashier figures."""
from __future__ import annotations

from ..core.lazy import lazy
from ..core.ratelimit import Limit
from ..core.web import ADMIN, CASHIER, CS, Api, F, int_param, once, parse_body, query_param
service = lazy(".service", __package__)

bp = Api(__name__)

_FRONT = (CASHIER, CS)  # admin is always allowed


@bp.endpoint("/shoppers/lookup", ["GET"], roles=_FRONT)
def lookup(caller):
    return service.lookup(caller, query_param(bp.current_request, "phone"))


@bp.endpoint("/shoppers", ["POST"], roles=_FRONT)
def register(caller):
    body = parse_body(bp.current_request, {"phone": F(str), "name": F(str), "consent": F(bool),
                                           "email": F(str, required=False), "birthday": F(str, required=False)})
    return once(bp.current_request, caller, "shopper", body, lambda: service.register(caller, body))


@bp.endpoint("/shoppers/skip", ["POST"], roles=_FRONT)
def skip(caller):
    body = parse_body(bp.current_request, {}, allow_empty=True)
    return once(bp.current_request, caller, "shopper-skip", body, lambda: service.record_skip(caller))


@bp.endpoint("/shoppers/{shopper_id}", ["GET"], roles=_FRONT)
def get_shopper(caller, shopper_id):
    return service.get_shopper(caller, shopper_id)


@bp.endpoint("/shoppers/{shopper_id}/points", ["GET"], roles=_FRONT)
def points(caller, shopper_id):
    req = bp.current_request
    return service.points_history(caller, shopper_id, limit=int_param(req, "limit", 20, maximum=100),
                                  cursor=query_param(req, "cursor"))


# Links are signed (a guess is refused without a read); the limit keeps the endpoint from being hammered.
ACTIVATION_LIMIT = Limit("activation", hits=60, seconds=600)


@bp.endpoint("/shoppers/activation/{token}", ["GET"], public=True, limit=ACTIVATION_LIMIT)
def activation_info(_, token):
    return service.activation_info(token)


@bp.endpoint("/shoppers/activation/{token}", ["POST"], public=True, limit=ACTIVATION_LIMIT)
def activate(_, token):
    parse_body(bp.current_request, {}, allow_empty=True)
    return service.activate(token)


@bp.endpoint("/reports/cashiers", ["GET"], roles=(CASHIER, CS, ADMIN))
def cashier_report(caller):
    return service.cashier_report(caller, query_param(bp.current_request, "day"))
