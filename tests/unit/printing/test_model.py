"""Print rules without AWS: the profile copy matches the bridge, validation refuses what the bridge
refuses, routing is deterministic, and job states read the way people expect."""
from __future__ import annotations

import dataclasses

import pytest

from chalicelib.core.errors import ValidationError
from chalicelib.printing import model
from print_bridge import profiles as bridge


def test_builtin_profiles_are_the_bridges():
    assert {name: p.to_dict() for name, p in bridge.BUILTIN_PROFILES.items()} == model.BUILTIN_PROFILES
    assert set(model.PROFILE_FIELDS) == {f.name for f in dataclasses.fields(bridge.Profile)}
    for name, profile in model.DEFAULT_PROFILE.items():
        assert bridge.BUILTIN_PROFILES[profile].role == name


GOOD = [
    {"name": "xp80-slow", "base": "escpos-80", "band_height": 256},
    {"name": "escpos-80", "base": "escpos-80", "drawer_kick": "pin5"},
    {"name": "tm-graphics", "role": "receipt", "language": "escpos", "width_dots": 512,
     "escpos_image_mode": "graphics", "cutter": "full", "feed_lines": 0},
    {"name": "tspl-inverted", "base": "tspl-100x150", "tspl_black_bit": 1, "label_gap_mm": 0},
    {"name": "tspl-stored", "role": "label", "language": "tspl", "width_dots": 640, "tspl_stored_settings": True},
    {"name": "zpl-300", "role": "label", "language": "zpl", "width_dots": 1200, "dpi": 300, "zpl_compression": "ascii",
     "label_width_mm": 100.5, "dither": "never", "threshold": 100, "trim_tail": False},
]
BAD = [
    {"name": "", "base": "escpos-80"},
    {"name": "x", "base": "nope"},
    {"name": "x", "role": "receipt", "language": "escpos"},
    {"name": "x", "base": "escpos-80", "role": "tape"},
    {"name": "x", "base": "escpos-80", "language": "pcl"},
    {"name": "x", "base": "escpos-80", "cutter": "half"},
    {"name": "x", "base": "escpos-80", "drawer_kick": "pin3"},
    {"name": "x", "base": "escpos-80", "escpos_image_mode": "bitmap"},
    {"name": "x", "base": "escpos-80", "width_dots": 4}, {"name": "x", "base": "escpos-80", "width_dots": 576.0},
    {"name": "x", "base": "escpos-80", "width_dots": True}, {"name": "x", "base": "escpos-80", "dpi": 50},
    {"name": "x", "base": "escpos-80", "band_height": 4096}, {"name": "x", "base": "escpos-80", "feed_lines": -1},
    {"name": "x", "base": "escpos-80", "threshold": 0}, {"name": "x", "base": "escpos-80", "dither": "sometimes"},
    {"name": "x", "base": "tspl-100x150", "tspl_black_bit": 2},
    {"name": "x", "base": "tspl-100x150", "tspl_black_bit": True},
    {"name": "x", "base": "tspl-100x150", "tspl_stored_settings": 1},
    {"name": "x", "base": "escpos-80", "trim_tail": "yes"},
    {"name": "x", "base": "tspl-100x150", "label_width_mm": 0},
    {"name": "x", "base": "tspl-100x150", "label_gap_mm": -1},
    {"name": "x", "base": "zpl-100x150", "zpl_compression": "lz4"},
    {"name": "x", "base": "tspl-100x150", "cutter": "partial"},
    {"name": "x", "base": "zpl-100x150", "drawer_kick": "pin2"},
    {"name": "x", "role": "label", "language": "tspl", "width_dots": 800},
    {"name": "x", "base": "tspl-100x150", "width_dots": 1000},
]


@pytest.mark.parametrize("data", GOOD, ids=lambda d: d["name"])
def test_profiles_the_bridge_accepts_are_accepted_as_the_bridge_reads_them(data):
    ours = model.resolve_profile(data)
    assert ours == bridge.Profile.from_dict(data).to_dict()


@pytest.mark.parametrize("data", BAD, ids=lambda d: ",".join(f"{k}={v}" for k, v in d.items()))
def test_profiles_the_bridge_refuses_are_refused_with_a_clear_message(data):
    with pytest.raises(bridge.ProfileError):
        bridge.Profile.from_dict(data)
    with pytest.raises(ValidationError) as refused:
        model.resolve_profile(data)
    assert refused.value.code == "invalid_profile"


def test_an_admins_typo_is_refused_rather_than_ignored():
    with pytest.raises(ValidationError, match="band_heigth"):
        model.resolve_profile({"name": "x", "base": "escpos-80", "band_heigth": 256})


def test_a_station_table_merges_like_the_bridge():
    custom = [{"name": "a", "base": "escpos-58", "threshold": 100}, {"name": "b", "base": "a", "feed_lines": 8}]
    assert model.profile_table(custom) == {n: p.to_dict() for n, p in bridge.merge_profiles(custom).items()}


def _station(sid: str, paired_at: int, printers: dict | None = None, profiles: list | None = None) -> model.Station:
    return model.Station(station_id=sid, name=sid.upper(), paired_at=paired_at, printers=printers or {},
                         profiles=profiles or [])


def test_routing_picks_the_earliest_assigned_station_then_the_earliest_station():
    a, b, c = _station("a", 10), _station("b", 20, {"label": "zpl-100x150"}), _station("c", 5)
    assert model.route([], "receipt") is None
    assert model.route([a, b, c], "label") == (b, "zpl-100x150")
    assert model.route([a, b, c], "receipt") == (c, "escpos-80"), "nobody assigned: the earliest-paired, default profile"
    b2 = _station("b2", 15, {"label": "tspl-100x150"})
    assert model.route([b, b2], "label") == (b2, "tspl-100x150")
    twin = _station("a0", 10, {"label": "tspl-100x150"})
    assert model.route([_station("a1", 10, {"label": "zpl-100x150"}), twin], "label")[0] is twin, "ties by id"


def test_assignments_need_known_profiles_made_for_the_role():
    station = _station("a", 1, profiles=[{"name": "xp58", "base": "escpos-58"}])
    assert model.validate_assignments([{"role": "receipt", "profile": "xp58"}], station) == {"receipt": "xp58"}
    assert model.validate_assignments([], station) == {}
    for printers, code in (
        ([{"role": "receipt", "profile": "tspl-100x150"}], "profile_role_mismatch"),
        ([{"role": "receipt", "profile": "nope"}], "unknown_profile"),
        ([{"role": "tape", "profile": "escpos-80"}], "invalid_role"),
        ([{"role": "receipt", "profile": "escpos-80"}, {"role": "receipt", "profile": "escpos-58"}], "invalid_printers"),
        ([{"role": "receipt"}], "invalid_printers"),
        ({"receipt": "escpos-80"}, "invalid_printers"),
    ):
        with pytest.raises(ValidationError) as refused:
            model.validate_assignments(printers, station)
        assert refused.value.code == code


def test_custom_profiles_are_added_or_replaced_in_place():
    station = _station("a", 1, {"receipt": "xp"}, [{"name": "xp", "base": "escpos-80"}, {"name": "xp2", "base": "xp"}])
    updated = model.with_custom_profile(station, {"name": "xp", "base": "escpos-80", "band_height": 256})
    assert [p["name"] for p in updated] == ["xp", "xp2"], "kept before the profile based on it"
    assert model.profile_table(updated)["xp2"]["band_height"] == 256
    added = model.with_custom_profile(station, {"name": "new", "base": None, "role": "label", "language": "zpl",
                                                "width_dots": 800})
    assert added[-1] == {"name": "new", "role": "label", "language": "zpl", "width_dots": 800}
    with pytest.raises(ValidationError) as refused:
        model.with_custom_profile(station, {"name": "xp", "base": "tspl-100x150"})
    assert refused.value.code == "profile_role_mismatch", "the receipt role would print on a label profile"


@pytest.mark.parametrize("width_dots, dpi, mm", [(384, 203, 58), (576, 203, 80), (512, 203, 80), (432, 203, 80),
                                                  (576, 300, 58), (832, 300, 80)])
def test_receipt_paper_follows_the_printable_width(width_dots, dpi, mm):
    assert model.roll_width_mm({"width_dots": width_dots, "dpi": dpi}) == mm


NOW = 1000


@pytest.mark.parametrize("status, lease_until, expires_at, seen, claimable", [
    ("QUEUED", None, NOW + 1, "QUEUED", True),
    ("QUEUED", None, NOW, "EXPIRED", False),
    ("LEASED", NOW + 1, NOW + 100, "LEASED", False),
    ("LEASED", NOW, NOW + 100, "QUEUED", True),
    ("LEASED", NOW + 5, NOW - 1, "LEASED", False),
    ("LEASED", NOW - 5, NOW - 1, "EXPIRED", False),
    ("PRINTED", None, NOW - 1, "PRINTED", False),
    ("FAILED", None, NOW + 1, "FAILED", False),
    ("EXPIRED", None, NOW - 1, "EXPIRED", False),
])
def test_job_states_as_claims_and_people_see_them(status, lease_until, expires_at, seen, claimable):
    assert model.view_status(status, lease_until, expires_at, NOW) == seen
    assert model.claimable(status, lease_until, expires_at, NOW) is claimable


def test_job_ids_come_from_the_store_and_reference():
    assert model.job_id_for("s1", "receipt-print#o1") == model.job_id_for("s1", "receipt-print#o1")
    assert model.job_id_for("s1", "receipt-print#o1") != model.job_id_for("s2", "receipt-print#o1")
    assert len(model.job_id_for("s1", "x")) == 29


@pytest.mark.parametrize("change, code", [
    ({"role": "tape"}, "invalid_role"), ({"copies": 0}, "invalid_copies"), ({"copies": 100}, "invalid_copies"),
    ({"copies": True}, "invalid_copies"), ({"pdf": b"<html>"}, "invalid_pdf"), ({"reference": ""}, "invalid_reference"),
    ({"ttl_seconds": 30}, "invalid_ttl"), ({"kind": ""}, "invalid_kind"), ({"title": "x" * 121}, "invalid_title"),
])
def test_submissions_are_checked(change, code):
    fields = {"role": "receipt", "kind": "receipt", "pdf": b"%PDF-1.4", "reference": "r", "copies": 1,
              "ttl_seconds": 3600, "title": "", **change}
    with pytest.raises(ValidationError) as refused:
        model.validate_submit(**fields)
    assert refused.value.code == code


def test_acks_and_leases_are_checked():
    assert model.ack_reason("printed", "ignored") is None
    assert model.ack_reason("failed", "  paper out ") == "paper out"
    assert len(model.ack_reason("failed", "x" * 900)) == model.MAX_REASON
    for status, reason in (("failed", None), ("failed", "  "), ("done", None)):
        with pytest.raises(ValidationError):
            model.ack_reason(status, reason)
    assert (model.clamp_lease(1), model.clamp_lease(60), model.clamp_lease(10_000)) == (10, 60, 300)
    with pytest.raises(ValidationError):
        model.clamp_lease("60")
