"""Shipments and their unique keys (AWB per store, courier order id) in DynamoDB.

A shipment's id is the id of the sale it ships (one shipment per sale), which is also the reference
we give the courier aggregator: a repeated booking finds the first one instead of making another.
Every change to a shipment is a conditional write on its ``version`` (or, for label claims, on the
label's own state), so concurrent webhooks, pollers, staff and label batches never overwrite each
other. The writes below take the unit of work (``core.uow``) as their first argument and hold every
condition and update expression of the area; courier webhooks are de-duplicated by the shared inbox
(``core.inbox``).
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pynamodb.attributes import BooleanAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex

from ..core.db import JSONAttribute, Table, find, table_meta
from ..core.errors import NotFound
from ..core.paging import decode_cursor, encode_cursor
from ..core.uow import UnitOfWork
from .model import MANUAL


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
    cod_amount = NumberAttribute(null=True)  # cash the courier collects from the recipient (a COD order)
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
    found = find(ShipmentKeyRecord, key, consistent_read=True)
    return None if found is None else get_shipment(found.shipment_id)


def shipment_with_awb(store_id: str, awb: str) -> ShipmentRecord | None:
    return shipment_by_key(awb_key(store_id, awb))


def shipment_of_courier_order(provider: str, provider_order_id: str) -> ShipmentRecord | None:
    return shipment_by_key(provider_key(provider, provider_order_id))


def labels_to_print(store_id: str, limit: int) -> list[ShipmentRecord]:
    """The store's shipments whose label is queued (first print or a reprint), oldest first."""
    return list(ShipmentRecord.label_queue_index.query(store_id, limit=limit))


def count_labels_to_print(store_id: str) -> int:
    return ShipmentRecord.label_queue_index.count(store_id)


def awb_polls_due(now: int, limit: int) -> list[ShipmentRecord]:
    """Courier-booked shipments still without an AWB whose next poll is due."""
    return list(ShipmentRecord.awb_wait_index.query(AWB_WAIT_SHARD, ShipmentRecord.poll_at <= now, limit=limit))


def store_shipments(store_id: str, *, statuses: list[str], awb: str | None, label: str | None, booking: str | None,
                    limit: int, cursor: str | None) -> tuple[list[ShipmentRecord], str | None]:
    """A page of the store's shipments, newest first: ``awb`` is ``missing``/``present``, ``label``
    ``printed``/``unprinted``, ``booking`` ``error``; the cursor resumes after the page's last one."""
    S = ShipmentRecord
    conditions = []
    if statuses:
        conditions.append(S.status.is_in(*statuses))
    if awb == "missing":
        conditions.append(S.awb.does_not_exist())
    elif awb == "present":
        conditions.append(S.awb.exists())
    if label == "printed":
        conditions.append(S.label_batch.exists())
    elif label == "unprinted":
        conditions.append(S.label_queue.exists())
    if booking == "error":
        conditions.append(S.error.exists())
    condition = None
    for c in conditions:
        condition = c if condition is None else condition & c
    # PynamoDB reads pages until ``limit`` items pass the filter; the cursor resumes after the last one.
    result = S.by_store.query(store_id, scan_index_forward=False, filter_condition=condition, limit=limit,
                              last_evaluated_key=decode_cursor(cursor), page_size=max(limit, 50))
    recs = list(result)
    return recs, encode_cursor(result.last_evaluated_key)


# ---- changes (each takes the unit of work; the service commits it) ----------------------------------

def open_shipment(uow: UnitOfWork, shipment: ShipmentRecord) -> None:
    """A new shipment for a sale; lost when the sale already has one."""
    uow.save(shipment, condition=ShipmentRecord.shipment_id.does_not_exist(), label="shipment")


def note_booking_failure(uow: UnitOfWork, shipment: ShipmentRecord, error: dict) -> None:
    """Why booking failed, for the PWA; lost when another attempt has booked it meanwhile."""
    uow.update(shipment, [ShipmentRecord.error.set(error), ShipmentRecord.updated_at.set(error["at"])],
               condition=ShipmentRecord.provider_order_id.does_not_exist(), label="shipment")


COURIER_DETAILS = ("tracking_id", "tracking_url", "price", "courier_company", "courier_type")


def record_news(uow: UnitOfWork, shipment: ShipmentRecord, *, now: int, courier_order_id: str | None = None,
                sender: dict | None = None, details: Mapping[str, Any] | None = None, status: str | None = None,
                awb: str | None = None, awb_source: str = "courier", reprint_reason: str | None = None,
                leave_label_queue: bool = False, wait_for_awb: bool = False, poll_at: int | None = None) -> bool:
    """Store what news changes on the shipment, on the version read; False (nothing written) when
    nothing differs.

    ``courier_order_id``: the courier booked it (clears the booking error, keeps the ``sender`` the
    booking used); ``details``: the courier's tracking id and link, price, courier and service, of
    which only those that differ are written; ``reprint_reason``: the printed label no longer
    matches, so it goes back to the print queue; ``leave_label_queue``: the journey ended, its label
    is no longer worth printing; ``wait_for_awb``: whether the AWB poller should ask about it
    (from ``poll_at``).
    """
    S = ShipmentRecord
    actions = []
    if courier_order_id:
        actions += [S.provider_order_id.set(courier_order_id), S.error.remove()]
        if sender:
            actions.append(S.sender.set(sender))
    for name, value in (details or {}).items():
        if name not in COURIER_DETAILS:
            raise ValueError(f"not a courier detail: {name}")
        if value is not None and value != getattr(shipment, name):
            actions.append(getattr(S, name).set(value))
    if status is not None:
        actions.append(S.status.set(str(status)))
    if awb is not None:
        actions += [S.awb.set(awb), S.awb_at.set(now), S.awb_source.set(awb_source)]
    if reprint_reason is not None:
        actions += [S.label_batch.remove(), S.label_queue.set(shipment.store_id), S.reprint_reason.set(reprint_reason)]
    if leave_label_queue and shipment.label_queue is not None:
        actions += [S.label_queue.remove(), S.reprint_reason.remove()]
    if wait_for_awb and shipment.awb_wait is None:
        actions += [S.awb_wait.set(AWB_WAIT_SHARD), S.poll_at.set(poll_at)]
    elif not wait_for_awb and shipment.awb_wait is not None:
        actions += [S.awb_wait.remove(), S.poll_at.remove()]
    if not actions:
        return False
    uow.update(shipment, actions + [S.version.add(1), S.updated_at.set(now)], condition=S.version == shipment.version,
               label="shipment")
    return True


def take_awb(uow: UnitOfWork, shipment: ShipmentRecord, awb: str) -> None:
    """The AWB now names this shipment; lost when it already names one (of this store)."""
    uow.save(ShipmentKeyRecord(key=awb_key(shipment.store_id, awb), shipment_id=shipment.shipment_id,
                               store_id=shipment.store_id),
             condition=ShipmentKeyRecord.key.does_not_exist(), label="awb")


def give_up_awb(uow: UnitOfWork, shipment: ShipmentRecord, awb: str) -> None:
    """A replaced AWB no longer names this shipment (and never takes another's key away)."""
    uow.delete(ShipmentKeyRecord(key=awb_key(shipment.store_id, awb)),
               condition=(ShipmentKeyRecord.shipment_id == shipment.shipment_id) | ShipmentKeyRecord.key.does_not_exist(),
               label="old_awb")


def take_courier_order(uow: UnitOfWork, shipment: ShipmentRecord, provider: str, provider_order_id: str) -> None:
    """The courier's order id now names this shipment (how webhooks find it)."""
    uow.save(ShipmentKeyRecord(key=provider_key(provider, provider_order_id), shipment_id=shipment.shipment_id,
                               store_id=shipment.store_id),
             condition=ShipmentKeyRecord.key.does_not_exist(), label="courier_order")


def lease_awb_poll(uow: UnitOfWork, shipment: ShipmentRecord, next_poll_at: int) -> None:
    """Move the next AWB poll ahead, so an overlapping poller run skips it; lost when another run
    (or the AWB itself) got there first."""
    uow.update(shipment, [ShipmentRecord.poll_at.set(next_poll_at), ShipmentRecord.polls.add(1)],
               condition=(ShipmentRecord.poll_at == shipment.poll_at) & ShipmentRecord.awb_wait.exists(),
               label="shipment")


def fix_booking_details(uow: UnitOfWork, shipment: ShipmentRecord, *, now: int, postal_code: str | None = None,
                        courier_company: str | None = None, courier_type: str | None = None,
                        lost: Exception | None = None) -> None:
    """Staff fix the recipient's postal code or the courier of a shipment not booked yet."""
    S = ShipmentRecord
    actions = []
    if postal_code is not None:
        actions.append(S.recipient.set(dict(shipment.recipient, postal_code=postal_code)))
    if courier_company is not None:
        actions.append(S.courier_company.set(courier_company))
    if courier_type is not None:
        actions.append(S.courier_type.set(courier_type))
    uow.update(shipment, actions + [S.version.add(1), S.updated_at.set(now)],
               condition=(S.version == shipment.version) & S.provider_order_id.does_not_exist(),
               label="shipment", lost=lost)


def cancel_unbooked(uow: UnitOfWork, shipment: ShipmentRecord, *, now: int, lost: Exception | None = None) -> None:
    """Staff cancel a shipment no courier has booked yet: it ends here (a retry then books nothing),
    its label leaves the print queue and the AWB poller forgets it."""
    S = ShipmentRecord
    uow.update(shipment, [S.status.set("cancelled"), S.label_queue.remove(), S.reprint_reason.remove(),
                          S.awb_wait.remove(), S.poll_at.remove(), S.version.add(1), S.updated_at.set(now)],
               condition=(S.version == shipment.version) & S.provider_order_id.does_not_exist(),
               label="shipment", lost=lost)


def book_by_hand(uow: UnitOfWork, shipment: ShipmentRecord, *, now: int, lost: Exception | None = None) -> None:
    """Staff book the courier themselves: the shipment leaves the courier API (and the AWB poller)."""
    S = ShipmentRecord
    uow.update(shipment, [S.mode.set(MANUAL), S.error.remove(), S.awb_wait.remove(), S.poll_at.remove(),
                          S.version.add(1), S.updated_at.set(now)],
               condition=(S.version == shipment.version) & S.provider_order_id.does_not_exist(),
               label="shipment", lost=lost)


def _label_printed_actions(batch_id: str, now: int) -> list:
    S = ShipmentRecord
    return [S.label_batch.set(batch_id), S.label_printed_at.set(now), S.label_print_count.add(1),
            S.label_queue.remove(), S.reprint_reason.remove(), S.version.add(1)]


def claim_label(uow: UnitOfWork, shipment: ShipmentRecord, batch_id: str, now: int) -> None:
    """Take a queued label into a print batch; lost when another batch took it first."""
    uow.update(shipment, _label_printed_actions(batch_id, now),
               condition=ShipmentRecord.label_batch.does_not_exist() & (ShipmentRecord.label_queue == shipment.store_id),
               label="label")


def release_label(uow: UnitOfWork, shipment: ShipmentRecord, batch_id: str, reprint_reason: str | None) -> None:
    """Undo a claim whose batch did not print: the label is queued again as it was."""
    S = ShipmentRecord
    actions = [S.label_batch.remove(), S.label_queue.set(shipment.store_id), S.label_print_count.add(-1),
               S.version.add(1)]
    if reprint_reason:
        actions.append(S.reprint_reason.set(reprint_reason))
    uow.update(shipment, actions, condition=S.label_batch == batch_id, label="label")


def mark_label_reprinted(uow: UnitOfWork, shipment: ShipmentRecord, batch_id: str, now: int) -> None:
    """A label printed again on request; lost (and left queued) when the shipment changed since it
    was rendered, e.g. an AWB arrived."""
    uow.update(shipment, _label_printed_actions(batch_id, now), condition=ShipmentRecord.version == shipment.version,
               label="label")

