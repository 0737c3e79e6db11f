"""Shipment status rules, AWB normalisation, weights and request validation."""
from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chalicelib.core.errors import ValidationError
from chalicelib.shipping.model import (
    AWB_MAX_LENGTH,
    Coordinate,
    ShipmentItem,
    ShipmentRequest,
    ShipmentStatus as S,
    ShippingAddress,
    advance,
    canonical_awb,
    normalize_awb,
    parse_status,
    require_weight_grams,
)

# Every status Biteship documents: Order API (snake_case) and Tracking API (camelCase).
ORDER_API_STATUSES = {
    "confirmed": S.CONFIRMED, "scheduled": S.SCHEDULED, "allocated": S.ALLOCATED, "picking_up": S.PICKING_UP,
    "picked": S.PICKED, "cancelled": S.CANCELLED, "on_hold": S.ON_HOLD, "dropping_off": S.DROPPING_OFF,
    "return_in_transit": S.RETURN_IN_TRANSIT, "returned": S.RETURNED, "rejected": S.REJECTED,
    "disposed": S.DISPOSED, "courier_not_found": S.COURIER_NOT_FOUND, "delivered": S.DELIVERED,
}
TRACKING_API_STATUSES = {
    "confirmed": S.CONFIRMED, "allocated": S.ALLOCATED, "pickingUp": S.PICKING_UP, "picked": S.PICKED,
    "droppingOff": S.DROPPING_OFF, "returnInTransit": S.RETURN_IN_TRANSIT, "onHold": S.ON_HOLD,
    "delivered": S.DELIVERED, "rejected": S.REJECTED, "courierNotFound": S.COURIER_NOT_FOUND,
    "returned": S.RETURNED, "cancelled": S.CANCELLED, "disposed": S.DISPOSED,
}
HAPPY_PATH = [S.CONFIRMED, S.ALLOCATED, S.PICKING_UP, S.PICKED, S.DROPPING_OFF, S.DELIVERED]


@pytest.mark.parametrize("text,expected", [*ORDER_API_STATUSES.items(), *TRACKING_API_STATUSES.items()])
def test_every_documented_biteship_status_maps_to_ours(text, expected):
    assert parse_status(text) is expected
    assert parse_status(f"  {text} ") is expected


@pytest.mark.parametrize("text,expected", ORDER_API_STATUSES.items())
def test_status_case_does_not_matter(text, expected):
    assert parse_status(text.upper()) is expected


@pytest.mark.parametrize("value", ["in_the_air", "", None, 3, {"status": "picked"}])
def test_unknown_statuses_read_as_none_instead_of_failing(value):
    assert parse_status(value) is None


def test_happy_path_moves_forward_one_step_at_a_time():
    current = S.REQUESTED
    for incoming in HAPPY_PATH:
        assert advance(current, incoming) is incoming
        current = incoming


@pytest.mark.parametrize("current,late", [
    (S.DROPPING_OFF, S.PICKED),
    (S.PICKED, S.CONFIRMED),
    (S.DELIVERED, S.DROPPING_OFF),
    (S.RETURN_IN_TRANSIT, S.DROPPING_OFF),
    (S.ALLOCATED, S.REQUESTED),
])
def test_a_late_event_never_moves_a_shipment_backwards(current, late):
    assert advance(current, late) is None


@pytest.mark.parametrize("final", [s for s in S if s.terminal])
def test_a_terminal_status_is_final(final):
    for incoming in S:
        assert advance(final, incoming) is None


@pytest.mark.parametrize("ending", [S.CANCELLED, S.REJECTED, S.COURIER_NOT_FOUND, S.RETURNED, S.DELIVERED])
def test_any_terminal_status_ends_a_journey_in_progress(ending):
    assert advance(S.ALLOCATED, ending) is ending


def test_a_held_parcel_can_resume_and_be_held_again():
    assert advance(S.DROPPING_OFF, S.ON_HOLD) is S.ON_HOLD
    assert advance(S.ON_HOLD, S.DROPPING_OFF) is S.DROPPING_OFF


def test_a_repeated_status_is_no_change():
    assert advance(S.PICKED, S.PICKED) is None


@given(st.lists(st.sampled_from(list(S)), max_size=30))
def test_no_sequence_of_events_lowers_the_rank_or_leaves_a_terminal_status(events):
    current = S.REQUESTED
    for incoming in events:
        new = advance(current, incoming)
        if new is not None:
            assert not current.terminal
            assert new.rank >= current.rank
            current = new


@given(st.permutations(HAPPY_PATH))
def test_the_happy_path_in_any_arrival_order_ends_delivered(events):
    current = S.REQUESTED
    for incoming in events:
        current = advance(current, incoming) or current
    assert current is S.DELIVERED


def test_cancellable_only_until_the_parcel_is_picked_up():
    assert {s for s in S if s.cancellable} == {S.REQUESTED, S.CONFIRMED, S.SCHEDULED, S.ALLOCATED, S.PICKING_UP}


# --- AWB --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("raw,expected", [
    ("jx8009962760", "JX8009962760"),
    ("  002927168687 \r\n", "002927168687"),
    ("SOCAG 0018 3235715", "SOCAG00183235715"),
    ("\tnlidap-12345\u00a0", "NLIDAP-12345"),
    ("\ufeffRR123456789ID\u200b", "RR123456789ID"),
])
def test_manual_awb_is_trimmed_upper_cased_and_spaces_removed(raw, expected):
    assert normalize_awb(raw) == expected


@pytest.mark.parametrize("raw", ["", "   ", "\r\n", None, 12345])
def test_empty_awb_is_refused(raw):
    with pytest.raises(ValidationError) as exc:
        normalize_awb(raw)
    assert exc.value.code == "invalid_awb"
    assert exc.value.message == "Nomor resi wajib diisi."


def test_awb_length_limit():
    assert normalize_awb("A" * AWB_MAX_LENGTH) == "A" * AWB_MAX_LENGTH
    with pytest.raises(ValidationError, match="terlalu panjang"):
        normalize_awb("A" * (AWB_MAX_LENGTH + 1))


def test_scanned_url_is_refused_naming_the_bad_characters():
    with pytest.raises(ValidationError) as exc:
        normalize_awb("https://track.example/JX123")
    assert exc.value.message.startswith("Nomor resi hanya boleh berisi huruf, angka, dan tanda minus (-).")
    assert exc.value.details["invalid_chars"] == [".", "/", ":"]


def test_awb_of_only_dashes_is_refused():
    with pytest.raises(ValidationError, match="huruf atau angka"):
        normalize_awb("---")


def test_courier_issued_awb_is_kept_whatever_its_characters():
    assert canonical_awb(" wyb/1112 ") == "WYB/1112"
    assert canonical_awb(2927168687) == "2927168687"
    assert canonical_awb("  ") is None
    assert canonical_awb(None) is None
    assert canonical_awb(True) is None


# --- weight -----------------------------------------------------------------------------------------

def test_weight_in_whole_grams_from_one_gram():
    assert require_weight_grams(1) == 1
    assert require_weight_grams(1200) == 1200


@pytest.mark.parametrize("value,fragment", [
    (0, "minimal 1 gram"),
    (-5, "minimal 1 gram"),
    (1.2, "dalam gram"),
    ("1200", "angka gram"),
    (True, "angka gram"),
    (1_000_001, "terlalu berat"),
])
def test_bad_weights_are_refused_clearly(value, fragment):
    with pytest.raises(ValidationError, match=fragment) as exc:
        require_weight_grams(value)
    assert exc.value.code == "invalid_weight"


# --- request ----------------------------------------------------------------------------------------

def address(**overrides) -> ShippingAddress:
    fields = {"contact_name": " Budi  Santoso ", "contact_phone": "0812-3456-7890", "address": "Jl. Mawar 1",
              "postal_code": "12440"}
    fields.update(overrides)
    return ShippingAddress(**fields)


def test_address_is_tidied_and_phone_stored_as_e164():
    a = address(postal_code=12440)
    assert a.contact_name == "Budi Santoso"
    assert a.contact_phone == "+6281234567890"
    assert a.postal_code == "12440"


def test_address_needs_a_postal_code_area_or_coordinate():
    with pytest.raises(ValidationError, match="kode pos, area, atau titik lokasi"):
        address(postal_code=None)
    assert address(postal_code=None, area_id="IDNP6IDNC148IDND836IDNZ12430").area_id
    assert address(postal_code=None, coordinate=Coordinate(-6.2253, 106.7993)).coordinate


@pytest.mark.parametrize("postal", ["1244", "124400", "12a40"])
def test_postal_code_must_be_five_digits(postal):
    with pytest.raises(ValidationError, match="Kode pos harus 5 angka"):
        address(postal_code=postal)


def test_bad_phone_is_refused():
    with pytest.raises(ValidationError) as exc:
        address(contact_phone="12")
    assert exc.value.code == "invalid_phone"


def test_coordinate_must_be_on_the_map():
    with pytest.raises(ValidationError, match="Titik lokasi"):
        Coordinate(-100.0, 106.0)


def request(**overrides) -> ShipmentRequest:
    fields = {
        "reference": "SALE-01", "origin": address(), "destination": address(contact_name="Sari"),
        "courier_company": " JNE ", "courier_type": "REG",
        "items": [ShipmentItem("Kaos", 100_000, 300, 2), ShipmentItem("Topi", 50_000, 150)],
    }
    fields.update(overrides)
    return ShipmentRequest(**fields)


def test_request_normalises_courier_codes_and_totals_weight_and_value():
    req = request(cod_amount=250_000)
    assert (req.courier_company, req.courier_type) == ("jne", "reg")
    assert req.items == (ShipmentItem("Kaos", 100_000, 300, 2), ShipmentItem("Topi", 50_000, 150))
    assert req.total_weight_g == 750
    assert req.total_value == 250_000


def test_request_needs_items():
    with pytest.raises(ValidationError, match="minimal satu barang"):
        request(items=[])


@pytest.mark.parametrize("field,value,code", [
    ("cod_amount", 1500.5, "fractional_amount"),
    ("cod_amount", 0, "invalid_amount"),
    ("insurance_amount", "100000", "invalid_amount"),
    ("courier_company", "j&t", "invalid_courier"),
    ("courier_type", " ", "invalid_courier"),
    ("reference", "", "invalid_shipment"),
])
def test_request_refuses_bad_fields(field, value, code):
    with pytest.raises(ValidationError) as exc:
        request(**{field: value})
    assert exc.value.code == code


@pytest.mark.parametrize("kwargs,code", [
    ({"quantity": 0}, "invalid_item"),
    ({"weight_g": 0}, "invalid_weight"),
    ({"value": 10.5}, "fractional_amount"),
    ({"name": "  "}, "invalid_item"),
])
def test_item_refuses_bad_fields(kwargs, code):
    fields = {"name": "Kaos", "value": 100_000, "weight_g": 300, "quantity": 1, **kwargs}
    with pytest.raises(ValidationError) as exc:
        ShipmentItem(**fields)
    assert exc.value.code == code
