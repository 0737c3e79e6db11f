"""A store's shipping setup (admin): courier integration, secrets, pickup address, default courier.

Secrets are never shown back: a view says "tersimpan". In AWS only SSM parameter names are stored
for the API key; the webhook secret, which we generate and which only authenticates calls to us,
may be stored in the settings everywhere.
"""
from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping
from typing import Any

from ..core.errors import ValidationError
from ..core.settings import get_settings
from ..core.web import Caller
from . import model
from .model import ShippingSettings
from .providers.biteship import BASE_URL, DEFAULT_WEBHOOK_HEADER, BiteshipProvider

PROVIDER = model.BITESHIP
MANUAL = model.MANUAL
# Seconds per courier API call; the adapter retries each step once, and the outbox retries later.
COURIER_TIMEOUT_S = 10.0
# Stages where secrets may sit in the settings themselves; in AWS only SSM parameter names do.
LOCAL_STAGES = frozenset({"dev", "test", "local"})
# How often a settings change decides again after someone else changed the store's settings first.
SETTINGS_RETRIES = 8


def shipping_settings(store_id: str) -> ShippingSettings:
    from ..staff.service import get_store

    return ShippingSettings.from_dict((get_store(store_id).settings or {}).get("shipping"))


def webhook_url() -> str:
    return f"{get_settings().public_base_url}/api/callbacks/biteship"


def settings_view(store_id: str) -> dict:
    """The settings as an admin sees them: secrets only as "tersimpan", never their value."""
    s = shipping_settings(store_id)
    return {
        "provider": s.provider, "integrated": s.integrated, "test_mode": s.test_mode, "origin": s.origin or None,
        "courier_company": s.courier_company, "courier_type": s.courier_type, "tracking_url": s.tracking_url,
        "api_key": model.SECRET_SHOWN if (s.api_key or s.api_key_param) else None, "api_key_param": s.api_key_param,
        "webhook_secret": model.SECRET_SHOWN if (s.webhook_secret or s.webhook_secret_param) else None,
        "webhook_secret_param": s.webhook_secret_param, "webhook_header": DEFAULT_WEBHOOK_HEADER,
        "webhook_url": webhook_url(),
    }


_PAIRED = {"api_key": "api_key_param", "api_key_param": "api_key",
           "webhook_secret": "webhook_secret_param", "webhook_secret_param": "webhook_secret"}


def update_settings(caller: Caller, patch: Mapping[str, Any]) -> dict:
    """Change some settings; a field set to null is cleared. A secret and its SSM name replace each other."""
    def change(current: ShippingSettings) -> ShippingSettings:
        data = current.to_dict()
        for name, value in patch.items():
            if value is None:
                data.pop(name, None)
            else:
                data[name] = value
                if name in _PAIRED:
                    data.pop(_PAIRED[name], None)
        return _validated(ShippingSettings.from_dict(data), set(patch))

    _save_settings(caller.store_id, change)
    return settings_view(caller.store_id)


def new_webhook_secret(caller: Caller) -> dict:
    """Generate the shared webhook secret and show it once, for the admin to paste into Biteship.

    Unlike the API key it may be stored in the settings in AWS too: we generate it, and it only
    authenticates calls to us; it cannot spend the merchant's balance.
    """
    secret = secrets.token_urlsafe(24)
    _save_settings(caller.store_id, lambda current: ShippingSettings.from_dict(
        {**{k: v for k, v in current.to_dict().items() if k != "webhook_secret_param"}, "webhook_secret": secret}))
    return {"webhook_secret": secret, "webhook_header": DEFAULT_WEBHOOK_HEADER, "webhook_url": webhook_url()}


def _validated(s: ShippingSettings, changed: set[str]) -> ShippingSettings:
    stage = get_settings().stage
    if s.provider not in model.PROVIDERS:
        raise ValidationError("Integrasi harus biteship atau manual.", code="invalid_provider")
    if s.api_key is not None:
        if "api_key" in changed and stage not in LOCAL_STAGES:
            raise ValidationError("Simpan API key di SSM Parameter Store lalu isi nama parameternya (api_key_param).",
                                  code="api_key_needs_ssm")
        model.validate_api_key(s.api_key, s.test_mode)
    for name in ("api_key_param", "webhook_secret_param"):
        value = getattr(s, name)
        # The API's role may read only this stage's parameters (see infra/cdk).
        if value is not None and not value.startswith(f"/sambung/{stage}/"):
            raise ValidationError(f"Nama parameter SSM harus diawali /sambung/{stage}/.", code="invalid_param_name")
    if s.webhook_secret is not None and len(s.webhook_secret) < 16:
        raise ValidationError("Rahasia webhook minimal 16 karakter.", code="invalid_webhook_secret")
    if s.courier_company is not None:
        model.validate_courier_code(s.courier_company, "Kurir")
    if s.courier_type is not None:
        model.validate_courier_code(s.courier_type, "Layanan kurir")
    if s.tracking_url is not None:
        model.validate_tracking_url(s.tracking_url)
    origin = model.address_to_dict(model.address_from_dict(s.origin)) if s.origin else {}
    if s.provider == PROVIDER:
        missing = [label for label, ok in (
            ("API key", bool(s.api_key or s.api_key_param)), ("alamat pengirim", bool(origin)),
            ("kurir default", bool(s.courier_company and s.courier_type))) if not ok]
        if missing:
            raise ValidationError("Untuk memakai Biteship, lengkapi dulu: " + ", ".join(missing) + ".",
                                  code="shipping_settings_incomplete", details={"missing": missing})
    return ShippingSettings.from_dict({**s.to_dict(), "origin": origin})


def _save_settings(store_id: str, change: Callable[[ShippingSettings], ShippingSettings]) -> None:
    """Replace the ``shipping`` part of the store's settings, conditional on the settings read (others
    edit other parts of the same item); decided again from a fresh read when someone was first."""
    from ..staff import service as staff

    staff.change_settings(store_id, lambda current: dict(
        current, shipping=change(ShippingSettings.from_dict(current.get("shipping"))).to_dict()),
        retries=SETTINGS_RETRIES)


def secret(value: str | None, param: str | None) -> str | None:
    """A secret from the settings, or from SSM when only its parameter name is stored."""
    if param:
        from aws_lambda_powertools.utilities.parameters import get_parameter

        return get_parameter(param, decrypt=True, max_age=300)
    return value


def provider_for(s: ShippingSettings) -> BiteshipProvider:
    return BiteshipProvider(secret(s.api_key, s.api_key_param) or "", base_url=s.base_url or BASE_URL,
                            timeout_s=COURIER_TIMEOUT_S,
                            webhook_secret=secret(s.webhook_secret, s.webhook_secret_param))
