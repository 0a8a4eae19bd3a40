"""The collection-rate report (収納状況表): the city's table for a fiscal year.

Read from LedgerSummary, so it costs the same at any scale; `saiken check-ledger`
proves the summary equals the entries.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from saiken.catalog.models import ReceivableType
from saiken.core.collection import Figures, Line, SummaryRow, city_total, collection_lines, points
from saiken.core.era import fiscal_year_label
from saiken.core.money import percent
from saiken.ledger.models import LedgerSummary


def summary_rows() -> list[SummaryRow]:
    return [
        SummaryRow(*row)
        for row in LedgerSummary.objects.values_list(
            "receivable_id", "debt_fiscal_year", "settlement_year", "kind", "component", "amount"
        )
    ]


@dataclass
class ReportRow:
    label: str
    number: int | None
    line: Line
    previous: Line

    def change(self, part: str) -> Decimal | None:
        """前年度比（ポイント）for 'current', 'arrears' or 'total'."""
        return points(getattr(self.line, part), getattr(self.previous, part))


@dataclass
class CollectionReport:
    year: int
    rows: list[ReportRow]  # one per receivable, in catalog order
    total: ReportRow

    @property
    def label(self) -> str:
        return f"{fiscal_year_label(self.year)}（{self.year}年度）"

    @property
    def previous_label(self) -> str:
        return f"{fiscal_year_label(self.year - 1)}（{self.year - 1}年度）"


def available_years() -> list[int]:
    return sorted(set(LedgerSummary.objects.values_list("settlement_year", flat=True).distinct()), reverse=True)


def collection_report(year: int, rows: list[SummaryRow] | None = None, major_only: bool = False) -> CollectionReport:
    rows = summary_rows() if rows is None else rows
    now = collection_lines(rows, year)
    before = collection_lines(rows, year - 1)
    receivables = ReceivableType.objects.all().order_by("number")
    if major_only:
        receivables = receivables.filter(is_major=True)
    out = []
    for r in receivables:
        out.append(ReportRow(r.name, r.number, now.get(r.id, Line(r.id)), before.get(r.id, Line(r.id))))
    total = ReportRow("合計", None, city_total(x.line for x in out), city_total(x.previous for x in out))
    return CollectionReport(year, out, total)


PARTS = (("current", "現年度分"), ("arrears", "滞納繰越分"), ("total", "合計"))
MEASURES = (("assessed", "調定額"), ("collected", "収入済額"), ("written_off", "不納欠損額"), ("unpaid", "収入未済額"))


def table(report: CollectionReport) -> tuple[list[str], list[list]]:
    """The report as a flat table (header, rows) for CSV and Excel: money in yen,
    rates in percent to 0.1, the previous year's rate and the change in points."""
    header = ["番号", "債権"]
    for _, part_label in PARTS:
        header += [f"{part_label} {m}" for _, m in MEASURES]
        header += [f"{part_label} 収納率(%)", f"{part_label} 前年度収納率(%)", f"{part_label} 前年度比(ポイント)"]
    body = []
    for row in [*report.rows, report.total]:
        cells: list = [row.number if row.number is not None else "", row.label]
        for part, _ in PARTS:
            f: Figures = getattr(row.line, part)
            p: Figures = getattr(row.previous, part)
            cells += [f.assessed, f.collected, f.written_off, f.unpaid]
            cells += [percent(f.rate), percent(p.rate), row.change(part)]
        body.append(cells)
    return header, body
