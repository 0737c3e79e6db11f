import pytest

from chalicelib.core.clock import day_bounds, format_wib, local_day
from chalicelib.core.errors import ValidationError
from chalicelib.core.ids import new_id, short_code
from chalicelib.core.money import format_rupiah, parse_rupiah, require_rupiah
from chalicelib.core.phone import display_phone, mask_phone, normalize_phone


@pytest.mark.parametrize("amount,text", [(150000, "Rp150.000"), (0, "Rp0"), (999, "Rp999"),
                                         (1_500_000, "Rp1.500.000"), (-5000, "-Rp5.000")])
def test_format_rupiah(amount, text):
    assert format_rupiah(amount) == text


def test_format_rupiah_refuses_floats():
    with pytest.raises(TypeError):
        format_rupiah(1.5)


@pytest.mark.parametrize("text,amount", [("Rp150.000", 150000), ("150.000", 150000), ("150,000", 150000),
                                         ("150000", 150000), ("Rp 1.500.000,00", 1500000), ("1500000.00", 1500000),
                                         ("  Rp5.000 ", 5000)])
def test_parse_rupiah_as_people_type(text, amount):
    assert parse_rupiah(text) == amount


@pytest.mark.parametrize("text", ["Rp150.000,50", "12.5", "abc", "1.50.000", "", "1,000.000"])
def test_parse_rupiah_refuses_fractions_and_noise(text):
    with pytest.raises(ValidationError):
        parse_rupiah(text)


def test_require_rupiah_types():
    assert require_rupiah(100, "Harga") == 100
    for bad in (1.0, "100", True, -1):
        with pytest.raises(ValidationError):
            require_rupiah(bad, "Harga")


@pytest.mark.parametrize("typed", ["0812 3456 7890", "0812-3456-7890", "+62 812-3456-7890", "6281234567890",
                                   "+6281234567890", "(0812) 3456 7890"])
def test_phone_as_people_type(typed):
    assert normalize_phone(typed) == "+6281234567890"
    assert display_phone("+6281234567890") == "0812-3456-7890"


@pytest.mark.parametrize("bad", ["", "12345", "0812abc", "08", "+1 555", "0812-3456-7890-1234"])
def test_phone_refused_with_message(bad):
    with pytest.raises(ValidationError) as e:
        normalize_phone(bad)
    assert "HP" in e.value.message


def test_phone_masking():
    assert mask_phone("+6281234567890") == "+62812*****890"


def test_wib_days_and_boundaries():
    # 2026-11-23T17:30:00Z is 00:30 WIB on the 24th
    ts = 1_795_455_000
    assert local_day(ts) == "2026-11-24"
    start, end = day_bounds("2026-11-24")
    assert start <= ts < end and end - start == 86400
    assert format_wib(ts) == "24/11/2026 00:30 WIB"


def test_ids_sort_by_time_and_codes_are_readable(clock):
    a = new_id()
    clock.advance(1)
    b = new_id()
    assert len(a) == 26 and a < b
    code = short_code(8)
    assert len(code) == 8 and not set(code) & set("01OIL")
