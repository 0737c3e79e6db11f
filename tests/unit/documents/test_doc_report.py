"""Day and month reports on A4: figures formatted the Indonesian way, long tables continue on the
next page under their header, and the bars are as tall as the numbers say."""
from __future__ import annotations

import pytest
from docpdf import pages, save_preview
from docsamples import MIDNIGHT_UTC
from PIL import Image, ImageChops

from chalicelib.documents import BarSeries, Column, Figure, ReportData, ReportSection, Table, render_report

HOURS = [f"{h:02d}" for h in range(24)]
# A shop open 09:00-21:00 with a lunch and an evening peak.
BY_HOUR = [0] * 9 + [400_000, 900_000, 1_200_000, 2_400_000, 1_800_000, 600_000, 500_000, 800_000,
                     1_500_000, 2_800_000, 3_000_000, 1_100_000, 0, 0, 0]
BAR_RGB = (0x3B, 0x6E, 0xA8)


def day_report() -> ReportData:
    return ReportData(
        title="Laporan Harian", merchant_name="Toko Batik Sekar Jagad", store_name="Cabang Kemang",
        period_label="Senin, 23 November 2026", generated_at=MIDNIGHT_UTC + 15 * 3600,
        headline=[Figure("Penjualan bersih", 17_000_000, "rupiah"), Figure("Transaksi", 1_204),
                  Figure("Rata-rata transaksi", 14_120, "rupiah"), Figure("Shopper kembali", 0.325, "percent"),
                  Figure("GMV chat", 3_500_000, "rupiah", note="12 Book Order")],
        sections=[ReportSection(
            "Penjualan toko",
            figures=[Figure("Kotor", 17_500_000, "rupiah"), Figure("Diskon", 500_000, "rupiah")],
            tables=[Table([Column("Metode"), Column("Transaksi", "count"), Column("Jumlah", "rupiah")],
                          [["Tunai", 600, 8_000_000], ["QRIS", 580, 8_500_000], ["Transfer Bank", 24, 500_000]],
                          title="Per metode", total=["Total", 1_204, 17_000_000]),
                    Table([Column("Kasir"), Column("Link shopper", "percent"), Column("Shopper baru", "count")],
                          [["Siti Rahmawati", 0.8, 10], ["Andi", 0.55, None]], title="Per kasir")],
            charts=[BarSeries("Penjualan per jam", HOURS, BY_HOUR)],
        )],
    )


def test_day_report_reads_like_a_report() -> None:
    pdf = render_report(day_report())
    save_preview("report-day", pdf)
    [page] = pages(pdf)
    assert page.size_mm == (210.0, 297.0)
    text = page.flat_text
    for expected in ["Laporan Harian", "Toko Batik Sekar Jagad \u00b7 Cabang Kemang", "Senin, 23 November 2026",
                     "Penjualan bersih Rp17.000.000", "Transaksi 1.204", "Shopper kembali 32,5%", "12 Book Order",
                     "Kotor Rp17.500.000", "QRIS 580 Rp8.500.000", "Total 1.204 Rp17.000.000",
                     "Siti Rahmawati 80% 10", "Andi 55% \u2013", "Penjualan per jam",
                     "Dibuat 23/11/2026 22:00 WIB", "Halaman 1"]:
        assert expected in text
    assert "3 jt" in text, "axis ticks in short rupiah"


def bar_heights(page_image: Image.Image) -> list[int]:
    """Heights in pixels of the chart's bars, left to right (runs of columns in the bar colour)."""
    channels = [band.point(lambda v, want=want: 255 if abs(v - want) < 12 else 0)
                for band, want in zip(page_image.split(), BAR_RGB)]
    mask = ImageChops.multiply(ImageChops.multiply(channels[0], channels[1]), channels[2])
    box = mask.getbbox()
    if box is None:
        return []
    left, top, right, bottom = box
    columns = [mask.crop((x, top, x + 1, bottom)).histogram()[255] for x in range(left, right)]
    bars, current = [], 0
    for count in columns + [0]:
        if count:
            current = max(current, count)
        elif current:
            bars.append(current)
            current = 0
    return bars


def test_bars_are_as_tall_as_the_values() -> None:
    [page] = pages(render_report(day_report()))
    bars = bar_heights(page.color_image(dpi=100))
    values = [v for v in BY_HOUR if v]
    assert len(bars) == len(values), "one bar per hour with sales, none for closed hours"
    for bar, value in zip(bars, values):
        assert bar / max(bars) == pytest.approx(value / max(values), abs=0.03)


def month_report() -> ReportData:
    days = [str(d) for d in range(1, 31)]
    sales = [(d * 7_919) % 5_000_000 + 1_000_000 for d in range(1, 31)]
    rows = [[f"{d:02d}/11/2026", 40 + d, s] for d, s in zip(range(1, 31), sales)]
    return ReportData(
        title="Laporan Bulanan", merchant_name="Toko Batik Sekar Jagad", store_name="Cabang Kemang",
        period_label="November 2026", generated_at=MIDNIGHT_UTC,
        headline=[Figure("Penjualan bersih", sum(sales), "rupiah"), Figure("Transaksi", sum(r[1] for r in rows))],
        sections=[ReportSection("Penjualan per hari", charts=[BarSeries("Penjualan per hari", days, sales)],
                                tables=[Table([Column("Tanggal"), Column("Transaksi", "count"),
                                               Column("Penjualan", "rupiah")], rows * 2)])],
    )


def test_long_month_report_continues_on_later_pages_under_its_header() -> None:
    pdf = render_report(month_report())
    save_preview("report-month", pdf)
    rendered = pages(pdf)
    assert len(rendered) >= 2
    for number, page in enumerate(rendered, start=1):
        assert page.size_mm == (210.0, 297.0)
        assert f"Halaman {number}" in page.text
        assert all(0 <= c.left and c.right <= page.width_pt and c.bottom >= 0 for c in page.chars)
    assert "Tanggal Transaksi Penjualan" in rendered[-1].flat_text, "the table header repeats"
    assert "30/11/2026" in rendered[-1].text
    assert len(bar_heights(rendered[0].color_image())) == 30


def test_a_day_without_sales_still_renders() -> None:
    quiet = ReportData(title="Laporan Harian", merchant_name="Toko", store_name="Cabang", period_label="Minggu",
                       generated_at=MIDNIGHT_UTC, sections=[ReportSection("Penjualan", charts=[
                           BarSeries("Penjualan per jam", HOURS, [0] * 24)])])
    [page] = pages(render_report(quiet))
    assert bar_heights(page.color_image()) == []


def test_table_rows_must_match_columns() -> None:
    with pytest.raises(ValueError, match="cells"):
        Table([Column("Metode"), Column("Jumlah", "rupiah")], [["Tunai"]])
