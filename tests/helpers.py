"""Test helpers: an in-process API client that speaks like the kiosk does, and waiting that fails loudly."""
from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Callable, TypeVar

from chalice.test import Client

ROOT = Path(__file__).resolve().parents[1]
T = TypeVar("T")


def wait_until(check: Callable[[], T], timeout: float = 15.0, step: float = 0.05, *, what: str | None = None) -> T:
    """Call ``check`` every ``step`` seconds until it returns something truthy, and return that.

    Raises ``AssertionError`` after ``timeout`` seconds, naming what was awaited and the last value,
    so a test never carries on as if the condition had been met.
    """
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            name = what or getattr(check, "__qualname__", repr(check))
            raise AssertionError(f"timed out after {timeout:g}s waiting for {name}; last value: {value!r}")
        time.sleep(step)


class Response:
    def __init__(self, raw):
        self.status = raw.status_code
        self.headers = raw.headers
        self.body = raw.body
        try:
            self.json = json.loads(raw.body) if raw.body else None
        except ValueError:
            self.json = None

    @property
    def error_code(self):
        return (self.json or {}).get("error", {}).get("code")

    def __repr__(self):
        return f"<{self.status} {self.body[:300]!r}>"


class Calls:
    """Verbs and sign-in helpers over ``call(method, path, body, *, auth, headers, raw)``: shared by the
    in-process :class:`ApiClient` and the attack suite's real-HTTP client."""

    def call(self, method: str, path: str, body=None, *, auth: str | None = None, headers: dict | None = None,
             raw: bytes | None = None):
        raise NotImplementedError

    def get(self, path, **kw):
        return self.call("GET", path, **kw)

    def post(self, path, body=None, **kw):
        return self.call("POST", path, body, **kw)

    def patch(self, path, body=None, **kw):
        return self.call("PATCH", path, body, **kw)

    def login(self, device_token: str, staff_id: str, pin: str) -> str:
        r = self.post("/auth/login", {"staff_id": staff_id, "pin": pin}, auth=f"Device {device_token}")
        assert r.status == 200, r
        return f"Bearer {r.json['token']}"

    def login_as(self, demo: dict, role: str) -> str:
        person = next(s for s in demo["staff"] if s["role"] == role)
        return self.login(demo["backoffice_device_token"], person["staff_id"], person["pin"])


class ApiClient(Calls):
    """``chalice.test.Client`` with JSON bodies, auth headers and sign-in helpers."""

    def __init__(self):
        import app

        self._client = Client(app.app, stage_name="dev", project_dir=str(ROOT))

    def __enter__(self):
        self._client.__enter__()
        return self

    def __exit__(self, *exc):
        self._client.__exit__(*exc)

    def call(self, method: str, path: str, body=None, *, auth: str | None = None, headers: dict | None = None,
             raw: bytes | None = None) -> Response:
        h = {"Content-Type": "application/json"}
        if auth:
            h["Authorization"] = auth
        h.update(headers or {})
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None else b"")
        return Response(getattr(self._client.http, method.lower())(path, headers=h, body=data))

