"""The polling agent against the cloud peer and a fake printer over loopback."""
from __future__ import annotations

import io
import socket
from pathlib import Path
from typing import Any, Callable

import pytest
from reportlab.pdfgen import canvas

from infra.local.fake_printer import FakePrinter
from print_bridge.agent import EXIT_CLOUD_ERROR, EXIT_UNAUTHORIZED, Agent, AgentSettings, Backoff
from print_bridge.api import ApiClient
from print_bridge.config import BridgeConfig, PrinterSetup
from print_bridge.journal import Journal
from print_bridge.profiles import BUILTIN_PROFILES
from print_bridge.raster import rasterize_pdf
from print_bridge.status import PrinterStatus
from print_bridge.transports import PrintInterrupted, SendResult, Timeouts
from tests.bridge.cloud_peer import CloudPeer


class Clock:
    """The agent's monotonic clock, moved by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class RecordingStop:
    """Stands in for the stop event: records every wait and stops the loop after ``limit``."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.waits: list[float] = []

    def is_set(self) -> bool:
        return len(self.waits) >= self.limit

    def wait(self, seconds: float) -> bool:
        self.waits.append(seconds)
        return self.is_set()


def make_agent(
    tmp_path: Path,
    api_url: str,
    token: str,
    printers: dict[str, tuple[str, str]],
    clock: Clock | None = None,
    stop: Any = None,
    transport_factory: Callable | None = None,
    **settings: Any,
) -> Agent:
    config = BridgeConfig(
        path=tmp_path / "config.json",
        api_url=api_url,
        device_token=token,
        printers={role: PrinterSetup(uri, profile) for role, (uri, profile) in printers.items()},
    )
    extra = {"transport_factory": transport_factory} if transport_factory else {}
    return Agent(
        ApiClient(api_url, token, timeout=5),
        config,
        Journal(tmp_path / "journal.jsonl"),
        AgentSettings(timeouts=Timeouts(connect=1, write=5, status=1), **settings),
        stop=stop,
        clock=clock or Clock(),
        rand=lambda: 1.0,
        **extra,
    )


def tcp(printer: FakePrinter) -> str:
    return f"tcp://127.0.0.1:{printer.port}"


def both_roles(printer: FakePrinter) -> dict[str, tuple[str, str]]:
    return {"receipt": (tcp(printer), "escpos-80"), "label": (tcp(printer), "tspl-100x150")}


def acks(cloud: CloudPeer) -> list[tuple[str, str]]:
    return [(job_id, body["status"]) for job_id, body in cloud.acks]


def test_prints_waiting_jobs_and_acknowledges(
    tmp_path: Path, cloud: CloudPeer, printer: FakePrinter, receipt_pdf: bytes, label_pdf: bytes
) -> None:
    receipt = cloud.add_job(receipt_pdf, role="receipt", copies=2, drawer_kick=True)
    label = cloud.add_job(label_pdf, role="label", kind="label", profile="tspl-100x150")
    agent = make_agent(tmp_path, cloud.url, cloud.issue_token(), both_roles(printer))

    assert agent.run(once=True) == 0

    jobs = printer.wait_for_jobs(2)
    assert [job.language for job in jobs] == ["escpos", "tspl"]
    assert len(jobs[0].pages) == 2 and jobs[0].drawer_kicks == [2]
    expected = rasterize_pdf(receipt_pdf, BUILTIN_PROFILES["escpos-80"])[0].to_picture()
    assert jobs[0].pages[0].image.tobytes() == expected.tobytes()
    assert acks(cloud) == [(receipt, "printed"), (label, "printed")]
    assert cloud.jobs[receipt].state == cloud.jobs[label].state == "printed"


def test_offline_printer_leaves_the_job_to_be_offered_again(
    tmp_path: Path, cloud: CloudPeer, receipt_pdf: bytes
) -> None:
    printer = FakePrinter(out_dir=tmp_path / "prints").start()
    port = printer.port
    printer.stop()  # the printer is switched off: connections are refused
    job = cloud.add_job(receipt_pdf)
    clock = Clock()
    agent = make_agent(tmp_path, cloud.url, cloud.issue_token(), {"receipt": (tcp(printer), "escpos-80")}, clock)

    assert agent.run(once=True) == 0
    assert acks(cloud) == []  # not failed: nothing went wrong with the job itself
    assert cloud.jobs[job].state == "leased"

    with FakePrinter(port=port, out_dir=tmp_path / "prints") as back_on:
        assert agent.run(once=True) == 0  # the receipt role is still pausing: not even claimed
        assert cloud.jobs[job].claims == 1
        clock.now += 5  # the printer's first retry delay
        cloud.advance(61)  # the lease runs out in the cloud
        assert agent.run(once=True) == 0
        assert len(back_on.wait_for_jobs(1)) == 1
    assert acks(cloud) == [(job, "printed")]
    assert cloud.jobs[job].claims == 2


def test_open_cover_is_waited_out_not_failed(
    tmp_path: Path, cloud: CloudPeer, printer: FakePrinter, receipt_pdf: bytes
) -> None:
    printer.cover_open = True
    job = cloud.add_job(receipt_pdf)
    clock = Clock()
    agent = make_agent(tmp_path, cloud.url, cloud.issue_token(), {"receipt": (tcp(printer), "escpos-80")}, clock)
    agent.run(once=True)
    assert acks(cloud) == [] and printer.jobs == []

    printer.cover_open = False
    clock.now += 5
    cloud.advance(61)
    agent.run(once=True)
    assert acks(cloud) == [(job, "printed")]
    assert len(printer.wait_for_jobs(1)) == 1


def test_one_printer_down_does_not_hold_up_the_other(
    tmp_path: Path, cloud: CloudPeer, printer: FakePrinter, receipt_pdf: bytes, label_pdf: bytes
) -> None:
    receipt = cloud.add_job(receipt_pdf, role="receipt")
    label = cloud.add_job(label_pdf, role="label", profile="tspl-100x150")
    printers = {"receipt": ("tcp://127.0.0.1:1", "escpos-80"), "label": (tcp(printer), "tspl-100x150")}
    agent = make_agent(tmp_path, cloud.url, cloud.issue_token(), printers)
    agent.run(once=True)
    assert acks(cloud) == [(label, "printed")]
    assert cloud.jobs[receipt].state == "leased"


@pytest.mark.parametrize(
    "pdf, reason",
    [
        (b"%PDF-1.4\nthis is not a document\n", "malformed PDF: cannot open PDF"),
        (b"<html>Access Denied</html>", "malformed PDF: not a PDF"),
    ],
)
def test_malformed_pdf_fails_with_a_reason_and_the_next_job_prints(
    tmp_path: Path, cloud: CloudPeer, printer: FakePrinter, receipt_pdf: bytes, pdf: bytes, reason: str
) -> None:
    bad = cloud.add_job(pdf)
    good = cloud.add_job(receipt_pdf)
    agent = make_agent(tmp_path, cloud.url, cloud.issue_token(), both_roles(printer))
    assert agent.run(once=True) == 0
    assert acks(cloud) == [(bad, "failed"), (good, "printed")]
    assert cloud.jobs[bad].reason.startswith(reason)
    assert len(printer.wait_for_jobs(1)) == 1


def test_blank_pdf_and_bad_job_fields_fail_with_reasons(
    tmp_path: Path, cloud: CloudPeer, printer: FakePrinter, receipt_pdf: bytes
) -> None:
    blank = cloud.add_job(_blank_pdf())
    zero = cloud.add_job(receipt_pdf, copies=0)
    agent = make_agent(tmp_path, cloud.url, cloud.issue_token(), both_roles(printer))
    agent.run(once=True)
    assert acks(cloud) == [(blank, "failed"), (zero, "failed")]
    assert cloud.jobs[blank].reason == "nothing to print: every page of the PDF is blank"
    assert "copies must be 1..99" in cloud.jobs[zero].reason
    assert printer.jobs == []


def _blank_pdf() -> bytes:
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=(226, 300), invariant=1)
    c.showPage()
    c.save()
    return buf.getvalue()


def test_a_lost_lease_is_never_printed_twice(
    tmp_path: Path, cloud: CloudPeer, printer: FakePrinter, receipt_pdf: bytes
) -> None:
    job = cloud.add_job(receipt_pdf)
    cloud.fail("POST", f"/api/print/jobs/{job}/ack", 409)  # another claim took it meanwhile
    agent = make_agent(tmp_path, cloud.url, cloud.issue_token(), both_roles(printer))
    agent.run(once=True)
    cloud.advance(61)  # the cloud offers it again
    agent.run(once=True)
    assert len(printer.wait_for_jobs(1)) == 1
    # Two acknowledgements were sent (the first refused with 409), one print.
    assert [path for method, path in cloud.requests if path.endswith("/ack")] == [f"/api/print/jobs/{job}/ack"] * 2
    assert cloud.jobs[job].claims == 2 and cloud.jobs[job].state == "printed"


def test_undelivered_ack_is_retried_from_the_journal_after_a_restart(
    tmp_path: Path, cloud: CloudPeer, printer: FakePrinter, receipt_pdf: bytes
) -> None:
    job = cloud.add_job(receipt_pdf)
    cloud.fail("POST", f"/api/print/jobs/{job}/ack", 503, times=2)
    token = cloud.issue_token()
    agent = make_agent(tmp_path, cloud.url, token, both_roles(printer))
    assert agent.run(once=True) == EXIT_CLOUD_ERROR  # printed, but the cloud is failing
    assert cloud.jobs[job].state == "leased"

    cloud.advance(61)  # the lease has run out too; the job would be offered again
    restarted = make_agent(tmp_path, cloud.url, token, both_roles(printer))
    assert restarted.run(once=True) == 0
    assert cloud.jobs[job].state == "printed" and cloud.jobs[job].claims == 1  # acked before claiming
    assert len(printer.wait_for_jobs(1)) == 1


def test_job_interrupted_by_a_crash_is_failed_not_reprinted(
    tmp_path: Path, cloud: CloudPeer, printer: FakePrinter, receipt_pdf: bytes
) -> None:
    job = cloud.add_job(receipt_pdf)
    token = cloud.issue_token()
    assert ApiClient(cloud.url, token).claim(["receipt"], 60).job_id == job
    Journal(tmp_path / "journal.jsonl").record(job, "printing")  # the PC lost power mid-send
    agent = make_agent(tmp_path, cloud.url, token, both_roles(printer))
    agent.run(once=True)
    assert acks(cloud) == [(job, "failed")]
    assert "check the printer before reprinting" in cloud.jobs[job].reason
    assert printer.jobs == []


def test_lease_nearly_over_is_not_sent(
    tmp_path: Path, cloud: CloudPeer, printer: FakePrinter, receipt_pdf: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    job = cloud.add_job(receipt_pdf)
    clock = Clock()
    agent = make_agent(tmp_path, cloud.url, cloud.issue_token(), both_roles(printer), clock)
    fetch = agent.api.fetch_pdf

    def slow_fetch(url: str, max_bytes: int) -> bytes:
        clock.now += 55  # a very slow download eats the 60 s lease
        return fetch(url, max_bytes)

    monkeypatch.setattr(agent.api, "fetch_pdf", slow_fetch)
    agent.run(once=True)
    assert acks(cloud) == [] and printer.jobs == []
    assert cloud.jobs[job].state == "leased"


def test_unknown_profile_is_fetched_from_the_station(
    tmp_path: Path, cloud: CloudPeer, printer: FakePrinter, receipt_pdf: bytes
) -> None:
    cloud.station_profiles = [{"name": "shop-58", "base": "escpos-58", "band_height": 200}]
    job = cloud.add_job(receipt_pdf, profile="shop-58")
    missing = cloud.add_job(receipt_pdf, profile="nope")
    agent = make_agent(tmp_path, cloud.url, cloud.issue_token(), both_roles(printer))
    agent.run(once=True)
    assert acks(cloud) == [(job, "printed"), (missing, "failed")]
    assert "unknown profile 'nope'" in cloud.jobs[missing].reason
    printed = printer.wait_for_jobs(1)[0]
    assert printed.pages[0].image.width == 384
    assert sum(event.startswith("raster") for event in printed.events) > 1  # 200-row bands
    assert BridgeConfig.load(tmp_path / "config.json").station_profiles == cloud.station_profiles


def test_pdf_download_failures(tmp_path: Path, cloud: CloudPeer, printer: FakePrinter, receipt_pdf: bytes) -> None:
    gone = cloud.add_job(receipt_pdf, pdf_status=404)
    expired_url = cloud.add_job(receipt_pdf, pdf_status=403)
    agent = make_agent(tmp_path, cloud.url, cloud.issue_token(), both_roles(printer))
    agent.run(once=True)
    assert acks(cloud) == [(gone, "failed")]  # a missing object is final
    assert cloud.jobs[expired_url].state == "leased"  # an expired URL is renewed by the next claim


class _FakeTransport:
    def __init__(self, uri: str, outcome: Callable[[], SendResult]) -> None:
        self.uri = uri
        self.outcome = outcome

    def send(self, data: bytes, query_status: bool = False) -> SendResult:
        return self.outcome()

    def query_status(self) -> None:
        return None


def _interrupted() -> SendResult:
    raise PrintInterrupted("connection to 10.0.0.5:9100 broke while sending: Connection reset by peer")


@pytest.mark.parametrize(
    "outcome, reason",
    [
        (_interrupted, "broke while sending: Connection reset by peer; part of the job may have printed"),
        (
            lambda: SendResult(status_after=PrinterStatus(online=False, paper_end=True)),
            "printer is out of paper right after the job was sent",
        ),
    ],
)
def test_possible_partial_prints_fail_with_advice_to_check(
    tmp_path: Path, cloud: CloudPeer, receipt_pdf: bytes, outcome: Callable, reason: str
) -> None:
    job = cloud.add_job(receipt_pdf)
    agent = make_agent(
        tmp_path,
        cloud.url,
        cloud.issue_token(),
        {"receipt": ("tcp://10.0.0.5:9100", "escpos-80")},
        transport_factory=lambda uri, timeouts: _FakeTransport(uri, outcome),
    )
    agent.run(once=True)
    assert acks(cloud) == [(job, "failed")]
    assert reason in cloud.jobs[job].reason and "check before reprinting" in cloud.jobs[job].reason


def _closed_url() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{s.getsockname()[1]}/api"


def test_backs_off_exponentially_with_a_cap_while_the_cloud_is_unreachable(tmp_path: Path) -> None:
    stop = RecordingStop(limit=9)
    agent = make_agent(tmp_path, _closed_url(), "tok", {"receipt": ("tcp://127.0.0.1:1", "escpos-80")}, stop=stop)
    assert agent.run() == 0
    assert stop.waits == [1, 2, 4, 8, 16, 32, 60, 60, 60]


def test_backoff_jitter_stays_between_half_and_full_delay() -> None:
    low = Backoff(1, 60, rand=lambda: 0.0)
    assert [low.next_delay() for _ in range(8)] == [0.5, 1, 2, 4, 8, 16, 30, 30]


def test_backoff_resets_once_the_cloud_answers(tmp_path: Path, cloud: CloudPeer) -> None:
    cloud.fail("POST", "/api/print/jobs/claim", 503, times=3)
    stop = RecordingStop(limit=6)
    agent = make_agent(
        tmp_path, cloud.url, cloud.issue_token(), {"receipt": ("tcp://127.0.0.1:1", "escpos-80")},
        stop=stop, poll_interval=2.0,
    )
    agent.run()
    assert stop.waits == [1, 2, 4, 2.0, 2.0, 2.0]


def test_revoked_credential_stops_the_agent_and_keeps_owed_acks(
    tmp_path: Path, cloud: CloudPeer, printer: FakePrinter, receipt_pdf: bytes
) -> None:
    job = cloud.add_job(receipt_pdf)
    token = cloud.issue_token()
    agent = make_agent(tmp_path, cloud.url, token, both_roles(printer))
    cloud.fail("POST", f"/api/print/jobs/{job}/ack", 503, times=2)
    assert agent.run(once=True) == EXIT_CLOUD_ERROR  # printed; the acknowledgement not delivered
    cloud.tokens.discard(token)  # the admin revokes the station
    assert agent.run() == EXIT_UNAUTHORIZED
    assert [job_id for job_id, _ in agent.journal.unacked()] == [job]


def test_a_bad_station_profile_does_not_stop_printing(
    tmp_path: Path, cloud: CloudPeer, printer: FakePrinter, receipt_pdf: bytes
) -> None:
    cloud.station_profiles = [{"name": "shop-x", "base": "escpos-80", "language": "pcl"}]
    odd = cloud.add_job(receipt_pdf, profile="shop-x")
    fine = cloud.add_job(receipt_pdf, profile="escpos-80")
    agent = make_agent(tmp_path, cloud.url, cloud.issue_token(), both_roles(printer))
    assert agent.run(once=True) == 0
    assert acks(cloud) == [(odd, "failed"), (fine, "printed")]
    assert "unknown profile 'shop-x'" in cloud.jobs[odd].reason
