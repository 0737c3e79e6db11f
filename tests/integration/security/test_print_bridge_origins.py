"""Attack (issue 15, part 8) with the real app behind the local HTTP front: the print bridge pairs
and claims over HTTP, fetches PDFs from the local S3 (moto on loopback, presigned) and prints; a
cloud that hands out a hostile PDF address gets the job failed with the reason, not a print; and a
plain-http API on a LAN address never receives the pairing code.
(The same rules against a scripted cloud, redirects included: tests/bridge/test_addresses.py.)"""
from __future__ import annotations

import socket
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from infra.local.fake_printer import FakePrinter
from print_bridge.cli import main as bridge_main
from tests.bridge.test_agent import make_agent, tcp
from tests.e2e.webclient import Http

RECEIPT_PDF = Path(__file__).resolve().parents[2] / "bridge" / "fixtures" / "receipt_80.pdf"


@pytest.fixture
def printer(tmp_path: Path):
    with FakePrinter(out_dir=tmp_path / "prints") as fake:
        yield fake


def _pair_station(http: Http, demo: dict) -> str:
    status, device, _ = http.post("/api/devices/pair", {"code": demo["pairing_codes"]["print_station"],
                                                        "name": "PC Kasir", "kind": "print_station"})
    assert status == 201, device
    return device["device_token"]


def _test_page(http: Http, admin: str) -> str:
    status, job, _ = http.post("/api/print/test-page", {"role": "receipt"}, auth=admin,
                               headers={"Idempotency-Key": str(uuid.uuid4())})
    assert status in (200, 201), job
    return job["job_id"]


def _job(http: Http, admin: str, job_id: str) -> dict:
    status, body, _ = http.get("/api/print/jobs", auth=admin)
    assert status == 200, body
    return next(j for j in body["jobs"] if j["job_id"] == job_id)


def test_the_bridge_prints_through_the_local_api_with_the_pdf_from_loopback_s3(front, demo, printer, tmp_path):
    from chalicelib.core.settings import get_settings

    http = Http(front.url)
    token = _pair_station(http, demo)
    admin = http.login_as(demo, "admin")
    job_id = _test_page(http, admin)
    # What the bridge is handed: a presigned URL on moto's loopback port, another origin than the API's.
    moto = urlsplit(get_settings().endpoint_url)
    assert moto.hostname == "127.0.0.1" and moto.port != front.port

    agent = make_agent(tmp_path, front.url + "/api", token, {"receipt": (tcp(printer), "escpos-80")})
    assert agent.run(once=True) == 0

    assert len(printer.wait_for_jobs(1)) == 1
    assert _job(http, admin, job_id)["status"] == "PRINTED"


@pytest.mark.parametrize("hostile", [
    "file://{secret}",
    "https://files.evil.example/receipt.pdf?X-Amz-Signature=0f1e2d3c",
    "http://169.254.169.254/latest/meta-data/iam/security-credentials/",
])
def test_a_hostile_pdf_address_from_the_cloud_fails_the_job_and_prints_nothing(front, demo, printer, tmp_path,
                                                                             monkeypatch, hostile):
    from chalicelib.core import storage

    secret = tmp_path / "secret.pdf"
    secret.write_bytes(RECEIPT_PDF.read_bytes())  # printable: only the address may stop it
    # A cloud that was tampered with, or a job a bug let someone else shape: the claim names this address.
    monkeypatch.setattr(storage, "presigned_get", lambda key, expires_in=300: hostile.format(secret=secret))
    http = Http(front.url)
    token = _pair_station(http, demo)
    admin = http.login_as(demo, "admin")
    job_id = _test_page(http, admin)

    agent = make_agent(tmp_path, front.url + "/api", token, {"receipt": (tcp(printer), "escpos-80")})
    assert agent.run(once=True) == 0

    job = _job(http, admin, job_id)
    assert job["status"] == "FAILED", job
    assert "refused PDF address" in str(job), job
    assert printer.jobs == []


def _lan_address() -> str | None:
    """This machine's address on its network (no packet is sent), or None with loopback only."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect(("192.0.2.1", 9))  # TEST-NET-1: picks the outgoing interface
            address = s.getsockname()[0]
        except OSError:
            return None
    return None if address.startswith("127.") or address == "0.0.0.0" else address


def test_the_bridge_never_sends_its_pairing_code_to_a_plain_http_api_on_the_lan(demo, tmp_path, capsys):
    import app
    from infra.local.gateway import LocalGatewayServer

    address = _lan_address()
    if address is None:
        pytest.skip("this machine has no non-loopback address")
    lan = LocalGatewayServer(app.app, host=address, port=0).start()
    try:
        config = tmp_path / "bridge.json"
        code = demo["pairing_codes"]["print_station"]
        assert bridge_main(["--config", str(config), "pair", code, "--api", f"{lan.url}/api"]) == 1
        assert "plain http" in capsys.readouterr().err and not config.exists()
        # The code was never sent: it still pairs, over https in AWS, here over loopback.
        status, device, _ = Http(lan.url).post("/api/devices/pair", {"code": code, "name": "PC", "kind": "print_station"})
        assert status == 201, device
    finally:
        lan.stop()
