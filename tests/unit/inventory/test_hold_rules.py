"""Hold, drop order and adjustment rules: pure functions, no AWS."""
import pytest

from chalicelib.core.errors import ValidationError
from chalicelib.book_orders import model as book
from chalicelib.inventory import model
from chalicelib.sales import model as sales

NOW = 1_795_392_000


def test_an_active_hold_stops_counting_the_second_its_deadline_passes():
    assert model.hold_counts(model.HOLD_ACTIVE, NOW + 1, NOW)
    assert not model.hold_counts(model.HOLD_ACTIVE, NOW, NOW)
    assert not model.hold_counts(model.HOLD_ACTIVE, NOW - 3600, NOW)


def test_a_hold_being_paid_counts_until_settled_and_settled_ones_never_count():
    assert model.hold_counts(model.HOLD_PAYING, NOW - 3600, NOW)
    for status in (model.HOLD_RELEASED, model.HOLD_EXPIRED, model.HOLD_CONSUMED):
        assert not model.hold_counts(status, NOW + 3600, NOW)


@pytest.mark.parametrize("order_status,decision", [
    (sales.BOOKED, book.RELEASE), (sales.EXPIRED, book.RELEASE), (sales.FAILED, book.RELEASE),
    (sales.CANCELLED, book.RELEASE), (None, book.RELEASE),
    (sales.AWAITING_PAYMENT, book.EXTEND),
    (sales.PAID, book.WAIT), (sales.PAID_LATE, book.WAIT), (sales.COMPLETED, book.WAIT),
])
def test_what_happens_to_an_expired_hold_depends_on_its_order(order_status, decision):
    assert book.expiry_decision(order_status) == decision


def test_ttl_comes_after_deadline_grace_and_a_margin_of_many_sweeps():
    purge = model.purge_time(NOW, 15 * 60)
    assert purge == NOW + 15 * 60 + model.HOLD_TTL_MARGIN_SECONDS
    assert model.HOLD_TTL_MARGIN_SECONDS >= 10 * 60  # ten sweeper runs at the very least


def test_a_hold_paid_at_the_kiosk_outlives_both_the_deadline_and_the_qr():
    deadline = NOW + 600
    assert book.paying_until(deadline, NOW + 60) == deadline
    assert book.paying_until(deadline, NOW + 900) == NOW + 900 + book.PAYING_BUFFER_SECONDS


def test_lines_are_added_up_per_sku():
    assert model.total_lines([{"sku": "A", "qty": 2}, {"sku": "B", "qty": 1}, {"sku": "A", "qty": 3}]) == {"A": 5, "B": 1}


def test_a_full_return_cancels_a_drop_order_and_a_partial_one_closes_it():
    handed = {"A": 3, "B": 2}
    assert model.return_outcome(handed, {"A": 3, "B": 2}) == model.DROP_CANCELLED
    assert model.return_outcome(handed, {"A": 1}) == model.DROP_CLOSED
    with pytest.raises(ValidationError) as e:
        model.return_outcome(handed, {"A": 4})
    assert e.value.code == "return_exceeds_drop"
    with pytest.raises(ValidationError) as e:
        model.return_outcome(handed, {"C": 1})
    assert e.value.code == "not_in_drop_order"


def test_adjustment_deltas():
    assert model.adjustment_delta("receive", delta=12, counted=None, on_hand=5) == 12
    assert model.adjustment_delta("adjust", delta=-2, counted=None, on_hand=5) == -2
    assert model.adjustment_delta("count", delta=None, counted=3, on_hand=5) == -2
    assert model.adjustment_delta("count", delta=None, counted=5, on_hand=5) == 0
    for reason, delta, counted in (("receive", -1, None), ("adjust", 0, None), ("adjust", 1.5, None),
                                   ("count", None, -1), ("count", None, None), ("steal", 1, None)):
        with pytest.raises(ValidationError):
            model.adjustment_delta(reason, delta=delta, counted=counted, on_hand=5)
