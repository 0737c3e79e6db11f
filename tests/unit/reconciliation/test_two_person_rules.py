"""The pure rules of two-person money: the store's threshold, when an admin's PIN is needed and
whose, when the importer may confirm by itself, and whether a file continues its account's
stored balance."""
from __future__ import annotations

from dataclasses import replace

import pytest

from chalicelib.reconciliation import approval, continuity
from chalicelib.reconciliation.approval import ApprovalReason
from chalicelib.reconciliation.fingerprints import assign_fingerprints
from chalicelib.reconciliation.statement import CREDIT, DEBIT, ParsedStatement, StatementLine

from .samples import parse_fixture

# ---- the threshold ------------------------------------------------------------------------------


@pytest.mark.parametrize("raw, expected", [
    ({}, 1_000_000), (None, 1_000_000), ({"two_person_above": 250_000}, 250_000), ({"two_person_above": 0}, 0),
    ({"two_person_above": -1}, 0), ({"two_person_above": "0"}, 1_000_000),
    ({"two_person_above": True}, 1_000_000), ({"two_person_above": False}, 1_000_000),
    ({"two_person_above": 1.5e6}, 1_500_000), ({"two_person_above": None}, 1_000_000),
])
def test_the_threshold_setting_read_from_junk_is_the_default_or_stricter_never_off(raw, expected):
    from chalicelib.staff.model import StoreSettings

    assert StoreSettings.from_dict(raw).two_person_above == expected


def test_above_is_strict_and_zero_means_always():
    assert not approval.above(1_000_000, 1_000_000) and approval.above(1_000_001, 1_000_000)
    assert approval.above(1, 0)


# ---- confirming a proposal ----------------------------------------------------------------------


def test_the_uploader_confirming_above_the_threshold_needs_another_admin():
    gate = approval.confirm_gate(1_500_000, 1_000_000, confirmer="u_dewi", uploader="u_dewi", discontinuous=False)
    assert gate.required and gate.reasons == (ApprovalReason.OWN_UPLOAD,)
    assert not gate.may_approve("u_dewi") and gate.may_approve("u_admin")
    assert gate.details() == {"reasons": ["own_upload"], "amount": 1_500_000, "threshold": 1_000_000,
                              "second_person": True}


def test_an_admin_who_uploaded_cannot_approve_their_own_confirmation():
    gate = approval.confirm_gate(2_000_000, 1_000_000, confirmer="u_admin", uploader="u_admin", discontinuous=False)
    assert gate.required and not gate.may_approve("u_admin") and gate.may_approve("u_admin2")


@pytest.mark.parametrize("amount, confirmer, uploader", [
    (1_000_000, "u_dewi", "u_dewi"),  # at the threshold, not above
    (5_000_000, "u_dewi", "u_other"),  # someone else uploaded it: already two people
    (5_000_000, "u_dewi", None),  # copied into the bucket without the app
])
def test_no_approval_when_two_people_are_involved_or_the_amount_is_small(amount, confirmer, uploader):
    gate = approval.confirm_gate(amount, 1_000_000, confirmer=confirmer, uploader=uploader, discontinuous=False)
    assert not gate.required and gate.may_approve(confirmer)


def test_a_discontinuous_file_needs_an_admin_whatever_the_amount_and_whoever_uploaded_it():
    other = approval.confirm_gate(10_000, 1_000_000, confirmer="u_dewi", uploader="u_other", discontinuous=True)
    assert other.reasons == (ApprovalReason.BALANCE_DISCONTINUITY,)
    assert other.may_approve("u_dewi"), "only the uploader confirming their own file needs a second person"
    own = approval.confirm_gate(10_000, 1_000_000, confirmer="u_dewi", uploader="u_dewi", discontinuous=True)
    assert own.reasons == (ApprovalReason.BALANCE_DISCONTINUITY,) and not own.may_approve("u_dewi")
    both = approval.confirm_gate(3_000_000, 1_000_000, confirmer="u_dewi", uploader="u_dewi", discontinuous=True)
    assert both.reasons == (ApprovalReason.OWN_UPLOAD, ApprovalReason.BALANCE_DISCONTINUITY)


# ---- hand-matching ------------------------------------------------------------------------------


def test_any_hand_match_above_the_threshold_needs_an_admin():
    gate = approval.hand_match_gate(1_200_000, 1_000_000, confirmer="u_dewi", uploaders=["u_other", None],
                                    discontinuous=False)
    assert gate.reasons == (ApprovalReason.HAND_MATCH,) and gate.may_approve("u_dewi")
    assert not approval.hand_match_gate(900_000, 1_000_000, confirmer="u_dewi", uploaders=["u_dewi"],
                                        discontinuous=False).required
    always = approval.hand_match_gate(1, 0, confirmer="u_dewi", uploaders=[], discontinuous=False)
    assert always.required


def test_hand_matching_rows_of_ones_own_upload_needs_someone_else():
    gate = approval.hand_match_gate(1_200_000, 1_000_000, confirmer="u_dewi", uploaders=["u_other", "u_dewi"],
                                    discontinuous=False)
    assert not gate.may_approve("u_dewi") and gate.may_approve("u_admin")


def test_the_importer_confirms_by_itself_only_what_one_person_could_not_forge():
    assert approval.may_auto_confirm(5_000_000, 1_000_000, uploaded_by_person=False, discontinuous=False)
    assert approval.may_auto_confirm(1_000_000, 1_000_000, uploaded_by_person=True, discontinuous=False)
    assert not approval.may_auto_confirm(1_000_001, 1_000_000, uploaded_by_person=True, discontinuous=False)
    assert not approval.may_auto_confirm(10, 1_000_000, uploaded_by_person=False, discontinuous=True)


# ---- balance continuity -------------------------------------------------------------------------


def row(day: str, amount: int, balance: int | None, direction: str = CREDIT, n: int = 1, sen: int = 0,
        balance_sen: int = 0) -> StatementLine:
    return StatementLine(bank="BCA", account="1234567890", posted_date=day, pending=False, direction=direction,
                         amount=amount, amount_sen=sen, balance_after=balance, balance_after_sen=balance_sen,
                         description=f"ROW {n}", payer_name=None, line_number=n, raw_line=f"row {n}")


def statement(lines, opening: int | None = None, period_start: str | None = None) -> ParsedStatement:
    return ParsedStatement(bank="BCA", layout="test", account="1234567890", lines=assign_fingerprints(lines),
                           opening_balance=opening, period_start=period_start)


def test_the_close_of_a_day_is_read_from_the_chain_in_any_row_order():
    rows = [row("2026-11-22", 100_000, 5_100_000, n=1), row("2026-11-22", 30_000, 5_070_000, DEBIT, n=2),
            row("2026-11-22", 200_000, 5_270_000, n=3)]
    assert continuity.day_closing(rows) == continuity.day_closing(rows[::-1]) == {5_270_000 * 100}
    assert continuity.day_closing(rows[1:2] + rows[2:] + rows[:1]) == {5_270_000 * 100}


def test_a_day_that_ends_where_it_began_leaves_every_balance_possible_and_no_balance_means_unknown():
    loop = [row("2026-11-22", 100_000, 5_100_000, n=1), row("2026-11-22", 100_000, 5_000_000, DEBIT, n=2)]
    assert continuity.day_closing(loop) == {5_100_000 * 100, 5_000_000 * 100}
    assert continuity.day_closing([row("2026-11-22", 100_000, None)]) == set()


def test_a_file_opening_is_the_one_it_reports_or_where_its_rows_start():
    rows = [row("2026-11-23", 50_000, 5_320_000, n=2), row("2026-11-23", 30_000, 5_270_000, DEBIT, n=1)]
    assert continuity.statement_opening(statement(rows)) == {5_300_000 * 100}  # newest first: the debit came first
    assert continuity.statement_opening(statement(rows, opening=9)) == {900}
    assert continuity.statement_opening(statement([row("2026-11-23", 5, None)])) == set()


def test_a_file_that_continues_the_stored_close_is_continuous_with_sen():
    previous = assign_fingerprints([row("2026-11-21", 10, 1_000, n=1, balance_sen=55)])
    ok = continuity.check(statement([row("2026-11-23", 100, 1_100, balance_sen=55)]), "2026-11-21", previous,
                          {previous[0].fingerprint: "st_a"})
    assert ok.status == "continuous" and ok.expected == ok.opening == 100_055 and not ok.discontinuous
    assert ok.previous_statement_id == "st_a"


def test_a_file_that_does_not_continue_is_discontinuous_with_a_message_for_staff():
    previous = assign_fingerprints([row("2026-11-22", 100_000, 5_100_000)])
    forged = statement([row("2026-11-23", 2_000_000, 7_000_000)], opening=5_000_000)
    result = continuity.check(forged, "2026-11-22", previous, {previous[0].fingerprint: "st_a"})
    assert result.discontinuous and (result.opening, result.expected) == (500_000_000, 510_000_000)
    assert result.previous_statement_id == "st_a" and result.previous_day == "2026-11-22"
    assert result.message == ("Saldo awal berkas Rp5.000.000 tidak menyambung dengan saldo akhir 22/11/2026 yang "
                              "tersimpan (Rp5.100.000). Ada mutasi yang belum diunggah, atau berkas ini bukan dari bank.")
    assert result.to_dict()["status"] == "discontinuous"


def test_a_file_without_balances_after_stored_balances_cannot_be_shown_to_continue():
    previous = [row("2026-11-22", 100_000, 5_100_000)]
    result = continuity.check(statement([row("2026-11-23", 5_000, None)]), "2026-11-22", previous)
    assert result.discontinuous and result.opening is None and "tanpa saldo" in result.message


def test_nothing_stored_before_or_no_stored_balance_is_unchecked():
    forged = statement([row("2026-11-23", 2_000_000, 7_000_000)], opening=5_000_000)
    assert continuity.check(forged, None, []).status == "unchecked"
    assert continuity.check(forged, "2026-11-22", [row("2026-11-22", 5, None)]).status == "unchecked"


def test_the_file_starts_at_its_period_or_its_first_posted_row():
    assert continuity.first_day(statement([row("2026-11-23", 5, 10)], period_start="2026-11-20")) == "2026-11-20"
    assert continuity.first_day(statement([row("2026-11-24", 5, 10), row("2026-11-23", 5, 5)])) == "2026-11-23"


def test_two_real_exports_of_one_account_continue_each_other():
    """The BCA sample (10-14 March) and the same account's next export, made from its closing balance."""
    first = parse_fixture("bca_individual_id.csv")
    last_day = first.date_range[1]
    closing_rows = [line for line in first.lines if line.posted_date == last_day]
    nxt = replace(first, opening_balance=first.closing_balance, opening_balance_sen=first.closing_balance_sen,
                  period_start="2025-03-15")
    assert continuity.check(nxt, last_day, closing_rows).status == "continuous"
    off = replace(nxt, opening_balance=first.closing_balance + 1)
    assert continuity.check(off, last_day, closing_rows).discontinuous
