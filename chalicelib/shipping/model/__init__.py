"""Shipments in the merchant's terms: status, AWB (nomor resi), weight, what we ask a courier for.

Pure rules: no boto3, PynamoDB or Chalice here. Providers (``providers/``) translate a courier's API
to and from these types; the services apply them through the unit of work.

One module per concept, all published here (``from ..shipping import model``):

- :mod:`.status` - where a parcel is and the order of the journey;
- :mod:`.awb` - AWB numbers as stored and as typed or scanned by staff;
- :mod:`.parcel` - addresses, items, weights and the request we send a courier;
- :mod:`.courier` - courier codes, how CS writes them, and what a courier tells us;
- :mod:`.changes` - what news changes on a shipment, never backwards;
- :mod:`.rates` - what a courier quotes for a parcel to a postal code ("cek ongkir");
- :mod:`.settings` - a store's shipping setup.
"""
from __future__ import annotations

from .awb import AWB_MAX_LENGTH, canonical_awb, normalize_awb
from .changes import AWB_CHANGED, AWB_ISSUED, ShipmentChange, plan_change
from .courier import (
    COURIER_CODE,
    CourierEvent,
    CourierEventKind,
    ShipmentInfo,
    courier_label,
    parse_courier_choice,
    validate_courier_code,
)
# The effect that requests a sold book order's shipment: written by book orders, delivered here;
# and the one that ends a COD order when its parcel's journey ends: written here, for book orders.
from ...book_orders.model import COD_OUTCOME, SHIPMENT_REQUEST, cod_outcome_effect_id
from ...book_orders.model import shipment_request_effect_id as request_effect_id
from .parcel import (
    WEIGHT_MAX_GRAMS,
    WEIGHT_MIN_GRAMS,
    Coordinate,
    ShipmentItem,
    ShipmentRequest,
    ShippingAddress,
    address_from_dict,
    address_to_dict,
    postal_code_in,
    require_weight_grams,
    validate_postal_code,
)
from .rates import (
    DEFAULT_RATE_COURIERS,
    CourierRate,
    RatesRequest,
    find_rate,
    require_postal_code,
    validate_rate_couriers,
)
from .settings import (
    BITESHIP,
    LABEL_SIZES,
    MANUAL,
    PROVIDERS,
    SECRET_SHOWN,
    ShippingSettings,
    validate_api_key,
    validate_label_size,
    validate_tracking_url,
)
from .status import STATUS_LABELS, ShipmentStatus, advance, parse_status

__all__ = [
    "AWB_CHANGED", "AWB_ISSUED", "AWB_MAX_LENGTH", "BITESHIP", "COD_OUTCOME", "COURIER_CODE", "LABEL_SIZES", "MANUAL",
    "PROVIDERS", "cod_outcome_effect_id",
    "DEFAULT_RATE_COURIERS", "CourierRate", "RatesRequest", "find_rate", "require_postal_code", "validate_rate_couriers",
    "SECRET_SHOWN", "SHIPMENT_REQUEST", "STATUS_LABELS", "WEIGHT_MAX_GRAMS", "WEIGHT_MIN_GRAMS", "Coordinate",
    "CourierEvent", "CourierEventKind", "ShipmentChange", "ShipmentInfo", "ShipmentItem",
    "ShipmentRequest", "ShipmentStatus", "ShippingAddress", "ShippingSettings", "address_from_dict",
    "address_to_dict", "advance", "canonical_awb", "courier_label", "normalize_awb",
    "parse_courier_choice", "parse_status", "plan_change", "postal_code_in", "request_effect_id",
    "require_weight_grams", "validate_api_key", "validate_courier_code", "validate_label_size",
    "validate_postal_code", "validate_tracking_url",
]
