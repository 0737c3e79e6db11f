"""Message templates: every one renders in Bahasa Indonesia, refuses missing parameters, fits its channel."""
from __future__ import annotations

import re

import pytest

from chalicelib.notify import templates as t

TYPICAL = {
    t.REFUND: {"name": "Budi", "refund_no": "2311-K7M2Q-R1", "order_no": "2311-K7M2Q", "store": "Toko Demo",
               "amount": "Rp150.000", "receipt_url": "https://sambung.example/receipt.html#aB3dE5gH7jK9mN1pQ3sT5vX7",
               "points": 15, "balance": 120},
    t.REFUND_NO_POINTS: {"name": "Wulan", "refund_no": "2311-K7M2Q-R1", "order_no": "2311-K7M2Q", "store": "Toko Demo",
                         "amount": "Rp150.000", "receipt_url": "https://sambung.example/receipt.html#aB3dE5gH7jK9mN1pQ3sT5vX7"},
    t.BOOK_ORDER_PAID: {"name": "Wulan", "store": "Toko Demo", "order_no": "2311-K7M2Q", "amount": "Rp150.011"},
    t.BOOK_ORDER_EXPIRED: {"name": "Wulan", "store": "Toko Demo", "order_no": "2311-K7M2Q", "amount": "Rp150.011"},
    t.BOOK_ORDER_CANCELLED: {"name": "Wulan", "store": "Toko Demo", "order_no": "2311-K7M2Q", "amount": "Rp150.011",
                             "refund": "Dana Rp150.011 yang sudah Anda transfer akan kami kembalikan."},
    t.RECEIPT_LINK: {"name": "Budi", "store": "Toko Demo", "order_no": "2311-K7M2Q", "amount": "Rp150.000",
                     "receipt_url": "https://sambung.example/receipt.html#aB3dE5gH7jK9mN1pQ3sT5vX7", "points": 15,
                     "balance": 120},
    t.ACTIVATION_LINK: {"name": "Budi", "merchant": "Sambung Demo",
                        "link": "https://sambung.example/activate.html#t=abcdefghijkl.1796000000.abcdefghijklmnopqrstuv",
                        "expires": "30/11/2026 07:00 WIB"},
    t.BOOK_ORDER_PAYMENT: {"name": "Sari", "store": "Toko Demo", "order_no": "BO-2311-XY", "amount": "Rp250.011",
                           "bank": "BCA", "account_no": "1234567890", "account_holder": "PT Sambung Demo",
                           "deadline": "23/11/2026 16:00 WIB"},
    t.AWB_NOTIFICATION: {"name": "Sari", "store": "Toko Demo", "order_no": "BO-2311-XY", "courier": "JNE REG",
                         "awb": "JNE1234567890", "tracking_url": "https://sambung.example/lacak/JNE1234567890"},
}


def test_the_names_other_areas_use_exist():
    assert set(TYPICAL) == set(t.TEMPLATES)


@pytest.mark.parametrize("name", sorted(TYPICAL))
def test_each_template_renders_every_parameter(name):
    text = t.render(name, TYPICAL[name])
    sms = t.render(name, TYPICAL[name], sms=True)
    assert "{" not in text and "{" not in sms
    for key in ("link", "receipt_url", "tracking_url", "amount", "awb", "deadline"):
        if key in TYPICAL[name]:
            assert str(TYPICAL[name][key]) in text and str(TYPICAL[name][key]) in sms, key


@pytest.mark.parametrize("name", [t.ACTIVATION_LINK, t.RECEIPT_LINK, t.AWB_NOTIFICATION, t.REFUND_NO_POINTS,
                                  t.BOOK_ORDER_PAID, t.BOOK_ORDER_EXPIRED])
def test_sms_texts_fit_one_segment_with_typical_values(name):
    assert len(t.render(name, TYPICAL[name], sms=True)) <= 160


def test_whatsapp_body_numbers_parameters_in_order():
    body = t.get(t.ACTIVATION_LINK).whatsapp_body()
    assert re.findall(r"\{\{(\d)\}\}", body) == ["1", "2", "3", "4"]
    assert "{name}" not in body


def test_missing_unknown_or_blank_parameters_are_programming_errors():
    good = dict(TYPICAL[t.RECEIPT_LINK])
    with pytest.raises(t.TemplateError):
        t.ordered_params(t.RECEIPT_LINK, {k: v for k, v in good.items() if k != "receipt_url"})
    with pytest.raises(t.TemplateError):
        t.ordered_params(t.RECEIPT_LINK, dict(good, extra="x"))
    with pytest.raises(t.TemplateError):
        t.ordered_params(t.RECEIPT_LINK, dict(good, name="   "))
    with pytest.raises(t.TemplateError):
        t.render("no_such_template", {})


def test_parameters_lose_newlines_tabs_and_long_space_runs():
    params = t.ordered_params(t.RECEIPT_LINK, dict(TYPICAL[t.RECEIPT_LINK], name="Budi\n\tSantoso      Jr"))
    assert params[0] == "Budi Santoso Jr"
    assert params[-2:] == ["15", "120"], "numbers are sent as text"
