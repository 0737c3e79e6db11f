"""A tiny HTTP client for end-to-end tests: real requests to the running stack."""
from __future__ import annotations

import json
import urllib.error
import urllib.request


class Http:
    def __init__(self, base: str):
        self.base = base.rstrip("/")

    def call(self, method: str, path: str, body=None, auth: str | None = None, headers: dict | None = None):
        data = json.dumps(body).encode() if body is not None else None
        h = {"Content-Type": "application/json", **(headers or {})}
        if auth:
            h["Authorization"] = auth
        req = urllib.request.Request(self.base + path, data=data, method=method, headers=h)
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                raw, status, hdrs = r.read(), r.status, dict(r.headers)
        except urllib.error.HTTPError as e:
            raw, status, hdrs = e.read(), e.code, dict(e.headers)
        try:
            payload = json.loads(raw) if raw else None
        except ValueError:
            payload = raw
        return status, payload, hdrs

    def get(self, path, **kw):
        return self.call("GET", path, **kw)

    def post(self, path, body=None, **kw):
        return self.call("POST", path, body, **kw)

    def login(self, device_token: str, staff_id: str, pin: str) -> str:
        status, body, _ = self.post("/api/auth/login", {"staff_id": staff_id, "pin": pin}, auth=f"Device {device_token}")
        assert status == 200, body
        return f"Bearer {body['token']}"

    def login_as(self, state: dict, role: str) -> str:
        person = next(s for s in state["staff"] if s["role"] == role)
        return self.login(state["backoffice_device_token"], person["staff_id"], person["pin"])
