"""Every transfer accounted for (issue 17, item 1): a credit ends matched to orders, given back with
its transfer reference, or set aside with a reason, by a person, in the audit trail; a part payment
shows on its order, and cancelling that order puts the money on the refund list in the same unit of
work; a match CS rejected is never made again by an import; and the day's money check adds up over
a mixed day, each part summed on its own."""
from __future__ import annotations

import pytest

from chalicelib.book_orders import service as book_orders
from chalicelib.core.errors import Conflict, ValidationError
from chalicelib.reconciliation import service
from chalicelib.reconciliation.repo import AuditRecord, OrderPaymentRecord, StatementLineRecord, get_line
from chalicelib.sales.repo import get_order
from tests.integration.inventory.conftest import book, caller_for, hold, level
from tests.integration.reconciliation.conftest import bca_csv, import_file, set_settings, transfer

DAY = "23/11/2026"


def rows_of(statement_id: str) -> list[StatementLineRecord]:
    return sorted((r for r in StatementLineRecord.scan() if r.statement_id == statement_id and r.direction == "CR"),
                  key=lambda r: r.line_number)


def actions(store_id: str) -> list[str]:
    return [a.action for a in AuditRecord.query(store_id)]


def queue_ids(cs, queue: str) -> list[str]:
    return [line["line_id"] for line in service.review_list(cs, queue)["lines"]]


def test_a_part_payment_shows_on_the_order_and_its_cancel_puts_the_money_on_the_refund_list(shop, clock):
    cs = caller_for(shop, "cs")
    order = book(shop, [{"sku": "KOPI-250", "qty": 1}])
    short = order["total"] - 1  # transferred without the last rupiah of the kode unik
    st = import_file(shop["store_id"], bca_csv([(DAY, transfer("WULAN SARI", short), short, "CR")]))
    (row,) = rows_of(st.statement_id)
    assert row.status == "UNMATCHED"
    service.hand_match(cs, [{"line_id": row.fingerprint, "order_id": order["order_id"], "amount": short}])

    rec = get_order(order["order_id"])
    assert (rec.status, rec.transfers_received) == ("BOOKED", short), "the part payment shows on the order"
    (listed,) = [o for o in book_orders.list_open(cs) if o["order_id"] == order["order_id"]]
    for shown in (book_orders.get(cs, order["order_id"]), listed):
        assert (shown["transfers_received"], shown["amount_left"]) == (short, 1), "on the order and in its list"

    # A plain cancel would drop the money: refused, nothing changed.
    before = level(shop["store_id"], "KOPI-250")
    with pytest.raises(Conflict) as refused:
        book_orders.cancel(cs, order["order_id"])
    assert refused.value.code == "order_has_transfers"
    assert get_order(order["order_id"]).status == "BOOKED" and hold(order["order_id"]).status == "ACTIVE"

    # "Batalkan & kembalikan dana": cancelled, goods free again, the money waits to be given back.
    service.cancel_order(cs, order["order_id"])
    rec = get_order(order["order_id"])
    assert (rec.status, rec.transfers_received) == ("CANCELLED", 0)
    assert int(level(shop["store_id"], "KOPI-250").available) == int(before.available) + 1
    moved = get_line(shop["store_id"], row.fingerprint)
    assert (moved.status, moved.allocations, moved.free()) == ("TO_REFUND", [], short)
    assert OrderPaymentRecord.get(order["order_id"]).confirmed == 0
    assert queue_ids(cs, "refund") == [row.fingerprint]
    assert "cancel_give_back" in actions(shop["store_id"])

    # Giving it back: never more than the row's free money, always with the transfer's reference.
    with pytest.raises(ValidationError) as too_much:
        service.refund_line(cs, row.fingerprint, "BCA 2311-001", amount=short + 1)
    assert too_much.value.code == "refund_exceeds_line"
    with pytest.raises(ValidationError) as no_ref:
        service.refund_line(cs, row.fingerprint, "  ")
    assert no_ref.value.code == "transfer_ref_required"
    assert get_line(shop["store_id"], row.fingerprint).status == "TO_REFUND", "refusals changed nothing"
    done = service.refund_line(cs, row.fingerprint, "BCA 2311-001")
    assert (done["status"], done["refunded"], done["free"]) == ("REFUNDED", short, 0)
    assert done["refunds"][0]["transfer_ref"] == "BCA 2311-001" and done["refunds"][0]["by"] == cs.staff_id
    assert queue_ids(cs, "refund") == [] and queue_ids(cs, "refunded") == [row.fingerprint]
    with pytest.raises(Conflict):
        service.refund_line(cs, row.fingerprint, "BCA 2311-002")


def test_a_credit_that_pays_nothing_is_set_aside_with_a_reason_or_given_back(shop, clock):
    cs = caller_for(shop, "cs")
    order = book(shop, [{"sku": "KOPI-250", "qty": 1}])
    st = import_file(shop["store_id"], bca_csv([
        (DAY, "SETORAN TUNAI 2311 KANTOR", 2_500_000, "CR"),
        (DAY, transfer("WULAN SARI", order["total"]), order["total"], "CR"),
        (DAY, transfer("WULAN SARI", order["total"], ddmm="2311"), order["total"], "CR"),  # sent twice
    ]))
    deposit, first, twice = rows_of(st.statement_id)
    with pytest.raises(ValidationError) as no_note:
        service.set_aside(cs, deposit.fingerprint, "lainnya")
    assert no_note.value.code == "note_required"
    with pytest.raises(ValidationError):
        service.set_aside(cs, deposit.fingerprint, "karena")
    aside = service.set_aside(cs, deposit.fingerprint, "bukan_penjualan", "Setoran kas toko")
    assert aside["status"] == "SET_ASIDE" and aside["set_aside"]["reason_label"].startswith("Bukan penjualan")
    assert aside["set_aside"]["by"] == cs.staff_id and queue_ids(cs, "aside") == [deposit.fingerprint]
    with pytest.raises(Conflict):
        service.refund_line(cs, deposit.fingerprint, "BCA X1")  # set aside: nothing to give back
    back = service.undo_set_aside(cs, deposit.fingerprint)
    assert back["status"] == "UNMATCHED" and deposit.fingerprint in queue_ids(cs, "review")
    service.set_aside(cs, deposit.fingerprint, "bukan_penjualan")

    # One transfer pays the order; setting aside a matched row is refused.
    matched = get_line(shop["store_id"], first.fingerprint)
    if matched.status != "MATCHED":
        service.hand_match(cs, [{"line_id": first.fingerprint, "order_id": order["order_id"], "amount": order["total"]}])
    with pytest.raises(Conflict) as refused:
        service.set_aside(cs, first.fingerprint, "duplikat")
    assert refused.value.code == "line_not_unmatched"
    # The second one is given back in full.
    done = service.refund_line(cs, twice.fingerprint, "BCA 2311-777", note="Transfer ganda")
    assert (done["status"], done["refunded"]) == ("REFUNDED", order["total"])
    assert {"set_aside", "undo_set_aside", "refund"} <= set(actions(shop["store_id"]))


def test_a_match_cs_rejected_is_never_made_again_by_an_import(shop, clock):
    set_settings(shop["store_id"], auto_confirm_matches=True)
    order = book(shop, [{"sku": "KOPI-250", "qty": 1}])
    content = bca_csv([(DAY, transfer("WULAN SARI", order["total"]), order["total"], "CR")])
    st = import_file(shop["store_id"], content)
    (row,) = rows_of(st.statement_id)
    assert get_order(order["order_id"]).status == "PAID"
    service.unmatch(caller_for(shop, "cs"), row.fingerprint)  # CS: not this customer's transfer
    assert get_order(order["order_id"]).status == "BOOKED"

    # Tomorrow's export overlaps today's: the same row comes again.
    again = import_file(shop["store_id"], content, name="mutasi besok.csv")
    assert again.auto_matched == 0
    assert get_line(shop["store_id"], row.fingerprint).status == "UNMATCHED"
    assert get_order(order["order_id"]).status == "BOOKED", "never re-paid by the system"


def test_the_days_money_check_adds_up_over_a_mixed_day(shop, clock):
    cs = caller_for(shop, "cs")
    set_settings(shop["store_id"], auto_confirm_matches=True)
    paid = book(shop, [{"sku": "KOPI-250", "qty": 1}])
    part = book(shop, [{"sku": "TEH-350", "qty": 1}])
    cancelled = book(shop, [{"sku": "AIR-600", "qty": 1}])
    st = import_file(shop["store_id"], bca_csv([
        (DAY, transfer("WULAN SARI", paid["total"]), paid["total"], "CR"),            # auto-matched: a sale's money
        (DAY, transfer("BUDI", part["total"] - 1), part["total"] - 1, "CR"),          # part payment, order still open
        (DAY, transfer("SARI", cancelled["total"] - 1), cancelled["total"] - 1, "CR"),  # its order is cancelled
        (DAY, "SETORAN TUNAI 2311", 1_000_000, "CR"),                                   # set aside
        (DAY, transfer("TANPA PESANAN", 55_000), 55_000, "CR"),                         # given back
        (DAY, transfer("BELUM JELAS", 77_000), 77_000, "CR"),                           # waiting
        (DAY, "BIAYA ADM", 10_000, "DB"),                                               # a debit: not a credit
    ]))
    sale_row, part_row, cancel_row, deposit, unknown, waiting = rows_of(st.statement_id)
    assert get_line(shop["store_id"], sale_row.fingerprint).status == "MATCHED"
    service.hand_match(cs, [{"line_id": part_row.fingerprint, "order_id": part["order_id"], "amount": part["total"] - 1}])
    service.hand_match(cs, [{"line_id": cancel_row.fingerprint, "order_id": cancelled["order_id"],
                             "amount": cancelled["total"] - 1}])
    service.cancel_order(cs, cancelled["order_id"])
    service.set_aside(cs, deposit.fingerprint, "bukan_penjualan")
    service.refund_line(cs, unknown.fingerprint, "BCA 2311-55")

    check = service.money_check(cs, "2026-11-23")
    credits = paid["total"] + part["total"] - 1 + cancelled["total"] - 1 + 1_000_000 + 55_000 + 77_000
    assert check["credits"] == credits and check["rows"] == 6
    assert (check["matched"], check["refunded"], check["set_aside"]) == (paid["total"], 55_000, 1_000_000)
    assert (check["unmatched"], check["proposed"], check["part_paid"], check["to_refund"]) == (
        77_000, 0, part["total"] - 1, cancelled["total"] - 1)
    assert check["waiting"] == 77_000 + part["total"] - 1 + cancelled["total"] - 1
    assert check["balanced"] is True and check["difference"] == 0
    assert check["labels"]["credits"].startswith("Rp")

    # Giving back the cancelled order's money moves it from waiting to refunded; still balanced.
    service.refund_line(cs, cancel_row.fingerprint, "BCA 2311-56")
    after = service.money_check(cs, "2026-11-23")
    assert (after["to_refund"], after["refunded"], after["balanced"]) == (0, 55_000 + cancelled["total"] - 1, True)
    assert service.money_check(cs, "2026-11-22")["credits"] == 0
    with pytest.raises(ValidationError):
        service.money_check(cs, "23/11/2026")


def test_a_transfer_short_within_the_tolerance_is_accepted_as_paid_with_the_difference_recorded(shop, clock):
    cs = caller_for(shop, "cs")
    order = book(shop, [{"sku": "KOPI-250", "qty": 1}])
    short = order["total"] - 7  # the customer left off the kode unik's last digits
    st = import_file(shop["store_id"], bca_csv([(DAY, transfer("WULAN SARI", short), short, "CR")]))
    (row,) = rows_of(st.statement_id)
    match = [{"line_id": row.fingerprint, "order_id": order["order_id"], "amount": short}]
    with pytest.raises(ValidationError) as refused:  # the store accepts nothing short yet
        service.hand_match(cs, match, accept_short=True)
    assert refused.value.code == "short_above_tolerance"
    assert get_line(shop["store_id"], row.fingerprint).status == "UNMATCHED", "refused: nothing changed"

    set_settings(shop["store_id"], short_payment_tolerance=10)
    result = service.hand_match(cs, match, accept_short=True)
    assert result["paid_orders"] == [order["order_id"]]
    rec = get_order(order["order_id"])
    assert (rec.status, rec.paid_amount, list(rec.flags or [])) == ("PAID", short, []), "paid, not sent to review"
    assert OrderPaymentRecord.get(order["order_id"]).short_accepted == 7
    (entry,) = [a for a in AuditRecord.query(shop["store_id"]) if a.action == "hand_match"]
    assert entry.detail["short_accepted"] == {order["order_id"]: 7}
    assert service.make_sale(cs, order["order_id"])["status"] == "COMPLETED"
    check = service.money_check(cs, "2026-11-23")
    assert (check["matched"], check["balanced"]) == (short, True)


def test_an_over_payment_pays_the_order_and_its_rest_waits_on_the_refund_list(shop, clock):
    cs = caller_for(shop, "cs")
    order = book(shop, [{"sku": "KOPI-250", "qty": 1}])
    over = order["total"] + 5_000
    st = import_file(shop["store_id"], bca_csv([(DAY, transfer("WULAN SARI", over), over, "CR")]))
    (row,) = rows_of(st.statement_id)
    match = [{"line_id": row.fingerprint, "order_id": order["order_id"], "amount": order["total"]}]
    with pytest.raises(ValidationError) as refused:
        service.hand_match(cs, match)
    assert refused.value.code == "allocation_mismatch"
    service.hand_match(cs, match, rest_to_refund=True)
    assert get_order(order["order_id"]).status == "PAID"
    rec = get_line(shop["store_id"], row.fingerprint)
    assert (rec.status, rec.free()) == ("MATCHED", 5_000) and queue_ids(cs, "refund") == [row.fingerprint]
    assert service.money_check(cs, "2026-11-23")["to_refund"] == 5_000
    done = service.refund_line(cs, row.fingerprint, "BCA 2311-LEBIH")
    assert (done["status"], done["refunded"], done["free"]) == ("MATCHED", 5_000, 0)
    assert queue_ids(cs, "refund") == []
    check = service.money_check(cs, "2026-11-23")
    assert (check["matched"], check["refunded"], check["waiting"], check["balanced"]) == (order["total"], 5_000, 0, True)


def test_the_chat_customer_hears_when_the_transfer_arrives_and_when_the_order_ends(shop, clock):
    from chalicelib.core.outbox import OutboxItem

    cs = caller_for(shop, "cs")
    set_settings(shop["store_id"], auto_confirm_matches=True)
    paid = book(shop, [{"sku": "KOPI-250", "qty": 1}], customer_name="Wulan Sari")
    cancelled = book(shop, [{"sku": "TEH-350", "qty": 1}], customer_name="Budi Santoso", phone="+6281298765432")
    expired = book(shop, [{"sku": "AIR-600", "qty": 1}], customer_name="Sari Dewi", phone="+6281311112222")
    part = cancelled["total"] - 1
    st = import_file(shop["store_id"], bca_csv([(DAY, transfer("WULAN SARI", paid["total"]), paid["total"], "CR"),
                                                (DAY, transfer("BUDI", part), part, "CR")]))
    message = OutboxItem.get(f"msg-paid#{paid['order_id']}").payload
    assert (message["to"], message["template"]) == ("+6281234567890", "sambung_pembayaran_diterima")
    assert message["params"]["name"] == "Wulan" and message["params"]["order_no"] == paid["order_no"]

    (_, budi_row) = rows_of(st.statement_id)
    service.hand_match(cs, [{"line_id": budi_row.fingerprint, "order_id": cancelled["order_id"], "amount": part}])
    service.cancel_order(cs, cancelled["order_id"])
    message = OutboxItem.get(f"msg-cancelled#{cancelled['order_id']}").payload
    assert (message["to"], message["template"]) == ("+6281298765432", "sambung_pesanan_dibatalkan")
    assert "akan kami kembalikan" in message["params"]["refund"] and f"{part:,}".replace(",", ".") in message["params"]["refund"]

    clock.advance(days=3)
    assert book_orders.get(cs, expired["order_id"])["status"] == "EXPIRED"
    message = OutboxItem.get(f"msg-expired#{expired['order_id']}").payload
    assert (message["to"], message["template"]) == ("+6281311112222", "sambung_pesanan_kedaluwarsa")
