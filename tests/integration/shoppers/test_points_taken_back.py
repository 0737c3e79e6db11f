"""Points a refund takes back: once per refund, the balance lowered in the same unit, exact against a
sale of the same shopper completing at that instant, and a balance below zero recorded as owed."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from chalicelib.core import uow as units
from chalicelib.core.outbox import OutboxItem
from chalicelib.core.uow import ConditionLost
from chalicelib.shoppers import service
from chalicelib.shoppers.repo import ShopperRecord

from .conftest import complete_order


def take_back(shop: dict, shopper_id: str, order_id: str, refund_id: str, points: int) -> int:
    """What the refund service adds to its unit when a refund is done (and the shopper's message)."""
    def work(uow) -> int:
        balance = service.take_points_ops(uow, merchant_id=shop["merchant_id"], shopper_id=shopper_id,
                                          order_id=order_id, refund_id=refund_id, points=points,
                                          store_id=shop["store_id"])
        service.queue_refund_message(uow, order={
            "order_id": order_id, "order_no": f"2311-{order_id[-5:]}", "store_id": shop["store_id"],
            "merchant_id": shop["merchant_id"], "shopper_id": shopper_id, "refund_id": refund_id,
            "refund_no": f"2311-{order_id[-5:]}-R1", "amount": 50_000, "points_taken": points,
            "points_balance": balance, "receipt_url": f"http://127.0.0.1:8000/receipt.html#rf-{refund_id}"})
        return balance

    return units.run(work, lost_retries=3)


def test_points_are_taken_back_once_per_refund(api, cashier, registered, shop, clock):
    sid = registered["shopper_id"]
    assert complete_order(shop, sid, "o_first", 159_900)[0] == 15
    clock.advance(minutes=30)
    assert take_back(shop, sid, "o_first", "o_first_R1", 5) == 10
    for _ in range(2):  # the refund's unit delivered again: it fails whole, nothing moves twice
        with pytest.raises(ConditionLost):
            take_back(shop, sid, "o_first", "o_first_R1", 5)
    assert service.balance("m_demo", sid) == 10
    message = OutboxItem.get("msg-refund#o_first_R1")
    assert message.payload["template"] == "sambung_pengembalian_dana"
    assert message.payload["params"] == {
        "name": "Budi", "refund_no": "2311-first-R1", "order_no": "2311-first", "store": "Toko Demo",
        "amount": "Rp50.000", "receipt_url": "http://127.0.0.1:8000/receipt.html#rf-o_first_R1", "points": "5",
        "balance": "10"}

    page = api.get(f"/shoppers/{sid}/points", auth=cashier).json
    assert (page["points_balance"], page["points_owed"]) == (10, 0)
    assert [(e["kind"], e["points"], e["order_id"], e["refund_id"], e["balance_after"]) for e in page["entries"]] == [
        ("refund", -5, "o_first", "o_first_R1", 10), ("earn", 15, "o_first", None, 15)], "newest first"
    found = api.get(f"/shoppers/{sid}", auth=cashier).json
    assert (found["points_balance"], found["points_owed"], found["visit_count"]) == (10, 0, 1), "a refund is no visit"


def test_a_balance_that_would_go_below_zero_is_recorded_as_owed(api, cashier, registered, shop, clock):
    sid = registered["shopper_id"]
    complete_order(shop, sid, "o_first", 100_000)  # 10 points
    # Meanwhile the shopper used 8 of them (online): 2 left when the sale is refunded in full.
    ShopperRecord(merchant_id="m_demo", shopper_id=sid).update(actions=[ShopperRecord.points_balance.add(-8)])
    clock.advance(hours=1)
    assert take_back(shop, sid, "o_first", "o_first_R1", 10) == -8
    assert service.balance("m_demo", sid) == -8
    page = api.get(f"/shoppers/{sid}/points", auth=cashier).json
    assert (page["points_balance"], page["points_owed"]) == (-8, 8)
    assert (page["entries"][0]["balance_after"], page["entries"][0]["owed_after"]) == (-8, 8)
    assert api.get(f"/shoppers/{sid}", auth=cashier).json["points_owed"] == 8
    assert OutboxItem.get("msg-refund#o_first_R1").payload["params"]["balance"] == "-8 (terutang 8 poin)"
    assert service.refund_receipt_details("m_demo", sid, "o_first_R1") == ("+6281234567890", 10, -8)

    # The next sale's points pay the debt first; its receipt message says what is left.
    clock.advance(hours=1)
    complete_order(shop, sid, "o_second", 50_000)  # 5 points
    assert service.balance("m_demo", sid) == -3
    assert OutboxItem.get("msg-receipt#o_second").payload["params"]["balance"] == "-3 (terutang 3 poin)"


def test_a_refund_and_a_sale_of_one_shopper_at_once_keep_every_balance_exact(registered, shop, clock):
    sid = registered["shopper_id"]
    complete_order(shop, sid, "o_first", 200_000)  # 20 points
    jobs = [lambda: take_back(shop, sid, "o_first", "o_first_R1", 20),
            lambda: complete_order(shop, sid, "o_second", 70_000)]  # 7 points
    with ThreadPoolExecutor(max_workers=2) as pool:
        for future in [pool.submit(job) for job in jobs]:
            try:
                future.result()
            except ConditionLost:  # the sale's completion lost to the refund: the sales service decides again
                complete_order(shop, sid, "o_second", 70_000)
    assert service.balance("m_demo", sid) == 7
    entries = {e["order_id"] + "/" + e["kind"]: e for e in service.points_history(
        _caller(shop), sid, limit=10, cursor=None)["entries"]}
    refund, second = entries["o_first/refund"], entries["o_second/earn"]
    # Whichever committed first, each entry's balance after is what the balance really was then:
    # refund first (20 -> 0, then 0 -> 7) or sale first (20 -> 27, then 27 -> 7).
    assert (refund["balance_after"], second["balance_after"]) in ((0, 7), (7, 27))


def test_nothing_to_take_back_writes_nothing(registered, shop, clock):
    sid = registered["shopper_id"]
    complete_order(shop, sid, "o_first", 30_000)
    assert units.run(lambda uow: (service.take_points_ops(
        uow, merchant_id="m_demo", shopper_id=sid, order_id="o_first", refund_id="o_first_R1", points=0,
        store_id=shop["store_id"]), len(uow))) == (3, 0)
    with pytest.raises(ValueError):
        units.run(lambda uow: service.take_points_ops(uow, merchant_id="m_demo", shopper_id=sid, order_id="o_first",
                                                      refund_id="o_first_R2", points=-1, store_id=shop["store_id"]))


def _caller(shop):
    from .conftest import staff_caller

    return staff_caller(shop)
