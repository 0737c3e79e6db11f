"""Matching credits to book orders: auto-match claims, proposals, concurrent imports, hand-matching
with exact amounts, unmatching, the audit trail and paid book orders becoming sales."""
from __future__ import annotations

import threading

import pytest

from chalicelib.core.errors import Conflict, ValidationError
from chalicelib.core.outbox import OutboxItem
from chalicelib.reconciliation import claims, service
from chalicelib.reconciliation.repo import AuditRecord, OrderPaymentRecord, StatementLineRecord, get_line
from chalicelib.sales.repo import OrderRecord, get_order
from tests.integration.inventory.conftest import book, caller_for, hold, level
from tests.integration.reconciliation.conftest import bca_csv, deliver, import_file, put_statement, set_settings, transfer


def credit_rows(statement_id: str) -> list[StatementLineRecord]:
    return sorted((r for r in StatementLineRecord.scan() if r.statement_id == statement_id and r.direction == "CR"),
                  key=lambda r: r.line_number)


def order_status(order: dict) -> str:
    return get_order(order["order_id"]).status


def test_auto_confirm_claims_the_order_and_the_row_together(shop, clock):
    set_settings(shop["store_id"], auto_confirm_matches=True)
    order = book(shop, [{"sku": "KOPI-250", "qty": 1}])
    st = import_file(shop["store_id"], bca_csv([("23/11/2026", transfer("WULAN SARI", order["total"]), order["total"], "CR")]))
    assert (st.status, st.auto_matched, st.proposed, st.review) == ("IMPORTED", 1, 0, 0)
    (row,) = credit_rows(st.statement_id)
    rec = get_order(order["order_id"])
    # Paid by the statement, waiting for CS to make the sale: not completed, not on the scheduler's shard.
    assert rec.status == "PAID" and rec.payment_method == "BANK_TRANSFER" and rec.paid_amount == order["total"]
    assert rec.open_shard is None and rec.completed_at is None
    assert row.status == "MATCHED" and row.match_kind == "auto" and row.queue is None
    assert row.allocations == [{"order_id": order["order_id"], "order_no": order["order_no"], "amount": order["total"]}]
    pay = OrderPaymentRecord.get(order["order_id"])
    assert (pay.allocated, pay.confirmed, pay.payment_applied, pay.status_before) == (order["total"], order["total"], True, "BOOKED")
    assert hold(order["order_id"]).status == "ACTIVE"  # the goods stay booked for the sale


def test_a_claim_changes_neither_side_when_the_other_side_is_taken(shop, clock):
    order = book(shop, [{"sku": "KOPI-250", "qty": 1}])
    other = book(shop, [{"sku": "TEH-350", "qty": 1}])
    set_settings(shop["store_id"], auto_confirm_matches=False)
    text = transfer("WULAN", order["total"])
    st = import_file(shop["store_id"], bca_csv([("23/11/2026", text, order["total"], "CR"),
                                                ("23/11/2026", transfer("X", other["total"]), other["total"], "CR")]))
    first, second = credit_rows(st.statement_id)
    assert first.status == second.status == "PROPOSED"
    # The row is taken (proposed for ``order``): claiming it for ``other`` writes nothing, the order stays open.
    assert not claims.claim_auto(st, get_line(shop["store_id"], first.fingerprint), other["order_id"], confirm=True)
    assert order_status(other) == "BOOKED" and get_line(shop["store_id"], first.fingerprint).allocations[0]["order_id"] == order["order_id"]
    # The order is taken (claimed by the second row): a free row cannot claim it, the row stays unmatched.
    claims.unmatch(get_line(shop["store_id"], first.fingerprint), claims.SYSTEM)
    assert not claims.claim_auto(st, get_line(shop["store_id"], first.fingerprint), other["order_id"], confirm=True)
    assert get_line(shop["store_id"], first.fingerprint).status == "UNMATCHED" and order_status(other) == "BOOKED"


def test_an_auto_match_is_a_proposal_until_cs_confirms(shop, clock):
    order = book(shop, [{"sku": "KOPI-250", "qty": 1}])
    st = import_file(shop["store_id"], bca_csv([("23/11/2026", transfer("WULAN", order["total"]), order["total"], "CR")]))
    assert (st.auto_matched, st.proposed) == (1, 1)
    (row,) = credit_rows(st.statement_id)
    assert row.status == "PROPOSED" and row.queue == f"{shop['store_id']}#PROPOSED" and order_status(order) == "BOOKED"
    cs = caller_for(shop, "cs")
    proposed = service.review_list(cs, "proposed")["lines"]
    assert [(l["line_id"], l["allocations"][0]["status"]) for l in proposed] == [(row.fingerprint, "BOOKED")]
    # Nothing else can take the order while it is proposed: a hand-match is refused as over its total.
    st2 = import_file(shop["store_id"], bca_csv([("23/11/2026", transfer("LAIN", 5_000), 5_000, "CR")], opening=1))
    (small,) = credit_rows(st2.statement_id)
    with pytest.raises(ValidationError) as exc:
        service.hand_match(cs, [{"line_id": small.fingerprint, "order_id": order["order_id"], "amount": 5_000}])
    assert exc.value.code == "allocation_exceeds_order"

    view = service.confirm(cs, row.fingerprint)
    assert view["status"] == "MATCHED" and view["matched_by"] == cs.staff_id
    assert order_status(order) == "PAID" and OrderPaymentRecord.get(order["order_id"]).confirmed == order["total"]
    assert service.confirm(cs, row.fingerprint)["status"] == "MATCHED"  # a second tap changes nothing
    assert [o["order_id"] for o in service.paid_orders(cs)] == [order["order_id"]]


def test_two_concurrent_imports_of_overlapping_statements_match_each_credit_once(shop, clock):
    set_settings(shop["store_id"], auto_confirm_matches=True)
    orders = [book(shop, [{"sku": sku, "qty": 1}]) for sku in ("KOPI-250", "TEH-350", "AIR-600")]
    rows = [("23/11/2026", transfer(f"PEMBELI {i}", o["total"]), o["total"], "CR") for i, o in enumerate(orders)]
    # Two exports of the same account that overlap on every credit (the second adds a fee).
    files = [put_statement(shop["store_id"], bca_csv(rows)),
             put_statement(shop["store_id"], bca_csv(rows + [("23/11/2026", "BIAYA ADM", 10_000, "DB")]))]
    start, errors = threading.Barrier(2), []

    def run(obj):
        try:
            start.wait()
            deliver(obj)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(f,)) for f in files]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert not errors
    credits = [r for r in StatementLineRecord.scan() if r.direction == "CR"]
    assert len(credits) == 3 and all(r.status == "MATCHED" for r in credits)
    for order in orders:
        assert order_status(order) == "PAID"
        assert len(OrderPaymentRecord.get(order["order_id"]).allocations) == 1
        assert sum(a["order_id"] == order["order_id"] for r in credits for a in r.allocations) == 1
    from chalicelib.reconciliation.repo import StatementRecord
    assert sum(s.auto_matched for s in StatementRecord.scan()) == 3
    assert sum(a.action == "auto_match" for a in AuditRecord.query(shop["store_id"])) == 3


def test_one_credit_paying_two_orders_is_split_with_exact_amounts(shop, clock):
    a, b = book(shop, [{"sku": "KOPI-250", "qty": 1}]), book(shop, [{"sku": "TEH-350", "qty": 1}])
    both = a["total"] + b["total"]
    st = import_file(shop["store_id"], bca_csv([("23/11/2026", transfer("WULAN SARI", both), both, "CR")]))
    (row,) = credit_rows(st.statement_id)
    assert row.review_reason in ("no_candidate", "over_payment")
    cs = caller_for(shop, "cs")
    result = service.hand_match(cs, [{"line_id": row.fingerprint, "order_id": a["order_id"], "amount": a["total"]},
                                     {"line_id": row.fingerprint, "order_id": b["order_id"], "amount": b["total"]}])
    assert sorted(result["paid_orders"]) == sorted([a["order_id"], b["order_id"]])
    assert order_status(a) == order_status(b) == "PAID"
    row = get_line(shop["store_id"], row.fingerprint)
    assert row.status == "MATCHED" and row.match_kind == "hand" and sum(x["amount"] for x in row.allocations) == both


def test_two_credits_paying_one_order_are_joined_and_it_is_paid_when_they_reach_its_total(shop, clock):
    order = book(shop, [{"sku": "KOPI-250", "qty": 2}])
    first, rest = 20_000, order["total"] - 20_000
    st = import_file(shop["store_id"], bca_csv([("23/11/2026", transfer("WULAN", first), first, "CR"),
                                                ("23/11/2026", transfer("WULAN", rest), rest, "CR")]))
    one, two = credit_rows(st.statement_id)
    cs = caller_for(shop, "cs")
    part = service.hand_match(cs, [{"line_id": one.fingerprint, "order_id": order["order_id"], "amount": first}])
    assert part["paid_orders"] == [] and part["orders"][0]["remaining"] == rest and order_status(order) == "BOOKED"
    done = service.hand_match(cs, [{"line_id": two.fingerprint, "order_id": order["order_id"], "amount": rest}])
    assert done["paid_orders"] == [order["order_id"]] and order_status(order) == "PAID"
    pay = OrderPaymentRecord.get(order["order_id"])
    assert (pay.allocated, pay.confirmed, len(pay.allocations)) == (order["total"], order["total"], 2)


def test_hand_match_refuses_amounts_that_do_not_add_up_and_changes_nothing(shop, clock):
    order = book(shop, [{"sku": "KOPI-250", "qty": 1}])
    st = import_file(shop["store_id"], bca_csv([("23/11/2026", transfer("WULAN", 50_000), 50_000, "CR")]))
    (row,) = credit_rows(st.statement_id)
    cs = caller_for(shop, "cs")
    with pytest.raises(ValidationError) as under:
        service.hand_match(cs, [{"line_id": row.fingerprint, "order_id": order["order_id"], "amount": 20_000}])
    assert under.value.code == "allocation_mismatch" and "kurang Rp30.000" in under.value.message
    with pytest.raises(ValidationError) as over:
        service.hand_match(cs, [{"line_id": row.fingerprint, "order_id": order["order_id"], "amount": 50_000}])
    assert over.value.code == "allocation_exceeds_order" and f"sisa tagihan Rp{order['total']:,}".replace(",", ".") in over.value.message
    assert get_line(shop["store_id"], row.fingerprint).status == "UNMATCHED" and OrderPaymentRecord.count() == 0
    assert order_status(order) == "BOOKED"


def test_unmatch_restores_both_sides(shop, clock):
    set_settings(shop["store_id"], auto_confirm_matches=True)
    order = book(shop, [{"sku": "KOPI-250", "qty": 1}])
    st = import_file(shop["store_id"], bca_csv([("23/11/2026", transfer("WULAN", order["total"]), order["total"], "CR")]))
    (row,) = credit_rows(st.statement_id)
    assert order_status(order) == "PAID"
    view = service.unmatch(caller_for(shop, "cs"), row.fingerprint)
    assert view["status"] == "UNMATCHED" and view["review_reason"] == "unmatched" and view["allocations"] == []
    assert view["suggestions"][0]["order_id"] == order["order_id"] and "exact_amount" in view["suggestions"][0]["signals"]
    assert view["suggestions"][0]["rejected"] is True, "the order CS unmatched is marked, for a hand-match only"
    rec = get_order(order["order_id"])
    assert rec.status == "BOOKED" and rec.paid_at is None and rec.open_shard == "BOOK" and rec.due_at == order["deadline"]
    pay = OrderPaymentRecord.get(order["order_id"])
    assert (pay.allocated, pay.confirmed, pay.allocations, pay.payment_applied, pay.awaiting_store) == (0, 0, [], False, None)
    # Both sides are free again: the same row can be matched by hand.
    service.hand_match(caller_for(shop, "cs"), [{"line_id": row.fingerprint, "order_id": order["order_id"],
                                                 "amount": order["total"]}])
    assert order_status(order) == "PAID"


def test_a_match_that_became_a_sale_cannot_be_unmatched(shop, clock):
    set_settings(shop["store_id"], auto_confirm_matches=True)
    order = book(shop, [{"sku": "KOPI-250", "qty": 1}])
    st = import_file(shop["store_id"], bca_csv([("23/11/2026", transfer("WULAN", order["total"]), order["total"], "CR")]))
    (row,) = credit_rows(st.statement_id)
    cs = caller_for(shop, "cs")
    service.make_sale(cs, order["order_id"])
    with pytest.raises(Conflict) as exc:
        service.unmatch(cs, row.fingerprint)
    assert exc.value.code == "order_completed" and exc.value.status == 409
    assert get_line(shop["store_id"], row.fingerprint).status == "MATCHED" and order_status(order) == "COMPLETED"


def test_only_a_paid_book_order_becomes_a_sale_which_consumes_the_hold_and_prints_the_receipt(shop, clock):
    from chalicelib.shoppers import service as shoppers

    set_settings(shop["store_id"], auto_confirm_matches=True)
    cs = caller_for(shop, "cs")
    order = book(shop, [{"sku": "KOPI-250", "qty": 2}])
    unpaid = book(shop, [{"sku": "TEH-350", "qty": 1}])
    with pytest.raises(Conflict) as exc:
        service.make_sale(cs, unpaid["order_id"])
    assert exc.value.code == "invalid_transition" and exc.value.status == 409
    shopper = shoppers.register(caller_for(shop, "cashier"), {"name": "Wulan Sari", "phone": "081234567890", "consent": True})
    OrderRecord(order_id=order["order_id"]).update(actions=[OrderRecord.shopper_id.set(shopper["shopper_id"])])
    import_file(shop["store_id"], bca_csv([("23/11/2026", transfer("WULAN", order["total"]), order["total"], "CR")]))
    before = level(shop["store_id"], "KOPI-250")
    sale = service.make_sale(cs, order["order_id"])
    assert sale["status"] == "COMPLETED" and sale["points_earned"] == order["total"] // 10_000
    assert hold(order["order_id"]).status == "CONSUMED"
    after = level(shop["store_id"], "KOPI-250")
    assert (int(after.on_hand), int(after.reserved)) == (int(before.on_hand) - 2, int(before.reserved) - 2)
    # The receipt print job is queued with the sale (rendering it is the receipts area's effect).
    print_item = OutboxItem.get(f"receipt-print#{order['order_id']}")
    assert print_item.kind == "print.receipt" and print_item.payload == {"order_id": order["order_id"]}
    assert service.paid_orders(cs) == []
    with pytest.raises(Conflict):
        service.make_sale(cs, order["order_id"])  # once


def test_every_action_is_audited_with_who_when_which_file_and_line(shop, clock):
    cs = caller_for(shop, "cs")
    order = book(shop, [{"sku": "KOPI-250", "qty": 1}])
    st = import_file(shop["store_id"], bca_csv([("23/11/2026", "BIAYA ADM", 10_000, "DB"),
                                                ("23/11/2026", transfer("WULAN", order["total"]), order["total"], "CR")]),
                     name="mutasi nov.csv")
    (row,) = credit_rows(st.statement_id)
    for act in (lambda: service.confirm(cs, row.fingerprint), lambda: service.unmatch(cs, row.fingerprint),
                lambda: service.hand_match(cs, [{"line_id": row.fingerprint, "order_id": order["order_id"],
                                                 "amount": order["total"]}]),
                lambda: service.make_sale(cs, order["order_id"])):
        clock.advance(60)
        act()
    entries = service.audit_log(cs)
    actions = [e["action"] for e in entries]
    assert actions[:4] == ["sale", "hand_match", "unmatch", "confirm"] and sorted(actions[4:]) == ["import", "propose"]
    by_action = {e["action"]: e for e in entries}
    for action in ("propose", "confirm", "unmatch", "hand_match"):
        (line,) = by_action[action]["lines"]
        assert line == {"fingerprint": row.fingerprint, "line_number": 7, "amount": order["total"],
                        "statement_id": st.statement_id, "object_key": st.object_key, "file": "mutasi nov.csv"}, action
        assert by_action[action]["orders"][0]["order_id"] == order["order_id"]
    # The key has a space (S3 sends it as "+"): the file is named as uploaded.
    assert by_action["propose"]["actor"] == "system" and by_action["import"]["file"] == "mutasi nov.csv"
    assert all(by_action[a]["actor"] == cs.staff_id for a in ("confirm", "unmatch", "hand_match", "sale"))
    assert [e["at"] for e in entries] == [clock.now_s() - 60 * i for i in range(4)] + [clock.now_s() - 240] * 2
    assert all(e["at_label"].endswith("WIB") for e in entries)


def test_an_order_freed_by_an_unmatch_can_be_auto_matched_again(shop, clock):
    set_settings(shop["store_id"], auto_confirm_matches=True)
    order = book(shop, [{"sku": "KOPI-250", "qty": 1}])
    wrong = import_file(shop["store_id"], bca_csv([("23/11/2026", transfer("ORANG LAIN", order["total"]), order["total"], "CR")]))
    (row,) = credit_rows(wrong.statement_id)
    service.unmatch(caller_for(shop, "cs"), row.fingerprint)  # CS: that transfer was someone else's
    clock.advance(600)
    right = import_file(shop["store_id"], bca_csv([("23/11/2026", transfer("WULAN SARI", order["total"]), order["total"], "CR")],
                                                  opening=7_000_000))
    assert right.auto_matched == 1 and order_status(order) == "PAID"
    pay = OrderPaymentRecord.get(order["order_id"])
    assert [a["fingerprint"] for a in pay.allocations] == [credit_rows(right.statement_id)[0].fingerprint]
    assert pay.version == 3  # created, emptied by the unmatch, taken again: never back to an old version
