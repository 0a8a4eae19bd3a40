"""The city's collection-rate table (収納状況), from summed ledger entries.

Input rows are sums of entries grouped by (receivable, the debt's fiscal year,
the settlement year the entry counts in, kind, component) — see
`saiken.core.fiscal.settlement_year`. For a reported fiscal year Y:

- 現年度分: debts of year Y, entries settled in Y;
- 滞納繰越分: debts of earlier years; their 調定額 is what was still unpaid when
  year Y−1's accounts closed (May 31 of Y), plus corrections settled in Y;
- 収入未済額 = 調定額 − 収入済額 − 不納欠損額; 収納率 = 収入済額 / 調定額.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from fractions import Fraction

from saiken.core.allocation import Component
from saiken.core.entries import ASSESSED_SIGN, COLLECTED_SIGN, OVERPAID_SIGN, WRITTEN_OFF_SIGN, Kind
from saiken.core.money import point_change


@dataclass(frozen=True)
class SummaryRow:
    receivable: Hashable
    debt_fiscal_year: int
    settlement_year: int
    kind: Kind
    component: Component
    amount: int


@dataclass
class Figures:
    assessed: int = 0  # 調定額
    collected: int = 0  # 収入済額
    written_off: int = 0  # 不納欠損額

    @property
    def unpaid(self) -> int:  # 収入未済額
        return self.assessed - self.collected - self.written_off

    @property
    def rate(self) -> Fraction | None:  # 収納率
        return Fraction(self.collected, self.assessed) if self.assessed else None

    def __add__(self, other: Figures) -> Figures:
        return Figures(
            self.assessed + other.assessed,
            self.collected + other.collected,
            self.written_off + other.written_off,
        )


@dataclass
class Line:
    receivable: Hashable
    current: Figures = field(default_factory=Figures)  # 現年度分
    arrears: Figures = field(default_factory=Figures)  # 滞納繰越分
    refunds_due: int = 0  # 還付未済額, kept apart from the rate

    @property
    def total(self) -> Figures:  # 合計
        return self.current + self.arrears


def collection_lines(
    rows: Iterable[SummaryRow],
    year: int,
    components: frozenset[Component] = frozenset({Component.PRINCIPAL}),
) -> dict[Hashable, Line]:
    """One line per receivable for fiscal year `year`. Principal only by default,
    as cities report 延滞金 and fees as separate revenue."""
    lines: dict[Hashable, Line] = {}
    for r in rows:
        kind = Kind(r.kind)
        line = lines.setdefault(r.receivable, Line(r.receivable))
        if r.debt_fiscal_year <= year and r.settlement_year <= year:
            line.refunds_due += OVERPAID_SIGN.get(kind, 0) * r.amount
        if Component(r.component) not in components or r.debt_fiscal_year > year:
            continue
        a = ASSESSED_SIGN.get(kind, 0) * r.amount
        c = COLLECTED_SIGN.get(kind, 0) * r.amount
        w = WRITTEN_OFF_SIGN.get(kind, 0) * r.amount
        if r.debt_fiscal_year == year:
            if r.settlement_year == year:
                f = line.current
                f.assessed += a
                f.collected += c
                f.written_off += w
        elif r.settlement_year < year:
            # Settled before Y: only what was left over is carried into Y.
            line.arrears.assessed += a - c - w
        elif r.settlement_year == year:
            f = line.arrears
            f.assessed += a
            f.collected += c
            f.written_off += w
    return lines


def city_total(lines: Iterable[Line]) -> Line:
    total = Line("total")
    for line in lines:
        total.current = total.current + line.current
        total.arrears = total.arrears + line.arrears
        total.refunds_due += line.refunds_due
    return total


def points(current: Figures, previous: Figures):
    """Change of the collection rate in percentage points (前年度比), rounded to 0.1."""
    return point_change(current.rate, previous.rate)
