"""Foundation figures: the API's cold import against a bare ``import chalice, boto3, pynamodb``,
and the time from starting the local stack to a healthy ``/api/health`` with a warm venv."""
from __future__ import annotations

import argparse
import os
import platform
import re
import statistics
import subprocess
import sys
import time
import urllib.request
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results" / "startup.md"
ENV = dict(os.environ, AWS_DEFAULT_REGION="ap-southeast-3", PYTHONDONTWRITEBYTECODE="1")


def import_us(statement: str) -> int:
    """Total microseconds of all imports, from ``-X importtime`` (cumulative column, top-level rows)."""
    out = subprocess.run([sys.executable, "-X", "importtime", "-c", statement], cwd=ROOT, env=ENV,
                         capture_output=True, text=True, check=True).stderr
    total = 0
    for line in out.splitlines():
        m = re.match(r"import time:\s+\d+ \|\s+(\d+) \| (\S.*)$", line)
        if m and not m.group(2).startswith(" "):
            total += int(m.group(1))
    return total


def startup_seconds() -> float:
    from infra.local.stack import free_port

    port = free_port()
    env = {k: v for k, v in ENV.items() if not k.startswith(("AWS_", "SAMBUNG_"))}
    start = time.monotonic()
    proc = subprocess.Popen([sys.executable, "-m", "infra.local", "--port", str(port), "--state-file",
                             str(ROOT / "var" / "bench-stack.json")], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/health", timeout=1) as r:
                    if r.status == 200:
                        return time.monotonic() - start
            except OSError:
                time.sleep(0.05)
    finally:
        proc.terminate()
        proc.wait()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    # Import times are skewed by whatever else the machine does; the minimum of many runs is the
    # repeatable figure (the median is shown too).
    def timed(statement: str) -> tuple[int, int]:
        runs = [import_us(statement) for _ in range(args.runs)]
        return min(runs), int(statistics.median(runs))

    base, base_med = timed("import chalice, boto3, pynamodb")
    models, models_med = timed("import chalice, boto3, pynamodb.models")
    app, app_med = timed("import app")
    both, both_med = timed("import chalice, boto3, pynamodb, app")
    ratio = both / base
    boots = [startup_seconds() for _ in range(3)]
    lines = [
        "# Startup",
        "",
        f"Measured {date.today()} on {platform.machine()} ({os.cpu_count()} cores), Python {platform.python_version()}; "
        f"minimum (and median) of {args.runs} runs for imports, median of 3 runs for the stack.",
        "",
        "| figure | value |",
        "|---|---:|",
        f"| `import chalice, boto3, pynamodb` (baseline) | {base / 1000:.0f} ms (median {base_med / 1000:.0f}) |",
        f"| `import chalice, boto3, pynamodb.models` (what any PynamoDB app loads) | {models / 1000:.0f} ms (median {models_med / 1000:.0f}) |",
        f"| `import app` (the API Lambda's cold import) | {app / 1000:.0f} ms (median {app_med / 1000:.0f}) |",
        f"| baseline + `import app` | {both / 1000:.0f} ms (median {both_med / 1000:.0f}) |",
        f"| ratio (baseline + app) / baseline (goal: at most 1.30) | {ratio:.2f} |",
        f"| ratio (baseline + app) / (baseline with pynamodb.models) | {both / models:.2f} |",
        f"| `python -m infra.local` to healthy `/api/health` (warm venv) | {statistics.median(boots):.1f} s "
        f"(runs: {', '.join(f'{b:.1f}' for b in boots)}) |",
        "",
        "The literal baseline imports only PynamoDB's package, not `pynamodb.models` and its connection code, which",
        "any app with PynamoDB tables must load; the second ratio compares against that. Routes reach their services",
        "through `core.lazy` and outbox handlers load on first delivery, so the import is the web layer, Powertools'",
        "Logger, the table-less route modules and PynamoDB; reportlab, Pillow, qrcode, PyJWT, the statement parsers",
        "and the gateway clients load inside the functions that use them.",
    ]
    text = "\n".join(lines) + "\n"
    print(text)
    if args.write:
        RESULTS.write_text(text)


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
