"""Printer profiles: built-ins, custom profiles from JSON, layering and validation."""
from __future__ import annotations

import logging

import pytest

from print_bridge.profiles import BUILTIN_PROFILES, Profile, ProfileError, get_profile, merge_profiles


def test_builtins_are_the_common_203_dpi_printers() -> None:
    widths = {name: (p.language, p.role, p.width_dots, p.dpi) for name, p in BUILTIN_PROFILES.items()}
    assert widths == {
        "escpos-58": ("escpos", "receipt", 384, 203),
        "escpos-80": ("escpos", "receipt", 576, 203),
        "tspl-100x150": ("tspl", "label", 800, 203),
        "zpl-100x150": ("zpl", "label", 800, 203),
    }
    assert all(p.dots_per_mm == 8 for p in BUILTIN_PROFILES.values())
    assert BUILTIN_PROFILES["tspl-100x150"].tspl_black_bit == 0


def test_profile_round_trips_through_json_dict() -> None:
    for profile in BUILTIN_PROFILES.values():
        assert Profile.from_dict(profile.to_dict()) == profile


def test_custom_profile_extends_a_base() -> None:
    profile = Profile.from_dict({"name": "xp80-slow", "base": "escpos-80", "band_height": 256, "cutter": "full"})
    assert (profile.width_dots, profile.band_height, profile.cutter, profile.language) == (576, 256, "full", "escpos")


def test_unknown_fields_are_ignored_with_a_warning(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        profile = Profile.from_dict({"name": "p", "base": "escpos-58", "future_field": 1})
    assert profile.width_dots == 384
    assert "future_field" in caplog.text


@pytest.mark.parametrize(
    "data, message",
    [
        ({"name": "p", "role": "receipt", "language": "pcl", "width_dots": 576}, "language must be one of"),
        ({"name": "p", "role": "receipt", "language": "escpos"}, "missing width_dots"),
        ({"name": "p", "base": "escpos-80", "width_dots": 5000}, "width_dots must be an integer in 8..4096"),
        ({"name": "p", "base": "escpos-80", "band_height": 0}, "band_height"),
        ({"name": "p", "base": "escpos-80", "width_dots": "576"}, "width_dots must be an integer"),
        ({"name": "p", "base": "tspl-100x150", "tspl_black_bit": 2}, "tspl_black_bit must be 0 or 1"),
        ({"name": "p", "base": "tspl-100x150", "cutter": "full"}, "ESC/POS printers only"),
        ({"name": "p", "role": "label", "language": "tspl", "width_dots": 800}, "needs label_width_mm"),
        ({"name": "p", "base": "zpl-100x150", "width_dots": 1200}, "wider than the label"),
        ({"name": "p", "base": "nope"}, "unknown base profile"),
        ({"name": "p", "base": "escpos-80", "dither": "sometimes"}, "dither must be one of"),
    ],
)
def test_invalid_profiles_are_refused_with_the_reason(data: dict, message: str) -> None:
    with pytest.raises(ProfileError, match=message):
        Profile.from_dict(data)


def test_tspl_with_stored_settings_needs_no_label_size() -> None:
    profile = Profile.from_dict(
        {"name": "p", "role": "label", "language": "tspl", "width_dots": 800, "tspl_stored_settings": True}
    )
    assert profile.label_height_mm is None


def test_layers_override_in_order() -> None:
    station = [{"name": "escpos-80", "base": "escpos-80", "band_height": 480}, {"name": "shop-label", "base": "zpl-100x150"}]
    local = [{"name": "escpos-80", "base": "escpos-80", "band_height": 128}, {"name": "mine", "base": "shop-label"}]
    table = merge_profiles(station, local)
    assert table["escpos-80"].band_height == 128
    assert table["mine"].language == "zpl"
    assert table["escpos-58"] == BUILTIN_PROFILES["escpos-58"]


def test_unknown_profile_names_what_exists() -> None:
    with pytest.raises(ProfileError, match="known: escpos-58, escpos-80, tspl-100x150, zpl-100x150"):
        get_profile("escpos-76")
