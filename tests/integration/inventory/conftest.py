"""Stock, drop order and book order fixtures: the demo merchant trimmed to four products, on the
test clock, restored from an in-memory copy for every test, with helpers that speak to the service
layer as the routes do."""
from __future__ import annotations

import copy

import pytest

PRODUCTS = 4  # the demo's first four: KOPI-250, TEH-350, AIR-600, ROTI-COK
SEEDED_AT = 1_795_392_000  # the clock fixture's time


def _cheap_pins(monkeypatch) -> None:
    # PIN hashing strength is the staff suite's subject; at full cost every seed and sign-in here
    # would spend a quarter second per PIN. Seeding and signing in both use this cost.
    from chalicelib.staff import model as staff_model

    monkeypatch.setitem(staff_model._SCRYPT, "n", 2**4)


def _tables():
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.dynamodb.models import dynamodb_backends

    from chalicelib.core.settings import get_settings

    return dynamodb_backends[DEFAULT_ACCOUNT_ID][get_settings().region]


@pytest.fixture(scope="session")
def seeded_state(moto_server):
    """The demo merchant (same staff, PINs, devices and opening stock: CS 10, WAREHOUSE 50, SHOP 20
    per product, with four products), seeded once; moto's tables are then copied in memory.

    The moto server runs in this process, so every test starts from a copy of those tables
    (milliseconds) instead of recreating some forty tables and seeding again (over a second).
    """
    import urllib.request

    import app  # noqa: F401 - registers every area's tables
    from chalicelib.core.clock import FixedClock, set_clock
    from chalicelib.core.db import create_tables
    from chalicelib.schema import all_tables
    from infra.local import seed

    urllib.request.urlopen(urllib.request.Request(f"{moto_server.url}/moto-api/reset", method="POST")).read()
    create_tables(all_tables())
    previous = set_clock(FixedClock(SEEDED_AT))
    with pytest.MonkeyPatch.context() as mp:
        _cheap_pins(mp)
        mp.setattr(seed, "PRODUCTS", seed.PRODUCTS[:PRODUCTS])
        demo = seed.seed()
    set_clock(previous)
    return demo, copy.deepcopy(_tables().tables)


@pytest.fixture
def aws(seeded_state, moto_server, monkeypatch):
    """This folder's tables: the seeded copy, fresh for every test; an empty files bucket."""
    from chalicelib.core.settings import get_settings
    from chalicelib.core.storage import s3

    _cheap_pins(monkeypatch)
    _tables().tables = copy.deepcopy(seeded_state[1])
    s = get_settings()
    client = s3()
    try:
        client.create_bucket(Bucket=s.bucket, CreateBucketConfiguration={"LocationConstraint": s.region})
    except client.exceptions.BucketAlreadyOwnedByYou:
        for obj in client.list_objects_v2(Bucket=s.bucket).get("Contents", []):
            client.delete_object(Bucket=s.bucket, Key=obj["Key"])
    yield moto_server


@pytest.fixture
def shop(aws, seeded_state, clock):
    return copy.deepcopy(seeded_state[0])


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
def second_store(aws):
    """Another merchant's store with its own CS on its own back-office device."""
    from chalicelib.core.web import Caller
    from chalicelib.staff import service as staff

    staff.create_merchant("Toko Lain", "Cabang Lain", merchant_id="m_other", store_id="s_other",
                          settings={"bank_accounts": [{"bank": "BRI", "account_no": "99887766", "holder": "Lain"}]})
    staff.add_staff("m_other", "s_other", "Citra CS", "cs", "802461", staff_id="u_citra")
    admin = Caller(merchant_id="m_other", store_id="s_other", role="admin", device_id="seed", staff_id="u_citra")
    device = staff.pair_device(staff.create_pairing_code(admin, "backoffice")["code"], "Back office lain")
    return {"staff": [{"staff_id": "u_citra", "role": "cs", "pin": "802461"}], "backoffice_device_token": device["device_token"]}
