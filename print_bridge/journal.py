"""A small local journal of job outcomes, so one bridge never prints the same job twice.

The cloud re-offers a job whose acknowledgement it never received (the ack was lost, the lease
ran out mid-print, the PC crashed). Paper duplicates are worse than delays (two COD labels for
one parcel), so the bridge writes what it did to this journal *before* acknowledging, and
checks it before printing anything it claims.

Append-only JSON lines, fsynced, one event per line::

    {"job_id": "...", "event": "printing"}              about to send bytes to the printer
    {"job_id": "...", "event": "printed"}               all bytes accepted by the printer
    {"job_id": "...", "event": "failed", "reason": ...} will be acked failed
    {"job_id": "...", "event": "released"}              nothing was sent; may be printed later
    {"job_id": "...", "event": "acked"}                 the cloud has our outcome

A job left at ``printing`` means the bridge stopped while sending: it may be partly on paper, so
it is failed with a reason rather than printed again. The file is compacted on open to the
most recent jobs.
"""
from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

EVENTS = ("printing", "printed", "failed", "released", "acked")


@dataclass
class Entry:
    state: str  # printing | printed | failed
    reason: str | None = None
    acked: bool = False


class Journal:
    def __init__(self, path: Path, keep: int = 2000) -> None:
        self.path = path
        self.keep = keep
        self._entries: dict[str, Entry] = {}
        lines = self._load()
        if lines > 2 * keep:
            self._compact()

    def _load(self) -> int:
        if not self.path.exists():
            return 0
        lines = 0
        with open(self.path, encoding="utf-8") as handle:
            for line in handle:
                lines += 1
                try:
                    event = json.loads(line)
                    self._apply(event["job_id"], event["event"], event.get("reason"))
                except (ValueError, KeyError, TypeError):
                    # A torn last line from a power cut: everything before it still counts.
                    log.warning("journal %s: skipping unreadable line %d", self.path, lines)
        return lines

    def _apply(self, job_id: str, event: str, reason: str | None) -> None:
        if event not in EVENTS:
            raise ValueError(event)
        if event == "released":
            self._entries.pop(job_id, None)
        elif event == "acked":
            if job_id in self._entries:
                self._entries[job_id].acked = True
        else:
            # Re-insert so dict order is recency order for compaction.
            self._entries.pop(job_id, None)
            self._entries[job_id] = Entry(state=event, reason=reason)

    def _compact(self) -> None:
        recent = list(self._entries.items())[-self.keep :]
        self._entries = dict(recent)
        tmp = self.path.with_name(self.path.name + ".tmp")
        with open(tmp, "w", encoding="utf-8") as handle:
            for job_id, entry in recent:
                handle.write(_line(job_id, entry.state, entry.reason))
                if entry.acked:
                    handle.write(_line(job_id, "acked", None))
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, self.path)

    def get(self, job_id: str) -> Entry | None:
        return self._entries.get(job_id)

    def record(self, job_id: str, event: str, reason: str | None = None) -> None:
        """Append one event durably (flushed and fsynced before returning)."""
        self._apply(job_id, event, reason)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.path, "a", encoding="utf-8") as handle:
            handle.write(_line(job_id, event, reason))
            handle.flush()
            os.fsync(handle.fileno())

    def interrupted(self) -> list[str]:
        """Jobs whose sending started but never finished (the bridge stopped mid-job)."""
        return [job_id for job_id, entry in self._entries.items() if entry.state == "printing"]

    def unacked(self) -> list[tuple[str, Entry]]:
        """Finished jobs whose outcome the cloud has not confirmed yet."""
        return [
            (job_id, entry)
            for job_id, entry in self._entries.items()
            if entry.state in ("printed", "failed") and not entry.acked
        ]


def _line(job_id: str, event: str, reason: str | None) -> str:
    record = {"job_id": job_id, "event": event}
    if reason:
        record["reason"] = reason
    return json.dumps(record, ensure_ascii=False) + "\n"
