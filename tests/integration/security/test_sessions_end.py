"""Attack: a staff member's session outlives what the admin did to them (issue 15, part 1).

Every request reads the session, its device and the staff member as they are now (one
``BatchGetItem``), so each change below ends or narrows the session on its very next request."""
from __future__ import annotations


def _admin_and_second_admin(api, demo):
    admin = api.login_as(demo, "admin")
    r = api.post("/staff", {"name": "Wakil Admin", "role": "admin", "pin": "860241"}, auth=admin)
    assert r.status == 201, r
    second = api.login(demo["backoffice_device_token"], r.json["staff_id"], "860241")
    return admin, r.json["staff_id"], second


def test_a_deactivated_admin_is_refused_on_the_next_request(api, demo):
    admin, second_id, second = _admin_and_second_admin(api, demo)
    assert api.get("/staff", auth=second).status == 200
    assert api.patch(f"/staff/{second_id}", {"active": False}, auth=admin).status == 200
    r = api.post("/staff", {"name": "Penyusup", "role": "admin", "pin": "864209"}, auth=second)
    assert r.status == 401 and r.error_code == "session_ended"
    names = [s["name"] for s in api.get("/staff", auth=admin).json["staff"]]
    assert "Penyusup" not in names


def test_a_demoted_admin_gets_the_new_role_at_once(api, demo):
    admin, second_id, second = _admin_and_second_admin(api, demo)
    assert api.patch(f"/staff/{second_id}", {"role": "cashier"}, auth=admin).status == 200
    r = api.post("/staff", {"name": "Penyusup", "role": "admin", "pin": "864209"}, auth=second)
    assert r.status == 403 and r.error_code == "role_not_allowed"
    me = api.get("/auth/me", auth=second).json
    assert me["role"] == "cashier"  # still signed in, as what they are now


def test_a_pin_change_ends_the_persons_sessions(api, demo):
    admin, second_id, second = _admin_and_second_admin(api, demo)
    other_device = api.login(demo["backoffice_device_token"], second_id, "860241")
    assert api.patch(f"/staff/{second_id}", {"pin": "972503"}, auth=admin).status == 200
    for token in (second, other_device):
        r = api.get("/auth/me", auth=token)
        assert r.status == 401 and r.error_code == "session_ended"
    assert api.get("/auth/me", auth=admin).status == 200, "other people's sessions go on"
    again = api.login(demo["backoffice_device_token"], second_id, "972503")
    assert api.get("/auth/me", auth=again).status == 200


def test_end_all_sessions_of_one_person_and_of_the_store(api, demo):
    admin, second_id, second = _admin_and_second_admin(api, demo)
    cashier = api.login_as(demo, "cashier")
    r = api.post(f"/staff/{second_id}/end-sessions", auth=admin)
    assert r.status == 200 and r.json["ended_for"] == [second_id]
    assert api.get("/auth/me", auth=second).status == 401
    assert api.get("/auth/me", auth=cashier).status == 200
    assert api.post("/store/end-sessions", auth=cashier).status == 403
    assert api.post("/store/end-sessions", auth=admin).status == 200
    for token in (cashier, admin):
        assert api.get("/auth/me", auth=token).status == 401
    assert api.post("/staff/u_nobody/end-sessions", auth=api.login_as(demo, "admin")).status == 404


def test_logout_ends_only_that_session(api, demo):
    first = api.login_as(demo, "cashier")
    second = api.login_as(demo, "cashier")
    assert api.post("/auth/logout", auth=first).status == 200
    assert api.get("/auth/me", auth=first).status == 401
    assert api.get("/auth/me", auth=second).status == 200


def test_a_session_cannot_be_pointed_at_another_device_or_store(api, demo):
    import jwt

    from chalicelib.core import keys

    token = api.login_as(demo, "cashier")
    claims = jwt.decode(token.split()[1], options={"verify_signature": False})
    # Even with the signing key, a session id is bound to its own device, store and person.
    for change in ({"did": "d_other"}, {"sid": "s_other"}, {"sub": "u_admin"}):
        forged = jwt.encode(dict(claims, **change), keys.key(keys.SESSION), algorithm="HS256",
                            headers={"kid": str(keys.current_version())})
        r = api.get("/auth/me", auth=f"Bearer {forged}")
        assert r.status == 401 and r.error_code == "session_invalid", change
