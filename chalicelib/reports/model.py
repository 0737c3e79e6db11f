"""Day and month reports: counter names, what each business event adds, and how counters become
figures. Pure rules (no AWS).

Every figure comes from named integer counters kept per store and store-local day. An event (a
sale completed, a book order cancelled, a drop order returned, ...) adds to the counters of the day
it happens on, in the same transaction as the change itself, so the counters can never disagree
with the records they describe. A month is the sum of its days; nothing here reads an order.

Counter names are flat strings; the dynamic part follows a ``#``: ``by_method#QRIS``,
``by_issuer#gopay``, ``by_hour#14``, ``cashier_net#u_sari``.

Refunds and voids count on the day the money went back, by the tender it went back by; the sale
they reverse stays on its own day. So a day's net sales after refunds is that day's net sales less
what was refunded that day, and a month's is the sum of its days'.
"""
from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from typing import Iterable, Mapping

from ..core.errors import ValidationError
from ..core.tender import (BANK_TRANSFER, CASH, METHOD_LABELS, METHODS, QRIS, UNKNOWN_ISSUER,  # noqa: F401
                           issuer_count_key, issuer_key, method_count_key, method_key, normalize_issuer)

STORE_SALE, BOOK_ORDER = "STORE_SALE", "BOOK_ORDER"

# ---- counter names ---------------------------------------------------------------------------

SALES_COUNT = "sales_count"
GROSS = "gross"  # items at their price, before discounts
DISCOUNTS = "discounts"
NET = "net"  # gross - discounts: the value of the goods sold (GMV)
COLLECTED = "collected"  # what customers paid: net + shipping fee + kode unik
STORE_COUNT, STORE_NET = "store_sales_count", "store_net"
CHAT_COUNT, CHAT_NET = "chat_sales_count", "chat_net"  # sales turned from book orders
LINKED = "linked_sales"  # sales with a shopper's phone
REPEAT = "repeat_sales"  # ... whose shopper had bought before
LATE_COMPLETED = "late_completed"  # a payment that came after expiry, accepted by staff

BOOK_EVENTS = ("created", "paid", "cancelled", "expired", "late")
DROP_EVENTS = ("created", "handed", "returned", "cancelled")
SHIPMENT_EVENTS = ("requested", "awb", "shipped", "cancelled")
REFUNDS_COUNT = "refunds_count"  # refunds done that day (a void counts here too, and in VOIDS_COUNT)
REFUNDED = "refunded"  # money that went back that day: net sales = net - refunded
VOIDS_COUNT = "voids_count"
VOIDED = "voided"
WAITING_AWB = "waiting_awb"  # a live counter (not per day): shipments requested, no AWB yet


def hour_key(hour: int) -> str:
    return f"by_hour#{hour:02d}"


def hour_count_key(hour: int) -> str:
    return f"by_hour_count#{hour:02d}"


def cashier_count_key(staff_id: str) -> str:
    return f"cashier_count#{staff_id}"


def cashier_net_key(staff_id: str) -> str:
    return f"cashier_net#{staff_id}"


def book_key(event: str) -> str:
    return f"book_{event}"


def book_amount_key(event: str) -> str:
    return f"book_{event}_amount"


def drop_key(event: str) -> str:
    return f"drop_{event}"


def drop_qty_key(event: str) -> str:
    return f"drop_{event}_qty"


def shipment_key(event: str) -> str:
    return f"ship_{event}"


# ---- what an event adds ----------------------------------------------------------------------

@dataclass(frozen=True)
class CompletedSale:
    """A completed order as the counters see it."""

    kind: str  # STORE_SALE | BOOK_ORDER
    subtotal: int
    discount: int
    total: int
    method: str
    issuer: str | None
    hour: int  # store-local hour of completion, 0-23
    seller_id: str  # the staff who rang it up (or created the book order)
    linked: bool  # a shopper was linked
    repeat: bool  # ... and had completed an order before this one
    late: bool  # completed from PAID_LATE

    def __post_init__(self) -> None:
        if not 0 <= self.hour <= 23:
            raise ValueError(f"hour must be 0-23, got {self.hour}")
        if self.repeat and not self.linked:
            raise ValueError("a repeat sale needs a linked shopper")


def sale_increments(sale: CompletedSale) -> dict[str, int]:
    net = sale.subtotal - sale.discount
    inc = {
        SALES_COUNT: 1, GROSS: sale.subtotal, DISCOUNTS: sale.discount, NET: net, COLLECTED: sale.total,
        method_key(sale.method): sale.total, method_count_key(sale.method): 1,
        hour_key(sale.hour): net, hour_count_key(sale.hour): 1,
        LINKED: int(sale.linked), REPEAT: int(sale.repeat), LATE_COMPLETED: int(sale.late),
    }
    if sale.method == QRIS:
        issuer = normalize_issuer(sale.issuer)
        inc[issuer_key(issuer)] = sale.total
        inc[issuer_count_key(issuer)] = 1
    if sale.kind == BOOK_ORDER:
        inc[CHAT_COUNT], inc[CHAT_NET] = 1, net
        # Completion follows a book order's payment at once (a late one once staff accept it), so
        # the completion is where a book order counts as paid, on time or late.
        inc.update(book_order_increments("late" if sale.late else "paid", sale.total))
    else:
        inc[STORE_COUNT], inc[STORE_NET] = 1, net
        inc[cashier_count_key(sale.seller_id)] = 1
        inc[cashier_net_key(sale.seller_id)] = net
    return inc


def refund_method_key(tender: str) -> str:
    return f"refund_method#{tender}"


def refund_method_count_key(tender: str) -> str:
    return f"refund_method_count#{tender}"


def cashier_refund_key(staff_id: str) -> str:
    return f"cashier_refund#{staff_id}"


def cashier_refund_count_key(staff_id: str) -> str:
    return f"cashier_refund_count#{staff_id}"


def refund_increments(kind: str, amount: int, tender: str, staff_id: str | None = None) -> dict[str, int]:
    """A refund (or void) done: counted on the day it was done, by the tender the money went back by,
    and for the person who paid it out (not necessarily who made the sale)."""
    inc = {REFUNDS_COUNT: 1, REFUNDED: amount, refund_method_key(tender): amount, refund_method_count_key(tender): 1}
    if kind == "VOID":
        inc[VOIDS_COUNT], inc[VOIDED] = 1, amount
    if staff_id:
        inc[cashier_refund_count_key(staff_id)] = 1
        inc[cashier_refund_key(staff_id)] = amount
    return inc


def book_order_increments(event: str, amount: int = 0) -> dict[str, int]:
    """``created`` / ``paid`` / ``late`` carry the order's amount; ``cancelled`` / ``expired`` count only."""
    if event not in BOOK_EVENTS:
        raise ValueError(f"unknown book order event {event!r}")
    inc = {book_key(event): 1}
    if event in ("created", "paid", "late"):
        inc[book_amount_key(event)] = amount
    return inc


def drop_order_increments(event: str, qty: int = 0) -> dict[str, int]:
    """A drop order counts once per event; ``qty`` (pieces) shows how much stock moved."""
    if event not in DROP_EVENTS:
        raise ValueError(f"unknown drop order event {event!r}")
    return {drop_key(event): 1, drop_qty_key(event): qty}


# Statuses (shipping.model.ShipmentStatus values) in which the courier has the parcel or had it.
SHIPPED_STATUSES = frozenset({"picked", "dropping_off", "on_hold", "return_in_transit", "delivered", "returned"})
# Ends without the parcel ever leaving with the courier.
CANCELLED_STATUSES = frozenset({"cancelled", "rejected", "courier_not_found"})


def shipment_events(status_before: str, had_awb: bool, status_after: str | None, new_awb: str | None) -> list[str]:
    """What one applied shipment change means for the report: the first AWB (``awb``), the courier
    taking the parcel (``shipped``), or the shipment ending before that (``cancelled``). A replaced
    AWB or a step along the journey adds nothing."""
    events = []
    if new_awb and not had_awb:
        events.append("awb")
    if status_after is not None and status_before not in SHIPPED_STATUSES | CANCELLED_STATUSES:
        if status_after in SHIPPED_STATUSES:
            events.append("shipped")
        elif status_after in CANCELLED_STATUSES:
            events.append("cancelled")
    return events


def shipment_increments(events: Iterable[str]) -> dict[str, int]:
    inc = {}
    for event in events:
        if event not in SHIPMENT_EVENTS:
            raise ValueError(f"unknown shipment event {event!r}")
        inc[shipment_key(event)] = 1
    return inc


def waiting_awb_delta(events: Iterable[str], *, has_awb: bool) -> int:
    """How shipment events move the live "menunggu resi" count: a request adds one; its first AWB,
    or its cancellation while it never had one, takes it away."""
    events = set(events)
    delta = int("requested" in events)
    if "awb" in events or ("cancelled" in events and not has_awb):
        delta -= 1
    return delta


# ---- periods ---------------------------------------------------------------------------------

_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_MONTH = re.compile(r"^\d{4}-\d{2}$")


def validate_day(value) -> str:
    if not isinstance(value, str) or not _DAY.match(value):
        raise ValidationError("Parameter date harus berformat TTTT-BB-HH, contoh 2026-01-31.", code="invalid_date")
    try:
        date.fromisoformat(value)
    except ValueError:
        raise ValidationError("Parameter date bukan tanggal yang ada.", code="invalid_date") from None
    return value


def validate_month(value) -> str:
    if not isinstance(value, str) or not _MONTH.match(value) or not 1 <= int(value[5:]) <= 12:
        raise ValidationError("Parameter month harus berformat TTTT-BB, contoh 2026-01.", code="invalid_month")
    return value


def month_days(month: str) -> list[str]:
    year, mon = int(month[:4]), int(month[5:])
    return [f"{month}-{d:02d}" for d in range(1, calendar.monthrange(year, mon)[1] + 1)]


# ---- counters -> figures ---------------------------------------------------------------------

def sum_counters(items: Iterable[Mapping[str, int]]) -> dict[str, int]:
    total: dict[str, int] = {}
    for item in items:
        for name, value in item.items():
            total[name] = total.get(name, 0) + int(value)
    return total


def average(amount: int, count: int) -> int | None:
    """Whole rupiah, rounded half up; None when nothing was counted."""
    return (amount * 2 + count) // (2 * count) if count else None


def rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _suffixes(counters: Mapping[str, int], prefix: str) -> list[str]:
    return sorted(name[len(prefix):] for name in counters if name.startswith(prefix))


def figures(c: Mapping[str, int]) -> dict:
    """Every figure of a period from its summed counters, as plain JSON values."""
    g = lambda name: int(c.get(name, 0))  # noqa: E731 - absent counters are zero
    methods = [m for m in METHODS if g(method_count_key(m))] + \
              [m for m in _suffixes(c, "by_method_count#") if m not in METHODS]
    issuers = sorted(_suffixes(c, "by_issuer_count#"), key=lambda i: (-g(issuer_key(i)), i))
    count, net = g(SALES_COUNT), g(NET)
    refunded, voided = g(REFUNDED), g(VOIDED)
    tenders = [m for m in METHODS if g(refund_method_count_key(m))] + \
              [m for m in _suffixes(c, "refund_method_count#") if m not in METHODS]
    return {
        "sales": {
            "count": count, "gross": g(GROSS), "discounts": g(DISCOUNTS), "net": net, "collected": g(COLLECTED),
            "refunded": refunded, "net_after_refunds": net - refunded,
            "shipping_and_codes": g(COLLECTED) - net, "average_ticket": average(net, count),
            "late_completed": g(LATE_COMPLETED),
            "by_method": [{"method": m, "label": METHOD_LABELS.get(m, m), "count": g(method_count_key(m)),
                           "amount": g(method_key(m))} for m in methods],
            "by_issuer": [{"issuer": i, "count": g(issuer_count_key(i)), "amount": g(issuer_key(i))} for i in issuers],
            "by_hour": [{"hour": h, "count": g(hour_count_key(h)), "net": g(hour_key(h))} for h in range(24)],
            "store": {"count": g(STORE_COUNT), "net": g(STORE_NET)},
            "from_book_orders": {"count": g(CHAT_COUNT), "net": g(CHAT_NET)},
        },
        # Money that went back in the period (whatever day its sale was): refunds and voids apart.
        "refunds": {
            "count": g(REFUNDS_COUNT), "amount": refunded,
            "refunds": {"count": g(REFUNDS_COUNT) - g(VOIDS_COUNT), "amount": refunded - voided},
            "voids": {"count": g(VOIDS_COUNT), "amount": voided},
            "by_tender": [{"method": m, "label": METHOD_LABELS.get(m, m), "count": g(refund_method_count_key(m)),
                           "amount": g(refund_method_key(m))} for m in tenders],
            "collected_after_refunds": g(COLLECTED) - refunded,
        },
        "book_orders": {
            "created": g(book_key("created")), "created_amount": g(book_amount_key("created")),
            "paid": g(book_key("paid")), "paid_amount": g(book_amount_key("paid")),
            "cancelled": g(book_key("cancelled")), "expired": g(book_key("expired")),
            "late": g(book_key("late")), "late_amount": g(book_amount_key("late")),
        },
        "drop_orders": {
            "created": g(drop_key("created")), "created_qty": g(drop_qty_key("created")),
            "handed": g(drop_key("handed")), "handed_qty": g(drop_qty_key("handed")),
            "returned": g(drop_key("returned")), "returned_qty": g(drop_qty_key("returned")),
            "cancelled": g(drop_key("cancelled")),
        },
        "shipments": {"requested": g(shipment_key("requested")), "awb": g(shipment_key("awb")),
                      "shipped": g(shipment_key("shipped")), "cancelled": g(shipment_key("cancelled"))},
        "o2o": {
            "transactions": count, "average_value": average(net, count),
            "linked": g(LINKED), "repeat": g(REPEAT), "repeat_rate": rate(g(REPEAT), g(LINKED)),
            "gmv_store": g(STORE_NET), "gmv_chat": g(CHAT_NET), "chat_share": rate(g(CHAT_NET), net),
        },
    }


@dataclass(frozen=True)
class CashierEngagement:
    """The shoppers area's counters for one cashier (see ``shoppers.model.CashierDay``)."""

    staff_id: str
    transactions: int = 0
    linked: int = 0
    skipped: int = 0
    registered: int = 0


def cashier_rows(engagement: Iterable[CashierEngagement], c: Mapping[str, int], names: Mapping[str, str]) -> list[dict]:
    """Per cashier: the shoppers area's engagement counters (transactions, link rate, new shoppers)
    beside this area's sales counters (net sales, average ticket) and the refunds the person paid
    out (whoever made the sale). One row per person who appears in any; engagement rows of several
    days for one person are added up."""
    merged: dict[str, CashierEngagement] = {}
    for e in engagement:
        p = merged.get(e.staff_id, CashierEngagement(e.staff_id))
        merged[e.staff_id] = CashierEngagement(e.staff_id, p.transactions + e.transactions, p.linked + e.linked,
                                               p.skipped + e.skipped, p.registered + e.registered)
    for staff_id in _suffixes(c, "cashier_count#") + _suffixes(c, "cashier_refund_count#"):
        merged.setdefault(staff_id, CashierEngagement(staff_id))
    rows = []
    for staff_id, e in merged.items():
        sales, net = int(c.get(cashier_count_key(staff_id), 0)), int(c.get(cashier_net_key(staff_id), 0))
        rows.append({"staff_id": staff_id, "name": names.get(staff_id, staff_id), "transactions": e.transactions,
                     "linked": e.linked, "link_rate": rate(e.linked, e.transactions), "registered": e.registered,
                     "skipped": e.skipped, "sales_count": sales, "net": net, "average_ticket": average(net, sales),
                     "refunds_count": int(c.get(cashier_refund_count_key(staff_id), 0)),
                     "refunded": int(c.get(cashier_refund_key(staff_id), 0))})
    return sorted(rows, key=lambda r: (r["name"].lower(), r["staff_id"]))
