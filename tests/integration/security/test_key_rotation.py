"""A leaked key is rotated (issue 15, part 3): sessions end, PINs keep working, links already sent work."""
from __future__ import annotations

import dataclasses

from chalicelib.core import keys
from chalicelib.core.settings import get_settings
from chalicelib.staff.repo import StaffRecord


def test_rotating_the_master_key_ends_sessions_and_keeps_every_pin(http, demo, monkeypatch):
    before = http.login_as(demo, "cashier")
    old_hash = StaffRecord.get("s_demo", "u_sari").pin_hash
    assert old_hash.startswith("scrypt$v1$")
    current = get_settings()
    rotated = dataclasses.replace(current, token_secret=f"2:{'n' * 48},1:{current.token_secret}")
    monkeypatch.setattr(keys, "get_settings", lambda: rotated)
    keys.reset()
    try:
        r = http.get("/auth/me", auth=before)
        assert r.status == 401 and r.error_code == "session_invalid", "sessions signed with the old key end"
        after = http.login_as(demo, "cashier")  # the same PIN still signs in ...
        assert http.get("/auth/me", auth=after).status == 200
        assert StaffRecord.get("s_demo", "u_sari").pin_hash.startswith("scrypt$v2$")  # ... and is re-peppered
    finally:
        monkeypatch.undo()
        keys.reset()
