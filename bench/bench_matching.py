"""Matching speed: statement rows against open Book Orders, in-process (no AWS).

    .venv/bin/python bench/bench_matching.py            # 100k and 200k rows vs 50k orders
    .venv/bin/python bench/bench_matching.py --rows 20000 --orders 10000 --repeat 1 --no-write

Builds a deterministic order book (three receiving accounts, kode unik = lowest free code per
account and price, mostly OPEN with some expired/cancelled/paid) and statement rows whose mix
resembles a busy store's mutasi: exact payments (each open order paid at most once, a few paid
twice), prices sent without the code, partial payments, debits, PEND rows and unrelated credits.
The small run is the first half of the large one, so both have the same mix and only the size
differs. Each size is timed ``--repeat`` times, interleaved (best kept: the machine is shared); the time includes
building the order index. Results go to bench/results/matching.md.
"""
from __future__ import annotations

import argparse
import gc
import os
import platform
import random
import sys
import time
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from chalicelib.reconciliation.fingerprints import assign_fingerprints  # noqa: E402  (path set up above)
from chalicelib.reconciliation.matching import MatchCandidate, match_lines  # noqa: E402
from chalicelib.reconciliation.statement import StatementLine  # noqa: E402

ACCOUNTS = ("0123456789", "1370012345678", "034101000123456")
DAY = 86_400
START = 1_740_762_000  # 2025-03-01 00:00 WIB
FIRST = (
    "SITI NUR DEWI RINA LINA ANI SRI PUTRI AYU INDAH BUDI AGUS JOKO ANDI RUDI HENDRA EKO DIAN "
    "RATNA WATI YUNI TRI DWI FITRI NOVI MEGA RIZKY FAJAR BAYU ARIF DENI IWAN TONO YUSUF AHMAD "
    "MUHAMMAD NURUL SARI MAYA DESI LIA RINI TUTI ERNA YANTI HERU DODI DEDI ADI IMAM HADI SLAMET "
    "BAMBANG GITA NANDA REZA WAHYU YOGA"
).split()
SYLLABLES = "ra ma wa ti sa na ya di ko to ha ri lu se no gu su ja ka la".split()
PRICES = [25_000 + 500 * i for i in range(4_000)]  # Rp25.000 .. Rp2.024.500


def make_orders(count: int, rng: random.Random) -> list[MatchCandidate]:
    # Realistic surnames are varied: build ~1,700 from syllables so name look-ups see real postings.
    surnames = sorted({"".join(rng.choice(SYLLABLES) for _ in range(3)).upper() for _ in range(2_000)})
    next_code: dict[tuple[str, int], int] = {}
    orders = []
    for i in range(count):
        account = ACCOUNTS[i % len(ACCOUNTS)]
        price = rng.choice(PRICES)
        code = next_code.get((account, price), 1)
        next_code[(account, price)] = code + 1
        booked = START + rng.randrange(30 * DAY)
        status = rng.choices(("OPEN", "EXPIRED", "CANCELLED", "PAID"), (90, 5, 3, 2))[0]
        orders.append(
            MatchCandidate(
                order_id=f"ORD{i:06d}",
                order_no=f"BO-{100000 + i}",
                account=account,
                amount_due=price + code,
                kode_unik=code,
                booked_at=booked,
                deadline=booked + 24 * 3600,
                grace_seconds=3600,
                status=status,
                customer_name=f"{rng.choice(FIRST)} {rng.choice(surnames)}",
            )
        )
    return orders


def make_lines(count: int, orders: list[MatchCandidate], rng: random.Random) -> tuple[StatementLine, ...]:
    """Rows in a fixed mix. Exact payments use each OPEN order at most once (as in real life), so
    the first half of a long run has the same mix as the whole; 2 % repeat an earlier payment."""
    unpaid = [o for o in orders if o.status == "OPEN"]
    rng.shuffle(unpaid)
    paid: list[MatchCandidate] = []
    lines = []
    for n in range(count):
        kind = rng.choices(
            ("exact", "again", "no_code", "partial", "debit", "pend", "other"), (20, 2, 10, 5, 15, 5, 43)
        )[0]
        if kind == "exact" and unpaid:
            o = unpaid.pop()
            paid.append(o)
        elif kind == "again" and paid:
            o = rng.choice(paid)
        else:
            o = rng.choice(orders)
            kind = "other" if kind in ("exact", "again") else kind
        day = datetime.fromtimestamp(o.booked_at + rng.randrange(0, 20 * 3600) + 7 * 3600, timezone.utc)
        posted = day.date().isoformat()
        amount, payer, description, direction = o.amount_due, o.customer_name, "TRSF E-BANKING CR", "CR"
        if kind == "no_code":
            amount = o.base_amount
        elif kind == "partial":
            amount = o.amount_due // 2
            description += f" ORDER {o.order_no}"
        elif kind == "debit":
            amount, payer, direction, description = rng.randrange(1_000, 5_000_000), None, "DB", "BIAYA ADM"
        elif kind == "other":
            amount, payer = rng.randrange(10_000, 3_000_000), f"{rng.choice(FIRST)} {rng.choice(FIRST)}"
        lines.append(
            StatementLine(
                bank="BCA",
                account=o.account,
                posted_date=None if kind == "pend" else posted,
                pending=kind == "pend",
                direction=direction,
                amount=amount,
                balance_after=None,
                description=description,
                payer_name=payer,
                line_number=n + 1,
                raw_line=description,
                date_hint=posted,
            )
        )
    return assign_fingerprints(lines)


def best_times(sets, orders, repeat: int):
    """Best wall and CPU seconds of ``repeat`` runs per set, interleaved so that load from other
    jobs hits both sizes alike. CPU time is what the matcher itself spends; wall time also counts
    waiting for the shared cores."""
    wall = [float("inf")] * len(sets)
    cpu = [float("inf")] * len(sets)
    plans = [None] * len(sets)
    for _ in range(repeat):
        for i, lines in enumerate(sets):
            plans[i] = None
            gc.collect()
            started, started_cpu = time.perf_counter(), time.process_time()
            plans[i] = match_lines(lines, orders)
            wall[i] = min(wall[i], time.perf_counter() - started)
            cpu[i] = min(cpu[i], time.process_time() - started_cpu)
    return wall, cpu, plans


def machine() -> str:
    model = platform.processor() or platform.machine()
    try:
        for row in Path("/proc/cpuinfo").read_text().splitlines():
            if row.startswith("model name"):
                model = row.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{model}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.system()}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--orders", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()

    rng = random.Random(20250310)
    orders = make_orders(args.orders, rng)
    large = make_lines(2 * args.rows, orders, rng)
    small = large[: args.rows]

    results = []
    walls, cpus, plans = best_times((small, large), orders, args.repeat)
    for lines, wall, cpu, plan in zip((small, large), walls, cpus, plans):
        reasons = Counter(item.reason.value for item in plan.review)
        results.append((len(lines), wall, cpu, len(plan.auto), reasons))
        print(f"{len(lines):>8,} rows x {len(orders):,} orders: wall {wall:7.3f} s, cpu {cpu:7.3f} s "
              f"({cpu / len(lines) * 1e6:5.1f} µs/row), auto {len(plan.auto):,}")
    ratios = (walls[1] / walls[0], cpus[1] / cpus[0])
    print(f"ratio {results[1][0]:,}/{results[0][0]:,} rows: wall {ratios[0]:.2f}, cpu {ratios[1]:.2f} (limit 2.20)")

    if not args.no_write:
        write_report(args, len(orders), results, ratios)


def write_report(args, order_count: int, results, ratios: tuple[float, float]) -> None:
    out = Path(__file__).resolve().parent / "results" / "matching.md"
    out.parent.mkdir(exist_ok=True)
    rows = "\n".join(
        f"| {n:,} | {order_count:,} | {wall:.3f} | {cpu:.3f} | {cpu / n * 1e6:.1f} | {auto:,} |"
        for n, wall, cpu, auto, _ in results
    )
    reasons = sorted(set(results[0][4]) | set(results[1][4]))
    mix = "\n".join(f"| {r} | {results[0][4].get(r, 0):,} | {results[1][4].get(r, 0):,} |" for r in reasons)
    small, large = results[0][0], results[1][0]
    out.write_text(
        f"""# Matching benchmark

`bench/bench_matching.py` — `match_lines()` (pure, in-process) over statement rows against Book
Orders; the time includes building the order index; best of {args.repeat} interleaved runs.

- Date: {datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")}
- Machine: {machine()}; shared with other engineers' jobs while measured (load average
  {" / ".join(f"{x:.2f}" for x in os.getloadavg())} at the end)

| rows | orders | wall s | CPU s | CPU µs/row | auto-matched |
|---:|---:|---:|---:|---:|---:|
{rows}

**Scaling:** {large:,} rows take **{ratios[1]:.2f}x** the CPU time of {small:,} rows (wall clock
{ratios[0]:.2f}x; limit 2.2x). CPU time is the figure to judge: on the shared 2-core machine wall
time also measures how long the process waited for a core.

Review reasons (the smaller run is the first half of the larger one, so the mix is the same):

| reason | {small:,} rows | {large:,} rows |
|---|---:|---:|
{mix}

Why it stays linear: orders are indexed once by (account, amount), (account, amount without the
code), order number and (account, name token or pair of tokens); each row does a constant number of
hash look-ups and scores a bounded candidate list (a name key shared by more than 16 orders on the
account is not used to find candidates, only to score them).
"""
    )
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
