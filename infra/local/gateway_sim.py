"""A local payment gateway that speaks the Midtrans Core API subset Sambung uses.

Our Midtrans adapter talks to it unchanged over HTTP (point its ``base_url`` here):

* ``POST /v2/charge`` (``payment_type: "qris"``) -> a dynamic QRIS built with our codec for a fake
  merchant, with the amount in tag 54; ``custom_expiry``, ``X-Override-Notification`` and
  ``X-Append-Notification`` are honoured;
* ``GET /v2/{order_id|transaction_id}/status`` and ``POST /v2/{order_id|transaction_id}/cancel``;
* ``GET /v2/qris/{transaction_id}/qr-code``: the QR as a PNG (the ``generate-qr-code`` action);
* HTTP Basic auth with the configured server key, Midtrans-shaped error bodies (401, 404, 406, 412).

People and tests drive payments through:

* ``GET /sim/``: a page listing transactions with their QR and buttons Pay (choosing the issuer),
  Fail, Expire;
* ``GET /sim/transactions`` and ``/sim/transactions/{order_id}``: JSON;
* ``POST /sim/transactions/{order_id}/pay`` ``{"issuer": "gopay", "duplicates": 3, "delay_ms": 0,
  "concurrent": false, "amount": 18000}``, ``/fail`` and ``/expire`` (same options but ``amount``);
  the status API answers truthfully what was paid, however the notifications are altered or replayed;
* ``POST /sim/transactions/{order_id}/replay`` ``{"statuses": ["settlement", "pending"]}``: sends
  those notifications in that order without changing the transaction (out-of-order delivery);
* ``POST /sim/scan`` ``{"qr_string": "...", "action": "pay"|"fail"|"expire", ...}``: find the
  transaction by the QR a browser test "scanned" from the kiosk and act on it;
* ``GET /sim/deliveries``: every notification attempt and its outcome.

After each change a background thread POSTs signed Midtrans notifications (``signature_key`` =
SHA512(order_id + status_code + gross_amount + server_key)) to the notification URLs, retrying on
non-2xx like Midtrans (never following or retrying a 301/302/303). Pending QRs whose expiry passed
are expired by a sweeper, on the process clock (so the local stack's time travel applies).

Run alone: ``python -m infra.local.gateway_sim --port 8090 --server-key SB-Mid-server-local
--callback-url http://127.0.0.1:8000/api/callbacks/midtrans``.
"""
from __future__ import annotations

import argparse
import base64
import hashlib
import hmac
import html
import io
import json
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import unquote, urlsplit
from zoneinfo import ZoneInfo

from chalicelib.core.clock import get_clock
from chalicelib.payments import qris

_WIB = ZoneInfo("Asia/Jakarta")
_TIME = "%Y-%m-%d %H:%M:%S"
MERCHANT_ID = "G000000001"  # a fake Midtrans merchant id

# Midtrans status_code per transaction_status, as the status API reports it ...
_STATUS_CODE = {"pending": "201", "settlement": "200", "capture": "200", "deny": "202", "failure": "202",
                "cancel": "200", "expire": "407"}
# ... and as notifications carry it (an expiry notification says 202 where the API says 407).
_NOTIFY_CODE = dict(_STATUS_CODE, expire="202")
_STATUS_MESSAGE = {"cancel": "Success, transaction is canceled", "expire": "Success, transaction is expired"}
ISSUERS = ("gopay", "ovo", "dana", "shopeepay", "linkaja", "bca", "bri", "mandiri", "bni")
_ACQUIRER_ACCOUNT = {
    # acquirer -> (GUID in tag 26/00, PAN in 26/01 starting with that PJSP's NNS)
    "gopay": ("COM.GO-JEK.WWW", "9360091400000000001"),
    "airpay shopee": ("ID.CO.SHOPEE.WWW", "9360091800000000001"),
}
_EXPIRY_UNITS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}
_MAX_COPIES = 50
_MAX_DELAY_MS = 60_000
_MAX_AMOUNT = 10**13 - 1  # tag 54 holds at most 13 digits


class SimError(Exception):
    """A refused control or API request: HTTP status plus a body."""

    def __init__(self, status: int, body: dict):
        super().__init__(body)
        self.status = status
        self.body = body


def _midtrans_error(code: int, message: str, **extra: Any) -> SimError:
    return SimError(code, {"status_code": str(code), "status_message": message, **extra})


def _control_error(status: int, code: str, message: str) -> SimError:
    return SimError(status, {"error": {"code": code, "message": message}})


def _signature(order_id: str, status_code: str, gross_amount: str, server_key: str) -> str:
    # Written out here rather than imported from our adapter, so a mistake in one is caught by the other.
    return hashlib.sha512((order_id + status_code + gross_amount + server_key).encode("utf-8")).hexdigest()


def _fmt(ts: float | None) -> str | None:
    return None if ts is None else datetime.fromtimestamp(ts, _WIB).strftime(_TIME)


@dataclass
class SimTransaction:
    order_id: str
    transaction_id: str
    gross_amount: int
    acquirer: str
    qr_string: str
    transaction_time: int
    expiry_time: int
    notification_urls: tuple[str, ...]
    status: str = "pending"  # Midtrans transaction_status
    issuer: str | None = None
    settlement_time: int | None = None
    paid_amount: int | None = None  # what the payer's app really paid, when told to differ (a faulty issuer)
    _png: bytes | None = field(default=None, repr=False)

    @property
    def gross(self) -> str:
        """The amount as Midtrans writes it (two decimals): what was really paid, once paid."""
        amount = self.paid_amount if self.paid_amount is not None else self.gross_amount
        return f"{amount}.00"

    def to_json(self) -> dict:
        return {
            "order_id": self.order_id, "transaction_id": self.transaction_id, "gross_amount": self.gross_amount,
            "status": self.status, "acquirer": self.acquirer, "issuer": self.issuer, "qr_string": self.qr_string,
            "transaction_time": self.transaction_time, "expiry_time": self.expiry_time,
            "settlement_time": self.settlement_time, "notification_urls": list(self.notification_urls),
        }


@dataclass
class _Job:
    """Notifications to deliver in order; each body goes ``copies`` times to every URL."""

    bodies: list[dict]
    urls: tuple[str, ...]
    copies: int = 1
    delay_s: float = 0.0
    concurrent: bool = False


class GatewaySimulator:
    """The simulator server. ``port=0`` picks a free port; read :attr:`port`/:attr:`url` after start()."""

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
    ):
        if not server_key:
            raise ValueError("server_key is required")
        self.host, self._requested_port = host, port
        self.server_key = server_key
        self.callback_url = callback_url
        self.merchant_name, self.merchant_city = merchant_name, merchant_city
        self.retries, self.retry_delay, self.sweep_interval = retries, retry_delay, sweep_interval
        self._lock = threading.Lock()
        self._by_order: dict[str, SimTransaction] = {}
        self._by_txid: dict[str, SimTransaction] = {}
        self._by_qr: dict[str, SimTransaction] = {}
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
        """Block until no notification is being delivered; raises ``TimeoutError`` if deliveries are
        still running after ``timeout`` seconds (a caller waits for the side effect, so it must know)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                if not self._workers:
                    return True
            time.sleep(0.01)
        raise TimeoutError(f"the gateway simulator was still delivering notifications after {timeout:g}s")

    def transactions(self) -> list[dict]:
        with self._lock:
            return [tx.to_json() for tx in sorted(self._by_order.values(), key=lambda t: -t.transaction_time)]

    def transaction(self, ref: str) -> dict:
        with self._lock:
            return self._find(ref).to_json()

    def deliveries(self) -> list[dict]:
        with self._lock:
            return list(self._deliveries)

    def _find(self, ref: str) -> SimTransaction:
        tx = self._by_order.get(ref) or self._by_txid.get(ref)
        if tx is None:
            raise _midtrans_error(404, "Transaction doesn't exist.")
        return tx

    def _merchant(self, acquirer: str) -> qris.QrisMerchant:
        guid, pan = _ACQUIRER_ACCOUNT[acquirer]
        return qris.QrisMerchant(name=self.merchant_name, city=self.merchant_city, guid=guid, pan=pan,
                                 merchant_id=MERCHANT_ID, nmid="ID1020000000001", criteria="UMI",
                                 mcc="5499", postal_code="10110")

    # -- Midtrans API ------------------------------------------------------------------------

    def check_auth(self, authorization: str | None) -> None:
        user = ""
        if authorization and authorization.startswith("Basic "):
            try:
                user = base64.b64decode(authorization[6:], validate=True).decode("utf-8").partition(":")[0]
            except (ValueError, UnicodeDecodeError):
                user = ""
        if not hmac.compare_digest(user.encode(), self.server_key.encode()):
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
            if old is not None and old.status in ("pending", "settlement", "capture"):
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
            job = _Job([self._notification(tx, "cancel")], tx.notification_urls)
        self._dispatch(job)
        return record

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
        return record

    # -- control -----------------------------------------------------------------------------

    def pay(self, ref: str, *, issuer: str = "gopay", duplicates: int = 1, delay_ms: int = 0,
            concurrent: bool = False, amount: int | None = None) -> dict:
        """Settle a pending QR as if ``issuer``'s app paid it, and notify. ``amount``: the app paid
        another sum than the QR's (the status API and notifications then say so, truthfully);
        ``delay_ms``: the notification reaches us that much later (a QR paid just before its expiry
        whose notification arrives after ours)."""
        issuer = _issuer(issuer)
        if amount is not None and (not isinstance(amount, int) or isinstance(amount, bool) or amount < 1):
            raise _control_error(400, "invalid_amount", "amount must be a positive integer of rupiah")
        return self._transition(ref, "settlement", issuer, duplicates, delay_ms, concurrent, amount=amount)

    def fail(self, ref: str, *, duplicates: int = 1, delay_ms: int = 0, concurrent: bool = False) -> dict:
        """The issuer/acquirer refused the payment (Midtrans ``deny``)."""
        return self._transition(ref, "deny", None, duplicates, delay_ms, concurrent)

    def expire(self, ref: str, *, duplicates: int = 1, delay_ms: int = 0, concurrent: bool = False) -> dict:
        """Time the QR out now, as Midtrans' expiry scheduler would."""
        return self._transition(ref, "expire", None, duplicates, delay_ms, concurrent)

    def replay(self, ref: str, statuses: list[str], *, issuer: str = "gopay", duplicates: int = 1,
               delay_ms: int = 0, concurrent: bool = False) -> dict:
        """Send notifications for ``statuses`` in this order, leaving the transaction as it is."""
        if not isinstance(statuses, list) or not statuses or any(s not in _NOTIFY_CODE for s in statuses):
            raise _control_error(400, "invalid_statuses", f"statuses must be a non-empty list of {sorted(_NOTIFY_CODE)}")
        issuer = _issuer(issuer)
        copies, delay = _copies(duplicates), _delay(delay_ms)
        with self._lock:
            tx = self._find_control(ref)
            bodies = [self._notification(tx, s, issuer=issuer) for s in statuses]
            job = _Job(bodies, tx.notification_urls, copies, delay, bool(concurrent))
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

    def _find_control(self, ref: str) -> SimTransaction:
        try:
            return self._find(ref)
        except SimError:
            raise _control_error(404, "not_found", f"Tidak ada transaksi {ref!r}.") from None

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
                tx.issuer, tx.settlement_time, tx.paid_amount = issuer, get_clock().now_s(), amount
            job = _Job([self._notification(tx, status)], tx.notification_urls, copies, delay, bool(concurrent))
            out = {"transaction": tx.to_json(), "notifications": copies * len(job.urls)}
        self._dispatch(job)
        return out

    def _expire_if_due(self, tx: SimTransaction) -> None:
        """Caller holds the lock. Expires an overdue pending QR and queues its notification."""
        if tx.status == "pending" and get_clock().now_s() >= tx.expiry_time:
            tx.status = "expire"
            self._dispatch(_Job([self._notification(tx, "expire")], tx.notification_urls), locked=True)

    def _sweep(self) -> None:
        while not self._stopping.wait(self.sweep_interval):
            with self._lock:
                for tx in list(self._by_order.values()):
                    self._expire_if_due(tx)

    # -- notifications -----------------------------------------------------------------------

    def _notification(self, tx: SimTransaction, status: str, *, issuer: str | None = None) -> dict:
        code = _NOTIFY_CODE[status]
        body = {
            "transaction_type": "on-us" if (issuer or tx.issuer) == tx.acquirer else "off-us",
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
        if status in ("settlement", "capture"):
            body["issuer"] = issuer or tx.issuer or "gopay"
            body["settlement_time"] = _fmt(tx.settlement_time or get_clock().now_s())
        return body

    def _dispatch(self, job: _Job, *, locked: bool = False) -> None:
        if not job.urls:
            entry = {"order_id": job.bodies[0]["order_id"], "transaction_status": job.bodies[0]["transaction_status"],
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
                sends = [(url, body) for url in job.urls for _ in range(job.copies)]
                if job.concurrent and len(sends) > 1:
                    threads = [threading.Thread(target=self._deliver, args=s, daemon=True) for s in sends]
                    for t in threads:
                        t.start()
                    for t in threads:
                        t.join()
                else:
                    for url, b in sends:
                        self._deliver(url, b)
        finally:
            with self._lock:
                self._workers.discard(threading.current_thread())

    def _deliver(self, url: str, body: dict) -> None:
        data = json.dumps(body).encode("utf-8")
        for attempt in range(1, self.retries + 2):
            entry = {"order_id": body["order_id"], "transaction_status": body["transaction_status"],
                     "status_code": body["status_code"], "url": url, "attempt": attempt, "at": time.time()}
            try:
                resp = self._pool.request("POST", url, body=data, redirect=False, timeout=5.0,
                                          headers={"Content-Type": "application/json", "Accept": "application/json",
                                                   "User-Agent": "sambung-gateway-sim"})
                entry["http_status"] = resp.status
            except Exception as exc:  # any network failure counts as a failed attempt, like Midtrans
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
                body = self._body() if method == "POST" else None
                if parts[0] == "v2":
                    self._midtrans(method, parts[1:], body)
                elif parts[0] == "sim":
                    self._control(method, parts[1:], body)
                else:
                    raise _control_error(404, "not_found", f"no route {method} {path}")
            except SimError as exc:
                self._json(exc.status, exc.body)
            except Exception as exc:  # a simulator bug must still answer, not drop the connection
                self._json(500, {"status_code": "500", "status_message": f"simulator error: {exc!r}"})

        def _body(self) -> Any:
            raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            if not raw:
                return {}
            try:
                return json.loads(raw)
            except (ValueError, UnicodeDecodeError):
                raise _midtrans_error(400, "Bad request", validation_messages=["body is not valid JSON"]) from None

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
            else:
                raise _midtrans_error(404, "The requested resource is not found")

        def _control(self, method: str, parts: list[str], body: Any) -> None:
            parts = [p for p in parts if p]
            if method == "GET" and not parts:
                self._send(200, _page().encode("utf-8"), "text/html; charset=utf-8")
            elif method == "GET" and parts == ["transactions"]:
                self._json(200, {"transactions": sim.transactions()})
            elif method == "GET" and len(parts) == 2 and parts[0] == "transactions":
                try:
                    self._json(200, sim.transaction(parts[1]))
                except SimError:
                    raise _control_error(404, "not_found", f"Tidak ada transaksi {parts[1]!r}.") from None
            elif method == "GET" and parts == ["deliveries"]:
                self._json(200, {"deliveries": sim.deliveries()})
            elif method == "POST" and parts == ["scan"]:
                options = _options(body, ("issuer", "duplicates", "delay_ms", "concurrent"))
                self._json(200, sim.scan(body.get("qr_string"), body.get("action", "pay"), **options))
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
button{{margin:.1rem}} #scan textarea{{width:100%;height:3rem}}
</style></head><body>
<h1>Midtrans simulator</h1>
<form id="scan"><label>Scan QR string<textarea name="qr" aria-label="qr_string"></textarea></label>
<select name="issuer" aria-label="issuer">{issuers}</select>
<button name="action" value="pay">Pay</button><button name="action" value="fail">Fail</button>
<button name="action" value="expire">Expire</button></form>
<p id="msg" role="status"></p>
<table><thead><tr><th>QR</th><th>Order</th><th>Amount</th><th>Status</th><th>Actions</th></tr></thead>
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
    <td>${{esc(t.order_id)}}<br><code>${{esc(t.qr_string)}}</code></td>
    <td>Rp${{Number(t.gross_amount).toLocaleString("id-ID")}}</td>
    <td class="${{esc(t.status)}}">${{esc(t.status)}}${{t.issuer ? " (" + esc(t.issuer) + ")" : ""}}</td>
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
    parser = argparse.ArgumentParser(description="Midtrans QRIS gateway simulator")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8090)
    parser.add_argument("--server-key", required=True, help="the Midtrans server key clients must send")
    parser.add_argument("--callback-url", help="where notifications go unless a charge overrides it")
    args = parser.parse_args(argv)
    sim = GatewaySimulator(args.host, args.port, server_key=args.server_key, callback_url=args.callback_url).start()
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
