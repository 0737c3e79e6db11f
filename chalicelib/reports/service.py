"""Day and month reports of a store, from counters only.

A day is one GetItem on the store's day item plus one Query of the shoppers area's cashier rows for
that day; a month is one Query of its day items and one Query of its cashier rows. Nothing reads
orders, so the cost of a report does not grow with the number of sales.
"""
from __future__ import annotations

from ..core.clock import get_clock, local_day, local_month
from ..core.web import Caller
from ..shoppers import service as shoppers
from ..staff import service as staff_service
from . import model, repo, views


def _engagement(rows) -> list[model.CashierEngagement]:
    return [model.CashierEngagement(staff_id=r.staff_id, transactions=int(r.transactions or 0), linked=int(r.linked or 0),
                                    skipped=int(r.skipped or 0), registered=int(r.registered or 0)) for r in rows]


def _names(caller: Caller) -> dict[str, str]:
    return {s["staff_id"]: s["name"] for s in staff_service.list_staff(caller)}


def _waiting_awb_now(store_id: str) -> int:
    return repo.day_counters(store_id, repo.LIVE).get(model.WAITING_AWB, 0)


def day_report(caller: Caller, day: str | None) -> dict:
    tz = staff_service.store_settings(caller.store_id).timezone
    day = model.validate_day(day) if day else local_day(get_clock().now(), tz)
    counters = repo.day_counters(caller.store_id, day)
    figures = model.figures(counters)
    figures["shipments"]["waiting_awb_now"] = _waiting_awb_now(caller.store_id)
    engagement = _engagement(shoppers.cashier_rows(caller.store_id, day, day))
    return {"kind": "day", "date": day, "timezone": tz, **figures,
            "cashiers": model.cashier_rows(engagement, counters, _names(caller))}


def month_report(caller: Caller, month: str | None, *, day_figures: bool = False) -> dict:
    """The month's figures are the sum of its days' counters; ``days`` lists every day of the month
    (zeros included) with its sales and the refunds done that day for the chart, and with all its
    figures when ``day_figures`` (the spreadsheet has a row per day)."""
    tz = staff_service.store_settings(caller.store_id).timezone
    month = model.validate_month(month) if month else local_month(get_clock().now(), tz)
    days = model.month_days(month)
    stored = repo.days_between(caller.store_id, days[0], days[-1])
    counters = model.sum_counters(stored.values())
    figures = model.figures(counters)
    figures["shipments"]["waiting_awb_now"] = _waiting_awb_now(caller.store_id)
    engagement = _engagement(shoppers.cashier_rows(caller.store_id, days[0], days[-1]))
    return {"kind": "month", "month": month, "timezone": tz, **figures,
            "cashiers": model.cashier_rows(engagement, counters, _names(caller)),
            "days": [_day_entry(d, stored.get(d, {}), day_figures) for d in days]}


def _day_entry(day: str, counters: dict[str, int], with_figures: bool) -> dict:
    net, refunded = counters.get(model.NET, 0), counters.get(model.REFUNDED, 0)
    entry = {"date": day, "count": counters.get(model.SALES_COUNT, 0), "net": net, "refunded": refunded,
             "net_after_refunds": net - refunded}
    if with_figures:
        entry["figures"] = model.figures(counters)
    return entry


def report_pdf(caller: Caller, report: dict) -> bytes:
    from ..documents import render_report

    store = staff_service.get_store(caller)
    data = views.report_data(report, merchant_name=staff_service.merchant_name(store.merchant_id), store_name=store.name,
                             generated_at=get_clock().now())
    return render_report(data)


def filename(report: dict, extension: str) -> str:
    period = report["date"] if report["kind"] == "day" else report["month"]
    return f"laporan-{period}.{extension}"
