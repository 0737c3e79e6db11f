"""In AWS, effects are delivered as soon as the outbox item is written: the outbox table's stream
invokes this handler (the minute schedule only retries). Locally the event pump does the same."""
from __future__ import annotations

import os

from chalice import Blueprint

from . import outbox
from .settings import get_settings

bp = Blueprint(__name__)

# The CDK stack sets the real ARN before packaging; outside AWS any well-formed ARN will do.
STREAM_ARN = os.environ.get(
    "SAMBUNG_OUTBOX_STREAM_ARN",
    f"arn:aws:dynamodb:{get_settings().region}:000000000000:table/{outbox.OutboxItem.Meta.table_name}/stream/local")


def _deliver(record) -> None:
    if record.event_name and record.event_name.value == "INSERT":
        outbox.process_one(record.dynamodb.keys["effect_id"])


@bp.on_dynamodb_record(stream_arn=STREAM_ARN, batch_size=25, starting_position="LATEST", name="outbox_stream")
def deliver_new_effects(event):
    from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response

    raw = event.to_dict()
    if not raw.get("Records"):
        return {"batchItemFailures": []}
    # Partial failures: Lambda retries only the records that failed (ReportBatchItemFailures is set in CDK).
    return process_partial_response(event=raw, record_handler=_deliver, processor=BatchProcessor(EventType.DynamoDBStreams),
                                    context=event.context)
