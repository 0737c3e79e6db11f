"""A loopback stand-in for WhatsApp Cloud API and Zenziva: answers from a script, records every request."""
from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import pytest


class ProviderStub:
    """``script(prefix, *answers)``: requests whose path starts with ``prefix`` get the answers in turn
    (the last one repeats). Each answer is ``(status, json body)``."""

    def __init__(self):
        self.requests: list[dict] = []
        self._scripts: dict[str, list[tuple[int, object]]] = {}
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                ctype = self.headers.get("Content-Type", "")
                body = json.loads(raw) if "json" in ctype else {k: v[0] for k, v in parse_qs(raw.decode()).items()}
                stub.requests.append({"path": self.path, "headers": dict(self.headers), "body": body})
                status, answer = stub._answer(self.path)
                data = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def script(self, prefix: str, *answers: tuple[int, object]) -> None:
        self._scripts[prefix] = list(answers)

    def _answer(self, path: str) -> tuple[int, object]:
        for prefix, answers in self._scripts.items():
            if path.startswith(prefix):
                return answers.pop(0) if len(answers) > 1 else answers[0]
        return 404, {"error": {"message": "no script", "code": 100}}

    def sent_to(self, prefix: str) -> list[dict]:
        return [r for r in self.requests if r["path"].startswith(prefix)]

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


@pytest.fixture
def stub():
    s = ProviderStub()
    yield s
    s.stop()


def _store() -> str:
    from chalicelib.staff import service as staff_service

    staff_service.create_merchant("Sambung Demo", "Toko Demo", merchant_id="m_n", store_id="s_n")
    return "s_n"


@pytest.fixture
def store(seeded, clock, monkeypatch):
    """A merchant and store with no messaging configured yet (restored from the session's snapshot
    for every test), and no deployment-wide channel."""
    for name in ("SAMBUNG_MESSAGES_PROVIDER", "SAMBUNG_MESSAGES_FALLBACK", "SAMBUNG_WHATSAPP_TOKEN",
                 "SAMBUNG_WHATSAPP_PHONE_NUMBER_ID", "SAMBUNG_ZENZIVA_USERKEY", "SAMBUNG_ZENZIVA_PASSKEY"):
        monkeypatch.delenv(name, raising=False)
    return seeded("notify: a store without messaging", _store)
