"""End-to-end import of a 5,000-row bank statement on the local stack.

Run: ``.venv/bin/python -m bench.bench_reconciliation_import`` (prints a Markdown report) or add
``--write`` to store it in ``bench/results/reconciliation_import.md``.

What is timed is what CS waits for: the local stack (``python -m infra.local``, started here in a
child process) runs as in ``make run``; book orders are created over HTTP; a KlikBCA statement of
5,000 rows (credits paying some of those orders exactly, credits without a kode unik, other
transfers, debits) goes to S3 with the presigned POST the PWA uses; the clock runs from the moment
the upload returns until ``GET /reconciliation/statements`` shows the import finished. That span
includes the event pump noticing the object (it lists the bucket every second), the S3-shaped
event, parsing, validation, de-duplication reads, row writes in transactions of 90, the matcher and
every claim, all against the serialised moto server. The same file is then uploaded a second time:
every row is a duplicate, so that run measures the de-duplication path.
"""
from __future__ import annotations

import argparse
import os
import platform
import random
import tempfile
import time
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results" / "reconciliation_import.md"
WIB = timezone(timedelta(hours=7))
ROWS = 5_000


def statement(account: str, orders: list[dict], rows: int, seed: int = 7) -> bytes:
    """A KlikBCA Individual export whose balances and footer add up: the orders' exact amounts
    today, the rest spread over the previous days."""
    rng = random.Random(seed)
    today = datetime.now(WIB)
    lines: list[tuple[str, str, int, str]] = []
    for i in range(rows - len(orders)):
        day = today - timedelta(days=1 + i * 6 // rows)
        kind = rng.random()
        if kind < 0.25:
            lines.append((f"{day:%d/%m/%Y}", f"BIAYA TRANSAKSI {i}", rng.randrange(1, 50) * 1_000, "DB"))
        elif kind < 0.35:  # forgot the kode unik: a round amount
            lines.append((f"{day:%d/%m/%Y}", f"TRSF E-BANKING CR {day:%d%m}/FTSCY/WS95031 PEMBELI {i}",
                          rng.randrange(20, 400) * 1_000, "CR"))
        else:
            lines.append((f"{day:%d/%m/%Y}", f"BI-FAST CR TRANSFER   DR 008 PELANGGAN {i}",
                          rng.randrange(10_000, 2_000_000), "CR"))
    lines.sort(key=lambda line: datetime.strptime(line[0], "%d/%m/%Y"))
    for n, order in enumerate(orders):
        lines.append((f"{today:%d/%m/%Y}", f"TRSF E-BANKING CR {today:%d%m}/FTSCY/WS95031 {order['total']}.00 PEMBELI {n}",
                      order["total"], "CR"))
    opening = balance = 50_000_000
    credit = debit = 0
    out = [f"No. Rekening,=,'{account}", "Nama,=,PT SAMBUNG DEMO", "Mata Uang,=,IDR", "",
           "Tanggal,Keterangan,Cabang,Jumlah,,Saldo"]
    for day, text, amount, direction in lines:
        balance += amount if direction == "CR" else -amount
        credit += amount if direction == "CR" else 0
        debit += amount if direction == "DB" else 0
        out.append(f"'{day},{text},'0000,{amount}.00,{direction},{balance}.00")
    out += [f"Saldo Awal,=,{opening}.00", f"Kredit,=,{credit}.00", f"Debet,=,{debit}.00", f"Saldo Akhir,=,{balance}.00"]
    return ("\r\n".join(out) + "\r\n").encode()


def _import(http, cs: str, content: bytes, name: str) -> dict:
    from tests.integration.reconciliation.conftest import post_form

    status, upload, _ = http.post("/api/reconciliation/uploads", {"filename": name}, auth=cs,
                                  headers={"Idempotency-Key": str(uuid.uuid4())})
    assert status == 201, upload
    t0 = time.perf_counter()
    post_form(upload["upload"]["url"], upload["upload"]["fields"], name, content)
    uploaded = time.perf_counter()
    started = None
    while True:
        _, body, _ = http.get("/api/reconciliation/statements?limit=5", auth=cs)
        mine = [s for s in body["statements"] if s["object_key"] == upload["key"]]
        if mine and started is None:
            started = time.perf_counter()
        if mine and mine[0]["status"] != "PROCESSING":
            done = time.perf_counter()
            return {"statement": mine[0], "upload_s": uploaded - t0, "seconds": done - uploaded,
                    "noticed_s": (started or done) - uploaded}
        if time.perf_counter() - uploaded > 900:
            raise TimeoutError("import did not finish in 15 minutes")
        time.sleep(0.2)


def measure(orders_count: int, rows: int) -> dict:
    from tests.e2e.webclient import Http
    from tests.stack_fixture import RunningStack

    stack = RunningStack(Path(tempfile.mkdtemp(prefix="bench-recon-")))
    try:
        http = Http(stack.url)
        cs = http.login_as(stack.state, "cs")
        orders, products = [], stack.state["products"]
        for i in range(orders_count):
            status, order, _ = http.post("/api/book-orders", {
                # One unit each, spread over the demo's products (10 of each at the CS desk).
                "items": [{"sku": products[i % len(products)]["sku"], "qty": 1}], "customer_name": f"Pembeli {i}",
                "phone": "0812-5555-0101", "address": "Jl. Kenanga No. 3, Bandung 40115", "shipping_fee": 10_000 + i,
                "channel": "whatsapp"}, auth=cs, headers={"Idempotency-Key": str(uuid.uuid4())})
            assert status == 201, order
            orders.append(order)
        content = statement(orders[0]["bank_account"]["account_no"], orders, rows)
        first = _import(http, cs, content, "mutasi-5000.csv")
        again = _import(http, cs, content, "mutasi-5000-lagi.csv")
        return {"orders": orders_count, "rows": rows, "bytes": len(content), "first": first, "again": again}
    finally:
        stack.stop()


def report(result: dict) -> str:
    load = os.getloadavg()
    lines = [
        "# Statement import benchmark (local stack, end to end)", "",
        "`bench/bench_reconciliation_import.py` — a KlikBCA CSV uploaded with the PWA's presigned POST to the",
        "local stack (`python -m infra.local` in a child process: serialised moto, event pump, API); timed from",
        "the end of the upload until `GET /reconciliation/statements` reports the import finished. Includes the",
        "pump noticing the object (it lists `statements/` every second).", "",
        f"- Date: {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC",
        f"- Machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, {platform.system()}; shared with other engineers' jobs (load average "
        f"{load[0]:.2f} / {load[1]:.2f} / {load[2]:.2f} at the end)",
        f"- File: {result['rows']:,} rows, {result['bytes'] / 1024:.0f} KiB; {result['orders']} open book orders on the "
        "account, each paid exactly by one credit of the file", "",
        "| run | status | rows | new | duplicates | auto-matched | review | seconds | rows/s |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for label, run in (("first upload", result["first"]), ("same file again", result["again"])):
        st, counts = run["statement"], run["statement"]["counts"]
        lines.append(f"| {label} | {st['status']} | {counts['rows']:,} | {counts['new']:,} | {counts['duplicates']:,} | "
                     f"{counts['auto_matched']:,} | {counts['review']:,} | {run['seconds']:.1f} | "
                     f"{counts['rows'] / run['seconds']:,.0f} |")
    lines += ["", f"The pump noticed the first object {result['first']['noticed_s']:.1f} s after the upload "
              f"(upload itself {result['first']['upload_s'] * 1000:.0f} ms). \"review\" counts every row left for a "
              "person: the credits list and the debits list.", "",
              "Where the time goes: every DynamoDB call is an HTTP request to moto, which serialises all requests",
              "behind one lock (the local stack does that on purpose, so conditions are atomic). A first import is",
              "one conditional PutItem per new row (4 writers; moto still handles one at a time), BatchGetItem of",
              "the rows' state columns before and after (100 keys each), and one transaction per auto-match; the",
              "second upload only reads and plans. Rows are not written in TransactWriteItems batches because moto",
              "deep-copies the whole table for every item of a transaction (a 500-row import took 12.7 s that way",
              "in-process, 5.4 s with single puts). AWS was not measured here.", ""]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help=f"write {RESULTS.relative_to(ROOT)}")
    parser.add_argument("--orders", type=int, default=30)
    parser.add_argument("--rows", type=int, default=ROWS)
    args = parser.parse_args()
    text = report(measure(args.orders, args.rows))
    print(text)
    if args.write:
        RESULTS.write_text(text)


if __name__ == "__main__":
    main()
