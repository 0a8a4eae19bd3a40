"""The running year's collection rate at year end (決算見込み), from this year's pace.

Method (同日比の進捗率法): this year is assumed to do, after the date d, what last year
did after the same date d' a year earlier, in proportion.

    last year's collection pace   s = C'(d') / C'(end)
    projected 収入済額             P = C(d) / s               (= C(d) × C'(end) / C'(d'))
    projected 調定額               Â = A(d) × A'(end) / A'(d')  (A(d) when A'(d') is not given)
    projected 収納率               P / Â

C is 収入済額 and A 調定額, by booking date; "end" is when the year's accounts close
(May 31, 出納閉鎖). Scaling the assessment as well matters for receivables assessed
month by month (保育料, 使用料): without it, this year's rate to date would be measured
against a smaller 調定額 than last year's final one and the projection would run high.
When last year's assessment to the same date is not given, Â = A(d).

The same formula serves 現年度分, 滞納繰越分 and their total (the total is projected from
the summed figures, not from the parts).

The projection is bounded: P is never below what is already collected (last year's
collections can fall after a date, through overpayments set aside) and never above Â,
and Â never below A(d). Without last year's collection on the same date and at its end,
or with nothing assessed, there is nothing to project from: the result says so (None)
instead of guessing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from fractions import Fraction


@dataclass(frozen=True)
class Forecast:
    collected_to_date: int  # C(d)
    assessed: int  # A(d)
    last_year_to_date: int | None  # C'(d')
    last_year_final: int | None  # C'(end)
    share: Fraction | None  # s: the share last year had collected by the same date
    projected: Fraction | None  # P, bounded to [C(d), Â]
    assessed_projected: Fraction | None  # Â
    bounded: bool  # True when a bound, not the pace, set P

    @property
    def rate_to_date(self) -> Fraction | None:
        return Fraction(self.collected_to_date, self.assessed) if self.assessed else None

    @property
    def rate(self) -> Fraction | None:
        """The projected year-end collection rate (収納率の見込み)."""
        if self.projected is None or not self.assessed_projected:
            return None
        return self.projected / self.assessed_projected

    @property
    def projected_yen(self) -> int | None:
        """P in whole yen, rounded half up."""
        return None if self.projected is None else _round(self.projected)

    @property
    def assessed_projected_yen(self) -> int | None:
        return None if self.assessed_projected is None else _round(self.assessed_projected)


def _round(x: Fraction) -> int:
    return int((x * 2 + 1) // 2)


def project(
    *,
    collected_to_date: int,
    assessed: int,
    last_year_to_date: int | None,
    last_year_final: int | None,
    last_year_assessed_to_date: int | None = None,
    last_year_assessed_final: int | None = None,
) -> Forecast:
    """Project the year-end 収入済額, 調定額 and 収納率 (see the module docstring)."""
    share = projected = assessed_projected = None
    bounded = False
    if last_year_to_date and last_year_final and last_year_to_date > 0 and last_year_final > 0 and assessed > 0:
        share = Fraction(last_year_to_date, last_year_final)
        assessed_projected = Fraction(assessed)
        if last_year_assessed_to_date and last_year_assessed_final and last_year_assessed_to_date > 0:
            growth = Fraction(last_year_assessed_final, last_year_assessed_to_date)
            assessed_projected = max(assessed_projected * growth, assessed_projected)
        raw = Fraction(collected_to_date) / share
        projected = min(max(raw, Fraction(collected_to_date)), assessed_projected)
        bounded = projected != raw
    return Forecast(
        collected_to_date, assessed, last_year_to_date, last_year_final, share, projected, assessed_projected, bounded
    )


def same_day_last_year(d: date) -> date:
    """The same date a year earlier; February 29 becomes February 28."""
    try:
        return d.replace(year=d.year - 1)
    except ValueError:
        return d.replace(year=d.year - 1, day=28)
