"""Courier rates ("cek ongkir"): what a courier aggregator quotes for one parcel to one postal code.

CS asks before booking, picks a courier and service from the answer, and the booking is checked
against a fresh answer: a service the courier does not offer for that postal code and weight is
refused there, not discovered after the customer has paid.
"""
from __future__ import annotations

from dataclasses import dataclass

from ...book_orders.model import require_postal_code
from ...core.errors import ValidationError
from .courier import COURIER_CODE, courier_label
from .parcel import ShipmentItem, ShippingAddress

# The couriers asked when the store has not chosen its own list: the common non-instant ones
# (instant couriers such as gojek or grab need map points at both ends, which a chat order lacks).
DEFAULT_RATE_COURIERS = ("jne", "jnt", "sicepat", "anteraja", "pos", "tiki", "ninja", "idexpress", "sap", "lion")
MAX_RATE_COURIERS = 20


@dataclass(frozen=True)
class CourierRate:
    """One service a courier offers for the parcel: ``company``/``service`` are the codes a booking
    sends (Biteship ``courier_code``/``courier_service_code``); ``price`` is whole rupiah; ``cod``
    says the service collects cash on delivery."""

    company: str
    service: str
    courier_name: str
    service_name: str
    price: int
    duration: str | None = None
    cod: bool = False
    cod_fee: int | None = None  # what the aggregator charges for collecting, when it says

    @property
    def label(self) -> str:
        return courier_label(self.company, self.service)

    def to_dict(self) -> dict:
        return {"courier_company": self.company, "courier_type": self.service, "label": self.label,
                "courier_name": self.courier_name, "service_name": self.service_name, "price": self.price,
                "duration": self.duration, "cod": self.cod, "cod_fee": self.cod_fee}


@dataclass(frozen=True)
class RatesRequest:
    """A parcel from the store's pickup address to a postal code, with its items (weights in grams)."""

    origin: ShippingAddress
    destination_postal_code: str
    items: tuple[ShipmentItem, ...]
    couriers: tuple[str, ...] = DEFAULT_RATE_COURIERS

    def __post_init__(self) -> None:
        object.__setattr__(self, "destination_postal_code", require_postal_code(self.destination_postal_code))
        items = tuple(self.items)
        if not items:
            raise ValidationError("Pilih barangnya dulu: berat kiriman dihitung dari barang.", code="empty_cart")
        object.__setattr__(self, "items", items)
        object.__setattr__(self, "couriers", validate_rate_couriers(self.couriers))

    @property
    def weight_g(self) -> int:
        return sum(item.weight_g * item.quantity for item in self.items)



def validate_rate_couriers(value: object) -> tuple[str, ...]:
    """The couriers to ask for rates: Biteship codes (``jne``, ``sicepat``), at least one, no repeats."""
    items = value.split(",") if isinstance(value, str) else value
    if not isinstance(items, (list, tuple)):
        raise ValidationError("Daftar kurir harus berupa daftar kode, misalnya jne,sicepat.", code="invalid_courier")
    codes: list[str] = []
    for item in items:
        code = item.strip().lower() if isinstance(item, str) else ""
        if not COURIER_CODE.match(code):
            raise ValidationError("Daftar kurir: isi kode Biteship, misalnya jne atau sicepat.", code="invalid_courier")
        if code not in codes:
            codes.append(code)
    if not codes or len(codes) > MAX_RATE_COURIERS:
        raise ValidationError(f"Daftar kurir berisi 1 sampai {MAX_RATE_COURIERS} kode.", code="invalid_courier")
    return tuple(codes)


def find_rate(rates: list[CourierRate], company: str, service: str) -> CourierRate | None:
    """The answer's rate for this courier and service (codes compared as Biteship spells them, any case)."""
    company, service = company.strip().lower(), service.strip().lower()
    return next((r for r in rates if r.company == company and r.service == service), None)
