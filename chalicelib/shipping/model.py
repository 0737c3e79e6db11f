"""Shipments in the merchant's terms: status, AWB (nomor resi), weight, what we ask a courier for.

Pure rules: no boto3, PynamoDB or Chalice here. Providers (``providers/``) translate a courier's API
to and from these types; the service applies them with conditional writes.

Our status names are Biteship's (the aggregator we integrate first) plus ``requested``, the state
before the courier has confirmed anything. Biteship spells statuses in snake_case in the Order API
and in camelCase in the Tracking API; :func:`parse_status` reads both.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from ..core.errors import ValidationError
from ..core.money import require_rupiah
from ..core.phone import normalize_phone


class ShipmentStatus(StrEnum):
    """Where a parcel is. Values are stored as-is, so never rename one."""

    REQUESTED = "requested"  # ours: asked the courier, no confirmation yet
    CONFIRMED = "confirmed"
    SCHEDULED = "scheduled"
    ALLOCATED = "allocated"
    PICKING_UP = "picking_up"
    PICKED = "picked"
    DROPPING_OFF = "dropping_off"
    ON_HOLD = "on_hold"
    RETURN_IN_TRANSIT = "return_in_transit"
    DELIVERED = "delivered"
    RETURNED = "returned"
    CANCELLED = "cancelled"
    REJECTED = "rejected"
    COURIER_NOT_FOUND = "courier_not_found"
    DISPOSED = "disposed"

    @property
    def rank(self) -> int:
        """Progress along the journey; a shipment only ever moves to a higher (or, in transit, equal) rank."""
        return _RANK[self]

    @property
    def terminal(self) -> bool:
        """Nothing follows: delivered, returned, or the shipment ended without delivery."""
        return self.rank == _TERMINAL_RANK

    @property
    def cancellable(self) -> bool:
        """Biteship lets an order be cancelled only until the courier has picked the parcel up."""
        return self in _CANCELLABLE


_TERMINAL_RANK = 100
_RANK: dict[ShipmentStatus, int] = {
    ShipmentStatus.REQUESTED: 0,
    ShipmentStatus.CONFIRMED: 10,
    ShipmentStatus.SCHEDULED: 15,
    ShipmentStatus.ALLOCATED: 20,
    ShipmentStatus.PICKING_UP: 30,
    ShipmentStatus.PICKED: 40,
    # A parcel in the last mile can be held at a hub and released again, in either order, so
    # these two share a rank and may replace each other.
    ShipmentStatus.DROPPING_OFF: 50,
    ShipmentStatus.ON_HOLD: 50,
    ShipmentStatus.RETURN_IN_TRANSIT: 60,
    ShipmentStatus.DELIVERED: _TERMINAL_RANK,
    ShipmentStatus.RETURNED: _TERMINAL_RANK,
    ShipmentStatus.CANCELLED: _TERMINAL_RANK,
    ShipmentStatus.REJECTED: _TERMINAL_RANK,
    ShipmentStatus.COURIER_NOT_FOUND: _TERMINAL_RANK,
    ShipmentStatus.DISPOSED: _TERMINAL_RANK,
}
_CANCELLABLE = frozenset({
    ShipmentStatus.REQUESTED,
    ShipmentStatus.CONFIRMED,
    ShipmentStatus.SCHEDULED,
    ShipmentStatus.ALLOCATED,
    ShipmentStatus.PICKING_UP,
})

_CAMEL_BOUNDARY = re.compile(r"(?<=[a-z])(?=[A-Z])")


def parse_status(value: object) -> ShipmentStatus | None:
    """A courier's status string -> ours: ``picking_up``, ``pickingUp`` and ``PICKING_UP`` all read the same.

    Returns None for anything unknown, so a status Biteship adds later is kept in ``raw`` and
    ignored instead of failing the whole callback.
    """
    if not isinstance(value, str):
        return None
    key = _CAMEL_BOUNDARY.sub("_", value.strip()).lower().replace("-", "_").replace(" ", "_")
    try:
        return ShipmentStatus(key)
    except ValueError:
        return None


def advance(current: ShipmentStatus, incoming: ShipmentStatus) -> ShipmentStatus | None:
    """The status to store after ``incoming`` arrives, or None to keep ``current``.

    Callbacks arrive late, twice and out of order, and carry no reliable sequence number, so the
    journey's order decides: a shipment never moves back (``picked`` after ``dropping_off`` is
    stale), a terminal status is final, and any terminal status ends a journey in progress.
    """
    if incoming == current or current.terminal:
        return None
    if incoming.terminal or incoming.rank >= current.rank:
        return incoming
    return None


# --- AWB (nomor resi) -----------------------------------------------------------------------------

AWB_MAX_LENGTH = 50
# Scanners append CR/LF/TAB; text copied from chat can carry non-breaking or zero-width spaces.
_AWB_SPACES = re.compile(r"[\s\u200b\u200c\u200d\u2060\ufeff]+")
_AWB_CHAR = re.compile(r"[A-Z0-9-]")


def canonical_awb(raw: object) -> str | None:
    """A courier-issued AWB in the form we store and match on: trimmed, upper-cased, no whitespace.

    No character rules: formats differ per courier and are undocumented, so a number that a
    courier issued is never refused. Empty -> None. JSON numbers are read as their digits.
    """
    if isinstance(raw, bool) or raw is None:
        return None
    if isinstance(raw, int):
        raw = str(raw)
    if not isinstance(raw, str):
        return None
    return _AWB_SPACES.sub("", raw).upper() or None


def normalize_awb(raw: object) -> str:
    """An AWB typed or scanned by staff -> its stored form, or a clear error.

    Same form as :func:`canonical_awb`, and additionally only letters, digits and ``-``: that covers
    every courier format we know of and rejects typical scan mistakes (a URL from a QR code, a
    label's "Resi:" caption) before they are saved against a shipment.
    """
    awb = canonical_awb(raw) if isinstance(raw, str) else None
    if awb is None:
        raise ValidationError("Nomor resi wajib diisi.", code="invalid_awb")
    if len(awb) > AWB_MAX_LENGTH:
        raise ValidationError(
            f"Nomor resi terlalu panjang ({len(awb)} karakter, maksimal {AWB_MAX_LENGTH}).", code="invalid_awb"
        )
    invalid = sorted({ch for ch in awb if not _AWB_CHAR.fullmatch(ch)})
    if invalid:
        shown = ", ".join(f'"{ch}"' for ch in invalid)
        raise ValidationError(
            f"Nomor resi hanya boleh berisi huruf, angka, dan tanda minus (-). Karakter tidak valid: {shown}.",
            code="invalid_awb",
            details={"invalid_chars": invalid},
        )
    if awb.strip("-") == "":
        raise ValidationError("Nomor resi harus berisi huruf atau angka.", code="invalid_awb")
    return awb


# --- Weight ---------------------------------------------------------------------------------------

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


# --- What we ask a courier for ----------------------------------------------------------------------

_POSTAL_CODE = re.compile(r"^\d{5}$")
_COURIER_CODE = re.compile(r"^[a-z0-9_]+$")


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
        if not _COURIER_CODE.match(company) or not _COURIER_CODE.match(service):
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


# --- What a courier tells us ------------------------------------------------------------------------

@dataclass(frozen=True)
class ShipmentInfo:
    """A courier order as the provider reports it.

    ``awb`` is None until the courier issues it (often minutes later, by webhook or polling).
    ``status`` is None when the provider reports a status we do not know yet (see ``raw``);
    ``price`` (whole rupiah) is None when the provider's answer lacks a readable one.
    """

    provider_order_id: str
    status: ShipmentStatus | None
    courier_company: str | None
    courier_type: str | None
    price: int | None
    awb: str | None = None
    tracking_id: str | None = None
    tracking_url: str | None = None
    reference: str | None = None
    raw: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)


class CourierEventKind(StrEnum):
    STATUS = "status"  # the parcel moved
    WAYBILL = "waybill"  # the AWB was issued or changed
    PRICE = "price"  # the courier re-weighed the parcel and the price changed


@dataclass(frozen=True)
class CourierEvent:
    """One verified courier callback.

    ``event_key`` is stable for the same news (order, event, status, AWB, price), so a repeated
    delivery de-duplicates on it; ``status``/``awb``/``price`` are None when the callback does not
    carry them. ``reference`` is our sale id when the provider echoes it.
    """

    event_key: str
    kind: CourierEventKind
    provider_order_id: str
    reference: str | None
    status: ShipmentStatus | None
    awb: str | None
    courier: str | None
    price: int | None
    raw: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)
