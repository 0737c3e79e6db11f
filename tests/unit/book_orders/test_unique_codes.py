"""Kode unik rules: the lowest free code, what counts as in use, when a code is free again."""
import pytest

from chalicelib.core.errors import Conflict
from chalicelib.book_orders import unique_codes

NOW = 1_795_392_000
BASE = 148_000


def test_the_lowest_free_code_fills_gaps_first():
    assert unique_codes.lowest_free(set()) == 1
    assert unique_codes.lowest_free({1, 2}) == 3
    assert unique_codes.lowest_free({1, 2, 4}) == 3
    assert unique_codes.lowest_free({2, 3}) == 1


def test_when_all_999_codes_are_taken_the_booking_is_refused():
    assert unique_codes.lowest_free(set(range(1, 999))) == 999
    with pytest.raises(Conflict) as e:
        unique_codes.lowest_free(set(range(1, 1000)))
    assert e.value.code == "kode_unik_exhausted"


def test_reservations_in_their_cool_down_are_in_use_and_finished_ones_are_free():
    reservations = [(BASE + 1, NOW + 60), (BASE + 2, NOW), (BASE + 3, NOW - 1), (BASE + 4, NOW + 1)]
    assert unique_codes.codes_in_use(reservations, BASE, NOW) == {1, 4}


def test_another_base_whose_amount_lands_in_the_window_blocks_that_amount():
    # An order of Rp148.002 (base 148.000 + code 2) and one of base 147.999 + code 3 would both ask
    # for Rp148.002 on the statement: the amount is what must be unique, not the (base, code) pair.
    taken = [(BASE + 2, NOW + 60)]
    assert unique_codes.codes_in_use(taken, BASE - 1, NOW) == {3}
    assert unique_codes.lowest_free(unique_codes.codes_in_use(taken, BASE - 1, NOW)) == 1
    assert unique_codes.codes_in_use([(BASE, NOW + 60), (BASE + 1000, NOW + 60)], BASE, NOW) == set()


def test_a_code_is_free_after_deadline_grace_and_cool_down():
    assert unique_codes.free_at(NOW, 15 * 60, 48) == NOW + 15 * 60 + 48 * 3600


def test_an_account_is_the_same_however_its_number_is_typed():
    assert unique_codes.account_key("m1", "bca ", "123-456 7890") == unique_codes.account_key("m1", "BCA", "1234567890")
    assert unique_codes.account_key("m1", "BCA", "1234567890") != unique_codes.account_key("m1", "BRI", "1234567890")
    assert unique_codes.account_key("m1", "BCA", "1234567890") != unique_codes.account_key("m2", "BCA", "1234567890")


def test_codes_taken_off_the_base_look_below_it_and_never_reach_it():
    taken = [(BASE - 1, NOW + 60), (BASE - 3, NOW + 60), (BASE + 2, NOW + 60)]
    assert unique_codes.codes_in_use(taken, BASE, NOW, sign=-1) == {1, 3}, "an added code's amount is not in the way"
    assert unique_codes.lowest_free({1, 3}) == 2
    assert unique_codes.lowest_free(set(), below=3) == 1
    with pytest.raises(Conflict):
        unique_codes.lowest_free({1}, below=2)  # a Rp2 order cannot lose 2 rupiah
