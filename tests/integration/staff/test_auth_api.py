"""Pairing, PIN sign-in, lockout, sessions and store scoping through the API against moto."""
from __future__ import annotations

import jwt

from chalicelib.staff.repo import PinGuardRecord, StaffRecord


def _pair(api, admin, kind="kiosk"):
    code = api.post("/devices/pairing-codes", {"kind": kind}, auth=admin).json["code"]
    r = api.post("/devices/pair", {"code": code, "name": "Kasir 1"})
    assert r.status == 201, r
    return code, r.json


def test_pairing_code_is_single_use_and_expires(api, demo, clock):
    admin = api.login_as(demo, "admin")
    code, device = _pair(api, admin)
    assert device["store_name"] == "Toko Demo"
    again = api.post("/devices/pair", {"code": code, "name": "Kasir 2"})
    assert again.status == 410 and again.error_code == "pairing_code_used"
    late = api.post("/devices/pairing-codes", {"kind": "kiosk"}, auth=admin).json["code"]
    clock.advance(minutes=10, seconds=1)
    r = api.post("/devices/pair", {"code": late, "name": "Kasir 3"})
    assert r.status == 410 and r.error_code == "pairing_code_expired"
    assert api.post("/devices/pair", {"code": "NOPE1234", "name": "x"}).status == 404


def test_pin_login_lockout_after_five_wrong(api, demo, clock):
    dev = demo["backoffice_device_token"]
    for i in range(4):
        r = api.post("/auth/login", {"staff_id": "u_sari", "pin": "999999"}, auth=f"Device {dev}")
        assert r.status == 401 and r.error_code == "wrong_pin"
    r = api.post("/auth/login", {"staff_id": "u_sari", "pin": "999999"}, auth=f"Device {dev}")
    assert r.status == 423 and r.error_code == "pin_locked"
    r = api.post("/auth/login", {"staff_id": "u_sari", "pin": "246810"}, auth=f"Device {dev}")
    assert r.status == 423, "the right PIN is refused while locked"
    clock.advance(minutes=15, seconds=1)
    assert api.post("/auth/login", {"staff_id": "u_sari", "pin": "246810"}, auth=f"Device {dev}").status == 200
    assert PinGuardRecord.get("s_demo", f"u_sari#{demo['backoffice_device_token'].split('.')[0]}").tries == 0


def test_login_needs_a_paired_device(api, demo):
    r = api.post("/auth/login", {"staff_id": "u_sari", "pin": "246810"})
    assert r.status == 401
    r = api.post("/auth/login", {"staff_id": "u_sari", "pin": "246810"}, auth="Device d_x.forged")
    assert r.status == 401 and r.error_code == "device_unknown"


def test_session_token_logout_tamper_expiry(api, demo, clock):
    token = api.login_as(demo, "cashier")
    assert api.get("/auth/me", auth=token).json["role"] == "cashier"
    raw = token.split()[1]
    claims = jwt.decode(raw, options={"verify_signature": False})
    assert claims["exp"] - claims["iat"] <= 12 * 3600
    forged = jwt.encode(dict(claims, role="admin"), "an-attacker-guess-of-the-secret-key", algorithm="HS256")
    assert api.get("/staff", auth=f"Bearer {forged}").status == 401
    assert api.get("/staff", auth=token).status == 403, "cashiers cannot manage staff"
    assert api.post("/auth/logout", auth=token).status == 200
    assert api.get("/auth/me", auth=token).status == 401
    token2 = api.login_as(demo, "cashier")
    clock.advance(hours=12, seconds=1)
    assert api.get("/auth/me", auth=token2).status == 401


def test_revoked_device_refused_on_next_request(api, demo):
    admin = api.login_as(demo, "admin")
    _, device = _pair(api, admin)
    session = api.login(device["device_token"], "u_sari", "246810")
    assert api.get("/auth/me", auth=session).status == 200
    r = api.post(f"/devices/{device['device_id']}/revoke", auth=admin)
    assert r.status == 200 and r.json["status"] == "REVOKED"
    assert api.get("/auth/me", auth=session).error_code == "device_revoked"
    assert api.get("/auth/staff", auth=f"Device {device['device_token']}").status == 401


def test_admin_manages_staff_with_valid_pins_only(api, demo):
    admin = api.login_as(demo, "admin")
    r = api.post("/staff", {"name": "Tono", "role": "cashier", "pin": "111111"}, auth=admin)
    assert r.status == 400 and r.error_code == "weak_pin"
    r = api.post("/staff", {"name": "Tono", "role": "boss", "pin": "482915"}, auth=admin)
    assert r.status == 400 and r.error_code == "invalid_role"
    r = api.post("/staff", {"name": "Tono", "role": "cashier", "pin": "482915"}, auth=admin)
    assert r.status == 201 and "pin" not in r.json and "pin_hash" not in r.json
    rec = StaffRecord.get("s_demo", r.json["staff_id"])
    assert rec.pin_hash.startswith("scrypt$") and "482915" not in rec.pin_hash
    names = [s["name"] for s in api.get("/auth/staff", auth=f"Device {demo['backoffice_device_token']}").json["staff"]]
    assert "Tono" in names


def test_a_settings_change_keeps_what_someone_else_changed_meanwhile(api, demo, monkeypatch):
    """Two admins change different parts of the store's settings at the same moment: the one who
    writes second reads again and keeps the first one's change."""
    from chalicelib.staff import repo, service

    admin = api.login_as(demo, "admin")
    replace = repo.replace_store_settings
    sneaked = []

    def someone_else_first(uow, store, current, settings):
        if not sneaked:  # another admin's change lands between this read and this write
            sneaked.append(True)
            service.change_settings(demo["store_id"], lambda s: dict(s, idle_lock_minutes=9))
        replace(uow, store, current, settings)

    monkeypatch.setattr(repo, "replace_store_settings", someone_else_first)
    r = api.patch("/store/settings", {"qris_expiry_minutes": 20}, auth=admin)
    assert r.status == 200, r
    assert (r.json["qris_expiry_minutes"], r.json["idle_lock_minutes"]) == (20, 9)
