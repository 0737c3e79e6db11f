"""Points a refund takes back can exceed what is left: the balance goes below zero and is shown as
points owed ("poin terutang"), never clipped and never a bare minus sign a shopper could misread."""
from __future__ import annotations

from chalicelib.documents.formatting import points_balance_pair
from chalicelib.shoppers import model


def test_points_owed_are_what_lies_below_zero():
    assert [model.points_owed(b) for b in (120, 1, 0, -1, -37)] == [0, 0, 0, 1, 37]


def test_a_message_states_a_debt_in_words():
    assert model.balance_text(120) == "120"
    assert model.balance_text(0) == "0"
    assert model.balance_text(-3) == "-3 (terutang 3 poin)"


def test_a_receipt_prints_a_debt_as_owed_points():
    assert points_balance_pair(1_250) == ("Total poin", "1.250")
    assert points_balance_pair(0) == ("Total poin", "0")
    assert points_balance_pair(-1_250) == ("Poin terutang", "1.250")
