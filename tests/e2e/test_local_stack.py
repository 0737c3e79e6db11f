"""The local stack over real HTTP: one origin, health, seeded merchant, pairing and sign-in."""
from tests.e2e.webclient import Http


def test_health_reports_version_and_dependencies(stack):
    status, body, headers = Http(stack.url).get("/api/health")
    assert status == 200 and body["status"] == "ok" and body["version"]
    assert body["dependencies"]["dynamodb"]["ok"] and body["dependencies"]["s3"]["ok"]


def test_pwa_and_api_share_one_origin(stack):
    http = Http(stack.url)
    status, html, headers = http.get("/")
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    status, body, _ = http.get("/api/nope")
    assert status == 404 and body["error"]["code"] == "not_found"


def test_demo_merchant_is_seeded(stack):
    state = stack.state
    assert state["store_name"] == "Toko Demo" and len(state["products"]) >= 20
    http = Http(stack.url)
    token = http.login_as(state, "cashier")
    status, body, _ = http.get("/api/catalog/products?limit=100", auth=token)
    assert status == 200 and len(body["products"]) == len(state["products"])
    assert all(isinstance(p["price"], int) and p["price"] > 0 for p in body["products"])
    status, store, _ = http.get("/api/store", auth=token)
    assert store["name"] == "Toko Demo" and store["timezone"] == "Asia/Jakarta"


def test_kiosk_pairs_with_the_printed_code(stack):
    http = Http(stack.url)
    status, body, _ = http.post("/api/devices/pair", {"code": stack.state["pairing_codes"]["kiosk"], "name": "Tablet Kasir 1"})
    assert status == 201 and body["kind"] == "kiosk"
    status, staff, _ = http.get("/api/auth/staff", auth=f"Device {body['device_token']}")
    assert status == 200 and {"Sari Kasir", "Rina Admin"} <= {s["name"] for s in staff["staff"]}
