"""Orders and their state machine: pure rules (no AWS).

One order record serves a store sale (cashier, QRIS or cash) and a book order (chat customer,
bank transfer with a kode unik, stock held until a deadline):

    store sale:  AWAITING_PAYMENT -> PAID -> COMPLETED
                 AWAITING_PAYMENT -> EXPIRED | FAILED | CANCELLED
                 EXPIRED | FAILED -> AWAITING_PAYMENT   ("Coba lagi": a new payment attempt)
    book order:  BOOKED -> PAID -> COMPLETED;  BOOKED -> EXPIRED | CANCELLED
                 BOOKED -> AWAITING_PAYMENT (the customer pays at the kiosk by QRIS)
    any unpaid end state + a payment that arrives anyway -> PAID_LATE (flagged for staff)
    a payment the gateway confirms for another amount or transaction -> NEEDS_REVIEW (staff decide)
    COMPLETED -> VOIDED (a sale of today cancelled in full; see refund_rules)
    PAID_LATE | NEEDS_REVIEW -> REFUNDED (the money went back instead of becoming a sale)

Nothing ever moves backwards: a late or repeated event is recorded and ignored for the state.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..core.errors import Conflict, Unprocessable
from ..core.money import format_rupiah
from ..core.tender import BANK_TRANSFER, CASH, QRIS  # noqa: F401 - how an order was paid

AWAITING_PAYMENT = "AWAITING_PAYMENT"
BOOKED = "BOOKED"
PAID = "PAID"
COMPLETED = "COMPLETED"
EXPIRED = "EXPIRED"
FAILED = "FAILED"
CANCELLED = "CANCELLED"
PAID_LATE = "PAID_LATE"
NEEDS_REVIEW = "NEEDS_REVIEW"  # money came, but not what the order asked for: a person decides
VOIDED = "VOIDED"  # a sale cancelled in full the same day (its money went back)
REFUNDED = "REFUNDED"  # a payment that never became a sale went back

STORE_SALE, BOOK_ORDER = "STORE_SALE", "BOOK_ORDER"

OPEN = frozenset({AWAITING_PAYMENT, BOOKED})
UNPAID_ENDS = frozenset({EXPIRED, FAILED, CANCELLED})
PAID_STATES = frozenset({PAID, COMPLETED, PAID_LATE, NEEDS_REVIEW})
DECISION_STATES = frozenset({PAID_LATE, NEEDS_REVIEW})  # paid, waiting for a person

_ALLOWED = {
    AWAITING_PAYMENT: {PAID, EXPIRED, FAILED, CANCELLED, NEEDS_REVIEW},
    BOOKED: {PAID, EXPIRED, CANCELLED, AWAITING_PAYMENT, NEEDS_REVIEW},
    PAID: {COMPLETED},
    EXPIRED: {AWAITING_PAYMENT, PAID_LATE, CANCELLED, NEEDS_REVIEW},
    FAILED: {AWAITING_PAYMENT, PAID_LATE, CANCELLED, NEEDS_REVIEW},
    CANCELLED: {PAID_LATE, NEEDS_REVIEW},
    PAID_LATE: {COMPLETED, REFUNDED},
    NEEDS_REVIEW: {COMPLETED, REFUNDED},
    COMPLETED: {VOIDED},
    VOIDED: set(),
    REFUNDED: set(),
}

STATUS_LABELS = {
    AWAITING_PAYMENT: "Menunggu pembayaran", BOOKED: "Dipesan", PAID: "Dibayar", COMPLETED: "Selesai",
    EXPIRED: "Kedaluwarsa", FAILED: "Gagal", CANCELLED: "Dibatalkan", PAID_LATE: "Dibayar terlambat",
    NEEDS_REVIEW: "Perlu dicek", VOIDED: "Dibatalkan (void)", REFUNDED: "Dana dikembalikan",
}


def can_move(current: str, target: str) -> bool:
    return target in _ALLOWED.get(current, set())


def require_move(current: str, target: str) -> None:
    if not can_move(current, target):
        raise Conflict(f"Pesanan berstatus {STATUS_LABELS.get(current, current)}; tidak bisa menjadi "
                       f"{STATUS_LABELS.get(target, target)}.", code="invalid_transition",
                       details={"status": current})


def on_payment(current: str) -> str | None:
    """Where a confirmed payment takes an order: PAID while open, PAID_LATE after an unpaid end,
    nothing when it is already paid (a duplicate or a second payment, flagged by the caller)."""
    if current in OPEN:
        return PAID
    if current in UNPAID_ENDS:
        return PAID_LATE
    return None


def payment_mismatches(*, expected_amount: int, paid_amount: int | None, expected_ref: str | None,
                       paid_ref: str | None) -> list[str]:
    """What in a confirmed payment differs from the attempt it should pay: the amount (exactly the
    order's) and the gateway's transaction/QR id. Empty when it is the payment we asked for."""
    out = []
    if paid_amount is None or paid_amount != expected_amount:
        out.append("amount_mismatch")
    if expected_ref and paid_ref and paid_ref != expected_ref:
        out.append("transaction_mismatch")
    return out


def gateway_ref(order_id: str, attempt: int) -> str:
    """Our id for one payment attempt at the gateway (gateways refuse to reuse an id)."""
    return f"{order_id}-{attempt}"


def split_gateway_ref(ref: str) -> tuple[str, int] | None:
    order_id, sep, attempt = ref.rpartition("-")
    if not sep or not attempt.isdigit() or not order_id:
        return None
    return order_id, int(attempt)


@dataclass(frozen=True)
class Line:
    sku: str
    name: str
    qty: int
    unit_price: int
    barcode: str | None = None

    @property
    def total(self) -> int:
        return self.qty * self.unit_price

    def to_dict(self) -> dict:
        return {"sku": self.sku, "name": self.name, "qty": self.qty, "unit_price": self.unit_price,
                "line_total": self.total, "barcode": self.barcode}


# Change a cashier may give back: ten Rp100.000 notes. More is a typing slip (an extra 000) or an attempt to
# book fake cash into the drawer and the reports, not a shopper paying.
MAX_CASH_CHANGE = 1_000_000


def change_due(total: int, received: int) -> int:
    if received < total:
        raise Conflict("Uang yang diterima kurang dari total.", code="cash_insufficient",
                       details={"total": total, "received": received})
    if received - total > MAX_CASH_CHANGE:
        raise Unprocessable(f"Uang diterima {format_rupiah(received)} jauh di atas total {format_rupiah(total)}: "
                            f"kembalian lebih dari {format_rupiah(MAX_CASH_CHANGE)}. Periksa jumlah yang diketik.",
                            code="cash_received_too_large",
                            details={"total": total, "received": received, "max_change": MAX_CASH_CHANGE})
    return received - total


def require_sale_amount(total: int, maximum: int) -> None:
    """One sale (or book order) may not exceed the store's own limit (``max_sale_amount``)."""
    if total > maximum:
        raise Unprocessable(f"Total {format_rupiah(total)} melebihi batas satu transaksi di toko ini "
                            f"({format_rupiah(maximum)}). Bagi menjadi beberapa transaksi, atau minta admin "
                            "mengubah batasnya.", code="sale_amount_too_large",
                            details={"total": total, "maximum": maximum})
