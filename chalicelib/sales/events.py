"""Scheduled jobs of the sales area."""
from __future__ import annotations

from chalice import Blueprint, Rate

from ..core.lazy import lazy

service = lazy(".service", __package__)

bp = Blueprint(__name__)


refunds = lazy(".refunds", __package__)


@bp.schedule(Rate(1, unit=Rate.MINUTES), name="sweep_payments")
def sweep_payments(event):
    """Payments and refunds that wait for the gateway past their due time."""
    return {"payments": service.sweep_payments(), "refunds": refunds.sweep()}
