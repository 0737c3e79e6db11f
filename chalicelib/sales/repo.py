"""Orders, payment attempts, gateway events and receipt links in DynamoDB."""
from __future__ import annotations

from pynamodb.attributes import BooleanAttribute, ListAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex

from ..core.db import JSONAttribute, Table, find, table_meta
from ..core.errors import NotFound


class OrdersByStoreDay(GlobalSecondaryIndex):
    class Meta:
        index_name = "by_store_day"
        projection = AllProjection()

    store_day = UnicodeAttribute(hash_key=True)  # "<store>#<YYYY-MM-DD>" in the store's timezone
    created_at = NumberAttribute(range_key=True)


class OpenOrders(GlobalSecondaryIndex):
    """Sparse: only orders that still need the scheduler (awaiting payment, paid not completed, booked)."""

    class Meta:
        index_name = "open_by_due"
        projection = AllProjection()

    open_shard = UnicodeAttribute(hash_key=True)
    due_at = NumberAttribute(range_key=True)


class OrdersByNumber(GlobalSecondaryIndex):
    class Meta:
        index_name = "by_number"
        projection = AllProjection()

    store_id = UnicodeAttribute(hash_key=True)
    order_no = UnicodeAttribute(range_key=True)


class OrdersByPhone(GlobalSecondaryIndex):
    class Meta:
        index_name = "by_customer_phone"
        projection = AllProjection()

    phone_key = UnicodeAttribute(hash_key=True)  # "<store>#<E.164>"
    created_at = NumberAttribute(range_key=True)


class OrderRecord(Table):
    Meta = table_meta("orders")
    order_id = UnicodeAttribute(hash_key=True)
    order_no = UnicodeAttribute()
    kind = UnicodeAttribute()  # STORE_SALE | BOOK_ORDER
    status = UnicodeAttribute()
    merchant_id = UnicodeAttribute()
    store_id = UnicodeAttribute()
    store_day = UnicodeAttribute()
    created_at = NumberAttribute()
    created_by = UnicodeAttribute()  # staff id
    device_id = UnicodeAttribute(null=True)
    items = JSONAttribute()
    subtotal = NumberAttribute()
    discount = NumberAttribute(default=0)
    shipping_fee = NumberAttribute(default=0)
    unique_code = NumberAttribute(default=0)
    total = NumberAttribute()  # what the customer pays, in rupiah
    shopper_id = UnicodeAttribute(null=True)
    customer = JSONAttribute(null=True)  # book orders: name, phone, address, channel
    phone_key = UnicodeAttribute(null=True)
    # payment
    attempt = NumberAttribute(default=0)  # the current payment attempt (0 = none yet)
    payment_method = UnicodeAttribute(null=True)
    payment_issuer = UnicodeAttribute(null=True)
    payment_provider = UnicodeAttribute(null=True)
    cash_received = NumberAttribute(null=True)
    paid_amount = NumberAttribute(null=True)
    paid_at = NumberAttribute(null=True)
    completed_at = NumberAttribute(null=True)
    completed_by = UnicodeAttribute(null=True)
    expires_at = NumberAttribute(null=True)  # QR expiry, or a book order's payment deadline
    failure_reason = UnicodeAttribute(null=True)
    flags = ListAttribute(of=UnicodeAttribute, default=list)
    points_earned = NumberAttribute(null=True)
    receipt_token = UnicodeAttribute(null=True)
    open_shard = UnicodeAttribute(null=True)
    due_at = NumberAttribute(null=True)
    extra = JSONAttribute(default=dict)  # area-specific details (book orders, shipping)
    by_store_day = OrdersByStoreDay()
    open_by_due = OpenOrders()
    by_number = OrdersByNumber()
    by_customer_phone = OrdersByPhone()


class OrderNumberRecord(Table):
    """Makes an order number unique within its store."""

    Meta = table_meta("order_numbers")
    store_id = UnicodeAttribute(hash_key=True)
    order_no = UnicodeAttribute(range_key=True)
    order_id = UnicodeAttribute()


class PaymentAttemptRecord(Table):
    Meta = table_meta("payment_attempts")
    order_id = UnicodeAttribute(hash_key=True)
    attempt = NumberAttribute(range_key=True)
    store_id = UnicodeAttribute()
    provider = UnicodeAttribute()
    gateway_ref = UnicodeAttribute()  # our id at the gateway: "<order>-<attempt>"
    provider_ref = UnicodeAttribute(null=True)  # the gateway's own id
    amount = NumberAttribute()
    qr_string = UnicodeAttribute(null=True)
    status = UnicodeAttribute()  # CREATING | PENDING | PAID | FAILED | EXPIRED | CANCELLED
    created_at = NumberAttribute()
    expires_at = NumberAttribute()
    checked_at = NumberAttribute(default=0)  # last time we asked the gateway (rate limit)
    issuer = UnicodeAttribute(null=True)
    paid_at = NumberAttribute(null=True)
    reason = UnicodeAttribute(null=True)


class PaymentEventRecord(Table):
    """Every verified gateway event, raw, once (the event key de-duplicates redeliveries)."""

    Meta = table_meta("payment_events")
    event_key = UnicodeAttribute(hash_key=True)
    provider = UnicodeAttribute()
    order_id = UnicodeAttribute(null=True)
    attempt = NumberAttribute(null=True)
    status = UnicodeAttribute()
    amount = NumberAttribute(null=True)
    raw = JSONAttribute()
    received_at = NumberAttribute()
    applied = BooleanAttribute(default=False)
    outcome = UnicodeAttribute(null=True)


class ReceiptLinkRecord(Table):
    """Unguessable token -> order, for the public digital receipt page."""

    Meta = table_meta("receipt_links")
    token = UnicodeAttribute(hash_key=True)
    order_id = UnicodeAttribute()


def get_order(order_id: str) -> OrderRecord | None:
    return find(OrderRecord, order_id, consistent_read=True)


def own_order(store_id: str, order_id: str) -> OrderRecord:
    """The order if it belongs to this store; otherwise "not found", never "forbidden"."""
    order = get_order(order_id)
    if order is None or order.store_id != store_id:
        raise NotFound("Pesanan tidak ditemukan.", code="order_not_found")
    return order


def get_attempt(order_id: str, attempt: int) -> PaymentAttemptRecord | None:
    return find(PaymentAttemptRecord, order_id, attempt, consistent_read=True)
