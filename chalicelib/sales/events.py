"""Scheduled jobs of the sales area."""
from __future__ import annotations

from chalice import Blueprint, Rate

from ..core.lazy import lazy

service = lazy(".service", __package__)

bp = Blueprint(__name__)


@bp.schedule(Rate(1, unit=Rate.MINUTES), name="sweep_payments")
def sweep_payments(event):
    return service.sweep_payments()
