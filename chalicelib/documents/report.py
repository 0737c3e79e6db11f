"""Day and month reports on A4: headline figures, sections of figures and tables, bar charts.

The layout knows nothing about sales or shifts: the reports area decides what goes in
:class:`~.model.ReportData`, this module only makes it readable on paper and on screen.
"""
from __future__ import annotations

import io
import math
from typing import TYPE_CHECKING, Any, Callable, Sequence
from xml.sax.saxutils import escape

from chalicelib.core.clock import format_wib

from . import fonts
from .formatting import format_cell, format_count, format_percent, format_rupiah_short
from .layout import MM
from .model import BarSeries, Figure, ReportData, ReportSection, Table

if TYPE_CHECKING:
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Flowable

PAGE_MARGIN = 15 * MM
HEADLINE_COLUMNS = 4
# Greys and one muted blue: legible on a black-and-white office printer as well as on screen.
INK = "#1f2933"
MUTED = "#5f6b7a"
RULE = "#c5ccd6"
STRIPE = "#f2f4f7"
BAR = "#3b6ea8"


def render_report(data: ReportData) -> bytes:
    """The report as an A4 PDF, page numbers and generation time in the footer."""
    from reportlab.lib.pagesizes import A4
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

    fonts.register_fonts()
    styles = _styles()
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer, pagesize=A4, leftMargin=PAGE_MARGIN, rightMargin=PAGE_MARGIN, topMargin=PAGE_MARGIN,
        bottomMargin=PAGE_MARGIN + 5 * MM, title=f"{data.title} {data.period_label}", author="Sambung",
        creator="Sambung", invariant=1,
    )
    story: list[Flowable] = [
        Paragraph(_p(data.title), styles["title"]),
        Paragraph(f"{_p(data.merchant_name)} \u00b7 {_p(data.store_name)}", styles["subtitle"]),
        Paragraph(_p(data.period_label), styles["period"]),
        Spacer(0, 4 * MM),
    ]
    if data.headline:
        story += [_headline(data.headline, doc.width, styles), Spacer(0, 6 * MM)]
    for section in data.sections:
        story += _section(section, doc.width, styles)

    footer = f"Dibuat {format_wib(data.generated_at, data.tz)} \u00b7 Sambung"

    def draw_footer(canvas: Any, document: Any) -> None:
        canvas.saveState()
        canvas.setFont(fonts.REGULAR, 7.5)
        canvas.setFillColor(MUTED)
        canvas.drawString(PAGE_MARGIN, PAGE_MARGIN, fonts.printable(footer))
        canvas.drawRightString(A4[0] - PAGE_MARGIN, PAGE_MARGIN, f"Halaman {document.page}")
        canvas.restoreState()

    doc.build(story, onFirstPage=draw_footer, onLaterPages=draw_footer)
    return buffer.getvalue()


def _p(text: str) -> str:
    """User text made safe for a platypus paragraph (markup escaped, glyphs the font has)."""
    return escape(fonts.printable(text))


def _styles() -> dict[str, ParagraphStyle]:
    from reportlab.lib.enums import TA_RIGHT
    from reportlab.lib.styles import ParagraphStyle

    base = ParagraphStyle("base", fontName=fonts.REGULAR, fontSize=9, leading=11.5, textColor=INK)
    return {
        "title": ParagraphStyle("title", base, fontName=fonts.BOLD, fontSize=18, leading=22),
        "subtitle": ParagraphStyle("subtitle", base, fontSize=10.5, leading=14, textColor=MUTED),
        "period": ParagraphStyle("period", base, fontName=fonts.BOLD, fontSize=12, leading=15),
        "h2": ParagraphStyle("h2", base, fontName=fonts.BOLD, fontSize=12.5, leading=16, spaceBefore=4 * MM,
                             spaceAfter=2 * MM),
        # A table's or chart's title never sits alone at the foot of a page.
        "h3": ParagraphStyle("h3", base, fontName=fonts.BOLD, fontSize=10, leading=13, spaceBefore=2 * MM,
                             spaceAfter=1.5 * MM, keepWithNext=1),
        "cell": base,
        "cell_bold": ParagraphStyle("cell_bold", base, fontName=fonts.BOLD),
        "num": ParagraphStyle("num", base, alignment=TA_RIGHT),
        "num_bold": ParagraphStyle("num_bold", base, fontName=fonts.BOLD, alignment=TA_RIGHT),
        "tile_label": ParagraphStyle("tile_label", base, fontSize=8, leading=10, textColor=MUTED),
        "tile_value": ParagraphStyle("tile_value", base, fontName=fonts.BOLD, fontSize=14, leading=17),
        "note": ParagraphStyle("note", base, fontSize=8, leading=10, textColor=MUTED),
    }


def _headline(figures: Sequence[Figure], width: float, styles: dict[str, ParagraphStyle]) -> Flowable:
    """Key figures as tiles, four to a row."""
    from reportlab.platypus import Paragraph
    from reportlab.platypus import Table as RLTable

    tiles = []
    for fig in figures:
        tile = [Paragraph(_p(fig.label), styles["tile_label"]),
                Paragraph(_p(format_cell(fig.value, fig.kind)), styles["tile_value"])]
        if fig.note:
            tile.append(Paragraph(_p(fig.note), styles["note"]))
        tiles.append(tile)
    rows = [tiles[i:i + HEADLINE_COLUMNS] for i in range(0, len(tiles), HEADLINE_COLUMNS)]
    rows[-1] += [""] * (HEADLINE_COLUMNS - len(rows[-1]))
    table = RLTable(rows, colWidths=[width / HEADLINE_COLUMNS] * HEADLINE_COLUMNS)
    table.setStyle([
        ("BOX", (0, 0), (-1, -1), 0.8, RULE),
        ("INNERGRID", (0, 0), (-1, -1), 0.8, RULE),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 7),
    ])
    return table


def _section(section: ReportSection, width: float, styles: dict[str, ParagraphStyle]) -> list[Flowable]:
    from reportlab.platypus import CondPageBreak, Paragraph, Spacer

    # A heading never sits alone at the foot of a page.
    story: list[Flowable] = [CondPageBreak(40 * MM), Paragraph(_p(section.title), styles["h2"])]
    if section.figures:
        story += [_figures(section.figures, width, styles), Spacer(0, 3 * MM)]
    for series in section.charts:
        story += [Paragraph(_p(series.title), styles["h3"]), _chart(series, width), Spacer(0, 3 * MM)]
    for table in section.tables:
        if table.title:
            story.append(Paragraph(_p(table.title), styles["h3"]))
        story += [_table(table, width, styles), Spacer(0, 3 * MM)]
    if section.note:
        story.append(Paragraph(_p(section.note), styles["note"]))
    return story


def _figures(figures: Sequence[Figure], width: float, styles: dict[str, ParagraphStyle]) -> Flowable:
    """Label/value pairs, two pairs to a row."""
    from reportlab.platypus import Paragraph
    from reportlab.platypus import Table as RLTable

    cells = []
    for fig in figures:
        label = _p(fig.label) + (f" <font color='{MUTED}'>({_p(fig.note)})</font>" if fig.note else "")
        cells += [Paragraph(label, styles["cell"]), Paragraph(_p(format_cell(fig.value, fig.kind)), styles["num_bold"])]
    rows = [cells[i:i + 4] for i in range(0, len(cells), 4)]
    rows[-1] += [""] * (4 - len(rows[-1]))
    gutter = 8 * MM
    half = (width - gutter) / 2
    table = RLTable(rows, colWidths=[half * 0.62, half * 0.38 + gutter / 2, half * 0.62 + gutter / 2, half * 0.38])
    table.setStyle([
        ("LINEBELOW", (0, 0), (1, -1), 0.5, RULE),
        ("LINEBELOW", (2, 0), (3, -1), 0.5, RULE),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (2, 0), (2, -1), gutter / 2 + 2),
        ("RIGHTPADDING", (1, 0), (1, -1), gutter / 2 + 2),
    ])
    return table


def _table(table: Table, width: float, styles: dict[str, ParagraphStyle]) -> Flowable:
    from reportlab.platypus import Paragraph
    from reportlab.platypus import Table as RLTable

    numeric = [col.kind != "text" for col in table.columns]

    def row_cells(values: Sequence[Any], bold: bool) -> list[Any]:
        return [
            Paragraph(_p(format_cell(value, col.kind)),
                      styles[("num" if is_num else "cell") + ("_bold" if bold else "")])
            for value, col, is_num in zip(values, table.columns, numeric)
        ]

    header = [Paragraph(_p(col.header), styles["num_bold" if is_num else "cell_bold"])
              for col, is_num in zip(table.columns, numeric)]
    rows = [header] + [row_cells(row, False) for row in table.rows]
    if table.total is not None:
        rows.append(row_cells(table.total, True))
    # Text columns take the slack; numbers get a fixed share wide enough for Rp1.000.000.000.
    n_text = numeric.count(False)
    num_width = min(34 * MM, width / len(numeric)) if n_text else width / len(numeric)
    text_width = (width - num_width * numeric.count(True)) / n_text if n_text else 0
    rl = RLTable(rows, colWidths=[num_width if is_num else text_width for is_num in numeric], repeatRows=1)
    style: list[tuple[Any, ...]] = [
        ("LINEBELOW", (0, 0), (-1, 0), 0.9, INK),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
    style += [("BACKGROUND", (0, i), (-1, i), STRIPE) for i in range(2, len(table.rows) + 1, 2)]
    if table.total is not None:
        style.append(("LINEABOVE", (0, -1), (-1, -1), 0.9, INK))
    rl.setStyle(style)
    return rl


def _chart(series: BarSeries, width: float) -> Flowable:
    """A bar per label, value axis from zero, ticks in short rupiah (``1,5 jt``) or counts."""
    from reportlab.graphics.charts.barcharts import VerticalBarChart
    from reportlab.graphics.shapes import Drawing
    from reportlab.lib import colors

    height = 62 * MM
    drawing = Drawing(width, height)
    chart = VerticalBarChart()
    chart.x, chart.y = 18 * MM, 8 * MM
    chart.width, chart.height = width - 20 * MM, height - 12 * MM
    chart.data = [[float(v) for v in series.values]]
    chart.bars[0].fillColor = colors.HexColor(BAR)
    chart.bars[0].strokeColor = None
    chart.barSpacing = 1
    chart.groupSpacing = max(1.0, 12.0 - len(series.values) / 3)
    chart.categoryAxis.categoryNames = [fonts.printable(label) for label in series.labels]
    chart.categoryAxis.labels.fontName = fonts.REGULAR
    chart.categoryAxis.labels.fontSize = 6.5 if len(series.values) > 16 else 8
    chart.categoryAxis.labels.dy = -2
    chart.categoryAxis.strokeColor = colors.HexColor(MUTED)
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueMax, chart.valueAxis.valueStep = _nice_scale(max(chart.data[0]), series.kind != "percent")
    chart.valueAxis.labels.fontName = fonts.REGULAR
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.labelTextFormat = _tick_format(series)
    chart.valueAxis.strokeColor = colors.HexColor(MUTED)
    chart.valueAxis.visibleGrid = True
    chart.valueAxis.gridStrokeColor = colors.HexColor(RULE)
    chart.valueAxis.gridStrokeWidth = 0.4
    drawing.add(chart)
    return drawing


def _nice_scale(largest: float, whole: bool) -> tuple[float, float]:
    """Axis top and step: about four round steps (1, 2, 2.5 or 5 times a power of ten) covering
    ``largest``, so the tallest bar sits under a labelled grid line; ``whole`` keeps steps of
    counts and rupiah at 1 or more. A day without sales still gets a scale."""
    if largest <= 0:
        return 1.0, 1.0
    rough = largest / 4
    power = 10 ** math.floor(math.log10(rough))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= rough)
    if whole:
        step = max(1, round(step))
    return math.ceil(largest / step) * step, step


def _tick_format(series: BarSeries) -> Callable[[float], str]:
    if series.kind == "rupiah":
        return format_rupiah_short
    if series.kind == "percent":
        return format_percent
    return lambda value: format_count(round(value))
