"""The store's payment gateway, built from its settings; secrets come from SSM in AWS.

Store settings hold ``gateway``: ``{"provider": "midtrans", "base_url": ..., "server_key_param": <name>}``
plus ``notification_url`` for Midtrans' per-charge override. A ``*_param`` is used only when it is the
merchant's own parameter name (core.secrets: ``/sambung/<stage>/merchants/<merchant>/gateway/...``), so
one merchant's settings can never use another's keys; the key itself (``server_key``) may sit in the
settings only in the local stages.
"""
from __future__ import annotations

from ..core import secrets as merchant_secrets
from ..core.errors import UpstreamError
from ..core.settings import LOCAL_STAGES, get_settings
from .providers import PaymentGateway, make_gateway

_SECRET_FIELDS = ("server_key", "secret_key", "callback_token")


def _resolve(config: dict, merchant_id: str) -> dict:
    out = {}
    for key, value in config.items():
        if key == "provider":
            continue
        if key.endswith("_param") and key[: -len("_param")] in _SECRET_FIELDS:
            if not merchant_secrets.is_own(merchant_id, value):
                raise UpstreamError("Kunci gateway pembayaran toko bukan milik merchant ini.", code="gateway_not_configured")
            out[key[: -len("_param")]] = merchant_secrets.get(merchant_id, value)
        elif key in _SECRET_FIELDS and get_settings().stage not in LOCAL_STAGES:
            raise UpstreamError("Kunci gateway pembayaran harus disimpan di SSM, bukan di pengaturan toko.",
                                code="gateway_not_configured")
        else:
            out[key] = value
    return out


def gateway_for(settings, merchant_id: str) -> PaymentGateway:
    """The store's gateway, from its settings (``StoreSettings``) and its merchant (whose secrets they name)."""
    config = dict(settings.gateway or {})
    provider = config.get("provider")
    if not provider:
        raise UpstreamError("Gateway pembayaran toko belum diatur.", code="gateway_not_configured")
    try:
        return make_gateway(provider, **_resolve(config, merchant_id))
    except (TypeError, ValueError) as exc:
        raise UpstreamError(f"Pengaturan gateway pembayaran tidak lengkap: {exc}", code="gateway_not_configured") from None
