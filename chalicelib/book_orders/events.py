"""Hold expiry: the sweeper every minute, and the DynamoDB stream handler for TTL deletes.

The stream ARN is a decorator argument, so it is read at import: the CDK stack sets
``SAMBUNG_HOLDS_STREAM_ARN`` to the holds table's stream before it packages the app. Anywhere
else (tests, and the local stack, whose TTL emulator calls this handler itself) any well-formed
ARN will do: nothing subscribes to it.
"""
from __future__ import annotations

import os

from chalice import Blueprint, Rate

from ..core.lazy import lazy
from ..core.settings import get_settings

holds = lazy(".holds", __package__)

HOLDS_STREAM_ARN = os.environ.get(
    "SAMBUNG_HOLDS_STREAM_ARN",
    f"arn:aws:dynamodb:{get_settings().region}:000000000000:table/{get_settings().table_name('holds')}/stream/local")

bp = Blueprint(__name__)


@bp.schedule(Rate(1, unit=Rate.MINUTES), name="sweep_holds")
def sweep_holds(event):
    return holds.sweep()


@bp.on_dynamodb_record(stream_arn=HOLDS_STREAM_ARN, batch_size=100, starting_position="TRIM_HORIZON",
                       name="hold_ttl_removals")
def hold_ttl_removals(event):
    return holds.handle_ttl_removals(event.to_dict(), event.context)
