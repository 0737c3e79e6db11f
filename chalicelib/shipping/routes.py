"""Shipping: settings (admin), shipments, AWB scan-in and labels (CS and warehouse), Biteship webhook."""
from __future__ import annotations

from ..core.errors import ValidationError
from ..core.lazy import lazy
from ..core.web import ADMIN, CS, WAREHOUSE, Api, F, int_param, once, parse_body, query_param, validate_fields
model = lazy(".model", __package__)
service = lazy(".service", __package__)

bp = Api(__name__)

# Warehouse staff pack parcels: they print labels and scan AWBs too.
SHIPPING_STAFF = (CS, WAREHOUSE)

_ORIGIN = {
    "contact_name": F(str), "contact_phone": F(str), "address": F(str),
    "postal_code": F(str, required=False, nullable=True), "area_id": F(str, required=False, nullable=True),
    "contact_email": F(str, required=False, nullable=True), "note": F(str, required=False, nullable=True),
    "coordinate": F(dict, required=False, nullable=True),
}


_COORDINATE = {"latitude": F((int, float)), "longitude": F((int, float))}


def _origin(value: dict) -> dict:
    data = validate_fields(value, _ORIGIN, "origin.")
    if data.get("coordinate") is not None:
        validate_fields(data["coordinate"], _COORDINATE, "origin.coordinate.")
    return model.address_to_dict(model.address_from_dict(data))


_SETTINGS = {
    "provider": F(str, required=False), "test_mode": F(bool, required=False),
    "origin": F(dict, required=False, check=_origin),
    "courier_company": F(str, required=False, check=lambda v: model.validate_courier_code(v, "Kurir")),
    "courier_type": F(str, required=False, check=lambda v: model.validate_courier_code(v, "Layanan kurir")),
    "tracking_url": F(str, required=False, check=lambda v: model.validate_tracking_url(v)),
    "api_key": F(str, required=False, nullable=True),
    "rate_couriers": F((list, str), required=False, nullable=True,
                       check=lambda v: list(model.validate_rate_couriers(v))),
}


@bp.endpoint("/shipping/settings", ["GET"], roles=[ADMIN])
def get_settings(caller):
    return service.settings_view(caller.store_id)


@bp.endpoint("/shipping/settings", ["PUT"], roles=[ADMIN])
def put_settings(caller):
    """Fields left out keep their value (secrets are never sent back, so they cannot round-trip); null clears one."""
    return service.update_settings(caller, parse_body(bp.current_request, _SETTINGS))


@bp.endpoint("/shipping/settings/webhook-secret", ["POST"], roles=[ADMIN])
def webhook_secret(caller):
    return service.new_webhook_secret(caller)


_LIST_FILTERS = {"awb": ("missing", "present"), "label": ("printed", "unprinted"), "booking": ("error",)}


def _choice(name: str) -> str | None:
    value = query_param(bp.current_request, name) or None
    if value is not None and value not in _LIST_FILTERS[name]:
        raise ValidationError(f"Parameter {name} harus salah satu dari: {', '.join(_LIST_FILTERS[name])}.",
                              code="invalid_query")
    return value


def _statuses() -> list[str]:
    raw = query_param(bp.current_request, "status") or ""
    statuses = []
    for part in filter(None, (p.strip() for p in raw.split(","))):
        status = model.parse_status(part)
        if status is None:
            raise ValidationError(f"Status kiriman tidak dikenal: {part}.", code="invalid_query")
        statuses.append(status.value)
    return statuses


@bp.endpoint("/shipping/shipments", ["GET"], roles=SHIPPING_STAFF)
def list_shipments(caller):
    """``?status=confirmed,picked&awb=missing|present&label=printed|unprinted&booking=error&q=<AWB or order no>``."""
    req = bp.current_request
    return service.list_shipments(caller, statuses=_statuses(), awb=_choice("awb"), label=_choice("label"),
                                  booking=_choice("booking"), q=query_param(req, "q"),
                                  limit=int_param(req, "limit", 50, maximum=200), cursor=query_param(req, "cursor"))


@bp.endpoint("/shipping/shipments/{shipment_id}", ["GET"], roles=SHIPPING_STAFF)
def get_shipment(caller, shipment_id):
    return service.get(caller, shipment_id)


_FIXES = {
    "postal_code": F(str, required=False, check=lambda v: model.validate_postal_code(v)),
    "courier_company": F(str, required=False, check=lambda v: model.validate_courier_code(v, "Kurir")),
    "courier_type": F(str, required=False, check=lambda v: model.validate_courier_code(v, "Layanan kurir")),
}


@bp.endpoint("/shipping/shipments/{shipment_id}/retry", ["POST"], roles=[CS])
def retry(caller, shipment_id):
    """Book again now (after a top-up, or with a fixed postal code or courier)."""
    fixes = parse_body(bp.current_request, _FIXES, allow_empty=True)
    return service.retry(caller, shipment_id, {k: v for k, v in fixes.items() if v is not None})


_CANCEL = {"reason": F(str, required=False, nullable=True, max_len=200)}


@bp.endpoint("/shipping/shipments/{shipment_id}/cancel", ["POST"], roles=[CS])
def cancel(caller, shipment_id):
    """Cancel before the courier picks the parcel up (a COD order ends with it)."""
    body = parse_body(bp.current_request, _CANCEL, allow_empty=True)
    reason = " ".join((body.get("reason") or "").split()) or "Dibatalkan oleh toko"
    return service.cancel(caller, shipment_id, reason)


_RATES = {"postal_code": F(str, check=lambda v: model.require_postal_code(v)), "items": F(list)}


@bp.endpoint("/shipping/rates", ["POST"], roles=[CS])
def rates(caller):
    """"Cek ongkir": ``{"postal_code", "items": [{"sku"|"barcode", "qty"}]}`` -> the couriers' rates,
    weighed from the catalog, cheapest first. Asked through our courier adapter, never the browser."""
    body = parse_body(bp.current_request, _RATES)
    return service.quote(caller, postal_code=body["postal_code"], items=body["items"])


@bp.endpoint("/shipping/shipments/{shipment_id}/manual", ["POST"], roles=[CS])
def manual(caller, shipment_id):
    return service.switch_to_manual(caller, shipment_id)


_SIZE = {"size": F(str, required=False, check=lambda v: model.validate_label_size(v))}


@bp.endpoint("/shipping/shipments/{shipment_id}/label/reprint", ["POST"], roles=SHIPPING_STAFF)
def reprint(caller, shipment_id):
    req = bp.current_request
    body = parse_body(req, _SIZE, allow_empty=True)
    return once(req, caller, f"label-reprint#{shipment_id}", body,
                lambda: service.reprint_label(caller, shipment_id, body.get("size")))


@bp.endpoint("/shipping/labels/print-unprinted", ["POST"], roles=SHIPPING_STAFF)
def print_unprinted(caller):
    """"Cetak semua label yang belum dicetak"; a retried request (same Idempotency-Key) prints nothing twice."""
    req = bp.current_request
    body = parse_body(req, _SIZE, allow_empty=True)
    return once(req, caller, "labels-print", body, lambda: service.print_unprinted(caller, body.get("size")))


@bp.endpoint("/shipping/awb-batch", ["POST"], roles=SHIPPING_STAFF)
def awb_batch(caller):
    """``{"rows": [{"order_no" | "shipment_id", "awb", "replace"?}]}`` -> one result per row."""
    body = parse_body(bp.current_request, {"rows": F(list)})
    return service.scan_awbs(caller, body["rows"])


@bp.endpoint("/callbacks/biteship", ["POST"], public=True)
def biteship_webhook(_):
    req = bp.current_request
    headers = {k.lower(): v for k, v in (req.headers or {}).items()}
    return service.handle_webhook(headers, req.raw_body or b"")
