"""Day and month reports as JSON, CSV and PDF; the products and the orders of a day or month as
CSV. PDFs are binary: the client sends ``Accept: application/pdf`` (or ``*/*``) so API Gateway
returns the bytes unencoded. Every CSV is written for Excel set to Indonesian (``;``, a BOM)."""
from __future__ import annotations

from chalice import Response

from ..core.clock import get_clock
from ..core.lazy import lazy
from ..core.web import CS, Api, int_param, query_param

service = lazy(".service", __package__)
views = lazy(".views", __package__)

bp = Api(__name__)
READERS = (CS,)  # CS staff read the end-of-day and end-of-month reports; admins always may


CSV = "text/csv; charset=utf-8"


def _top():
    return int_param(bp.current_request, "top", service.model.TOP_PRODUCTS, maximum=service.model.MAX_TOP_PRODUCTS)


def _download(body: bytes | str, content_type: str, name: str) -> Response:
    return Response(body=body, status_code=200, headers={
        "Content-Type": content_type, "Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"})


@bp.endpoint("/reports/day", ["GET"], roles=READERS)
def day(caller):
    return service.day_report(caller, query_param(bp.current_request, "date"), top=_top())


@bp.endpoint("/reports/day.csv", ["GET"], roles=READERS)
def day_csv(caller):
    report = service.day_report(caller, query_param(bp.current_request, "date"))
    return _download(views.day_csv(report), CSV, service.filename(report, "csv"))


@bp.endpoint("/reports/day.pdf", ["GET"], roles=READERS)
def day_pdf(caller):
    report = service.day_report(caller, query_param(bp.current_request, "date"), top=_top())
    return _download(service.report_pdf(caller, report), "application/pdf", service.filename(report, "pdf"))


@bp.endpoint("/reports/month", ["GET"], roles=READERS)
def month(caller):
    return service.month_report(caller, query_param(bp.current_request, "month"), top=_top())


@bp.endpoint("/reports/month.csv", ["GET"], roles=READERS)
def month_csv(caller):
    report = service.month_report(caller, query_param(bp.current_request, "month"), day_figures=True)
    return _download(views.month_csv(report), CSV, service.filename(report, "csv"))


@bp.endpoint("/reports/month.pdf", ["GET"], roles=READERS)
def month_pdf(caller):
    report = service.month_report(caller, query_param(bp.current_request, "month"), top=_top())
    return _download(service.report_pdf(caller, report), "application/pdf", service.filename(report, "pdf"))


@bp.endpoint("/reports/day/products.csv", ["GET"], roles=READERS)
def day_products_csv(caller):
    listing = service.product_list(caller, "day", query_param(bp.current_request, "date"))
    return _download(views.products_csv(listing), CSV, service.filename(listing, "csv", "produk"))


@bp.endpoint("/reports/month/products.csv", ["GET"], roles=READERS)
def month_products_csv(caller):
    listing = service.product_list(caller, "month", query_param(bp.current_request, "month"))
    return _download(views.products_csv(listing), CSV, service.filename(listing, "csv", "produk"))


@bp.endpoint("/reports/day/orders.csv", ["GET"], roles=READERS)
def day_orders_csv(caller):
    listing = service.order_list(caller, "day", query_param(bp.current_request, "date"))
    return _download(views.orders_csv(listing, generated_at=get_clock().now()), CSV,
                     service.filename(listing, "csv", "pesanan"))


@bp.endpoint("/reports/month/orders.csv", ["GET"], roles=READERS)
def month_orders_csv(caller):
    listing = service.order_list(caller, "month", query_param(bp.current_request, "month"))
    return _download(views.orders_csv(listing, generated_at=get_clock().now()), CSV,
                     service.filename(listing, "csv", "pesanan"))
