"""The command line, in-process and as a real ``python -m print_bridge`` process."""
from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from infra.local.fake_printer import FakePrinter
from print_bridge.cli import main
from print_bridge.encoders import PrintOptions, encode
from print_bridge.profiles import BUILTIN_PROFILES
from print_bridge.raster import rasterize_pdf
from tests.bridge.cloud_peer import CloudPeer

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def receipt_file(tmp_path: Path, receipt_pdf: bytes) -> Path:
    path = tmp_path / "receipt.pdf"
    path.write_bytes(receipt_pdf)
    return path


def test_render_writes_the_printer_bytes(tmp_path: Path, receipt_file: Path, receipt_pdf: bytes) -> None:
    out = tmp_path / "out.bin"
    assert main(["render", str(receipt_file), "--profile", "escpos-80", "-o", str(out), "--copies", "2"]) == 0
    profile = BUILTIN_PROFILES["escpos-80"]
    assert out.read_bytes() == encode(rasterize_pdf(receipt_pdf, profile), profile, PrintOptions(copies=2))


def test_render_refuses_a_broken_pdf(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"%PDF-1.4 nope")
    assert main(["render", str(bad), "--profile", "zpl-100x150", "-o", str(tmp_path / "x")]) == 1
    assert "bad.pdf: cannot open PDF" in capsys.readouterr().err
    assert not (tmp_path / "x").exists()


def test_unknown_profile_is_an_error(receipt_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["render", str(receipt_file), "--profile", "escpos-76", "-o", str(tmp_path / "x")]) == 1
    assert "unknown profile 'escpos-76'" in capsys.readouterr().err


def test_print_to_a_network_printer(receipt_file: Path, receipt_pdf: bytes, printer: FakePrinter) -> None:
    uri = f"tcp://127.0.0.1:{printer.port}"
    assert main(["print", str(receipt_file), "--printer", uri, "--profile", "escpos-80", "--drawer"]) == 0
    job = printer.wait_for_jobs(1)[0]
    expected = rasterize_pdf(receipt_pdf, BUILTIN_PROFILES["escpos-80"])[0].to_picture()
    assert job.pages[0].image.tobytes() == expected.tobytes()
    assert job.drawer_kicks == [2]


def test_print_to_a_switched_off_printer_fails_clearly(
    receipt_file: Path, printer: FakePrinter, capsys: pytest.CaptureFixture
) -> None:
    printer.stop()
    uri = f"tcp://127.0.0.1:{printer.port}"
    assert main(["print", str(receipt_file), "--printer", uri, "--profile", "escpos-80"]) == 1
    assert "cannot connect to printer" in capsys.readouterr().err


def test_test_page_to_a_given_printer(printer: FakePrinter) -> None:
    uri = f"tcp://127.0.0.1:{printer.port}"
    assert main(["test-page", "--printer", uri, "--profile", "zpl-100x150"]) == 0
    job = printer.wait_for_jobs(1)[0]
    assert job.language == "zpl" and job.pages[0].image.size == (800, 1200)


def test_status(printer: FakePrinter, capsys: pytest.CaptureFixture) -> None:
    uri = f"tcp://127.0.0.1:{printer.port}"
    assert main(["status", "--printer", uri]) == 0
    printer.paper_end = True
    assert main(["status", "--printer", uri]) == 1
    assert capsys.readouterr().out.splitlines() == [f"{uri}: ready", f"{uri}: printer is out of paper"]


def test_pair_set_printer_test_page_and_run_once(
    tmp_path: Path, cloud: CloudPeer, printer: FakePrinter, receipt_pdf: bytes, capsys: pytest.CaptureFixture
) -> None:
    config = tmp_path / "bridge" / "config.json"
    base = ["--config", str(config)]
    assert main([*base, "pair", "abc123", "--api", cloud.url, "--name", "PC Kasir"]) == 0
    saved = json.loads(config.read_text())
    assert saved["device_token"] in cloud.tokens and saved["store_name"] == "Toko Demo"
    assert saved["printers"] == {
        "label": {"uri": None, "profile": "tspl-100x150"},
        "receipt": {"uri": None, "profile": "escpos-80"},
    }
    if os.name == "posix":
        assert stat.S_IMODE(config.stat().st_mode) == 0o600  # it holds the device token

    uri = f"tcp://127.0.0.1:{printer.port}"
    assert main([*base, "set-printer", "receipt", uri]) == 0
    assert main([*base, "test-page"]) == 0  # every configured printer
    assert printer.wait_for_jobs(1)[0].pages[0].image.width == 576

    job = cloud.add_job(receipt_pdf)
    assert main([*base, "run", "--once"]) == 0
    assert cloud.jobs[job].state == "printed"
    assert len(printer.wait_for_jobs(2)) == 2


@pytest.mark.parametrize("code, message", [("ZZZ000", "Kode pairing tidak dikenal"), ("OLD999", "kedaluwarsa")])
def test_pairing_refused(tmp_path: Path, cloud: CloudPeer, capsys: pytest.CaptureFixture, code: str, message: str) -> None:
    config = tmp_path / "config.json"
    assert main(["--config", str(config), "pair", code, "--api", cloud.url]) == 1
    assert message in capsys.readouterr().err
    assert not config.exists()


def test_pairing_code_works_once(tmp_path: Path, cloud: CloudPeer, capsys: pytest.CaptureFixture) -> None:
    assert main(["--config", str(tmp_path / "a.json"), "pair", "ABC123", "--api", cloud.url]) == 0
    assert main(["--config", str(tmp_path / "b.json"), "pair", "ABC123", "--api", cloud.url]) == 1
    assert "sudah dipakai" in capsys.readouterr().err


def test_run_needs_pairing_and_a_printer(tmp_path: Path, cloud: CloudPeer, capsys: pytest.CaptureFixture) -> None:
    config = tmp_path / "config.json"
    assert main(["--config", str(config), "run", "--once"]) == 1
    assert "pair CODE" in capsys.readouterr().err
    assert main(["--config", str(config), "pair", "ABC123", "--api", cloud.url]) == 0
    assert main(["--config", str(config), "run", "--once"]) == 1
    assert "no printer configured" in capsys.readouterr().err


def test_profiles_lists_builtins_and_local_ones(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    config = tmp_path / "config.json"
    config.write_text(json.dumps({"profiles": [{"name": "xp80-slow", "base": "escpos-80", "band_height": 256}]}))
    assert main(["--config", str(config), "profiles"]) == 0
    names = {p["name"]: p for p in json.loads(capsys.readouterr().out)}
    assert set(names) == {"escpos-58", "escpos-80", "tspl-100x150", "zpl-100x150", "xp80-slow"}
    assert names["xp80-slow"]["band_height"] == 256


def test_run_process_prints_then_stops_cleanly_on_sigterm(
    tmp_path: Path, cloud: CloudPeer, printer: FakePrinter, receipt_pdf: bytes
) -> None:
    config = tmp_path / "config.json"
    config.write_text(
        json.dumps(
            {
                "api_url": cloud.url,
                "device_token": cloud.issue_token(),
                "printers": {"receipt": {"uri": f"tcp://127.0.0.1:{printer.port}", "profile": "escpos-80"}},
            }
        )
    )
    job = cloud.add_job(receipt_pdf)
    process = subprocess.Popen(
        [sys.executable, "-m", "print_bridge", "--config", str(config), "run", "--poll", "0.2"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert len(printer.wait_for_jobs(1, timeout=15)) == 1
        deadline = time.monotonic() + 5
        while cloud.jobs[job].state != "printed" and time.monotonic() < deadline:
            time.sleep(0.05)
        assert cloud.jobs[job].state == "printed"
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=10)
    finally:
        process.kill()
    assert process.returncode == 0
    assert "print bridge stopped" in stderr
