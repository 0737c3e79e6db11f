"""The local stack's event pump: drives the same handler functions AWS would invoke.

- schedules: every ``rate(...)`` / ``cron(...)`` handler registered on the Chalice app runs on its rate
  (cron expressions every minute), with an EventBridge-shaped event;
- feeders: area-specific sources (new statement objects in S3, TTL deletions as DynamoDB stream
  ``REMOVE`` records) registered with :meth:`EventPump.feed`.
Each source runs in its own thread; a failing handler is logged and retried next tick, like Lambda.
"""
from __future__ import annotations

import importlib
import re
import threading
import traceback
import uuid
from datetime import datetime, timezone
from typing import Callable

from chalice.app import ScheduledEventConfig

_RATE = re.compile(r"rate\((\d+) (minute|minutes|hour|hours|day|days)\)")
_UNITS = {"minute": 60, "minutes": 60, "hour": 3600, "hours": 3600, "day": 86400, "days": 86400}


class FakeLambdaContext:
    def __init__(self, name: str):
        self.function_name = name
        self.function_version = "$LATEST"
        self.invoked_function_arn = f"arn:aws:lambda:ap-southeast-3:123456789012:function:{name}"
        self.memory_limit_in_mb = 512
        self.aws_request_id = str(uuid.uuid4())
        self.log_group_name = f"/aws/lambda/{name}"
        self.log_stream_name = "local"

    def get_remaining_time_in_millis(self) -> int:
        return 60_000


def resolve_handler(handler_string: str):
    module, _, attr = handler_string.rpartition(".")
    return getattr(importlib.import_module(module), attr)


def scheduled_event(name: str) -> dict:
    return {"version": "0", "id": str(uuid.uuid4()), "detail-type": "Scheduled Event", "source": "aws.events",
            "account": "123456789012", "time": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "region": "ap-southeast-3", "resources": [f"arn:aws:events:ap-southeast-3:123456789012:rule/{name}"],
            "detail": {}}


def schedule_seconds(expression: str) -> int:
    m = _RATE.fullmatch(expression.strip())
    return int(m.group(1)) * _UNITS[m.group(2)] if m else 60


class EventPump:
    def __init__(self, app, *, time_scale: float = 1.0):
        self._app = app
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._scale = time_scale  # tests shrink schedule periods
        self.errors: list[str] = []

    def feed(self, name: str, every_seconds: float, fn: Callable[[], None]) -> None:
        self._threads.append(threading.Thread(target=self._loop, args=(name, every_seconds, fn), name=name, daemon=True))

    def _loop(self, name: str, every: float, fn: Callable[[], None]) -> None:
        while not self._stop.wait(every * self._scale):
            try:
                fn()
            except Exception:  # noqa: BLE001 - keep pumping like Lambda retries on the next event
                self.errors.append(f"{name}: {traceback.format_exc(limit=3)}")

    def run_schedules_once(self) -> None:
        for source in self.schedules():
            handler = resolve_handler(source.handler_string)
            handler(scheduled_event(source.name), FakeLambdaContext(source.name))

    def schedules(self) -> list[ScheduledEventConfig]:
        return [s for s in self._app.event_sources if isinstance(s, ScheduledEventConfig)]

    def start(self) -> "EventPump":
        for source in self.schedules():
            handler = resolve_handler(source.handler_string)
            self.feed(source.name, schedule_seconds(str(source.schedule_expression)),
                      lambda h=handler, n=source.name: h(scheduled_event(n), FakeLambdaContext(n)))
        for t in self._threads:
            t.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        for t in self._threads:
            t.join(timeout=5)
