"""Stock: pure rules (no AWS).

Stock is kept per store, location and sku as ``on_hand`` and ``reserved``; available =
on_hand - reserved. Every change of on_hand is a ledger entry, so on_hand always equals the sum of
the ledger. Reservations (holds for book orders) never let available go below zero.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..core.errors import ValidationError

WAREHOUSE, CS_DESK, SHOP_FLOOR = "WAREHOUSE", "CS", "SHOP"
LOCATIONS = (WAREHOUSE, CS_DESK, SHOP_FLOOR)
LOCATION_LABELS = {WAREHOUSE: "Gudang", CS_DESK: "Meja CS", SHOP_FLOOR: "Toko"}

# Why stock moved; shown in the ledger.
REASONS = ("seed", "receive", "adjust", "sale", "book_order_sale", "drop_order", "drop_return", "return", "count")


def validate_location(value) -> str:
    if value not in LOCATIONS:
        raise ValidationError(f"Lokasi harus salah satu dari: {', '.join(LOCATIONS)}.", code="invalid_location")
    return value


def validate_qty(value, field: str = "Jumlah", maximum: int = 100_000) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= maximum:
        raise ValidationError(f"{field} harus bilangan bulat 1-{maximum}.", code="invalid_qty")
    return value


def stock_key(sku: str, location: str) -> str:
    return f"{sku}#{location}"


@dataclass(frozen=True)
class StockLevel:
    sku: str
    location: str
    on_hand: int
    reserved: int

    @property
    def available(self) -> int:
        return self.on_hand - self.reserved

    def to_dict(self) -> dict:
        return {"sku": self.sku, "location": self.location, "on_hand": self.on_hand, "reserved": self.reserved,
                "available": self.available}
