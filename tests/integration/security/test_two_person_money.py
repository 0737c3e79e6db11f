"""Attack: one CS person turns a home-made bank statement into a paid Book Order and a sale
(issue 15, part 4). Everything goes through HTTP as the attacker would: book the order, upload a
statement file of their own making whose totals add up, confirm its match (or match it by hand),
make the sale. Above the store's threshold (default Rp1.000.000) a second person, an admin with
their PIN, must approve; a file whose opening balance does not continue the account's stored
balance goes to review with that reason and needs an admin whatever the amount. Every decision is
in the audit trail."""
from __future__ import annotations

import uuid

from tests.integration.reconciliation.conftest import bca_csv, post_form, transfer

BOOK = {"customer_name": "Wulan Sari", "phone": "0812-3456-7890", "address": "Jl. Melati No. 5, Bandung 40115",
        "shipping_fee": 12_000, "channel": "whatsapp"}
ADMIN = {"staff_id": "u_admin", "pin": "135790"}


def _key() -> dict:
    return {"Idempotency-Key": str(uuid.uuid4())}


def _refused(r, status: int, code: str) -> str:
    assert r.status == status and r.error_code == code, r
    assert r.json["error"]["message"], "the person is told what is wrong"
    return r.json["error"]["message"]


def _book(api, auth, sku: str, qty: int) -> dict:
    r = api.post("/book-orders", dict(BOOK, items=[{"sku": sku, "qty": qty}]), auth=auth, headers=_key())
    assert r.status == 201, r
    return r.json


def _upload(api, auth, content: bytes) -> dict:
    """The presigned upload the back office uses, the file sent to S3, the S3 event delivered."""
    import app
    from infra.local.s3_events import StatementObjectFeeder

    r = api.post("/reconciliation/uploads", {"filename": "mutasi.csv"}, auth=auth, headers=_key())
    assert r.status == 201, r
    ticket = r.json
    assert post_form(ticket["upload"]["url"], ticket["upload"]["fields"], "mutasi.csv", content) == 204
    assert StatementObjectFeeder(app.app).tick() >= 1  # (a new feeder delivers earlier objects too: no-ops)
    (statement,) = [s for s in api.get("/reconciliation/statements", auth=auth).json["statements"]
                    if s["object_key"] == ticket["key"]]
    return statement


def _proposal(api, auth, statement: dict) -> dict:
    (line,) = [line for line in api.get("/reconciliation/review?queue=proposed", auth=auth).json["lines"]
               if line["statement_id"] == statement["statement_id"]]
    return line


def _status(api, auth, order: dict) -> str:
    return api.get(f"/book-orders/{order['order_id']}", auth=auth).json["status"]


def _audit(api, auth) -> list[dict]:
    return api.get("/reconciliation/audit", auth=auth).json["entries"]


def test_one_cs_person_cannot_turn_a_home_made_statement_into_a_sale(api, demo, clock):
    cs = api.login_as(demo, "cs")
    order = _book(api, cs, "BATIK-M", 6)  # Rp1.110.000 + shipping + kode unik
    assert order["total"] > 1_000_000
    forged = bca_csv([("23/11/2026", transfer("WULAN SARI", order["total"]), order["total"], "CR")])
    statement = _upload(api, cs, forged)
    assert statement["status"] == "IMPORTED" and statement["uploaded_by"] == "u_dewi"  # it adds up in itself
    line = _proposal(api, cs, statement)
    assert line["approval"]["reasons"] == ["own_upload"] and line["approval"]["second_person"] is True

    confirm = f"/reconciliation/lines/{line['line_id']}/confirm"
    message = _refused(api.post(confirm, auth=cs), 403, "approval_required")
    assert "PIN admin lain" in message
    _refused(api.post(f"/reconciliation/orders/{order['order_id']}/sale", auth=cs), 409, "invalid_transition")
    # Her own PIN, a cashier's, or a wrong admin PIN change nothing either.
    _refused(api.post(confirm, {"approval": {"staff_id": "u_dewi", "pin": "357913"}}, auth=cs), 403,
             "second_admin_required")
    _refused(api.post(confirm, {"approval": {"staff_id": "u_sari", "pin": "246810"}}, auth=cs), 403,
             "approver_not_admin")
    _refused(api.post(confirm, {"approval": dict(ADMIN, pin="000000")}, auth=cs), 403, "wrong_pin")
    assert api.get("/auth/me", auth=cs).status == 200, "a wrong admin PIN does not sign the CS person out"
    assert _status(api, cs, order) == "BOOKED"
    assert _proposal(api, cs, statement)["status"] == "PROPOSED"

    # With the admin's PIN: done, and the admin is named as the second person.
    r = api.post(confirm, {"approval": ADMIN}, auth=cs)
    assert r.status == 200 and r.json["status"] == "MATCHED", r
    assert _status(api, cs, order) == "PAID"
    r = api.post(f"/reconciliation/orders/{order['order_id']}/sale", auth=cs)
    assert r.status == 200 and r.json["status"] == "COMPLETED", r

    entries = _audit(api, cs)
    by = {e["action"]: e for e in entries}
    assert by["approval_given"]["actor"] == "u_admin" and by["approval_given"]["detail"]["for"] == "u_dewi"
    assert by["confirm"]["actor"] == "u_dewi" and by["confirm"]["detail"]["approval"]["approved_by"] == "u_admin"
    refusals = sorted(e["detail"]["refusal"] for e in entries if e["action"] == "approval_refused")
    assert refusals == ["not_admin", "same_person", "wrong_pin"]
    assert [e["detail"]["refusal"] for e in entries if e["action"] == "approval_required"] == ["missing"]


def test_the_store_confirming_matches_by_itself_does_not_confirm_a_cs_upload_above_the_threshold(api, demo, clock):
    admin = api.login_as(demo, "admin")
    assert api.patch("/store/settings", {"auto_confirm_matches": True}, auth=admin).status == 200
    cs = api.login_as(demo, "cs")
    big, small = _book(api, cs, "BATIK-M", 6), _book(api, cs, "KOPI-250", 1)
    statement = _upload(api, cs, bca_csv([
        ("23/11/2026", transfer("WULAN SARI", big["total"]), big["total"], "CR"),
        ("23/11/2026", transfer("WULAN SARI", small["total"]), small["total"], "CR")]))
    assert statement["counts"]["auto_matched"] == 2 and statement["counts"]["proposed"] == 1
    assert _status(api, cs, small) == "PAID" and _status(api, cs, big) == "BOOKED"
    # Another person confirming is the second person: no PIN.
    r = api.post(f"/reconciliation/lines/{_proposal(api, admin, statement)['line_id']}/confirm", auth=admin)
    assert r.status == 200 and _status(api, cs, big) == "PAID"


def test_a_hand_match_of_a_home_made_credit_needs_an_admin_even_in_parts(api, demo, clock):
    cs = api.login_as(demo, "cs")
    order = _book(api, cs, "BATIK-M", 6)
    part = 600_000  # below the threshold; the order is not
    statement = _upload(api, cs, bca_csv([("23/11/2026", transfer("WULAN SARI", part), part, "CR"),
                                          ("23/11/2026", transfer("WULAN SARI", order["total"] - part),
                                           order["total"] - part, "CR")]))
    review = api.get("/reconciliation/review", auth=cs).json["lines"]
    first, second = sorted((line for line in review if line["statement_id"] == statement["statement_id"]),
                           key=lambda line: line["line_number"])
    one = {"allocations": [{"line_id": first["line_id"], "order_id": order["order_id"], "amount": part}]}
    r = api.post("/reconciliation/matches", one, auth=cs, headers=_key())
    _refused(r, 403, "approval_required")
    assert r.json["error"]["details"]["reasons"] == ["hand_match"] and r.json["error"]["details"]["amount"] == order["total"]
    assert _status(api, cs, order) == "BOOKED"

    both = {"allocations": one["allocations"] + [{"line_id": second["line_id"], "order_id": order["order_id"],
                                                  "amount": order["total"] - part}]}
    key = _key()
    _refused(api.post("/reconciliation/matches", dict(both, approval=dict(ADMIN, pin="000000")), auth=cs,
                      headers=_key()), 403, "wrong_pin")
    r = api.post("/reconciliation/matches", dict(both, approval=ADMIN), auth=cs, headers=key)
    assert r.status == 201 and r.json["paid_orders"] == [order["order_id"]], r
    # A retry of that request is answered from the idempotency record, which never hashed the PIN.
    again = api.post("/reconciliation/matches", dict(both, approval=dict(ADMIN, pin="999999")), auth=cs, headers=key)
    assert again.status == 201 and again.json == r.json
    assert _status(api, cs, order) == "PAID"
    by = {e["action"]: e for e in _audit(api, cs)}
    assert by["hand_match"]["detail"]["approval"]["approved_by"] == "u_admin"
    assert by["approval_given"]["detail"]["action"] == "hand_match"


def test_a_statement_that_does_not_continue_the_stored_balance_goes_to_review_and_needs_an_admin(api, demo, clock):
    admin = api.login_as(demo, "admin")
    assert api.patch("/store/settings", {"auto_confirm_matches": True}, auth=admin).status == 200
    genuine = _upload(api, admin, bca_csv([("22/11/2026", "BIAYA ADM", 10_000, "DB")]))  # closes at 4.990.000
    assert genuine["status"] == "IMPORTED"

    cs = api.login_as(demo, "cs")
    order = _book(api, cs, "KOPI-250", 1)  # far below the threshold
    forged = _upload(api, cs, bca_csv([("23/11/2026", transfer("WULAN SARI", order["total"]), order["total"], "CR")],
                                      opening=5_000_000))
    assert forged["status"] == "NEEDS_REVIEW" and forged["status_label"] == "Perlu diperiksa"
    assert forged["balance_check"]["status"] == "discontinuous"
    assert "Rp4.990.000" in forged["balance_discontinuity"] and "22/11/2026" in forged["balance_discontinuity"]
    assert _status(api, cs, order) == "BOOKED", "never confirmed by the importer"

    line = _proposal(api, cs, forged)
    assert line["balance_discontinuity"] == forged["balance_discontinuity"]
    assert line["approval"]["reasons"] == ["balance_discontinuity"]
    confirm = f"/reconciliation/lines/{line['line_id']}/confirm"
    _refused(api.post(confirm, auth=cs), 403, "approval_required")
    assert _status(api, cs, order) == "BOOKED"
    assert api.post(confirm, {"approval": ADMIN}, auth=cs).status == 200
    assert _status(api, cs, order) == "PAID"
    entries = _audit(api, cs)
    (found,) = [e for e in entries if e["action"] == "balance_discontinuity"]
    assert found["statement_id"] == forged["statement_id"] and found["detail"]["uploaded_by"] == "u_dewi"
    assert found["detail"]["expected"] == 4_990_000 * 100 and found["detail"]["opening"] == 5_000_000 * 100
    (given,) = [e for e in entries if e["action"] == "approval_given"]
    assert given["detail"]["reasons"] == ["balance_discontinuity"] and given["actor"] == "u_admin"
