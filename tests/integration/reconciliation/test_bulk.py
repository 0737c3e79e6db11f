"""Bulk actions for CS (issue 17, item 3): every proposed match confirmed, and every paid book order
made a sale, in one action each, with a summary of what happened and what was skipped and why (a
confirmation that needs an admin's PIN is never made by a bulk tap)."""
from __future__ import annotations

from chalicelib.book_orders import service as book_orders
from chalicelib.reconciliation import service
from chalicelib.reconciliation.repo import get_line
from chalicelib.sales.repo import get_order
from tests.integration.inventory.conftest import book, caller_for
from tests.integration.reconciliation.conftest import bca_csv, import_file, set_settings, transfer

from .test_approvals import rows_of, uploaded_by

DAY = "23/11/2026"


def test_confirm_all_then_make_all_sales_with_what_was_skipped_and_why(shop, clock):
    set_settings(shop["store_id"], auto_confirm_matches=False, two_person_above=50_000)
    cs = caller_for(shop, "cs")
    small = [book(shop, [{"sku": "KOPI-250", "qty": 1}]) for _ in range(2)]
    big = book(shop, [{"sku": "KOPI-250", "qty": 4}])  # above the two-person threshold
    # CS uploads the file herself: confirming the big one needs another person's (an admin's) PIN.
    st = uploaded_by(shop, "cs", bca_csv([(DAY, transfer(f"PEMBELI {i}", o["total"]), o["total"], "CR")
                                          for i, o in enumerate([*small, big])]))
    assert st.proposed == 3

    summary = service.confirm_all(cs)
    assert sorted(c["order_no"] for c in summary["confirmed"]) == sorted(o["order_no"] for o in small)
    assert {c["outcome"] for c in summary["confirmed"]} == {"paid"}
    (skipped,) = summary["skipped"]
    assert (skipped["order_no"], skipped["code"]) == (big["order_no"], "approval_required")
    assert "PIN" in skipped["message"] and summary["more"] is False
    assert get_order(big["order_id"]).status == "BOOKED", "never confirmed by a bulk tap"
    assert all(get_order(o["order_id"]).status == "PAID" for o in small)
    assert service.confirm_all(cs)["confirmed"] == [], "a second tap finds nothing more to confirm"

    sales = service.make_all_sales(cs)
    assert sorted(s["order_no"] for s in sales["sales"]) == sorted(o["order_no"] for o in small)
    assert sales["skipped"] == [] and all(get_order(o["order_id"]).status == "COMPLETED" for o in small)
    assert service.make_all_sales(cs) == {"sales": [], "skipped": [], "more": False}
    (big_row,) = [r for r in rows_of(st.statement_id) if int(r.amount) == big["total"]]
    assert get_line(shop["store_id"], big_row.fingerprint).status == "PROPOSED"


def test_a_late_payment_is_skipped_by_make_all_sales_for_cs_with_why(shop, clock):
    set_settings(shop["store_id"], auto_confirm_matches=True)
    cs = caller_for(shop, "cs")
    order = book(shop, [{"sku": "TEH-350", "qty": 1}])
    clock.advance(days=3)  # past its deadline: the goods are released and the transfer arrives late
    assert book_orders.get(cs, order["order_id"])["status"] == "EXPIRED"
    import_file(shop["store_id"], bca_csv([("26/11/2026", transfer("TELAT", order["total"]), order["total"], "CR")]))
    assert get_order(order["order_id"]).status == "EXPIRED", "a late credit is left to a person"
    (row,) = [r for r in rows_of_all(shop) if int(r.amount) == order["total"]]
    service.hand_match(cs, [{"line_id": row.fingerprint, "order_id": order["order_id"], "amount": order["total"]}])
    assert get_order(order["order_id"]).status == "PAID_LATE"
    summary = service.make_all_sales(cs)
    (skipped,) = summary["skipped"]
    assert skipped["order_no"] == order["order_no"] and skipped["code"] == "invalid_transition"
    assert service.make_all_sales(caller_for(shop, "admin"))["sales"][0]["order_no"] == order["order_no"]


def rows_of_all(shop):
    from chalicelib.reconciliation.repo import StatementLineRecord

    return [r for r in StatementLineRecord.scan() if r.store_id == shop["store_id"] and r.direction == "CR"]
