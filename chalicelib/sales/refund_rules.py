"""Refunds and voids: pure rules (no AWS).

A refund is its own document linked to the sale: which lines and how many, the money, the tender it
goes back by, a reason, and who approved it. The sale itself never changes; the order keeps running
totals (amount and quantity per SKU refunded or reserved by a refund in progress), so no refund can
take back more than was paid, or more of a line than was sold, even when two are asked at once.

Money per line: a line's share of what was paid (its gross price scaled by paid / subtotal, rounded
down), and the refund that takes the last of everything takes exactly what is left, so a sale
refunded in parts adds up to what was paid to the rupiah. Points earned on the sale are taken back
in the same proportion, rounded so that the parts add up to what was earned.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..core.errors import Conflict, ValidationError
from ..core.tender import BANK_TRANSFER, CASH, QRIS

VOID, REFUND = "VOID", "REFUND"
TENDERS = (QRIS, CASH, BANK_TRANSFER)
# Refund states: REQUESTED (written, gateway not asked yet) -> PENDING (the gateway has it) -> DONE | FAILED.
REQUESTED, PENDING, DONE, FAILED = "REQUESTED", "PENDING", "DONE", "FAILED"
OPEN_STATES = frozenset({REQUESTED, PENDING})
REASONS = {  # reason code -> what staff see; "lainnya" needs a note
    "salah_input": "Salah input", "barang_rusak": "Barang rusak/cacat", "pelanggan_batal": "Pelanggan batal",
    "pembayaran_ganda": "Pembayaran ganda", "pembayaran_terlambat": "Pembayaran terlambat",
    "jumlah_tidak_sesuai": "Jumlah pembayaran tidak sesuai", "retur_kurir": "Paket kembali (retur kurir)",
    "lainnya": "Lainnya",
}
MAX_NOTE = 200
MAX_TRANSFER_REF = 64


def refund_id(order_id: str, unique: str) -> str:
    """A refund's id, also its key at the gateway: ``<order id>_<unique>`` (letters, digits, ``_``;
    at most 64 characters), so a gateway's refund notification leads back to its order."""
    return f"{order_id}_{unique}"


def order_of_refund(refund_key: str | None) -> str | None:
    if not isinstance(refund_key, str):
        return None
    order_id, sep, unique = refund_key.rpartition("_")
    return order_id if sep and order_id and unique else None


@dataclass(frozen=True)
class RefundLine:
    sku: str
    name: str
    qty: int
    unit_price: int
    amount: int  # this line's share of the money refunded
    restock: bool

    def to_dict(self) -> dict:
        return {"sku": self.sku, "name": self.name, "qty": self.qty, "unit_price": self.unit_price,
                "amount": self.amount, "restock": self.restock}


@dataclass(frozen=True)
class RefundPlan:
    lines: tuple[RefundLine, ...]
    amount: int
    closes: bool  # after it nothing is left to refund

    @property
    def quantities(self) -> dict[str, int]:
        return {line.sku: line.qty for line in self.lines}


def sold(items: list[dict]) -> dict[str, dict]:
    """The sale's lines by SKU (lines of one SKU merged): ``{sku: {qty, name, unit_price}}``."""
    out: dict[str, dict] = {}
    for item in items:
        line = out.setdefault(item["sku"], {"qty": 0, "name": item.get("name", item["sku"]),
                                            "unit_price": int(item["unit_price"])})
        line["qty"] += int(item["qty"])
    return out


def remaining(items: list[dict], refunded_qty: dict[str, int] | None) -> dict[str, int]:
    taken = refunded_qty or {}
    return {sku: line["qty"] - int(taken.get(sku, 0)) for sku, line in sold(items).items()}


def plan(items: list[dict], *, subtotal: int, paid: int, refunded_amount: int, refunded_qty: dict[str, int] | None,
         request: list[dict] | None, restock_default: bool = True) -> RefundPlan:
    """What a refund takes back. ``request``: ``[{sku, quantity, restock?}]``, or None for everything
    still left. Raises a clear error for a SKU not sold, a quantity above what is left, or nothing left."""
    left_money = paid - refunded_amount
    if left_money <= 0:
        raise Conflict("Penjualan ini sudah dikembalikan penuh.", code="already_refunded")
    lines = sold(items)
    left = remaining(items, refunded_qty)
    if request is None:
        wanted = {sku: (qty, restock_default) for sku, qty in left.items() if qty > 0}
    else:
        wanted = _requested(request, lines, left, restock_default)
    if not wanted and request is None:
        # Every unit was taken back but money is left (a payment above the total): money only.
        return RefundPlan(lines=(), amount=left_money, closes=True)
    if not wanted:
        raise ValidationError("Pilih barang yang dikembalikan.", code="refund_lines_required")
    closes = all(left[sku] - wanted.get(sku, (0, True))[0] == 0 for sku in left)
    shares = {sku: _share(lines[sku]["unit_price"] * qty, subtotal, paid) for sku, (qty, _) in wanted.items()}
    amount = left_money if closes else min(sum(shares.values()), left_money)
    if amount <= 0:
        raise Conflict("Tidak ada uang yang tersisa untuk dikembalikan dari baris ini.", code="nothing_to_refund")
    if closes:  # the last refund takes the rounding: the parts add up to what was paid
        shares = _settle_rounding(shares, amount)
    refund_lines = tuple(RefundLine(sku=sku, name=lines[sku]["name"], qty=qty, unit_price=lines[sku]["unit_price"],
                                    amount=shares[sku], restock=restock)
                         for sku, (qty, restock) in wanted.items())
    return RefundPlan(lines=refund_lines, amount=amount, closes=closes)


def _requested(request: list[dict], lines: dict, left: dict[str, int], restock_default: bool) -> dict:
    if not isinstance(request, list) or not request:
        raise ValidationError("Pilih barang yang dikembalikan.", code="refund_lines_required")
    wanted: dict[str, tuple[int, bool]] = {}
    for entry in request:
        if not isinstance(entry, dict):
            raise ValidationError("Setiap baris berisi sku dan quantity.", code="invalid_refund_line")
        sku, qty, restock = entry.get("sku"), entry.get("quantity"), entry.get("restock", restock_default)
        if sku not in lines:
            raise ValidationError(f"Barang {sku!r} tidak ada di penjualan ini.", code="refund_sku_not_sold",
                                  details={"sku": sku if isinstance(sku, str) else None})
        if isinstance(qty, bool) or not isinstance(qty, int) or qty < 1:
            raise ValidationError("Jumlah yang dikembalikan harus bilangan bulat minimal 1.", code="invalid_refund_qty",
                                  details={"sku": sku})
        if not isinstance(restock, bool):
            raise ValidationError("restock harus ya/tidak (true/false).", code="invalid_refund_line", details={"sku": sku})
        before = wanted.get(sku, (0, restock))
        if sku in wanted and before[1] != restock:
            raise ValidationError(f"Barang {sku} disebut dua kali dengan pilihan stok berbeda.", code="invalid_refund_line",
                                  details={"sku": sku})
        wanted[sku] = (before[0] + qty, restock)
    for sku, (qty, _) in wanted.items():
        if qty > left[sku]:
            raise Conflict(f"{lines[sku]['name']}: yang bisa dikembalikan tinggal {max(left[sku], 0)}.",
                           code="refund_qty_exceeds_sold", details={"sku": sku, "left": max(left[sku], 0)})
    return wanted


def _share(gross: int, subtotal: int, paid: int) -> int:
    """A line's share of what was paid: its gross price scaled by paid / subtotal, rounded down."""
    if subtotal <= 0:
        return 0
    return gross * paid // subtotal


def _settle_rounding(shares: dict[str, int], amount: int) -> dict[str, int]:
    short = amount - sum(shares.values())
    if short and shares:
        biggest = max(shares, key=lambda sku: shares[sku])
        shares = dict(shares, **{biggest: shares[biggest] + short})
    return shares


def points_to_take(points_earned: int, paid: int, refunded_before: int, refunding: int) -> int:
    """Points earned on the sale that go with this refund, in proportion to the money, rounded so
    that refunds of the whole sale take back exactly what was earned."""
    if points_earned <= 0 or paid <= 0:
        return 0
    after = min(refunded_before + refunding, paid)
    return points_earned * after // paid - points_earned * min(refunded_before, paid) // paid


def reason(code, note) -> tuple[str, str | None]:
    """A reason from the list, and an optional note (required for ``lainnya``)."""
    if code not in REASONS:
        raise ValidationError("Pilih alasan pengembalian: " + ", ".join(REASONS.values()) + ".",
                              code="invalid_refund_reason", details={"reasons": list(REASONS)})
    if note is not None and (not isinstance(note, str) or len(note.strip()) > MAX_NOTE):
        raise ValidationError(f"Catatan maksimal {MAX_NOTE} karakter.", code="invalid_refund_note")
    note = note.strip() if isinstance(note, str) and note.strip() else None
    if code == "lainnya" and not note:
        raise ValidationError("Alasan 'Lainnya' perlu catatan.", code="invalid_refund_note")
    return code, note


def tender(requested, paid_with: str, transfer_ref) -> tuple[str, str | None]:
    """How the money goes back: by default the way it came. A QRIS refund goes back through the
    gateway; cash comes from the drawer; a bank transfer needs its reference."""
    chosen = requested or (paid_with if paid_with in TENDERS else CASH)
    if chosen not in TENDERS:
        raise ValidationError("Cara pengembalian harus QRIS, CASH atau BANK_TRANSFER.", code="invalid_refund_tender")
    if chosen == QRIS and paid_with != QRIS:
        raise ValidationError("Hanya pembayaran QRIS yang bisa dikembalikan lewat QRIS.", code="invalid_refund_tender")
    if chosen == BANK_TRANSFER:
        if not isinstance(transfer_ref, str) or not transfer_ref.strip() or len(transfer_ref.strip()) > MAX_TRANSFER_REF:
            raise ValidationError("Isi nomor referensi transfer pengembalian (maks. 64 karakter).",
                                  code="transfer_ref_required")
        return chosen, transfer_ref.strip()
    if transfer_ref is not None:
        raise ValidationError("Nomor referensi hanya untuk pengembalian lewat transfer.", code="invalid_refund_tender")
    return chosen, None


def needs_approval(amount: int, *, role: str, limit: int, approver_roles: tuple[str, ...]) -> bool:
    """A refund above the store's limit needs an approver's PIN unless the person asking may approve."""
    return role not in approver_roles and amount > limit
