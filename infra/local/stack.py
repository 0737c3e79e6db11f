"""The embedded local stack: ``python -m infra.local`` (what ``make run`` starts).

moto (serialised) as the AWS endpoint in a child process, tables and the bucket created from the
PynamoDB models, the demo merchant seeded, and the API + kiosk on one loopback origin, plus the
event pump. Data lives in moto's memory: every start is fresh.
"""
from __future__ import annotations

import argparse
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port: int, timeout: float = 30.0, proc: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"process exited with {proc.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise TimeoutError(f"nothing listening on 127.0.0.1:{port} after {timeout}s")


def local_environment(moto_port: int, public_url: str, var_dir: Path) -> dict:
    return {
        "AWS_ACCESS_KEY_ID": "local", "AWS_SECRET_ACCESS_KEY": "local", "AWS_SESSION_TOKEN": "local",
        "AWS_DEFAULT_REGION": "ap-southeast-3", "AWS_REGION": "ap-southeast-3",
        "AWS_ENDPOINT_URL": f"http://127.0.0.1:{moto_port}",
        "SAMBUNG_STAGE": "local", "SAMBUNG_PUBLIC_URL": public_url,
        "SAMBUNG_TOKEN_SECRET": secrets.token_urlsafe(32),
        "POWERTOOLS_METRICS_DISABLED": "true", "POWERTOOLS_LOG_LEVEL": os.environ.get("POWERTOOLS_LOG_LEVEL", "WARNING"),
        # Messages to shoppers go to a file and /dev-messages.html instead of WhatsApp/SMS.
        "SAMBUNG_MESSAGES_PROVIDER": "dev",
        "SAMBUNG_MESSAGES_FILE": str(var_dir / "messages.jsonl"),
    }


class SnapBankProcess:
    """The SNAP BI bank simulator (``infra/local/snap_sim.py``) as its own process, knowing the demo
    store's account and a key pair made for this run; the demo account is connected to it through
    the same service an admin's ``PUT /api/bank-accounts/{account}/snap`` uses."""

    ACCOUNT, CLIENT_KEY, CHANNEL_ID = "1234567890", "SAMBUNG-DEMO-CLIENT", "95221"

    def __init__(self, var_dir: Path, opening: int = 5_000_000, interval_s: int = 30):
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric import rsa

        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.private_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                             serialization.NoEncryption()).decode()
        public_pem = key.public_key().public_bytes(serialization.Encoding.PEM,
                                                  serialization.PublicFormat.SubjectPublicKeyInfo).decode()
        self.client_secret = secrets.token_urlsafe(32)
        self.interval_s = interval_s
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.setup_file = var_dir / "snap-sim-setup.json"
        self.setup_file.write_text(json.dumps({
            "clients": [{"client_key": self.CLIENT_KEY, "client_secret": self.client_secret,
                         "public_key_pem": public_pem, "partner_id": self.CLIENT_KEY}],
            "accounts": [{"account_no": self.ACCOUNT, "client_key": self.CLIENT_KEY, "opening": opening,
                          "name": "PT SAMBUNG DEMO"}]}))
        self._proc: subprocess.Popen | None = None

    def start(self) -> "SnapBankProcess":
        self._proc = subprocess.Popen([sys.executable, "-m", "infra.local.snap_sim", "--port", str(self.port),
                                       "--setup", str(self.setup_file)], cwd=ROOT,
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for_port(self.port, proc=self._proc)
        self.setup_file.unlink(missing_ok=True)  # it held the client secret
        return self

    def connect_demo_account(self, demo: dict) -> None:
        import urllib.request

        from chalicelib.core.web import Caller
        from chalicelib.reconciliation import feeds

        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        with opener.open(f"{self.url}/sim/bank-public-key", timeout=10) as response:
            bank_public_pem = response.read().decode()
        admin = Caller(merchant_id=demo["merchant_id"], store_id=demo["store_id"], role="admin", device_id="seed",
                       staff_id="u_admin")
        feeds.connect(admin, self.ACCOUNT, {
            "base_url": self.url, "partner_id": self.CLIENT_KEY, "client_key": self.CLIENT_KEY,
            "client_secret": self.client_secret, "channel_id": self.CHANNEL_ID, "private_key_pem": self.private_pem,
            "bank_public_key_pem": bank_public_pem, "interval_seconds": self.interval_s})

    def stop(self) -> None:
        if self._proc and self._proc.poll() is None:
            self._proc.terminate()
            try:
                self._proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self._proc.kill()


class LocalStack:
    """Starts and stops every part; usable from tests as well as the command line."""

    def __init__(self, port: int = 8000, moto_port: int = 0, state_file: Path | None = None, time_scale: float = 1.0,
                 gateway_port: int = 0):
        self.port = port or free_port()
        self.moto_port = moto_port or free_port()
        self.gateway_port = gateway_port
        self.url = f"http://127.0.0.1:{self.port}"
        self.state_file = state_file
        self.time_scale = time_scale
        self._moto: subprocess.Popen | None = None
        self._parts: list = []
        self.state: dict = {}

    def start(self) -> dict:
        started = time.monotonic()
        # Files of this run (messages, prints) live beside the state file; like the data, they start fresh.
        self.var_dir = (self.state_file.parent if self.state_file else ROOT / "var")
        self.var_dir.mkdir(parents=True, exist_ok=True)
        (self.var_dir / "messages.jsonl").unlink(missing_ok=True)
        os.environ.update(local_environment(self.moto_port, self.url, self.var_dir))
        self._moto = subprocess.Popen([sys.executable, "-m", "infra.local.moto_gate", "--port", str(self.moto_port)],
                                      cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for_port(self.moto_port, proc=self._moto)

        import app as app_module  # after the environment points at moto
        from chalicelib.core import outbox
        from chalicelib.core.db import create_tables
        from chalicelib.schema import all_tables
        from chalicelib.core.settings import get_settings
        from chalicelib.core.storage import s3
        from infra.local import seed
        from infra.local.gateway import LocalGatewayServer
        from infra.local.print_station import LocalPrintStation
        from infra.local.pump import EventPump
        from infra.local.s3_events import StatementObjectFeeder
        from infra.local.ttl_emulator import TtlEmulator

        from infra.local.courier_sim import CourierSimulator
        from infra.local.gateway_sim import GatewaySimulator

        create_tables(all_tables())
        s3().create_bucket(Bucket=get_settings().bucket,
                           CreateBucketConfiguration={"LocationConstraint": get_settings().region})
        # The PWA uploads bank statements straight to S3 with a presigned POST from the API's origin.
        s3().put_bucket_cors(Bucket=get_settings().bucket, CORSConfiguration={"CORSRules": [
            {"AllowedOrigins": [self.url], "AllowedMethods": ["POST", "GET"], "AllowedHeaders": ["*"],
             "MaxAgeSeconds": 3000}]})
        server_key = "SB-Mid-server-local-" + secrets.token_hex(8)
        gateway_sim = GatewaySimulator(port=self.gateway_port, server_key=server_key,
                                       callback_url=f"{self.url}/api/callbacks/midtrans").start()
        self._parts.append(gateway_sim)
        courier_key, webhook_secret = "biteship_test.local-" + secrets.token_hex(8), secrets.token_urlsafe(24)
        courier_sim = CourierSimulator(api_key=courier_key, webhook_url=f"{self.url}/api/callbacks/biteship",
                                       webhook_secret=webhook_secret).start()
        self._parts.append(courier_sim)
        demo = seed.seed(gateway={"provider": "midtrans", "base_url": gateway_sim.url, "server_key": server_key,
                                  "notification_url": f"{self.url}/api/callbacks/midtrans"},
                         shipping={"provider": "biteship", "test_mode": True, "base_url": courier_sim.url,
                                   "api_key": courier_key, "webhook_secret": webhook_secret,
                                   "origin": seed.SHIPPING_ORIGIN, "courier_company": "jne", "courier_type": "reg"})

        snap_sim = SnapBankProcess(self.var_dir).start()  # the demo's bank, in its own process
        self._parts.append(snap_sim)
        snap_sim.connect_demo_account(demo)

        ttl = TtlEmulator(app_module.app)
        gateway = LocalGatewayServer(app_module.app, port=self.port, extra_routes={TtlEmulator.ROUTE: ttl.http_run}).start()
        pump = EventPump(app_module.app, time_scale=self.time_scale)
        pump.feed("outbox", 2, outbox.process_due)  # shoppers get their messages within seconds, not a minute
        pump.feed("ttl", 2, ttl.tick)  # moto never deletes expired items: TTL deletes -> REMOVE records -> stream handler
        # moto's S3 notifications never reach Lambda without Docker: new statement files -> import handler.
        pump.feed("statements", 1, StatementObjectFeeder(app_module.app).tick)
        # Bank accounts connected by SNAP BI: AWS runs the schedule every minute; here every few seconds,
        # so an account's own interval (30 s for the demo) is what decides.
        from chalicelib.reconciliation import feeds
        pump.feed("bank_feeds", 5, feeds.run_due)
        pump.start()
        self._parts += [pump, gateway]
        # The bridge calls the API, so it starts after it and stops before it (parts stop in reverse).
        station = LocalPrintStation(self.url + "/api", demo["merchant_id"], demo["store_id"], demo["store_name"],
                                    self.state_file.parent if self.state_file else ROOT / "var")
        self._parts.append(station)
        printing = station.start()
        self.state = {
            "url": self.url, "kiosk_url": self.url + "/", "api_url": self.url + "/api",
            "aws_endpoint_url": os.environ["AWS_ENDPOINT_URL"], "stage": "local",
            "gateway_simulator_url": gateway_sim.url, "courier_simulator_url": courier_sim.url,
            "snap_simulator_url": snap_sim.url,
            "started_in_s": round(time.monotonic() - started, 2), **demo, **printing,
        }
        if self.state_file:
            self.state_file.parent.mkdir(parents=True, exist_ok=True)
            self.state_file.write_text(json.dumps(self.state, indent=2, ensure_ascii=False))
        return self.state

    def stop(self) -> None:
        for part in reversed(self._parts):
            try:
                part.stop()
            except Exception:  # noqa: BLE001 - stop the rest regardless
                pass
        if self._moto and self._moto.poll() is None:
            self._moto.terminate()
            try:
                self._moto.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self._moto.kill()


def _summary(state: dict, state_file: Path) -> str:
    lines = [
        "",
        "Sambung local stack is running",
        f"  Kiosk (PWA) ......... {state['kiosk_url']}",
        f"  Back office ......... {state['kiosk_url']}backoffice/  (one app: Stok, Drop/Book Order, Keputusan",
        "                        Pembayaran, Mutasi Bank, Pengiriman, Laporan, Tutup Kasir, Printer; by role)",
        f"  API ................. {state['api_url']}  (health: {state['api_url']}/health)",
        f"  AWS endpoint (moto) . {state['aws_endpoint_url']}",
        f"  QRIS gateway sim .... {state['gateway_simulator_url']}/sim/  (pay, fail or expire QRs)",
        f"  Courier sim ......... {state['courier_simulator_url']}/sim/  (Biteship: AWBs, statuses, balance)",
        f"  SNAP BI bank sim .... {state['snap_simulator_url']}/sim/  (post credits/debits to BCA 1234567890;"
        " fetched every 30 s)",
        f"  Store ............... {state['store_name']} ({state['store_id']})",
        "  Staff (name / role / PIN):",
    ]
    lines += [f"    {s['name']:<14} {s['role']:<10} {s['pin']}" for s in state["staff"]]
    lines += [f"  Pairing code ({kind}) {code}" for kind, code in state["pairing_codes"].items()]
    lines += [f"  Print bridge ........ paired, receipts and labels to the fake printer 127.0.0.1:{state['fake_printer_port']}",
              f"                        prints: {state['prints_dir']}/  log: {state['print_bridge_log']}"]
    lines += [f"  Started in {state['started_in_s']} s. State: {state_file}. Ctrl-C stops everything.", ""]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description="Run Sambung's embedded local stack")
    parser.add_argument("--port", type=int, default=int(os.environ.get("SAMBUNG_PORT", "8000")))
    parser.add_argument("--moto-port", type=int, default=0)
    parser.add_argument("--state-file", type=Path, default=ROOT / "var" / "local-stack.json")
    args = parser.parse_args()

    stack = LocalStack(port=args.port, moto_port=args.moto_port, state_file=args.state_file)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        state = stack.start()
        print(_summary(state, args.state_file), flush=True)
        while not stop.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        stack.stop()
        print("Sambung local stack stopped.", flush=True)


if __name__ == "__main__":
    main()
