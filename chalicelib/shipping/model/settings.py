"""A store's shipping setup and the rules for its fields."""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ...core.errors import ValidationError
from .parcel import ShippingAddress, address_from_dict
from .rates import DEFAULT_RATE_COURIERS, validate_rate_couriers

BITESHIP = "biteship"  # shipments booked through the Biteship API
MANUAL = "manual"  # CS books the courier by hand and scans the AWB in
PROVIDERS = (BITESHIP, MANUAL)
LABEL_SIZES = ("100x150", "58", "80")
SECRET_SHOWN = "tersimpan"  # what a settings view says instead of a stored secret


@dataclass(frozen=True)
class ShippingSettings:
    """A store's shipping setup, read from ``StoreSettings.shipping``.

    ``provider`` ``manual`` means no courier integration: CS books couriers by hand and scans the
    AWBs in. The courier API key is kept in SSM under the merchant's own name (``api_key_param``,
    set by the server); the local stack's seed may store the key itself (``api_key``). The webhook
    secret, which we generate, is stored here (``webhook_secret``).
    ``base_url`` points the adapter at the local courier simulator; it is never settable through the
    API, so nobody can send a store's key elsewhere. ``tracking_url`` is a link template with
    ``{awb}`` and ``{courier}`` for the customer's message when the courier gives no tracking link.
    ``rate_couriers`` are the couriers "Cek ongkir" asks (Biteship codes; unset: the common ones).
    """

    provider: str = MANUAL
    test_mode: bool = True
    origin: dict[str, Any] = field(default_factory=dict)
    courier_company: str | None = None
    courier_type: str | None = None
    tracking_url: str | None = None
    base_url: str | None = None
    api_key: str | None = None
    api_key_param: str | None = None
    webhook_secret: str | None = None
    rate_couriers: list[str] | None = None

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
        return self.provider == BITESHIP and bool(self.api_key or self.api_key_param)

    @property
    def couriers_to_ask(self) -> tuple[str, ...]:
        """The couriers a rates request names: the store's list, or the common ones when it has none
        (or a stored list no longer reads as one)."""
        if self.rate_couriers:
            try:
                return validate_rate_couriers(self.rate_couriers)
            except ValidationError:
                pass
        return DEFAULT_RATE_COURIERS

    def origin_address(self) -> ShippingAddress:
        """The pickup address, validated; a clear error when the admin has not set it up."""
        if not self.origin:
            raise ValidationError("Alamat pengirim belum diatur di Pengaturan Pengiriman.", code="shipping_origin_missing")
        return address_from_dict(self.origin)


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
