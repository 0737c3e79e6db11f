"""Xendit QR Codes adapter against a tiny loopback stub of the v2 API (no Xendit simulator is built),
plus callback verification and parsing."""
from __future__ import annotations

import base64
import json
import threading
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from chalicelib.core.clock import FixedClock, iso_utc
from chalicelib.core.errors import Unauthorized, UpstreamError, ValidationError
from chalicelib.payments import qris
from chalicelib.payments.providers import CancelNotSupported, GatewayNotFound, PaymentGateway, XenditGateway

SECRET = "xnd_development_TEST"
TOKEN = "callback-token-TEST"
NOW = datetime(2026, 1, 3, 5, 30, tzinfo=timezone.utc).timestamp()
MERCHANT = qris.QrisMerchant(name="PT SAMBUNG", city="Jakarta", guid="CO.XENDIT.WWW", pan="936008480000005469",
                             merchant_id="MTp47ZSspWsSQxG", nmid="ID2025426752668", criteria="UME")

# A real v1 QR payment callback, replayed in a public test script (payments.md V8).
V1_CALLBACK = {
    "id": "qrpy_32dc440f-aee1-40d4-af32-6d2249c493ae", "event": "qr.payment", "amount": 10000, "status": "COMPLETED",
    "created": "2026-01-03T05:41:02.419127Z",
    "qr_code": {"id": "qr_e6710fe1-41fe-4939-b2d1-875973aae339", "type": "DYNAMIC", "metadata": None,
                "qr_string": "00020101021226650013CO.XENDIT.WWW01189360084800000054690215MTp47ZSspWsSQxG0303UME51370014"
                             "ID.CO.QRIS.WWW0215ID20254267526685204509953033605405100005802ID5923PT ALWI KOBRA INDONESIA"
                             "6006Bekasi61051715162290525xoizLQizgQUsgqK4tR4kMBcLc630475A5",
                "external_id": "order_1767418834448_bkzxgfha0_ru.ll_7mcq"},
    "payment_details": {"source": "BNI", "receipt_id": "290b03ee7629"},
}
# The v2 (api-version 2022-07-31) shape, as in Xendit's sample copied by integrations (payments.md §3.2).
V2_CALLBACK = {
    "event": "qr.payment", "api_version": "2022-07-31", "business_id": "5f2790d5b7b0ad4e4e1b6f04",
    "created": "2026-01-03T05:41:03Z",
    "data": {"id": "qrpy_8182837te-87st-49ing-8696-1239bd4d759c", "business_id": "5f2790d5b7b0ad4e4e1b6f04",
             "currency": "IDR", "amount": 15000, "status": "SUCCEEDED", "created": "2026-01-03T05:41:02Z",
             "qr_id": "qr_8182837te-87st-49ing-8696-1239bd4d759c", "qr_string": "...", "reference_id": "S-0001-1",
             "type": "DYNAMIC", "channel_code": "ID_DANA", "expires_at": "2026-01-03T05:45:00Z",
             "description": "", "basket": None, "metadata": None,
             "payment_detail": {"receipt_id": "", "source": "DANA", "name": "", "account_details": None}},
}


class XenditStub:
    """Enough of POST /qr_codes, GET /qr_codes/{id} and GET /qr_codes/{id}/payments to drive the adapter."""

    def __init__(self):
        self.qr_codes: dict[str, dict] = {}
        self.payments: dict[str, list] = {}
        self.requests: list[dict] = []
        self.fail_next: tuple[int, bytes] | None = None
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                return

            def do_POST(self):
                self._handle(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))

            def do_GET(self):
                self._handle(None)

            def _handle(self, body):
                stub.requests.append({"method": self.command, "path": self.path, "headers": dict(self.headers), "json": body})
                status, out = stub.answer(self.command, self.path, self.headers, body)
                payload = out if isinstance(out, bytes) else json.dumps(out).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def answer(self, method, path, headers, body):
        if self.fail_next:
            failure, self.fail_next = self.fail_next, None
            return failure
        if headers.get("Authorization") != "Basic " + base64.b64encode(f"{SECRET}:".encode()).decode():
            return 401, {"error_code": "INVALID_API_KEY", "message": "API key is not authorized for this API service"}
        if headers.get("api-version") != "2022-07-31":
            return 400, {"error_code": "API_VALIDATION_ERROR", "message": "api-version header missing"}
        parts = path.strip("/").split("/")
        if method == "POST" and parts == ["qr_codes"]:
            qr_id = f"qr_{len(self.qr_codes) + 1:04d}"
            self.qr_codes[qr_id] = {
                "id": qr_id, "reference_id": body["reference_id"], "business_id": "biz", "type": body["type"],
                "currency": body["currency"], "amount": body["amount"], "channel_code": "ID_XENDIT",
                "status": "ACTIVE", "expires_at": body["expires_at"],
                "qr_string": qris.build(MERCHANT, body["amount"], reference_label=qr_id),
                "created": iso_utc(NOW), "updated": iso_utc(NOW), "metadata": None,
            }
            self.payments[qr_id] = []
            return 201, self.qr_codes[qr_id]
        if method == "GET" and parts[0] == "qr_codes" and parts[1] in self.qr_codes:
            if parts[2:] == ["payments"]:
                return 200, {"data": self.payments[parts[1]], "has_more": False}
            return 200, self.qr_codes[parts[1]]
        return 404, {"error_code": "DATA_NOT_FOUND", "message": "QR code not found"}

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def stub():
    s = XenditStub()
    yield s
    s.close()


@pytest.fixture
def xendit(stub):
    return XenditGateway(secret_key=SECRET, callback_token=TOKEN, base_url=stub.url, clock=FixedClock(NOW))


def test_create_qris_over_http(stub, xendit):
    charge = xendit.create_qris("S-0001-1", 15000, int(NOW) + 900, "Kopi susu")
    request = stub.requests[-1]
    assert request["method"] == "POST" and request["path"] == "/qr_codes"
    assert request["json"] == {"reference_id": "S-0001-1", "type": "DYNAMIC", "currency": "IDR", "amount": 15000,
                               "expires_at": "2026-01-03T05:45:00Z", "description": "Kopi susu"}
    assert charge.provider == "xendit" and charge.provider_ref.startswith("qr_")
    assert qris.amount_of(charge.qr_string) == 15000
    assert charge.expires_at == int(NOW) + 900


def test_status_pending_then_paid(stub, xendit):
    charge = xendit.create_qris("S-0002-1", 20000, int(NOW) + 900, "")
    assert xendit.get_status("S-0002-1", provider_ref=charge.provider_ref).status == "pending"
    stub.payments[charge.provider_ref].append({
        "id": "qrpy_1", "qr_id": charge.provider_ref, "reference_id": "S-0002-1", "amount": 20000, "currency": "IDR",
        "status": "SUCCEEDED", "created": "2026-01-03T05:31:00Z", "channel_code": "ID_SHOPEEPAY",
        "payment_detail": {"source": "SHOPEEPAY"}})
    status = xendit.get_status("S-0002-1", provider_ref=charge.provider_ref)
    assert (status.status, status.amount, status.issuer) == ("paid", 20000, "shopeepay")
    assert status.paid_at == int(datetime(2026, 1, 3, 5, 31, tzinfo=timezone.utc).timestamp())
    # cancelling a paid QR reports the payment instead of pretending it was cancelled
    assert xendit.cancel("S-0002-1", provider_ref=charge.provider_ref).status == "paid"


def test_inactive_qr_is_expired_after_its_expiry_and_cancelled_before(stub, xendit):
    charge = xendit.create_qris("S-0003-1", 5000, int(NOW) + 900, "")
    stub.qr_codes[charge.provider_ref]["status"] = "INACTIVE"
    assert xendit.get_status("S-0003-1", provider_ref=charge.provider_ref).status == "cancelled"
    stub.qr_codes[charge.provider_ref]["expires_at"] = iso_utc(NOW - 1)
    assert xendit.get_status("S-0003-1", provider_ref=charge.provider_ref).status == "expired"


def test_a_live_qr_cannot_be_cancelled(xendit):
    charge = xendit.create_qris("S-0004-1", 5000, int(NOW) + 900, "")
    with pytest.raises(CancelNotSupported) as exc:
        xendit.cancel("S-0004-1", provider_ref=charge.provider_ref)
    assert exc.value.status == 409 and exc.value.details["expires_at"] == "2026-01-03T05:45:00Z"


def test_status_needs_the_qr_id(xendit):
    with pytest.raises(ValidationError, match="provider_ref"):
        xendit.get_status("S-0001-1")


def test_unknown_qr_and_bad_key(stub, xendit):
    with pytest.raises(GatewayNotFound):
        xendit.get_status("S-9", provider_ref="qr_missing")
    bad = XenditGateway(secret_key="xnd_wrong", callback_token=TOKEN, base_url=stub.url, clock=FixedClock(NOW))
    with pytest.raises(UpstreamError) as exc:
        bad.create_qris("S-0005-1", 5000, int(NOW) + 900, "")
    assert exc.value.code == "gateway_auth_failed"
    assert exc.value.details["gateway_code"] == "INVALID_API_KEY"


def test_server_error_and_redirect(stub, xendit):
    stub.fail_next = (503, b"upstream connect error")
    with pytest.raises(UpstreamError) as exc:
        xendit.create_qris("S-0006-1", 5000, int(NOW) + 900, "")
    assert exc.value.code == "gateway_unavailable"
    stub.fail_next = (302, b"")
    with pytest.raises(UpstreamError) as exc:
        xendit.create_qris("S-0006-1", 5000, int(NOW) + 900, "")
    assert exc.value.code == "gateway_redirect"


# --- callbacks ---------------------------------------------------------------------------------

def test_v2_callback(xendit):
    event = xendit.parse_callback({"x-callback-token": TOKEN, "webhook-id": "wh-1"}, json.dumps(V2_CALLBACK).encode())
    assert (event.order_ref, event.status, event.amount, event.issuer) == ("S-0001-1", "paid", 15000, "dana")
    assert event.event_key == "xendit:qrpy_8182837te-87st-49ing-8696-1239bd4d759c:SUCCEEDED"
    assert event.provider_ref == "qr_8182837te-87st-49ing-8696-1239bd4d759c"
    assert event.paid_at == int(datetime(2026, 1, 3, 5, 41, 2, tzinfo=timezone.utc).timestamp())
    assert event.raw["_webhook_id"] == "wh-1"


def test_v1_callback_published_in_a_replay_script(xendit):
    event = xendit.parse_callback({"X-CALLBACK-TOKEN": TOKEN}, json.dumps(V1_CALLBACK).encode())
    assert event.order_ref == "order_1767418834448_bkzxgfha0_ru.ll_7mcq"
    assert (event.status, event.amount, event.issuer) == ("paid", 10000, "bni")
    assert event.provider_ref == "qr_e6710fe1-41fe-4939-b2d1-875973aae339"


def test_issuer_falls_back_to_the_channel(xendit):
    body = json.loads(json.dumps(V2_CALLBACK))
    del body["data"]["payment_detail"]
    assert xendit.parse_callback({"x-callback-token": TOKEN}, json.dumps(body).encode()).issuer == "dana"


@pytest.mark.parametrize("headers", [{}, {"x-callback-token": ""}, {"x-callback-token": TOKEN + "x"},
                                     {"x-callback-token": "callback-token-test"}, {"x-callback-token": "tökén"}])
def test_bad_or_missing_token_is_unauthorized(xendit, headers):
    with pytest.raises(Unauthorized):
        xendit.parse_callback(headers, json.dumps(V2_CALLBACK).encode())


def test_amount_with_decimals_is_read_exactly(xendit):
    body = json.loads(json.dumps(V2_CALLBACK))
    body["data"]["amount"] = 15000.00
    raw = json.dumps(body).encode()  # "15000.0": decoded as Decimal, never a float
    assert xendit.parse_callback({"x-callback-token": TOKEN}, raw).amount == 15000
    body["data"]["amount"] = 15000.5
    with pytest.raises(UpstreamError):
        xendit.parse_callback({"x-callback-token": TOKEN}, json.dumps(body).encode())


def test_unknown_payment_status(xendit):
    body = json.loads(json.dumps(V2_CALLBACK))
    body["data"]["status"] = "PENDING_REVIEW"
    with pytest.raises(UpstreamError) as exc:
        xendit.parse_callback({"x-callback-token": TOKEN}, json.dumps(body).encode())
    assert exc.value.code == "gateway_unknown_status"


def test_protocol_and_secrets(xendit):
    assert isinstance(xendit, PaymentGateway)
    assert SECRET not in repr(xendit) and TOKEN not in repr(xendit)
