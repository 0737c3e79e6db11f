"""PIN hashing (pure): scrypt over an HMAC of the PIN with a server-side pepper.

A stored hash names the pepper's key version (``scrypt$v<version>$<salt>$<digest>``), so rotating
the master keys never breaks a PIN: it is checked with the version it was made with and
re-peppered with the current one at the next good sign-in (:func:`needs_rehash`). Hashes of the
first release (``scrypt$<salt>$<digest>``, peppered with the raw secret) are still accepted and
upgraded the same way.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Callable

# scrypt parameters: ~16 MiB and tens of ms per check, so a stolen table alone cannot be brute-forced
# quickly; the pepper (kept outside the table) makes a stolen table alone useless.
_SCRYPT = {"n": 2**14, "r": 8, "p": 1, "dklen": 32}
LEGACY = 0  # the version of a first-release hash: peppered with the raw master secret


def _digest(pin: str, pepper: bytes, salt: bytes) -> bytes:
    return hashlib.scrypt(hmac.new(pepper, pin.encode(), "sha256").digest(), salt=salt, **_SCRYPT)


def hash_pin(pin: str, pepper: bytes, version: int) -> str:
    salt = secrets.token_bytes(16)
    return f"scrypt$v{version}${salt.hex()}${_digest(pin, pepper, salt).hex()}"


def version_of(stored: str) -> int | None:
    parts = (stored or "").split("$")
    if len(parts) == 3 and parts[0] == "scrypt":
        return LEGACY
    if len(parts) == 4 and parts[0] == "scrypt" and parts[1][:1] == "v" and parts[1][1:].isdigit():
        return int(parts[1][1:])
    return None


def check_pin(pin: str, stored: str, pepper_for: Callable[[int], bytes | None]) -> bool:
    """``pepper_for(version)``: that version's pepper, or None when the version is no longer known
    (then the PIN cannot be checked: False)."""
    version = version_of(stored)
    if version is None:
        return False
    pepper = pepper_for(version)
    if pepper is None:
        return False
    *_, salt_hex, digest_hex = stored.split("$")
    try:
        salt = bytes.fromhex(salt_hex)
    except ValueError:
        return False
    return hmac.compare_digest(_digest(pin, pepper, salt).hex(), digest_hex)


def needs_rehash(stored: str, current_version: int) -> bool:
    return version_of(stored) != current_version
