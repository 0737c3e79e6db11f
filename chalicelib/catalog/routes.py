"""Products: list/search, lookup by sku or barcode, admin create/update."""
from __future__ import annotations

from ..core.lazy import lazy
from ..core.web import ADMIN, ALL_STAFF, Api, F, int_param, once, parse_body, query_param
service = lazy(".service", __package__)

bp = Api(__name__)

_FIELDS = {"sku": F(str), "name": F(str), "barcode": F(str, required=False, nullable=True), "price": F(int),
           "weight_g": F(int, required=False), "active": F(bool, required=False), "category": F(str, required=False),
           "cost_price": F(int, required=False, nullable=True)}  # harga pokok (HPP): admins only; null = not known


@bp.endpoint("/catalog/products", ["GET"], roles=ALL_STAFF)
def list_products(caller):
    req = bp.current_request
    return service.list_products(caller, query=query_param(req, "q"), cursor=query_param(req, "cursor"),
                                 include_inactive=query_param(req, "include_inactive") == "1" and caller.role == ADMIN,
                                 limit=int_param(req, "limit", 50))


@bp.endpoint("/catalog/products", ["POST"], roles=[ADMIN])
def create_product(caller):
    body = parse_body(bp.current_request, _FIELDS)
    return once(bp.current_request, caller, "product", body, lambda: service.create_product(caller, body))


@bp.endpoint("/catalog/products/{sku}", ["GET"], roles=ALL_STAFF)
def get_product(caller, sku):
    return service.get_product(caller, sku)


@bp.endpoint("/catalog/products/{sku}", ["PATCH"], roles=[ADMIN])
def update_product(caller, sku):
    fields = {k: F(v.type, required=False, nullable=v.nullable) for k, v in _FIELDS.items() if k != "sku"}
    return service.update_product(caller, sku, parse_body(bp.current_request, fields))


@bp.endpoint("/catalog/barcodes/{barcode}", ["GET"], roles=ALL_STAFF)
def by_barcode(caller, barcode):
    return service.find_by_barcode(caller, barcode)
