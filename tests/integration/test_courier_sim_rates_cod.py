"""Our Biteship adapter's rates, cash on delivery and cancel, unchanged, against the courier simulator
over loopback HTTP (Biteship's ``POST /v1/rates/couriers``, ``destination_cash_on_delivery``,
``POST /v1/orders/:id/cancel``)."""
from __future__ import annotations

import json
import urllib.request

import pytest

from chalicelib.core.errors import ValidationError
from chalicelib.shipping.model import RatesRequest, ShipmentItem, ShipmentRequest, ShipmentStatus, ShippingAddress
from chalicelib.shipping.providers import (
    CourierAuthFailed,
    CourierInvalidAddress,
    CourierRequestRejected,
    CourierServiceUnavailable,
)
from chalicelib.shipping.providers.biteship import BiteshipProvider, parse_rates, rates_payload
from infra.local.courier_sim import CourierSimulator

KEY = "biteship_test.rates"
ORIGIN = ShippingAddress("Toko Sambung", "081234567890", "Jl. Asia Afrika 8, Jakarta", postal_code="12440")
DESTINATION = ShippingAddress("Sari", "081298765432", "Jl. Dago 2, Bandung", postal_code="40135")
SHIRTS = (ShipmentItem("Kaos", 100_000, 700, 2),)  # 1.4 kg: two started kilograms


@pytest.fixture
def sim():
    with CourierSimulator(api_key=KEY) as s:
        yield s


@pytest.fixture
def biteship(sim):
    return BiteshipProvider(KEY, base_url=sim.url, timeout_s=2.0)


def _rates_request(**changes) -> RatesRequest:
    fields = {"origin": ORIGIN, "destination_postal_code": "40135", "items": SHIRTS, "couriers": ("jne", "sicepat")}
    fields.update(changes)
    return RatesRequest(**fields)


def test_rates_come_back_per_service_with_price_duration_and_cod(biteship):
    rates = biteship.rates(_rates_request())
    assert [r.label for r in rates] == ["JNE OKE", "SICEPAT REG", "JNE REG", "SICEPAT BEST", "JNE YES"]
    by = {r.label: r for r in rates}
    # 9.000 a kilogram, x1,5 between regions, two kilograms; each service at its own factor.
    assert by["JNE REG"].price == 2 * 13_500 and by["SICEPAT REG"].price == 2 * 12_800
    assert by["JNE REG"].cod and by["SICEPAT REG"].cod and not by["JNE YES"].cod and not by["JNE OKE"].cod
    assert by["JNE REG"].cod_fee == 8_000 and by["JNE YES"].cod_fee is None  # 4% of the goods' value
    assert by["JNE REG"].duration == "2 - 3 days" and by["JNE REG"].courier_name == "JNE"
    assert by["SICEPAT BEST"].service_name == "Besok Sampai Tujuan"
    # Nearby (the same region) costs the plain kilogram price; an unknown courier offers nothing.
    assert {r.label: r.price for r in biteship.rates(_rates_request(destination_postal_code="10210"))}["JNE REG"] == 18_000
    assert biteship.rates(_rates_request(couriers=("paxel",))) == []


def test_the_rates_body_is_biteships(sim):
    payload = rates_payload(_rates_request())
    assert payload == {"origin_postal_code": 12440, "destination_postal_code": 40135, "couriers": "jne,sicepat",
                       "items": [{"name": "Kaos", "value": 100_000, "quantity": 2, "weight": 700}]}
    # What Biteship answers, as a third-party fixture shows it (upper-case service codes, null fees).
    answer = {"pricing": [{"courier_code": "jne", "courier_service_code": "REG", "courier_name": "JNE",
                           "courier_service_name": "Regular", "price": 18000, "available_for_cash_on_delivery": True,
                           "cash_on_delivery_fee": None},
                          {"courier_code": "sap", "courier_service_code": "SDS", "price": "15000"},
                          {"courier_code": "x y", "courier_service_code": "reg", "price": 1},
                          {"courier_code": "tiki", "courier_service_code": "eco", "price": 9.5}]}
    assert [(r.label, r.price, r.cod) for r in parse_rates(answer)] == [("SAP SDS", 15_000, False),
                                                                       ("JNE REG", 18_000, True)]


def test_rates_refuse_what_biteship_refuses(sim, biteship):
    with pytest.raises(CourierInvalidAddress):
        biteship.rates(_rates_request(origin=ShippingAddress("Toko", "081234567890", "Jl. A 1", postal_code="00001")))
    with pytest.raises(CourierAuthFailed):
        BiteshipProvider("biteship_test.wrong", base_url=sim.url, timeout_s=2.0).rates(_rates_request())
    for bad in ({"destination_postal_code": "4013"}, {"couriers": ()}, {"couriers": ("JNE!",)}, {"items": ()}):
        with pytest.raises(ValidationError):
            _rates_request(**bad)


def _shipment(reference: str, **changes) -> ShipmentRequest:
    fields = {"reference": reference, "origin": ORIGIN, "destination": DESTINATION, "courier_company": "jne",
              "courier_type": "reg", "items": SHIRTS}
    fields.update(changes)
    return ShipmentRequest(**fields)


def _sim_orders(sim) -> list[dict]:
    req = urllib.request.Request(sim.url + "/sim/orders")
    with urllib.request.build_opener(urllib.request.ProxyHandler({})).open(req, timeout=5) as resp:
        return json.loads(resp.read())["orders"]


def test_a_cod_order_carries_its_amount_and_is_priced_as_quoted(sim, biteship):
    info = biteship.create_order(_shipment("01SALE0000000000000000COD1", cod_amount=227_000))
    assert info.price == 2 * 13_500, "the courier charges what it quoted"
    [order] = _sim_orders(sim)
    cod = order["destination"]["cash_on_delivery"]
    assert (cod["amount"], cod["fee"], cod["type"]) == (227_000, 9_080, "7_days")
    # A service that does not collect cash refuses a COD order, and nothing is booked.
    with pytest.raises(CourierServiceUnavailable):
        biteship.create_order(_shipment("01SALE0000000000000000COD2", courier_type="yes", cod_amount=227_000))
    assert len(_sim_orders(sim)) == 1


def test_an_order_is_cancelled_until_pickup_and_its_price_goes_back(sim, biteship):
    balance = sim.list_orders()["config"]["balance"]
    info = biteship.create_order(_shipment("01SALE00000000000000CANCEL1"))
    cancelled = biteship.cancel_order(info.provider_order_id, "Pelanggan batal")
    assert cancelled.status is ShipmentStatus.CANCELLED and sim.list_orders()["config"]["balance"] == balance
    picked = biteship.create_order(_shipment("01SALE00000000000000CANCEL2"))
    sim.set_status(picked.provider_order_id, "picked")
    with pytest.raises(CourierRequestRejected) as refused:
        biteship.cancel_order(picked.provider_order_id, "Pelanggan batal")
    assert "picked" in str(refused.value.details["provider_message"])
    assert biteship.get_order(picked.provider_order_id).status is ShipmentStatus.PICKED
