"""Scheduled jobs of the sales area."""
from __future__ import annotations

from chalice import Blueprint, Rate

from . import service

bp = Blueprint(__name__)


@bp.schedule(Rate(1, unit=Rate.MINUTES), name="sweep_payments")
def sweep_payments(event):
    return service.sweep_payments()
