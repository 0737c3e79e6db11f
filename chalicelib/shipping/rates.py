"""Cek ongkir: what the couriers quote for a parcel to a postal code, asked through our courier
adapter (never from the browser, which holds no courier key), and the check a booking makes.

CS asks before booking (``POST /shipping/rates``) and picks a courier and service from the answer.
The booking asks again for the chosen courier (:func:`courier_quote`, which book orders reach
through the order-kind registry, being the lower area): a service the courier does not offer for
that postal code and weight is refused there, and the rate it quotes now is what the order keeps
as the courier's price beside the ongkir the customer pays.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence

from ..book_orders.model import BOOK_ORDER
from ..core.errors import Conflict, Unprocessable, ValidationError
from ..core.web import Caller
from ..sales import kinds
from . import model
from .model import CourierRate, RatesRequest, ShipmentItem
from .settings import provider_for, store_shipping


def quote(caller: Caller, *, postal_code: str, items: list) -> dict:
    """The rates of the store's couriers for these items (``[{"sku"|"barcode", "qty"}]``, weighed
    from the catalog) to ``postal_code``, cheapest first."""
    from ..catalog import service as catalog

    settings, merchant_id = _integrated(caller.store_id)
    parcel = [ShipmentItem(p.name, p.price, p.weight_g, qty) for p, qty in catalog.resolve_items(caller.merchant_id, items)]
    req = RatesRequest(origin=settings.origin_address(), destination_postal_code=postal_code, items=tuple(parcel),
                       couriers=settings.couriers_to_ask)
    rates = provider_for(settings, merchant_id).rates(req)
    return {"postal_code": req.destination_postal_code, "weight_g": req.weight_g,
            "couriers": [r.to_dict() for r in rates], "cod_available": any(r.cod for r in rates)}


@kinds.handler(BOOK_ORDER, "courier_quote")
def courier_quote(store_id: str, *, postal_code: str, items: Sequence[Mapping], courier: str | None,
                  courier_company: str | None, courier_type: str | None) -> dict | None:
    """A booking's courier, checked against the courier's rates now; None when the store books
    couriers by hand (no integration: nothing to ask, the courier stays as CS wrote it).

    ``items``: ``[{name, value, weight_g, quantity}]``. The courier is the codes CS picked from the
    rates, else the text CS typed (``"JNE REG"``), else the store's default courier and service.
    """
    settings, merchant_id = store_shipping(store_id)
    if not settings.integrated:
        return None
    if courier_company or courier_type:
        company = model.validate_courier_code(courier_company, "Kurir") if courier_company else None
        service = model.validate_courier_code(courier_type, "Layanan kurir") if courier_type else None
    else:
        company, service = model.parse_courier_choice(courier, settings.courier_company, settings.courier_type)
    if not company or not service:
        raise ValidationError("Pilih kurir dan layanannya dari hasil Cek ongkir.", code="courier_choice_missing")
    req = RatesRequest(origin=settings.origin_address(), destination_postal_code=postal_code,
                       items=tuple(ShipmentItem(i["name"], i["value"], i["weight_g"], i["quantity"]) for i in items),
                       couriers=(company,))
    rate = model.find_rate(provider_for(settings, merchant_id).rates(req), company, service)
    if rate is None:
        label = model.courier_label(company, service)
        raise Unprocessable(f"{label} tidak tersedia ke kode pos {req.destination_postal_code} untuk berat "
                            f"{req.weight_g} g. Cek ongkir lalu pilih layanan dari daftarnya.",
                            code="courier_service_not_offered",
                            details={"courier_company": company, "courier_type": service,
                                     "postal_code": req.destination_postal_code, "weight_g": req.weight_g})
    return _choice(rate)


def _choice(rate: CourierRate) -> dict:
    return {"courier_company": rate.company, "courier_type": rate.service, "label": rate.label, "price": rate.price,
            "cod": rate.cod, "courier_name": rate.courier_name, "service_name": rate.service_name}


def _integrated(store_id: str):
    settings, merchant_id = store_shipping(store_id)
    if not settings.integrated:
        raise Conflict("Toko ini belum terhubung ke Biteship, jadi ongkir tidak bisa dicek otomatis. Isi kurir "
                       "dan ongkir sendiri, atau minta admin mengatur Pengiriman.", code="courier_not_integrated")
    return settings, merchant_id
