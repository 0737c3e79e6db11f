"""Local development only: the messages the dev provider "sent", for people and browser tests to read."""
from __future__ import annotations

import os

from ..core.web import Api, int_param
from .providers.dev import read_messages

dev_bp = Api(__name__)

_DEV_STAGES = ("dev", "test", "local")


def dev_blueprints() -> tuple[Api, ...]:
    """``(dev_bp,)`` when the dev provider is on in a development stage, else nothing.

    The stage check matters: the listing is public and holds activation links, so a deployed stage
    never serves it even if the provider variable were set there by mistake.
    """
    enabled = os.environ.get("SAMBUNG_MESSAGES_PROVIDER") == "dev" and os.environ.get("SAMBUNG_STAGE", "dev") in _DEV_STAGES
    return (dev_bp,) if enabled else ()


@dev_bp.endpoint("/dev/messages", ["GET"], public=True)
def dev_messages(_):
    return {"messages": read_messages(limit=int_param(dev_bp.current_request, "limit", 100, maximum=500))}
