"""Stock, drop order and book order fixtures: the demo merchant trimmed to four products, on the
test clock, with helpers that speak to the service layer as the routes do."""
from __future__ import annotations

import pytest

PRODUCTS = 4  # the demo's first four: KOPI-250, TEH-350, AIR-600, ROTI-COK


@pytest.fixture
def shop(aws, clock, monkeypatch):
    """The local stack's demo merchant (same staff, PINs, devices and opening stock: CS 10,
    WAREHOUSE 50, SHOP 20 per product), seeded with fewer products so each test starts fast."""
    from infra.local import seed

    monkeypatch.setattr(seed, "PRODUCTS", seed.PRODUCTS[:PRODUCTS])
    return seed.seed()


def caller_for(shop: dict, role: str):
    from chalicelib.core.web import Caller

    person = next(s for s in shop["staff"] if s["role"] == role)
    return Caller(merchant_id=shop["merchant_id"], store_id=shop["store_id"], role=role, device_id="d_test",
                  staff_id=person["staff_id"], staff_name=person["name"])


def book(shop: dict, items: list, **overrides) -> dict:
    """A book order through the service, with a valid customer unless overridden."""
    from chalicelib.sales import book_orders

    body = {"items": items, "customer_name": "Wulan Sari", "phone": "+6281234567890",
            "address": "Jl. Melati No. 5, Bandung 40115", "shipping_fee": 12_000, "channel": "whatsapp"}
    body.update(overrides)
    return book_orders.create(caller_for(shop, "cs"), **body)


def level(store_id: str, sku: str, location: str = "CS"):
    """The stored stock item (consistent read): on_hand, reserved and the maintained available."""
    from chalicelib.inventory.repo import StockRecord

    rec = StockRecord.get(store_id, f"{sku}#{location}", consistent_read=True)
    assert int(rec.available) == int(rec.on_hand) - int(rec.reserved), "available drifted from on_hand - reserved"
    return rec
