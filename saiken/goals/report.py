"""The committee's report (債権管理推進委員会 資料) and the dashboard's figures.

`build(fiscal_year)` gathers, in a fixed number of queries, everything the dashboard
shows and the report prints: the history from FY2012 (the seed's published figures as
printed, then the ledger's years), the 14 receivables' collection table, the targets
against their actuals with attainment, the process indicators, one small history per
receivable and, for a year still collecting, the forecast. `render_pdf` and
`render_xlsx` turn it into the two files the committee takes away; the PDF draws the
very charts of the screen (`saiken.goals.svg` layouts) with ReportLab, in the embedded
Japanese font.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from fractions import Fraction

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from reportlab.graphics.shapes import Circle, Drawing, Group, PolyLine, Rect, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from saiken.accounting import report as accounting
from saiken.accounting.models import PublishedYear
from saiken.catalog.models import ReceivableType
from saiken.core.collection import Line, SummaryRow, city_total
from saiken.core.era import fiscal_year_label, wareki
from saiken.core.fiscal import accounts_close
from saiken.core.money import percent, point_change
from saiken.demands.compliance import shares
from saiken.documents.cells import append_row
from saiken.documents.fonts import register_japanese_font
from saiken.goals import plan_report, svg
from saiken.goals.forecasts import YearForecast, forecasts
from saiken.goals.indicators import Value, YearLines, actuals, attainment, is_pending, stall_as_of, stall_snapshot, targets_for
from saiken.goals.models import RELATIVE, Indicator, Target, Unit

OKU = 100_000_000


# ---- labels -------------------------------------------------------------------------------


def short_fy(fy: int) -> str:
    """H24, R7: the axis label of a fiscal year."""
    label = fiscal_year_label(fy)
    era = {"平成": "H", "令和": "R", "昭和": "S"}.get(label[:2], label[:2])
    n = label[2:].removesuffix("年度")
    return f"{era}{1 if n == '元' else n}"


def fy_label(fy: int) -> str:
    return f"{fiscal_year_label(fy)}（{fy}）"


def oku(value: Decimal | None) -> str:
    """億円 as the seed prints it: 131億円, 96億円, 96.5億円."""
    if value is None:
        return "—"
    text = str(int(value)) if value == value.to_integral_value() else f"{value.normalize():f}"
    return f"{text}億円"


def pct_text(value: Decimal | Fraction | None) -> str:
    if value is None:
        return "—"
    if isinstance(value, Fraction):
        value = percent(value)
    return f"{value:.1f}%"


def yen_text(value: int | None) -> str:
    return "—" if value is None else f"{value:,}円"


def value_text(value: Value, unit: str) -> str:
    if value is None:
        return "—"
    if unit == Unit.PERCENT:
        return f"{value:.1f}%"
    return f"{value:,}{'円' if unit == Unit.YEN else '件'}"


def gap_text(gap: Decimal | int | None, unit: str) -> str:
    if gap is None:
        return "—"
    sign = "+" if gap > 0 else ("−" if gap < 0 else "±")
    body = f"{abs(gap):.1f}ポイント" if unit == Unit.PERCENT else f"{abs(gap):,}{'円' if unit == Unit.YEN else '件'}"
    return sign + body


def achieved_text(achieved: bool | None) -> str:
    return {True: "達成", False: "未達成", None: "—"}[achieved]


# ---- the figures --------------------------------------------------------------------------


@dataclass
class HistoryRow:
    year: int
    published: PublishedYear | None
    line: Line | None  # the ledger's figures for the major receivables together (closed years)
    previous_rate: Fraction | None
    point: svg.YearPoint
    running: bool = False  # accounts not closed yet: no figures, the forecast instead
    projected: Fraction | None = None
    as_of: date | None = None  # the forecast's date

    @property
    def source(self) -> str:
        if self.published is not None:
            return "公表値（見込み）" if self.published.note else "公表値"
        if self.running:
            return "年度途中"
        return "台帳" if self.line is not None else "データなし"

    @property
    def rate(self) -> Fraction | None:
        """The total collection rate, exactly (a published one as printed)."""
        if self.published is not None:
            return Fraction(self.published.collection_rate_pct) / 100
        return self.line.total.rate if self.line is not None else None

    @property
    def change(self) -> Decimal | None:
        return point_change(self.rate, self.previous_rate)


@dataclass
class TargetRow:
    target: Target
    carried: bool  # set for an earlier year and carried forward
    actual: Value
    previous: Value
    achieved: bool | None
    gap: Decimal | int | None
    pending: str | None

    @property
    def unit(self) -> str:
        return self.target.indicator.unit

    @property
    def who(self) -> str:
        return self.target.receivable.name if self.target.receivable_id else "主要14債権 全体"

    @property
    def actual_text(self) -> str:
        return self.pending or value_text(self.actual, self.unit)

    @property
    def previous_text(self) -> str:
        return value_text(self.previous, self.unit)

    @property
    def gap_text(self) -> str:
        return gap_text(self.gap, self.unit)

    @property
    def achieved_text(self) -> str:
        return achieved_text(self.achieved)


@dataclass
class IndicatorRow:
    indicator: Indicator
    city: Value
    previous: Value
    by_receivable: list[Value]
    pending: str | None

    @property
    def change(self) -> Decimal | int | None:
        if self.city is None or self.previous is None:
            return None
        return self.city - self.previous

    @property
    def texts(self) -> dict[str, str | list[str]]:
        unit = self.indicator.unit
        return {
            "city": self.pending or value_text(self.city, unit),
            "previous": "—" if self.pending else value_text(self.previous, unit),
            "change": gap_text(self.change, unit),
            "by_receivable": [value_text(v, unit) for v in self.by_receivable],
        }


@dataclass
class BlockYear:
    year: int
    line: Line | None  # None for a year still collecting
    change: Decimal | None  # of the total rate against the year before, in points
    projected: Fraction | None = None  # a year still collecting: the forecast rate

    @property
    def running(self) -> bool:
        return self.line is None


@dataclass
class ReceivableBlock:
    receivable: ReceivableType
    years: list[BlockYear]
    chart: svg.Chart


@dataclass
class CommitteeReport:
    fiscal_year: int
    generated_at: date
    years: list[int]  # the ledger's settlement years, newest first
    history: list[HistoryRow]
    history_chart: svg.Chart
    collection: accounting.CollectionReport | None
    targets: list[TargetRow]
    indicators: list[IndicatorRow]  # process indicators (取組指標)
    receivables: list[ReceivableType]
    blocks: list[ReceivableBlock]
    stall_day: date | None = None  # the day of the stalled-case count shown for the year (nightly snapshot)
    forecasts: list[YearForecast] = field(default_factory=list)
    pace_charts: list[svg.Chart] = field(default_factory=list)

    @property
    def label(self) -> str:
        return fy_label(self.fiscal_year)

    @property
    def running(self) -> bool:
        """The year's accounts are not closed yet: its figures are to date."""
        return accounts_close(self.fiscal_year) >= self.generated_at

    @property
    def main_indicators(self) -> list[IndicatorRow]:
        """Process indicators over everything (without a reason or kind parameter)."""
        return [i for i in self.indicators if not i.indicator.parameter]

    @property
    def breakdown_indicators(self) -> list[IndicatorRow]:
        """Process indicators for one reason or kind (不納欠損の理由別 and the like)."""
        return [i for i in self.indicators if i.indicator.parameter]

    @property
    def overall(self) -> list[TargetRow]:
        return [t for t in self.targets if t.target.receivable_id is None]

    @property
    def individual(self) -> list[TargetRow]:
        return [t for t in self.targets if t.target.receivable_id is not None]


def _published_caption(p: PublishedYear) -> str:
    parts = [f"{fy_label(p.fiscal_year)}　未収金 {oku(p.actual_unpaid_oku)}（公表値{'・見込み' if p.note else ''}）",
             f"収納率 {pct_text(p.collection_rate_pct)}"]
    if p.target_unpaid_oku is not None:
        parts.append(f"目標額 {oku(p.target_unpaid_oku)}")
    return "　".join(parts)


def _ledger_caption(fy: int, line: Line) -> str:
    return (
        f"{fy_label(fy)}　未収金 現年度分 {yen_text(line.current.unpaid)}・滞納繰越分 {yen_text(line.arrears.unpaid)}"
        f"・合計 {yen_text(line.total.unpaid)}　収納率 {pct_text(line.total.rate)}"
    )


def _ledger_point(fy: int, line: Line) -> svg.YearPoint:
    return svg.YearPoint(
        fy, short_fy(fy), _ledger_caption(fy, line), current=line.current.unpaid, arrears=line.arrears.unpaid,
        rate=percent(line.total.rate),
    )


def _has_figures(line: Line | None) -> bool:
    return line is not None and bool(line.total.assessed or line.total.collected or line.total.written_off)


def history(
    lines: YearLines, ledger_years: list[int], major: list[int], today: date,
    projected: dict[tuple[int, int | None], Fraction] | None = None, as_of: date | None = None,
) -> list[HistoryRow]:
    """One row per fiscal year from the first published year to the latest ledger year.
    A published year is shown as printed even when the ledger also has it. A year whose
    accounts are not closed on `today` has no figures yet: its forecast rate (from
    `projected`, keyed (year, None)) stands in, as the seed showed FY2017 as 見込み."""
    projected = projected or {}
    published = {p.fiscal_year: p for p in PublishedYear.objects.all()}
    totals: dict[int, Line] = {}
    for y in ledger_years:
        totals[y] = city_total(lines[y][r] for r in major if r in lines[y])
    years = sorted(set(published) | set(ledger_years))
    out = []
    if not years:
        return out
    previous: Fraction | None = None
    for y in range(years[0], years[-1] + 1):
        p, line = published.get(y), totals.get(y)
        running = p is None and y in totals and accounts_close(y) >= today
        if p is not None:
            point = svg.YearPoint(y, short_fy(y), _published_caption(p), total=int(p.actual_unpaid_oku * OKU),
                                  rate=p.collection_rate_pct, published=True)
        elif running:
            rate = projected.get((y, None))
            caption = f"{fy_label(y)}　年度途中" + (f"　収納率の見込み {pct_text(rate)}（{wareki(as_of)}時点）" if rate is not None else "")
            point = svg.YearPoint(y, short_fy(y), caption, projected=percent(rate) if rate is not None else None)
            row = HistoryRow(y, None, None, previous, point, True, rate, as_of if rate is not None else None)
            out.append(row)
            previous = None
            continue
        elif _has_figures(line):
            point = _ledger_point(y, line)
        else:
            line = None
            point = svg.YearPoint(y, short_fy(y), f"{fy_label(y)}　データなし")
        row = HistoryRow(y, p, line if p is None else None, previous, point)
        out.append(row)
        previous = row.rate
    return out


def _blocks(
    per_year: YearLines, ledger_years: list[int], receivables: list[ReceivableType], today: date,
    projected: dict[tuple[int, int | None], Fraction],
) -> list[ReceivableBlock]:
    blocks = []
    for r in receivables:
        years: list[BlockYear] = []
        points = []
        for y in sorted(ledger_years):
            line = per_year[y].get(r.id)
            if not _has_figures(line):
                continue
            if accounts_close(y) >= today:
                rate = projected.get((y, r.id))
                years.append(BlockYear(y, None, None, rate))
                caption = f"{fy_label(y)}　年度途中" + (f"　収納率の見込み {pct_text(rate)}" if rate is not None else "")
                points.append(svg.YearPoint(y, short_fy(y), caption, projected=percent(rate) if rate is not None else None))
                continue
            before = per_year[y - 1].get(r.id) if y - 1 in ledger_years else None
            years.append(BlockYear(y, line, point_change(line.total.rate, before.total.rate if before else None)))
            points.append(_ledger_point(y, line))
        chart = svg.history_chart(points, title=f"{r.number} {r.name}", width=300, height=150, compact=True)
        blocks.append(ReceivableBlock(r, years, chart))
    return blocks


def _pace_chart(f: YearForecast) -> svg.Chart:
    months = [(m, f"{(m + 3) % 12 + 1}月末") for m in range(1, 15, 2)]
    this = svg.Series(
        f"{fiscal_year_label(f.fiscal_year)}", tuple((p.x, float(p.rate), f"{wareki(p.on)}　収納率 {p.rate:.2f}%") for p in f.pace_this if p.rate is not None),
        "rate",
    )
    last = svg.Series(
        f"{fiscal_year_label(f.fiscal_year - 1)}", tuple((p.x, float(p.rate), f"{wareki(p.on)}　収納率 {p.rate:.2f}%") for p in f.pace_last if p.rate is not None),
        "last", dashed=True,
    )
    extra = []
    rate = f.city.parts["total"].rate
    if rate is not None:
        extra.append(svg.Dot(14, float(percent(rate, 2)), 5, "projected", f"決算見込み　収納率 {pct_text(rate)}（出納閉鎖時）"))
    return svg.line_chart(
        [last, this], title=f"{fiscal_year_label(f.fiscal_year)} 収納率の進捗（主要14債権 合計、累計）",
        x_labels=months, x_max=14, extra=extra, extra_label="決算見込み",
    )


def build(
    fiscal_year: int, *, rows: list[SummaryRow] | None = None, with_forecast: bool = True, today: date | None = None
) -> CommitteeReport:
    """Everything the dashboard shows for `fiscal_year`, as of `today` (default: today):
    which years are still collecting, the forecast, the process indicators. Every figure
    is exact at that moment (the summaries are kept by the actions that write the records)."""
    today = today or timezone.localdate()
    rows = accounting.summary_rows() if rows is None else rows
    everything = list(ReceivableType.objects.order_by("number"))
    receivables = [r for r in everything if r.is_major]
    major = [r.id for r in receivables]
    ledger_years = sorted({r.settlement_year for r in rows}, reverse=True)
    lines = YearLines(rows)
    year_forecasts = forecasts(today, rows, everything, lines) if with_forecast else []
    projected: dict[tuple[int, int | None], Fraction] = {}
    for f in year_forecasts:
        for row in [*f.rows, f.city]:
            if row.parts["total"].rate is not None:
                projected[(f.fiscal_year, row.receivable_id)] = row.parts["total"].rate
    hist = history(lines, ledger_years, major, today, projected, today)
    chart = svg.history_chart([h.point for h in hist], title="主要14債権の未収金と収納率の推移")
    collection = accounting.collection_report(fiscal_year, rows, major_only=True) if fiscal_year in ledger_years else None

    indicators = list(Indicator.objects.filter(active=True))
    # The demand shares of both years below at once.
    demand_shares = shares(today, [fiscal_year - 1, fiscal_year], {r.id: r.demand_window_days for r in everything})
    same = dict(as_of=today, rows=rows, indicators=indicators, receivables=everything, lines=lines, demand_shares=demand_shares)
    now = actuals(fiscal_year, **same)
    before = actuals(fiscal_year - 1, **same)
    stall_day, _ = stall_snapshot(stall_as_of(fiscal_year, today))
    no_snapshot = stall_day is None
    target_rows = []
    for t in targets_for(fiscal_year):
        key = (t.indicator.code, t.receivable_id)
        a, p = now.get(key), before.get(key)
        achieved, gap = attainment(t, a, p)
        target_rows.append(TargetRow(t, t.fiscal_year != fiscal_year, a, p, achieved, gap, is_pending(t.indicator, no_snapshot)))
    process = [
        IndicatorRow(
            ind, now[(ind.code, None)], before[(ind.code, None)], [now[(ind.code, r.id)] for r in receivables],
            is_pending(ind, no_snapshot),
        )
        for ind in indicators
        if not ind.is_outcome
    ]
    report = CommitteeReport(
        fiscal_year, today, ledger_years, hist, chart, collection, target_rows, process,
        receivables, _blocks(lines, ledger_years, receivables, today, projected), stall_day,
    )
    report.forecasts = year_forecasts
    report.pace_charts = [_pace_chart(f) for f in year_forecasts]
    return report


# ---- PDF ---------------------------------------------------------------------------------


def to_drawing(chart: svg.Chart, width: float, font: str) -> Drawing:
    """The chart's marks drawn again with ReportLab, scaled to `width` points."""
    s = width / chart.width
    g = Group()
    h = chart.height

    def colour(role: str):
        return colors.HexColor(svg.PALETTE.get(role, svg.PALETTE["text"]))

    def add(item) -> None:
        if isinstance(item, svg.Group):
            for i in item.items:
                add(i)
        elif isinstance(item, svg.Rect):
            g.add(Rect(item.x, h - item.y - item.h, item.w, item.h, fillColor=colour(item.role), strokeColor=None))
        elif isinstance(item, svg.Polyline):
            pts = [c for x, y in item.points for c in (x, h - y)]
            g.add(PolyLine(pts, strokeColor=colour(item.role), strokeWidth=item.width,
                           strokeDashArray=[6, 4] if item.dashed else None))
        elif isinstance(item, svg.Dot):
            g.add(Circle(item.x, h - item.y, item.r, fillColor=colour(item.role), strokeColor=None))
        elif isinstance(item, svg.Text):
            g.add(String(item.x, h - item.y, item.text, fontName=font, fontSize=item.size,
                         fillColor=colour(item.role), textAnchor=item.anchor))

    for item in chart.items:
        add(item)
    g.transform = (s, 0, 0, s, 0, 0)
    d = Drawing(chart.width * s, chart.height * s)
    d.initialFontName = font  # else the renderer names Helvetica, which is not embedded
    d.add(g)
    return d


def _table(data: list[list], font: str, widths: list[float] | None = None, numeric_from: int = 1, total_last: bool = False) -> Table:
    t = Table(data, colWidths=widths, repeatRows=1)
    style = [
        ("FONT", (0, 0), (-1, -1), font, 7.5),
        ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#a0aec0")),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#edf2f7")),
        ("ALIGN", (numeric_from, 1), (-1, -1), "RIGHT"),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]
    if total_last:
        style.append(("BACKGROUND", (0, -1), (-1, -1), colors.HexColor("#f7fafc")))
    t.setStyle(TableStyle(style))
    return t


def collection_table(report: CommitteeReport) -> tuple[list[str], list[list]]:
    """The 14-receivable table as the report prints it (rates and 未収金 by part)."""
    header = ["番号", "債権", "収納率 現年度分", "収納率 滞納繰越分", "収納率 合計", "前年度比", "未収金 現年度分",
              "未収金 滞納繰越分", "未収金 合計", "不納欠損額"]
    body = []
    if report.collection is None:
        return header, body
    for row in [*report.collection.rows, report.collection.total]:
        body.append([
            row.number if row.number is not None else "", row.label,
            percent(row.line.current.rate), percent(row.line.arrears.rate), percent(row.line.total.rate),
            row.change("total"), row.line.current.unpaid, row.line.arrears.unpaid, row.line.total.unpaid,
            row.line.total.written_off,
        ])
    return header, body


def _cells(row: list, percent_cols: set[int], point_cols: set[int] = frozenset()) -> list[str]:
    out = []
    for i, v in enumerate(row):
        if v is None:
            out.append("—")
        elif i in point_cols:
            out.append(gap_text(v, Unit.PERCENT).replace("ポイント", ""))
        elif i in percent_cols:
            out.append(f"{v:.1f}")
        elif isinstance(v, int) and not isinstance(v, bool):
            out.append(f"{v:,}")
        else:
            out.append(str(v))
    return out


def history_table(report: CommitteeReport) -> tuple[list[str], list[list[str]]]:
    header = ["年度", "未収金 現年度分", "未収金 滞納繰越分", "未収金 合計", "収納率（合計）", "前年度比", "未収金目標額", "出典"]
    body = []
    for h in report.history:
        change = h.change
        if h.published is not None:
            p = h.published
            body.append([fy_label(h.year), "—", "—", oku(p.actual_unpaid_oku), pct_text(p.collection_rate_pct),
                         gap_text(change, Unit.PERCENT) if change is not None else "—", oku(p.target_unpaid_oku), h.source])
        elif h.running:
            body.append([fy_label(h.year), "—", "—", "—", f"{pct_text(h.projected)}（見込み）" if h.projected is not None else "—",
                         "—", "—", h.source])
        elif h.line is not None:
            body.append([fy_label(h.year), yen_text(h.line.current.unpaid), yen_text(h.line.arrears.unpaid), yen_text(h.line.total.unpaid),
                         pct_text(h.line.total.rate), gap_text(change, Unit.PERCENT) if change is not None else "—", "—", h.source])
        else:
            body.append([fy_label(h.year), "—", "—", "—", "—", "—", "—", h.source])
    return header, body


def render_pdf(report: CommitteeReport) -> bytes:
    font = register_japanese_font()
    buf = io.BytesIO()
    page = landscape(A4)
    doc = SimpleDocTemplate(
        buf, pagesize=page, leftMargin=14 * mm, rightMargin=14 * mm, topMargin=12 * mm, bottomMargin=12 * mm,
        title=f"債権管理の目標と実績 {report.label}", author="saiken",
        # Every page starts in the Japanese font, so no unembedded Helvetica is named in the file.
        initialFontName=font, initialFontSize=9,
    )
    width = page[0] - 28 * mm
    h1 = ParagraphStyle("h1", fontName=font, fontSize=16, leading=20, spaceAfter=6)
    h2 = ParagraphStyle("h2", fontName=font, fontSize=12, leading=16, spaceBefore=8, spaceAfter=4)
    body = ParagraphStyle("body", fontName=font, fontSize=8.5, leading=12)
    story: list = [
        Paragraph(f"債権管理の目標と実績　{report.label}", h1),
        Paragraph(
            ("この年度は出納閉鎖前のため、実績は作成日現在の値です。" if report.running else "")
            + f"作成日 {wareki(report.generated_at)}。金額は円（公表値は億円）、収納率は％（収入済額÷調定額、本税・本料）。"
            + f"取組指標・決算見込みは{wareki(report.generated_at)}時点"
            + (f"（停滞事案数は{wareki(report.stall_day)}の日次集計）。" if report.stall_day else "。"),
            body,
        ),
    ]

    story.append(Paragraph("1. 全体目標と個別目標の達成状況", h2))
    header = ["対象", "指標", "目標", "実績", "前年度", "達成状況", "差"]
    data = [header]
    for t in report.targets:
        data.append([t.who, t.target.indicator.name, t.target.describe() + ("（継続）" if t.carried else ""),
                     t.pending or value_text(t.actual, t.unit), value_text(t.previous, t.unit), achieved_text(t.achieved), gap_text(t.gap, t.unit)])
    if len(data) == 1:
        data.append(["目標は設定されていません", "", "", "", "", "", ""])
    story.append(_table(data, font, [50 * mm, 48 * mm, 50 * mm, 30 * mm, 30 * mm, 22 * mm, 30 * mm], numeric_from=3))

    story.append(Paragraph("2. 主要14債権の未収金と収納率の推移", h2))
    story.append(to_drawing(report.history_chart, width * 0.75, font))
    hh, hb = history_table(report)
    story.append(_table([hh, *hb], font, numeric_from=1))

    story.append(PageBreak())
    story.append(Paragraph(f"3. 主要14債権の収納状況（{report.label}）", h2))
    ch, cb = collection_table(report)
    if cb:
        rows = [ch] + [_cells(r, {2, 3, 4}, {5}) for r in cb]
        story.append(_table(rows, font, [10 * mm, 52 * mm] + [24 * mm] * 8, numeric_from=2, total_last=True))
    else:
        story.append(Paragraph(f"{report.label}の決算データはありません。", body))

    story.append(Paragraph("4. 取組指標（基本方針の取り組みの方向性）", h2))
    data = [["方向性", "指標", report.label, fy_label(report.fiscal_year - 1), "前年度比"]]
    for ind in report.main_indicators + report.breakdown_indicators:
        t = ind.texts
        data.append([ind.indicator.direction_short, ind.indicator.name, t["city"], t["previous"], t["change"]])
    story.append(_table(data, font, [16 * mm, 80 * mm, 50 * mm, 40 * mm, 40 * mm], numeric_from=2))

    main = [ind for ind in report.main_indicators if not ind.pending]
    if main:
        story.append(Paragraph("債権別の取組指標", h2))
        data = [["番号", "債権", *[ind.indicator.name for ind in main]]]
        for i, r in enumerate(report.receivables):
            data.append([str(r.number), r.name, *[value_text(ind.by_receivable[i], ind.indicator.unit) for ind in main]])
        story.append(_table(data, font, numeric_from=2))

    for f, chart in zip(report.forecasts, report.pace_charts):
        story.append(PageBreak())
        story.append(Paragraph(f"5. {fy_label(f.fiscal_year)} 決算見込み（{wareki(f.as_of)}時点）", h2))
        story.append(Paragraph(
            "前年度の同日（" + wareki(f.same_day) + "）までの収入済額が前年度の決算（出納閉鎖時）の収入済額に占める割合で、"
            "今年度の収入済額を割り戻した見込みです（同日比の進捗率法）。", body))
        story.append(to_drawing(chart, width * 0.7, font))
        story.append(_table(forecast_table(f), font, numeric_from=1, total_last=True))

    story.append(PageBreak())
    story.append(Paragraph("6. 債権別の未収金と収納率の推移", h2))
    small = ParagraphStyle("small", fontName=font, fontSize=9, leading=11)
    cells = [[Paragraph(f"{b.receivable.number} {b.receivable.name}", small), to_drawing(b.chart, width / 3 - 8, font)] for b in report.blocks]
    grid = [cells[i:i + 3] + [""] * (3 - len(cells[i:i + 3])) for i in range(0, len(cells), 3)]
    if grid:
        story.append(Table(grid, colWidths=[width / 3] * 3, style=[("FONT", (0, 0), (-1, -1), font, 9)]))
    story.append(Spacer(1, 4 * mm))
    story.append(Paragraph("出典: 平成24～29年度は新潟市債権管理基本方針（平成30年度～）の公表値（平成29年度は見込み）。以降は債権管理簿の集計。", body))
    header, rows = plan_report.section_table(plan_report.committee_section(report.fiscal_year))
    if rows:
        story.append(PageBreak())
        story.append(Paragraph("7. 実施計画の進捗（最新の評価）", h2))
        story.append(_table([header, *rows], font))
    doc.build(story)
    return buf.getvalue()


def forecast_table(f: YearForecast) -> list[list[str]]:
    data = [["債権", "調定額", "収入済額（現在）", "収納率（現在）", "前年度同日の進捗", "収入済額（見込み）", "収納率（見込み）"]]
    for row in [*f.rows, f.city]:
        t = row.parts["total"]
        data.append([
            row.name, f"{t.assessed:,}", f"{t.collected_to_date:,}", pct_text(t.rate_to_date),
            pct_text(t.share) if t.share is not None else "—",
            f"{t.projected_yen:,}" if t.projected_yen is not None else "—", pct_text(t.rate),
        ])
    return data


# ---- Excel --------------------------------------------------------------------------------


def _sheet(wb: Workbook, title: str, heading: str, header: list[str], rows: list[list], widths: dict[int, int] | None = None) -> None:
    ws = wb.create_sheet(title)
    append_row(ws, [heading])
    ws["A1"].font = Font(bold=True, size=13)
    append_row(ws, header)
    for cell in ws[2]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    for r in rows:
        append_row(ws, r)  # a formula-like text (a name, a note) is written as text
    for col in range(1, len(header) + 1):
        letter = get_column_letter(col)
        ws.column_dimensions[letter].width = (widths or {}).get(col, 14)
        for cell in ws[letter][2:]:
            if isinstance(cell.value, bool):
                continue
            if isinstance(cell.value, int):
                cell.number_format = "#,##0"
            elif isinstance(cell.value, (float, Decimal)):
                cell.number_format = "0.0"
    ws.freeze_panes = "A3"


def render_xlsx(report: CommitteeReport) -> bytes:
    """The same tables, numbers as numbers: yen as integers, rates and points as
    numbers to 0.1, 億円 as printed."""
    wb = Workbook()
    wb.remove(wb.active)
    ch, cb = collection_table(report)
    _sheet(wb, "収納状況", f"主要14債権の収納状況 {report.label}（収納率は％、前年度比はポイント、金額は円）", ch, cb, {2: 28})
    if report.collection is not None:
        header, body = accounting.table(report.collection)
        _sheet(wb, "収納状況（詳細）", f"収納状況 {report.label}", header, body, {2: 28})

    rows = []
    for h in report.history:
        if h.published is not None:
            p = h.published
            rows.append([h.year, fiscal_year_label(h.year), None, None, None, p.actual_unpaid_oku, p.collection_rate_pct, p.target_unpaid_oku, h.source])
        elif h.running:
            rows.append([h.year, fiscal_year_label(h.year), None, None, None, None, percent(h.projected), None, h.source])
        elif h.line is not None:
            rows.append([h.year, fiscal_year_label(h.year), h.line.current.unpaid, h.line.arrears.unpaid, h.line.total.unpaid,
                         Decimal(h.line.total.unpaid) / OKU, percent(h.line.total.rate), None, h.source])
        else:
            rows.append([h.year, fiscal_year_label(h.year), None, None, None, None, None, None, h.source])
    _sheet(wb, "推移", "主要14債権の未収金と収納率の推移",
           ["年度", "和暦", "未収金 現年度分（円）", "未収金 滞納繰越分（円）", "未収金 合計（円）", "未収金（億円）", "収納率（％）", "未収金目標額（億円）", "出典"],
           rows, {9: 22})

    rows = [
        [t.who, t.target.indicator.name, t.target.indicator.get_unit_display(), t.target.get_comparison_display(),
         None if t.target.comparison in RELATIVE else (t.target.value if t.unit == Unit.PERCENT else int(t.target.value)),
         (t.actual), (t.previous), achieved_text(t.achieved), t.gap, "継続" if t.carried else "", t.pending or ""]
        for t in report.targets
    ]
    _sheet(wb, "目標と実績", f"目標と実績 {report.label}",
           ["対象", "指標", "単位", "達成条件", "目標値", "実績", "前年度実績", "達成状況", "差（単位・ポイント）", "前年度からの継続", "備考"],
           rows, {1: 24, 2: 28})

    rows = [
        [ind.indicator.policy_direction, ind.indicator.name, ind.indicator.get_unit_display(), (ind.city), (ind.previous),
         *[(v) for v in ind.by_receivable], ind.pending or ""]
        for ind in report.indicators
    ]
    _sheet(wb, "取組指標", f"取組指標 {report.label}（主要14債権 全体と債権別）",
           ["方向性", "指標", "単位", "全体", "全体（前年度）", *[f"{r.number} {r.name}" for r in report.receivables], "備考"],
           rows, {2: 30})

    for f in report.forecasts:
        rows = []
        for row in [*f.rows, f.city]:
            t = row.parts["total"]
            rows.append([row.name, t.assessed, t.collected_to_date, percent(t.rate_to_date), t.last_year_to_date, t.last_year_final,
                         percent(t.share), t.projected_yen, percent(t.rate)])
        _sheet(wb, f"見込み{f.fiscal_year}", f"{fy_label(f.fiscal_year)} 決算見込み（{wareki(f.as_of)}時点、前年度同日 {wareki(f.same_day)}）",
               ["債権", "調定額", "収入済額（現在）", "収納率（現在）", "前年度同日の収入済額", "前年度決算の収入済額", "前年度同日の進捗（％）",
                "収入済額（見込み）", "収納率（見込み）"], rows, {1: 28})
    header, rows = plan_report.section_table(plan_report.committee_section(report.fiscal_year))
    if rows:
        _sheet(wb, "実施計画", f"実施計画の進捗（最新の評価） {report.label}", header, rows)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()

