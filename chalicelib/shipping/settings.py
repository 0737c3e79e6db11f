"""A store's shipping setup (admin): courier integration, secrets, pickup address, default courier.

Secrets are never shown back: a view says "tersimpan". The admin hands us the courier API key; we
keep it in SSM under the merchant's own parameter name (core.secrets) and store only that name:
nobody can point a store at another merchant's key. The webhook secret, which we generate and which
only authenticates calls to us, is stored in the settings. The local stack's seed may put the key
itself in the settings (local stages only).
"""
from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping
from typing import Any

from ..core import secrets as merchant_secrets
from ..core.errors import ValidationError
from ..core.settings import LOCAL_STAGES, get_settings
from ..core.web import Caller
from . import model
from .model import ShippingSettings
from .providers.biteship import BASE_URL, DEFAULT_WEBHOOK_HEADER, BiteshipProvider

PROVIDER = model.BITESHIP
MANUAL = model.MANUAL
# Seconds per courier API call; the adapter retries each step once, and the outbox retries later.
COURIER_TIMEOUT_S = 10.0
API_KEY = "biteship/api_key"  # the merchant's secret name (core.secrets)
# How often a settings change decides again after someone else changed the store's settings first.
SETTINGS_RETRIES = 8


def shipping_settings(store_id: str) -> ShippingSettings:
    return store_shipping(store_id)[0]


def store_shipping(store_id: str) -> tuple[ShippingSettings, str]:
    """The store's shipping settings and its merchant (whose secrets they may name)."""
    from ..staff.service import get_store

    store = get_store(store_id)
    return ShippingSettings.from_dict((store.settings or {}).get("shipping")), store.merchant_id


def webhook_url() -> str:
    return f"{get_settings().public_base_url}/api/callbacks/biteship"


def settings_view(store_id: str) -> dict:
    """The settings as an admin sees them: secrets only as "tersimpan", never their value."""
    s = shipping_settings(store_id)
    return {
        "provider": s.provider, "integrated": s.integrated, "test_mode": s.test_mode, "origin": s.origin or None,
        "courier_company": s.courier_company, "courier_type": s.courier_type, "tracking_url": s.tracking_url,
        "api_key": model.SECRET_SHOWN if (s.api_key or s.api_key_param) else None,
        "webhook_secret": model.SECRET_SHOWN if s.webhook_secret else None, "webhook_header": DEFAULT_WEBHOOK_HEADER,
        "webhook_url": webhook_url(), "rate_couriers": list(s.couriers_to_ask),
    }


def update_settings(caller: Caller, patch: Mapping[str, Any]) -> dict:
    """Change some settings; a field set to null is cleared. A new API key is checked, kept in SSM
    under the merchant's own name, and only that name is stored. Nothing is written (SSM included)
    unless the whole change is valid."""
    patch = dict(patch)
    new_key = None
    if "api_key" in patch:
        new_key = patch.pop("api_key")
        patch["api_key_param"] = merchant_secrets.name_for(caller.merchant_id, API_KEY) if new_key is not None else None

    def change(current: ShippingSettings) -> ShippingSettings:
        data = current.to_dict()
        for name, value in patch.items():
            if value is None:
                data.pop(name, None)
            else:
                data[name] = value
            if name == "api_key_param":
                data.pop("api_key", None)  # a key the seed stored itself gives way to the merchant's parameter
        changed = _validated(ShippingSettings.from_dict(data), caller.merchant_id)
        if new_key is not None:
            model.validate_api_key(new_key, changed.test_mode)
        return changed

    change(shipping_settings(caller.store_id))  # refuse bad input before anything is written
    if new_key is not None:
        merchant_secrets.put(caller.merchant_id, API_KEY, new_key)
    _save_settings(caller.store_id, change)
    return settings_view(caller.store_id)


def new_webhook_secret(caller: Caller) -> dict:
    """Generate the shared webhook secret and show it once, for the admin to paste into Biteship.

    Unlike the API key it may be stored in the settings in AWS too: we generate it, and it only
    authenticates calls to us; it cannot spend the merchant's balance.
    """
    secret = secrets.token_urlsafe(24)
    _save_settings(caller.store_id, lambda current: ShippingSettings.from_dict(
        {**current.to_dict(), "webhook_secret": secret}))
    return {"webhook_secret": secret, "webhook_header": DEFAULT_WEBHOOK_HEADER, "webhook_url": webhook_url()}


def _validated(s: ShippingSettings, merchant_id: str) -> ShippingSettings:
    if s.provider not in model.PROVIDERS:
        raise ValidationError("Integrasi harus biteship atau manual.", code="invalid_provider")
    if s.api_key is not None:
        model.validate_api_key(s.api_key, s.test_mode)
    if s.api_key_param is not None and not merchant_secrets.is_own(merchant_id, s.api_key_param):
        raise ValidationError("API key harus disimpan lewat pengaturan ini.", code="invalid_param_name")
    if s.webhook_secret is not None and len(s.webhook_secret) < 16:
        raise ValidationError("Rahasia webhook minimal 16 karakter.", code="invalid_webhook_secret")
    if s.courier_company is not None:
        model.validate_courier_code(s.courier_company, "Kurir")
    if s.courier_type is not None:
        model.validate_courier_code(s.courier_type, "Layanan kurir")
    if s.tracking_url is not None:
        model.validate_tracking_url(s.tracking_url)
    couriers = list(model.validate_rate_couriers(s.rate_couriers)) if s.rate_couriers is not None else None
    origin = model.address_to_dict(model.address_from_dict(s.origin)) if s.origin else {}
    if s.provider == PROVIDER:
        missing = [label for label, ok in (
            ("API key", bool(s.api_key or s.api_key_param)), ("alamat pengirim", bool(origin)),
            ("kurir default", bool(s.courier_company and s.courier_type))) if not ok]
        if missing:
            raise ValidationError("Untuk memakai Biteship, lengkapi dulu: " + ", ".join(missing) + ".",
                                  code="shipping_settings_incomplete", details={"missing": missing})
    return ShippingSettings.from_dict({**s.to_dict(), "origin": origin, "rate_couriers": couriers})


def _save_settings(store_id: str, change: Callable[[ShippingSettings], ShippingSettings]) -> None:
    """Replace the ``shipping`` part of the store's settings, conditional on the settings read (others
    edit other parts of the same item); decided again from a fresh read when someone was first."""
    from ..staff import service as staff

    staff.change_settings(store_id, lambda current: dict(
        current, shipping=change(ShippingSettings.from_dict(current.get("shipping"))).to_dict()),
        retries=SETTINGS_RETRIES)


def secret(merchant_id: str, value: str | None, param: str | None) -> str | None:
    """A secret from the merchant's own SSM parameter, or (local stages only) the settings themselves."""
    if param:
        return merchant_secrets.get(merchant_id, param)
    return value if get_settings().stage in LOCAL_STAGES else None


def provider_for(s: ShippingSettings, merchant_id: str) -> BiteshipProvider:
    return BiteshipProvider(secret(merchant_id, s.api_key, s.api_key_param) or "", base_url=s.base_url or BASE_URL,
                            timeout_s=COURIER_TIMEOUT_S, webhook_secret=s.webhook_secret)
