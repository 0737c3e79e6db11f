"""Refunds through both adapters, unchanged, against the gateway simulator over loopback HTTP.

A tiny HTTP receiver stands in for our callback routes (``/api/callbacks/midtrans`` and
``/api/callbacks/xendit``). Each test runs once per gateway where both gateways have the behaviour,
and on its own where they differ (Midtrans refunds at once and notifies only successes; Xendit
answers PENDING and ends every refund with a callback).
"""
from __future__ import annotations

import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests

from chalicelib.core.clock import FixedClock, set_clock
from chalicelib.core.errors import Unauthorized, UpstreamError, ValidationError
from chalicelib.payments.providers import (
    MidtransGateway,
    PartialRefundNotSupported,
    RefundExceedsPaid,
    RefundInProgress,
    RefundInsufficientBalance,
    RefundKeyConflict,
    RefundNotAllowed,
    RefundNotFound,
    RefundNotSupported,
    RefundRefused,
    RefundWindowPassed,
    XenditGateway,
)
from infra.local.gateway_sim import GatewaySimulator
from tests.helpers import wait_until

SERVER_KEY = "SB-Mid-server-REFUNDTEST"
XENDIT_SECRET = "xnd_development_REFUNDTEST"
XENDIT_TOKEN = "xendit-callback-token-REFUNDTEST"
PAID = 48500


class Receiver:
    """Collects callbacks on any path, answering 200."""

    def __init__(self):
        self.received: list[dict] = []
        self._cond = threading.Condition()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                return

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with receiver._cond:
                    receiver.received.append({"path": self.path, "headers": dict(self.headers), "body": body})
                    receiver._cond.notify_all()
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True).start()
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"

    def on(self, path: str) -> list[dict]:
        with self._cond:
            return [r for r in self.received if r["path"] == path]

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@dataclass
class Gw:
    """One gateway under test: the adapter, the simulator, and how to charge and pay through it."""

    name: str
    adapter: MidtransGateway | XenditGateway
    sim: GatewaySimulator
    receiver: Receiver
    path: str

    def paid(self, ref: str, amount: int = PAID, issuer: str | None = None) -> str:
        """A paid QR; returns its provider_ref."""
        charge = self.adapter.create_qris(ref, amount, int(time.time()) + 900, "Kopi susu")
        self.sim.pay(charge.provider_ref, issuer=issuer)
        assert self.sim.wait_idle()
        return charge.provider_ref

    def refund(self, ref: str, provider_ref: str, key: str, amount: int, reason: str = "Barang rusak"):
        return self.adapter.refund(ref, provider_ref=provider_ref, refund_key=key, amount=amount, reason=reason)

    def get(self, ref: str, provider_ref: str, key: str):
        return self.adapter.get_refund(ref, provider_ref=provider_ref, refund_key=key)

    def refund_events(self) -> list:
        events = [self.adapter.parse_callback(r["headers"], r["body"]) for r in self.receiver.on(self.path)]
        return [e for e in events if e.kind == "refund"]

    def wait_refund_events(self, count: int) -> list:
        return wait_until(lambda: len(self.refund_events()) >= count and self.refund_events(), timeout=5,
                          what=f"{count} {self.name} refund callbacks")

    def settled(self, ref: str, provider_ref: str, key: str):
        """The refund once the gateway has ended it (Xendit ends refunds asynchronously)."""
        assert self.sim.wait_idle()
        return self.get(ref, provider_ref, key)


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.close()


@pytest.fixture
def sim(receiver):
    s = GatewaySimulator(server_key=SERVER_KEY, callback_url=f"{receiver.base}/api/callbacks/midtrans",
                         xendit_secret_key=XENDIT_SECRET, xendit_callback_token=XENDIT_TOKEN,
                         xendit_callback_url=f"{receiver.base}/api/callbacks/xendit",
                         retries=1, retry_delay=0.02, sweep_interval=0.05).start()
    yield s
    s.stop()


def _gw(name: str, sim: GatewaySimulator, receiver: Receiver) -> Gw:
    if name == "midtrans":
        return Gw(name, MidtransGateway(server_key=SERVER_KEY, base_url=sim.url), sim, receiver,
                  "/api/callbacks/midtrans")
    return Gw(name, XenditGateway(secret_key=XENDIT_SECRET, callback_token=XENDIT_TOKEN, base_url=sim.url), sim,
              receiver, "/api/callbacks/xendit")


@pytest.fixture(params=["midtrans", "xendit"])
def gw(request, sim, receiver) -> Gw:
    return _gw(request.param, sim, receiver)


@pytest.fixture
def midtrans(sim, receiver) -> Gw:
    return _gw("midtrans", sim, receiver)


@pytest.fixture
def xendit(sim, receiver) -> Gw:
    return _gw("xendit", sim, receiver)


def control(sim: GatewaySimulator, path: str, **body) -> requests.Response:
    return requests.post(f"{sim.url}/sim/{path}", json=body, timeout=5)


# --- full and partial refunds, on both gateways -----------------------------------------------

def test_full_refund(gw):
    ref = f"S-R01-{gw.name}"
    provider_ref = gw.paid(ref)
    first = gw.refund(ref, provider_ref, "RF-01", PAID)
    assert (first.refund_key, first.amount) == ("RF-01", PAID)
    # Midtrans' direct refund is done at once; Xendit answers PENDING and ends it by callback
    assert first.status == ("succeeded" if gw.name == "midtrans" else "pending")
    assert first.provider_refund_id
    done = gw.settled(ref, provider_ref, "RF-01")
    assert (done.status, done.amount, done.provider_refund_id) == ("succeeded", PAID, first.provider_refund_id)
    status = gw.adapter.get_status(ref, provider_ref=provider_ref)
    assert (status.status, status.amount) == ("refunded", PAID)

    [event] = gw.wait_refund_events(1)
    assert (event.kind, event.refund_key, event.refund_amount, event.refund_status) == ("refund", "RF-01", PAID,
                                                                                         "succeeded")
    assert event.status == "refunded" and event.provider_refund_id == first.provider_refund_id
    assert event.provider_ref == provider_ref
    if gw.name == "midtrans":
        assert status.raw["transaction_status"] == "refund" and event.order_ref == ref
    else:
        # a full refund within 24 hours voids the Xendit payment
        assert status.raw["payments"]["data"][0]["status"] == "VOIDED"
    # nothing is left to refund
    with pytest.raises(RefundExceedsPaid if gw.name == "midtrans" else RefundNotAllowed):
        gw.refund(ref, provider_ref, "RF-01b", 1)


def test_two_partials_then_a_third_that_would_exceed_the_payment_is_refused(gw):
    ref = f"S-R02-{gw.name}"
    provider_ref = gw.paid(ref)
    gw.refund(ref, provider_ref, "RF-02a", 10000)
    gw.refund(ref, provider_ref, "RF-02b", 20000)
    assert gw.settled(ref, provider_ref, "RF-02a").status == "succeeded"
    assert gw.settled(ref, provider_ref, "RF-02b").status == "succeeded"
    with pytest.raises(RefundExceedsPaid) as exc:
        gw.refund(ref, provider_ref, "RF-02c", 20000)  # 18500 left
    assert exc.value.code == "gateway_refund_exceeds_paid" and exc.value.status == 409
    with pytest.raises(RefundNotFound):  # the refused one was never made
        gw.get(ref, provider_ref, "RF-02c")
    # exactly what is left is still fine
    gw.refund(ref, provider_ref, "RF-02d", PAID - 30000)
    assert gw.settled(ref, provider_ref, "RF-02d").status == "succeeded"
    assert gw.sim.transaction(ref)["refunded_amount"] == PAID
    events = gw.wait_refund_events(3)
    assert len({e.event_key for e in events}) == 3
    # Midtrans names the refund by the entry the bank confirmed last; two confirmed in the same
    # second leave it unnamed (refund_key None: ask get_refund), never misnamed
    named = [e for e in events if e.refund_key]
    if gw.name == "xendit":
        assert len(named) == 3
    else:
        [first] = [e for e in events if len(e.raw["refunds"]) == 1]
        assert first.refund_key == "RF-02a"
    assert all(e.refund_amount == {"RF-02a": 10000, "RF-02b": 20000, "RF-02d": 18500}[e.refund_key] for e in named)
    status = gw.adapter.get_status(ref, provider_ref=provider_ref)
    if gw.name == "midtrans":
        assert status.raw["transaction_status"] == "refund"
        assert [r["refund_key"] for r in status.raw["refunds"]] == ["RF-02a", "RF-02b", "RF-02d"]
    else:
        assert status.raw["payments"]["data"][0]["status"] == "REFUNDED"  # partial refunds: not voided


def test_the_same_refund_key_retried_makes_one_refund(gw):
    ref = f"S-R03-{gw.name}"
    provider_ref = gw.paid(ref)
    first = gw.refund(ref, provider_ref, "RF-03", 15000)
    again = gw.refund(ref, provider_ref, "RF-03", 15000)  # a retry after a timeout
    assert again.provider_refund_id == first.provider_refund_id and again.amount == 15000
    gw.sim.wait_idle()
    later = gw.refund(ref, provider_ref, "RF-03", 15000)  # and once it has finished
    assert later.provider_refund_id == first.provider_refund_id and later.status == "succeeded"
    assert [r["amount"] for r in gw.sim.refunds(ref)] == [15000]
    # the same key for another amount is a bug on our side, never a second refund
    with pytest.raises(RefundKeyConflict):
        gw.refund(ref, provider_ref, "RF-03", 5000)
    assert gw.sim.transaction(ref)["refunded_amount"] == 15000


def test_partial_refund_not_supported_by_the_issuer(gw):
    ref = f"S-R04-{gw.name}"
    provider_ref = gw.paid(ref)
    assert control(gw.sim, f"transactions/{ref}/refund_mode", mode="partial_not_supported").status_code == 200
    with pytest.raises(PartialRefundNotSupported) as exc:
        gw.refund(ref, provider_ref, "RF-04a", 10000)
    assert exc.value.code == "gateway_partial_refund_not_supported"
    assert exc.value.details["system"] in ("Midtrans", "Xendit")
    assert gw.sim.refunds(ref) == []
    # the whole amount still goes back
    gw.refund(ref, provider_ref, "RF-04b", PAID)
    assert gw.settled(ref, provider_ref, "RF-04b").status == "succeeded"


def test_issuer_that_cannot_refund(gw):
    ref = f"S-R05-{gw.name}"
    provider_ref = gw.paid(ref)
    control(gw.sim, f"transactions/{ref}/refund_mode", mode="not_supported")
    with pytest.raises(RefundNotSupported) as exc:
        gw.refund(ref, provider_ref, "RF-05", PAID)
    assert exc.value.code == "gateway_refund_not_supported" and isinstance(exc.value, RefundRefused)


def test_refund_of_an_unpaid_qr_is_refused(gw):
    ref = f"S-R06-{gw.name}"
    charge = gw.adapter.create_qris(ref, PAID, int(time.time()) + 900, "")
    with pytest.raises(RefundNotAllowed):
        gw.refund(ref, charge.provider_ref, "RF-06", PAID)


def test_pending_then_success(gw):
    ref = f"S-R07-{gw.name}"
    provider_ref = gw.paid(ref)
    control(gw.sim, f"transactions/{ref}/refund_mode", mode="pending_then_ok", delay_ms=300)
    asked = gw.refund(ref, provider_ref, "RF-07", 12000)
    assert asked.status == "pending"
    assert gw.get(ref, provider_ref, "RF-07").status == "pending"
    assert gw.refund_events() == []
    [event] = gw.wait_refund_events(1)
    assert (event.refund_key, event.refund_status, event.refund_amount) == ("RF-07", "succeeded", 12000)
    assert gw.get(ref, provider_ref, "RF-07").status == "succeeded"


def test_concurrent_refunds_never_return_more_than_was_paid(gw):
    ref = f"S-R08-{gw.name}"
    provider_ref = gw.paid(ref)

    def attempt(i: int):
        try:
            return gw.refund(ref, provider_ref, f"RF-08-{i}", 10000)
        except RefundRefused as exc:
            return exc

    with ThreadPoolExecutor(max_workers=10) as pool:
        outcomes = list(pool.map(attempt, range(10)))
    made = [o for o in outcomes if not isinstance(o, Exception)]
    refused = [o for o in outcomes if isinstance(o, Exception)]
    assert len(made) == PAID // 10000 == 4
    assert all(isinstance(e, RefundExceedsPaid) for e in refused)
    assert gw.sim.wait_idle()
    assert all(gw.get(ref, provider_ref, r.refund_key).status == "succeeded" for r in made)
    assert gw.sim.transaction(ref)["refunded_amount"] == 40000 <= PAID


def test_pending_refunds_count_against_what_is_left(gw):
    ref = f"S-R09-{gw.name}"
    provider_ref = gw.paid(ref)
    control(gw.sim, f"transactions/{ref}/refund_mode", mode="pending")
    assert gw.refund(ref, provider_ref, "RF-09a", 40000).status == "pending"
    with pytest.raises(RefundExceedsPaid):
        gw.refund(ref, provider_ref, "RF-09b", 10000)  # 8500 left while 40000 is on its way back
    assert gw.refund(ref, provider_ref, "RF-09c", 8500).status == "pending"
    assert control(gw.sim, "refunds/RF-09a/fail", failure_code="INSUFFICIENT_BALANCE").status_code == 200
    # the failed one gives its amount back to what can be refunded
    assert gw.refund(ref, provider_ref, "RF-09d", 40000).status == "pending"
    assert gw.sim.transaction(ref)["refunded_amount"] == 0


# --- Midtrans only ----------------------------------------------------------------------------

def test_midtrans_refund_notification_is_signed_and_redelivered_with_one_key(midtrans, sim):
    ref = "S-R10-1"
    provider_ref = midtrans.paid(ref)
    midtrans.refund(ref, provider_ref, "RF-10", 8500)
    [event] = midtrans.wait_refund_events(1)
    [note] = [r for r in midtrans.receiver.on(midtrans.path) if json.loads(r["body"])["transaction_status"]
              == "partial_refund"]
    body = json.loads(note["body"])
    assert body["status_code"] == "200" and body["gross_amount"] == "48500.00" and body["refund_amount"] == "8500.00"
    with pytest.raises(Unauthorized):
        MidtransGateway(server_key="SB-Mid-server-OTHER", base_url=sim.url).parse_callback({}, note["body"])
    # Midtrans redelivers the same notification: one event key
    assert control(sim, f"transactions/{ref}/replay", statuses=["partial_refund"]).status_code == 200
    events = wait_until(lambda: len(midtrans.refund_events()) >= 2 and midtrans.refund_events(), timeout=5)
    assert {e.event_key for e in events} == {event.event_key}


def test_midtrans_pending_then_failure_is_never_notified_and_the_key_can_be_retried(midtrans, sim):
    ref = "S-R11-1"
    provider_ref = midtrans.paid(ref)
    control(sim, f"transactions/{ref}/refund_mode", mode="pending_then_fail", delay_ms=200)
    assert midtrans.refund(ref, provider_ref, "RF-11", 20000).status == "pending"
    assert midtrans.get(ref, provider_ref, "RF-11").status == "pending"
    assert sim.wait_idle()
    # Midtrans sends nothing on failure and the refund drops out of refunds[]: not acknowledged
    with pytest.raises(RefundNotFound):
        midtrans.get(ref, provider_ref, "RF-11")
    assert midtrans.refund_events() == []
    assert midtrans.adapter.get_status(ref, provider_ref=provider_ref).status == "paid"
    # so the same key may be sent again, and now it goes through
    control(sim, f"transactions/{ref}/refund_mode", mode=None)
    assert midtrans.refund(ref, provider_ref, "RF-11", 20000).status == "succeeded"
    assert sim.transaction(ref)["refunded_amount"] == 20000


def test_midtrans_refund_window_and_balance(midtrans, sim):
    clock = FixedClock(time.time())
    previous = set_clock(clock)
    try:
        on_us = midtrans.paid("S-R12-1", issuer="gopay")  # GoPay acquirer, GoPay payer: 45 days
        off_us = midtrans.paid("S-R12-2", issuer="dana")  # another issuer: 7 days
        clock.advance(days=8)
        with pytest.raises(RefundWindowPassed) as exc:
            midtrans.refund("S-R12-2", off_us, "RF-12b", 1000)
        assert exc.value.code == "gateway_refund_window_passed"
        assert midtrans.refund("S-R12-1", on_us, "RF-12a", 1000).status == "succeeded"
    finally:
        set_clock(previous)
    control(sim, "transactions/S-R12-1/refund_mode", mode="insufficient_balance")
    with pytest.raises(RefundInsufficientBalance) as exc:
        midtrans.refund("S-R12-1", on_us, "RF-12c", 1000)
    assert exc.value.status == 502 and exc.value.details["gateway_code"] == "414"


def test_midtrans_refund_api_without_direct(midtrans, sim):
    ref = "S-R13-1"
    provider_ref = midtrans.paid(ref)
    plain = MidtransGateway(server_key=SERVER_KEY, base_url=sim.url, direct_refund=False)
    result = plain.refund(ref, provider_ref=provider_ref, refund_key="RF-13", amount=PAID, reason="")
    assert (result.status, result.amount) == ("succeeded", PAID)
    # by order id as well as by transaction id
    assert plain.get_refund(ref, provider_ref=None, refund_key="RF-13").status == "succeeded"


# --- Xendit only ------------------------------------------------------------------------------

def test_xendit_pending_then_failure_by_callback(xendit, sim):
    ref = "S-R20-1"
    provider_ref = xendit.paid(ref)
    control(sim, f"transactions/{ref}/refund_mode", mode="pending_then_fail", failure_code="INSUFFICIENT_BALANCE",
            delay_ms=200)
    assert xendit.refund(ref, provider_ref, "RF-20", 30000).status == "pending"
    [event] = xendit.wait_refund_events(1)
    assert (event.refund_key, event.refund_status, event.failure_code) == ("RF-20", "failed", "INSUFFICIENT_BALANCE")
    assert event.status == "paid" and event.event_key.endswith(":FAILED")
    failed = xendit.get(ref, provider_ref, "RF-20")
    assert (failed.status, failed.failure_code) == ("failed", "INSUFFICIENT_BALANCE")
    assert failed.failure_message
    # nothing went back, so the whole amount can still be refunded (under a new key)
    control(sim, f"transactions/{ref}/refund_mode", mode=None)
    xendit.refund(ref, provider_ref, "RF-20b", PAID)
    assert xendit.settled(ref, provider_ref, "RF-20b").status == "succeeded"


def test_xendit_qr_refund_objects_without_our_reference_are_found_by_their_own_id(xendit, sim):
    """The QR Codes API's own refund object carries qrpy_id and refund_amount but no reference_id: the
    answer, the status listing and the callback still tell which refund and how much."""
    sim.xendit_refund_shape = "qr"
    ref = "S-R26-1"
    provider_ref = xendit.paid(ref)
    control(sim, f"transactions/{ref}/refund_mode", mode="pending")
    asked = xendit.refund(ref, provider_ref, "RF-26", 12000)
    assert (asked.status, asked.amount) == ("pending", 12000) and asked.provider_refund_id.startswith("qrrf_")
    with pytest.raises(RefundNotFound):
        xendit.get(ref, provider_ref, "RF-26")  # by our key alone it cannot be told apart
    found = xendit.adapter.get_refund(ref, provider_ref=provider_ref, refund_key="RF-26",
                                      provider_refund_id=asked.provider_refund_id)
    assert (found.status, found.amount, found.refund_key) == ("pending", 12000, "RF-26")
    assert control(sim, f"refunds/{asked.provider_refund_id}/succeed").status_code == 200
    [event] = xendit.wait_refund_events(1)
    assert (event.refund_key, event.provider_refund_id, event.refund_amount, event.refund_status) == (
        None, asked.provider_refund_id, 12000, "succeeded")
    assert event.provider_ref and event.provider_ref.startswith("qrpy_")


def test_xendit_refund_callbacks_carry_the_token(xendit, sim):
    ref = "S-R21-1"
    provider_ref = xendit.paid(ref)
    xendit.refund(ref, provider_ref, "RF-21", 5000)
    xendit.wait_refund_events(1)
    [note] = [r for r in xendit.receiver.on(xendit.path) if json.loads(r["body"])["event"] == "qr.refund"]
    assert note["headers"]["x-callback-token"] == XENDIT_TOKEN and note["headers"]["webhook-id"]
    other = XenditGateway(secret_key=XENDIT_SECRET, callback_token="another-token", base_url=sim.url)
    with pytest.raises(Unauthorized):
        other.parse_callback(note["headers"], note["body"])


def test_xendit_gopay_payments_cannot_be_refunded_through_the_qr_api(xendit):
    provider_ref = xendit.paid("S-R22-1", issuer="gopay")
    with pytest.raises(RefundNotSupported) as exc:
        xendit.refund("S-R22-1", provider_ref, "RF-22", 1000)
    assert exc.value.details["gateway_code"] == "REFUND_NOT_SUPPORTED"


def test_xendit_only_one_pending_full_refund(xendit, sim):
    ref = "S-R23-1"
    provider_ref = xendit.paid(ref)
    control(sim, f"transactions/{ref}/refund_mode", mode="pending")
    xendit.refund(ref, provider_ref, "RF-23a", PAID)
    with pytest.raises(RefundInProgress):
        xendit.refund(ref, provider_ref, "RF-23b", PAID)
    # the control ends a refund left pending
    assert control(sim, "refunds/RF-23a/succeed").status_code == 200
    [event] = xendit.wait_refund_events(1)
    assert event.refund_key == "RF-23a" and xendit.get(ref, provider_ref, "RF-23a").status == "succeeded"


@pytest.mark.parametrize("amount, kind", [
    (10300, RefundExceedsPaid), (10301, PartialRefundNotSupported), (10303, RefundNotSupported),
    (10304, RefundInProgress), (10305, RefundNotAllowed),
])
def test_xendit_sandbox_test_amounts(xendit, amount, kind):
    provider_ref = xendit.paid(f"S-R24-{amount}")
    with pytest.raises(kind):
        xendit.refund(f"S-R24-{amount}", provider_ref, f"RF-24-{amount}", amount)


def test_xendit_refund_after_30_days_fails_by_callback(xendit):
    clock = FixedClock(time.time())
    previous = set_clock(clock)
    try:
        provider_ref = xendit.paid("S-R25-1")
        clock.advance(days=31)
        assert xendit.refund("S-R25-1", provider_ref, "RF-25", 1000).status == "pending"
        [event] = xendit.wait_refund_events(1)
    finally:
        set_clock(previous)
    assert (event.refund_status, event.failure_code) == ("failed", "INELIGIBLE_TRANSACTION")


# --- input and control validation -------------------------------------------------------------

def test_bad_refund_requests_never_reach_the_gateway(gw):
    ref = f"S-R30-{gw.name}"
    provider_ref = gw.paid(ref)
    for key, amount in [("bad key!", 1000), ("RF-30", 0), ("RF-30", -5), ("RF-30", 1000.0)]:
        with pytest.raises(ValidationError):
            gw.refund(ref, provider_ref, key, amount)
    with pytest.raises(ValidationError):
        gw.refund(ref, provider_ref, "RF-30", 1000, reason="x" * 256)
    assert gw.sim.refunds(ref) == []


def test_unknown_payment_and_wrong_key(gw, sim):
    with pytest.raises(UpstreamError) as exc:
        gw.get("S-R31-404", "qr_missing" if gw.name == "xendit" else None, "RF-31")
    assert exc.value.code == "gateway_not_found"


def test_refund_controls_validate_input(sim, midtrans):
    midtrans.paid("S-R32-1")
    assert control(sim, "refund_mode", mode="sometimes").status_code == 400
    assert control(sim, "refund_mode", mode=None).status_code == 400
    assert control(sim, "transactions/S-R32-1/refund_mode", mode="ok", failure_code="lower case").status_code == 400
    assert control(sim, "transactions/S-R32-1/refund_mode").status_code == 400
    assert control(sim, "transactions/NOPE/refund_mode", mode="ok").status_code == 404
    assert control(sim, "refunds/NOPE/succeed").status_code == 404
    ok = control(sim, "refund_mode", mode="pending_then_fail", failure_code="INELIGIBLE_TRANSACTION", delay_ms=10)
    assert ok.status_code == 200 and ok.json() == {"refund_mode": "pending_then_fail",
                                                   "failure_code": "INELIGIBLE_TRANSACTION", "delay_ms": 10}
    listed = requests.get(f"{sim.url}/sim/transactions/S-R32-1", timeout=5).json()
    assert listed["refunds"] == [] and listed["refunded_amount"] == 0


def test_refund_api_speaks_midtrans_and_xendit(sim, midtrans, xendit):
    provider_ref = midtrans.paid("S-R33-1")
    post = requests.post(f"{sim.url}/v2/S-R33-1/refund/online/direct", json={"refund_key": "RF 33", "amount": 1},
                         auth=(SERVER_KEY, ""), timeout=5)
    assert post.status_code == 400 and post.json()["validation_messages"]
    assert requests.post(f"{sim.url}/v2/S-R33-1/refund", json={}, timeout=5).status_code == 401
    # no amount: the whole transaction; no refund_key: a new refund each time
    whole = requests.post(f"{sim.url}/v2/{provider_ref}/refund", json={}, auth=(SERVER_KEY, ""), timeout=5).json()
    assert whole["status_code"] == "200" and whole["refund_amount"] == "48500.00"
    assert whole["transaction_status"] == "refund"

    qr_ref = xendit.paid("S-R33-2")
    payment_id = sim.transaction("S-R33-2")["payment_id"]
    headers = {"api-version": "2022-07-31"}
    auth = (XENDIT_SECRET, "")
    bad = requests.post(f"{sim.url}/qr_codes/payments/{payment_id}/refunds", json={"reason": "rusak"},
                        headers=headers, auth=auth, timeout=5)
    assert bad.status_code == 400 and bad.json()["error_code"] == "API_VALIDATION_ERROR"
    empty = requests.post(f"{sim.url}/qr_codes/payments/{payment_id}/refunds", headers=headers, auth=auth, timeout=5)
    assert empty.status_code == 200 and empty.json()["status"] == "PENDING" and empty.json()["amount"] == PAID
    assert empty.json()["id"].startswith("qrrf_") and empty.json()["qr_id"] == qr_ref
    one = requests.get(f"{sim.url}/qr_codes/payments/{payment_id}/refunds/{empty.json()['id']}", headers=headers,
                       auth=auth, timeout=5)
    assert one.status_code == 200 and one.json()["id"] == empty.json()["id"]
    assert requests.get(f"{sim.url}/qr_codes/{qr_ref}", auth=auth, timeout=5).status_code == 400  # no api-version
    assert requests.get(f"{sim.url}/qr_codes/{qr_ref}", headers=headers, auth=("xnd_wrong", ""),
                        timeout=5).json()["error_code"] == "INVALID_API_KEY"


def test_xendit_payments_and_expiry_without_callbacks(xendit, sim):
    """The Xendit side of the simulator beyond refunds: payment callbacks, status and expiry."""
    charge = xendit.adapter.create_qris("S-R34-1", 25000, int(time.time()) + 900, "Teh")
    assert xendit.adapter.get_status("S-R34-1", provider_ref=charge.provider_ref).status == "pending"
    sim.pay(charge.provider_ref, issuer="ovo", duplicates=2)
    assert sim.wait_idle()
    events = [xendit.adapter.parse_callback(r["headers"], r["body"]) for r in xendit.receiver.on(xendit.path)]
    assert len(events) == 2 and len({e.event_key for e in events}) == 1
    assert (events[0].kind, events[0].status, events[0].amount, events[0].issuer) == ("payment", "paid", 25000, "ovo")
    assert events[0].order_ref == "S-R34-1" and events[0].provider_ref == charge.provider_ref
    assert xendit.adapter.get_status("S-R34-1", provider_ref=charge.provider_ref).status == "paid"
    other = xendit.adapter.create_qris("S-R34-2", 25000, int(time.time()) + 900, "")
    sim.expire(other.provider_ref)
    assert sim.wait_idle()
    assert xendit.adapter.get_status("S-R34-2", provider_ref=other.provider_ref).status == "cancelled"
    assert len(xendit.receiver.on(xendit.path)) == 2  # Xendit sends nothing when a QR expires
