"""One key per purpose, derived from versioned master keys (HKDF-SHA256, RFC 5869).

The master keys come from ``SAMBUNG_TOKEN_SECRET`` (locally) or the SSM parameter the stack names
(``SAMBUNG_TOKEN_SECRET_PARAM``): either one secret (version 1) or ``"<version>:<secret>,..."``.
The highest version is the current one. Each purpose gets its own key, so a key that leaks (or is
rotated) for one purpose says nothing about the others:

- ``session``: staff session tokens. Signed and accepted with the current version only (the JWT
  ``kid``): adding a master version ends every session (people sign in again), and nothing else.
- ``activation``: shopper activation links. Signed with the current version, accepted with any
  listed one, so links already sent keep working through a rotation.
- ``pin``: the PIN pepper. A PIN hash records the version it was peppered with and is checked with
  that version; a successful sign-in re-peppers it with the current one. Rotating therefore never
  breaks a PIN; an old version can be dropped once nobody's hash uses it.

Receipt links need no key: their tokens are random and looked up in a table.

Outside the local stages (``test``, ``local``, ``bench``) a missing, short or placeholder secret
refuses to start: :func:`require_real_keys` runs when the app loads.
"""
from __future__ import annotations

import hashlib
import hmac
from functools import lru_cache

from .settings import LOCAL_STAGES, get_settings

SESSION, ACTIVATION, PIN = "session", "activation", "pin"
PURPOSES = (SESSION, ACTIVATION, PIN)
MIN_SECRET_LENGTH = 32
_PLACEHOLDERS = ("dev-only", "change-me", "placeholder", "changeme", "example", "secret-not-for")


class KeyConfigError(RuntimeError):
    pass


def hkdf_sha256(secret: bytes, info: bytes, *, salt: bytes = b"", length: int = 32) -> bytes:
    """RFC 5869 HKDF with SHA-256 (extract, then expand)."""
    prk = hmac.new(salt or b"\x00" * 32, secret, hashlib.sha256).digest()
    out, block, counter = b"", b"", 1
    while len(out) < length:
        block = hmac.new(prk, block + info + bytes([counter]), hashlib.sha256).digest()
        out += block
        counter += 1
    return out[:length]


def parse_master_keys(raw: str) -> dict[int, str]:
    """``"secret"`` -> {1: secret}; ``"2:new,1:old"`` -> {2: new, 1: old}."""
    raw = (raw or "").strip()
    if not raw:
        raise KeyConfigError("no master key configured (SAMBUNG_TOKEN_SECRET)")
    parts = [p.strip() for p in raw.split(",")]
    if len(parts) == 1 and not _versioned(parts[0]):
        return {1: parts[0]}
    keys: dict[int, str] = {}
    for part in parts:
        if not _versioned(part):
            raise KeyConfigError("master keys must all be written as <version>:<secret>")
        version, _, secret = part.partition(":")
        if int(version) in keys:
            raise KeyConfigError(f"master key version {version} is listed twice")
        keys[int(version)] = secret
    return keys


def _versioned(part: str) -> bool:
    version, sep, secret = part.partition(":")
    return bool(sep) and version.isdigit() and 0 < int(version) < 10_000 and bool(secret)


def weak_reasons(keys: dict[int, str]) -> list[str]:
    reasons = []
    for version, secret in sorted(keys.items()):
        if len(secret) < MIN_SECRET_LENGTH:
            reasons.append(f"master key v{version} is shorter than {MIN_SECRET_LENGTH} characters")
        if any(p in secret.lower() for p in _PLACEHOLDERS):
            reasons.append(f"master key v{version} is a placeholder, not a secret")
    return reasons


@lru_cache(maxsize=1)
def _master() -> tuple[tuple[int, bytes], ...]:
    s = get_settings()
    keys = parse_master_keys(s.token_secret)
    if s.stage not in LOCAL_STAGES:
        reasons = weak_reasons(keys)
        if reasons:
            raise KeyConfigError(f"stage {s.stage!r} refuses to start: " + "; ".join(reasons))
    return tuple(sorted(((v, k.encode()) for v, k in keys.items()), reverse=True))


def require_real_keys() -> None:
    """Raise :class:`KeyConfigError` unless the master keys are real (any non-local stage)."""
    _master()


def check_at_start() -> None:
    """Called when the app loads: in a Lambda (``AWS_LAMBDA_FUNCTION_NAME``, set by the runtime)
    a missing, short or placeholder master key stops the function before it serves anything.
    Packaging (``chalice package``, ``cdk synth``) loads the app too, with a placeholder: that is
    not a start."""
    import os

    if os.environ.get("AWS_LAMBDA_FUNCTION_NAME"):
        require_real_keys()


def legacy_secret() -> bytes | None:
    """The raw secret of master version 1: the PIN pepper of the first release's hashes."""
    return dict(_master()).get(1)


def current_version() -> int:
    return _master()[0][0]


def versions() -> list[int]:
    return [v for v, _ in _master()]


@lru_cache(maxsize=64)
def _derived(purpose: str, version: int, master: bytes) -> bytes:
    return hkdf_sha256(master, f"sambung/{purpose}/v{version}".encode(), salt=b"sambung-keys-v1")


def key(purpose: str, version: int | None = None) -> bytes:
    """The key for ``purpose`` of master ``version`` (the current one by default). KeyError: unknown version."""
    if purpose not in PURPOSES:
        raise ValueError(f"unknown key purpose {purpose!r}")
    masters = dict(_master())
    version = current_version() if version is None else int(version)
    return _derived(purpose, version, masters[version])


def reset() -> None:
    """Forget cached keys (tests that change the settings)."""
    _master.cache_clear()
    _derived.cache_clear()
