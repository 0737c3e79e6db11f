"""Drop order rules: how many the warehouse hands over, what may come back, when it is sold out."""
from __future__ import annotations

from types import SimpleNamespace

import pytest

from chalicelib.core.errors import ValidationError
from chalicelib.inventory import model

LINES = [{"sku": "A", "name": "a", "qty": 5}, {"sku": "B", "name": "b", "qty": 2}]


def test_everything_requested_is_handed_over_when_no_quantities_are_given():
    assert model.handover_quantities(LINES, None) == {"A": 5, "B": 2}


def test_the_warehouse_hands_over_up_to_what_was_asked_and_a_line_left_out_is_none_of_it():
    assert model.handover_quantities(LINES, [{"sku": "A", "qty": 3}]) == {"A": 3, "B": 0}
    assert model.handover_quantities(LINES, [{"sku": "A", "qty": 0}, {"sku": "B", "qty": 2}]) == {"A": 0, "B": 2}


@pytest.mark.parametrize("items,code", [
    ([{"sku": "A", "qty": 6}], "invalid_qty"),
    ([{"sku": "A", "qty": -3}], "invalid_qty"),
    ([{"sku": "A", "qty": 2.5}], "invalid_qty"),
    ([{"sku": "A", "qty": 2.0}], "invalid_qty"),
    ([{"sku": "A", "qty": "2"}], "invalid_qty"),
    ([{"sku": "A", "qty": True}], "invalid_qty"),
    ([{"sku": "A"}], "invalid_qty"),
    ([{"sku": "C", "qty": 1}], "not_in_drop_order"),
    ([{"sku": "A", "qty": 1}, {"sku": "A", "qty": 1}], "duplicate_item"),
    ([{"sku": "A", "qty": 1, "price": 5}], "invalid_item"),
    (["A"], "invalid_item"),
    ({"A": 1}, "invalid_items"),
    ([], "nothing_handed"),
    ([{"sku": "A", "qty": 0}, {"sku": "B", "qty": 0}], "nothing_handed"),
])
def test_a_hand_over_of_impossible_quantities_is_refused(items, code):
    with pytest.raises(ValidationError) as err:
        model.handover_quantities(LINES, items)
    assert err.value.code == code


@pytest.mark.parametrize("qty", [0, -3, 2.5, 1.0, "1", None, True, 10_000])
def test_a_requested_quantity_is_a_whole_number_from_one(qty):
    with pytest.raises(ValidationError) as err:
        model.validate_qty(qty, "Baris 1: jumlah", maximum=model.MAX_DROP_QTY)
    assert err.value.code == "invalid_qty" and "bilangan bulat 1-9999" in err.value.message


def test_what_was_handed_over_is_what_can_come_back():
    handed = model.handed_of([{"sku": "A", "qty": 5, "handed": 3}, {"sku": "B", "qty": 2, "handed": 0},
                              {"sku": "C", "qty": 1}])  # handed over before partial hand-overs: in full
    assert handed == {"A": 3, "C": 1}
    assert model.return_outcome(handed, {"A": 3, "C": 1}) == model.DROP_CANCELLED
    assert model.return_outcome(handed, {"A": 1}) == model.DROP_CLOSED
    with pytest.raises(ValidationError) as err:
        model.return_outcome(handed, {"B": 1})
    assert err.value.code == "not_in_drop_order"
    with pytest.raises(ValidationError) as err:
        model.return_outcome(handed, {"A": 4})
    assert err.value.code == "return_exceeds_drop"


def _entry(reason, delta):
    return SimpleNamespace(reason=reason, delta=delta)


def test_sold_counts_sales_at_the_desk_less_refunds_put_back():
    entries = [_entry("book_order_sale", -3), _entry("sale", -1), _entry("refund", 1), _entry("drop_order", 5),
               _entry("adjust", -2), _entry("count", 4), _entry("drop_return", -1)]
    assert model.sold_since(entries) == 3
    assert model.sold_since([]) == 0


def test_a_drop_order_is_sold_out_when_as_many_of_every_line_were_sold():
    assert model.unsold({"A": 3, "B": 2}, {"A": 3, "B": 5}) == {}
    assert model.unsold({"A": 3, "B": 2}, {"A": 2}) == {"A": (3, 2), "B": (2, 0)}
