"""Powertools Logger and Metrics, shared by every handler. Phone numbers are masked in logs."""
from __future__ import annotations

import os

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.logging.formatter import LambdaPowertoolsFormatter

from .phone import mask_phones_in_text


class MaskingFormatter(LambdaPowertoolsFormatter):
    """Masks anything that looks like an Indonesian mobile number in the final JSON line."""

    def serialize(self, log: dict) -> str:
        return mask_phones_in_text(super().serialize(log))


SERVICE = "sambung"
logger = Logger(service=SERVICE, logger_formatter=MaskingFormatter(),
                level=os.environ.get("POWERTOOLS_LOG_LEVEL", "INFO"))
metrics = Metrics(namespace="Sambung", service=SERVICE)


def request_metrics(event, get_response):
    """HTTP middleware: one EMF record per request (count, latency, and 4xx/5xx by kind), flushed
    before the response leaves, so CloudWatch has request rates and error rates without log parsing."""
    import time

    from aws_lambda_powertools.metrics import MetricUnit
    from aws_lambda_powertools.metrics.functions import is_metrics_disabled

    if is_metrics_disabled():
        # Disabled (the local stack, tests): Powertools would keep the values and never flush them,
        # and its one Metrics object is not meant for the local server's many threads.
        return get_response(event)
    start = time.perf_counter()
    response = get_response(event)
    metrics.add_metric(name="Requests", unit=MetricUnit.Count, value=1)
    metrics.add_metric(name="Latency", unit=MetricUnit.Milliseconds, value=round((time.perf_counter() - start) * 1000, 1))
    if response.status_code >= 500:
        metrics.add_metric(name="ServerErrors", unit=MetricUnit.Count, value=1)
    elif response.status_code >= 400:
        metrics.add_metric(name="ClientErrors", unit=MetricUnit.Count, value=1)
    metrics.flush_metrics()
    return response
