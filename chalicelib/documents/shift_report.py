"""Shift close report (laporan tutup kasir) on a 58 or 80 mm roll: kept in the drawer with the
counted cash, signed by the cashier (and the admin when the difference needed approval)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Sequence

from chalicelib.core.clock import format_wib, local_datetime
from chalicelib.core.money import format_rupiah

from . import fonts
from .formatting import format_count
from .layout import MM, Flow, render_pages, roll_geometry
from .model import CASH, MethodTotal, ReceiptWidth, ShiftReportData, payment_label

if TYPE_CHECKING:
    from reportlab.pdfgen.canvas import Canvas

BODY_SIZE = {58: 8.0, 80: 9.0}


@dataclass(frozen=True)
class ShiftCloseData(ShiftReportData):
    """A closed shift with the refunds and voids paid out during it, per tender the money went back
    by. Cash refunds left the drawer; QRIS and bank-transfer refunds did not, but are listed:

        expected cash = opening float + cash sales + cash in - cash out - cash refunds
    """

    refunds: Sequence[MethodTotal] = ()

    @property
    def cash_refunds(self) -> int:
        return sum(r.amount for r in self.refunds if r.method == CASH)

    @property
    def expected_cash(self) -> int:
        return super().expected_cash - self.cash_refunds


def signed_rupiah(amount: int) -> str:
    """``5000`` -> ``+Rp5.000``, ``-5000`` -> ``-Rp5.000``, ``0`` -> ``Rp0``."""
    return f"+{format_rupiah(amount)}" if amount > 0 else format_rupiah(amount)


def difference_note(difference: int) -> str:
    """Selisih in words, so the sign cannot be misread: more (lebih), less (kurang) or exact (pas)."""
    if difference > 0:
        return "(kas LEBIH)"
    if difference < 0:
        return "(kas KURANG)"
    return "(kas PAS)"


def render_shift_report(data: ShiftReportData, width_mm: ReceiptWidth = 58) -> bytes:
    """The closing report as a one-page roll PDF."""
    width, margin = roll_geometry(width_mm)
    size = BODY_SIZE[width_mm]
    f = Flow(width, margin, size=size, top=3 * MM, bottom=6 * MM)

    f.banner("LAPORAN TUTUP KASIR", size=size * 1.15)
    f.space(1 * MM)
    f.text(data.merchant_name, bold=True, align="center", size=size * 1.1)
    f.text(data.store_name, align="center")
    f.rule()
    f.pair("Kasir", data.cashier_name, bold=True)
    if data.shift_code:
        f.pair("Shift", data.shift_code)
    f.pair("Buka", format_wib(data.opened_at, data.tz))
    f.pair("Tutup", format_wib(data.closed_at, data.tz))
    f.rule()

    f.text("PENJUALAN", bold=True)
    for line in data.sales:
        f.pair(f"{payment_label(line.method, line.issuer)} ({format_count(line.count)} trx)", format_rupiah(line.amount))
    count = sum(line.count for line in data.sales)
    sales_total = sum(line.amount for line in data.sales)
    f.pair(f"Total ({format_count(count)} trx)", format_rupiah(sales_total), bold=True)
    f.rule()

    refunds: Sequence[MethodTotal] = getattr(data, "refunds", ())
    refunds_total = sum(line.amount for line in refunds)
    f.text("PENGEMBALIAN", bold=True)
    for line in refunds:
        f.pair(f"{payment_label(line.method)} ({format_count(line.count)} trx)", format_rupiah(-line.amount))
    f.pair(f"Total ({format_count(sum(line.count for line in refunds))} trx)", format_rupiah(-refunds_total), bold=True)
    if any(line.method != CASH for line in refunds):
        f.text("Pengembalian non-tunai tidak keluar dari laci.", size=size * 0.85)
    f.pair("Penjualan bersih", format_rupiah(sales_total - refunds_total))
    f.rule()

    f.text("KAS DI LACI", bold=True)
    f.pair("Modal awal", format_rupiah(data.opening_float))
    f.pair("Penjualan tunai", format_rupiah(data.cash_sales))
    f.pair("Pengembalian tunai", format_rupiah(-sum(line.amount for line in refunds if line.method == CASH)))
    for movement in data.cash_movements:
        kind = "Kas masuk" if movement.amount > 0 else "Kas keluar"
        at = local_datetime(movement.at, data.tz).strftime("%H:%M")
        f.pair(f"{kind} {at} \u2013 {movement.reason}", signed_rupiah(movement.amount))
    f.pair("Kas seharusnya", format_rupiah(data.expected_cash), bold=True)
    f.pair("Kas dihitung", format_rupiah(data.counted_cash), bold=True)
    f.rule(dashed=False, weight=1.0)
    f.pair("SELISIH", signed_rupiah(data.difference), bold=True, size=size * 1.2)
    f.text(difference_note(data.difference), bold=True, align="right")
    if data.note:
        f.text(f"Catatan: {data.note}")
    if data.approved_by:
        approved = f"Disetujui: {data.approved_by}"
        if data.approved_at is not None:
            approved += f", {format_wib(data.approved_at, data.tz)}"
        f.text(approved, bold=True)
    f.rule()

    _signatures(f, ["Kasir", "Admin"] if data.approved_by else ["Kasir"])
    return render_pages([(f, f.height)], title=f"Tutup kasir {data.cashier_name} {format_wib(data.closed_at, data.tz)}")


def _signatures(f: Flow, roles: list[str]) -> None:
    """Blank signature lines, side by side, with the role under each."""
    size = f.size * 0.85
    height = 14 * MM
    column = f.inner / len(roles)
    left = f.left

    def draw(c: Canvas, top: float) -> None:
        c.setLineWidth(0.6)
        c.setFont(fonts.REGULAR, size)
        for i, role in enumerate(roles):
            x0, x1 = left + i * column + 2 * MM, left + (i + 1) * column - 2 * MM
            y = top - height + size * 1.6
            c.line(x0, y, x1, y)
            c.drawCentredString((x0 + x1) / 2, y - size * 1.2, role)

    f.block(height, draw)
