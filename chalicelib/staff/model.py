"""Staff, devices and sessions: pure rules (no AWS)."""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

from ..core.errors import ValidationError
from ..core.money import format_rupiah

ROLES = ("cashier", "supervisor", "cs", "warehouse", "admin")
DEVICE_KINDS = ("kiosk", "print_station", "backoffice")
PIN_RE = re.compile(r"^\d{6}$")
SESSION_SECONDS = 12 * 3600
PAIRING_SECONDS = 10 * 60

def validate_pin(pin) -> str:
    if not isinstance(pin, str) or not PIN_RE.match(pin):
        raise ValidationError("PIN harus 6 angka.", code="invalid_pin_format")
    if len(set(pin)) == 1 or pin in ("123456", "654321", "012345"):
        raise ValidationError("PIN terlalu mudah ditebak. Pilih 6 angka lain.", code="weak_pin")
    return pin


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


# ---- store settings --------------------------------------------------------------------------

# Whole-number settings: (smallest, largest, what the admin calls it). Outside these a setting breaks
# something real: a payment deadline of 0 expires every book order at once, an idle lock of -5 locks
# the kiosk at every tap, a QR valid for days outlives the gateway's own expiry, and a rule of 0.5
# rupiah per point cannot be applied to whole rupiah.
SETTING_RANGES: dict[str, tuple[int, int, str]] = {
    "idle_lock_minutes": (1, 120, "Kunci otomatis kasir (menit)"),
    "payment_deadline_minutes": (5, 7 * 24 * 60, "Batas waktu bayar book order (menit)"),
    "hold_grace_minutes": (0, 24 * 60, "Tambahan waktu tahan barang (menit)"),
    "unique_code_cooldown_hours": (0, 30 * 24, "Jeda sebelum kode unik dipakai lagi (jam)"),
    # Midtrans and Xendit both take a custom QRIS expiry; our own sweeper expires the QR on time.
    "qris_expiry_minutes": (1, 60, "Masa berlaku QRIS (menit)"),
    "loyalty_rupiah_per_point": (0, 100_000_000, "Belanja per poin (0 = poin tidak diberikan)"),
    "shift_difference_allowance": (0, 10_000_000, "Toleransi selisih kas"),
    "max_sale_amount": (10_000, 1_000_000_000, "Batas nilai satu transaksi"),
    # Confirming one's own statement upload, or any hand-match, above this needs an admin's PIN (0 = always).
    "two_person_above": (0, 1_000_000_000, "Batas persetujuan admin untuk mutasi"),
    # A refund above this needs an approver's PIN unless the person asking may approve (0 = every refund).
    "refund_approval_above": (0, 1_000_000_000, "Batas pengembalian tanpa persetujuan"),
    # A transfer this much short of a book order (at most the kode unik's 999) may be accepted as paid
    # with one tap, the difference recorded (0 = never).
    "short_payment_tolerance": (0, 999, "Toleransi kurang bayar transfer"),
}
_RUPIAH_SETTINGS = frozenset({"loyalty_rupiah_per_point", "shift_difference_allowance", "max_sale_amount",
                              "two_person_above", "refund_approval_above", "short_payment_tolerance"})
DEFAULT_TIMEZONE = "Asia/Jakarta"

MAX_BANK_ACCOUNTS = 20
ACCOUNT_DIGITS = (6, 20)  # BCA and BNI have 10 digits, Mandiri 13, BRI 15; virtual accounts up to 16-18
# Written the way banks and people write them (case and spelling kept for these; others as typed).
KNOWN_BANKS = ("BCA", "BRI", "BNI", "Mandiri", "BSI", "BTN", "CIMB Niaga", "Permata", "Danamon", "OCBC", "Maybank",
               "Panin", "Bank Mega", "Bank Jago", "SeaBank", "BTPN", "Jenius", "Muamalat", "Sinarmas", "BJB", "Bank DKI",
               "Bank Jatim", "Bank Jateng", "blu by BCA Digital", "Allo Bank", "UOB", "HSBC", "DBS")
_KNOWN_BANKS = {name.upper(): name for name in KNOWN_BANKS}
_BANK_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 .&'()/\-]*$")
_ACCOUNT_NO_RE = re.compile(r"^\d(?:[\d .\-]*\d)?$")
_ACCOUNT_FIELDS = ("bank", "account_no", "holder")


def _bad_setting(message: str, name: str) -> ValidationError:
    return ValidationError(message, code="invalid_setting", details={"field": name})


def _limit(name: str, value: int) -> str:
    return format_rupiah(value) if name in _RUPIAH_SETTINGS else str(value)


def check_setting(name: str, value) -> int:
    """One whole-number setting as an admin sets it: an int (not a bool, not 1e9) within its range."""
    low, high, label = SETTING_RANGES[name]
    if isinstance(value, bool) or not isinstance(value, int):
        raise _bad_setting(f"{label} harus bilangan bulat.", name)
    if not low <= value <= high:
        raise _bad_setting(f"{label} harus antara {_limit(name, low)} dan {_limit(name, high)}.", name)
    return value


def check_timezone(value) -> str:
    if not isinstance(value, str) or not _known_zone(value):
        raise _bad_setting("Zona waktu tidak dikenal (contoh: Asia/Jakarta, Asia/Makassar, Asia/Jayapura).", "timezone")
    return value


def _known_zone(name: str) -> bool:
    from zoneinfo import ZoneInfo

    if not name or len(name) > 64:
        return False
    try:
        ZoneInfo(name)
    except (ValueError, KeyError):  # a malformed key, or no such zone (ZoneInfoNotFoundError)
        return False
    return True


def _bad_account(n: int, message: str) -> ValidationError:
    return ValidationError(f"Rekening ke-{n}: {message}", code="invalid_bank_account", details={"index": n - 1})


def check_bank_account(entry, n: int = 1) -> dict:
    """One receiving account: ``{"bank", "account_no", "holder"}``, each a short text, the number
    digits only (spaces, dashes and dots between them allowed, as printed on bank books)."""
    if not isinstance(entry, dict):
        raise _bad_account(n, "harus berupa objek berisi bank, account_no dan holder.")
    unknown = sorted(set(entry) - set(_ACCOUNT_FIELDS))
    if unknown:
        raise _bad_account(n, f"kolom tidak dikenal: {', '.join(map(str, unknown))}.")
    bank, number, holder = (entry.get(k) for k in _ACCOUNT_FIELDS)
    if not isinstance(bank, str) or not bank.strip():
        raise _bad_account(n, "nama bank wajib diisi.")
    bank = " ".join(bank.split())
    if len(bank) > 40 or not _BANK_NAME_RE.match(bank):
        raise _bad_account(n, "nama bank maksimal 40 karakter, huruf dan angka (contoh: BCA, Mandiri, BRI).")
    if not isinstance(number, str):
        raise _bad_account(n, "nomor rekening wajib diisi sebagai teks (angka nol di depan ikut tersimpan).")
    number = " ".join(number.split())
    digits = sum(c.isdigit() for c in number)
    if not _ACCOUNT_NO_RE.match(number) or not ACCOUNT_DIGITS[0] <= digits <= ACCOUNT_DIGITS[1]:
        raise _bad_account(n, f"nomor rekening harus {ACCOUNT_DIGITS[0]}-{ACCOUNT_DIGITS[1]} angka "
                              "(boleh dipisah spasi, titik atau tanda minus).")
    if not isinstance(holder, str) or not holder.strip():
        raise _bad_account(n, "nama pemilik rekening wajib diisi.")
    holder = " ".join(holder.split())
    if len(holder) > 80:
        raise _bad_account(n, "nama pemilik rekening maksimal 80 karakter.")
    return {"bank": _KNOWN_BANKS.get(bank.upper(), bank), "account_no": number, "holder": holder}


def check_bank_accounts(value) -> list[dict]:
    if not isinstance(value, list):
        raise ValidationError("Daftar rekening harus berupa daftar.", code="invalid_bank_account")
    if len(value) > MAX_BANK_ACCOUNTS:
        raise ValidationError(f"Maksimal {MAX_BANK_ACCOUNTS} rekening per toko.", code="invalid_bank_account")
    accounts, seen = [], set()
    for n, entry in enumerate(value, 1):
        account = check_bank_account(entry, n)
        digits = re.sub(r"\D", "", account["account_no"])
        if digits in seen:
            raise _bad_account(n, f"nomor rekening {account['account_no']} sudah ada di daftar.")
        seen.add(digits)
        accounts.append(account)
    return accounts


_CHECKS = {name: (lambda value, name=name: check_setting(name, value)) for name in SETTING_RANGES}
# Who may void a sale without someone else's PIN (an admin always may).
VOID_ROLES = ("cashier", "supervisor", "admin")
DEFAULT_VOID_WITHOUT_APPROVAL = ("supervisor", "admin")


def check_void_roles(value) -> list[str]:
    if not isinstance(value, list) or any(role not in VOID_ROLES for role in value):
        raise _bad_setting("Peran yang boleh void tanpa persetujuan: pilih dari " + ", ".join(VOID_ROLES) + ".",
                           "void_without_approval")
    return sorted(set(value) | {"admin"}, key=VOID_ROLES.index)


_CHECKS.update({"timezone": check_timezone, "bank_accounts": check_bank_accounts,
                "void_without_approval": check_void_roles})


# Yes/no settings: the matcher confirms by itself; the kode unik is taken off the amount instead of
# added (the customer transfers slightly less, as Moota lets a store choose).
_YES_NO = ("auto_confirm_matches", "unique_code_subtracts")


def check_settings(changes: dict) -> dict:
    """Settings as an admin (or onboarding) writes them: each one modelled here must be valid and is
    returned normalised; other parts (``gateway``, ``shipping``, ...) are their areas' to check."""
    out = dict(changes)
    for name, value in changes.items():
        if name in _YES_NO:
            if not isinstance(value, bool):
                raise _bad_setting(f"{name} harus ya/tidak (true/false).", name)
        elif name in _CHECKS:
            if value is None:
                raise _bad_setting(f"{SETTING_RANGES[name][2] if name in SETTING_RANGES else name} "
                                   "tidak boleh kosong.", name)
            out[name] = _CHECKS[name](value)
    return out


def _read_whole(name: str, value, default: int) -> int:
    """A stored number as the rules can use it: brought into range; the default if it is no number."""
    low, high, _ = SETTING_RANGES[name]
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return default
    try:
        number = int(value)
    except (ValueError, OverflowError):  # nan, inf
        return default
    return min(max(number, low), high)


def _read_accounts(value) -> list[dict]:
    """Stored accounts that are valid, normalised; one that is not is left out (rather than break
    every book order and statement import that meets it)."""
    if not isinstance(value, list):
        return []
    accounts = []
    for entry in value[:MAX_BANK_ACCOUNTS]:
        try:
            accounts.append(check_bank_account(entry))
        except ValidationError:
            continue
    return accounts


@dataclass(frozen=True)
class StoreSettings:
    """What a store admin sets. Secrets (gateway keys) live in SSM, referenced by name."""

    timezone: str = DEFAULT_TIMEZONE
    idle_lock_minutes: int = 5
    payment_deadline_minutes: int = 120
    hold_grace_minutes: int = 15
    unique_code_cooldown_hours: int = 48  # a kode unik stays taken this long after its deadline + grace
    qris_expiry_minutes: int = 15
    loyalty_rupiah_per_point: int = 10_000
    shift_difference_allowance: int = 10_000
    max_sale_amount: int = 50_000_000  # one store sale or book order, in rupiah
    two_person_above: int = 1_000_000  # rupiah: statement matches above this need a second person (admin PIN)
    refund_approval_above: int = 0  # rupiah: refunds above this need an approver's PIN (0 = all of them)
    short_payment_tolerance: int = 0  # rupiah a transfer may be short and still be accepted, by a person
    void_without_approval: tuple = DEFAULT_VOID_WITHOUT_APPROVAL  # roles that void a sale without another's PIN
    auto_confirm_matches: bool = False
    unique_code_subtracts: bool = False  # the kode unik is taken off the amount to transfer, not added
    gateway: dict = field(default_factory=lambda: {"provider": "midtrans"})
    bank_accounts: list = field(default_factory=list)
    shipping: dict = field(default_factory=dict)
    messaging: dict = field(default_factory=dict)

    @classmethod
    def from_dict(cls, data: dict | None) -> "StoreSettings":
        """The settings as stored, for reading: never fails, whatever was stored before the checks
        of :func:`check_settings` existed. A value of the wrong type reads as the default, a number
        out of range as the nearest end of its range, an invalid bank account not at all."""
        data = data if isinstance(data, dict) else {}
        defaults = cls()
        values: dict = {}
        for name in SETTING_RANGES:
            if name in data:
                values[name] = _read_whole(name, data[name], getattr(defaults, name))
        if "timezone" in data:
            values["timezone"] = data["timezone"] if isinstance(data["timezone"], str) and _known_zone(
                data["timezone"]) else DEFAULT_TIMEZONE
        for name in _YES_NO:
            if isinstance(data.get(name), bool):
                values[name] = data[name]
        for name in ("gateway", "shipping", "messaging"):
            if isinstance(data.get(name), dict):
                values[name] = data[name]
        if "bank_accounts" in data:
            values["bank_accounts"] = _read_accounts(data["bank_accounts"])
        if "void_without_approval" in data:
            try:  # junk reads as the default, never as "anyone"
                values["void_without_approval"] = tuple(check_void_roles(data["void_without_approval"]))
            except ValidationError:
                pass
        return cls(**values)


@dataclass(frozen=True)
class Device:
    """A paired device as other areas see it (printing routes jobs to its print stations)."""

    device_id: str
    store_id: str
    kind: str
    name: str
    status: str  # ACTIVE | REVOKED
    created_at: int
