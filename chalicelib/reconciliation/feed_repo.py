"""Bank feeds: one record per SNAP BI connected bank account, with its schedule and what its last
fetch did. Secrets are not here: only the names of the SSM parameters holding them
(:func:`chalicelib.core.secrets.account_name_for`).

A sparse index (``due``: shard ``F`` while connected, by ``next_fetch_at``) lets the schedule find
the accounts due without a scan. A fetch takes the account with a lease (a conditional update on
the lease it read), so two schedule runs never fetch one account at the same time.
"""
from __future__ import annotations

from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex

from ..core.db import JSONAttribute, Table, table_meta

DUE_SHARD = "F"


class DueFeeds(GlobalSecondaryIndex):
    class Meta:
        index_name = "due"
        projection = AllProjection()

    due_shard = UnicodeAttribute(hash_key=True)
    next_fetch_at = NumberAttribute(range_key=True)


class BankFeedRecord(Table):
    Meta = table_meta("bank_feeds")
    store_id = UnicodeAttribute(hash_key=True)
    account_no = UnicodeAttribute(range_key=True)  # digits only (statement.normalize_account)
    merchant_id = UnicodeAttribute()
    bank = UnicodeAttribute()
    base_url = UnicodeAttribute()
    partner_id = UnicodeAttribute()
    client_key = UnicodeAttribute()
    channel_id = UnicodeAttribute()
    bank_public_key_pem = UnicodeAttribute(null=True)
    paths = JSONAttribute(null=True)  # overrides of the bank's profile: token_path, statement_path, balance_path
    secret_params = JSONAttribute()  # {"client_secret": name, "private_key": name} (SSM SecureString)
    interval_seconds = NumberAttribute()
    connected_at = NumberAttribute()
    connected_by = UnicodeAttribute()
    due_shard = UnicodeAttribute(null=True)
    next_fetch_at = NumberAttribute(default=0)
    lease_until = NumberAttribute(default=0)
    window_to = NumberAttribute(null=True)  # epoch s: the end of the last window fetched in full
    last_fetch_at = NumberAttribute(null=True)
    last_result = JSONAttribute(null=True)  # what the last fetch did (ok or failed), for people
    last_success_at = NumberAttribute(null=True)
    last_error = JSONAttribute(null=True)  # {"at", "kind", "code", "message"} of the last failure
    last_transaction_at = NumberAttribute(null=True)
    failures = NumberAttribute(default=0)  # failed fetches in a row (spaces the retries)
    due = DueFeeds()


def get(store_id: str, account_no: str) -> BankFeedRecord | None:
    try:
        return BankFeedRecord.get(store_id, account_no, consistent_read=True)
    except BankFeedRecord.DoesNotExist:
        return None


def of_store(store_id: str) -> list[BankFeedRecord]:
    return list(BankFeedRecord.query(store_id, consistent_read=True))


def due(now: int, limit: int) -> list[BankFeedRecord]:
    return list(BankFeedRecord.due.query(DUE_SHARD, BankFeedRecord.next_fetch_at <= now, limit=limit))


def connect(uow, record: BankFeedRecord) -> None:
    """A new connection, or the replacement of one (its fetch history is kept by :func:`reconnect`)."""
    uow.save(record)


def reconnect(uow, record: BankFeedRecord, settings: dict) -> None:
    actions = [getattr(BankFeedRecord, name).set(value) if value is not None else getattr(BankFeedRecord, name).remove()
               for name, value in settings.items()]
    uow.update(record, actions=actions, condition=BankFeedRecord.account_no.exists())


def disconnect(uow, record: BankFeedRecord) -> None:
    uow.delete(record)


def take(uow, record: BankFeedRecord, now: int, lease_s: int, *, due: bool) -> None:
    """This worker fetches the account: only if nobody holds its lease (the one read must be in place)
    and, for the schedule (``due``), only if it is still due: the index it was found by may be stale."""
    condition = (BankFeedRecord.lease_until == record.lease_until) & BankFeedRecord.due_shard.exists()
    if due:
        condition &= BankFeedRecord.next_fetch_at <= now
    uow.update(record, actions=[BankFeedRecord.lease_until.set(now + lease_s)], condition=condition)


def fetched(uow, record: BankFeedRecord, *, now: int, next_at: int, result: dict, window_to: int | None,
            last_transaction_at: int | None) -> None:
    actions = [BankFeedRecord.lease_until.set(0), BankFeedRecord.last_fetch_at.set(now),
               BankFeedRecord.next_fetch_at.set(next_at), BankFeedRecord.last_result.set(result),
               BankFeedRecord.last_success_at.set(now), BankFeedRecord.failures.set(0)]
    if window_to is not None:
        actions.append(BankFeedRecord.window_to.set(window_to))
    if last_transaction_at is not None:
        actions.append(BankFeedRecord.last_transaction_at.set(last_transaction_at))
    uow.update(record, actions=actions, condition=BankFeedRecord.due_shard.exists())


def failed(uow, record: BankFeedRecord, *, now: int, next_at: int, result: dict, error: dict) -> None:
    uow.update(record, actions=[BankFeedRecord.lease_until.set(0), BankFeedRecord.last_fetch_at.set(now),
                                BankFeedRecord.next_fetch_at.set(next_at), BankFeedRecord.last_result.set(result),
                                BankFeedRecord.last_error.set(error), BankFeedRecord.failures.add(1)],
               condition=BankFeedRecord.due_shard.exists())


def due_now(uow, record: BankFeedRecord, at: int) -> None:
    """"Ambil mutasi sekarang" from a person: the account is fetched at the next schedule tick."""
    uow.update(record, actions=[BankFeedRecord.next_fetch_at.set(at)], condition=BankFeedRecord.due_shard.exists())
