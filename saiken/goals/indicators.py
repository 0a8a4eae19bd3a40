"""Actual values of the indicators (実績), computed from the ledger and the records.

Nothing here is typed in. Two ways to the same figures:

- `actual(code, fiscal_year=…, receivable_id=…)`: one value, computed live and exactly
  from the records (the entries' summary, the demands, the payments, the write-offs,
  the relief decisions). For a check, a command, a plan's evaluation.
- `actuals(fiscal_year, as_of=…)`: every indicator for every receivable and the city at
  once, set-based, for the dashboard and the committee's report, at a cost that does
  not grow with the ledger. Where a live count would scan every entry, payment or
  demand line, it reads a summary that the ledger's and the demand run's own actions
  keep exact in the same transaction (`saiken check-ledger` proves each): collection
  rates and 未収金 from LedgerSummary, 口座振替 from PaymentSummary, 不納欠損 from
  WriteOffSummary, demands on time and late from DemandSummary. The rest is counted
  live, being small or changing with the calendar rather than with any action: demands
  still missing (open overdue instalments), relief decisions, investigations and
  dispositions. Stalled cases change with the calendar too but cost seconds to count
  at a city's case load: `actuals` reads the nightly snapshot (`saiken snapshot-stalls`)
  of the day or the latest before it, `actual` counts live. Both ways give the same
  figures as of the same day (stalled cases: once that day's snapshot is taken).

Definitions (each Indicator's description says the same to the committee):

- 収納率 = 収入済額 ÷ 調定額, principal only, 現年度分 / 滞納繰越分 / 合計, shown and
  compared to 0.1 point as the city publishes it (saiken.core.collection).
- 未収金 = 調定額 − 収入済額 − 不納欠損額 in yen, for the settlement year.
- 督促の期限内発付率 = on time ÷ (on time + late + missing past the window), by the
  instalments' fiscal year (saiken.demands.compliance).
- 口座振替の割合 = payments (件数) booked in the fiscal year (April 1 – March 31) by
  口座振替 ÷ all payments booked then; 充当 is not a payment by the debtor and is left out.
- 不納欠損 = instalments written off and their principal (the collection table's
  不納欠損額), by the settlement year the write-off was booked in; optionally one reason.
- 緩和措置の決裁 = decisions approved (decided) in the fiscal year, whatever became of
  them later (ended, revoked); optionally one kind.
- 財産調査, 滞納処分: investigations requested and dispositions decided in the year.
- 停滞事案数: open cases stalled (saiken.cases.stalls: no progress N days after a
  reminder, or no next action date) on the year's last day, or on `as_of` for a year
  still running; a case counts for every receivable the debtor still owes on an
  instalment assessed by then (today's balances), and once for the city.

"The city" (receivable None) is the sum over the major receivables (主要14債権,
ReceivableType.is_major): rates from summed numerators and denominators, never an
average of rates. A receivable or the city without any ledger figure in a year has
None for every indicator of that year.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.db.models.functions import ExtractMonth, ExtractYear
from django.utils import timezone

from saiken.accounting.report import summary_rows
from saiken.catalog.models import ReceivableType
from saiken.core.allocation import Component
from saiken.core.collection import Line, SummaryRow, collection_lines
from saiken.core.entries import Kind
from saiken.core.fiscal import fiscal_year_end, fiscal_year_start
from saiken.core.money import percent, rate
from saiken.demands.compliance import Share, share_table, shares
from saiken.goals.models import Comparison, Computation, Indicator, Target, Unit
from saiken.ledger.models import Channel, Entry, Payment, PaymentSummary, WriteOffSummary
from saiken.relief.models import ReliefDecision, Status

Value = Decimal | int | None
Key = tuple[str, int | None]  # (indicator code, receivable id or None for the city)

# Decisions that were approved: they keep their decided_on when later ended or revoked.
APPROVED_STATUSES = (Status.APPROVED, Status.ENDED, Status.REVOKED)
NOT_A_PAYMENT = frozenset({Channel.TRANSFER.value})  # 充当: the city moves money, the debtor pays nothing
PLACEHOLDERS: frozenset[str] = frozenset()  # every indicator has its records now (case work landed)
CASE_COUNTS = frozenset({Computation.INVESTIGATIONS, Computation.DISPOSITIONS})
STALLS = frozenset({Computation.STALLED_CASES})
PLACEHOLDER_NOTE = "未集計（滞納整理の記録が未整備）"
LEDGER = frozenset(
    {
        Computation.CURRENT_RATE, Computation.ARREARS_RATE, Computation.TOTAL_RATE,
        Computation.CURRENT_UNPAID, Computation.ARREARS_UNPAID, Computation.TOTAL_UNPAID,
    }
)
TALLIED = frozenset(
    {Computation.DEMAND_ON_TIME, Computation.DIRECT_DEBIT_SHARE, Computation.WRITE_OFF_COUNT, Computation.WRITE_OFF_YEN}
)


@dataclass
class Ratio:
    """A share before it is a percentage, so that the city's is summed exactly."""

    num: int = 0
    den: int = 0

    def __add__(self, other: Ratio) -> Ratio:
        return Ratio(self.num + other.num, self.den + other.den)


Raw = Ratio | int


@dataclass
class Tallies:
    """The raw counts behind the process indicators, from the records or from the summaries."""

    demands: dict[tuple[int, int], Share] = field(default_factory=dict)  # (receivable, instalment FY)
    channels: dict[tuple[int, int, str], tuple[int, int]] = field(default_factory=dict)  # (receivable, FY, channel) → (payments, yen)
    write_offs: dict[tuple[int, int, str], tuple[int, int]] = field(default_factory=dict)  # (receivable, settlement FY, reason) → (instalments, principal)


# ---- the records, live ------------------------------------------------------------------


def demand_tallies(as_of: date, fiscal_year: int | None = None) -> dict[tuple[int, int], Share]:
    table = share_table(as_of, [fiscal_year] if fiscal_year is not None else None)
    return {(row.receivable_id, fy): share for row in table.rows for fy, share in row.years.items()}


def channel_tallies(fiscal_year: int | None = None) -> dict[tuple[int, int, str], tuple[int, int]]:
    """Payments per receivable, fiscal year of booking and channel: one grouped query
    (by calendar year and month, folded into fiscal years here, so that every year
    comes from one scan)."""
    qs = Payment.objects.all()
    if fiscal_year is not None:
        qs = qs.filter(booked_on__gte=fiscal_year_start(fiscal_year), booked_on__lte=fiscal_year_end(fiscal_year))
    rows = (
        qs.annotate(y=ExtractYear("booked_on"), m=ExtractMonth("booked_on"))
        .values_list("receivable_id", "y", "m", "channel")
        .annotate(n=Count("id"), s=Sum("amount"))
        .order_by()
    )
    out: dict[tuple[int, int, str], tuple[int, int]] = {}
    for rid, y, m, channel, n, s in rows:
        key = (rid, y if m >= 4 else y - 1, channel)
        n0, s0 = out.get(key, (0, 0))
        out[key] = (n0 + n, s0 + (s or 0))
    return out


def write_off_tallies(fiscal_year: int | None = None) -> dict[tuple[int, int, str], tuple[int, int]]:
    entries = Entry.objects.filter(kind=Kind.WRITE_OFF)
    if fiscal_year is not None:
        entries = entries.filter(settlement_year=fiscal_year)
    rows = (
        entries.values_list("instalment__receivable_id", "settlement_year", "reason")
        .annotate(n=Count("instalment_id", distinct=True), p=Sum("amount", filter=Q(component=Component.PRINCIPAL)))
        .order_by()
    )
    return {(rid, sy, reason): (n, p or 0) for rid, sy, reason, n, p in rows}


def live_tallies(as_of: date, fiscal_year: int | None = None) -> Tallies:
    return Tallies(demand_tallies(as_of, fiscal_year), channel_tallies(fiscal_year), write_off_tallies(fiscal_year))


def case_counts(fiscal_year: int) -> dict[tuple[str, int], int]:
    """(computation, receivable) → investigations requested and dispositions decided in the
    fiscal year, from the case records. Live: these tables are small (a few per case)."""
    from saiken.cases.models import DispositionLine, Investigation  # goals reads case work, never the reverse

    start, end = fiscal_year_start(fiscal_year), fiscal_year_end(fiscal_year)
    out: dict[tuple[str, int], int] = {}
    for rid, n in (
        Investigation.objects.filter(requested_on__gte=start, requested_on__lte=end)
        .values_list("receivable_id").annotate(n=Count("id")).order_by()
    ):
        out[(Computation.INVESTIGATIONS, rid)] = n
    # A disposition covers instalments; it counts once for each receivable among them.
    for rid, n in (
        DispositionLine.objects.filter(disposition__decided_on__gte=start, disposition__decided_on__lte=end)
        .values_list("instalment__receivable_id").annotate(n=Count("disposition", distinct=True)).order_by()
    ):
        out[(Computation.DISPOSITIONS, rid)] = n
    return out


def stall_as_of(fiscal_year: int, as_of: date) -> date:
    """The day a year's stalled cases are counted on: its last day, or `as_of` before then."""
    return min(as_of, fiscal_year_end(fiscal_year))


def stalled_counts(as_of: date, major: Iterable[int] | None = None) -> dict[int | None, int]:
    """Stalled cases on `as_of` per receivable, and (key None) the cases with any of the
    `major` receivables, each case once: live from the case records (saiken.cases.stalls),
    at a cost of the open cases (about a second per 10,000 on SQLite), not of the ledger."""
    from saiken.cases.stalls import receivable_counts, stalled_receivables  # goals reads case work, never the reverse

    major = set(major) if major is not None else set(ReceivableType.objects.filter(is_major=True).values_list("id", flat=True))
    return receivable_counts(stalled_receivables(as_of), major)


def stall_snapshot(day: date) -> tuple[date | None, dict[int | None, int] | None]:
    """The nightly count (`saiken snapshot-stalls`) of the latest day on or before `day`:
    (that day, counts as `stalled_counts` gives them), or (None, None) if none was taken.

    The dashboard reads this rather than counting live: whether a case is stalled changes
    with the calendar (N days after a reminder), so no action could keep a counter of it
    exact, and the live count costs seconds at a city's case load (17,000 open cases:
    2 s on SQLite at scale M), twice per page."""
    from saiken.cases.models import StallReceivableCount

    latest = StallReceivableCount.objects.filter(day__lte=day).order_by("-day").values_list("day", flat=True).first()
    if latest is None:
        return None, None
    return latest, dict(StallReceivableCount.objects.filter(day=latest).values_list("receivable_id", "count"))


def relief_counts(fiscal_year: int) -> dict[tuple[int, str], int]:
    """(receivable, kind) → decisions approved in the fiscal year. Live: the table is small."""
    rows = (
        ReliefDecision.objects.filter(
            status__in=APPROVED_STATUSES,
            decided_on__gte=fiscal_year_start(fiscal_year),
            decided_on__lte=fiscal_year_end(fiscal_year),
        )
        .values_list("receivable_id", "kind")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {(rid, kind): n for rid, kind, n in rows}


# ---- the summaries ----------------------------------------------------------------------


def stored_tallies(fiscal_year: int, as_of: date, demand_shares: dict[tuple[int, int], Share] | None = None) -> Tallies:
    """The tallies of one fiscal year from the summaries the actions keep exact (the
    demands still missing counted live, see saiken.demands.compliance.shares; pass
    `demand_shares` of every year to read them once for several years)."""
    channels = {
        (rid, fy, ch): (n, s)
        for rid, fy, ch, n, s in PaymentSummary.objects.filter(fiscal_year=fiscal_year).values_list(
            "receivable_id", "fiscal_year", "channel", "payments", "amount"
        )
    }
    write_offs = {
        (rid, sy, reason): (n, p)
        for rid, sy, reason, n, p in WriteOffSummary.objects.filter(settlement_year=fiscal_year).values_list(
            "receivable_id", "settlement_year", "reason", "instalments", "principal"
        )
        if n or p
    }
    if demand_shares is None:
        demand_shares = shares(as_of, [fiscal_year])
    return Tallies({k: v for k, v in demand_shares.items() if k[1] == fiscal_year}, channels, write_offs)


# ---- from raw figures to values ---------------------------------------------------------


def _ledger_raw(computation: str, line: Line) -> Raw:
    part = {"current": line.current, "arrears": line.arrears, "total": line.total}[computation.split("_")[0]]
    if computation.endswith("_rate"):
        return Ratio(part.collected, part.assessed)
    return part.unpaid


def _tallied_raw(computation: str, parameter: str, tallies: Tallies, fiscal_year: int) -> dict[int, Raw]:
    out: dict[int, Raw] = {}
    if computation == Computation.DEMAND_ON_TIME:
        for (rid, fy), s in tallies.demands.items():
            if fy == fiscal_year:
                out[rid] = Ratio(s.on_time, s.due)
    elif computation == Computation.DIRECT_DEBIT_SHARE:
        for (rid, fy, channel), (n, _) in tallies.channels.items():
            if fy != fiscal_year or channel in NOT_A_PAYMENT:
                continue
            wanted = parameter or Channel.DIRECT_DEBIT.value
            out[rid] = out.get(rid, Ratio()) + Ratio(n if channel == wanted else 0, n)
    else:
        count = computation == Computation.WRITE_OFF_COUNT
        for (rid, sy, reason), (n, principal) in tallies.write_offs.items():
            if sy == fiscal_year and (not parameter or reason == parameter):
                out[rid] = out.get(rid, 0) + (n if count else principal)
    return out


def _finish(raw: Raw | None) -> Value:
    if raw is None:
        return None
    if isinstance(raw, Ratio):
        return percent(rate(raw.num, raw.den))
    return int(raw)


def _zero(computation: str) -> Raw:
    return Ratio() if computation in (Computation.DEMAND_ON_TIME, Computation.DIRECT_DEBIT_SHARE) or computation.endswith("_rate") else 0


class YearLines(dict):
    """The collection table's lines per fiscal year over one set of summary rows, each
    year computed once however many parts of a page ask for it."""

    def __init__(self, rows: list[SummaryRow]):
        super().__init__()
        self.rows = rows

    def __missing__(self, year: int) -> dict:
        self[year] = collection_lines(self.rows, year)
        return self[year]


@dataclass
class _Context:
    fiscal_year: int
    lines: dict[int, Line]
    with_data: frozenset[int]  # receivables with any ledger figure in the year
    major: frozenset[int]
    receivables: list[int]
    tallies: Tallies
    relief: dict[tuple[int, str], int]
    cases: dict[tuple[str, int], int] = field(default_factory=dict)
    stalled: dict[int | None, int] | None = None  # None: not asked for, or no snapshot yet


def _context(
    fiscal_year: int, rows: list[SummaryRow], tallies: Tallies, receivables: list[ReceivableType] | None = None,
    lines: YearLines | None = None, stalls_on: date | None = None, stalled: dict[int | None, int] | None = None,
) -> _Context:
    """`stalls_on`: count the stalled cases of that day live; else `stalled` as given."""
    if receivables is None:
        receivables = list(ReceivableType.objects.order_by("number"))
    receivables = [(r.id, r.is_major) for r in receivables]
    major = frozenset(rid for rid, is_major in receivables if is_major)
    # A year has figures where something was settled in it (debts migrated later for
    # an old year settle in the migration's year, so their debt year alone says nothing).
    with_data = frozenset(r.receivable for r in rows if r.settlement_year == fiscal_year)
    return _Context(
        fiscal_year,
        lines[fiscal_year] if lines is not None else collection_lines(rows, fiscal_year),
        with_data,
        major,
        [rid for rid, _ in receivables],
        tallies,
        relief_counts(fiscal_year),
        case_counts(fiscal_year),
        stalled_counts(stalls_on, major) if stalls_on is not None else stalled,
    )


def _values(indicator: Indicator, ctx: _Context) -> dict[int | None, Value]:
    """The indicator for every receivable and for the city (None)."""
    comp, param = indicator.computation, indicator.parameter
    raw: dict[int, Raw] | None
    city_override: int | None = None  # a count that is not the sum over receivables
    if comp in PLACEHOLDERS:
        raw = None
    elif comp in STALLS:
        raw = ctx.stalled  # None without a snapshot: no figure
        city_override = (ctx.stalled or {}).get(None, 0)  # a case owing two receivables is one case
    elif comp in LEDGER:
        raw = {rid: _ledger_raw(comp, line) for rid, line in ctx.lines.items()}
    elif comp in CASE_COUNTS:
        raw = defaultdict(int)
        for (c, rid), n in ctx.cases.items():
            if c == comp:
                raw[rid] += n
    elif comp == Computation.RELIEF_APPROVED:
        raw = defaultdict(int)
        for (rid, kind), n in ctx.relief.items():
            if not param or kind == param:
                raw[rid] += n
    elif comp in TALLIED:
        raw = _tallied_raw(comp, param, ctx.tallies, ctx.fiscal_year)
    else:
        raise ValueError(f"unknown computation {comp!r} of indicator {indicator.code!r}")
    out: dict[int | None, Value] = {}
    city: Raw | None = None
    for rid in ctx.receivables:
        if raw is None or rid not in ctx.with_data:
            out[rid] = None
            continue
        r = raw.get(rid, _zero(comp))
        out[rid] = _finish(r)
        if rid in ctx.major:
            city = r if city is None else city + r
    out[None] = _finish(city if city is None or city_override is None else city_override)
    return out


def _indicator(code: str) -> Indicator:
    try:
        return Indicator.objects.get(code=code)
    except Indicator.DoesNotExist:
        raise KeyError(f"指標 {code!r} は登録されていません。") from None


def actual(indicator_code: str, *, fiscal_year: int, receivable_id: int | None = None, as_of: date | None = None) -> Value:
    """One indicator's actual, computed live from the records. `as_of` (default today)
    is the day the demand share is judged on: an instalment still within its demand
    window then is not counted yet."""
    indicator = _indicator(indicator_code)
    as_of = as_of or timezone.localdate()
    tallies = Tallies()
    if indicator.computation == Computation.DEMAND_ON_TIME:
        tallies.demands = demand_tallies(as_of, fiscal_year)
    elif indicator.computation == Computation.DIRECT_DEBIT_SHARE:
        tallies.channels = channel_tallies(fiscal_year)
    elif indicator.computation in TALLIED:
        tallies.write_offs = write_off_tallies(fiscal_year)
    stalls_on = stall_as_of(fiscal_year, as_of) if indicator.computation in STALLS else None
    ctx = _context(fiscal_year, summary_rows(), tallies, stalls_on=stalls_on)
    return _values(indicator, ctx)[receivable_id]


def actuals(
    fiscal_year: int,
    *,
    as_of: date | None = None,
    rows: list[SummaryRow] | None = None,
    indicators: Iterable[Indicator] | None = None,
    receivables: list[ReceivableType] | None = None,
    lines: YearLines | None = None,
    demand_shares: dict[tuple[int, int], Share] | None = None,
) -> dict[Key, Value]:
    """Every active indicator's actual for every receivable and the city (receivable
    None) as of `as_of` (default today), the same as `actual` gives one by one, read
    from the summaries: a fixed number of queries whatever the size of the ledger.
    Stalled cases come from the nightly snapshot of their day or the latest before it
    (`stall_snapshot`; None before the first). The keyword arguments only save queries
    when the caller has them already."""
    as_of = as_of or timezone.localdate()
    rows = summary_rows() if rows is None else rows
    indicators = list(Indicator.objects.filter(active=True)) if indicators is None else list(indicators)
    stalled = None
    if any(i.computation in STALLS for i in indicators):
        _, stalled = stall_snapshot(stall_as_of(fiscal_year, as_of))
    if demand_shares is None and receivables is not None:
        demand_shares = shares(as_of, [fiscal_year], {r.id: r.demand_window_days for r in receivables})
    ctx = _context(fiscal_year, rows, stored_tallies(fiscal_year, as_of, demand_shares), receivables, lines, stalled=stalled)
    out: dict[Key, Value] = {}
    for ind in indicators:
        for rid, v in _values(ind, ctx).items():
            out[(ind.code, rid)] = v
    return out


STALLS_PENDING = "未集計（saiken snapshot-stalls が未実行）"


def is_pending(indicator: Indicator, no_stall_snapshot: bool = False) -> str | None:
    """Why an indicator has no figure at all, to say so on screen (or None).
    `no_stall_snapshot`: the figures are `actuals` and no stalled-case snapshot was taken."""
    if indicator.computation in PLACEHOLDERS:
        return PLACEHOLDER_NOTE
    if indicator.computation in STALLS and no_stall_snapshot:
        return STALLS_PENDING
    return None


# ---- targets and attainment -------------------------------------------------------------


def targets_for(fiscal_year: int) -> list[Target]:
    """The targets that apply in a fiscal year: those set for it, and for every other
    indicator and receivable the latest earlier target marked 次年度以降も継続."""
    latest: dict[tuple[int, int | None], Target] = {}
    for t in (
        Target.objects.filter(fiscal_year__lte=fiscal_year)
        .select_related("indicator", "receivable")
        .order_by("fiscal_year", "id")
    ):
        latest[(t.indicator_id, t.receivable_id)] = t
    applying = [t for t in latest.values() if t.fiscal_year == fiscal_year or t.carries_forward]
    return sorted(applying, key=lambda t: (t.indicator.order, t.indicator.code, t.receivable.number if t.receivable else 0))


def attainment(target: Target, actual: Value, previous: Value = None) -> tuple[bool | None, Decimal | int | None]:
    """(achieved, gap): whether the actual meets the target, and by how much in the
    indicator's unit: positive is the margin beyond the target, negative the shortfall.
    A comparison with last year needs last year's actual (`previous`). None, None when
    something needed is missing (no actual yet, no previous year, no value set).

    Rates are compared as the city publishes them, to 0.1 point (`actual` is rounded
    so): 94.7% after 94.7% has not risen."""
    c = target.comparison
    if actual is None:
        return None, None
    if c in (Comparison.ABOVE_LAST_YEAR, Comparison.BELOW_LAST_YEAR):
        if previous is None:
            return None, None
        gap = actual - previous if c == Comparison.ABOVE_LAST_YEAR else previous - actual
        return gap > 0, gap
    if target.value is None:
        return None, None
    value = target.value if target.indicator.unit == Unit.PERCENT else int(target.value)
    gap = actual - value if c == Comparison.AT_LEAST else value - actual
    return gap >= 0, gap
