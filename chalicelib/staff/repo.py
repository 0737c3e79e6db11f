"""Merchants, stores, staff, devices, pairing codes and sessions in DynamoDB."""
from __future__ import annotations

from pynamodb.attributes import BooleanAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex

from ..core.db import JSONAttribute, Table, table_meta


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
    role = UnicodeAttribute()
    status = UnicodeAttribute(default="ACTIVE")  # ACTIVE | ENDED
    created_at = NumberAttribute()
    expires_at = NumberAttribute()
    purge_at = NumberAttribute()
