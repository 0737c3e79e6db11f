"""Merchants, stores, staff, devices, pairing codes and sessions in DynamoDB."""
from __future__ import annotations

from pynamodb.attributes import BooleanAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex

from ..core.db import JSONAttribute, Table, find, find_many, table_meta


class MerchantRecord(Table):
    Meta = table_meta("merchants")
    merchant_id = UnicodeAttribute(hash_key=True)
    name = UnicodeAttribute()
    created_at = NumberAttribute()


class StoreRecord(Table):
    Meta = table_meta("stores")
    store_id = UnicodeAttribute(hash_key=True)
    merchant_id = UnicodeAttribute()
    name = UnicodeAttribute()
    address = UnicodeAttribute(default="")
    settings = JSONAttribute(default=dict)
    created_at = NumberAttribute()


class StaffRecord(Table):
    Meta = table_meta("staff")
    store_id = UnicodeAttribute(hash_key=True)
    staff_id = UnicodeAttribute(range_key=True)
    merchant_id = UnicodeAttribute()
    name = UnicodeAttribute()
    role = UnicodeAttribute()
    pin_hash = UnicodeAttribute()
    active = BooleanAttribute(default=True)
    failed_pins = NumberAttribute(default=0)
    locked_until = NumberAttribute(default=0)
    session_epoch = NumberAttribute(default=0)  # raised by a PIN change or "end all sessions": older sessions end
    created_at = NumberAttribute()


class DevicesByStore(GlobalSecondaryIndex):
    class Meta:
        index_name = "by_store"
        projection = AllProjection()

    store_id = UnicodeAttribute(hash_key=True)
    created_at = NumberAttribute(range_key=True)


class DeviceRecord(Table):
    Meta = table_meta("devices")
    device_id = UnicodeAttribute(hash_key=True)
    store_id = UnicodeAttribute()
    merchant_id = UnicodeAttribute()
    kind = UnicodeAttribute()
    name = UnicodeAttribute()
    secret_hash = UnicodeAttribute()
    status = UnicodeAttribute(default="ACTIVE")  # ACTIVE | REVOKED
    created_at = NumberAttribute()
    last_seen_at = NumberAttribute(null=True)
    revoked_at = NumberAttribute(null=True)
    by_store = DevicesByStore()


class PairingCodeRecord(Table):
    Meta = table_meta("pairing_codes", ttl="purge_at")
    code = UnicodeAttribute(hash_key=True)
    store_id = UnicodeAttribute()
    merchant_id = UnicodeAttribute()
    kind = UnicodeAttribute()
    created_by = UnicodeAttribute()
    expires_at = NumberAttribute()
    purge_at = NumberAttribute()
    used_at = NumberAttribute(null=True)
    device_id = UnicodeAttribute(null=True)


class SessionRecord(Table):
    Meta = table_meta("sessions", ttl="purge_at")
    session_id = UnicodeAttribute(hash_key=True)
    merchant_id = UnicodeAttribute()
    store_id = UnicodeAttribute()
    staff_id = UnicodeAttribute()
    device_id = UnicodeAttribute()
    role = UnicodeAttribute()  # at sign-in; every request applies the staff member's role as it is now
    staff_epoch = NumberAttribute(default=0)  # the staff member's session_epoch at sign-in
    status = UnicodeAttribute(default="ACTIVE")  # ACTIVE | ENDED
    created_at = NumberAttribute()
    expires_at = NumberAttribute()
    purge_at = NumberAttribute()


class PinGuardRecord(Table):
    """Sign-in guards of a store (``pin_guards``), per person on a device (``sk`` =
    ``<staff_id>#<device_id>``): wrong PINs counted before the hash is checked, then a lock."""
    Meta = table_meta("pin_guards", ttl="purge_at")
    store_id = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    tries = NumberAttribute(default=0)
    locked_until = NumberAttribute(null=True)
    purge_at = NumberAttribute()


# ---- reads -----------------------------------------------------------------------------------

def get_store(store_id: str, *, consistent: bool = False) -> StoreRecord | None:
    return find(StoreRecord, store_id, consistent_read=consistent)


def get_merchant(merchant_id: str) -> MerchantRecord | None:
    return find(MerchantRecord, merchant_id)


def get_staff(store_id: str, staff_id: str, *, consistent: bool = False) -> StaffRecord | None:
    return find(StaffRecord, store_id, staff_id, consistent_read=consistent)


def store_staff(store_id: str) -> list[StaffRecord]:
    return list(StaffRecord.query(store_id))


def get_device(device_id: str, *, consistent: bool = False) -> DeviceRecord | None:
    return find(DeviceRecord, device_id, consistent_read=consistent)


def store_devices(store_id: str, *, newest_first: bool = False) -> list[DeviceRecord]:
    return list(DeviceRecord.by_store.query(store_id, scan_index_forward=not newest_first))


def get_pairing_code(code: str) -> PairingCodeRecord | None:
    return find(PairingCodeRecord, code, consistent_read=True)


def session_parts(session_id: str, device_id: str, store_id: str, staff_id: str):
    """A request's session, its device and its staff member, as they are now: one consistent
    ``BatchGetItem`` (each is None when missing)."""
    return tuple(find_many([(SessionRecord, session_id), (DeviceRecord, device_id), (StaffRecord, store_id, staff_id)]))


# ---- merchants and stores --------------------------------------------------------------------

def add_merchant(uow, merchant: MerchantRecord, *, lost: Exception | None = None) -> None:
    uow.save(merchant, condition=MerchantRecord.merchant_id.does_not_exist(), lost=lost)


def add_store(uow, store: StoreRecord, *, lost: Exception | None = None) -> None:
    uow.save(store, condition=StoreRecord.store_id.does_not_exist(), lost=lost)


def replace_store_settings(uow, store: StoreRecord, current: dict, settings: dict) -> None:
    """The store's settings become ``settings``, only while they are still ``current`` (as read):
    people edit different parts of the same settings, and none may undo another's change."""
    uow.update(store, [StoreRecord.settings.set(settings)], condition=StoreRecord.settings == current,
               label="store_settings")


# ---- devices and pairing ---------------------------------------------------------------------

def add_pairing_code(uow, code: PairingCodeRecord) -> None:
    uow.save(code, condition=PairingCodeRecord.code.does_not_exist())


def use_pairing_code(uow, code: PairingCodeRecord, device_id: str, now: int, *, lost: Exception | None = None) -> None:
    """Once, and only before it expires."""
    uow.update(code, [PairingCodeRecord.used_at.set(now), PairingCodeRecord.device_id.set(device_id)],
               condition=PairingCodeRecord.used_at.does_not_exist() & (PairingCodeRecord.expires_at > now), lost=lost)


def add_device(uow, device: DeviceRecord, *, lost: Exception | None = None) -> None:
    uow.save(device, condition=DeviceRecord.device_id.does_not_exist(), lost=lost)


def revoke_device(uow, device: DeviceRecord, now: int) -> None:
    uow.update(device, [DeviceRecord.status.set("REVOKED"), DeviceRecord.revoked_at.set(now)])


# ---- staff and sign-in -----------------------------------------------------------------------

def add_staff(uow, staff: StaffRecord) -> None:
    uow.save(staff, condition=StaffRecord.staff_id.does_not_exist())


def change_staff(uow, staff: StaffRecord, *, name: str | None = None, role: str | None = None,
                 active: bool | None = None, pin_hash: str | None = None) -> bool:
    """Set what is given; a new PIN also clears the wrong-PIN count and lock. False: nothing to write."""
    actions = []
    if name is not None:
        actions.append(StaffRecord.name.set(name))
    if role is not None:
        actions.append(StaffRecord.role.set(role))
    if active is not None:
        actions.append(StaffRecord.active.set(active))
    if pin_hash is not None:
        actions += [StaffRecord.pin_hash.set(pin_hash), StaffRecord.failed_pins.set(0), StaffRecord.locked_until.set(0),
                    StaffRecord.session_epoch.add(1)]
    if actions:
        uow.update(staff, actions)
    return bool(actions)


def end_staff_sessions(uow, staff: StaffRecord) -> None:
    """Every session the person signed in before now ends on its next request."""
    uow.update(staff, [StaffRecord.session_epoch.add(1)])


def repeppered(uow, staff: StaffRecord, pin_hash: str) -> None:
    """The same PIN, hashed with the current pepper (only while the hash is still the one checked)."""
    uow.update(staff, [StaffRecord.pin_hash.set(pin_hash)], condition=StaffRecord.pin_hash == staff.pin_hash)


# ---- sign-in guards ----------------------------------------------------------------------------

def person_guard_key(staff_id: str, device_id: str) -> str:
    return f"{staff_id}#{device_id}"


def get_guard(store_id: str, sk: str) -> PinGuardRecord | None:
    return find(PinGuardRecord, store_id, sk, consistent_read=True)


def store_guards(store_id: str) -> list[PinGuardRecord]:
    return list(PinGuardRecord.query(store_id, consistent_read=True))


def claim_try(uow, store_id: str, sk: str, *, now: int, max_tries: int, purge_at: int, lost=None) -> None:
    """Count one try before anything is checked: refused (``lost``) while locked or once
    ``max_tries`` are counted. ADD is atomic, so N parallel tries claim at most ``max_tries``."""
    g = PinGuardRecord(store_id=store_id, sk=sk)
    uow.update(g, [PinGuardRecord.tries.add(1), PinGuardRecord.purge_at.set(purge_at)],
               condition=(PinGuardRecord.locked_until.does_not_exist() | (PinGuardRecord.locked_until <= now))
               & (PinGuardRecord.tries.does_not_exist() | (PinGuardRecord.tries < max_tries)), lost=lost)


def clear_tries(uow, store_id: str, sk: str) -> None:
    """A right PIN: the count starts again."""
    uow.update(PinGuardRecord(store_id=store_id, sk=sk), [PinGuardRecord.tries.set(0)],
               condition=PinGuardRecord.sk.exists())


def lock(uow, store_id: str, sk: str, *, until: int, purge_at: int, max_tries: int) -> None:
    """Lock once the count reached ``max_tries`` (whichever wrong guess sees it first)."""
    uow.update(PinGuardRecord(store_id=store_id, sk=sk),
               [PinGuardRecord.locked_until.set(until), PinGuardRecord.tries.set(0), PinGuardRecord.purge_at.set(purge_at)],
               condition=PinGuardRecord.tries >= max_tries)


def remove_guard(uow, guard: PinGuardRecord) -> None:
    uow.delete(guard)


def add_session(uow, session: SessionRecord) -> None:
    uow.save(session)


def end_session(uow, session_id: str) -> None:
    uow.update(SessionRecord(session_id=session_id), [SessionRecord.status.set("ENDED")])
