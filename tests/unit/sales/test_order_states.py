"""The order state machine (sales.model): which moves exist, where a payment takes an order, and
that nothing ever moves backwards. Pure rules, no AWS."""
import itertools

import pytest

from chalicelib.core.errors import Conflict
from chalicelib.sales import model as m

STATES = [m.AWAITING_PAYMENT, m.BOOKED, m.PAID, m.COMPLETED, m.EXPIRED, m.FAILED, m.CANCELLED, m.PAID_LATE,
          m.NEEDS_REVIEW, m.VOIDED, m.REFUNDED]


@pytest.mark.parametrize("current,target", [
    (m.AWAITING_PAYMENT, m.PAID), (m.AWAITING_PAYMENT, m.EXPIRED), (m.AWAITING_PAYMENT, m.FAILED),
    (m.AWAITING_PAYMENT, m.CANCELLED),
    (m.BOOKED, m.PAID), (m.BOOKED, m.EXPIRED), (m.BOOKED, m.CANCELLED), (m.BOOKED, m.AWAITING_PAYMENT),
    (m.PAID, m.COMPLETED), (m.PAID_LATE, m.COMPLETED),
    (m.EXPIRED, m.AWAITING_PAYMENT), (m.FAILED, m.AWAITING_PAYMENT),  # "Coba lagi"
    (m.EXPIRED, m.PAID_LATE), (m.FAILED, m.PAID_LATE), (m.CANCELLED, m.PAID_LATE),
    (m.EXPIRED, m.CANCELLED), (m.FAILED, m.CANCELLED),
    (m.AWAITING_PAYMENT, m.NEEDS_REVIEW), (m.BOOKED, m.NEEDS_REVIEW), (m.EXPIRED, m.NEEDS_REVIEW),
    (m.FAILED, m.NEEDS_REVIEW), (m.CANCELLED, m.NEEDS_REVIEW), (m.NEEDS_REVIEW, m.COMPLETED),
    (m.COMPLETED, m.VOIDED), (m.PAID_LATE, m.REFUNDED), (m.NEEDS_REVIEW, m.REFUNDED),  # money back
])
def test_the_moves_a_cashier_or_a_payment_can_make(current, target):
    assert m.can_move(current, target)
    m.require_move(current, target)


def test_no_other_move_exists_and_each_refusal_says_why():
    allowed = {(c, t) for c in STATES for t in STATES if m.can_move(c, t)}
    assert len(allowed) == 26
    for current, target in itertools.product(STATES, STATES):
        if (current, target) in allowed:
            continue
        with pytest.raises(Conflict) as e:
            m.require_move(current, target)
        assert e.value.code == "invalid_transition" and e.value.details == {"status": current}
        assert m.STATUS_LABELS[current] in e.value.message


def test_a_completed_order_is_final_but_for_a_void_and_paid_never_goes_back_to_unpaid():
    assert [t for t in STATES if m.can_move(m.COMPLETED, t)] == [m.VOIDED]
    assert not any(m.can_move(end, t) for end in (m.VOIDED, m.REFUNDED) for t in STATES)
    for paid in (m.PAID, m.PAID_LATE, m.NEEDS_REVIEW):
        assert not any(m.can_move(paid, t) for t in (m.AWAITING_PAYMENT, m.BOOKED, m.EXPIRED, m.FAILED, m.CANCELLED))


@pytest.mark.parametrize("current,expected", [
    (m.AWAITING_PAYMENT, m.PAID), (m.BOOKED, m.PAID),
    (m.EXPIRED, m.PAID_LATE), (m.FAILED, m.PAID_LATE), (m.CANCELLED, m.PAID_LATE),
    (m.PAID, None), (m.PAID_LATE, None), (m.COMPLETED, None), (m.NEEDS_REVIEW, None),
])
def test_where_a_confirmed_payment_takes_an_order(current, expected):
    """Open -> PAID; after an unpaid end -> PAID_LATE for staff; already paid -> nothing (a duplicate
    or a second payment, which the caller flags)."""
    assert m.on_payment(current) == expected
    if expected is not None:
        assert m.can_move(current, expected)


def test_every_state_has_an_indonesian_label():
    assert set(m.STATUS_LABELS) == set(STATES)
    assert m.STATUS_LABELS[m.PAID_LATE] == "Dibayar terlambat"


@pytest.mark.parametrize("order_id,attempt", [("01JABC", 1), ("01J-with-dash", 12), ("x", 999)])
def test_a_gateway_reference_names_the_order_and_the_attempt(order_id, attempt):
    assert m.split_gateway_ref(m.gateway_ref(order_id, attempt)) == (order_id, attempt)


@pytest.mark.parametrize("ref", ["", "01JABC", "01JABC-", "-3", "01JABC-x", "01JABC-1.5"])
def test_a_reference_we_did_not_make_is_not_split(ref):
    assert m.split_gateway_ref(ref) is None


def test_change_is_exact_and_too_little_cash_is_refused():
    assert m.change_due(18_000, 20_000) == 2_000
    assert m.change_due(18_000, 18_000) == 0
    with pytest.raises(Conflict) as e:
        m.change_due(18_000, 17_999)
    assert e.value.code == "cash_insufficient" and e.value.details == {"total": 18_000, "received": 17_999}


def test_a_line_totals_exactly_in_rupiah():
    line = m.Line("KOPI-250", "Kopi 250 g", 3, 45_500, "8991234567890")
    assert line.total == 136_500
    assert line.to_dict()["line_total"] == 136_500


def test_a_payment_is_the_one_asked_for_only_with_the_exact_amount_and_transaction():
    ok = dict(expected_amount=18_000, paid_amount=18_000, expected_ref="tx-1", paid_ref="tx-1")
    assert m.payment_mismatches(**ok) == []
    assert m.payment_mismatches(**{**ok, "paid_amount": 1}) == ["amount_mismatch"]
    assert m.payment_mismatches(**{**ok, "paid_amount": 18_001}) == ["amount_mismatch"]  # more is wrong too
    assert m.payment_mismatches(**{**ok, "paid_amount": None}) == ["amount_mismatch"]
    assert m.payment_mismatches(**{**ok, "paid_ref": "tx-2"}) == ["transaction_mismatch"]
    assert m.payment_mismatches(**{**ok, "paid_ref": None}) == []  # a gateway that does not name it
    assert m.NEEDS_REVIEW in m.PAID_STATES and m.STATUS_LABELS[m.NEEDS_REVIEW] == "Perlu dicek"
