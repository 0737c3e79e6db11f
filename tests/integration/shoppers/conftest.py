"""Helpers for the shopper suites: sign-in at other stores and merchants, and an order completion that
calls the shopper functions the way the sales service does, inside one unit of work."""
from __future__ import annotations

import itertools

import pytest

PHONE = "081234567890"
E164 = "+6281234567890"
_keys = itertools.count(1)


def idem() -> dict:
    return {"Idempotency-Key": f"k-{next(_keys)}"}


def staff_caller(shop: dict, staff_id: str = "u_sari", role: str = "cashier", store_id: str | None = None):
    from chalicelib.core.web import Caller

    return Caller(merchant_id=shop["merchant_id"], store_id=store_id or shop["store_id"], role=role,
                  device_id="d_test", staff_id=staff_id, staff_name=staff_id)


def login_elsewhere(api, *, merchant_id: str, store_id: str, new_merchant: bool) -> str:
    """A cashier session at another store (of the shop merchant or of a new one)."""
    from chalicelib.core.clock import get_clock
    from chalicelib.core.web import Caller
    from chalicelib.staff import service as staff_service
    from chalicelib.staff.repo import StoreRecord

    if new_merchant:
        staff_service.create_merchant("Merchant Lain", "Toko Lain", merchant_id=merchant_id, store_id=store_id)
    else:
        StoreRecord(store_id=store_id, merchant_id=merchant_id, name="Toko Demo Cabang 2", settings={},
                    created_at=get_clock().now_s()).save()
    staff_service.add_staff(merchant_id, store_id, "Ani Kasir", "cashier", "246802", staff_id=f"u_ani_{store_id}")
    admin = Caller(merchant_id=merchant_id, store_id=store_id, role="admin", device_id="seed")
    device = staff_service.pair_device(staff_service.create_pairing_code(admin, "kiosk")["code"], "Kasir")
    return api.login(device["device_token"], f"u_ani_{store_id}", "246802")


def complete_order(shop: dict, shopper_id: str | None, order_id: str, amount: int, *, staff_id: str = "u_sari",
                   rupiah_per_point: int = 10_000) -> tuple[int, list[str]]:
    """What the sales service adds to its completion unit of work; returns (points, message effect ids)."""
    from chalicelib.core import uow as units
    from chalicelib.shoppers import service

    def work(uow) -> tuple[int, list[str]]:
        points = 0
        if shopper_id:
            points, _ = service.earn_points_ops(uow, merchant_id=shop["merchant_id"], shopper_id=shopper_id,
                                             order_id=order_id, amount=amount, store_id=shop["store_id"],
                                             rupiah_per_point=rupiah_per_point)
        service.record_sale_ops(uow, store_id=shop["store_id"], staff_id=staff_id,
                                day=service.engagement_day(shop["store_id"]), linked=bool(shopper_id))
        ids = service.queue_order_messages(uow, order={
            "order_id": order_id, "order_no": f"2311-{order_id[-5:]}", "store_id": shop["store_id"],
            "merchant_id": shop["merchant_id"], "shopper_id": shopper_id, "amount": amount,
            "receipt_url": f"http://127.0.0.1:8000/receipt.html#r-{order_id}", "points_earned": points})
        return points, ids

    return units.run(work)


def _people() -> dict:
    from chalicelib.core.web import Caller
    from chalicelib.staff import service as staff_service
    from infra.local.seed import MERCHANT_ID, STAFF, STORE_ID

    staff_service.create_merchant("Sambung Demo", "Toko Demo", merchant_id=MERCHANT_ID, store_id=STORE_ID)
    for staff_id, name, role, pin in STAFF:
        staff_service.add_staff(MERCHANT_ID, STORE_ID, name, role, pin, staff_id=staff_id)
    admin = Caller(merchant_id=MERCHANT_ID, store_id=STORE_ID, role="admin", device_id="seed", staff_id="u_admin")
    device = staff_service.pair_device(staff_service.create_pairing_code(admin, "backoffice")["code"], "Back office")
    return {"merchant_id": MERCHANT_ID, "store_id": STORE_ID, "backoffice_device_token": device["device_token"],
            "staff": [{"staff_id": s, "name": n, "role": r, "pin": p} for s, n, r, p in STAFF]}


@pytest.fixture
def shop(seeded, clock):
    """The demo merchant's store and people (same ids, names and PINs as the local stack's seed), without
    its catalogue and stock (these suites need none), restored from the session's snapshot for every test."""
    return seeded("demo people, no catalogue", _people)


@pytest.fixture
def cashier(api, shop):
    return api.login_as(shop, "cashier")


@pytest.fixture
def registered(api, cashier):
    """Budi, registered by Sari at the demo store."""
    r = api.post("/shoppers", {"phone": PHONE, "name": "Budi Santoso", "consent": True}, auth=cashier, headers=idem())
    assert r.status == 201 and r.json["created"] is True, r
    return r.json
