"""Merchants' secrets (courier API keys, gateway keys, messaging tokens) in SSM Parameter Store.

The parameter names are derived here, per merchant: ``/sambung/<stage>/merchants/<merchant>/<key>``.
Nobody chooses them: an admin hands us the secret's value, we write it under the merchant's own
name (a SecureString) and keep only that name in the store's settings. A name read back from
settings is used only if it is the merchant's own, so one merchant's settings can never point at
another merchant's key or at the deployment's master secret (``/sambung/<stage>/token-secret``).
"""
from __future__ import annotations

import re

from .errors import Forbidden, ValidationError
from .settings import get_settings

# What a merchant may keep here (the last part of the name).
KEYS = ("biteship/api_key", "gateway/server_key", "gateway/secret_key", "gateway/callback_token",
        "messaging/whatsapp_token", "messaging/zenziva_passkey")
# Per bank account (a SNAP BI connection): ``snap/<account digits>/<part>``.
ACCOUNT_KEYS = ("snap/client_secret", "snap/private_key")
_ACCOUNT_RE = re.compile(r"^[0-9]{6,20}$")
MAX_SECRET_LENGTH = 4096  # SSM standard parameters hold 4 KB
_MERCHANT_RE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


def prefix(merchant_id: str) -> str:
    if not _MERCHANT_RE.match(merchant_id or ""):
        raise ValueError(f"not a merchant id: {merchant_id!r}")
    return f"/sambung/{get_settings().stage}/merchants/{merchant_id}/"


def name_for(merchant_id: str, key: str) -> str:
    if key not in KEYS:
        raise ValueError(f"unknown secret {key!r}")
    return prefix(merchant_id) + key


def account_name_for(merchant_id: str, account_no: str, key: str) -> str:
    """``/sambung/<stage>/merchants/<merchant>/snap/<account>/<part>``: one bank account's secret."""
    if key not in ACCOUNT_KEYS or not _ACCOUNT_RE.match(account_no or ""):
        raise ValueError(f"unknown account secret {key!r} for {account_no!r}")
    area, part = key.split("/")
    return f"{prefix(merchant_id)}{area}/{account_no}/{part}"


def is_own(merchant_id: str, name: str | None) -> bool:
    if not isinstance(name, str):
        return False
    if any(name == name_for(merchant_id, key) for key in KEYS):
        return True
    own = prefix(merchant_id)
    parts = name[len(own):].split("/") if name.startswith(own) else []
    return (len(parts) == 3 and _ACCOUNT_RE.match(parts[1]) is not None
            and f"{parts[0]}/{parts[2]}" in ACCOUNT_KEYS)


def _ssm():
    import boto3

    s = get_settings()
    return boto3.client("ssm", region_name=s.region, endpoint_url=s.endpoint_url)


def put(merchant_id: str, key: str, value: str) -> str:
    """Keep ``value`` as the merchant's ``key`` (encrypted); returns the parameter name to store."""
    if not isinstance(value, str) or not value.strip() or len(value) > MAX_SECRET_LENGTH:
        raise ValidationError(f"Rahasia harus teks 1 sampai {MAX_SECRET_LENGTH} karakter.", code="invalid_secret")
    name = name_for(merchant_id, key)
    _ssm().put_parameter(Name=name, Value=value.strip(), Type="SecureString", Overwrite=True,
                         Description=f"Sambung: {key} of merchant {merchant_id}")
    _forget(name)
    return name


def put_named(merchant_id: str, name: str, value: str) -> str:
    """:func:`put` for a name from :func:`account_name_for` (the merchant's own, checked again)."""
    if not is_own(merchant_id, name):
        raise Forbidden("Nama parameter rahasia ini bukan milik merchant ini.", code="secret_not_own")
    if not isinstance(value, str) or not value.strip() or len(value) > MAX_SECRET_LENGTH:
        raise ValidationError(f"Rahasia harus teks 1 sampai {MAX_SECRET_LENGTH} karakter.", code="invalid_secret")
    _ssm().put_parameter(Name=name, Value=value.strip(), Type="SecureString", Overwrite=True,
                         Description=f"Sambung: a bank connection secret of merchant {merchant_id}")
    _forget(name)
    return name


def delete(merchant_id: str, name: str) -> None:
    """Remove the merchant's own secret (a disconnected bank account); one already gone is fine."""
    if not is_own(merchant_id, name):
        raise Forbidden("Nama parameter rahasia ini bukan milik merchant ini.", code="secret_not_own")
    try:
        _ssm().delete_parameter(Name=name)
    except Exception as exc:  # noqa: BLE001 - ParameterNotFound is the only expected one
        if "ParameterNotFound" not in str(exc):
            raise
    _forget(name)


def get(merchant_id: str, name: str) -> str:
    """The secret behind ``name``, which must be the merchant's own (403 otherwise, nothing read)."""
    if not is_own(merchant_id, name):
        raise Forbidden("Nama parameter rahasia ini bukan milik merchant ini.", code="secret_not_own")
    from aws_lambda_powertools.utilities.parameters import get_parameter

    return get_parameter(name, decrypt=True, max_age=300)


def _forget(name: str) -> None:
    """A new value is used at once, not after the 5-minute cache of :func:`get`."""
    from aws_lambda_powertools.utilities import parameters

    parameters.clear_caches()
