"""The report's figures computed the slow way, from the orders themselves (the by_store_day index)
and their refunds, to check that the counters kept in the completion and refund transactions agree
with what was sold and what went back."""
from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

from chalicelib.core.clock import day_bounds, local_datetime
from chalicelib.sales.repo import OrderRecord, RefundRecord

TZ = "Asia/Jakarta"


def _orders_of(store_id: str, day: str) -> list[OrderRecord]:
    return list(OrderRecord.by_store_day.query(f"{store_id}#{day}"))


def completed_on(store_id: str, day: str) -> list[OrderRecord]:
    """Orders completed on ``day`` (store time), including sales voided since (a void is counted
    on its own line, the sale stays a sale of its day). A sale is created at most a day before it
    completes in these tests (QRIS within minutes, book orders within their 2-hour deadline)."""
    start, end = day_bounds(day, TZ)
    before = (date.fromisoformat(day) - timedelta(days=1)).isoformat()
    return [o for d in (before, day) for o in _orders_of(store_id, d)
            if o.status in ("COMPLETED", "VOIDED") and start <= int(o.completed_at) < end]


def sales_figures(store_id: str, day: str, first_purchase_at: dict[str, int]) -> dict:
    """``first_purchase_at``: each shopper's first completion (the tests know every order)."""
    orders = completed_on(store_id, day)
    by_method, by_method_count, by_issuer, by_hour = Counter(), Counter(), Counter(), Counter()
    for o in orders:
        by_method[o.payment_method] += int(o.total)
        by_method_count[o.payment_method] += 1
        if o.payment_method == "QRIS":
            by_issuer[(o.payment_issuer or "lainnya").lower()] += int(o.total)
        by_hour[local_datetime(int(o.completed_at), TZ).hour] += int(o.subtotal) - int(o.discount)
    linked = [o for o in orders if o.shopper_id]
    return {
        "count": len(orders), "gross": sum(int(o.subtotal) for o in orders),
        "discounts": sum(int(o.discount) for o in orders),
        "net": sum(int(o.subtotal) - int(o.discount) for o in orders), "collected": sum(int(o.total) for o in orders),
        "by_method": dict(by_method), "by_method_count": dict(by_method_count), "by_issuer": dict(by_issuer),
        "by_hour": dict(by_hour),
        "store_net": sum(int(o.subtotal) - int(o.discount) for o in orders if o.kind == "STORE_SALE"),
        "chat_net": sum(int(o.subtotal) - int(o.discount) for o in orders if o.kind == "BOOK_ORDER"),
        "linked": len(linked),
        "repeat": sum(1 for o in linked if first_purchase_at[o.shopper_id] < int(o.completed_at)),
        "by_seller": dict(Counter(o.created_by for o in orders if o.kind == "STORE_SALE")),
    }


def as_reported(report: dict) -> dict:
    """The same shape, read from ``GET /reports/day``."""
    s, o = report["sales"], report["o2o"]
    return {
        "count": s["count"], "gross": s["gross"], "discounts": s["discounts"], "net": s["net"], "collected": s["collected"],
        "by_method": {m["method"]: m["amount"] for m in s["by_method"]},
        "by_method_count": {m["method"]: m["count"] for m in s["by_method"]},
        "by_issuer": {i["issuer"]: i["amount"] for i in s["by_issuer"]},
        "by_hour": {h["hour"]: h["net"] for h in s["by_hour"] if h["count"]},
        "store_net": o["gmv_store"], "chat_net": o["gmv_chat"], "linked": o["linked"], "repeat": o["repeat"],
        "by_seller": {c["staff_id"]: c["sales_count"] for c in report["cashiers"] if c["sales_count"]},
    }


def refunds_done_on(store_id: str, day: str) -> list[RefundRecord]:
    """Refunds and voids of sales whose money went back on ``day`` (store time), whatever day the
    sale was: every refund document of the store (a scan: the slow way on purpose). A payment that
    never became a sale (the order ends REFUNDED) was never counted as a sale, so not as a refund."""
    start, end = day_bounds(day, TZ)
    return [r for r in RefundRecord.scan() if r.store_id == store_id and r.status == "DONE"
            and start <= int(r.done_at) < end and OrderRecord.get(r.order_id).status != "REFUNDED"]


def refund_figures(store_id: str, day: str) -> dict:
    refunds = refunds_done_on(store_id, day)
    by_tender, by_tender_count, by_staff = Counter(), Counter(), Counter()
    for r in refunds:
        by_tender[r.tender] += int(r.amount)
        by_tender_count[r.tender] += 1
        by_staff[r.requested_by] += int(r.amount)
    voids = [r for r in refunds if r.kind == "VOID"]
    return {"count": len(refunds), "amount": sum(int(r.amount) for r in refunds), "voids": len(voids),
            "voided": sum(int(r.amount) for r in voids), "by_tender": dict(by_tender),
            "by_tender_count": dict(by_tender_count), "by_staff": dict(by_staff)}


def refunds_as_reported(report: dict) -> dict:
    r = report["refunds"]
    return {"count": r["count"], "amount": r["amount"], "voids": r["voids"]["count"], "voided": r["voids"]["amount"],
            "by_tender": {t["method"]: t["amount"] for t in r["by_tender"]},
            "by_tender_count": {t["method"]: t["count"] for t in r["by_tender"]},
            "by_staff": {c["staff_id"]: c["refunded"] for c in report["cashiers"] if c["refunds_count"]}}
