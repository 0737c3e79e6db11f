"""Couriers in our terms: their codes and how CS writes them, and what a courier tells us."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from ...core.errors import ValidationError
from .status import ShipmentStatus

COURIER_CODE = re.compile(r"^[a-z0-9_]+$")


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


def validate_courier_code(value: object, label: str) -> str:
    """A Biteship courier or service code (``jne``, ``reg``): lower-case letters, digits, ``_``."""
    if not isinstance(value, str) or not COURIER_CODE.match(value.strip().lower()):
        raise ValidationError(f"{label}: isi kode Biteship, misalnya jne atau reg.", code="invalid_courier")
    return value.strip().lower()
