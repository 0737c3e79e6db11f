"""One origin for the kiosk and the API, as CloudFront + API Gateway give in AWS.

``/api/...`` goes to the Chalice app through Chalice's own API Gateway emulation (authorizers,
binary types, the event shape); everything else is the static PWA from ``kiosk_pwa/``. Every answer
leaves with the security headers CloudFront adds in AWS (the app's middleware already set them on
API answers; pages, redirects and the front's own errors get them here).
"""
from __future__ import annotations

import base64
import json
import mimetypes
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

from chalice.config import Config
from chalice.local import ForbiddenError, LocalGateway

from chalicelib.core.security_headers import add_missing, headers_for_this_deployment

ROOT = Path(__file__).resolve().parents[2]
PWA_DIR = ROOT / "kiosk_pwa"
mimetypes.add_type("application/manifest+json", ".webmanifest")
mimetypes.add_type("text/javascript", ".js")


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "SambungLocal/1"
    gateway: LocalGateway
    static_dir: Path
    extra_routes: dict  # path prefix -> callable(handler) for local-only pages

    def log_message(self, fmt, *args):  # quiet by default; the API logs through Powertools
        pass

    def _body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _send(self, status: int, headers: dict, body: bytes) -> None:
        headers = dict(headers)
        add_missing(headers, headers_for_this_deployment(https=False))  # plain HTTP on loopback: no HSTS
        self.send_response(status)
        for k, v in headers.items():
            if k.lower() not in ("content-length", "connection"):
                self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _dispatch(self) -> None:
        parts = urlsplit(self.path)
        for prefix, fn in self.extra_routes.items():
            if parts.path.startswith(prefix):
                return fn(self)
        if parts.path == "/api" or parts.path.startswith("/api/"):
            return self._api(parts)
        if self.command not in ("GET", "HEAD"):
            return self._send(405, {"Content-Type": "text/plain"}, b"method not allowed")
        return self._static(parts.path)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = do_HEAD = _dispatch

    def _api(self, parts) -> None:
        path = parts.path[len("/api"):] or "/"
        if parts.query:
            path += "?" + parts.query
        body = self._body()
        headers = {k.lower(): v for k, v in self.headers.items()}
        try:
            resp = self.gateway.handle_request(self.command, path, headers, body)
        except ForbiddenError:
            payload = {"error": {"code": "not_found", "message": "Alamat API tidak dikenal."}}
            return self._send(404, {"Content-Type": "application/json"}, json.dumps(payload).encode())
        out_headers = dict(resp.get("headers") or {})
        for k, values in (resp.get("multiValueHeaders") or {}).items():
            out_headers[k] = ", ".join(values)
        raw = resp.get("body") or b""
        if resp.get("isBase64Encoded"):
            raw = base64.b64decode(raw)
        elif isinstance(raw, str):
            raw = raw.encode("utf-8")
        self._send(resp["statusCode"], out_headers, raw)

    def _static(self, path: str) -> None:
        rel = path.lstrip("/") or "index.html"
        target = (self.static_dir / rel).resolve()
        if target.is_dir() and (target / "index.html").is_file():
            if not path.endswith("/"):  # relative links in the page resolve against the folder
                return self._send(301, {"Location": path + "/"}, b"")
            target = target / "index.html"
        if not str(target).startswith(str(self.static_dir.resolve())) or not target.is_file():
            # A single-page app: unknown paths (e.g. /aktivasi/...) get the shell.
            if "." in rel.rsplit("/", 1)[-1]:
                return self._send(404, {"Content-Type": "text/plain"}, b"not found")
            target = self.static_dir / "index.html"
        ctype = mimetypes.guess_type(str(target))[0] or "application/octet-stream"
        headers = {"Content-Type": ctype}
        # The service worker script must always be revalidated so updates are noticed.
        headers["Cache-Control"] = "no-cache"
        self._send(200, headers, target.read_bytes())


class LocalGatewayServer:
    """Serves the PWA at ``/`` and the Chalice app at ``/api`` on one loopback port."""

    def __init__(self, app, host: str = "127.0.0.1", port: int = 8000, static_dir: Path = PWA_DIR,
                 extra_routes: dict | None = None):
        config = Config.create(chalice_stage="dev", app_name="sambung", lambda_timeout=30, lambda_memory_size=512)
        handler = type("Handler", (_Handler,), {"gateway": LocalGateway(app, config), "static_dir": static_dir,
                                                "extra_routes": extra_routes or {}})
        self._server = ThreadingHTTPServer((host, port), handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self.url = f"http://{host}:{self.port}"
        self._thread: threading.Thread | None = None

    def start(self) -> "LocalGatewayServer":
        self._thread = threading.Thread(target=self._server.serve_forever, name="gateway", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
