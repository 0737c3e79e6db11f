"""Catalog use cases: scoped to the caller's merchant."""
from __future__ import annotations

from ..core import uow as units
from ..core.errors import NotFound, ValidationError
from ..core.web import ADMIN, Caller
from . import model, repo


def _view(caller: Caller, product: model.Product) -> dict:
    """A product as the caller may see it: the cost price (HPP) only for admins."""
    return product.to_dict(with_cost=caller.role == ADMIN)


def create_product(caller: Caller, data: dict) -> dict:
    product = model.new_product(data)
    units.commit(lambda uow: repo.add_product(uow, caller.merchant_id, product))
    return _view(caller, product)


def update_product(caller: Caller, sku: str, changes: dict) -> dict:
    def work(uow: units.UnitOfWork) -> model.Product:
        rec = repo.get(caller.merchant_id, sku.upper())
        if rec is None:
            raise NotFound(f"Produk {sku} tidak ditemukan.")
        updated = model.changed_product(rec.to_product(), changes)
        repo.change_product(uow, caller.merchant_id, rec, updated)
        return updated

    return _view(caller, units.run(work))


def get_product(caller: Caller, sku: str) -> dict:
    rec = repo.get(caller.merchant_id, sku.upper())
    if rec is None:
        raise NotFound(f"Produk {sku} tidak ditemukan.")
    return _view(caller, rec.to_product())


def find_by_barcode(caller: Caller, barcode: str) -> dict:
    code = barcode.strip()
    if not code.isdigit():
        raise ValidationError("Barcode harus berupa angka.", code="invalid_barcode")
    sku = repo.sku_for_barcode(caller.merchant_id, code)
    rec = repo.get(caller.merchant_id, sku) if sku else None
    if rec is None:
        raise NotFound(f"Barcode {code} belum terdaftar.", code="barcode_unknown")
    return _view(caller, rec.to_product())


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


def cost_prices(merchant_id: str, skus: list[str]) -> dict[str, int]:
    """``{sku: cost price (HPP)}`` of the products among ``skus`` that have one, read now (a sale
    keeps it on its line, so a later change never rewrites what was sold)."""
    return {sku: p.cost_price for sku, p in repo.get_many(merchant_id, skus).items() if p.cost_price is not None}


def list_products(caller: Caller, *, query: str | None, include_inactive: bool, limit: int, cursor: str | None) -> dict:
    products, next_cursor = repo.page(caller.merchant_id, query=query, include_inactive=include_inactive,
                                      limit=limit, cursor=cursor)
    return {"products": [_view(caller, p) for p in products], "next_cursor": next_cursor}


def resolve_items(merchant_id: str, items: list[dict]) -> list[tuple[model.Product, int]]:
    """Turn ``[{"sku"|"barcode", "qty"}]`` into priced catalog products, lines of one product merged
    (and the cart's limits checked on the merged lines); client prices are never used."""
    if not items:
        raise ValidationError("Keranjang kosong.", code="empty_cart")
    if len(items) > model.MAX_CART_ROWS:
        raise ValidationError(f"Maksimal {model.MAX_CART_ROWS} baris per transaksi.", code="too_many_items")
    rows = [model.cart_row(n, item) for n, item in enumerate(items, 1)]
    skus_of_barcodes: dict[str, str | None] = {}
    wanted: list[tuple[str, int]] = []
    for kind, key, qty in rows:
        if kind == "barcode":
            if key not in skus_of_barcodes:  # one read per barcode, however often it was scanned
                skus_of_barcodes[key] = repo.sku_for_barcode(merchant_id, key)
            if skus_of_barcodes[key] is None:
                raise NotFound(f"Barcode {key} belum terdaftar.", code="barcode_unknown")
            key = skus_of_barcodes[key]
        wanted.append((key, qty))
    merged = model.merge_quantities(wanted)
    products = repo.get_many(merchant_id, list(merged))
    for sku in merged:
        p = products.get(sku)
        if p is None or not p.active:
            raise NotFound(f"Produk {sku} tidak ditemukan atau tidak aktif.", code="product_unknown")
    return [(products[s], q) for s, q in merged.items()]
