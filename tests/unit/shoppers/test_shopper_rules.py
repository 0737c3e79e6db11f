"""Pure shopper rules: phones as people type them, registration fields, points, activation tokens, link rate."""
from __future__ import annotations

from datetime import date

import pytest

from chalicelib.core.errors import ValidationError
from chalicelib.shoppers import model

SECRET = b"unit-test-key-0123456789abcdef01"


@pytest.mark.parametrize("typed", ["081234567890", "0812 3456 7890", "0812-3456-7890", "+62 812-3456-7890",
                                   "6281234567890", "62 812 3456 7890", " (0812) 3456-7890 "])
def test_every_common_way_of_typing_a_number_is_one_shopper_key(typed):
    assert model.shopper_phone(typed) == "+6281234567890"


@pytest.mark.parametrize("typed,code", [("08123", "invalid_phone"), ("0812-abc-7890", "invalid_phone"),
                                        ("", "invalid_phone"), ("++62", "invalid_phone"), ("0000000000", "invalid_phone")])
def test_malformed_numbers_are_refused_with_a_reason(typed, code):
    with pytest.raises(ValidationError) as e:
        model.shopper_phone(typed)
    assert e.value.code == code and e.value.message


def test_a_shopper_phone_must_reach_whatsapp_or_sms():
    assert model.shopper_phone("0812 3456 7890") == "+6281234567890"
    with pytest.raises(ValidationError) as e:
        model.shopper_phone("021-5551234")
    assert e.value.code == "phone_not_mobile"
    for bad in (None, 81234567890, "08123"):
        with pytest.raises(ValidationError):
            model.shopper_phone(bad)


@pytest.mark.parametrize("amount,rule,points", [
    (0, 10_000, 0), (9_999, 10_000, 0), (10_000, 10_000, 1), (19_999, 10_000, 1), (150_000, 10_000, 15),
    (1_234_567, 1_000, 1234), (50_000, 0, 0), (50_000, -5, 0),
])
def test_points_are_whole_and_rounded_down(amount, rule, points):
    assert model.points_for(amount, rule) == points


@pytest.mark.parametrize("amount,rule", [(-1, 10_000), (1.5, 10_000), (True, 10_000), (100, 2.5)])
def test_points_refuse_non_rupiah_inputs(amount, rule):
    with pytest.raises(ValueError):
        model.points_for(amount, rule)


def test_consent_must_be_an_explicit_true():
    assert model.require_consent(True) is True
    for bad in (False, None, "true", 1, "ya"):
        with pytest.raises(ValidationError) as e:
            model.require_consent(bad)
        assert e.value.code == "consent_required"


def test_email_is_optional_trimmed_and_lowercased():
    assert model.validate_email(None) is None and model.validate_email("  ") is None
    assert model.validate_email(" Budi.Santoso@Contoh.CO.ID ") == "budi.santoso@contoh.co.id"
    for bad in ("budi@", "budi", "a@b", "budi @contoh.com", 42, "x" * 250 + "@a.com"):
        with pytest.raises(ValidationError):
            model.validate_email(bad)


def test_birthday_is_a_real_past_day():
    today = date(2026, 11, 23)
    assert model.validate_birthday("1995-08-17", today) == "1995-08-17"
    assert model.validate_birthday(None, today) is None
    for bad in ("17-08-1995", "1995-02-30", "2026-11-24", "1890-01-01", "kemarin", 19950817):
        with pytest.raises(ValidationError) as e:
            model.validate_birthday(bad, today)
        assert e.value.code == "invalid_birthday"


def test_names_are_trimmed_and_bounded():
    assert model.validate_shopper_name("  Budi   Santoso ") == "Budi Santoso"
    for bad in ("", "   ", None, "x" * 81):
        with pytest.raises(ValidationError):
            model.validate_shopper_name(bad)


# ---- activation tokens ----------------------------------------------------------------------

def test_signed_token_round_trips_and_is_short_enough_for_sms():
    tok = model.sign_activation("abcDEF123_-x", 1_800_000_000, SECRET)
    assert len(tok) == 46
    claim = model.read_activation(tok, [SECRET], now=1_799_999_999)
    assert claim == model.ActivationClaim(token_id="abcDEF123_-x", expires_at=1_800_000_000)
    link = model.activation_link("https://toko.example/", tok)
    assert link == f"https://toko.example/activate.html#t={tok}"


def test_token_expires_at_its_signed_time():
    tok = model.sign_activation("abcDEF123_-x", 1_800_000_000, SECRET)
    with pytest.raises(model.TokenExpired):
        model.read_activation(tok, [SECRET], now=1_800_000_000)


def test_any_change_to_a_token_is_invalid():
    tok = model.sign_activation("abcDEF123_-x", 1_800_000_000, SECRET)
    token_id, exp, mac = tok.split(".")
    forged_later = model.sign_activation("abcDEF123_-x", 1_900_000_000, b"guessed-secret")
    flipped = tok[:-1] + ("A" if tok[-1] != "A" else "B")
    for bad in (f"{token_id}.{int(exp) + 86400}.{mac}",  # a longer life
                f"zzzDEF123_-x.{exp}.{mac}",  # someone else's id
                flipped, forged_later, tok + "x", tok.replace(".", "", 1), "", "../../etc", None, 12):
        with pytest.raises(model.TokenInvalid):
            model.read_activation(bad, [SECRET], now=1_700_000_000)
    with pytest.raises(model.TokenInvalid):
        model.read_activation(tok, [SECRET + b"-rotated"], now=1_700_000_000)


def test_signed_tokens_differ_per_secret_and_id():
    a = model.sign_activation("aaaaaaaaaaaa", 1_800_000_000, SECRET)
    b = model.sign_activation("aaaaaaaaaaab", 1_800_000_000, SECRET)
    c = model.sign_activation("aaaaaaaaaaaa", 1_800_000_000, SECRET + b"2")
    assert len({a.split(".")[2], b.split(".")[2], c.split(".")[2]}) == 3


# ---- cashier engagement ---------------------------------------------------------------------

def test_link_rate_and_totals():
    a = model.CashierDay("u_a", "2026-11-23", transactions=3, linked=2, skipped=1, registered=1)
    b = model.CashierDay("u_b", "2026-11-23")
    assert a.to_dict() == {"staff_id": "u_a", "day": "2026-11-23", "transactions": 3, "linked": 2, "unlinked": 1,
                           "skipped": 1, "registered": 1, "link_rate": 0.6667}
    assert b.link_rate is None, "no transactions is not a 0% rate"
    t = model.totals("2026-11-23", [a, b])
    assert (t.transactions, t.linked, t.skipped, t.registered) == (3, 2, 1, 1)


@pytest.mark.parametrize("bad", ["2026-13-01", "2026-02-30", "23-11-2026", "today", "", None])
def test_day_parameter_is_a_calendar_day(bad):
    with pytest.raises(ValidationError):
        model.validate_day(bad)
