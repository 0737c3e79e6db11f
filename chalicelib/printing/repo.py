"""Print jobs and print-station settings in DynamoDB; job PDFs live in S3 under ``print/<store>/``."""
from __future__ import annotations

from pynamodb.attributes import BooleanAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex

from ..core.db import JSONAttribute, Table, find, table_meta
from .model import EXPIRED, LEASED, QUEUED

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


# ---- reads -----------------------------------------------------------------------------------

def get_job(job_id: str) -> PrintJobRecord | None:
    return find(PrintJobRecord, job_id, consistent_read=True)


def waiting_jobs(store_id: str, role: str, limit: int) -> list[PrintJobRecord]:
    """The oldest jobs still to print for the store's ``role`` printer (the sparse queue index)."""
    return list(PrintJobRecord.waiting.query(queue_key(store_id, role), limit=limit))


def newest_jobs(store_id: str, limit: int):
    """The store's jobs, newest first, read lazily a page at a time."""
    return PrintJobRecord.by_store.query(store_id, scan_index_forward=False, limit=limit, page_size=100)


def station_settings(store_id: str) -> list[PrintStationRecord]:
    return list(PrintStationRecord.query(store_id))


def get_station_settings(store_id: str, station_id: str) -> PrintStationRecord | None:
    return find(PrintStationRecord, store_id, station_id, consistent_read=True)


def queue_key(store_id: str, role: str) -> str:
    return f"{store_id}#{role}"


# ---- jobs ------------------------------------------------------------------------------------

def _open(now: int):
    """QUEUED, or LEASED with its lease over: a job no printer is printing now."""
    J = PrintJobRecord
    return (J.status == QUEUED) | ((J.status == LEASED) & (J.lease_until <= now))


def add_job(uow, job: PrintJobRecord) -> None:
    """A new job: one per id (the same reference submitted twice is one job)."""
    uow.save(job, condition=PrintJobRecord.job_id.does_not_exist())


def lease_job(uow, job: PrintJobRecord, station_id: str, now: int, lease: int) -> None:
    """Hand the job to ``station_id`` until ``now + lease``: only an open job that has not expired."""
    J = PrintJobRecord
    uow.update(job, [J.status.set(LEASED), J.lease_until.set(now + lease), J.station_id.set(station_id), J.claims.add(1)],
               condition=_open(now) & (J.expires_at > now))


def expire_job(uow, job: PrintJobRecord, now: int) -> None:
    """Nobody printed it in time: EXPIRED, out of the queue. Never one on a live lease."""
    J = PrintJobRecord
    uow.update(job, [J.status.set(EXPIRED), J.finished_at.set(now), J.queue_key.remove(), J.lease_until.remove()],
               condition=_open(now) & (J.expires_at <= now))


def finish_job(uow, job: PrintJobRecord, station_id: str, status: str, reason: str | None, now: int) -> None:
    """The station that holds the lease reports the outcome; the job leaves the queue."""
    J = PrintJobRecord
    actions = [J.status.set(status), J.finished_at.set(now), J.queue_key.remove(), J.lease_until.remove()]
    if reason:
        actions.append(J.reason.set(reason))
    uow.update(job, actions, condition=(J.status == LEASED) & (J.station_id == station_id))


def give_back_job(uow, job: PrintJobRecord, station_id: str, note: str | None) -> None:
    """The station that holds the lease returns the job unprinted: QUEUED again at once."""
    J = PrintJobRecord
    actions = [J.status.set(QUEUED), J.lease_until.remove()]
    if note:
        actions.append(J.note.set(note))
    uow.update(job, actions, condition=(J.status == LEASED) & (J.station_id == station_id))


# ---- stations --------------------------------------------------------------------------------

def save_station_settings(uow, store_id: str, station_id: str, *, revision: int | None, actor: str, now: int,
                          lost: Exception | None = None, **changes) -> None:
    """Admin settings (``printers``, ``profiles``), only over the revision read (none yet: ``None``)."""
    S = PrintStationRecord
    actions = [getattr(S, name).set(value) for name, value in changes.items()]
    actions += [S.revision.set((revision or 0) + 1), S.updated_at.set(now), S.updated_by.set(actor)]
    condition = S.revision.does_not_exist() if revision is None else S.revision == revision
    uow.update(S(store_id=store_id, station_id=station_id), actions, condition=condition, lost=lost)


def note_station_seen(uow, store_id: str, station_id: str, now: int, every: int) -> None:
    """The station polled at ``now``; written at most once per ``every`` seconds."""
    S = PrintStationRecord
    uow.update(S(store_id=store_id, station_id=station_id), [S.last_seen_at.set(now)],
               condition=S.last_seen_at.does_not_exist() | (S.last_seen_at <= now - every))
