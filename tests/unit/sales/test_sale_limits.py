"""Limits of one sale: a cart's lines after merging, the store's maximum amount, cash change."""
from __future__ import annotations

import pytest

from chalicelib.catalog import model as catalog
from chalicelib.core.errors import Conflict, Unprocessable, ValidationError
from chalicelib.sales import model


def test_lines_of_one_product_are_added_before_the_quantity_is_checked():
    assert catalog.merge_quantities([("KOPI", 500), ("TEH", 1), ("KOPI", 499)]) == {"KOPI": 999, "TEH": 1}
    with pytest.raises(ValidationError) as e:
        catalog.merge_quantities([("KOPI", 999)] * 100)
    assert e.value.code == "qty_too_large" and e.value.details == {"sku": "KOPI", "qty": 99_900, "max_qty": 999}
    assert "99900" in e.value.message


def test_the_number_of_products_is_counted_after_merging():
    many = [(f"SKU-{i}", 1) for i in range(catalog.MAX_CART_LINES)]
    assert len(catalog.merge_quantities(many + many)) == catalog.MAX_CART_LINES
    with pytest.raises(ValidationError) as e:
        catalog.merge_quantities(many + [("ONE-MORE", 1)])
    assert e.value.code == "too_many_items"


@pytest.mark.parametrize("item, code", [
    ("KOPI", "invalid_item"), ({"sku": "KOPI", "qty": 1, "price": 1}, "unknown_field"),
    ({"sku": "KOPI", "qty": 0}, "invalid_qty"), ({"sku": "KOPI", "qty": 1000}, "invalid_qty"),
    ({"sku": "KOPI", "qty": 1.0}, "invalid_qty"), ({"sku": "KOPI", "qty": True}, "invalid_qty"),
    ({"sku": "K" * 33, "qty": 1}, "invalid_sku"), ({"sku": "KO PI", "qty": 1}, "invalid_sku"),
    ({"sku": ["KOPI"], "qty": 1}, "invalid_sku"), ({"barcode": "89912x", "qty": 1}, "invalid_barcode"),
    ({"barcode": "1" * 15, "qty": 1}, "invalid_barcode"), ({"qty": 1}, "invalid_item"),
])
def test_a_cart_row_is_refused_before_anything_is_read(item, code):
    with pytest.raises(ValidationError) as e:
        catalog.cart_row(2, item)
    assert e.value.code == code and e.value.message.startswith("Baris 2")


def test_a_cart_row_is_read_as_sku_or_barcode():
    assert catalog.cart_row(1, {"sku": " kopi-250 ", "qty": 3}) == ("sku", "KOPI-250", 3)
    assert catalog.cart_row(1, {"barcode": " 8991234500017 ", "qty": 1}) == ("barcode", "8991234500017", 1)
    assert catalog.cart_row(1, {"barcode": 8991234500017, "qty": 1}) == ("barcode", "8991234500017", 1)


def test_a_total_above_the_store_maximum_is_refused():
    model.require_sale_amount(50_000_000, 50_000_000)
    with pytest.raises(Unprocessable) as e:
        model.require_sale_amount(50_000_001, 50_000_000)
    assert e.value.status == 422 and e.value.code == "sale_amount_too_large"
    assert "Rp50.000.001" in e.value.message and "Rp50.000.000" in e.value.message


def test_cash_received_may_not_leave_more_change_than_a_drawer_gives():
    assert model.change_due(18_000, 18_000 + model.MAX_CASH_CHANGE) == model.MAX_CASH_CHANGE
    for received in (18_000 + model.MAX_CASH_CHANGE + 1, 999_000_000_000):
        with pytest.raises(Unprocessable) as e:
            model.change_due(18_000, received)
        assert e.value.code == "cash_received_too_large" and "Periksa jumlah" in e.value.message
    with pytest.raises(Conflict):
        model.change_due(18_000, 17_999)
