"""Printing on the running local stack: a cash sale's receipt comes out of the fake printer with a
QR that opens the digital receipt, and the real bridge CLI (``pair``, ``set-printer``, ``run --once``)
prints a queued job through the real API, keeping it when the printer is off."""
from __future__ import annotations

import json
import subprocess
import sys
import uuid
from pathlib import Path

import zxingcpp
from PIL import Image

from infra.local.fake_printer import FakePrinter
from infra.local.stack import free_port
from tests.e2e.webclient import Http
from tests.helpers import wait_until

ROOT = Path(__file__).resolve().parents[2]


def _wait(fn, timeout=25.0):
    return wait_until(fn, timeout=timeout, step=0.3)


def _qr_texts(path: Path) -> list[str]:
    with Image.open(path) as image:
        return [r.text for r in zxingcpp.read_barcodes(image.convert("L")) if r.format == zxingcpp.BarcodeFormat.QRCode]


def test_a_cash_sale_prints_its_receipt_with_the_digital_receipt_qr(stack):
    http = Http(stack.url)
    prints = Path(stack.state["prints_dir"])
    before = set(prints.glob("*.png"))
    cashier = http.login_as(stack.state, "cashier")
    product = stack.state["products"][1]
    status, order, _ = http.post("/api/sales", {"items": [{"barcode": product["barcode"], "qty": 3}],
                                                "payment_method": "CASH"},
                                 auth=cashier, headers={"Idempotency-Key": str(uuid.uuid4())})
    assert status == 201, order
    status, done, _ = http.post(f"/api/sales/{order['order_id']}/cash", {"amount_received": order["total"] + 5_000},
                                auth=cashier, headers={"Idempotency-Key": str(uuid.uuid4())})
    assert status == 200 and done["status"] == "COMPLETED", done
    receipt_url = f"{stack.url}/receipt.html#{done['receipt_token']}"

    def our_receipt():
        for path in sorted(set(prints.glob("*.png")) - before):
            if receipt_url in _qr_texts(path):
                return path
        return None

    png = _wait(our_receipt)
    assert "escpos" in png.name
    admin = http.login_as(stack.state, "admin")
    _, listed, _ = http.get("/api/print/jobs?status=PRINTED", auth=admin)
    assert any(j["title"] == f"Struk {order['order_no']}" and j["kind"] == "receipt" for j in listed["jobs"])


def _bridge(config: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "print_bridge", "--config", str(config), *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)


def _put_printers(http: Http, admin: str, station_id: str, printers: dict[str, str]) -> None:
    body = {"printers": [{"role": role, "profile": profile} for role, profile in printers.items()]}
    status, answer, _ = http.call("PUT", f"/api/print/stations/{station_id}/printers", body, auth=admin)
    assert status == 200, answer


def test_the_real_bridge_prints_a_queued_job_and_keeps_it_while_the_printer_is_off(stack, tmp_path):
    http = Http(stack.url)
    admin = http.login_as(stack.state, "admin")
    _, code, _ = http.post("/api/devices/pairing-codes", {"kind": "print_station"}, auth=admin)
    config = tmp_path / "bridge" / "config.json"
    paired = _bridge(config, "pair", code["code"], "--api", f"{stack.url}/api", "--name", "PC Gudang E2E")
    assert paired.returncode == 0, paired.stderr
    _, station, _ = http.get("/api/print/station", auth=f"Device {_token(config)}")
    auto = stack.state["print_station_id"]
    port = free_port()
    assert _bridge(config, "set-printer", "label", f"tcp://127.0.0.1:{port}").returncode == 0

    # Labels move to the new station for this test; the stack's own bridge keeps printing receipts.
    _put_printers(http, admin, auto, {"receipt": "escpos-80"})
    _put_printers(http, admin, station["station_id"], {"label": "tspl-100x150"})
    try:
        status, job, _ = http.post("/api/print/test-page", {"role": "label"}, auth=admin,
                                   headers={"Idempotency-Key": str(uuid.uuid4())})
        assert status == 201, job

        # Printer off: nothing is printed or failed; the job is given back and waits.
        off = _bridge(config, "run", "--once")
        assert off.returncode == 0, off.stderr
        mine = _job(http, admin, job["job_id"])
        assert mine["status"] == "QUEUED" and mine["attempts"] == 1 and "unavailable" in mine["note"], mine

        with FakePrinter(port=port, out_dir=tmp_path / "prints") as printer:
            on = _bridge(config, "run", "--once")
            assert on.returncode == 0, on.stderr
            [received] = printer.wait_for_jobs(1)
        assert received.language == "tspl" and len(received.pages) == 1
        scanned = zxingcpp.read_barcodes(received.pages[0].image.convert("L"))
        assert [r.text for r in scanned] == ["tspl-100x150"], "the cloud's test page, printed by the bridge"
        mine = _job(http, admin, job["job_id"])
        assert mine["status"] == "PRINTED" and mine["attempts"] == 2 and mine["station_name"] == "PC Gudang E2E"
    finally:
        _put_printers(http, admin, auto, {"receipt": "escpos-80", "label": "tspl-100x150"})
        http.post(f"/api/devices/{station['station_id']}/revoke", auth=admin)


def _token(config: Path) -> str:
    return json.loads(config.read_text())["device_token"]


def _job(http: Http, admin: str, job_id: str) -> dict:
    _, listed, _ = http.get("/api/print/jobs?limit=200", auth=admin)
    return next(j for j in listed["jobs"] if j["job_id"] == job_id)
