"""Overlapping or repeated uploads add nothing twice; real twins stay two rows."""
from __future__ import annotations

from dataclasses import replace

from chalicelib.reconciliation.fingerprints import assign_fingerprints, dedupe_key, pending_settlements
from chalicelib.reconciliation.parsers import parse_statement

from .samples import RECEIVED_ON, parse_fixture, read_fixture

BCA_PREAMBLE = "No. Rekening,=,'0123456789\r\nNama,=,TOKO CONTOH SEJAHTERA\r\nMata Uang,=,IDR\r\n\r\n"
BCA_HEADER = "Tanggal,Keterangan,Cabang,Jumlah,,Saldo\r\n"


def bca_rows() -> list[str]:
    text = read_fixture("bca_individual_id.csv").decode()
    return [line for line in text.split("\r\n") if line.startswith("'")]


def bca_export(rows: list[str], preamble: str = BCA_PREAMBLE) -> set[str]:
    content = (preamble + BCA_HEADER + "\r\n".join(rows) + "\r\n").encode()
    return {line.fingerprint for line in parse_statement(content, received_on=RECEIVED_ON).lines}


def fingerprints(statement) -> list[str]:
    return [line.fingerprint for line in statement.lines]


def test_every_row_of_every_sample_has_a_distinct_fingerprint():
    for name in (
        "bca_individual_id.csv",
        "bca_individual_en.csv",
        "bca_individual_yearend.csv",
        "bca_bisnis.csv",
        "bri.csv",
        "mandiri_mcm.csv",
        "mandiri_kopra.csv",
        "generic_bni.csv",
        "generic_semicolon_id.csv",
    ):
        prints = fingerprints(parse_fixture(name))
        assert len(set(prints)) == len(prints), name
        assert all(len(p) == 64 for p in prints)


def test_the_same_file_uploaded_twice_gives_the_same_fingerprints():
    assert fingerprints(parse_fixture("bri.csv")) == fingerprints(parse_fixture("bri.csv"))


def test_overlapping_bca_exports_share_exactly_the_overlapping_days():
    rows = bca_rows()
    full = bca_export(rows)
    days_10_to_12 = bca_export([r for r in rows if r[1:6] in ("10/03", "11/03", "12/03")])
    days_12_to_14 = bca_export([r for r in rows if r[1:6] in ("12/03", "13/03", "14/03")])
    day_12 = bca_export([r for r in rows if r[1:6] == "12/03"])
    assert days_10_to_12 | days_12_to_14 == full - bca_export([r for r in rows if r.startswith("'PEND")])
    assert days_10_to_12 & days_12_to_14 == day_12
    assert len(day_12) == 2


def test_fingerprints_ignore_where_in_the_file_a_row_sits():
    rows = bca_rows()
    longer_preamble = "Periode,=,10/03/2025 - 14/03/2025\r\n" + BCA_PREAMBLE
    assert bca_export(rows, longer_preamble) == bca_export(rows)


def test_bca_twins_on_one_day_with_the_same_text_stay_distinct():
    twins = parse_fixture("bca_individual_en.csv").lines[1:3]
    assert twins[0].description == twins[1].description and twins[0].amount == twins[1].amount
    assert twins[0].fingerprint != twins[1].fingerprint


def test_mandiri_mcm_twins_without_balance_stay_distinct_and_a_later_export_adds_only_the_second():
    content = read_fixture("mandiri_mcm.csv")
    full = parse_statement(content)
    first_twin, second_twin = full.lines[-2:]
    assert first_twin.fingerprint != second_twin.fingerprint
    # An export taken before the second transfer arrived holds only the first twin.
    earlier = parse_statement(content[: content.rindex(b"\r\n1370012345678,14/03/25")] + b"\r\n")
    assert fingerprints(earlier)[-1] == first_twin.fingerprint
    assert set(fingerprints(full)) - set(fingerprints(earlier)) == {second_twin.fingerprint}


def test_kopra_twins_in_the_same_second_are_told_apart_by_balance():
    twins = parse_fixture("mandiri_kopra.csv").lines[-2:]
    assert (twins[0].posted_time, twins[0].description) == (twins[1].posted_time, twins[1].description)
    assert twins[0].fingerprint != twins[1].fingerprint


def test_bri_fee_with_the_same_seq_and_text_is_its_own_row():
    transfer, fee = parse_fixture("bri.csv").lines[4:6]
    assert (transfer.reference, transfer.description) == (fee.reference, fee.description)
    assert transfer.fingerprint != fee.fingerprint


def test_bri_next_day_export_with_rewritten_remarks_is_the_same_row():
    h0 = parse_fixture("bri.csv")
    content = read_fixture("bri.csv").replace(b'"","","","ORDER 1043"', b'"","","","ORDER 1043 WS_OB;7788;INFO"')
    content = content.replace(b"ESB:NBMB:0001500F:100000000001", b"ESB:NBMB:0001500F:100000000001 WS_OB;7788")
    h1 = parse_statement(content)
    assert h1.lines[0].description != h0.lines[0].description
    assert fingerprints(h1) == fingerprints(h0)


def test_the_same_bca_row_in_individual_and_bisnis_exports_is_one_row():
    individual = parse_statement(
        (BCA_PREAMBLE + BCA_HEADER + "'01/05/2025,SETORAN TUNAI,'0000,250000.00,CR,1250000.00\r\n").encode()
    )
    bisnis = parse_statement(
        b'"No. rekening : 0123456789"\n"Tanggal Transaksi","Keterangan","Cabang","Jumlah","Saldo"\n'
        b'"01/05/2025","SETORAN TUNAI ","0000","250,000.00 CR","1,250,000.00"\n'
    )
    assert fingerprints(individual) == fingerprints(bisnis)


def test_a_pend_row_keeps_its_fingerprint_while_pending_and_gets_a_new_one_once_posted():
    pend = "'PEND,TRSF E-BANKING CR 1403/FTSCY/WS95051       199999.00                    LINA MARLINA,'0000,199999.00,CR,"
    posted = "'15/03,TRSF E-BANKING CR 1403/FTSCY/WS95051       199999.00                    LINA MARLINA,'0000,199999.00,CR,3006289.00"
    first, again, settled = bca_export([pend]), bca_export([pend]), bca_export([posted])
    assert first == again
    assert first.isdisjoint(settled)


def test_key_uses_stable_fields_only():
    line = parse_fixture("bri.csv").lines[0]
    assert dedupe_key(replace(line, description="changed", line_number=99, raw_line="x")) == dedupe_key(line)
    assert dedupe_key(replace(line, balance_after=1)) != dedupe_key(line)
    mcm = parse_fixture("mandiri_mcm.csv").lines[1]  # no balance, no reference: the text counts
    assert dedupe_key(replace(mcm, description=mcm.description + "  ")) == dedupe_key(mcm)
    assert dedupe_key(replace(mcm, description="other")) != dedupe_key(mcm)


def test_assign_fingerprints_numbers_identical_rows_in_file_order():
    line = parse_fixture("mandiri_mcm.csv").lines[1]
    a, b, c = assign_fingerprints([line, line, line])
    assert len({a.fingerprint, b.fingerprint, c.fingerprint}) == 3
    assert assign_fingerprints([line])[0].fingerprint == a.fingerprint


def parse_bca(rows: list[str]):
    content = (BCA_PREAMBLE + BCA_HEADER + "\r\n".join(rows) + "\r\n").encode()
    return parse_statement(content, received_on=RECEIVED_ON).lines


PEND_LINA = "'PEND,TRSF E-BANKING CR 1403/FTSCY/WS95051       199999.00                    LINA MARLINA,'0000,199999.00,CR,"


def test_a_posted_row_in_a_later_export_settles_the_stored_pend_row():
    (pend,) = parse_bca([PEND_LINA])
    later = parse_bca(
        [
            "'15/03,TRSF E-BANKING CR 1403/FTSCY/WS95051       100000.00                    LINA MARLINA,'0000,100000.00,CR,100000.00",
            PEND_LINA.replace("'PEND", "'15/03") + "299999.00",
        ]
    )
    assert pending_settlements([pend], later) == [(pend, later[1])]


def test_pend_twins_pair_off_one_by_one_and_a_far_later_row_settles_nothing():
    twins = parse_bca([PEND_LINA, PEND_LINA])
    posted_row = PEND_LINA.replace("'PEND", "'14/03")
    posted = parse_bca([posted_row + "199999.00", posted_row + "399998.00"])
    assert pending_settlements(twins, posted) == [(twins[0], posted[0]), (twins[1], posted[1])]
    month_later = parse_bca([PEND_LINA.replace("'PEND", "'14/04") + "199999.00"])
    assert pending_settlements(twins, month_later) == []
