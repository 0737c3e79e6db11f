"""Print bridge speed: PDF to printer bytes, ours vs the common peer path, in one run.

    .venv/bin/python -m bench.bench_print_bridge [--runs 30] [--write]

prints a Markdown table; ``--write`` also saves it to bench/results/print_bridge.md (``make bench``
runs every bench module that way).

Cases (fixed, deterministic PDFs made with reportlab, the same builders as the test fixtures):

* an 80x300 mm receipt -> ESC/POS for ``escpos-80`` (576 dots);
* a 100x150 mm shipping label -> TSPL and ZPL (Z64) for the 800-dot label profiles.

Ours: open the PDF with pypdfium2, render at twice the head's resolution and average (so
barcode bars stay exact), threshold/dither, encode. The peer: pdf2image (poppler's ``pdftoppm`` in a subprocess) rendering straight to the
printer width in greyscale, then python-escpos ``Dummy().image()`` (its own Floyd-Steinberg,
960-row GS v 0 fragments), which is what most Python receipt code does. python-escpos has no
TSPL/ZPL, so for the label the peer produces ESC/POS of the same 800-dot image: the comparison
is the PDF-to-printer-bytes path, not the byte format. Each iteration runs ours and the peer
back to back so both see the same machine load; figures are medians in milliseconds.
"""
from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import io
import os
import platform
import statistics
import subprocess
import time
from pathlib import Path
from typing import Callable

import escpos
import PIL
import pypdfium2
from escpos.printer import Dummy
from pdf2image import convert_from_bytes

from print_bridge.encoders import PrintOptions, encode
from print_bridge.profiles import BUILTIN_PROFILES
from print_bridge.raster import rasterize_pdf
from tests.bridge.fixtures.make_fixtures import label_pdf, receipt_pdf

RESULTS = Path(__file__).resolve().parent / "results" / "print_bridge.md"


def ours(pdf: bytes, profile_name: str) -> Callable[[], bytes]:
    profile = BUILTIN_PROFILES[profile_name]
    return lambda: encode(rasterize_pdf(pdf, profile), profile, PrintOptions())


def peer(pdf: bytes, width: int) -> Callable[[], bytes]:
    def run() -> bytes:
        printer = Dummy()
        # Dummy's default profile has no paper width, so image() prints a notice per fragment.
        with contextlib.redirect_stdout(io.StringIO()):
            for page in convert_from_bytes(pdf, size=(width, None), grayscale=True):
                printer.image(page)
        return printer.output

    return run


def measure(fn: Callable[[], bytes], samples: list[float]) -> int:
    started = time.perf_counter()
    size = len(fn())
    samples.append((time.perf_counter() - started) * 1000)
    return size


def machine() -> str:
    cpu = platform.processor() or "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    poppler = subprocess.run(["pdftoppm", "-v"], capture_output=True, text=True).stderr.splitlines()[0]
    return (
        f"{platform.platform()}, {cpu}, {os.cpu_count()} cores; Python {platform.python_version()}; "
        f"pypdfium2 {pypdfium2.version.PYPDFIUM_INFO} (pdfium {pypdfium2.version.PDFIUM_INFO.build}); "
        f"Pillow {PIL.__version__}; python-escpos {escpos.__version__}; pdf2image + {poppler}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--write", action="store_true", help=f"write {RESULTS.relative_to(RESULTS.parents[2])}")
    args = parser.parse_args()

    load = f"{os.getloadavg()[0]:.1f}" if hasattr(os, "getloadavg") else "unknown"
    receipt = receipt_pdf(height_mm=300, lines=55)
    label = label_pdf()
    cases = [
        ("receipt 80x300 mm -> ESC/POS (576 dots)", ours(receipt, "escpos-80"), peer(receipt, 576)),
        ("label 100x150 mm -> TSPL (800 dots)", ours(label, "tspl-100x150"), peer(label, 800)),
        ("label 100x150 mm -> ZPL Z64 (800 dots)", ours(label, "zpl-100x150"), peer(label, 800)),
    ]
    rows = []
    for name, our_fn, peer_fn in cases:
        our_fn(), peer_fn()  # warm up: imports, first document open, poppler in the page cache
        our_ms: list[float] = []
        peer_ms: list[float] = []
        for _ in range(args.runs):
            our_bytes = measure(our_fn, our_ms)
            peer_bytes = measure(peer_fn, peer_ms)
        our_median, peer_median = statistics.median(our_ms), statistics.median(peer_ms)
        rows.append((name, our_median, min(our_ms), peer_median, min(peer_ms), our_bytes, peer_bytes))

    now = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        "# Print bridge: PDF to printer bytes",
        "",
        f"Run {now} with `python -m bench.bench_print_bridge --runs {args.runs}` on {machine()}.",
        "",
        "Ours: pypdfium2 render at 2x and average (exact barcode bars; about 4x the pixels of a plain",
        "render), threshold with dither only in photo tiles, our encoder. The receipt has a photo.",
        "Peer: pdf2image (`pdftoppm` subprocess) at the printer width, greyscale, then python-escpos",
        "`Dummy().image()` (Floyd-Steinberg, GS v 0 in 960-row fragments). python-escpos has no TSPL or",
        "ZPL, so for the label the peer's output is ESC/POS of the same 800-dot image.",
        "Each iteration runs ours and the peer back to back; times are wall-clock milliseconds.",
        "",
        "| case | ours median | ours min | peer median | peer min | peer / ours | our bytes | peer bytes |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, our_median, our_min, peer_median, peer_min, our_bytes, peer_bytes in rows:
        lines.append(
            f"| {name} | {our_median:.1f} | {our_min:.1f} | {peer_median:.1f} | {peer_min:.1f} "
            f"| {peer_median / our_median:.1f}x | {our_bytes:,} | {peer_bytes:,} |"
        )
    lines += [
        "",
        "The peer squeezes the 80 mm receipt page into 576 dots (7.2 dots/mm), which also makes its",
        "barcode modules uneven; ours renders at the head's 8 dots/mm and crops the paper margins.",
        f"The machine is shared with other work (1-minute load average {load} at the start), so",
        "absolute times wobble; the ratio is what to read.",
        "Printing itself is bound by the wire and the printer (a 100 KB raster is ~0.01 s on a LAN,",
        "~9 s over 115200-baud serial), not by this conversion.",
        "",
    ]
    text = "\n".join(lines)
    print(text)
    if args.write:
        RESULTS.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
