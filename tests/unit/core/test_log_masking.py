"""Phone numbers never reach the logs, however people type them."""
from __future__ import annotations

import json
import logging

import pytest

from chalicelib.core.observability import logger, mask_phones


@pytest.mark.parametrize("typed", [
    "+62 812 3456 7890", "+62-812-3456-7890", "(0812) 3456-7890", "0812-3456-7890", "6281234567890",
    "+6281234567890", "0812 3456 7890", "0812.3456.7890", "+62 (0)812 3456 7890", "+62 (812) 3456-7890",
    "+62 0812-3456-7890", "081234567890",
])
def test_an_indonesian_mobile_number_is_masked_in_every_format(typed):
    line = mask_phones(f"kirim struk ke {typed} ya")
    assert line == "kirim struk ke +62812*****890 ya", line


@pytest.mark.parametrize("typed, masked", [
    ("0811-234-567", "+62811***567"), ("+62 812 3456 78901", "+62812******901"),
    ("+65 9123 4567", "+65912**567"), ("+1 415 555 2671", "+14155***671"),
])
def test_short_long_and_foreign_numbers_are_masked_too(typed, masked):
    assert mask_phones(typed) == masked


@pytest.mark.parametrize("text", [
    "order 0812-865ET", "order 0812-86543", "at 1762812345678", "amount 81234567890", "2026-08-12T01:02:03Z",
    "total Rp 1.500.000", "epoch 1795392000", "0812345678901234",  # too long for a phone
])
def test_other_numbers_are_left_alone(text):
    assert mask_phones(text) == text


def test_a_number_next_to_other_digits_keeps_them():
    assert mask_phones("+62 812 3456 7890 10 pcs") == "+62812*****890 10 pcs"


def test_the_log_line_masks_message_and_extra_fields():
    record = logging.LogRecord("sambung", logging.WARNING, __file__, 1,
                               "shopper (0812) 3456-7890 registered, also +62 812-3456-7891", None, None)
    record.to = "+62-812-3456-7892"
    record.phones = ["62812 3456 7893", "0812.3456.7894"]
    line = logger.registered_handler.formatter.format(record)
    for digits in ("3456-7890", "3456-7891", "3456-7892", "3456 7893", "3456.7894", "34567"):
        assert digits not in line
    assert json.loads(line)["to"] == "+62812*****892"
