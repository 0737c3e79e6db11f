"""SNAP BI Bank Statement answers as canonical rows: money, types, bank days, balances, and the same
fingerprints as the bank's KlikBCA CSV for the same transfers."""
from __future__ import annotations

import json
from datetime import date

import pytest

from chalicelib.reconciliation.parsers import StatementFormatError, parse_statement
from chalicelib.reconciliation.parsers.snap_json import FORMAT, read_answer

CSV = "\r\n".join([
    "No. Rekening,=,'1234567890", "Nama,=,PT SAMBUNG DEMO", "Mata Uang,=,IDR", "",
    "Tanggal,Keterangan,Cabang,Jumlah,,Saldo",
    "'23/11/2026,TRSF E-BANKING CR 2311/FTSCY/WS95031       18001.00                    WULAN SARI,'0000,18001.00,CR,5018001.00",
    "'23/11/2026,BIAYA ADM,'0000,6500.00,DB,5011501.00",
    "'23/11/2026,TRSF E-BANKING CR 2311/FTSCY/WS95031       18001.00                    BUDI,'0000,18001.00,CR,5029502.00",
    "Saldo Awal,=,5000000.00", "Kredit,=,36002.00", "Debet,=,6500.00", "Saldo Akhir,=,5029502.00", ""]).encode()


def money(value: str) -> dict:
    return {"value": value, "currency": "IDR"}


def answer(rows, *, start="5000000.00", end="5029502.00", **extra) -> dict:
    page = {"responseCode": "2001400", "responseMessage": "Successful",
            "balance": [{"startingBalance": money(start), "endingBalance": money(end)}] if start else [],
            "detailData": rows, **extra}
    return {"sambung": FORMAT, "bank": "BCA", "account_no": "1234567890", "from": "2026-11-23T00:00:00+07:00",
            "to": "2026-11-23T23:59:59+07:00", "pages": [page]}


ROWS = [
    {"amount": money("18001.00"), "transactionDate": "2026-11-23T08:00:00+07:00", "type": "CREDIT",
     "remark": "TRSF E-BANKING CR 2311/FTSCY/WS95031       18001.00                    WULAN SARI",
     "transactionId": "A1"},
    {"amount": money("6500.00"), "transactionDate": "2026-11-23T08:01:00+07:00", "type": "DEBIT", "remark": "BIAYA"},
    {"amount": money("18001.00"), "transactionDate": "2026-11-23T01:02:00Z", "type": "Kredit", "remark": "BUDI"},
]


def fingerprints(statement) -> list[str]:
    return [line.fingerprint for line in statement.lines]


def parsed(document: dict):
    return parse_statement(json.dumps(document, separators=(",", ":")).encode(), received_on=date(2026, 11, 23))


def test_a_snap_answer_gives_the_klikbca_rows_their_own_fingerprints():
    csv = parse_statement(CSV, received_on=date(2026, 11, 23))
    snap = parsed(answer(ROWS))
    assert snap.layout == "snap_bi_statement" and snap.bank == "BCA" and snap.account == "1234567890"
    assert [l.balance_after for l in snap.lines] == [5_018_001, 5_011_501, 5_029_502]
    assert fingerprints(snap) == fingerprints(csv)
    assert snap.lines[0].payer_name == "WULAN SARI" and snap.lines[2].posted_date == "2026-11-23"
    assert (snap.opening_balance, snap.closing_balance) == (5_000_000, 5_029_502)


def test_newest_first_answers_and_per_row_balances_give_the_same_rows():
    csv = parse_statement(CSV, received_on=date(2026, 11, 23))
    assert fingerprints(parsed(answer(ROWS[::-1]))) == fingerprints(csv)
    with_balances = [dict(r, detailBalance={"endAmount": [{"amount": money(b)}]})
                     for r, b in zip(ROWS, ("5018001.00", "5011501.00", "5029502.00"))]
    assert fingerprints(parsed(answer(with_balances, start=None))) == fingerprints(csv)


def test_without_a_balance_that_adds_up_rows_are_keyed_by_the_bank_id_or_text_never_by_a_made_up_balance():
    broken = read_answer(answer(ROWS, end="5029503.00"))
    assert [l.balance_after for l in broken.lines] == [None, None, None]
    assert [l.reference for l in broken.lines] == ["A1", None, None]
    none = read_answer(answer(ROWS, start=None))
    assert [l.balance_after for l in none.lines] == [None, None, None]


@pytest.mark.parametrize("change, words", [
    ({"amount": {"value": "10.00", "currency": "USD"}}, "IDR"),
    ({"amount": {"value": "1,000.00", "currency": "IDR"}}, "bukan angka"),
    ({"type": "REVERSAL"}, "kredit/debit"),
    ({"transactionDate": "kemarin"}, "waktu"),
])
def test_an_answer_we_cannot_read_is_refused_whole(change, words):
    with pytest.raises(StatementFormatError) as error:
        read_answer(answer([dict(ROWS[0], **change)] + ROWS[1:]))
    assert words in error.value.message and error.value.code == "snap_answer_invalid"


def test_uploaded_layouts_list_stays_what_people_upload():
    from chalicelib.reconciliation.parsers import understood_layouts

    assert not any("SNAP" in label for label in understood_layouts())
