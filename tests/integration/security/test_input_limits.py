"""Attack: bad input that got through (issue 15, part 6), each sent over HTTP as an attacker or a
careless admin would. Every one is refused with a clear 4xx in ``{"error": {"code", "message"}}``
and changes nothing; settings stored before the checks existed no longer break what reads them."""
from __future__ import annotations

import json
import uuid

import pytest

from chalicelib.sales.repo import OrderRecord
from chalicelib.staff.repo import StoreRecord
from tests.integration.sales.conftest import payments  # noqa: F401 - the gateway simulator, as a fixture

BOOK = {"customer_name": "Wulan Sari", "phone": "0812-3456-7890", "address": "Jl. Melati No. 5, Bandung 40115",
        "shipping_fee": 12_000, "channel": "whatsapp"}


def _key() -> dict:
    return {"Idempotency-Key": str(uuid.uuid4())}


def _refused(r, status: int, code: str):
    assert r.status == status and r.error_code == code, r
    assert r.json["error"]["message"], "the person is told what is wrong"
    return r.json["error"]["message"]


def _settings() -> dict:
    return StoreRecord.get("s_demo", consistent_read=True).settings


def _store_settings_as_stored(**changes) -> None:
    """Settings written straight to the table, as data saved before the checks existed."""
    store = StoreRecord.get("s_demo")
    store.update(actions=[StoreRecord.settings.set(dict(store.settings, **changes))])


def _orders() -> int:
    return sum(1 for _ in OrderRecord.scan())


# ---- store settings ------------------------------------------------------------------------------

@pytest.mark.parametrize("patch, code, words", [
    ({"payment_deadline_minutes": 0}, "invalid_setting", "antara 5 dan 10080"),
    ({"idle_lock_minutes": -5}, "invalid_setting", "antara 1 dan 120"),
    ({"qris_expiry_minutes": 61}, "invalid_setting", "antara 1 dan 60"),
    ({"qris_expiry_minutes": 10**30}, "invalid_setting", "antara 1 dan 60"),
    ({"hold_grace_minutes": -1}, "invalid_setting", "antara 0 dan 1440"),
    ({"unique_code_cooldown_hours": 100_000}, "invalid_setting", "antara 0 dan 720"),
    ({"loyalty_rupiah_per_point": -10_000}, "invalid_setting", "Rp0"),
    ({"shift_difference_allowance": 10**12}, "invalid_setting", "Rp10.000.000"),
    ({"max_sale_amount": 0}, "invalid_setting", "Rp10.000"),
    ({"idle_lock_minutes": None}, "invalid_setting", "tidak boleh kosong"),
    ({"idle_lock_minutes": True}, "invalid_type", "bilangan bulat"),
    ({"idle_lock_minutes": "15"}, "invalid_type", "bilangan bulat"),
])
def test_settings_out_of_range_or_of_the_wrong_type_are_refused_and_nothing_changes(api, demo, patch, code, words):
    admin = api.login_as(demo, "admin")
    before = _settings()
    message = _refused(api.patch("/store/settings", patch, auth=admin), 400, code)
    assert words in message, message
    assert _settings() == before


def test_a_float_like_1e9_is_refused(api, demo):
    admin = api.login_as(demo, "admin")
    before = _settings()
    r = api.call("PATCH", "/store/settings", raw=b'{"qris_expiry_minutes": 1e9}', auth=admin)
    assert "tanpa pecahan" in _refused(r, 400, "invalid_type")
    assert _settings() == before


def test_settings_at_the_ends_of_their_ranges_are_kept(api, demo):
    admin = api.login_as(demo, "admin")
    r = api.patch("/store/settings", {"payment_deadline_minutes": 5, "idle_lock_minutes": 120, "qris_expiry_minutes": 60,
                                      "loyalty_rupiah_per_point": 0, "max_sale_amount": 1_000_000_000}, auth=admin)
    assert r.status == 200, r
    assert (r.json["payment_deadline_minutes"], r.json["idle_lock_minutes"], r.json["qris_expiry_minutes"]) == (5, 120, 60)
    stored = _settings()
    assert stored["loyalty_rupiah_per_point"] == 0 and stored["max_sale_amount"] == 1_000_000_000


@pytest.mark.parametrize("accounts, words", [
    ([{"bank": 5, "account_no": 12345}], "nama bank"),
    ([{"bank": "BCA", "account_no": 1234567890, "holder": "PT A"}], "sebagai teks"),
    ([{"bank": "BCA", "account_no": ["1234567890"], "holder": "PT A"}], "sebagai teks"),
    ([{"bank": "BCA", "account_no": "!!!", "holder": "PT A"}], "6-20 angka"),
    ([{"bank": "BCA", "account_no": "12ab567890", "holder": "PT A"}], "6-20 angka"),
    ([{"bank": "BCA", "account_no": "123", "holder": "PT A"}], "6-20 angka"),
    ([{"bank": "BCA", "account_no": "1" * 40, "holder": "PT A"}], "6-20 angka"),
    ([{"bank": None, "account_no": "1234567890", "holder": "PT A"}], "nama bank"),
    ([{"bank": "<script>", "account_no": "1234567890", "holder": "PT A"}], "nama bank"),
    ([{"bank": "BCA", "account_no": "1234567890"}], "pemilik"),
    ([{"bank": "BCA", "account_no": "1234567890", "holder": "x" * 81}], "pemilik"),
    ([{"bank": "BCA", "account_no": "1234567890", "holder": "PT A", "pin": "1"}], "tidak dikenal"),
    (["1234567890"], "objek"),
    ([{"bank": "BCA", "account_no": "1234567890", "holder": "PT A"},
      {"bank": "BCA", "account_no": "123-456-7890", "holder": "PT B"}], "sudah ada"),
    ([{"bank": "BCA", "account_no": f"12345678{i:02d}", "holder": "PT A"} for i in range(21)], "Maksimal 20"),
])
def test_junk_bank_accounts_are_refused_and_book_orders_keep_working(api, demo, accounts, words):
    admin, cs = api.login_as(demo, "admin"), api.login_as(demo, "cs")
    before = _settings()
    message = _refused(api.patch("/store/settings", {"bank_accounts": accounts}, auth=admin), 400, "invalid_bank_account")
    assert words in message, message
    assert _settings() == before
    r = api.post("/book-orders", {"items": [{"sku": "KOPI-250", "qty": 1}], **BOOK}, auth=cs, headers=_key())
    assert r.status == 201 and r.json["bank_account"]["account_no"] == "1234567890", r


def test_good_bank_accounts_are_saved_tidied(api, demo):
    admin = api.login_as(demo, "admin")
    r = api.patch("/store/settings", {"bank_accounts": [
        {"bank": " bca ", "account_no": "123 456  7890", "holder": " PT  Sambung Demo "},
        {"bank": "Bank Nagari", "account_no": "0341-01-000123-45-6", "holder": "Toko Contoh"}]}, auth=admin)
    assert r.status == 200, r
    assert r.json["bank_accounts"] == [
        {"bank": "BCA", "account_no": "123 456 7890", "holder": "PT Sambung Demo"},
        {"bank": "Bank Nagari", "account_no": "0341-01-000123-45-6", "holder": "Toko Contoh"}]


def test_junk_stored_before_the_checks_no_longer_breaks_anything(api, demo):
    """Book Orders answered 500 for every junk account; a deadline of 0 made every booking invalid."""
    _store_settings_as_stored(
        bank_accounts=[{"bank": 5, "account_no": 12345}, {"account_no": ["x"]}, "junk",
                       {"bank": "BCA", "account_no": "!!!", "holder": "PT A"},
                       {"bank": "Mandiri", "account_no": "137-00-1234567-8", "holder": "PT Sambung Demo"}],
        payment_deadline_minutes=0, idle_lock_minutes=-5, qris_expiry_minutes=1e9, loyalty_rupiah_per_point="x",
        timezone="Mars/Olympus", max_sale_amount=None)
    cs = api.login_as(demo, "cs")
    store = api.get("/store", auth=cs)
    assert store.status == 200, store
    assert (store.json["idle_lock_minutes"], store.json["payment_deadline_minutes"], store.json["qris_expiry_minutes"],
            store.json["timezone"]) == (1, 5, 60, "Asia/Jakarta")
    assert store.json["bank_accounts"] == [{"bank": "Mandiri", "account_no": "137-00-1234567-8",
                                            "holder": "PT Sambung Demo"}]
    r = api.post("/book-orders", {"items": [{"sku": "KOPI-250", "qty": 1}], **BOOK}, auth=cs, headers=_key())
    assert r.status == 201, r
    assert r.json["bank_account"]["bank"] == "Mandiri" and 5 * 60 - 5 <= r.json["seconds_left"] <= 5 * 60

    _store_settings_as_stored(bank_accounts=[{"bank": 5, "account_no": 12345}])
    r = api.post("/book-orders", {"items": [{"sku": "KOPI-250", "qty": 1}], **BOOK}, auth=cs, headers=_key())
    _refused(r, 409, "bank_account_missing")


# ---- quantities, sale amounts, cash --------------------------------------------------------------

def test_lines_of_one_product_are_capped_after_merging(api, demo):
    cashier = api.login_as(demo, "cashier")
    before = _orders()
    r = api.post("/sales", {"items": [{"sku": "KOPI-250", "qty": 999}] * 100, "payment_method": "CASH"},
                 auth=cashier, headers=_key())
    assert "99900" in _refused(r, 400, "qty_too_large")
    barcode = demo["products"][0]["barcode"]
    r = api.post("/sales", {"items": [{"sku": "KOPI-250", "qty": 500}, {"barcode": barcode, "qty": 500}],
                            "payment_method": "CASH"}, auth=cashier, headers=_key())
    assert "1000" in _refused(r, 400, "qty_too_large")
    r = api.post("/sales", {"items": [{"sku": "KOPI-250", "qty": 1}] * 201, "payment_method": "CASH"},
                 auth=cashier, headers=_key())
    _refused(r, 400, "too_many_items")
    r = api.post("/sales", {"items": [{"sku": "K" * 5000, "qty": 1}], "payment_method": "CASH"}, auth=cashier,
                 headers=_key())
    _refused(r, 400, "invalid_sku")
    assert _orders() == before
    r = api.post("/sales", {"items": [{"sku": "KOPI-250", "qty": 499}, {"barcode": barcode, "qty": 500}],
                            "payment_method": "CASH"}, auth=cashier, headers=_key())
    assert r.status == 201 and r.json["items"][0]["qty"] == 999, r


def test_a_book_order_is_capped_after_merging_too(api, demo):
    cs = api.login_as(demo, "cs")
    before = _orders()
    r = api.post("/book-orders", {"items": [{"sku": "KOPI-250", "qty": 999}] * 100, **BOOK}, auth=cs, headers=_key())
    _refused(r, 400, "qty_too_large")
    assert _orders() == before


def test_a_sale_above_the_store_maximum_is_refused_for_qris_cash_and_book_orders(api, demo, payments):
    cashier, cs, admin = (api.login_as(demo, role) for role in ("cashier", "cs", "admin"))
    big = [{"sku": "BATIK-M", "qty": 300}]  # Rp55.500.000, above the default Rp50.000.000
    for method in ("QRIS", "CASH"):
        r = api.post("/sales", {"items": big, "payment_method": method}, auth=cashier, headers=_key())
        message = _refused(r, 422, "sale_amount_too_large")
        assert "Rp55.500.000" in message and "Rp50.000.000" in message
    assert payments.transactions() == [] and _orders() == 0

    assert api.patch("/store/settings", {"max_sale_amount": 100_000}, auth=admin).status == 200
    r = api.post("/book-orders", {"items": [{"sku": "KOPI-250", "qty": 5}], **BOOK}, auth=cs, headers=_key())
    _refused(r, 422, "sale_amount_too_large")  # Rp90.000 + Rp12.000 shipping
    r = api.post("/sales", {"items": [{"sku": "KOPI-250", "qty": 6}], "payment_method": "QRIS"}, auth=cashier,
                 headers=_key())
    _refused(r, 422, "sale_amount_too_large")
    assert _orders() == 0 and payments.transactions() == []
    r = api.post("/sales", {"items": [{"sku": "KOPI-250", "qty": 5}], "payment_method": "QRIS"}, auth=cashier,
                 headers=_key())
    assert r.status == 201 and r.json["total"] == 90_000, r


def test_cash_received_far_above_the_total_is_refused(api, demo):
    cashier = api.login_as(demo, "cashier")
    sale = api.post("/sales", {"items": [{"sku": "KOPI-250", "qty": 1}], "payment_method": "CASH"}, auth=cashier,
                    headers=_key()).json
    path = f"/sales/{sale['order_id']}/cash"
    for received in (999_000_000_000, 18_000 + 1_000_001):
        r = api.post(path, {"amount_received": received}, auth=cashier, headers=_key())
        assert "kembalian" in _refused(r, 422, "cash_received_too_large")
    assert OrderRecord.get(sale["order_id"], consistent_read=True).status == "AWAITING_PAYMENT"
    r = api.post(path, {"amount_received": 18_000 + 1_000_000}, auth=cashier, headers=_key())
    assert r.status == 200 and r.json["status"] == "COMPLETED", r


# ---- bodies: size, nesting, long fields, idempotency records -------------------------------------

def test_a_body_over_256_kib_gets_413_on_every_route(api, demo):
    cashier = api.login_as(demo, "cashier")
    huge = json.dumps({"items": [{"sku": "KOPI-250", "qty": 1}], "shopper_id": "x" * (1024 * 1024)}).encode()
    for path, auth in (("/sales", cashier), ("/callbacks/midtrans", None), ("/devices/pair", None)):
        r = api.call("POST", path, raw=huge, auth=auth, headers=_key())
        assert "256 KiB" in _refused(r, 413, "payload_too_large")
    assert _orders() == 0


def test_deeply_nested_json_gets_400_not_500(api, demo):
    cashier, admin = api.login_as(demo, "cashier"), api.login_as(demo, "admin")
    deep = b"[" * 100_000 + b"]" * 100_000
    for method, path, auth in (("POST", "/sales", cashier), ("PATCH", "/store/settings", admin),
                               ("POST", "/callbacks/midtrans", None), ("POST", "/callbacks/biteship", None)):
        r = api.call(method, path, raw=deep, auth=auth, headers=_key())
        assert "32" in _refused(r, 400, "json_too_deep"), path
    just_over = b'{"items": ' + b"[" * 32 + b"]" * 32 + b"}"
    _refused(api.call("POST", "/sales", raw=just_over, auth=cashier, headers=_key()), 400, "json_too_deep")
    brackets_in_text = json.dumps({"items": [{"sku": "KOPI-250", "qty": 1}], "shopper_id": "[" * 5000}).encode()
    r = api.call("POST", "/sales", raw=brackets_in_text, auth=cashier, headers=_key())
    _refused(r, 400, "too_long")  # read as text, not as nesting
    assert _orders() == 0


def test_a_long_field_is_refused(api, demo):
    cashier = api.login_as(demo, "cashier")
    body = {"phone": "0812-1111-2222", "name": "x" * 200_000, "consent": True}
    r = api.post("/shoppers", body, auth=cashier, headers=_key())
    assert "1000 karakter" in _refused(r, 400, "too_long")
    r = api.post("/shoppers", {**body, "name": "Budi", "y" * 200_000: 1}, auth=cashier, headers=_key())
    assert len(_refused(r, 400, "unknown_field")) < 100, "what was sent is not echoed whole"
    assert api.post("/shoppers", dict(body, name="Budi"), auth=cashier, headers=_key()).status == 201


def test_idempotency_records_keep_a_hash_of_the_request_and_a_short_answer(api, demo):
    """A 200 KB request that passes the body checks (a cart row with a huge unknown key) is answered
    400 and remembered as such; the record holds the request's hash, not the request."""
    from chalicelib.core.idempotency import IdempotencyRecord

    cashier = api.login_as(demo, "cashier")
    body, key = {"items": [{"sku": "KOPI-250", "qty": 1, "x" * 200_000: 1}]}, {"Idempotency-Key": "big-row"}
    first = api.post("/sales", body, auth=cashier, headers=key)
    _refused(first, 400, "unknown_field")
    again = api.post("/sales", body, auth=cashier, headers=key)
    assert (again.status, again.json) == (400, first.json)
    [rec] = list(IdempotencyRecord.scan())
    assert len(rec.request_hash) == 64 and len(json.dumps(rec.response)) < 500
    assert _orders() == 0


def test_an_answer_too_long_to_keep_is_not_repeated_nor_run_again(api, demo, monkeypatch):
    from chalicelib.core import idempotency

    cashier = api.login_as(demo, "cashier")
    monkeypatch.setattr(idempotency, "MAX_ANSWER_BYTES", 100)
    body, key = {"items": [{"sku": "KOPI-250", "qty": 1}], "payment_method": "CASH"}, {"Idempotency-Key": "long-answer"}
    first = api.post("/sales", body, auth=cashier, headers=key)
    assert first.status == 201 and first.json["order_id"]
    _refused(api.post("/sales", body, auth=cashier, headers=key), 409, "request_already_done")
    assert _orders() == 1
