"""Two people for money one person could forge, in the service: a file's opening balance checked
against the rows stored for its account, the importer never confirming what one person could have
made up, and an admin's PIN for confirmations and hand-matches above the store's threshold (every
decision in the audit trail)."""
from __future__ import annotations

import pytest

from chalicelib.core.errors import Forbidden
from chalicelib.reconciliation import importer, service
from chalicelib.reconciliation.repo import AuditRecord, OrderPaymentRecord, StatementLineRecord, get_line, get_statement
from chalicelib.sales.repo import get_order
from tests.integration.inventory.conftest import book, caller_for
from tests.integration.reconciliation.conftest import bca_csv, deliver, import_file, put_statement, set_settings, transfer

ADMIN_PIN = "135790"


def rows_of(statement_id: str) -> list[StatementLineRecord]:
    return sorted((r for r in StatementLineRecord.scan() if r.statement_id == statement_id), key=lambda r: r.line_number)


def audit(store_id: str, action: str) -> list[AuditRecord]:
    return [a for a in AuditRecord.query(store_id) if a.action == action]


def uploaded_by(shop: dict, role: str, content: bytes):
    """A file uploaded through the app by the staff member with ``role`` (the presigned upload
    records who), then imported by the S3 event."""
    upload = service.create_upload(caller_for(shop, role), "mutasi.csv", None)
    obj = put_statement(shop["store_id"], content, key=upload["key"])
    deliver(obj)
    return get_statement(importer.statement_id_for(obj["key"], obj["etag"]))


def approval(pin: str = ADMIN_PIN, staff_id: str = "u_admin") -> dict:
    return {"staff_id": staff_id, "pin": pin}


# ---- balance continuity at import -------------------------------------------------------------


def test_a_file_that_continues_the_stored_balance_is_imported_and_one_that_does_not_goes_to_review(shop, clock):
    set_settings(shop["store_id"], auto_confirm_matches=True)
    first = import_file(shop["store_id"], bca_csv([("21/11/2026", transfer("A", 11_111), 11_111, "CR")]))
    assert first.status == "IMPORTED" and first.balance_check["status"] == "unchecked"  # nothing stored before it
    closing = 5_000_000 + 11_111
    order = book(shop, [{"sku": "KOPI-250", "qty": 1}])
    follows = import_file(shop["store_id"], bca_csv([("22/11/2026", "BIAYA ADM", 10_000, "DB"),
                                                     ("23/11/2026", transfer("WULAN SARI", order["total"]),
                                                      order["total"], "CR")], opening=closing))
    assert follows.status == "IMPORTED" and follows.balance_check == {
        "status": "continuous", "opening": closing * 100, "expected": closing * 100, "previous_day": "2026-11-21",
        "previous_statement_id": first.statement_id, "message": None}
    assert follows.auto_matched == 1 and get_order(order["order_id"]).status == "PAID"
    assert audit(shop["store_id"], "balance_discontinuity") == []

    # Another file of the 23rd starts from a balance the stored rows never reached on the 22nd.
    other = book(shop, [{"sku": "TEH-350", "qty": 1}])
    jump = import_file(shop["store_id"], bca_csv([("23/11/2026", transfer("WULAN SARI", other["total"]),
                                                   other["total"], "CR")], opening=9_000_000))
    reached = closing - 10_000
    assert jump.status == "NEEDS_REVIEW" and jump.problems == []  # the file adds up in itself
    assert jump.balance_check["status"] == "discontinuous" and jump.balance_check["expected"] == reached * 100
    assert jump.balance_check["previous_statement_id"] == follows.statement_id
    assert jump.balance_check["message"] == (
        "Saldo awal berkas Rp9.000.000 tidak menyambung dengan saldo akhir 22/11/2026 yang tersimpan (Rp5.001.111). "
        "Ada mutasi yang belum diunggah, atau berkas ini bukan dari bank.")
    # Matched, but only as a proposal, although the store confirms matches by itself.
    (row,) = rows_of(jump.statement_id)
    assert row.status == "PROPOSED" and get_order(other["order_id"]).status == "BOOKED"
    (found,) = audit(shop["store_id"], "balance_discontinuity")
    assert found.statement_id == jump.statement_id and found.actor == "system"
    assert found.detail["expected"] == reached * 100 and found.detail["opening"] == 9_000_000 * 100
    view = service.get_statement(caller_for(shop, "cs"), jump.statement_id)
    assert view["status_label"] == "Perlu diperiksa" and view["balance_discontinuity"] == jump.balance_check["message"]

    # Confirming it needs an admin whatever the amount, and is then recorded with the approver.
    cs = caller_for(shop, "cs")
    line = service.review_list(cs, "proposed")["lines"][0]
    assert line["balance_discontinuity"] and line["approval"]["reasons"] == ["balance_discontinuity"]
    with pytest.raises(Forbidden) as refused:
        service.confirm(cs, row.fingerprint)
    assert refused.value.code == "approval_required" and refused.value.details["reasons"] == ["balance_discontinuity"]
    assert get_line(shop["store_id"], row.fingerprint).status == "PROPOSED"
    done = service.confirm(cs, row.fingerprint, approval())
    assert done["status"] == "MATCHED" and get_order(other["order_id"]).status == "PAID"
    (given,) = audit(shop["store_id"], "approval_given")
    assert (given.actor, given.detail["action"], given.detail["for"]) == ("u_admin", "confirm", cs.staff_id)
    (confirmed,) = audit(shop["store_id"], "confirm")
    assert confirmed.detail["approval"]["approved_by"] == "u_admin"
    assert confirmed.detail["approval"]["reasons"] == ["balance_discontinuity"]
    (asked,) = audit(shop["store_id"], "approval_required")
    assert asked.actor == cs.staff_id and asked.detail["refusal"] == "missing"


def test_overlapping_and_older_exports_are_checked_against_the_day_before_they_start(shop, clock):
    days = [("20/11/2026", transfer("A", 11_111), 11_111, "CR"), ("21/11/2026", transfer("B", 22_222), 22_222, "CR"),
            ("22/11/2026", transfer("C", 33_333), 33_333, "CR"), ("23/11/2026", transfer("D", 44_444), 44_444, "CR")]
    newer = import_file(shop["store_id"], bca_csv(days[1:], opening=5_000_000 + 11_111))  # 21-23 first
    assert newer.balance_check["status"] == "unchecked"
    older = import_file(shop["store_id"], bca_csv(days[:3]))  # then 20-22: nothing stored before the 20th
    assert older.status == "IMPORTED" and older.balance_check["status"] == "unchecked"
    again = import_file(shop["store_id"], bca_csv(days[2:], opening=5_000_000 + 11_111 + 22_222))  # 22-23
    assert again.status == "IMPORTED" and again.balance_check["status"] == "continuous"
    assert again.balance_check["previous_day"] == "2026-11-21"


def test_a_file_without_balances_after_stored_balances_goes_to_review(shop, clock):
    import_file(shop["store_id"], bca_csv([("22/11/2026", "BIAYA ADM", 10_000, "DB")]))
    no_balance = bca_csv([("23/11/2026", transfer("A", 50_000), 50_000, "CR")])
    no_balance = b"\r\n".join(line.rsplit(b",", 1)[0] + b"," if line.startswith(b"'23/11") else line
                              for line in no_balance.split(b"\r\n") if not line.startswith(b"Saldo "))
    st = import_file(shop["store_id"], no_balance)
    assert st.status == "NEEDS_REVIEW" and st.balance_check["status"] == "discontinuous", (st.error, st.problems)
    assert "tanpa saldo" in st.balance_check["message"]


# ---- what the importer confirms by itself --------------------------------------------------------


def test_auto_confirm_above_the_threshold_is_a_proposal_for_a_file_a_person_uploaded(shop, clock):
    set_settings(shop["store_id"], auto_confirm_matches=True, two_person_above=50_000)
    small = book(shop, [{"sku": "KOPI-250", "qty": 1}])  # 18.000 + shipping + kode unik: under 50.000
    big = book(shop, [{"sku": "KOPI-250", "qty": 3}])
    st = uploaded_by(shop, "cs", bca_csv([("23/11/2026", transfer("WULAN", small["total"]), small["total"], "CR"),
                                          ("23/11/2026", transfer("SARI", big["total"]), big["total"], "CR")]))
    assert st.uploaded_by == "u_dewi" and (st.auto_matched, st.proposed) == (2, 1)
    assert get_order(small["order_id"]).status == "PAID" and get_order(big["order_id"]).status == "BOOKED"

    # Another person confirms it without a PIN: two people are involved already.
    other = caller_for(shop, "admin")
    (line,) = service.review_list(other, "proposed")["lines"]
    assert line["approval"] is None and line["uploaded_by_name"] == "Dewi CS"
    assert service.confirm(other, line["line_id"])["status"] == "MATCHED"
    assert get_order(big["order_id"]).status == "PAID" and audit(shop["store_id"], "approval_given") == []


def test_a_file_copied_into_the_bucket_is_confirmed_by_the_importer_as_before(shop, clock):
    set_settings(shop["store_id"], auto_confirm_matches=True, two_person_above=0)
    order = book(shop, [{"sku": "KOPI-250", "qty": 3}])
    st = import_file(shop["store_id"], bca_csv([("23/11/2026", transfer("WULAN", order["total"]), order["total"], "CR")]))
    assert st.uploaded_by is None and (st.auto_matched, st.proposed) == (1, 0)
    assert get_order(order["order_id"]).status == "PAID"


# ---- confirming one's own upload -----------------------------------------------------------------


def test_the_uploader_confirming_above_the_threshold_needs_an_admin_pin_and_each_refusal_is_audited(shop, clock):
    set_settings(shop["store_id"], two_person_above=50_000)
    order = book(shop, [{"sku": "KOPI-250", "qty": 3}])
    st = uploaded_by(shop, "cs", bca_csv([("23/11/2026", transfer("WULAN", order["total"]), order["total"], "CR")]))
    (row,) = rows_of(st.statement_id)
    cs = caller_for(shop, "cs")
    line = service.review_list(cs, "proposed")["lines"][0]
    assert line["approval"] == {"reasons": ["own_upload"], "amount": order["total"], "threshold": 50_000,
                                "second_person": True,
                                "labels": ["Berkas mutasi ini diunggah oleh orang yang mengonfirmasi"]}

    for given, code in ((None, "approval_required"), (approval("000000"), "wrong_pin"),
                        (approval("357913", "u_dewi"), "second_admin_required"),
                        (approval("246810", "u_sari"), "approver_not_admin")):
        with pytest.raises(Forbidden) as refused:
            service.confirm(cs, row.fingerprint, given)
        assert refused.value.code == code and refused.value.status == 403
        assert get_line(shop["store_id"], row.fingerprint).status == "PROPOSED"
        assert get_order(order["order_id"]).status == "BOOKED" and OrderPaymentRecord.get(order["order_id"]).confirmed == 0
    refusals = sorted((a.detail["refusal"], a.detail.get("approver")) for a in audit(shop["store_id"], "approval_refused"))
    assert refusals == [("not_admin", "u_sari"), ("same_person", "u_dewi"), ("wrong_pin", "u_admin")]
    assert [a.detail["refusal"] for a in audit(shop["store_id"], "approval_required")] == ["missing"]

    assert service.confirm(cs, row.fingerprint, approval())["status"] == "MATCHED"
    assert get_order(order["order_id"]).status == "PAID"
    (given,) = audit(shop["store_id"], "approval_given")
    assert given.actor == "u_admin" and given.actor_name == "Rina Admin" and given.lines[0]["fingerprint"] == row.fingerprint
    assert given.detail == {"action": "confirm", "for": "u_dewi", "for_name": "Dewi CS", "reasons": ["own_upload"],
                            "amount": order["total"], "threshold": 50_000, "second_person": True}


def test_an_admin_who_uploaded_needs_a_second_admin(shop, clock):
    from chalicelib.staff import service as staff

    set_settings(shop["store_id"], two_person_above=50_000)
    second = staff.add_staff(shop["merchant_id"], shop["store_id"], "Wakil Admin", "admin", "860241").staff_id
    order = book(shop, [{"sku": "KOPI-250", "qty": 3}])
    st = uploaded_by(shop, "admin", bca_csv([("23/11/2026", transfer("WULAN", order["total"]), order["total"], "CR")]))
    (row,) = rows_of(st.statement_id)
    admin = caller_for(shop, "admin")
    with pytest.raises(Forbidden) as refused:
        service.confirm(admin, row.fingerprint, approval())
    assert refused.value.code == "second_admin_required"
    assert service.confirm(admin, row.fingerprint, approval("860241", second))["status"] == "MATCHED"
    (given,) = audit(shop["store_id"], "approval_given")
    assert given.actor == second and given.detail["for"] == "u_admin"


# ---- hand-matching ------------------------------------------------------------------------------


def test_a_hand_match_above_the_threshold_needs_an_admin_even_in_small_parts(shop, clock):
    set_settings(shop["store_id"], two_person_above=50_000)
    order = book(shop, [{"sku": "KOPI-250", "qty": 3}])
    half = order["total"] // 2
    st = import_file(shop["store_id"], bca_csv([("23/11/2026", transfer("WULAN", half), half, "CR"),
                                                ("23/11/2026", transfer("WULAN", order["total"] - half),
                                                 order["total"] - half, "CR")]))
    first, second = rows_of(st.statement_id)
    cs = caller_for(shop, "cs")
    # Half of the order is below the threshold, the order is not: paying it in parts needs the admin too.
    with pytest.raises(Forbidden) as refused:
        service.hand_match(cs, [{"line_id": first.fingerprint, "order_id": order["order_id"], "amount": half}])
    assert refused.value.code == "approval_required" and refused.value.details["reasons"] == ["hand_match"]
    assert refused.value.details["amount"] == order["total"]
    assert get_line(shop["store_id"], first.fingerprint).status == "UNMATCHED"
    assert OrderPaymentRecord.count() == 0

    done = service.hand_match(cs, [{"line_id": first.fingerprint, "order_id": order["order_id"], "amount": half},
                                   {"line_id": second.fingerprint, "order_id": order["order_id"],
                                    "amount": order["total"] - half}], approval())
    assert done["paid_orders"] == [order["order_id"]] and get_order(order["order_id"]).status == "PAID"
    (matched,) = audit(shop["store_id"], "hand_match")
    assert matched.detail["approval"]["approved_by"] == "u_admin" and matched.detail["approval"]["reasons"] == ["hand_match"]
    (given,) = audit(shop["store_id"], "approval_given")
    assert given.detail["action"] == "hand_match" and {line["fingerprint"] for line in given.lines} == {
        first.fingerprint, second.fingerprint}


def test_a_small_hand_match_needs_no_admin(shop, clock):
    order = book(shop, [{"sku": "KOPI-250", "qty": 1}])  # far below the default Rp1.000.000
    st = import_file(shop["store_id"], bca_csv([("23/11/2026", transfer("TANPA NAMA", 20_000), 20_000, "CR")]))
    (row,) = rows_of(st.statement_id)
    service.hand_match(caller_for(shop, "cs"), [{"line_id": row.fingerprint, "order_id": order["order_id"],
                                                 "amount": 20_000}])
    assert get_line(shop["store_id"], row.fingerprint).status == "MATCHED"
    assert audit(shop["store_id"], "approval_required") == [] and len(audit(shop["store_id"], "hand_match")) == 1


def test_a_row_of_a_discontinuous_file_is_never_confirmed_by_a_later_import(shop, clock):
    """Even once the gap is filled and the same export is uploaded again (now continuous), the row keeps
    the file that stored it: its proposal stays a proposal (a later import never confirms it), and
    once CS rejected it, no import proposes that order for it again."""
    set_settings(shop["store_id"], auto_confirm_matches=True)
    import_file(shop["store_id"], bca_csv([("21/11/2026", transfer("A", 11_111), 11_111, "CR")]))
    order = book(shop, [{"sku": "KOPI-250", "qty": 1}])
    content = bca_csv([("23/11/2026", transfer("WULAN SARI", order["total"]), order["total"], "CR")], opening=6_000_000)
    gap = import_file(shop["store_id"], content)
    assert gap.balance_check["status"] == "discontinuous"
    (row,) = rows_of(gap.statement_id)
    assert get_line(shop["store_id"], row.fingerprint).status == "PROPOSED"

    # The missing day arrives, and the same export is uploaded again: it continues now.
    filled = import_file(shop["store_id"], bca_csv([("22/11/2026", transfer("B", 988_889), 988_889, "CR")],
                                                   opening=5_011_111))
    assert filled.balance_check["status"] == "continuous"
    again = import_file(shop["store_id"], content, name="mutasi lagi.csv")
    assert again.balance_check["status"] == "continuous" and again.rows_new == 0 and again.auto_matched == 0
    assert get_line(shop["store_id"], row.fingerprint).status == "PROPOSED", "still a proposal, never confirmed"
    assert get_order(order["order_id"]).status == "BOOKED"
    with pytest.raises(Forbidden):
        service.confirm(caller_for(shop, "cs"), row.fingerprint)

    service.unmatch(caller_for(shop, "cs"), row.fingerprint)  # CS rejects it
    third = import_file(shop["store_id"], content, name="mutasi ketiga.csv")
    assert third.auto_matched == 0 and get_line(shop["store_id"], row.fingerprint).status == "UNMATCHED", \
        "a rejected match is never proposed again, not even by a file that checks out"
    assert get_line(shop["store_id"], row.fingerprint).rejected_orders == [order["order_id"]]
