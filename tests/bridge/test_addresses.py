"""Attack (issue 15, part 8): the bridge is pointed at a plain-http API, or handed a job whose PDF
address is a local file, FTP, another machine, or a redirect to one. It sends its token only over
HTTPS (http on loopback only), fetches PDFs only from the API's origin or presigned S3 URLs, and a
refused address fails that one job with the reason, while the agent goes on printing."""
from __future__ import annotations

import json
import logging
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Iterator

import pytest

from infra.local.fake_printer import FakePrinter
from print_bridge.addresses import AddressRefused, check_api_url, check_pdf_url
from print_bridge.api import ApiClient, ApiError, DownloadError
from print_bridge.cli import main
from tests.bridge.cloud_peer import CloudPeer
from tests.bridge.test_agent import acks, make_agent, tcp

SIG = "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Expires=60&X-Amz-Signature=0f1e2d3c"
API = "https://kasir.example.id/api"


@pytest.mark.parametrize("url", [
    "http://kasir.example.id/api",          # the device token in clear text over the shop's Wi-Fi
    "http://192.168.1.10:8000/api",
    "http://127.0.0.1.nip.io/api",          # a name that resolves to loopback is still a name
    "ftp://kasir.example.id/api",
    "file:///etc/passwd",
    "kasir.example.id/api",
    "https://admin:secret@kasir.example.id/api",
    "https://kasir.example.id:notaport/api",
])
def test_the_bridge_refuses_an_api_address_that_is_not_https(url: str) -> None:
    with pytest.raises(AddressRefused):
        ApiClient(url, "tok")


@pytest.mark.parametrize("url", [
    API, "https://kasir.example.id:8443/api/",
    "http://127.0.0.1:8000/api", "http://127.9.9.9/api", "http://localhost:8000/api", "http://[::1]:8000/api",
])
def test_https_anywhere_and_http_on_this_machine_are_fine(url: str) -> None:
    assert ApiClient(url, "tok").base_url == url.rstrip("/")


def test_pairing_with_a_plain_http_api_stops_before_the_code_is_sent(tmp_path: Path, cloud: CloudPeer,
                                                                     capsys: pytest.CaptureFixture) -> None:
    config = tmp_path / "config.json"
    assert main(["--config", str(config), "pair", "ABC123", "--api", "http://kasir.example.id/api"]) == 1
    err = capsys.readouterr().err
    assert "plain http" in err and "use https://" in err
    assert not config.exists()
    # The same code still pairs over a permitted address: nothing was spent on the refused one.
    assert main(["--config", str(config), "pair", "ABC123", "--api", cloud.url]) == 0


def test_run_refuses_a_config_that_points_at_a_plain_http_api(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    config = tmp_path / "config.json"
    config.write_text(json.dumps({"api_url": "http://kasir.example.id/api", "device_token": "tok",
                                  "printers": {"receipt": {"uri": "tcp://127.0.0.1:9", "profile": "escpos-80"}}}))
    assert main(["--config", str(config), "run", "--once"]) == 1
    assert "plain http" in capsys.readouterr().err


@pytest.mark.parametrize("url", [
    f"{API}/print/jobs/j1/pdf",                                              # the API's own origin
    f"https://s3.ap-southeast-3.amazonaws.com/sambung-prod-files/print/j1.pdf?{SIG}",  # path style
    f"https://s3.amazonaws.com/sambung-prod-files/print/j1.pdf?{SIG}",       # us-east-1, path style
    f"https://sambung-prod-files.s3.amazonaws.com/print/j1.pdf?{SIG}",
    f"https://sambung-prod-files.s3.ap-southeast-3.amazonaws.com/print/j1.pdf?{SIG}",
])
def test_pdfs_come_from_the_api_or_presigned_s3(url: str) -> None:
    assert check_pdf_url(url, API) == url


@pytest.mark.parametrize("url", [
    "file:///etc/passwd",
    "file://localhost/C:/Users/kasir/AppData/Roaming/Sambung/PrintBridge/config.json",
    "ftp://files.example.id/receipt.pdf",
    "data:application/pdf;base64,JVBERi0xLjQK",
    f"https://evil.example.com/r.pdf?{SIG}",                                 # signed, but not S3
    "https://s3.ap-southeast-3.amazonaws.com/sambung-prod-files/print/j1.pdf",  # S3, but not presigned
    f"http://s3.ap-southeast-3.amazonaws.com/sambung-prod-files/print/j1.pdf?{SIG}",  # not https
    f"https://s3.amazonaws.com.evil.example/print/j1.pdf?{SIG}",
    f"https://s3.amazonaws.com@evil.example/print/j1.pdf?{SIG}",
    "http://169.254.169.254/latest/meta-data/iam/security-credentials/",
    "http://192.168.1.1/cgi-bin/config.exp",                                 # the shop's router
    "https://kasir.example.id:8443/api/print/jobs/j1/pdf",                   # the API's host, another port
    "http://kasir.example.id/api/print/jobs/j1/pdf",                         # the API's host, downgraded
    f"http://127.0.0.1:5000/sambung-prod-files/print/j1.pdf?{SIG}",          # loopback S3 with a remote API
])
def test_any_other_pdf_address_is_refused(url: str) -> None:
    with pytest.raises(AddressRefused) as refused:
        check_pdf_url(url, API)
    assert "refused PDF address" in str(refused.value)
    assert "0f1e2d3c" not in str(refused.value), "a presigned URL's signature stays out of logs"


def test_the_local_stack_s3_on_loopback_counts_while_the_api_is_on_loopback() -> None:
    moto = f"http://127.0.0.1:5000/sambung-local-files/print/j1.pdf?{SIG}"
    assert check_pdf_url(moto, "http://127.0.0.1:8000/api") == moto
    with pytest.raises(AddressRefused):  # unsigned: a loopback service, not S3
        check_pdf_url("http://127.0.0.1:5000/admin", "http://127.0.0.1:8000/api")


@pytest.fixture
def other_host() -> Iterator[CloudPeer]:
    """Stands in for a machine the bridge must never be sent to: it records every request it gets."""
    peer = CloudPeer().start()
    yield peer
    peer.stop()


def test_refused_pdf_addresses_fail_their_jobs_and_the_agent_prints_on(
    tmp_path: Path, cloud: CloudPeer, other_host: CloudPeer, printer: FakePrinter, receipt_pdf: bytes,
    caplog: pytest.LogCaptureFixture,
) -> None:
    secret = tmp_path / "secret.pdf"
    secret.write_bytes(receipt_pdf)  # a perfectly printable file: only the address decides
    other_job = other_host.add_job(receipt_pdf)
    elsewhere = f"{other_host.url.removesuffix('/api')}/files/{other_job}.pdf"
    hostile = {
        cloud.add_job(receipt_pdf, pdf_url=secret.as_uri()): "file",
        cloud.add_job(receipt_pdf, pdf_url="ftp://127.0.0.1/receipt.pdf"): "ftp",
        cloud.add_job(receipt_pdf, pdf_url=elsewhere): "another host",
        cloud.add_job(receipt_pdf, pdf_redirect=secret.as_uri()): "redirect to a file",
        cloud.add_job(receipt_pdf, pdf_redirect=elsewhere): "redirect to another host",
    }
    good = cloud.add_job(receipt_pdf)
    agent = make_agent(tmp_path, cloud.url, cloud.issue_token(), {"receipt": (tcp(printer), "escpos-80")})

    with caplog.at_level(logging.WARNING, logger="print_bridge"):
        assert agent.run(once=True) == 0

    assert acks(cloud) == [*[(job, "failed") for job in hostile], (good, "printed")]
    for job, what in hostile.items():
        assert "refused PDF address" in cloud.jobs[job].reason, what
        assert cloud.jobs[job].state == "failed", what
    assert len(printer.wait_for_jobs(1)) == 1  # only the good job reached the printer
    assert other_host.requests == [], "the bridge never called the other machine"
    logged = [r.getMessage() for r in caplog.records if "refused PDF address" in r.getMessage()]
    assert len(logged) == len(hostile)


def test_a_download_refused_is_permanent_so_the_job_is_not_offered_again(cloud: CloudPeer) -> None:
    api = ApiClient(cloud.url, cloud.issue_token())
    with pytest.raises(DownloadError) as refused:
        api.fetch_pdf("file:///etc/passwd", 1000)
    assert refused.value.permanent and "refused PDF address 'file:///etc/passwd'" in str(refused.value)


class _Redirector(BaseHTTPRequestHandler):
    location = ""

    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        self.send_response(302)  # urllib follows a GET's redirect with every header, Authorization too
        self.send_header("Location", self.location)
        self.send_header("Content-Length", "0")
        self.end_headers()


def test_the_api_may_not_redirect_the_device_token_to_another_origin(other_host: CloudPeer) -> None:
    handler = type("Handler", (_Redirector,), {"location": other_host.url + "/print/station"})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        api = ApiClient(f"http://127.0.0.1:{server.server_address[1]}/api", "tok-secret")
        with pytest.raises(ApiError) as refused:
            api.station()
        assert refused.value.code == "redirect_refused"
        assert other_host.requests == []
    finally:
        server.shutdown()
        server.server_close()
