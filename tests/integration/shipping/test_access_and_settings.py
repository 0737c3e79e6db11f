"""Who may do what, other stores' shipments, and the shipping settings (secrets never shown)."""
from __future__ import annotations

from chalicelib.shipping.repo import ShipmentRecord

from .conftest import ORIGIN, completed_sale, idem, ship

LOCAL_KEY = "biteship_test.my-store-key-0001"


def _other_store_cs(api) -> str:
    from chalicelib.core.web import Caller
    from chalicelib.staff import service

    merchant_id, store_id = service.create_merchant("Toko Lain", "Cabang Lain")
    service.add_staff(merchant_id, store_id, "CS Lain", "cs", "975310", staff_id="u_cs_lain")
    code = service.create_pairing_code(Caller(merchant_id, store_id, "admin", "seed"), "backoffice")["code"]
    return api.login(service.pair_device(code, "Back office lain")["device_token"], "u_cs_lain", "975310")


def test_roles_and_other_stores(api, shop):
    order_id = completed_sale(shop)
    ship(order_id)
    cashier, warehouse, cs = (api.login_as(shop, role) for role in ("cashier", "warehouse", "cs"))
    assert api.get("/shipping/shipments", auth=cashier).status == 403
    assert api.post("/shipping/labels/print-unprinted", auth=cashier, headers=idem()).status == 403
    assert api.post("/shipping/awb-batch", {"rows": [{"shipment_id": order_id, "awb": "X1"}]}, auth=cashier).status == 403
    assert api.get("/shipping/settings", auth=cs).status == 403
    assert api.call("PUT", "/shipping/settings", {"test_mode": True}, auth=cs).status == 403
    assert api.post(f"/shipping/shipments/{order_id}/retry", auth=warehouse).status == 403
    assert api.get("/shipping/shipments").status == 401
    # Warehouse staff pack the parcels: they see shipments, scan AWBs and print labels.
    assert [s["shipment_id"] for s in api.get("/shipping/shipments", auth=warehouse).json["shipments"]] == [order_id]
    scan = api.post("/shipping/awb-batch", {"rows": [{"shipment_id": order_id, "awb": "jx77"}]}, auth=warehouse)
    assert scan.json["results"][0]["ok"] is True
    assert api.post("/shipping/labels/print-unprinted", auth=warehouse, headers=idem()).status == 201

    other = _other_store_cs(api)
    assert api.get("/shipping/shipments", auth=other).json["shipments"] == []
    for call in (lambda: api.get(f"/shipping/shipments/{order_id}", auth=other),
                 lambda: api.post(f"/shipping/shipments/{order_id}/retry", auth=other),
                 lambda: api.post(f"/shipping/shipments/{order_id}/manual", auth=other),
                 lambda: api.post(f"/shipping/shipments/{order_id}/label/reprint", auth=other, headers=idem())):
        r = call()
        assert r.status == 404 and r.error_code == "shipment_not_found", r
    theirs = api.post("/shipping/awb-batch", {"rows": [{"shipment_id": order_id, "awb": "JX78"}]}, auth=other).json
    assert theirs["results"][0]["code"] == "shipment_not_found"
    assert api.get("/shipping/shipments?q=JX77", auth=other).json["shipments"] == []
    assert api.post("/shipping/labels/print-unprinted", auth=other, headers=idem()).error_code == "no_unprinted_labels"
    assert ShipmentRecord.get(order_id).awb == "JX77"


def test_list_filters_are_checked(api, shop):
    cs = api.login_as(shop, "cs")
    assert api.get("/shipping/shipments?status=nope", auth=cs).error_code == "invalid_query"
    assert api.get("/shipping/shipments?awb=maybe", auth=cs).error_code == "invalid_query"
    assert api.get("/shipping/shipments?label=all", auth=cs).error_code == "invalid_query"
    assert api.get("/shipping/shipments?status=pickingUp,delivered&label=printed", auth=cs).status == 200


def test_settings_keep_the_key_secret_and_refuse_mistakes(api, shop):
    from chalicelib.staff.repo import StoreRecord

    admin = api.login_as(shop, "admin")
    put = lambda body: api.call("PUT", "/shipping/settings", body, auth=admin)  # noqa: E731
    view = api.get("/shipping/settings", auth=admin).json
    assert view["provider"] == "manual" and view["api_key"] is None and view["integrated"] is False
    assert view["webhook_url"].endswith("/api/callbacks/biteship")

    incomplete = put({"provider": "biteship", "api_key": LOCAL_KEY})
    assert incomplete.error_code == "shipping_settings_incomplete"
    assert "alamat pengirim" in incomplete.json["error"]["message"]
    assert put({"api_key": "biteship_live.real-money"}).error_code == "api_key_mode_mismatch"
    assert put({"origin": dict(ORIGIN, postal_code="123")}).error_code == "invalid_postal_code"
    assert put({"origin": dict(ORIGIN, coordinate={"latitude": "x", "longitude": 1})}).status == 400
    assert put({"courier_company": "J&T"}).error_code == "invalid_courier"
    assert put({"tracking_url": "http://track.example/{awb}"}).error_code == "invalid_tracking_url"
    # Nobody names a parameter: another merchant's key or the master secret is out of reach.
    assert put({"api_key_param": "/sambung/test/merchants/m_other/biteship/api_key"}).error_code == "unknown_field"
    assert put({"api_key_param": "/sambung/test/token-secret"}).error_code == "unknown_field"
    assert put({"base_url": "https://evil.example"}).error_code == "unknown_field"

    ok = put({"provider": "biteship", "api_key": LOCAL_KEY, "origin": dict(ORIGIN, contact_phone="0813-1111-2222"),
              "courier_company": "JNE", "courier_type": "reg", "tracking_url": "https://lacak.example/{courier}/{awb}"})
    assert ok.status == 200, ok
    assert ok.json["api_key"] == "tersimpan" and ok.json["integrated"] is True
    assert ok.json["origin"]["contact_phone"] == "+6281311112222" and ok.json["courier_company"] == "jne"
    assert LOCAL_KEY not in ok.body.decode() and LOCAL_KEY not in api.get("/shipping/settings", auth=admin).body.decode()
    stored = StoreRecord.get(shop["store_id"]).settings
    own = f"/sambung/test/merchants/{shop['merchant_id']}/biteship/api_key"
    assert stored["shipping"]["api_key_param"] == own and "api_key" not in stored["shipping"]
    assert stored["bank_accounts"]  # other settings untouched
    assert _ssm().get_parameter(Name=own, WithDecryption=True)["Parameter"]["Value"] == LOCAL_KEY

    secret = api.post("/shipping/settings/webhook-secret", auth=admin).json
    assert len(secret["webhook_secret"]) >= 24 and secret["webhook_header"] == "X-Sambung-Webhook-Secret"
    shown = api.get("/shipping/settings", auth=admin)
    assert shown.json["webhook_secret"] == "tersimpan" and secret["webhook_secret"] not in shown.body.decode()

    # Clearing the key of a Biteship store is refused; going manual keeps the rest.
    assert put({"api_key": None}).error_code == "shipping_settings_incomplete"
    assert put({"provider": "manual"}).json["integrated"] is False


def _ssm():
    import boto3

    from chalicelib.core.settings import get_settings

    return boto3.client("ssm", region_name=get_settings().region, endpoint_url=get_settings().endpoint_url)


def test_bad_settings_write_no_secret(api, shop):
    admin = api.login_as(shop, "admin")
    r = api.call("PUT", "/shipping/settings", {"provider": "biteship", "api_key": LOCAL_KEY}, auth=admin)
    assert r.error_code == "shipping_settings_incomplete"
    assert not _ssm().get_parameters_by_path(Path="/sambung/test/merchants/", Recursive=True)["Parameters"]


def test_a_key_stored_in_the_settings_is_used_only_in_local_stages(api, shop, monkeypatch):
    from dataclasses import replace

    from chalicelib.core import settings as core_settings
    from chalicelib.shipping import settings as shipping_settings
    from chalicelib.shipping.model import ShippingSettings

    s = ShippingSettings(provider="biteship", api_key=LOCAL_KEY)
    assert shipping_settings.secret("m_x", s.api_key, s.api_key_param) == LOCAL_KEY
    prod = replace(core_settings.get_settings(), stage="prod")
    monkeypatch.setattr(shipping_settings, "get_settings", lambda: prod)
    assert shipping_settings.secret("m_x", s.api_key, s.api_key_param) is None


def test_a_parameter_of_another_merchant_is_never_read(shop):
    from chalicelib.core import secrets
    from chalicelib.core.errors import Forbidden

    secrets.put("m_other", "biteship/api_key", "biteship_test.other-merchant")
    import pytest

    for name in ("/sambung/test/merchants/m_other/biteship/api_key", "/sambung/test/token-secret",
                 f"/sambung/test/merchants/{shop['merchant_id']}/../m_other/biteship/api_key"):
        with pytest.raises(Forbidden):
            secrets.get(shop["merchant_id"], name)
