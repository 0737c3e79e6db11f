"""The store's payment gateway, built from its settings; secrets come from SSM in AWS.

Store settings hold ``gateway``: ``{"provider": "midtrans", "base_url": ..., "server_key_param": "/sambung/prod/..."}``
(or ``server_key`` directly in the local stack), plus ``notification_url`` for Midtrans' per-charge override.
"""
from __future__ import annotations

from ..core.errors import UpstreamError
from .providers import PaymentGateway, make_gateway

_SECRET_FIELDS = ("server_key", "secret_key", "callback_token")


def _resolve(config: dict) -> dict:
    out = {}
    for key, value in config.items():
        if key == "provider":
            continue
        if key.endswith("_param") and key[: -len("_param")] in _SECRET_FIELDS:
            from aws_lambda_powertools.utilities.parameters import get_parameter

            out[key[: -len("_param")]] = get_parameter(value, decrypt=True)
        else:
            out[key] = value
    return out


def gateway_for(settings) -> PaymentGateway:
    config = dict(settings.gateway or {})
    provider = config.get("provider")
    if not provider:
        raise UpstreamError("Gateway pembayaran toko belum diatur.", code="gateway_not_configured")
    try:
        return make_gateway(provider, **_resolve(config))
    except (TypeError, ValueError) as exc:
        raise UpstreamError(f"Pengaturan gateway pembayaran tidak lengkap: {exc}", code="gateway_not_configured") from None
