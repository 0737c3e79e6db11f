"""A chat customer pays a book order at the kiosk by QRIS: the Midtrans adapter talks to the
gateway simulator over loopback HTTP and the simulator calls our callback route back."""
from __future__ import annotations

import pytest

from chalicelib.core import outbox
from chalicelib.book_orders import holds
from chalicelib.inventory.repo import StockLedgerEntry
from chalicelib.payments import qris
from chalicelib.sales.repo import OrderRecord
from tests.integration.inventory.conftest import book, hold, level, settlement

SERVER_KEY = "SB-Mid-server-TEST-BOOK-0123"


@pytest.fixture
def kiosk(shop):
    """The demo store's gateway pointed at an in-process simulator whose callbacks reach the app.
    The simulator's own expiry sweep is off: tests move the clock and decide when QRs end."""
    import app
    from chalicelib.staff.repo import StoreRecord
    from infra.local.gateway import LocalGatewayServer
    from infra.local.gateway_sim import GatewaySimulator

    front = LocalGatewayServer(app.app, port=0).start()
    sim = GatewaySimulator(server_key=SERVER_KEY, callback_url=f"{front.url}/api/callbacks/midtrans",
                           retry_delay=0.05, sweep_interval=3600).start()
    store = StoreRecord.get(shop["store_id"])
    store.update(actions=[StoreRecord.settings.set(dict(store.settings, gateway={
        "provider": "midtrans", "base_url": sim.url, "server_key": SERVER_KEY}))])
    yield sim
    sim.stop()
    front.stop()


def _pay_qris(api, auth, order_id):
    r = api.post(f"/sales/{order_id}/book-order/pay-qris", auth=auth)
    assert r.status == 200, r
    return r.json


def test_found_by_number_paid_by_qris_and_the_hold_consumed_exactly_once(api, shop, clock, kiosk):
    order = book(shop, [{"sku": "KOPI-250", "qty": 3}], shipping_fee=0)
    cashier = api.login_as(shop, "cashier")
    [found] = api.get(f"/sales/find?order_no={order['order_no'].lower()}", auth=cashier).json["orders"]
    assert found["order_id"] == order["order_id"] and found["status"] == "BOOKED"
    clock.advance(minutes=110)  # ten minutes before the deadline; the QR lives fifteen
    paying = _pay_qris(api, cashier, order["order_id"])
    assert paying["status"] == "AWAITING_PAYMENT" and qris.parse(paying["qr_string"]).amount == order["total"] == 54_001
    assert paying["hold"]["status"] == "PAYING" and paying["hold"]["expires_at"] > order["deadline"]
    assert _pay_qris(api, cashier, order["order_id"])["attempt"] == 1  # a second tap opens no second QR
    clock.advance(minutes=12)  # the booking deadline has passed while the customer scans
    assert holds.sweep()["released"] == 0
    assert (int(level(shop["store_id"], "KOPI-250").reserved), hold(order["order_id"]).status) == (3, "PAYING")
    kiosk.pay(f"{order['order_id']}-1", issuer="dana")
    kiosk.wait_idle()
    done = api.post(f"/sales/{order['order_id']}/status", auth=cashier).json
    assert done["status"] == "COMPLETED" and done["payment"]["issuer"] == "dana"
    outbox.process_due()
    rec = level(shop["store_id"], "KOPI-250")
    assert (int(rec.on_hand), int(rec.reserved), int(rec.available)) == (7, 0, 7)
    assert hold(order["order_id"]).status == "CONSUMED" and settlement(order["order_id"]).outcome == "CONSUMED"
    again = holds.consume_for_sale(OrderRecord.get(order["order_id"]))  # the outbox redelivers
    assert again == {"lines": 0, "from": "already_consumed"}
    assert [int(e.delta) for e in StockLedgerEntry.by_reference.query(order["order_id"])] == [-3]
    assert int(level(shop["store_id"], "KOPI-250").on_hand) == 7


def test_a_qr_that_ends_unpaid_gives_the_goods_back_after_the_hold_expires(api, shop, clock, kiosk):
    order = book(shop, [{"sku": "TEH-350", "qty": 2}])
    cashier = api.login_as(shop, "cashier")
    paying = _pay_qris(api, cashier, order["order_id"])
    h = hold(order["order_id"])
    assert h.expires_at == order["deadline"]  # two hours left: longer than the QR's fifteen minutes
    clock.advance(minutes=5)
    kiosk.expire(f"{order['order_id']}-1")  # the customer walked away: the gateway times the QR out
    kiosk.wait_idle()
    assert OrderRecord.get(paying["order_id"]).status == "EXPIRED"
    assert holds.sweep()["released"] == 0  # the customer may still "Coba lagi" until the booking's deadline
    clock.advance(seconds=h.expires_at - clock.now_s() + 1)
    assert holds.sweep()["released"] == 1
    rec = level(shop["store_id"], "TEH-350")
    assert (int(rec.reserved), int(rec.available)) == (0, 10)
    assert OrderRecord.get(order["order_id"]).status == "EXPIRED" and hold(order["order_id"]).settled_by == "sweeper"


def test_while_a_qr_is_live_an_expired_hold_is_extended_not_released(api, shop, clock, kiosk, ttl):
    order = book(shop, [{"sku": "AIR-600", "qty": 1}])
    cashier = api.login_as(shop, "cashier")
    clock.advance(minutes=119)
    paying = _pay_qris(api, cashier, order["order_id"])
    h = hold(order["order_id"])
    clock.advance(seconds=h.expires_at - clock.now_s() + 1)  # past the hold, the QR not settled yet
    assert holds.sweep() == {"released": 0, "extended": 1, "waiting": 0, "skipped": 0}
    assert hold(order["order_id"]).expires_at > clock.now_s()
    clock.advance(hours=3)  # even TTL deleting it mid-payment puts it back for the sweeper
    assert ttl.tick()["deleted"] == 1
    restored = hold(order["order_id"])
    assert restored.status == "PAYING" and restored.expires_at > clock.now_s()
    assert int(level(shop["store_id"], "AIR-600").reserved) == 1
    assert paying["status"] == "AWAITING_PAYMENT"


def test_pay_at_the_kiosk_only_while_booked_and_holding(api, shop, clock, kiosk):
    cashier = api.login_as(shop, "cashier")
    late = book(shop, [{"sku": "KOPI-250", "qty": 1}])
    clock.advance(minutes=121)
    r = api.post(f"/sales/{late['order_id']}/book-order/pay-qris", auth=cashier)
    assert r.status == 409 and r.error_code == "hold_not_active"
    holds.sweep()
    r = api.post(f"/sales/{late['order_id']}/book-order/pay-qris", auth=cashier)
    assert r.status == 409 and r.error_code == "invalid_transition"
    assert api.post(f"/sales/{late['order_id']}/book-order/pay-qris", auth=api.login_as(shop, "warehouse")).status == 403


def test_the_kiosk_cancel_button_on_a_booked_order_releases_its_goods_at_once(api, shop, clock):
    order = book(shop, [{"sku": "KOPI-250", "qty": 2}])
    r = api.post(f"/sales/{order['order_id']}/cancel", auth=api.login_as(shop, "cashier"))
    assert r.status == 200 and r.json["status"] == "CANCELLED"
    assert hold(order["order_id"]).status == "RELEASED" and int(level(shop["store_id"], "KOPI-250").reserved) == 0


def test_money_after_the_hold_expired_takes_free_goods_once_and_never_below_zero(api, shop, clock):
    """A late payment (staff complete it) finds its goods released: they come from what is free at
    the CS desk, once; when too little is free the effect fails and waits for staff, it never oversells."""
    cashier, admin = api.login_as(shop, "cashier"), api.login_as(shop, "admin")
    late = book(shop, [{"sku": "KOPI-250", "qty": 3}], shipping_fee=0)
    later = book(shop, [{"sku": "KOPI-250", "qty": 2}], shipping_fee=0)
    clock.advance(minutes=121)
    assert holds.sweep()["released"] == 2
    for order in (late, later):
        paid = api.post(f"/sales/{order['order_id']}/cash", {"amount_received": order["total"]}, auth=cashier,
                        headers={"Idempotency-Key": f"cash-{order['order_id']}"})
        assert paid.json["status"] == "PAID_LATE" and "late_payment" in paid.json["flags"]
    book(shop, [{"sku": "KOPI-250", "qty": 6}])  # meanwhile most of the desk is booked again
    assert api.post(f"/sales/{late['order_id']}/complete-late", auth=admin).json["status"] == "COMPLETED"
    outbox.process_due()
    rec = level(shop["store_id"], "KOPI-250")
    assert (int(rec.on_hand), int(rec.reserved), int(rec.available)) == (7, 6, 1)
    assert holds.consume_for_sale(OrderRecord.get(late["order_id"])) == {"lines": 0, "from": "already_taken"}
    assert api.post(f"/sales/{later['order_id']}/complete-late", auth=admin).json["status"] == "COMPLETED"
    assert outbox.process_one(f"stock#{later['order_id']}") == "PENDING"  # retried with backoff, then shown to staff
    from chalicelib.core.outbox import OutboxItem

    assert "Stok di Meja CS tidak cukup" in OutboxItem.get(f"stock#{later['order_id']}").last_error
    rec = level(shop["store_id"], "KOPI-250")
    assert (int(rec.on_hand), int(rec.available)) == (7, 1)
