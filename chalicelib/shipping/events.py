"""Scheduled job of the shipping area: ask the courier for AWBs that webhooks have not brought."""
from __future__ import annotations

from chalice import Blueprint, Rate

from ..core.lazy import lazy

service = lazy(".service", __package__)

bp = Blueprint(__name__)


@bp.schedule(Rate(1, unit=Rate.MINUTES), name="poll_awbs")
def poll_awbs(event):
    return service.poll_missing_awbs()
