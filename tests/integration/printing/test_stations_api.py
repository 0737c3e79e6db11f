"""Print stations through the API: what a bridge reads, what admins set, and the test page."""
from __future__ import annotations

from pathlib import Path

from print_bridge.config import BridgeConfig
from tests.integration.printing.conftest import fetch, idem


def test_a_new_station_prints_every_role_with_the_default_profiles(shop):
    station = shop.pair_station("PC Kasir")
    config = shop.api.get("/print/station", auth=station).json
    assert config["store_id"] == "s_print" and config["name"] == "PC Kasir" and config["profiles"] == []
    assert config["printers"] == [{"role": "receipt", "profile": "escpos-80"},
                                  {"role": "label", "profile": "tspl-100x150"}]
    listed = shop.api.get("/print/stations", auth=shop.admin).json
    [view] = listed["stations"]
    assert view["station_id"] == config["station_id"] and view["last_seen_at"] is None
    assert [(p["role"], p["assigned"], p["active"]) for p in view["printers"]] == [
        ("receipt", False, True), ("label", False, True)]
    assert {p["name"] for p in listed["builtin_profiles"]} == {"escpos-58", "escpos-80", "tspl-100x150", "zpl-100x150"}
    shop.claim(station)
    seen = shop.api.get("/print/stations", auth=shop.admin).json["stations"][0]["last_seen_at"]
    assert seen == 1_795_392_000, "polling shows the station alive"


def test_admins_assign_profiles_and_add_custom_ones_the_bridge_can_use(shop, tmp_path: Path):
    station = shop.pair_station()
    sid = shop.station_id(station)
    custom = {"name": "xp80-slow", "base": "escpos-80", "band_height": 256}
    r = shop.api.post(f"/print/stations/{sid}/profiles", custom, auth=shop.admin)
    assert r.status == 201 and r.json["profiles"] == [custom]
    assert "xp80-slow" in r.json["profile_choices"]["receipt"] and "xp80-slow" not in r.json["profile_choices"]["label"]
    r = shop.assign(station, {"receipt": "xp80-slow", "label": "zpl-100x150"})
    assert r.status == 200 and [(p["role"], p["profile"], p["assigned"]) for p in r.json["printers"]] == [
        ("receipt", "xp80-slow", True), ("label", "zpl-100x150", True)]

    # The bridge takes the station record as it is.
    bridge = BridgeConfig(path=tmp_path / "config.json")
    bridge.apply_station(shop.api.get("/print/station", auth=station).json)
    assert bridge.printers["receipt"].profile == "xp80-slow" and bridge.printers["label"].profile == "zpl-100x150"
    assert bridge.profile_table()["xp80-slow"].band_height == 256

    shop.submit("r")
    assert shop.claim(station)["profile"] == "xp80-slow"

    for body, code in (({"printers": [{"role": "receipt", "profile": "tspl-100x150"}]}, "profile_role_mismatch"),
                       ({"printers": [{"role": "receipt", "profile": "nope"}]}, "unknown_profile"),
                       ({"printers": "escpos-80"}, "invalid_type")):
        bad = shop.api.call("PUT", f"/print/stations/{sid}/printers", body, auth=shop.admin)
        assert bad.status == 400 and bad.error_code == code, bad
    for profile, code in (({"name": "x", "base": "escpos-80", "band_heigth": 1}, "unknown_field"),
                          ({"name": "x", "base": "escpos-80", "width_dots": 5000}, "invalid_profile"),
                          ({"name": "xp80-slow", "base": "tspl-100x150"}, "profile_role_mismatch")):
        bad = shop.api.post(f"/print/stations/{sid}/profiles", profile, auth=shop.admin)
        assert bad.status == 400 and bad.error_code == code, bad
    assert shop.api.get(f"/print/stations/{sid}/printers", auth=shop.admin).json["profiles"] == [custom]
    assert shop.api.get("/print/stations/d_nope/printers", auth=shop.admin).status == 404


def test_the_test_page_goes_to_the_station_that_prints_the_role(shop):
    r = shop.api.post("/print/test-page", {"role": "receipt"}, auth=shop.admin, headers=idem())
    assert r.status == 409 and r.error_code == "no_print_station"
    station = shop.pair_station()
    r = shop.api.post("/print/test-page", {"role": "label"}, auth=shop.admin, headers=idem())
    assert r.status == 201 and r.json["kind"] == "test" and r.json["role"] == "label"
    assert r.json["expires_at"] - r.json["created_at"] == 15 * 60, "a test page is not printed hours later"
    job = shop.claim(station)
    assert job["job_id"] == r.json["job_id"] and fetch(job["pdf_url"]).startswith(b"%PDF-")
    assert shop.api.post("/print/test-page", {"role": "label"}, auth=shop.cashier, headers=idem()).status == 403
