"""Printer profiles: what the bridge must know about a physical printer to drive it.

A profile is plain data (a frozen dataclass that round-trips through JSON) so the cloud can ship
a station's custom profiles and the store PC can keep local overrides in its config file.

Built-ins cover the printers Indonesian merchants actually have, all at 203 dpi (8 dots/mm):

* ``escpos-58``: 58 mm receipt printers (POS-5890, ZJ-5870): 384 dots, usually no cutter.
* ``escpos-80``: 80 mm receipt printers (TM-T20, Xprinter XP-Q80): 576 dots, partial cut.
* ``tspl-100x150``: 4-inch TSPL label printers (Xprinter XP-420B/460B and clones): 800 dots on
  100x150 mm die-cut labels. Common TSPL firmware inks *cleared* bits, so ``tspl_black_bit`` is 0.
* ``zpl-100x150``: the same labels on Zebra printers or ZPL emulation, graphics sent as Z64.

Lookups layer built-ins < station profiles (from the cloud) < local profiles (config file): a
station admin may tune ``escpos-80`` for a fussy printer without renaming it.
"""
from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass
from typing import Any, Iterable, Mapping

log = logging.getLogger(__name__)

ROLES = ("receipt", "label")
LANGUAGES = ("escpos", "tspl", "zpl")
CUTTERS = ("none", "partial", "full")
DRAWER_PINS = ("none", "pin2", "pin5")
ESCPOS_IMAGE_MODES = ("raster", "graphics")
ZPL_COMPRESSIONS = ("z64", "ascii")
DITHER_MODES = ("auto", "never", "always")


class ProfileError(ValueError):
    """A profile is unknown or its fields are inconsistent."""


@dataclass(frozen=True)
class Profile:
    """One printer's capabilities and quirks.

    Widths are in printer dots; lengths on labels in millimetres because that is what TSPL's
    ``SIZE``/``GAP`` take and what is printed on the label roll's box.
    """

    name: str
    role: str
    language: str
    width_dots: int
    dpi: int = 203
    # Receipt printers only: which cut ``GS V`` performs, and which drawer pin ``ESC p`` pulses.
    cutter: str = "none"
    drawer_kick: str = "none"
    # ``raster`` = GS v 0 (the widely supported default); ``graphics`` = GS ( L / GS 8 L for
    # printers that garble GS v 0 images.
    escpos_image_mode: str = "raster"
    # Rows per image command. Printers differ (Epson TM-T88III: <= 2303); lower it when tall
    # images come out garbled. 960 is python-escpos's default fragment height.
    band_height: int = 960
    # Lines fed after the image so the cut lands below the last printed row.
    feed_lines: int = 4
    # TSPL BITMAP polarity: which bit value prints a black dot (0 on most TSC firmware/clones).
    tspl_black_bit: int = 0
    # Omit SIZE/GAP and rely on the printer's stored media settings (cures the "ERROR" light on
    # printers whose gap sensor disagrees with the declared media).
    tspl_stored_settings: bool = False
    zpl_compression: str = "z64"
    label_width_mm: float | None = None
    label_height_mm: float | None = None
    # 0 means continuous media (no gap/black mark).
    label_gap_mm: float = 2.0
    # Grey level (0-255) below which a pixel prints, for text, barcodes and flat fills.
    threshold: int = 128
    # ``auto``: Floyd-Steinberg only where the page has continuous tone (photos, gradients).
    dither: str = "auto"
    # Drop blank rows at the bottom of each page so a long receipt template does not waste paper.
    trim_tail: bool = True

    def __post_init__(self) -> None:
        _validate(self)

    @property
    def dots_per_mm(self) -> int:
        # Print heads are built in whole dots per millimetre: "203 dpi" is 8/mm, "300 dpi" 12/mm.
        return round(self.dpi / 25.4)

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], known: Mapping[str, "Profile"] | None = None) -> "Profile":
        """Build a profile from JSON data.

        ``base`` names a known profile to start from, so a custom profile only lists what
        differs (``{"name": "xp80-slow", "base": "escpos-80", "band_height": 256}``). Unknown
        keys are logged and ignored: an older bridge must keep working when the cloud adds a field.
        """
        if not isinstance(data, Mapping):
            raise ProfileError("a profile must be a JSON object")
        fields = {f.name for f in dataclasses.fields(cls)}
        values: dict[str, Any] = {}
        base_name = data.get("base")
        if base_name is not None:
            base = (known or BUILTIN_PROFILES).get(base_name)
            if base is None:
                raise ProfileError(f"profile {data.get('name')!r}: unknown base profile {base_name!r}")
            values.update(base.to_dict())
        unknown = sorted(set(data) - fields - {"base"})
        if unknown:
            log.warning("profile %r: ignoring unknown fields %s", data.get("name"), unknown)
        values.update({k: v for k, v in data.items() if k in fields})
        missing = [f for f in ("name", "role", "language", "width_dots") if f not in values]
        if missing:
            raise ProfileError(f"profile {data.get('name')!r}: missing {', '.join(missing)}")
        return cls(**values)


def _validate(p: Profile) -> None:
    def bad(msg: str) -> ProfileError:
        return ProfileError(f"profile {p.name!r}: {msg}")

    def is_int(v: Any) -> bool:
        return isinstance(v, int) and not isinstance(v, bool)

    if not isinstance(p.name, str) or not p.name:
        raise bad("name must be a non-empty string")
    for field, allowed in (
        ("role", ROLES),
        ("language", LANGUAGES),
        ("cutter", CUTTERS),
        ("drawer_kick", DRAWER_PINS),
        ("escpos_image_mode", ESCPOS_IMAGE_MODES),
        ("zpl_compression", ZPL_COMPRESSIONS),
        ("dither", DITHER_MODES),
    ):
        if getattr(p, field) not in allowed:
            raise bad(f"{field} must be one of {', '.join(allowed)}, not {getattr(p, field)!r}")
    for field, lo, hi in (
        ("width_dots", 8, 4096),
        ("dpi", 100, 600),
        # GS v 0 carries the height in two bytes; 4095 is the most any printer we know accepts.
        ("band_height", 1, 4095),
        ("feed_lines", 0, 255),
        ("threshold", 1, 255),
    ):
        value = getattr(p, field)
        if not is_int(value) or not lo <= value <= hi:
            raise bad(f"{field} must be an integer in {lo}..{hi}, not {value!r}")
    if p.tspl_black_bit not in (0, 1) or isinstance(p.tspl_black_bit, bool):
        raise bad("tspl_black_bit must be 0 or 1")
    for field in ("tspl_stored_settings", "trim_tail"):
        if not isinstance(getattr(p, field), bool):
            raise bad(f"{field} must be true or false")
    for field in ("label_width_mm", "label_height_mm"):
        value = getattr(p, field)
        if value is not None and (not isinstance(value, (int, float)) or isinstance(value, bool) or value <= 0):
            raise bad(f"{field} must be a positive number")
    if not isinstance(p.label_gap_mm, (int, float)) or isinstance(p.label_gap_mm, bool) or p.label_gap_mm < 0:
        raise bad("label_gap_mm must be a number >= 0")
    if p.language != "escpos":
        # Cutting and drawer kicks are ESC/POS features here; label printers tear off at the gap.
        if p.cutter != "none" or p.drawer_kick != "none":
            raise bad("cutter and drawer_kick apply to ESC/POS printers only")
    if p.language == "tspl" and not p.tspl_stored_settings:
        if p.label_width_mm is None or p.label_height_mm is None:
            raise bad("TSPL needs label_width_mm and label_height_mm (or tspl_stored_settings)")
    if p.label_width_mm is not None and p.width_dots > round(p.label_width_mm * p.dots_per_mm) + 16:
        raise bad("width_dots is wider than the label")


BUILTIN_PROFILES: dict[str, Profile] = {
    p.name: p
    for p in (
        Profile(name="escpos-58", role="receipt", language="escpos", width_dots=384, drawer_kick="pin2"),
        Profile(
            name="escpos-80", role="receipt", language="escpos", width_dots=576, cutter="partial", drawer_kick="pin2"
        ),
        Profile(
            name="tspl-100x150",
            role="label",
            language="tspl",
            width_dots=800,
            label_width_mm=100,
            label_height_mm=150,
            label_gap_mm=2,
        ),
        Profile(
            name="zpl-100x150",
            role="label",
            language="zpl",
            width_dots=800,
            label_width_mm=100,
            label_height_mm=150,
            label_gap_mm=2,
        ),
    )
}


def merge_profiles(*layers: Iterable[Mapping[str, Any]]) -> dict[str, Profile]:
    """Built-ins overlaid by each layer of profile dicts in order (later layers win).

    A layer's ``base`` may name a built-in or any profile from an earlier layer or earlier in
    the same layer.
    """
    profiles = dict(BUILTIN_PROFILES)
    for layer in layers:
        for data in layer:
            profile = Profile.from_dict(data, known=profiles)
            profiles[profile.name] = profile
    return profiles


def get_profile(name: str, profiles: Mapping[str, Profile] | None = None) -> Profile:
    """The profile called ``name``, with a message listing what exists when it is unknown."""
    table = BUILTIN_PROFILES if profiles is None else profiles
    try:
        return table[name]
    except KeyError:
        raise ProfileError(f"unknown profile {name!r} (known: {', '.join(sorted(table))})") from None
