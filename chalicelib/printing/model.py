"""Print jobs, print stations and printer profiles: pure rules (no AWS).

A print job is a PDF waiting for a printer of one *role* (``receipt`` or ``label``) in one store::

    QUEUED --claim--> LEASED --ack printed--> PRINTED
      ^                 |  \\--ack failed---> FAILED
      |   release, or   |
      +-- lease runs out+          QUEUED/LEASED --expires_at passes--> EXPIRED

A lease that runs out needs no write: a LEASED job whose ``lease_until`` has passed is claimable
again, exactly like a QUEUED one. Expiry is enforced in the claim's condition (an expired job is
never handed out) and shown logically in lists; claims mark the expired jobs they pass over.

A *print station* is a store PC running the bridge, paired as a ``print_station`` device. Admins
assign a printer profile per role on a station and may add custom profiles. Jobs are queued per
store and role, not per station, so a job waits for whichever station serves its role when it is
claimed (see :func:`route`).

The built-in profiles are a copy of the bridge's (``print_bridge/profiles.py``): the bridge is a
separate program that the Lambda package does not ship. A unit test keeps the two equal, and the
validation here refuses exactly what the bridge would refuse, so a station never receives a
profile its bridge rejects.
"""
from __future__ import annotations

import base64
import hashlib
import re
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping, Sequence

from ..core.errors import ValidationError

ROLES = ("receipt", "label")
ROLE_NAMES = {"receipt": "struk", "label": "label"}

QUEUED, LEASED, PRINTED, FAILED, EXPIRED = "QUEUED", "LEASED", "PRINTED", "FAILED", "EXPIRED"
STATUSES = (QUEUED, LEASED, PRINTED, FAILED, EXPIRED)
FINISHED = (PRINTED, FAILED, EXPIRED)
# What a bridge may report in an acknowledgement, and the state each one leads to.
ACK_STATUSES = {"printed": PRINTED, "failed": FAILED}

MAX_COPIES = 99  # the bridge refuses more (print_bridge.encoders.options.MAX_COPIES)
MAX_PDF_BYTES = 20_000_000  # the bridge's download limit (AgentSettings.max_pdf_bytes)
# The bridge asks for 60 s. Shorter leases make a slow printer lose its job mid-print; longer ones
# leave a job stuck behind a dead PC. Same bounds as the bridge's test peer.
MIN_LEASE_SECONDS, MAX_LEASE_SECONDS = 10, 300
DEFAULT_TTL_SECONDS = 6 * 3600
MAX_TTL_SECONDS = 7 * 86400
MAX_REASON = 500
MAX_TITLE = 120
MAX_REFERENCE = 200

# ---- printer profiles ------------------------------------------------------------------------

LANGUAGES = ("escpos", "tspl", "zpl")
CUTTERS = ("none", "partial", "full")
DRAWER_PINS = ("none", "pin2", "pin5")
ESCPOS_IMAGE_MODES = ("raster", "graphics")
ZPL_COMPRESSIONS = ("z64", "ascii")
DITHER_MODES = ("auto", "never", "always")

REQUIRED_PROFILE_FIELDS = ("name", "role", "language", "width_dots")
# Every other field of the bridge's Profile dataclass, with its default.
PROFILE_DEFAULTS: dict[str, Any] = {
    "dpi": 203,
    "cutter": "none",
    "drawer_kick": "none",
    "escpos_image_mode": "raster",
    "band_height": 960,
    "feed_lines": 4,
    "tspl_black_bit": 0,
    "tspl_stored_settings": False,
    "zpl_compression": "z64",
    "label_width_mm": None,
    "label_height_mm": None,
    "label_gap_mm": 2.0,
    "threshold": 128,
    "dither": "auto",
    "trim_tail": True,
}
PROFILE_FIELDS = (*REQUIRED_PROFILE_FIELDS, *PROFILE_DEFAULTS)

# The bridge's built-ins, all 203 dpi: only what differs from the defaults.
_BUILTINS: tuple[dict[str, Any], ...] = (
    {"name": "escpos-58", "role": "receipt", "language": "escpos", "width_dots": 384, "drawer_kick": "pin2"},
    {"name": "escpos-80", "role": "receipt", "language": "escpos", "width_dots": 576, "cutter": "partial",
     "drawer_kick": "pin2"},
    {"name": "tspl-100x150", "role": "label", "language": "tspl", "width_dots": 800, "label_width_mm": 100,
     "label_height_mm": 150, "label_gap_mm": 2},
    {"name": "zpl-100x150", "role": "label", "language": "zpl", "width_dots": 800, "label_width_mm": 100,
     "label_height_mm": 150, "label_gap_mm": 2},
)
BUILTIN_PROFILES: dict[str, dict[str, Any]] = {p["name"]: {**PROFILE_DEFAULTS, **p} for p in _BUILTINS}
# What a role prints on when nobody has chosen: the common 80 mm receipt printer and 4-inch TSPL
# label printer in Indonesian shops.
DEFAULT_PROFILE = {"receipt": "escpos-80", "label": "tspl-100x150"}

_PROFILE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def resolve_profile(data: Any, known: Mapping[str, Mapping[str, Any]] | None = None) -> dict[str, Any]:
    """A complete, validated profile from an admin's JSON.

    ``base`` names a known profile (built-in, or in ``known``) to start from, so a custom profile
    lists only what differs. Unlike the bridge, which ignores unknown keys for forward
    compatibility, an admin's typo is refused here: it would otherwise silently do nothing.
    """
    if not isinstance(data, Mapping):
        raise ValidationError("Profil printer harus berupa objek JSON.", code="invalid_profile")
    unknown = sorted(set(data) - set(PROFILE_FIELDS) - {"base"})
    if unknown:
        raise ValidationError(f"Kolom profil tidak dikenal: {', '.join(unknown)}.", code="invalid_profile")
    values: dict[str, Any] = dict(PROFILE_DEFAULTS)
    base_name = data.get("base")
    if base_name is not None:
        table = known if known is not None else BUILTIN_PROFILES
        if base_name not in table:
            raise ValidationError(f"Profil dasar {base_name!r} tidak dikenal.", code="invalid_profile")
        values.update(table[base_name])
    values.update({k: v for k, v in data.items() if k != "base"})
    missing = [f for f in REQUIRED_PROFILE_FIELDS if f not in values]
    if missing:
        raise ValidationError(f"Profil belum lengkap: {', '.join(missing)} wajib diisi.", code="invalid_profile")
    _validate_profile(values)
    return values


def _validate_profile(p: dict[str, Any]) -> None:
    """The bridge's ``profiles._validate``, with messages for the admin who typed the profile."""
    name = p["name"]

    def bad(message: str) -> ValidationError:
        return ValidationError(f"Profil {name!r}: {message}", code="invalid_profile")

    if not isinstance(name, str) or not _PROFILE_NAME.match(name):
        raise ValidationError("Nama profil 1-40 karakter: huruf, angka, titik, garis bawah atau tanda hubung.",
                              code="invalid_profile")
    for key, allowed in (("role", ROLES), ("language", LANGUAGES), ("cutter", CUTTERS), ("drawer_kick", DRAWER_PINS),
                         ("escpos_image_mode", ESCPOS_IMAGE_MODES), ("zpl_compression", ZPL_COMPRESSIONS),
                         ("dither", DITHER_MODES)):
        if p[key] not in allowed:
            raise bad(f"{key} harus salah satu dari {', '.join(allowed)}.")
    # band_height: GS v 0 carries the height in two bytes; 4095 is the most any printer we know accepts.
    for key, lo, hi in (("width_dots", 8, 4096), ("dpi", 100, 600), ("band_height", 1, 4095),
                        ("feed_lines", 0, 255), ("threshold", 1, 255)):
        if not _is_int(p[key]) or not lo <= p[key] <= hi:
            raise bad(f"{key} harus bilangan bulat {lo}..{hi}.")
    if not _is_int(p["tspl_black_bit"]) or p["tspl_black_bit"] not in (0, 1):
        raise bad("tspl_black_bit harus 0 atau 1.")
    for key in ("tspl_stored_settings", "trim_tail"):
        if not isinstance(p[key], bool):
            raise bad(f"{key} harus true atau false.")
    for key in ("label_width_mm", "label_height_mm"):
        if p[key] is not None and (not _is_number(p[key]) or p[key] <= 0):
            raise bad(f"{key} harus angka positif.")
    if not _is_number(p["label_gap_mm"]) or p["label_gap_mm"] < 0:
        raise bad("label_gap_mm harus angka 0 atau lebih.")
    if p["language"] != "escpos" and (p["cutter"] != "none" or p["drawer_kick"] != "none"):
        raise bad("pemotong kertas dan laci uang hanya untuk printer ESC/POS.")
    if p["language"] == "tspl" and not p["tspl_stored_settings"]:
        if p["label_width_mm"] is None or p["label_height_mm"] is None:
            raise bad("TSPL butuh label_width_mm dan label_height_mm (atau tspl_stored_settings).")
    if p["label_width_mm"] is not None and p["width_dots"] > round(p["label_width_mm"] * dots_per_mm(p)) + 16:
        raise bad("width_dots lebih lebar dari labelnya.")


def dots_per_mm(profile: Mapping[str, Any]) -> int:
    # Print heads are built in whole dots per millimetre: "203 dpi" is 8/mm, "300 dpi" 12/mm.
    return round(profile["dpi"] / 25.4)


def profile_table(custom: Iterable[Mapping[str, Any]]) -> dict[str, dict[str, Any]]:
    """Built-ins overlaid by a station's custom profiles in order, as the bridge merges them: a
    custom profile may tune a built-in under its own name and ``base`` an earlier one."""
    table = dict(BUILTIN_PROFILES)
    for data in custom:
        profile = resolve_profile(data, table)
        table[profile["name"]] = profile
    return table


def roll_width_mm(profile: Mapping[str, Any]) -> int:
    """The paper a receipt profile prints on: 58 mm heads have 48 mm (384 dots at 8/mm) printable,
    80 mm heads 64-72 mm (512-576 dots); anything wider than 48 mm is treated as 80 mm paper."""
    return 58 if profile["width_dots"] / dots_per_mm(profile) <= 48 else 80


# ---- stations and routing ------------------------------------------------------------------------

@dataclass(frozen=True)
class Station:
    """A paired, active print station and what its admin set for it."""

    station_id: str
    name: str
    paired_at: int
    printers: Mapping[str, str] = field(default_factory=dict)  # role -> profile name the admin chose
    profiles: Sequence[Mapping[str, Any]] = ()  # custom profiles, in the order they were added
    last_seen_at: int | None = None

    def profile_table(self) -> dict[str, dict[str, Any]]:
        return profile_table(self.profiles)


def route(stations: Sequence[Station], role: str) -> tuple[Station, str] | None:
    """The station that prints ``role``'s jobs now, and the profile it uses; None when the store
    has no print station.

    Deterministic: the earliest-paired station that the admin assigned the role to wins (ties by
    station id), the later ones stand by and take over when it is revoked. A role nobody was
    assigned goes to the earliest-paired station with the role's default profile, so a shop with
    one PC prints without any setup beyond pairing.
    """
    ordered = sorted(stations, key=lambda s: (s.paired_at, s.station_id))
    for station in ordered:
        if role in station.printers:
            return station, station.printers[role]
    if ordered:
        return ordered[0], DEFAULT_PROFILE[role]
    return None


def validate_assignments(printers: Any, station: Station) -> dict[str, str]:
    """``[{"role", "profile"}, ...]`` from the admin -> ``{role: profile}``: known roles, once
    each, and profiles this station knows that are made for that role."""
    if not isinstance(printers, list):
        raise ValidationError("printers harus berupa daftar.", code="invalid_printers")
    table = station.profile_table()
    out: dict[str, str] = {}
    for item in printers:
        if not isinstance(item, dict) or set(item) != {"role", "profile"}:
            raise ValidationError("Setiap printer berisi role dan profile.", code="invalid_printers")
        role, profile = item["role"], item["profile"]
        if role not in ROLES:
            raise ValidationError(f"Peran printer harus salah satu dari: {', '.join(ROLES)}.", code="invalid_role")
        if role in out:
            raise ValidationError(f"Peran {role} disebut dua kali.", code="invalid_printers")
        if profile not in table:
            raise ValidationError(f"Profil {profile!r} tidak dikenal di stasiun ini.", code="unknown_profile")
        if table[profile]["role"] != role:
            raise ValidationError(f"Profil {profile!r} untuk printer {ROLE_NAMES[table[profile]['role']]}, "
                                  f"bukan {ROLE_NAMES[role]}.", code="profile_role_mismatch")
        out[role] = profile
    return out


def with_custom_profile(station: Station, data: Any) -> list[dict[str, Any]]:
    """The station's custom profiles after adding ``data``, or replacing the one of its name in
    place (later profiles may be based on it).

    Kept as the admin wrote them (with ``base``), so the bridge merges them the same way; refused
    when the change would leave a role assigned to a profile made for another role.
    """
    if not isinstance(data, Mapping):
        raise ValidationError("Profil printer harus berupa objek JSON.", code="invalid_profile")
    added = {k: v for k, v in data.items() if not (k == "base" and v is None)}
    updated = [dict(p) for p in station.profiles]
    names = [p.get("name") for p in updated]
    if added.get("name") in names:
        updated[names.index(added.get("name"))] = added
    else:
        updated.append(added)
    table = profile_table(updated)
    for role, name in station.printers.items():
        if table[name]["role"] != role:
            raise ValidationError(f"Profil {name!r} sedang dipakai printer {ROLE_NAMES[role]}; perannya tidak bisa "
                                  f"diganti menjadi {ROLE_NAMES[table[name]['role']]}.", code="profile_role_mismatch")
    return updated


# ---- jobs ----------------------------------------------------------------------------------------

def job_id_for(store_id: str, reference: str) -> str:
    """A job id derived from the caller's reference, so submitting the same reference twice finds
    the first job instead of printing again (outbox deliveries are at-least-once)."""
    digest = hashlib.sha256(f"{store_id}\n{reference}".encode()).digest()
    return "pj_" + base64.b32encode(digest).decode().rstrip("=")[:26]


def validate_submit(*, role: str, kind: str, pdf: bytes, reference: str, copies: int, ttl_seconds: int,
                    title: str) -> None:
    if role not in ROLES:
        raise ValidationError(f"Peran printer harus salah satu dari: {', '.join(ROLES)}.", code="invalid_role")
    if not isinstance(kind, str) or not 1 <= len(kind) <= 30:
        raise ValidationError("Jenis dokumen wajib diisi (maks. 30 karakter).", code="invalid_kind")
    if not isinstance(reference, str) or not 1 <= len(reference) <= MAX_REFERENCE:
        raise ValidationError(f"Referensi wajib diisi (maks. {MAX_REFERENCE} karakter).", code="invalid_reference")
    validate_copies(copies)
    if not _is_int(ttl_seconds) or not 60 <= ttl_seconds <= MAX_TTL_SECONDS:
        raise ValidationError("Masa berlaku pekerjaan cetak antara 1 menit dan 7 hari.", code="invalid_ttl")
    if not isinstance(pdf, bytes) or not pdf.startswith(b"%PDF-"):
        raise ValidationError("Dokumen cetak harus berupa PDF.", code="invalid_pdf")
    if len(pdf) > MAX_PDF_BYTES:
        raise ValidationError("Dokumen cetak lebih dari 20 MB.", code="invalid_pdf")
    if not isinstance(title, str) or len(title) > MAX_TITLE:
        raise ValidationError(f"Judul maksimal {MAX_TITLE} karakter.", code="invalid_title")


def validate_copies(copies: Any) -> int:
    if not _is_int(copies) or not 1 <= copies <= MAX_COPIES:
        raise ValidationError(f"Jumlah salinan harus 1 sampai {MAX_COPIES}.", code="invalid_copies")
    return copies


def clamp_lease(seconds: Any) -> int:
    if not _is_int(seconds):
        raise ValidationError("lease_seconds harus bilangan bulat.", code="invalid_lease")
    return max(MIN_LEASE_SECONDS, min(MAX_LEASE_SECONDS, seconds))


def claimable(status: str, lease_until: int | None, expires_at: int, now: int) -> bool:
    """The rule the claim's conditional write enforces, for picking candidates before trying."""
    if expires_at <= now:
        return False
    return status == QUEUED or (status == LEASED and (lease_until or 0) <= now)


def view_status(status: str, lease_until: int | None, expires_at: int, now: int) -> str:
    """What a person should read: a job on a live lease is being printed (even past its expiry:
    the printer has it); otherwise an unfinished job past its expiry is EXPIRED even before a
    claim marks it, and one whose lease ran out is waiting (QUEUED) again."""
    if status == LEASED and (lease_until or 0) > now:
        return LEASED
    if status in (QUEUED, LEASED):
        return EXPIRED if expires_at <= now else QUEUED
    return status


def ack_reason(status: str, reason: Any) -> str | None:
    """A failure needs its reason (staff read it before reprinting); a success carries none."""
    if status not in ACK_STATUSES:
        raise ValidationError("status harus printed atau failed.", code="invalid_status")
    if status == "printed":
        return None
    if not isinstance(reason, str) or not reason.strip():
        raise ValidationError("Alasan gagal wajib diisi.", code="reason_required")
    return reason.strip()[:MAX_REASON]
