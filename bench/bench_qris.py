"""QRIS codec and gateway callback timings, in-process.

Run: ``.venv/bin/python -m bench.bench_qris`` (prints a Markdown table) or add ``--write`` to
store it in ``bench/results/qris.md``. Each figure is the median of 7 runs of a timed loop,
divided by the loop size: microseconds per operation on one core.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import timeit
from datetime import datetime, timezone
from pathlib import Path

from chalicelib.payments import qris
from chalicelib.payments.providers.midtrans import MidtransGateway, notification_signature
from chalicelib.payments.providers.xendit import XenditGateway

# Midtrans' published GoPay QRIS (247 characters, amount after tag 61) and a long real QR
# (276 characters, BPD Kaltim-Kaltara); sources in tests/unit/payments/test_qris_codec.py.
MIDTRANS_QR = (
    "00020101021226620014COM.GO-JEK.WWW011993600914349052630340210G4905263030303UKE51440014ID.CO.QRIS.WWW"
    "0215AID0607336128660303UKE5204341453033605802ID5904Test6007BANDUNG6105402845409789000.0062475036c032f87c"
    "-f773-4619-aefa-675e1f06f9210703A016304A623")
LONG_QR = (
    "00020101021226690023ID.CO.BANKALTIMTARA.WWW011893600124024091802802092409180280303URE51440014"
    "ID.CO.QRIS.WWW0215ID20243452761720303URE5204752353033605405100005802ID5944(TEST) RETRIBUSI PARKIR "
    "PELABUHAN BULUMINUNG6015PENAJAM PASER U610576141622501121122334455340705479056304F16E")
MERCHANT = qris.QrisMerchant(name="Toko Sambung Jaya", city="JAKARTA", guid="COM.GO-JEK.WWW",
                             pan="9360091400000000001", merchant_id="G000000001", nmid="ID1020000000001",
                             postal_code="10110")
KEY = "SB-Mid-server-BENCH"
TOKEN = "xendit-callback-token-BENCH"


def _midtrans_notification() -> bytes:
    body = {
        "transaction_type": "on-us", "transaction_time": "2021-06-23 15:45:42", "transaction_status": "settlement",
        "transaction_id": "1015a919-b03f-450a-bc85-b38202a79a96", "status_message": "midtrans payment notification",
        "status_code": "200", "settlement_time": "2021-06-23 15:46:00", "payment_type": "qris",
        "order_id": "S-000123-1", "merchant_id": "G490526303", "issuer": "gopay", "gross_amount": "789000.00",
        "fraud_status": "accept", "currency": "IDR", "acquirer": "gopay",
    }
    body["signature_key"] = notification_signature(body["order_id"], "200", "789000.00", KEY)
    return json.dumps(body).encode()


def _xendit_callback() -> bytes:
    return json.dumps({
        "event": "qr.payment", "api_version": "2022-07-31", "business_id": "biz", "created": "2026-01-03T05:41:03Z",
        "data": {"id": "qrpy_8182837te-87st-49ing-8696-1239bd4d759c", "currency": "IDR", "amount": 789000,
                 "status": "SUCCEEDED", "created": "2026-01-03T05:41:02Z", "qr_id": "qr_1", "reference_id": "S-000123-1",
                 "type": "DYNAMIC", "channel_code": "ID_DANA", "payment_detail": {"source": "DANA"}},
    }).encode()


def _per_op_us(fn, number: int) -> float:
    runs = timeit.repeat(fn, number=number, repeat=7)
    return statistics.median(runs) / number * 1e6


def measure() -> list[tuple[str, float]]:
    midtrans = MidtransGateway(server_key=KEY)
    xendit = XenditGateway(secret_key="xnd_bench", callback_token=TOKEN)
    note, xnote = _midtrans_notification(), _xendit_callback()
    built = qris.build(MERCHANT, 150000, reference_label="c032f87cf7734619aefa675e1", terminal_label="A01")
    body = MIDTRANS_QR[:-4]
    return [
        ("crc16 over a 243-character payload", _per_op_us(lambda: qris.crc16(body), 20000)),
        ("build: dynamic QRIS (validate + encode + CRC)", _per_op_us(lambda: qris.build(MERCHANT, 150000,
            reference_label="c032f87cf7734619aefa675e1", terminal_label="A01"), 5000)),
        (f"parse: our built QR ({len(built)} chars)", _per_op_us(lambda: qris.parse(built), 5000)),
        (f"parse: Midtrans published QR ({len(MIDTRANS_QR)} chars)", _per_op_us(lambda: qris.parse(MIDTRANS_QR), 5000)),
        (f"parse: long real QR ({len(LONG_QR)} chars)", _per_op_us(lambda: qris.parse(LONG_QR), 5000)),
        ("build + parse round trip", _per_op_us(lambda: qris.parse(qris.build(MERCHANT, 150000)), 3000)),
        ("expect_dynamic (parse + kind/currency/amount check)",
         _per_op_us(lambda: qris.expect_dynamic(MIDTRANS_QR, 789000), 5000)),
        ("Midtrans signature (SHA-512) only",
         _per_op_us(lambda: notification_signature("S-000123-1", "200", "789000.00", KEY), 20000)),
        ("Midtrans callback: verify signature + parse -> GatewayEvent",
         _per_op_us(lambda: midtrans.parse_callback({"Content-Type": "application/json"}, note), 5000)),
        ("Xendit callback: token check + parse -> GatewayEvent",
         _per_op_us(lambda: xendit.parse_callback({"x-callback-token": TOKEN}, xnote), 5000)),
    ]


def report(rows: list[tuple[str, float]]) -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor() or "unknown") \
        if Path("/proc/cpuinfo").exists() else platform.processor()
    lines = [
        "# QRIS codec and gateway callbacks",
        "",
        f"Measured {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC with `bench/bench_qris.py` on {os.cpu_count()} cores "
        f"({cpu}), Python {platform.python_version()}, {platform.system()} {platform.release()}; the machine was shared "
        "with other work, so treat the figures as order-of-magnitude.",
        "",
        "Median of 7 timed loops, per operation, one thread.",
        "",
        "| operation | µs/op |",
        "|---|---:|",
    ]
    lines += [f"| {name} | {us:.1f} |" for name, us in rows]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="write bench/results/qris.md")
    args = parser.parse_args()
    text = report(measure())
    print(text)
    if args.write:
        out = Path(__file__).parent / "results" / "qris.md"
        out.write_text(text)
        print(f"written to {out}")


if __name__ == "__main__":
    main()
