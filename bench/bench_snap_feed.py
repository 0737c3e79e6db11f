"""Bank mutations fetched by SNAP BI (issue 18): how soon a transfer shows its Book Order paid, and
what a fetch costs when nothing is new.

1. **Credit to paid, on the local stack**: ``python -m infra.local`` as ``make run`` starts it (the
   SNAP BI bank simulator in its own process, the demo account connected every 30 s, the pump
   running the schedule every 5 s), the store set to confirm unambiguous matches itself. Each run
   books an order over HTTP, posts its transfer at the simulator (``POST /sim/accounts/.../transactions``)
   at a random moment of the schedule, and polls ``GET /api/book-orders/{id}`` every 0.25 s until
   it is ``PAID``. Goal: under 60 s with the 30 s schedule (under the interval + 5 s in general).
2. **An idle fetch**: in a child interpreter with its own moto, the simulator process and the demo
   account connected; after one fetch that imports, ``fetch now`` with nothing new, counting the
   bank's HTTP calls (the client's and the simulator's own counters), and every AWS call at
   botocore by service, operation and table.

Run: ``.venv/bin/python -m bench.bench_snap_feed`` (``--write`` stores bench/results/snap_feed.md;
``--runs`` sets the number of transfers timed).
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

from bench import local_aws

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results" / "snap_feed.md"
INTERVAL_S = 30
_opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def _call(method: str, url: str, body=None, auth: str | None = None) -> dict:
    headers = {"Content-Type": "application/json"}
    if auth:
        headers["Authorization"] = auth
    if method == "POST" and "/api/" in url:
        headers["Idempotency-Key"] = str(uuid.uuid4())
    request = urllib.request.Request(url, method=method, headers=headers,
                                     data=json.dumps(body).encode() if body is not None else None)
    with _opener.open(request, timeout=30) as response:
        return json.loads(response.read() or b"{}")


# ---- 1. credit posted at the bank -> Book Order shown paid ----------------------------------------


def _latency(runs: int) -> dict:
    from infra.local.stack import free_port

    port = free_port()
    tmp = Path(tempfile.mkdtemp(prefix="bench-snap-"))
    state_file = tmp / "state.json"
    env = local_aws.clean_env()
    log = open(tmp / "stack.log", "w")
    proc = subprocess.Popen([sys.executable, "-m", "infra.local", "--port", str(port), "--state-file", str(state_file)],
                            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 120
        while not state_file.exists():
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the local stack did not start; see {log.name}")
            time.sleep(0.2)
        state = json.loads(state_file.read_text())
        api, sim = state["api_url"], state["snap_simulator_url"]
        device = f"Device {state['backoffice_device_token']}"
        login = lambda role: "Bearer " + _call("POST", f"{api}/auth/login", {  # noqa: E731
            "staff_id": next(s for s in state["staff"] if s["role"] == role)["staff_id"],
            "pin": next(s for s in state["staff"] if s["role"] == role)["pin"]}, auth=device)["token"]
        admin, cs = login("admin"), login("cs")
        _call("PATCH", f"{api}/store/settings", {"auto_confirm_matches": True}, auth=admin)
        seconds, phases = [], []
        for n in range(runs):
            order = _call("POST", f"{api}/book-orders", {
                "items": [{"sku": "KOPI-250", "qty": 1}], "customer_name": f"Bench {n}", "phone": "0812-5555-0100",
                "address": "Jl. Melati No. 5, Bandung 40115", "shipping_fee": 12_000, "channel": "whatsapp"}, auth=cs)
            time.sleep(random.uniform(0, INTERVAL_S))  # a random moment of the schedule
            feed = _call("GET", f"{api}/bank-accounts/1234567890/snap", auth=cs)
            posted = time.monotonic()
            next_at = datetime.fromisoformat(feed["next_fetch_at"].replace("Z", "+00:00")).timestamp()
            phases.append(max(0.0, next_at - time.time()))
            _call("POST", f"{sim}/sim/accounts/1234567890/transactions",
                  {"type": "CREDIT", "amount": order["total"], "remark": f"TRSF E-BANKING CR 0000/FTSCY/WS95031 BENCH {n}"})
            while True:
                status = _call("GET", f"{api}/book-orders/{order['order_id']}", auth=cs)["status"]
                if status == "PAID":
                    break
                if time.monotonic() - posted > 5 * INTERVAL_S:
                    raise RuntimeError(f"order {order['order_no']} still {status} after {5 * INTERVAL_S} s")
                time.sleep(0.25)
            seconds.append(time.monotonic() - posted)
        stats = _call("GET", f"{sim}/sim/stats")["calls"]
        return {"seconds": seconds, "waits": phases, "sim_calls": stats}
    finally:
        proc.send_signal(2)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


# ---- 2. the cost of a fetch with nothing new ------------------------------------------------------


def _idle(fetches: int) -> dict:
    from bench import local_aws

    gate = local_aws.start()
    import botocore.client

    import app  # noqa: F401 - registers every table and handler
    from chalicelib.core import uow as units
    from chalicelib.core.clock import FixedClock, get_clock, set_clock
    from chalicelib.core.settings import get_settings
    from chalicelib.core.web import Caller
    from chalicelib.reconciliation import feed_repo, feeds
    from infra.local import seed
    from tests.snap_bank import SnapBankProcess

    bank = SnapBankProcess().start()
    try:
        bank.setup("1234567890")
        demo = seed.seed()
        admin = Caller(merchant_id=demo["merchant_id"], store_id=demo["store_id"], role="admin", device_id="bench",
                       staff_id="u_admin")
        feeds.connect(admin, "1234567890", bank.connection(interval_seconds=INTERVAL_S))
        for n in range(20):
            bank.post("1234567890", "CREDIT" if n % 4 else "DEBIT", 10_000 + n, f"TRSF E-BANKING CR BENCH {n}")
        first = feeds.fetch_now(admin, "1234567890")["last_result"]
        prefix = get_settings().table_name("")
        calls: Counter = Counter()
        counting = {"on": True}
        original = botocore.client.BaseClient._make_api_call

        def counted(self, operation, params):
            if not counting["on"]:
                return original(self, operation, params)
            service = self.meta.service_model.service_name
            table = params.get("TableName") or "+".join(sorted(params.get("RequestItems", {}))) or "-"
            calls[(service, operation, table.removeprefix(prefix).replace(prefix, ""))] += 1
            return original(self, operation, params)

        botocore.client.BaseClient._make_api_call = counted
        record = feed_repo.get(demo["store_id"], "1234567890")

        def measured(fetch) -> dict:
            calls.clear()
            before = bank.stats()
            started = time.perf_counter()
            for _ in range(fetches):
                counting["on"] = False
                units.commit(lambda uow: feed_repo.due_now(uow, record, 0))  # due now (not part of the fetch)
                counting["on"] = True
                fetch()
            elapsed = time.perf_counter() - started
            after = bank.stats()
            return {"ms": elapsed * 1000 / fetches,
                    "bank_calls": {k: (after.get(k, 0) - before.get(k, 0)) / fetches for k in after},
                    "aws": [[s, op, t, n / fetches] for (s, op, t), n in sorted(calls.items())]}

        scheduled = measured(feeds.run_due)
        last = feed_repo.get(demo["store_id"], "1234567890").last_result
        clock = set_clock(FixedClock(time.time())) and get_clock()  # "fetch now" refuses within 5 s of the last one

        def fetch_now() -> None:
            clock.advance(seconds=feeds.FETCH_NOW_GAP_S)
            feeds.fetch_now(admin, "1234567890")

        interactive = measured(fetch_now)
        botocore.client.BaseClient._make_api_call = original
        return {"fetches": fetches, "first": first, "results": last, "scheduled": scheduled, "interactive": interactive}
    finally:
        bank.stop()
        gate.stop()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=6)
    parser.add_argument("--fetches", type=int, default=10)
    parser.add_argument("--write", action="store_true")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(_idle(args.fetches)))
        return
    idle = local_aws.run_child("bench.bench_snap_feed", "--child", "--fetches", str(args.fetches))
    latency = _latency(args.runs)
    s = latency["seconds"]
    sched, inter = idle["scheduled"], idle["interactive"]
    lines = [
        "# Bank mutations fetched by SNAP BI: credit to paid, and the cost of an idle fetch",
        "",
        f"Measured {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC on {os.cpu_count()} cores, "
        f"{platform.processor() or platform.machine()}, Python {platform.python_version()}, with "
        "`bench/bench_snap_feed.py`.",
        "",
        "## A credit posted at the bank, to its Book Order shown paid",
        "",
        f"The local stack as `make run` starts it: the SNAP BI simulator in its own process, the demo account fetched "
        f"every {INTERVAL_S} s, the pump running the schedule every 5 s, the store confirming unambiguous matches "
        f"itself. {len(s)} transfers, each posted at a random moment of the schedule; the clock runs from the "
        "simulator's answer to the post until `GET /api/book-orders/{id}` says `PAID` (polled every 0.25 s).",
        "",
        "| figure | seconds | goal |",
        "|---|---:|---:|",
        f"| fastest | {min(s):.1f} | |",
        f"| median | {statistics.median(s):.1f} | |",
        f"| slowest | {max(s):.1f} | < 60 with a 30 s schedule; < interval + 5 = {INTERVAL_S + 5} |",
        f"| each run | {', '.join(f'{x:.1f}' for x in s)} | |",
        f"| next scheduled fetch when posted (s, per run) | {', '.join(f'{x:.0f}' for x in latency['waits'])} | |",
        "",
        "The time is the wait for the next scheduled fetch (up to the interval, plus up to the pump's 5 s tick) "
        "and then the fetch itself: the bank's answer, the object written under `statements/`, the import "
        "(fingerprints, balance chain, matching, the claim).",
        "",
        "## A fetch with nothing new",
        "",
        f"In-process against moto and the simulator process: one fetch that imports 20 rows "
        f"({idle['first']['calls']} bank calls incl. {idle['first']['token_calls']} token call, "
        f"{idle['first']['days']} bank days), then {idle['fetches']} fetches with nothing new by the schedule "
        "(`run_due`) and as many by `fetch now` (which also answers the account's status). Per fetch:",
        "",
        "| figure | schedule | fetch now |",
        "|---|---:|---:|",
        f"| bank HTTP calls (simulator's count: Bank Statement / token) | {sched['bank_calls'].get('14', 0):g} / "
        f"{sched['bank_calls'].get('73', 0):g} | {inter['bank_calls'].get('14', 0):g} / {inter['bank_calls'].get('73', 0):g} |",
        f"| AWS calls, all services | {sum(n for *_, n in sched['aws']):g} | {sum(n for *_, n in inter['aws']):g} |",
        "| S3 objects written, statements created | 0, 0 | 0, 0 |",
        f"| wall time (ms) | {sched['ms']:.0f} | {inter['ms']:.0f} |",
        "",
        "| service | operation | table | schedule | fetch now |",
        "|---|---|---|---:|---:|",
    ]
    keys = sorted({(a, b, c) for a, b, c, _ in sched["aws"] + inter["aws"]})
    per = lambda rows, k: next((n for a, b, c, n in rows if (a, b, c) == k), 0)  # noqa: E731
    lines += [f"| {a} | {b} | {c} | {per(sched['aws'], (a, b, c)):g} | {per(inter['aws'], (a, b, c)):g} |" for a, b, c in keys]
    lines += [
        "",
        f"Last idle result: \"{idle['results']['message']}\" ({idle['results']['days']} bank day asked). The token is "
        "cached for `expiresIn` less a margin, so a token call comes about once every 14 minutes (the simulator's "
        "900 s). The client secret and private key come from SSM through Powertools' 5-minute cache: no SSM call "
        "per fetch while warm. In the first hour after midnight (WIB) a fetch also asks for the day before "
        "(the overlap), so two Bank Statement calls.",
    ]
    text = "\n".join(lines) + "\n"
    print(text)
    if args.write:
        RESULTS.write_text(text)


if __name__ == "__main__":
    main()
