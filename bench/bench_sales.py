"""Store sales: DynamoDB calls per QRIS sale from create to completed, and the in-process time to
handle one gateway callback (verify, store the raw event, apply, complete), plus the receipt render.

Run: ``.venv/bin/python -m bench.bench_sales`` (``--write`` stores bench/results/sales.md). The
measurement runs in a fresh interpreter with its own serialised moto server and gateway simulator.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import threading
import time
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

from bench import local_aws

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results" / "sales.md"
KEY = "SB-Mid-server-BENCH"


def _measure(runs: int) -> dict:
    from bench import local_aws

    gate = local_aws.start()
    import botocore.client

    from chalicelib.core.web import Caller
    from chalicelib.sales import callbacks
    from chalicelib.sales import receipts, service
    from chalicelib.sales.repo import get_order
    from infra.local import seed
    from infra.local.gateway_sim import GatewaySimulator

    sim = GatewaySimulator(server_key=KEY, callback_url=None).start()
    seed.seed(gateway={"provider": "midtrans", "base_url": sim.url, "server_key": KEY})
    cashier = Caller("m_demo", "s_demo", "cashier", "bench-device", staff_id="u_sari")

    calls: Counter = Counter()
    phase = {"name": "create"}
    lock = threading.Lock()
    original = botocore.client.BaseClient._make_api_call

    def counted(self, operation, params):
        with lock:
            calls[(phase["name"], operation)] += 1
        return original(self, operation, params)

    botocore.client.BaseClient._make_api_call = counted
    items = [{"sku": "KOPI-250", "qty": 2}, {"sku": "ROTI-COK", "qty": 1}]
    callback_ms, per_sale = [], []
    for i in range(runs + 2):
        calls.clear()
        phase["name"] = "create"
        order = service.create_store_sale(cashier, items, None, "QRIS")
        ref = f"{order['order_id']}-{order['attempt']}"
        sim.pay(ref)
        sim.wait_idle()
        # The simulator has no callback URL here, so the bench delivers the notification it would have sent.
        body = json.dumps(sim._notification(sim._find(ref), "settlement")).encode()
        phase["name"] = "callback"
        start = time.perf_counter()
        outcome = callbacks.handle_callback("midtrans", {"content-type": "application/json"}, body)
        elapsed = (time.perf_counter() - start) * 1000
        assert outcome["outcome"] == "paid" and get_order(order["order_id"]).status == "COMPLETED", outcome
        if i >= 2:  # two warm-up sales
            callback_ms.append(elapsed)
            per_sale.append(dict(calls))
    botocore.client.BaseClient._make_api_call = original
    render = []
    rec = get_order(order["order_id"])
    for _ in range(10):
        start = time.perf_counter()
        receipts.receipt_pdf(rec, 80)
        render.append((time.perf_counter() - start) * 1000)
    sim.stop()
    gate.stop()
    merged: Counter = Counter()
    for c in per_sale:
        merged.update(c)
    return {
        "runs": runs,
        "callback_ms": {"median": statistics.median(callback_ms), "p95": sorted(callback_ms)[int(len(callback_ms) * 0.95) - 1]},
        "calls": {f"{p}|{op}": n / len(per_sale) for (p, op), n in sorted(merged.items())},
        "receipt_ms": statistics.median(render),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--write", action="store_true")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(_measure(args.runs)))
        return
    r = local_aws.run_child("bench.bench_sales", "--child", "--runs", str(args.runs))
    load = os.getloadavg()[0]
    total = {p: sum(n for k, n in r["calls"].items() if k.startswith(p + "|")) for p in ("create", "callback")}
    lines = [
        "# Store sales: DynamoDB calls and callback handling",
        "",
        f"Measured {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC on {os.cpu_count()} cores, {platform.processor() or platform.machine()}, "
        f"Python {platform.python_version()}; load average {load:.1f} (shared machine). Every AWS call goes over loopback to "
        "moto behind one lock, so times are moto's, not DynamoDB's; call counts are exact.",
        "",
        f"A QRIS sale of 2 lines, no shopper; {r['runs']} sales after 2 warm-up sales.",
        "",
        "| figure | value |",
        "|---|---:|",
        f"| callback handled in-process (verify, store raw event, apply, complete), median | {r['callback_ms']['median']:.0f} ms |",
        f"| same, p95 | {r['callback_ms']['p95']:.0f} ms |",
        f"| DynamoDB calls: create sale + QR (incl. the gateway round trip) | {total['create']:.0f} |",
        f"| DynamoDB calls: callback to COMPLETED | {total['callback']:.0f} |",
        f"| DynamoDB calls per sale, create to completed | {total['create'] + total['callback']:.0f} |",
        f"| receipt PDF (80 mm) render, median | {r['receipt_ms']:.0f} ms |",
        "",
        "| phase | call | per sale |",
        "|---|---|---:|",
    ]
    lines += [f"| {k.split('|')[0]} | {k.split('|')[1]} | {v:.0f} |" for k, v in r["calls"].items()]
    lines += ["", "Effects (stock, receipt print, messages) are outbox items written in the completion transaction and",
              "delivered afterwards by the stream handler or the worker; their calls are not in the callback figure."]
    text = "\n".join(lines) + "\n"
    print(text)
    if args.write:
        RESULTS.write_text(text)


if __name__ == "__main__":
    main()
