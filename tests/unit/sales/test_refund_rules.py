"""Refund rules: limits, partials, rounding, points."""
from __future__ import annotations

import itertools

import pytest

from chalicelib.core.errors import Conflict, ValidationError
from chalicelib.sales import refund_rules as r

ITEMS = [{"sku": "KOPI", "name": "Kopi", "qty": 3, "unit_price": 18_000},
         {"sku": "ROTI", "name": "Roti", "qty": 1, "unit_price": 15_500},
         {"sku": "KOPI", "name": "Kopi", "qty": 1, "unit_price": 18_000}]  # a second line of KOPI
SUBTOTAL = 4 * 18_000 + 15_500  # 87.500


def _plan(request=None, *, paid=SUBTOTAL, refunded=0, qty=None):
    return r.plan(ITEMS, subtotal=SUBTOTAL, paid=paid, refunded_amount=refunded, refunded_qty=qty, request=request)


def test_a_full_refund_takes_everything_left_to_the_rupiah():
    p = _plan()
    assert p.amount == 87_500 and p.closes and p.quantities == {"KOPI": 4, "ROTI": 1}
    assert sum(line.amount for line in p.lines) == 87_500


def test_a_partial_refund_by_line_and_quantity():
    p = _plan([{"sku": "KOPI", "quantity": 2, "restock": False}])
    assert (p.amount, p.closes, p.lines[0].restock) == (36_000, False, False)


def test_lines_of_one_sku_are_merged_and_capped_at_what_was_sold():
    with pytest.raises(Conflict) as e:
        _plan([{"sku": "KOPI", "quantity": 3}, {"sku": "KOPI", "quantity": 2}])
    assert e.value.code == "refund_qty_exceeds_sold" and e.value.details["left"] == 4
    with pytest.raises(Conflict) as e:
        _plan([{"sku": "KOPI", "quantity": 2}], qty={"KOPI": 3})
    assert e.value.details["left"] == 1


@pytest.mark.parametrize("bad, code", [
    ([{"sku": "TEH", "quantity": 1}], "refund_sku_not_sold"),
    ([{"sku": "KOPI", "quantity": 0}], "invalid_refund_qty"),
    ([{"sku": "KOPI", "quantity": -1}], "invalid_refund_qty"),
    ([{"sku": "KOPI", "quantity": 1.5}], "invalid_refund_qty"),
    ([{"sku": "KOPI", "quantity": True}], "invalid_refund_qty"),
    ([{"sku": "KOPI", "quantity": 1, "restock": "ya"}], "invalid_refund_line"),
    ([], "refund_lines_required"),
    (["KOPI"], "invalid_refund_line"),
])
def test_bad_lines_are_refused(bad, code):
    with pytest.raises(ValidationError) as e:
        _plan(bad)
    assert e.value.code == code


def test_nothing_left_is_refused():
    with pytest.raises(Conflict) as e:
        _plan(refunded=87_500, qty={"KOPI": 4, "ROTI": 1})
    assert e.value.code == "already_refunded"


def test_a_discounted_sale_refunds_each_line_its_share_and_the_parts_add_up():
    paid = 80_001  # a discount of 7.499 spread over the lines
    first = _plan([{"sku": "KOPI", "quantity": 1}], paid=paid)
    assert first.amount == 18_000 * paid // SUBTOTAL == 16_457
    second = _plan([{"sku": "ROTI", "quantity": 1}], paid=paid, refunded=first.amount, qty={"KOPI": 1})
    last = _plan(paid=paid, refunded=first.amount + second.amount, qty={"KOPI": 1, "ROTI": 1})
    assert last.closes and first.amount + second.amount + last.amount == paid


def test_any_order_of_single_unit_refunds_adds_up_to_what_was_paid():
    units = ["KOPI"] * 4 + ["ROTI"]
    for order in set(itertools.permutations(units)):
        refunded, qty = 0, {}
        for sku in order:
            p = _plan([{"sku": sku, "quantity": 1}], paid=80_001, refunded=refunded, qty=qty)
            refunded += p.amount
            qty[sku] = qty.get(sku, 0) + 1
        assert refunded == 80_001


def test_money_paid_above_the_total_is_refunded_as_money_only_once_every_unit_is_back():
    p = _plan(paid=90_000, refunded=87_500, qty={"KOPI": 4, "ROTI": 1})
    assert p.amount == 2_500 and p.lines == ()


def test_points_taken_back_add_up_to_what_was_earned():
    earned, paid = 8, 87_500
    parts = [18_000, 18_000, 15_500, 36_000]
    taken, before = [], 0
    for amount in parts:
        taken.append(r.points_to_take(earned, paid, before, amount))
        before += amount
    assert sum(taken) == earned and taken == [1, 2, 1, 4]
    assert r.points_to_take(0, paid, 0, paid) == 0


def test_reason_tender_and_approval():
    assert r.reason("barang_rusak", "  retak ") == ("barang_rusak", "retak")
    for bad in (("nope", None), ("lainnya", None), ("lainnya", "   "), ("salah_input", "x" * 201)):
        with pytest.raises(ValidationError):
            r.reason(*bad)
    assert r.tender(None, "QRIS", None) == ("QRIS", None)
    assert r.tender("CASH", "QRIS", None) == ("CASH", None)
    assert r.tender("BANK_TRANSFER", "BANK_TRANSFER", " TRX-1 ") == ("BANK_TRANSFER", "TRX-1")
    for bad in (("QRIS", "CASH", None), ("BANK_TRANSFER", "CASH", None), ("CHEQUE", "CASH", None), ("CASH", "CASH", "x")):
        with pytest.raises(ValidationError):
            r.tender(*bad)
    assert r.needs_approval(50_000, role="cashier", limit=0, approver_roles=("supervisor", "admin"))
    assert not r.needs_approval(50_000, role="supervisor", limit=0, approver_roles=("supervisor", "admin"))
    assert not r.needs_approval(50_000, role="cashier", limit=50_000, approver_roles=("admin",))
