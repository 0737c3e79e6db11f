"""Day and month reports as JSON, CSV and PDF. PDFs are binary: the client sends
``Accept: application/pdf`` (or ``*/*``) so API Gateway returns the bytes unencoded."""
from __future__ import annotations

from chalice import Response

from ..core.lazy import lazy
from ..core.web import CS, Api, query_param

service = lazy(".service", __package__)
views = lazy(".views", __package__)

bp = Api(__name__)
READERS = (CS,)  # CS staff read the end-of-day and end-of-month reports; admins always may


def _download(body: bytes | str, content_type: str, name: str) -> Response:
    return Response(body=body, status_code=200, headers={
        "Content-Type": content_type, "Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"})


@bp.endpoint("/reports/day", ["GET"], roles=READERS)
def day(caller):
    return service.day_report(caller, query_param(bp.current_request, "date"))


@bp.endpoint("/reports/day.csv", ["GET"], roles=READERS)
def day_csv(caller):
    report = service.day_report(caller, query_param(bp.current_request, "date"))
    return _download(views.day_csv(report), "text/csv; charset=utf-8", service.filename(report, "csv"))


@bp.endpoint("/reports/day.pdf", ["GET"], roles=READERS)
def day_pdf(caller):
    report = service.day_report(caller, query_param(bp.current_request, "date"))
    return _download(service.report_pdf(caller, report), "application/pdf", service.filename(report, "pdf"))


@bp.endpoint("/reports/month", ["GET"], roles=READERS)
def month(caller):
    return service.month_report(caller, query_param(bp.current_request, "month"))


@bp.endpoint("/reports/month.csv", ["GET"], roles=READERS)
def month_csv(caller):
    report = service.month_report(caller, query_param(bp.current_request, "month"), day_figures=True)
    return _download(views.month_csv(report), "text/csv; charset=utf-8", service.filename(report, "csv"))


@bp.endpoint("/reports/month.pdf", ["GET"], roles=READERS)
def month_pdf(caller):
    report = service.month_report(caller, query_param(bp.current_request, "month"))
    return _download(service.report_pdf(caller, report), "application/pdf", service.filename(report, "pdf"))
