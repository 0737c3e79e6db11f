"""A fake thermal printer on a loopback port: what it receives becomes PNG files.

It speaks raw TCP like a port-9100 printer (one connection = one job), recognises the
language from the first bytes and decodes, independently of the bridge's encoders:

* ESC/POS: ``ESC @``, ``GS v 0`` raster images (with its density scaling), ``GS ( L`` /
  ``GS 8 L`` graphics (store fn 112, print fn 50), ``ESC d``/``ESC J``/LF feeds, ``GS V``
  cuts, ``ESC p`` drawer kicks, and a few text-mode settings it ignores. ``DLE EOT n`` is
  answered in real time from the printer's simulated state, like a real printer.
* TSPL: ``SIZE``, ``GAP``, ``DIRECTION``, ``CLS``, ``BITMAP`` (modes overwrite/OR/XOR, with the
  printer's polarity) and ``PRINT``; other setup commands are accepted and ignored.
* ZPL: ``^XA``..``^XZ`` formats with ``^PW``, ``^LL``, ``^LH``, ``^FO``, ``^PQ`` and ``^GFA``
  graphics in plain hex, Zebra's ASCII compression, ``:B64:`` or ``:Z64:`` (CRC checked).

Each paper segment (ESC/POS: between cuts) or label becomes one page: a mode "1" image that
looks like the print (black ink on white), saved as PNG under ``out_dir``. Feeds before the
first and after the last image of a segment are not drawn; feeds between images are.

    python -m infra.local.fake_printer --port 9100 --out var/prints
"""
from __future__ import annotations

import argparse
import base64
import binascii
import logging
import os
import re
import socket
import threading
import time
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from PIL import Image, ImageChops

log = logging.getLogger("fake_printer")

DLE, ESC, GS = 0x10, 0x1B, 0x1D
LINE_DOTS = 34  # ESC/POS default line spacing, 1/6 inch, at 203 dpi
_INVERT = bytes(255 - v for v in range(256))


class DecodeError(Exception):
    """The bytes are not something this printer understands."""


@dataclass
class ReceivedPage:
    """One printed segment or label, as it would look on paper."""

    image: Image.Image
    copies: int = 1
    cut: str | None = None  # ESC/POS: "full" / "partial" when the segment ended with a cut
    path: Path | None = None


@dataclass
class ReceivedJob:
    language: str
    raw: bytes = b""
    pages: list[ReceivedPage] = field(default_factory=list)
    drawer_kicks: list[int] = field(default_factory=list)  # connector pin numbers pulsed
    events: list[str] = field(default_factory=list)
    status_queries: list[int] = field(default_factory=list)
    error: str | None = None


def _ink_image(width_bytes: int, height: int, data: bytes) -> Image.Image:
    """Mode "1" image whose set pixels are ink, from MSB-first rows where 1 = ink."""
    return Image.frombytes("1", (width_bytes * 8, height), bytes(data))


def _stack(images: list[tuple[int, Image.Image]]) -> Image.Image:
    """Stack ink images vertically, each preceded by its gap in dots; returns a paper picture."""
    width = max(image.width for _, image in images)
    height = sum(gap + image.height for gap, image in images)
    paper = Image.new("1", (width, height), 0)
    y = 0
    for gap, image in images:
        y += gap
        paper.paste(image, (0, y))
        y += image.height
    return ImageChops.invert(paper)


# -- ESC/POS ---------------------------------------------------------------------------------


class EscPosDecoder:
    """Incremental: bytes arrive in chunks and DLE EOT must be answered before the job ends."""

    # ESC commands with one parameter byte that only change text rendering.
    _ESC_ONE_ARG = set(b"!-3EGMRStaV{")
    _GS_ONE_ARG = set(b"!BHfhw")

    def __init__(self, job: ReceivedJob, status: Callable[[int], int]) -> None:
        self.job = job
        self.status = status
        self.buffer = bytearray()
        self.segment: list[tuple[int, Image.Image]] = []
        self.pending_gap = 0
        self.graphics: Image.Image | None = None

    def feed(self, data: bytes) -> bytes:
        """Consume what is complete; return the status bytes to send back."""
        self.buffer += data
        replies = bytearray()
        pos = 0
        while pos < len(self.buffer):
            used = self._command(pos, replies)
            if used == 0:
                break
            pos += used
        del self.buffer[:pos]
        return bytes(replies)

    def finish(self) -> None:
        if self.buffer:
            raise DecodeError(f"job ends inside a command ({len(self.buffer)} bytes left)")
        self._end_segment(None)

    def _need(self, pos: int, count: int) -> bool:
        return pos + count <= len(self.buffer)

    def _command(self, pos: int, replies: bytearray) -> int:
        b = self.buffer
        byte = b[pos]
        if byte == DLE:
            if not self._need(pos, 3):
                return 0
            if b[pos + 1] != 0x04 or b[pos + 2] not in (1, 2, 3, 4):
                raise DecodeError(f"unsupported DLE command {bytes(b[pos:pos + 3]).hex()}")
            self.job.status_queries.append(b[pos + 2])
            replies.append(self.status(b[pos + 2]))
            return 3
        if byte == ESC:
            return self._esc(pos)
        if byte == GS:
            return self._gs(pos)
        if byte == 0x0A:
            self._feed_dots(LINE_DOTS, "LF")
            return 1
        if byte >= 0x20 or byte in (0x0D, 0x09):
            self.job.events.append(f"text {chr(byte)!r}")
            return 1
        raise DecodeError(f"unsupported control byte 0x{byte:02x}")

    def _esc(self, pos: int) -> int:
        b = self.buffer
        if not self._need(pos, 2):
            return 0
        cmd = b[pos + 1]
        if cmd == ord("@"):
            self.job.events.append("init")
            self.graphics = None
            return 2
        if cmd == ord("2"):
            return 2
        if cmd in (ord("d"), ord("J")):
            if not self._need(pos, 3):
                return 0
            n = b[pos + 2]
            if cmd == ord("d"):
                self._feed_dots(n * LINE_DOTS, f"feed {n} lines")
            else:
                self._feed_dots(n, f"feed {n} dots")
            return 3
        if cmd == ord("p"):
            if not self._need(pos, 5):
                return 0
            pin = 2 if b[pos + 2] in (0, 48) else 5
            self.job.drawer_kicks.append(pin)
            self.job.events.append(f"drawer pin{pin} on {b[pos + 3] * 2} ms off {b[pos + 4] * 2} ms")
            return 5
        if cmd in self._ESC_ONE_ARG:
            return 3 if self._need(pos, 3) else 0
        raise DecodeError(f"unsupported command ESC {chr(cmd)!r}")

    def _gs(self, pos: int) -> int:
        b = self.buffer
        if not self._need(pos, 2):
            return 0
        cmd = b[pos + 1]
        if cmd == ord("v"):
            if not self._need(pos, 8):
                return 0
            if b[pos + 2] != ord("0"):
                raise DecodeError("GS v must be followed by '0'")
            m = b[pos + 3]
            if m % 48 > 3 or m > 51:
                raise DecodeError(f"GS v 0 with unknown density m={m}")
            width_bytes = b[pos + 4] | b[pos + 5] << 8
            height = b[pos + 6] | b[pos + 7] << 8
            size = 8 + width_bytes * height
            if not self._need(pos, size):
                return 0
            image = _ink_image(width_bytes, height, b[pos + 8 : pos + size])
            # m: 0 normal, 1 double width, 2 double height, 3 both (48-51 the same in ASCII).
            scale_x, scale_y = 1 + (m % 48 & 1), 1 + (m % 48 >> 1)
            if (scale_x, scale_y) != (1, 1):
                image = image.resize((image.width * scale_x, image.height * scale_y), Image.NEAREST)
            self._add_image(image, f"raster {width_bytes * 8}x{height}")
            return size
        if cmd in (ord("("), ord("8")):
            header = 5 if cmd == ord("(") else 7
            if not self._need(pos, header):
                return 0
            if b[pos + 2] != ord("L"):
                raise DecodeError(f"unsupported command GS {chr(cmd)} {chr(b[pos + 2])!r}")
            length = int.from_bytes(b[pos + 3 : pos + header], "little")
            if not self._need(pos, header + length):
                return 0
            self._graphics(bytes(b[pos + header : pos + header + length]))
            return header + length
        if cmd == ord("V"):
            if not self._need(pos, 3):
                return 0
            m = b[pos + 2]
            size = 4 if m >= 65 else 3
            if not self._need(pos, size):
                return 0
            self._end_segment("full" if m in (0, 48, 65, 97, 103) else "partial")
            return size
        if cmd in self._GS_ONE_ARG:
            return 3 if self._need(pos, 3) else 0
        if cmd in (ord("L"), ord("W")):
            return 4 if self._need(pos, 4) else 0
        raise DecodeError(f"unsupported command GS {chr(cmd)!r}")

    def _graphics(self, body: bytes) -> None:
        m, fn = body[0], body[1]
        if m != ord("0"):
            raise DecodeError(f"unsupported graphics m={m}")
        if fn == 112:  # store raster graphics in the print buffer
            bx, by, colour = body[3], body[4], body[5]
            width, height = body[6] | body[7] << 8, body[8] | body[9] << 8
            width_bytes = (width + 7) // 8
            data = body[10:]
            if colour != ord("1") or len(data) != width_bytes * height:
                raise DecodeError("graphics data does not match its header")
            image = _ink_image(width_bytes, height, data).crop((0, 0, width, height))
            self.graphics = image.resize((width * bx, height * by), Image.NEAREST)
        elif fn == 50:  # print the buffered graphics
            if self.graphics is None:
                raise DecodeError("graphics print without stored graphics")
            self._add_image(self.graphics, f"graphics {self.graphics.width}x{self.graphics.height}")
            self.graphics = None
        else:
            raise DecodeError(f"unsupported graphics function {fn}")

    def _add_image(self, image: Image.Image, event: str) -> None:
        self.job.events.append(event)
        self.segment.append((self.pending_gap if self.segment else 0, image))
        self.pending_gap = 0

    def _feed_dots(self, dots: int, event: str) -> None:
        self.job.events.append(event)
        self.pending_gap += dots

    def _end_segment(self, cut: str | None) -> None:
        if cut:
            self.job.events.append(f"cut {cut}")
        if self.segment:
            self.job.pages.append(ReceivedPage(_stack(self.segment), cut=cut))
        self.segment = []
        self.pending_gap = 0


# -- TSPL ------------------------------------------------------------------------------------


def decode_tspl(data: bytes, job: ReceivedJob, black_bit: int, dots_per_mm: int) -> None:
    size: tuple[int, int] | None = None
    placed: list[tuple[int, int, int, Image.Image]] = []
    pos = 0
    while pos < len(data):
        if data[pos] in b" \t\r\n":
            pos += 1
            continue
        match = re.match(rb"[A-Za-z]+", data[pos:pos + 16])
        if not match:
            raise DecodeError(f"unexpected byte 0x{data[pos]:02x} at {pos}")
        word = match.group().upper()
        if word == b"BITMAP":
            header = re.match(rb"BITMAP\s+(\d+)\s*,\s*(\d+)\s*,\s*(\d+)\s*,\s*(\d+)\s*,\s*(\d+)\s*,", data[pos:pos + 64], re.I)
            if not header:
                raise DecodeError("malformed BITMAP header")
            x, y, width_bytes, height, mode = (int(v) for v in header.groups())
            start = pos + header.end()
            bits = data[start : start + width_bytes * height]
            if len(bits) != width_bytes * height:
                raise DecodeError("BITMAP data is shorter than its header says")
            if black_bit == 0:
                bits = bits.translate(_INVERT)
            placed.append((x, y, mode, _ink_image(width_bytes, height, bits)))
            job.events.append(f"BITMAP {x},{y} {width_bytes * 8}x{height} mode {mode}")
            pos = start + width_bytes * height
            continue
        end = data.find(b"\n", pos)
        end = len(data) if end < 0 else end
        line = data[pos:end].decode("ascii", "replace").strip()
        pos = end + 1
        job.events.append(line)
        args = line[len(word):].strip()
        if word == b"SIZE":
            size = _tspl_size(args, dots_per_mm)
        elif word == b"CLS":
            placed = []
        elif word == b"PRINT":
            counts = [int(v) for v in args.split(",")] if args else [1]
            copies = counts[0] * (counts[1] if len(counts) > 1 else 1)
            job.pages.append(ReceivedPage(_compose_label(placed, size), copies=copies))


def _tspl_size(args: str, dots_per_mm: int) -> tuple[int, int]:
    values = []
    for part in args.split(","):
        part = part.strip().lower()
        if part.endswith("mm"):
            values.append(round(float(part[:-2]) * dots_per_mm))
        elif part.endswith("dot"):
            values.append(int(float(part[:-3])))
        else:  # inches
            values.append(round(float(part) * 25.4 * dots_per_mm))
    if len(values) != 2:
        raise DecodeError(f"malformed SIZE {args!r}")
    return values[0], values[1]


def _compose_label(placed: list[tuple[int, int, int, Image.Image]], size: tuple[int, int] | None) -> Image.Image:
    """Place bitmaps (x, y, mode, ink image) on a label; without SIZE the label fits them."""
    if size is None:
        size = (
            max((x + img.width for x, _, _, img in placed), default=1),
            max((y + img.height for _, y, _, img in placed), default=1),
        )
    canvas = Image.new("1", size, 0)
    for x, y, mode, image in placed:
        region = canvas.crop((x, y, x + image.width, y + image.height))
        if mode == 1:
            image = ImageChops.logical_or(region, image)
        elif mode == 2:
            image = ImageChops.logical_xor(region, image)
        canvas.paste(image, (x, y))
    return ImageChops.invert(canvas)


# -- ZPL -------------------------------------------------------------------------------------

_ACS_ONES = {c: i + 1 for i, c in enumerate("GHIJKLMNOPQRSTUVWXY")}
_ACS_TWENTIES = {c: (i + 1) * 20 for i, c in enumerate("ghijklmnopqrstuvwxyz")}


def decode_zpl(data: bytes, job: ReceivedJob) -> None:
    text = data.decode("ascii", "replace")
    fmt: dict | None = None
    for match in re.finditer(r"([\^~])([A-Za-z@][A-Za-z0-9@]?)([^\^~]*)", text):
        code, args = match.group(2).upper(), match.group(3).strip()
        if code == "XA":
            fmt = {"width": None, "length": None, "home": (0, 0), "origin": (0, 0), "copies": 1, "graphics": []}
            continue
        if fmt is None:
            job.events.append(f"{match.group(1)}{code} outside a format")
            continue
        if code == "XZ":
            job.pages.append(ReceivedPage(_compose_zpl(fmt), copies=fmt["copies"]))
            fmt = None
        elif code == "PW":
            fmt["width"] = int(args)
        elif code == "LL":
            fmt["length"] = int(args.split(",")[0])
        elif code == "LH":
            fmt["home"] = tuple(int(v) for v in args.split(",")[:2])
        elif code == "FO":
            fmt["origin"] = tuple(int(v or 0) for v in args.split(",")[:2])
        elif code == "PQ":
            fmt["copies"] = int(args.split(",")[0] or 1)
        elif code == "GF":
            x = fmt["home"][0] + fmt["origin"][0]
            y = fmt["home"][1] + fmt["origin"][1]
            image = _decode_gf(args)
            fmt["graphics"].append((x, y, image))
            job.events.append(f"^GF {image.width}x{image.height} at {x},{y}")
        elif code != "FS":
            job.events.append(f"^{code} ignored")
    if fmt is not None:
        raise DecodeError("format not closed with ^XZ")


def _decode_gf(args: str) -> Image.Image:
    parts = args.split(",", 4)
    if len(parts) != 5:
        raise DecodeError("malformed ^GF")
    kind, _, total, row_bytes, payload = parts[0].upper(), parts[1], int(parts[2]), int(parts[3]), parts[4]
    if kind != "A":
        raise DecodeError(f"^GF type {kind} is not supported by this printer")
    payload = re.sub(r"\s", "", payload)
    if payload.startswith((":Z64:", ":B64:")):
        _, scheme, encoded, crc = payload.split(":")
        if int(crc, 16) != binascii.crc_hqx(encoded.encode("ascii"), 0):
            raise DecodeError("^GF CRC mismatch: download aborted")
        raw = base64.b64decode(encoded)
        bits = zlib.decompress(raw) if scheme == "Z64" else raw
    else:
        bits = _decode_ascii_hex(payload, row_bytes)
    if len(bits) != total or total % row_bytes:
        raise DecodeError(f"^GF carries {len(bits)} bytes, header says {total}")
    return _ink_image(row_bytes, total // row_bytes, bits)


def _decode_ascii_hex(payload: str, row_bytes: int) -> bytes:
    """Plain hex with Zebra's ASCII compression (repeat counts, ``,`` ``!`` ``:``)."""
    row_chars = 2 * row_bytes
    rows: list[str] = []
    current: list[str] = []
    count = 0
    for ch in payload:
        if ch in _ACS_ONES:
            count += _ACS_ONES[ch]
        elif ch in _ACS_TWENTIES:
            count += _ACS_TWENTIES[ch]
        elif ch in ",!":
            current.extend(("0" if ch == "," else "F") * (row_chars - len(current)))
        elif ch == ":":
            if current or not rows:
                raise DecodeError("':' not at the start of a row after a row")
            current = list(rows[-1])
        elif ch in "0123456789ABCDEFabcdef":
            current.extend(ch.upper() * (count or 1))
            count = 0
        else:
            raise DecodeError(f"unexpected {ch!r} in ^GF data")
        if len(current) > row_chars:
            raise DecodeError("^GF row overflows its width")
        if len(current) == row_chars:
            rows.append("".join(current))
            current = []
    if current:
        raise DecodeError("^GF data ends mid-row")
    return bytes.fromhex("".join(rows))


def _compose_zpl(fmt: dict) -> Image.Image:
    graphics = fmt["graphics"]
    width = fmt["width"] or max((x + img.width for x, _, img in graphics), default=1)
    length = fmt["length"] or max((y + img.height for _, y, img in graphics), default=1)
    canvas = Image.new("1", (width, length), 0)
    for x, y, image in graphics:
        canvas.paste(image, (x, y))
    return ImageChops.invert(canvas)


# -- the printer -----------------------------------------------------------------------------


def detect_language(data: bytes) -> str | None:
    """Language from the first meaningful byte, or None if more bytes are needed."""
    stripped = data.lstrip(b" \t\r\n")
    if not stripped:
        return None
    first = stripped[0]
    if first in (DLE, ESC, GS):
        return "escpos"
    if first in b"^~":
        return "zpl"
    if chr(first).isalpha():
        return "tspl"
    return "escpos"


class FakePrinter:
    """A loopback printer. Set ``online``/``cover_open``/``paper_end``/``paper_near_end`` to
    change what ``DLE EOT`` reports; ``stop()`` it to make connections be refused."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        out_dir: str | Path = "var/prints",
        tspl_black_bit: int = 0,
        dpi: int = 203,
        save_png: bool = True,
    ) -> None:
        self.host = host
        self.port = port
        self.out_dir = Path(out_dir)
        self.tspl_black_bit = tspl_black_bit
        self.dots_per_mm = round(dpi / 25.4)
        self.save_png = save_png
        self.jobs: list[ReceivedJob] = []
        self.online = True
        self.cover_open = False
        self.paper_end = False
        self.paper_near_end = False
        self.drawer_pin3_high = False
        self._lock = threading.Condition()
        self._server: socket.socket | None = None
        self._thread: threading.Thread | None = None
        self._sequence = 0

    # Status bytes per DLE EOT n: fixed bits 1 and 4 set, 0 and 7 clear.
    def status_byte(self, n: int) -> int:
        value = 0x12
        offline = not self.online or self.cover_open or self.paper_end
        if n == 1:
            value |= (0x08 if offline else 0) | (0x04 if self.drawer_pin3_high else 0)
        elif n == 2:
            value |= (0x04 if self.cover_open else 0) | (0x20 if self.paper_end else 0)
        elif n == 4:
            value |= (0x0C if self.paper_near_end or self.paper_end else 0) | (0x60 if self.paper_end else 0)
        return value

    def start(self) -> "FakePrinter":
        server = socket.create_server((self.host, self.port))
        server.settimeout(0.2)
        self._server = server
        self.port = server.getsockname()[1]
        self._thread = threading.Thread(target=self._serve, name=f"fake-printer:{self.port}", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        server, self._server = self._server, None
        if server is not None:
            try:
                server.shutdown(socket.SHUT_RDWR)  # wakes a blocked accept() on Linux at once
            except OSError:
                pass
            server.close()
        if self._thread is not None:
            self._thread.join(5)
            self._thread = None

    def __enter__(self) -> "FakePrinter":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def wait_for_jobs(self, count: int, timeout: float = 5.0) -> list[ReceivedJob]:
        """Block until ``count`` jobs have been fully received; raises ``TimeoutError`` with how many
        came if fewer did within ``timeout`` seconds."""
        with self._lock:
            if not self._lock.wait_for(lambda: len(self.jobs) >= count, timeout):
                raise TimeoutError(f"the fake printer received {len(self.jobs)} of {count} job(s) in {timeout:g}s")
            return list(self.jobs)

    def _serve(self) -> None:
        while self._server is not None:
            try:
                conn, _ = self._server.accept()
            except socket.timeout:
                continue
            except OSError:
                break
            threading.Thread(target=self._handle, args=(conn,), daemon=True).start()

    def _handle(self, conn: socket.socket) -> None:
        conn.settimeout(30)
        raw = bytearray()
        job: ReceivedJob | None = None
        escpos: EscPosDecoder | None = None
        error: str | None = None
        with conn:
            try:
                while chunk := conn.recv(65536):
                    raw += chunk
                    if job is None:
                        language = detect_language(bytes(raw))
                        if language is None:
                            continue
                        job = ReceivedJob(language)
                        if language == "escpos":
                            escpos = EscPosDecoder(job, self.status_byte)
                            chunk = bytes(raw)
                    if escpos is not None and error is None:
                        try:
                            reply = escpos.feed(chunk)
                        except DecodeError as exc:
                            error = str(exc)  # keep reading: a real printer would not hang up
                            continue
                        if reply:
                            conn.sendall(reply)
            except OSError as exc:
                error = error or f"connection error: {exc}"
        if job is None:
            return
        job.raw = bytes(raw)
        if error is None:
            try:
                if escpos is not None:
                    escpos.finish()
                elif job.language == "tspl":
                    decode_tspl(job.raw, job, self.tspl_black_bit, self.dots_per_mm)
                else:
                    decode_zpl(job.raw, job)
            except (DecodeError, ValueError, zlib.error, binascii.Error) as exc:
                error = str(exc)
        job.error = error
        if error:
            log.warning("job could not be decoded: %s", error)
        elif not job.pages and not job.drawer_kicks and all(e == "init" for e in job.events):
            return  # a status probe (DLE EOT only), not a print job
        self._record(job)

    def _record(self, job: ReceivedJob) -> None:
        with self._lock:
            self._sequence += 1
            sequence = self._sequence
        if self.save_png:
            self.out_dir.mkdir(parents=True, exist_ok=True)
            stamp = time.strftime("%Y%m%d-%H%M%S")
            for index, page in enumerate(job.pages, 1):
                page.path = self.out_dir / f"{stamp}-{sequence:04d}-{job.language}-{index}.png"
                # Written under another name, then renamed: whoever watches the folder (a person, a
                # test) never opens a half-written PNG.
                partial = page.path.with_name(page.path.name + ".part")
                page.image.save(partial, format="PNG")
                os.replace(partial, page.path)
        log.info(
            "job %d: %s, %d page(s)%s%s",
            sequence,
            job.language,
            len(job.pages),
            f", drawer pin {job.drawer_kicks}" if job.drawer_kicks else "",
            f", ERROR {job.error}" if job.error else "",
        )
        with self._lock:
            self.jobs.append(job)
            self._lock.notify_all()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Fake thermal printer: saves what it receives as PNG")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=9100)
    parser.add_argument("--out", default="var/prints", help="directory for the PNG files")
    parser.add_argument("--tspl-black-bit", type=int, choices=(0, 1), default=0)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    printer = FakePrinter(args.host, args.port, args.out, tspl_black_bit=args.tspl_black_bit).start()
    log.info("listening on %s:%d, saving to %s", args.host, printer.port, args.out)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        printer.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
