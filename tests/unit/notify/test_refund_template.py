"""The refund message: Bahasa Indonesia, every parameter used, safe for a WhatsApp template, one SMS."""
from __future__ import annotations

import re

import pytest

from chalicelib.notify import templates as t

TYPICAL = {"name": "Budi", "refund_no": "2311-K7M2Q-R1", "order_no": "2311-K7M2Q", "store": "Toko Demo",
           "amount": "Rp150.000", "receipt_url": "https://sambung.example/receipt.html#aB3dE5gH7jK9mN1pQ3sT5vX7",
           "points": 15, "balance": 120}


def test_the_refund_message_says_what_went_back_with_the_receipt_link():
    text = t.render(t.REFUND, TYPICAL)
    for part in ("Halo Budi", "pengembalian dana 2311-K7M2Q-R1", "pesanan 2311-K7M2Q", "Toko Demo", "Rp150.000",
                 TYPICAL["receipt_url"] + " .", "ditarik kembali: 15", "sekarang 120."):
        assert part in text, part


@pytest.mark.parametrize("balance", [120, "-3 (terutang 3 poin)"])
def test_the_sms_fits_one_segment_and_keeps_the_link(balance):
    sms = t.render(t.REFUND, dict(TYPICAL, balance=balance), sms=True)
    assert len(sms) <= 160 and TYPICAL["receipt_url"] in sms and "Rp150.000" in sms


def test_the_whatsapp_body_numbers_parameters_in_the_order_they_appear():
    body = t.get(t.REFUND).whatsapp_body()
    assert re.findall(r"\{\{(\d)\}\}", body) == [str(i) for i in range(1, 9)]
    assert not body.startswith("{{") and not re.search(r"\}\}\W*$", body), "Meta refuses a variable at either end"
    assert not re.search(r"\}\}\s*\{\{", body), "nor two variables side by side"


def test_a_refund_message_needs_every_parameter():
    with pytest.raises(t.TemplateError):
        t.ordered_params(t.REFUND, {k: v for k, v in TYPICAL.items() if k != "refund_no"})
