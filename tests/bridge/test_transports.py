"""Transports: printer URIs, refused and broken connections, device and plain files."""
from __future__ import annotations

import socket
import struct
import threading
from pathlib import Path

import pytest

from print_bridge.transports import (
    FileTransport,
    PrinterUnavailable,
    PrintInterrupted,
    TcpTransport,
    Timeouts,
    open_transport,
)


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_uri_forms() -> None:
    tcp = open_transport("tcp://192.168.1.50")
    assert isinstance(tcp, TcpTransport) and (tcp.host, tcp.port) == ("192.168.1.50", 9100)
    assert open_transport("tcp://printer.local:9101").port == 9101
    assert open_transport("tcp://[::1]:9100").host == "::1"
    device = open_transport("dev:/dev/usb/lp0")
    assert isinstance(device, FileTransport) and (device.path, device.mode) == ("/dev/usb/lp0", "wb")
    spool = open_transport("file:///tmp/out.bin")
    assert isinstance(spool, FileTransport) and (spool.path, spool.mode) == ("/tmp/out.bin", "ab")


@pytest.mark.parametrize("uri", ["192.168.1.50:9100", "tcp://", "usb:/dev/usb/lp0", "dev:", "tcp://host:notaport"])
def test_bad_uris_are_refused(uri: str) -> None:
    with pytest.raises(ValueError):
        open_transport(uri)


def test_refused_connection_means_nothing_was_sent() -> None:
    transport = open_transport(f"tcp://127.0.0.1:{_closed_port()}", Timeouts(connect=1))
    with pytest.raises(PrinterUnavailable, match="cannot connect"):
        transport.send(b"\x1b@", query_status=True)


def test_connection_broken_mid_job_is_an_interruption() -> None:
    server = socket.create_server(("127.0.0.1", 0))

    def accept_then_reset() -> None:
        conn, _ = server.accept()
        conn.recv(1024)
        # SO_LINGER 0: close with a reset, like a printer rebooting mid-job.
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        conn.close()

    threading.Thread(target=accept_then_reset, daemon=True).start()
    with server:
        transport = open_transport(f"tcp://127.0.0.1:{server.getsockname()[1]}", Timeouts(write=5))
        with pytest.raises(PrintInterrupted, match="broke while sending"):
            transport.send(b"\x00" * 50_000_000)


def test_file_transport_appends_jobs(tmp_path: Path) -> None:
    target = tmp_path / "spool.bin"
    transport = open_transport(f"file:{target}")
    transport.send(b"job1")
    transport.send(b"job2")
    assert target.read_bytes() == b"job1job2"
    assert transport.query_status() is None


def test_device_transport_writes_each_job_whole(tmp_path: Path) -> None:
    device = tmp_path / "lp0"
    transport = open_transport(f"dev:{device}")
    transport.send(b"first")
    transport.send(b"second")
    assert device.read_bytes() == b"second"


def test_missing_device_is_unavailable(tmp_path: Path) -> None:
    with pytest.raises(PrinterUnavailable, match="cannot write"):
        open_transport(f"dev:{tmp_path / 'no' / 'lp0'}").send(b"x")


def test_a_device_that_never_accepts_data_times_out(tmp_path: Path) -> None:
    import os

    fifo = tmp_path / "stuck"
    os.mkfifo(fifo)  # opening a FIFO for writing blocks until a reader appears: a hung device
    transport = open_transport(f"dev:{fifo}", Timeouts(connect=0.2, write=0.2))
    with pytest.raises(PrinterUnavailable, match="did not accept the job"):
        transport.send(b"x")
    with open(fifo, "rb"):  # release the blocked writer thread
        pass
