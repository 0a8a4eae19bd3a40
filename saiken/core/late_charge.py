"""Late charges (延滞金) under the tax model, per day segment.

The model is the local-tax one (地方税法326条 and the like articles for each tax,
with 附則3条の2 for the rates), which ordinances copy for other public claims:

- No charge on a base under `min_principal` (2,000円); the base is truncated to
  `base_unit` (1,000円) (地方税法20条の4の2).
- Days run from the day after the due date (or after the demand's 指定期限, a
  setting) through the payment date, both inclusive; the divisor is always 365.
- The lower rate applies "納期限の翌日から一月を経過する日まで": a period of months
  that starts on the day after the due date, counted by 民法143条 (see
  `lower_rate_until`: due 4/30 → 5/1–5/31; due 8/31 → 9/1–9/30; due 9/1 →
  9/2–10/1; due 1/31 in a leap year → 2/1–2/29), the higher rate after.
- Rates change on January 1: segments split at 12/31.
- A partial payment reduces the base from the day after it.
- Each segment is truncated to 1円; a total under `min_total` (1,000円) is
  dropped, and the total is truncated to `total_unit` (100円) (同条).
- 地方税法15条の9第1項: no charge at all for the days of a 滞納処分の執行停止
  (15条の7) or of a 徴収猶予 granted under 15条1項1号・2号 (disaster, theft, illness)
  or 5号 where the fact is like those (`Deferment(exempt=True)`); half the charge
  for the days of any other 徴収猶予 (15条1項3号・4号, 5号 like them, 15条2項) and
  of a 換価の猶予 (15条の5; 15条の6 (verify)), which 附則3条の2第2項 turns into the year's
  reduced rate (猶予特例割合) while that rate is under 7.3% (`Deferment()`).

- 履行延期の特約 (地方自治法施行令171条の6; `Deferral`, for both kinds of charge):
  the agreement gives the amounts it covers new due dates, and nothing accrues on an
  amount before it is due (民法412条1項); made after the due date, the 延滞金 or
  損害賠償金 already accrued is still collected (171条の6第2項 (verify)). From the
  agreement on, the base is the principal still owed less the principal of the
  portions not yet due that day; a portion paid late is charged from the day after
  its new due date.

Rates arrive as data (a `RateTable`), in basis points per year: 2.8% = 280.

Private claims owe 遅延損害金 instead (`delay_damages`): simple interest at the
contract rate, or at the statutory rate (法定利率) in force on the first day of
delay (民法419条1項; 5% for delays that began before 2020-04-01, 改正民法附則17条3項),
which stays fixed for that debt. A rate set by an order that changed over time
(the 違約金 of 母子及び父子並びに寡婦福祉法施行令17条) is a `RatePeriods`, applied
to each day at the rate in force on it.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from saiken.core.relief import period_last_day


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
    """A receivable's late-charge rule. The defaults are the tax model's; a private
    claim's 遅延損害金 is owed to the yen with no thresholds (民法419条 has none):
    min_principal 0, base_unit 1, min_total 0, total_unit 1."""

    lower_months: int = 1
    min_principal: int = 2_000
    base_unit: int = 1_000
    min_total: int = 1_000
    total_unit: int = 100
    from_designated_deadline: bool = False

    def __post_init__(self):
        if self.lower_months < 0:
            raise ValueError("lower_months must not be negative")
        if self.min_principal < 0 or self.min_total < 0:
            raise ValueError("thresholds must not be negative")
        if self.base_unit < 1 or self.total_unit < 1:
            raise ValueError("rounding units must be at least 1円")


# Why a segment is charged as it is (Segment.reason), with its label for screens.
STOP = "stop"  # 滞納処分の執行停止: no charge (地方税法15条の9第1項)
EXEMPT_DEFERMENT = "exempt_deferment"  # 徴収猶予 under 15条1項1号・2号 (5号 like them): no charge
REDUCED_DEFERMENT = "reduced_deferment"  # other 猶予: the reduced rate (附則3条の2第2項)
DEFERRAL = "deferral"  # 履行延期の特約: the principal not yet due under it is out of the base
SEGMENT_REASONS: dict[str, str] = {
    STOP: "執行停止期間（免除）",
    EXEMPT_DEFERMENT: "徴収猶予期間（免除）",
    REDUCED_DEFERMENT: "猶予期間（猶予特例割合）",
    DEFERRAL: "履行延期の特約（履行期限未到来の額を除く）",
}


@dataclass(frozen=True)
class Segment:
    start: date
    end: date
    days: int
    rate_bp: int
    base: int
    yen: int
    reason: str = ""  # "" for the ordinary rate, else a key of SEGMENT_REASONS

    @property
    def rate(self) -> Decimal:
        """Percent per year: 280 → Decimal('2.8')."""
        return Decimal(self.rate_bp) / 100

    @property
    def reason_label(self) -> str:
        return SEGMENT_REASONS.get(self.reason, "")


@dataclass(frozen=True)
class LateCharge:
    amount: int
    segments: tuple[Segment, ...] = field(default_factory=tuple)
    raw_total: int = 0  # the sum of segments before the total's threshold and truncation


@dataclass(frozen=True)
class Deferment:
    """A period of 猶予, first and last day both included. `exempt`: no charge for it
    (地方税法15条の9第1項: a 徴収猶予 under 15条1項1号・2号, or 5号 like them);
    otherwise the charge runs at the reduced rate (附則3条の2第2項)."""

    first: date
    last: date
    exempt: bool = False


@dataclass(frozen=True)
class Deferral:
    """履行延期の特約 (地方自治法施行令171条の6) as the charge sees it: from `start` (the
    day it took effect) the principal of each of `portions` (new due date, yen) is not
    due until the end of its date, so it carries no charge through that day. Payments
    since the agreement pay the portions in date order, so the base on a day is the
    principal still owed less the principal of the portions not yet due (never below
    0). What accrued before `start` is kept (171条の6第2項 (verify)). A later 特約 on the
    same instalment replaces an earlier one from its own start."""

    start: date
    portions: tuple[tuple[date, int], ...] = ()

    def not_yet_due(self, day: date) -> int:
        """Principal of the portions not yet due on `day` (0 before the agreement)."""
        if day < self.start:
            return 0
        return sum(a for d, a in self.portions if d >= day)

    def edges(self) -> set[date]:
        """Segments end the day before the agreement and on each new due date."""
        return {self.start - timedelta(days=1), *(d for d, _ in self.portions)}


def _deferred(deferrals: Sequence[Deferral], day: date) -> int:
    """Principal not yet due on `day` under the latest 特約 begun by then."""
    begun = [d for d in deferrals if d.start <= day]
    return max(begun, key=lambda d: d.start).not_yet_due(day) if begun else 0


def add_months(d: date, months: int) -> date:
    """The same day `months` later, clipped to the month's end (8/31 + 1 → 9/30).

    A look-ahead window ("due within N months of today"), not a period of the
    civil code: a statutory period of months is `lower_rate_until` / 
    `saiken.core.relief.period_last_day` (民法143条)."""
    m = d.month - 1 + months
    y, m = d.year + m // 12, m % 12 + 1
    return date(y, m, min(d.day, calendar.monthrange(y, m)[1]))


def lower_rate_until(due: date, months: int) -> date:
    """The last day of the lower-rate window, "納期限の翌日から一月を経過する日"
    (地方税法326条1項 and the like articles): a period of `months` months whose first
    day is the day after the due date, ending by 民法143条 on the day before the day
    corresponding to that first day, or on the last day of the final month when
    that month has no such day.

    Due 4/30 → 5/1–5/31; 6/30 → 7/1–7/31; 2/28 (common year) → 3/1–3/31;
    8/31 → 9/1–9/30; 9/1 → 9/2–10/1; 1/31 in a leap year → 2/1–2/29.
    `months` 0: no lower-rate window (the window ends on the due date)."""
    if months == 0:
        return due
    return period_last_day(due + timedelta(days=1), months)


def late_charge(
    *,
    principal: int,
    due: date,
    paid: date,
    rates: RateTable,
    rule: Rule = Rule(),
    payments: Iterable[tuple[date, int]] = (),
    designated_deadline: date | None = None,
    deferments: Iterable[Deferment | tuple[date, date]] = (),
    stops: Iterable[tuple[date, date]] = (),
    deferrals: Iterable[Deferral] = (),
) -> LateCharge:
    """The late charge on `principal` due on `due` (already rolled), fully paid on `paid`.

    `payments` are partial payments of principal before `paid`, as (date, yen).
    `deferments` are periods of 猶予: `Deferment`s, or (first day, last day) pairs,
    which are charged at the reduced rate. `stops` are (first day, last day) periods of
    滞納処分の執行停止, which carry no charge (地方税法15条の9第1項); an ongoing stop is
    passed as running through `paid`. Exempt days appear as segments of 0円 with
    their reason, so that a notice can show them. `deferrals`: 履行延期の特約 (`Deferral`),
    which take the principal not yet due under them out of the base.
    """
    start = _first_day(principal, due, rule, designated_deadline)
    if paid < start:
        return LateCharge(0)
    window_end = lower_rate_until(due, rule.lower_months)
    payments = sorted(payments)
    deferments = sorted(
        (d if isinstance(d, Deferment) else Deferment(*d) for d in deferments), key=lambda d: (d.first, d.last, d.exempt)
    )
    stops = sorted(stops)
    deferrals = tuple(deferrals)
    edges = {window_end, *_year_ends(start, paid), *(d for d, _ in payments)}
    edges |= _edges([(d.first, d.last) for d in deferments]) | _edges(stops)
    edges |= {e for d in deferrals for e in d.edges()}
    segments: list[Segment] = []
    for seg_start, seg_end in _cut_points(start, paid, edges):
        base = _base(principal, payments, seg_start, rule, deferrals)
        reason = _relief_on(seg_start, deferments, stops) or (DEFERRAL if _deferred(deferrals, seg_start) else "")
        if reason in (STOP, EXEMPT_DEFERMENT):
            segments.append(_segment(seg_start, seg_end, 0, base, reason))
            continue
        year = rates.for_year(seg_start.year)
        rate_bp = year.lower_bp if seg_end <= window_end else year.after_bp
        if reason == REDUCED_DEFERMENT:
            if year.deferment_bp is None:
                raise MissingRate(seg_start.year, "猶予特例割合")
            rate_bp = min(rate_bp, year.deferment_bp)
        segments.append(_segment(seg_start, seg_end, rate_bp, base, reason))
    return _total(segments, rule)


@dataclass(frozen=True)
class RatePeriods:
    """A rate that changes over time: (first day, basis points) rows, each in force
    from its first day until the next row's. Used both for the 法定利率 (民法404条),
    which is fixed for a debt on its first day of delay (`at`), and for a rate set
    by an order that applies to each day at the rate of that day (`delay_damages`
    with `rate_periods`, e.g. 母子及び父子並びに寡婦福祉法施行令17条)."""

    periods: tuple[tuple[date, int], ...]

    def __post_init__(self):
        object.__setattr__(self, "periods", tuple(sorted(self.periods)))

    def at(self, day: date) -> int:
        rate = None
        for since, bp in self.periods:
            if since <= day:
                rate = bp
        if rate is None:
            raise ValueError(f"{day} の利率が登録されていません。")
        return rate

    def changes(self) -> list[date]:
        """The last day before each change of rate (segments end there)."""
        return [since - timedelta(days=1) for since, _ in self.periods[1:]]


StatutoryRates = RatePeriods  # 法定利率 (民法404条): reviewed every 3 years


def parse_rate_periods(text: str) -> RatePeriods | None:
    """「適用開始日 年利率%」 one a line (`2015-04-01 5`, `2020-04-01 3.0`), as a
    receivable's setting holds them; None for an empty text. Raises ValueError with
    the line number of a bad line."""
    rows = []
    for n, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        try:
            day, pct = line.replace(":", " ").replace("%", " ").split()
            bp = Decimal(pct) * 100
            if bp < 0 or bp != bp.to_integral_value():
                raise ValueError
            rows.append((date.fromisoformat(day), int(bp)))
        except (ValueError, InvalidOperation) as e:
            raise ValueError(f"{n}行目: 「適用開始日 年利率」の形式で入力してください（例 2020-04-01 3）。") from e
    if len({d for d, _ in rows}) != len(rows):
        raise ValueError("同じ適用開始日の行が複数あります。")
    return RatePeriods(tuple(rows)) if rows else None


def delay_damages(
    *,
    principal: int,
    due: date,
    paid: date,
    rate_bp: int | None = None,
    rule: Rule = Rule(),
    payments: Iterable[tuple[date, int]] = (),
    designated_deadline: date | None = None,
    rate_periods: RatePeriods | None = None,
    deferrals: Iterable[Deferral] = (),
) -> LateCharge:
    """遅延損害金 (or 違約金) on a private claim: simple interest at `rate_bp` a year
    (365-day year), on the principal outstanding each day, with the receivable's
    thresholds and units. With `rate_periods` instead, each day runs at the rate in
    force on it, and segments split where the rate changes. `deferrals`: 履行延期の特約,
    as for `late_charge`."""
    if (rate_bp is None) == (rate_periods is None):
        raise ValueError("give either rate_bp or rate_periods")
    start = _first_day(principal, due, rule, designated_deadline)
    if paid < start:
        return LateCharge(0)
    payments = sorted(payments)
    deferrals = tuple(deferrals)
    edges = {d for d, _ in payments} | set(rate_periods.changes() if rate_periods else ())
    edges |= {e for d in deferrals for e in d.edges()}
    segments = [
        _segment(
            s, e, rate_bp if rate_periods is None else rate_periods.at(s), _base(principal, payments, s, rule, deferrals),
            DEFERRAL if _deferred(deferrals, s) else "",
        )
        for s, e in _cut_points(start, paid, edges)
    ]
    return _total(segments, rule)


# 5% (old 民法404条) until 2020-03-31; 3% from 2020-04-01, confirmed for the periods
# from 2023-04-01 and 2026-04-01 (法務省告示).
STATUTORY_RATES = RatePeriods(((date(1898, 7, 16), 500), (date(2020, 4, 1), 300), (date(2023, 4, 1), 300), (date(2026, 4, 1), 300)))


def _first_day(principal: int, due: date, rule: Rule, designated_deadline: date | None) -> date:
    if principal <= 0:
        raise ValueError("principal must be positive")
    start = due + timedelta(days=1)
    if rule.from_designated_deadline:
        if designated_deadline is None:
            raise ValueError("this rule charges from the demand's 指定期限, which is missing")
        start = max(start, designated_deadline + timedelta(days=1))
    return start


def _base(
    principal: int, payments: Sequence[tuple[date, int]], day: date, rule: Rule, deferrals: Sequence[Deferral] = ()
) -> int:
    """The base on `day`: principal less payments made before it, less the principal a
    履行延期 has not yet made due, under threshold and truncated."""
    outstanding = principal - sum(a for d, a in payments if d < day) - _deferred(deferrals, day)
    if outstanding <= 0 or outstanding < rule.min_principal:
        return 0
    return outstanding // rule.base_unit * rule.base_unit


def _segment(start: date, end: date, rate_bp: int, base: int, reason: str = "") -> Segment:
    days = (end - start).days + 1
    return Segment(start, end, days, rate_bp, base, base * rate_bp * days // (365 * 10_000), reason)


def _total(segments: list[Segment], rule: Rule) -> LateCharge:
    raw = sum(s.yen for s in segments)
    amount = 0 if raw < rule.min_total else raw // rule.total_unit * rule.total_unit
    return LateCharge(amount, tuple(segments), raw)


def _year_ends(start: date, end: date) -> list[date]:
    return [date(y, 12, 31) for y in range(start.year, end.year)]


def _edges(periods: Sequence[tuple[date, date]]) -> set[date]:
    """Segments end the day before a period and on its last day."""
    return {d for first, last in periods for d in (first - timedelta(days=1), last)}


def _relief_on(day: date, deferments: Sequence[Deferment], stops: Sequence[tuple[date, date]]) -> str:
    """What relief covers `day`: an exemption wins over the reduced rate."""
    if any(first <= day <= last for first, last in stops):
        return STOP
    covering = [d for d in deferments if d.first <= day <= d.last]
    if any(d.exempt for d in covering):
        return EXEMPT_DEFERMENT
    return REDUCED_DEFERMENT if covering else ""


def _cut_points(start: date, end: date, last_days: set[date]) -> list[tuple[date, date]]:
    """[start, end] split after each of `last_days` that falls inside it."""
    out = []
    s = start
    for cut in sorted(d for d in last_days if start <= d < end):
        out.append((s, cut))
        s = cut + timedelta(days=1)
    out.append((s, end))
    return out


# The tax model's rates (地方税法附則3条の2), loaded into the database on migrate,
# where an administrator adds each new year's announced rate. The deferment rate is
# the rate of a day of 猶予 that 15条の9第1項 does not exempt in full:
# - until 1999: 7.3%, half of 14.6% (15条の9第1項; in the lower-rate window the
#   half would be 3.65%, a case the table does not model (verify));
# - 2000–2013: the year's 特例基準割合 (the lower rate), old 附則3条の2第2項 (verify);
# - 2014–2020: the year's 特例基準割合 itself, 1% under the lower rate (old 附則3条の2第2項;
#   1.9%, 1.8%, 1.8%, 1.7%, 1.6%, 1.6%, 1.6%);
# - from 2021: the 猶予特例割合, 平均貸付割合 + 0.5% (附則3条の2第2項).
TAX_MODEL_RATES: tuple[YearRates, ...] = tuple(
    YearRates(y, lower, after, deferment)
    for years, lower, after, deferment in (
        (range(1999, 2000), 730, 1460, 730),
        (range(2000, 2002), 450, 1460, 450),
        (range(2002, 2007), 410, 1460, 410),
        (range(2007, 2008), 440, 1460, 440),
        (range(2008, 2009), 470, 1460, 470),
        (range(2009, 2010), 450, 1460, 450),
        (range(2010, 2014), 430, 1460, 430),
        (range(2014, 2015), 290, 920, 190),
        (range(2015, 2017), 280, 910, 180),
        (range(2017, 2018), 270, 900, 170),
        (range(2018, 2021), 260, 890, 160),
        (range(2021, 2022), 250, 880, 100),
        (range(2022, 2026), 240, 870, 90),
        (range(2026, 2027), 280, 910, 130),
    )
    for y in years
)
