"""Property: the order rows arrive in, and rows uploaded twice, never change what gets matched."""
from __future__ import annotations

import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chalicelib.reconciliation.fingerprints import assign_fingerprints
from chalicelib.reconciliation.matching import MatchCandidate, MatchPlan, match_lines
from chalicelib.reconciliation.statement import StatementLine
from chalicelib.reconciliation.parsers import parse_statement

from .samples import read_fixture

DAY = 86_400
MARCH_1_WIB = 1_740_762_000  # 2025-03-01 00:00 Asia/Jakarta
ACCOUNTS = ("111", "222")
NAMES = ("SITI RAHMAWATI", "BUDI SANTOSO", "DEWI LESTARI", "ANDI WIJAYA")
BASES = (100_000, 150_000)
CODES = tuple(range(1, 10))

orders_strategy = st.lists(
    st.builds(
        lambda i, account, base, code, day, hours, status, name: MatchCandidate(
            order_id=f"O{i}",
            order_no=f"BO-{1000 + i}",
            account=account,
            amount_due=base + code,
            kode_unik=code,
            booked_at=MARCH_1_WIB + day * DAY + 8 * 3600,
            deadline=MARCH_1_WIB + day * DAY + (8 + hours) * 3600,
            grace_seconds=3600,
            status=status,
            customer_name=name,
        ),
        st.integers(0, 10_000),
        st.sampled_from(ACCOUNTS),
        st.sampled_from(BASES),
        st.sampled_from(CODES),
        st.integers(0, 3),
        st.sampled_from((4, 30)),
        st.sampled_from(("OPEN",) * 5 + ("EXPIRED", "CANCELLED", "PAID")),
        st.sampled_from(NAMES),
    ),
    max_size=10,
    unique_by=lambda o: o.order_id,
)



@st.composite
def scenario(draw):
    """Orders plus statement rows, most of which pay (or nearly pay) one of those orders."""
    orders = draw(orders_strategy)
    owed = [(o.account, o.amount_due, (o.booked_at - MARCH_1_WIB) // DAY) for o in orders]
    noise = [(a, b + c, d) for a in ACCOUNTS for b in BASES for c in (0, 15) for d in range(0, 5, 2)] + [("111", 77_777, 1)]
    specs = draw(
        st.lists(
            st.tuples(
                st.sampled_from(owed * 8 + noise if owed else noise),
                st.sampled_from((0, 0, 0, 1, None)),  # days after the booking day; None: PEND
                st.sampled_from(("CR", "CR", "CR", "DB")),
                st.sampled_from((None, *NAMES)),
                st.sampled_from(("TRANSFER", "ORDER 1001", "BO-1002 LUNAS")),
            ),
            max_size=14,
        )
    )
    return orders, [
        (account, amount, None if shift is None else min(day + shift, 27), direction, payer, description)
        for (account, amount, day), shift, direction, payer, description in specs
    ]


def build_lines(specs) -> tuple[StatementLine, ...]:
    return assign_fingerprints(
        [
            StatementLine(
                bank="BCA",
                account=account,
                posted_date=None if day is None else f"2025-03-{day + 1:02d}",
                pending=day is None,
                direction=direction,
                amount=amount,
                balance_after=None,
                description=description,
                payer_name=payer,
                line_number=n,
                raw_line=description,
            )
            for n, (account, amount, day, direction, payer, description) in enumerate(specs, start=1)
        ]
    )


def outcome(plan: MatchPlan) -> dict[str, tuple]:
    result = {m.line.fingerprint: ("auto", m.order.order_id) for m in plan.auto}
    for item in plan.review:
        result[item.line.fingerprint] = ("review", item.reason, tuple((s.order_id, s.score) for s in item.suggestions))
    return result


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=scenario(), seed=st.integers(0, 2**32 - 1), data=st.data())
def test_shuffling_and_duplicating_rows_matches_the_same_orders(case, seed, data):
    orders, specs = case
    lines = build_lines(specs)
    expected = outcome(match_lines(lines, orders))
    duplicates = data.draw(st.lists(st.sampled_from(lines), max_size=6)) if lines else []
    shuffled = list(lines) + duplicates
    random.Random(seed).shuffle(shuffled)
    assert outcome(match_lines(shuffled, random.Random(seed + 1).sample(orders, len(orders)))) == expected


def test_shuffled_overlapping_uploads_of_a_real_layout_match_like_the_original():
    content = read_fixture("mandiri_mcm.csv").decode()
    header, *rows = [line for line in content.split("\r\n") if line]
    original = parse_statement(content.encode())
    orders = [
        MatchCandidate("A", "BO-1043", original.account, 150_123, 123, MARCH_1_WIB + 9 * DAY, MARCH_1_WIB + 10 * DAY, 0, "OPEN"),
        MatchCandidate("B", "BO-1050", original.account, 50_000, 0, MARCH_1_WIB + 13 * DAY, MARCH_1_WIB + 14 * DAY, 0, "OPEN"),
        MatchCandidate("C", "BO-1044", original.account, 275_417, 417, MARCH_1_WIB + 9 * DAY, MARCH_1_WIB + 11 * DAY, 0, "OPEN"),
    ]
    expected = outcome(match_lines(original.lines, orders))
    rng = random.Random(8)
    for _ in range(20):
        first = rng.sample(rows, rng.randint(1, len(rows)))
        second = rng.sample(rows, len(rows))
        uploads = [parse_statement("\r\n".join([header, *part]).encode()) for part in (first, second)]
        combined = [line for upload in uploads for line in upload.lines]
        assert outcome(match_lines(combined, orders)) == expected
