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

Goods (products, their cost price and the gross profit) are counted per product on items of their
own (``p_net#KOPI-250``, ...; see :func:`goods_increments`), spread over a few items per day by the
product's SKU (:func:`product_shard`), so a busy day's thousands of products never make one item
large. A refund takes back the value and the cost price (HPP) of the goods it returns, on the day
of the refund, at the price and HPP the sale's line recorded.
"""
from __future__ import annotations

import calendar
import re
import zlib
from dataclasses import dataclass
from datetime import date
from typing import Iterable, Mapping, Protocol

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


# Chat sales per CS: the person who booked the book order (its seller), orders and goods value,
# and the goods value of refunds of those orders (on the day of the refund).
def cs_count_key(staff_id: str) -> str:
    return f"cs_count#{staff_id}"


def cs_net_key(staff_id: str) -> str:
    return f"cs_net#{staff_id}"


def cs_return_count_key(staff_id: str) -> str:
    return f"cs_ret_count#{staff_id}"


def cs_returned_key(staff_id: str) -> str:
    return f"cs_ret#{staff_id}"


# Goods per product (kept on the product items of a day, never on the day item itself).
PRODUCT_SHARDS = 8  # product items per store-day; a SKU always counts on the same one
P_SOLD, P_RETURNED, P_NET, P_COSTED_NET, P_COST = "p_qty#", "p_ret#", "p_net#", "p_cnet#", "p_cost#"
PRODUCT_PREFIXES = (P_SOLD, P_RETURNED, P_NET, P_COSTED_NET, P_COST)


def product_shard(sku: str) -> int:
    """Which of the day's product items counts this SKU (a stable hash, the same in every process)."""
    return zlib.crc32(sku.encode()) % PRODUCT_SHARDS


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
        if sale.seller_id:
            inc[cs_count_key(sale.seller_id)], inc[cs_net_key(sale.seller_id)] = 1, net
        # Completion follows a book order's payment at once (a late one once staff accept it), so
        # the completion is where a book order counts as paid, on time or late.
        inc.update(book_order_increments("late" if sale.late else "paid", sale.total))
    else:
        inc[STORE_COUNT], inc[STORE_NET] = 1, net
        inc[cashier_count_key(sale.seller_id)] = 1
        inc[cashier_net_key(sale.seller_id)] = net
    return inc


class Goods(Protocol):
    """Goods of one product in a sale or a refund (``sales.facts.GoodsLine``)."""

    sku: str
    qty: int
    net: int  # value after the order's discount, without shipping fee or kode unik
    cost: int | None  # cost price (HPP) of these units as the sale's line recorded it; None: none


def goods_increments(lines: Iterable[Goods], *, returned: bool = False) -> dict[str, int]:
    """Per product: units sold (or returned), the net value, and for goods with a cost price that
    value again (``p_cnet``) and their HPP (``p_cost``). A return subtracts value and HPP, so a
    product's figures are always after refunds; its units are counted apart (sold, returned)."""
    inc: dict[str, int] = {}
    sign = -1 if returned else 1

    def add(name: str, value: int) -> None:
        inc[name] = inc.get(name, 0) + value

    for line in lines:
        add((P_RETURNED if returned else P_SOLD) + line.sku, int(line.qty))
        add(P_NET + line.sku, sign * int(line.net))
        if line.cost is not None:
            add(P_COSTED_NET + line.sku, sign * int(line.net))
            add(P_COST + line.sku, sign * int(line.cost))
    return inc


def by_product_shard(increments: Mapping[str, int]) -> dict[int, dict[str, int]]:
    """Product increments split by the item each SKU counts on."""
    out: dict[int, dict[str, int]] = {}
    for name, value in increments.items():
        sku = name.split("#", 1)[1]
        out.setdefault(product_shard(sku), {})[name] = value
    return out


def chat_return_increments(seller_id: str | None, lines: Iterable[Goods]) -> dict[str, int]:
    """A refund of a book order's goods, for the CS who booked it (money only counts nothing here)."""
    lines = list(lines)
    if not seller_id or not lines:
        return {}
    return {cs_return_count_key(seller_id): 1, cs_returned_key(seller_id): sum(int(line.net) for line in lines)}


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


# ---- goods: products, cost price (HPP) and gross profit -----------------------------------------

TOP_PRODUCTS = 10
MAX_TOP_PRODUCTS = 50
WITHOUT_COST_LISTED = 10  # products without a cost price named in the report (the biggest sellers)


def product_rows(c: Mapping[str, int]) -> list[dict]:
    """Every product in the summed product counters, best first: by net sales after refunds, then
    units, then SKU. ``net_without_cost`` is what was sold while the product had no cost price;
    ``costed`` says whether its goods had one: ``all``, ``part`` (its cost price was set or cleared
    during the period) or ``none`` (then ``cost`` and ``gross_profit`` are None: unknown, not 0)."""
    skus = sorted({name.split("#", 1)[1] for name in c if name.startswith(PRODUCT_PREFIXES)})
    rows = []
    for sku in skus:
        g = lambda prefix: int(c.get(prefix + sku, 0))  # noqa: E731 - absent counters are zero
        net, costed, cost = g(P_NET), g(P_COSTED_NET), g(P_COST)
        known = P_COSTED_NET + sku in c  # goods with a cost price were counted (their value is never 0)
        state = ("part" if net != costed else "all") if known else "none"
        rows.append({"sku": sku, "sold": g(P_SOLD), "returned": g(P_RETURNED), "units": g(P_SOLD) - g(P_RETURNED),
                     "net": net, "costed": state, "net_with_cost": costed, "cost": cost if known else None,
                     "gross_profit": costed - cost if known else None, "net_without_cost": net - costed})
    return sorted(rows, key=lambda r: (-r["net"], -r["units"], r["sku"]))


_SUMMED = ("sold", "returned", "units", "net", "net_with_cost", "cost", "gross_profit", "net_without_cost")
_COST_FIELDS = ("costed", "net_with_cost", "cost", "gross_profit", "net_without_cost")


def _summed(rows: list[dict]) -> dict:
    """Rows added up (an unknown cost counts as none: the profit is of the goods with a cost price)."""
    return {"products": len(rows), **{k: sum(r[k] or 0 for r in rows) for k in _SUMMED}}


def _shown_row(row: dict, with_costs: bool) -> dict:
    return row if with_costs else {k: v for k, v in row.items() if k not in _COST_FIELDS}


def top_products(rows: list[dict], names: Mapping[str, str], *, top: int = TOP_PRODUCTS,
                 with_costs: bool = False) -> dict:
    """The ``top`` best products (``rows`` from :func:`product_rows`, with their names), the rest
    summed as "others", and the total of all; cost figures only ``with_costs``."""
    named = [{**r, "name": names.get(r["sku"], r["sku"])} for r in rows]
    others = _summed(named[top:]) if len(named) > top else None
    return {"top": [_shown_row(r, with_costs) for r in named[:top]],
            "others": _shown_row(others, with_costs) if others else None,
            "total": _shown_row(_summed(named), with_costs)}


def gross_profit(rows: list[dict], names: Mapping[str, str]) -> dict:
    """Cost of goods sold and gross profit (laba kotor = net sales - HPP) of the goods whose product
    had a cost price when sold, after refunds; and, said apart, the sales without a cost price,
    which are never counted as profit (``complete`` only when there are none)."""
    total = _summed(rows)
    with_cost = total["net_with_cost"]
    without = [r for r in rows if r["net_without_cost"]]
    without.sort(key=lambda r: (-r["net_without_cost"], r["sku"]))
    return {
        "net": total["net"],
        "with_cost": {"net": with_cost, "cost": total["cost"], "gross_profit": total["gross_profit"],
                      "margin": rate(total["gross_profit"], with_cost)},
        "without_cost": {"net": total["net_without_cost"], "share": rate(total["net_without_cost"], total["net"]),
                         "products": len(without),
                         "top": [{"sku": r["sku"], "name": names.get(r["sku"], r["sku"]), "net": r["net_without_cost"]}
                                 for r in without[:WITHOUT_COST_LISTED]]},
        "complete": not without,
    }


def chat_sales_by_cs(c: Mapping[str, int], names: Mapping[str, str]) -> list[dict]:
    """Sales from book orders per CS who booked them: orders, goods value, refunds of their goods
    (on the day of the refund) and what is left; best first."""
    people = set(_suffixes(c, "cs_count#")) | set(_suffixes(c, "cs_ret_count#"))
    rows = []
    for staff_id in people:
        net, returned = int(c.get(cs_net_key(staff_id), 0)), int(c.get(cs_returned_key(staff_id), 0))
        orders = int(c.get(cs_count_key(staff_id), 0))
        rows.append({"staff_id": staff_id, "name": names.get(staff_id, staff_id), "orders": orders, "net": net,
                     "average": average(net, orders), "returns_count": int(c.get(cs_return_count_key(staff_id), 0)),
                     "returned": returned, "net_after_returns": net - returned})
    return sorted(rows, key=lambda r: (-r["net_after_returns"], r["name"].lower(), r["staff_id"]))


# ---- orders (the export) ---------------------------------------------------------------------

SALE_STATUSES = frozenset({"COMPLETED", "VOIDED"})  # orders that became sales (a void gave it all back)


def order_net(status: str, total: int, refunded: int) -> int:
    """What an order leaves the store: a sale's total less what was refunded of it; an order that
    never became a sale leaves nothing (a payment given back whole included)."""
    return total - refunded if status in SALE_STATUSES else 0
