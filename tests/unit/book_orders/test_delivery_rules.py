"""How a book order reaches its customer (issue 17, part 6): the delivery chosen or read from an older
request, pickup's rules, postal codes, COD's details on the order, and the couriers a store asks.
Pure, no AWS."""
from __future__ import annotations

from types import SimpleNamespace

import pytest

from chalicelib.book_orders import model
from chalicelib.core.errors import ValidationError
from chalicelib.shipping.model import DEFAULT_RATE_COURIERS, ShippingSettings, find_rate, validate_rate_couriers
from chalicelib.shipping.model.rates import CourierRate

NOW = 1_795_392_000


def _order(**booking) -> SimpleNamespace:
    details = model.booking_details(deadline=NOW + 7200, grace_seconds=900, courier=booking.pop("courier", None),
                                    note=None, bank_account=booking.pop("bank_account", None), **booking)
    return SimpleNamespace(
        order_id="o1", order_no="2311-ABCDE", store_id="s1", status="BOOKED", created_at=NOW, expires_at=NOW + 7200,
        customer={"name": "Rina", "phone": "+6281234567890", "address": "Jl. Melati 5", "channel": "whatsapp"},
        booking=details, shipping_fee=15_000, unique_code=0, total=51_000)


@pytest.mark.parametrize("asked,fee,courier,company,cod,expected", [
    ("pickup", 0, None, None, False, "pickup"),
    ("courier", 0, None, None, False, "courier"),  # free shipping by courier
    (None, 12_000, None, None, False, "courier"),  # an older client: a fee means it ships
    (None, 0, "JNE REG", None, False, "courier"),
    (None, 0, None, "jne", False, "courier"),
    (None, 0, None, None, True, "courier"),
    (None, 0, "  ", None, False, "pickup"),
])
def test_the_delivery_is_as_chosen_or_as_older_requests_meant_it(asked, fee, courier, company, cod, expected):
    assert model.delivery_of(asked, shipping_fee=fee, courier=courier, courier_company=company, cod=cod) == expected


def test_an_unknown_delivery_is_refused():
    with pytest.raises(ValidationError) as e:
        model.delivery_of("drone", shipping_fee=0, courier=None, courier_company=None, cod=False)
    assert e.value.code == "invalid_delivery"


@pytest.mark.parametrize("fee,cod,courier,company,code", [
    (5_000, False, None, None, "pickup_shipping_fee"),
    (0, True, None, None, "cod_needs_delivery"),
    (0, False, "JNE REG", None, "pickup_with_courier"),
    (0, False, None, "jne", "pickup_with_courier"),
])
def test_pickup_has_no_ongkir_courier_or_cod(fee, cod, courier, company, code):
    with pytest.raises(ValidationError) as e:
        model.require_pickup_rules(shipping_fee=fee, cod=cod, courier=courier, courier_company=company)
    assert e.value.code == code
    model.require_pickup_rules(shipping_fee=0, cod=False, courier=" ", courier_company=None)


def test_postal_codes_as_typed_and_as_written_in_an_address():
    assert model.require_postal_code(" 40115 ") == "40115" and model.require_postal_code(40115) == "40115"
    for bad, code in (("", "postal_code_required"), (None, "postal_code_required"), ("4011", "invalid_postal_code"),
                      ("01234", "invalid_postal_code"), ("40115a", "invalid_postal_code"), (True, "postal_code_required")):
        with pytest.raises(ValidationError) as e:
            model.require_postal_code(bad)
        assert e.value.code == code, bad
    # The last five-digit run that is not part of a phone number (addresses end with the postal code).
    assert model.postal_code_in("Jl. Kenanga 12 RT 01/02, Depok 16411, HP 081234567890") == "16411"
    assert model.postal_code_in("Jl. Melati No. 5, Bandung") is None


def test_a_booking_reads_back_its_delivery_quote_and_cod():
    book = model.BookOrder.of(_order(delivery="courier", postal_code="40115", courier="JNE REG", courier_company="jne",
                                     courier_type="reg", courier_price=13_500, cod=True))
    assert (book.delivery, book.postal_code, book.courier_company, book.courier_type) == ("courier", "40115", "jne", "reg")
    assert book.courier_price == 13_500 and book.shipping_fee_differs and book.cod
    assert book.needs_shipping and not book.pickup and book.bank_account is None
    pickup = model.BookOrder.of(_order(delivery="pickup"))
    assert pickup.pickup and not pickup.needs_shipping and not pickup.cod and not pickup.shipping_fee_differs
    # A booking without a delivery (before it was a choice) keeps the old reading, and no quote.
    older = model.BookOrder.of(_order(courier="JNE REG"))
    assert older.delivery is None and older.needs_shipping and older.courier_price is None


def test_cod_effects_are_one_per_order():
    assert model.cod_outcome_effect_id("o1") == "cod#o1" and model.COD_OUTCOME == "book_order.cod_outcome"
    assert model.COD == "COD" and model.COD_HOLD_SECONDS == 30 * 86400


def test_the_couriers_a_store_asks_for_rates():
    assert validate_rate_couriers(" JNE, sicepat ,jne") == ("jne", "sicepat")
    assert validate_rate_couriers(["anteraja"]) == ("anteraja",)
    for bad in ("", [], ["j&t"], 5, ["x"] * 0, [f"c{i}" for i in range(21)]):
        with pytest.raises(ValidationError):
            validate_rate_couriers(bad)
    assert ShippingSettings().couriers_to_ask == DEFAULT_RATE_COURIERS
    assert ShippingSettings(rate_couriers=["sicepat", "jne"]).couriers_to_ask == ("sicepat", "jne")
    assert ShippingSettings(rate_couriers=["J&T!"]).couriers_to_ask == DEFAULT_RATE_COURIERS  # junk stored earlier


def test_a_rate_is_found_by_its_codes_in_any_case():
    rates = [CourierRate("jne", "reg", "JNE", "Reguler", 13_500, cod=True), CourierRate("jne", "yes", "JNE", "YES", 24_300)]
    assert find_rate(rates, "JNE", " REG ").price == 13_500 and find_rate(rates, "jne", "oke") is None
    assert rates[0].to_dict()["label"] == "JNE REG" and rates[0].to_dict()["cod"] is True
