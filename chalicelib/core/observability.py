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
