"""Day and month reports of a store, from counters only; and the orders of a period, for export.

A day is one GetItem on the store's day item, one Query of its product items and one Query of the
shoppers area's cashier rows for that day; a month is one Query of its day items, one of its product
items and one of its cashier rows. Product names come from the catalog in one batch read for the
products named. Nothing reads orders, so the cost of a report does not grow with the number of
sales; only the order export (one row per order) reads the orders of its days.

Cost prices (HPP) and gross profit are for admins: a CS reads the same report without them.
"""
from __future__ import annotations

from ..catalog import service as catalog
from ..core.clock import get_clock, local_day, local_month
from ..core.phone import display_phone
from ..core.web import ADMIN, Caller
from ..sales import service as sales
from ..shoppers import service as shoppers
from ..staff import service as staff_service
from . import model, repo, views


def sees_costs(caller: Caller) -> bool:
    """Cost prices and gross profit are commercially sensitive: admins only."""
    return caller.role == ADMIN


def _engagement(rows) -> list[model.CashierEngagement]:
    return [model.CashierEngagement(staff_id=r.staff_id, transactions=int(r.transactions or 0), linked=int(r.linked or 0),
                                    skipped=int(r.skipped or 0), registered=int(r.registered or 0)) for r in rows]


def _names(caller: Caller) -> dict[str, str]:
    return {s["staff_id"]: s["name"] for s in staff_service.list_staff(caller)}


def _product_names(caller: Caller, skus) -> dict[str, str]:
    skus = list(dict.fromkeys(skus))
    return {sku: p.name for sku, p in catalog.products_by_sku(caller.merchant_id, skus).items()} if skus else {}


def _waiting_awb_now(store_id: str) -> int:
    return repo.day_counters(store_id, repo.LIVE).get(model.WAITING_AWB, 0)


def _goods(caller: Caller, product_counters: dict[str, int], top: int) -> dict:
    """Top products, and (for admins) HPP and gross profit, of the summed product counters."""
    rows = model.product_rows(product_counters)
    with_costs = sees_costs(caller)
    named = [r["sku"] for r in rows[:top]]
    if with_costs:
        named += [r["sku"] for r in rows if r["net_without_cost"]][:model.WITHOUT_COST_LISTED]
    names = _product_names(caller, named)
    return {"products": model.top_products(rows, names, top=top, with_costs=with_costs),
            "profit": model.gross_profit(rows, names) if with_costs else None, "costs_visible": with_costs}


def _top(top: int | None) -> int:
    return model.TOP_PRODUCTS if top is None else max(1, min(int(top), model.MAX_TOP_PRODUCTS))


def day_report(caller: Caller, day: str | None, *, top: int | None = None) -> dict:
    tz = staff_service.store_settings(caller.store_id).timezone
    day = model.validate_day(day) if day else local_day(get_clock().now(), tz)
    counters = repo.day_counters(caller.store_id, day)
    figures = model.figures(counters)
    figures["shipments"]["waiting_awb_now"] = _waiting_awb_now(caller.store_id)
    engagement = _engagement(shoppers.cashier_rows(caller.store_id, day, day))
    names = _names(caller)
    goods = _goods(caller, repo.product_days(caller.store_id, day, day).get(day, {}), _top(top))
    return {"kind": "day", "date": day, "timezone": tz, **figures,
            "cashiers": model.cashier_rows(engagement, counters, names),
            "chat_by_cs": model.chat_sales_by_cs(counters, names), **goods}


def month_report(caller: Caller, month: str | None, *, day_figures: bool = False, top: int | None = None) -> dict:
    """The month's figures are the sum of its days' counters; ``days`` lists every day of the month
    (zeros included) with its sales and the refunds done that day for the chart, and with all its
    figures when ``day_figures`` (the spreadsheet has a row per day)."""
    tz = staff_service.store_settings(caller.store_id).timezone
    month = model.validate_month(month) if month else local_month(get_clock().now(), tz)
    days = model.month_days(month)
    stored = repo.days_between(caller.store_id, days[0], days[-1])
    products = repo.product_days(caller.store_id, days[0], days[-1])
    counters = model.sum_counters(stored.values())
    figures = model.figures(counters)
    figures["shipments"]["waiting_awb_now"] = _waiting_awb_now(caller.store_id)
    engagement = _engagement(shoppers.cashier_rows(caller.store_id, days[0], days[-1]))
    names = _names(caller)
    goods = _goods(caller, model.sum_counters(products.values()), _top(top))
    with_costs = goods["costs_visible"]
    return {"kind": "month", "month": month, "timezone": tz, **figures,
            "cashiers": model.cashier_rows(engagement, counters, names),
            "chat_by_cs": model.chat_sales_by_cs(counters, names), **goods,
            "days": [_day_entry(d, stored.get(d, {}), products.get(d, {}), day_figures, with_costs) for d in days]}


def _day_entry(day: str, counters: dict[str, int], products: dict[str, int], with_figures: bool,
               with_costs: bool) -> dict:
    net, refunded = counters.get(model.NET, 0), counters.get(model.REFUNDED, 0)
    entry = {"date": day, "count": counters.get(model.SALES_COUNT, 0), "net": net, "refunded": refunded,
             "net_after_refunds": net - refunded}
    if with_figures:
        entry["figures"] = model.figures(counters)
        entry["figures"]["profit"] = model.gross_profit(model.product_rows(products), {}) if with_costs else None
    return entry


def _period(caller: Caller, kind: str, value: str | None) -> tuple[dict, list[str]]:
    """``({"kind", "date"|"month", "timezone"}, its days)`` of a day or month asked for (default: the
    store's current one)."""
    tz = staff_service.store_settings(caller.store_id).timezone
    now = get_clock().now()
    if kind == "month":
        month = model.validate_month(value) if value else local_month(now, tz)
        return {"kind": "month", "month": month, "timezone": tz}, model.month_days(month)
    day = model.validate_day(value) if value else local_day(now, tz)
    return {"kind": "day", "date": day, "timezone": tz}, [day]


def product_list(caller: Caller, kind: str, value: str | None) -> dict:
    """Every product sold or returned in the day or month, best first, with names (the spreadsheet)."""
    period, days = _period(caller, kind, value)
    products = repo.product_days(caller.store_id, days[0], days[-1])
    rows = model.product_rows(model.sum_counters(products.values()))
    names = _product_names(caller, [r["sku"] for r in rows])
    listed = model.top_products(rows, names, top=len(rows), with_costs=sees_costs(caller))
    return {**period, "products": listed["top"], "total": listed["total"], "costs_visible": sees_costs(caller)}


def order_list(caller: Caller, kind: str, value: str | None) -> dict:
    """One row per order created in the day or month (store time), oldest first: what the order
    export writes. Reads the orders of each day (the by-day index), their shoppers in batches and
    the store's staff once."""
    period, days = _period(caller, kind, value)
    orders = [o for d in days for o in reversed(sales.orders_of_day(caller.store_id, d))]
    people = shoppers.names_and_phones(caller.merchant_id, [o.shopper_id for o in orders if o.shopper_id])
    staff = _names(caller)
    return {**period, "orders": [_order_row(o, staff, people) for o in orders]}


def _order_row(order, staff: dict[str, str], people: dict[str, tuple[str, str]]) -> dict:
    if order.shopper_id:
        name, phone = people.get(order.shopper_id, ("", ""))
    else:
        customer = order.customer or {}
        name, phone = customer.get("name") or "", customer.get("phone") or ""
    total, refunded = int(order.total), int(order.refunded_amount or 0)
    return {"order_id": order.order_id, "order_no": order.order_no, "kind": order.kind, "status": order.status,
            "status_label": sales.status_label(order.status), "created_at": int(order.created_at),
            "completed_at": int(order.completed_at) if order.completed_at is not None else None,
            "staff_id": order.created_by, "staff_name": staff.get(order.created_by, order.created_by),
            "customer": name, "phone": display_phone(phone) if phone else "",
            "method": order.payment_method, "issuer": order.payment_issuer,
            "goods": int(order.subtotal) - int(order.discount or 0), "total": total, "refunded": refunded,
            "net": model.order_net(order.status, total, refunded)}


def report_pdf(caller: Caller, report: dict) -> bytes:
    from ..documents import render_report

    store = staff_service.get_store(caller)
    data = views.report_data(report, merchant_name=staff_service.merchant_name(store.merchant_id), store_name=store.name,
                             generated_at=get_clock().now())
    return render_report(data)


def filename(report: dict, extension: str, what: str = "laporan") -> str:
    period = report["date"] if report["kind"] == "day" else report["month"]
    return f"{what}-{period}.{extension}"
