"""Shipments, their unique keys (AWB per store, courier order id) and courier events in DynamoDB.

A shipment's id is the id of the sale it ships (one shipment per sale), which is also the reference
we give the courier aggregator: a repeated booking finds the first one instead of making another.
Every change to a shipment is a conditional write on its ``version`` (or, for label claims, on the
label's own state), so concurrent webhooks, pollers, staff and label batches never overwrite each
other.
"""
from __future__ import annotations

from pynamodb.attributes import BooleanAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.exceptions import DoesNotExist
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex

from ..core.db import JSONAttribute, Table, find, table_meta
from ..core.errors import NotFound

EVENT_KEEP_SECONDS = 90 * 86400


class ShipmentsByStore(GlobalSecondaryIndex):
    class Meta:
        index_name = "by_store"
        projection = AllProjection()

    store_id = UnicodeAttribute(hash_key=True)
    created_at = NumberAttribute(range_key=True)


class LabelQueue(GlobalSecondaryIndex):
    """Sparse: only shipments whose label still has to be printed (first time or again) carry ``label_queue``."""

    class Meta:
        index_name = "label_queue"
        projection = AllProjection()

    label_queue = UnicodeAttribute(hash_key=True)  # the store id
    created_at = NumberAttribute(range_key=True)


class AwbWait(GlobalSecondaryIndex):
    """Sparse: courier-booked shipments still without an AWB, by when to ask the courier next."""

    class Meta:
        index_name = "awb_wait"
        projection = AllProjection()

    awb_wait = UnicodeAttribute(hash_key=True)  # always AWB_WAIT_SHARD
    poll_at = NumberAttribute(range_key=True)


AWB_WAIT_SHARD = "W"


class ShipmentRecord(Table):
    Meta = table_meta("shipments")
    shipment_id = UnicodeAttribute(hash_key=True)  # = the sale (order) id
    store_id = UnicodeAttribute()
    merchant_id = UnicodeAttribute()
    order_id = UnicodeAttribute()
    order_no = UnicodeAttribute()
    mode = UnicodeAttribute()  # biteship | manual
    test_mode = BooleanAttribute(default=False)
    status = UnicodeAttribute()  # a model.ShipmentStatus value
    version = NumberAttribute(default=0)
    created_at = NumberAttribute()
    updated_at = NumberAttribute()
    sender = JSONAttribute(default=dict)  # address dict (model.address_to_dict shape); refreshed until booked
    recipient = JSONAttribute()  # {contact_name, contact_phone, address, postal_code?}
    items = JSONAttribute()  # [{name, value, weight_g, quantity}]
    weight_g = NumberAttribute()
    courier_company = UnicodeAttribute(null=True)
    courier_type = UnicodeAttribute(null=True)
    note = UnicodeAttribute(null=True)
    # from the courier
    provider_order_id = UnicodeAttribute(null=True)
    tracking_id = UnicodeAttribute(null=True)
    tracking_url = UnicodeAttribute(null=True)
    price = NumberAttribute(null=True)
    awb = UnicodeAttribute(null=True)
    awb_at = NumberAttribute(null=True)
    awb_source = UnicodeAttribute(null=True)  # courier | staff
    error = JSONAttribute(null=True)  # the last booking failure: {code, message, at}; cleared once booked
    # label
    label_queue = UnicodeAttribute(null=True)
    label_batch = UnicodeAttribute(null=True)  # the print batch that printed the current label
    label_printed_at = NumberAttribute(null=True)
    label_print_count = NumberAttribute(default=0)
    reprint_reason = UnicodeAttribute(null=True)
    # AWB polling
    awb_wait = UnicodeAttribute(null=True)
    poll_at = NumberAttribute(null=True)
    polls = NumberAttribute(default=0)
    by_store = ShipmentsByStore()
    label_queue_index = LabelQueue()
    awb_wait_index = AwbWait()


class ShipmentKeyRecord(Table):
    """A value that names exactly one shipment: ``awb#<store>#<AWB>`` (an AWB is unique within its
    store) and ``biteship#<order id>`` (the courier's order id, how webhooks find us). Written in the
    same transaction as the shipment with ``does_not_exist``, read with strong consistency."""

    Meta = table_meta("shipment_keys")
    key = UnicodeAttribute(hash_key=True)
    shipment_id = UnicodeAttribute()
    store_id = UnicodeAttribute()


class CourierEventRecord(Table):
    """Every verified courier callback, raw, once (the event key de-duplicates redeliveries)."""

    Meta = table_meta("courier_events", ttl="purge_at")
    event_key = UnicodeAttribute(hash_key=True)
    provider = UnicodeAttribute()
    shipment_id = UnicodeAttribute()
    store_id = UnicodeAttribute()
    kind = UnicodeAttribute()
    raw = JSONAttribute()
    received_at = NumberAttribute()
    applied = BooleanAttribute(default=False)
    outcome = UnicodeAttribute(null=True)
    purge_at = NumberAttribute()


def awb_key(store_id: str, awb: str) -> str:
    return f"awb#{store_id}#{awb}"


def provider_key(provider: str, provider_order_id: str) -> str:
    return f"{provider}#{provider_order_id}"


def get_shipment(shipment_id: str) -> ShipmentRecord | None:
    return find(ShipmentRecord, shipment_id, consistent_read=True)


def own_shipment(store_id: str, shipment_id: str) -> ShipmentRecord:
    """The shipment if it belongs to this store; otherwise "not found", never "forbidden"."""
    shipment = get_shipment(shipment_id)
    if shipment is None or shipment.store_id != store_id:
        raise NotFound("Kiriman tidak ditemukan.", code="shipment_not_found")
    return shipment


def shipment_by_key(key: str) -> ShipmentRecord | None:
    try:
        found = ShipmentKeyRecord.get(key, consistent_read=True)
    except DoesNotExist:
        return None
    return get_shipment(found.shipment_id)
