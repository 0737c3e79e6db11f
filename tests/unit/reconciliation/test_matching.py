"""Which credits pay which Book Orders, and why the others wait for CS."""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from chalicelib.reconciliation.fingerprints import assign_fingerprints
from chalicelib.reconciliation.matching import MatchCandidate, OrderIndex, OrderStatus, ReviewReason, match_lines
from chalicelib.reconciliation.statement import StatementLine

from .samples import parse_fixture

WIB = ZoneInfo("Asia/Jakarta")
ACCOUNT = "0123456789"


def wib(text: str) -> int:
    """``'2025-03-10 07:00'`` in Jakarta -> epoch seconds."""
    return int(datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=WIB).timestamp())


def order(
    order_id: str,
    amount_due: int,
    *,
    kode: int = 123,
    booked: str = "2025-03-10 07:00",
    deadline: str = "2025-03-10 19:00",
    grace: int = 3600,
    status: str = "OPEN",
    name: str = "",
    order_no: str | None = None,
    account: str = ACCOUNT,
) -> MatchCandidate:
    return MatchCandidate(
        order_id=order_id,
        order_no=order_no or f"BO-{order_id}",
        account=account,
        amount_due=amount_due,
        kode_unik=kode,
        booked_at=wib(booked),
        deadline=wib(deadline),
        grace_seconds=grace,
        status=status,
        customer_name=name,
    )


def credit(
    amount: int,
    day: str | None = "2025-03-10",
    *,
    at: str | None = None,
    description: str = "SETORAN",
    payer: str | None = None,
    direction: str = "CR",
    amount_sen: int = 0,
    line: int = 1,
) -> StatementLine:
    return StatementLine(
        bank="BCA",
        account=ACCOUNT,
        posted_date=day,
        pending=day is None,
        direction=direction,
        amount=amount,
        balance_after=None,
        description=description,
        payer_name=payer,
        line_number=line,
        raw_line=description,
        posted_time=at,
        amount_sen=amount_sen,
    )


def plan_for(lines, orders, **kwargs):
    return match_lines(assign_fingerprints(lines), orders, **kwargs)


def only_reason(plan) -> ReviewReason:
    assert plan.auto == ()
    (item,) = plan.review
    return item.reason


# --------------------------------------------------------------------------------------------------
# the reference BCA sample against a realistic order book


def test_bca_sample_against_open_orders():
    statement = parse_fixture("bca_individual_id.csv")
    orders = [
        order("1043", 150_123, name="Siti Rahmawati"),
        order("1044", 275_417, kode=417, booked="2025-03-09 20:00", deadline="2025-03-10 20:00", name="Budi Santoso"),
        order("2001", 89_250, kode=250, booked="2025-03-11 07:00", deadline="2025-03-11 19:00"),
        order("2002", 89_250, kode=250, booked="2025-03-11 08:00", deadline="2025-03-11 20:00"),
        order("3100", 310_123, booked="2025-03-11 07:00", deadline="2025-03-11 19:00", name="Agus Prasetyo"),
        order("1200", 120_000, kode=500, booked="2025-03-13 07:00", deadline="2025-03-13 19:00", name="Rina Wati"),
        order("1999", 199_999, kode=999, booked="2025-03-14 07:00", deadline="2025-03-15 07:00", name="Lina Marlina"),
    ]
    plan = match_lines(statement.lines, orders)
    assert [(m.line.line_number, m.order.order_id) for m in plan.auto] == [(6, "1043"), (7, "1044")]
    assert [(r.line.line_number, r.reason) for r in plan.review] == [
        (8, ReviewReason.SEVERAL_CANDIDATES),
        (9, ReviewReason.AMOUNT_WITHOUT_CODE),
        (10, ReviewReason.DEBIT),
        (11, ReviewReason.DEBIT),
        (12, ReviewReason.SEVERAL_CREDITS),
        (13, ReviewReason.SEVERAL_CREDITS),
        (14, ReviewReason.DEBIT),
        (15, ReviewReason.DEBIT),
        (16, ReviewReason.PENDING),
    ]
    review = {r.line.line_number: r for r in plan.review}
    assert {s.order_id for s in review[8].suggestions} == {"2001", "2002"}
    assert review[9].suggestions[0].order_id == "3100"
    assert set(review[9].suggestions[0].signals) >= {"amount_without_code", "name", "date"}
    # Rina's transfer outranks Joko's for her order: same amount, her name.
    assert review[12].suggestions[0].score > review[13].suggestions[0].score
    assert review[16].suggestions[0].order_id == "1999"
    assert review[10].suggestions == ()


def test_every_row_lands_once_and_duplicates_are_ignored():
    lines = parse_fixture("bca_individual_id.csv").lines
    plan = match_lines(list(lines) + list(lines[:4]), [order("1043", 150_123)])
    seen = [m.line.fingerprint for m in plan.auto] + [r.line.fingerprint for r in plan.review]
    assert sorted(seen) == sorted(line.fingerprint for line in lines)
    assert [m.order.order_id for m in plan.auto] == ["1043"]


# --------------------------------------------------------------------------------------------------
# one reason at a time


def test_exactly_one_open_order_in_its_window_auto_matches():
    plan = plan_for([credit(150_123)], [order("A", 150_123)])
    assert [(m.line.amount, m.order.order_id) for m in plan.auto] == [(150_123, "A")]
    assert plan.review == ()


def test_order_on_another_receiving_account_is_not_a_candidate():
    plan = plan_for([credit(150_123)], [order("A", 150_123, account="9999999999")])
    assert only_reason(plan) is ReviewReason.NO_CANDIDATE


def test_several_open_orders_with_the_amount():
    plan = plan_for([credit(150_123)], [order("A", 150_123), order("B", 150_123)])
    assert only_reason(plan) is ReviewReason.SEVERAL_CANDIDATES


def test_an_expired_order_with_the_same_total_blocks_the_new_one():
    orders = [
        order("OLD", 150_123, booked="2025-03-08 07:00", deadline="2025-03-08 19:00", status="EXPIRED"),
        order("NEW", 150_123),
    ]
    plan = plan_for([credit(150_123)], orders)
    assert only_reason(plan) is ReviewReason.SEVERAL_CANDIDATES
    assert {s.order_id for s in plan.review[0].suggestions} == {"OLD", "NEW"}


def test_an_expired_order_booked_after_the_credit_cannot_be_what_it_paid():
    orders = [
        order("LATER", 150_123, booked="2025-03-12 07:00", deadline="2025-03-12 19:00", status="EXPIRED"),
        order("A", 150_123),
    ]
    assert [m.order.order_id for m in plan_for([credit(150_123)], orders).auto] == ["A"]


def test_two_credits_for_one_order():
    plan = plan_for([credit(150_123, line=1), credit(150_123, line=2)], [order("A", 150_123)])
    assert plan.auto == ()
    assert [r.reason for r in plan.review] == [ReviewReason.SEVERAL_CREDITS] * 2


def test_amount_without_its_code():
    plan = plan_for([credit(150_000)], [order("A", 150_123)])
    assert only_reason(plan) is ReviewReason.AMOUNT_WITHOUT_CODE
    assert plan.review[0].suggestions[0].order_id == "A"


def test_partial_payment_found_by_name():
    orders = [order("A", 150_250, kode=250, name="Dewi Lestari"), order("B", 99_123, name="Joko")]
    plan = plan_for([credit(100_000, payer="DEWI LESTARI")], orders)
    assert only_reason(plan) is ReviewReason.PARTIAL_PAYMENT
    best = plan.review[0].suggestions[0]
    assert (best.order_id, best.signals) == ("A", ("name", "date"))


def test_over_payment_found_by_order_number_in_the_remark():
    plan = plan_for([credit(200_000, description="TRSF BO-2001 LUNAS")], [order("2001", 150_250, kode=250)])
    assert only_reason(plan) is ReviewReason.OVER_PAYMENT
    assert "order_no" in plan.review[0].suggestions[0].signals


def test_order_number_written_as_digits_only_is_found():
    plan = plan_for([credit(100_000, description="ORDER 2001")], [order("2001", 150_250, kode=250)])
    assert plan.review[0].suggestions[0].signals[0] == "order_no"


def test_pend_row_never_auto_matches():
    plan = plan_for([credit(150_123, day=None)], [order("A", 150_123)])
    assert only_reason(plan) is ReviewReason.PENDING
    assert plan.review[0].suggestions[0].order_id == "A"


@pytest.mark.parametrize("status", ["EXPIRED", "CANCELLED"])
def test_late_payment_for_an_expired_or_cancelled_order(status):
    plan = plan_for([credit(150_123, day="2025-03-12")], [order("A", 150_123, status=status)])
    assert only_reason(plan) is ReviewReason.LATE_PAYMENT
    assert plan.review[0].suggestions[0].status == status


def test_late_payment_for_an_open_order_past_deadline_and_grace():
    plan = plan_for([credit(150_123, day="2025-03-11")], [order("A", 150_123, grace=3600)])
    assert only_reason(plan) is ReviewReason.LATE_PAYMENT


def test_credit_before_the_booking():
    plan = plan_for([credit(150_123, day="2025-03-09")], [order("A", 150_123)])
    assert only_reason(plan) is ReviewReason.BEFORE_BOOKING


def test_credit_for_an_order_already_paid():
    plan = plan_for([credit(150_123)], [order("A", 150_123, status="PAID")])
    assert only_reason(plan) is ReviewReason.ALREADY_PAID


def test_debit_is_never_a_payment():
    plan = plan_for([credit(150_123, direction="DB")], [order("A", 150_123)])
    assert only_reason(plan) is ReviewReason.DEBIT
    assert plan.review[0].suggestions == ()


def test_credit_with_sen_is_flagged():
    interest = next(l for l in parse_fixture("bca_individual_yearend.csv").lines if l.description == "BUNGA")
    plan = match_lines([interest], [order("A", 1_234)])
    assert only_reason(plan) is ReviewReason.FRACTIONAL_AMOUNT


def test_nothing_auto_matches_from_a_statement_that_needs_review():
    plan = plan_for([credit(150_123), credit(5_000, direction="DB", line=2)], [order("A", 150_123)], statement_needs_review=True)
    assert plan.auto == ()
    assert [r.reason for r in plan.review] == [ReviewReason.STATEMENT_NEEDS_REVIEW, ReviewReason.DEBIT]
    assert plan.review[0].suggestions[0].order_id == "A"


def test_no_candidate():
    assert only_reason(plan_for([credit(77_777)], [order("A", 150_123)])) is ReviewReason.NO_CANDIDATE


def test_rows_without_fingerprint_are_refused():
    with pytest.raises(ValueError, match="fingerprint"):
        match_lines([credit(1)], [])


# --------------------------------------------------------------------------------------------------
# dates: day resolution in Jakarta time, instants when the bank gives a time


def test_posted_day_is_a_jakarta_day_not_a_utc_day_late_evening_order():
    # Booked 23:30 WIB on the 10th (16:30 UTC), deadline 01:00 WIB on the 11th (18:00 UTC on the 10th).
    # A credit posted "11/03" may have happened between 00:00 and 01:00 WIB: inside the window.
    # Read as a UTC day it would start at 07:00 WIB, after the deadline.
    late = order("A", 150_123, booked="2025-03-10 23:30", deadline="2025-03-11 01:00", grace=0)
    assert [m.order.order_id for m in plan_for([credit(150_123, day="2025-03-11")], [late]).auto] == ["A"]


def test_posted_day_is_a_jakarta_day_not_a_utc_day_early_morning_order():
    # Booked 03:00 WIB on the 11th (20:00 UTC on the 10th). The Jakarta day "10/03" ended before the
    # booking, so the credit cannot pay it; as a UTC day it would overlap the booking.
    early = order("A", 150_123, booked="2025-03-11 03:00", deadline="2025-03-11 15:00")
    assert only_reason(plan_for([credit(150_123, day="2025-03-10")], [early])) is ReviewReason.BEFORE_BOOKING


def test_same_day_payment_counts_even_though_the_day_starts_before_the_booking():
    noon = order("A", 150_123, booked="2025-03-10 12:00", deadline="2025-03-10 14:00", grace=0)
    assert len(plan_for([credit(150_123, day="2025-03-10")], [noon]).auto) == 1


def test_grace_stretches_the_window_to_the_next_day():
    tight = order("A", 150_123, booked="2025-03-10 20:00", deadline="2025-03-10 23:00", grace=3600)
    assert len(plan_for([credit(150_123, day="2025-03-11")], [tight]).auto) == 1
    no_grace = replace(tight, grace_seconds=0)
    assert only_reason(plan_for([credit(150_123, day="2025-03-11")], [no_grace])) is ReviewReason.LATE_PAYMENT


def test_a_row_with_a_time_is_compared_to_the_second():
    booked_nine = order("A", 150_123, booked="2025-03-10 09:00", deadline="2025-03-10 21:00", grace=0)
    before = credit(150_123, at="08:15:22")
    assert only_reason(plan_for([before], [booked_nine])) is ReviewReason.BEFORE_BOOKING
    assert len(plan_for([credit(150_123, at="20:59:59")], [booked_nine]).auto) == 1
    assert only_reason(plan_for([credit(150_123, at="21:00:01")], [booked_nine])) is ReviewReason.LATE_PAYMENT


def test_bri_sample_uses_transaction_times():
    statement = parse_fixture("bri.csv")
    account = statement.account
    orders = [
        order("1043", 150_123, booked="2025-03-10 08:00", deadline="2025-03-10 20:00", account=account),
        order("1044", 275_417, kode=417, booked="2025-03-11 10:30", deadline="2025-03-11 20:00", account=account),
    ]
    plan = match_lines(statement.lines, orders)
    assert [m.order.order_id for m in plan.auto] == ["1043"]
    reasons = {r.line.line_number: r.reason for r in plan.review}
    assert reasons[5] is ReviewReason.BEFORE_BOOKING  # paid 10:20:31, booked 10:30


# --------------------------------------------------------------------------------------------------
# suggestions


def test_suggestions_are_ranked_and_capped():
    # Eight orders of Rp150.000 plus codes 1..8; the customer sent the price without a code.
    orders = [order(f"O{i}", 150_000 + i, kode=i, name="Siti Rahmawati") for i in range(1, 9)]
    plan = plan_for([credit(150_000, payer="SITI RAHMAWA", description="ORDER BO-O3")], orders, max_suggestions=3)
    assert only_reason(plan) is ReviewReason.AMOUNT_WITHOUT_CODE
    suggestions = plan.review[0].suggestions
    assert [s.order_id for s in suggestions] == ["O3", "O1", "O2"]  # order number first, then by id
    assert suggestions[0].signals == ("amount_without_code", "order_no", "name", "date")
    assert suggestions[0].score == 30 + 40 + 25 + 10
    assert suggestions[1].score == suggestions[2].score == 30 + 25 + 10


def test_truncated_bca_name_still_counts_as_a_name_match():
    orders = [order("A", 175_250, kode=250, name="Bapak Yohanes Kristianto Wijaya")]
    plan = plan_for([credit(175_000, payer="YOHANES KRISTIANT")], orders)
    assert "name" in plan.review[0].suggestions[0].signals


def test_order_index_can_be_reused_across_statements():
    index = OrderIndex([order("A", 150_123), order("B", 275_417, kode=417)])
    assert [m.order.order_id for m in match_lines(assign_fingerprints([credit(150_123)]), index).auto] == ["A"]
    assert [m.order.order_id for m in match_lines(assign_fingerprints([credit(275_417)]), index).auto] == ["B"]


def test_status_strings_are_read_as_order_statuses():
    assert order("A", 1, status="PAID").status is OrderStatus.PAID
    with pytest.raises(ValueError):
        order("A", 1, status="BOOKED")
