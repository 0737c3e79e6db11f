"""What was handed to a provider, keyed by the outbox effect id: checked before every send."""
from __future__ import annotations

from pynamodb.attributes import NumberAttribute, UnicodeAttribute

from ..core.clock import get_clock
from ..core.db import Table, find, table_meta

KEEP_SECONDS = 180 * 86400


class SentMessageRecord(Table):
    """No phone number or text here: the outbox item holds those, this only proves the send happened."""

    Meta = table_meta("sent_messages", ttl="purge_at")
    effect_id = UnicodeAttribute(hash_key=True)
    provider = UnicodeAttribute()
    provider_message_id = UnicodeAttribute()
    template = UnicodeAttribute()
    store_id = UnicodeAttribute()
    sent_at = NumberAttribute()
    purge_at = NumberAttribute()

    def result(self) -> dict:
        return {"provider": self.provider, "provider_message_id": self.provider_message_id, "sent_at": self.sent_at}


def get_sent(effect_id: str) -> SentMessageRecord | None:
    return find(SentMessageRecord, effect_id, consistent_read=True)


def sent_message(effect_id: str, *, provider: str, provider_message_id: str, template: str,
                 store_id: str) -> SentMessageRecord:
    now = get_clock().now_s()
    return SentMessageRecord(effect_id=effect_id, provider=provider, provider_message_id=provider_message_id,
                             template=template, store_id=store_id, sent_at=now, purge_at=now + KEEP_SECONDS)


def add_sent(uow, rec: SentMessageRecord) -> None:
    """Keep the first record: a second one would only come from a redelivery that raced this one."""
    uow.save(rec, condition=SentMessageRecord.effect_id.does_not_exist())
