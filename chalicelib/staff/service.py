"""Use cases for stores, devices, staff and sign-in.

Every function that acts for someone takes the :class:`Caller` and scopes reads and writes to the
caller's merchant and store: an id from another store is simply "not found".
"""
from __future__ import annotations

import hmac
from typing import Callable

from ..core import keys, ratelimit
from ..core import uow as units
from ..core.clock import get_clock
from ..core.db import find_many
from ..core.errors import Conflict, Forbidden, Gone, Locked, NotFound, TooManyRequests, Unauthorized, ValidationError
from ..core.ids import new_id, short_code, token
from ..core.settings import get_settings
from ..core.web import DEVICE, Caller
from . import model, pins, repo, signin
from .repo import DeviceRecord, MerchantRecord, PairingCodeRecord, SessionRecord, StaffRecord, StoreRecord


# ---- merchants and stores ------------------------------------------------------------------

def create_merchant(name: str, store_name: str, *, timezone: str = "Asia/Jakarta", address: str = "",
                    settings: dict | None = None, merchant_id: str | None = None, store_id: str | None = None) -> tuple[str, str]:
    """Onboarding: a merchant with its first store. Returns ``(merchant_id, store_id)``."""
    now = get_clock().now_s()
    merchant_id = merchant_id or "m_" + new_id()
    store_id = store_id or "s_" + new_id()
    cfg = dict(settings or {}, timezone=timezone)
    cfg = model.check_settings(cfg)  # refuse unknown shapes and out-of-range values early
    merchant = MerchantRecord(merchant_id=merchant_id, name=model.validate_name(name, "Nama merchant", 80), created_at=now)
    store = StoreRecord(store_id=store_id, merchant_id=merchant_id, name=model.validate_name(store_name, "Nama toko", 80),
                        address=address, settings=cfg, created_at=now)

    def writes(uow: units.UnitOfWork) -> None:
        repo.add_merchant(uow, merchant)
        repo.add_store(uow, store)

    units.commit(writes)
    return merchant_id, store_id


def get_store(caller_or_store) -> StoreRecord:
    store_id = caller_or_store.store_id if isinstance(caller_or_store, Caller) else caller_or_store
    store = repo.get_store(store_id)
    if store is None:
        raise NotFound("Toko tidak ditemukan.")
    return store


def store_settings(store_id: str) -> model.StoreSettings:
    return model.StoreSettings.from_dict(get_store(store_id).settings)


def merchant_name(merchant_id: str) -> str:
    merchant = repo.get_merchant(merchant_id)
    return merchant.name if merchant is not None else ""


def public_store(caller: Caller) -> dict:
    store = get_store(caller)
    s = model.StoreSettings.from_dict(store.settings)
    return {"store_id": store.store_id, "name": store.name, "address": store.address,
            "merchant_name": merchant_name(store.merchant_id), "timezone": s.timezone,
            "idle_lock_minutes": s.idle_lock_minutes, "payment_deadline_minutes": s.payment_deadline_minutes,
            "qris_expiry_minutes": s.qris_expiry_minutes, "loyalty_rupiah_per_point": s.loyalty_rupiah_per_point,
            "max_sale_amount": s.max_sale_amount, "refund_approval_above": s.refund_approval_above,
            "void_without_approval": list(s.void_without_approval),
            "bank_accounts": s.bank_accounts}


def update_store_settings(caller: Caller, patch: dict) -> dict:
    change_settings(caller.store_id, lambda current: dict(current, **patch))
    return public_store(caller)


SETTINGS_RETRIES = 3


def change_settings(store_id: str, change: Callable[[dict], dict], *, retries: int = SETTINGS_RETRIES) -> dict:
    """Replace the store's settings with ``change(settings as stored)`` (checked as
    :class:`~.model.StoreSettings`), conditional on the settings read: others edit other parts of
    the same settings (``shipping``, ``messaging``, ...) and each keeps its change. Someone first:
    decided again from a fresh read, ``retries`` times in all, then 409 ``settings_busy``.
    Returns the new settings."""
    def work(uow: units.UnitOfWork) -> dict:
        store = repo.get_store(store_id, consistent=True)
        if store is None:
            raise NotFound("Toko tidak ditemukan.")
        current = dict(store.settings or {})
        merged = change(dict(current))
        repo.replace_store_settings(uow, store, current, merged)
        return merged

    try:
        return units.run(work, lost_retries=retries - 1)
    except units.ConditionLost:
        raise Conflict("Pengaturan toko sedang diubah orang lain. Coba lagi.", code="settings_busy") from None


# ---- devices ---------------------------------------------------------------------------------

def create_pairing_code(caller: Caller, kind: str) -> dict:
    kind = model.validate_device_kind(kind)
    now = get_clock().now_s()
    code = short_code(8)
    pc = PairingCodeRecord(code=code, store_id=caller.store_id, merchant_id=caller.merchant_id, kind=kind,
                           created_by=caller.staff_id or caller.device_id, expires_at=now + model.PAIRING_SECONDS,
                           purge_at=now + 86400)
    units.commit(lambda uow: repo.add_pairing_code(uow, pc))
    return {"code": code, "kind": kind, "expires_at": now + model.PAIRING_SECONDS}


PAIRING_GUESSES = ratelimit.Limit("pair", hits=10, seconds=600)  # wrong pairing codes per address


def pair_device(code: str, name: str, kind: str | None = None, *, client: str = "unknown") -> dict:
    """Exchange a one-time pairing code for a device credential bound to the code's store. Wrong
    codes from one address are limited (429): the tries are counted before a code is looked up."""
    code = (code or "").strip().upper().replace("-", "").replace(" ", "")
    name = model.validate_name(name, "Nama perangkat")
    with ratelimit.guesses(PAIRING_GUESSES, client):
        return _pair(code, name, kind)


def _pair(code: str, name: str, kind: str | None) -> dict:
    now = get_clock().now_s()
    pc = repo.get_pairing_code(code)
    if pc is None:
        raise NotFound("Kode pairing tidak dikenal.", code="pairing_code_unknown")
    if kind is not None and kind != pc.kind:
        raise ValidationError("Kode pairing ini untuk jenis perangkat lain.", code="pairing_kind_mismatch")
    if pc.used_at is not None:
        raise Gone("Kode pairing sudah dipakai. Minta kode baru ke admin.", code="pairing_code_used")
    if pc.expires_at <= now:
        raise Gone("Kode pairing sudah kedaluwarsa. Minta kode baru ke admin.", code="pairing_code_expired")
    device_id = "d_" + new_id()
    secret = token(32)
    used = Gone("Kode pairing sudah dipakai. Minta kode baru ke admin.", code="pairing_code_used")
    device = DeviceRecord(device_id=device_id, store_id=pc.store_id, merchant_id=pc.merchant_id, kind=pc.kind, name=name,
                          secret_hash=model.hash_secret(secret), created_at=now)

    def writes(uow: units.UnitOfWork) -> None:
        repo.use_pairing_code(uow, pc, device_id, now, lost=used)
        repo.add_device(uow, device, lost=used)

    units.commit(writes)
    store = get_store(pc.store_id)
    return {"device_id": device_id, "device_token": f"{device_id}.{secret}", "kind": pc.kind,
            "store_id": pc.store_id, "store_name": store.name}


def _device_view(d: DeviceRecord) -> dict:
    return {"device_id": d.device_id, "name": d.name, "kind": d.kind, "status": d.status,
            "created_at": d.created_at, "last_seen_at": d.last_seen_at, "revoked_at": d.revoked_at}


def list_devices(caller: Caller) -> list[dict]:
    return [_device_view(d) for d in repo.store_devices(caller.store_id, newest_first=True)]


def _device_info(d: DeviceRecord) -> model.Device:
    return model.Device(device_id=d.device_id, store_id=d.store_id, kind=d.kind, name=d.name, status=d.status,
                        created_at=int(d.created_at))


def active_devices(store_id: str, kind: str) -> list[model.Device]:
    """The store's paired, not revoked devices of ``kind`` (e.g. its print stations), oldest first."""
    return [_device_info(d) for d in repo.store_devices(store_id) if d.kind == kind and d.status == "ACTIVE"]


def device(device_id: str) -> model.Device | None:
    """One device as it is now (a consistent read: right after pairing, before the store index has it)."""
    d = repo.get_device(device_id, consistent=True)
    return _device_info(d) if d is not None else None


def _own_device(caller: Caller, device_id: str) -> DeviceRecord:
    d = repo.get_device(device_id)
    if d is None or d.store_id != caller.store_id:
        raise NotFound("Perangkat tidak ditemukan.")
    return d


def revoke_device(caller: Caller, device_id: str) -> dict:
    d = _own_device(caller, device_id)
    if d.status != "REVOKED":
        units.commit(lambda uow: repo.revoke_device(uow, d, get_clock().now_s()))
    return _device_view(d)


# ---- authentication ------------------------------------------------------------------------

_EXPIRED = "Sesi berakhir. Silakan masuk lagi."


def _device_from_token(raw: str) -> DeviceRecord:
    device_id, _, secret = raw.partition(".")
    d = repo.get_device(device_id) if device_id and secret else None
    if d is None or not hmac.compare_digest(d.secret_hash, model.hash_secret(secret)):
        raise Unauthorized("Perangkat tidak dikenal. Pasangkan ulang perangkat ini.", code="device_unknown")
    if d.status != "ACTIVE":
        raise Unauthorized("Perangkat ini sudah dicabut. Hubungi admin toko.", code="device_revoked")
    return d


def authenticate(header: str) -> Caller:
    """Turn ``Authorization: Device <id>.<secret>`` or ``Bearer <session token>`` into a Caller."""
    scheme, _, value = header.strip().partition(" ")
    scheme = scheme.lower()
    value = value.strip()
    if scheme == "device":
        d = _device_from_token(value)
        return Caller(merchant_id=d.merchant_id, store_id=d.store_id, role=DEVICE, device_id=d.device_id, device_kind=d.kind)
    if scheme != "bearer" or not value:
        raise Unauthorized("Silakan masuk terlebih dahulu.", code="login_required")
    import jwt  # lazy: keeps the API cold start light

    try:
        # The session key of the current master version only: adding a version ends every session.
        if jwt.get_unverified_header(value).get("kid") != str(keys.current_version()):
            raise Unauthorized(_EXPIRED, code="session_invalid")
        # Expiry is checked below against the injectable clock (the same one that issued it).
        claims = jwt.decode(value, keys.key(keys.SESSION), algorithms=["HS256"],
                            options={"require": ["exp", "jti", "sub"], "verify_exp": False, "verify_iat": False})
    except jwt.PyJWTError:
        raise Unauthorized(_EXPIRED, code="session_invalid") from None
    now = get_clock().now_s()
    if not isinstance(claims["exp"], int) or claims["exp"] <= now:
        raise Unauthorized(_EXPIRED, code="session_ended")
    if not all(isinstance(claims.get(k), str) and claims[k] for k in ("did", "sid")):
        raise Unauthorized(_EXPIRED, code="session_invalid")
    s, d, staff = repo.session_parts(claims["jti"], claims["did"], claims["sid"], claims["sub"])
    if s is None or (s.device_id, s.store_id, s.staff_id) != (claims["did"], claims["sid"], claims["sub"]):
        raise Unauthorized(_EXPIRED, code="session_invalid")
    if s.status != "ACTIVE" or s.expires_at <= now:
        raise Unauthorized(_EXPIRED, code="session_ended")
    if d is None or d.store_id != s.store_id:
        raise Unauthorized(_EXPIRED, code="session_invalid")
    if d.status != "ACTIVE":
        raise Unauthorized("Perangkat ini sudah dicabut. Hubungi admin toko.", code="device_revoked")
    # The person as they are now: deactivated or a new PIN / "end all sessions" ends the session;
    # a new role applies from the next request.
    if staff is None or not staff.active or int(staff.session_epoch) != int(s.staff_epoch):
        raise Unauthorized(_EXPIRED, code="session_ended")
    return Caller(merchant_id=s.merchant_id, store_id=s.store_id, role=staff.role, device_id=s.device_id,
                  staff_id=s.staff_id, session_id=s.session_id, staff_name=staff.name, device_kind=d.kind)


def login_choices(device: Caller) -> list[dict]:
    """The names a person picks from on a paired device (no PINs, no lock state)."""
    staff = [s for s in repo.store_staff(device.store_id) if s.active]
    return [{"staff_id": s.staff_id, "name": s.name, "role": s.role} for s in sorted(staff, key=lambda s: s.name)]


def login(device: Caller, staff_id: str, pin: str) -> dict:
    """PIN sign-in on a paired device: five wrong PINs lock that person on that device for 15
    minutes; a device with too many failed sign-ins is throttled (429)."""
    if device.role != DEVICE:
        raise Unauthorized("Masuk hanya dari perangkat yang sudah dipasangkan.", code="device_required")
    if not isinstance(pin, str) or not model.PIN_RE.match(pin):
        raise ValidationError("PIN harus 6 angka.", code="invalid_pin_format")
    # Failed sign-ins of the device are counted before the PIN is checked (a right PIN gives its
    # try back): past the limit the device waits (429 + Retry-After), whoever it tries.
    with ratelimit.guesses(DEVICE_SIGNIN_FAILURES, device.device_id, code="signin_throttled",
                           message="Terlalu banyak percobaan masuk yang salah dari perangkat ini. Coba lagi nanti."):
        staff = verify_pin(device.store_id, staff_id, pin, device_id=device.device_id)
        if staff is None:
            raise Unauthorized("PIN salah.", code="wrong_pin")
    return _start_session(device, staff, get_clock().now_s())


DEVICE_SIGNIN_FAILURES = ratelimit.Limit("signin-device", hits=signin.DEVICE_MAX_FAILURES,
                                         seconds=signin.DEVICE_WINDOW_SECONDS)


def verify_pin(store_id: str, staff_id: str, pin, *, roles: tuple[str, ...] | None = None,
               device_id: str = "-") -> StaffRecord | None:
    """Check a person's PIN (sign-in, and approvals such as a shift close) on ``device_id``.

    The try is counted before the PIN is checked, atomically, so parallel guesses check at most
    :data:`~.signin.MAX_PIN_FAILURES` PINs before the person is locked on that device (other devices
    are not affected). Returns the staff record, or None when the PIN is wrong or the person
    unknown or inactive. Raises Locked while locked, Forbidden when the role is not in ``roles``.
    """
    if not isinstance(pin, str) or not model.PIN_RE.match(pin):
        raise ValidationError("PIN harus 6 angka.", code="invalid_pin_format")
    now = get_clock().now_s()
    staff = repo.get_staff(store_id, staff_id, consistent=True)
    if staff is None or not staff.active:
        return None
    if roles is not None and staff.role not in roles:
        raise Forbidden("Peran orang ini tidak diizinkan untuk tindakan ini.", code="role_not_allowed")
    sk = repo.person_guard_key(staff.staff_id, device_id)
    purge_at = now + signin.LOCK_SECONDS + 86400
    claimed, _ = units.attempt(lambda uow: repo.claim_try(uow, store_id, sk, now=now, max_tries=signin.MAX_PIN_FAILURES,
                                                          purge_at=purge_at))
    if not claimed:
        guard = repo.get_guard(store_id, sk)
        until = int(guard.locked_until) if guard is not None and guard.locked_until and guard.locked_until > now \
            else now + signin.LOCK_SECONDS
        raise _locked(until, now)
    if not pins.check_pin(pin, staff.pin_hash, _pepper):
        locked, _ = units.attempt(lambda uow: repo.lock(uow, store_id, sk, until=now + signin.LOCK_SECONDS,
                                                        purge_at=purge_at, max_tries=signin.MAX_PIN_FAILURES))
        if locked:
            raise _locked(now + signin.LOCK_SECONDS, now)
        return None
    units.attempt(lambda uow: repo.clear_tries(uow, store_id, sk))
    if pins.needs_rehash(staff.pin_hash, keys.current_version()):
        units.attempt(lambda uow: repo.repeppered(uow, staff, _hash_pin(pin)))
    return staff


def _locked(until: int, now: int) -> Locked:
    minutes = max(1, -(-(until - now) // 60))
    return Locked(f"Terlalu banyak PIN salah. Coba lagi dalam {minutes} menit.", code="pin_locked",
                  details={"locked_until": until})


def _pepper(version: int) -> bytes | None:
    if version == pins.LEGACY:
        return keys.legacy_secret()
    try:
        return keys.key(keys.PIN, version)
    except KeyError:
        return None


def _hash_pin(pin: str) -> str:
    return pins.hash_pin(pin, keys.key(keys.PIN), keys.current_version())


def unlock(caller: Caller, staff_id: str) -> dict:
    """Admin: lift a person's sign-in locks on every device."""
    if repo.get_staff(caller.store_id, staff_id) is None:
        raise NotFound("Staf tidak ditemukan.")
    guards = [g for g in repo.store_guards(caller.store_id) if g.sk.startswith(staff_id + "#")]
    for g in guards:
        units.attempt(lambda uow, g=g: repo.remove_guard(uow, g))
    return {"staff_id": staff_id, "unlocked_devices": len([g for g in guards if g.locked_until])}


def _start_session(device: Caller, staff: StaffRecord, now: int) -> dict:
    import jwt

    session_id = new_id()
    expires_at = now + model.SESSION_SECONDS
    session = SessionRecord(session_id=session_id, merchant_id=staff.merchant_id, store_id=staff.store_id,
                            staff_id=staff.staff_id, device_id=device.device_id, role=staff.role, created_at=now,
                            expires_at=expires_at, purge_at=expires_at + 86400, staff_epoch=int(staff.session_epoch))
    units.commit(lambda uow: repo.add_session(uow, session))
    claims = {"sub": staff.staff_id, "jti": session_id, "sid": staff.store_id, "mid": staff.merchant_id,
              "did": device.device_id, "role": staff.role, "name": staff.name, "iat": now, "exp": expires_at}
    tok = jwt.encode(claims, keys.key(keys.SESSION), algorithm="HS256", headers={"kid": str(keys.current_version())})
    return {"token": tok, "expires_at": expires_at, "staff": {"staff_id": staff.staff_id, "name": staff.name, "role": staff.role}}


def logout(caller: Caller) -> dict:
    if caller.session_id:
        units.commit(lambda uow: repo.end_session(uow, caller.session_id))
    return {"ok": True}


# ---- staff administration ------------------------------------------------------------------

def _staff_view(s: StaffRecord, locks: dict[str, int] | None = None) -> dict:
    """``locked_until``: the latest sign-in lock of the person on any device (None when unlocked)."""
    return {"staff_id": s.staff_id, "name": s.name, "role": s.role, "active": s.active,
            "locked_until": (locks or {}).get(s.staff_id)}


def _locks(store_id: str) -> dict[str, int]:
    now = get_clock().now_s()
    out: dict[str, int] = {}
    for g in repo.store_guards(store_id):
        if g.locked_until and g.locked_until > now:
            staff_id = g.sk.split("#", 1)[0]
            out[staff_id] = max(out.get(staff_id, 0), int(g.locked_until))
    return out


def create_staff(caller: Caller, name: str, role: str, pin: str, *, staff_id: str | None = None) -> dict:
    return _staff_view(add_staff(caller.merchant_id, caller.store_id, name, role, pin, staff_id=staff_id))


def add_staff(merchant_id: str, store_id: str, name: str, role: str, pin: str, *, staff_id: str | None = None) -> StaffRecord:
    s = StaffRecord(store_id=store_id, staff_id=staff_id or "u_" + new_id(), merchant_id=merchant_id,
                    name=model.validate_name(name), role=model.validate_role(role),
                    pin_hash=_hash_pin(model.validate_pin(pin)),
                    created_at=get_clock().now_s())
    units.commit(lambda uow: repo.add_staff(uow, s))
    return s


def list_staff(caller: Caller) -> list[dict]:
    locks = _locks(caller.store_id)
    return [_staff_view(s, locks) for s in repo.store_staff(caller.store_id)]


def update_staff(caller: Caller, staff_id: str, changes: dict) -> dict:
    s = repo.get_staff(caller.store_id, staff_id)
    if s is None:
        raise NotFound("Staf tidak ditemukan.")
    name = model.validate_name(changes["name"]) if "name" in changes else None
    role = model.validate_role(changes["role"]) if "role" in changes else None
    active = bool(changes["active"]) if "active" in changes else None
    pin_hash = _hash_pin(model.validate_pin(changes["pin"])) if "pin" in changes else None
    units.commit(lambda uow: repo.change_staff(uow, s, name=name, role=role, active=active, pin_hash=pin_hash))
    if pin_hash is not None:
        unlock(caller, staff_id)  # a new PIN from the admin also lifts the person's locks
    return _staff_view(s, _locks(caller.store_id))


def end_sessions(caller: Caller, staff_id: str | None = None) -> dict:
    """Admin: end every session of one staff member (``staff_id``), or of everyone in the store;
    each ends on its next request. The admin's own session ends too when it is among them."""
    people = [repo.get_staff(caller.store_id, staff_id)] if staff_id else repo.store_staff(caller.store_id)
    if not people or people[0] is None:
        raise NotFound("Staf tidak ditemukan.")
    for person in people:
        units.commit(lambda uow, person=person: repo.end_staff_sessions(uow, person))
    return {"ended_for": [p.staff_id for p in people]}


def staff_name(store_id: str, staff_id: str | None) -> str:
    s = repo.get_staff(store_id, staff_id) if staff_id else None
    return s.name if s is not None else ""


def names(store_id: str, ids) -> dict[str, str]:
    """``{id: name}`` of the store's staff members and devices among ``ids`` (who moved stock, who
    asked for a drop order: a person, or a device acting alone), in one ``BatchGetItem``. Ids of
    neither (``system``, another store's) are left out."""
    wanted = [i for i in dict.fromkeys(ids) if i]
    if not wanted:
        return {}
    found = find_many([(StaffRecord, store_id, i) for i in wanted] + [(DeviceRecord, i) for i in wanted],
                      consistent=False)
    people, devices = found[:len(wanted)], found[len(wanted):]
    out = {d.device_id: d.name for d in devices if d is not None and d.store_id == store_id}
    out.update({s.staff_id: s.name for s in people if s is not None})
    return out
