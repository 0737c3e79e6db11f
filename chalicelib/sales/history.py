"""Sales history: a store's orders of one store-local day, newest first, searched, filtered and in
pages; and one sale as staff open it (its lines with what is left to refund, payments, refunds,
receipts and messages: see ``activity``).

A day's orders come from one Query of the ``by_store_day`` index; search and filters run on them here,
because what people type (part of an order number, a phone as they say it, part of a name) is
not something DynamoDB can filter on. A full order number also finds the sale of another day: a
shopper brings back last week's receipt and the cashier types its number.
"""
from __future__ import annotations

import re
from typing import Callable

from ..core.clock import check_day, get_clock, local_datetime, local_day
from ..core.errors import NotFound, ValidationError
from ..core.paging import decode_cursor, encode_cursor
from ..core.phone import display_phone, normalize_phone
from ..core.web import Caller
from ..documents.formatting import masked_phone
from ..staff.service import staff_name, store_settings
from . import activity, model, refund_rules as rules, refunds, repo
from .repo import OrderRecord
from .service import order_view

PAGE = 30
METHODS = (model.QRIS, model.CASH, model.BANK_TRANSFER, "COD")
_ORDER_NO = re.compile(r"^(\d{4})-?([0-9A-Z]{5})$")
_PHONE_CHARS = re.compile(r"^[\d\s\-+().]+$")
MIN_PHONE_DIGITS = 4  # fewer typed digits match too much of any number


# ---- the day's list ----------------------------------------------------------------------------

def day_sales(caller: Caller, *, day: str | None = None, q: str | None = None, status: str | None = None,
              method: str | None = None, cursor: str | None = None, limit: int = PAGE) -> dict:
    """One page of the store's orders of ``day`` (store-local, default today), newest first.

    ``q``: order number (exact or its start), the shopper's or chat customer's phone as typed
    (``0812-3456-7890``, ``+62 812...``, or at least four of its digits), or part of their name.
    ``status``: order statuses, comma separated (``REFUNDS``: any order with money given back).
    ``method``: how it was paid (QRIS, CASH, BANK_TRANSFER), comma separated."""
    tz = store_settings(caller.store_id).timezone
    today = local_day(get_clock().now_s(), tz)
    day = check_day(day) if day else today
    statuses, methods = _statuses(status), _methods(method)
    after = _after(cursor)
    orders = [o for o in repo.orders_of_day(caller.store_id, day) if _passes(o, statuses, methods)]
    people = _People(caller)
    text = (q or "").strip()
    if text:
        matches = _matcher(text, people, orders)
        orders = [o for o in orders if matches(o)]
        if not orders:  # a full order number finds its sale whatever its day
            orders = [o for o in _by_number(caller, text) if _passes(o, statuses, methods)]
    orders.sort(key=lambda o: (int(o.created_at), o.order_id), reverse=True)
    total = len(orders)
    if after is not None:
        orders = [o for o in orders if (int(o.created_at), o.order_id) < after]
    page, more = orders[:limit], len(orders) > limit
    next_cursor = encode_cursor({"t": int(page[-1].created_at), "id": page[-1].order_id}) if more else None
    people.load(page)
    return {"day": day, "today": today, "timezone": tz, "count": total, "next_cursor": next_cursor,
            "sales": [_row(o, people, tz) for o in page]}


REFUNDS = "REFUNDS"  # a filter of its own: orders with money given back (whole or in part)


def _statuses(raw: str | None) -> frozenset[str]:
    wanted = frozenset(s.strip().upper() for s in (raw or "").split(",") if s.strip())
    unknown = wanted - set(model.STATUS_LABELS) - {REFUNDS}
    if unknown:
        raise ValidationError("Status tidak dikenal: " + ", ".join(sorted(unknown)) + ".", code="invalid_status",
                              details={"statuses": [*model.STATUS_LABELS, REFUNDS]})
    return wanted


def _methods(raw: str | None) -> frozenset[str]:
    wanted = frozenset(m.strip().upper() for m in (raw or "").split(",") if m.strip())
    if wanted - set(METHODS):
        raise ValidationError("Metode pembayaran harus QRIS, CASH atau BANK_TRANSFER.", code="invalid_method",
                              details={"methods": list(METHODS)})
    return wanted


def _after(cursor: str | None) -> tuple[int, str] | None:
    key = decode_cursor(cursor)
    if key is None:
        return None
    if not isinstance(key.get("t"), int) or not isinstance(key.get("id"), str):
        raise ValidationError("Parameter cursor tidak valid.", code="invalid_cursor")
    return key["t"], key["id"]


def method_of(order: OrderRecord) -> str | None:
    """How it was (or is being) paid: a QRIS sale waiting for its payment has a QR (an attempt)."""
    return order.payment_method or (model.QRIS if order.attempt else None)


def _passes(order: OrderRecord, statuses: frozenset[str], methods: frozenset[str]) -> bool:
    if statuses and order.status not in statuses and not (REFUNDS in statuses and _has_refunds(order)):
        return False
    return not methods or method_of(order) in methods


def _has_refunds(order: OrderRecord) -> bool:
    return int(order.refunded_amount or 0) > 0 or order.status in (model.VOIDED, model.REFUNDED)


# ---- search ------------------------------------------------------------------------------------

class _People:
    """Shoppers' names and phones, read together for the orders that need them (``load``)."""

    def __init__(self, caller: Caller):
        self.caller = caller
        self.known: dict[str, tuple[str, str] | None] = {}

    def load(self, orders: list[OrderRecord]) -> None:
        """Read the shoppers of ``orders`` not read yet, in one batch."""
        from ..shoppers import service as shoppers

        wanted = {o.shopper_id for o in orders if o.shopper_id and o.shopper_id not in self.known}
        if wanted:
            found = shoppers.names_and_phones(self.caller.merchant_id, wanted)
            self.known.update({sid: found.get(sid) for sid in wanted})  # gone since: the sale stays, without a name

    def of(self, order: OrderRecord) -> tuple[str, str] | None:
        """``(name, E.164 phone)`` of the order's shopper, or of the chat customer of a book order."""
        if order.shopper_id:
            if order.shopper_id not in self.known:
                self.load([order])
            return self.known[order.shopper_id]
        customer = order.customer or {}
        if customer.get("name") or customer.get("phone"):
            return customer.get("name") or "", customer.get("phone") or ""
        return None

    def shopper_id_for(self, phone: str) -> str | None:
        from ..shoppers import service as shoppers

        try:
            return shoppers.lookup(self.caller, phone)["shopper_id"]
        except (NotFound, ValidationError):  # nobody's, or not a mobile number: no shopper has it
            return None


def _order_no(text: str) -> str | None:
    """A full order number as people type it (``2311-ab12c``, ``2311AB12C``) -> ``2311-AB12C``."""
    found = _ORDER_NO.match(re.sub(r"\s", "", text).upper())
    return f"{found.group(1)}-{found.group(2)}" if found else None


def _matcher(text: str, people: _People, orders: list[OrderRecord]) -> Callable[[OrderRecord], bool]:
    """What ``q`` matches: the start of the order number, the phone (whole or at least four of its
    digits), or part of the name. Names and phones are read only when the query can be one."""
    bare = re.sub(r"[\s-]", "", text).upper()
    digits = re.sub(r"\D", "", text) if _PHONE_CHARS.match(text) else ""
    phone = None
    if len(digits) >= 9:
        try:
            phone = normalize_phone(text)
        except ValidationError:
            phone = None
    name = text.casefold() if not re.search(r"\d", text) else None
    shopper = people.shopper_id_for(phone) if phone else None

    if phone is None and (name is not None or len(digits) >= MIN_PHONE_DIGITS):
        people.load(orders)  # every order may be compared by its person: their shoppers in one read

    def by_person(order: OrderRecord) -> bool:
        if phone is not None:  # a whole number: this shopper's sales (and a chat customer's by that number)
            return order.shopper_id == shopper if order.shopper_id else (order.customer or {}).get("phone") == phone
        person = people.of(order)
        if person is None:
            return False
        if name is not None:
            return name in person[0].casefold()
        return len(digits) >= MIN_PHONE_DIGITS and _typed_digits_in(digits, person[1])

    def matches(order: OrderRecord) -> bool:
        if order.order_no.replace("-", "").startswith(bare):
            return True
        return (phone is not None or name is not None or len(digits) >= MIN_PHONE_DIGITS) and by_person(order)

    return matches


def _typed_digits_in(digits: str, e164: str) -> bool:
    """Part of a number as typed (``0812-34``, ``3456``, ``62812``) is in the stored one."""
    if not e164:
        return False
    local = display_phone(e164).replace("-", "")
    return digits in local or digits in e164.lstrip("+")


def _by_number(caller: Caller, text: str) -> list[OrderRecord]:
    number = _order_no(text)
    return repo.orders_by_number(caller.store_id, number) if number else []


# ---- rows and the opened sale ------------------------------------------------------------------

def _refund_summary(order: OrderRecord) -> tuple[int, bool]:
    """``(refunds asked and not failed, whether one waits for the gateway)``; read only for an order
    that has had a refund."""
    if not int(order.refund_count or 0):
        return 0, False
    found = [r for r in repo.order_refunds(order.order_id) if r.status != rules.FAILED]
    return len(found), any(r.status in rules.OPEN_STATES for r in found)


def _person_view(person: tuple[str, str] | None) -> dict | None:
    if person is None:
        return None
    name, phone = person
    return {"name": name or None, "phone_masked": masked_phone(phone) if phone else None}


def _row(order: OrderRecord, people: _People, tz: str) -> dict:
    count, pending = _refund_summary(order)
    return {
        "order_id": order.order_id, "order_no": order.order_no, "kind": order.kind,
        "day": order.store_day.partition("#")[2], "created_at": int(order.created_at),
        "time": local_datetime(int(order.created_at), tz).strftime("%H:%M"), "total": int(order.total),
        "status": order.status, "status_label": model.STATUS_LABELS.get(order.status, order.status),
        "method": method_of(order), "issuer": order.payment_issuer,
        "items_count": sum(int(i["qty"]) for i in order.items or []),
        "shopper": _person_view(people.of(order)), "refunded_amount": int(order.refunded_amount or 0),
        "refunds_count": count, "refund_pending": pending,
    }


def sale(caller: Caller, order_id: str) -> dict:
    """One order as staff open it: the order view, with who bought and who sold, its refunds, and for
    each line what was sold, refunded and is left (what a refund may still take); ``can_refund`` and
    ``can_void`` say what the refund rules would allow now (the server decides again when asked)."""
    order = repo.own_order(caller.store_id, order_id)
    done_or_open = repo.order_refunds(order_id) if int(order.refund_count or 0) else []
    view = order_view(order)
    paid = int(order.paid_amount) if order.paid_amount is not None else None
    refunded = int(order.refunded_amount or 0)
    left = rules.remaining(order.items or [], order.refunded_qty)
    view.update({
        "day": order.store_day.partition("#")[2], "paid_amount": paid,
        "shipping_fee": int(order.shipping_fee or 0), "unique_code": int(order.unique_code or 0),
        "method": method_of(order), "cashier_name": staff_name(order.store_id, order.created_by) or None,
        "shopper": _person_view(_People(caller).of(order)),
        "refunds": [refunds.refund_view(r) for r in done_or_open],
        "lines": [{"sku": sku, "name": line["name"], "unit_price": line["unit_price"], "sold": line["qty"],
                   "refunded": line["qty"] - left[sku], "left": left[sku]}
                  for sku, line in rules.sold(order.items or []).items()],
    })
    refundable = 0
    if order.status == model.COMPLETED or order.status in model.DECISION_STATES:
        refundable = max(0, (paid if paid is not None else int(order.total)) - refunded)
    view["activity"] = activity.activity(order, done_or_open)
    view["refundable_amount"] = refundable
    view["can_refund"] = refundable > 0
    view["can_void"] = order.status == model.COMPLETED and refunded == 0 and _today(
        order.completed_at or order.created_at, store_settings(caller.store_id).timezone) \
        and not refunds.shift_closed(order)
    return view


def retry_activity(caller: Caller, order_id: str, effect_id: str) -> dict:
    """A failed receipt print or message of this store's sale, queued and delivered again."""
    order = repo.own_order(caller.store_id, order_id)
    return activity.retry(order, repo.order_refunds(order_id) if int(order.refund_count or 0) else [], effect_id)


def _today(ts, tz: str) -> bool:
    """A void is for a sale of the current store day (as the refund rules say)."""
    return local_day(int(ts), tz) == local_day(get_clock().now_s(), tz)
