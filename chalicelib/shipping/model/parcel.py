"""What we ask a courier to ship: addresses, items and their weights, the request itself."""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

# The postal code written in a free-text address (book orders read it there too).
from ...book_orders.model import postal_code_in  # noqa: F401 - published here for the shipping area
from ...core.errors import ValidationError
from ...core.money import require_rupiah
from ...core.phone import normalize_phone
from .courier import COURIER_CODE

WEIGHT_MIN_GRAMS = 1
WEIGHT_MAX_GRAMS = 1_000_000  # a sanity cap (1 tonne) that catches a kg/g mix-up in the other direction


def require_weight_grams(value: object, field_name: str = "Berat") -> int:
    """Validate a weight in whole grams (couriers bill per gram-rounded kg; ``1.2`` is a kg/g mix-up)."""
    if isinstance(value, bool) or not isinstance(value, int):
        if isinstance(value, float):
            raise ValidationError(
                f"{field_name}: isi dalam gram, bilangan bulat (contoh 1200 untuk 1,2 kg).", code="invalid_weight"
            )
        raise ValidationError(f"{field_name}: harus berupa angka gram.", code="invalid_weight")
    if value < WEIGHT_MIN_GRAMS:
        raise ValidationError(f"{field_name}: minimal {WEIGHT_MIN_GRAMS} gram.", code="invalid_weight")
    if value > WEIGHT_MAX_GRAMS:
        max_kg = f"{WEIGHT_MAX_GRAMS // 1000:,}".replace(",", ".")
        raise ValidationError(f"{field_name}: terlalu berat (maksimal {max_kg} kg).", code="invalid_weight")
    return value


_POSTAL_CODE = re.compile(r"^\d{5}$")


def _required_text(value: object, label: str, max_length: int, code: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValidationError(f"{label} wajib diisi.", code=code)
    text = " ".join(value.split())
    if len(text) > max_length:
        raise ValidationError(f"{label} terlalu panjang (maksimal {max_length} karakter).", code=code)
    return text


def _optional_text(value: object, label: str, max_length: int, code: str) -> str | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return _required_text(value, label, max_length, code)


@dataclass(frozen=True)
class Coordinate:
    """A map point; couriers' instant services (Gojek, Grab, ...) need one at both ends."""

    latitude: float
    longitude: float

    def __post_init__(self) -> None:
        for value, low, high in ((self.latitude, -90, 90), (self.longitude, -180, 180)):
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not low <= value <= high:
                raise ValidationError("Titik lokasi tidak valid.", code="invalid_coordinate")


@dataclass(frozen=True)
class ShippingAddress:
    """One end of a shipment: who to call and where. Text is tidied and the phone stored as E.164.

    Couriers locate an address by postal code, area id (Biteship Maps) or coordinate; at least one
    is required.
    """

    contact_name: str
    contact_phone: str
    address: str
    postal_code: str | None = None
    area_id: str | None = None
    coordinate: Coordinate | None = None
    contact_email: str | None = None
    note: str | None = None

    def __post_init__(self) -> None:
        postal = self.postal_code
        if isinstance(postal, int) and not isinstance(postal, bool):
            postal = str(postal)
        if isinstance(postal, str):
            postal = postal.strip() or None
        if postal is not None and not (isinstance(postal, str) and _POSTAL_CODE.match(postal)):
            raise ValidationError("Kode pos harus 5 angka.", code="invalid_postal_code")
        area_id = _optional_text(self.area_id, "Area", 100, "invalid_address")
        if postal is None and area_id is None and self.coordinate is None:
            raise ValidationError("Isi kode pos, area, atau titik lokasi alamat.", code="invalid_address")
        tidy = {
            "contact_name": _required_text(self.contact_name, "Nama kontak", 100, "invalid_address"),
            "contact_phone": normalize_phone(self.contact_phone),
            "address": _required_text(self.address, "Alamat", 500, "invalid_address"),
            "postal_code": postal,
            "area_id": area_id,
            "contact_email": _optional_text(self.contact_email, "Email", 200, "invalid_address"),
            "note": _optional_text(self.note, "Catatan alamat", 200, "invalid_address"),
        }
        for name, value in tidy.items():
            object.__setattr__(self, name, value)


@dataclass(frozen=True)
class ShipmentItem:
    """One line of the parcel: value in rupiah and weight in grams are per unit."""

    name: str
    value: int
    weight_g: int
    quantity: int = 1

    def __post_init__(self) -> None:
        object.__setattr__(self, "name", _required_text(self.name, "Nama barang", 200, "invalid_item"))
        require_rupiah(self.value, "Nilai barang")
        require_weight_grams(self.weight_g, "Berat barang")
        if isinstance(self.quantity, bool) or not isinstance(self.quantity, int) or not 1 <= self.quantity <= 10_000:
            raise ValidationError("Jumlah barang harus bilangan bulat 1 sampai 10.000.", code="invalid_item")


@dataclass(frozen=True)
class ShipmentRequest:
    """What we ask a courier aggregator to ship. ``reference`` is our sale id: the idempotency handle.

    ``courier_company``/``courier_type`` are the aggregator's codes (Biteship: ``jne``/``reg``, from
    its Rates API). ``cod_amount`` is collected from the recipient; ``insurance_amount`` is the
    value to insure. Both are whole rupiah.
    """

    reference: str
    origin: ShippingAddress
    destination: ShippingAddress
    courier_company: str
    courier_type: str
    items: tuple[ShipmentItem, ...]
    cod_amount: int | None = None
    insurance_amount: int | None = None
    note: str | None = None

    def __post_init__(self) -> None:
        reference = _required_text(self.reference, "Nomor referensi", 64, "invalid_shipment")
        company = _required_text(self.courier_company, "Kurir", 40, "invalid_courier").lower()
        service = _required_text(self.courier_type, "Layanan kurir", 40, "invalid_courier").lower()
        if not COURIER_CODE.match(company) or not COURIER_CODE.match(service):
            raise ValidationError("Kode kurir atau layanan tidak valid.", code="invalid_courier")
        items = tuple(self.items)
        if not items:
            raise ValidationError("Kiriman harus berisi minimal satu barang.", code="invalid_item")
        if not all(isinstance(item, ShipmentItem) for item in items):
            raise TypeError("items must be ShipmentItem instances")
        if self.cod_amount is not None:
            require_rupiah(self.cod_amount, "Nilai COD", minimum=1)
        if self.insurance_amount is not None:
            require_rupiah(self.insurance_amount, "Nilai asuransi", minimum=1)
        object.__setattr__(self, "reference", reference)
        object.__setattr__(self, "courier_company", company)
        object.__setattr__(self, "courier_type", service)
        object.__setattr__(self, "items", items)
        object.__setattr__(self, "note", _optional_text(self.note, "Catatan", 200, "invalid_shipment"))

    @property
    def total_weight_g(self) -> int:
        return sum(item.weight_g * item.quantity for item in self.items)

    @property
    def total_value(self) -> int:
        return sum(item.value * item.quantity for item in self.items)


def address_from_dict(data: Mapping[str, Any]) -> ShippingAddress:
    """A stored address dict -> :class:`ShippingAddress` (validated)."""
    coordinate = data.get("coordinate")
    return ShippingAddress(
        contact_name=data.get("contact_name"), contact_phone=data.get("contact_phone"), address=data.get("address"),
        postal_code=data.get("postal_code"), area_id=data.get("area_id"),
        coordinate=Coordinate(coordinate["latitude"], coordinate["longitude"]) if isinstance(coordinate, dict) else None,
        contact_email=data.get("contact_email"), note=data.get("note"),
    )


def address_to_dict(address: ShippingAddress) -> dict[str, Any]:
    out: dict[str, Any] = {"contact_name": address.contact_name, "contact_phone": address.contact_phone,
                           "address": address.address}
    for name in ("postal_code", "area_id", "contact_email", "note"):
        value = getattr(address, name)
        if value is not None:
            out[name] = value
    if address.coordinate is not None:
        out["coordinate"] = {"latitude": address.coordinate.latitude, "longitude": address.coordinate.longitude}
    return out


def validate_postal_code(value: object) -> str:
    if not isinstance(value, str) or not _POSTAL_CODE.match(value.strip()):
        raise ValidationError("Kode pos harus 5 angka.", code="invalid_postal_code")
    return value.strip()

