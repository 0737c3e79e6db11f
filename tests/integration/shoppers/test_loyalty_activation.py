"""Points at most once per order, activation links (happy path, replay, expiry, tampering) and cashier figures."""
from __future__ import annotations

import re

import pytest

from chalicelib.core.outbox import OutboxItem
from chalicelib.core.uow import ConditionLost
from chalicelib.shoppers import service
from chalicelib.shoppers.repo import ActivationTokenRecord, ShopperRecord

from .conftest import PHONE, complete_order, idem, staff_caller


def _token_from(effect_id: str) -> str:
    link = OutboxItem.get(effect_id).payload["params"]["link"]
    m = re.fullmatch(r"http://127\.0\.0\.1:8000/activate\.html#t=(\S+)", link)
    assert m, link
    return m.group(1)


def test_points_are_credited_once_per_order_whatever_retries(api, cashier, registered, shop, clock):
    sid = registered["shopper_id"]
    points, _ = complete_order(shop, sid, "o_first", 159_900)
    assert points == 15
    for _ in range(2):  # the sales service retrying a completion that already went through
        with pytest.raises(Exception) as e:
            complete_order(shop, sid, "o_first", 159_900)
        assert isinstance(e.value, ConditionLost), "a retry reads as 'already applied'"
    clock.advance(minutes=5)
    assert complete_order(shop, sid, "o_second", 25_000)[0] == 2
    clock.advance(minutes=5)
    assert complete_order(shop, sid, "o_small", 9_999)[0] == 0, "rounded down, but still a visit"

    assert service.balance("m_demo", sid) == 17
    assert service.points_for_order("m_demo", sid, "o_first") == 15
    assert service.points_for_order("m_demo", sid, "o_never") is None
    found = api.get(f"/shoppers/lookup?phone={PHONE}", auth=cashier).json
    assert (found["points_balance"], found["visit_count"], found["last_visit_at"]) == (17, 3, clock.now_s())

    page = api.get(f"/shoppers/{sid}/points?limit=2", auth=cashier).json
    assert page["points_balance"] == 17
    assert [(e["order_id"], e["points"], e["amount"]) for e in page["entries"]] == [("o_small", 0, 9_999),
                                                                                  ("o_second", 2, 25_000)], "newest first"
    rest = api.get(f"/shoppers/{sid}/points?limit=2&cursor={page['next_cursor']}", auth=cashier).json
    assert [e["order_id"] for e in rest["entries"]] == ["o_first"] and rest["next_cursor"] is None
    assert api.get(f"/shoppers/{sid}/points?cursor=bm9wZQ", auth=cashier).error_code == "invalid_cursor"

    day = api.get("/reports/cashiers", auth=cashier).json["cashiers"][0]
    assert (day["transactions"], day["linked"]) == (3, 3), "the failed retries counted no sale"


def test_activation_link_works_once(api, cashier, registered, shop, clock):
    sid = registered["shopper_id"]
    _, effects = complete_order(shop, sid, "o_first", 50_000)
    assert effects == ["msg-receipt#o_first", "msg-activation#o_first"]
    assert OutboxItem.get("msg-activation#o_first").payload["to"] == "+6281234567890"
    assert OutboxItem.get("msg-receipt#o_first").payload["params"] == {
        "name": "Budi", "store": "Toko Demo", "order_no": "2311-first", "amount": "Rp50.000",
        "receipt_url": "http://127.0.0.1:8000/receipt.html#r-o_first", "points": "5", "balance": "5"}
    token = _token_from("msg-activation#o_first")

    info = api.get(f"/shoppers/activation/{token}")
    assert info.status == 200, info
    assert info.json == {"merchant_name": "Sambung Demo", "store_name": "Toko Demo", "shopper_name": "Budi",
                         "phone_masked": "0812-****-7890", "points_balance": 5, "expires_at": clock.now_s() + 7 * 86400}
    clock.advance(hours=1)
    done = api.post(f"/shoppers/activation/{token}")
    assert done.status == 200 and done.json["activated"] is True and done.json["activated_at"] == clock.now_s()
    assert ShopperRecord.get("m_demo", sid).activated_at == clock.now_s()
    assert api.get(f"/shoppers/lookup?phone={PHONE}", auth=cashier).json["activated"] is True

    clock.advance(minutes=1)
    for replay in (api.post(f"/shoppers/activation/{token}"), api.get(f"/shoppers/activation/{token}")):
        assert replay.status == 410 and replay.error_code == "activation_used"
    assert ShopperRecord.get("m_demo", sid).activated_at == clock.now_s() - 60, "a replay changes nothing"
    assert complete_order(shop, sid, "o_next", 20_000)[1] == ["msg-receipt#o_next"], "an active shopper gets no new link"


def test_expired_or_tampered_links_reveal_nothing_and_change_nothing(api, registered, shop, clock):
    sid = registered["shopper_id"]
    complete_order(shop, sid, "o_first", 50_000)
    token = _token_from("msg-activation#o_first")
    token_id, exp, mac = token.split(".")
    forged = [f"{token_id}.{int(exp) + 86400}.{mac}", token[:-2] + ("AA" if token[-2:] != "AA" else "BB"),
              f"AAAAAAAAAAAA.{exp}.{mac}", "x", token + "0"]
    answers = {api.post(f"/shoppers/activation/{f}").body for f in forged} | {api.get(f"/shoppers/activation/{f}").body
                                                                              for f in forged}
    assert len(answers) == 1, "every forgery gets the same answer"
    body = answers.pop().decode()
    assert '"activation_invalid"' in body and "Budi" not in body and "0812" not in body
    assert api.post(f"/shoppers/activation/{forged[0]}").status == 404

    clock.advance(days=7, seconds=1)
    late = api.post(f"/shoppers/activation/{token}")
    assert late.status == 410 and late.error_code == "activation_expired"
    assert ShopperRecord.get("m_demo", sid).activated_at is None
    assert all(t.used_at is None for t in ActivationTokenRecord.scan())

    complete_order(shop, sid, "o_later", 30_000)  # the next purchase brings a fresh link
    fresh = _token_from("msg-activation#o_later")
    assert api.post(f"/shoppers/activation/{fresh}").status == 200


def test_cashier_figures_per_day(api, cashier, registered, shop, clock):
    admin = api.login_as(shop, "admin")
    sid = registered["shopper_id"]
    complete_order(shop, sid, "o1", 10_000)
    complete_order(shop, None, "o2", 10_000)
    complete_order(shop, None, "o3", 10_000, staff_id="u_budi")
    key = idem()
    for _ in range(2):  # a retried "Lewati" counts once
        r = api.post("/shoppers/skip", auth=cashier, headers=key)
        assert r.status == 201 and r.json["skipped"] == 1
    assert api.post("/shoppers/skip", auth=cashier).error_code == "idempotency_key_required"

    today = "2026-11-23"
    report = api.get(f"/reports/cashiers?day={today}", auth=admin).json
    rows = {r["name"]: r for r in report["cashiers"]}
    assert set(rows) == {"Sari Kasir", "Budi Kasir"}, "active cashiers with nothing yet are listed too"
    assert {k: rows["Sari Kasir"][k] for k in ("transactions", "linked", "unlinked", "skipped", "registered", "link_rate")} \
        == {"transactions": 2, "linked": 1, "unlinked": 1, "skipped": 1, "registered": 1, "link_rate": 0.5}
    assert (rows["Budi Kasir"]["transactions"], rows["Budi Kasir"]["link_rate"]) == (1, 0.0)
    assert (report["totals"]["transactions"], report["totals"]["linked"], report["timezone"]) == (3, 1, "Asia/Jakarta")

    own = api.get("/reports/cashiers", auth=cashier).json
    assert own["day"] == today and [r["staff_id"] for r in own["cashiers"]] == ["u_sari"] and "totals" not in own

    clock.advance(hours=17, minutes=30)  # 00:30 WIB on the 24th: a new store-local day
    complete_order(shop, sid, "o4", 10_000)
    # Read through the service: session tokens are checked against the real clock, not the moved one.
    by_admin = staff_caller(shop, "u_admin", role="admin")
    assert service.cashier_report(by_admin, None)["day"] == "2026-11-24"
    assert service.cashier_report(by_admin, "2026-11-24")["totals"]["transactions"] == 1
    assert service.cashier_report(by_admin, today)["totals"]["transactions"] == 3
    clock.advance(hours=-17, minutes=-30)
    assert api.get("/reports/cashiers?day=2026-02-30", auth=admin).error_code == "invalid_day"
    assert api.get("/reports/cashiers", auth=api.login_as(shop, "warehouse")).status == 403
