"""Statement adapters, chosen by what a file contains (never by its name).

Each known layout has an unmistakable header row (reference §5.1), looked for in the first lines
with ``,``, ``;`` and tab as delimiter:

=========================== ========================================================================
layout                      recognised by
=========================== ========================================================================
bca_klikbca_individual      ``Tanggal,Keterangan,Cabang,Jumlah,,Saldo`` or ``Date,Description,
                            Branch,Amount,,Balance``
bca_klikbca_bisnis          ``"Tanggal Transaksi","Keterangan","Cabang","Jumlah"`` (+ ``"Saldo"``)
bri_estatement              ``ID,NOREK,TGL_TRAN,...`` with the BRI money columns
mandiri_mcm                 ``Account No,Date,Val. Date,Transaction Code,Description,Description,...``
mandiri_kopra               ``AccountNo;Ccy;PostDate;Remarks;AdditionalDesc;Credit Amount;...``
generic_csv                 the columns named in the store's saved :class:`ColumnMapping`
=========================== ========================================================================

Known layouts win over a saved mapping: their readers also check totals and balances.
"""
from __future__ import annotations

from datetime import date

from ..statement import ParsedStatement
from .base import StatementFormatError, StatementParser, decode
from .bca_bisnis import BcaBisnisParser
from .bca_individual import BcaIndividualParser
from .bri import BriParser
from .generic import ColumnMapping, GenericCsvParser
from .mandiri_kopra import MandiriKopraParser
from .mandiri_mcm import MandiriMcmParser
from .snap_json import SnapStatementParser

__all__ = [
    "KNOWN_PARSERS",
    "ColumnMapping",
    "GenericCsvParser",
    "StatementFormatError",
    "StatementParser",
    "detect",
    "parse_statement",
    "understood_layouts",
]

KNOWN_PARSERS: tuple[StatementParser, ...] = (
    BcaIndividualParser(),
    BcaBisnisParser(),
    BriParser(),
    MandiriMcmParser(),
    MandiriKopraParser(),
)


# What a bank feed stored (SNAP BI answers, see .snap_json): read like a file, never offered to people
# as an upload format.
FETCHED_PARSERS: tuple[StatementParser, ...] = (SnapStatementParser(),)


def understood_layouts() -> list[str]:
    """What we can read, in words for the person who uploaded the file."""
    return [p.label for p in KNOWN_PARSERS] + [GenericCsvParser.label]


def detect(content: bytes, mapping: ColumnMapping | None = None) -> StatementParser:
    """The parser for this file's layout, or :class:`StatementFormatError` listing what is understood."""
    text = decode(content)
    for parser in (*FETCHED_PARSERS, *KNOWN_PARSERS):
        if parser.matches(text):
            return parser
    if mapping is not None:
        generic = GenericCsvParser(mapping)
        if generic.matches(text):
            return generic
    layouts = understood_layouts()
    hint = "" if mapping is None else " Kolom pada pemetaan tersimpan juga tidak ditemukan di berkas ini."
    raise StatementFormatError(
        "Format mutasi tidak dikenali." + hint + " Format yang dipahami: " + "; ".join(layouts) + ".",
        code="statement_format_unknown",
        details={"layouts": layouts},
    )


def parse_statement(
    content: bytes, mapping: ColumnMapping | None = None, *, received_on: date | None = None
) -> ParsedStatement:
    """Detect the layout and parse. ``received_on`` (store-local upload day, default today) gives a
    year to ``dd/mm`` dates only when the file states no period."""
    return detect(content, mapping).parse(content, received_on=received_on)
