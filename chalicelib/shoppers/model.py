"""Shoppers, loyalty points, activation links and cashier engagement: pure rules (no AWS).

A shopper is one person per merchant, identified by an E.164 phone number. Points follow one merchant
rule (rupiah per point, rounded down). Activation links are HMAC-signed and carry their own expiry, so
a tampered or stale link is refused before any database read; a single-use record makes a replay fail.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import re
from dataclasses import dataclass
from datetime import date

from ..core.errors import ValidationError
from ..core.phone import normalize_phone
from ..staff.model import validate_name

NAME_MAX = 80
EMAIL_MAX = 254
OLDEST_AGE_YEARS = 120
ACTIVATION_SECONDS = 7 * 86400
DEFAULT_RUPIAH_PER_POINT = 10_000

_EMAIL = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
                    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$")
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


# ---- registration ---------------------------------------------------------------------------

def shopper_phone(raw) -> str:
    """A phone as people type it -> E.164, and it must be a mobile: receipts and activation links go
    out by WhatsApp or SMS, which a landline cannot receive."""
    import phonenumbers  # lazy: the metadata is large

    e164 = normalize_phone(raw if isinstance(raw, str) else "")
    kind = phonenumbers.number_type(phonenumbers.parse(e164))
    if kind not in (phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE):
        raise ValidationError("Gunakan nomor HP (bukan telepon rumah/kantor) agar struk dan tautan bisa dikirim.",
                              code="phone_not_mobile")
    return e164


def validate_shopper_name(value) -> str:
    return validate_name(value, "Nama pelanggan", NAME_MAX)


def validate_email(value) -> str | None:
    """Optional; stored lower-case so the same address is recognised however it was typed."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if not isinstance(value, str):
        raise ValidationError("Email harus berupa teks.", code="invalid_email")
    email = value.strip()
    if len(email) > EMAIL_MAX or not _EMAIL.match(email):
        raise ValidationError("Format email tidak valid. Contoh: nama@contoh.com.", code="invalid_email")
    return email.lower()


def validate_birthday(value, today: date) -> str | None:
    """Optional ``YYYY-MM-DD``: a real calendar day, not in the future, at most 120 years ago."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if not isinstance(value, str) or not _DAY.match(value.strip()):
        raise ValidationError("Tanggal lahir harus berformat TTTT-BB-HH, contoh 1995-08-17.", code="invalid_birthday")
    try:
        born = date.fromisoformat(value.strip())
    except ValueError:
        raise ValidationError("Tanggal lahir tidak ada di kalender.", code="invalid_birthday") from None
    if born > today:
        raise ValidationError("Tanggal lahir tidak boleh di masa depan.", code="invalid_birthday")
    if today.year - born.year > OLDEST_AGE_YEARS:
        raise ValidationError("Tanggal lahir terlalu lampau.", code="invalid_birthday")
    return born.isoformat()


def require_consent(value) -> bool:
    """Registration needs the shopper's explicit yes to be contacted (UU PDP): only JSON ``true`` counts."""
    if value is not True:
        raise ValidationError("Pelanggan harus setuju dihubungi lewat WhatsApp/SMS sebelum didaftarkan.",
                              code="consent_required")
    return True


@dataclass(frozen=True)
class NewShopper:
    name: str
    phone: str  # E.164
    email: str | None
    birthday: str | None


# ---- loyalty --------------------------------------------------------------------------------

def points_for(amount: int, rupiah_per_point: int) -> int:
    """Points earned by a paid amount: whole points only, rounded down (Rp19.999 at Rp10.000/point -> 1).

    A rule of 0 or less means the merchant has switched loyalty off.
    """
    if isinstance(amount, bool) or not isinstance(amount, int) or amount < 0:
        raise ValueError(f"amount must be a non-negative int of rupiah, got {amount!r}")
    if isinstance(rupiah_per_point, bool) or not isinstance(rupiah_per_point, int):
        raise ValueError(f"rupiah_per_point must be an int, got {rupiah_per_point!r}")
    if rupiah_per_point <= 0:
        return 0
    return amount // rupiah_per_point


def points_owed(balance: int) -> int:
    """Points a shopper owes: a refund took back points they had already used, and the balance went
    below zero (it is never clipped: the debt is recorded, and shown as "poin terutang")."""
    return max(0, -int(balance))


def balance_text(balance: int) -> str:
    """A points balance as a message says it: ``"120"``, or ``"-3 (terutang 3 poin)"`` below zero."""
    balance = int(balance)
    return str(balance) if balance >= 0 else f"{balance} (terutang {points_owed(balance)} poin)"


# ---- activation links -----------------------------------------------------------------------

class TokenInvalid(Exception):
    """Malformed or not signed by us. The caller answers without saying which."""


class TokenExpired(Exception):
    pass


_TOKEN = re.compile(r"^([A-Za-z0-9_-]{12})\.(\d{10})\.([A-Za-z0-9_-]{22})$")


def _mac(token_id: str, expires_at: int, key: bytes) -> str:
    # ``key`` is derived for activation links only (core.keys), so a MAC can never double as a session token.
    digest = hmac.new(key, f"{token_id}.{expires_at}".encode(), hashlib.sha256).digest()[:16]
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def sign_activation(token_id: str, expires_at: int, key: bytes) -> str:
    """``<id>.<expiry>.<mac>``: 46 URL-safe characters, short enough for an SMS."""
    if not re.fullmatch(r"[A-Za-z0-9_-]{12}", token_id):
        raise ValueError("token_id must be 12 URL-safe characters")
    return f"{token_id}.{expires_at:010d}.{_mac(token_id, expires_at, key)}"


@dataclass(frozen=True)
class ActivationClaim:
    token_id: str
    expires_at: int


def read_activation(token: str, keys: list[bytes], now: int) -> ActivationClaim:
    """Check the signature first (with any of ``keys``: links sent before a key rotation still
    work), then the expiry. Raises :class:`TokenInvalid` or :class:`TokenExpired`."""
    m = _TOKEN.match(token or "") if isinstance(token, str) else None
    if m is None:
        raise TokenInvalid()
    token_id, expires_at = m.group(1), int(m.group(2))
    if not any(hmac.compare_digest(m.group(3), _mac(token_id, expires_at, key)) for key in keys):
        raise TokenInvalid()
    if expires_at <= now:
        raise TokenExpired()
    return ActivationClaim(token_id=token_id, expires_at=expires_at)


def activation_link(public_base_url: str, token: str) -> str:
    """The PWA page reads the token from the fragment, which browsers never send to a server or in a Referer."""
    return f"{public_base_url.rstrip('/')}/activate.html#t={token}"


def first_name(name: str) -> str:
    return name.split()[0] if name.split() else name


# ---- cashier engagement ---------------------------------------------------------------------

def validate_day(value) -> str:
    if not isinstance(value, str) or not _DAY.match(value):
        raise ValidationError("Parameter day harus berformat TTTT-BB-HH.", code="invalid_day")
    try:
        date.fromisoformat(value)
    except ValueError:
        raise ValidationError("Parameter day bukan tanggal yang ada.", code="invalid_day") from None
    return value


@dataclass(frozen=True)
class CashierDay:
    """One cashier's figures for one store-local day."""

    staff_id: str
    day: str
    transactions: int = 0
    linked: int = 0
    skipped: int = 0
    registered: int = 0

    @property
    def link_rate(self) -> float | None:
        """Share of transactions with a linked shopper; None when there were no transactions."""
        return round(self.linked / self.transactions, 4) if self.transactions else None

    def to_dict(self) -> dict:
        return {"staff_id": self.staff_id, "day": self.day, "transactions": self.transactions,
                "linked": self.linked, "unlinked": max(0, self.transactions - self.linked),
                "skipped": self.skipped, "registered": self.registered, "link_rate": self.link_rate}


def totals(day: str, rows: list[CashierDay]) -> CashierDay:
    return CashierDay(staff_id="*", day=day, transactions=sum(r.transactions for r in rows),
                      linked=sum(r.linked for r in rows), skipped=sum(r.skipped for r in rows),
                      registered=sum(r.registered for r in rows))
