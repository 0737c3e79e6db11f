"""Stock use cases shared by sales and chat orders: the stock check, the ledger, adjustments, and
taking sold goods off the shelf."""
from __future__ import annotations

from dataclasses import replace

from ..catalog import service as catalog
from ..catalog.model import Product
from ..core import uow as units
from ..core.errors import Conflict, NotFound, ValidationError
from ..core.ids import new_id
from ..core.web import Caller
from ..staff import service as staff
from . import holds, model, repo

SHOP_FLOOR, CS_DESK = model.SHOP_FLOOR, model.CS_DESK  # locations other areas name

_CHUNK = 40  # 2 writes per line; DynamoDB allows 100 per transaction


# ---- goods that leave with a sale ------------------------------------------------------------

def take_sold_goods(*, store_id: str, order_id: str, actor: str, lines: list[tuple[str, int]],
                    location: str = model.SHOP_FLOOR, reason: str = "sale", order_no: str | None = None) -> dict:
    """Take a completed sale's goods off ``location`` (the shop floor for a store sale), once per
    order and sku: the ledger entry is keyed by them, so a redelivery changes nothing. ``order_no``
    is what the stock history shows for it.

    Goods sold at the counter are physically in the shopper's hand, so the sale is never refused
    for stock; a negative shop-floor level shows up in the stock check for staff to correct.
    """
    applied = 0
    for start in range(0, len(lines), _CHUNK):
        chunk = lines[start:start + _CHUNK]

        def writes(uow: units.UnitOfWork, chunk=chunk) -> None:
            for sku, qty in chunk:
                repo.move_on_hand(uow, store_id, sku, location, -int(qty), reason=reason, reference=order_id,
                                  actor=actor, entry_id=f"{reason}#{order_id}#{sku}#{location}", allow_negative=True,
                                  reference_no=order_no)

        done, _ = units.attempt(writes)  # lost: a redelivery finds the ledger entries and skips the chunk
        applied += len(chunk) if done else 0
    return {"lines": applied}


def return_goods(*, store_id: str, reference: str, actor: str, lines: list[tuple[str, int]], location: str,
                 reason: str = "refund", order_no: str | None = None) -> dict:
    """Goods a refund takes back go back on ``location`` (where the sale took them from), once per
    refund and sku: the ledger entry is keyed by them, so a redelivery changes nothing. ``order_no``:
    the sale's number, which the stock history shows (the sales history finds the refund by it)."""
    applied = 0
    for start in range(0, len(lines), _CHUNK):
        chunk = lines[start:start + _CHUNK]

        def writes(uow: units.UnitOfWork, chunk=chunk) -> None:
            for sku, qty in chunk:
                repo.move_on_hand(uow, store_id, sku, location, int(qty), reason=reason, reference=reference,
                                  actor=actor, entry_id=f"{reason}#{reference}#{sku}#{location}", allow_negative=True,
                                  reference_no=order_no)

        done, _ = units.attempt(writes)  # lost: a redelivery finds the ledger entries and skips the chunk
        applied += len(chunk) if done else 0
    return {"lines": applied, "location": location}


def take_for_late_sale(store_id: str, location: str, lines: dict[str, int], *, reference: str, actor: str,
                       entry_prefix: str, reason: str, order_no: str | None = None) -> bool | None:
    """A sale whose reserved goods were given back before the money came takes them from what is
    available at ``location``, never below zero, all lines or none (ledger ids
    ``<entry_prefix>#<sku>#<location>``). True when taken now, None when a delivery before this one
    took them, False when not enough is available."""
    def writes(uow: units.UnitOfWork) -> None:
        for sku, qty in lines.items():
            repo.move_on_hand(uow, store_id, sku, location, -qty, reason=reason, reference=reference, actor=actor,
                              entry_id=f"{entry_prefix}#{sku}#{location}", reference_no=order_no)

    done, _ = units.attempt(writes)
    if done:
        return True
    first = next(iter(lines))
    return None if repo.get_ledger_entry(store_id, f"{entry_prefix}#{first}#{location}") is not None else False


def available_at(store_id: str, location: str, skus) -> dict[str, int]:
    """What is available (on hand less reserved) of ``skus`` at one location."""
    return repo.available_at(store_id, location, skus)


# ---- finding products ----------------------------------------------------------------------

def find_products(merchant_id: str, q: str, limit: int = 20) -> list[Product]:
    """By exact barcode (what a scanner types), exact sku, or words of the name."""
    q = q.strip()
    if not q:
        raise ValidationError("Isi SKU, barcode atau nama barang.", code="missing_query")
    if q.isdigit():
        product = catalog.find_product(merchant_id, barcode=q)
        if product is not None:
            return [product]
    product = catalog.find_product(merchant_id, sku=q)
    if product is not None:
        return [product]
    return catalog.search_products(merchant_id, q, limit)


def resolve_product(merchant_id: str, line: dict, where: str) -> Product:
    """One ``{"sku"|"barcode"}`` line of a request -> its catalog product (active or not)."""
    if line.get("sku"):
        product = catalog.find_product(merchant_id, sku=str(line["sku"]))
    elif line.get("barcode"):
        product = catalog.find_product(merchant_id, barcode=str(line["barcode"]))
    else:
        raise ValidationError(f"{where}: isi sku atau barcode.", code="invalid_item")
    if product is None:
        raise NotFound(f"{where}: barang {line.get('sku') or line.get('barcode')} tidak ditemukan.", code="product_unknown")
    return product


# ---- the stock check ------------------------------------------------------------------------

def _location_view(level: model.StockLevel) -> dict:
    return {**level.to_dict(), "label": model.LOCATION_LABELS.get(level.location, level.location)}


def stock_check(caller: Caller, q: str) -> dict:
    """Per product and location: on hand, booked ("dipesan") and available, with the CS desk first.

    Holds whose deadline has passed no longer count as booked here even before the sweeper has
    released them, so what CS reads is what a booking can take.
    """
    products = find_products(caller.merchant_id, q)
    expired = holds.expired_quantities(caller.store_id) if products else {}
    out = []
    for p in products:
        found = {lv.location: lv for lv in repo.levels(caller.store_id, p.sku)}
        locations = []
        for location in (model.CS_DESK, model.WAREHOUSE, model.SHOP_FLOOR):
            level = found.get(location, model.StockLevel(p.sku, location, 0, 0))
            level = replace(level, reserved=level.reserved - expired.get((p.sku, location), 0))
            locations.append(_location_view(level))
        out.append({"sku": p.sku, "name": p.name, "barcode": p.barcode, "price": p.price, "active": p.active,
                    "locations": locations, "cs_desk": locations[0],
                    "total": {k: sum(lv[k] for lv in locations) for k in ("on_hand", "reserved", "available")}})
    return {"query": q, "products": out}


def ledger(caller: Caller, sku: str, limit: int) -> dict:
    """The stock movements of one sku, newest first, with the current level per location. Each
    names the document it came from as people know it (``document``: its kind, number and id, for
    a link) and who moved it by name (all names in one batch read)."""
    sku = sku.strip().upper()
    if not sku:
        raise ValidationError("Isi SKU.", code="missing_query")
    entries = repo.ledger(caller.store_id, sku, limit=limit)
    who = staff.names(caller.store_id, [e.actor for e in entries])
    return {"sku": sku, "levels": [_location_view(lv) for lv in repo.levels(caller.store_id, sku)],
            "entries": [{"entry_id": e.entry_id, "location": e.location, "delta": int(e.delta), "reason": e.reason,
                         "reference": e.reference, "document": _document(e), "actor": e.actor,
                         "actor_name": who.get(e.actor), "at": int(e.at), "note": e.note} for e in entries]}


def _document(e: repo.StockLedgerEntry) -> dict | None:
    """What a movement came from: ``{"kind": sale | refund | drop_order | adjustment, "number", "id"}``
    (``number`` None when the mover did not name it), or None for the opening stock."""
    kind = model.DOCUMENT_OF_REASON.get(e.reason)
    if kind is None:
        return None
    return {"kind": kind, "number": e.reference_no, "id": e.reference}


# ---- adjustments ----------------------------------------------------------------------------

def adjust(caller: Caller, *, location: str, reason: str, items: list, note: str | None) -> dict:
    """Admin: goods received, a correction, or a count, as one transaction of ledger entries.

    A count sets on_hand to what was counted: the change is computed from the level read here and
    committed only if on_hand is still that value (a sale in between makes it fail, not drift).
    Stock never goes below what is booked.
    """
    model.validate_location(location)
    if reason not in model.ADJUST_REASONS:
        raise ValidationError(f"Alasan harus salah satu dari: {', '.join(model.ADJUST_REASONS)}.", code="invalid_reason")
    if not items or len(items) > model.MAX_LINES:
        raise ValidationError(f"Isi 1-{model.MAX_LINES} baris barang.", code="invalid_items")
    reference = f"adj#{new_id()}"
    actor = caller.staff_id or caller.device_id
    changes: dict[str, tuple[int, int]] = {}  # sku -> (delta, on_hand read)
    for i, line in enumerate(items, 1):
        if not isinstance(line, dict) or set(line) - {"sku", "barcode", "delta", "counted"}:
            raise ValidationError(f"Baris {i} tidak valid.", code="invalid_item")
        product = resolve_product(caller.merchant_id, line, f"Baris {i}")
        if product.sku in changes:
            raise ValidationError(f"Barang {product.sku} tercantum dua kali.", code="duplicate_item")
        found = repo.levels(caller.store_id, product.sku)
        on_hand = next((lv.on_hand for lv in found if lv.location == location), 0)
        delta = model.adjustment_delta(reason, delta=line.get("delta"), counted=line.get("counted"), on_hand=on_hand)
        changes[product.sku] = (delta, on_hand)
    moved = {sku: c for sku, c in changes.items() if c[0] != 0}
    if moved:
        changed = Conflict("Stok berubah atau sebagian sudah dipesan pelanggan, jadi tidak bisa dikurangi "
                           "sebanyak itu. Muat ulang lalu coba lagi.", code="stock_changed")

        def writes(uow: units.UnitOfWork) -> None:
            for sku, (delta, on_hand) in moved.items():
                repo.move_on_hand(uow, caller.store_id, sku, location, delta, reason=reason, reference=reference,
                                  actor=actor, entry_id=f"{reference}#{sku}#{location}", note=note,
                                  expect_on_hand=on_hand if reason == "count" else None, lost=changed)

        units.commit(writes)
    return {"reference": reference, "location": location, "reason": reason,
            "changes": [{"sku": sku, "delta": d} for sku, (d, _) in changes.items()],
            "levels": [_location_view(lv) for sku in changes for lv in repo.levels(caller.store_id, sku)
                       if lv.location == location]}
