"""The bank feeds' schedule: every minute, each SNAP BI account whose interval has passed is fetched
(the local stack's pump runs it every few seconds, so a 30 s interval holds there too)."""
from __future__ import annotations

from chalice import Blueprint, Rate

from ..core.lazy import lazy

feeds = lazy(".feeds", __package__)

bp = Blueprint(__name__)


@bp.schedule(Rate(1, unit=Rate.MINUTES), name="fetch_bank_statements")
def fetch_bank_statements(event):
    return feeds.run_due()
