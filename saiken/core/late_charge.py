"""Late charges (延滞金) under the tax model, per day segment (DOMAIN.md §5).

- No charge on a base under `min_principal` (2,000円); the base is truncated to
  `base_unit` (1,000円).
- Days run from the day after the due date (or after the demand's 指定期限, a
  setting) through the payment date, both inclusive; the divisor is always 365.
- The lower rate applies through the day on which `lower_months` months have
  passed since the due date (民法143条: due 8/31 → through 9/30; due 1/31 in a
  leap year → through 2/29), the higher rate after.
- Rates change on January 1: segments split at 12/31.
- A partial payment reduces the base from the day after it.
- Each segment is truncated to 1円; a total under `min_total` (1,000円) is
  dropped, and the total is truncated to `total_unit` (100円).
- During a deferment (徴収猶予・換価の猶予) the year's reduced deferment rate
  (猶予特例割合) applies where it is lower.

Rates arrive as data (a `RateTable`), in basis points per year: 2.8% = 280.

Private claims owe 遅延損害金 instead (`delay_damages`): simple interest at the
contract rate, or at the statutory rate (法定利率) in force on the first day of
delay (民法419条1項; 5% for delays that began before 2020-04-01, 附則17条3項),
which stays fixed for that debt.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal


@dataclass(frozen=True)
class YearRates:
    year: int
    lower_bp: int  # 軽減された割合 (within the first window)
    after_bp: int  # the rate after the window
    deferment_bp: int | None = None  # 猶予特例割合, the reduced rate during a deferment


@dataclass(frozen=True)
class RateTable:
    """Rates per calendar year. A year before the first row takes the first row's
    rates; a year after the last row is refused, so a missing announcement is
    never silently filled in."""

    years: tuple[YearRates, ...]

    def __post_init__(self):
        if not self.years:
            raise ValueError("the rate table is empty")
        object.__setattr__(self, "years", tuple(sorted(self.years, key=lambda r: r.year)))

    def for_year(self, year: int) -> YearRates:
        if year > self.years[-1].year:
            raise MissingRate(year)
        best = self.years[0]
        for r in self.years:
            if r.year <= year:
                best = r
        return best


class MissingRate(ValueError):
    def __init__(self, year: int, what: str = "延滞金の割合"):
        super().__init__(f"{year}年の{what}が登録されていません。")
        self.year = year


@dataclass(frozen=True)
class Rule:
    lower_months: int = 1
    min_principal: int = 2_000
    base_unit: int = 1_000
    min_total: int = 1_000
    total_unit: int = 100
    from_designated_deadline: bool = False


@dataclass(frozen=True)
class Segment:
    start: date
    end: date
    days: int
    rate_bp: int
    base: int
    yen: int

    @property
    def rate(self) -> Decimal:
        """Percent per year: 280 → Decimal('2.8')."""
        return Decimal(self.rate_bp) / 100


@dataclass(frozen=True)
class LateCharge:
    amount: int
    segments: tuple[Segment, ...] = field(default_factory=tuple)
    raw_total: int = 0  # the sum of segments before the total's threshold and truncation


def add_months(d: date, months: int) -> date:
    """The same day `months` later, clipped to the month's end (8/31 + 1 → 9/30)."""
    m = d.month - 1 + months
    y, m = d.year + m // 12, m % 12 + 1
    return date(y, m, min(d.day, calendar.monthrange(y, m)[1]))


def lower_rate_until(due: date, months: int) -> date:
    """The last day of the lower-rate window: the day on which `months` months have passed."""
    return add_months(due, months)


def late_charge(
    *,
    principal: int,
    due: date,
    paid: date,
    rates: RateTable,
    rule: Rule = Rule(),
    payments: Iterable[tuple[date, int]] = (),
    designated_deadline: date | None = None,
    deferments: Iterable[tuple[date, date]] = (),
) -> LateCharge:
    """The late charge on `principal` due on `due` (already rolled), fully paid on `paid`.

    `payments` are partial payments of principal before `paid`, as (date, yen);
    `deferments` are (first day, last day) periods of 猶予.
    """
    start = _first_day(principal, due, rule, designated_deadline)
    if paid < start:
        return LateCharge(0)
    window_end = lower_rate_until(due, rule.lower_months)
    payments = sorted(payments)
    deferments = sorted(deferments)
    cuts = _cut_points(start, paid, {window_end, *_year_ends(start, paid), *_deferment_edges(deferments), *(d for d, _ in payments)})
    segments: list[Segment] = []
    for seg_start, seg_end in cuts:
        year = rates.for_year(seg_start.year)
        rate_bp = year.lower_bp if seg_end <= window_end else year.after_bp
        if _deferred(seg_start, deferments):
            if year.deferment_bp is None:
                raise MissingRate(seg_start.year, "猶予特例割合")
            rate_bp = min(rate_bp, year.deferment_bp)
        segments.append(_segment(seg_start, seg_end, rate_bp, _base(principal, payments, seg_start, rule)))
    return _total(segments, rule)


def delay_damages(
    *,
    principal: int,
    due: date,
    paid: date,
    rate_bp: int,
    rule: Rule = Rule(),
    payments: Iterable[tuple[date, int]] = (),
    designated_deadline: date | None = None,
) -> LateCharge:
    """遅延損害金 on a private claim: simple interest at `rate_bp` a year (365-day year),
    on the principal outstanding each day, with the receivable's thresholds and units."""
    start = _first_day(principal, due, rule, designated_deadline)
    if paid < start:
        return LateCharge(0)
    payments = sorted(payments)
    cuts = _cut_points(start, paid, {d for d, _ in payments})
    segments = [_segment(s, e, rate_bp, _base(principal, payments, s, rule)) for s, e in cuts]
    return _total(segments, rule)


@dataclass(frozen=True)
class StatutoryRates:
    """法定利率 (民法404条): (first day, basis points) rows, reviewed every 3 years."""

    periods: tuple[tuple[date, int], ...]

    def at(self, day: date) -> int:
        rate = None
        for since, bp in sorted(self.periods):
            if since <= day:
                rate = bp
        if rate is None:
            raise ValueError(f"{day} の法定利率が登録されていません。")
        return rate


# 5% (old 民法404条) until 2020-03-31; 3% from 2020-04-01, confirmed for the periods
# from 2023-04-01 and 2026-04-01 (法務省告示).
STATUTORY_RATES = StatutoryRates(((date(1898, 7, 16), 500), (date(2020, 4, 1), 300), (date(2023, 4, 1), 300), (date(2026, 4, 1), 300)))


def _first_day(principal: int, due: date, rule: Rule, designated_deadline: date | None) -> date:
    if principal <= 0:
        raise ValueError("principal must be positive")
    start = due + timedelta(days=1)
    if rule.from_designated_deadline:
        if designated_deadline is None:
            raise ValueError("this rule charges from the demand's 指定期限, which is missing")
        start = max(start, designated_deadline + timedelta(days=1))
    return start


def _base(principal: int, payments: Sequence[tuple[date, int]], day: date, rule: Rule) -> int:
    """The base on `day`: principal less payments made before it, under threshold and truncated."""
    outstanding = principal - sum(a for d, a in payments if d < day)
    return 0 if outstanding < rule.min_principal else outstanding // rule.base_unit * rule.base_unit


def _segment(start: date, end: date, rate_bp: int, base: int) -> Segment:
    days = (end - start).days + 1
    return Segment(start, end, days, rate_bp, base, base * rate_bp * days // (365 * 10_000))


def _total(segments: list[Segment], rule: Rule) -> LateCharge:
    raw = sum(s.yen for s in segments)
    amount = 0 if raw < rule.min_total else raw // rule.total_unit * rule.total_unit
    return LateCharge(amount, tuple(segments), raw)


def _year_ends(start: date, end: date) -> list[date]:
    return [date(y, 12, 31) for y in range(start.year, end.year)]


def _deferment_edges(deferments: Sequence[tuple[date, date]]) -> list[date]:
    """Segments end the day before a deferment and on its last day."""
    return [d for first, last in deferments for d in (first - timedelta(days=1), last)]


def _deferred(day: date, deferments: Sequence[tuple[date, date]]) -> bool:
    return any(first <= day <= last for first, last in deferments)


def _cut_points(start: date, end: date, last_days: set[date]) -> list[tuple[date, date]]:
    """[start, end] split after each of `last_days` that falls inside it."""
    out = []
    s = start
    for cut in sorted(d for d in last_days if start <= d < end):
        out.append((s, cut))
        s = cut + timedelta(days=1)
    out.append((s, end))
    return out


# The tax model's rates (地方税法附則3条の2), DOMAIN.md §5: loaded into the database
# on migrate, where an administrator adds each new year's announced rate.
TAX_MODEL_RATES: tuple[YearRates, ...] = tuple(
    YearRates(y, lower, after, deferment)
    for years, lower, after, deferment in (
        (range(1999, 2000), 730, 1460, None),
        (range(2000, 2002), 450, 1460, None),
        (range(2002, 2007), 410, 1460, None),
        (range(2007, 2008), 440, 1460, None),
        (range(2008, 2009), 470, 1460, None),
        (range(2009, 2010), 450, 1460, None),
        (range(2010, 2014), 430, 1460, None),
        (range(2014, 2015), 290, 920, None),
        (range(2015, 2017), 280, 910, None),
        (range(2017, 2018), 270, 900, None),
        (range(2018, 2021), 260, 890, None),
        (range(2021, 2022), 250, 880, 100),
        (range(2022, 2026), 240, 870, 90),
        (range(2026, 2027), 280, 910, 130),
    )
    for y in years
)
