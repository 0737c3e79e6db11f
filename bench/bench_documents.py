"""How long the documents area takes to make its PDFs, in-process.

Run from the repository root: ``.venv/bin/python bench/bench_documents.py [--runs N]``.
Prints a table and writes bench/results/documents.md. Not part of ``make test``.

Measured: receipt at 58 and 80 mm with 5 and 40 items, a batch of 50 100x150 labels (one PDF),
the order slip, the shift report and an A4 day report; median and 95th percentile of N runs
after one warm-up (the first call also registers fonts and imports reportlab, measured apart).
"""
from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from chalicelib.documents import (  # noqa: E402 - after the path set-up above
    CASH,
    QRIS,
    BankAccount,
    BarSeries,
    Column,
    Figure,
    LabelData,
    MethodTotal,
    OrderSlipData,
    Party,
    ReceiptData,
    ReceiptLine,
    ReportData,
    ReportSection,
    ShiftReportData,
    SlipLine,
    Table,
    render_labels,
    render_order_slip,
    render_receipt,
    render_report,
    render_shift_report,
)

AT = 1_795_417_500  # 23/11/2026 14:05 WIB


def receipt(items: int) -> ReceiptData:
    lines = [ReceiptLine(f"Kaos Polos Katun Combed 30s Warna {i} Ukuran L", 1 + i % 3, 45_000 + 1_000 * i)
             for i in range(items)]
    subtotal = sum(int(line.line_total or 0) for line in lines)
    return ReceiptData(
        merchant_name="Toko Batik Sekar Jagad", store_name="Cabang Kemang",
        store_address="Jl. Kemang Raya No. 12, Mampang Prapatan, Jakarta Selatan 12730", cashier_name="Siti",
        order_number="S-20261123-0042", paid_at=AT, items=lines, subtotal=subtotal, discount=5_000,
        total=subtotal - 5_000, payment_method=QRIS, payment_issuer="GoPay", shopper_phone="+6281234567890",
        points_earned=60, points_balance=1_250, receipt_url="https://sambung.id/r/01JD8ZK3Q4W5E6R7T8Y9U0IOPA-x7Kq9",
    )


def labels(count: int) -> list[LabelData]:
    sender = Party("Toko Batik Sekar Jagad", "+6281111222333", "Jl. Kemang Raya No. 12, Jakarta Selatan 12730")
    return [LabelData(
        order_number=f"B-20261123-{i:04d}",
        sender=sender,
        recipient=Party(f"Pelanggan {i}", "+6281398765432",
                        "Jl. Melati No. 5 RT 03/RW 07, Kel. Sukajadi, Kec. Sukajadi\nKota Bandung, Jawa Barat 40162"),
        courier="JNE", service="REG", weight_grams=1_200,
        awb=f"SOCAG{i:011d}" if i % 10 else None, cod_amount=150_000 if i % 3 == 0 else 0,
        contents="2x Kaos Polos Hitam L",
    ) for i in range(count)]


def slip() -> OrderSlipData:
    return OrderSlipData(
        merchant_name="Toko Batik Sekar Jagad", store_name="Cabang Kemang", order_number="B-20261123-0007",
        created_at=AT, items=[SlipLine(f"SKU-{i}", f"Produk nomor {i}", 1, 50_000) for i in range(5)],
        customer_name="Dewi Lestari", customer_phone="+6281398765432", shipping_address="Jl. Melati No. 5, Bandung",
        channel="WhatsApp", bank_account=BankAccount("BCA", "1234567890", "PT Sekar Jagad"), pay_by=AT + 7200,
        unique_code=123, shipping_fee=18_000,
    )


def shift() -> ShiftReportData:
    return ShiftReportData(
        merchant_name="Toko Batik Sekar Jagad", store_name="Cabang Kemang", cashier_name="Siti",
        opened_at=AT - 8 * 3600, closed_at=AT, opening_float=500_000,
        sales=[MethodTotal(CASH, 1_200_000, 12), MethodTotal(QRIS, 300_000, 5, "GoPay")], counted_cash=1_700_000,
    )


def report() -> ReportData:
    hours = [f"{h:02d}" for h in range(24)]
    values = [0] * 9 + [1_000_000 + 100_000 * h for h in range(12)] + [0, 0, 0]
    rows = [[f"Kasir {i}", 40 + i, 1_500_000 + i * 1_000] for i in range(8)]
    return ReportData(
        title="Laporan Harian", merchant_name="Toko Batik Sekar Jagad", store_name="Cabang Kemang",
        period_label="Senin, 23 November 2026", generated_at=AT,
        headline=[Figure("Penjualan", sum(values), "rupiah"), Figure("Transaksi", 400)],
        sections=[ReportSection("Penjualan toko", charts=[BarSeries("Per jam", hours, values)],
                                tables=[Table([Column("Kasir"), Column("Transaksi", "count"),
                                               Column("Penjualan", "rupiah")], rows)])],
    )


def measure(fn: Callable[[], bytes], runs: int) -> tuple[float, float, int]:
    """Median and p95 in ms, and the PDF size in bytes."""
    size = len(fn())  # warm-up
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, int(len(times) * 0.95))], size


def first_call_ms() -> float:
    """A fresh interpreter's first receipt: importing reportlab and registering the fonts included."""
    code = ("import time; from chalicelib.documents import render_receipt; import bench.bench_documents as b; "
            "d = b.receipt(5); t = time.perf_counter(); render_receipt(d, 58); "
            "print((time.perf_counter() - t) * 1000)")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True,
                         env={**os.environ, "PYTHONPATH": str(ROOT)})
    return float(out.stdout.strip())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "documents.md")
    args = parser.parse_args()

    batch = labels(50)
    cases: list[tuple[str, Callable[[], bytes], int]] = [
        ("receipt 58 mm, 5 items", lambda: render_receipt(receipt(5), 58), args.runs),
        ("receipt 58 mm, 40 items", lambda: render_receipt(receipt(40), 58), args.runs),
        ("receipt 80 mm, 5 items", lambda: render_receipt(receipt(5), 80), args.runs),
        ("receipt 80 mm, 40 items", lambda: render_receipt(receipt(40), 80), args.runs),
        ("labels 100x150, batch of 50 (one PDF)", lambda: render_labels(batch), max(5, args.runs // 3)),
        ("labels 80 mm roll, batch of 50", lambda: render_labels(batch, "80"), max(5, args.runs // 3)),
        ("order slip 80 mm, 5 items", lambda: render_order_slip(slip()), args.runs),
        ("shift report 58 mm", lambda: render_shift_report(shift()), args.runs),
        ("A4 day report (chart + table)", lambda: render_report(report()), args.runs),
    ]
    rows = []
    for name, fn, runs in cases:
        median, p95, size = measure(fn, runs)
        rows.append(f"| {name} | {median:.1f} | {p95:.1f} | {runs} | {size / 1024:.1f} |")
        print(rows[-1], flush=True)
    cold = first_call_ms()

    machine = f"{platform.machine()}, {os.cpu_count()} cores, {_cpu_model()}, Python {platform.python_version()}"
    import reportlab

    text = "\n".join([
        "# Documents: PDF render time",
        "",
        f"- Date: {datetime.now(timezone.utc).strftime('%Y-%m-%d %H:%M UTC')}",
        f"- Machine: {machine} (shared with other work while measuring)",
        f"- reportlab {reportlab.Version}; command: `.venv/bin/python bench/bench_documents.py --runs {args.runs}`",
        "- In-process, one thread, after one warm-up call; times in milliseconds.",
        "",
        "| document | median ms | p95 ms | runs | PDF KiB |",
        "|---|---:|---:|---:|---:|",
        *rows,
        "",
        f"First receipt in a fresh interpreter (imports reportlab, registers the Vera fonts): {cold:.0f} ms.",
        "That is the one-off cost a Lambda pays on its first print job; the API's import of",
        "`chalicelib.documents` loads no reportlab at all.",
        "",
    ])
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text)
    print(f"first call in a fresh interpreter: {cold:.0f} ms\nwrote {args.out}")


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


if __name__ == "__main__":
    main()
