"""Products, barcodes and prices: pure rules (no AWS)."""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Iterable

from ..core.errors import ValidationError
from ..core.money import require_rupiah

SKU_RE = re.compile(r"^[A-Z0-9][A-Z0-9._-]{0,31}$")
MAX_PRICE = 1_000_000_000
MAX_WEIGHT_G = 150_000

# A cart, checked after the lines of one product are added together (100 lines of 999 of one product
# are one line of 99.900, which no single line could ask for).
MAX_CART_LINES = 100  # different products in one sale
MAX_LINE_QTY = 999  # of one product in one sale
MAX_CART_ROWS = 2 * MAX_CART_LINES  # rows sent before merging: bounds the work of one request
MAX_BARCODE_DIGITS = 14  # GTIN-14; our own barcodes are EAN-13, EAN-8 or UPC-A


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


def validate_cost_price(value) -> int | None:
    """The product's cost price (harga pokok, HPP): whole rupiah, 0 or more, or None for "not
    known" (the reports then count its sales as sales without a cost price, never as profit)."""
    if value is None:
        return None
    return require_rupiah(value, "Harga pokok (HPP)", minimum=0, maximum=MAX_PRICE)


def validate_weight(value) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError("Berat harus bilangan bulat dalam gram.", code="invalid_weight")
    if not 1 <= value <= MAX_WEIGHT_G:
        raise ValidationError(f"Berat harus antara 1 dan {MAX_WEIGHT_G} gram.", code="invalid_weight")
    return value


def cart_row(n: int, item) -> tuple[str, str, int]:
    """Row ``n`` of a cart as sent, ``{"sku"|"barcode", "qty"}`` -> ``("sku"|"barcode", value, qty)``."""
    if not isinstance(item, dict):
        raise ValidationError(f"Baris {n} tidak valid.", code="invalid_item")
    unknown = set(item) - {"sku", "barcode", "qty"}
    if unknown:
        raise ValidationError(f"Baris {n}: kolom tidak dikenal (yang boleh hanya sku, barcode dan qty).",
                              code="unknown_field")
    qty = item.get("qty")
    if isinstance(qty, bool) or not isinstance(qty, int) or not 1 <= qty <= MAX_LINE_QTY:
        raise ValidationError(f"Baris {n}: jumlah harus bilangan bulat 1-{MAX_LINE_QTY}.", code="invalid_qty")
    sku, barcode = item.get("sku"), item.get("barcode")
    if sku:
        sku = str(sku).strip().upper() if isinstance(sku, (str, int)) and not isinstance(sku, bool) else ""
        if not SKU_RE.match(sku):
            raise ValidationError(f"Baris {n}: SKU tidak valid.", code="invalid_sku")
        return "sku", sku, qty
    if barcode:
        code = str(barcode).strip() if isinstance(barcode, (str, int)) and not isinstance(barcode, bool) else ""
        if not code.isdigit() or len(code) > MAX_BARCODE_DIGITS:
            raise ValidationError(f"Baris {n}: barcode harus angka (maks. {MAX_BARCODE_DIGITS} digit).",
                                  code="invalid_barcode")
        return "barcode", code, qty
    raise ValidationError(f"Baris {n}: isi sku atau barcode.", code="invalid_item")


def merge_quantities(lines: Iterable[tuple[str, int]]) -> dict[str, int]:
    """``(sku, qty)`` lines -> ``{sku: total qty}``, in first-seen order; the limits of one sale are
    checked on the merged cart."""
    merged: dict[str, int] = {}
    for sku, qty in lines:
        merged[sku] = merged.get(sku, 0) + qty
    for sku, qty in merged.items():
        if qty > MAX_LINE_QTY:
            raise ValidationError(f"Jumlah {sku} seluruhnya {qty}: maksimal {MAX_LINE_QTY} per barang dalam satu "
                                  "transaksi.", code="qty_too_large", details={"sku": sku, "qty": qty,
                                                                                 "max_qty": MAX_LINE_QTY})
    if len(merged) > MAX_CART_LINES:
        raise ValidationError(f"Maksimal {MAX_CART_LINES} jenis barang per transaksi.", code="too_many_items")
    return merged


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
    cost_price: int | None = None  # harga pokok (HPP) per unit; None: not known

    def to_dict(self, *, with_cost: bool = True) -> dict:
        """The product as JSON; ``with_cost=False`` leaves the cost price out (only admins see it)."""
        out = asdict(self)
        if not with_cost:
            del out["cost_price"]
        return out


def new_product(data: dict) -> Product:
    return Product(
        sku=validate_sku(data["sku"]),
        name=validate_product_name(data["name"]),
        barcode=validate_barcode(data["barcode"]) if data.get("barcode") else None,
        price=validate_price(data["price"]),
        weight_g=validate_weight(data.get("weight_g", 100)),
        active=bool(data.get("active", True)),
        category=(data.get("category") or "").strip()[:40],
        cost_price=validate_cost_price(data.get("cost_price")),
    )


def changed_product(current: Product, changes: dict) -> Product:
    merged = current.to_dict()
    merged.update(changes)
    merged["sku"] = current.sku  # the sku is the product's identity
    return new_product(merged)
