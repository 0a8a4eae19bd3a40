"""Selecting cases to transfer to the central collection team (移管の選定).

Criteria (DOMAIN.md §8): a large amount owed, prescription near, repeated broken
pledges, no contact for long. They are a value (`Criteria`) that is saved as JSON
with each Transfer, so it is always known why a case was sent. A debtor with an
approved 滞納処分の執行停止 in force is insolvent: such cases go to relief, not to
collection, and are never selected.

The central team's list (`transferred`) is read from the Transfer rows: a case is
there exactly when its latest transfer sent it to the team.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from datetime import date, timedelta

from django.db.models import DateTimeField, F, Max, Min, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from saiken.cases.facts import OPEN, end_of
from saiken.cases.models import PROGRESS_KINDS, Case, ContactEntry, Pledge, Transfer
from saiken.cases.pledges import judge_pledges
from saiken.cases.rules import PlanState
from saiken.core.late_charge import add_months
from saiken.ledger.models import Instalment
from saiken.prescription.models import PrescriptionStatus
from saiken.prescription.projection import owing
from saiken.relief.effects import execution_stops
from saiken.relief.models import ReliefDecisionLine


@dataclass(frozen=True)
class Criteria:
    """移管の選定基準. Unset criteria (None) are not applied; `match` says whether a case must
    meet all the set ones or any of them."""

    min_owed: int | None = None  # 未納額がX円以上
    prescription_within_months: int | None = None  # 時効完成までNか月以内
    min_broken_pledges: int | None = None  # 分納誓約の不履行がK件以上
    no_contact_days: int | None = None  # D日以上接触なし
    department: str | None = None  # 所管課コード（空: 全課）
    match: str = "all"  # "all" or "any"

    def __post_init__(self):
        if self.match not in ("all", "any"):
            raise ValueError("match must be 'all' or 'any'")
        for name in ("min_owed", "prescription_within_months", "min_broken_pledges", "no_contact_days"):
            v = getattr(self, name)
            if v is not None and (not isinstance(v, int) or v < 0):
                raise ValueError(f"{name} must be a non-negative integer")

    @property
    def is_empty(self) -> bool:
        return all(getattr(self, n) is None for n in ("min_owed", "prescription_within_months", "min_broken_pledges", "no_contact_days"))

    def to_json(self) -> dict:
        return {k: v for k, v in asdict(self).items() if v is not None}

    @classmethod
    def from_json(cls, data: dict) -> Criteria:
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})

    def describe(self) -> list[str]:
        out = []
        if self.min_owed is not None:
            out.append(f"未納額 {self.min_owed:,}円以上")
        if self.prescription_within_months is not None:
            out.append(f"時効完成まで{self.prescription_within_months}か月以内")
        if self.min_broken_pledges is not None:
            out.append(f"分納誓約の不履行 {self.min_broken_pledges}件以上")
        if self.no_contact_days is not None:
            out.append(f"{self.no_contact_days}日以上接触なし")
        return out


def _with_facts(qs: QuerySet, as_of: date) -> QuerySet:
    """Annotate owed, the nearest prescription and the last contact, each one correlated subquery."""
    owed = (
        Instalment.objects.filter(debtor_id=OuterRef("debtor_id")).filter(OPEN).order_by()
        .values("debtor_id").annotate(t=Sum(F("principal_due") + F("late_charge_due") + F("fee_due"))).values("t")
    )
    nearest = (
        PrescriptionStatus.objects.filter(owing("instalment__"), instalment__debtor_id=OuterRef("debtor_id"), completes_on__gte=as_of)
        .order_by().values("instalment__debtor_id").annotate(m=Min("completes_on")).values("m")
    )
    contact = (
        ContactEntry.objects.filter(case_id=OuterRef("pk"), kind__in=PROGRESS_KINDS, at__lt=end_of(as_of))
        .order_by().values("case_id").annotate(m=Max("at")).values("m")
    )
    return qs.annotate(
        owed=Coalesce(Subquery(owed), Value(0)),
        prescription_on=Subquery(nearest),
        last_contact_at=Subquery(contact, output_field=DateTimeField()),
    )


def _broken_at_least(k: int, as_of: date, base: QuerySet) -> list[int]:
    """Case ids with at least k pledges broken as of `as_of`, judged from the ledger."""
    if k <= 0:
        return list(base.values_list("pk", flat=True))
    pledges = list(Pledge.objects.filter(case__in=base.values("pk"), signed_on__lte=as_of).select_related("case"))
    verdicts = judge_pledges(pledges, as_of)
    counts: dict[int, int] = {}
    for p in pledges:
        if verdicts[p.pk].state == PlanState.BROKEN:
            counts[p.case_id] = counts.get(p.case_id, 0) + 1
    return sorted(cid for cid, n in counts.items() if n >= k)


def stopped_debtors(debtor_ids: QuerySet | list[int], as_of: date) -> set[int]:
    """Debtors with an approved 滞納処分の執行停止 in force on `as_of` on an open instalment."""
    candidates = list(
        ReliefDecisionLine.objects.filter(instalment__debtor_id__in=debtor_ids, decision__kind="execution_stop")
        .filter(Q(instalment__principal_due__gt=0) | Q(instalment__late_charge_due__gt=0) | Q(instalment__fee_due__gt=0))
        .values_list("instalment_id", "instalment__debtor_id").distinct()
    )
    debtor_of = dict(candidates)
    out = set()
    for iid, periods in execution_stops(debtor_of).items():
        if any(start <= as_of and (end is None or as_of <= end) for start, end in periods):
            out.add(debtor_of[iid])
    return out


def select_for_transfer(criteria: Criteria, as_of: date, base: QuerySet | None = None) -> QuerySet:
    """Open cases not with the central team that meet the criteria, without those under an
    execution stop; annotated with owed, prescription_on and last_contact_at. An empty
    criteria selects nothing (a transfer is never "everything")."""
    qs = Case.objects.filter(status=Case.Status.OPEN, transferred_to_central=False, opened_on__lte=as_of)
    if base is not None:
        qs = qs.filter(pk__in=base.values("pk"))
    if criteria.department:
        qs = qs.filter(department__code=criteria.department)
    if criteria.is_empty:
        return qs.none()
    qs = _with_facts(qs, as_of)
    tests = []
    if criteria.min_owed is not None:
        tests.append(Q(owed__gte=criteria.min_owed))
    if criteria.prescription_within_months is not None:
        tests.append(Q(prescription_on__lte=add_months(as_of, criteria.prescription_within_months)))
    if criteria.min_broken_pledges is not None:
        tests.append(Q(pk__in=_broken_at_least(criteria.min_broken_pledges, as_of, qs)))
    if criteria.no_contact_days is not None:
        cutoff = end_of(as_of - timedelta(days=criteria.no_contact_days))
        tests.append(Q(last_contact_at__isnull=True) | Q(last_contact_at__lt=cutoff))
    combined = tests[0]
    for t in tests[1:]:
        combined = combined & t if criteria.match == "all" else combined | t
    qs = qs.filter(combined)
    stopped = stopped_debtors(qs.values("debtor_id"), as_of)
    if stopped:
        qs = qs.exclude(debtor_id__in=sorted(stopped))
    return qs.select_related("debtor", "department", "officer").order_by("-owed", "pk")


def transferred(base: QuerySet | None = None) -> QuerySet:
    """The central team's cases: those whose latest Transfer sent them to the team."""
    latest = Transfer.objects.filter(case_id=OuterRef("pk")).order_by("-on", "-id").values("direction")[:1]
    qs = (base if base is not None else Case.objects.all()).annotate(last_direction=Subquery(latest))
    return qs.filter(last_direction=Transfer.Direction.TO_CENTRAL)
