"""Reading CS's free text (postal code, courier), and how news changes a shipment."""
from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chalicelib.core.errors import ValidationError
from chalicelib.shipping.model import (
    AWB_CHANGED,
    AWB_ISSUED,
    ShipmentChange,
    ShipmentStatus as S,
    ShippingSettings,
    courier_label,
    parse_courier_choice,
    plan_change,
    postal_code_in,
    validate_api_key,
    validate_tracking_url,
)


@pytest.mark.parametrize("address,code", [
    ("Jl. Melati No. 5, Bandung 40115", "40115"),
    ("Jl. Mawar 12\nKel. Sukajadi, Bandung\n40162 (telp 081234567890)", "40162"),
    ("Perum Griya 12345 Blok A, Depok 16412", "16412"),  # the last one: addresses end with it
    ("Jl. Melati No. 5, Bandung", None),
    ("Hubungi 081234567890", None),  # digits of a phone number are not a postal code
    ("RT 01234", None),  # no Indonesian postal code starts with 0
])
def test_postal_code_is_read_from_the_free_text_address(address, code):
    assert postal_code_in(address) == code


@pytest.mark.parametrize("text,expected", [
    ("JNE REG", ("jne", "reg")),
    ("J&T EZ", ("jnt", "ez")),
    ("J&T Express EZ", ("jnt", "ez")),
    ("Pos Indonesia Kilat", ("pos", "kilat")),
    ("sicepat   BEST", ("sicepat", "best")),
    ("jne", ("jne", "yes")),  # the default company takes the default service
    ("SiCepat", ("sicepat", None)),  # another company's service is never guessed
    (None, ("jne", "yes")),
    ("", ("jne", "yes")),
])
def test_courier_choice_is_read_into_biteship_codes(text, expected):
    assert parse_courier_choice(text, "jne", "yes") == expected


def test_courier_label():
    assert courier_label("jne", "reg") == "JNE REG" and courier_label("jne", None) == "JNE" and courier_label(None, None) == "-"


def test_an_awb_confirms_a_requested_shipment_and_tells_the_customer():
    change = plan_change(S.REQUESTED, None, label_printed=False, awb="JX1")
    assert (change.status, change.awb, change.notify, change.reprint_reason) == (S.CONFIRMED, "JX1", True, None)


def test_an_awb_after_a_printed_label_asks_for_a_reprint():
    assert plan_change(S.CONFIRMED, None, label_printed=True, awb="JX1").reprint_reason == AWB_ISSUED
    changed = plan_change(S.PICKED, "JX1", label_printed=True, awb="JX2")
    assert changed.awb == "JX2" and changed.reprint_reason == AWB_CHANGED and changed.status is None


def test_the_same_awb_again_is_no_news():
    assert plan_change(S.CONFIRMED, "JX1", label_printed=True, awb="JX1") == ShipmentChange()


def test_after_the_end_an_awb_is_recorded_once_but_never_replaced_and_nobody_is_told():
    late = plan_change(S.DELIVERED, None, label_printed=False, awb="JX1")
    assert late.awb == "JX1" and late.status is None and not late.notify and late.reprint_reason is None
    assert plan_change(S.CANCELLED, "JX1", label_printed=True, awb="JX2") == ShipmentChange()


def test_an_ended_journey_leaves_the_label_queue():
    assert plan_change(S.CONFIRMED, None, label_printed=False, status=S.CANCELLED).leaves_label_queue
    assert not plan_change(S.CONFIRMED, None, label_printed=False, status=S.PICKED).leaves_label_queue


statuses = st.sampled_from(list(S))


@given(statuses, statuses, st.booleans())
def test_news_never_moves_a_shipment_backwards(current, incoming, printed):
    change = plan_change(current, "JX1", label_printed=printed, status=incoming)
    if change.status is not None:
        assert change.status.rank >= current.rank or change.status.terminal
        assert not current.terminal


def test_settings_integration_needs_a_key_and_api_keys_match_the_mode():
    assert not ShippingSettings(provider="biteship").integrated
    assert ShippingSettings(provider="biteship", api_key_param="/sambung/prod/k").integrated
    assert not ShippingSettings(provider="manual", api_key="biteship_test.x").integrated
    assert validate_api_key(" biteship_test.abc ", test_mode=True) == "biteship_test.abc"
    with pytest.raises(ValidationError):
        validate_api_key("biteship_test.abc", test_mode=False)
    with pytest.raises(ValidationError):
        validate_api_key("biteship_live.abc", test_mode=True)
    with pytest.raises(ValidationError):
        validate_api_key("two words", test_mode=True)


def test_tracking_url_template():
    assert validate_tracking_url("https://lacak.example/{courier}?resi={awb}")
    for bad in ("https://lacak.example/", "http://lacak.example/{awb}", "https://x/{awb}/{order}"):
        with pytest.raises(ValidationError):
            validate_tracking_url(bad)
