"""A book order's own details read from its order record, which ones ship, and the rules of its
channel and address. Pure, no AWS."""
from __future__ import annotations

from types import SimpleNamespace

import pytest

from chalicelib.book_orders import model
from chalicelib.core.errors import ValidationError

NOW = 1_795_392_000


def _order(address="Jl. Melati 5, Bandung 40115", fee=0, courier=None, booking=True, customer=True):
    details = model.booking_details(deadline=NOW + 7200, grace_seconds=900, courier=courier, note="Bungkus kado",
                                    bank_account=model.BankAccount("BCA", "1234567890", "PT Demo"))
    return SimpleNamespace(
        order_id="o1", order_no="2311-ABCDE", store_id="s1", status="BOOKED", created_at=NOW, expires_at=NOW + 7200,
        customer={"name": "Rina", "phone": "+6281234567890", "address": address, "channel": "whatsapp"} if customer else None,
        booking=details if booking else None, shipping_fee=fee, unique_code=7, total=36_000 + fee + 7)


def test_a_book_order_is_read_whole_from_its_record():
    book = model.BookOrder.of(_order(fee=12_000, courier="JNE REG"))
    assert (book.deadline, book.grace_seconds, book.courier, book.note) == (NOW + 7200, 900, "JNE REG", "Bungkus kado")
    assert book.bank_account == model.BankAccount("BCA", "1234567890", "PT Demo")
    assert (book.customer.name, book.channel_label, book.unique_code, book.total) == ("Rina", "WhatsApp", 7, 48_007)


def test_an_order_without_booking_details_falls_back_to_its_own_expiry():
    book = model.BookOrder.of(_order(booking=False, customer=False))
    assert book.deadline == NOW + 7200 and book.bank_account is None and book.customer.address == ""


@pytest.mark.parametrize("order,ships", [
    (_order(fee=12_000), True),
    (_order(courier="JNE REG"), True),  # free shipping, courier chosen
    (_order(), False),  # the customer collects
    (_order(courier="  "), False),
    (_order(address="", fee=12_000), False),
    (_order(fee=9_000, customer=False, booking=False), False),
])
def test_a_book_order_ships_with_an_address_and_a_fee_or_a_courier(order, ships):
    assert model.BookOrder.of(order).needs_shipping is ships


def test_the_shipment_request_is_one_effect_per_sale():
    assert model.shipment_request_effect_id("o1") == "shipment#o1" and model.SHIPMENT_REQUEST == "shipment.request"


def test_channel_and_address_are_checked():
    assert model.validate_channel("instagram") == "instagram"
    with pytest.raises(ValidationError):
        model.validate_channel("fax")
    assert model.validate_address("  Jl. Melati   5\n\n Bandung ") == "Jl. Melati 5\nBandung"
    for bad in ("   ", "x" * (model.ADDRESS_MAX + 1)):
        with pytest.raises(ValidationError):
            model.validate_address(bad)
