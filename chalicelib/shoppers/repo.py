"""Shoppers, their phone uniqueness items, the points ledger, activation tokens and cashier day figures."""
from __future__ import annotations

from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.exceptions import DoesNotExist
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex

from ..core.db import Table, find, table_meta


class ShopperRecord(Table):
    """One person per merchant, shared by all its stores."""

    Meta = table_meta("shoppers")
    merchant_id = UnicodeAttribute(hash_key=True)
    shopper_id = UnicodeAttribute(range_key=True)
    phone = UnicodeAttribute()  # E.164
    name = UnicodeAttribute()
    email = UnicodeAttribute(null=True)
    birthday = UnicodeAttribute(null=True)
    consent_at = NumberAttribute()
    registered_store_id = UnicodeAttribute()
    registered_by = UnicodeAttribute()
    created_at = NumberAttribute()
    # Changed only by ADD inside the order-completion or refund transaction, together with the ledger
    # entry. Below zero when a refund took back points the shopper had already used: they owe them.
    points_balance = NumberAttribute(default=0)
    visit_count = NumberAttribute(default=0)
    last_visit_at = NumberAttribute(null=True)
    last_visit_store_id = UnicodeAttribute(null=True)
    activated_at = NumberAttribute(null=True)


class ShopperPhoneRecord(Table):
    """``(merchant, phone) -> shopper``: written with the shopper in one transaction, so a phone is one shopper."""

    Meta = table_meta("shopper_phones")
    merchant_id = UnicodeAttribute(hash_key=True)
    phone = UnicodeAttribute(range_key=True)
    shopper_id = UnicodeAttribute()


class PointsByTime(GlobalSecondaryIndex):
    class Meta:
        index_name = "by_time"
        projection = AllProjection()

    account = UnicodeAttribute(hash_key=True)
    created_at = NumberAttribute(range_key=True)


class PointsEntryRecord(Table):
    """Append-only: an entry is put once (keyed by its cause, e.g. ``earn#<order id>``) and never updated."""

    Meta = table_meta("points_ledger")
    account = UnicodeAttribute(hash_key=True)  # <merchant>#<shopper>
    entry_key = UnicodeAttribute(range_key=True)  # <kind>#<reference>: earn#<order id>, refund#<refund id>
    kind = UnicodeAttribute()  # earn | refund
    points = NumberAttribute()  # earned: positive; taken back by a refund: negative
    amount = NumberAttribute(null=True)  # the rupiah that earned them
    order_id = UnicodeAttribute(null=True)
    refund_id = UnicodeAttribute(null=True)  # a refund's entry: the refund that took the points back
    store_id = UnicodeAttribute()
    rupiah_per_point = NumberAttribute(null=True)
    balance_after = NumberAttribute(null=True)  # the shopper's balance right after this entry (below 0: owed)
    created_at = NumberAttribute()
    by_time = PointsByTime()


class ActivationTokenRecord(Table):
    """The single-use half of an activation link (the signed token carries the expiry)."""

    Meta = table_meta("activation_tokens", ttl="purge_at")
    token_id = UnicodeAttribute(hash_key=True)
    merchant_id = UnicodeAttribute()
    shopper_id = UnicodeAttribute()
    store_id = UnicodeAttribute()
    order_id = UnicodeAttribute(null=True)
    created_at = NumberAttribute()
    expires_at = NumberAttribute()
    used_at = NumberAttribute(null=True)
    purge_at = NumberAttribute()


class CashierDayRecord(Table):
    """Counters per store, store-local day and cashier; only ever changed by atomic ADD."""

    Meta = table_meta("cashier_days")
    store_id = UnicodeAttribute(hash_key=True)
    day_staff = UnicodeAttribute(range_key=True)  # <YYYY-MM-DD>#<staff id>: one query per day, no scans
    merchant_id = UnicodeAttribute(null=True)
    day = UnicodeAttribute(null=True)
    staff_id = UnicodeAttribute(null=True)
    transactions = NumberAttribute(default=0)
    linked = NumberAttribute(default=0)
    skipped = NumberAttribute(default=0)
    registered = NumberAttribute(default=0)


def account_key(merchant_id: str, shopper_id: str) -> str:
    return f"{merchant_id}#{shopper_id}"


def earn_key(order_id: str) -> str:
    return f"earn#{order_id}"


def refund_key(refund_id: str) -> str:
    return f"refund#{refund_id}"


def get_shopper(merchant_id: str, shopper_id: str, *, consistent: bool = False) -> ShopperRecord | None:
    return find(ShopperRecord, merchant_id, shopper_id, consistent_read=consistent)


def shopper_id_for_phone(merchant_id: str, phone: str, *, consistent: bool = False) -> str | None:
    try:
        return ShopperPhoneRecord.get(merchant_id, phone, consistent_read=consistent).shopper_id
    except DoesNotExist:
        return None


def get_token(token_id: str) -> ActivationTokenRecord | None:
    return find(ActivationTokenRecord, token_id, consistent_read=True)


def get_entry(merchant_id: str, shopper_id: str, entry_key: str) -> PointsEntryRecord | None:
    return find(PointsEntryRecord, account_key(merchant_id, shopper_id), entry_key, consistent_read=True)


def ledger_page(merchant_id: str, shopper_id: str, *, limit: int,
                last_key: dict | None) -> tuple[list[PointsEntryRecord], dict | None]:
    """Newest first, through the time index of this one account."""
    result = PointsEntryRecord.by_time.query(account_key(merchant_id, shopper_id), scan_index_forward=False,
                                             limit=limit, last_evaluated_key=last_key)
    entries = list(result)
    return entries, result.last_evaluated_key


def cashier_day_key(day: str, staff_id: str) -> str:
    return f"{day}#{staff_id}"


def cashier_days(store_id: str, day: str) -> list[CashierDayRecord]:
    return list(CashierDayRecord.query(store_id, CashierDayRecord.day_staff.startswith(f"{day}#"), consistent_read=True))


def cashier_day(store_id: str, day: str, staff_id: str) -> CashierDayRecord | None:
    return find(CashierDayRecord, store_id, cashier_day_key(day, staff_id), consistent_read=True)


def cashier_days_between(store_id: str, first: str, last: str) -> list[CashierDayRecord]:
    """The cashier rows of the days ``[first, last]``: one query on the store, whose sort key starts with the day."""
    return list(CashierDayRecord.query(store_id, CashierDayRecord.day_staff.between(f"{first}#", f"{last}#\uffff"),
                                       consistent_read=True))


# ---- registration ----------------------------------------------------------------------------

def add_shopper(uow, shopper: ShopperRecord) -> None:
    """A new shopper and the item that makes its phone one shopper of the merchant: a phone
    already taken (registered a moment ago at another kiosk) loses the whole unit."""
    uow.save(shopper, condition=ShopperRecord.shopper_id.does_not_exist())
    uow.save(ShopperPhoneRecord(merchant_id=shopper.merchant_id, phone=shopper.phone, shopper_id=shopper.shopper_id),
             condition=ShopperPhoneRecord.phone.does_not_exist())


# ---- loyalty ---------------------------------------------------------------------------------

def _balance_unchanged(before: int):
    """The shopper's balance is still the one read (a balance of 0 may be not yet written)."""
    if before:
        return ShopperRecord.points_balance == before
    return ShopperRecord.points_balance.does_not_exist() | (ShopperRecord.points_balance == 0)


def credit_points(uow, *, merchant_id: str, shopper_id: str, order_id: str, points: int, amount: int, store_id: str,
                  rupiah_per_point: int, now: int, shopper: ShopperRecord) -> int:
    """The ledger entry for this order (once: keyed by it) and, in the same unit, the balance and
    the visit as atomic ADDs on the shopper as read (``shopper``: its balance and visits must not
    have moved since, so the entry's ``balance_after`` is exact). Returns that balance."""
    before, visits = int(shopper.points_balance or 0), int(shopper.visit_count or 0)
    uow.save(PointsEntryRecord(account=account_key(merchant_id, shopper_id), entry_key=earn_key(order_id), kind="earn",
                               points=points, amount=amount, order_id=order_id, store_id=store_id,
                               rupiah_per_point=rupiah_per_point, balance_after=before + points, created_at=now),
             condition=PointsEntryRecord.entry_key.does_not_exist(), label="points_entry")
    unchanged = ShopperRecord.shopper_id.exists() & (
        (ShopperRecord.visit_count == visits) if visits else ShopperRecord.visit_count.does_not_exist()
        | (ShopperRecord.visit_count == 0)) & _balance_unchanged(before)
    uow.update(ShopperRecord(merchant_id=merchant_id, shopper_id=shopper_id),
               [ShopperRecord.points_balance.add(points), ShopperRecord.visit_count.add(1),
                ShopperRecord.last_visit_at.set(now), ShopperRecord.last_visit_store_id.set(store_id)],
               condition=unchanged, label="shopper")
    return before + points


def debit_points(uow, *, merchant_id: str, shopper_id: str, order_id: str, refund_id: str, points: int, store_id: str,
                 now: int, shopper: ShopperRecord) -> int:
    """Points taken back by a refund: the ledger entry for this refund (once: keyed by it, so a
    second delivery loses the whole unit) and, in the same unit, the balance lowered by an atomic
    ADD on the shopper as read (its balance must not have moved since, so ``balance_after`` is
    exact). The balance may go below zero: the shopper owes those points, and the entry says so.
    Returns that balance."""
    before = int(shopper.points_balance or 0)
    after = before - points
    uow.save(PointsEntryRecord(account=account_key(merchant_id, shopper_id), entry_key=refund_key(refund_id),
                               kind="refund", points=-points, order_id=order_id, refund_id=refund_id, store_id=store_id,
                               balance_after=after, created_at=now),
             condition=PointsEntryRecord.entry_key.does_not_exist(), label="points_entry")
    uow.update(ShopperRecord(merchant_id=merchant_id, shopper_id=shopper_id),
               [ShopperRecord.points_balance.add(-points)],
               condition=ShopperRecord.shopper_id.exists() & _balance_unchanged(before), label="shopper")
    return after


# ---- activation ------------------------------------------------------------------------------

def add_activation_token(uow, rec: ActivationTokenRecord) -> None:
    uow.save(rec, condition=ActivationTokenRecord.token_id.does_not_exist())


def activate(uow, rec: ActivationTokenRecord, shopper: ShopperRecord, now: int, *, lost: Exception | None = None) -> None:
    """The token used (once) and the shopper activated. An account activated through another link
    keeps its first activation time (if_not_exists)."""
    uow.update(rec, [ActivationTokenRecord.used_at.set(now)], condition=ActivationTokenRecord.used_at.does_not_exist(),
               lost=lost)
    uow.update(shopper, [ShopperRecord.activated_at.set(ShopperRecord.activated_at | now)],
               condition=ShopperRecord.shopper_id.exists(), lost=lost)


# ---- cashier figures -------------------------------------------------------------------------

def count_cashier_day(uow, *, store_id: str, day: str, staff_id: str, merchant_id: str | None = None,
                      transactions: int = 0, linked: int = 0, skipped: int = 0, registered: int = 0) -> CashierDayRecord:
    """Atomic ADDs to one cashier's row of a store-local day (created on first use, with its
    descriptive fields SET alongside). Returns the row item (refreshed when committed alone)."""
    item = CashierDayRecord(store_id=store_id, day_staff=cashier_day_key(day, staff_id))
    actions = [CashierDayRecord.day.set(day), CashierDayRecord.staff_id.set(staff_id)]
    if merchant_id:
        actions.append(CashierDayRecord.merchant_id.set(merchant_id))
    for attr, n in (("transactions", transactions), ("linked", linked), ("skipped", skipped), ("registered", registered)):
        if n:
            actions.append(getattr(CashierDayRecord, attr).add(n))
    uow.update(item, actions)
    return item
