"""Printed documents: pure functions from the dataclasses in :mod:`.model` to PDF bytes.

- :func:`render_receipt` — sales receipt, 58/80 mm roll (reprints marked "SALINAN ke-N")
- :func:`render_refund_receipt` — refund or void receipt, 58/80 mm roll
- :func:`render_order_slip` — Book Order slip with the amount to transfer, 80/58 mm roll
- :func:`render_labels` — address labels, one page each, 100x150 mm or 58/80 mm roll
- :func:`render_shift_report` — shift close (tutup kasir), 58/80 mm roll
- :func:`render_report` — day or month report, A4

Importing this package does not import reportlab (the API Lambda's cold start stays light);
each render function loads it on first use. Output is deterministic: the same data gives the
same bytes.
"""
from .label import render_labels
from .model import (
    BANK_TRANSFER,
    CASH,
    QRIS,
    BankAccount,
    BarSeries,
    CashMovement,
    Column,
    CopyMark,
    Figure,
    LabelData,
    MethodTotal,
    OrderSlipData,
    Party,
    ReceiptData,
    ReceiptLine,
    RefundNote,
    RefundReceiptData,
    RefundReceiptLine,
    ReportData,
    ReportSection,
    ShiftReportData,
    SlipLine,
    Table,
    payment_label,
)
from .order_slip import render_order_slip
from .receipt import render_receipt
from .refund_receipt import render_refund_receipt
from .report import render_report
from .shift_report import render_shift_report

__all__ = [
    "BANK_TRANSFER",
    "CASH",
    "QRIS",
    "BankAccount",
    "BarSeries",
    "CashMovement",
    "Column",
    "CopyMark",
    "Figure",
    "LabelData",
    "MethodTotal",
    "OrderSlipData",
    "Party",
    "ReceiptData",
    "ReceiptLine",
    "RefundNote",
    "RefundReceiptData",
    "RefundReceiptLine",
    "ReportData",
    "ReportSection",
    "ShiftReportData",
    "SlipLine",
    "Table",
    "payment_label",
    "render_labels",
    "render_order_slip",
    "render_receipt",
    "render_refund_receipt",
    "render_report",
    "render_shift_report",
]
