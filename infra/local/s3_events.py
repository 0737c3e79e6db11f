"""S3 ObjectCreated notifications for the local stack.

moto's S3 notifications reach Lambda only through Docker and swallow the failure silently
(shared/reference/serverless.md §4), so the event pump plays the notification: every tick it lists
the objects under ``statements/``, and for each object version (key + ETag) it has not delivered
yet it calls the very handler AWS would invoke (the ``import_statement`` Lambda registered on the
Chalice app) with an event shaped exactly like S3's: ``eventVersion`` 2.1, ``eventSource``
``aws:s3``, ``ObjectCreated:Put``, bucket name and ARN, and the object's ``quote_plus``-encoded key,
size, ETag and sequencer.

A delivery that raises is tried again on the next ticks, at most :data:`MAX_ATTEMPTS` times, as
Lambda retries an asynchronous invocation twice.
"""
from __future__ import annotations

import itertools
import threading
import traceback
import uuid
from datetime import datetime, timezone
from urllib.parse import quote_plus

MAX_ATTEMPTS = 3
FUNCTION_NAME = "import_statement"
PREFIX = "statements/"


def object_created_event(*, bucket: str, key: str, size: int, etag: str, sequencer: str, region: str,
                         event_time: datetime | None = None) -> dict:
    """One S3 ``ObjectCreated:Put`` notification record, as AWS delivers it to Lambda."""
    at = (event_time or datetime.now(timezone.utc)).astimezone(timezone.utc)
    return {"Records": [{
        "eventVersion": "2.1",
        "eventSource": "aws:s3",
        "awsRegion": region,
        "eventTime": at.strftime("%Y-%m-%dT%H:%M:%S.") + f"{at.microsecond // 1000:03d}Z",
        "eventName": "ObjectCreated:Put",
        "userIdentity": {"principalId": "AWS:LOCALSTACKUSER"},
        "requestParameters": {"sourceIPAddress": "127.0.0.1"},
        "responseElements": {"x-amz-request-id": uuid.uuid4().hex[:16].upper(),
                             "x-amz-id-2": uuid.uuid4().hex},
        "s3": {
            "s3SchemaVersion": "1.0",
            "configurationId": "import-statement",
            "bucket": {"name": bucket, "ownerIdentity": {"principalId": "LOCAL"}, "arn": f"arn:aws:s3:::{bucket}"},
            "object": {"key": quote_plus(key), "size": size, "eTag": etag.strip('"'), "sequencer": sequencer},
        },
    }]}


def import_handler(app):
    """The function AWS invokes for new statement objects (the same object the CDK stack deploys)."""
    from infra.local.pump import resolve_handler

    for fn in app.pure_lambda_functions:
        if fn.name == FUNCTION_NAME:
            return resolve_handler(fn.handler_string)
    raise LookupError(f"no lambda_function named {FUNCTION_NAME} on the app")


class StatementObjectFeeder:
    """Delivers each new object version under ``statements/`` to the import handler once."""

    def __init__(self, app, client=None):
        from chalicelib.core.settings import get_settings
        from chalicelib.core.storage import s3

        s = get_settings()
        self._client = client or s3()
        self._bucket, self._region = s.bucket, s.region
        self._handler = import_handler(app)
        self._delivered: set[tuple[str, str]] = set()
        self._attempts: dict[tuple[str, str], int] = {}
        self._sequence = itertools.count(1)
        self._lock = threading.Lock()
        self.errors: list[str] = []

    def tick(self) -> int:
        """One pass over the prefix; returns how many objects were delivered."""
        from infra.local.pump import FakeLambdaContext

        delivered = 0
        with self._lock:
            for obj in self._new_objects():
                version = (obj["Key"], obj["ETag"].strip('"'))
                event = object_created_event(bucket=self._bucket, key=obj["Key"], size=int(obj["Size"]), etag=version[1],
                                             sequencer=f"{next(self._sequence):016X}", region=self._region,
                                             event_time=obj["LastModified"])
                try:
                    self._handler(event, FakeLambdaContext(FUNCTION_NAME))
                except Exception:  # noqa: BLE001 - Lambda would retry an async invocation; so do we
                    self._attempts[version] = self._attempts.get(version, 0) + 1
                    self.errors.append(traceback.format_exc(limit=3))
                    if self._attempts[version] < MAX_ATTEMPTS:
                        continue
                self._delivered.add(version)
                delivered += 1
        return delivered

    def _new_objects(self) -> list[dict]:
        found = []
        for page in self._client.get_paginator("list_objects_v2").paginate(Bucket=self._bucket, Prefix=PREFIX):
            for obj in page.get("Contents", []):
                if (obj["Key"], obj["ETag"].strip('"')) not in self._delivered:
                    found.append(obj)
        return sorted(found, key=lambda o: o["LastModified"])
