"""Our Midtrans adapter, unchanged, against the gateway simulator over loopback HTTP, with a tiny
HTTP receiver standing in for ``/api/callbacks/midtrans``."""
from __future__ import annotations

import json
import threading
import time
from collections import deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests

from chalicelib.core.clock import FixedClock, set_clock
from chalicelib.core.errors import Unauthorized, UpstreamError
from chalicelib.payments import qris
from chalicelib.payments.providers import GatewayNotFound, MidtransGateway
from infra.local.gateway_sim import GatewaySimulator

KEY = "SB-Mid-server-SIMTEST"
CALLBACK_PATH = "/api/callbacks/midtrans"


class Receiver:
    """Collects notifications; answers each with the next queued status (200 when the queue is empty)."""

    def __init__(self):
        self.received: list[dict] = []
        self.answers: deque[int] = deque()
        self._cond = threading.Condition()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                return

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with receiver._cond:
                    status = receiver.answers.popleft() if receiver.answers else 200
                    receiver.received.append({"path": self.path, "headers": dict(self.headers), "body": body})
                    receiver._cond.notify_all()
                self.send_response(status)
                if status in (301, 302, 303):
                    self.send_header("Location", "https://example.invalid/elsewhere")
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}{CALLBACK_PATH}"

    def wait_for(self, count: int, timeout: float = 5.0) -> list[dict]:
        with self._cond:
            assert self._cond.wait_for(lambda: len(self.received) >= count, timeout), \
                f"expected {count} notifications, got {len(self.received)}"
            return list(self.received)

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.close()


@pytest.fixture
def sim(receiver):
    s = GatewaySimulator(server_key=KEY, callback_url=receiver.url, retries=3, retry_delay=0.02,
                         sweep_interval=0.05).start()
    yield s
    s.stop()


@pytest.fixture
def gateway(sim):
    return MidtransGateway(server_key=KEY, base_url=sim.url)


def charge(gateway: MidtransGateway, order_ref: str, amount: int = 48500):
    return gateway.create_qris(order_ref, amount, int(time.time()) + 900, "Kopi susu x 2")


def control(sim: GatewaySimulator, path: str, **body) -> requests.Response:
    return requests.post(f"{sim.url}/sim/{path}", json=body, timeout=5)


def events(gateway: MidtransGateway, received: list[dict]):
    return [gateway.parse_callback(r["headers"], r["body"]) for r in received]


def test_charge_gives_a_dynamic_qris_for_the_amount(sim, gateway):
    before = int(time.time())
    result = charge(gateway, "S-1001-1", 48500)
    parsed = qris.parse(result.qr_string)
    assert parsed.is_dynamic and qris.amount_of(parsed) == 48500
    assert parsed.merchant_name == "SAMBUNG SIMULATOR" and parsed["26"]["00"] == "COM.GO-JEK.WWW"
    assert before + 899 <= result.expires_at <= int(time.time()) + 900
    status = gateway.get_status("S-1001-1")
    assert (status.status, status.amount, status.issuer) == ("pending", 48500, None)
    assert status.provider_ref == result.provider_ref
    # the generate-qr-code action serves the QR as an image
    image = requests.get(result.raw["actions"][0]["url"], timeout=5)
    assert image.status_code == 200 and image.content.startswith(b"\x89PNG")


def test_each_charge_gets_its_own_qr(sim, gateway):
    a, b = charge(gateway, "S-1002-1", 10000), charge(gateway, "S-1002-2", 10000)
    assert a.qr_string != b.qr_string


def test_pay_sends_a_signed_notification_our_adapter_verifies(sim, gateway, receiver):
    charge(gateway, "S-1003-1", 75000)
    resp = control(sim, "transactions/S-1003-1/pay", issuer="dana")
    assert resp.status_code == 200 and resp.json()["transaction"]["status"] == "settlement"
    [note] = receiver.wait_for(1)
    assert note["path"] == CALLBACK_PATH
    event = gateway.parse_callback(note["headers"], note["body"])
    assert (event.order_ref, event.status, event.amount, event.issuer) == ("S-1003-1", "paid", 75000, "dana")
    assert json.loads(note["body"])["gross_amount"] == "75000.00"
    status = gateway.get_status("S-1003-1")
    assert (status.status, status.issuer) == ("paid", "dana") and status.paid_at is not None


def test_a_notification_signed_with_another_key_is_refused(sim, gateway, receiver):
    # the sim signs with KEY; a merchant configured with another key must refuse it
    other = MidtransGateway(server_key="SB-Mid-server-OTHER", base_url=sim.url)
    charge(gateway, "S-1004-1")
    sim.pay("S-1004-1")
    [note] = receiver.wait_for(1)
    with pytest.raises(Unauthorized):
        other.parse_callback(note["headers"], note["body"])


def test_duplicates_arrive_with_one_event_key(sim, gateway, receiver):
    charge(gateway, "S-1005-1")
    assert control(sim, "transactions/S-1005-1/pay", duplicates=3).json()["notifications"] == 3
    received = receiver.wait_for(3)
    assert len({r["body"] for r in received}) == 1
    assert len({e.event_key for e in events(gateway, received)}) == 1


def test_concurrent_duplicates(sim, gateway, receiver):
    charge(gateway, "S-1006-1")
    control(sim, "transactions/S-1006-1/pay", duplicates=8, concurrent=True)
    received = receiver.wait_for(8)
    assert {e.status for e in events(gateway, received)} == {"paid"}


def test_out_of_order_replay(sim, gateway, receiver):
    charge(gateway, "S-1007-1")
    sim.pay("S-1007-1", issuer="bca")
    receiver.wait_for(1)
    resp = control(sim, "transactions/S-1007-1/replay", statuses=["settlement", "pending"])
    assert resp.status_code == 200
    received = receiver.wait_for(3)
    replayed = events(gateway, received[1:])
    assert [e.status for e in replayed] == ["paid", "pending"]  # the older pending arrives last
    assert replayed[0].event_key == events(gateway, received[:1])[0].event_key
    assert replayed[1].event_key != replayed[0].event_key
    assert gateway.get_status("S-1007-1").status == "paid"  # a replay changes nothing at the gateway


def test_cancel_pending_then_cancel_again(sim, gateway, receiver):
    charge(gateway, "S-1008-1")
    assert gateway.cancel("S-1008-1").status == "cancelled"
    [note] = receiver.wait_for(1)
    assert gateway.parse_callback(note["headers"], note["body"]).status == "cancelled"
    # Midtrans answers 412 on a second cancel; the adapter reports the real state instead
    assert gateway.cancel("S-1008-1").status == "cancelled"
    assert control(sim, "transactions/S-1008-1/pay").status_code == 409
    # a cancelled order_id can be charged again (a new attempt, a new transaction_id)
    again = charge(gateway, "S-1008-1")
    assert gateway.get_status("S-1008-1").provider_ref == again.provider_ref


def test_cancel_after_payment_reports_paid(sim, gateway):
    charge(gateway, "S-1009-1")
    sim.pay("S-1009-1")
    result = gateway.cancel("S-1009-1")
    assert result.status == "paid" and result.amount == 48500


def test_fail_and_expire(sim, gateway, receiver):
    charge(gateway, "S-1010-1")
    charge(gateway, "S-1010-2")
    control(sim, "transactions/S-1010-1/fail")
    control(sim, "transactions/S-1010-2/expire")
    received = receiver.wait_for(2)
    by_order = {e.order_ref: e for e in events(gateway, received)}
    assert by_order["S-1010-1"].status == "failed"
    assert by_order["S-1010-2"].status == "expired"
    assert by_order["S-1010-2"].event_key.endswith(":expire:202")  # notification code, not the API's 407
    assert gateway.get_status("S-1010-2").raw["status_code"] == "407"
    assert gateway.get_status("S-1010-1").status == "failed"


def test_expiry_passes_on_the_process_clock(sim, gateway, receiver):
    clock = FixedClock(time.time())
    previous = set_clock(clock)
    try:
        charge(gateway, "S-1011-1")
        clock.advance(minutes=16)
        [note] = receiver.wait_for(1)
        assert gateway.parse_callback(note["headers"], note["body"]).status == "expired"
        assert gateway.get_status("S-1011-1").status == "expired"
    finally:
        set_clock(previous)


def test_retries_until_the_receiver_accepts(sim, gateway, receiver):
    receiver.answers.extend([500, 503])
    charge(gateway, "S-1012-1")
    sim.pay("S-1012-1")
    received = receiver.wait_for(3)
    assert len({r["body"] for r in received}) == 1
    assert sim.wait_idle()
    outcomes = [d["outcome"] for d in sim.deliveries() if d["order_id"] == "S-1012-1"]
    assert outcomes == ["retrying", "retrying", "delivered"]


def test_redirects_are_neither_followed_nor_retried(sim, gateway, receiver):
    receiver.answers.append(302)
    charge(gateway, "S-1013-1")
    sim.pay("S-1013-1")
    receiver.wait_for(1)
    assert sim.wait_idle()
    assert len(receiver.received) == 1
    [delivery] = [d for d in sim.deliveries() if d["order_id"] == "S-1013-1"]
    assert delivery["http_status"] == 302 and delivery["outcome"].startswith("redirect")


def test_override_notification_url(sim, receiver):
    elsewhere = receiver.url.replace(CALLBACK_PATH, "/api/callbacks/midtrans-store-7")
    g = MidtransGateway(server_key=KEY, base_url=sim.url, notification_url=elsewhere)
    charge(g, "S-1014-1")
    sim.pay("S-1014-1")
    [note] = receiver.wait_for(1)
    assert note["path"] == "/api/callbacks/midtrans-store-7"


def test_scan_the_qr_shown_on_the_kiosk(sim, gateway, receiver):
    shown = charge(gateway, "S-1015-1", 99000)
    resp = control(sim, "scan", qr_string=shown.qr_string, action="pay", issuer="shopeepay")
    assert resp.status_code == 200 and resp.json()["transaction"]["order_id"] == "S-1015-1"
    [note] = receiver.wait_for(1)
    event = gateway.parse_callback(note["headers"], note["body"])
    assert (event.status, event.amount, event.issuer) == ("paid", 99000, "shopeepay")


def test_scan_refuses_unknown_and_broken_qrs(sim):
    foreign = ("00020101021126570011ID.DANA.WWW011893600915302259148102090225914810303UMI51440014ID.CO.QRIS.WWW"
               "0215ID10200176114730303UMI5204581253033605802ID5922Warung Sayur Bu Sugeng6010Kab. Demak61055956763"
               "0458C7")
    assert control(sim, "scan", qr_string=foreign).status_code == 404
    broken = control(sim, "scan", qr_string=foreign[:-4] + "0000")
    assert broken.status_code == 400 and "bad CRC" in broken.json()["error"]["message"]


def test_gateway_errors_reach_the_adapter_as_upstream_errors(sim, gateway):
    with pytest.raises(UpstreamError) as exc:
        MidtransGateway(server_key="SB-Mid-server-WRONG", base_url=sim.url).get_status("S-1016-1")
    assert exc.value.code == "gateway_auth_failed"
    with pytest.raises(GatewayNotFound):
        gateway.get_status("S-1016-404")
    charge(gateway, "S-1016-1")
    with pytest.raises(UpstreamError) as exc:
        charge(gateway, "S-1016-1")  # still pending: Midtrans refuses to reuse the order_id
    assert exc.value.code == "gateway_duplicate"


def test_control_endpoints_validate_input(sim, gateway):
    charge(gateway, "S-1017-1")
    assert control(sim, "transactions/S-1017-1/pay", issuer="paypal").status_code == 400
    assert control(sim, "transactions/S-1017-1/pay", duplicates=0).status_code == 400
    assert control(sim, "transactions/S-1017-1/replay", statuses=["paid"]).status_code == 400
    assert control(sim, "transactions/NOPE/pay").status_code == 404


def test_page_and_listing(sim, gateway):
    charge(gateway, "S-1018-1")
    page = requests.get(f"{sim.url}/sim/", timeout=5)
    assert page.status_code == 200 and "text/html" in page.headers["Content-Type"]
    assert "/sim/transactions" in page.text and "Pay" in page.text
    listing = requests.get(f"{sim.url}/sim/transactions", timeout=5).json()["transactions"]
    assert [t["order_id"] for t in listing] == ["S-1018-1"]
    assert requests.get(f"{sim.url}/sim/transactions/S-1018-1", timeout=5).json()["status"] == "pending"


def test_charge_validation_speaks_midtrans(sim):
    def post(body):
        return requests.post(f"{sim.url}/v2/charge", json=body, auth=(KEY, ""), timeout=5)

    ok = {"payment_type": "qris", "transaction_details": {"order_id": "S-1019-1", "gross_amount": 20000}}
    bad = post(dict(ok, payment_type="gopay", qris={"acquirer": "ovo"},
                    item_details=[{"id": "a", "price": 1000, "quantity": 2, "name": "Teh"}]))
    assert bad.status_code == 400 and bad.json()["status_code"] == "400"
    assert len(bad.json()["validation_messages"]) == 3
    assert post(dict(ok, transaction_details={"order_id": "S-1019-1", "gross_amount": 20000.5})).status_code == 400
    assert requests.post(f"{sim.url}/v2/charge", json=ok, timeout=5).status_code == 401  # no key
    shopee = post(dict(ok, qris={"acquirer": "airpay shopee"}, custom_expiry={"expiry_duration": 5, "unit": "minute"}))
    assert shopee.status_code == 200 and shopee.json()["acquirer"] == "airpay shopee"
    assert qris.parse(shopee.json()["qr_string"])["26"]["00"] == "ID.CO.SHOPEE.WWW"
