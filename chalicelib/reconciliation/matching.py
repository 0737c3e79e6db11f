"""The matcher: which statement credits pay which Book Orders, and ranked suggestions for the rest.

Pure Python: no boto3, PynamoDB or Chalice. The service stores the rows and applies a
:class:`MatchPlan` with conditional writes; nothing is claimed here.
"""
from __future__ import annotations

import math
import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time
from enum import StrEnum
from typing import Iterable, Sequence
from zoneinfo import ZoneInfo

from ..core.clock import DEFAULT_TZ, day_bounds
from .statement import StatementLine, normalize_account


class OrderStatus(StrEnum):
    """A Book Order's payment state as the matcher needs it."""

    OPEN = "OPEN"
    EXPIRED = "EXPIRED"
    CANCELLED = "CANCELLED"
    PAID = "PAID"


@dataclass(frozen=True, slots=True)
class MatchCandidate:
    """A Book Order as the matcher sees it.

    ``amount_due`` includes the ``kode_unik``; ``booked_at`` and ``deadline`` are epoch seconds
    (UTC). Pass OPEN orders plus orders that expired or were cancelled within the kode-unik cool-down
    and orders paid recently: an expired order with the same amount blocks an auto-match (the credit
    may be its late payment), a paid one explains a duplicate transfer.
    """

    order_id: str
    order_no: str
    account: str
    amount_due: int
    kode_unik: int
    booked_at: int
    deadline: int
    grace_seconds: int
    status: OrderStatus
    customer_name: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "status", OrderStatus(self.status))
        object.__setattr__(self, "account", normalize_account(self.account))

    @property
    def base_amount(self) -> int:
        """What the order costs without its kode unik."""
        return self.amount_due - self.kode_unik

    @property
    def window_end(self) -> int:
        return self.deadline + self.grace_seconds


class ReviewReason(StrEnum):
    """Why a statement row was not matched automatically. Stored as-is: never rename a value."""

    STATEMENT_NEEDS_REVIEW = "statement_needs_review"  # the file failed validation
    DEBIT = "debit"  # money going out is never a payment
    PENDING = "pending"  # BCA PEND: not posted yet
    FRACTIONAL_AMOUNT = "fractional_amount"  # a credit with sen (interest); orders are whole rupiah
    SEVERAL_CANDIDATES = "several_candidates"  # >1 order could own this exact amount
    SEVERAL_CREDITS = "several_credits"  # >1 credit in the batch wants the same single order
    LATE_PAYMENT = "late_payment"  # exact amount of an expired/cancelled order or after deadline+grace
    BEFORE_BOOKING = "before_booking"  # exact amount of an open order, but paid before it was booked
    ALREADY_PAID = "already_paid"  # exact amount of an order that is already paid (duplicate transfer)
    AMOUNT_WITHOUT_CODE = "amount_without_code"  # the order's price without its kode unik
    PARTIAL_PAYMENT = "partial_payment"  # the best-evidenced order costs more than the credit
    OVER_PAYMENT = "over_payment"  # the best-evidenced order costs less than the credit
    NO_CANDIDATE = "no_candidate"
    UNMATCHED = "unmatched"  # staff undid a match: back on the list for a person to decide again


@dataclass(frozen=True, slots=True)
class Suggestion:
    """An order CS may want to match by hand, with the evidence that ranked it.

    ``signals`` name what scored: ``exact_amount``, ``amount_without_code``, ``order_no`` (its
    number appears in the description), ``name`` (payer and customer share name words) and
    ``date`` (the credit falls in, or within a few days of, the payment window).
    """

    order_id: str
    order_no: str
    status: OrderStatus
    amount_due: int
    score: int
    signals: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class AutoMatch:
    line: StatementLine
    order: MatchCandidate


@dataclass(frozen=True, slots=True)
class ReviewItem:
    line: StatementLine
    reason: ReviewReason
    suggestions: tuple[Suggestion, ...]


@dataclass(frozen=True, slots=True)
class MatchPlan:
    """Every input row (after de-duplication by fingerprint) appears exactly once, in input order."""

    auto: tuple[AutoMatch, ...]
    review: tuple[ReviewItem, ...]


# Scores: exact amount and an order number in the description are strong, name and date are hints.
SCORE_EXACT_AMOUNT = 50
SCORE_ORDER_NO = 40
SCORE_AMOUNT_WITHOUT_CODE = 30
SCORE_NAME = 25  # times the share of the customer's name tokens found
SCORE_DATE = 10  # inside the payment window; minus 2 per day outside
# A name token (or pair of tokens) shared by more orders than this on one account is too common to
# find candidates with (it still scores). This bounds the work per row, so matching stays linear.
NAME_POSTING_CAP = 16

_NAME_STOPWORDS = frozenset(
    "BPK BAPAK IBU SDR SDRI TN NY NN MR MRS MS PT CV UD TOKO DAN".split()
)
# Words banks put around names; ignored when a row has no payer name and its description is used.
_BANK_WORDS = frozenset(
    """TRSF BANKING BI FAST TRANSFER OTOMATIS LLG NBMB NBMBA ESB MCM INHOUSETRF DARI FEE TRF INW
    KARTU DEBIT KREDIT BIAYA ADM TXN SETORAN TUNAI SWITCHING TANGGAL ORDER PEMBAYARAN BAYAR BANK
    CENTRAL ASIA MANDIRI BRI BCA BNI BSI CIMB QRIS BRIVA TOPUP FTSCY FTFVA BFST WSOB""".split()
)
_DESCRIPTION_NOISE = re.compile(r"\d+[.,]\d{2}|\S*/\S*|ESB:\S+")
_ALNUM = re.compile(r"[0-9A-Z]+")
_NAME_WORD = re.compile(r"[A-Z]{2,}")
_DIGIT = re.compile(r"\d")
_TRAILING_DIGITS = re.compile(r"\d{4,}$")


def name_tokens(text: str | None) -> tuple[str, ...]:
    """Upper-case alphabetic words of a name, without titles (``IBU``, ``BPK``) or company forms."""
    tokens = _NAME_WORD.findall((text or "").upper())
    return tuple(dict.fromkeys(t for t in tokens if t not in _NAME_STOPWORDS))


def _payer_tokens(line: StatementLine) -> tuple[str, ...]:
    if line.payer_name:
        return name_tokens(line.payer_name)
    words = name_tokens(_DESCRIPTION_NOISE.sub(" ", line.description.upper()))
    return tuple(w for w in words if len(w) >= 3 and w not in _BANK_WORDS)


def _name_keys(tokens: Sequence[str]) -> list[str]:
    """Single tokens and unordered pairs: ``SITI`` is common, ``SITI+RAHMAWATI`` rarely is."""
    pairs = {"+".join(sorted((a, b))) for i, a in enumerate(tokens) for b in tokens[i + 1 :]}
    return [*tokens, *pairs]


def _order_no_keys(order_no: str) -> set[str]:
    """Ways an order number shows up in a transfer remark: ``BO-1043`` as ``BO1043`` or ``1043``."""
    upper = order_no.upper()
    keys = {"".join(_ALNUM.findall(upper))}
    digits = "".join(_DIGIT.findall(upper))
    if len(digits) >= 4:
        keys.add(digits)
    return {k for k in keys if len(k) >= 4}


def _description_keys(description: str) -> set[str]:
    """Tokens (and runs of 2-3 tokens glued) of a description, without amounts and slash codes."""
    tokens = _ALNUM.findall(_DESCRIPTION_NOISE.sub(" ", description.upper()))
    keys = set()
    for i in range(len(tokens)):
        for j in range(i + 1, min(i + 3, len(tokens)) + 1):
            keys.add("".join(tokens[i:j]))
        trailing = _TRAILING_DIGITS.search(tokens[i])
        if trailing:
            keys.add(trailing.group())
    return {k for k in keys if len(k) >= 4}


class OrderIndex:
    """Orders indexed for O(1) look-ups per statement row; build once, reuse for many statements."""

    def __init__(self, orders: Iterable[MatchCandidate]):
        self.by_amount: dict[tuple[str, int], list[MatchCandidate]] = defaultdict(list)
        self.by_base: dict[tuple[str, int], list[MatchCandidate]] = defaultdict(list)
        self.by_order_no: dict[str, list[MatchCandidate]] = defaultdict(list)
        self.by_name: dict[tuple[str, str], list[MatchCandidate]] = defaultdict(list)
        self._tokens: dict[str, tuple[str, ...]] = {}
        self._order_keys: dict[str, set[str]] = {}
        for order in orders:
            self.by_amount[(order.account, order.amount_due)].append(order)
            if order.status is OrderStatus.PAID:
                continue  # paid orders explain duplicates by exact amount only
            if order.kode_unik:
                self.by_base[(order.account, order.base_amount)].append(order)
            keys = self._order_keys[order.order_id] = _order_no_keys(order.order_no)
            for key in keys:
                self.by_order_no[key].append(order)
            tokens = name_tokens(order.customer_name)
            self._tokens[order.order_id] = tokens
            for key in _name_keys(tokens[:4]):
                self.by_name[(order.account, key)].append(order)

    def customer_tokens(self, order: MatchCandidate) -> tuple[str, ...]:
        cached = self._tokens.get(order.order_id)
        return cached if cached is not None else name_tokens(order.customer_name)

    def order_no_keys(self, order: MatchCandidate) -> set[str]:
        cached = self._order_keys.get(order.order_id)
        return cached if cached is not None else _order_no_keys(order.order_no)

    def exact(self, account: str, amount: int) -> list[MatchCandidate]:
        return self.by_amount.get((account, amount), [])

    def name_candidates(self, account: str, tokens: Sequence[str]) -> list[MatchCandidate]:
        """Orders on the account sharing a rare name token or a pair of tokens with the payer."""
        found: list[MatchCandidate] = []
        for key in _name_keys(tokens[:4]):
            postings = self.by_name.get((account, key))
            if postings and len(postings) <= NAME_POSTING_CAP:
                found.extend(postings)
        return found


class _Timeline:
    """Turns a row's date (and time, if any) into the instant range it may have happened in."""

    def __init__(self, tz: str):
        self.tz = tz
        self.zone = ZoneInfo(tz)
        self._days: dict[str, tuple[int, int]] = {}

    def day(self, iso_day: str) -> tuple[int, int]:
        bounds = self._days.get(iso_day)
        if bounds is None:
            bounds = self._days[iso_day] = day_bounds(iso_day, self.tz)
        return bounds

    def span(self, line: StatementLine) -> tuple[int, int] | None:
        """``[start, end)`` in epoch seconds; a posted date alone spans the whole local day."""
        day = line.posted_date or line.date_hint
        if day is None:
            return None
        if line.posted_date and line.posted_time:
            at = datetime.combine(date.fromisoformat(day), time.fromisoformat(line.posted_time), self.zone)
            start = int(at.timestamp())
            return start, start + 1
        return self.day(day)


def _window_position(span: tuple[int, int], order: MatchCandidate) -> int:
    """-1: surely before booking, 0: may be inside [booked_at, deadline + grace], 1: surely after."""
    start, end = span
    if end <= order.booked_at:
        return -1
    if start > order.window_end:
        return 1
    return 0


def _days_outside(span: tuple[int, int], order: MatchCandidate) -> int:
    start, end = span
    if end <= order.booked_at:
        return math.ceil((order.booked_at - end + 1) / 86400)
    if start > order.window_end:
        return math.ceil((start - order.window_end) / 86400)
    return 0


class _Matcher:
    def __init__(self, index: OrderIndex, tz: str, max_suggestions: int):
        self.index = index
        self.timeline = _Timeline(tz)
        self.max_suggestions = max_suggestions

    def decide(self, line: StatementLine, statement_needs_review: bool) -> MatchCandidate | ReviewReason:
        if not line.is_credit:
            return ReviewReason.DEBIT
        if statement_needs_review:
            return ReviewReason.STATEMENT_NEEDS_REVIEW
        if line.pending:
            return ReviewReason.PENDING
        if line.amount_sen:
            return ReviewReason.FRACTIONAL_AMOUNT
        exact = self.index.exact(line.account, line.amount)
        open_exact = [o for o in exact if o.status is OrderStatus.OPEN]
        span = self.timeline.span(line)
        if len(open_exact) > 1:
            return ReviewReason.SEVERAL_CANDIDATES
        if len(open_exact) == 1:
            order = open_exact[0]
            position = _window_position(span, order)
            if position < 0:
                return ReviewReason.BEFORE_BOOKING
            if position > 0:
                return ReviewReason.LATE_PAYMENT
            # An expired/cancelled order with the same total booked before the credit: the credit
            # may be its late payment (kode unik reused after the cool-down), so do not guess.
            if any(o.status in (OrderStatus.EXPIRED, OrderStatus.CANCELLED) and o.booked_at < span[1] for o in exact):
                return ReviewReason.SEVERAL_CANDIDATES
            return order
        if any(o.status in (OrderStatus.EXPIRED, OrderStatus.CANCELLED) for o in exact):
            return ReviewReason.LATE_PAYMENT
        if exact:
            return ReviewReason.ALREADY_PAID
        if self.index.by_base.get((line.account, line.amount)):
            return ReviewReason.AMOUNT_WITHOUT_CODE
        return ReviewReason.NO_CANDIDATE  # refined to partial/over by the suggestions, see review()

    def review(self, line: StatementLine, reason: ReviewReason) -> ReviewItem:
        if reason is ReviewReason.DEBIT:
            return ReviewItem(line, reason, ())
        suggestions = self.suggest(line)
        if reason is ReviewReason.NO_CANDIDATE:
            evidenced = [s for s in suggestions if {"order_no", "name"} & set(s.signals) and s.status is not OrderStatus.PAID]
            if evidenced:
                best = evidenced[0]
                reason = ReviewReason.PARTIAL_PAYMENT if best.amount_due > line.amount else ReviewReason.OVER_PAYMENT
        return ReviewItem(line, reason, suggestions)

    def suggest(self, line: StatementLine) -> tuple[Suggestion, ...]:
        index = self.index
        candidates: dict[str, MatchCandidate] = {}
        pools = [index.exact(line.account, line.amount), index.by_base.get((line.account, line.amount), [])]
        description_keys = _description_keys(line.description)
        pools.extend(index.by_order_no[key] for key in description_keys if key in index.by_order_no)
        payer = _payer_tokens(line)
        pools.append(index.name_candidates(line.account, payer))
        for pool in pools:
            for order in pool:
                candidates.setdefault(order.order_id, order)
        span = self.timeline.span(line)
        payer_set = frozenset(payer)
        # BCA cuts names at ~18 characters, so the payer's last word may be the start of a longer one.
        truncated = payer[-1] if payer and len(payer[-1]) >= 4 else None
        scored = [self._score(line, order, description_keys, payer_set, truncated, span) for order in candidates.values()]
        scored.sort(key=lambda s: (-s[0], s[1].order_id))
        return tuple(
            Suggestion(order.order_id, order.order_no, order.status, order.amount_due, score, signals)
            for score, order, signals in scored[: self.max_suggestions]
        )

    def _score(
        self,
        line: StatementLine,
        order: MatchCandidate,
        description_keys: set[str],
        payer: frozenset[str],
        truncated: str | None,
        span: tuple[int, int] | None,
    ) -> tuple[int, MatchCandidate, tuple[str, ...]]:
        score, signals = 0, []
        if order.amount_due == line.amount and not line.amount_sen:
            score += SCORE_EXACT_AMOUNT
            signals.append("exact_amount")
        elif order.kode_unik and order.base_amount == line.amount and not line.amount_sen:
            score += SCORE_AMOUNT_WITHOUT_CODE
            signals.append("amount_without_code")
        if description_keys & self.index.order_no_keys(order):
            score += SCORE_ORDER_NO
            signals.append("order_no")
        customer = self.index.customer_tokens(order)
        if customer and payer:
            found = len(payer.intersection(customer))
            if truncated and truncated not in customer:
                found += any(c.startswith(truncated) for c in customer if c not in payer)
            if found:
                score += round(SCORE_NAME * found / len(customer))
                signals.append("name")
        if span is not None:
            points = SCORE_DATE - 2 * _days_outside(span, order)
            if points > 0:
                score += points
                signals.append("date")
        return score, order, tuple(signals)


def match_lines(
    lines: Iterable[StatementLine],
    orders: Iterable[MatchCandidate] | OrderIndex,
    *,
    statement_needs_review: bool = False,
    tz: str = DEFAULT_TZ,
    max_suggestions: int = 5,
) -> MatchPlan:
    """Plan which rows pay which orders. Pure: nothing is claimed until the service writes the plan.

    A credit auto-matches only when exactly one OPEN order on the row's account has exactly its
    amount, no expired/cancelled order with that amount could be the one it pays, the row is posted
    (not ``PEND``), whole-rupiah, its date may fall within ``[booked_at, deadline + grace]`` in ``tz``
    (the bank's clock, WIB) and no other credit of the batch wants the same order. Everything else is
    a :class:`ReviewItem` with a :class:`ReviewReason` and ranked suggestions. Rows are de-duplicated
    by fingerprint first, so overlapping uploads in one batch cannot claim an order twice.

    Cost: O(rows + orders) with bounded work per row (hash look-ups, a capped candidate list).
    """
    index = orders if isinstance(orders, OrderIndex) else OrderIndex(orders)
    matcher = _Matcher(index, tz, max_suggestions)
    unique: dict[str, StatementLine] = {}
    for line in lines:
        if not line.fingerprint:
            raise ValueError(f"line {line.line_number} has no fingerprint; use fingerprints.assign_fingerprints()")
        unique.setdefault(line.fingerprint, line)

    decisions = [(line, matcher.decide(line, statement_needs_review)) for line in unique.values()]
    wanted: dict[str, int] = defaultdict(int)
    for _, decision in decisions:
        if isinstance(decision, MatchCandidate):
            wanted[decision.order_id] += 1

    auto, review = [], []
    for line, decision in decisions:
        if isinstance(decision, MatchCandidate):
            if wanted[decision.order_id] == 1:
                auto.append(AutoMatch(line, decision))
                continue
            decision = ReviewReason.SEVERAL_CREDITS
        review.append(matcher.review(line, decision))
    return MatchPlan(tuple(auto), tuple(review))
