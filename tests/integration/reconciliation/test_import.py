"""Statement imports through the S3 handler: every layout, refusals, validation, de-duplication,
re-delivered events, PEND settlement and a crashed import resumed."""
from __future__ import annotations

import pytest

from chalicelib.reconciliation import importer
from chalicelib.reconciliation.repo import AuditRecord, OrderPaymentRecord, StatementLineRecord, StatementRecord, get_line
from chalicelib.sales.repo import get_order
from tests.integration.inventory.conftest import book, caller_for
from tests.integration.reconciliation.conftest import (bca_csv, deliver, fixture_bytes, import_file, put_statement,
                                                       set_settings, transfer)
from tests.unit.reconciliation.samples import MAPPINGS

# file -> (layout, account, rows in the file)
LAYOUTS = {
    "bca_individual_id.csv": ("bca_klikbca_individual", "0123456789", 11),
    "bca_individual_en.csv": ("bca_klikbca_individual", "0987654321", 5),
    "bca_individual_yearend.csv": ("bca_klikbca_individual", "5550001111", 6),
    "bca_bisnis.csv": ("bca_klikbca_bisnis", "0123456789", 8),
    "bri.csv": ("bri_estatement", "034101000123456", 10),
    "mandiri_mcm.csv": ("mandiri_mcm", "1370012345678", 12),
    "mandiri_kopra.csv": ("mandiri_kopra", "1370012345678", 6),
    "generic_bni.csv": ("generic_csv", "0012345678", 3),
    "generic_semicolon_id.csv": ("generic_csv", "7001234567", 3),
}


def rows_of(statement_id: str) -> list[StatementLineRecord]:
    return [r for r in StatementLineRecord.scan() if r.statement_id == statement_id]


def test_every_sample_layout_is_imported_from_s3_through_the_handler(shop):
    from chalicelib.reconciliation import service

    cs = caller_for(shop, "cs")
    for name in ("generic_bni.csv", "generic_semicolon_id.csv"):  # other banks: a saved column mapping
        fields = {k: v for k, v in MAPPINGS[name].to_dict().items() if k not in ("account", "bank")}
        service.save_mapping(cs, MAPPINGS[name].account, fields)
    for name, (layout, account, rows) in LAYOUTS.items():
        st = import_file(shop["store_id"], fixture_bytes(name), name)
        assert (st.status, st.layout, st.account) == ("IMPORTED", layout, account), (name, st.error, st.problems)
        assert st.rows_total == st.rows_done == st.rows_new == rows, name
        assert st.auto_matched == 0 and st.review == rows - st.pending_settled, name  # no orders on these accounts
        stored = rows_of(st.statement_id)
        assert len(stored) == rows, name
        for r in stored:  # credits on the review list, debits on their own
            assert r.queue == f"{shop['store_id']}#{'DEBIT' if r.direction == 'DB' else 'REVIEW'}", name
            assert (r.review_reason == "debit") == (r.direction == "DB"), name
    pend = [r for r in StatementLineRecord.scan() if r.pending]
    assert pend and all(r.review_reason == "pending" and r.date_hint for r in pend)


def test_an_unknown_layout_fails_with_the_layouts_we_understand_and_stores_no_row(shop):
    st = import_file(shop["store_id"], fixture_bytes("unknown_layout.csv"), "livin.csv")
    assert st.status == "FAILED" and st.error["code"] == "statement_format_unknown"
    assert "BCA KlikBCA Individu" in st.error["message"] and "BRI" in st.error["message"]
    assert "Mandiri" in st.error["message"] and len(st.error["details"]["layouts"]) == 6
    assert list(StatementLineRecord.scan()) == []
    audit = [a for a in AuditRecord.query(shop["store_id"]) if a.statement_id == st.statement_id]
    assert [a.action for a in audit] == ["import_failed"]


def test_a_file_of_an_account_the_store_does_not_have_fails(shop):
    content = bca_csv([("23/11/2026", transfer("SITI", 50_000), 50_000, "CR")], account="9999999999")
    st = import_file(shop["store_id"], content)
    assert st.status == "FAILED" and st.error["code"] == "statement_account_unknown" and "9999999999" in st.error["message"]
    assert list(StatementLineRecord.scan()) == []


def test_a_statement_that_does_not_add_up_needs_review_and_is_never_auto_matched(shop, clock):
    set_settings(shop["store_id"], auto_confirm_matches=True)
    order = book(shop, [{"sku": "KOPI-250", "qty": 1}])
    good = bca_csv([("23/11/2026", transfer("WULAN SARI", order["total"]), order["total"], "CR")])
    broken = good.replace(b"Saldo Akhir,=,", b"Saldo Akhir,=,1")  # an edited closing balance
    st = import_file(shop["store_id"], broken)
    assert st.status == "NEEDS_REVIEW" and st.problems and st.auto_matched == 0 and st.review == 1
    (row,) = rows_of(st.statement_id)
    assert row.status == "UNMATCHED" and row.review_reason == "statement_needs_review"
    assert get_order(order["order_id"]).status == "BOOKED" and OrderPaymentRecord.count() == 0

    # The bank's own export of the same day vouches for the row: it is matched then, once.
    st2 = import_file(shop["store_id"], good)
    assert st2.status == "IMPORTED" and st2.rows_new == 0 and st2.auto_matched == 1
    assert get_line(shop["store_id"], row.fingerprint).status == "MATCHED"
    assert get_order(order["order_id"]).status == "PAID"


def test_a_redelivered_s3_event_is_a_no_op(shop, clock):
    order = book(shop, [{"sku": "KOPI-250", "qty": 1}])
    obj = put_statement(shop["store_id"], bca_csv([("23/11/2026", transfer("WULAN", order["total"]), order["total"], "CR"),
                                                   ("23/11/2026", "BIAYA ADM", 10_000, "DB")]))
    first = deliver(obj)["results"][0]
    before = StatementRecord.get(first["statement_id"])
    again = deliver(obj)["results"][0]
    assert first["outcome"] == "IMPORTED"
    assert again["outcome"] == "already_handled" and again["statement_id"] == first["statement_id"]
    after = StatementRecord.get(first["statement_id"])
    assert (after.rows_new, after.auto_matched, after.review, after.attempts) == (before.rows_new, before.auto_matched,
                                                                                 before.review, before.attempts) == (2, 1, 1, 1)
    assert StatementRecord.count() == 1 and StatementLineRecord.count() == 2
    assert [a.action for a in AuditRecord.query(shop["store_id"])].count("import") == 1


def test_the_same_key_overwritten_with_another_file_is_a_new_import(shop):
    first = put_statement(shop["store_id"], bca_csv([("22/11/2026", "BIAYA ADM", 10_000, "DB")]), key=f"statements/{shop['store_id']}/mutasi.csv")
    deliver(first)
    second = put_statement(shop["store_id"], bca_csv([("22/11/2026", "BIAYA ADM", 10_000, "DB"),
                                                      ("23/11/2026", "BIAYA ADM", 10_000, "DB")]), key=first["key"])
    deliver(second)
    statements = {s.etag: s for s in StatementRecord.scan()}
    assert len(statements) == 2 and statements[second["etag"]].rows_new == 1


def test_overlapping_uploads_add_nothing_twice(shop):
    days = [("20/11/2026", transfer("A", 11_111), 11_111, "CR"), ("21/11/2026", transfer("B", 22_222), 22_222, "CR"),
            ("22/11/2026", transfer("C", 33_333), 33_333, "CR"), ("23/11/2026", transfer("D", 44_444), 44_444, "CR")]
    # Two exports of the same account, 20-22 and 21-23 November: balances carry over, so rows are identical.
    a = import_file(shop["store_id"], bca_csv(days[:3]))
    b = import_file(shop["store_id"], bca_csv(days[1:], opening=5_000_000 + 11_111))
    assert (a.rows_total, a.rows_new) == (3, 3)
    assert (b.status, b.rows_total, b.rows_new) == ("IMPORTED", 3, 1)
    assert StatementLineRecord.count() == 4
    again = import_file(shop["store_id"], bca_csv(days[:3]))  # the first file uploaded once more
    assert (again.rows_new, StatementLineRecord.count()) == (0, 4)


def test_a_pend_row_is_replaced_by_its_posted_row_from_the_next_export(shop, clock):
    set_settings(shop["store_id"], auto_confirm_matches=True)
    order = book(shop, [{"sku": "KOPI-250", "qty": 1}])
    text = transfer("WULAN SARI", order["total"])
    today = import_file(shop["store_id"], bca_csv([("23/11/2026", "BIAYA ADM", 10_000, "DB")],
                                                  pending=[(text, order["total"])]))
    (pend,) = [r for r in rows_of(today.statement_id) if r.pending]
    assert pend.review_reason == "pending" and get_order(order["order_id"]).status == "BOOKED"

    posted = import_file(shop["store_id"], bca_csv([("23/11/2026", "BIAYA ADM", 10_000, "DB"),
                                                    ("23/11/2026", text, order["total"], "CR")]))
    assert posted.pending_settled == 1 and posted.auto_matched == 1
    pend = get_line(shop["store_id"], pend.fingerprint)
    assert pend.status == "SUPERSEDED" and pend.queue is None and pend.superseded_by
    assert get_line(shop["store_id"], pend.superseded_by).status == "MATCHED"
    assert get_order(order["order_id"]).status == "PAID"


def test_a_crashed_import_is_resumed_by_the_retry_and_finishes_the_same_job(shop, clock, monkeypatch):
    from chalicelib.reconciliation import claims

    set_settings(shop["store_id"], auto_confirm_matches=True)
    orders = [book(shop, [{"sku": "KOPI-250", "qty": 1}]), book(shop, [{"sku": "TEH-350", "qty": 1}])]
    content = bca_csv([("23/11/2026", transfer("SATU", o["total"]), o["total"], "CR") for o in orders]
                      + [("23/11/2026", "BIAYA ADM", 10_000, "DB")])
    obj = put_statement(shop["store_id"], content)
    real = claims.claim_auto
    calls = []

    def dies_after_first_claim(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise ConnectionError("Lambda lost its connection")
        return real(*args, **kwargs)

    monkeypatch.setattr(claims, "claim_auto", dies_after_first_claim)
    with pytest.raises(ConnectionError):
        deliver(obj)
    (st,) = StatementRecord.scan()
    assert st.status == "PROCESSING" and st.lease_until == 0 and "ConnectionError" in st.last_error
    assert StatementLineRecord.count() == 3 and st.auto_matched == 1  # rows stored, one claim committed

    result = deliver(obj)["results"][0]  # Lambda's retry of the same event
    assert result["outcome"] == "IMPORTED"
    st.refresh()
    assert (st.status, st.attempts, st.rows_new, st.auto_matched, st.review) == ("IMPORTED", 2, 3, 2, 1)
    assert StatementLineRecord.count() == 3
    assert all(get_order(o["order_id"]).status == "PAID" for o in orders)
    assert all(len(OrderPaymentRecord.get(o["order_id"]).allocations) == 1 for o in orders)


def test_a_stalled_import_is_taken_over_when_its_lease_runs_out(shop, clock):
    obj = put_statement(shop["store_id"], bca_csv([("23/11/2026", "BIAYA ADM", 10_000, "DB")]))
    sid = importer.statement_id_for(obj["key"], obj["etag"])
    StatementRecord(statement_id=sid, store_id=shop["store_id"], merchant_id=shop["merchant_id"], object_key=obj["key"],
                    etag=obj["etag"], size=obj["size"], filename="mutasi.csv", status="PROCESSING",
                    created_at=clock.now_s(), lease_until=clock.now_s() + 60, stalled_shard="P").save()
    assert importer.resume_stalled() == 0 and deliver(obj)["results"][0]["outcome"] == "already_handled"
    clock.advance(61)
    assert importer.resume_stalled() == 1
    assert StatementRecord.get(sid).status == "IMPORTED" and StatementLineRecord.count() == 1


def test_an_older_export_with_a_pend_row_uploaded_after_its_posted_row_adds_nothing_to_check(shop, clock):
    text = transfer("WULAN SARI", 45_000)
    posted = import_file(shop["store_id"], bca_csv([("23/11/2026", text, 45_000, "CR")]))
    (credit,) = rows_of(posted.statement_id)
    older = import_file(shop["store_id"], bca_csv([("22/11/2026", "BIAYA ADM", 10_000, "DB")], pending=[(text, 45_000)]))
    (pend,) = [r for r in rows_of(older.statement_id) if r.pending]
    assert (pend.status, pend.superseded_by, pend.queue, older.pending_settled) == ("SUPERSEDED", credit.fingerprint, None, 1)
    # A later PEND of the same amount is another transfer: the posted row already settled one.
    other = import_file(shop["store_id"], bca_csv([("23/11/2026", "BIAYA ADM", 10_000, "DB")],
                                                  pending=[(transfer("WULAN SARI", 45_000, ddmm="2211"), 45_000)]))
    (second,) = [r for r in rows_of(other.statement_id) if r.pending]
    assert second.status == "UNMATCHED" and second.review_reason == "pending" and other.pending_settled == 0
