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
REASONS = ("seed", "receive", "adjust", "sale", "book_order_sale", "drop_order", "drop_return", "refund", "count")

# The document a movement came from, by its reason: what the ledger names and links to (a sale and
# its refunds are found in the sales history by the sale's number, a drop order in its queue).
DOCUMENT_OF_REASON = {"sale": "sale", "book_order_sale": "sale", "refund": "refund", "drop_order": "drop_order",
                      "drop_return": "drop_order", "receive": "adjustment", "adjust": "adjustment",
                      "count": "adjustment"}


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


# ---- holds (stock booked for a chat customer until a payment deadline) ------------------------
#
# A hold reserves a book order's lines at one location. It is settled exactly once: released
# (cancelled or expired, ``reserved -= qty``) or consumed by the sale (``on_hand -= qty`` too).
#
#   ACTIVE --cancel--> RELEASED      ACTIVE --deadline--> EXPIRED      ACTIVE --sale--> CONSUMED
#   ACTIVE --customer pays at the kiosk--> PAYING --sale--> CONSUMED
#   PAYING --payment abandoned and the (extended) expiry passed--> EXPIRED

HOLD_ACTIVE, HOLD_PAYING = "ACTIVE", "PAYING"
HOLD_RELEASED, HOLD_EXPIRED, HOLD_CONSUMED = "RELEASED", "EXPIRED", "CONSUMED"
HOLD_OPEN = frozenset({HOLD_ACTIVE, HOLD_PAYING})

# TTL deletes a hold this long after deadline + grace: the sweeper (every minute) has released it
# long before, so TTL is garbage collection and the stream handler only a backstop.
HOLD_TTL_MARGIN_SECONDS = 3600


def hold_counts(status: str, expires_at: int, now: int) -> bool:
    """Whether a hold still takes stock away from others. An ACTIVE hold stops counting the second
    its deadline passes, released or not; a PAYING one counts until settled (the customer is at the
    kiosk with a live QR)."""
    if status == HOLD_ACTIVE:
        return expires_at > now
    return status == HOLD_PAYING


def purge_time(expires_at: int, grace_seconds: int) -> int:
    """The hold's TTL attribute (epoch seconds)."""
    return expires_at + grace_seconds + HOLD_TTL_MARGIN_SECONDS


def total_lines(lines) -> dict[str, int]:
    """``[{"sku", "qty"}, ...]`` -> ``{sku: qty}`` with repeated skus added up."""
    out: dict[str, int] = {}
    for line in lines:
        out[line["sku"]] = out.get(line["sku"], 0) + int(line["qty"])
    return out


# ---- drop orders (CS asks the warehouse for goods) --------------------------------------------
#
#   REQUESTED --warehouse hands the goods to CS (all, or fewer when it has fewer)--> HANDED_OVER
#   REQUESTED --CS or warehouse withdraws it--> CANCELLED
#   HANDED_OVER --everything handed scanned back to the warehouse--> CANCELLED (the drop is undone)
#   HANDED_OVER --part scanned back, the rest stays at CS (sold or booked)--> CLOSED ("returned")
#   HANDED_OVER --nothing comes back: as many sold at the CS desk since the hand-over--> CLOSED ("sold")
#   HANDED_OVER --nothing comes back: a person says why the rest stays at the CS desk--> CLOSED ("kept")
#
# Closing moves no stock: what was handed over and not scanned back is on the CS desk's books
# already (sold goods left it with their sale). "Semua terjual" is checked against the ledger; when
# fewer were sold, closing anyway needs a person's reason, and goods that are really gone (broken,
# lost) are a stock count for an admin, not a drop order's business.

DROP_REQUESTED, DROP_HANDED_OVER, DROP_CLOSED, DROP_CANCELLED = "REQUESTED", "HANDED_OVER", "CLOSED", "CANCELLED"
DROP_STATUSES = (DROP_REQUESTED, DROP_HANDED_OVER, DROP_CLOSED, DROP_CANCELLED)
DROP_LABELS = {DROP_REQUESTED: "Diminta", DROP_HANDED_OVER: "Diserahkan ke CS", DROP_CLOSED: "Selesai",
               DROP_CANCELLED: "Dibatalkan"}
CLOSE_RETURNED, CLOSE_SOLD, CLOSE_KEPT = "returned", "sold", "kept"
CLOSE_LABELS = {CLOSE_RETURNED: "Sebagian kembali ke gudang", CLOSE_SOLD: "Semua terjual",
                CLOSE_KEPT: "Sisa tetap di Meja CS"}
MAX_LINES = 40  # each line is two writes (stock + ledger); a transaction takes 100
MAX_DROP_QTY = 9_999  # of one item in one drop order
# Ledger reasons that take goods off the CS desk with a sale, and that bring them back with a refund.
SOLD_REASONS, RESTOCK_REASONS = frozenset({"sale", "book_order_sale"}), frozenset({"refund"})


def validate_drop_status(value) -> str:
    if value not in DROP_STATUSES:
        raise ValidationError(f"Status harus salah satu dari: {', '.join(DROP_STATUSES)}.", code="invalid_status")
    return value


def handed_of(lines: list[dict]) -> dict[str, int]:
    """``{sku: qty}`` the warehouse handed over (a line handed over before partial hand-overs
    existed was handed in full); lines of which nothing was handed are left out."""
    out = {line["sku"]: int(line.get("handed", line["qty"])) for line in lines}
    return {sku: qty for sku, qty in out.items() if qty > 0}


def handover_quantities(lines: list[dict], items) -> dict[str, int]:
    """What the warehouse hands over per line: ``items`` ``[{"sku", "qty"}]`` (0 to the requested
    quantity; a line left out: none of it), or None for everything requested. At least one piece
    must move: a hand-over of nothing is a cancellation."""
    requested = {line["sku"]: int(line["qty"]) for line in lines}
    if items is None:
        return requested
    if not isinstance(items, list):
        raise ValidationError("items harus daftar barang.", code="invalid_items")
    given: dict[str, int] = {}
    for i, line in enumerate(items, 1):
        if not isinstance(line, dict) or set(line) - {"sku", "qty"}:
            raise ValidationError(f"Baris {i} tidak valid.", code="invalid_item")
        sku, qty = line.get("sku"), line.get("qty")
        if sku not in requested:
            raise ValidationError(f"Barang {sku} tidak ada di drop order ini.", code="not_in_drop_order")
        if sku in given:
            raise ValidationError(f"Barang {sku} tercantum dua kali.", code="duplicate_item")
        if isinstance(qty, bool) or not isinstance(qty, int) or not 0 <= qty <= requested[sku]:
            raise ValidationError(f"Jumlah diserahkan {sku} harus bilangan bulat 0-{requested[sku]} (yang diminta).",
                                  code="invalid_qty")
        given[sku] = qty
    out = {sku: given.get(sku, 0) for sku in requested}
    if not any(out.values()):
        raise ValidationError("Tidak ada barang yang diserahkan. Batalkan drop order bila gudang tidak punya "
                              "barangnya.", code="nothing_handed")
    return out


def return_outcome(handed: dict[str, int], returned: dict[str, int]) -> str:
    """A return scan closes a drop order: CANCELLED when every item handed over came back, CLOSED
    otherwise.

    Returning more of an item than was handed over, or an item that was not in the drop, is refused.
    """
    extra = sorted(sku for sku in returned if sku not in handed)
    if extra:
        raise ValidationError(f"Barang {', '.join(extra)} tidak ada di drop order ini.", code="not_in_drop_order")
    over = sorted(sku for sku, qty in returned.items() if qty > handed[sku])
    if over:
        raise ValidationError(f"Jumlah kembali melebihi yang diserahkan: {', '.join(over)}.", code="return_exceeds_drop")
    return DROP_CANCELLED if returned == handed else DROP_CLOSED


def sold_since(entries) -> int:
    """Pieces the CS desk sold, net of refunds put back there, from ledger entries at the CS desk
    (objects with ``reason`` and ``delta``)."""
    sold = 0
    for e in entries:
        if e.reason in SOLD_REASONS or e.reason in RESTOCK_REASONS:
            sold -= int(e.delta)
    return sold


def unsold(handed: dict[str, int], sold: dict[str, int]) -> dict[str, tuple[int, int]]:
    """``{sku: (handed, sold)}`` of the lines of which fewer were sold than handed over."""
    return {sku: (qty, sold.get(sku, 0)) for sku, qty in handed.items() if sold.get(sku, 0) < qty}


# ---- adjustments (admin: goods received, corrections, counts) ---------------------------------

ADJUST_REASONS = ("receive", "adjust", "count")


def adjustment_delta(reason: str, *, delta: int | None, counted: int | None, on_hand: int) -> int:
    """The on_hand change of one adjustment line.

    ``receive`` adds goods (delta > 0); ``adjust`` corrects either way (delta != 0); ``count`` sets
    on_hand to what was counted (delta = counted - on_hand; 0 when the count agrees).
    """
    if reason not in ADJUST_REASONS:
        raise ValidationError(f"Alasan harus salah satu dari: {', '.join(ADJUST_REASONS)}.", code="invalid_reason")
    if reason == "count":
        if isinstance(counted, bool) or not isinstance(counted, int) or not 0 <= counted <= 1_000_000:
            raise ValidationError("Hasil hitung harus bilangan bulat 0-1.000.000.", code="invalid_qty")
        return counted - on_hand
    if isinstance(delta, bool) or not isinstance(delta, int) or delta == 0 or abs(delta) > 1_000_000:
        raise ValidationError("Perubahan stok harus bilangan bulat bukan nol.", code="invalid_qty")
    if reason == "receive" and delta < 0:
        raise ValidationError("Penerimaan barang harus menambah stok.", code="invalid_qty")
    return delta
