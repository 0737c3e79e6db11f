"""Print jobs and print-station settings in DynamoDB; job PDFs live in S3 under ``print/<store>/``."""
from __future__ import annotations

from pynamodb.attributes import BooleanAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex

from ..core.db import JSONAttribute, Table, table_meta

# Jobs stay listable this long after they were created; then DynamoDB's TTL deletes them.
KEEP_SECONDS = 30 * 86400


class JobsWaiting(GlobalSecondaryIndex):
    """Sparse: only jobs not finished yet carry ``queue_key``, so a claim reads a short queue."""

    class Meta:
        index_name = "waiting"
        projection = AllProjection()

    queue_key = UnicodeAttribute(hash_key=True)  # "<store>#<role>"
    created_ms = NumberAttribute(range_key=True)


class JobsByStore(GlobalSecondaryIndex):
    class Meta:
        index_name = "by_store"
        projection = AllProjection()

    store_id = UnicodeAttribute(hash_key=True)
    created_ms = NumberAttribute(range_key=True)


class PrintJobRecord(Table):
    Meta = table_meta("print_jobs", ttl="purge_at")
    job_id = UnicodeAttribute(hash_key=True)  # derived from (store, reference): see model.job_id_for
    store_id = UnicodeAttribute()
    role = UnicodeAttribute()
    kind = UnicodeAttribute()  # receipt | slip | label | report | test ...
    title = UnicodeAttribute(default="")
    reference = UnicodeAttribute()
    status = UnicodeAttribute()  # model.STATUSES
    copies = NumberAttribute(default=1)
    cut = BooleanAttribute(default=True)
    drawer_kick = BooleanAttribute(default=False)
    pdf_key = UnicodeAttribute()  # a reprint shares its original's PDF
    created_ms = NumberAttribute()  # milliseconds: orders jobs submitted within one second
    expires_at = NumberAttribute()
    queue_key = UnicodeAttribute(null=True)
    lease_until = NumberAttribute(null=True)
    station_id = UnicodeAttribute(null=True)  # the station that claimed it last
    claims = NumberAttribute(default=0)
    reason = UnicodeAttribute(null=True)  # why it failed
    note = UnicodeAttribute(null=True)  # why the bridge gave it back (printer offline, ...)
    finished_at = NumberAttribute(null=True)
    reprint_of = UnicodeAttribute(null=True)
    requested_by = UnicodeAttribute(null=True)
    purge_at = NumberAttribute()
    waiting = JobsWaiting()
    by_store = JobsByStore()


class PrintStationRecord(Table):
    """What an admin set for one station. The station itself is the staff area's device record."""

    Meta = table_meta("print_stations")
    store_id = UnicodeAttribute(hash_key=True)
    station_id = UnicodeAttribute(range_key=True)  # the print_station device id
    printers = JSONAttribute(default=dict)  # role -> profile name
    profiles = JSONAttribute(default=list)  # custom profiles as the admin wrote them
    revision = NumberAttribute(null=True)  # optimistic concurrency for admin edits
    updated_at = NumberAttribute(null=True)
    updated_by = UnicodeAttribute(null=True)
    last_seen_at = NumberAttribute(null=True)  # last claim, at most once a minute


def pdf_key(store_id: str, job_id: str) -> str:
    return f"print/{store_id}/{job_id}.pdf"
