"""Inputs of every printed document, as plain frozen dataclasses.

Services fill these from their own records and hand them to the ``render_*`` functions. The
dataclasses check that the figures add up, because a receipt or slip whose numbers disagree must
never reach paper: the error surfaces in the service that built the data, not on the shop floor.
They are pure (no reportlab), so building them costs nothing on the API Lambda.

Conventions shared by every document:

- money is an ``int`` of rupiah;
- instants are epoch seconds (UTC); each document shows them in ``tz`` (default Asia/Jakarta);
- phones are E.164 (``+628...``) and are formatted by the document (masked where the shopper's
  privacy asks for it);
- payment methods are the codes ``CASH``, ``QRIS`` and ``BANK_TRANSFER`` (any other string is
  printed as it is), with an optional issuer such as ``GoPay``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, Sequence, Union

from chalicelib.core.clock import DEFAULT_TZ

CASH = "CASH"
QRIS = "QRIS"
BANK_TRANSFER = "BANK_TRANSFER"

# What the cashier and the shopper read for each method code.
PAYMENT_METHOD_LABELS = {CASH: "Tunai", QRIS: "QRIS", BANK_TRANSFER: "Transfer Bank"}

ReceiptWidth = Literal[58, 80]
LabelSize = Literal["100x150", "58", "80"]


def payment_label(method: str, issuer: str | None = None) -> str:
    """``("QRIS", "GoPay")`` -> ``"QRIS - GoPay"``; ``("CASH", None)`` -> ``"Tunai"``."""
    label = PAYMENT_METHOD_LABELS.get(method, method)
    return f"{label} - {issuer}" if issuer else label


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise ValueError(message)


def _require_rupiah(value: object, name: str, *, allow_negative: bool = False) -> None:
    _require(isinstance(value, int) and not isinstance(value, bool), f"{name} must be an int of rupiah, got {value!r}")
    _require(allow_negative or value >= 0, f"{name} must not be negative, got {value!r}")  # type: ignore[operator]


# ---------------------------------------------------------------------------------------------
# Sales receipt
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CopyMark:
    """A reprint of a receipt: "SALINAN ke-``number``", when it was printed and who asked for it.
    The first print of a receipt carries none (it is the original, not a copy)."""

    number: int
    printed_at: float
    requested_by: str

    def __post_init__(self) -> None:
        _require(isinstance(self.number, int) and not isinstance(self.number, bool) and self.number >= 1,
                 f"a copy is numbered from 1, got {self.number!r}")
        _require(bool(self.requested_by and self.requested_by.strip()), "a copy names who asked for it")


@dataclass(frozen=True)
class RefundNote:
    """A refund (or the void) done on a sale, as the sale's own receipt lists it."""

    refund_number: str
    amount: int
    refunded_at: float
    void: bool = False

    def __post_init__(self) -> None:
        _require_rupiah(self.amount, "amount")


@dataclass(frozen=True)
class ReceiptLine:
    """One item line. ``line_total`` defaults to ``qty * unit_price``; a lower value is a line
    discount and is printed as such."""

    name: str
    qty: int
    unit_price: int
    line_total: int | None = None

    def __post_init__(self) -> None:
        _require(self.qty > 0, f"qty must be positive for {self.name!r}")
        _require_rupiah(self.unit_price, "unit_price")
        if self.line_total is None:
            object.__setattr__(self, "line_total", self.qty * self.unit_price)
        _require_rupiah(self.line_total, "line_total")

    @property
    def line_discount(self) -> int:
        return self.qty * self.unit_price - int(self.line_total or 0)


@dataclass(frozen=True)
class ReceiptData:
    """A completed store sale, as printed for the shopper (``render_receipt``)."""

    merchant_name: str
    store_name: str
    store_address: str
    cashier_name: str
    order_number: str
    paid_at: float
    items: Sequence[ReceiptLine]
    subtotal: int
    total: int
    payment_method: str
    payment_issuer: str | None = None
    discount: int = 0
    cash_received: int | None = None
    shopper_phone: str | None = None
    points_earned: int | None = None
    points_balance: int | None = None
    receipt_url: str | None = None
    store_phone: str | None = None
    footer: str = "Terima kasih atas kunjungan Anda!"
    tz: str = DEFAULT_TZ
    shipping_fee: int = 0  # a chat order's ongkir
    unique_code: int = 0  # a chat order's kode unik, part of what the customer transferred
    copy: CopyMark | None = None  # a reprint ("SALINAN ke-N"); None on the first print
    refunds: Sequence[RefundNote] = ()  # refunds done on this sale so far (the receipt itself is never edited)
    voided: bool = False  # the sale was cancelled (void) after payment

    def __post_init__(self) -> None:
        _require(len(self.items) > 0, "a receipt needs at least one item")
        for name in ("subtotal", "total", "discount", "shipping_fee", "unique_code"):
            _require_rupiah(getattr(self, name), name)
        lines = sum(int(i.line_total or 0) for i in self.items)
        _require(lines == self.subtotal, f"subtotal {self.subtotal} != sum of lines {lines}")
        expected = self.subtotal - self.discount + self.shipping_fee + self.unique_code
        _require(self.total == expected,
                 f"total {self.total} != subtotal {self.subtotal} - discount {self.discount}"
                 f" + shipping {self.shipping_fee} + kode unik {self.unique_code}")
        if self.cash_received is not None:
            _require(self.payment_method == CASH, "cash_received is only for CASH payments")
            _require_rupiah(self.cash_received, "cash_received")
            _require(self.cash_received >= self.total, "cash_received is less than the total")

    @property
    def change(self) -> int | None:
        """Kembalian; ``None`` unless the cash received was recorded."""
        return None if self.cash_received is None else self.cash_received - self.total

    @property
    def refunded(self) -> int:
        return sum(r.amount for r in self.refunds)


# ---------------------------------------------------------------------------------------------
# Refund receipt (struk pengembalian)
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RefundReceiptLine:
    """What a refund takes back of one sold line: how many, at what price, and the money that goes
    back for them (the line's share of what was paid, so it can differ from ``qty * unit_price``
    where the sale had a discount)."""

    name: str
    qty: int
    unit_price: int
    amount: int

    def __post_init__(self) -> None:
        _require(self.qty > 0, f"qty must be positive for {self.name!r}")
        _require_rupiah(self.unit_price, "unit_price")
        _require_rupiah(self.amount, "amount")

    @property
    def gross(self) -> int:
        return self.qty * self.unit_price


@dataclass(frozen=True)
class RefundReceiptData:
    """A refund or void of a sale (``render_refund_receipt``): its own numbered document that names
    the sale's receipt, never an edit of it.

    ``tender`` is how the money went back (``CASH``, ``QRIS``, ``BANK_TRANSFER``), with the transfer's
    or the gateway's reference. ``points_balance`` below zero means the shopper owes points.
    """

    merchant_name: str
    store_name: str
    store_address: str
    refund_number: str
    order_number: str
    refunded_at: float
    lines: Sequence[RefundReceiptLine]
    amount: int
    tender: str
    reason: str
    processed_by: str
    void: bool = False
    sale_paid_at: float | None = None
    tender_issuer: str | None = None
    tender_reference: str | None = None
    note: str | None = None
    approved_by: str | None = None
    shopper_phone: str | None = None
    points_taken: int | None = None
    points_balance: int | None = None
    receipt_url: str | None = None
    store_phone: str | None = None
    copy: CopyMark | None = None
    footer: str = "Simpan struk ini sebagai bukti pengembalian dana."
    tz: str = DEFAULT_TZ

    def __post_init__(self) -> None:
        _require_rupiah(self.amount, "amount")
        _require(self.amount > 0, "a refund gives back some money")
        if self.points_taken is not None:
            _require(isinstance(self.points_taken, int) and self.points_taken >= 0, "points_taken must be >= 0")

    @property
    def lines_total(self) -> int:
        return sum(line.amount for line in self.lines)

    @property
    def title(self) -> str:
        return "PEMBATALAN (VOID)" if self.void else "PENGEMBALIAN"


# ---------------------------------------------------------------------------------------------
# Book Order slip
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SlipLine:
    """One booked item: the code CS and the warehouse look for, and what it is."""

    sku: str
    description: str
    qty: int
    unit_price: int
    barcode: str | None = None

    def __post_init__(self) -> None:
        _require(self.qty > 0, f"qty must be positive for {self.sku!r}")
        _require_rupiah(self.unit_price, "unit_price")

    @property
    def line_total(self) -> int:
        return self.qty * self.unit_price


@dataclass(frozen=True)
class BankAccount:
    """The receiving account the customer transfers to."""

    bank: str
    number: str
    holder: str


@dataclass(frozen=True)
class OrderSlipData:
    """A Book Order awaiting transfer (``render_order_slip``).

    The amount to transfer is derived here (items + shipping + kode unik), so the slip cannot
    show a total that disagrees with its own lines. ``pickup``: the customer collects at the store
    (no address, no ongkir); ``cod``: the courier collects that amount on delivery (no transfer, so
    no kode unik and no account).
    """

    merchant_name: str
    store_name: str
    order_number: str
    created_at: float
    items: Sequence[SlipLine]
    customer_name: str
    customer_phone: str
    shipping_address: str
    channel: str
    bank_account: BankAccount | None
    pay_by: float
    unique_code: int
    shipping_fee: int = 0
    courier: str | None = None
    cs_name: str | None = None
    note: str | None = None
    tz: str = DEFAULT_TZ
    pickup: bool = False
    cod: bool = False

    def __post_init__(self) -> None:
        _require(len(self.items) > 0, "an order slip needs at least one item")
        if self.cod:
            _require(self.unique_code == 0 and not self.pickup, "a COD slip has no kode unik and ships")
        else:
            _require(isinstance(self.unique_code, int) and 1 <= abs(self.unique_code) <= 999,
                     f"unique_code must be 1-999 (or taken off: -1 to -999), got {self.unique_code!r}")
            _require(self.bank_account is not None, "an order slip awaiting transfer needs the account")
        _require(not self.pickup or self.shipping_fee == 0, "a pickup order has no shipping fee")
        _require_rupiah(self.shipping_fee, "shipping_fee")
        _require(self.pay_by > self.created_at, "pay_by must be after created_at")

    @property
    def subtotal(self) -> int:
        return sum(i.line_total for i in self.items)

    @property
    def amount_to_transfer(self) -> int:
        return self.subtotal + self.shipping_fee + self.unique_code


# ---------------------------------------------------------------------------------------------
# Address label
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Party:
    """Sender or recipient on a label. ``address`` is the full address; newlines are kept."""

    name: str
    phone: str
    address: str


@dataclass(frozen=True)
class LabelData:
    """One parcel's address label (``render_labels``). ``awb`` is ``None`` until the courier
    issues the resi; the label then says "Menunggu resi" and is reprinted later."""

    order_number: str
    sender: Party
    recipient: Party
    courier: str
    service: str
    weight_grams: int
    awb: str | None = None
    cod_amount: int = 0
    contents: str | None = None
    note: str | None = None

    def __post_init__(self) -> None:
        _require(isinstance(self.weight_grams, int) and self.weight_grams > 0, "weight_grams must be a positive int")
        _require_rupiah(self.cod_amount, "cod_amount")
        if self.awb is not None:
            # Code128 carries ASCII only; AWBs are opaque [A-Z0-9-] strings in practice.
            _require(self.awb.strip() != "" and self.awb.isascii() and self.awb.isprintable(),
                     f"awb must be printable ASCII, got {self.awb!r}")


# ---------------------------------------------------------------------------------------------
# Shift close (tutup kasir)
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CashMovement:
    """Cash put into (``amount > 0``) or taken out of (``amount < 0``) the drawer, with why."""

    at: float
    amount: int
    reason: str

    def __post_init__(self) -> None:
        _require_rupiah(self.amount, "amount", allow_negative=True)
        _require(self.amount != 0, "a cash movement cannot be zero")


@dataclass(frozen=True)
class MethodTotal:
    """Sales of one payment method (and issuer, for QRIS) during the shift."""

    method: str
    amount: int
    count: int = 0
    issuer: str | None = None

    def __post_init__(self) -> None:
        _require_rupiah(self.amount, "amount")


@dataclass(frozen=True)
class ShiftReportData:
    """A closed shift (``render_shift_report``). Expected cash and the difference are derived:
    opening float + cash sales + cash in - cash out, compared with what was counted."""

    merchant_name: str
    store_name: str
    cashier_name: str
    opened_at: float
    closed_at: float
    opening_float: int
    sales: Sequence[MethodTotal]
    counted_cash: int
    cash_movements: Sequence[CashMovement] = ()
    note: str | None = None
    approved_by: str | None = None
    approved_at: float | None = None
    shift_code: str | None = None
    tz: str = DEFAULT_TZ

    def __post_init__(self) -> None:
        _require_rupiah(self.opening_float, "opening_float")
        _require_rupiah(self.counted_cash, "counted_cash")
        _require(self.closed_at >= self.opened_at, "closed_at is before opened_at")

    @property
    def cash_sales(self) -> int:
        return sum(s.amount for s in self.sales if s.method == CASH)

    @property
    def expected_cash(self) -> int:
        return self.opening_float + self.cash_sales + sum(m.amount for m in self.cash_movements)

    @property
    def difference(self) -> int:
        """Selisih: positive when the drawer holds more than expected."""
        return self.counted_cash - self.expected_cash


# ---------------------------------------------------------------------------------------------
# Day / month report (A4)
# ---------------------------------------------------------------------------------------------

# How a value is printed: "text" as is, "count" 1.234, "rupiah" Rp1.234, "percent" from a
# fraction (0.125 -> 12,5%).
ValueKind = Literal["text", "count", "rupiah", "percent"]
Cell = Union[str, int, float, None]


@dataclass(frozen=True)
class Figure:
    """A labelled key figure, e.g. ``Figure("Penjualan bersih", 12_500_000, "rupiah")``."""

    label: str
    value: Cell
    kind: ValueKind = "count"
    note: str | None = None


@dataclass(frozen=True)
class Column:
    header: str
    kind: ValueKind = "text"


@dataclass(frozen=True)
class Table:
    """Rows of cells under typed columns; ``total`` is an optional bold last row."""

    columns: Sequence[Column]
    rows: Sequence[Sequence[Cell]]
    title: str | None = None
    total: Sequence[Cell] | None = None

    def __post_init__(self) -> None:
        width = len(self.columns)
        _require(width > 0, "a table needs columns")
        for row in [*self.rows, *([self.total] if self.total is not None else [])]:
            _require(len(row) == width, f"row {row!r} has {len(row)} cells, table has {width} columns")


@dataclass(frozen=True)
class BarSeries:
    """One bar chart: ``labels[i]`` under a bar of height ``values[i]`` (e.g. hours 00-23 or
    days 1-31)."""

    title: str
    labels: Sequence[str]
    values: Sequence[int | float]
    kind: ValueKind = "rupiah"

    def __post_init__(self) -> None:
        _require(len(self.labels) == len(self.values), "labels and values differ in length")
        _require(len(self.values) > 0, "a bar series needs values")


@dataclass(frozen=True)
class ReportSection:
    """A titled part of a report, printed in this order: key figures, charts, tables."""

    title: str
    figures: Sequence[Figure] = ()
    tables: Sequence[Table] = ()
    charts: Sequence[BarSeries] = ()
    note: str | None = None


@dataclass(frozen=True)
class ReportData:
    """A day or month report (``render_report``): headline figures, then sections."""

    title: str
    merchant_name: str
    store_name: str
    period_label: str
    generated_at: float
    headline: Sequence[Figure] = ()
    sections: Sequence[ReportSection] = field(default_factory=tuple)
    tz: str = DEFAULT_TZ
