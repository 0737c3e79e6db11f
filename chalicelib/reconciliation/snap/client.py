"""A SNAP BI client for account information: B2B token, Balance Inquiry (11), Bank Statement (14).

Every request is signed as the standard requires (:mod:`.signing`): the token call with our RSA key,
transactional calls with HMAC-SHA512 keyed by the client secret over the exact bytes sent, with
``X-TIMESTAMP``, ``X-PARTNER-ID``, ``X-EXTERNAL-ID`` (new digits every request: unique per day) and
``CHANNEL-ID``. The bank's answers are checked: a JSON object with a ``responseCode`` of 7 digits
(HTTP 3 + service 2 + case 2); an answer the bank signed (``X-SIGNATURE`` + ``X-TIMESTAMP`` on the
answer) must verify with the bank's public key (``SHA256withRSA`` over ``METHOD:path:bodyhash:
timestamp``, the standard's asymmetric form).

Failures, decided here once:

* 5xx, ``504``, a timeout or an unreachable bank: retried with exponential backoff (a few tries);
* ``429``: waits ``Retry-After`` (or the backoff) and retries, then gives up as ``rate_limited``;
* ``401xx01`` / ``401xx03`` (token expired, revoked or unknown): a new token, then the call once more;
* ``409xx00`` (``X-EXTERNAL-ID`` used today already): once more with a new id;
* any other 4xx: not retried; :class:`SnapError` carries the bank's code and says in words what to do.

Nothing here touches AWS: the caller hands in the connection (secrets read from SSM by
:mod:`..feeds`) and a ``sleep`` (tests pass a fake one).
"""
from __future__ import annotations

import hashlib
import random
import threading
import time
from dataclasses import dataclass, field
from typing import Callable
from urllib.parse import urlsplit

from ...core import http
from ...core.clock import get_clock
from ...core.errors import UpstreamError
from . import signing

STATEMENT_SERVICE, BALANCE_SERVICE, TOKEN_SERVICE = "14", "11", "73"
MAX_PAGES = 50
TIMEOUT_S = 10.0


@dataclass(frozen=True)
class Profile:
    """Where a bank serves the services (paths differ per bank, ``snap_bi.md`` §8) and its id length."""

    token_path: str
    statement_path: str
    balance_path: str
    external_id_digits: int = 32


PROFILES = {
    "BCA": Profile("/openapi/v1.0/access-token/b2b", "/openapi/v1.0/bank-statement", "/openapi/v1.0/balance-inquiry"),
    "BRI": Profile("/snap/v1.0/access-token/b2b", "/snap/v1.0/bank-statement", "/snap/v1.0/balance-inquiry", 9),
}
# ASPI's layout (its sandbox serves these under the host's own prefix).
DEFAULT_PROFILE = Profile("/v1.0/access-token/b2b", "/v1.0/bank-statement", "/v1.0/balance-inquiry")


def profile_for(bank: str, overrides: dict | None = None) -> Profile:
    base = PROFILES.get((bank or "").upper(), DEFAULT_PROFILE)
    fields = {name: value for name, value in (overrides or {}).items() if value}
    return Profile(**{**base.__dict__, **fields}) if fields else base


@dataclass(frozen=True)
class Connection:
    base_url: str
    partner_id: str
    client_key: str
    client_secret: str = field(repr=False)
    channel_id: str
    private_key_pem: str = field(repr=False)
    bank_public_key_pem: str | None = None
    profile: Profile = DEFAULT_PROFILE

    @property
    def prefix(self) -> str:
        """A base URL may carry a path (a gateway in front of the bank): it is part of every signed path."""
        return urlsplit(self.base_url).path.rstrip("/")

    def url(self, path: str) -> str:
        parts = urlsplit(self.base_url)
        return f"{parts.scheme}://{parts.netloc}{self.prefix}{path}"


# Problems, in the words the Mutasi Bank page shows (``kind`` for programs).
REJECTED, UNAVAILABLE, RATE_LIMITED, BAD_ANSWER, BAD_SIGNATURE = (
    "rejected", "unavailable", "rate_limited", "bad_answer", "bad_signature")


class SnapError(UpstreamError):
    """A call that did not succeed: ``kind``, the bank's ``response_code`` (if it answered) and words."""

    code = "snap_error"

    def __init__(self, kind: str, message: str, *, response_code: str | None = None, http_status: int | None = None):
        super().__init__(message, code=f"snap_{kind}",
                         details={k: v for k, v in (("response_code", response_code), ("http_status", http_status)) if v})
        self.kind, self.response_code, self.http_status = kind, response_code, http_status

    @property
    def retry_later(self) -> bool:
        """Whether the next scheduled fetch may well succeed without anyone changing anything."""
        return self.kind in (UNAVAILABLE, RATE_LIMITED, BAD_ANSWER)


def explain(code: str | None, http_status: int, bank_message: str) -> tuple[str, str]:
    """``(kind, words)`` for a bank's refusal."""
    case = (code or "")[5:7]
    shown = f"{code} {bank_message}".strip() if code else f"HTTP {http_status}"
    if http_status == 401 and case in ("01", "03"):
        return REJECTED, f"Token akses ditolak bank ({shown}): kunci mungkin dicabut. Periksa client key dan kunci privat."
    if http_status == 401:
        return REJECTED, (f"Bank menolak kredensial atau tanda tangan kami ({shown}). Periksa client key, client "
                          "secret, partner id dan kunci privat (kunci publiknya harus terdaftar di bank).")
    if http_status == 403:
        return REJECTED, f"Rekening atau layanan mutasi ini tidak aktif/diizinkan di bank ({shown})."
    if http_status == 404:
        return REJECTED, f"Bank tidak mengenal rekening ini ({shown}). Periksa nomor rekening."
    if http_status == 429:
        return RATE_LIMITED, f"Bank membatasi jumlah permintaan ({shown}); dicoba lagi nanti."
    if http_status >= 500:
        return UNAVAILABLE, f"Bank sedang gangguan ({shown}); dicoba lagi nanti."
    return REJECTED, f"Bank menolak permintaan ({shown})."


# ---- the token cache (per process: a warm Lambda keeps it) ----------------------------------------

_tokens: dict[str, tuple[str, float]] = {}
_tokens_lock = threading.Lock()


def _token_key(conn: Connection) -> str:
    secret = hashlib.sha256(conn.private_key_pem.encode()).hexdigest()[:16]
    return f"{conn.base_url}|{conn.profile.token_path}|{conn.client_key}|{secret}"


def forget_tokens() -> None:
    with _tokens_lock:
        _tokens.clear()


@dataclass
class Stats:
    """What one client did: HTTP calls by kind, retries, tokens fetched (the bench reads these)."""

    calls: int = 0
    token_calls: int = 0
    retries: int = 0
    pages: int = 0


class SnapClient:
    def __init__(self, conn: Connection, *, sleep: Callable[[float], None] = time.sleep, attempts: int = 4,
                 backoff_s: float = 0.5, max_wait_s: float = 8.0, timeout_s: float = TIMEOUT_S):
        self.conn = conn
        self.sleep = sleep
        self.attempts = attempts
        self.backoff_s = backoff_s
        self.max_wait_s = max_wait_s
        self.timeout_s = timeout_s
        self.stats = Stats()

    # ---- token -------------------------------------------------------------------------------

    def access_token(self, *, fresh: bool = False) -> str:
        key = _token_key(self.conn)
        with _tokens_lock:
            cached = _tokens.get(key)
        if cached and not fresh and cached[1] > time.monotonic():
            return cached[0]
        stamp = signing.timestamp(get_clock().now())
        try:
            signature = signing.sign_token_request(self.conn.private_key_pem, self.conn.client_key, stamp)
        except ValueError:
            raise SnapError(REJECTED, "Kunci privat RSA kami tidak bisa dibaca (PEM RSA minimal 2048 bit).") from None
        headers = {"Content-Type": "application/json", "X-TIMESTAMP": stamp, "X-CLIENT-KEY": self.conn.client_key,
                   "X-SIGNATURE": signature}
        path = self.conn.profile.token_path
        answer = self._call(path, signing.dumps({"grantType": "client_credentials", "additionalInfo": {}}), headers,
                            TOKEN_SERVICE)
        self.stats.token_calls += 1
        token = answer.get("accessToken")
        if not isinstance(token, str) or not token or len(token) > 2048:
            raise SnapError(BAD_ANSWER, "Jawaban token dari bank tidak berisi accessToken.")
        try:
            lifetime = int(str(answer.get("expiresIn", "900")).strip())
        except ValueError:
            lifetime = 900
        margin = min(60, lifetime // 10)
        with _tokens_lock:
            _tokens[key] = (token, time.monotonic() + max(lifetime - margin, 0))
        return token

    # ---- services ----------------------------------------------------------------------------

    def balance(self, account_no: str) -> dict:
        """Balance Inquiry: ``{"name", "available": sen|None, "ledger": sen|None}``."""
        from ..parsers.snap_json import money_sen

        answer = self.transaction(self.conn.profile.balance_path, BALANCE_SERVICE,
                                  {"partnerReferenceNo": signing.external_id(20), "accountNo": account_no})
        info = (answer.get("accountInfos") or [{}])
        info = info[0] if isinstance(info, list) and info and isinstance(info[0], dict) else {}
        out = {"name": answer.get("name") if isinstance(answer.get("name"), str) else None}
        for name, field_name in (("available", "availableBalance"), ("ledger", "ledgerBalance")):
            try:
                out[name] = money_sen(info[field_name]) if isinstance(info.get(field_name), dict) else None
            except ValueError:
                out[name] = None
        return out

    def statement(self, account_no: str, from_time: str, to_time: str) -> list[dict]:
        """Every page of the Bank Statement for the window (``hasMore`` -> ``additionalInfo.pageNumber``)."""
        pages: list[dict] = []
        reference = signing.external_id(20)
        for number in range(1, MAX_PAGES + 1):
            body = {"partnerReferenceNo": reference, "accountNo": account_no, "fromDateTime": from_time,
                    "toDateTime": to_time}
            if number > 1:
                body["additionalInfo"] = {"pageNumber": str(number)}
            answer = self.transaction(self.conn.profile.statement_path, STATEMENT_SERVICE, body)
            if not isinstance(answer.get("detailData", []), list):
                raise SnapError(BAD_ANSWER, "Jawaban mutasi dari bank tidak berisi daftar detailData.")
            pages.append(answer)
            self.stats.pages += 1
            if str(answer.get("hasMore", "")).strip().lower() not in ("true", "y", "yes", "1"):
                return pages
            if not answer.get("detailData"):
                raise SnapError(BAD_ANSWER, "Bank menyatakan masih ada halaman mutasi, tetapi halaman ini kosong.")
        raise SnapError(BAD_ANSWER, f"Mutasi lebih dari {MAX_PAGES} halaman dalam satu hari; dibatalkan.")

    def transaction(self, path: str, service: str, body: dict) -> dict:
        """One signed transactional call, with a new token once after 401xx01/03."""
        raw = signing.dumps(body)
        for renewed in (False, True):
            token = self.access_token(fresh=renewed)
            try:
                return self._call(path, raw, None, service, token=token)
            except SnapError as exc:
                if renewed or exc.http_status != 401 or (exc.response_code or "")[5:7] not in ("01", "03"):
                    raise
        raise AssertionError("unreachable")

    # ---- one call, with retries ----------------------------------------------------------------

    def _headers(self, path: str, raw: bytes, token: str) -> dict:
        stamp = signing.timestamp(get_clock().now())
        return {"Content-Type": "application/json", "Authorization": f"Bearer {token}", "X-TIMESTAMP": stamp,
                "X-SIGNATURE": signing.sign_transaction(self.conn.client_secret, "POST", self.conn.prefix + path,
                                                        token, raw, stamp),
                "X-PARTNER-ID": self.conn.partner_id,
                "X-EXTERNAL-ID": signing.external_id(self.conn.profile.external_id_digits),
                "CHANNEL-ID": self.conn.channel_id}

    def _call(self, path: str, raw: bytes, headers: dict | None, service: str, *, token: str | None = None) -> dict:
        conflicts = 0
        for attempt in range(1, self.attempts + 1):
            sent = headers if headers is not None else self._headers(path, raw, token or "")
            self.stats.calls += 1
            try:
                response = http.request("POST", self.conn.url(path), data=raw, headers=sent, timeout=self.timeout_s,
                                        system="Bank (SNAP BI)")
            except UpstreamError as exc:  # timeout or unreachable
                if attempt == self.attempts:
                    raise SnapError(UNAVAILABLE, f"{exc.message} Dicoba lagi nanti.") from None
                self._wait(attempt)
                continue
            answer = response.json()
            code = answer.get("responseCode") if isinstance(answer, dict) else None
            if response.status < 500 and (not isinstance(code, str) or len(code) != 7 or not code.isdigit()):
                raise SnapError(BAD_ANSWER, f"Jawaban bank tidak dikenali (HTTP {response.status}, tanpa responseCode "
                                            "SNAP yang sah).", http_status=response.status)
            if 200 <= response.status < 300 and code.startswith("2"):
                self._check_signature(path, response)
                return answer
            status = int(code[:3]) if isinstance(code, str) and code[:3].isdigit() else response.status
            status = response.status if response.status >= 400 else status
            message = str((answer or {}).get("responseMessage") or "")[:150] if isinstance(answer, dict) else ""
            kind, words = explain(code, status, message)
            if status == 409 and code and code[5:7] == "00" and headers is None and conflicts == 0:
                conflicts += 1  # X-EXTERNAL-ID seen today: a new one is made for the next try
                self.stats.retries += 1
                continue
            if kind in (UNAVAILABLE, RATE_LIMITED) and attempt < self.attempts:
                self._wait(attempt, response.headers.get("Retry-After") or response.headers.get("retry-after"))
                continue
            raise SnapError(kind, words, response_code=code, http_status=status)
        raise SnapError(UNAVAILABLE, "Bank tidak menjawab setelah beberapa kali dicoba; dicoba lagi nanti.")

    def _wait(self, attempt: int, retry_after: str | None = None) -> None:
        self.stats.retries += 1
        try:
            wait = float(retry_after) if retry_after else None
        except ValueError:
            wait = None
        if wait is None:
            wait = self.backoff_s * 2 ** (attempt - 1) * (1 + random.random() / 2)
        self.sleep(min(max(wait, 0.0), self.max_wait_s))

    def _check_signature(self, path: str, response: http.HttpResponse) -> None:
        headers = {k.lower(): v for k, v in response.headers.items()}
        signature, stamp = headers.get("x-signature"), headers.get("x-timestamp")
        if not signature or not self.conn.bank_public_key_pem:
            return
        try:
            ok = signing.verify_asymmetric(self.conn.bank_public_key_pem, "POST", self.conn.prefix + path,
                                           response.body, stamp or "", signature)
        except ValueError:
            raise SnapError(BAD_SIGNATURE, "Kunci publik bank yang tersimpan tidak bisa dibaca.") from None
        if not ok:
            raise SnapError(BAD_SIGNATURE, "Tanda tangan pada jawaban bank tidak cocok dengan kunci publik bank: "
                                           "jawaban diabaikan, tidak ada yang disimpan.")
