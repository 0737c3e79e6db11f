"""What holds for every document: importing the package costs the API nothing, the same data
gives the same bytes, and text is formatted the way Indonesian shoppers read it."""
from __future__ import annotations

import subprocess
import sys

import pytest
from docpdf import pages
from docsamples import sample_label, sample_receipt, sample_shift, sample_slip

from chalicelib.documents import render_labels, render_order_slip, render_receipt, render_shift_report
from chalicelib.documents.fonts import printable
from chalicelib.documents.formatting import (
    format_percent,
    format_rupiah_short,
    format_weight,
    masked_phone,
    readable_phone,
)
from chalicelib.documents.model import payment_label


def test_importing_documents_does_not_load_reportlab() -> None:
    probe = ("import sys, chalicelib.documents; "
             "print(sorted({m.split('.')[0] for m in sys.modules} & {'reportlab', 'PIL', 'qrcode'}))")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize("render", [
    lambda: render_receipt(sample_receipt(), 80),
    lambda: render_order_slip(sample_slip()),
    lambda: render_labels([sample_label(), sample_label()]),
    lambda: render_shift_report(sample_shift()),
], ids=["receipt", "order-slip", "labels", "shift-report"])
def test_same_data_same_bytes(render) -> None:
    first = render()
    assert first == render()
    assert pages(first), "and it is a readable PDF"


@pytest.mark.parametrize("grams, text", [(1200, "1,2 kg"), (250, "0,25 kg"), (3000, "3 kg"), (1050, "1,05 kg"),
                                         (1, "0,001 kg")])
def test_weight_in_kilograms(grams: int, text: str) -> None:
    assert format_weight(grams) == text


def test_phones_on_paper() -> None:
    assert masked_phone("+6281234567890") == "0812-****-7890"
    assert masked_phone("+628123456789") == "0812-****-789"
    assert masked_phone("+6591234567").startswith("+6591")
    assert readable_phone("+6281234567890") == "0812-3456-7890"
    assert readable_phone("+62217194455") == "0217194455", "landlines keep their digits together"
    assert readable_phone("021 719 4455") == "021 719 4455"


@pytest.mark.parametrize("method, issuer, label", [("CASH", None, "Tunai"), ("QRIS", "GoPay", "QRIS - GoPay"),
                                                   ("BANK_TRANSFER", None, "Transfer Bank"), ("EDC BCA", None, "EDC BCA")])
def test_payment_labels(method: str, issuer: str | None, label: str) -> None:
    assert payment_label(method, issuer) == label


def test_numbers_in_reports() -> None:
    assert format_percent(0.125) == "12,5%"
    assert format_percent(0.5) == "50%"
    assert format_rupiah_short(1_500_000) == "1,5 jt"
    assert format_rupiah_short(250_000) == "250 rb"
    assert format_rupiah_short(2_000_000_000) == "2 M"
    assert format_rupiah_short(0) == "0"


def test_text_the_font_cannot_draw_is_replaced_not_lost() -> None:
    assert printable("Bu Sri \U0001F60A\u200d\U0001F338 Wahyuni") == "Bu Sri Wahyuni"
    assert printable("Caf\u00e9 Nguy\u1ec5n") == "Caf\u00e9 Nguyen", "Latin-1 kept, others fall back to the base letter"
    assert printable("\u738b\u5c0f\u660e") == "???", "other scripts show that something was there"
    assert printable("Jl. Melati\nBandung") == "Jl. Melati\nBandung"
