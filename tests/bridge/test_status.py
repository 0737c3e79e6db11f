"""ESC/POS real-time status: parsing DLE EOT answers and asking a printer over TCP."""
from __future__ import annotations

import socket
import threading
import time

import pytest

from infra.local.fake_printer import FakePrinter
from print_bridge.status import (
    PrinterStatus,
    parse_printer_status,
    with_offline_cause,
    with_paper_sensor,
)
from print_bridge.transports import PrinterUnavailable, Timeouts, open_transport


def test_printer_status_byte() -> None:
    assert parse_printer_status(0x12) == PrinterStatus(online=True)
    assert parse_printer_status(0x1A).online is False
    assert parse_printer_status(0x16).drawer_pin3_high is True


@pytest.mark.parametrize(
    "cause, problem",
    [
        (0x12, "printer is offline"),
        (0x16, "printer cover is open"),
        (0x32, "printer is out of paper"),
        (0x52, "printer reports an error"),
    ],
)
def test_offline_cause(cause: int, problem: str) -> None:
    assert with_offline_cause(parse_printer_status(0x1A), cause).problem == problem


def test_paper_sensor() -> None:
    online = parse_printer_status(0x12)
    assert with_paper_sensor(online, 0x1E).paper_near_end is True
    assert with_paper_sensor(online, 0x1E).problem is None  # near end still prints
    assert with_paper_sensor(online, 0x7E).paper_end is True


@pytest.mark.parametrize("value", [0x00, 0xFF, 0x10, 0x02, 0x93])
def test_bytes_without_the_fixed_bits_are_not_status(value: int) -> None:
    with pytest.raises(ValueError, match="not an ESC/POS status byte"):
        parse_printer_status(value)


def test_query_over_tcp_follows_the_printer(printer: FakePrinter) -> None:
    transport = open_transport(f"tcp://127.0.0.1:{printer.port}")
    assert transport.query_status().problem is None
    printer.cover_open = True
    assert transport.query_status().problem == "printer cover is open"
    printer.cover_open, printer.paper_end = False, True
    status = transport.query_status()
    assert (status.online, status.paper_end, status.problem) == (False, True, "printer is out of paper")
    assert printer.wait_for_jobs(0) == []  # status probes are not print jobs


def test_nothing_is_sent_into_an_open_cover(printer: FakePrinter) -> None:
    printer.cover_open = True
    transport = open_transport(f"tcp://127.0.0.1:{printer.port}")
    with pytest.raises(PrinterUnavailable, match="cover is open"):
        transport.send(b"\x1b@\x1bd\x01", query_status=True)
    time.sleep(0.2)
    assert printer.jobs == []


def _silent_sink() -> tuple[socket.socket, list[bytes]]:
    """A port-9100 listener that takes bytes and never answers, like most label printers."""
    server = socket.create_server(("127.0.0.1", 0))
    received: list[bytes] = []

    def serve() -> None:
        while True:
            try:
                conn, _ = server.accept()
            except OSError:
                return
            with conn:
                data = b""
                while chunk := conn.recv(65536):
                    data += chunk
                received.append(data)

    threading.Thread(target=serve, daemon=True).start()
    return server, received


def test_a_printer_that_never_answers_status_is_asked_only_once() -> None:
    server, received = _silent_sink()
    with server:
        transport = open_transport(f"tcp://127.0.0.1:{server.getsockname()[1]}", Timeouts(status=0.3))
        started = time.monotonic()
        result = transport.send(b"\x1b@job1", query_status=True)
        first = time.monotonic() - started
        started = time.monotonic()
        transport.send(b"\x1b@job2", query_status=True)
        second = time.monotonic() - started
    assert result.status_before is None and transport.answers_status is False
    assert first >= 0.3 and second < 0.25
    deadline = time.monotonic() + 2
    while len(received) < 2 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert received == [b"\x10\x04\x01\x1b@job1", b"\x1b@job2"]
