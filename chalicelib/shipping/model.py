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
from collections.abc import Mapping
from typing import Any, Protocol

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

STATUS_LABELS: dict[ShipmentStatus, str] = {
    ShipmentStatus.REQUESTED: "Menunggu kurir",
    ShipmentStatus.CONFIRMED: "Dikonfirmasi",
    ShipmentStatus.SCHEDULED: "Dijadwalkan",
    ShipmentStatus.ALLOCATED: "Kurir ditugaskan",
    ShipmentStatus.PICKING_UP: "Kurir menuju toko",
    ShipmentStatus.PICKED: "Sudah dijemput",
    ShipmentStatus.DROPPING_OFF: "Dalam pengantaran",
    ShipmentStatus.ON_HOLD: "Tertahan",
    ShipmentStatus.RETURN_IN_TRANSIT: "Dalam perjalanan retur",
    ShipmentStatus.DELIVERED: "Terkirim",
    ShipmentStatus.RETURNED: "Diretur",
    ShipmentStatus.CANCELLED: "Dibatalkan",
    ShipmentStatus.REJECTED: "Ditolak",
    ShipmentStatus.COURIER_NOT_FOUND: "Kurir tidak ditemukan",
    ShipmentStatus.DISPOSED: "Dimusnahkan",
}

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


# --- Which sales ship --------------------------------------------------------------------------------

SHIPMENT_REQUEST = "shipment.request"  # the outbox kind that books a sale's shipment


def request_effect_id(order_id: str) -> str:
    """The outbox effect that requests the shipment of one sale: at most one per sale."""
    return f"shipment#{order_id}"


class OrderLike(Protocol):
    """The parts of a sales order that decide whether it ships (``sales.repo.OrderRecord`` has them)."""

    customer: Mapping[str, Any] | None
    shipping_fee: int
    extra: Mapping[str, Any] | None


def needs_shipping(order: OrderLike) -> bool:
    """A book order ships when it has a delivery address and either a shipping fee or a chosen courier.

    The address alone does not decide it: CS always records one, also for customers who collect,
    and those orders carry neither a fee nor a courier.
    """
    customer = order.customer or {}
    address = customer.get("address")
    if not isinstance(address, str) or not address.strip():
        return False
    courier = (order.extra or {}).get("courier")
    return int(order.shipping_fee or 0) > 0 or (isinstance(courier, str) and bool(courier.strip()))


# Indonesian postal codes are five digits and none starts with 0; phone numbers in the same text are
# longer runs of digits, which the look-arounds skip.
_POSTAL_IN_TEXT = re.compile(r"(?<!\d)([1-9]\d{4})(?!\d)")


def postal_code_in(address: str) -> str | None:
    """The postal code written in a free-text address (the last one, as addresses end with it), or None."""
    found = _POSTAL_IN_TEXT.findall(address or "")
    return found[-1] if found else None


# What CS types in the book order's courier field -> Biteship courier codes. Only spellings that
# differ from the code are listed; anything else is read as the code itself.
_COURIER_ALIASES = {"j&t": "jnt", "jt": "jnt", "j&t express": "jnt", "pos indonesia": "pos", "posindonesia": "pos",
                    "ninja xpress": "ninja", "ninjaxpress": "ninja", "id express": "idexpress", "lion parcel": "lion",
                    "sap express": "sap", "si cepat": "sicepat", "anter aja": "anteraja"}
_COURIER_FILLER = frozenset({"express", "xpress", "indonesia", "parcel"})
_CODE_CHARS = re.compile(r"[^a-z0-9_]")


def parse_courier_choice(text: str | None, default_company: str | None,
                         default_type: str | None) -> tuple[str | None, str | None]:
    """``"JNE REG"``, ``"J&T EZ"``, ``"sicepat"`` -> Biteship ``(courier_company, courier_type)``.

    No choice -> the store's defaults. A company without a service takes the default service only
    when it is the default company: services are per courier, so guessing one would book the wrong
    service (or be refused); None then asks CS to pick.
    """
    if not text or not text.strip():
        return default_company, default_type
    words = text.strip().lower().split()
    company, rest = None, words
    for length in (2, 1):  # two-word names first ("pos indonesia")
        head = " ".join(words[:length])
        if len(words) >= length and head in _COURIER_ALIASES:
            company, rest = _COURIER_ALIASES[head], words[length:]
            break
    if company is None:
        company, rest = _CODE_CHARS.sub("", words[0]) or None, words[1:]
    rest = [w for w in (_CODE_CHARS.sub("", w) for w in rest) if w and w not in _COURIER_FILLER]
    if rest:
        return company, rest[0]
    return company, default_type if company == default_company else None


def courier_label(company: str | None, service: str | None) -> str:
    """``jne``/``reg`` -> ``JNE REG``: how couriers and customers write it."""
    return " ".join(part.upper() for part in (company, service) if part) or "-"


# --- How a shipment changes ---------------------------------------------------------------------------

AWB_ISSUED = "Resi sudah terbit; label lama tertulis Menunggu resi."
AWB_CHANGED = "Nomor resi berubah; label lama memuat resi yang salah."


@dataclass(frozen=True)
class ShipmentChange:
    """What to store after news about a shipment (from the courier or from staff).

    ``status``/``awb`` are the new values, None to keep the current one. ``reprint_reason`` is set
    when a label already printed no longer matches; ``notify`` when the customer should now get the
    AWB; ``leaves_label_queue`` when the journey ended, so its label is no longer worth printing.
    """

    status: ShipmentStatus | None = None
    awb: str | None = None
    reprint_reason: str | None = None
    notify: bool = False
    leaves_label_queue: bool = False


def plan_change(current: ShipmentStatus, current_awb: str | None, *, label_printed: bool,
                status: ShipmentStatus | None = None, awb: str | None = None) -> ShipmentChange:
    """Decide what news changes, never moving backwards.

    - the status follows :func:`advance`;
    - an AWB is recorded when there is none yet (even after the journey ended: a late
      ``order.waybill_id`` still belongs in the record), and replaced only while the journey runs;
    - an AWB means the courier confirmed: Biteship's ``confirmed`` is "AWB generated", so a shipment
      still ``requested`` becomes ``confirmed`` with it;
    - a new AWB on a printed label asks for a reprint, and tells the customer, unless the journey
      has already ended.
    """
    new_status = advance(current, status) if status is not None else None
    new_awb = None
    if awb is not None and awb != current_awb and (current_awb is None or not current.terminal):
        new_awb = awb
    if new_awb is not None and (new_status or current) == ShipmentStatus.REQUESTED:
        new_status = ShipmentStatus.CONFIRMED
    final = new_status or current
    running = not final.terminal
    reprint = None
    if new_awb is not None and label_printed and running:
        reprint = AWB_ISSUED if current_awb is None else AWB_CHANGED
    return ShipmentChange(
        status=new_status, awb=new_awb, reprint_reason=reprint, notify=new_awb is not None and running,
        leaves_label_queue=new_status is not None and new_status.terminal,
    )


# --- Store settings -----------------------------------------------------------------------------------

PROVIDERS = ("biteship", "manual")
LABEL_SIZES = ("100x150", "58", "80")
SECRET_SHOWN = "tersimpan"  # what a settings view says instead of a stored secret


@dataclass(frozen=True)
class ShippingSettings:
    """A store's shipping setup, read from ``StoreSettings.shipping``.

    ``provider`` ``manual`` means no courier integration: CS books couriers by hand and scans the
    AWBs in. Secrets: in AWS only SSM parameter names are stored (``api_key_param``,
    ``webhook_secret_param``); the local stack stores the values (``api_key``, ``webhook_secret``).
    ``base_url`` points the adapter at the local courier simulator; it is never settable through the
    API, so nobody can send a store's key elsewhere. ``tracking_url`` is a link template with
    ``{awb}`` and ``{courier}`` for the customer's message when the courier gives no tracking link.
    """

    provider: str = "manual"
    test_mode: bool = True
    origin: dict[str, Any] = field(default_factory=dict)
    courier_company: str | None = None
    courier_type: str | None = None
    tracking_url: str | None = None
    base_url: str | None = None
    api_key: str | None = None
    api_key_param: str | None = None
    webhook_secret: str | None = None
    webhook_secret_param: str | None = None

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> ShippingSettings:
        data = data or {}
        return cls(**{k: v for k, v in data.items() if k in cls.__dataclass_fields__})

    def to_dict(self) -> dict[str, Any]:
        """The stored form: only what is set."""
        out = {name: getattr(self, name) for name in self.__dataclass_fields__}
        return {k: v for k, v in out.items() if v is not None and v != {}}

    @property
    def integrated(self) -> bool:
        """New shipments are booked through the courier API (else CS enters AWBs by hand)."""
        return self.provider == "biteship" and bool(self.api_key or self.api_key_param)

    def origin_address(self) -> ShippingAddress:
        """The pickup address, validated; a clear error when the admin has not set it up."""
        if not self.origin:
            raise ValidationError("Alamat pengirim belum diatur di Pengaturan Pengiriman.", code="shipping_origin_missing")
        return address_from_dict(self.origin)


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


def validate_courier_code(value: object, label: str) -> str:
    """A Biteship courier or service code (``jne``, ``reg``): lower-case letters, digits, ``_``."""
    if not isinstance(value, str) or not _COURIER_CODE.match(value.strip().lower()):
        raise ValidationError(f"{label}: isi kode Biteship, misalnya jne atau reg.", code="invalid_courier")
    return value.strip().lower()


def validate_postal_code(value: object) -> str:
    if not isinstance(value, str) or not _POSTAL_CODE.match(value.strip()):
        raise ValidationError("Kode pos harus 5 angka.", code="invalid_postal_code")
    return value.strip()


def validate_label_size(value: object) -> str:
    if value not in LABEL_SIZES:
        raise ValidationError("Ukuran label harus 100x150, 80, atau 58.", code="invalid_label_size")
    return str(value)


def validate_tracking_url(value: object) -> str:
    if not isinstance(value, str) or not re.match(r"^https://\S+$", value.strip()) or "{awb}" not in value:
        raise ValidationError("Tautan lacak harus diawali https:// dan memuat {awb}.", code="invalid_tracking_url")
    try:
        value.strip().format(awb="X", courier="X")
    except (KeyError, IndexError, ValueError):
        raise ValidationError("Tautan lacak hanya boleh memuat {awb} dan {courier}.", code="invalid_tracking_url") from None
    return value.strip()


def validate_api_key(key: object, test_mode: bool) -> str:
    """A Biteship key, checked against the mode: a live key in test mode (or the reverse) is a mistake."""
    if not isinstance(key, str) or not key.strip() or any(ch.isspace() for ch in key.strip()):
        raise ValidationError("API key Biteship tidak valid.", code="invalid_api_key")
    key = key.strip()
    if test_mode and key.startswith("biteship_live."):
        raise ValidationError("Ini API key live, tetapi mode uji aktif. Pakai key biteship_test.… atau matikan mode uji.",
                              code="api_key_mode_mismatch")
    if not test_mode and key.startswith("biteship_test."):
        raise ValidationError("Ini API key uji (biteship_test.…), tetapi mode uji mati. Pakai key live atau aktifkan mode uji.",
                              code="api_key_mode_mismatch")
    return key
