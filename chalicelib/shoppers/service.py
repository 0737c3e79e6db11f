"""Shopper use cases: recognise or register by phone, loyalty points, activation links, cashier figures.

Reads and writes are scoped to the caller's merchant: a shopper id of another merchant is "not found".

The sales service adds three sets of writes to its order-completion unit of work (all or nothing, next
to its own conditional status change, which makes a retried completion fail as a whole):

- :func:`earn_points_ops` - ledger entry keyed by the order + balance and visit update;
- :func:`queue_order_messages` - receipt link message, and an activation link while the shopper is not active;
- :func:`record_sale_ops` - the cashier's daily counters.

Before that, :func:`require_shopper` checks the shopper an order names. A refund that is done adds
:func:`take_points_ops` (ledger entry keyed by the refund + balance lowered, possibly below zero: the
shopper then owes points, shown as "poin terutang") and :func:`queue_refund_message` to its unit.
"""
from __future__ import annotations

import re
from datetime import date
from typing import Mapping

from ..core import uow as units
from ..core.clock import format_wib, get_clock, local_day
from ..core.errors import Gone, NotFound, ValidationError
from ..core.ids import new_id, token
from ..core.money import format_rupiah
from ..core.paging import decode_cursor, encode_cursor
from ..core.phone import display_phone
from ..core import keys
from ..core.settings import get_settings
from ..core.web import ADMIN, Caller
from ..documents.formatting import masked_phone
from ..notify import templates
from ..notify.service import queue_message
from ..staff import service as staff_service
from . import model, repo
from .repo import ActivationTokenRecord, CashierDayRecord, ShopperRecord

_SHOPPER_ID = re.compile(r"^sh_[0-9A-Z]{26}$")
TOKEN_PURGE_GRACE = 30 * 86400  # keep a used/expired token a while so a late click still says why


# ---- views and lookups ----------------------------------------------------------------------

def _view(rec: ShopperRecord, *, created: bool | None = None) -> dict:
    """What the cashier flow needs; email and birthday stay out of it."""
    balance = int(rec.points_balance or 0)
    view = {"shopper_id": rec.shopper_id, "name": rec.name, "phone": rec.phone, "phone_display": display_phone(rec.phone),
            "points_balance": balance, "points_owed": model.points_owed(balance), "visit_count": int(rec.visit_count or 0),
            "last_visit_at": int(rec.last_visit_at) if rec.last_visit_at is not None else None,
            "activated": rec.activated_at is not None, "member_since": int(rec.created_at)}
    if created is not None:
        view["created"] = created
    return view


def _find(merchant_id: str, shopper_id: str, *, consistent: bool = False) -> ShopperRecord:
    """This merchant's shopper or 404; a malformed id is refused without a read."""
    rec = repo.get_shopper(merchant_id, shopper_id, consistent=consistent) if _SHOPPER_ID.match(shopper_id or "") else None
    if rec is None:
        raise NotFound("Pelanggan tidak ditemukan.", code="shopper_unknown")
    return rec


def lookup(caller: Caller, raw_phone: str | None) -> dict:
    """The shopper behind a phone number as the cashier typed it, or 404 ``shopper_unknown``."""
    phone = model.shopper_phone(raw_phone)
    shopper_id = repo.shopper_id_for_phone(caller.merchant_id, phone)
    rec = repo.get_shopper(caller.merchant_id, shopper_id) if shopper_id else None
    if rec is None:
        raise NotFound("Nomor ini belum terdaftar. Daftarkan sebagai pelanggan baru.", code="shopper_unknown",
                       details={"phone": phone, "phone_display": display_phone(phone)})
    return _view(rec)


def get_shopper(caller: Caller, shopper_id: str) -> dict:
    """One shopper of the caller's merchant."""
    return _view(_find(caller.merchant_id, shopper_id))


def names_and_phones(merchant_id: str, shopper_ids) -> dict[str, tuple[str, str]]:
    """``{shopper id: (name, E.164 phone)}`` of this merchant's shoppers among ``shopper_ids``, read
    in one ``BatchGetItem`` per hundred (a day's sales list names each of its shoppers); one that
    is gone is left out."""
    from ..core.db import find_many

    ids = sorted(set(shopper_ids))
    found = find_many([(repo.ShopperRecord, merchant_id, sid) for sid in ids], consistent=False)
    return {sid: (rec.name, rec.phone) for sid, rec in zip(ids, found) if rec is not None}


def require_shopper(merchant_id: str, shopper_id: str) -> None:
    """For the sales service when an order names a shopper: 404 unless it is this merchant's shopper."""
    _find(merchant_id, shopper_id)


def receipt_details(merchant_id: str, shopper_id: str, order_id: str) -> tuple[str | None, int | None]:
    """``(phone E.164, points balance right after that order)`` for a receipt; the balance is None
    when the order earned nothing (yet), the phone when the shopper is gone."""
    rec = repo.get_shopper(merchant_id, shopper_id, consistent=True)
    entry = repo.get_entry(merchant_id, shopper_id, repo.earn_key(order_id))
    after = int(entry.balance_after) if entry is not None and entry.balance_after is not None else None
    return (rec.phone if rec else None), after


def refund_receipt_details(merchant_id: str, shopper_id: str, refund_id: str) -> tuple[str | None, int | None, int | None]:
    """``(phone E.164, points the refund took back, balance right after it)`` for a refund receipt;
    the points and balance are None when the refund took none, the phone when the shopper is gone.
    The balance is below zero when the shopper owes points."""
    rec = repo.get_shopper(merchant_id, shopper_id, consistent=True)
    entry = repo.get_entry(merchant_id, shopper_id, repo.refund_key(refund_id))
    if entry is None:
        return (rec.phone if rec else None), None, None
    after = int(entry.balance_after) if entry.balance_after is not None else None
    return (rec.phone if rec else None), -int(entry.points), after


def _store_tz(store_id: str) -> str:
    return staff_service.store_settings(store_id).timezone


def engagement_day(store_id: str, ts: float | None = None) -> str:
    """The store-local day an instant counts towards in the cashier figures."""
    return local_day(get_clock().now() if ts is None else ts, _store_tz(store_id))


# ---- registration ---------------------------------------------------------------------------

def register(caller: Caller, data: dict) -> dict:
    """Register a shopper for the caller's merchant, atomically unique by phone.

    When the phone already belongs to a shopper (registered earlier, or a moment ago at another kiosk)
    the answer is that shopper with ``created: false`` and nothing is changed: the cashier wanted this
    person linked to the sale, and now they are. Only a call that created the shopper counts as a new
    registration in the cashier's figures, in the same unit of work.
    """
    now = get_clock().now_s()
    day = local_day(now, _store_tz(caller.store_id))
    model.require_consent(data.get("consent"))
    new = model.NewShopper(name=model.validate_shopper_name(data.get("name")),
                           phone=model.shopper_phone(data.get("phone")),
                           email=model.validate_email(data.get("email")),
                           birthday=model.validate_birthday(data.get("birthday"), date.fromisoformat(day)))
    existing = _existing_for_phone(caller.merchant_id, new.phone)
    if existing is not None:
        return existing
    staff_id = caller.staff_id or caller.device_id
    rec = ShopperRecord(merchant_id=caller.merchant_id, shopper_id="sh_" + new_id(), phone=new.phone, name=new.name,
                        email=new.email, birthday=new.birthday, consent_at=now, registered_store_id=caller.store_id,
                        registered_by=staff_id, created_at=now, points_balance=0, visit_count=0)

    def writes(uow: units.UnitOfWork) -> None:
        repo.add_shopper(uow, rec)
        repo.count_cashier_day(uow, store_id=caller.store_id, day=day, staff_id=staff_id, merchant_id=caller.merchant_id,
                               registered=1)

    try:
        units.run(writes)
    except units.ConditionLost:
        existing = _existing_for_phone(caller.merchant_id, new.phone)  # another kiosk registered the phone first
        if existing is None:
            raise
        return existing
    return _view(rec, created=True)


def for_chat_order(caller: Caller, raw_phone: str, name: str) -> str | None:
    """The shopper a chat order is for: the merchant's shopper with this phone (the same identity
    the kiosk recognises, so points and history are one), registered now when the phone is new.

    The customer gave this number in the chat to order and is messaged on it about the order, as
    a kiosk shopper is after saying yes at the counter; the shopper's own details (name, email)
    stay as they are when the phone is known. Not counted in the cashier figures (a CS desk is not
    a till). Returns the shopper id, or None for a number that cannot be a shopper's (a landline:
    no WhatsApp or SMS, so no receipts, points messages or activation link).
    """
    try:
        phone = model.shopper_phone(raw_phone)
    except ValidationError:
        return None
    known = _existing_for_phone(caller.merchant_id, phone)
    if known is not None:
        return known["shopper_id"]
    now = get_clock().now_s()
    rec = ShopperRecord(merchant_id=caller.merchant_id, shopper_id="sh_" + new_id(), phone=phone,
                        name=model.validate_shopper_name(name), consent_at=now, registered_store_id=caller.store_id,
                        registered_by=caller.staff_id or caller.device_id, created_at=now, points_balance=0,
                        visit_count=0)
    try:
        units.run(lambda uow: repo.add_shopper(uow, rec))
    except units.ConditionLost:
        known = _existing_for_phone(caller.merchant_id, phone)  # registered a moment ago, at a kiosk or desk
        if known is None:
            raise
        return known["shopper_id"]
    return rec.shopper_id


def find_by_phone(merchant_id: str, phone_e164: str) -> dict | None:
    """The merchant's shopper with this (E.164) phone, as the cashier flow sees one, or None."""
    shopper_id = repo.shopper_id_for_phone(merchant_id, phone_e164)
    rec = repo.get_shopper(merchant_id, shopper_id) if shopper_id else None
    return _view(rec) if rec else None


def _existing_for_phone(merchant_id: str, phone: str) -> dict | None:
    shopper_id = repo.shopper_id_for_phone(merchant_id, phone, consistent=True)
    rec = repo.get_shopper(merchant_id, shopper_id, consistent=True) if shopper_id else None
    return _view(rec, created=False) if rec else None


# ---- loyalty --------------------------------------------------------------------------------

def earn_points_ops(uow: units.UnitOfWork, *, merchant_id: str, shopper_id: str, order_id: str, amount: int, store_id: str,
                    rupiah_per_point: int, shopper=None) -> tuple[int, int]:
    """Add to the caller's unit of work: the ledger entry for this order and the shopper's balance/visit update.

    The entry is put with ``attribute_not_exists``, so a second completion of the same order fails the
    whole unit as a lost condition: the caller treats that as "already applied". The balance is an
    atomic ADD in the same unit, so it can never be credited twice. The shopper update is conditioned on the shopper existing (a vanished shopper also fails the
    condition; the sales service checks the shopper with :func:`require_shopper` when linking it to the order).
    An entry is written even for 0 points: it is the visit record and the once-per-order guard.
    ``shopper`` is the record as the caller read it (:func:`shopper_for_sale`); the unit fails as a
    lost condition if its visits moved meanwhile, so the balance after this sale is exact.
    Returns ``(points earned, balance after)``.
    """
    shopper = shopper if shopper is not None else shopper_for_sale(merchant_id, shopper_id)
    if shopper is None:
        raise NotFound("Pelanggan tidak ditemukan.", code="shopper_unknown")
    points = model.points_for(amount, rupiah_per_point)
    after = repo.credit_points(uow, merchant_id=merchant_id, shopper_id=shopper_id, order_id=order_id, points=points,
                               amount=amount, store_id=store_id, rupiah_per_point=rupiah_per_point,
                               now=get_clock().now_s(), shopper=shopper)
    return points, after


def take_points_ops(uow: units.UnitOfWork, *, merchant_id: str, shopper_id: str, order_id: str, refund_id: str,
                    points: int, store_id: str) -> int:
    """Add to the caller's unit of work: the points a refund takes back (``points`` > 0), as a ledger
    entry keyed ``refund#<refund id>`` (kind ``refund``, negative points) and the shopper's balance
    lowered by an atomic ADD. Like :func:`earn_points_ops`, a second delivery of the same refund fails
    the whole unit as a lost condition, and the unit also fails (to be decided again from fresh reads)
    when the balance moved since it was read, so the balance after is exact.

    A balance that would go below zero does: the shopper had already used those points, and now owes
    them ("poin terutang" on receipts and in the points history); it is never clipped to zero.
    ``points`` of 0 writes nothing. Returns the balance after.
    """
    if isinstance(points, bool) or not isinstance(points, int) or points < 0:
        raise ValueError(f"points taken back must be a whole number >= 0, got {points!r}")
    shopper = repo.get_shopper(merchant_id, shopper_id, consistent=True)
    if shopper is None:
        raise NotFound("Pelanggan tidak ditemukan.", code="shopper_unknown")
    if points == 0:
        return int(shopper.points_balance or 0)
    return repo.debit_points(uow, merchant_id=merchant_id, shopper_id=shopper_id, order_id=order_id,
                             refund_id=refund_id, points=points, store_id=store_id, now=get_clock().now_s(),
                             shopper=shopper)


def shopper_for_sale(merchant_id: str, shopper_id: str):
    """The shopper as stored now (consistent), for a completion: its visits and balance before."""
    return repo.get_shopper(merchant_id, shopper_id, consistent=True)


def points_for_order(merchant_id: str, shopper_id: str, order_id: str) -> int | None:
    """Points an order earned, or None when it has not (yet) been credited: the answer after a retry."""
    entry = repo.get_entry(merchant_id, shopper_id, repo.earn_key(order_id))
    return int(entry.points) if entry else None


def visit_count(merchant_id: str, shopper_id: str) -> int:
    """Completed visits so far (0 for a shopper who is gone): tells a repeat shopper from a first visit."""
    rec = repo.get_shopper(merchant_id, shopper_id, consistent=True)
    return int(rec.visit_count or 0) if rec else 0


def balance(merchant_id: str, shopper_id: str) -> int:
    return int(_find(merchant_id, shopper_id, consistent=True).points_balance or 0)


def points_history(caller: Caller, shopper_id: str, *, limit: int, cursor: str | None) -> dict:
    rec = _find(caller.merchant_id, shopper_id)
    account = repo.account_key(caller.merchant_id, shopper_id)
    last_key = decode_cursor(cursor)
    # A cursor is only ever resumed inside the account it came from.
    if last_key is not None and last_key.get("account") != {"S": account}:
        raise ValidationError("Parameter cursor tidak valid.", code="invalid_cursor")
    entries, next_key = repo.ledger_page(caller.merchant_id, shopper_id, limit=limit, last_key=last_key)
    balance = int(rec.points_balance or 0)
    return {"shopper_id": shopper_id, "points_balance": balance, "points_owed": model.points_owed(balance),
            "entries": [_entry_view(e) for e in entries], "next_cursor": encode_cursor(next_key)}


def _entry_view(e) -> dict:
    after = int(e.balance_after) if e.balance_after is not None else None
    return {"kind": e.kind, "points": int(e.points), "amount": int(e.amount) if e.amount is not None else None,
            "order_id": e.order_id, "refund_id": e.refund_id, "store_id": e.store_id, "created_at": int(e.created_at),
            "balance_after": after, "owed_after": model.points_owed(after) if after is not None else None}


# ---- messages after a completed order and activation ----------------------------------------

def queue_order_messages(uow: units.UnitOfWork, *, order: Mapping) -> list[str]:
    """Add the shopper's messages for a completed order to the caller's unit of work; returns their effect ids.

    ``order`` holds ``order_id, order_no, store_id, merchant_id, shopper_id, amount, receipt_url,
    points_earned`` (what :func:`earn_points_ops` returned). Always a receipt-link message; while the
    shopper has not activated their online account, also a fresh single-use activation link (its token
    record is written in this unit too). No shopper on the order: nothing is queued. Does not touch
    the shopper item, which :func:`earn_points_ops` updates in the same unit.
    """
    shopper_id = order.get("shopper_id")
    if not shopper_id:
        return []
    merchant_id, store_id, order_id = order["merchant_id"], order["store_id"], order["order_id"]
    shopper = repo.get_shopper(merchant_id, shopper_id, consistent=True)
    if shopper is None:
        raise NotFound("Pelanggan tidak ditemukan.", code="shopper_unknown")
    store = staff_service.get_store(store_id)
    tz = staff_service.store_settings(store_id).timezone
    points = int(order.get("points_earned") or 0)
    name = model.first_name(shopper.name)
    ids = [queue_message(uow, effect_id=f"msg-receipt#{order_id}", store_id=store_id, to_e164=shopper.phone,
                         template=templates.RECEIPT_LINK,
                         params={"name": name, "store": store.name, "order_no": order["order_no"],
                                 "amount": format_rupiah(int(order["amount"])), "receipt_url": order["receipt_url"],
                                 "points": points,
                                 "balance": model.balance_text(order["points_balance"] if order.get("points_balance")
                                                               is not None else int(shopper.points_balance or 0) + points)})]
    if shopper.activated_at is None:
        now = get_clock().now_s()
        expires_at = now + model.ACTIVATION_SECONDS
        token_id = token(9)
        repo.add_activation_token(uow, ActivationTokenRecord(
            token_id=token_id, merchant_id=merchant_id, shopper_id=shopper_id, store_id=store_id, order_id=order_id,
            created_at=now, expires_at=expires_at, purge_at=expires_at + TOKEN_PURGE_GRACE))
        link = model.activation_link(get_settings().public_base_url,
                                     model.sign_activation(token_id, expires_at, keys.key(keys.ACTIVATION)))
        ids.append(queue_message(uow, effect_id=f"msg-activation#{order_id}", store_id=store_id, to_e164=shopper.phone,
                                 template=templates.ACTIVATION_LINK,
                                 params={"name": name, "merchant": staff_service.merchant_name(merchant_id) or store.name,
                                         "link": link, "expires": format_wib(expires_at, tz)}))
    return ids


def queue_refund_message(uow: units.UnitOfWork, *, order: Mapping) -> list[str]:
    """Add the shopper's message for a refund that is done to the caller's unit of work; returns its effect ids.

    ``order`` holds ``order_id, order_no, store_id, merchant_id, shopper_id, refund_id, refund_no, amount,
    points_taken, points_balance, receipt_url`` (``points_balance``: what :func:`take_points_ops` returned,
    or None when the refund took no points: the balance as it is then). One message per refund (effect
    ``msg-refund#<refund id>``: queuing it again fails the unit; delivery is idempotent on it) with the
    refund receipt's link. No shopper on the order: nothing is queued.
    """
    shopper_id = order.get("shopper_id")
    if not shopper_id:
        return []
    merchant_id, store_id = order["merchant_id"], order["store_id"]
    shopper = repo.get_shopper(merchant_id, shopper_id, consistent=True)
    if shopper is None:
        raise NotFound("Pelanggan tidak ditemukan.", code="shopper_unknown")
    store = staff_service.get_store(store_id)
    balance = order.get("points_balance")
    if balance is None:
        balance = int(shopper.points_balance or 0)
    return [queue_message(uow, effect_id=f"msg-refund#{order['refund_id']}", store_id=store_id, to_e164=shopper.phone,
                          template=templates.REFUND,
                          params={"name": model.first_name(shopper.name), "store": store.name,
                                  "refund_no": order["refund_no"], "order_no": order["order_no"],
                                  "amount": format_rupiah(int(order["amount"])), "receipt_url": order["receipt_url"],
                                  "points": int(order.get("points_taken") or 0), "balance": model.balance_text(int(balance))})]


_INVALID = "Tautan aktivasi tidak valid. Periksa kembali pesan dari toko."
_USED = "Tautan ini sudah dipakai dan akun Anda sudah aktif. Silakan masuk ke toko online dengan nomor HP Anda."


def _activation(raw_token: str) -> tuple[ActivationTokenRecord, ShopperRecord]:
    """The token's record and shopper, or the error a shopper should see. A forged or altered token gets
    the same 404 as an unknown one, decided from the signature alone (no database read)."""
    try:
        claim = model.read_activation(raw_token, [keys.key(keys.ACTIVATION, v) for v in keys.versions()],
                                       get_clock().now_s())
    except model.TokenInvalid:
        raise NotFound(_INVALID, code="activation_invalid") from None
    except model.TokenExpired:
        raise Gone("Tautan aktivasi sudah kedaluwarsa. Tautan baru dikirim setelah belanja berikutnya.",
                   code="activation_expired") from None
    rec = repo.get_token(claim.token_id)
    shopper = repo.get_shopper(rec.merchant_id, rec.shopper_id, consistent=True) if rec else None
    if rec is None or shopper is None:
        raise NotFound(_INVALID, code="activation_invalid")
    if rec.used_at is not None or shopper.activated_at is not None:
        raise Gone(_USED, code="activation_used")
    return rec, shopper


def _activation_view(rec: ActivationTokenRecord, shopper: ShopperRecord) -> dict:
    """Enough for the shopper to recognise themselves, not enough to identify anyone from a leaked link."""
    store = staff_service.get_store(rec.store_id)
    return {"merchant_name": staff_service.merchant_name(rec.merchant_id) or store.name, "store_name": store.name,
            "shopper_name": model.first_name(shopper.name), "phone_masked": masked_phone(shopper.phone),
            "points_balance": int(shopper.points_balance or 0), "expires_at": int(rec.expires_at)}


def activation_info(raw_token: str) -> dict:
    rec, shopper = _activation(raw_token)
    return _activation_view(rec, shopper)


def activate(raw_token: str) -> dict:
    """Use the link once: the token is marked used and the shopper's ``activated_at`` recorded, atomically.

    Two clicks at the same moment: the token's condition lets exactly one through, the other gets 410.
    """
    rec, shopper = _activation(raw_token)
    now = get_clock().now_s()
    units.commit(lambda uow: repo.activate(uow, rec, shopper, now, lost=Gone(_USED, code="activation_used")))
    view = _activation_view(rec, shopper)
    view.update(activated=True, activated_at=now)
    return view


# ---- cashier engagement ---------------------------------------------------------------------

def record_sale_ops(uow: units.UnitOfWork, *, store_id: str, staff_id: str, day: str, linked: bool,
                    merchant_id: str | None = None) -> None:
    """Add to the caller's unit of work: one transaction for this cashier and store-local ``day``
    (see :func:`engagement_day`), and one linked transaction when a shopper was linked. Atomic ADDs."""
    repo.count_cashier_day(uow, store_id=store_id, day=model.validate_day(day), staff_id=staff_id,
                           merchant_id=merchant_id, transactions=1, linked=1 if linked else 0)


def record_skip(caller: Caller) -> dict:
    """The cashier pressed "Lewati": a sale goes on without a shopper."""
    day = engagement_day(caller.store_id)
    staff_id = caller.staff_id or caller.device_id
    item = units.run(lambda uow: repo.count_cashier_day(uow, store_id=caller.store_id, day=day, staff_id=staff_id,
                                                        merchant_id=caller.merchant_id, skipped=1))
    return {"day": day, "staff_id": staff_id, "skipped": int(item.skipped)}


def _row(rec: CashierDayRecord | None, day: str, staff_id: str) -> model.CashierDay:
    if rec is None:
        return model.CashierDay(staff_id=staff_id, day=day)
    return model.CashierDay(staff_id=staff_id, day=day, transactions=int(rec.transactions or 0),
                            linked=int(rec.linked or 0), skipped=int(rec.skipped or 0),
                            registered=int(rec.registered or 0))


def cashier_rows(store_id: str, first: str, last: str) -> list[model.CashierDay]:
    """The cashier figures of the store-local days ``[first, last]``, one row per day and cashier."""
    return [_row(r, r.day or r.day_staff.partition("#")[0], r.staff_id or r.day_staff.partition("#")[2])
            for r in repo.cashier_days_between(store_id, first, last)]


def cashier_report(caller: Caller, day: str | None) -> dict:
    """Per cashier for one store-local day. Admins see every cashier of the store (active cashiers with
    nothing yet show zeros) and the totals; anyone else sees only their own row. One query, no scans."""
    tz = _store_tz(caller.store_id)
    day = model.validate_day(day) if day else local_day(get_clock().now(), tz)
    if caller.role != ADMIN:
        own = _row(repo.cashier_day(caller.store_id, day, caller.staff_id), day, caller.staff_id)
        return {"day": day, "timezone": tz, "cashiers": [dict(own.to_dict(), name=caller.staff_name or "")]}
    staff = {s["staff_id"]: s for s in staff_service.list_staff(caller)}
    recorded = {r.staff_id: _row(r, day, r.staff_id) for r in repo.cashier_days(caller.store_id, day)}
    for staff_id, s in staff.items():
        if s["role"] in ("cashier", "supervisor") and s["active"] and staff_id not in recorded:
            recorded[staff_id] = model.CashierDay(staff_id=staff_id, day=day)
    rows = sorted(recorded.values(), key=lambda r: (staff.get(r.staff_id, {}).get("name") or r.staff_id).lower())
    return {"day": day, "timezone": tz,
            "cashiers": [dict(r.to_dict(), name=staff.get(r.staff_id, {}).get("name", "")) for r in rows],
            "totals": model.totals(day, rows).to_dict() | {"staff_id": None}}
