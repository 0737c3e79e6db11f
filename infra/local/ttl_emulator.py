"""DynamoDB TTL for the local stack.

moto stores a table's TTL setting and never deletes anything, and its stream REMOVE records carry no
``userIdentity`` (shared/reference/serverless.md §4). This emulator does what the TTL service does:
every few seconds it deletes the items whose TTL attribute has passed (each delete conditional on
the attribute still being due, so an item whose TTL was pushed back meanwhile survives) and hands
the stream handler registered for that table a batch of ``REMOVE`` records shaped like AWS's:
``userIdentity`` of the DynamoDB service, ``OldImage``, ``SequenceNumber``, ``SizeBytes``,
``StreamViewType``, ``ApproximateCreationDateTime``, ``eventSourceARN``. Records the handler reports
in ``batchItemFailures`` are delivered again on the next pass, from the first failed one on, as
Lambda does for a stream with ReportBatchItemFailures.

Only tables where a TTL delete changes behaviour are emulated: the holds table, whose stream
handler releases a hold that TTL deleted before the sweeper saw it. Elsewhere TTL is garbage
collection that nothing depends on (every read checks expiry itself), so those tables are left
alone and the serialised moto stays free for the API.

``POST /local/ttl?ahead=<seconds>`` on the local stack runs one pass as if the TTL service's clock
were that far ahead, so a person or an end-to-end test can watch an expired hold being deleted and
released without waiting hours for its TTL.
"""
from __future__ import annotations

import itertools
import json
import threading
import uuid
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

TTL_IDENTITY = {"type": "Service", "principalId": "dynamodb.amazonaws.com"}


@dataclass
class _Target:
    table: str
    ttl_attribute: str
    keys: list[str]
    view_type: str
    stream_arn: str
    handler_name: str
    handler: object
    pending: list[dict] = field(default_factory=list)  # records to deliver again


def _table_of(stream_arn: str) -> str:
    # arn:aws:dynamodb:<region>:<account>:table/<name>/stream/<label>
    return stream_arn.split(":table/", 1)[-1].split("/stream/", 1)[0]


class TtlEmulator:
    ROUTE = "/local/ttl"

    def __init__(self, app, models=None, client=None):
        import boto3
        from chalice.app import DynamoDBEventConfig

        from chalicelib.core.settings import get_settings
        from chalicelib.inventory.repo import HoldRecord
        from infra.local.pump import resolve_handler

        s = get_settings()
        self._client = client or boto3.client("dynamodb", region_name=s.region, endpoint_url=s.endpoint_url)
        self._region = s.region
        handlers = {_table_of(src.stream_arn): src for src in app.event_sources if isinstance(src, DynamoDBEventConfig)}
        self._targets: list[_Target] = []
        for model in models or [HoldRecord]:
            name, source = model.Meta.table_name, handlers.get(model.Meta.table_name)
            if source is None or not model.Meta.ttl_attribute:
                raise ValueError(f"{name}: no TTL attribute or no stream handler registered for it")
            desc = self._client.describe_table(TableName=name)["Table"]
            self._targets.append(_Target(
                table=name, ttl_attribute=model.Meta.ttl_attribute,
                keys=[k["AttributeName"] for k in desc["KeySchema"]],
                view_type=desc["StreamSpecification"]["StreamViewType"], stream_arn=desc["LatestStreamArn"],
                handler_name=source.name, handler=resolve_handler(source.handler_string)))
        self._sequence = itertools.count(10**20)  # stream sequence numbers: increasing digit strings
        self._lock = threading.Lock()

    def tick(self, ahead_seconds: int = 0) -> dict:
        """One pass: delete what is due, deliver the REMOVE records (and earlier failures)."""
        from chalicelib.core.clock import get_clock

        now = get_clock().now_s() + ahead_seconds
        report = {"deleted": 0, "delivered": 0, "failed": 0, "results": []}
        with self._lock:
            for target in self._targets:
                fresh = [self._remove_record(target, old, now) for old in self._expire(target, now)]
                report["deleted"] += len(fresh)
                records = target.pending + fresh
                if records:
                    target.pending = records  # until the handler answers, like an unacknowledged batch
                    target.pending = self._deliver(target, records, report)
        return report

    def _expire(self, target: _Target, now: int) -> list[dict]:
        """Delete the due items; return their old images (DynamoDB JSON)."""
        names = {"#ttl": target.ttl_attribute}
        due = {":now": {"N": str(now)}}
        old_images = []
        scan = self._client.get_paginator("scan").paginate(
            TableName=target.table, FilterExpression="#ttl <= :now", ExpressionAttributeNames=names,
            ExpressionAttributeValues=due, ConsistentRead=True)
        for page in scan:
            for item in page["Items"]:
                try:
                    resp = self._client.delete_item(
                        TableName=target.table, Key={k: item[k] for k in target.keys},
                        ConditionExpression="#ttl <= :now", ExpressionAttributeNames=names,
                        ExpressionAttributeValues=due, ReturnValues="ALL_OLD")
                except self._client.exceptions.ConditionalCheckFailedException:
                    continue  # its TTL moved (or it is gone) since the scan
                if resp.get("Attributes"):
                    old_images.append(resp["Attributes"])
        return old_images

    def _remove_record(self, target: _Target, old: dict, now: int) -> dict:
        """A DynamoDB Streams record of a TTL delete, as Lambda receives it."""
        body = {"ApproximateCreationDateTime": now, "Keys": {k: old[k] for k in target.keys},
                "SequenceNumber": str(next(self._sequence)), "StreamViewType": target.view_type}
        if target.view_type in ("OLD_IMAGE", "NEW_AND_OLD_IMAGES"):
            body["OldImage"] = old
        body["SizeBytes"] = len(json.dumps({k: body[k] for k in ("Keys", "OldImage") if k in body}))
        return {"eventID": uuid.uuid4().hex, "eventName": "REMOVE", "eventVersion": "1.1", "eventSource": "aws:dynamodb",
                "awsRegion": self._region, "dynamodb": body, "userIdentity": dict(TTL_IDENTITY),
                "eventSourceARN": target.stream_arn}

    def _deliver(self, target: _Target, records: list[dict], report: dict) -> list[dict]:
        """Invoke the handler; return the records to deliver again."""
        from infra.local.pump import FakeLambdaContext

        response = target.handler({"Records": records}, FakeLambdaContext(target.handler_name)) or {}
        failed = {f["itemIdentifier"] for f in response.get("batchItemFailures", [])}
        report["results"].append({"table": target.table, "records": len(records), "failed": sorted(failed)})
        if not failed:
            report["delivered"] += len(records)
            return []
        first = next(i for i, r in enumerate(records) if r["dynamodb"]["SequenceNumber"] in failed)
        report["delivered"] += first
        report["failed"] += len(records) - first
        return records[first:]

    def http_run(self, handler) -> None:
        """``POST /local/ttl?ahead=<seconds>``: one pass now, answered with what it did."""
        if handler.command != "POST":
            return handler._send(405, {"Content-Type": "text/plain"}, b"POST only")
        query = parse_qs(urlsplit(handler.path).query)
        try:
            ahead = int(query.get("ahead", ["0"])[0])
        except ValueError:
            return handler._send(400, {"Content-Type": "text/plain"}, b"ahead must be whole seconds")
        try:
            status, report = 200, self.tick(ahead)
        except Exception as exc:  # noqa: BLE001 - the batch stays pending; say why instead of dropping the connection
            status, report = 500, {"error": f"{exc.__class__.__name__}: {exc}"}
        handler._send(status, {"Content-Type": "application/json"}, json.dumps(report).encode())
