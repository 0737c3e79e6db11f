"""The local journal (never print twice across restarts) and the config file."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from print_bridge.config import BridgeConfig, ConfigError, PrinterSetup
from print_bridge.journal import Journal


def test_journal_survives_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "journal.jsonl"
    journal = Journal(path)
    journal.record("a", "printing")
    journal.record("a", "printed")
    journal.record("b", "printing")
    journal.record("b", "released")  # nothing reached the printer: may print later
    journal.record("c", "failed", "malformed PDF: x")
    journal.record("c", "acked")
    journal.record("d", "printing")  # the power went out here

    reopened = Journal(path)
    assert reopened.get("a").state == "printed" and reopened.get("a").acked is False
    assert reopened.get("b") is None
    assert (reopened.get("c").state, reopened.get("c").reason, reopened.get("c").acked) == ("failed", "malformed PDF: x", True)
    assert reopened.interrupted() == ["d"]
    assert [job_id for job_id, _ in reopened.unacked()] == ["a"]


def test_a_torn_last_line_loses_nothing_before_it(tmp_path: Path) -> None:
    path = tmp_path / "journal.jsonl"
    Journal(path).record("a", "printed")
    with open(path, "a", encoding="utf-8") as handle:
        handle.write('{"job_id": "b", "ev')
    assert Journal(path).get("a").state == "printed"


def test_journal_is_compacted_to_the_most_recent_jobs(tmp_path: Path) -> None:
    path = tmp_path / "journal.jsonl"
    journal = Journal(path, keep=10)
    for i in range(30):
        journal.record(f"job-{i}", "printed")
        journal.record(f"job-{i}", "acked")
    compacted = Journal(path, keep=10)
    assert compacted.get("job-19") is None and compacted.get("job-20").acked
    assert len(path.read_text().splitlines()) == 20
    assert Journal(path, keep=10).get("job-29").state == "printed"


def test_config_round_trip_and_station_merge(tmp_path: Path) -> None:
    config = BridgeConfig(path=tmp_path / "c" / "config.json", device_token="t")
    config.printers["receipt"] = PrinterSetup("tcp://10.0.0.5:9100", "escpos-58")
    config.apply_station(
        {
            "station_id": "ps-9",
            "profiles": [{"name": "shop", "base": "zpl-100x150"}],
            "printers": [{"role": "receipt", "profile": "escpos-80"}, {"role": "label", "profile": "shop"}],
        }
    )
    config.save()
    loaded = BridgeConfig.load(config.path)
    assert loaded.station_id == "ps-9"
    assert loaded.printers["receipt"] == PrinterSetup("tcp://10.0.0.5:9100", "escpos-80")  # URI kept locally
    assert loaded.printers["label"] == PrinterSetup(None, "shop")
    assert loaded.profile_table()["shop"].language == "zpl"
    assert loaded.journal_path == config.path.with_name("journal.jsonl")


def test_station_with_a_bad_profile_does_not_replace_the_cache(tmp_path: Path) -> None:
    config = BridgeConfig(path=tmp_path / "config.json", station_profiles=[{"name": "ok", "base": "escpos-80"}])
    with pytest.raises(ValueError, match="language must be one of"):
        config.apply_station({"profiles": [{"name": "bad", "base": "escpos-80", "language": "pcl"}]})
    assert config.station_profiles == [{"name": "ok", "base": "escpos-80"}]


@pytest.mark.parametrize(
    "content, message",
    [
        ("{not json", "cannot read config"),
        ("[]", "must hold a JSON object"),
        (json.dumps({"printers": {"receipt": "tcp://x"}}), "printers.receipt must be an object"),
        (json.dumps({"profiles": [{"name": "p", "base": "escpos-80", "width_dots": 1}]}), "width_dots"),
    ],
)
def test_bad_config_files_are_reported(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "config.json"
    path.write_text(content)
    with pytest.raises(ValueError, match=message):
        BridgeConfig.load(path)


def test_missing_config_says_how_to_pair(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="pair CODE"):
        BridgeConfig.load(tmp_path / "none.json")
