"""Staff, devices and sessions: pure rules (no AWS)."""
from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass, field

from ..core.errors import ValidationError

ROLES = ("cashier", "cs", "warehouse", "admin")
DEVICE_KINDS = ("kiosk", "print_station", "backoffice")
PIN_RE = re.compile(r"^\d{6}$")
MAX_PIN_FAILURES = 5
LOCK_SECONDS = 15 * 60
SESSION_SECONDS = 12 * 3600
PAIRING_SECONDS = 10 * 60

# scrypt parameters: ~16 MiB and tens of ms per check, so a stolen table alone cannot be brute-forced
# quickly; the server-side pepper makes a stolen table alone useless.
_SCRYPT = {"n": 2**14, "r": 8, "p": 1, "dklen": 32}


def validate_pin(pin) -> str:
    if not isinstance(pin, str) or not PIN_RE.match(pin):
        raise ValidationError("PIN harus 6 angka.", code="invalid_pin_format")
    if len(set(pin)) == 1 or pin in ("123456", "654321", "012345"):
        raise ValidationError("PIN terlalu mudah ditebak. Pilih 6 angka lain.", code="weak_pin")
    return pin


def hash_pin(pin: str, pepper: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(hmac.new(pepper.encode(), pin.encode(), "sha256").digest(), salt=salt, **_SCRYPT)
    return f"scrypt${salt.hex()}${digest.hex()}"


def check_pin(pin: str, stored: str, pepper: str) -> bool:
    try:
        scheme, salt_hex, digest_hex = stored.split("$")
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    digest = hashlib.scrypt(hmac.new(pepper.encode(), pin.encode(), "sha256").digest(),
                            salt=bytes.fromhex(salt_hex), **_SCRYPT)
    return hmac.compare_digest(digest.hex(), digest_hex)


def hash_secret(secret: str) -> str:
    """Device secrets are long random tokens: a plain SHA-256 is enough and fast."""
    return hashlib.sha256(secret.encode()).hexdigest()


def validate_name(name, field_name: str = "Nama", max_len: int = 60) -> str:
    if not isinstance(name, str) or not name.strip():
        raise ValidationError(f"{field_name} wajib diisi.", code="invalid_name")
    name = " ".join(name.split())
    if len(name) > max_len:
        raise ValidationError(f"{field_name} maksimal {max_len} karakter.", code="invalid_name")
    return name


def validate_role(role) -> str:
    if role not in ROLES:
        raise ValidationError(f"Peran harus salah satu dari: {', '.join(ROLES)}.", code="invalid_role")
    return role


def validate_device_kind(kind) -> str:
    if kind not in DEVICE_KINDS:
        raise ValidationError(f"Jenis perangkat harus salah satu dari: {', '.join(DEVICE_KINDS)}.", code="invalid_device_kind")
    return kind


@dataclass(frozen=True)
class StoreSettings:
    """What a store admin sets. Secrets (gateway keys) live in SSM, referenced by name."""

    timezone: str = "Asia/Jakarta"
    idle_lock_minutes: int = 5
    payment_deadline_minutes: int = 120
    hold_grace_minutes: int = 15
    unique_code_cooldown_hours: int = 48  # a kode unik stays taken this long after its deadline + grace
    qris_expiry_minutes: int = 15
    loyalty_rupiah_per_point: int = 10_000
    shift_difference_allowance: int = 10_000
    auto_confirm_matches: bool = False
    gateway: dict = field(default_factory=lambda: {"provider": "midtrans"})
    bank_accounts: list = field(default_factory=list)
    shipping: dict = field(default_factory=dict)
    messaging: dict = field(default_factory=dict)

    @classmethod
    def from_dict(cls, data: dict | None) -> "StoreSettings":
        data = data or {}
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        return cls(**known)


@dataclass(frozen=True)
class Device:
    """A paired device as other areas see it (printing routes jobs to its print stations)."""

    device_id: str
    store_id: str
    kind: str
    name: str
    status: str  # ACTIVE | REVOKED
    created_at: int
