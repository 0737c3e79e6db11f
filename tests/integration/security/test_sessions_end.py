"""Attack: a staff member's session outlives what the admin did to them (issue 15, part 1).

Every request reads the session, its device and the staff member as they are now (one
``BatchGetItem``), so each change below ends or narrows the session on its very next request."""
from __future__ import annotations


def _admin_and_second_admin(http, demo):
    admin = http.login_as(demo, "admin")
    r = http.post("/staff", {"name": "Wakil Admin", "role": "admin", "pin": "860241"}, auth=admin)
    assert r.status == 201, r
    second = http.login(demo["backoffice_device_token"], r.json["staff_id"], "860241")
    return admin, r.json["staff_id"], second


def test_a_deactivated_admin_is_refused_on_the_next_request(http, demo):
    admin, second_id, second = _admin_and_second_admin(http, demo)
    assert http.get("/staff", auth=second).status == 200
    assert http.patch(f"/staff/{second_id}", {"active": False}, auth=admin).status == 200
    r = http.post("/staff", {"name": "Penyusup", "role": "admin", "pin": "864209"}, auth=second)
    assert r.status == 401 and r.error_code == "session_ended"
    names = [s["name"] for s in http.get("/staff", auth=admin).json["staff"]]
    assert "Penyusup" not in names


def test_a_demoted_admin_gets_the_new_role_at_once(http, demo):
    admin, second_id, second = _admin_and_second_admin(http, demo)
    assert http.patch(f"/staff/{second_id}", {"role": "cashier"}, auth=admin).status == 200
    r = http.post("/staff", {"name": "Penyusup", "role": "admin", "pin": "864209"}, auth=second)
    assert r.status == 403 and r.error_code == "role_not_allowed"
    me = http.get("/auth/me", auth=second).json
    assert me["role"] == "cashier"  # still signed in, as what they are now


def test_a_pin_change_ends_the_persons_sessions(http, demo):
    admin, second_id, second = _admin_and_second_admin(http, demo)
    other_device = http.login(demo["backoffice_device_token"], second_id, "860241")
    assert http.patch(f"/staff/{second_id}", {"pin": "972503"}, auth=admin).status == 200
    for token in (second, other_device):
        r = http.get("/auth/me", auth=token)
        assert r.status == 401 and r.error_code == "session_ended"
    assert http.get("/auth/me", auth=admin).status == 200, "other people's sessions go on"
    again = http.login(demo["backoffice_device_token"], second_id, "972503")
    assert http.get("/auth/me", auth=again).status == 200


def test_end_all_sessions_of_one_person_and_of_the_store(http, demo):
    admin, second_id, second = _admin_and_second_admin(http, demo)
    cashier = http.login_as(demo, "cashier")
    r = http.post(f"/staff/{second_id}/end-sessions", auth=admin)
    assert r.status == 200 and r.json["ended_for"] == [second_id]
    assert http.get("/auth/me", auth=second).status == 401
    assert http.get("/auth/me", auth=cashier).status == 200
    assert http.post("/store/end-sessions", auth=cashier).status == 403
    assert http.post("/store/end-sessions", auth=admin).status == 200
    for token in (cashier, admin):
        assert http.get("/auth/me", auth=token).status == 401
    assert http.post("/staff/u_nobody/end-sessions", auth=http.login_as(demo, "admin")).status == 404


def test_logout_ends_only_that_session(http, demo):
    first = http.login_as(demo, "cashier")
    second = http.login_as(demo, "cashier")
    assert http.post("/auth/logout", auth=first).status == 200
    assert http.get("/auth/me", auth=first).status == 401
    assert http.get("/auth/me", auth=second).status == 200


def test_a_session_cannot_be_pointed_at_another_device_or_store(http, demo):
    import jwt

    from chalicelib.core import keys

    token = http.login_as(demo, "cashier")
    claims = jwt.decode(token.split()[1], options={"verify_signature": False})
    # Even with the signing key, a session id is bound to its own device, store and person.
    for change in ({"did": "d_other"}, {"sid": "s_other"}, {"sub": "u_admin"}):
        forged = jwt.encode(dict(claims, **change), keys.key(keys.SESSION), algorithm="HS256",
                            headers={"kid": str(keys.current_version())})
        r = http.get("/auth/me", auth=f"Bearer {forged}")
        assert r.status == 401 and r.error_code == "session_invalid", change


def test_a_supervisor_sells_like_a_cashier_and_approves_refunds_but_manages_nothing(http, demo):
    admin = http.login_as(demo, "admin")
    r = http.post("/staff", {"name": "Sinta Supervisor", "role": "supervisor", "pin": "739184"}, auth=admin)
    assert r.status == 201, r
    sup = http.login(demo["backoffice_device_token"], r.json["staff_id"], "739184")
    assert http.get("/sales/pending", auth=sup).status == 200  # a cashier's route
    assert http.get("/staff", auth=sup).status == 403  # an admin's route
    assert http.get("/shipping/settings", auth=sup).status == 403
