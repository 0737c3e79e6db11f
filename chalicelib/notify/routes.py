"""Local development only: the messages the dev provider "sent", for people and browser tests to read."""
from __future__ import annotations

import os

from ..core.web import Api, int_param
from .providers import dev

dev_bp = Api(__name__)


def dev_blueprints() -> tuple[Api, ...]:
    """``(dev_bp,)`` when the dev provider is on in a development stage, else nothing.

    The stage check matters: the listing is public and holds activation links, so a deployed stage
    never serves it even if the provider variable were set there by mistake.
    """
    return (dev_bp,) if os.environ.get("SAMBUNG_MESSAGES_PROVIDER") == "dev" and dev.allowed() else ()


@dev_bp.endpoint("/dev/messages", ["GET"], public=True)
def dev_messages(_):
    return {"messages": dev.read_messages(limit=int_param(dev_bp.current_request, "limit", 100, maximum=500))}
