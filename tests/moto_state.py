"""What the in-process moto server holds, copied and put back between tests.

The suites' moto server (:class:`infra.local.moto_gate.MotoGate`) runs in the test process, so a
test's starting state does not have to be rebuilt through the AWS API (reset, some forty
``CreateTable`` calls, the bucket, then a seed of hundreds of writes). Instead it is built once per
session and kept as a :class:`Snapshot`; every test gets a fresh copy of it in milliseconds.

A snapshot holds everything the suites' AWS services keep:

* DynamoDB: the tables with their items, indexes, TTL settings and stream records (deep copies of
  moto's ``Table`` objects);
* S3: every bucket with its region and every object with its body, content type and metadata
  (not bucket configuration such as CORS or versioning, which only the local stack sets).

Restoring first resets every moto backend, exactly like ``POST /moto-api/reset``, so state of any
other service (SSM parameters, queues, ...) never leaks from one test into the next. Capturing
refuses state of a service it cannot copy, so a seed that starts writing elsewhere fails loudly
instead of being silently lost between tests.
"""
from __future__ import annotations

import copy
import time
from dataclasses import dataclass, field
from typing import Any, Callable

# Services whose state a snapshot copies. moto instantiates a service's backend on its first request,
# so any other service in use at capture time holds state that a snapshot would lose; moto's own IAM
# and STS backends are instantiated by its request signing checks and hold nothing of ours.
COPIED = {"dynamodb", "s3"}
BOOKKEEPING = {"iam", "sts"}

# Snapshots seeded on the wall clock are taken again after this long: the seed's pairing codes last
# ten minutes (staff.model.PAIRING_SECONDS) and must still work in a test that runs late in a session.
WALL_CLOCK_MAX_AGE = 5 * 60


@dataclass(frozen=True)
class S3Object:
    bucket: str
    key: str
    body: bytes
    content_type: str | None
    metadata: dict


@dataclass(frozen=True)
class Snapshot:
    tables: dict                       # moto Table objects by name (never handed out: restore copies them)
    buckets: dict[str, str]            # bucket -> region
    objects: tuple[S3Object, ...] = ()

    @property
    def items(self) -> int:
        return sum(len(t) for t in self.tables.values())


@dataclass
class _Seeded:
    result: Any
    snapshot: Snapshot
    taken_at: float = field(default_factory=time.monotonic)


class MotoState:
    """Snapshots of one in-process moto server: ``capture()``, ``restore(snapshot)`` and
    ``seeded(name, make, at=...)`` (a seed made once per name and clock, then restored)."""

    def __init__(self, gate):
        self.gate = gate
        # The gate serves one request at a time under this lock; holding it while moto's backends
        # are swapped means no request (a straggling webhook, a simulator retry) sees half of it.
        app = getattr(getattr(gate, "_server", None), "app", None)
        self._lock = getattr(app, "_lock", None)
        if self._lock is None:
            raise RuntimeError("MotoGate no longer exposes its request lock (gate._server.app._lock); "
                               "tests/moto_state.py needs it to swap moto's state safely")
        self._seeds: dict[tuple[str, float | None], _Seeded] = {}
        self.empty: Snapshot | None = None

    # -- moto internals ----------------------------------------------------------------------

    @staticmethod
    def _dynamodb():
        from moto.core import DEFAULT_ACCOUNT_ID
        from moto.dynamodb.models import dynamodb_backends

        from chalicelib.core.settings import get_settings

        return dynamodb_backends[DEFAULT_ACCOUNT_ID][get_settings().region]

    @staticmethod
    def _s3():
        from chalicelib.core.storage import s3

        return s3()

    @staticmethod
    def _services_in_use() -> set[str]:
        from moto.core.base_backend import BackendDict

        return {b.service_name for b in BackendDict._instances}

    # -- snapshots ---------------------------------------------------------------------------

    def capture(self) -> Snapshot:
        """Copy what moto holds now (DynamoDB tables, S3 buckets and objects)."""
        others = self._services_in_use() - COPIED - BOOKKEEPING
        if others:
            raise RuntimeError(f"moto holds state of {sorted(others)}, which tests/moto_state.py does not copy: "
                               "teach Snapshot about it before seeding it")
        client = self._s3()
        buckets, objects = {}, []
        for b in client.list_buckets().get("Buckets", []):
            name = b["Name"]
            buckets[name] = client.get_bucket_location(Bucket=name).get("LocationConstraint") or "us-east-1"
            for page in client.get_paginator("list_objects_v2").paginate(Bucket=name):
                for obj in page.get("Contents", []):
                    got = client.get_object(Bucket=name, Key=obj["Key"])
                    objects.append(S3Object(name, obj["Key"], got["Body"].read(), got.get("ContentType"),
                                            got.get("Metadata") or {}))
        with self._lock:
            tables = copy.deepcopy(self._dynamodb().tables)
        return Snapshot(tables, buckets, tuple(objects))

    def restore(self, snapshot: Snapshot) -> None:
        """Reset every moto backend (as ``/moto-api/reset`` does), then put the snapshot back."""
        from moto.core.base_backend import BackendDict
        from moto.core.model_instances import reset_model_data

        tables = copy.deepcopy(snapshot.tables)  # outside the lock: the copy is the slow part
        with self._lock:
            BackendDict.reset()
            reset_model_data()
            self._dynamodb().tables = tables
        client = self._s3()
        for name, region in snapshot.buckets.items():
            config = {} if region == "us-east-1" else {"CreateBucketConfiguration": {"LocationConstraint": region}}
            client.create_bucket(Bucket=name, **config)
        for obj in snapshot.objects:
            extra = {"ContentType": obj.content_type} if obj.content_type else {}
            client.put_object(Bucket=obj.bucket, Key=obj.key, Body=obj.body, Metadata=obj.metadata, **extra)

    def assert_untouched(self, since: Snapshot, why: str) -> None:
        """Nothing was written since ``since`` was restored (cheap: counts, no copies)."""
        items = sum(len(t) for t in self._dynamodb().tables.values())
        client = self._s3()
        objects = sum(client.list_objects_v2(Bucket=b, MaxKeys=1).get("KeyCount", 0) for b in since.buckets)
        if items != since.items or objects != len(since.objects):
            raise AssertionError(
                f"{why}: {items - since.items} DynamoDB items and {objects - len(since.objects)} S3 objects were "
                "written before it, and restoring the seeded state would drop them. Make the fixture that wrote "
                "them depend on the seeded fixture (so it runs after the seed).")

    # -- seeds -------------------------------------------------------------------------------

    def seeded(self, name: str, make: Callable[[], Any], *, at: float | None) -> Any:
        """Restore the state ``make()`` leaves behind on empty tables, seeded at epoch ``at`` on a
        FixedClock (``None``: on the wall clock), and return a copy of what ``make()`` returned.

        The first call for a (name, at) runs ``make()`` and snapshots the result; later calls restore
        that snapshot. ``name`` must identify ``make`` and everything it depends on (products, PIN
        cost, settings): two seeds with one name would share a snapshot.
        """
        from chalicelib.core.clock import Clock, FixedClock, set_clock

        assert self.empty is not None, "MotoState.empty is set by the moto_state fixture"
        self.assert_untouched(self.empty, f"seeded state {name!r} was asked for after the test started writing")
        key = (name, at)
        entry = self._seeds.get(key)
        if entry is not None and at is None and time.monotonic() - entry.taken_at > WALL_CLOCK_MAX_AGE:
            entry = None
        if entry is None:
            previous = set_clock(FixedClock(at) if at is not None else Clock())
            try:
                result = make()
            finally:
                set_clock(previous)
            entry = self._seeds[key] = _Seeded(copy.deepcopy(result), self.capture())
        else:
            self.restore(entry.snapshot)
        return copy.deepcopy(entry.result)
