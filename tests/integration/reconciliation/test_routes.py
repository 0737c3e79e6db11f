"""The reconciliation API: presigned uploads imported by the local S3 feeder, the review list,
hand-matching with an Idempotency-Key, sales, mappings, roles and other stores."""
from __future__ import annotations

import uuid

from chalicelib.reconciliation.repo import StatementLineRecord
from tests.integration.inventory.conftest import book, second_store  # noqa: F401 - fixture
from tests.integration.reconciliation.conftest import bca_csv, import_file, post_form, transfer


def key() -> dict:
    return {"Idempotency-Key": str(uuid.uuid4())}


def test_a_presigned_upload_is_imported_by_the_s3_feeder_and_shown_with_its_counts(shop, clock, api):
    import app
    from infra.local.s3_events import StatementObjectFeeder

    cs = api.login_as(shop, "cs")
    order = book(shop, [{"sku": "KOPI-250", "qty": 1}])
    r = api.post("/reconciliation/uploads", {"filename": "Mutasi BCA 23-11.csv", "account_no": "1234-567-890"},
                 auth=cs, headers=key())
    assert r.status == 201, r
    upload = r.json
    assert upload["key"].startswith(f"statements/{shop['store_id']}/") and upload["key"].endswith("-Mutasi_BCA_23-11.csv")
    assert upload["upload"]["fields"]["key"] == upload["key"] and upload["max_bytes"] == 10 * 1024 * 1024
    content = bca_csv([("23/11/2026", transfer("WULAN SARI", order["total"]), order["total"], "CR"),
                       ("23/11/2026", "BIAYA ADM", 10_000, "DB")])
    assert post_form(upload["upload"]["url"], upload["upload"]["fields"], "Mutasi BCA 23-11.csv", content) == 204

    feeder = StatementObjectFeeder(app.app)
    assert feeder.tick() == 1 and feeder.tick() == 0  # each object version is delivered once
    (listed,) = api.get("/reconciliation/statements", auth=cs).json["statements"]
    assert listed["object_key"] == upload["key"] and listed["filename"] == "Mutasi BCA 23-11.csv"
    assert listed["status"] == "IMPORTED" and listed["uploaded_by_name"] == "Dewi CS"
    assert listed["progress"] == {"done": 2, "total": 2, "percent": 100}
    assert listed["counts"] == {"rows": 2, "new": 2, "duplicates": 0, "auto_matched": 1, "proposed": 1, "review": 1,
                                "pending_settled": 0}
    one = api.get(f"/reconciliation/statements/{listed['statement_id']}", auth=cs).json
    assert one == listed


def test_the_review_list_has_reasons_and_ranked_suggestions(shop, clock, api):
    cs = api.login_as(shop, "cs")
    wulan = book(shop, [{"sku": "KOPI-250", "qty": 1}], customer_name="Wulan Sari")
    book(shop, [{"sku": "TEH-350", "qty": 1}], customer_name="Budi Santoso")
    base = wulan["total"] - wulan["unique_code"]
    import_file(shop["store_id"], bca_csv([("23/11/2026", transfer("WULAN SARI", base), base, "CR"),
                                           ("23/11/2026", "BIAYA ADM", 10_000, "DB")]))
    review = api.get("/reconciliation/review", auth=cs).json
    by_reason = {line["review_reason"]: line for line in review["lines"]}
    forgot_code = by_reason["amount_without_code"]
    assert forgot_code["review_label"] == "Nominal tanpa kode unik" and forgot_code["amount_label"] == f"Rp{base:,}".replace(",", ".")
    best = forgot_code["suggestions"][0]
    assert best["order_id"] == wulan["order_id"] and {"amount_without_code", "name", "date"} <= set(best["signals"])
    assert best["status_label"] == "Menunggu transfer"
    assert set(by_reason) == {"amount_without_code"}  # debits are listed apart
    debits = api.get("/reconciliation/review?queue=debit", auth=cs).json["lines"]
    assert [(line["review_reason"], line["suggestions"]) for line in debits] == [("debit", [])]
    assert api.get("/reconciliation/review?queue=other", auth=cs).status == 400


def test_the_review_list_is_newest_first_and_continues_with_next(shop, clock, api):
    cs = api.login_as(shop, "cs")
    import_file(shop["store_id"], bca_csv([(f"{day}/11/2026", transfer(f"PEMBELI {day}", 10_000 + int(day)),
                                            10_000 + int(day), "CR") for day in ("20", "21", "22")]))
    first = api.get("/reconciliation/review?limit=2", auth=cs).json
    assert [line["posted_date"] for line in first["lines"]] == ["2026-11-22", "2026-11-21"] and first["next"]
    rest = api.get(f"/reconciliation/review?limit=2&next={first['next']}", auth=cs).json
    assert [line["posted_date"] for line in rest["lines"]] == ["2026-11-20"] and rest["next"] is None
    assert api.get("/reconciliation/review?next=bm90LWpzb24", auth=cs).error_code == "invalid_query"


def test_hand_match_over_http_is_idempotent_and_sale_is_409_until_paid(shop, clock, api):
    cs = api.login_as(shop, "cs")
    order = book(shop, [{"sku": "KOPI-250", "qty": 1}])
    r = api.post(f"/reconciliation/orders/{order['order_id']}/sale", auth=cs)
    assert r.status == 409 and r.error_code == "invalid_transition"
    st = import_file(shop["store_id"], bca_csv([("23/11/2026", transfer("TANPA NAMA", 77_777), 77_777, "CR")]))
    (line,) = [r for r in StatementLineRecord.scan() if r.statement_id == st.statement_id]
    body = {"allocations": [{"line_id": line.fingerprint, "order_id": order["order_id"], "amount": 77_777}]}
    h = key()
    refused = api.post("/reconciliation/matches", body, auth=cs, headers=h)
    assert refused.status == 400 and refused.error_code == "allocation_exceeds_order"
    body["allocations"][0]["amount"] = 1.5
    assert api.post("/reconciliation/matches", body, auth=cs, headers=key()).error_code == "invalid_type"

    other = import_file(shop["store_id"], bca_csv([("23/11/2026", transfer("LAIN", order["total"]), order["total"], "CR")],
                                                  opening=9))
    (exact,) = [r for r in StatementLineRecord.scan() if r.statement_id == other.statement_id]
    api.post(f"/reconciliation/lines/{exact.fingerprint}/unmatch", auth=cs)  # reject the proposal first
    body = {"allocations": [{"line_id": exact.fingerprint, "order_id": order["order_id"], "amount": order["total"]}]}
    h = key()
    first = api.post("/reconciliation/matches", body, auth=cs, headers=h)
    again = api.post("/reconciliation/matches", body, auth=cs, headers=h)
    assert first.status == 201 and again.status == 201 and again.json == first.json
    assert first.json["paid_orders"] == [order["order_id"]]
    sale = api.post(f"/reconciliation/orders/{order['order_id']}/sale", auth=cs)
    assert sale.status == 200 and sale.json["status"] == "COMPLETED"


def test_mappings_are_saved_per_account_and_checked(shop, api):
    cs = api.login_as(shop, "cs")
    mapping = {"date": "Post Date", "description": ["Description"], "debit": "Debit", "credit": "Credit",
               "date_format": "%d/%m/%y %H.%M.%S"}
    r = api.call("PUT", "/reconciliation/mappings/0012345678", mapping, auth=cs)
    assert r.status == 200 and r.json["mapping"]["bank"] == "BNI" and r.json["mapping"]["account"] == "0012345678"
    accounts = {a["account"]: a for a in api.get("/reconciliation/mappings", auth=cs).json["accounts"]}
    assert accounts["0012345678"]["mapping"]["credit"] == "Credit" and accounts["1234567890"]["mapping"] is None
    bad = api.call("PUT", "/reconciliation/mappings/0012345678", {**mapping, "amount": "Jumlah"}, auth=cs)
    assert bad.status == 400 and bad.error_code == "invalid_mapping"
    assert api.call("PUT", "/reconciliation/mappings/5555", mapping, auth=cs).error_code == "unknown_bank_account"


def test_roles_and_other_stores(shop, clock, api, second_store):  # noqa: F811 - fixture
    order = book(shop, [{"sku": "KOPI-250", "qty": 1}])
    st = import_file(shop["store_id"], bca_csv([("23/11/2026", transfer("WULAN", order["total"]), order["total"], "CR")]))
    (line,) = [r for r in StatementLineRecord.scan() if r.statement_id == st.statement_id]
    assert api.get("/reconciliation/review").status == 401
    for role in ("cashier", "warehouse"):
        token = api.login_as(shop, role)
        assert api.get("/reconciliation/review", auth=token).status == 403
        assert api.post("/reconciliation/uploads", {"filename": "a.csv"}, auth=token, headers=key()).status == 403
    assert api.get("/reconciliation/review", auth=api.login_as(shop, "admin")).status == 200
    other = api.login_as(second_store, "cs")
    for method, path in (("GET", f"/reconciliation/statements/{st.statement_id}"),
                         ("GET", f"/reconciliation/lines/{line.fingerprint}"),
                         ("POST", f"/reconciliation/lines/{line.fingerprint}/confirm"),
                         ("POST", f"/reconciliation/lines/{line.fingerprint}/unmatch"),
                         ("POST", f"/reconciliation/orders/{order['order_id']}/sale")):
        assert api.call(method, path, auth=other).status == 404, path
    assert api.get("/reconciliation/review?queue=proposed", auth=other).json["lines"] == []
    assert api.get("/reconciliation/statements", auth=other).json["statements"] == []
    refused = api.post("/reconciliation/matches", {"allocations": [
        {"line_id": line.fingerprint, "order_id": order["order_id"], "amount": order["total"]}]}, auth=other, headers=key())
    assert refused.status == 404
    assert api.get(f"/reconciliation/lines/{line.fingerprint}", auth=api.login_as(shop, "cs")).json["status"] == "PROPOSED"


def test_an_approval_in_a_body_must_have_its_admin_and_pin(shop, clock, api):
    cs = api.login_as(shop, "cs")
    path = "/reconciliation/lines/nope/confirm"
    assert api.post(path, {"approval": {"staff_id": "u_admin"}}, auth=cs).error_code == "missing_field"
    assert api.post(path, {"approval": {"staff_id": "u_admin", "pin": "135790", "why": 1}}, auth=cs).error_code == "unknown_field"
    assert api.post(path, {"approval": "135790"}, auth=cs).error_code == "invalid_type"
    assert api.post(path, {"approval": None}, auth=cs).error_code == "line_not_found"  # no approval: fine
    assert api.post(path, auth=cs).error_code == "line_not_found"
