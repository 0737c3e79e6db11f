"""The polling agent behind ``python -m print_bridge run``.

Loop: deliver any acknowledgements still owed, claim a job for the roles whose printers are
ready, fetch its PDF, rasterise, encode, send, journal, acknowledge. Decisions:

* Cloud unreachable (network, 5xx, 429): wait with exponential backoff (capped, jittered so a
  store's PCs coming back after an outage do not all call at once), then carry on.
* Printer unreachable or reporting cover open / out of paper *before* anything was sent: the
  job is released (offered again at once, to whichever station serves the role then; if the
  release does not get through, after its lease); that role pauses with its own backoff while
  other roles keep printing.
* Sending broke part-way, or the printer reported a problem right after the job: acknowledged
  failed with a reason that says to check the paper before reprinting (a duplicate could print).
* A PDF that cannot be opened or rendered: acknowledged failed with the reason; the agent goes on.
* Never twice: every outcome is journaled before it is acknowledged; a job the journal already
  knows is re-acknowledged, not re-printed. A lost lease (409) is logged, never reprinted.
* Less than ``lease_margin`` left on the lease when ready to send: not sent (the lease may pass
  mid-print and another claim would print it again); it comes back after the lease.
* Job expiry is the cloud's to enforce when it hands out jobs: store-PC clocks are too often
  wrong to judge ``expires_at`` here.
"""
from __future__ import annotations

import enum
import logging
import random
import threading
import time
from dataclasses import dataclass, field
from typing import Callable

from .api import ApiClient, ApiError, ApiUnreachable, DownloadError, Job, JobFormatError, LeaseLost
from .config import BridgeConfig
from .encoders import PrintOptions, encode
from .journal import Entry, Journal
from .profiles import Profile, ProfileError, get_profile
from .raster import PdfError, rasterize_pdf
from .transports import PrinterUnavailable, PrintInterrupted, Timeouts, Transport, open_transport

log = logging.getLogger(__name__)

EXIT_OK = 0
EXIT_CLOUD_ERROR = 4
EXIT_UNAUTHORIZED = 3


class Outcome(enum.Enum):
    PRINTED = "printed"
    FAILED = "failed"
    ALREADY_DONE = "already_done"  # the journal knew it; re-acknowledged only
    LEFT_FOR_RETRY = "left_for_retry"  # not acknowledged; the cloud offers it again after the lease


@dataclass(frozen=True)
class AgentSettings:
    poll_interval: float = 2.0
    lease_seconds: int = 60
    lease_margin: float = 10.0
    api_backoff_initial: float = 1.0
    api_backoff_cap: float = 60.0
    printer_backoff_initial: float = 5.0
    printer_backoff_cap: float = 120.0
    station_refresh_interval: float = 60.0
    max_pdf_bytes: int = 20_000_000
    timeouts: Timeouts = field(default_factory=Timeouts)


class Backoff:
    """Exponential backoff with "equal jitter": the n-th wait is uniformly between half and all
    of ``min(cap, initial * 2**n)``, so it grows reliably yet clients spread out."""

    def __init__(self, initial: float, cap: float, rand: Callable[[], float] = random.random) -> None:
        self.initial = initial
        self.cap = cap
        self.rand = rand
        self.attempt = 0

    def next_delay(self) -> float:
        ceiling = min(self.cap, self.initial * 2**self.attempt)
        self.attempt += 1
        return ceiling / 2 + self.rand() * ceiling / 2

    def reset(self) -> None:
        self.attempt = 0


class _PrinterState:
    def __init__(self, backoff: Backoff) -> None:
        self.backoff = backoff
        self.ready_at = 0.0


class Agent:
    def __init__(
        self,
        api: ApiClient,
        config: BridgeConfig,
        journal: Journal,
        settings: AgentSettings = AgentSettings(),
        stop: threading.Event | None = None,
        clock: Callable[[], float] = time.monotonic,
        rand: Callable[[], float] = random.random,
        transport_factory: Callable[[str, Timeouts], Transport] = open_transport,
    ) -> None:
        self.api = api
        self.config = config
        self.journal = journal
        self.settings = settings
        self.stop = stop or threading.Event()
        self.clock = clock
        self.rand = rand
        self.transport_factory = transport_factory
        self.api_backoff = Backoff(settings.api_backoff_initial, settings.api_backoff_cap, rand)
        self._printers: dict[str, _PrinterState] = {}
        self._transports: dict[str, Transport] = {}
        self._station_refreshed_at: float | None = None

    # -- the loop ---------------------------------------------------------------------------

    def run(self, once: bool = False) -> int:
        """Print until stopped. With ``once``, return when no job is waiting (or the cloud is
        unreachable) instead of polling on. Returns a process exit code."""
        self._fail_interrupted()
        while not self.stop.is_set():
            try:
                self._flush_acks()
                roles = self._ready_roles()
                if not roles:
                    if once:
                        return EXIT_OK
                    self._wait(self._until_a_printer_is_ready())
                    continue
                claimed_at = self.clock()
                job = self.api.claim(roles, self.settings.lease_seconds)
            except ApiUnreachable as exc:
                if once:
                    log.error("cloud unreachable: %s", exc)
                    return EXIT_CLOUD_ERROR
                delay = self.api_backoff.next_delay()
                log.warning("cloud unreachable (%s); retrying in %.1f s", exc, delay)
                self._wait(delay)
                continue
            except JobFormatError as exc:
                log.error("cloud sent a job the bridge cannot read: %s", exc)
                if exc.job_id:
                    self._fail(exc.job_id, f"job not understood by the bridge: {exc}")
                else:
                    self._wait(self.api_backoff.next_delay())
                continue
            except ApiError as exc:
                if _unauthorized(exc):
                    log.error("the cloud rejected this bridge's credential (%s); pair it again", exc)
                    return EXIT_UNAUTHORIZED
                log.error("cloud refused the request: %s", exc)
                if once:
                    return EXIT_CLOUD_ERROR
                self._wait(self.api_backoff.next_delay())
                continue
            self.api_backoff.reset()
            if job is None:
                if once:
                    return EXIT_OK
                self._wait(self.settings.poll_interval)
                continue
            self.process(job, claimed_at)
        return EXIT_OK

    def _wait(self, seconds: float) -> None:
        self.stop.wait(max(0.0, seconds))

    # -- one job ----------------------------------------------------------------------------

    def process(self, job: Job, claimed_at: float) -> Outcome:
        """Handle one claimed job end to end; never raises for a job-level problem."""
        try:
            return self._process(job, claimed_at)
        except Exception as exc:  # a bug must cost one job, not the agent
            log.exception("job %s: unexpected error", job.job_id)
            return self._fail(job.job_id, f"bridge error: {exc!r}")

    def _process(self, job: Job, claimed_at: float) -> Outcome:
        known = self.journal.get(job.job_id)
        if known is not None:
            if known.state == "printing":  # only if a previous attempt died mid-send in this run
                return self._fail(job.job_id, _INTERRUPTED)
            log.info("job %s was already %s here; acknowledging again, not printing", job.job_id, known.state)
            self._deliver_ack(job.job_id, known)
            return Outcome.ALREADY_DONE
        setup = self.config.printers.get(job.role)
        if setup is None or not setup.uri:
            return self._fail(job.job_id, f"no printer for role {job.role!r} on this print station")
        try:
            profile = self._profile_for(job.profile or setup.profile, job.role)
        except ProfileError as exc:
            return self._fail(job.job_id, str(exc))

        try:
            pdf = self.api.fetch_pdf(job.pdf_url, self.settings.max_pdf_bytes)
        except DownloadError as exc:
            if exc.permanent:
                return self._fail(job.job_id, str(exc))
            log.warning("job %s: %s; it will be offered again", job.job_id, exc)
            return Outcome.LEFT_FOR_RETRY
        try:
            pages = rasterize_pdf(pdf, profile)
        except PdfError as exc:
            return self._fail(job.job_id, f"malformed PDF: {exc}")
        if not any(page.height for page in pages):
            return self._fail(job.job_id, "nothing to print: every page of the PDF is blank")
        data = encode(pages, profile, PrintOptions(copies=job.copies, cut=job.cut, drawer_kick=job.drawer_kick))

        if self.clock() - claimed_at > self.settings.lease_seconds - self.settings.lease_margin:
            log.warning("job %s: lease nearly over before sending; leaving it to be offered again", job.job_id)
            return Outcome.LEFT_FOR_RETRY

        self.journal.record(job.job_id, "printing")
        try:
            result = self._transport(setup.uri).send(data, query_status=profile.language == "escpos")
        except PrinterUnavailable as exc:
            self.journal.record(job.job_id, "released")
            delay = self._printer_down(job.role)
            log.warning(
                "job %s: %s printer unavailable (%s); left for retry, trying the printer again in %.0f s",
                job.job_id, job.role, exc, delay,
            )
            self._release(job.job_id, f"{job.role} printer unavailable: {exc}")
            return Outcome.LEFT_FOR_RETRY
        except PrintInterrupted as exc:
            return self._fail(job.job_id, f"{exc}; part of the job may have printed, check before reprinting")
        self._printer_up(job.role)
        problem = result.status_after.problem if result.status_after else None
        if problem:
            return self._fail(
                job.job_id,
                f"{problem} right after the job was sent; it may finish once that is fixed, check before reprinting",
            )
        self.journal.record(job.job_id, "printed")
        log.info("job %s (%s, %d cop%s) printed on %s", job.job_id, job.kind, job.copies,
                 "y" if job.copies == 1 else "ies", setup.uri)
        self._deliver_ack(job.job_id, Entry(state="printed"))
        return Outcome.PRINTED

    def _fail(self, job_id: str, reason: str) -> Outcome:
        log.warning("job %s failed: %s", job_id, reason)
        self.journal.record(job_id, "failed", reason)
        self._deliver_ack(job_id, Entry(state="failed", reason=reason))
        return Outcome.FAILED

    def _release(self, job_id: str, reason: str) -> None:
        """Hand the job back now. Best effort: if the cloud cannot take it, the lease runs out."""
        try:
            self.api.release(job_id, reason)
        except (ApiUnreachable, ApiError) as exc:
            log.warning("job %s: release not delivered (%s); it comes back when the lease ends", job_id, exc)

    # -- acknowledgements -------------------------------------------------------------------

    def _deliver_ack(self, job_id: str, entry: Entry) -> None:
        """Acknowledge now if the cloud takes it; otherwise the journal keeps it owed and the
        loop retries (and stops on a revoked credential at its next claim)."""
        try:
            self._ack(job_id, entry)
        except (ApiUnreachable, ApiError) as exc:
            log.warning("job %s: acknowledgement not delivered (%s); will retry", job_id, exc)

    def _ack(self, job_id: str, entry: Entry) -> None:
        """Send one acknowledgement. Raises only when it should be tried again later."""
        try:
            self.api.ack(job_id, entry.state, entry.reason if entry.state == "failed" else None)
        except LeaseLost:
            log.warning("job %s: lease lost before the acknowledgement; it will not be printed again here", job_id)
        except ApiError as exc:
            if _unauthorized(exc):
                raise
            log.error("job %s: cloud refused the acknowledgement: %s", job_id, exc)
        self.journal.record(job_id, "acked")

    def _flush_acks(self) -> None:
        for job_id, entry in self.journal.unacked():
            self._ack(job_id, entry)

    def _fail_interrupted(self) -> None:
        for job_id in self.journal.interrupted():
            log.warning("job %s was being sent when the bridge stopped", job_id)
            self.journal.record(job_id, "failed", _INTERRUPTED)

    # -- printers and profiles --------------------------------------------------------------

    def _transport(self, uri: str) -> Transport:
        # Kept per URI so what a printer taught us (e.g. it never answers status) sticks.
        if uri not in self._transports:
            self._transports[uri] = self.transport_factory(uri, self.settings.timeouts)
        return self._transports[uri]

    def _state(self, role: str) -> _PrinterState:
        if role not in self._printers:
            backoff = Backoff(self.settings.printer_backoff_initial, self.settings.printer_backoff_cap, self.rand)
            self._printers[role] = _PrinterState(backoff)
        return self._printers[role]

    def _printer_down(self, role: str) -> float:
        state = self._state(role)
        delay = state.backoff.next_delay()
        state.ready_at = self.clock() + delay
        return delay

    def _printer_up(self, role: str) -> None:
        state = self._state(role)
        state.backoff.reset()
        state.ready_at = 0.0

    def _ready_roles(self) -> list[str]:
        now = self.clock()
        return sorted(
            role
            for role, setup in self.config.printers.items()
            if setup.uri and self._state(role).ready_at <= now
        )

    def _until_a_printer_is_ready(self) -> float:
        now = self.clock()
        waits = [self._state(role).ready_at - now for role, s in self.config.printers.items() if s.uri]
        return min([w for w in waits if w > 0], default=self.settings.poll_interval)

    def _profile_for(self, name: str | None, role: str) -> Profile:
        if not name:
            raise ProfileError(f"no printer profile set for role {role!r}")
        table = self.config.profile_table()
        if name not in table and self._may_refresh_station():
            # A profile the station added after this bridge last looked.
            try:
                self.refresh_station()
                table = self.config.profile_table()
            except (ApiUnreachable, ApiError, ProfileError) as exc:
                log.warning("could not refresh the station's profiles: %s", exc)
        return get_profile(name, table)

    def _may_refresh_station(self) -> bool:
        last = self._station_refreshed_at
        return last is None or self.clock() - last >= self.settings.station_refresh_interval

    def refresh_station(self) -> None:
        """Fetch the station's profiles and role mapping and save them to the config file."""
        self._station_refreshed_at = self.clock()
        self.config.apply_station(self.api.station())
        self.config.save()


_INTERRUPTED = "the bridge stopped while sending this job; check the printer before reprinting"


def _unauthorized(exc: ApiError) -> bool:
    return exc.status in (401, 403)
