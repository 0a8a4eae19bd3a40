"""The running year's forecast (決算見込み) from the ledger's daily summary.

The method is `saiken.core.forecast.project` (see its docstring). This module feeds it,
for this year to a date and for last year to the same date and to its close, the
収入済額 and 調定額 by booking day from DailySummary (the principal entries summed per
day, bumped by every booking in its own transaction: "collected by this date" is not
in the per-year LedgerSummary, and summing 40 million entries by date on every view is
not an option), plus the 滞納繰越 balance carried into each year, which is no entry of
the year, from LedgerSummary. So the forecast is exact as of any date, today included.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

from django.db.models import Q, Sum

from saiken.accounting.report import summary_rows
from saiken.catalog.models import ReceivableType
from saiken.core.collection import Line, SummaryRow
from saiken.core.fiscal import accounts_close, fiscal_year_of, fiscal_year_start, in_closing_period
from saiken.core.forecast import Forecast, project, same_day_last_year
from saiken.core.money import percent
from saiken.goals.indicators import YearLines
from saiken.ledger.models import DailySummary

PARTS = ("current", "arrears", "total")


@dataclass
class ForecastRow:
    receivable_id: int | None  # None: the major receivables together
    number: int | None
    name: str
    parts: dict[str, Forecast]


@dataclass
class PacePoint:
    x: float  # months since April 1 of the fiscal year (0 … 14)
    on: date
    rate: Decimal | None  # cumulative collection rate, percent to 0.01


@dataclass
class YearForecast:
    fiscal_year: int
    as_of: date
    same_day: date  # last year's same date
    rows: list[ForecastRow]
    city: ForecastRow
    pace_this: list[PacePoint] = field(default_factory=list)
    pace_last: list[PacePoint] = field(default_factory=list)


def running_years(as_of: date) -> list[int]:
    """Fiscal years still collecting on `as_of`: the current one, and in April–May
    (出納整理期間) also the one whose accounts close on May 31."""
    fy = fiscal_year_of(as_of)
    return [fy - 1, fy] if in_closing_period(as_of) else [fy]


Figures = dict[str, int]  # C, A (this year to date); C1, A1 (last year to the same date); C1end, A1end


def _daily(fiscal_year: int, as_of: date, same_day: date) -> dict[tuple[int, int, str], list[int]]:
    """(receivable, settlement year, part) → [collected to date, assessed to date,
    collected final, assessed final] from the daily summary, in one query. "To date" is
    `as_of` for this year and `same_day` for last year."""
    to_date = Q(settlement_year=fiscal_year, day__lte=as_of) | Q(settlement_year=fiscal_year - 1, day__lte=same_day)
    rows = (
        DailySummary.objects.filter(settlement_year__in=[fiscal_year, fiscal_year - 1])
        .values_list("receivable_id", "settlement_year", "debt_fiscal_year")
        .annotate(
            c=Sum("collected", filter=to_date), a=Sum("assessed", filter=to_date),
            cf=Sum("collected"), af=Sum("assessed"),
        )
        .order_by()
    )
    out: dict[tuple[int, int, str], list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for rid, sy, dfy, c, a, cf, af in rows:
        part = "current" if dfy == sy else "arrears"
        for p in (part, "total"):
            acc = out[(rid, sy, p)]
            for i, v in enumerate((c, a, cf, af)):
                acc[i] += v or 0
    return out


def _figures(rid: int, fiscal_year: int, daily: dict, lines: dict[int, Line], last_lines: dict[int, Line]) -> dict[str, Figures]:
    """Each part's six figures. The 滞納繰越分 調定額 starts with the balance carried in
    when the previous accounts closed, which is no entry of the year: it is the ledger's
    arrears 調定額 less the year's own corrections."""
    out = {}
    carried = {}
    for year, ls in ((fiscal_year, lines), (fiscal_year - 1, last_lines)):
        line = ls.get(rid)
        corrections = daily.get((rid, year, "arrears"), [0, 0, 0, 0])[3]
        carried[year] = (line.arrears.assessed if line else 0) - corrections
    for p in PARTS:
        now = daily.get((rid, fiscal_year, p), [0, 0, 0, 0])
        last = daily.get((rid, fiscal_year - 1, p), [0, 0, 0, 0])
        base_now = carried[fiscal_year] if p != "current" else 0
        base_last = carried[fiscal_year - 1] if p != "current" else 0
        out[p] = {
            "C": now[0], "A": base_now + now[1],
            "C1": last[0], "A1": base_last + last[1], "C1end": last[2], "A1end": base_last + last[3],
        }
    return out


def _project(f: Figures) -> Forecast:
    return project(
        collected_to_date=f["C"], assessed=f["A"], last_year_to_date=f["C1"], last_year_final=f["C1end"],
        last_year_assessed_to_date=f["A1"], last_year_assessed_final=f["A1end"],
    )


def forecast(
    fiscal_year: int, as_of: date, rows: list[SummaryRow] | None = None, receivables: list[ReceivableType] | None = None,
    lines: YearLines | None = None,
) -> YearForecast:
    rows = summary_rows() if rows is None else rows
    lines = YearLines(rows) if lines is None else lines
    same_day = same_day_last_year(as_of)
    last_lines = lines[fiscal_year - 1]
    lines = lines[fiscal_year]
    daily = _daily(fiscal_year, as_of, same_day)
    if receivables is None:
        receivables = list(ReceivableType.objects.order_by("number"))
    out = []
    city: dict[str, Figures] = {p: defaultdict(int) for p in PARTS}
    for r in receivables:
        figures = _figures(r.id, fiscal_year, daily, lines, last_lines)
        parts = {p: _project(f) for p, f in figures.items()}
        if r.is_major:
            for p, f in figures.items():
                for k, v in f.items():
                    city[p][k] += v
        if any(f.assessed or f.collected_to_date for f in parts.values()):
            out.append(ForecastRow(r.id, r.number, r.name, parts))
    city_row = ForecastRow(None, None, "主要債権 合計", {p: _project(f) for p, f in city.items()})
    result = YearForecast(fiscal_year, as_of, same_day, out, city_row)
    _pace(result, [r.id for r in receivables if r.is_major], city)
    return result


def _month_ends(fiscal_year: int) -> list[date]:
    """The last day of each month from April through May of the next year (出納閉鎖)."""
    out = []
    d = fiscal_year_start(fiscal_year)
    while d <= accounts_close(fiscal_year):
        nxt = date(d.year + (d.month == 12), d.month % 12 + 1, 1)
        out.append(nxt - timedelta(days=1))
        d = nxt
    return out


def _pace(result: YearForecast, major: list[int], city: dict[str, Figures]) -> None:
    """Cumulative total collection rate of the major receivables at each month end,
    this year (up to the forecast's date) and last year, against each year's 調定額 at
    its end (this year's as projected), for the pace chart."""
    fy = result.fiscal_year
    by_day: dict[int, dict[date, int]] = {fy: defaultdict(int), fy - 1: defaultdict(int)}
    for sy, day, s in (
        DailySummary.objects.filter(settlement_year__in=[fy, fy - 1], receivable_id__in=major)
        .values_list("settlement_year", "day")
        .annotate(s=Sum("collected"))
        .order_by()
    ):
        by_day[sy][day] += s
    projected = result.city.parts["total"].assessed_projected_yen or city["total"]["A"]
    for year, points, assessed, limit in (
        (fy, result.pace_this, projected, result.as_of),
        (fy - 1, result.pace_last, city["total"]["A1end"], None),
    ):
        if not assessed or not by_day[year]:
            continue
        days = sorted(by_day[year])
        ends = _month_ends(year)
        marks = [e for e in ends if limit is None or e <= limit]
        if limit is not None and limit not in ends and fiscal_year_start(year) <= limit < ends[-1]:
            marks.append(limit)
        total, i = 0, 0
        start = fiscal_year_start(year)
        for m in marks:
            while i < len(days) and days[i] <= m:
                total += by_day[year][days[i]]
                i += 1
            x = (m.year - start.year) * 12 + m.month - 4 + (1 if m in ends else m.day / 31)
            points.append(PacePoint(x, m, percent(Fraction(total, assessed), 2)))


def forecasts(
    as_of: date, rows: list[SummaryRow] | None = None, receivables: list[ReceivableType] | None = None,
    lines: YearLines | None = None,
) -> list[YearForecast]:
    rows = summary_rows() if rows is None else rows
    if receivables is None:
        receivables = list(ReceivableType.objects.order_by("number"))
    # A running year with nothing assessed or collected yet has nothing to project.
    return [f for f in (forecast(fy, as_of, rows, receivables, lines) for fy in running_years(as_of)) if f.rows]
