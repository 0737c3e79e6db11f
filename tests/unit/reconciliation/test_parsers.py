"""Every layout's sample file parses to exactly the rows a person reading the statement sees."""
from __future__ import annotations

import codecs
from datetime import date

import pytest

from chalicelib.reconciliation.validation import validate
from chalicelib.reconciliation.parsers import (
    KNOWN_PARSERS,
    ColumnMapping,
    StatementFormatError,
    detect,
    parse_statement,
    understood_layouts,
)
from chalicelib.core.errors import ValidationError
from chalicelib.reconciliation.parsers.base import NumberStyle, decode, detect_number_style, parse_sen

from .samples import MAPPINGS, parse_fixture, read_fixture


def rows(statement):
    """(line, posted date, time, pending, direction, amount, sen, balance, balance sen, payer)."""
    return [
        (
            l.line_number,
            l.posted_date,
            l.posted_time,
            l.pending,
            l.direction,
            l.amount,
            l.amount_sen,
            l.balance_after,
            l.balance_after_sen,
            l.payer_name,
        )
        for l in statement.lines
    ]


# --------------------------------------------------------------------------------------------------
# detection


@pytest.mark.parametrize(
    "name, layout",
    [
        ("bca_individual_id.csv", "bca_klikbca_individual"),
        ("bca_individual_en.csv", "bca_klikbca_individual"),
        ("bca_individual_yearend.csv", "bca_klikbca_individual"),
        ("bca_bisnis.csv", "bca_klikbca_bisnis"),
        ("bca_bisnis_no_balance.csv", "bca_klikbca_bisnis"),
        ("bri.csv", "bri_estatement"),
        ("mandiri_mcm.csv", "mandiri_mcm"),
        ("mandiri_kopra.csv", "mandiri_kopra"),
        ("generic_bni.csv", "generic_csv"),
        ("generic_semicolon_id.csv", "generic_csv"),
    ],
)
def test_layout_is_detected_from_content_by_exactly_one_adapter(name, layout):
    content = read_fixture(name)
    assert detect(content, MAPPINGS.get(name)).layout == layout
    text = decode(content)
    assert sum(parser.matches(text) for parser in KNOWN_PARSERS) == (0 if layout == "generic_csv" else 1)


def test_unknown_layout_is_refused_with_the_list_of_understood_layouts():
    with pytest.raises(StatementFormatError) as caught:
        parse_statement(read_fixture("unknown_layout.csv"))
    error = caught.value
    assert error.code == "statement_format_unknown"
    assert error.details["layouts"] == understood_layouts()
    for label in ("BCA KlikBCA Individu", "BCA KlikBCA Bisnis", "BRI", "Mandiri Cash Management", "Kopra"):
        assert label in error.message
    assert error.to_body()["error"]["code"] == "statement_format_unknown"


def test_a_mapping_whose_columns_are_missing_does_not_claim_the_file():
    with pytest.raises(StatementFormatError, match="pemetaan tersimpan"):
        detect(read_fixture("unknown_layout.csv"), MAPPINGS["generic_bni.csv"])


def test_known_layout_wins_over_a_saved_mapping():
    assert detect(read_fixture("bri.csv"), MAPPINGS["generic_bni.csv"]).layout == "bri_estatement"


@pytest.mark.parametrize(
    "content, kind",
    [(b"PK\x03\x04rest-of-zip", "Excel"), (b"%PDF-1.7\n...", "PDF"), (b"\xd0\xcf\x11\xe0\xa1\xb1", "Excel")],
)
def test_excel_and_pdf_files_are_refused_with_a_hint_to_download_csv(content, kind):
    with pytest.raises(StatementFormatError, match=kind) as caught:
        parse_statement(content)
    assert caught.value.code == "statement_not_csv"
    assert "CSV" in caught.value.message


def test_empty_file_is_refused():
    with pytest.raises(StatementFormatError) as caught:
        parse_statement(b"\xef\xbb\xbf \r\n")
    assert caught.value.code == "statement_empty"


def test_the_error_is_a_validation_error_so_the_api_answers_4xx():
    assert issubclass(StatementFormatError, ValidationError)
    assert StatementFormatError("x").status == 400


# --------------------------------------------------------------------------------------------------
# BCA KlikBCA Individu


def test_bca_individual_indonesian_sample_rows():
    statement = parse_fixture("bca_individual_id.csv")
    assert (statement.bank, statement.account, statement.account_name) == ("BCA", "0123456789", "TOKO CONTOH SEJAHTERA")
    assert (statement.period_start, statement.period_end) == (None, None)
    assert (statement.opening_balance, statement.closing_balance) == (2_500_000, 2_806_290)
    assert (statement.credit_total, statement.debit_total) == (1_064_790, 758_500)
    assert rows(statement) == [
        (6, "2025-03-10", None, False, "CR", 150_123, 0, 2_650_123, 0, "SITI RAHMAWATI"),
        (7, "2025-03-10", None, False, "CR", 275_417, 0, 2_925_540, 0, "BUDI SANTOSO"),
        (8, "2025-03-11", None, False, "CR", 89_250, 0, 3_014_790, 0, "DEWI LESTARI"),
        (9, "2025-03-11", None, False, "CR", 310_000, 0, 3_324_790, 0, "AGUS PRASETYO"),
        (10, "2025-03-12", None, False, "DB", 500_000, 0, 2_824_790, 0, None),
        (11, "2025-03-12", None, False, "DB", 48_500, 0, 2_776_290, 0, None),
        (12, "2025-03-13", None, False, "CR", 120_000, 0, 2_896_290, 0, "RINA WATI"),
        (13, "2025-03-13", None, False, "CR", 120_000, 0, 3_016_290, 0, "JOKO SUSILO"),
        (14, "2025-03-14", None, False, "DB", 10_000, 0, 3_006_290, 0, None),
        (15, "2025-03-14", None, False, "DB", 200_000, 0, 2_806_290, 0, None),
        (16, None, None, True, "CR", 199_999, 0, None, 0, "LINA MARLINA"),
    ]
    first = statement.lines[0]
    assert first.description == (
        "TRSF E-BANKING CR 1003/FTSCY/WS95031       150123.00ORDER 1043          SITI RAHMAWATI"
    )
    assert first.raw_line == "'10/03," + first.description + ",'0000,150123.00,CR,2650123.00"
    # PEND: no posted date, but the dd/mm of its TRSF code says when it happened.
    assert statement.lines[-1].date_hint == "2025-03-14"
    assert validate(statement) == []


def test_bca_individual_english_labels_cp1252_twins_and_a_comma_in_the_description():
    statement = parse_fixture("bca_individual_en.csv")
    assert (statement.account, statement.account_name) == ("0987654321", "TOKO JOSÉ ABADI")
    assert (statement.credit_total, statement.debit_total) == (72_723_551, 0)  # "Debet,=," is empty
    assert rows(statement) == [
        (6, "2025-05-02", None, False, "CR", 175_250, 0, 1_175_250, 0, "JOSÉ RAMOS"),
        (7, "2025-05-02", None, False, "CR", 99_000, 0, 1_274_250, 0, "ANDI WIJAYA"),
        (8, "2025-05-02", None, False, "CR", 99_000, 0, 1_373_250, 0, "ANDI WIJAYA"),
        (9, "2025-05-03", None, False, "CR", 250_301, 0, 1_623_551, 0, "SARI DEWI"),
        (10, "2025-05-03", None, False, "CR", 72_100_000, 0, 73_723_551, 0, "MICHAEL SURYA"),
    ]
    assert statement.lines[3].description.endswith("250301.00ORDER 2001, LUNAS   SARI DEWI")
    assert validate(statement) == []


def test_bca_individual_period_across_new_year_decimal_comma_semicolons_and_interest_sen():
    statement = parse_fixture("bca_individual_yearend.csv", received_on=date(2025, 6, 30))
    assert (statement.period_start, statement.period_end) == ("2024-12-28", "2025-01-03")
    assert (statement.opening_balance, statement.opening_balance_sen) == (500_000, 0)
    assert (statement.closing_balance, statement.closing_balance_sen) == (812_264, 65)
    assert (statement.credit_total, statement.credit_total_sen) == (327_511, 56)
    assert (statement.debit_total, statement.debit_total_sen) == (15_246, 91)
    assert rows(statement) == [
        (7, "2024-12-28", None, False, "CR", 125_500, 0, 625_500, 0, "BUDI HARTONO"),
        (8, "2024-12-31", None, False, "DB", 15_000, 0, 610_500, 0, None),
        (9, "2024-12-31", None, False, "CR", 1_234, 56, 611_734, 56, None),
        (10, "2024-12-31", None, False, "DB", 246, 91, 611_487, 65, None),
        (11, "2025-01-02", None, False, "CR", 200_777, 0, 812_264, 65, "SITI AMINAH"),
        (12, None, None, True, "CR", 99_999, 0, None, 0, "YUDI"),
    ]
    assert statement.lines[-1].date_hint == "2025-01-03"
    assert validate(statement) == []


def test_bca_individual_without_period_takes_the_year_from_the_upload_day_across_new_year():
    content = (
        "No. Rekening,=,'0123456789\nNama,=,TOKO\nMata Uang,=,IDR\n\n"
        "Tanggal,Keterangan,Cabang,Jumlah,,Saldo\n"
        "'30/12,SETORAN TUNAI,'0000,100000.00,CR,100000.00\n"
        "'02/01,SETORAN TUNAI,'0000,50000.00,CR,150000.00\n"
    ).encode()
    statement = parse_statement(content, received_on=date(2026, 1, 3))
    assert [l.posted_date for l in statement.lines] == ["2025-12-30", "2026-01-02"]


def test_bca_individual_accepts_a_bom_and_a_trailing_delimiter():
    content = (
        "\ufeffNo. Rekening,=,'0123456789,\nMata Uang,=,IDR,\n\n"
        "Tanggal,Keterangan,Cabang,Jumlah,,Saldo,\n"
        "'10/03/2025,BIAYA ADM,'0000,10000.00,DB,90000.00,\n"
    ).encode()
    statement = parse_statement(content)
    assert rows(statement) == [(5, "2025-03-10", None, False, "DB", 10_000, 0, 90_000, 0, None)]


def test_bca_individual_quoted_grouped_amounts_variant():
    content = (
        "No. Rekening,=,'0123456789\n\nTanggal,Keterangan,Cabang,Jumlah,,Saldo\n"
        "'10/03/2025,SETORAN TUNAI,'0000,\" 20,000 \",CR,\" 1,020,000 \"\n"
    ).encode()
    assert rows(parse_statement(content)) == [(4, "2025-03-10", None, False, "CR", 20_000, 0, 1_020_000, 0, None)]


@pytest.mark.parametrize(
    "row, message",
    [
        ("'31/02,BIAYA ADM,'0000,10000.00,DB,90000.00", "tanggal"),
        ("'10/03,BIAYA ADM,'0000,10000.00,XX,90000.00", "CR/DB"),
        ("'10/03,BIAYA ADM,'0000,10OOO.00,DB,90000.00", "jumlah"),
    ],
)
def test_bca_individual_malformed_row_refuses_the_file_naming_the_line(row, message):
    content = f"No. Rekening,=,'0123456789\n\nTanggal,Keterangan,Cabang,Jumlah,,Saldo\n{row}\n".encode()
    with pytest.raises(StatementFormatError, match=message) as caught:
        parse_statement(content)
    assert caught.value.details == {"line": 4}
    assert caught.value.message.startswith("Baris 4:")


def test_a_foreign_currency_account_is_refused():
    content = b"No. Rekening,=,'0123456789\nMata Uang,=,USD\n\nTanggal,Keterangan,Cabang,Jumlah,,Saldo\n"
    with pytest.raises(StatementFormatError, match="USD") as caught:
        parse_statement(content)
    assert caught.value.code == "statement_currency"


def test_a_statement_without_account_number_is_refused():
    with pytest.raises(StatementFormatError, match="Nomor rekening"):
        parse_statement(b"Tanggal,Keterangan,Cabang,Jumlah,,Saldo\n'10/03/2025,X,'0000,1.00,CR,1.00\n")


# --------------------------------------------------------------------------------------------------
# BCA KlikBCA Bisnis


def test_bca_bisnis_sample_rows_with_counts_twins_fees_and_pend():
    statement = parse_fixture("bca_bisnis.csv")
    assert (statement.layout, statement.account, statement.account_name) == (
        "bca_klikbca_bisnis",
        "0123456789",
        "TOKO CONTOH SEJAHTERA",
    )
    assert (statement.period_start, statement.period_end) == ("2025-05-01", "2025-05-02")
    assert (statement.opening_balance, statement.closing_balance) == (20_912_192, 91_857_815)
    assert (statement.credit_total, statement.credit_count) == (72_448_123, 4)
    assert (statement.debit_total, statement.debit_count) == (1_502_500, 3)
    assert rows(statement) == [
        (9, "2025-05-01", None, False, "CR", 150_123, 0, 21_062_315, 0, "SITI RAHMAWATI"),
        (10, "2025-05-01", None, False, "DB", 500_000, 0, 20_562_315, 0, None),
        (11, "2025-05-01", None, False, "DB", 1_000_000, 0, 19_562_315, 0, None),
        (12, "2025-05-01", None, False, "DB", 2_500, 0, 19_559_815, 0, None),
        (13, "2025-05-02", None, False, "CR", 99_000, 0, 19_658_815, 0, "ANDI WIJAYA"),
        (14, "2025-05-02", None, False, "CR", 99_000, 0, 19_757_815, 0, "ANDI WIJAYA"),
        (15, "2025-05-02", None, False, "CR", 72_100_000, 0, 91_857_815, 0, "MICHAEL SURYA"),
        (16, None, None, True, "CR", 45_000, 0, None, 0, "RUDI"),
    ]
    assert validate(statement) == []


def test_bca_bisnis_without_balance_column_and_dd_mm_dates_across_new_year():
    statement = parse_fixture("bca_bisnis_no_balance.csv")
    assert (statement.period_start, statement.period_end) == ("2025-12-30", "2026-01-02")
    assert rows(statement) == [
        (9, "2025-12-30", None, False, "CR", 88_123, 0, None, 0, "WATI"),
        (10, "2026-01-02", None, False, "CR", 310_000, 0, None, 0, "AGUS PRASETYO"),
    ]
    assert validate(statement) == []


def test_bca_bisnis_six_column_header_with_separate_flag():
    content = (
        '"Informasi Rekening - Mutasi Rekening"\n"No. rekening : 0123456789"\n'
        '"Tanggal Transaksi","Keterangan","Cabang","Jumlah","","Saldo"\n'
        '"10/03/2025","SETORAN TUNAI","0000","250,000.00","CR","1,250,000.00"\n'
    ).encode()
    assert rows(parse_statement(content)) == [(4, "2025-03-10", None, False, "CR", 250_000, 0, 1_250_000, 0, None)]


def test_bca_bisnis_amount_without_direction_is_refused():
    content = (
        '"No. rekening : 0123456789"\n"Tanggal Transaksi","Keterangan","Cabang","Jumlah","Saldo"\n'
        '"10/03/2025","SETORAN TUNAI","0000","250,000.00","1,250,000.00"\n'
    ).encode()
    with pytest.raises(StatementFormatError, match="CR/DB"):
        parse_statement(content)


# --------------------------------------------------------------------------------------------------
# BRI


def test_bri_sample_rows_with_fee_sharing_a_sequence_number():
    statement = parse_fixture("bri.csv")
    assert (statement.bank, statement.layout, statement.account) == ("BRI", "bri_estatement", "034101000123456")
    assert statement.opening_balance == 5_000_000
    assert (statement.period_start, statement.date_range) == (None, ("2025-03-10", "2025-03-13"))
    assert rows(statement) == [
        (2, "2025-03-10", "08:15:22", False, "CR", 150_123, 0, 5_150_123, 0, "SITI RAHMAWATI"),
        (3, "2025-03-10", "09:02:10", False, "CR", 89_250, 0, 5_239_373, 0, "DEWI LESTARI"),
        (4, "2025-03-10", "13:44:05", False, "DB", 250_000, 0, 4_989_373, 0, None),
        (5, "2025-03-11", "10:20:31", False, "CR", 275_417, 0, 5_264_790, 0, None),
        (6, "2025-03-11", "15:30:00", False, "DB", 70_000, 0, 5_194_790, 0, None),
        (7, "2025-03-11", "15:30:00", False, "DB", 1_000, 0, 5_193_790, 0, None),
        (8, "2025-03-12", "07:55:49", False, "CR", 120_000, 0, 5_313_790, 0, "RINA WATI"),
        (9, "2025-03-12", "19:12:03", False, "CR", 120_000, 0, 5_433_790, 0, "JOKO SUSILO"),
        (10, "2025-03-13", "11:11:11", False, "CR", 300_000, 0, 5_733_790, 0, "AGUS PRASETYO"),
        (11, "2025-03-13", "20:05:40", False, "DB", 25_500, 0, 5_708_290, 0, None),
    ]
    first, transfer, fee = statement.lines[0], statement.lines[4], statement.lines[5]
    assert first.description == "NBMB SITI RAHMAWATI TO TOKO CONTOH ESB:NBMB:0001500F:100000000001 | ORDER 1043"
    assert (transfer.reference, fee.reference) == ("101400", "101400")
    assert transfer.fingerprint != fee.fingerprint
    assert validate(statement) == []


def test_bri_account_mangled_by_excel_is_refused():
    content = read_fixture("bri.csv").replace(b'"034101000123456"', b'"3.41E+13"', 1)
    with pytest.raises(StatementFormatError, match="3.41E"):
        parse_statement(content)


def test_bri_semicolon_export_and_time_from_jam_tran_without_leading_zero():
    header = "ID;NOREK;TGL_TRAN;TGL_EFEKTIF;JAM_TRAN;SEQ;DESK_TRAN;SALDO_AWAL_MUTASI;MUTASI_DEBET;MUTASI_KREDIT;SALDO_AKHIR_MUTASI;GLSIGN"
    row = "1;034101000123456;2025-03-10;2025-03-10;81522;100201;NBMB ANI TO TOKO;1000.00;0.00;500.00;1500.00;Cr"
    statement = parse_statement(f"{header}\n{row}\n".encode())
    assert rows(statement) == [(2, "2025-03-10", "08:15:22", False, "CR", 500, 0, 1_500, 0, "ANI")]


def test_bri_glsign_contradicting_the_columns_is_refused():
    content = read_fixture("bri.csv").replace(b'"150123.00","5150123.00","Cr"', b'"150123.00","5150123.00","Db"')
    with pytest.raises(StatementFormatError, match="GLSIGN"):
        parse_statement(content)


# --------------------------------------------------------------------------------------------------
# Mandiri


def test_mandiri_mcm_sample_rows():
    statement = parse_fixture("mandiri_mcm.csv")
    assert (statement.bank, statement.layout, statement.account) == ("MANDIRI", "mandiri_mcm", "1370012345678")
    assert rows(statement) == [
        (2, "2025-03-10", None, False, "CR", 150_123, 0, None, 0, "SITI RAHMAWATI"),
        (3, "2025-03-10", None, False, "CR", 89_250, 0, None, 0, "DEWI LESTARI"),
        (4, "2025-03-11", None, False, "CR", 275_417, 0, None, 0, "BUDI SANTOSO"),
        (5, "2025-03-11", None, False, "DB", 500_000, 0, None, 0, None),
        (6, "2025-03-12", None, False, "CR", 120_000, 0, None, 0, "RINA WATI"),
        (7, "2025-03-12", None, False, "CR", 120_000, 0, None, 0, "JOKO SUSILO"),
        (8, "2025-03-13", None, False, "CR", 310_000, 0, None, 0, "AGUS PRASETYO"),
        (9, "2025-03-13", None, False, "CR", 199_999, 0, None, 0, "LINA MARLINA"),
        (10, "2025-03-14", None, False, "CR", 64_321, 0, None, 0, "HENDRA GUNAWAN"),
        (11, "2025-03-14", None, False, "DB", 1_000_000, 0, None, 0, None),
        (12, "2025-03-14", None, False, "CR", 50_000, 0, None, 0, "ANI SUSANTI"),
        (13, "2025-03-14", None, False, "CR", 50_000, 0, None, 0, "ANI SUSANTI"),
    ]
    assert statement.lines[0].reference == "WLST0000000000001"
    assert statement.lines[2].description == (
        "20250311BMRIIDJA010O0000000001 CENAIDJA/BUDI SANTOSO | ORDER 1044"
    )
    assert validate(statement) == []


def test_mandiri_kopra_sample_rows_with_indonesian_month_names():
    statement = parse_fixture("mandiri_kopra.csv")
    assert (statement.layout, statement.account) == ("mandiri_kopra", "1370012345678")
    assert rows(statement) == [
        (2, "2026-04-01", "07:40:58", False, "CR", 150_123, 0, 5_150_123, 0, "SITI RAHMAWATI"),
        (3, "2026-04-01", "09:15:02", False, "CR", 89_250, 0, 5_239_373, 0, "DEWI LESTARI"),
        (4, "2026-04-02", "10:20:31", False, "CR", 275_417, 0, 5_514_790, 0, "BUDI SANTOSO"),
        (5, "2026-04-02", "15:30:00", False, "DB", 500_000, 0, 5_014_790, 0, None),
        (6, "2026-05-03", "08:00:00", False, "CR", 120_000, 0, 5_134_790, 0, "RINA WATI"),
        (7, "2026-05-03", "08:00:00", False, "CR", 120_000, 0, 5_254_790, 0, "RINA WATI"),
    ]
    assert statement.lines[0].description == "MCM InhouseTrf DARI SITI RAHMAWATI | ORDER 1043"
    assert validate(statement) == []


def test_one_file_must_hold_one_account():
    content = read_fixture("mandiri_mcm.csv").replace(b"\r\n1370012345678,14/03/25", b"\r\n1370099999999,14/03/25", 1)
    with pytest.raises(StatementFormatError, match="satu rekening"):
        parse_statement(content)


# --------------------------------------------------------------------------------------------------
# generic CSV with a saved mapping


def test_generic_bni_like_export_with_debit_credit_columns_and_time_in_the_date():
    statement = parse_fixture("generic_bni.csv")
    assert (statement.bank, statement.layout, statement.account) == ("BNI", "generic_csv", "0012345678")
    assert rows(statement) == [
        (2, "2025-03-10", "08:15:22", False, "CR", 150_123, 0, None, 0, None),
        (3, "2025-03-10", "13:44:05", False, "DB", 500_000, 0, None, 0, None),
        (4, "2025-03-11", "10:20:31", False, "CR", 275_417, 0, None, 0, None),
    ]
    assert [l.reference for l in statement.lines] == ["123456", "123457", "123458"]


def test_generic_semicolons_indonesian_numbers_direction_column_and_footer():
    statement = parse_fixture("generic_semicolon_id.csv")
    assert statement.account == "7001234567"
    assert rows(statement) == [
        (5, "2025-03-10", None, False, "CR", 150_123, 0, 5_150_123, 0, None),
        (6, "2025-03-10", None, False, "DB", 10_000, 0, 5_140_123, 0, None),
        (7, "2025-03-11", None, False, "CR", 1_275_417, 0, 6_415_540, 0, None),
    ]
    assert validate(statement) == []


def test_generic_signed_amount_and_marker_after_the_number_without_header():
    mapping = ColumnMapping(
        bank="CIMB", account="800123", date=0, description=(1,), amount=2, has_header=False, date_format="%Y-%m-%d"
    )
    content = b"2025-03-10,SETORAN,\"1,500.00\"\n2025-03-10,BIAYA,-2500.00\n2025-03-11,TRF,300.00 DB\n"
    statement = parse_statement(content, mapping)
    assert [(l.direction, l.amount) for l in statement.lines] == [("CR", 1_500), ("DB", 2_500), ("DB", 300)]


def test_column_mapping_round_trips_through_storage_and_rejects_nonsense():
    mapping = MAPPINGS["generic_semicolon_id.csv"]
    assert ColumnMapping.from_dict(mapping.to_dict()) == mapping
    with pytest.raises(ValidationError) as caught:
        ColumnMapping(bank="X", account="1", date="Tgl", description=(), amount="A", debit="D", credit="K")
    assert caught.value.code == "invalid_mapping"
    assert "keterangan" in caught.value.message and "tidak keduanya" in caught.value.message


# --------------------------------------------------------------------------------------------------
# reading tools


@pytest.mark.parametrize(
    "text, style, sen",
    [
        ("1.234.567,00", ",", 123_456_700),
        ("1,234,567.00", ".", 123_456_700),
        ("511400.00", ".", 51_140_000),
        ("150123,00", ",", 15_012_300),
        (".00", ".", 0),
        ("1234,56", ",", 123_456),
        ("Rp 1.500", ",", 150_000),
        ("-2,500.5", ".", -250_050),
        ("(1.000,00)", ",", -100_000),
        ("", ".", 0),
    ],
)
def test_amounts_are_read_exactly_in_sen(text, style, sen):
    assert parse_sen(text, NumberStyle(style)) == sen


@pytest.mark.parametrize("text, style", [("1.234.567,00", "."), ("12,34,567", "."), ("1.2.3", ","), ("abc", ".")])
def test_amounts_in_the_wrong_style_are_not_numbers(text, style):
    with pytest.raises(ValueError):
        parse_sen(text, NumberStyle(style))


def test_number_style_is_detected_per_file_and_a_mixed_file_is_refused():
    assert detect_number_style(["100", "1.234.567,00"]).decimal == ","
    assert detect_number_style(["100", "1,234,567.00", ".00"]).decimal == "."
    assert detect_number_style(["1.234"]).decimal == ","  # three digits after one mark: thousands
    assert detect_number_style(["100", "250"]).decimal == "."  # no evidence: the default
    with pytest.raises(StatementFormatError, match="bercampur"):
        detect_number_style(["1.234.567,00", "1,234.00"])


@pytest.mark.parametrize(
    "encode",
    [
        lambda text: codecs.BOM_UTF8 + text.encode("utf-8"),
        lambda text: text.encode("utf-16"),
        lambda text: text.encode("cp1252"),
        lambda text: text.encode("latin-1"),
        lambda text: text.replace("\n", "\r").encode("utf-8"),
    ],
    ids=["utf8-bom", "utf16", "cp1252", "latin1", "old-mac-cr"],
)
def test_encodings_and_line_ends(encode):
    text = (
        "No. Rekening,=,'0123456789\nNama,=,TOKO JOSÉ\n\nTanggal,Keterangan,Cabang,Jumlah,,Saldo\n"
        "'10/03/2025,TRSF E-BANKING CR 1003/FTSCY/WS95031       1000.00                    JOSÉ,'0000,1000.00,CR,1000.00\n"
    )
    statement = parse_statement(encode(text))
    assert statement.account_name == "TOKO JOSÉ"
    assert statement.lines[0].payer_name == "JOSÉ"
