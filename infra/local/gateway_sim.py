"""A local payment gateway that speaks the Midtrans Core API subset Sambung uses, and Xendit's QR
Codes API (v2, ``api-version: 2022-07-31``) when given Xendit keys, refunds included.

Our adapters talk to it unchanged over HTTP (point their ``base_url`` here).

Midtrans (HTTP Basic auth with the configured server key, Midtrans-shaped error bodies):

* ``POST /v2/charge`` (``payment_type: "qris"``) -> a dynamic QRIS built with our codec for a fake
  merchant, with the amount in tag 54; ``custom_expiry``, ``X-Override-Notification`` and
  ``X-Append-Notification`` are honoured;
* ``GET /v2/{order_id|transaction_id}/status`` and ``POST /v2/{order_id|transaction_id}/cancel``;
  once refunded, the status carries ``refunds[]`` (``refund_chargeback_id``, ``refund_chargeback_uuid``,
  ``refund_amount``, ``created_at``, ``reason``, ``refund_key``, ``refund_method``,
  ``bank_confirmed_at``) and ``refund_amount``, and ``transaction_status`` is ``partial_refund`` or
  ``refund``;
* ``POST /v2/{order_id|transaction_id}/refund/online/direct`` and ``POST /v2/{...}/refund``
  ``{"refund_key", "amount", "reason"}``: only for ``settlement``/``partial_refund``; the same
  ``refund_key`` returns the same refund (never a second one; the same key with another amount is
  refused with 406); no key means a new refund; ``amount`` defaults to the whole gross amount; never
  more than paid minus refunded (pending ones count); a refund that succeeds changes the status
  and sends a signed notification (Midtrans notifies refunds only when they succeed); refusals
  answer ``412``/``413``/``414`` with a ``status_message`` like Midtrans';
* ``GET /v2/qris/{transaction_id}/qr-code``: the QR as a PNG (the ``generate-qr-code`` action).

Xendit (enabled by ``xendit_secret_key``; Basic auth with it, ``{"error_code", "message"}`` errors):

* ``POST /qr_codes`` ``{reference_id, type: "DYNAMIC", currency: "IDR", amount, expires_at}``,
  ``GET /qr_codes/{qr_id}`` (``ACTIVE`` until paid or expired, then ``INACTIVE``) and
  ``GET /qr_codes/{qr_id}/payments`` (``qrpy_...`` payments: ``SUCCEEDED``, then ``REFUNDED``
  after a refund, or ``VOIDED`` after a full refund within 24 hours of payment);
* ``POST /qr_codes/payments/{qrpy_id}/refunds`` (body ``{reference_id, amount, reason}``, empty
  amount = all that is left; header ``idempotency-key``): answers ``PENDING`` and finishes later
  with a ``qr.refund`` callback (``SUCCEEDED``, or ``FAILED`` with a ``failure_code``); errors
  ``400 MAXIMUM_REFUND_AMOUNT_REACHED``, ``400 PARTIAL_REFUND_NOT_SUPPORTED``,
  ``400 REFUND_NOT_SUPPORTED`` (e.g. a QRIS paid with GoPay, BCA, BRI or BNI: not on Xendit's list
  of refundable issuers), ``400 REFUND_IN_PROGRESS`` (a pending full refund), ``403
  INELIGIBLE_TRANSACTION`` (payment not successful or voided), ``409 DUPLICATE_ERROR`` (a key reused
  for another amount); Xendit's test-mode refund amounts (10300-10305, 20300, 20301) behave as its
  sandbox documents unless ``xendit_test_amounts=False``; refunds after 30 days fail by callback
  with ``INELIGIBLE_TRANSACTION``;
* ``GET /qr_codes/payments/{qrpy_id}/refunds`` (``{"data": [...], "has_more": false}``) and
  ``GET /qr_codes/payments/{qrpy_id}/refunds/{qrrf_id}``; refund objects come in the unified shape
  (``reference_id``, ``amount``, ``qr_id``) or, with ``xendit_refund_shape="qr"``, in the QR Codes
  API's own (``qrpy_id``, ``payment_amount``, ``refund_amount``, ``refunded_at``, no ``reference_id``):
  the adapter must work with either;
* callbacks ``{event: "qr.payment"|"qr.refund", api_version, business_id, created, data}`` with the
  ``x-callback-token`` header and a ``webhook-id``, to ``xendit_callback_url``.

People and tests drive payments through:

* ``GET /sim/``: a page listing transactions with their QR and buttons Pay (choosing the issuer),
  Fail, Expire;
* ``GET /sim/transactions`` and ``/sim/transactions/{ref}``: JSON (with refunds);
* ``POST /sim/transactions/{ref}/pay`` ``{"issuer": "gopay", "duplicates": 3, "delay_ms": 0,
  "concurrent": false, "amount": 18000}``, ``/fail`` and ``/expire`` (same options but ``amount``);
  the status API answers truthfully what was paid, however the notifications are altered or replayed;
* ``POST /sim/transactions/{ref}/replay`` ``{"statuses": ["settlement", "pending"]}``: sends
  those Midtrans notifications in that order without changing the transaction (out-of-order delivery);
* ``POST /sim/scan`` ``{"qr_string": "...", "action": "pay"|"fail"|"expire", ...}``: find the
  transaction by the QR a browser test "scanned" from the kiosk and act on it;
* refund behaviour, for all payments (``POST /sim/refund_mode``) or one
  (``POST /sim/transactions/{ref}/refund_mode``; ``"mode": null`` falls back to the global one):
  ``{"mode": ..., "failure_code": "INSUFFICIENT_BALANCE", "delay_ms": 0}`` with modes
  ``ok`` (Midtrans: done at once; Xendit: PENDING, then success), ``pending_then_ok``,
  ``pending_then_fail`` (Midtrans: acknowledged, then dropped from ``refunds[]`` with no
  notification, as Midtrans notifies only successes; Xendit: FAILED callback with ``failure_code``),
  ``pending`` (stays pending until ``POST /sim/refunds/{refund_key|id}/succeed`` or ``/fail``),
  ``partial_not_supported``, ``not_supported`` (the issuer cannot refund), ``window_passed`` and
  ``insufficient_balance``; Midtrans' own refund windows also apply (QRIS via GoPay: 45 days on-us,
  7 off-us; via ShopeePay: 365 on-us, 7 off-us), on the process clock;
* ``GET /sim/deliveries``: every notification attempt and its outcome.

After each change a background thread POSTs the notification to the URLs, retrying on non-2xx
like the gateways (never following or retrying a 301/302/303). Midtrans notifications are signed
with ``signature_key`` = SHA512(order_id + status_code + gross_amount + server_key); Xendit ones
carry the callback token. Pending QRs whose expiry passed are expired by a sweeper, on the process
clock (so the local stack's time travel applies). All state changes happen under one lock, so
concurrent refunds never add up to more than was paid.

Run alone: ``python -m infra.local.gateway_sim --port 8090 --server-key SB-Mid-server-local
--callback-url http://127.0.0.1:8000/api/callbacks/midtrans`` (add ``--xendit-secret-key``,
``--xendit-callback-token`` and ``--xendit-callback-url`` for Xendit).
"""
from __future__ import annotations

import argparse
import base64
import hashlib
import hmac
import html
import io
import json
import re
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import unquote, urlsplit
from zoneinfo import ZoneInfo

from chalicelib.core.clock import get_clock, iso_utc, parse_iso
from chalicelib.payments import qris

_WIB = ZoneInfo("Asia/Jakarta")
_TIME = "%Y-%m-%d %H:%M:%S"
MERCHANT_ID = "G000000001"  # a fake Midtrans merchant id
XENDIT_BUSINESS_ID = "5f27a14a9bf05c73dd040bc8"  # a fake Xendit business id
XENDIT_API_VERSION = "2022-07-31"

# Midtrans status_code per transaction_status, as the status API reports it ...
_STATUS_CODE = {"pending": "201", "settlement": "200", "capture": "200", "deny": "202", "failure": "202",
                "cancel": "200", "expire": "407", "refund": "200", "partial_refund": "200"}
# ... and as notifications carry it (an expiry notification says 202 where the API says 407).
_NOTIFY_CODE = dict(_STATUS_CODE, expire="202")
_STATUS_MESSAGE = {"cancel": "Success, transaction is canceled", "expire": "Success, transaction is expired"}
_PAID = ("settlement", "capture", "partial_refund", "refund")  # money was received (maybe given back since)
ISSUERS = ("gopay", "ovo", "dana", "shopeepay", "linkaja", "bca", "bri", "mandiri", "bni")
_ACQUIRER_ACCOUNT = {
    # acquirer -> (GUID in tag 26/00, PAN in 26/01 starting with that PJSP's NNS)
    "gopay": ("COM.GO-JEK.WWW", "9360091400000000001"),
    "airpay shopee": ("ID.CO.SHOPEE.WWW", "9360091800000000001"),
}
_XENDIT_ACCOUNT = ("CO.XENDIT.WWW", "936008480000000001")
_EXPIRY_UNITS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}
_MAX_COPIES = 50
_MAX_DELAY_MS = 60_000
_MAX_AMOUNT = 10**13 - 1  # tag 54 holds at most 13 digits
_DAY = 86400

# Refunds.
REFUND_MODES = ("ok", "pending", "pending_then_ok", "pending_then_fail", "partial_not_supported", "not_supported",
                "window_passed", "insufficient_balance")
_REFUND_KEY = re.compile(r"^[A-Za-z0-9_-]{1,100}$")  # Midtrans: letters, digits, '-' and '_'
# Midtrans refund windows for QRIS by acquirer: (on-us days, off-us days) (refunds_and_voids.md §1).
_MIDTRANS_WINDOW_DAYS = {"gopay": (45, 7), "airpay shopee": (365, 7)}
_ON_US_ISSUER = {"gopay": "gopay", "airpay shopee": "shopeepay"}
# Xendit: refunds only for payments from these issuers ("payment QRIS via GoPay cannot be refunded
# using this endpoint"); its list also has Permata, CIMB, Jenius/BTPN and BSI, which we do not simulate.
XENDIT_REFUNDABLE_ISSUERS = ("dana", "shopeepay", "ovo", "linkaja", "mandiri")
_XENDIT_WINDOW_DAYS = 30
_XENDIT_VOID_HOURS = 24
# Xendit's QR sandbox: refund amounts that trigger errors (docs.xendit.co/qr-codes/test-scenarios).
_XENDIT_TEST_ERRORS = {
    10300: (400, "MAXIMUM_REFUND_AMOUNT_REACHED", "Requested refund amount cannot exceed remaining unrefunded amount"),
    10301: (400, "PARTIAL_REFUND_NOT_SUPPORTED", "Partial refund is not supported for this issuer"),
    10303: (400, "REFUND_NOT_SUPPORTED", "Refund is not supported for this issuer"),
    10304: (400, "REFUND_IN_PROGRESS", "Concurrent full refund requests are not allowed"),
    10305: (403, "INELIGIBLE_TRANSACTION", "Transaction is not eligible for refund"),
}
_XENDIT_TEST_FAILURES = {20300: "INELIGIBLE_TRANSACTION", 20301: "INSUFFICIENT_BALANCE"}


class SimError(Exception):
    """A refused control or API request: HTTP status plus a body."""

    def __init__(self, status: int, body: dict):
        super().__init__(body)
        self.status = status
        self.body = body


def _midtrans_error(code: int, message: str, **extra: Any) -> SimError:
    return SimError(code, {"status_code": str(code), "status_message": message, **extra})


def _xendit_error(status: int, code: str, message: str) -> SimError:
    return SimError(status, {"error_code": code, "message": message})


def _control_error(status: int, code: str, message: str) -> SimError:
    return SimError(status, {"error": {"code": code, "message": message}})


def _signature(order_id: str, status_code: str, gross_amount: str, server_key: str) -> str:
    # Written out here rather than imported from our adapter, so a mistake in one is caught by the other.
    return hashlib.sha512((order_id + status_code + gross_amount + server_key).encode("utf-8")).hexdigest()


def _fmt(ts: float | None) -> str | None:
    return None if ts is None else datetime.fromtimestamp(ts, _WIB).strftime(_TIME)


def _iso(ts: float | None) -> str | None:
    return None if ts is None else iso_utc(ts)


@dataclass
class SimRefund:
    """One refund of one payment. ``status``: pending | succeeded | failed."""

    key: str  # Midtrans refund_key; Xendit idempotency-key (or reference_id)
    provider_id: str  # Midtrans refund_chargeback_uuid; Xendit qrrf_...
    number: int  # Midtrans refund_chargeback_id
    amount: int
    reason: str
    created_at: int
    status: str = "pending"
    reference_id: str | None = None  # Xendit reference_id as sent
    updated_at: int | None = None
    failure_code: str | None = None
    full: bool = False  # asked for everything that was paid

    def to_json(self) -> dict:
        return {"refund_key": self.key, "id": self.provider_id, "refund_chargeback_id": self.number,
                "amount": self.amount, "reason": self.reason, "status": self.status,
                "failure_code": self.failure_code, "created_at": self.created_at, "updated_at": self.updated_at}


@dataclass
class SimTransaction:
    order_id: str
    transaction_id: str  # Midtrans transaction_id; Xendit QR id (qr_...)
    gross_amount: int
    acquirer: str
    qr_string: str
    transaction_time: int
    expiry_time: int
    notification_urls: tuple[str, ...]
    gateway: str = "midtrans"
    status: str = "pending"  # Midtrans transaction_status vocabulary, for both gateways
    issuer: str | None = None
    settlement_time: int | None = None
    paid_amount: int | None = None  # what the payer's app really paid, when told to differ (a faulty issuer)
    description: str = ""
    payment_id: str | None = None  # Xendit qrpy_..., once paid (or failed)
    voided: bool = False  # Xendit: fully refunded within 24 hours of payment
    refunds: list[SimRefund] = field(default_factory=list)
    refund_mode: str | None = None  # None: the simulator's global mode
    refund_failure_code: str | None = None
    refund_delay_ms: int | None = None
    _png: bytes | None = field(default=None, repr=False)

    @property
    def amount_paid(self) -> int:
        return self.paid_amount if self.paid_amount is not None else self.gross_amount

    @property
    def gross(self) -> str:
        """The amount as Midtrans writes it (two decimals): what was really paid, once paid."""
        return f"{self.amount_paid}.00"

    def refunded(self, *statuses: str) -> int:
        wanted = statuses or ("succeeded",)
        return sum(r.amount for r in self.refunds if r.status in wanted)

    def find_refund(self, key: str) -> SimRefund | None:
        return next((r for r in self.refunds if key in (r.key, r.provider_id)), None)

    def to_json(self) -> dict:
        return {
            "gateway": self.gateway, "order_id": self.order_id, "transaction_id": self.transaction_id,
            "gross_amount": self.gross_amount, "status": self.status, "acquirer": self.acquirer,
            "issuer": self.issuer, "qr_string": self.qr_string, "transaction_time": self.transaction_time,
            "expiry_time": self.expiry_time, "settlement_time": self.settlement_time,
            "notification_urls": list(self.notification_urls), "payment_id": self.payment_id,
            "paid_amount": self.amount_paid if self.status in _PAID else None,
            "refunded_amount": self.refunded(), "refund_mode": self.refund_mode,
            "refunds": [r.to_json() for r in self.refunds],
        }


@dataclass
class _Job:
    """Notifications to deliver in order; each body goes ``copies`` times to every URL."""

    bodies: list[dict]
    urls: tuple[str, ...]
    copies: int = 1
    delay_s: float = 0.0
    concurrent: bool = False
    gateway: str = "midtrans"
    order_id: str = ""


class GatewaySimulator:
    """The simulator server. ``port=0`` picks a free port; read :attr:`port`/:attr:`url` after start().

    ``refund_mode``/``refund_failure_code``/``refund_delay_ms`` set how refunds end for every payment
    (see the module docstring); :meth:`set_refund_mode` changes them, for all or for one payment.
    """

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        server_key: str,
        callback_url: str | None = None,
        merchant_name: str = "SAMBUNG SIMULATOR",
        merchant_city: str = "JAKARTA",
        retries: int = 3,
        retry_delay: float = 0.2,
        sweep_interval: float = 0.5,
        xendit_secret_key: str | None = None,
        xendit_callback_token: str | None = None,
        xendit_callback_url: str | None = None,
        xendit_test_amounts: bool = True,
        xendit_refund_shape: str = "unified",
        refund_mode: str = "ok",
        refund_failure_code: str = "INSUFFICIENT_BALANCE",
        refund_delay_ms: int = 0,
    ):
        if not server_key:
            raise ValueError("server_key is required")
        if xendit_secret_key and not xendit_callback_token:
            raise ValueError("xendit_callback_token is required with xendit_secret_key")
        self.host, self._requested_port = host, port
        self.server_key = server_key
        self.callback_url = callback_url
        self.xendit_secret_key, self.xendit_callback_token = xendit_secret_key, xendit_callback_token
        self.xendit_callback_url, self.xendit_test_amounts = xendit_callback_url, xendit_test_amounts
        if xendit_refund_shape not in ("unified", "qr"):
            raise ValueError("xendit_refund_shape is 'unified' or 'qr'")
        self.xendit_refund_shape = xendit_refund_shape
        self.merchant_name, self.merchant_city = merchant_name, merchant_city
        self.retries, self.retry_delay, self.sweep_interval = retries, retry_delay, sweep_interval
        self.refund_mode, self.refund_failure_code = _refund_mode(refund_mode), _failure_code(refund_failure_code)
        self.refund_delay_s = _delay(refund_delay_ms)
        self._lock = threading.Lock()
        self._by_order: dict[str, SimTransaction] = {}  # Midtrans order_id -> latest transaction
        self._x_by_ref: dict[str, SimTransaction] = {}  # Xendit reference_id -> latest QR
        self._by_txid: dict[str, SimTransaction] = {}  # Midtrans transaction_id or Xendit qr id
        self._by_payment: dict[str, SimTransaction] = {}  # Xendit qrpy id
        self._by_qr: dict[str, SimTransaction] = {}
        self._refund_numbers = 0
        self._deliveries: list[dict] = []
        self._workers: set[threading.Thread] = set()
        self._stopping = threading.Event()
        self._server: ThreadingHTTPServer | None = None
        self._threads: list[threading.Thread] = []
        self._pool = None

    # -- lifecycle ---------------------------------------------------------------------------

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("simulator not started")
        return self._server.server_address[1]

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> "GatewaySimulator":
        import urllib3

        self._pool = urllib3.PoolManager(retries=False, maxsize=16)
        self._stopping.clear()
        self._server = ThreadingHTTPServer((self.host, self._requested_port), _handler_for(self))
        self._server.daemon_threads = True
        # A short poll interval keeps stop() fast (shutdown waits for the next poll).
        self._threads = [threading.Thread(target=self._server.serve_forever, args=(0.05,), name="gateway-sim-http",
                                          daemon=True),
                         threading.Thread(target=self._sweep, name="gateway-sim-expiry", daemon=True)]
        for t in self._threads:
            t.start()
        return self

    def stop(self, timeout: float = 5.0) -> None:
        """Stop serving and wait (up to ``timeout``) for deliveries in flight; no retry waits on."""
        self._stopping.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        with self._lock:
            workers = list(self._workers)
        for t in self._threads + workers:
            t.join(timeout)
        self._server = None

    def __enter__(self) -> "GatewaySimulator":
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    def wait_idle(self, timeout: float = 5.0) -> bool:
        """Block until no notification is being delivered and no delayed refund is waiting to finish;
        raises ``TimeoutError`` if work is still running after ``timeout`` seconds (a caller waits
        for the side effect, so it must know). Refunds in mode ``pending`` wait for a control call
        and do not count."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                if not self._workers:
                    return True
            time.sleep(0.01)
        raise TimeoutError(f"the gateway simulator was still delivering notifications after {timeout:g}s")

    def transactions(self) -> list[dict]:
        with self._lock:
            latest = list(self._by_order.values()) + list(self._x_by_ref.values())
            return [tx.to_json() for tx in sorted(latest, key=lambda t: -t.transaction_time)]

    def transaction(self, ref: str) -> dict:
        with self._lock:
            return self._find_control(ref).to_json()

    def deliveries(self) -> list[dict]:
        with self._lock:
            return list(self._deliveries)

    def _find(self, ref: str, gateway: str = "midtrans") -> SimTransaction:
        """A transaction by the ids its gateway's API accepts (Midtrans: order or transaction id;
        Xendit: qr id or payment id)."""
        if gateway == "midtrans":
            tx = self._by_order.get(ref) or self._by_txid.get(ref)
        else:
            tx = self._by_txid.get(ref) or self._by_payment.get(ref)
        if tx is None or tx.gateway != gateway:
            if gateway == "midtrans":
                raise _midtrans_error(404, "Transaction doesn't exist.")
            raise _xendit_error(404, "DATA_NOT_FOUND", "Data not found")
        return tx

    def _find_control(self, ref: str) -> SimTransaction:
        tx = (self._by_order.get(ref) or self._x_by_ref.get(ref) or self._by_txid.get(ref)
              or self._by_payment.get(ref))
        if tx is None:
            raise _control_error(404, "not_found", f"Tidak ada transaksi {ref!r}.")
        return tx

    def _merchant(self, acquirer: str) -> qris.QrisMerchant:
        guid, pan = _XENDIT_ACCOUNT if acquirer == "xendit" else _ACQUIRER_ACCOUNT[acquirer]
        return qris.QrisMerchant(name=self.merchant_name, city=self.merchant_city, guid=guid, pan=pan,
                                 merchant_id=MERCHANT_ID, nmid="ID1020000000001", criteria="UMI",
                                 mcc="5499", postal_code="10110")

    # -- Midtrans API ------------------------------------------------------------------------

    def check_auth(self, authorization: str | None) -> None:
        if not _basic_user_is(authorization, self.server_key):
            raise _midtrans_error(401, "Access denied due to unauthorized transaction, please check client or server key",
                                  id=str(uuid.uuid4()))

    def charge(self, body: Any, override: str | None = None, append: str | None = None) -> dict:
        if not isinstance(body, dict):
            raise _midtrans_error(400, "Bad request", validation_messages=["request body must be a JSON object"])
        problems = []
        if body.get("payment_type") != "qris":
            problems.append("payment_type must be qris (the simulator only does QRIS)")
        details = body.get("transaction_details") if isinstance(body.get("transaction_details"), dict) else {}
        order_id, amount = details.get("order_id"), details.get("gross_amount")
        if not isinstance(order_id, str) or not 1 <= len(order_id) <= 50:
            problems.append("transaction_details.order_id is required (max 50 characters)")
        if isinstance(amount, bool) or not isinstance(amount, int) or not 1 <= amount <= _MAX_AMOUNT:
            problems.append(f"transaction_details.gross_amount must be an integer 1..{_MAX_AMOUNT} for IDR")
        items = body.get("item_details")
        if items is not None:
            lines = [(i.get("price"), i.get("quantity")) for i in items if isinstance(i, dict)] if isinstance(items, list) else []
            if not lines or not all(type(p) is int and type(q) is int for p, q in lines):
                problems.append("item_details need integer price and quantity")
            elif sum(p * q for p, q in lines) != amount:
                problems.append("transaction_details.gross_amount is not equal to the sum of item_details")
        options = body.get("qris") or {}
        acquirer = options.get("acquirer", "gopay") if isinstance(options, dict) else None
        if acquirer not in _ACQUIRER_ACCOUNT:
            problems.append("qris.acquirer must be gopay or airpay shopee")
        now = get_clock().now_s()
        expiry = now + 15 * 60  # Midtrans' QRIS default
        custom = body.get("custom_expiry")
        if custom is not None:
            duration, unit = (custom.get("expiry_duration"), custom.get("unit")) if isinstance(custom, dict) else (None, None)
            if isinstance(duration, bool) or not isinstance(duration, int) or duration < 1 or unit not in _EXPIRY_UNITS:
                problems.append("custom_expiry needs a positive integer expiry_duration and unit second|minute|hour|day")
            else:
                start = now
                if isinstance(custom.get("order_time"), str):
                    try:
                        start = int(datetime.strptime(custom["order_time"], _TIME + " %z").timestamp())
                    except ValueError:
                        problems.append("custom_expiry.order_time must be yyyy-MM-dd HH:mm:ss Z")
                expiry = start + duration * _EXPIRY_UNITS[unit]
        if problems:
            raise _midtrans_error(400, "One or more parameters in the payload is invalid.", validation_messages=problems)

        urls = _notification_urls(override, append, self.callback_url)
        txid = str(uuid.uuid4())
        qr_string = qris.build(self._merchant(acquirer), amount, reference_label=txid.replace("-", "")[:25],
                               terminal_label="A01")
        with self._lock:
            old = self._by_order.get(order_id)
            if old is not None and old.status in ("pending",) + _PAID:
                raise _midtrans_error(406, "Duplicate order ID. Order ID has already been utilized previously.")
            tx = SimTransaction(order_id=order_id, transaction_id=txid, gross_amount=amount, acquirer=acquirer,
                                qr_string=qr_string, transaction_time=now, expiry_time=expiry, notification_urls=urls)
            self._by_order[order_id] = self._by_txid[txid] = self._by_qr[qr_string] = tx
            record = self._record(tx, "QRIS transaction is created")
        del record["signature_key"]  # charge responses are not signed; status responses and notifications are
        record["actions"] = [{"name": "generate-qr-code", "method": "GET",
                              "url": f"{self.url}/v2/qris/{txid}/qr-code"}]
        return record

    def status(self, ref: str) -> dict:
        with self._lock:
            tx = self._find(ref)
            self._expire_if_due(tx)
            return self._record(tx, "Success, transaction is found")

    def cancel(self, ref: str) -> dict:
        with self._lock:
            tx = self._find(ref)
            self._expire_if_due(tx)
            if tx.status != "pending":
                raise _midtrans_error(412, "Merchant cannot modify the status of the transaction")
            tx.status = "cancel"
            record = self._record(tx, _STATUS_MESSAGE["cancel"])
            job = self._job(tx, [self._notification(tx, "cancel")])
        self._dispatch(job)
        return record

    def midtrans_refund(self, ref: str, body: Any, *, direct: bool = True) -> dict:
        """``POST /v2/{ref}/refund[/online/direct]``. Both endpoints behave alike here; how the
        refund ends is the refund mode's choice (default: done at once, notified)."""
        if not isinstance(body, dict):
            raise _midtrans_error(400, "Bad request", validation_messages=["request body must be a JSON object"])
        problems = []
        key = body.get("refund_key")
        if key is not None and (not isinstance(key, str) or not _REFUND_KEY.match(key)):
            problems.append("refund_key may only contain letters, digits, '-' and '_'")
        amount = body.get("amount")
        if isinstance(amount, str) and re.fullmatch(r"\d+(\.00?)?", amount):
            amount = int(amount.split(".")[0])
        if amount is not None and (isinstance(amount, bool) or not isinstance(amount, int) or not 1 <= amount <= _MAX_AMOUNT):
            problems.append("amount must be a positive whole number of rupiah")
        reason = body.get("reason", "")
        if not isinstance(reason, str):
            problems.append("reason must be a string")
        if problems:
            raise _midtrans_error(400, "One or more parameters in the payload is invalid.", validation_messages=problems)
        job = None
        with self._lock:
            tx = self._find(ref)
            self._expire_if_due(tx)
            wanted = amount if amount is not None else tx.amount_paid
            existing = next((r for r in tx.refunds if r.key == key and r.status != "failed"), None) if key else None
            if existing is not None:
                if existing.amount != wanted:
                    raise _midtrans_error(406, "Duplicate refund_key. refund_key has already been utilized for "
                                               "another refund; use a new refund_key for a new refund")
                return self._refund_response(tx, existing)  # the same request again: the same refund
            if tx.status not in ("settlement", "capture", "partial_refund"):
                raise _midtrans_error(412, "Merchant cannot modify the status of the transaction")
            mode, failure_code, delay_s = self._refund_settings(tx)
            remaining = tx.amount_paid - tx.refunded("pending", "succeeded")
            if wanted > remaining:
                raise _midtrans_error(412, f"Refund amount is greater than the refundable amount ({remaining}.00)")
            if mode == "not_supported":
                raise _midtrans_error(412, f"Refund is not supported for this payment: issuer {tx.issuer} "
                                           "does not support refunds")
            partial = wanted < tx.amount_paid
            if mode == "partial_not_supported" and partial:
                raise _midtrans_error(412, f"Partial refund is not supported for this payment (issuer {tx.issuer})")
            if mode == "window_passed" or self._midtrans_window_passed(tx):
                raise _midtrans_error(412, "Transaction has passed its refund period and cannot be refunded")
            if mode == "insufficient_balance":
                raise _midtrans_error(414, "Refund request is rejected due to merchant insufficient funds.")
            refund = self._new_refund(tx, key or f"sim-{uuid.uuid4()}", wanted, reason, str(uuid.uuid4()))
            if mode == "pending_then_ok":
                self._schedule(tx, refund, True, None, delay_s)
            elif mode == "pending_then_fail":
                self._schedule(tx, refund, False, failure_code, delay_s)
            elif mode != "pending":  # ok, or a mode whose refusal did not apply to this refund
                job = self._finish_refund(tx, refund, True, None)
            response = self._refund_response(tx, refund)
        if job is not None:
            self._dispatch(job)
        return response

    def qr_png(self, txid: str) -> bytes:
        with self._lock:
            tx = self._by_txid.get(txid)
            if tx is None:
                raise _midtrans_error(404, "Transaction doesn't exist.")
            if tx._png is None:
                import qrcode  # only the page and the generate-qr-code action need it

                code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=6, border=4)
                code.add_data(tx.qr_string)
                buf = io.BytesIO()
                code.make_image().save(buf)
                tx._png = buf.getvalue()
            return tx._png

    def _record(self, tx: SimTransaction, message: str) -> dict:
        """The transaction as Midtrans' charge/status/cancel responses show it (signed like a notification)."""
        code = _STATUS_CODE[tx.status]
        record = {
            "status_code": code, "status_message": message, "transaction_id": tx.transaction_id,
            "order_id": tx.order_id, "merchant_id": MERCHANT_ID, "gross_amount": tx.gross, "currency": "IDR",
            "payment_type": "qris", "transaction_time": _fmt(tx.transaction_time),
            "transaction_status": tx.status, "fraud_status": "accept", "acquirer": tx.acquirer,
            "expiry_time": _fmt(tx.expiry_time), "qr_string": tx.qr_string,
            "signature_key": _signature(tx.order_id, code, tx.gross, self.server_key),
        }
        if tx.issuer:
            record["issuer"] = tx.issuer
        if tx.settlement_time:
            record["settlement_time"] = _fmt(tx.settlement_time)
        record.update(self._midtrans_refunds(tx))
        return record

    def _midtrans_refunds(self, tx: SimTransaction) -> dict:
        """``refunds[]`` and ``refund_amount`` as the status API shows them: every refund Midtrans
        has acknowledged (a pending one has no ``bank_confirmed_at`` yet; a failed one is gone)."""
        listed = [r for r in tx.refunds if r.status != "failed"]
        if not listed:
            return {}
        return {
            "refunds": [{"refund_chargeback_id": r.number, "refund_chargeback_uuid": r.provider_id,
                         "refund_amount": f"{r.amount}.00", "created_at": _fmt(r.created_at), "reason": r.reason,
                         "refund_key": r.key, "refund_method": "online",
                         "bank_confirmed_at": _fmt(r.updated_at) if r.status == "succeeded" else None}
                        for r in listed],
            "refund_amount": f"{sum(r.amount for r in listed)}.00",
        }

    def _refund_response(self, tx: SimTransaction, refund: SimRefund) -> dict:
        done = refund.status == "succeeded"
        out = {
            "status_code": "200" if done else "201",
            "status_message": "Success, refund request is approved" if done
            else "Success, refund request is received and being processed",
            "transaction_id": tx.transaction_id, "order_id": tx.order_id, "merchant_id": MERCHANT_ID,
            "gross_amount": tx.gross, "currency": "IDR", "payment_type": "qris",
            "transaction_time": _fmt(tx.transaction_time), "transaction_status": tx.status, "fraud_status": "accept",
            "acquirer": tx.acquirer, "settlement_time": _fmt(tx.settlement_time),
            "refund_chargeback_id": refund.number, "refund_chargeback_uuid": refund.provider_id,
            "refund_amount": f"{refund.amount}.00", "refund_key": refund.key,
        }
        if tx.issuer:
            out["issuer"] = tx.issuer
        return out

    def _midtrans_window_passed(self, tx: SimTransaction) -> bool:
        on_us, off_us = _MIDTRANS_WINDOW_DAYS[tx.acquirer]
        days = on_us if tx.issuer == _ON_US_ISSUER[tx.acquirer] else off_us
        return get_clock().now_s() - (tx.settlement_time or 0) > days * _DAY

    # -- Xendit API --------------------------------------------------------------------------

    def check_xendit(self, authorization: str | None, api_version: str | None) -> None:
        if not self.xendit_secret_key:
            raise _control_error(404, "not_found", "Xendit is not enabled in this simulator (xendit_secret_key)")
        if not _basic_user_is(authorization, self.xendit_secret_key):
            raise _xendit_error(401, "INVALID_API_KEY", "API key is not authorized for this API service")
        if api_version != XENDIT_API_VERSION:
            raise _xendit_error(400, "API_VALIDATION_ERROR",
                                f"the simulator speaks the QR Codes API version {XENDIT_API_VERSION} only "
                                "(send the api-version header)")

    def xendit_create_qr(self, body: Any) -> dict:
        if not isinstance(body, dict):
            raise _xendit_error(400, "API_VALIDATION_ERROR", "request body must be a JSON object")
        problems = []
        ref, amount = body.get("reference_id"), body.get("amount")
        if not isinstance(ref, str) or not 1 <= len(ref) <= 255:
            problems.append("reference_id is required (1-255 characters)")
        if body.get("type") != "DYNAMIC":
            problems.append("type must be DYNAMIC (the simulator makes dynamic QRs only)")
        if body.get("currency") != "IDR":
            problems.append("currency must be IDR")
        if isinstance(amount, bool) or not isinstance(amount, int) or not 1 <= amount <= _MAX_AMOUNT:
            problems.append(f"amount must be an integer 1..{_MAX_AMOUNT}")
        now = get_clock().now_s()
        expiry = now + 48 * 3600  # Xendit's default for dynamic QRs
        if body.get("expires_at") is not None:
            try:
                expiry = int(parse_iso(body["expires_at"]))
            except (TypeError, ValueError):
                problems.append("expires_at must be an ISO 8601 time")
            else:
                if expiry <= now:
                    problems.append("expires_at must be in the future")
        description = body.get("description", "")
        if not isinstance(description, str):
            problems.append("description must be a string")
        if problems:
            raise _xendit_error(400, "API_VALIDATION_ERROR", "; ".join(problems))
        qr_id = f"qr_{uuid.uuid4()}"
        qr_string = qris.build(self._merchant("xendit"), amount, reference_label=qr_id[3:].replace("-", "")[:25],
                               terminal_label="A01")
        urls = (self.xendit_callback_url,) if self.xendit_callback_url else ()
        with self._lock:
            tx = SimTransaction(order_id=ref, transaction_id=qr_id, gross_amount=amount, acquirer="xendit",
                                qr_string=qr_string, transaction_time=now, expiry_time=expiry, notification_urls=urls,
                                gateway="xendit", description=description)
            self._x_by_ref[ref] = self._by_txid[qr_id] = self._by_qr[qr_string] = tx
            return self._x_qr(tx)

    def xendit_qr(self, qr_id: str) -> dict:
        with self._lock:
            tx = self._x_find_qr(qr_id)
            self._expire_if_due(tx)
            return self._x_qr(tx)

    def xendit_payments(self, qr_id: str) -> dict:
        with self._lock:
            tx = self._x_find_qr(qr_id)
            self._expire_if_due(tx)
            return {"data": [self._x_payment(tx)] if tx.payment_id else [], "has_more": False}

    def xendit_refund(self, payment_id: str, body: Any, idempotency_key: str | None = None) -> dict:
        """``POST /qr_codes/payments/{qrpy_id}/refunds``: always PENDING first; the end comes by callback."""
        if body is None:
            body = {}
        if not isinstance(body, dict):
            raise _xendit_error(400, "API_VALIDATION_ERROR", "request body must be a JSON object")
        amount, reference_id, reason = body.get("amount"), body.get("reference_id"), body.get("reason")
        if amount is not None and (isinstance(amount, bool) or not isinstance(amount, int) or amount < 1):
            raise _xendit_error(400, "API_VALIDATION_ERROR", "amount must be a positive integer")
        if reference_id is not None and (not isinstance(reference_id, str) or not 1 <= len(reference_id) <= 255):
            raise _xendit_error(400, "API_VALIDATION_ERROR", "reference_id must be 1-255 characters")
        if reason is not None and reason not in ("FRAUDULENT", "DUPLICATE", "REQUESTED_BY_CUSTOMER", "CANCELLATION",
                                                  "OTHERS"):
            raise _xendit_error(400, "API_VALIDATION_ERROR", "Failed to validate the request: reason must be one of "
                                "FRAUDULENT, DUPLICATE, REQUESTED_BY_CUSTOMER, CANCELLATION, OTHERS")
        key = idempotency_key or reference_id
        with self._lock:
            tx = self._by_payment.get(payment_id)
            if tx is None:
                raise _xendit_error(404, "DATA_NOT_FOUND", f"QR payment {payment_id} not found")
            existing = tx.find_refund(key) if key else None
            if existing is not None:
                if amount is not None and amount != existing.amount:
                    raise _xendit_error(409, "DUPLICATE_ERROR", "The idempotency key was already used for another "
                                                                "refund request; use a new key for a new refund")
                return self._x_refund(tx, existing)
            if tx.status not in ("settlement", "partial_refund", "refund") or tx.voided:
                raise _xendit_error(403, "INELIGIBLE_TRANSACTION", "Requested refund transaction cannot be processed "
                                    "as the transaction is in FAILED, PENDING, or VOIDED status")
            mode, failure_code, delay_s = self._refund_settings(tx)
            if self.xendit_test_amounts and amount in _XENDIT_TEST_ERRORS:
                raise _xendit_error(*_XENDIT_TEST_ERRORS[amount])
            if tx.issuer not in XENDIT_REFUNDABLE_ISSUERS or mode == "not_supported":
                raise _xendit_error(400, "REFUND_NOT_SUPPORTED", f"Refund feature is not available for this "
                                    f"transaction: issuer {tx.issuer} does not support refunds")
            paid = tx.amount_paid
            remaining = paid - tx.refunded("pending", "succeeded")
            wanted = amount if amount is not None else remaining
            pending = [r for r in tx.refunds if r.status == "pending"]
            if any(r.full for r in pending) or (pending and wanted >= paid):
                raise _xendit_error(400, "REFUND_IN_PROGRESS", "Concurrent full refund requests to a single QR "
                                    "payment transaction is not allowed. Please wait for the pending full refund "
                                    "request to be completed before initiating a new one")
            if wanted < 1 or wanted > remaining:
                raise _xendit_error(400, "MAXIMUM_REFUND_AMOUNT_REACHED", "Requested refund amount cannot exceed "
                                    f"remaining unrefunded amount of the original payment ({remaining})")
            if wanted < paid and mode == "partial_not_supported":
                raise _xendit_error(400, "PARTIAL_REFUND_NOT_SUPPORTED", "Partial refund feature is not available "
                                    "as the method is not supported for this specific issuer")
            refund = self._new_refund(tx, key or f"sim-{uuid.uuid4()}", wanted, reason or "", f"qrrf_{uuid.uuid4()}")
            refund.reference_id, refund.full = reference_id, wanted >= paid
            now = get_clock().now_s()
            if mode == "window_passed" or now - (tx.settlement_time or now) > _XENDIT_WINDOW_DAYS * _DAY:
                self._schedule(tx, refund, False, "INELIGIBLE_TRANSACTION", delay_s)
            elif self.xendit_test_amounts and amount in _XENDIT_TEST_FAILURES:
                self._schedule(tx, refund, False, _XENDIT_TEST_FAILURES[amount], delay_s)
            elif mode == "insufficient_balance":
                self._schedule(tx, refund, False, "INSUFFICIENT_BALANCE", delay_s)
            elif mode == "pending_then_fail":
                self._schedule(tx, refund, False, failure_code, delay_s)
            elif mode != "pending":
                self._schedule(tx, refund, True, None, delay_s)
            return self._x_refund(tx, refund)

    def xendit_refunds(self, payment_id: str, refund_id: str | None = None) -> dict:
        with self._lock:
            tx = self._by_payment.get(payment_id)
            if tx is None:
                raise _xendit_error(404, "DATA_NOT_FOUND", f"QR payment {payment_id} not found")
            if refund_id is None:
                return {"data": [self._x_refund(tx, r) for r in tx.refunds], "has_more": False}
            refund = next((r for r in tx.refunds if r.provider_id == refund_id), None)
            if refund is None:
                raise _xendit_error(404, "DATA_NOT_FOUND", f"Refund {refund_id} not found")
            return self._x_refund(tx, refund)

    def _x_find_qr(self, qr_id: str) -> SimTransaction:
        tx = self._by_txid.get(qr_id)
        if tx is None or tx.gateway != "xendit":
            raise _xendit_error(404, "DATA_NOT_FOUND", "QR code not found")
        return tx

    def _x_qr(self, tx: SimTransaction) -> dict:
        return {
            "id": tx.transaction_id, "reference_id": tx.order_id, "business_id": XENDIT_BUSINESS_ID,
            "type": "DYNAMIC", "currency": "IDR", "amount": tx.gross_amount, "channel_code": "ID_XENDIT",
            "status": "ACTIVE" if tx.status == "pending" else "INACTIVE", "qr_string": tx.qr_string,
            "expires_at": _iso(tx.expiry_time), "created": _iso(tx.transaction_time),
            "updated": _iso(tx.settlement_time or tx.transaction_time), "description": tx.description,
            "metadata": None,
        }

    def _x_payment(self, tx: SimTransaction) -> dict:
        if tx.status == "deny":
            status = "FAILED"
        elif tx.voided:
            status = "VOIDED"
        elif tx.status in ("partial_refund", "refund"):
            status = "REFUNDED"
        else:
            status = "SUCCEEDED"
        issuer = tx.issuer or "dana"
        return {
            "id": tx.payment_id, "business_id": XENDIT_BUSINESS_ID, "currency": "IDR", "amount": tx.amount_paid,
            "status": status, "created": _iso(tx.settlement_time), "qr_id": tx.transaction_id,
            "qr_string": tx.qr_string, "reference_id": tx.order_id, "type": "DYNAMIC",
            "channel_code": f"ID_{issuer.upper()}", "expires_at": _iso(tx.expiry_time),
            "description": tx.description, "basket": None, "metadata": None,
            "payment_detail": {"receipt_id": tx.payment_id[-12:] if tx.payment_id else "", "source": issuer.upper(),
                               "name": "", "account_details": None},
        }

    def _x_refund(self, tx: SimTransaction, refund: SimRefund) -> dict:
        if self.xendit_refund_shape == "qr":
            # The QR Codes API's own refund object: the payment's id and both amounts, no reference_id.
            return {
                "id": refund.provider_id, "qrpy_id": tx.payment_id, "status": refund.status.upper(), "currency": "IDR",
                "payment_amount": tx.amount_paid, "refund_amount": refund.amount, "reason": refund.reason or None,
                "channel_code": f"ID_{(tx.issuer or 'dana').upper()}", "failure_code": refund.failure_code,
                "created": _iso(refund.created_at), "updated": _iso(refund.updated_at or refund.created_at),
                "refunded_at": _iso(refund.updated_at) if refund.status == "succeeded" and refund.updated_at else None,
            }
        return {
            "id": refund.provider_id, "payment_id": tx.payment_id, "qr_id": tx.transaction_id,
            "business_id": XENDIT_BUSINESS_ID, "reference_id": refund.reference_id, "currency": "IDR",
            "amount": refund.amount, "status": refund.status.upper(), "reason": refund.reason or None,
            "channel_code": f"ID_{(tx.issuer or 'dana').upper()}", "failure_code": refund.failure_code,
            "created": _iso(refund.created_at), "updated": _iso(refund.updated_at or refund.created_at),
            "metadata": None,
        }

    def _x_event(self, tx: SimTransaction, event: str, data: dict) -> dict:
        return {"event": event, "api_version": XENDIT_API_VERSION, "business_id": XENDIT_BUSINESS_ID,
                "created": _iso(get_clock().now()), "data": data}

    # -- control -----------------------------------------------------------------------------

    def pay(self, ref: str, *, issuer: str | None = None, duplicates: int = 1, delay_ms: int = 0,
            concurrent: bool = False, amount: int | None = None) -> dict:
        """Settle a pending QR as if ``issuer``'s app paid it, and notify. ``issuer`` defaults to
        ``gopay`` at Midtrans and ``dana`` at Xendit (whose QR refunds exclude GoPay). ``amount``:
        the app paid another sum than the QR's (the status API and notifications then say so,
        truthfully); ``delay_ms``: the notification reaches us that much later (a QR paid just
        before its expiry whose notification arrives after ours)."""
        if issuer is not None:
            issuer = _issuer(issuer)
        if amount is not None and (not isinstance(amount, int) or isinstance(amount, bool) or amount < 1):
            raise _control_error(400, "invalid_amount", "amount must be a positive integer of rupiah")
        return self._transition(ref, "settlement", issuer, duplicates, delay_ms, concurrent, amount=amount)

    def fail(self, ref: str, *, duplicates: int = 1, delay_ms: int = 0, concurrent: bool = False) -> dict:
        """The issuer/acquirer refused the payment (Midtrans ``deny``; a Xendit ``FAILED`` payment)."""
        return self._transition(ref, "deny", None, duplicates, delay_ms, concurrent)

    def expire(self, ref: str, *, duplicates: int = 1, delay_ms: int = 0, concurrent: bool = False) -> dict:
        """Time the QR out now, as the gateway's expiry scheduler would (Xendit sends no callback)."""
        return self._transition(ref, "expire", None, duplicates, delay_ms, concurrent)

    def replay(self, ref: str, statuses: list[str], *, issuer: str = "gopay", duplicates: int = 1,
               delay_ms: int = 0, concurrent: bool = False) -> dict:
        """Send Midtrans notifications for ``statuses`` in this order, leaving the transaction as it is."""
        if not isinstance(statuses, list) or not statuses or any(s not in _NOTIFY_CODE for s in statuses):
            raise _control_error(400, "invalid_statuses", f"statuses must be a non-empty list of {sorted(_NOTIFY_CODE)}")
        issuer = _issuer(issuer)
        copies, delay = _copies(duplicates), _delay(delay_ms)
        with self._lock:
            tx = self._find_control(ref)
            if tx.gateway != "midtrans":
                raise _control_error(400, "not_midtrans", "replay sends Midtrans notifications; for Xendit use "
                                                          "duplicates/delay_ms on pay")
            bodies = [self._notification(tx, s, issuer=issuer) for s in statuses]
            job = self._job(tx, bodies, copies, delay, bool(concurrent))
            out = {"transaction": tx.to_json(), "notifications": len(bodies) * copies * len(job.urls)}
        self._dispatch(job)
        return out

    def scan(self, qr_string: str, action: str = "pay", **options: Any) -> dict:
        """Act on the transaction behind a scanned QR string."""
        try:
            qris.parse(qr_string)
        except qris.QrisError as exc:
            raise _control_error(400, "invalid_qr", f"QR tidak valid: {exc}") from None
        with self._lock:
            tx = self._by_qr.get(qr_string)
        if tx is None:
            raise _control_error(404, "unknown_qr", "QR ini tidak dibuat oleh simulator.")
        actions = {"pay": self.pay, "fail": self.fail, "expire": self.expire}
        if action not in actions:
            raise _control_error(400, "invalid_action", "action must be pay, fail or expire")
        if action != "pay":
            options.pop("issuer", None)
        # By transaction id: the order id may have been reused by a newer charge with another QR.
        return actions[action](tx.transaction_id, **options)

    def set_refund_mode(self, mode: str | None, *, ref: str | None = None, failure_code: str | None = None,
                        delay_ms: int | None = None) -> dict:
        """How refunds end, for every payment or (``ref``) for one; ``mode=None`` on a payment falls
        back to the global mode. ``failure_code`` is what ``pending_then_fail`` reports (Xendit),
        ``delay_ms`` how long a refund stays pending before it ends."""
        if ref is None:
            with self._lock:
                if mode is None:
                    raise _control_error(400, "invalid_refund_mode", "the global refund mode cannot be null")
                self.refund_mode = _refund_mode(mode)
                if failure_code is not None:
                    self.refund_failure_code = _failure_code(failure_code)
                if delay_ms is not None:
                    self.refund_delay_s = _delay(delay_ms)
                return {"refund_mode": self.refund_mode, "failure_code": self.refund_failure_code,
                        "delay_ms": int(self.refund_delay_s * 1000)}
        with self._lock:
            tx = self._find_control(ref)
            tx.refund_mode = None if mode is None else _refund_mode(mode)
            tx.refund_failure_code = None if failure_code is None else _failure_code(failure_code)
            if delay_ms is not None:
                _delay(delay_ms)
            tx.refund_delay_ms = delay_ms
            return {"transaction": tx.to_json()}

    def complete_refund(self, key: str, *, succeed: bool = True, failure_code: str | None = None) -> dict:
        """End a pending refund (found by our key or the gateway's refund id) now, with its notification."""
        code = None if succeed else _failure_code(failure_code or self.refund_failure_code)
        with self._lock:
            for tx in list(self._by_txid.values()):
                refund = tx.find_refund(key)
                if refund is not None:
                    break
            else:
                raise _control_error(404, "not_found", f"Tidak ada refund {key!r}.")
            if refund.status != "pending":
                raise _control_error(409, "not_pending", f"Refund {key} sudah {refund.status}.")
            job = self._finish_refund(tx, refund, succeed, code)
            out = {"transaction": tx.to_json(), "refund": refund.to_json()}
        if job is not None:
            self._dispatch(job)
        return out

    def refunds(self, ref: str) -> list[dict]:
        with self._lock:
            return [r.to_json() for r in self._find_control(ref).refunds]

    def _transition(self, ref: str, status: str, issuer: str | None, duplicates: int, delay_ms: int,
                    concurrent: bool, *, amount: int | None = None) -> dict:
        copies, delay = _copies(duplicates), _delay(delay_ms)
        with self._lock:
            tx = self._find_control(ref)
            self._expire_if_due(tx)
            if tx.status != "pending":
                raise _control_error(409, "not_pending", f"Transaksi {tx.order_id} sudah {tx.status}.")
            tx.status = status
            if status == "settlement":
                default = "dana" if tx.gateway == "xendit" else "gopay"
                tx.issuer, tx.settlement_time, tx.paid_amount = issuer or default, get_clock().now_s(), amount
            if tx.gateway == "xendit" and status in ("settlement", "deny"):
                tx.payment_id = f"qrpy_{uuid.uuid4()}"
                self._by_payment[tx.payment_id] = tx
                if status == "deny":
                    tx.settlement_time = get_clock().now_s()  # the failed payment's time
            bodies = [b for b in [self._event(tx, status)] if b is not None]
            job = self._job(tx, bodies, copies, delay, bool(concurrent))
            out = {"transaction": tx.to_json(), "notifications": copies * len(job.urls) * len(bodies)}
        self._dispatch(job)
        return out

    def _expire_if_due(self, tx: SimTransaction) -> None:
        """Caller holds the lock. Expires an overdue pending QR and queues its notification (Midtrans)."""
        if tx.status == "pending" and get_clock().now_s() >= tx.expiry_time:
            tx.status = "expire"
            bodies = [b for b in [self._event(tx, "expire")] if b is not None]
            self._dispatch(self._job(tx, bodies), locked=True)

    def _sweep(self) -> None:
        while not self._stopping.wait(self.sweep_interval):
            with self._lock:
                for tx in list(self._by_order.values()) + list(self._x_by_ref.values()):
                    self._expire_if_due(tx)

    # -- refunds -----------------------------------------------------------------------------

    def _refund_settings(self, tx: SimTransaction) -> tuple[str, str, float]:
        mode = tx.refund_mode or self.refund_mode
        code = tx.refund_failure_code or self.refund_failure_code
        delay = tx.refund_delay_ms / 1000 if tx.refund_delay_ms is not None else self.refund_delay_s
        return mode, code, delay

    def _new_refund(self, tx: SimTransaction, key: str, amount: int, reason: str, provider_id: str) -> SimRefund:
        """Caller holds the lock (and has checked the amount against what is left)."""
        self._refund_numbers += 1
        refund = SimRefund(key=key, provider_id=provider_id, number=self._refund_numbers, amount=amount,
                           reason=reason, created_at=get_clock().now_s(), full=amount >= tx.amount_paid)
        tx.refunds.append(refund)
        return refund

    def _finish_refund(self, tx: SimTransaction, refund: SimRefund, ok: bool, failure_code: str | None) -> _Job | None:
        """Caller holds the lock. The refund ends; returns the notification job to dispatch, if any."""
        now = get_clock().now_s()
        refund.status = "succeeded" if ok else "failed"
        refund.failure_code = None if ok else failure_code
        refund.updated_at = now
        if ok:
            tx.status = "refund" if tx.refunded() >= tx.amount_paid else "partial_refund"
            if (tx.gateway == "xendit" and refund.full
                    and now - (tx.settlement_time or now) <= _XENDIT_VOID_HOURS * 3600):
                tx.voided = True  # a full refund within 24 hours voids the payment (fee returned)
        if tx.gateway == "midtrans":
            # Midtrans notifies a refund only when it succeeds; a failed one just leaves refunds[].
            return self._job(tx, [self._notification(tx, tx.status)]) if ok else None
        return self._job(tx, [self._x_event(tx, "qr.refund", self._x_refund(tx, refund))])

    def _schedule(self, tx: SimTransaction, refund: SimRefund, ok: bool, failure_code: str | None,
                  delay_s: float) -> None:
        """Caller holds the lock. The refund ends after ``delay_s`` in a worker (counted by wait_idle)."""
        def run() -> None:
            try:
                if delay_s and self._stopping.wait(delay_s):
                    return
                with self._lock:
                    job = self._finish_refund(tx, refund, ok, failure_code) if refund.status == "pending" else None
                    if job is not None:
                        self._dispatch(job, locked=True)
            finally:
                with self._lock:
                    self._workers.discard(threading.current_thread())

        worker = threading.Thread(target=run, name="gateway-sim-refund", daemon=True)
        self._workers.add(worker)
        worker.start()

    # -- notifications -----------------------------------------------------------------------

    def _event(self, tx: SimTransaction, status: str) -> dict | None:
        """The notification a payment state change sends: Midtrans always; Xendit only for payments."""
        if tx.gateway == "midtrans":
            return self._notification(tx, status)
        if status in ("settlement", "deny"):
            return self._x_event(tx, "qr.payment", self._x_payment(tx))
        return None

    def _notification(self, tx: SimTransaction, status: str, *, issuer: str | None = None) -> dict:
        code = _NOTIFY_CODE[status]
        body = {
            "transaction_type": "on-us" if (issuer or tx.issuer) == _ON_US_ISSUER.get(tx.acquirer) else "off-us",
            "transaction_time": _fmt(tx.transaction_time),
            "transaction_status": status,
            "transaction_id": tx.transaction_id,
            "status_message": "midtrans payment notification",
            "status_code": code,
            "signature_key": _signature(tx.order_id, code, tx.gross, self.server_key),
            "payment_type": "qris",
            "order_id": tx.order_id,
            "merchant_id": MERCHANT_ID,
            "gross_amount": tx.gross,
            "fraud_status": "accept",
            "currency": "IDR",
            "acquirer": tx.acquirer,
            "expiry_time": _fmt(tx.expiry_time),
        }
        if status in _PAID:
            body["issuer"] = issuer or tx.issuer or "gopay"
            body["settlement_time"] = _fmt(tx.settlement_time or get_clock().now_s())
        if status in ("refund", "partial_refund"):
            body.update(self._midtrans_refunds(tx))
        return body

    def _job(self, tx: SimTransaction, bodies: list[dict], copies: int = 1, delay_s: float = 0.0,
             concurrent: bool = False) -> _Job:
        return _Job(bodies, tx.notification_urls, copies, delay_s, concurrent, gateway=tx.gateway,
                    order_id=tx.order_id)

    def _dispatch(self, job: _Job, *, locked: bool = False) -> None:
        if not job.bodies:
            return
        if not job.urls:
            entry = {"gateway": job.gateway, "order_id": job.order_id, "transaction_status": _label(job.bodies[0]),
                     "url": None, "attempt": 0, "http_status": None, "outcome": "skipped: no notification URL"}
            if locked:
                self._deliveries.append(entry)
            else:
                with self._lock:
                    self._deliveries.append(entry)
            return
        worker = threading.Thread(target=self._run_job, args=(job,), name="gateway-sim-notify", daemon=True)
        if locked:
            self._workers.add(worker)
        else:
            with self._lock:
                self._workers.add(worker)
        worker.start()

    def _run_job(self, job: _Job) -> None:
        try:
            if job.delay_s and self._stopping.wait(job.delay_s):
                return
            for body in job.bodies:  # in order: an out-of-order replay must arrive in the order asked
                sends = [(job, url, body) for url in job.urls for _ in range(job.copies)]
                if job.concurrent and len(sends) > 1:
                    threads = [threading.Thread(target=self._deliver, args=s, daemon=True) for s in sends]
                    for t in threads:
                        t.start()
                    for t in threads:
                        t.join()
                else:
                    for s in sends:
                        self._deliver(*s)
        finally:
            with self._lock:
                self._workers.discard(threading.current_thread())

    def _deliver(self, job: _Job, url: str, body: dict) -> None:
        data = json.dumps(body).encode("utf-8")
        headers = {"Content-Type": "application/json", "Accept": "application/json", "User-Agent": "sambung-gateway-sim"}
        if job.gateway == "xendit":
            # The same event keeps its webhook-id across retries and redeliveries.
            headers["x-callback-token"] = self.xendit_callback_token or ""
            headers["webhook-id"] = str(uuid.uuid5(uuid.NAMESPACE_URL, data.decode("utf-8")))
        for attempt in range(1, self.retries + 2):
            entry = {"gateway": job.gateway, "order_id": job.order_id, "transaction_status": _label(body),
                     "status_code": body.get("status_code"), "url": url, "attempt": attempt, "at": time.time()}
            try:
                resp = self._pool.request("POST", url, body=data, redirect=False, timeout=5.0, headers=headers)
                entry["http_status"] = resp.status
            except Exception as exc:  # any network failure counts as a failed attempt, like the gateways
                entry["http_status"], entry["error"] = None, f"{exc.__class__.__name__}: {exc}"
            status = entry["http_status"]
            if status is not None and 200 <= status < 300:
                entry["outcome"] = "delivered"
            elif status in (301, 302, 303):
                entry["outcome"] = "redirect: not followed, not retried"
            elif attempt <= self.retries:
                entry["outcome"] = "retrying"
            else:
                entry["outcome"] = "gave up"
            with self._lock:
                self._deliveries.append(entry)
            if entry["outcome"] != "retrying" or self._stopping.wait(self.retry_delay * attempt):
                return


def _label(body: dict) -> str:
    """What a notification says, for the delivery log: ``settlement`` or ``qr.refund:SUCCEEDED``."""
    if "transaction_status" in body:
        return str(body["transaction_status"])
    return f"{body.get('event')}:{(body.get('data') or {}).get('status')}"


def _basic_user_is(authorization: str | None, key: str) -> bool:
    user = ""
    if authorization and authorization.startswith("Basic "):
        try:
            user = base64.b64decode(authorization[6:], validate=True).decode("utf-8").partition(":")[0]
        except (ValueError, UnicodeDecodeError):
            user = ""
    return hmac.compare_digest(user.encode(), key.encode())


def _notification_urls(override: str | None, append: str | None, default: str | None) -> tuple[str, ...]:
    """Midtrans: X-Override-Notification replaces the configured URL, X-Append-Notification adds
    to it; each takes at most 2 comma-separated URLs."""
    def split(value: str | None) -> list[str]:
        return [u.strip() for u in (value or "").split(",") if u.strip()][:2]

    base = split(override) or ([default] if default else [])
    return tuple(dict.fromkeys(base + split(append)))


def _copies(duplicates: Any) -> int:
    if isinstance(duplicates, bool) or not isinstance(duplicates, int) or not 1 <= duplicates <= _MAX_COPIES:
        raise _control_error(400, "invalid_duplicates", f"duplicates must be an integer 1..{_MAX_COPIES}")
    return duplicates


def _delay(delay_ms: Any) -> float:
    if isinstance(delay_ms, bool) or not isinstance(delay_ms, int) or not 0 <= delay_ms <= _MAX_DELAY_MS:
        raise _control_error(400, "invalid_delay", f"delay_ms must be an integer 0..{_MAX_DELAY_MS}")
    return delay_ms / 1000


def _issuer(issuer: Any) -> str:
    if not isinstance(issuer, str) or issuer.lower() not in ISSUERS:
        raise _control_error(400, "invalid_issuer", f"issuer must be one of {', '.join(ISSUERS)}")
    return issuer.lower()


def _refund_mode(mode: Any) -> str:
    if mode not in REFUND_MODES:
        raise _control_error(400, "invalid_refund_mode", f"mode must be one of {', '.join(REFUND_MODES)}")
    return mode


def _failure_code(code: Any) -> str:
    if not isinstance(code, str) or not re.fullmatch(r"[A-Z][A-Z0-9_]{1,63}", code):
        raise _control_error(400, "invalid_failure_code", "failure_code must be an upper-case code like "
                                                          "INSUFFICIENT_BALANCE")
    return code


def _handler_for(sim: GatewaySimulator) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "GatewaySim/1"
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:  # keep test output clean
            return

        def do_GET(self) -> None:
            self._route("GET")

        def do_POST(self) -> None:
            self._route("POST")

        def _route(self, method: str) -> None:
            try:
                path = urlsplit(self.path).path
                parts = [unquote(p) for p in path.strip("/").split("/")]
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0)) if method == "POST" else b""
                if parts[0] == "v2":
                    self._midtrans(method, parts[1:], _json_body(raw, "midtrans"))
                elif parts[0] == "qr_codes":
                    self._xendit(method, parts[1:], raw)
                elif parts[0] == "sim":
                    self._control(method, parts[1:], _json_body(raw, "midtrans"))
                else:
                    raise _control_error(404, "not_found", f"no route {method} {path}")
            except SimError as exc:
                self._json(exc.status, exc.body)
            except Exception as exc:  # a simulator bug must still answer, not drop the connection
                self._json(500, {"status_code": "500", "status_message": f"simulator error: {exc!r}"})

        def _midtrans(self, method: str, parts: list[str], body: Any) -> None:
            if method == "GET" and len(parts) == 3 and parts[0] == "qris" and parts[2] == "qr-code":
                self._send(200, sim.qr_png(parts[1]), "image/png")
                return
            sim.check_auth(self.headers.get("Authorization"))
            if method == "POST" and parts == ["charge"]:
                self._json(200, sim.charge(body, self.headers.get("X-Override-Notification"),
                                           self.headers.get("X-Append-Notification")))
            elif method == "GET" and len(parts) == 2 and parts[1] == "status":
                self._json(200, sim.status(parts[0]))
            elif method == "POST" and len(parts) == 2 and parts[1] == "cancel":
                self._json(200, sim.cancel(parts[0]))
            elif method == "POST" and len(parts) == 2 and parts[1] == "refund":
                self._json(200, sim.midtrans_refund(parts[0], body, direct=False))
            elif method == "POST" and parts[1:] == ["refund", "online", "direct"]:
                self._json(200, sim.midtrans_refund(parts[0], body, direct=True))
            else:
                raise _midtrans_error(404, "The requested resource is not found")

        def _xendit(self, method: str, parts: list[str], raw: bytes) -> None:
            sim.check_xendit(self.headers.get("Authorization"), self.headers.get("api-version"))
            parts = [p for p in parts if p]
            if method == "POST" and not parts:
                self._json(201, sim.xendit_create_qr(_json_body(raw, "xendit")))
            elif len(parts) >= 3 and parts[0] == "payments" and parts[2] == "refunds":
                if method == "POST" and len(parts) == 3:
                    body = _json_body(raw, "xendit") if raw.strip() else {}
                    self._json(200, sim.xendit_refund(parts[1], body, self.headers.get("idempotency-key")))
                elif method == "GET" and len(parts) in (3, 4):
                    self._json(200, sim.xendit_refunds(parts[1], parts[3] if len(parts) == 4 else None))
                else:
                    raise _xendit_error(404, "NOT_FOUND", "The requested resource was not found")
            elif method == "GET" and len(parts) == 1:
                self._json(200, sim.xendit_qr(parts[0]))
            elif method == "GET" and len(parts) == 2 and parts[1] == "payments":
                self._json(200, sim.xendit_payments(parts[0]))
            else:
                raise _xendit_error(404, "NOT_FOUND", "The requested resource was not found")

        def _control(self, method: str, parts: list[str], body: Any) -> None:
            parts = [p for p in parts if p]
            if method == "GET" and not parts:
                self._send(200, _page().encode("utf-8"), "text/html; charset=utf-8")
            elif method == "GET" and parts == ["transactions"]:
                self._json(200, {"transactions": sim.transactions()})
            elif method == "GET" and len(parts) == 2 and parts[0] == "transactions":
                self._json(200, sim.transaction(parts[1]))
            elif method == "GET" and parts == ["deliveries"]:
                self._json(200, {"deliveries": sim.deliveries()})
            elif method == "POST" and parts == ["scan"]:
                options = _options(body, ("issuer", "duplicates", "delay_ms", "concurrent"))
                self._json(200, sim.scan(body.get("qr_string"), body.get("action", "pay"), **options))
            elif method == "POST" and parts == ["refund_mode"]:
                options = _options(body, ("failure_code", "delay_ms"))
                self._json(200, sim.set_refund_mode(body.get("mode"), **options))
            elif method == "POST" and len(parts) == 3 and parts[0] == "refunds" and parts[2] in ("succeed", "fail"):
                options = _options(body, ("failure_code",))
                self._json(200, sim.complete_refund(parts[1], succeed=parts[2] == "succeed", **options))
            elif method == "POST" and len(parts) == 3 and parts[0] == "transactions":
                ref, action = parts[1], parts[2]
                if action == "pay":
                    self._json(200, sim.pay(ref, **_options(body, ("issuer", "duplicates", "delay_ms", "concurrent",
                                                                   "amount"))))
                elif action in ("fail", "expire"):
                    handler = sim.fail if action == "fail" else sim.expire
                    self._json(200, handler(ref, **_options(body, ("duplicates", "delay_ms", "concurrent"))))
                elif action == "replay":
                    options = _options(body, ("issuer", "duplicates", "delay_ms", "concurrent"))
                    self._json(200, sim.replay(ref, body.get("statuses"), **options))
                elif action == "refund_mode":
                    options = _options(body, ("failure_code", "delay_ms"))
                    if "mode" not in body:
                        raise _control_error(400, "invalid_refund_mode", "mode is required (null: the global mode)")
                    self._json(200, sim.set_refund_mode(body["mode"], ref=ref, **options))
                else:
                    raise _control_error(404, "not_found", f"unknown action {action!r}")
            else:
                raise _control_error(404, "not_found", f"no route {method} /sim/{'/'.join(parts)}")

        def _json(self, status: int, body: dict) -> None:
            self._send(status, json.dumps(body).encode("utf-8"), "application/json")

        def _send(self, status: int, payload: bytes, content_type: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(payload)))
            # A QR image never changes; everything else is live state.
            self.send_header("Cache-Control", "max-age=3600" if content_type == "image/png" else "no-store")
            self.end_headers()
            self.wfile.write(payload)

    return Handler


def _json_body(raw: bytes, gateway: str) -> Any:
    if not raw:
        return {}
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        if gateway == "xendit":
            raise _xendit_error(400, "API_VALIDATION_ERROR", "body is not valid JSON") from None
        raise _midtrans_error(400, "Bad request", validation_messages=["body is not valid JSON"]) from None


def _options(body: Any, allowed: tuple[str, ...]) -> dict:
    if not isinstance(body, dict):
        raise _control_error(400, "invalid_body", "body must be a JSON object")
    return {k: body[k] for k in allowed if k in body}


def _page() -> str:
    """The control page: a table refreshed from /sim/transactions with buttons calling the JSON endpoints."""
    issuers = "".join(f"<option>{html.escape(i)}</option>" for i in ISSUERS)
    return f"""<!doctype html>
<html lang="id"><head><meta charset="utf-8"><title>Gateway simulator</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{{font-family:system-ui,sans-serif;margin:1.5rem;color:#222}} table{{border-collapse:collapse;width:100%}}
td,th{{border-bottom:1px solid #ddd;padding:.4rem;text-align:left;vertical-align:top}}
img{{width:120px;height:120px;image-rendering:pixelated}} code{{font-size:.75rem;word-break:break-all}}
.pending{{color:#b26a00}} .settlement{{color:#137333}} .deny,.expire,.cancel{{color:#b00020}}
.refund,.partial_refund{{color:#5a3fc0}}
button{{margin:.1rem}} #scan textarea{{width:100%;height:3rem}}
</style></head><body>
<h1>Gateway simulator (Midtrans, Xendit)</h1>
<form id="scan"><label>Scan QR string<textarea name="qr" aria-label="qr_string"></textarea></label>
<select name="issuer" aria-label="issuer">{issuers}</select>
<button name="action" value="pay">Pay</button><button name="action" value="fail">Fail</button>
<button name="action" value="expire">Expire</button></form>
<p id="msg" role="status"></p>
<table><thead><tr><th>QR</th><th>Order</th><th>Amount</th><th>Status</th><th>Refunds</th><th>Actions</th></tr></thead>
<tbody id="rows"></tbody></table>
<script>
const issuers = {json.dumps(list(ISSUERS))};
const chosen = {{}};  // issuer picked per order, kept across the 2-second refresh
const esc = s => String(s ?? "").replace(/[&<>"']/g, c => ({{"&":"&amp;","<":"&lt;",">":"&gt;",'"':"&quot;","'":"&#39;"}})[c]);
async function post(url, body) {{
  const r = await fetch(url, {{method: "POST", headers: {{"Content-Type": "application/json"}}, body: JSON.stringify(body)}});
  const data = await r.json();
  document.getElementById("msg").textContent = r.ok ? "OK: " + data.transaction.order_id + " -> " + data.transaction.status
                                                    : "Error: " + (data.error ? data.error.message : r.status);
  load();
}}
function act(id, action) {{
  const body = action === "pay" ? {{issuer: document.getElementById("iss-" + id).value}} : {{}};
  post("/sim/transactions/" + encodeURIComponent(id) + "/" + action, body);
}}
async function load() {{
  const data = await (await fetch("/sim/transactions")).json();
  document.getElementById("rows").innerHTML = data.transactions.map(t => `<tr data-order="${{esc(t.order_id)}}">
    <td><img alt="QR ${{esc(t.order_id)}}" src="/v2/qris/${{esc(t.transaction_id)}}/qr-code"></td>
    <td>${{esc(t.order_id)}} <small>(${{esc(t.gateway)}})</small><br><code>${{esc(t.qr_string)}}</code></td>
    <td>Rp${{Number(t.gross_amount).toLocaleString("id-ID")}}</td>
    <td class="${{esc(t.status)}}">${{esc(t.status)}}${{t.issuer ? " (" + esc(t.issuer) + ")" : ""}}</td>
    <td>${{t.refunds.map(r => `Rp${{Number(r.amount).toLocaleString("id-ID")}} ${{esc(r.status)}}${{
      r.failure_code ? " " + esc(r.failure_code) : ""}}`).join("<br>")}}</td>
    <td>${{t.status === "pending" ? `<select id="iss-${{esc(t.order_id)}}" aria-label="issuer" onchange="chosen[this.id] = this.value">${{
      issuers.map(i => `<option${{chosen["iss-" + t.order_id] === i ? " selected" : ""}}>${{i}}</option>`).join("")}}</select>
      <button onclick="act('${{esc(t.order_id)}}','pay')">Pay</button>
      <button onclick="act('${{esc(t.order_id)}}','fail')">Fail</button>
      <button onclick="act('${{esc(t.order_id)}}','expire')">Expire</button>` : ""}}</td></tr>`).join("");
}}
document.getElementById("scan").addEventListener("submit", e => {{
  e.preventDefault();
  const f = e.target;
  const body = {{qr_string: f.qr.value.trim(), action: e.submitter.value}};
  if (body.action === "pay") body.issuer = f.issuer.value;
  post("/sim/scan", body);
}});
load(); setInterval(load, 2000);
</script></body></html>"""


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Midtrans and Xendit QRIS gateway simulator")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8090)
    parser.add_argument("--server-key", required=True, help="the Midtrans server key clients must send")
    parser.add_argument("--callback-url", help="where notifications go unless a charge overrides it")
    parser.add_argument("--xendit-secret-key", help="enables the Xendit QR Codes API with this secret key")
    parser.add_argument("--xendit-callback-token", help="the x-callback-token Xendit callbacks carry")
    parser.add_argument("--xendit-callback-url", help="where Xendit callbacks go")
    parser.add_argument("--refund-mode", default="ok", choices=REFUND_MODES, help="how refunds end")
    args = parser.parse_args(argv)
    sim = GatewaySimulator(args.host, args.port, server_key=args.server_key, callback_url=args.callback_url,
                           xendit_secret_key=args.xendit_secret_key, xendit_callback_token=args.xendit_callback_token,
                           xendit_callback_url=args.xendit_callback_url, refund_mode=args.refund_mode).start()
    print(f"gateway simulator on {sim.url} (page: {sim.url}/sim/)", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        sim.stop()


if __name__ == "__main__":
    main()
