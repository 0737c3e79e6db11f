"""Attack: one merchant reaches another merchant's secrets (issue 15, part 5). Parameter names are
derived by the server per merchant; a name that is not the merchant's own is never read."""
from __future__ import annotations

import dataclasses

import pytest

from chalicelib.core import secrets
from chalicelib.core.errors import UpstreamError
from chalicelib.payments.gateways import gateway_for
from chalicelib.staff.model import StoreSettings
from chalicelib.staff.repo import StoreRecord


def _set_gateway(store_id: str, gateway: dict) -> None:
    store = StoreRecord.get(store_id)
    store.update(actions=[StoreRecord.settings.set(dict(store.settings, gateway=gateway))])


def test_an_admin_cannot_name_a_parameter_for_the_courier_key(http, demo):
    admin = http.login_as(demo, "admin")
    for name in ("/sambung/test/merchants/m_other/biteship/api_key", "/sambung/test/token-secret"):
        r = http.call("PUT", "/shipping/settings", {"provider": "biteship", "api_key_param": name}, auth=admin)
        assert r.status == 400 and r.error_code == "unknown_field"
    assert "api_key_param" not in (StoreRecord.get(demo["store_id"]).settings.get("shipping") or {})


def test_a_sale_never_uses_another_merchants_gateway_key(http, demo):
    secrets.put("m_other", "gateway/server_key", "SB-Mid-server-OTHER-MERCHANT")
    _set_gateway(demo["store_id"], {"provider": "midtrans", "base_url": "http://127.0.0.1:9",
                                     "server_key_param": secrets.name_for("m_other", "gateway/server_key")})
    cashier = http.login_as(demo, "cashier")
    r = http.post("/sales", {"items": [{"sku": "KOPI-250", "qty": 1}], "payment_method": "QRIS"}, auth=cashier,
                  headers={"Idempotency-Key": "attack-1"})
    assert r.status == 502 and r.error_code == "gateway_not_configured", r


def test_the_merchants_own_gateway_key_is_read_from_ssm(demo):
    name = secrets.put(demo["merchant_id"], "gateway/server_key", "SB-Mid-server-OWN-0123")
    assert name == f"/sambung/test/merchants/{demo['merchant_id']}/gateway/server_key"
    settings = dataclasses.replace(StoreSettings(), gateway={"provider": "midtrans", "server_key_param": name})
    gateway = gateway_for(settings, demo["merchant_id"])
    assert gateway._server_key == "SB-Mid-server-OWN-0123"
    with pytest.raises(UpstreamError):
        gateway_for(settings, "m_other")  # the same settings under another merchant: not its key


def test_a_key_in_the_settings_themselves_is_refused_outside_local_stages(demo, monkeypatch):
    from chalicelib.core import settings as core_settings
    from chalicelib.payments import gateways

    settings = dataclasses.replace(StoreSettings(), gateway={"provider": "midtrans", "server_key": "SB-Mid-server-x"})
    assert gateway_for(settings, demo["merchant_id"])._server_key == "SB-Mid-server-x"  # the local stack's seed
    prod = dataclasses.replace(core_settings.get_settings(), stage="prod")
    monkeypatch.setattr(gateways, "get_settings", lambda: prod)
    with pytest.raises(UpstreamError):
        gateway_for(settings, demo["merchant_id"])
