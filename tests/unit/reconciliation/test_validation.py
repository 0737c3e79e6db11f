"""A statement whose totals or running balance do not add up is flagged, never trusted."""
from __future__ import annotations

from dataclasses import replace

from chalicelib.reconciliation.validation import validate
from chalicelib.reconciliation.parsers import ColumnMapping, parse_statement

from .samples import RECEIVED_ON, read_fixture


def parse_edited(name: str, old: str, new: str, count: int = 1):
    content = read_fixture(name)
    assert content.count(old.encode()) >= count, "the edit must hit the sample"
    return parse_statement(content.replace(old.encode(), new.encode(), count), received_on=RECEIVED_ON)


def test_every_sample_is_consistent():
    for name in (
        "bca_individual_id.csv",
        "bca_individual_en.csv",
        "bca_bisnis.csv",
        "bri.csv",
        "mandiri_kopra.csv",
    ):
        assert validate(parse_statement(read_fixture(name), received_on=RECEIVED_ON)) == [], name


def test_a_broken_balance_chain_names_the_row():
    statement = parse_edited("bca_individual_id.csv", ",89250.00,CR,3014790.00", ",89250.00,CR,3015790.00")
    problems = validate(statement)
    assert problems == ["Baris 8: saldo Rp2.925.540 + Rp89.250 seharusnya Rp3.014.790, tertulis Rp3.015.790."]


def test_a_deleted_row_breaks_chain_and_totals():
    content = read_fixture("bca_individual_id.csv")
    lines = content.split(b"\r\n")
    edited = b"\r\n".join(line for line in lines if b"KARTU DEBIT INDOMARET" not in line)
    problems = validate(parse_statement(edited, received_on=RECEIVED_ON))
    assert any(p.startswith("Total debet di berkas Rp758.500") for p in problems)
    assert any(p.startswith("Saldo awal Rp2.500.000 + kredit - debet = Rp2.854.790") for p in problems)
    assert "Baris 11: saldo Rp2.824.790 + Rp120.000 seharusnya Rp2.944.790, tertulis Rp2.896.290." in problems


def test_wrong_reported_totals():
    statement = parse_edited("bca_individual_id.csv", "Kredit,=,1064790.00", "Kredit,=,1064791.00")
    assert validate(statement) == [
        "Total kredit di berkas Rp1.064.791 tidak sama dengan jumlah baris Rp1.064.790.",
    ]


def test_closing_balance_that_does_not_follow_from_opening_and_movements():
    statement = parse_edited("bca_individual_id.csv", "Saldo Akhir,=,2806290.00", "Saldo Akhir,=,2906290.00")
    problems = validate(statement)
    assert "tetapi saldo akhir di berkas Rp2.906.290." in problems[0]
    assert problems[1] == "Saldo baris terakhir Rp2.806.290 tidak sama dengan saldo akhir Rp2.906.290."


def test_footer_totals_that_include_pending_rows_are_accepted():
    # Whether BCA counts PEND rows in "Kredit" is undocumented: 1.064.790 + 199.999 also adds up.
    statement = parse_edited("bca_individual_id.csv", "Kredit,=,1064790.00", "Kredit,=,1264789.00")
    assert validate(statement) == []


def test_wrong_row_count_in_bca_bisnis_trailer():
    statement = parse_edited("bca_bisnis.csv", '"Mutasi Kredit : 72,448,123.00","4"', '"Mutasi Kredit : 72,448,123.00","6"')
    assert validate(statement) == ["Jumlah transaksi kredit di berkas 6 tidak sama dengan 4 baris."]


def test_a_row_outside_the_reported_period():
    statement = parse_edited("bca_bisnis.csv", '"02/05/2025","TRSF E-BANKING CR 0205/FTSCY/WS95031       72100000', '"03/05/2025","TRSF E-BANKING CR 0205/FTSCY/WS95031       72100000')
    assert validate(statement) == ["Baris 15: tanggal 2025-05-03 di luar periode 2025-05-01 s/d 2025-05-02."]


def test_bri_row_whose_own_balances_disagree_is_an_anomaly():
    statement = parse_edited("bri.csv", '"5150123.00","0.00","89250.00"', '"5150000.00","0.00","89250.00"')
    problems = validate(statement)
    assert "Baris 3: saldo awal Rp5.150.000 dan mutasi Rp89.250 tidak menghasilkan saldo akhir Rp5.239.373." in problems
    assert "Baris 3: saldo awal Rp5.150.000 tidak sama dengan saldo akhir baris sebelumnya Rp5.150.123." in problems


def test_bri_tampered_amount_breaks_the_chain():
    statement = parse_edited("bri.csv", '"0.00","300000.00","5733790.00"', '"0.00","390000.00","5733790.00"')
    problems = validate(statement)
    assert any(p.startswith("Baris 10: saldo Rp5.433.790 + Rp390.000") for p in problems)


def test_kopra_chain_without_reported_opening_balance():
    statement = parse_edited("mandiri_kopra.csv", ";0.00;500000.00;5014790.00", ";0.00;500000.00;5014791.00")
    assert validate(statement)[0].startswith("Baris 5:")


def test_a_posted_row_without_balance_among_rows_with_balance():
    statement = parse_edited("bca_individual_id.csv", ",48500.00,DB,2776290.00", ",48500.00,DB,")
    assert "Baris 11: saldo kosong padahal baris lain bersaldo." in validate(statement)


def test_newest_first_export_is_accepted_when_it_adds_up_bottom_up():
    mapping = ColumnMapping(
        bank="BSI", account="1", date="Tanggal", description=("Uraian",), amount="Mutasi", balance="Saldo"
    )
    content = b"Tanggal,Uraian,Mutasi,Saldo\n11/03/2025,B,-500.00,1500.00\n10/03/2025,A,1000.00,2000.00\n"
    assert validate(parse_statement(content, mapping)) == []
    scrambled = b"Tanggal,Uraian,Mutasi,Saldo\n11/03/2025,B,-500.00,1600.00\n10/03/2025,A,1000.00,2000.00\n"
    assert len(validate(parse_statement(scrambled, mapping))) == 1


def test_exact_sen_arithmetic_catches_a_one_sen_difference():
    statement = parse_statement(read_fixture("bca_individual_yearend.csv"), received_on=RECEIVED_ON)
    assert validate(statement) == []
    off_by_one_sen = replace(statement, closing_balance_sen=64)
    assert len(validate(off_by_one_sen)) == 2
