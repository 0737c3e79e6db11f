import pytest

from chalicelib.catalog import model
from chalicelib.core.errors import ValidationError


def test_ean13_check_digit():
    assert model.validate_barcode("8992761123456"[:-1] + str(model.gtin_check_digit("899276112345"))) 
    assert model.validate_barcode("4006381333931") == "4006381333931"  # a well-known valid EAN-13
    with pytest.raises(ValidationError):
        model.validate_barcode("4006381333932")


@pytest.mark.parametrize("price", [-1, 0, 1.5, "15000", True])
def test_prices_are_positive_whole_rupiah(price):
    with pytest.raises(ValidationError):
        model.new_product({"sku": "A1", "name": "X", "price": price})


def test_new_product_normalises():
    p = model.new_product({"sku": " kopi-1 ", "name": "  Kopi   Susu ", "price": 18000, "barcode": "4006381333931"})
    assert (p.sku, p.name, p.price, p.weight_g) == ("KOPI-1", "Kopi Susu", 18000, 100)
