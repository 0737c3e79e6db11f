"""SNAP BI signatures, byte for byte (``reference/snap_bi.md`` §2, §3, §10).

* **B2B token**: ``X-SIGNATURE = base64(SHA256withRSA(partner private key, clientKey + "|" + X-TIMESTAMP))``,
  RSA PKCS#1 v1.5 (deterministic: one key and one string give one signature).
* **Transactional (symmetric)**: ``base64(HMAC-SHA512(client secret, METHOD:path:token:hexsha256(minified
  body):X-TIMESTAMP))``; the body hash is lower-case hex of SHA-256 of the body with whitespace
  removed *outside* JSON strings only (keys never sorted).
* **Bank-signed answers/notifications** (asymmetric): ``SHA256withRSA(bank private key,
  METHOD:path:hexsha256(minified body):X-TIMESTAMP)``, verified with the bank's public key.

The client hashes the exact bytes it sends (:func:`dumps` once, reuse the bytes). A verifier
minifies what it received first, so a sender that pretty-prints still verifies. Pure Python plus
``cryptography``; no AWS, no Chalice.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from datetime import datetime, timedelta, timezone

WIB = timezone(timedelta(hours=7))


def dumps(body: dict) -> bytes:
    """The body as sent: compact JSON, field order kept (never sorted), UTF-8."""
    return json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def minify(raw: bytes | str) -> str:
    """Remove whitespace outside JSON strings; everything inside strings (escapes too) stays as is."""
    text = raw.decode("utf-8") if isinstance(raw, (bytes, bytearray)) else raw
    out, in_string, escaped = [], False, False
    for ch in text:
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


def body_hash(raw: bytes | str) -> str:
    """Lower-case hex SHA-256 of the minified body (an empty body hashes the empty string)."""
    return hashlib.sha256(minify(raw).encode("utf-8")).hexdigest()


def timestamp(at: datetime | float, tz: timezone = WIB) -> str:
    """``X-TIMESTAMP``: ISO-8601 with offset and no fraction, ``2026-03-02T09:15:00+07:00``."""
    moment = at if isinstance(at, datetime) else datetime.fromtimestamp(at, tz=timezone.utc)
    return moment.astimezone(tz).replace(microsecond=0).isoformat()


def parse_timestamp(text: str) -> datetime:
    """An ISO-8601 time with offset (``Z`` too; a fraction allowed) -> aware datetime.
    Raises ``ValueError`` for anything else, including a time without an offset."""
    if not isinstance(text, str) or len(text) > 35:
        raise ValueError("not a timestamp")
    moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    if moment.tzinfo is None:
        raise ValueError("timestamp without offset")
    return moment


def external_id(digits: int = 32) -> str:
    """``X-EXTERNAL-ID``: digits only (every bank sample is numeric), random, so unique per day with
    overwhelming likelihood; a ``409xx00`` answer is retried once with a new one anyway."""
    return "".join(secrets.choice("0123456789") for _ in range(digits))


# ---- the token call (SHA256withRSA) --------------------------------------------------------------


def token_string(client_key: str, x_timestamp: str) -> str:
    return f"{client_key}|{x_timestamp}"


def load_private_key(pem: str):
    """A PEM private key (PKCS#8 or PKCS#1, unencrypted); ``ValueError`` when it is not an RSA key."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    try:
        key = serialization.load_pem_private_key(pem.encode("utf-8"), password=None)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"not a PEM private key: {exc.__class__.__name__}") from None
    if not isinstance(key, rsa.RSAPrivateKey) or key.key_size < 2048:
        raise ValueError("not an RSA private key of at least 2048 bits")
    return key


def load_public_key(pem: str):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    try:
        key = serialization.load_pem_public_key(pem.encode("utf-8"))
    except (TypeError, ValueError) as exc:
        raise ValueError(f"not a PEM public key: {exc.__class__.__name__}") from None
    if not isinstance(key, rsa.RSAPublicKey) or key.key_size < 2048:
        raise ValueError("not an RSA public key of at least 2048 bits")
    return key


def rsa_sign(private_key, text: str) -> str:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding

    key = load_private_key(private_key) if isinstance(private_key, str) else private_key
    return base64.b64encode(key.sign(text.encode("utf-8"), padding.PKCS1v15(), hashes.SHA256())).decode("ascii")


def rsa_verify(public_key, text: str, signature_b64: str) -> bool:
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding

    key = load_public_key(public_key) if isinstance(public_key, str) else public_key
    try:
        signature = base64.b64decode(signature_b64 or "", validate=True)
        key.verify(signature, text.encode("utf-8"), padding.PKCS1v15(), hashes.SHA256())
        return True
    except (InvalidSignature, ValueError):
        return False


def sign_token_request(private_key, client_key: str, x_timestamp: str) -> str:
    return rsa_sign(private_key, token_string(client_key, x_timestamp))


def verify_token_request(public_key, client_key: str, x_timestamp: str, signature: str) -> bool:
    return rsa_verify(public_key, token_string(client_key, x_timestamp), signature)


# ---- transactional calls (HMAC-SHA512) ----------------------------------------------------------


def transaction_string(method: str, path: str, access_token: str, raw_body: bytes | str, x_timestamp: str) -> str:
    return f"{method.upper()}:{path}:{access_token}:{body_hash(raw_body)}:{x_timestamp}"


def hmac_sign(client_secret: str, text: str) -> str:
    digest = hmac.new(client_secret.encode("utf-8"), text.encode("utf-8"), hashlib.sha512).digest()
    return base64.b64encode(digest).decode("ascii")


def sign_transaction(client_secret: str, method: str, path: str, access_token: str, raw_body: bytes | str,
                     x_timestamp: str) -> str:
    return hmac_sign(client_secret, transaction_string(method, path, access_token, raw_body, x_timestamp))


def verify_transaction(client_secret: str, method: str, path: str, access_token: str, raw_body: bytes | str,
                       x_timestamp: str, signature: str) -> bool:
    expected = sign_transaction(client_secret, method, path, access_token, raw_body, x_timestamp)
    return hmac.compare_digest(expected.encode("ascii"), (signature or "").encode("ascii", "replace"))


# ---- bank-signed answers (SHA256withRSA, no token) ----------------------------------------------


def asymmetric_string(method: str, path: str, raw_body: bytes | str, x_timestamp: str) -> str:
    return f"{method.upper()}:{path}:{body_hash(raw_body)}:{x_timestamp}"


def sign_asymmetric(private_key, method: str, path: str, raw_body: bytes | str, x_timestamp: str) -> str:
    return rsa_sign(private_key, asymmetric_string(method, path, raw_body, x_timestamp))


def verify_asymmetric(public_key, method: str, path: str, raw_body: bytes | str, x_timestamp: str,
                      signature: str) -> bool:
    return rsa_verify(public_key, asymmetric_string(method, path, raw_body, x_timestamp), signature)
