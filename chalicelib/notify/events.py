"""Scheduled outbox worker: delivers every due effect (messages and any other registered kind)."""
from __future__ import annotations

from chalice import Rate

from ..core import outbox
from ..core.observability import logger
from ..core.web import Api

bp = Api(__name__)


@bp.schedule(Rate(1, unit=Rate.MINUTES))
def outbox_worker(event):
    counts = outbox.process_due()
    if counts["FAILED"] or counts["PENDING"]:
        logger.warning("outbox deliveries not done", extra=counts)
    return counts
