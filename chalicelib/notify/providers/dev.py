"""Local development: every message becomes one JSON line in a file, readable on ``/dev/messages``.

The file is ``$SAMBUNG_MESSAGES_FILE`` (default ``var/messages.jsonl``). Nothing leaves the machine.
"""
from __future__ import annotations

import json
import os
import threading
from pathlib import Path
from typing import Sequence

from ...core.clock import get_clock, iso_utc
from ...core.ids import new_id
from ...core.phone import display_phone

DEFAULT_FILE = "var/messages.jsonl"
DEV_STAGES = ("dev", "test", "local")
_lock = threading.Lock()  # the local stack delivers from several threads into one file


def allowed() -> bool:
    """Only development stages may use it: elsewhere a message "sent" to a file never reaches anyone."""
    return os.environ.get("SAMBUNG_STAGE", "dev") in DEV_STAGES


def messages_file() -> Path:
    return Path(os.environ.get("SAMBUNG_MESSAGES_FILE") or DEFAULT_FILE)


class DevFileProvider:
    name = "dev"

    def __init__(self, path: Path | None = None):
        self._path = path or messages_file()

    def send(self, to_e164: str, template: str, params: Sequence[str], text: str) -> str:
        message_id = "dev-" + new_id()
        line = {"id": message_id, "at": iso_utc(get_clock().now()), "to": to_e164, "to_display": display_phone(to_e164),
                "template": template, "params": list(params), "text": text}
        self._path.parent.mkdir(parents=True, exist_ok=True)
        with _lock, self._path.open("a", encoding="utf-8") as f:
            f.write(json.dumps(line, ensure_ascii=False) + "\n")
        return message_id


def read_messages(path: Path | None = None, limit: int = 100) -> list[dict]:
    """The newest ``limit`` messages, newest first; a half-written last line is skipped."""
    path = path or messages_file()
    if not path.exists():
        return []
    out = []
    for raw in path.read_text(encoding="utf-8").splitlines()[-limit:]:
        try:
            out.append(json.loads(raw))
        except ValueError:
            continue
    return list(reversed(out))
