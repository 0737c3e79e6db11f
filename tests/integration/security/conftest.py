"""The attack suite talks real HTTP: the app behind the local front (the same one ``make run``
serves) on a loopback port, in this process, on each test's fresh moto state and clock.

``http`` has the interface of the in-process ``api`` client (tests/helpers.py ApiClient): paths
without the ``/api`` prefix, answers with ``status``, ``json``, ``error_code`` and ``headers``."""
from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest

from tests.helpers import Calls


class Answer:
    def __init__(self, status: int, headers: dict, body: bytes):
        self.status, self.headers, self.body = status, headers, body
        try:
            self.json = json.loads(body) if body else None
        except ValueError:
            self.json = None

    @property
    def error_code(self):
        return ((self.json or {}).get("error") or {}).get("code") if isinstance(self.json, dict) else None

    def __repr__(self):
        return f"<{self.status} {self.body[:300]!r}>"


class HttpApi(Calls):
    def __init__(self, base: str):
        self.base = base.rstrip("/")

    def call(self, method: str, path: str, body=None, *, auth: str | None = None, headers: dict | None = None,
             raw: bytes | None = None) -> Answer:
        h = {"Content-Type": "application/json", **(headers or {})}
        if auth:
            h["Authorization"] = auth
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
        req = urllib.request.Request(f"{self.base}/api{path}", data=data, method=method, headers=h)
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                return Answer(r.status, dict(r.headers), r.read())
        except urllib.error.HTTPError as e:
            return Answer(e.code, dict(e.headers), e.read())


@pytest.fixture(scope="session")
def front(moto_state):
    import app
    from infra.local.gateway import LocalGatewayServer

    server = LocalGatewayServer(app.app, port=0).start()
    yield server
    server.stop()


@pytest.fixture
def http(front, aws) -> HttpApi:
    return HttpApi(front.url)


@pytest.fixture
def api(http) -> HttpApi:
    """Every attack here goes over real HTTP, whichever client name a test uses."""
    return http
