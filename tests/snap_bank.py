"""The SNAP BI bank simulator as its own process, for tests and benches: start it, register our
client (the FAKE key pair of reference/snap_bi.md §10) and an account, post transactions, read stats."""
from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
KEYS = ROOT / "tests" / "fixtures" / "snap"
CLIENT_KEY = "SAMBUNG-SIM-CLIENT-01"
CLIENT_SECRET = "sambung-sim-client-secret-01"
PARTNER_ID = "SAMBUNG-SIM-CLIENT-01"
CHANNEL_ID = "95221"


def private_key() -> str:
    return (KEYS / "partner_private.pem").read_text()


def public_key() -> str:
    return (KEYS / "partner_public.pem").read_text()


class SnapBankProcess:
    def __init__(self):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen | None = None

    def start(self) -> "SnapBankProcess":
        self.proc = subprocess.Popen([sys.executable, "-m", "infra.local.snap_sim", "--port", str(self.port)], cwd=ROOT,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.3):
                    return self
            except OSError:
                if self.proc.poll() is not None:
                    raise RuntimeError("the SNAP simulator exited")
                time.sleep(0.05)
        raise TimeoutError("the SNAP simulator did not start")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=5)

    def call(self, method: str, path: str, body=None):
        data = json.dumps(body).encode() if body is not None else (b"{}" if method == "POST" else None)
        request = urllib.request.Request(self.url + path, data=data, method=method,
                                         headers={"Content-Type": "application/json"})
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        with opener.open(request, timeout=10) as response:
            raw = response.read()
        return json.loads(raw) if raw[:1] in (b"{", b"[") else raw.decode()

    def setup(self, account_no: str = "1234567890", opening: int = 5_000_000, **config) -> None:
        self.call("POST", "/sim/reset")
        self.call("POST", "/sim/clients", {"client_key": CLIENT_KEY, "client_secret": CLIENT_SECRET,
                                           "public_key_pem": public_key(), "partner_id": PARTNER_ID})
        self.call("POST", "/sim/accounts", {"account_no": account_no, "client_key": CLIENT_KEY, "opening": opening})
        if config:
            self.configure(**config)

    def configure(self, **config) -> dict:
        return self.call("POST", "/sim/config", config)

    def post(self, account_no: str, kind: str, amount: int, remark: str, at: str | None = None) -> dict:
        body = {"type": kind, "amount": amount, "remark": remark}
        if at:
            body["at"] = at
        return self.call("POST", f"/sim/accounts/{account_no}/transactions", body)

    def stats(self) -> dict:
        return self.call("GET", "/sim/stats")["calls"]

    def bank_public_key(self) -> str:
        return self.call("GET", "/sim/bank-public-key")

    def connection(self, **overrides) -> dict:
        """The body of ``PUT /api/bank-accounts/{account}/snap`` for this simulator."""
        return {"base_url": self.url, "partner_id": PARTNER_ID, "client_key": CLIENT_KEY,
                "client_secret": CLIENT_SECRET, "channel_id": CHANNEL_ID, "private_key_pem": private_key(),
                "bank_public_key_pem": self.bank_public_key(), "interval_seconds": 30, **overrides}
