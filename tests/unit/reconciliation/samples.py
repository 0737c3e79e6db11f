"""Shared fixtures: the sample statements in tests/fixtures/statements and their column mappings."""
from __future__ import annotations

from datetime import date
from pathlib import Path

from chalicelib.reconciliation.parsers import ColumnMapping, parse_statement

STATEMENTS = Path(__file__).resolve().parents[2] / "fixtures" / "statements"
# The upload day used for files whose dd/mm dates carry no year and no period.
RECEIVED_ON = date(2025, 3, 15)

MAPPINGS = {
    "generic_bni.csv": ColumnMapping(
        bank="BNI",
        account="0012345678",
        date="Post Date",
        description=("Description",),
        debit="Debit",
        credit="Credit",
        reference="Journal No.",
        date_format="%d/%m/%y %H.%M.%S",
    ),
    "generic_semicolon_id.csv": ColumnMapping(
        bank="BSI",
        account="700-123-4567",
        date="Tanggal",
        description=("Uraian",),
        amount="Mutasi",
        direction="DK",
        balance="Saldo",
        date_format="%d-%m-%Y",
        stop_at=("Total",),
    ),
}


def read_fixture(name: str) -> bytes:
    return (STATEMENTS / name).read_bytes()


def parse_fixture(name: str, received_on: date = RECEIVED_ON):
    return parse_statement(read_fixture(name), MAPPINGS.get(name), received_on=received_on)
