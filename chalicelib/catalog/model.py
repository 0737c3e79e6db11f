"""Products, barcodes and prices: pure rules (no AWS)."""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass

from ..core.errors import ValidationError
from ..core.money import require_rupiah

SKU_RE = re.compile(r"^[A-Z0-9][A-Z0-9._-]{0,31}$")
MAX_PRICE = 1_000_000_000
MAX_WEIGHT_G = 150_000


def gtin_check_digit(body: str) -> int:
    """GS1 check digit for the digits before it (EAN-8, UPC-A, EAN-13 alike)."""
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return (10 - total % 10) % 10


def validate_barcode(value) -> str:
    """EAN-13, EAN-8 or UPC-A with a correct check digit; scanners may send spaces around it."""
    if not isinstance(value, str):
        raise ValidationError("Barcode harus berupa teks angka.", code="invalid_barcode")
    code = value.strip()
    if not code.isdigit() or len(code) not in (8, 12, 13):
        raise ValidationError("Barcode harus 8, 12 atau 13 angka (EAN/UPC).", code="invalid_barcode")
    if gtin_check_digit(code[:-1]) != int(code[-1]):
        raise ValidationError(f"Barcode {code} tidak valid: digit periksa salah.", code="invalid_barcode")
    return code


def validate_sku(value) -> str:
    if not isinstance(value, str) or not SKU_RE.match(value.strip().upper()):
        raise ValidationError("SKU harus 1-32 huruf/angka (boleh . _ -).", code="invalid_sku")
    return value.strip().upper()


def validate_product_name(value) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValidationError("Nama produk wajib diisi.", code="invalid_name")
    name = " ".join(value.split())
    if len(name) > 120:
        raise ValidationError("Nama produk maksimal 120 karakter.", code="invalid_name")
    return name


def validate_price(value) -> int:
    price = require_rupiah(value, "Harga", minimum=1, maximum=MAX_PRICE)
    return price


def validate_weight(value) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError("Berat harus bilangan bulat dalam gram.", code="invalid_weight")
    if not 1 <= value <= MAX_WEIGHT_G:
        raise ValidationError(f"Berat harus antara 1 dan {MAX_WEIGHT_G} gram.", code="invalid_weight")
    return value


def search_key(name: str) -> str:
    return " ".join(name.lower().split())


@dataclass(frozen=True)
class Product:
    sku: str
    name: str
    barcode: str | None
    price: int
    weight_g: int
    active: bool = True
    category: str = ""

    def to_dict(self) -> dict:
        return asdict(self)


def new_product(data: dict) -> Product:
    return Product(
        sku=validate_sku(data["sku"]),
        name=validate_product_name(data["name"]),
        barcode=validate_barcode(data["barcode"]) if data.get("barcode") else None,
        price=validate_price(data["price"]),
        weight_g=validate_weight(data.get("weight_g", 100)),
        active=bool(data.get("active", True)),
        category=(data.get("category") or "").strip()[:40],
    )


def changed_product(current: Product, changes: dict) -> Product:
    merged = current.to_dict()
    merged.update(changes)
    merged["sku"] = current.sku  # the sku is the product's identity
    return new_product(merged)
