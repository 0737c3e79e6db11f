"""A loopback stand-in for the cloud's print API, faithful to the contract the bridge codes to.

It is a test peer (a simulator), not a mock: real HTTP on 127.0.0.1, pairing codes that can be
bad, expired or used, device-token auth, leases that expire on the peer's own clock, expired
jobs that are never handed out, 409 for a lost lease, and presigned-style PDF URLs served
without auth (or, for the address tests, any ``pdf_url`` a hostile cloud might hand out, and a PDF
address that redirects). Tests move its clock with :meth:`advance` and inject failures with :meth:`fail`.
"""
from __future__ import annotations

import itertools
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class PeerJob:
    job_id: str
    role: str
    pdf: bytes
    kind: str = "receipt"
    copies: int = 1
    cut: bool = True
    drawer_kick: bool = False
    profile: str | None = "escpos-80"
    expires_at: float = 0.0
    state: str = "waiting"  # waiting | leased | printed | failed | expired
    lease_until: float = 0.0
    reason: str | None = None
    claims: int = 0
    pdf_status: int = 200
    pdf_url: str | None = None  # handed out instead of the peer's own /files/<job>.pdf
    pdf_redirect: str | None = None  # /files/<job>.pdf answers 302 to this


@dataclass
class CloudPeer:
    codes: dict[str, str] = field(default_factory=lambda: {"ABC123": "fresh", "OLD999": "expired"})
    station_profiles: list[dict[str, Any]] = field(default_factory=list)
    station_printers: list[dict[str, Any]] = field(
        default_factory=lambda: [{"role": "receipt", "profile": "escpos-80"}, {"role": "label", "profile": "tspl-100x150"}]
    )

    def __post_init__(self) -> None:
        self.jobs: dict[str, PeerJob] = {}
        self.tokens: set[str] = set()
        self.acks: list[tuple[str, dict[str, Any]]] = []
        self.requests: list[tuple[str, str]] = []
        self.clock_offset = 0.0
        self._failures: list[list[Any]] = []
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None

    # -- control ---------------------------------------------------------------------------

    def now(self) -> float:
        return time.time() + self.clock_offset

    def advance(self, seconds: float) -> None:
        self.clock_offset += seconds

    def issue_token(self) -> str:
        token = f"tok-{next(self._ids)}"
        self.tokens.add(token)
        return token

    def add_job(self, pdf: bytes, role: str = "receipt", expires_in: float = 3600, **fields: Any) -> str:
        job_id = f"job-{next(self._ids):04d}"
        with self._lock:
            self.jobs[job_id] = PeerJob(job_id, role, pdf, expires_at=self.now() + expires_in, **fields)
        return job_id

    def fail(self, method: str, path_prefix: str, status: int, times: int = 1) -> None:
        """Answer the next ``times`` matching requests with ``status`` and an error body."""
        self._failures.append([method, path_prefix, status, times])

    @property
    def url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}/api"

    def start(self) -> "CloudPeer":
        peer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                peer._dispatch(self, "GET")

            def do_POST(self) -> None:
                peer._dispatch(self, "POST")

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    # -- HTTP ------------------------------------------------------------------------------

    def _dispatch(self, handler: BaseHTTPRequestHandler, method: str) -> None:
        path = handler.path
        self.requests.append((method, path))
        length = int(handler.headers.get("Content-Length") or 0)
        raw = handler.rfile.read(length) if length else b""
        for failure in self._failures:
            if failure[0] == method and path.startswith(failure[1]) and failure[3] > 0:
                failure[3] -= 1
                return self._json(handler, failure[2], _error("injected", f"injected {failure[2]}"))
        if method == "GET" and path.startswith("/files/"):
            return self._file(handler, path[len("/files/") :])
        try:
            body = json.loads(raw) if raw else {}
        except json.JSONDecodeError:
            return self._json(handler, 400, _error("bad_json", "body is not JSON"))
        if method == "POST" and path == "/api/devices/pair":
            return self._json(handler, *self._pair(body))
        auth = handler.headers.get("Authorization", "")
        if not auth.startswith("Device ") or auth[len("Device ") :] not in self.tokens:
            return self._json(handler, 401, _error("unauthorized", "device token missing or revoked"))
        if method == "GET" and path == "/api/print/station":
            return self._json(
                handler,
                200,
                {"station_id": "ps-1", "store_id": "st-1", "profiles": self.station_profiles, "printers": self.station_printers},
            )
        if method == "POST" and path == "/api/print/jobs/claim":
            return self._json(handler, *self._claim(handler, body))
        if method == "POST" and path.startswith("/api/print/jobs/") and path.endswith("/ack"):
            return self._json(handler, *self._ack(path[len("/api/print/jobs/") : -len("/ack")], body))
        return self._json(handler, 404, _error("not_found", path))

    def _json(self, handler: BaseHTTPRequestHandler, status: int, body: Any) -> None:
        data = json.dumps(body).encode()
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)

    def _file(self, handler: BaseHTTPRequestHandler, name: str) -> None:
        job = self.jobs.get(name.removesuffix(".pdf"))
        if job is not None and job.pdf_redirect:
            handler.send_response(302)
            handler.send_header("Location", job.pdf_redirect)
            handler.send_header("Content-Length", "0")
            handler.end_headers()
            return
        if job is None or job.pdf_status != 200:
            status = 404 if job is None else job.pdf_status
            handler.send_response(status)
            handler.send_header("Content-Length", "0")
            handler.end_headers()
            return
        handler.send_response(200)
        handler.send_header("Content-Type", "application/pdf")
        handler.send_header("Content-Length", str(len(job.pdf)))
        handler.end_headers()
        handler.wfile.write(job.pdf)

    def _pair(self, body: dict[str, Any]) -> tuple[int, Any]:
        code = body.get("code")
        if not isinstance(code, str) or body.get("kind") != "print_station":
            return 400, _error("bad_request", "code and kind=print_station are required")
        state = self.codes.get(code)
        if state is None:
            return 404, _error("unknown_code", "Kode pairing tidak dikenal")
        if state != "fresh":
            return 410, _error(f"{state}_code", f"Kode pairing sudah {'dipakai' if state == 'used' else 'kedaluwarsa'}")
        self.codes[code] = "used"
        return 200, {"device_id": "dev-1", "device_token": self.issue_token(), "store_id": "st-1", "store_name": "Toko Demo"}

    def _claim(self, handler: BaseHTTPRequestHandler, body: dict[str, Any]) -> tuple[int, Any]:
        roles = body.get("roles")
        lease = body.get("lease_seconds", 60)
        if not isinstance(roles, list) or not isinstance(lease, int):
            return 400, _error("bad_request", "roles (list) and lease_seconds (int) are required")
        now = self.now()
        base = f"http://127.0.0.1:{self._server.server_address[1]}" if self._server else ""
        with self._lock:
            for job in self.jobs.values():
                if job.state in ("waiting", "leased") and job.expires_at <= now:
                    job.state = "expired"  # never handed out once expired
                available = job.state == "waiting" or (job.state == "leased" and job.lease_until <= now)
                if available and job.role in roles:
                    job.state, job.lease_until = "leased", now + max(10, min(lease, 300))
                    job.claims += 1
                    return 200, {
                        "job": {
                            "job_id": job.job_id,
                            "role": job.role,
                            "kind": job.kind,
                            "copies": job.copies,
                            "cut": job.cut,
                            "drawer_kick": job.drawer_kick,
                            "profile": job.profile,
                            "pdf_url": job.pdf_url or f"{base}/files/{job.job_id}.pdf",
                            "lease_until": _iso(job.lease_until),
                            "expires_at": _iso(job.expires_at),
                        }
                    }
        return 200, {"job": None}

    def _ack(self, job_id: str, body: dict[str, Any]) -> tuple[int, Any]:
        status = body.get("status")
        if status not in ("printed", "failed") or (status == "failed" and not body.get("reason")):
            return 400, _error("bad_request", "status printed, or failed with a reason")
        with self._lock:
            job = self.jobs.get(job_id)
            if job is None:
                return 404, _error("not_found", "no such job")
            self.acks.append((job_id, body))
            if job.state == status:
                return 200, {"job_id": job_id, "status": status}  # a repeated ack is harmless
            if job.state != "leased":
                return 409, _error("lease_lost", f"job is {job.state}")
            job.state, job.reason = status, body.get("reason")
            return 200, {"job_id": job_id, "status": status}


def _error(code: str, message: str) -> dict[str, Any]:
    return {"error": {"code": code, "message": message}}


def _iso(epoch: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(epoch))
