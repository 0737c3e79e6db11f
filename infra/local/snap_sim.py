"""A SNAP BI bank for the local stack: B2B token, Balance Inquiry and Bank Statement, strictly.

Runs as its own process (``python -m infra.local.snap_sim --port 8770``; the local stack starts it).
It speaks the standard as ``reference/snap_bi.md`` documents it, and checks what a bank checks,
with its own verification code (it does not import Sambung's signer):

* ``POST …/access-token/b2b``: ``X-TIMESTAMP`` (ISO-8601 with offset), a known ``X-CLIENT-KEY``
  and ``X-SIGNATURE`` = SHA256withRSA(``clientKey|X-TIMESTAMP``) verified with the client's
  registered public key, body ``{"grantType": "client_credentials"}``. Refusals ``4017300``
  (Unauthorized: unknown client, bad signature, revoked key, timestamp), ``4007301``/``4007302``.
  Success ``2007300`` with a token valid ``expiresIn`` seconds (900 unless configured).
* ``POST …/bank-statement`` (14) and ``POST …/balance-inquiry`` (11): ``Authorization: Bearer``
  (unknown or expired: ``401xx01``), ``X-TIMESTAMP``, ``X-PARTNER-ID`` (the client's), ``CHANNEL-ID``
  (5 characters), ``X-EXTERNAL-ID`` (digits, at most 36; reused the same day by that partner:
  ``409xx00``), ``X-SIGNATURE`` = HMAC-SHA512 over ``POST:path:token:hex(sha256(minified body)):
  X-TIMESTAMP`` (``401xx00`` when wrong); ``accountNo`` (missing ``400xx02``, unknown ``404xx11``,
  another client's ``403xx18``), ``fromDateTime``/``toDateTime`` (``400xx01`` when not ISO-8601).
  Too many requests per second: ``429xx00`` with ``Retry-After``.
* Answers are signed by the bank (``X-TIMESTAMP`` + ``X-SIGNATURE`` = SHA256withRSA over
  ``POST:path:hex(sha256(body)):X-TIMESTAMP`` with the bank's key; its public key is at
  ``GET /sim/bank-public-key``).
* Bank Statement: the rows of the window oldest first, ``pageSize`` rows a page with ``hasMore`` and
  ``additionalInfo.pageNumber`` (1-based), ``balance[]`` with the window's starting and ending
  balance, ``totalCreditEntries``/``totalDebitEntries``, BCA-style rows (``type`` ``CREDIT``/``DEBIT``,
  ``remark``, ``transactionId``; ``detailBalance`` only with ``row_balances``).

People and tests drive it with:

* ``GET /sim/``: a page to post credits and debits to an account and see its rows;
* ``POST /sim/clients`` ``{client_key, client_secret, public_key_pem, partner_id}``;
  ``POST /sim/clients/{client_key}/revoke``;
* ``POST /sim/accounts`` ``{account_no, client_key, opening, name}``;
* ``POST /sim/accounts/{account_no}/transactions`` ``{type: "CREDIT"|"DEBIT", amount (rupiah),
  remark, at (ISO-8601, default now)}``;
* ``POST /sim/config`` ``{token_ttl, page_size, rate_per_second, timestamp_tolerance, row_balances,
  sign_answers, fail_next: ["500", "504", "timeout", "garbage", "bad_signature", "drop_last",
  "revoke_tokens"]}`` (``fail_next`` is used up one item per service call);
* ``GET /sim/stats``: calls per service and refusals by code (the bench reads it); ``POST /sim/reset``.
"""
from __future__ import annotations

import argparse
import base64
import hashlib
import hmac
import html
import json
import logging
import secrets
import threading
import time
from collections import Counter, defaultdict
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

log = logging.getLogger(__name__)
WIB = timezone(timedelta(hours=7))
SERVICES = {"access-token/b2b": "73", "bank-statement": "14", "balance-inquiry": "11"}


class Refusal(Exception):
    def __init__(self, status: int, case: str, message: str, headers: dict | None = None):
        super().__init__(message)
        self.status, self.case, self.message, self.headers = status, case, message, headers or {}


def _minify(raw: bytes) -> str:
    out, in_string, escaped = [], False, False
    for ch in raw.decode("utf-8"):
        if in_string:
            out.append(ch)
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
            out.append(ch)
        elif ch not in " \t\r\n":
            out.append(ch)
    return "".join(out)


def _money(sen: int) -> dict:
    return {"value": f"{sen // 100}.{sen % 100:02d}", "currency": "IDR"}


def _time(text: Any, field: str) -> datetime:
    try:
        moment = datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    except ValueError:
        raise Refusal(400, "01", f"Invalid Field Format {field}") from None
    if moment.tzinfo is None:
        raise Refusal(400, "01", f"Invalid Field Format {field}")
    return moment


class SnapBank:
    """The bank's state: clients, accounts with their rows, tokens, external ids seen per day."""

    DEFAULTS: dict[str, Any] = {"token_ttl": 900, "page_size": 50, "rate_per_second": 0, "timestamp_tolerance": 0,
                                "row_balances": False, "sign_answers": True, "timeout_s": 12}

    def __init__(self) -> None:
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.public_pem = self.key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()
        self.clients: dict[str, dict] = {}
        self.accounts: dict[str, dict] = {}
        self.tokens: dict[str, tuple[str, float]] = {}
        self.external_ids: set[tuple[str, str, str]] = set()
        self.config: dict[str, Any] = dict(self.DEFAULTS, fail_next=[])
        self.stats: Counter = Counter()
        self._window: dict[str, list[float]] = defaultdict(list)
        self.lock = threading.RLock()
        self._seq = 0

    # ---- people and tests --------------------------------------------------------------------

    def add_client(self, body: dict) -> dict:
        pem = str(body.get("public_key_pem") or "")
        try:
            public = serialization.load_pem_public_key(pem.encode())
        except ValueError:
            raise Refusal(400, "01", "Invalid Field Format public_key_pem") from None
        key = str(body.get("client_key") or "")
        if not key or not body.get("client_secret"):
            raise Refusal(400, "02", "Invalid Mandatory Field client_key/client_secret")
        with self.lock:
            self.clients[key] = {"public": public, "secret": str(body["client_secret"]),
                                 "partner_id": str(body.get("partner_id") or key), "revoked": False}
        return {"client_key": key}

    def revoke(self, client_key: str) -> dict:
        with self.lock:
            if client_key not in self.clients:
                raise Refusal(404, "00", "Unknown client")
            self.clients[client_key]["revoked"] = True
            self.tokens = {t: v for t, v in self.tokens.items() if v[0] != client_key}
        return {"revoked": client_key}

    def add_account(self, body: dict) -> dict:
        number = "".join(ch for ch in str(body.get("account_no") or "") if ch.isdigit())
        if not number:
            raise Refusal(400, "02", "Invalid Mandatory Field account_no")
        with self.lock:
            self.accounts[number] = {"client_key": str(body.get("client_key") or ""),
                                     "name": str(body.get("name") or "PT SAMBUNG DEMO"),
                                     "opening": int(body.get("opening") or 0) * 100, "rows": []}
        return {"account_no": number}

    def post(self, account_no: str, body: dict) -> dict:
        kind = str(body.get("type") or "").upper()
        amount = body.get("amount")
        if kind not in ("CREDIT", "DEBIT") or not isinstance(amount, int) or isinstance(amount, bool) or amount <= 0:
            raise Refusal(400, "01", "type CREDIT/DEBIT and a positive whole amount (rupiah) are required")
        at = _time(body["at"], "at") if body.get("at") else datetime.now(WIB).replace(microsecond=0)
        with self.lock:
            account = self.accounts.get(account_no)
            if account is None:
                raise Refusal(404, "11", "Invalid Account")
            self._seq += 1
            row = {"at": at.astimezone(WIB), "type": kind, "amount": amount * 100,
                   "remark": str(body.get("remark") or ("TRSF E-BANKING CR" if kind == "CREDIT" else "BIAYA ADM"))[:120],
                   "id": f"SIM{self._seq:010d}"}
            account["rows"].append(row)
            account["rows"].sort(key=lambda r: r["at"])  # stable: same-second rows keep their posting order
            return self._row(row, None)

    def reset(self) -> dict:
        """Forget clients, accounts, tokens, ids seen and counters; settings back to their defaults."""
        with self.lock:
            self.clients, self.accounts, self.tokens = {}, {}, {}
            self.external_ids = set()
            self.config = dict(self.DEFAULTS, fail_next=[])
            self.stats = Counter()
            self._window = defaultdict(list)
        return {"reset": True}

    def configure(self, body: dict) -> dict:
        with self.lock:
            for name, value in body.items():
                if name in self.config:
                    self.config[name] = list(value) if name == "fail_next" else value
            return dict(self.config)

    # ---- the standard ------------------------------------------------------------------------

    def _stamp(self, headers: dict, service: str) -> datetime:
        moment = _time(headers.get("x-timestamp"), "X-TIMESTAMP") if headers.get("x-timestamp") else None
        if moment is None:
            raise Refusal(400, "02", "Invalid Mandatory Field X-TIMESTAMP")
        tolerance = self.config["timestamp_tolerance"]
        if tolerance and abs((datetime.now(timezone.utc) - moment).total_seconds()) > tolerance:
            raise Refusal(401, "00", "Unauthorized. Timestamp out of range")
        return moment

    def token(self, headers: dict, raw: bytes) -> dict:
        self._stamp(headers, "73")
        client_key = headers.get("x-client-key") or ""
        client = self.clients.get(client_key)
        if client is None:
            raise Refusal(401, "00", "Unauthorized. Unknown client")
        if client["revoked"]:
            raise Refusal(401, "00", "Unauthorized. Client key revoked")
        try:
            signature = base64.b64decode(headers.get("x-signature") or "", validate=True)
            client["public"].verify(signature, f"{client_key}|{headers['x-timestamp']}".encode(), padding.PKCS1v15(),
                                    hashes.SHA256())
        except (InvalidSignature, ValueError):
            raise Refusal(401, "00", "Unauthorized. Signature") from None
        body = self._json(raw)
        if "grantType" not in body:
            raise Refusal(400, "02", "Invalid Mandatory Field grantType")
        if body["grantType"] != "client_credentials":
            raise Refusal(400, "01", "Invalid Field Format grantType")
        token = secrets.token_urlsafe(32)
        with self.lock:
            self.tokens[token] = (client_key, time.monotonic() + float(self.config["token_ttl"]))
        return {"responseCode": "2007300", "responseMessage": "Successful", "accessToken": token,
                "tokenType": "Bearer", "expiresIn": str(self.config["token_ttl"])}

    def transactional(self, path: str, service: str, headers: dict, raw: bytes) -> tuple[str, dict]:
        """Checks every header; returns ``(client_key, body)``."""
        if not (headers.get("content-type") or "").startswith("application/json"):
            raise Refusal(400, "00", "Bad Request. Content-Type")
        auth = headers.get("authorization") or ""
        token = auth[7:].strip() if auth.lower().startswith("bearer ") else ""
        with self.lock:
            entry = self.tokens.get(token)
        if entry is None or entry[1] < time.monotonic():
            raise Refusal(401, "01", "Invalid Token (B2B)")
        client_key = entry[0]
        client = self.clients[client_key]
        moment = self._stamp(headers, service)
        if headers.get("x-partner-id") != client["partner_id"]:
            raise Refusal(401, "00", "Unauthorized. Unknown X-PARTNER-ID")
        channel = headers.get("channel-id") or ""
        if not channel:
            raise Refusal(400, "02", "Invalid Mandatory Field CHANNEL-ID")
        if len(channel) != 5:
            raise Refusal(400, "01", "Invalid Field Format CHANNEL-ID")
        external = headers.get("x-external-id") or ""
        if not external:
            raise Refusal(400, "02", "Invalid Mandatory Field X-EXTERNAL-ID")
        if not external.isdigit() or len(external) > 36:
            raise Refusal(400, "01", "Invalid Field Format X-EXTERNAL-ID")
        body_hash = hashlib.sha256(_minify(raw).encode()).hexdigest()
        text = f"POST:{path}:{token}:{body_hash}:{headers['x-timestamp']}"
        expected = base64.b64encode(hmac.new(client["secret"].encode(), text.encode(), hashlib.sha512).digest()).decode()
        if not hmac.compare_digest(expected, headers.get("x-signature") or ""):
            raise Refusal(401, "00", "Unauthorized. Signature")
        day = moment.astimezone(WIB).date().isoformat()
        with self.lock:
            seen = (client["partner_id"], day, external)
            if seen in self.external_ids:
                raise Refusal(409, "00", "Conflict")
            self.external_ids.add(seen)
        return client_key, self._json(raw)

    def _account(self, client_key: str, body: dict) -> dict:
        number = body.get("accountNo")
        if not number:
            raise Refusal(400, "02", "Invalid Mandatory Field accountNo")
        account = self.accounts.get(str(number))
        if account is None:
            raise Refusal(404, "11", "Invalid Card/Account/Customer")
        if account["client_key"] != client_key:
            raise Refusal(403, "18", "Inactive Card/Account/Customer")
        return account

    def statement(self, client_key: str, body: dict, drop_last: bool) -> dict:
        account = self._account(client_key, body)
        start = _time(body.get("fromDateTime"), "fromDateTime") if body.get("fromDateTime") else datetime.min.replace(tzinfo=WIB)
        end = _time(body.get("toDateTime"), "toDateTime") if body.get("toDateTime") else datetime.now(WIB)
        info = body.get("additionalInfo") or {}
        try:
            page = max(int(str(info.get("pageNumber") or "1")), 1)
        except ValueError:
            raise Refusal(400, "01", "Invalid Field Format additionalInfo.pageNumber") from None
        with self.lock:
            rows = list(account["rows"])
        before = sum(r["amount"] if r["type"] == "CREDIT" else -r["amount"] for r in rows if r["at"] < start)
        balance, inside = account["opening"] + before, []
        starting = balance
        for r in rows:
            if start <= r["at"] <= end:
                balance += r["amount"] if r["type"] == "CREDIT" else -r["amount"]
                inside.append((r, balance))
        if drop_last and inside:
            inside = inside[:-1]  # an answer with fewer rows than the last one (balances still add up)
            balance = inside[-1][1] if inside else starting
        size = int(self.config["page_size"])
        chunk = inside[(page - 1) * size: page * size]
        credits = [r for r, _ in inside if r["type"] == "CREDIT"]
        debits = [r for r, _ in inside if r["type"] == "DEBIT"]
        return {
            "responseCode": "2001400", "responseMessage": "Successful", "referenceNo": secrets.token_hex(8),
            "partnerReferenceNo": body.get("partnerReferenceNo", ""),
            "balance": [{"amount": {**_money(balance), "dateTime": end.isoformat()},
                         "startingBalance": {**_money(starting), "dateTime": start.isoformat()},
                         "endingBalance": {**_money(balance), "dateTime": end.isoformat()}}],
            "totalCreditEntries": {"numberOfEntries": str(len(credits)),
                                   "amount": _money(sum(r["amount"] for r in credits))},
            "totalDebitEntries": {"numberOfEntries": str(len(debits)),
                                  "amount": _money(sum(r["amount"] for r in debits))},
            "hasMore": page * size < len(inside),
            "detailData": [self._row(r, b) for r, b in chunk],
        }

    def _row(self, row: dict, balance: int | None) -> dict:
        out = {"amount": _money(row["amount"]), "transactionDate": row["at"].isoformat(), "remark": row["remark"],
               "transactionId": row["id"], "type": row["type"]}
        if balance is not None and self.config["row_balances"]:
            out["detailBalance"] = {"startAmount": [{"amount": _money(balance - (row["amount"] if row["type"] == "CREDIT" else -row["amount"]))}],
                                    "endAmount": [{"amount": _money(balance)}]}
        return out

    def balance(self, client_key: str, body: dict) -> dict:
        account = self._account(client_key, body)
        with self.lock:
            total = account["opening"] + sum(r["amount"] if r["type"] == "CREDIT" else -r["amount"]
                                             for r in account["rows"])
        return {"responseCode": "2001100", "responseMessage": "Successful", "referenceNo": secrets.token_hex(8),
                "partnerReferenceNo": body.get("partnerReferenceNo", ""), "accountNo": body["accountNo"],
                "name": account["name"],
                "accountInfos": [{"balanceType": "Cash", "availableBalance": _money(total),
                                  "ledgerBalance": _money(total), "holdAmount": _money(0), "status": "0001"}]}

    def limited(self, client: str) -> bool:
        rate = int(self.config["rate_per_second"] or 0)
        if not rate:
            return False
        now = time.monotonic()
        with self.lock:
            window = [t for t in self._window[client] if now - t < 1.0]
            over = len(window) >= rate
            if not over:
                window.append(now)
            self._window[client] = window
        return over

    def next_failure(self) -> str | None:
        with self.lock:
            return self.config["fail_next"].pop(0) if self.config["fail_next"] else None

    def sign(self, path: str, body: bytes) -> dict:
        stamp = datetime.now(WIB).replace(microsecond=0).isoformat()
        text = f"POST:{path}:{hashlib.sha256(_minify(body).encode()).hexdigest()}:{stamp}"
        signature = base64.b64encode(self.key.sign(text.encode(), padding.PKCS1v15(), hashes.SHA256())).decode()
        return {"X-TIMESTAMP": stamp, "X-SIGNATURE": signature}

    @staticmethod
    def _json(raw: bytes) -> dict:
        try:
            body = json.loads(raw or b"{}")
        except ValueError:
            raise Refusal(400, "00", "Bad Request. Body is not JSON") from None
        if not isinstance(body, dict):
            raise Refusal(400, "00", "Bad Request. Body is not an object")
        return body


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def __init__(self, address, bank: SnapBank):
        super().__init__(address, _Handler)
        self.bank = bank


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: object) -> None:
        log.debug("snap-sim %s", format % args)

    def do_GET(self) -> None:
        bank = self.server.bank
        path = urlsplit(self.path).path.rstrip("/") or "/"
        if path in ("/sim", "/"):
            self._send(200, _page(bank).encode(), "text/html; charset=utf-8")
        elif path == "/sim/bank-public-key":
            self._send(200, bank.public_pem.encode(), "application/x-pem-file")
        elif path == "/sim/stats":
            self._json(200, {"calls": dict(bank.stats)})
        elif path.startswith("/sim/accounts/"):
            number = path.rsplit("/", 1)[-1]
            account = bank.accounts.get(number)
            if account is None:
                self._json(404, {"error": "unknown account"})
                return
            self._json(200, {"account_no": number, "rows": [bank._row(r, None) for r in account["rows"]]})
        else:
            self._json(404, {"error": "not found"})

    def do_POST(self) -> None:
        bank = self.server.bank
        path = urlsplit(self.path).path
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        service = next((code for suffix, code in SERVICES.items() if path.endswith("/" + suffix)), None)
        if service is None:
            self._sim(path, raw)
            return
        headers = {k.lower(): v for k, v in self.headers.items()}
        bank.stats[service] += 1
        try:
            client = headers.get("x-client-key") or (headers.get("authorization") or "")[-12:]
            if bank.limited(client):
                raise Refusal(429, "00", "Too Many Requests", {"Retry-After": "1"})
            failure = bank.next_failure()
            if failure in ("500", "504"):
                raise Refusal(int(failure), "01" if failure == "500" else "00",
                              "Internal Server Error" if failure == "500" else "Timeout")
            if failure == "timeout":
                time.sleep(float(bank.config.get("timeout_s", 12)))
                raise Refusal(504, "00", "Timeout")
            if failure == "garbage":
                self._send(200, b"<html><body>Service Unavailable (proxy)</body></html>", "text/html")
                return
            if failure == "revoke_tokens":
                with bank.lock:
                    bank.tokens.clear()
            if service == "73":
                answer = bank.token(headers, raw)
            else:
                client_key, body = bank.transactional(path, service, headers, raw)
                answer = (bank.statement(client_key, body, failure == "drop_last") if service == "14"
                          else bank.balance(client_key, body))
        except Refusal as exc:
            bank.stats[f"refused {exc.status}{service}{exc.case}"] += 1
            data = json.dumps({"responseCode": f"{exc.status}{service}{exc.case}",
                               "responseMessage": exc.message}).encode()
            self._send(exc.status, data, "application/json", exc.headers)
            return
        data = json.dumps(answer, separators=(",", ":")).encode()
        extra = {}
        if bank.config["sign_answers"]:
            extra = bank.sign(path, data if failure != "bad_signature" else data + b" ")
            if failure == "bad_signature":
                extra["X-SIGNATURE"] = bank.sign(path, b'{"forged":true}')["X-SIGNATURE"]
        self._send(200, data, "application/json", extra)

    def _sim(self, path: str, raw: bytes) -> None:
        bank = self.server.bank
        try:
            body = bank._json(raw)
            parts = path.strip("/").split("/")
            if path == "/sim/clients":
                result = bank.add_client(body)
            elif len(parts) == 4 and parts[:2] == ["sim", "clients"] and parts[3] == "revoke":
                result = bank.revoke(parts[2])
            elif path == "/sim/accounts":
                result = bank.add_account(body)
            elif len(parts) == 4 and parts[:2] == ["sim", "accounts"] and parts[3] == "transactions":
                result = bank.post(parts[2], body)
            elif path == "/sim/config":
                result = bank.configure(body)
            elif path == "/sim/reset":
                result = bank.reset()
            else:
                raise Refusal(404, "00", "not found")
        except Refusal as exc:
            self._json(exc.status, {"error": exc.message})
            return
        self._json(200, result)

    def _json(self, status: int, value: Any) -> None:
        self._send(status, json.dumps(value).encode(), "application/json")

    def _send(self, status: int, data: bytes, content_type: str, headers: dict | None = None) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass


def _page(bank: SnapBank) -> str:
    blocks = []
    for number, account in sorted(bank.accounts.items()):
        rows = "".join(
            f"<tr><td>{html.escape(r['at'].strftime('%d/%m/%Y %H:%M:%S'))}</td><td>{r['type']}</td>"
            f"<td style='text-align:right'>{r['amount'] // 100:,}</td><td>{html.escape(r['remark'])}</td></tr>"
            for r in reversed(account["rows"][-50:]))
        blocks.append(f"""<section><h2>Rekening {html.escape(number)} ({html.escape(account['name'])})</h2>
<form onsubmit="post(event, '{html.escape(number)}')">
<select name="type"><option value="CREDIT">Kredit (uang masuk)</option><option value="DEBIT">Debit</option></select>
<input name="amount" type="number" min="1" placeholder="Jumlah (Rp)" required>
<input name="remark" placeholder="Keterangan" size="40" value="TRSF E-BANKING CR 0000/FTSCY/WS95031 PEMBELI">
<button>Posting</button></form>
<table><tr><th>waktu (WIB)</th><th>jenis</th><th>jumlah</th><th>keterangan</th></tr>{rows or '<tr><td colspan="4">belum ada mutasi</td></tr>'}</table></section>""")
    return f"""<!doctype html><html lang="id"><meta charset="utf-8"><title>Simulator bank SNAP BI</title>
<style>body{{font:14px system-ui;margin:1.5em}}table{{border-collapse:collapse;margin-top:.5em}}td,th{{border:1px solid #ccc;padding:4px 8px}}</style>
<h1>Simulator bank SNAP BI</h1><p>Panggilan: <code>{html.escape(json.dumps(dict(bank.stats)))}</code></p>
{''.join(blocks) or '<p>belum ada rekening</p>'}
<script>
async function post(event, account) {{
  event.preventDefault();
  const f = new FormData(event.target);
  const r = await fetch('/sim/accounts/' + account + '/transactions', {{method: 'POST', headers: {{'Content-Type': 'application/json'}},
    body: JSON.stringify({{type: f.get('type'), amount: Number(f.get('amount')), remark: f.get('remark')}})}});
  if (!r.ok) alert((await r.json()).error);
  location.reload();
}}
</script></html>"""


class SnapSimulator:
    """In-process handle (tests of the simulator itself); the stack runs :func:`main` as a process."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0):
        self.bank = SnapBank()
        self._server = _Server((host, port), self.bank)
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="snap-sim-http", daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> "SnapSimulator":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8770)
    parser.add_argument("--setup", help="JSON file: {clients: [...], accounts: [...], config: {...}}")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    sim = SnapSimulator(args.host, args.port)
    if args.setup:
        with open(args.setup, encoding="utf-8") as f:
            setup = json.load(f)
        for client in setup.get("clients", []):
            sim.bank.add_client(client)
        for account in setup.get("accounts", []):
            sim.bank.add_account(account)
        sim.bank.configure(setup.get("config", {}))
    sim.start()
    print(f"SNAP BI bank simulator on {sim.url} (page: {sim.url}/sim/)", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        sim.stop()


if __name__ == "__main__":
    main()
