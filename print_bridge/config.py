"""The bridge's config file: where the cloud is, this station's credential, and its printers.

JSON, in a per-OS config directory unless ``--config PATH`` says otherwise:

* Windows: ``%APPDATA%\\Sambung\\PrintBridge\\config.json``
* macOS: ``~/Library/Application Support/Sambung PrintBridge/config.json``
* Linux and others: ``$XDG_CONFIG_HOME/sambung-print-bridge/config.json`` (``~/.config``)

Example::

    {
      "api_url": "https://kasir.example.id/api",
      "device_id": "dev_01J...", "device_token": "...", "store_id": "st_01J...",
      "store_name": "Toko Demo", "station_id": "ps_01J...", "name": "PC Kasir",
      "printers": {
        "receipt": {"uri": "tcp://192.168.1.50:9100", "profile": "escpos-80"},
        "label": {"uri": "dev:/dev/usb/lp0", "profile": "tspl-100x150"}
      },
      "station_profiles": [],
      "profiles": [{"name": "xp80-slow", "base": "escpos-80", "band_height": 256}]
    }

The printer URI stays local (it is a LAN address the cloud has no business knowing); which
profile a role uses comes from the cloud's station record and may be overridden here.
``station_profiles`` caches the station's custom profiles so the bridge can print while the
cloud is unreachable. The file holds the device token, so it is written owner-only, atomically.
"""
from __future__ import annotations

import json
import os
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .profiles import Profile, merge_profiles

DEFAULT_API_URL = "http://127.0.0.1:8000/api"  # the local stack (`make run`)


class ConfigError(ValueError):
    """The config file is missing, unreadable or incomplete for the command."""


def default_config_dir() -> Path:
    if sys.platform == "win32":
        base = os.environ.get("APPDATA") or str(Path.home() / "AppData" / "Roaming")
        return Path(base) / "Sambung" / "PrintBridge"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Application Support" / "Sambung PrintBridge"
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "sambung-print-bridge"


def default_config_path() -> Path:
    return default_config_dir() / "config.json"


@dataclass
class PrinterSetup:
    """Where the printer for one role is and which profile drives it."""

    uri: str | None = None
    profile: str | None = None


@dataclass
class BridgeConfig:
    path: Path
    api_url: str = DEFAULT_API_URL
    device_id: str | None = None
    device_token: str | None = None
    store_id: str | None = None
    store_name: str | None = None
    station_id: str | None = None
    name: str | None = None
    printers: dict[str, PrinterSetup] = field(default_factory=dict)
    station_profiles: list[dict[str, Any]] = field(default_factory=list)
    profiles: list[dict[str, Any]] = field(default_factory=list)

    @property
    def journal_path(self) -> Path:
        return self.path.with_name("journal.jsonl")

    @property
    def paired(self) -> bool:
        return bool(self.device_token)

    def profile_table(self) -> dict[str, Profile]:
        """Built-in, then station, then local profiles (later wins)."""
        return merge_profiles(self.station_profiles, self.profiles)

    def apply_station(self, station: dict[str, Any]) -> None:
        """Take the cloud's station record: id, custom profiles and the profile for each role.

        Printer URIs already configured here are kept; roles the cloud lists get an entry so
        ``set-printer`` only has to add the address.
        """
        self.station_id = station.get("station_id") or self.station_id
        profiles = station.get("profiles")
        if isinstance(profiles, list):
            merge_profiles(profiles)  # validate before replacing the cache
            self.station_profiles = profiles
        for item in station.get("printers") or []:
            role, profile = item.get("role"), item.get("profile")
            if isinstance(role, str) and role:
                setup = self.printers.setdefault(role, PrinterSetup())
                if isinstance(profile, str) and profile:
                    setup.profile = profile

    @classmethod
    def load(cls, path: Path, must_exist: bool = True) -> "BridgeConfig":
        if not path.exists():
            if must_exist:
                raise ConfigError(f"no config at {path}: run `python -m print_bridge pair CODE` first")
            return cls(path=path)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ConfigError(f"cannot read config {path}: {exc}") from exc
        if not isinstance(data, dict):
            raise ConfigError(f"config {path} must hold a JSON object")
        printers = {}
        for role, value in (data.get("printers") or {}).items():
            if not isinstance(value, dict):
                raise ConfigError(f"config {path}: printers.{role} must be an object with uri and profile")
            printers[role] = PrinterSetup(uri=value.get("uri"), profile=value.get("profile"))
        config = cls(
            path=path,
            api_url=data.get("api_url") or DEFAULT_API_URL,
            device_id=data.get("device_id"),
            device_token=data.get("device_token"),
            store_id=data.get("store_id"),
            store_name=data.get("store_name"),
            station_id=data.get("station_id"),
            name=data.get("name"),
            printers=printers,
            station_profiles=list(data.get("station_profiles") or []),
            profiles=list(data.get("profiles") or []),
        )
        config.profile_table()  # fail now, with the file name, rather than mid-job
        return config

    def to_dict(self) -> dict[str, Any]:
        return {
            "api_url": self.api_url,
            "device_id": self.device_id,
            "device_token": self.device_token,
            "store_id": self.store_id,
            "store_name": self.store_name,
            "station_id": self.station_id,
            "name": self.name,
            "printers": {role: {"uri": p.uri, "profile": p.profile} for role, p in sorted(self.printers.items())},
            "station_profiles": self.station_profiles,
            "profiles": self.profiles,
        }

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        text = json.dumps(self.to_dict(), indent=2, ensure_ascii=False) + "\n"
        # mkstemp creates the file readable by its owner only; replace() makes the swap atomic.
        fd, tmp = tempfile.mkstemp(prefix=".config-", dir=str(self.path.parent))
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(text)
            os.replace(tmp, self.path)
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise
