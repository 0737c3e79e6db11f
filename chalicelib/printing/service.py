"""Use cases for print jobs and print stations.

Other areas print through :func:`submit_pdf` (receipts, order slips, labels, shift reports) and
size their documents with :func:`receipt_width_mm`. A station's bridge reads its settings
(:func:`station_config`), claims a job with a lease (:func:`claim`), fetches the PDF through a
short-lived presigned URL and reports the outcome (:func:`ack`) or gives the job back at once
when its printer is off (:func:`release`). Staff list jobs, see why one failed and reprint it.

Every state change is a conditional write on the state it expects, so two claims can never both
win a job, and an acknowledgement from a station that lost its lease changes nothing.
"""
from __future__ import annotations

from typing import Any, Iterable

from ..core import storage
from ..core import uow as units
from ..core.clock import get_clock, iso_utc
from ..core.errors import Conflict, Forbidden, NotFound, ValidationError
from ..core.ids import new_id
from ..core.web import DEVICE, Caller
from ..staff import service as staff
from . import model, repo
from .repo import KEEP_SECONDS, PrintJobRecord, pdf_key

STATION_KIND = "print_station"
RECEIPT_KINDS = ("receipt", "refund_receipt")  # reprinted only by the sales history, marked as copies
# How many waiting jobs a claim reads per role. One station serves a role and prints one job at a
# time, so only a few at the head of a queue can be leased; the rest are candidates.
CLAIM_SCAN = 25
# A claim records that the station is alive at most this often (a bridge polls every few seconds).
SEEN_EVERY_SECONDS = 60
TEST_PAGE_TTL_SECONDS = 15 * 60
# A filtered job list looks at most at this many of the newest jobs (a busy store's month).
LIST_SCAN = 2000


# ---- submitting ----------------------------------------------------------------------------------

def job_outcomes(job_ids) -> dict[str, dict]:
    """``{job id: {"status", "reason", "finished_at"}}`` of these jobs, read in one batch per hundred
    (a sale's receipts show what the printer did with each); unknown ids are left out."""
    from ..core.db import find_many

    ids = sorted({j for j in job_ids if j})
    found = find_many([(repo.PrintJobRecord, j) for j in ids], consistent=False)
    return {job.job_id: {"status": job.status, "reason": job.reason or job.note,
                         "finished_at": int(job.finished_at) if job.finished_at else None}
            for job in found if job is not None}


def submit_pdf(store_id: str, *, role: str, kind: str, pdf: bytes, reference: str, copies: int = 1, cut: bool = True,
               drawer_kick: bool = False, title: str = "", ttl_seconds: int = model.DEFAULT_TTL_SECONDS) -> dict:
    """Queue ``pdf`` for the store's ``role`` printer; the same ``reference`` again returns the
    first job (outbox deliveries repeat), without storing the PDF again."""
    model.validate_submit(role=role, kind=kind, pdf=pdf, reference=reference, copies=copies, ttl_seconds=ttl_seconds,
                          title=title)
    job_id = model.job_id_for(store_id, reference)
    existing = _get_job(job_id)
    if existing is not None:
        return job_view(existing)
    key = pdf_key(store_id, job_id)
    # The PDF goes first: a job must never be claimable before its PDF can be fetched.
    storage.put(key, pdf, "application/pdf")
    return _create_job(store_id, job_id, role=role, kind=kind, pdf_key=key, reference=reference, copies=copies,
                       cut=cut, drawer_kick=drawer_kick, title=title, ttl_seconds=ttl_seconds)


def _create_job(store_id: str, job_id: str, *, role: str, kind: str, pdf_key: str, reference: str, copies: int,
                cut: bool, drawer_kick: bool, title: str, ttl_seconds: int, reprint_of: str | None = None,
                requested_by: str | None = None) -> dict:
    now = get_clock().now()
    job = PrintJobRecord(
        job_id=job_id, store_id=store_id, role=role, kind=kind, title=title, reference=reference, status=model.QUEUED,
        copies=copies, cut=bool(cut), drawer_kick=bool(drawer_kick), pdf_key=pdf_key, created_ms=int(now * 1000),
        expires_at=int(now) + ttl_seconds, queue_key=repo.queue_key(store_id, role), reprint_of=reprint_of,
        requested_by=requested_by, purge_at=int(now) + max(KEEP_SECONDS, ttl_seconds))
    created, _ = units.attempt(lambda uow: repo.add_job(uow, job))
    if not created:
        job = _get_job(job_id)  # a concurrent submit of the same reference won
    return job_view(job)


def receipt_width_mm(store_id: str) -> int:
    """58 or 80: the paper of the printer that prints this store's receipts now (80 when the
    store has no print station yet, the common case)."""
    routed = model.route(_stations(store_id), "receipt")
    if routed is None:
        return 80
    station, profile_name = routed
    profile = station.profile_table().get(profile_name)
    return model.roll_width_mm(profile) if profile else 80


# ---- the bridge's side ---------------------------------------------------------------------------

def station_config(caller: Caller) -> dict:
    """``GET /print/station``: the station's id, custom profiles and the profile per role it
    prints (the roles it serves now and the ones assigned to it)."""
    station_id = _require_station(caller)
    stations = _stations(caller.store_id)
    me = _find(stations, station_id)
    printers = dict(me.printers)
    for role, (station, profile) in _routes(stations).items():
        if station.station_id == station_id:
            printers[role] = profile
    return {"station_id": station_id, "store_id": caller.store_id, "name": me.name, "profiles": list(me.profiles),
            "printers": [{"role": role, "profile": printers[role]} for role in model.ROLES if role in printers]}


def claim(caller: Caller, roles: Iterable[Any], lease_seconds: Any) -> dict | None:
    """Lease the oldest waiting job of the ``roles`` this station serves, or None.

    A job is handed out only through a conditional write that holds when it is QUEUED, or LEASED
    with its lease over, and not expired: two claims racing for one job cannot both win, and an
    expired job is never printed. Roles a newer bridge knows but the cloud does not are ignored.
    """
    station_id = _require_station(caller)
    lease = model.clamp_lease(lease_seconds)
    if not all(isinstance(role, str) for role in roles):
        raise ValidationError("roles harus daftar teks.", code="invalid_roles")
    now = get_clock().now_s()
    stations = _stations(caller.store_id)
    served = {role: profile for role, (station, profile) in _routes(stations).items() if station.station_id == station_id}
    requested = set(roles)
    wanted = [role for role in model.ROLES if role in requested and role in served]
    candidates: list[PrintJobRecord] = []
    for role in wanted:
        candidates += repo.waiting_jobs(caller.store_id, role, CLAIM_SCAN)
    candidates.sort(key=lambda j: (j.created_ms, j.job_id))
    _seen(caller.store_id, _find(stations, station_id), now)
    for job in candidates:
        if model.view_status(job.status, job.lease_until, job.expires_at, now) == model.EXPIRED:
            _expire(job, now)
            continue
        if model.claimable(job.status, job.lease_until, job.expires_at, now) and _lease(job, station_id, now, lease):
            return _claimed_view(job, served[job.role], lease)
    return None


def _lease(job: PrintJobRecord, station_id: str, now: int, lease: int) -> bool:
    """False when another claim won, or the job expired or finished since we read it."""
    return units.attempt(lambda uow: repo.lease_job(uow, job, station_id, now, lease))[0]


def _expire(job: PrintJobRecord, now: int) -> None:
    """Mark a job nobody printed in time; the sparse queue index forgets it. Not one on a live
    lease: its printer may be printing it right now, and the ack must still count."""
    units.attempt(lambda uow: repo.expire_job(uow, job, now))


def _claimed_view(job: PrintJobRecord, profile: str, lease: int) -> dict:
    return {"job_id": job.job_id, "role": job.role, "kind": job.kind, "copies": int(job.copies), "cut": job.cut,
            "drawer_kick": job.drawer_kick, "profile": profile, "title": job.title,
            # Valid as long as the lease: the bridge fetches at once, and a later claim brings a new URL.
            "pdf_url": storage.presigned_get(job.pdf_key, expires_in=lease),
            "lease_until": iso_utc(job.lease_until), "expires_at": iso_utc(job.expires_at)}


def ack(caller: Caller, job_id: str, status: str, reason: Any = None) -> dict:
    """Record the bridge's outcome. Repeating the same outcome is fine (a retried ack); any other
    answer after the station lost its lease is a 409, and the job is left as it is."""
    station_id = _require_station(caller)
    reason = model.ack_reason(status, reason)
    target = model.ACK_STATUSES[status]
    job = _own_job(caller.store_id, job_id)
    done, _ = units.attempt(lambda uow: repo.finish_job(uow, job, station_id, target, reason, get_clock().now_s()))
    if not done:
        job.refresh(consistent_read=True)
        if job.status != target:
            raise Conflict("Pekerjaan cetak ini sudah diambil alih atau selesai; jangan dicetak lagi.",
                           code="lease_lost", details={"status": job.status})
    return {"job_id": job.job_id, "status": status}


def release(caller: Caller, job_id: str, note: str | None = None) -> dict:
    """The bridge gives a leased job back without printing (its printer is off or out of paper):
    the job waits again at once instead of until the lease runs out, and staff see why."""
    station_id = _require_station(caller)
    job = _own_job(caller.store_id, job_id)
    note = note.strip()[:model.MAX_REASON] if note and note.strip() else None
    done, _ = units.attempt(lambda uow: repo.give_back_job(uow, job, station_id, note))
    if not done:
        job.refresh(consistent_read=True)
        if job.status != model.QUEUED:
            raise Conflict("Pekerjaan cetak ini sudah diambil alih atau selesai.", code="lease_lost",
                           details={"status": job.status})
    return {"job_id": job.job_id, "status": model.QUEUED}


# ---- staff: jobs ---------------------------------------------------------------------------------

def list_jobs(store_id: str, *, status: str | None = None, limit: int = 50) -> list[dict]:
    """The newest jobs first, optionally only those whose status (as people see it) is ``status``."""
    if status is not None and status not in model.STATUSES:
        raise ValidationError(f"Status harus salah satu dari: {', '.join(model.STATUSES)}.", code="invalid_query")
    names = {s.station_id: s.name for s in _stations(store_id)}
    out: list[dict] = []
    for job in repo.newest_jobs(store_id, LIST_SCAN):
        view = job_view(job, names)
        if status is None or view["status"] == status:
            out.append(view)
            if len(out) >= limit:
                break
    return out


def job_view(job: PrintJobRecord, station_names: dict[str, str] | None = None) -> dict:
    now = get_clock().now_s()
    return {"job_id": job.job_id, "role": job.role, "kind": job.kind, "title": job.title, "reference": job.reference,
            "status": model.view_status(job.status, job.lease_until, int(job.expires_at), now),
            "reason": job.reason, "note": job.note, "copies": int(job.copies), "cut": job.cut,
            "drawer_kick": job.drawer_kick, "created_at": int(job.created_ms) // 1000, "expires_at": int(job.expires_at),
            "finished_at": int(job.finished_at) if job.finished_at is not None else None,
            "station_id": job.station_id, "station_name": (station_names or {}).get(job.station_id or ""),
            "attempts": int(job.claims), "reprint_of": job.reprint_of}


def reprint(caller: Caller, job_id: str, copies: int | None = None) -> dict:
    """A new job from the same PDF. Never opens the cash drawer (that was the sale's moment), and
    refused while the original may still print, so a tap does not make two copies."""
    job = _own_job(caller.store_id, job_id)
    if job.kind in RECEIPT_KINDS:
        # A receipt's copy must say so (SALINAN ke-N, when, who): the sales history prints it.
        raise Conflict("Struk dicetak ulang dari Riwayat Penjualan, supaya tertulis SALINAN.", code="reprint_from_sales")
    view = job_view(job)
    if view["status"] not in model.FINISHED:
        raise Conflict("Pekerjaan cetak ini masih menunggu dicetak.", code="job_pending")
    copies = model.validate_copies(copies if copies is not None else int(job.copies))
    reference = f"reprint#{job_id}#{new_id()}"
    return _create_job(caller.store_id, model.job_id_for(caller.store_id, reference), role=job.role, kind=job.kind,
                       pdf_key=job.pdf_key, reference=reference, copies=copies, cut=job.cut, drawer_kick=False, title=job.title,
                       ttl_seconds=model.DEFAULT_TTL_SECONDS, reprint_of=job_id,
                       requested_by=caller.staff_id or caller.device_id)


def print_test_page(caller: Caller, role: str) -> dict:
    """Queue a test page for ``role`` on the station and profile that print it now."""
    from .testpage import render_test_page

    if role not in model.ROLES:
        raise ValidationError(f"Peran printer harus salah satu dari: {', '.join(model.ROLES)}.", code="invalid_role")
    routed = model.route(_stations(caller.store_id), role)
    if routed is None:
        raise Conflict("Belum ada stasiun cetak. Pasangkan PC toko lebih dulu.", code="no_print_station")
    station, profile_name = routed
    profile = station.profile_table()[profile_name]
    pdf = render_test_page(profile, store_name=staff.get_store(caller.store_id).name, station_name=station.name,
                           printed_at=get_clock().now(), tz=staff.store_settings(caller.store_id).timezone)
    return submit_pdf(caller.store_id, role=role, kind="test", pdf=pdf, reference=f"test-page#{role}#{new_id()}",
                      title=f"Halaman uji {model.ROLE_NAMES[role]}", drawer_kick=False,
                      ttl_seconds=TEST_PAGE_TTL_SECONDS)


# ---- staff: stations -----------------------------------------------------------------------------

def list_stations(store_id: str) -> dict:
    """Every active station with its printers (assigned, and which roles it serves now), the
    route per role, and the built-in profiles to choose from."""
    stations = _stations(store_id)
    routes = _routes(stations)
    return {
        "stations": [_station_view(s, routes) for s in sorted(stations, key=lambda s: (s.paired_at, s.station_id))],
        "routes": {role: ({"station_id": routes[role][0].station_id, "station_name": routes[role][0].name,
                           "profile": routes[role][1]} if role in routes else None) for role in model.ROLES},
        "builtin_profiles": list(model.BUILTIN_PROFILES.values()),
    }


def _station_view(station: model.Station, routes: dict[str, tuple[model.Station, str]]) -> dict:
    serving = {role: profile for role, (s, profile) in routes.items() if s.station_id == station.station_id}
    printers = []
    for role in model.ROLES:
        if role in station.printers or role in serving:
            printers.append({"role": role, "profile": station.printers.get(role) or serving[role],
                             "assigned": role in station.printers, "active": role in serving})
    table = station.profile_table()
    return {"station_id": station.station_id, "name": station.name, "paired_at": station.paired_at,
            "last_seen_at": station.last_seen_at, "printers": printers, "profiles": list(station.profiles),
            "profile_choices": {role: sorted(n for n, p in table.items() if p["role"] == role) for role in model.ROLES}}


def station_printers(store_id: str, station_id: str) -> dict:
    stations = _stations(store_id)
    return _station_view(_find(stations, station_id, for_admin=True), _routes(stations))


def set_station_printers(store_id: str, station_id: str, printers: Any, actor: str) -> dict:
    """Replace the station's role -> profile assignments (a role left out is unassigned)."""
    station = _find(_stations(store_id), station_id, for_admin=True)
    assigned = model.validate_assignments(printers, station)
    _save_station(store_id, station_id, actor, printers=assigned)
    return station_printers(store_id, station_id)


def add_station_profile(store_id: str, station_id: str, profile: Any, actor: str) -> dict:
    """Add a custom profile to the station, or replace the one with the same name."""
    station = _find(_stations(store_id), station_id, for_admin=True)
    profiles = model.with_custom_profile(station, profile)
    _save_station(store_id, station_id, actor, profiles=profiles)
    return station_printers(store_id, station_id)


def _save_station(store_id: str, station_id: str, actor: str, **changes: Any) -> None:
    """Write admin settings only if nobody changed them since we read them (two admins, two tabs)."""
    record = repo.get_station_settings(store_id, station_id)
    revision = record.revision if record is not None else None
    changed = Conflict("Pengaturan stasiun baru saja diubah di tempat lain. Muat ulang lalu coba lagi.",
                       code="station_changed")
    units.commit(lambda uow: repo.save_station_settings(uow, store_id, station_id, revision=revision, actor=actor,
                                                        now=get_clock().now_s(), lost=changed, **changes))


# ---- helpers -------------------------------------------------------------------------------------

def _require_station(caller: Caller) -> str:
    if caller.role != DEVICE or caller.device_kind != STATION_KIND:
        raise Forbidden("Hanya stasiun cetak yang boleh melakukan ini.", code="print_station_required")
    return caller.device_id


def _stations(store_id: str) -> list[model.Station]:
    """The store's active print stations: its paired print_station devices (the staff area owns
    them, so a revoked one drops out of routing at once) joined with their settings."""
    settings = {r.station_id: r for r in repo.station_settings(store_id)}
    stations = []
    for device in staff.active_devices(store_id, STATION_KIND):
        record = settings.get(device.device_id)
        stations.append(model.Station(
            station_id=device.device_id, name=device.name, paired_at=device.created_at,
            printers=dict(record.printers) if record else {}, profiles=list(record.profiles) if record else [],
            last_seen_at=int(record.last_seen_at) if record and record.last_seen_at is not None else None))
    return stations


def _routes(stations: list[model.Station]) -> dict[str, tuple[model.Station, str]]:
    return {role: routed for role in model.ROLES if (routed := model.route(stations, role)) is not None}


def _find(stations: list[model.Station], station_id: str, for_admin: bool = False) -> model.Station:
    for station in stations:
        if station.station_id == station_id:
            return station
    if for_admin:
        raise NotFound("Stasiun cetak tidak ditemukan.", code="station_not_found")
    # An authenticated station is active; only the device index has not caught up with its pairing.
    device = staff.device(station_id)
    return model.Station(station_id=station_id, name=device.name, paired_at=device.created_at)


def _seen(store_id: str, station: model.Station, now: int) -> None:
    """Note that the station is polling, for "terakhir aktif" in the back office; at most once a
    minute, with a condition so concurrent polls write once."""
    if station.last_seen_at is not None and station.last_seen_at > now - SEEN_EVERY_SECONDS:
        return
    units.attempt(lambda uow: repo.note_station_seen(uow, store_id, station.station_id, now, SEEN_EVERY_SECONDS))


def _get_job(job_id: str) -> PrintJobRecord | None:
    return repo.get_job(job_id)


def _own_job(store_id: str, job_id: str) -> PrintJobRecord:
    job = _get_job(job_id)
    if job is None or job.store_id != store_id:
        raise NotFound("Pekerjaan cetak tidak ditemukan.", code="job_not_found")
    return job


