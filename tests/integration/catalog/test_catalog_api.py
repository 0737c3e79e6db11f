"""Catalog through the API against moto: validation, uniqueness, scoping, paging."""
from __future__ import annotations

import uuid

from chalicelib.catalog.repo import ProductRecord
from infra.local import seed


def _create(api, auth, body, key=None):
    return api.post("/catalog/products", body, auth=auth, headers={"Idempotency-Key": key or str(uuid.uuid4())})


def test_admin_creates_product_and_kiosk_finds_it_by_barcode(api, demo):
    admin = api.login_as(demo, "admin")
    r = _create(api, admin, {"sku": "kue-1", "name": "Kue Lapis Legit", "barcode": "4006381333931", "price": 45000, "weight_g": 300})
    assert r.status == 201 and r.json["sku"] == "KUE-1"
    cashier = api.login_as(demo, "cashier")
    r = api.get("/catalog/barcodes/4006381333931", auth=cashier)
    assert r.status == 200 and r.json["name"] == "Kue Lapis Legit" and r.json["price"] == 45000


def test_retry_with_same_idempotency_key_returns_first_result(api, demo):
    admin = api.login_as(demo, "admin")
    body = {"sku": "KUE-2", "name": "Kue Sus", "price": 5000}
    first = _create(api, admin, body, key="k-1")
    again = _create(api, admin, body, key="k-1")
    assert first.status == again.status == 201 and first.json == again.json
    other = _create(api, admin, dict(body, price=6000), key="k-1")
    assert other.status == 422 and other.error_code == "idempotency_key_reused"
    assert _create(api, admin, {"sku": "KUE-3", "name": "X", "price": 1}, key=None).status == 201


def test_bad_input_is_refused_and_nothing_written(api, demo):
    admin = api.login_as(demo, "admin")
    before = ProductRecord.count("m_demo")
    cases = [
        ({"sku": "A", "name": "A", "price": -5}, "invalid_amount"),
        ({"sku": "A", "name": "A", "price": 1500.5}, "invalid_type"),
        ({"sku": "A", "name": "A", "price": "15000"}, "invalid_type"),
        ({"sku": "A", "name": "A", "price": 100, "colour": "red"}, "unknown_field"),
        ({"sku": "A", "name": "A", "price": 100, "barcode": "4006381333932"}, "invalid_barcode"),
        ({"name": "A", "price": 100}, "missing_field"),
    ]
    for body, code in cases:
        r = _create(api, admin, body)
        assert r.status == 400 and r.error_code == code, (body, r)
        assert r.json["error"]["message"]
    r = api.post("/catalog/products", raw=b"{not json", auth=admin, headers={"Idempotency-Key": "x"})
    assert r.status == 400 and r.error_code == "invalid_json"
    dup = _create(api, admin, {"sku": "NEW-1", "name": "Dup", "price": 100, "barcode": seed.ean13(1)})
    assert dup.status == 409 and dup.error_code == "duplicate_product"
    assert ProductRecord.count("m_demo") == before


def test_update_moves_barcode_and_keeps_uniqueness(api, demo):
    admin = api.login_as(demo, "admin")
    r = api.patch("/catalog/products/KOPI-250", {"price": 19000, "barcode": "4006381333931"}, auth=admin)
    assert r.status == 200 and r.json["price"] == 19000
    assert api.get("/catalog/barcodes/4006381333931", auth=admin).json["sku"] == "KOPI-250"
    assert api.get(f"/catalog/barcodes/{seed.ean13(1)}", auth=admin).status == 404
    clash = api.patch("/catalog/products/TEH-350", {"barcode": "4006381333931"}, auth=admin)
    assert clash.status == 409
    assert api.get("/catalog/products/TEH-350", auth=admin).json["barcode"] == seed.ean13(2)


def test_only_admin_writes(api, demo):
    cashier = api.login_as(demo, "cashier")
    r = _create(api, cashier, {"sku": "X1", "name": "X", "price": 1})
    assert r.status == 403
    assert api.get("/catalog/products").status == 401


def test_search_and_paging(api, demo):
    cs = api.login_as(demo, "cs")
    seen, cursor = [], None
    while True:
        r = api.get("/catalog/products?limit=7" + (f"&cursor={cursor}" if cursor else ""), auth=cs)
        assert r.status == 200 and len(r.json["products"]) <= 7
        seen += [p["sku"] for p in r.json["products"]]
        cursor = r.json["next_cursor"]
        if not cursor:
            break
    assert len(seen) == len(set(seen)) == len(seed.PRODUCTS)
    r = api.get("/catalog/products?q=batik", auth=cs)
    assert sorted(p["sku"] for p in r.json["products"]) == ["BATIK-L", "BATIK-M"]
    assert api.get("/catalog/products?limit=0", auth=cs).status == 400
    assert api.get("/catalog/products?cursor=!!", auth=cs).status == 400


def test_other_merchant_sees_nothing_of_ours(api, demo):
    from chalicelib.core.web import Caller
    from chalicelib.staff import service

    m2, s2 = service.create_merchant("Toko Lain", "Cabang Lain")
    service.add_staff(m2, s2, "Admin Lain", "admin", "975310", staff_id="u_other")
    code = service.create_pairing_code(Caller(m2, s2, "admin", "seed"), "backoffice")["code"]
    dev = service.pair_device(code, "PC")["device_token"]
    other = api.login(dev, "u_other", "975310")
    assert api.get("/catalog/products/KOPI-250", auth=other).status == 404
    assert api.get(f"/catalog/barcodes/{seed.ean13(1)}", auth=other).status == 404
    assert api.get("/catalog/products", auth=other).json["products"] == []
