"""Catalog use cases: scoped to the caller's merchant."""
from __future__ import annotations

from ..core import uow as units
from ..core.errors import NotFound, ValidationError
from ..core.web import Caller
from . import model, repo


def create_product(caller: Caller, data: dict) -> dict:
    product = model.new_product(data)
    units.commit(lambda uow: repo.add_product(uow, caller.merchant_id, product))
    return product.to_dict()


def update_product(caller: Caller, sku: str, changes: dict) -> dict:
    def work(uow: units.UnitOfWork) -> model.Product:
        rec = repo.get(caller.merchant_id, sku.upper())
        if rec is None:
            raise NotFound(f"Produk {sku} tidak ditemukan.")
        updated = model.changed_product(rec.to_product(), changes)
        repo.change_product(uow, caller.merchant_id, rec, updated)
        return updated

    return units.run(work).to_dict()


def get_product(caller: Caller, sku: str) -> dict:
    rec = repo.get(caller.merchant_id, sku.upper())
    if rec is None:
        raise NotFound(f"Produk {sku} tidak ditemukan.")
    return rec.to_product().to_dict()


def find_by_barcode(caller: Caller, barcode: str) -> dict:
    code = barcode.strip()
    if not code.isdigit():
        raise ValidationError("Barcode harus berupa angka.", code="invalid_barcode")
    sku = repo.sku_for_barcode(caller.merchant_id, code)
    rec = repo.get(caller.merchant_id, sku) if sku else None
    if rec is None:
        raise NotFound(f"Barcode {code} belum terdaftar.", code="barcode_unknown")
    return rec.to_product().to_dict()


def find_product(merchant_id: str, *, sku: str | None = None, barcode: str | None = None) -> model.Product | None:
    """The merchant's product (active or not) with this sku, or this exact barcode; None when unknown."""
    if sku is None and barcode is not None:
        sku = repo.sku_for_barcode(merchant_id, barcode.strip())
    rec = repo.get(merchant_id, sku.strip().upper()) if sku else None
    return rec.to_product() if rec is not None else None


def search_products(merchant_id: str, query: str, limit: int) -> list[model.Product]:
    """Active products whose name words, sku prefix or exact barcode match ``query`` (first page)."""
    products, _ = repo.page(merchant_id, query=query, include_inactive=False, limit=limit, cursor=None)
    return products


def products_by_sku(merchant_id: str, skus: list[str]) -> dict[str, model.Product]:
    """``{sku: product}`` for the skus that exist (active or not), in one batch read."""
    return repo.get_many(merchant_id, skus)


def list_products(caller: Caller, *, query: str | None, include_inactive: bool, limit: int, cursor: str | None) -> dict:
    products, next_cursor = repo.page(caller.merchant_id, query=query, include_inactive=include_inactive,
                                      limit=limit, cursor=cursor)
    return {"products": [p.to_dict() for p in products], "next_cursor": next_cursor}


def resolve_items(merchant_id: str, items: list[dict]) -> list[tuple[model.Product, int]]:
    """Turn ``[{"sku"|"barcode", "qty"}]`` into priced catalog products; client prices are never used."""
    if not items:
        raise ValidationError("Keranjang kosong.", code="empty_cart")
    if len(items) > 100:
        raise ValidationError("Maksimal 100 baris per transaksi.", code="too_many_items")
    wanted: list[tuple[str, int]] = []
    for i, item in enumerate(items, 1):
        if not isinstance(item, dict):
            raise ValidationError(f"Baris {i} tidak valid.", code="invalid_item")
        unknown = set(item) - {"sku", "barcode", "qty"}
        if unknown:
            raise ValidationError(f"Baris {i}: kolom tidak dikenal {', '.join(sorted(unknown))}.", code="unknown_field")
        qty = item.get("qty")
        if isinstance(qty, bool) or not isinstance(qty, int) or not 1 <= qty <= 999:
            raise ValidationError(f"Baris {i}: jumlah harus bilangan bulat 1-999.", code="invalid_qty")
        if item.get("sku"):
            sku = str(item["sku"]).upper()
        elif item.get("barcode"):
            sku = repo.sku_for_barcode(merchant_id, str(item["barcode"]).strip())
            if sku is None:
                raise NotFound(f"Barcode {item['barcode']} belum terdaftar.", code="barcode_unknown")
        else:
            raise ValidationError(f"Baris {i}: isi sku atau barcode.", code="invalid_item")
        wanted.append((sku, qty))
    products = repo.get_many(merchant_id, [s for s, _ in wanted])
    merged: dict[str, int] = {}
    for sku, qty in wanted:
        p = products.get(sku)
        if p is None or not p.active:
            raise NotFound(f"Produk {sku} tidak ditemukan atau tidak aktif.", code="product_unknown")
        merged[sku] = merged.get(sku, 0) + qty
    return [(products[s], q) for s, q in merged.items()]
