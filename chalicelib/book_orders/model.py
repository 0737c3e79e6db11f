"""Book orders: pure rules (no AWS).

A book order is stored as an order of kind ``BOOK_ORDER`` (the sales area's record: payment and
completion work the same for every order), with the booking's own details beside it. Everything
in the code reads those details through :class:`BookOrder`, never from the stored fields.

    BOOKED -> PAID -> COMPLETED          (the transfer is matched on a statement, then CS makes it a sale)
    BOOKED -> AWAITING_PAYMENT -> ...    (the customer pays at the kiosk by QRIS)
    BOOKED -> EXPIRED | CANCELLED        (the deadline passed, or CS cancelled: the held goods return)
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from ..core.errors import ValidationError
from ..sales import model as sales

BOOK_ORDER = "BOOK_ORDER"
CHANNELS = {"whatsapp": "WhatsApp", "instagram": "Instagram", "website": "Website", "marketplace": "Marketplace",
            "tiktok": "TikTok", "other": "Lainnya"}
MAX_SHIPPING_FEE = 10_000_000
ADDRESS_MAX = 400

SHIPMENT_REQUEST = "shipment.request"  # the outbox kind that books a sold order's shipment with the courier


def shipment_request_effect_id(order_id: str) -> str:
    """The outbox effect that requests the shipment of one sale: at most one per sale."""
    return f"shipment#{order_id}"


@dataclass(frozen=True)
class BankAccount:
    bank: str
    account_no: str
    holder: str

    def to_dict(self) -> dict:
        return {"bank": self.bank, "account_no": self.account_no, "holder": self.holder}


@dataclass(frozen=True)
class Customer:
    name: str
    phone: str
    address: str
    channel: str

    def to_dict(self) -> dict:
        return {"name": self.name, "phone": self.phone, "address": self.address, "channel": self.channel}


@dataclass(frozen=True)
class BookOrder:
    """A book order's own details, read from the order record (``BookOrder.of(order)``)."""

    order_id: str
    order_no: str
    store_id: str
    status: str
    customer: Customer
    deadline: int  # pay by (epoch seconds)
    grace_seconds: int  # the hold outlives the deadline by this much before the goods return
    shipping_fee: int
    unique_code: int  # the kode unik: 1-999 rupiah that tells this transfer apart
    total: int  # what the customer transfers: items + shipping fee + kode unik
    courier: str | None
    note: str | None
    bank_account: BankAccount | None

    @classmethod
    def of(cls, order: Any) -> "BookOrder":
        booking = booking_of(order)
        customer = order.customer or {}
        account = booking.get("bank_account")
        return cls(
            order_id=order.order_id, order_no=order.order_no, store_id=order.store_id, status=order.status,
            customer=Customer(customer.get("name", ""), customer.get("phone", ""), customer.get("address", ""),
                              customer.get("channel", "")),
            deadline=int(booking.get("deadline") or order.expires_at or order.created_at),
            grace_seconds=int(booking.get("grace_seconds") or 0), shipping_fee=int(order.shipping_fee or 0),
            unique_code=int(order.unique_code or 0), total=int(order.total),
            courier=booking.get("courier"), note=booking.get("note"),
            bank_account=BankAccount(account.get("bank", ""), account.get("account_no", ""), account.get("holder", ""))
            if isinstance(account, Mapping) else None)

    @property
    def channel_label(self) -> str:
        return CHANNELS.get(self.customer.channel, self.customer.channel)

    @property
    def needs_shipping(self) -> bool:
        """It ships when it has a delivery address and either a shipping fee or a chosen courier.

        The address alone does not decide it: CS always records one, also for customers who
        collect, and those orders carry neither a fee nor a courier.
        """
        if not self.customer.address.strip():
            return False
        return self.shipping_fee > 0 or bool((self.courier or "").strip())


def booking_of(order: Any) -> Mapping[str, Any]:
    """The booking details stored beside a book order (deadline, grace, courier, note, account)."""
    return getattr(order, "booking", None) or {}


def booking_details(*, deadline: int, grace_seconds: int, courier: str | None, note: str | None,
                    bank_account: BankAccount) -> dict:
    """What is stored beside a new book order (read back by :meth:`BookOrder.of`)."""
    return {"deadline": deadline, "grace_seconds": grace_seconds, "courier": courier, "note": note,
            "bank_account": bank_account.to_dict()}


def validate_channel(value: str) -> str:
    if value not in CHANNELS:
        raise ValidationError(f"Channel harus salah satu dari: {', '.join(CHANNELS)}.", code="invalid_channel")
    return value


def validate_address(value: str) -> str:
    text = "\n".join(" ".join(line.split()) for line in value.strip().splitlines() if line.strip())
    if not text:
        raise ValidationError("Alamat pengiriman wajib diisi.", code="invalid_address")
    if len(text) > ADDRESS_MAX:
        raise ValidationError(f"Alamat pengiriman maksimal {ADDRESS_MAX} karakter.", code="invalid_address")
    return text


# ---- holds of book orders: when the held goods go back --------------------------------------

# What the sweeper or the TTL stream does with an open hold whose expiry has passed.
RELEASE, EXTEND, WAIT = "release", "extend", "wait"
# A hold being paid at the kiosk lives at least this long after the QR's own expiry, so the
# payments sweeper settles the QR (paid, or expired and cancelled at the gateway) first.
PAYING_BUFFER_SECONDS = 5 * 60
# A hold whose order is paid waits for the sale to consume it; look again this much later.
PAID_RECHECK_SECONDS = 10 * 60


def paying_until(deadline: int, qr_expires_at: int) -> int:
    """A hold paid at the kiosk keeps the goods until the later of the booking deadline and the QR."""
    return max(deadline, qr_expires_at + PAYING_BUFFER_SECONDS)


def expiry_decision(order_status: str | None) -> str:
    """What to do with an open hold past its expiry, given its order's status.

    - the order is paid (or being completed): WAIT, the sale consumes the hold;
    - a QR is live at the kiosk: EXTEND, the payment decides;
    - otherwise (still booked, or the kiosk payment ended unpaid, or the order is gone): RELEASE.
    """
    if order_status in sales.PAID_STATES:
        return WAIT
    if order_status == sales.AWAITING_PAYMENT:
        return EXTEND
    return RELEASE
