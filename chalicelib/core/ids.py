"""Time-sortable ids (ULID) and short codes people can read aloud."""
from __future__ import annotations

import secrets

from .clock import get_clock

_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
# Short codes avoid look-alikes (0/O, 1/I/L) so they survive being read over chat or phone.
_SHORT = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def new_id() -> str:
    """A 26-character ULID: 48-bit millisecond time + 80 random bits, lexicographically time-ordered."""
    ms = int(get_clock().now() * 1000)
    value = (ms << 80) | secrets.randbits(80)
    out = []
    for _ in range(26):
        out.append(_CROCKFORD[value & 31])
        value >>= 5
    return "".join(reversed(out))


def short_code(length: int = 6) -> str:
    """A random human code such as ``K7M2QX`` (no 0/O/1/I/L)."""
    return "".join(secrets.choice(_SHORT) for _ in range(length))


def token(nbytes: int = 24) -> str:
    """An unguessable URL-safe token (links, device secrets)."""
    return secrets.token_urlsafe(nbytes)
