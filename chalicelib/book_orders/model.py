"""Book orders: pure rules (no AWS).

A book order is stored as an order of kind ``BOOK_ORDER`` (the sales area's record: payment and
completion work the same for every order), with the booking's own details beside it. Everything
in the code reads those details through :class:`BookOrder`, never from the stored fields.

    BOOKED -> PAID -> COMPLETED          (the transfer is matched on a statement, then CS makes it a sale)
    BOOKED -> AWAITING_PAYMENT -> ...    (the customer pays at the kiosk by QRIS)
    BOOKED -> EXPIRED | CANCELLED        (the deadline passed, or CS cancelled: the held goods return)
    BOOKED -> COMPLETED (COD)            (cash on delivery: the courier collects; see below)

Delivery is a choice made at booking: by courier (an address with its postal code; on a store with
a courier integration the courier and service come from the courier's own rates for that postal
code and weight, and the rate it quoted is kept beside the fee the customer pays) or "Ambil di
toko" (pickup: no address, no fee, no shipment).

Cash on delivery (COD), where the chosen service collects it: nothing is transferred, so the order
has no kode unik and no bank account, and its shipment is requested with the booking. The goods
stay held while the parcel travels (:data:`COD_HOLD_SECONDS`). The courier's news decides the
rest: delivered means the customer paid the courier, and the order becomes a sale paid by
:data:`COD` at once (stock, points, reports); a parcel cancelled, rejected or returned ends the
order (CANCELLED) and its goods are available again. News after the hold ran out goes to staff
as a late payment, like any payment after an order ended.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Mapping

from ..core import tender
from ..core.errors import ValidationError
from ..sales import model as sales

BOOK_ORDER = "BOOK_ORDER"
CHANNELS = {"whatsapp": "WhatsApp", "instagram": "Instagram", "website": "Website", "marketplace": "Marketplace",
            "tiktok": "TikTok", "other": "Lainnya"}
MAX_SHIPPING_FEE = 10_000_000
ADDRESS_MAX = 400

SHIPMENT_REQUEST = "shipment.request"  # the outbox kind that books a sold order's shipment with the courier
COD_OUTCOME = "book_order.cod_outcome"  # the outbox kind: a COD parcel's journey ended (delivered or not)

COURIER, PICKUP = "courier", "pickup"  # how the goods reach the customer
DELIVERIES = {COURIER: "Dikirim kurir", PICKUP: "Ambil di toko"}
COD = tender.COD  # the payment method of a sale the courier collected
# A COD order's goods stay held this long while the parcel travels (deliveries and returns take
# days to a few weeks); news after that is a late payment for staff, never a lost one.
COD_HOLD_SECONDS = 30 * 86400


def shipment_request_effect_id(order_id: str) -> str:
    """The outbox effect that requests the shipment of one sale: at most one per sale."""
    return f"shipment#{order_id}"


def cod_outcome_effect_id(order_id: str) -> str:
    """The outbox effect that ends a COD order by its parcel's journey: once per order."""
    return f"cod#{order_id}"


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
    unique_code: int  # the kode unik: 1-999 rupiah that tells this transfer apart (negative: taken off)
    total: int  # what the customer transfers: items + shipping fee + kode unik (signed)
    courier: str | None
    note: str | None
    bank_account: BankAccount | None
    delivery: str | None = None  # COURIER | PICKUP; None on orders booked before the choice existed
    postal_code: str | None = None
    courier_company: str | None = None  # the courier's codes, when chosen from its rates
    courier_type: str | None = None
    courier_price: int | None = None  # what the courier quoted; the customer pays ``shipping_fee``
    cod: bool = False

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
            if isinstance(account, Mapping) else None,
            delivery=booking.get("delivery"), postal_code=booking.get("postal_code"),
            courier_company=booking.get("courier_company"), courier_type=booking.get("courier_type"),
            courier_price=int(booking["courier_price"]) if booking.get("courier_price") is not None else None,
            cod=booking.get("cod") is True)

    @property
    def channel_label(self) -> str:
        return CHANNELS.get(self.customer.channel, self.customer.channel)

    @property
    def needs_shipping(self) -> bool:
        """It ships when it was booked for delivery by courier. Orders booked before delivery was a
        choice ship when they have an address and either a shipping fee or a chosen courier (CS
        recorded an address for customers who collect too, with neither a fee nor a courier)."""
        if self.delivery is not None:
            return self.delivery == COURIER
        if not self.customer.address.strip():
            return False
        return self.shipping_fee > 0 or bool((self.courier or "").strip())

    @property
    def pickup(self) -> bool:
        """Collected at the store: chosen so, or (an older order) neither shipped nor charged ongkir."""
        if self.delivery is not None:
            return self.delivery == PICKUP
        return not self.needs_shipping and self.shipping_fee == 0

    @property
    def shipping_fee_differs(self) -> bool:
        """The customer's ongkir is not what the courier quoted (CS typed another amount)."""
        return self.courier_price is not None and self.courier_price != self.shipping_fee


def booking_of(order: Any) -> Mapping[str, Any]:
    """The booking details stored beside a book order (deadline, grace, courier, note, account)."""
    return getattr(order, "booking", None) or {}


def booking_details(*, deadline: int, grace_seconds: int, courier: str | None, note: str | None,
                    bank_account: BankAccount | None, delivery: str | None = None, postal_code: str | None = None,
                    courier_company: str | None = None, courier_type: str | None = None,
                    courier_price: int | None = None, cod: bool = False) -> dict:
    """What is stored beside a new book order (read back by :meth:`BookOrder.of`)."""
    details = {"deadline": deadline, "grace_seconds": grace_seconds, "courier": courier, "note": note,
               "bank_account": bank_account.to_dict() if bank_account else None}
    if delivery is not None:
        details.update(delivery=delivery, postal_code=postal_code, courier_company=courier_company,
                       courier_type=courier_type, courier_price=courier_price, cod=cod)
    return details


def delivery_of(delivery: str | None, *, shipping_fee: int, courier: str | None,
                courier_company: str | None, cod: bool) -> str:
    """The delivery asked for: ``courier`` or ``pickup`` as given; a request that does not say (an
    older client) ships when it names a fee, a courier or COD, as orders did before the choice."""
    if delivery is None:
        shipped = shipping_fee > 0 or bool((courier or "").strip()) or bool(courier_company) or cod
        return COURIER if shipped else PICKUP
    if delivery not in DELIVERIES:
        raise ValidationError("Pengiriman harus 'courier' (dikirim kurir) atau 'pickup' (ambil di toko).",
                              code="invalid_delivery")
    return delivery


def require_pickup_rules(*, shipping_fee: int, cod: bool, courier: str | None, courier_company: str | None) -> None:
    """"Ambil di toko": nothing ships, so there is no ongkir, no courier and no cash on delivery."""
    if shipping_fee:
        raise ValidationError("Pesanan ambil di toko tidak memakai ongkir: isi ongkir 0.", code="pickup_shipping_fee")
    if cod:
        raise ValidationError("COD hanya untuk pesanan yang dikirim kurir; pesanan ambil di toko dibayar di toko.",
                              code="cod_needs_delivery")
    if (courier or "").strip() or courier_company:
        raise ValidationError("Pesanan ambil di toko tidak memakai kurir.", code="pickup_with_courier")


# Indonesian postal codes are five digits and none starts with 0; phone numbers in the same text are
# longer runs of digits, which the look-arounds skip.
_POSTAL_CODE = re.compile(r"^[1-9]\d{4}$")
_POSTAL_IN_TEXT = re.compile(r"(?<!\d)([1-9]\d{4})(?!\d)")


def require_postal_code(value: object) -> str:
    """The recipient's postal code, as typed: five digits, never starting with 0."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    text = value.strip() if isinstance(value, str) else ""
    if not text:
        raise ValidationError("Kode pos penerima wajib diisi untuk pesanan yang dikirim.", code="postal_code_required")
    if not _POSTAL_CODE.match(text):
        raise ValidationError("Kode pos harus 5 angka, misalnya 40115.", code="invalid_postal_code")
    return text


def postal_code_in(address: str) -> str | None:
    """The postal code written in a free-text address (the last one, as addresses end with it), or None."""
    found = _POSTAL_IN_TEXT.findall(address or "")
    return found[-1] if found else None


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

    - the order is paid (or being completed): WAIT, the sale consumes the hold (a COD order is paid
      only when its parcel is delivered: its deadline is the end of :data:`COD_HOLD_SECONDS`);
    - a QR is live at the kiosk: EXTEND, the payment decides;
    - otherwise (still booked, or the kiosk payment ended unpaid, or the order is gone): RELEASE.
    """
    if order_status in sales.PAID_STATES:
        return WAIT
    if order_status == sales.AWAITING_PAYMENT:
        return EXTEND
    return RELEASE
