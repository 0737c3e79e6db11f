"""Our Biteship adapter, unchanged, against the courier simulator over loopback HTTP."""
from __future__ import annotations

import json
import random
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from chalicelib.core.errors import Unauthorized
from chalicelib.shipping.model import (
    CourierEventKind,
    ShipmentItem,
    ShipmentRequest,
    ShipmentStatus,
    ShippingAddress,
    advance,
)
from chalicelib.shipping.providers import (
    CourierAuthFailed,
    CourierInsufficientBalance,
    CourierInvalidAddress,
    CourierServiceUnavailable,
    CourierUnavailable,
)
from chalicelib.shipping.providers.biteship import REFERENCE_TAKEN_CODE, BiteshipProvider, draft_payload
from infra.local.courier_sim import CourierSimulator

KEY = "biteship_test.integration"
SECRET = "webhook-secret-for-tests"


class WebhookReceiver:
    """A tiny HTTP endpoint that records what it is sent; the first ``fail_first`` posts get a 500."""

    def __init__(self, fail_first: int = 0):
        self.fail_first = fail_first
        self.received: list[tuple[dict[str, str], bytes]] = []
        self._cv = threading.Condition()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                data = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with receiver._cv:
                    receiver.received.append((dict(self.headers), data))
                    failing = len(receiver.received) <= receiver.fail_first
                    receiver._cv.notify_all()
                self.send_response(500 if failing else 200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/api/callbacks/biteship"

    def start(self) -> WebhookReceiver:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def wait_for(self, count: int, timeout: float = 5.0) -> list[tuple[dict[str, str], bytes]]:
        with self._cv:
            assert self._cv.wait_for(lambda: len(self.received) >= count, timeout), (
                f"expected {count} webhooks, got {len(self.received)}")
            return list(self.received)


@pytest.fixture
def receiver():
    r = WebhookReceiver().start()
    yield r
    r.stop()


@pytest.fixture
def sim(receiver):
    with CourierSimulator(api_key=KEY, webhook_url=receiver.url, webhook_secret=SECRET,
                          webhook_retry_delays=(0.1, 0.2)) as s:
        yield s


@pytest.fixture
def biteship(sim):
    return BiteshipProvider(KEY, base_url=sim.url, timeout_s=2.0, webhook_secret=SECRET)


def sim_call(sim: CourierSimulator, path: str, body: dict | None = None) -> dict:
    req = urllib.request.Request(sim.url + path, method="GET" if body is None else "POST",
                                 data=None if body is None else json.dumps(body).encode(),
                                 headers={"Content-Type": "application/json"})
    with urllib.request.build_opener(urllib.request.ProxyHandler({})).open(req, timeout=5) as resp:
        return json.loads(resp.read())


def shipment(reference: str = "01JD0SALE000000000000000A1", **overrides) -> ShipmentRequest:
    fields = {
        "reference": reference,
        "origin": ShippingAddress("Toko Sambung", "081234567890", "Jl. Asia Afrika 8, Jakarta", postal_code="12440"),
        "destination": ShippingAddress("Sari", "081298765432", "Jl. Kartini 2, Jakarta", postal_code="10210"),
        "courier_company": "jne",
        "courier_type": "reg",
        "items": [ShipmentItem("Kaos", 100_000, 700, 2)],  # 1.4 kg -> billed as 2 kg
    }
    fields.update(overrides)
    return ShipmentRequest(**fields)


def test_create_with_immediate_awb(sim, biteship):
    info = biteship.create_order(shipment())
    assert info.awb and info.awb.startswith("JNE")
    assert info.status is ShipmentStatus.CONFIRMED
    assert info.price == 2 * 9_000
    assert info.reference == "01JD0SALE000000000000000A1"
    assert biteship.get_order(info.provider_order_id) == info
    state = sim_call(sim, "/sim/orders")
    assert state["config"]["balance"] == 1_000_000 - 18_000


def test_delayed_awb_arrives_by_webhook_and_by_polling(sim, biteship, receiver):
    sim_call(sim, "/sim/config", {"awb_delay_s": 0.2})
    info = biteship.create_order(shipment())
    assert info.awb is None

    headers, body = receiver.wait_for(1)[0]
    event = biteship.parse_webhook(headers, body)
    assert event.kind is CourierEventKind.WAYBILL
    assert event.provider_order_id == info.provider_order_id
    assert event.awb and event.courier == "jne"

    assert biteship.get_order(info.provider_order_id).awb == event.awb


def test_awb_delay_per_order_through_the_note(sim, biteship, receiver):
    slow = biteship.create_order(shipment("SALE-SLOW", note="Hati-hati [sim:awb_delay=0.2]"))
    fast = biteship.create_order(shipment("SALE-FAST"))
    assert slow.awb is None and fast.awb is not None
    deadline = time.monotonic() + 3
    while biteship.get_order(slow.provider_order_id).awb is None:
        assert time.monotonic() < deadline, "AWB never arrived"
        time.sleep(0.05)


def test_insufficient_balance_is_clear_and_a_retry_after_top_up_books_once(sim, biteship):
    sim_call(sim, "/sim/config", {"balance": 5_000})
    with pytest.raises(CourierInsufficientBalance) as exc:
        biteship.create_order(shipment())
    assert exc.value.message == "Saldo Biteship tidak cukup. Isi saldo lalu coba lagi."
    assert sim_call(sim, "/sim/orders")["orders"] == []

    sim_call(sim, "/sim/config", {"balance": 100_000})
    info = biteship.create_order(shipment())  # the same sale: resumes its draft
    state = sim_call(sim, "/sim/orders")
    assert [o["id"] for o in state["orders"]] == [info.provider_order_id]
    assert state["drafts"] == 1


def test_wrong_api_key_is_refused(sim):
    with pytest.raises(CourierAuthFailed, match="Periksa API key"):
        BiteshipProvider("biteship_test.wrong", base_url=sim.url).create_order(shipment())
    assert sim_call(sim, "/sim/orders")["drafts"] == 0


def test_unknown_postal_code_is_an_address_error(biteship):
    bad = ShippingAddress("Sari", "081298765432", "Jl. Kartini 2", postal_code="01234")
    with pytest.raises(CourierInvalidAddress, match="kode pos"):
        biteship.create_order(shipment(destination=bad))


@pytest.mark.parametrize("failure,error", [("no_courier", CourierServiceUnavailable),
                                           ("server_error", CourierUnavailable),
                                           ("invalid_api_key", CourierAuthFailed)])
def test_injected_booking_failures(sim, biteship, failure, error):
    sim_call(sim, "/sim/config", {"fail_next": failure})
    with pytest.raises(error):
        biteship.create_order(shipment())
    assert sim_call(sim, "/sim/orders")["orders"] == []
    assert biteship.create_order(shipment()).awb  # the failure was one-off


def test_timeout_on_create_then_retry_finds_the_existing_order(sim):
    # Both create requests answer after 1.2 s, the client gives up after 0.5 s: each step must find
    # what its lost request did instead of repeating it.
    sim_call(sim, "/sim/config", {"slow_ms": 1200})
    impatient = BiteshipProvider(KEY, base_url=sim.url, timeout_s=0.5)
    info = impatient.create_order(shipment())

    sim_call(sim, "/sim/config", {"slow_ms": 0})
    again = BiteshipProvider(KEY, base_url=sim.url).create_order(shipment())  # e.g. another Lambda's retry
    assert again.provider_order_id == info.provider_order_id

    state = sim_call(sim, "/sim/orders")
    assert len(state["orders"]) == 1
    assert state["drafts"] == 1
    assert state["config"]["balance"] == 1_000_000 - info.price


def test_find_by_reference(biteship):
    assert biteship.find_by_reference("SALE-NONE") is None
    info = biteship.create_order(shipment("SALE-42"))
    assert biteship.find_by_reference("SALE-42") == info


def test_status_webhooks_out_of_order_never_move_a_shipment_backwards(sim, biteship, receiver):
    info = biteship.create_order(shipment())
    for _ in range(5):
        sim_call(sim, f"/sim/orders/{info.provider_order_id}/advance", {})
    events = [biteship.parse_webhook(h, b) for h, b in receiver.wait_for(5)]
    assert [e.status for e in events] == [ShipmentStatus.ALLOCATED, ShipmentStatus.PICKING_UP, ShipmentStatus.PICKED,
                                          ShipmentStatus.DROPPING_OFF, ShipmentStatus.DELIVERED]
    assert all(e.awb == info.awb for e in events)

    for arrival in (list(reversed(events)), random.Random(7).sample(events, len(events))):
        current = info.status
        for event in arrival:
            new = advance(current, event.status)
            if new is not None:
                assert new.rank >= current.rank
                current = new
        assert current is ShipmentStatus.DELIVERED


def test_set_status_sends_a_webhook_and_final_orders_do_not_advance(sim, biteship, receiver):
    info = biteship.create_order(shipment())
    order = sim_call(sim, f"/sim/orders/{info.provider_order_id}/status", {"status": "cancelled"})
    assert order["status"] == "cancelled"
    event = biteship.parse_webhook(*receiver.wait_for(1)[0])
    assert event.status is ShipmentStatus.CANCELLED
    assert biteship.get_order(info.provider_order_id).status is ShipmentStatus.CANCELLED
    with pytest.raises(urllib.error.HTTPError) as exc:
        sim_call(sim, f"/sim/orders/{info.provider_order_id}/advance", {})
    assert exc.value.code == 409


def test_webhooks_carry_the_secret_and_are_refused_with_a_wrong_one(sim, biteship, receiver):
    info = biteship.create_order(shipment())
    sim_call(sim, f"/sim/orders/{info.provider_order_id}/advance", {})
    headers, body = receiver.wait_for(1)[0]
    stranger = BiteshipProvider(KEY, base_url=sim.url, webhook_secret="another-store-secret")
    with pytest.raises(Unauthorized):
        stranger.parse_webhook(headers, body)


def test_a_failed_delivery_is_retried_and_dedupes_on_its_event_key(sim, biteship, receiver):
    receiver.fail_first = 1
    info = biteship.create_order(shipment())
    sim_call(sim, f"/sim/orders/{info.provider_order_id}/advance", {})
    (h1, b1), (h2, b2) = receiver.wait_for(2)
    assert biteship.parse_webhook(h1, b1).event_key == biteship.parse_webhook(h2, b2).event_key
    deadline = time.monotonic() + 3
    while len(deliveries := sim_call(sim, "/sim/orders")["webhook_deliveries"]) < 2:
        assert time.monotonic() < deadline, "the simulator never logged the retry"
        time.sleep(0.05)
    assert [(d["attempt"], d["outcome"]) for d in deliveries] == [(1, 500), (2, 200)]


def biteship_post(sim: CourierSimulator, path: str, body: dict, authorization: str) -> tuple[int, dict]:
    req = urllib.request.Request(sim.url + path, method="POST", data=json.dumps(body).encode(),
                                 headers={"Content-Type": "application/json", "Authorization": authorization})
    try:
        with urllib.request.build_opener(urllib.request.ProxyHandler({})).open(req, timeout=5) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def test_simulator_answers_with_biteships_documented_codes(sim):
    body = draft_payload(shipment())
    status, answer = biteship_post(sim, "/v1/draft_orders", {**body, "destination_address": ""}, KEY)
    assert (status, answer["success"], answer["code"]) == (400, False, 40002019)
    status, answer = biteship_post(sim, "/v1/draft_orders", {**body, "items": [{"name": "Kaos"}]}, KEY)
    assert status == 400
    status, answer = biteship_post(sim, "/v1/draft_orders", body, "biteship_test.other")
    assert (status, answer["code"]) == (401, 40000001)
    status, answer = biteship_post(sim, "/v1/draft_orders", body, f"Bearer {KEY}")  # Biteship accepts both forms
    assert status == 200 and answer["status"] == "ready"
    status, answer = biteship_post(sim, "/v1/draft_orders", body, KEY)
    assert (status, answer["code"]) == (422, REFERENCE_TAKEN_CODE)


def test_control_page_lists_orders(sim, biteship):
    info = biteship.create_order(shipment())
    with urllib.request.build_opener(urllib.request.ProxyHandler({})).open(sim.url + "/sim/", timeout=5) as resp:
        page = resp.read().decode()
    assert resp.headers["Content-Type"].startswith("text/html")
    assert info.provider_order_id in page and info.awb in page


def test_command_line_entry_point():
    proc = subprocess.Popen([sys.executable, "-m", "infra.local.courier_sim", "--port", "0", "--api-key", KEY],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        line = proc.stdout.readline()
        url = line.split(" on ", 1)[1].split()[0]
        provider = BiteshipProvider(KEY, base_url=url, timeout_s=2.0)
        assert provider.create_order(shipment()).awb
    finally:
        proc.terminate()
        proc.wait(timeout=5)
