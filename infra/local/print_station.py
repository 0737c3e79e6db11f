"""The local stack's print station: a fake thermal printer and the real bridge, paired to the demo store.

What a shop does on its PC, done for ``make run``: pair a ``print_station`` with a fresh code (the
seed's printed code stays unused, for anyone who wants to pair a bridge by hand), assign the
receipt role to ``escpos-80`` and the label role to ``tspl-100x150``, write the bridge's config
file and start ``python -m print_bridge run`` as a child process. Both roles point at one fake
printer on a free loopback port: it recognises ESC/POS, TSPL and ZPL per connection, so a second
one would only add a port. What it receives lands as PNG files in ``<var>/prints/``.

The bridge's config, journal and log live in ``<var>/print-bridge/``, wiped at start: the moto
data behind the stack is fresh every time, so an old credential or journal means nothing.
"""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
STATION_NAME = "PC Kasir (lokal)"
PROFILES = {"receipt": "escpos-80", "label": "tspl-100x150"}
POLL_SECONDS = 1  # the demo should print within a second or two of a sale


class LocalPrintStation:
    def __init__(self, api_url: str, merchant_id: str, store_id: str, store_name: str, var_dir: Path):
        self.api_url = api_url
        self.merchant_id = merchant_id
        self.store_id = store_id
        self.store_name = store_name
        self.prints_dir = var_dir / "prints"
        self.bridge_dir = var_dir / "print-bridge"
        self._printer = None
        self._bridge: subprocess.Popen | None = None
        self._log = None

    def start(self) -> dict:
        """Start the printer and the bridge; returns what the stack's state file records."""
        from chalicelib.core.web import Caller
        from chalicelib.printing import service as printing
        from chalicelib.staff import service as staff
        from infra.local.fake_printer import FakePrinter
        from print_bridge.config import BridgeConfig, PrinterSetup

        self._printer = FakePrinter(port=0, out_dir=self.prints_dir).start()
        admin = Caller(merchant_id=self.merchant_id, store_id=self.store_id, role="admin", device_id="local-stack")
        code = staff.create_pairing_code(admin, "print_station")["code"]
        device = staff.pair_device(code, STATION_NAME, "print_station")
        printing.set_station_printers(self.store_id, device["device_id"],
                                      [{"role": role, "profile": profile} for role, profile in PROFILES.items()],
                                      actor="local-stack")

        shutil.rmtree(self.bridge_dir, ignore_errors=True)
        self.bridge_dir.mkdir(parents=True)
        uri = f"tcp://127.0.0.1:{self._printer.port}"
        config = BridgeConfig(path=self.bridge_dir / "config.json", api_url=self.api_url,
                              device_id=device["device_id"], device_token=device["device_token"],
                              store_id=self.store_id, store_name=self.store_name, name=STATION_NAME,
                              printers={role: PrinterSetup(uri, profile) for role, profile in PROFILES.items()})
        config.save()
        self._log = open(self.bridge_dir / "bridge.log", "w")
        self._bridge = subprocess.Popen(
            [sys.executable, "-m", "print_bridge", "--config", str(config.path), "run", "--poll", str(POLL_SECONDS)],
            cwd=ROOT, stdout=self._log, stderr=subprocess.STDOUT)
        return {"print_station_id": device["device_id"], "fake_printer_port": self._printer.port,
                "prints_dir": str(self.prints_dir), "print_bridge_config": str(config.path),
                "print_bridge_log": str(self.bridge_dir / "bridge.log")}

    def stop(self) -> None:
        if self._bridge is not None and self._bridge.poll() is None:
            self._bridge.terminate()  # SIGTERM: the bridge finishes the job in hand, then exits
            try:
                self._bridge.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._bridge.kill()
                self._bridge.wait()
        if self._printer is not None:
            self._printer.stop()
        if self._log is not None:
            self._log.close()
