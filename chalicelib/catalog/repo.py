"""Products per merchant, with a uniqueness item per barcode written in the same transaction."""
from __future__ import annotations

from pynamodb.attributes import BooleanAttribute, NumberAttribute, UnicodeAttribute, VersionAttribute
from pynamodb.exceptions import DoesNotExist

from ..core import uow as units
from ..core.clock import get_clock
from ..core.db import Table, find, table_meta
from ..core.errors import Conflict
from ..core.paging import decode_cursor, encode_cursor
from .model import Product, search_key


class ProductRecord(Table):
    Meta = table_meta("products")
    merchant_id = UnicodeAttribute(hash_key=True)
    sku = UnicodeAttribute(range_key=True)
    name = UnicodeAttribute()
    name_search = UnicodeAttribute()
    barcode = UnicodeAttribute(null=True)
    price = NumberAttribute()
    weight_g = NumberAttribute()
    active = BooleanAttribute(default=True)
    category = UnicodeAttribute(default="")
    cost_price = NumberAttribute(null=True)  # harga pokok (HPP) per unit, rupiah; absent: not known
    created_at = NumberAttribute()
    updated_at = NumberAttribute()
    version = VersionAttribute()

    def to_product(self) -> Product:
        return Product(sku=self.sku, name=self.name, barcode=self.barcode, price=int(self.price),
                       weight_g=int(self.weight_g), active=self.active, category=self.category,
                       cost_price=int(self.cost_price) if self.cost_price is not None else None)


class BarcodeRecord(Table):
    """``(merchant, barcode) -> sku``: makes a barcode unique within the merchant."""

    Meta = table_meta("barcodes")
    merchant_id = UnicodeAttribute(hash_key=True)
    barcode = UnicodeAttribute(range_key=True)
    sku = UnicodeAttribute()


def add_product(uow: units.UnitOfWork, merchant_id: str, product: Product) -> ProductRecord:
    """A new product and its barcode item: a sku or barcode already taken loses the whole unit."""
    now = get_clock().now_s()
    rec = ProductRecord(merchant_id=merchant_id, sku=product.sku, name=product.name, name_search=search_key(product.name),
                        barcode=product.barcode, price=product.price, weight_g=product.weight_g, active=product.active,
                        category=product.category, cost_price=product.cost_price, created_at=now, updated_at=now)
    taken = Conflict(f"SKU {product.sku} atau barcode {product.barcode} sudah dipakai produk lain.",
                     code="duplicate_product")
    uow.save(rec, condition=ProductRecord.sku.does_not_exist(), lost=taken)
    if product.barcode:
        _claim_barcode(uow, merchant_id, product.barcode, product.sku, lost=taken)
    return rec


def insert(merchant_id: str, product: Product) -> None:
    """:func:`add_product` committed on its own (the seed and tests stock a catalog with it)."""
    units.commit(lambda uow: add_product(uow, merchant_id, product))


def _claim_barcode(uow: units.UnitOfWork, merchant_id: str, barcode: str, sku: str, *, lost: Exception) -> None:
    uow.save(BarcodeRecord(merchant_id=merchant_id, barcode=barcode, sku=sku),
             condition=BarcodeRecord.barcode.does_not_exist(), lost=lost)


def get(merchant_id: str, sku: str) -> ProductRecord | None:
    return find(ProductRecord, merchant_id, sku)


def get_many(merchant_id: str, skus: list[str]) -> dict[str, Product]:
    keys = [(merchant_id, s) for s in dict.fromkeys(skus)]
    return {r.sku: r.to_product() for r in ProductRecord.batch_get(keys)}


def sku_for_barcode(merchant_id: str, barcode: str) -> str | None:
    try:
        return BarcodeRecord.get(merchant_id, barcode).sku
    except DoesNotExist:
        return None


def change_product(uow: units.UnitOfWork, merchant_id: str, rec: ProductRecord, updated: Product) -> None:
    """Write ``updated`` over ``rec`` if nobody changed it since it was read (its version); move the
    barcode item when the barcode changed. Either loses the unit as ``update_conflict``."""
    changed = Conflict("Barcode sudah dipakai produk lain, atau produk baru saja diubah orang lain. "
                       "Muat ulang lalu coba lagi.", code="update_conflict")
    old_barcode = rec.barcode
    rec.name, rec.name_search, rec.price = updated.name, search_key(updated.name), updated.price
    rec.weight_g, rec.active, rec.category, rec.barcode = updated.weight_g, updated.active, updated.category, updated.barcode
    rec.cost_price = updated.cost_price
    rec.updated_at = get_clock().now_s()
    uow.save(rec, lost=changed)  # VersionAttribute adds the version condition
    if old_barcode != updated.barcode:
        if old_barcode:
            uow.delete(BarcodeRecord(merchant_id=merchant_id, barcode=old_barcode), condition=BarcodeRecord.sku == rec.sku,
                       lost=changed)
        if updated.barcode:
            _claim_barcode(uow, merchant_id, updated.barcode, rec.sku, lost=changed)


def page(merchant_id: str, *, query: str | None, include_inactive: bool, limit: int,
         cursor: str | None) -> tuple[list[Product], str | None]:
    """One page of products by sku; ``query`` matches name words, sku prefix or exact barcode."""
    condition = None
    if query:
        q = search_key(query)
        condition = ProductRecord.name_search.contains(q) | ProductRecord.sku.startswith(q.upper()) | (ProductRecord.barcode == q)
    if not include_inactive:
        active = ProductRecord.active == True  # noqa: E712 - a PynamoDB condition, not a comparison
        condition = active if condition is None else (condition & active)
    # PynamoDB keeps reading pages until ``limit`` items pass the filter, and then reports the key
    # of the last item it returned, so the cursor resumes exactly after this page.
    result = ProductRecord.query(merchant_id, filter_condition=condition, limit=limit,
                                 last_evaluated_key=decode_cursor(cursor), page_size=max(limit, 50))
    out = [rec.to_product() for rec in result]
    return out, encode_cursor(result.last_evaluated_key)
