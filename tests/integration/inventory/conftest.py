"""Stock, drop order and book order fixtures: the demo merchant trimmed to four products, on the
test clock, restored from the session's snapshot for every test (see ``seeded`` in tests/conftest.py),
with helpers that speak to the service layer as the routes do."""
from __future__ import annotations

import pytest

PRODUCTS = 4  # the demo's first four: KOPI-250, TEH-350, AIR-600, ROTI-COK


@pytest.fixture(autouse=True)
def _cheap_pins(monkeypatch):
    """The seed's PINs are hashed cheaply, so signing in here checks them at that cost too."""
    from tests.seeds import cheap_pins

    cheap_pins(monkeypatch)


@pytest.fixture
def shop(seeded, clock):
    """The demo merchant (same staff, PINs, devices and opening stock: CS 10, WAREHOUSE 50, SHOP 20
    per product, with four products), restored from the session's snapshot for every test."""
    from tests import seeds

    return seeded(*seeds.demo(PRODUCTS, cheap=True))


def caller_for(shop: dict, role: str):
    from chalicelib.core.web import Caller

    person = next(s for s in shop["staff"] if s["role"] == role)
    return Caller(merchant_id=shop["merchant_id"], store_id=shop["store_id"], role=role, device_id="d_test",
                  staff_id=person["staff_id"], staff_name=person["name"])


def book(shop: dict, items: list, **overrides) -> dict:
    """A book order through the service, with a valid customer unless overridden."""
    from chalicelib.book_orders import service as book_orders

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


def hold(order_id: str):
    from chalicelib.inventory.repo import get_hold

    return get_hold(order_id)


def settlement(order_id: str):
    from chalicelib.inventory.repo import get_settlement

    return get_settlement(order_id)


@pytest.fixture
def ttl(shop):
    """The local stack's TTL emulator, in-process against the test's moto."""
    import app
    from infra.local.ttl_emulator import TtlEmulator

    return TtlEmulator(app.app)


@pytest.fixture
def second_store(shop):
    """Another merchant's store with its own CS on its own back-office device (written after the shop's seed)."""
    from chalicelib.core.web import Caller
    from chalicelib.staff import service as staff

    staff.create_merchant("Toko Lain", "Cabang Lain", merchant_id="m_other", store_id="s_other",
                          settings={"bank_accounts": [{"bank": "BRI", "account_no": "99887766", "holder": "Lain"}]})
    staff.add_staff("m_other", "s_other", "Citra CS", "cs", "802461", staff_id="u_citra")
    admin = Caller(merchant_id="m_other", store_id="s_other", role="admin", device_id="seed", staff_id="u_citra")
    device = staff.pair_device(staff.create_pairing_code(admin, "backoffice")["code"], "Back office lain")
    return {"staff": [{"staff_id": "u_citra", "role": "cs", "pin": "802461"}], "backoffice_device_token": device["device_token"]}
