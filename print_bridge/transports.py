"""Getting bytes to a printer: raw TCP (port 9100), a device file, or a plain file.

Printer URIs in the config and on the command line:

* ``tcp://192.168.1.50:9100`` (port defaults to 9100): JetDirect/AppSocket, what network
  receipt and label printers speak. There is no job acknowledgement on this protocol.
* ``dev:/dev/usb/lp0``, ``dev:/dev/ttyUSB0``, ``dev:COM3``, ``dev:\\\\localhost\\POS80``: a
  device opened and written like a file. On Linux the usblp driver exposes USB printers as
  ``/dev/usb/lpN``; serial ports must already be set to the printer's baud rate (``stty`` /
  ``mode``); on Windows a printer shared under a name accepts raw bytes at ``\\\\localhost\\SHARE``
  when its driver is "Generic / Text Only".
* ``file:/path/out.bin``: appended to, like a spool file (handy to capture jobs).

Two failures are kept apart because the agent treats them differently:

* :class:`PrinterUnavailable`: nothing reached the printer (refused, unreachable, or its status
  says cover open / out of paper / offline). Safe to retry later.
* :class:`PrintInterrupted`: the connection broke after sending started; part of the job may be
  on paper, so retrying could print it twice.

On TCP, ESC/POS printers are asked ``DLE EOT`` before sending (refuse to print into a closed
cover) and after (report a problem that showed up). A printer that does not answer within the
status timeout is remembered as not supporting status, so it does not cost every job a wait.
"""
from __future__ import annotations

import logging
import os
import socket
import threading
from dataclasses import dataclass
from typing import Protocol
from urllib.parse import urlsplit

from . import status as escpos_status
from .status import PrinterStatus

log = logging.getLogger(__name__)

DEFAULT_TCP_PORT = 9100


class PrinterUnavailable(Exception):
    """The printer could not take the job and nothing was sent."""


class PrintInterrupted(Exception):
    """Sending failed part-way: the printer may have printed part of the job."""


@dataclass(frozen=True)
class Timeouts:
    connect: float = 5.0
    # Generous: a printer's receive buffer fills while it prints, so a long job writes slowly.
    write: float = 60.0
    status: float = 2.0


@dataclass(frozen=True)
class SendResult:
    """Status the printer reported before and after the job (None: not asked or no answer)."""

    status_before: PrinterStatus | None = None
    status_after: PrinterStatus | None = None


class Transport(Protocol):
    uri: str

    def send(self, data: bytes, query_status: bool = False) -> SendResult:
        """Write one job. ``query_status`` asks ESC/POS ``DLE EOT`` around it where possible."""
        ...

    def query_status(self) -> PrinterStatus | None:
        """The printer's ESC/POS status, or None when this transport or printer cannot tell."""
        ...


class TcpTransport:
    def __init__(self, uri: str, host: str, port: int, timeouts: Timeouts = Timeouts()) -> None:
        self.uri = uri
        self.host = host
        self.port = port
        self.timeouts = timeouts
        # None until a printer answered or failed to answer a status query.
        self.answers_status: bool | None = None

    def _connect(self) -> socket.socket:
        try:
            return socket.create_connection((self.host, self.port), timeout=self.timeouts.connect)
        except OSError as exc:
            raise PrinterUnavailable(f"cannot connect to printer {self.host}:{self.port}: {_describe(exc)}") from exc

    def _read_status_byte(self, sock: socket.socket, query: bytes) -> int | None:
        sock.settimeout(self.timeouts.status)
        try:
            sock.sendall(query)
            reply = sock.recv(1)
        except socket.timeout:
            return None
        if not reply or not escpos_status.is_status_byte(reply[0]):
            return None
        return reply[0]

    def _status(self, sock: socket.socket) -> PrinterStatus | None:
        if self.answers_status is False:
            return None
        first = self._read_status_byte(sock, escpos_status.QUERY_PRINTER)
        if first is None:
            if self.answers_status is None:
                log.info("printer %s does not answer DLE EOT; printing without status checks", self.uri)
            self.answers_status = False
            return None
        self.answers_status = True
        status = escpos_status.parse_printer_status(first)
        if not status.online:
            cause = self._read_status_byte(sock, escpos_status.QUERY_OFFLINE_CAUSE)
            if cause is not None:
                status = escpos_status.with_offline_cause(status, cause)
            paper = self._read_status_byte(sock, escpos_status.QUERY_PAPER)
            if paper is not None:
                status = escpos_status.with_paper_sensor(status, paper)
        return status

    def query_status(self) -> PrinterStatus | None:
        self.answers_status = None  # an explicit query always asks
        with self._connect() as sock:
            try:
                return self._status(sock)
            except OSError as exc:
                raise PrinterUnavailable(f"printer {self.host}:{self.port} dropped the connection: {_describe(exc)}") from exc

    def send(self, data: bytes, query_status: bool = False) -> SendResult:
        with self._connect() as sock:
            before = None
            if query_status:
                try:
                    before = self._status(sock)
                except OSError as exc:
                    raise PrinterUnavailable(f"printer {self.host}:{self.port} dropped the connection: {_describe(exc)}") from exc
                if before is not None and before.problem:
                    raise PrinterUnavailable(before.problem)
            sock.settimeout(self.timeouts.write)
            try:
                sock.sendall(data)
            except OSError as exc:
                raise PrintInterrupted(f"connection to {self.host}:{self.port} broke while sending: {_describe(exc)}") from exc
            after = None
            if query_status:
                try:
                    after = self._status(sock)
                except OSError:
                    after = None  # the job went out; a status we cannot read is no reason to fail it
            _close_gracefully(sock)
        return SendResult(before, after)


# Some printers close their side as soon as they see our end of job, others wait for us: a
# short drain covers the first kind without costing the second kind more than this.
_DRAIN_SECONDS = 0.2


def _close_gracefully(sock: socket.socket) -> None:
    """Half-close and drain, so the printer sees a clean end of job: closing with unread bytes
    (a late status answer) in our buffer would send a reset, and a reset can make a printer
    drop data it has not printed yet."""
    try:
        sock.shutdown(socket.SHUT_WR)
        sock.settimeout(_DRAIN_SECONDS)
        while sock.recv(4096):
            pass
    except OSError:
        pass


class FileTransport:
    """A device or plain file. Writes run in a worker thread so a hung USB or serial device
    cannot block the agent past the write timeout."""

    def __init__(self, uri: str, path: str, append: bool, timeouts: Timeouts = Timeouts()) -> None:
        self.uri = uri
        self.path = path
        self.mode = "ab" if append else "wb"
        self.timeouts = timeouts

    def query_status(self) -> PrinterStatus | None:
        return None  # device files are write-only here: reading back can block on many drivers

    def send(self, data: bytes, query_status: bool = False) -> SendResult:
        progress = {"opened": False, "error": None}

        def write() -> None:
            try:
                with open(self.path, self.mode, buffering=0) as handle:
                    progress["opened"] = True
                    handle.write(data)
            except OSError as exc:
                progress["error"] = exc

        worker = threading.Thread(target=write, name=f"write {self.path}", daemon=True)
        worker.start()
        worker.join(self.timeouts.connect + self.timeouts.write)
        failure = PrintInterrupted if progress["opened"] else PrinterUnavailable
        if worker.is_alive():
            raise failure(f"{self.path} did not accept the job within {self.timeouts.write:.0f} s")
        if progress["error"] is not None:
            raise failure(f"cannot write to {self.path}: {_describe(progress['error'])}")  # type: ignore[arg-type]
        return SendResult()


def _describe(exc: BaseException) -> str:
    return getattr(exc, "strerror", None) or str(exc) or type(exc).__name__


def _device_path(path: str) -> str:
    # Windows only opens COM10 and above through the \\.\ device namespace; it works for all.
    if os.name == "nt" and path.upper().startswith("COM") and path[3:].isdigit():
        return "\\\\.\\" + path
    return path


def open_transport(uri: str, timeouts: Timeouts = Timeouts()) -> Transport:
    """The transport for a printer URI (see the module docstring for the forms)."""
    if uri.startswith("tcp://"):
        parts = urlsplit(uri)
        if not parts.hostname:
            raise ValueError(f"printer URI {uri!r} has no host")
        try:
            port = parts.port or DEFAULT_TCP_PORT
        except ValueError:
            raise ValueError(f"printer URI {uri!r} has a bad port") from None
        return TcpTransport(uri, parts.hostname, port, timeouts)
    if uri.startswith("dev:") and len(uri) > 4:
        return FileTransport(uri, _device_path(uri[4:]), append=False, timeouts=timeouts)
    if uri.startswith("file:") and len(uri) > 5:
        path = uri[5:]
        if path.startswith("//"):
            path = path[2:]
        return FileTransport(uri, path, append=True, timeouts=timeouts)
    raise ValueError(f"unsupported printer URI {uri!r}: use tcp://HOST[:PORT], dev:DEVICE or file:PATH")
