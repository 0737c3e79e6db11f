"""Recognising and registering shoppers by phone through the API, against serialised moto."""
from __future__ import annotations

import threading

from chalicelib.shoppers import service
from chalicelib.shoppers.repo import CashierDayRecord, ShopperPhoneRecord, ShopperRecord

from .conftest import E164, PHONE, idem, login_elsewhere, staff_caller


def _shoppers(merchant_id="m_demo") -> list[ShopperRecord]:
    return list(ShopperRecord.query(merchant_id))


def test_unknown_phone_then_register_then_recognised_however_typed(api, cashier):
    r = api.get("/shoppers/lookup?phone=0812-3456-7890", auth=cashier)
    assert r.status == 404 and r.error_code == "shopper_unknown"
    assert r.json["error"]["details"]["phone_display"] == "0812-3456-7890", "the form can show what will be saved"

    r = api.post("/shoppers", {"phone": "0812 3456 7890", "name": "  Budi  Santoso ", "consent": True,
                               "email": "Budi@Contoh.com", "birthday": "1995-08-17"}, auth=cashier, headers=idem())
    assert r.status == 201, r
    assert r.json == {"shopper_id": r.json["shopper_id"], "name": "Budi Santoso", "phone": E164,
                      "phone_display": "0812-3456-7890", "points_balance": 0, "points_owed": 0, "visit_count": 0,
                      "last_visit_at": None, "activated": False, "member_since": r.json["member_since"], "created": True}
    for typed in ("+62 812-3456-7890", "6281234567890", "081234567890"):
        found = api.get(f"/shoppers/lookup?phone={typed.replace('+', '%2B').replace(' ', '%20')}", auth=cashier)
        assert found.status == 200 and found.json["shopper_id"] == r.json["shopper_id"], typed
    rec = ShopperRecord.get("m_demo", r.json["shopper_id"])
    assert (rec.email, rec.birthday, rec.registered_by, rec.consent_at) == ("budi@contoh.com", "1995-08-17", "u_sari",
                                                                             rec.created_at)
    assert "email" not in found.json and "birthday" not in found.json, "the cashier flow does not need them"


def test_bad_input_is_refused_and_changes_nothing(api, cashier):
    cases = [
        ({"phone": "08123", "name": "Budi", "consent": True}, "invalid_phone"),
        ({"phone": "0812-abc", "name": "Budi", "consent": True}, "invalid_phone"),
        ({"phone": "021-5551234", "name": "Budi", "consent": True}, "phone_not_mobile"),
        ({"phone": PHONE, "name": "Budi"}, "missing_field"),
        ({"phone": PHONE, "name": "Budi", "consent": False}, "consent_required"),
        ({"phone": PHONE, "name": "Budi", "consent": "true"}, "invalid_type"),
        ({"phone": PHONE, "name": "   ", "consent": True}, "invalid_name"),
        ({"phone": PHONE, "name": "Budi", "consent": True, "email": "budi@"}, "invalid_email"),
        ({"phone": PHONE, "name": "Budi", "consent": True, "birthday": "2030-01-01"}, "invalid_birthday"),
        ({"phone": PHONE, "name": "Budi", "consent": True, "points_balance": 1000}, "unknown_field"),
    ]
    for body, code in cases:
        r = api.post("/shoppers", body, auth=cashier, headers=idem())
        assert r.status == 400 and r.error_code == code, (body, r)
    assert api.post("/shoppers", {"phone": PHONE, "name": "Budi", "consent": True}, auth=cashier).error_code \
        == "idempotency_key_required"
    r = api.get("/shoppers/lookup?phone=12", auth=cashier)
    assert r.status == 400 and r.error_code == "invalid_phone"
    assert api.get("/shoppers/lookup", auth=cashier).error_code == "invalid_phone"
    assert _shoppers() == [] and list(CashierDayRecord.scan()) == []


def test_who_may_look_up_and_register(api, shop, clock):
    warehouse = api.login_as(shop, "warehouse")
    assert api.get(f"/shoppers/lookup?phone={PHONE}", auth=warehouse).status == 403
    assert api.get(f"/shoppers/lookup?phone={PHONE}").status == 401
    assert api.get(f"/shoppers/lookup?phone={PHONE}", auth=f"Device {shop['backoffice_device_token']}").status == 401
    cs = api.login_as(shop, "cs")
    assert api.post("/shoppers", {"phone": PHONE, "name": "Budi", "consent": True}, auth=cs, headers=idem()).status == 201


def test_duplicate_registration_returns_the_existing_shopper_unchanged(api, cashier, registered, shop):
    r = api.post("/shoppers", {"phone": "+62 812 3456 7890", "name": "Orang Lain", "consent": True,
                               "email": "lain@contoh.com"}, auth=cashier, headers=idem())
    assert r.status == 201 and r.json["created"] is False
    assert r.json["shopper_id"] == registered["shopper_id"] and r.json["name"] == "Budi Santoso"
    rec = ShopperRecord.get("m_demo", registered["shopper_id"])
    assert rec.email is None and rec.name == "Budi Santoso", "nothing is overwritten"
    assert len(_shoppers()) == 1
    day = service.engagement_day(shop["store_id"])
    assert CashierDayRecord.get(shop["store_id"], f"{day}#u_sari").registered == 1, "only a real registration counts"


def test_a_retry_with_the_same_key_gets_the_first_answer(api, cashier):
    key = {"Idempotency-Key": "kiosk-1-reg-42"}
    body = {"phone": PHONE, "name": "Budi", "consent": True}
    first = api.post("/shoppers", body, auth=cashier, headers=key)
    again = api.post("/shoppers", body, auth=cashier, headers=key)
    assert first.status == again.status == 201 and again.json == first.json and again.json["created"] is True
    other = api.post("/shoppers", dict(body, name="Budi S"), auth=cashier, headers=key)
    assert other.status == 422 and other.error_code == "idempotency_key_reused"


def test_two_kiosks_registering_one_phone_at_once_create_one_shopper(shop, clock, monkeypatch):
    """Both kiosks pass the "is this phone known?" check before either writes; the phone item's
    condition in the unit of work lets one create, and the other gets that same shopper back."""
    from chalicelib.core import uow as units

    both_checked = threading.Barrier(2, timeout=10)
    run = units.run

    def run_after_both_checked(*args, **kwargs):
        both_checked.wait()
        return run(*args, **kwargs)

    monkeypatch.setattr(service.units, "run", run_after_both_checked)
    results, errors = [], []

    def kiosk(staff_id, name):
        try:
            results.append(service.register(staff_caller(shop, staff_id), {"phone": PHONE, "name": name, "consent": True}))
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=kiosk, args=("u_sari", "Budi")), threading.Thread(target=kiosk, args=("u_budi", "Budi S"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(20)
    assert errors == [] and len(results) == 2
    assert results[0]["shopper_id"] == results[1]["shopper_id"]
    assert sorted(r["created"] for r in results) == [False, True]
    assert len(_shoppers()) == 1 and len(list(ShopperPhoneRecord.query("m_demo"))) == 1
    day = service.engagement_day(shop["store_id"])
    assert sum(int(r.registered) for r in CashierDayRecord.query(shop["store_id"])) == 1
    assert {r.day for r in CashierDayRecord.query(shop["store_id"])} == {day}


def test_one_shopper_across_the_merchants_stores_invisible_to_other_merchants(api, registered, shop):
    sid = registered["shopper_id"]
    branch = login_elsewhere(api, merchant_id="m_demo", store_id="s_branch", new_merchant=False)
    r = api.get(f"/shoppers/lookup?phone={PHONE}", auth=branch)
    assert r.status == 200 and r.json["shopper_id"] == sid
    again = api.post("/shoppers", {"phone": PHONE, "name": "Budi", "consent": True}, auth=branch, headers=idem())
    assert again.json["shopper_id"] == sid and again.json["created"] is False

    other = login_elsewhere(api, merchant_id="m_other", store_id="s_other", new_merchant=True)
    for path in (f"/shoppers/lookup?phone={PHONE}", f"/shoppers/{sid}", f"/shoppers/{sid}/points"):
        r = api.get(path, auth=other)
        assert r.status == 404 and r.error_code == "shopper_unknown", path
        assert "Budi" not in r.body.decode() and sid not in r.body.decode()
    assert api.get("/shoppers/sh_nope/points", auth=other).status == 404
    # The other merchant's own registration of the same person is a separate shopper of theirs.
    mine = api.post("/shoppers", {"phone": PHONE, "name": "Budi (Lain)", "consent": True}, auth=other, headers=idem())
    assert mine.json["created"] is True and mine.json["shopper_id"] != sid
    assert ShopperRecord.get("m_demo", sid).name == "Budi Santoso"
