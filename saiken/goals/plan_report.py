"""Reading the plans: a version's targets against their actuals, the committee's
section on each plan's progress, the shared library and the training report.

Nothing here writes; the changes are in saiken.goals.plans.

For the committee's report (saiken.goals.report), `committee_section(fiscal_year)`
gives one row per plan in force in the year with its latest evaluation's grades, in a
fixed number of queries, and `section_table(rows)` the same as a table of strings
(header, body) for the PDF and the workbook:

    header, body = plan_report.section_table(plan_report.committee_section(year))
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.utils import timezone

from saiken.core.era import fiscal_year_label
from saiken.core.fiscal import accounts_close, fiscal_year_start
from saiken.goals.indicators import Value, actual, attainment, is_pending
from saiken.goals.models import (
    PLAN_YEARS,
    RELATIVE,
    Direction,
    Evaluation,
    EvaluationNote,
    EvaluationResult,
    EvaluationStatus,
    Grade,
    ImplementationPlan,
    NoteKind,
    PlanStatus,
    PlanTarget,
    PlanVersion,
    SolvedCase,
    TrainingRecord,
    gap_with_unit,
    value_with_unit,
)
from saiken.goals.plans import close_margin, grade

# ---- a version's targets, live --------------------------------------------------------------


@dataclass
class ProgressRow:
    target: PlanTarget
    actual: Value
    previous: Value
    achieved: bool | None
    gap: Decimal | int | None
    grade: str
    note: str  # why there is no figure, or that it is to date

    @property
    def unit(self) -> str:
        return self.target.indicator.unit

    @property
    def actual_text(self) -> str:
        return value_with_unit(self.actual, self.unit)

    @property
    def previous_text(self) -> str:
        return value_with_unit(self.previous, self.unit)

    @property
    def gap_text(self) -> str:
        return gap_with_unit(self.gap, self.unit)


def target_progress(version: PlanVersion, today: date) -> list[ProgressRow]:
    """Each target of the version with its actual computed now from the ledger
    (`saiken.goals.indicators.actual`); years not begun have none."""
    rows = []
    receivable_id = version.plan.receivable_id
    for pt in version.targets.select_related("indicator", "version__plan__receivable"):
        if fiscal_year_start(pt.fiscal_year) > today:
            rows.append(ProgressRow(pt, None, None, None, None, Grade.NONE, "年度開始前"))
            continue
        code = pt.indicator.code
        now = actual(code, fiscal_year=pt.fiscal_year, receivable_id=receivable_id, as_of=today)
        before = actual(code, fiscal_year=pt.fiscal_year - 1, receivable_id=receivable_id, as_of=today)
        achieved, gap = attainment(pt.as_target(), now, before)
        reference = before if pt.comparison in RELATIVE else pt.value
        note = is_pending(pt.indicator) or ""
        if not note and now is None:
            note = "実績なし"
        elif not note and accounts_close(pt.fiscal_year) >= today:
            note = "年度途中（現時点）"
        rows.append(ProgressRow(pt, now, before, achieved, gap, grade(achieved, gap, pt.indicator.unit, reference, close_margin()), note))
    return rows


# ---- the committee's section ----------------------------------------------------------------


@dataclass
class PlanProgress:
    plan: ImplementationPlan
    version: int | None  # the version in force
    pending_revision: bool  # a later version awaits adoption
    evaluation: Evaluation | None  # the latest one recorded up to the year
    grades: Counter = field(default_factory=Counter)

    @property
    def grade_text(self) -> str:
        if self.evaluation is None:
            return "—"
        parts = [f"{g}{self.grades[g]}" for g in ("A", "B", "C") if self.grades[g]]
        if self.grades[""]:
            parts.append(f"判定不能{self.grades['']}")
        return "・".join(parts) or "目標なし"


def committee_section(fiscal_year: int) -> list[PlanProgress]:
    """Every decided plan whose three years include `fiscal_year`, with its latest
    evaluation of a year up to `fiscal_year` and that evaluation's grades. Four queries."""
    plans = list(
        ImplementationPlan.objects.filter(
            status__in=[PlanStatus.ADOPTED, PlanStatus.SUPERSEDED],
            first_year__lte=fiscal_year, first_year__gt=fiscal_year - PLAN_YEARS,
        ).select_related("receivable").order_by("receivable__number", "first_year")
    )
    ids = [p.pk for p in plans]
    adopted: dict[int, int] = {}
    latest: dict[int, int] = {}
    for plan_id, number, adopted_at in PlanVersion.objects.filter(plan_id__in=ids).values_list("plan_id", "number", "adopted_at"):
        latest[plan_id] = max(latest.get(plan_id, 0), number)
        if adopted_at is not None:
            adopted[plan_id] = max(adopted.get(plan_id, 0), number)
    evaluations: dict[int, Evaluation] = {}
    for e in Evaluation.objects.filter(plan_id__in=ids, fiscal_year__lte=fiscal_year).order_by("fiscal_year"):
        evaluations[e.plan_id] = e
    grades: dict[int, Counter] = defaultdict(Counter)
    for eid, g, n in (
        EvaluationResult.objects.filter(evaluation_id__in=[e.pk for e in evaluations.values()])
        .values_list("evaluation_id", "grade").annotate(n=Count("id")).order_by()
    ):
        grades[eid][g] += n
    return [
        PlanProgress(
            p, adopted.get(p.pk), latest.get(p.pk, 0) > adopted.get(p.pk, 0), evaluations.get(p.pk),
            grades[evaluations[p.pk].pk] if p.pk in evaluations else Counter(),
        )
        for p in plans
    ]


def section_table(rows: list[PlanProgress]) -> tuple[list[str], list[list[str]]]:
    header = ["番号", "債権", "計画期間", "版", "最新の評価", "状態", "A 達成", "B 概ね達成", "C 未達成", "判定不能"]
    body = []
    for r in rows:
        e = r.evaluation
        body.append([
            str(r.plan.receivable.number), r.plan.receivable.name,
            f"{fiscal_year_label(r.plan.first_year)}～{fiscal_year_label(r.plan.last_year)}",
            f"第{r.version}版" + ("（見直し中）" if r.pending_revision else "") if r.version else "—",
            f"{fiscal_year_label(e.fiscal_year)} {e.get_kind_display()}" if e else "未評価",
            e.get_status_display() if e else "—",
            *([str(r.grades[g]) for g in ("A", "B", "C", "")] if e else ["—"] * 4),
        ])
    return header, body


# ---- the library ----------------------------------------------------------------------------


class LibraryKind:
    GOOD_CASE = NoteKind.GOOD_CASE.value
    FACTOR_ANALYSIS = NoteKind.FACTOR_ANALYSIS.value
    SOLVED_CASE = "solved_case"

    LABELS = {GOOD_CASE: "優良事例", FACTOR_ANALYSIS: "要因分析", SOLVED_CASE: "困難事案の解決事例"}


@dataclass
class LibraryItem:
    kind: str
    title: str
    text: str
    what_worked: str  # solved cases only
    receivables: list
    directions: list[Direction]
    tags: list[str]
    on: date
    evaluation: Evaluation | None = None
    solved_case: SolvedCase | None = None

    @property
    def kind_label(self) -> str:
        return LibraryKind.LABELS[self.kind]


LIMIT = 200
WORDS = re.compile(r"[\s\u3000]+")


def _words(q: str) -> list[str]:
    return [w for w in WORDS.split(q.strip()) if w]


def search_library(
    q: str = "", *, receivable_id: int | None = None, direction: str | None = None, kind: str | None = None, limit: int = LIMIT,
) -> tuple[list[LibraryItem], bool]:
    """Good cases and factor analyses of final evaluations, and solved cases, whose text
    contains every word of `q` (icontains on each text field), optionally of one
    receivable, one direction code ("1-2") and one kind. Newest first; (items, more)
    where `more` says the list was cut at `limit`."""
    words = _words(q)
    items: list[LibraryItem] = []
    if kind in (None, "", LibraryKind.GOOD_CASE, LibraryKind.FACTOR_ANALYSIS):
        notes = EvaluationNote.objects.filter(evaluation__status=EvaluationStatus.FINAL)
        if kind:
            notes = notes.filter(kind=kind)
        for w in words:
            notes = notes.filter(Q(title__icontains=w) | Q(text__icontains=w))
        if receivable_id:
            notes = notes.filter(evaluation__plan__receivable_id=receivable_id)
        if direction:
            notes = notes.filter(directions__code=direction)
        for n in (
            notes.select_related("evaluation__plan__receivable").prefetch_related("directions")
            .order_by("-evaluation__finalised_at", "-id")[: limit + 1]
        ):
            e = n.evaluation
            items.append(LibraryItem(n.kind, n.title, n.text, "", [e.plan.receivable], list(n.directions.all()), [],
                                     timezone.localdate(e.finalised_at or e.created_at), evaluation=e))
    if kind in (None, "", LibraryKind.SOLVED_CASE):
        cases = SolvedCase.objects.all()
        for w in words:
            cases = cases.filter(Q(title__icontains=w) | Q(summary__icontains=w) | Q(what_worked__icontains=w) | Q(tags__icontains=w))
        if receivable_id:
            cases = cases.filter(receivables__id=receivable_id)
        if direction:
            cases = cases.filter(directions__code=direction)
        for c in cases.prefetch_related("receivables", "directions").order_by("-created_at", "-id")[: limit + 1]:
            items.append(LibraryItem(LibraryKind.SOLVED_CASE, c.title, c.summary, c.what_worked, list(c.receivables.all()),
                                     list(c.directions.all()), c.tag_list, timezone.localdate(c.created_at), solved_case=c))
    items.sort(key=lambda i: i.on, reverse=True)
    return items[:limit], len(items) > limit


# ---- training by rank and experience --------------------------------------------------------

# (from years, label): the experience bands the report groups by.
BANDS = ((0, "1年未満"), (1, "1～2年"), (3, "3～4年"), (5, "5～9年"), (10, "10年以上"))


def experience_band(years: int) -> str:
    label = BANDS[0][1]
    for start, name in BANDS:
        if years >= start:
            label = name
    return label


@dataclass
class TrainingRow:
    rank: str
    band: str
    records: int = 0
    people: set = field(default_factory=set)
    hours: Decimal = Decimal(0)

    @property
    def people_count(self) -> int:
        return len(self.people)


def training_report(fiscal_year: int | None = None, *, department_id: int | None = None) -> tuple[list[TrainingRow], TrainingRow]:
    """研修の受講状況 by rank and years of experience at the time: records, people and
    hours, for one fiscal year (by 受講日) or all, optionally of one department's staff.
    One grouped query; rows by rank, then band."""
    qs = TrainingRecord.objects.all()
    if fiscal_year is not None:
        qs = qs.filter(held_on__gte=fiscal_year_start(fiscal_year), held_on__lt=fiscal_year_start(fiscal_year + 1))
    if department_id is not None:
        qs = qs.filter(user__staff__department_id=department_id)
    order = {label: i for i, (_, label) in enumerate(BANDS)}
    rows: dict[tuple[str, str], TrainingRow] = {}
    total = TrainingRow("合計", "")
    for rank, years, user_id, n, hours in (
        qs.values_list("rank", "years_of_experience", "user_id").annotate(n=Count("id"), h=Sum("hours")).order_by()
    ):
        key = (rank or "（職階なし）", experience_band(years))
        row = rows.setdefault(key, TrainingRow(*key))
        for r in (row, total):
            r.records += n
            r.people.add(user_id)
            r.hours += hours or 0
    return sorted(rows.values(), key=lambda r: (r.rank, order[r.band])), total

