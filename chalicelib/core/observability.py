"""Powertools Logger and Metrics, shared by every handler. Phone numbers are masked in logs."""
from __future__ import annotations

import os
import re

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.logging.formatter import LambdaPowertoolsFormatter

from .phone import mask_phone

_SEP = r"[\s.\-()]"  # what people put between the digits: spaces, dashes, dots, parentheses
# An Indonesian mobile number however it is typed: +62 812 3456 7890, +62-812-3456-7890,
# (0812) 3456-7890, 0812.3456.7890, 62812..., +62 (0)812..., +6281234567890: the country code or
# the trunk 0, then 8 and 8-11 more digits, each group apart by at most two separators. It must not
# continue a number (a timestamp, an amount) nor be followed by another digit.
_MOBILE = re.compile(rf"""
    (?<![\d+])
    (?:\+{_SEP}?|\((?=\+?\d))?
    (?:62{_SEP}{{0,3}}0?|0)
    {_SEP}{{0,2}}
    8(?:{_SEP}{{0,2}}\d){{8,11}}
    (?!\d)
""", re.VERBOSE)
_INTERNATIONAL = re.compile(r"(?<![\d+])\+[1-9](?:[\s.\-]?\d){7,14}(?!\d)")  # other countries' numbers


def _mask_mobile(match: re.Match) -> str:
    digits = re.sub(r"\D", "", match.group(0))
    national = digits[2:] if digits.startswith("62") else digits
    return mask_phone("+62" + national.lstrip("0"))


def _mask_international(match: re.Match) -> str:
    return mask_phone("+" + re.sub(r"\D", "", match.group(0)))


def mask_phones(text: str) -> str:
    """Masks every phone number in free text: ``(0812) 3456-7890`` -> ``+62812*****890``."""
    return _INTERNATIONAL.sub(_mask_international, _MOBILE.sub(_mask_mobile, text))


class MaskingFormatter(LambdaPowertoolsFormatter):
    """Masks anything that looks like a phone number in the final JSON line."""

    def serialize(self, log: dict) -> str:
        return mask_phones(super().serialize(log))


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
