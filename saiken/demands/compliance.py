"""督促の適正執行: were demands sent within the window? The seed's first named problem.

Three views of the same facts, as of a date:
- every overdue instalment still without a demand (those past the window first);
- every demand sent after the window;
- the share sent on time, per receivable, department and fiscal year (of the
  instalment): on time ÷ (on time + late + still missing past the window).
  An instalment still within its window and not yet demanded is not counted yet.

The share counts a demand on its issue day, delivered or not: 地方税法329条 asks that
the 督促状 be sent (発しなければならない) within 20 days. Whether it reached the
debtor is shown beside it: notices returned and not sent again (`returned_counts`)
are not delivered, so they neither renewed prescription nor allow a seizure.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Count, Q, Sum

from saiken.catalog.models import ReceivableType
from saiken.core.fiscal import fiscal_year_start
from saiken.core.money import percent, rate
from saiken.demands.models import Demand, DemandLine
from saiken.ledger.models import Instalment


@dataclass
class Share:
    on_time: int = 0
    late: int = 0
    missing: int = 0  # overdue, no demand, past the window
    pending: int = 0  # overdue, no demand, still within the window

    @property
    def due(self) -> int:
        return self.on_time + self.late + self.missing

    @property
    def rate(self) -> Decimal | None:
        return percent(rate(self.on_time, self.due))

    def add(self, other: Share) -> None:
        self.on_time += other.on_time
        self.late += other.late
        self.missing += other.missing
        self.pending += other.pending


@dataclass
class ShareRow:
    department: str
    number: int
    receivable: str
    receivable_id: int
    years: dict[int, Share] = field(default_factory=dict)
    total: Share = field(default_factory=Share)


@dataclass
class ShareTable:
    as_of: date
    years: list[int]
    rows: list[ShareRow]
    departments: list[tuple[str, dict[int, Share], Share]]
    city: dict[int, Share]
    city_total: Share


def _open_undemanded(as_of: date):
    return Instalment.objects.filter(principal_due__gt=0, due_date__lt=as_of, demand_line__isnull=True)


def share_table(as_of: date, years: list[int] | None = None) -> ShareTable:
    receivables = list(ReceivableType.objects.select_related("department").order_by("number"))
    shares: dict[tuple[int, int], Share] = defaultdict(Share)
    for rid, fy, on_time, late in (
        DemandLine.objects.filter(demand__issued_on__lte=as_of)
        .values_list("instalment__receivable_id", "instalment__fiscal_year")
        .annotate(n_on_time=Count("id", filter=Q(on_time=True)), n_late=Count("id", filter=Q(on_time=False)))
    ):
        shares[(rid, fy)].on_time += on_time
        shares[(rid, fy)].late += late
    for r in receivables:
        # Past the window when due_date + window < as_of, i.e. due_date < as_of − window.
        cutoff = as_of - timedelta(days=r.demand_window_days)
        for fy, missing, pending in (
            _open_undemanded(as_of).filter(receivable=r).values_list("fiscal_year")
            .annotate(n_missing=Count("id", filter=Q(due_date__lt=cutoff)), n_pending=Count("id", filter=Q(due_date__gte=cutoff)))
        ):
            shares[(r.id, fy)].missing += missing
            shares[(r.id, fy)].pending += pending
    all_years = sorted({fy for _, fy in shares})
    shown = sorted(years) if years else all_years
    rows = []
    by_department: dict[str, tuple[dict[int, Share], Share]] = {}
    city: dict[int, Share] = defaultdict(Share)
    city_total = Share()
    for r in receivables:
        row = ShareRow(r.department.name, r.number, r.name, r.id)
        dept_years, dept_total = by_department.setdefault(r.department.name, (defaultdict(Share), Share()))
        for fy in shown:
            s = shares.get((r.id, fy))
            if s is None:
                continue
            row.years[fy] = s
            row.total.add(s)
            dept_years[fy].add(s)
            dept_total.add(s)
            city[fy].add(s)
            city_total.add(s)
        rows.append(row)
    departments = [(name, dict(y), t) for name, (y, t) in by_department.items()]
    return ShareTable(as_of, shown, rows, departments, dict(city), city_total)


def shares(as_of: date, years: list[int] | None = None, windows: dict[int, int] | None = None) -> dict[tuple[int, int], Share]:
    """Share per (receivable, instalment fiscal year), the same figures as `share_table`,
    at a cost that does not grow with the ledger (the dashboard's path):

    - on time and late from DemandSummary (kept exact by the demand run), demands issued
      by `as_of`;
    - missing and pending live: they change with every payment and every passing day, so
      no counter could keep them. They are the open, overdue, undemanded instalments,
      read through the partial index of open instalments by due date, so the cost is
      that of the city's open overdue instalments (a few percent of the ledger), in one
      query grouped by due date and folded into each receivable's window here.

    With `years`, only the open instalments due from the first of them on are read (an
    instalment falls due within its fiscal year or, rolled over a holiday, just after),
    so the old years' arrears are not walked at all. `windows` (receivable id → demand
    window days) saves reading the catalog again.
    """
    from saiken.demands.models import DemandSummary

    wanted = set(years) if years else None
    out: dict[tuple[int, int], Share] = defaultdict(Share)
    for rid, fy, on_time, late in (
        DemandSummary.objects.filter(issued_on__lte=as_of).values_list("receivable_id", "fiscal_year")
        .annotate(a=Sum("on_time"), b=Sum("late")).order_by()
    ):
        if wanted is None or fy in wanted:
            out[(rid, fy)].on_time += on_time
            out[(rid, fy)].late += late
    if windows is None:
        windows = dict(ReceivableType.objects.values_list("id", "demand_window_days"))
    undemanded = _open_undemanded(as_of)
    if wanted is not None:
        undemanded = undemanded.filter(due_date__gte=fiscal_year_start(min(wanted)), fiscal_year__in=sorted(wanted))
    for due, rid, fy, n in undemanded.values_list("due_date", "receivable_id", "fiscal_year").annotate(n=Count("id")).order_by():
        if wanted is None or fy in wanted:
            # Past the window when due_date + window < as_of (as share_table counts it).
            if due < as_of - timedelta(days=windows[rid]):
                out[(rid, fy)].missing += n
            else:
                out[(rid, fy)].pending += n
    return dict(out)


def undemanded(as_of: date, *, receivable_id: int | None = None, department_id: int | None = None, limit: int = 200):
    """Overdue instalments without a demand, oldest first: (count, count past window, rows)."""
    qs = _open_undemanded(as_of)
    if receivable_id:
        qs = qs.filter(receivable_id=receivable_id)
    if department_id:
        qs = qs.filter(receivable__department_id=department_id)
    rows = list(
        qs.select_related("debtor", "receivable", "receivable__department").order_by("due_date", "id")[:limit]
    )
    for i in rows:
        i.demand_by = i.due_date + timedelta(days=i.receivable.demand_window_days)
        i.past_window = as_of > i.demand_by
        i.days_over = (as_of - i.demand_by).days
    past = sum(
        qs.filter(receivable=r, due_date__lt=as_of - timedelta(days=r.demand_window_days)).count()
        for r in ReceivableType.objects.filter(pk__in=qs.values("receivable_id").distinct())
    )
    return qs.count(), past, rows


def late_demands(*, fiscal_year: int | None = None, receivable_id: int | None = None, department_id: int | None = None, limit: int = 200):
    """Demands sent after their window, most overdue first: (count, rows)."""
    qs = DemandLine.objects.filter(on_time=False)
    if fiscal_year:
        qs = qs.filter(instalment__fiscal_year=fiscal_year)
    if receivable_id:
        qs = qs.filter(instalment__receivable_id=receivable_id)
    if department_id:
        qs = qs.filter(instalment__receivable__department_id=department_id)
    rows = list(
        qs.select_related("demand", "instalment", "instalment__debtor", "instalment__receivable")
        .order_by("-demand__issued_on", "id")[:limit]
    )
    for line in rows:
        line.days_over = (line.demand.issued_on - line.demand_by).days
    return qs.count(), rows



def returned_counts(*, receivable_id: int | None = None, department_id: int | None = None) -> list[tuple[int, str, int]]:
    """Notices returned and not sent again (未送達), per department: (department id, name, count)."""
    qs = Demand.objects.filter(returned=True)
    if receivable_id:
        qs = qs.filter(receivable_id=receivable_id)
    if department_id:
        qs = qs.filter(receivable__department_id=department_id)
    return [
        (r["receivable__department_id"], r["receivable__department__name"], r["n"])
        for r in qs.values("receivable__department_id", "receivable__department__name").annotate(n=Count("id")).order_by("receivable__department__name")
    ]
