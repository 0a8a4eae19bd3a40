"""実施計画・評価・事例・研修 (issue 6): one function per state change, each in one
transaction with its audit row.

The cycle of the seed policy (個別目標の設定と目標実現するための手法):

- `create_plan`: a department drafts a receivable's 3-year plan (課題, 取組 with their
  directions and schedule, yearly targets) as version 1.
- `revise_plan`: every revision is a new version with its reason; earlier versions stay.
- `adopt_plan`: the latest version comes into force. Its targets become Target rows
  through `saiken.goals.actions.set_target` (so the dashboard and the committee's
  report show them, and each is audited there too); targets an earlier adopted version
  set and this one drops are removed. Setting targets is the committee's (or an
  administrator's) power, so adopting needs it as well as the right to change the plan.
- `record_evaluation`: after a plan year ends, the department records its evaluation
  (中間評価 after years 1 and 2, 最終評価 after year 3). The actuals are computed here
  from the ledger (`saiken.goals.indicators.actual`) and graded A/B/C (`grade`); the
  department writes the narrative, 優良事例 and 要因分析. A draft may be recorded again
  (the figures are recomputed).
- `finalise_evaluation`: fixes it, once the year's accounts are closed and every
  missed target has a factor analysis. Final evaluations' entries are shared in the
  library (saiken.goals.plan_report.search_library).
- `start_next_plan`: from a final 最終評価, a draft plan for the next 3 years with the
  actions and the missed targets copied.
- `add_solved_case`, `add_training`: the library's 困難事案の解決事例 and 研修記録.

Who may change plans: committee members (債権管理委員), administrators, and managers
(所管課長) of the department that owns the receivable.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from saiken.audit import record
from saiken.catalog.models import ReceivableType
from saiken.core.era import fiscal_year_label, wareki
from saiken.core.fiscal import accounts_close, fiscal_year_end
from saiken.goals.actions import delete_target, may_set_targets, set_target
from saiken.goals.indicators import Value, actual, attainment
from saiken.goals.models import (
    PLAN_YEARS,
    RELATIVE,
    Direction,
    Evaluation,
    EvaluationKind,
    EvaluationNote,
    EvaluationResult,
    EvaluationStatus,
    Grade,
    ImplementationPlan,
    Indicator,
    NoteKind,
    PlanAction,
    PlanStatus,
    PlanTarget,
    PlanVersion,
    SolvedCase,
    Target,
    TrainingRecord,
    Unit,
)
from saiken.staff.access import department_id, profile, role
from saiken.staff.models import Role

DEFAULT_CLOSE_MARGIN = Decimal("1.0")
PLANNERS = frozenset({Role.COMMITTEE, Role.ADMIN})
SHARERS = frozenset({Role.CLERK, Role.MANAGER, Role.COLLECTOR, Role.COMMITTEE, Role.ADMIN})


# ---- inputs ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ActionInput:
    """取組 as a form gives it. `directions` are Direction codes ("1-1")."""

    text: str
    directions: Sequence[str] = ()
    year1: str = ""
    year2: str = ""
    year3: str = ""
    section: str = ""


@dataclass(frozen=True)
class TargetInput:
    indicator: Indicator
    fiscal_year: int
    comparison: str
    value: Decimal | int | None = None
    note: str = ""


@dataclass(frozen=True)
class NoteInput:
    """優良事例 or 要因分析."""

    title: str
    text: str
    directions: Sequence[str] = ()


# ---- who may --------------------------------------------------------------------------------


def may_change_plan(user, receivable: ReceivableType) -> bool:
    r = role(user)
    if r in PLANNERS:
        return True
    dep = department_id(user)
    return r == Role.MANAGER and dep is not None and dep == receivable.department_id


def may_adopt_plan(user, receivable: ReceivableType) -> bool:
    """Adopting sets the plan's targets, which only target setters may do."""
    return may_change_plan(user, receivable) and may_set_targets(user)


def may_share_cases(user) -> bool:
    return role(user) in SHARERS


def may_record_training(user, trainee=None) -> bool:
    """Committee and administrators for anyone; a manager for their own department."""
    r = role(user)
    if r in PLANNERS:
        return True
    if r != Role.MANAGER:
        return False
    return trainee is None or (department_id(user) is not None and department_id(trainee) == department_id(user))


def _check_plan(user, receivable: ReceivableType) -> None:
    if not may_change_plan(user, receivable):
        raise PermissionError("実施計画を変更する権限がありません（債権管理委員・所管課長・管理者）。")


def _user(user):
    return user if getattr(user, "is_authenticated", False) else None


# ---- pure rules -----------------------------------------------------------------------------


def close_margin() -> Decimal:
    """B評価の幅 (the city's setting, default 1 point)."""
    return Decimal(str(getattr(settings, "SAIKEN_EVALUATION_CLOSE_MARGIN", DEFAULT_CLOSE_MARGIN)))


def grade(achieved: bool | None, gap: Decimal | int | None, unit: str, reference: Value, margin: Decimal) -> str:
    """A when achieved; B when short by at most `margin` points (％), or by at most
    `margin` percent of `reference` (yen, counts: the target value, or last year's
    actual for a comparison with last year); C otherwise; "" when not measurable."""
    if achieved is None or gap is None:
        return Grade.NONE
    if achieved:
        return Grade.A
    shortfall = -Decimal(gap)
    if unit == Unit.PERCENT:
        close = shortfall <= margin
    else:
        close = reference is not None and reference > 0 and shortfall * 100 <= margin * Decimal(reference)
    return Grade.B if close else Grade.C


def kind_of(plan: ImplementationPlan, fiscal_year: int) -> str:
    return EvaluationKind.FINAL if fiscal_year == plan.last_year else EvaluationKind.MID_TERM


def years_label(plan: ImplementationPlan) -> str:
    return f"{fiscal_year_label(plan.first_year)}～{fiscal_year_label(plan.last_year)}"


# ---- plans ----------------------------------------------------------------------------------


def _directions(codes: Sequence[str], known: dict[str, Direction], where: str, errors: list[str]) -> list[Direction]:
    out = []
    for c in codes:
        if c not in known:
            errors.append(f"{where}: 取り組みの方向性 {c!r} はありません。")
        else:
            out.append(known[c])
    return out


def _validate(
    first_year: int, problems: str, actions: Sequence[ActionInput], targets: Sequence[TargetInput], receivable: ReceivableType
) -> None:
    """Every problem at once, before anything is written."""
    errors: list[str] = []
    known = {d.code: d for d in Direction.objects.all()}
    if not problems.strip():
        errors.append("課題を入力してください。")
    if not any(a.text.strip() for a in actions):
        errors.append("取り組みを1つ以上入力してください。")
    for n, a in enumerate(actions, start=1):
        _directions(a.directions, known, f"取り組み{n}", errors)
    years = range(first_year, first_year + PLAN_YEARS)
    seen = set()
    for n, t in enumerate(targets, start=1):
        where = f"目標{n}（{t.indicator.name}）"
        if t.fiscal_year not in years:
            errors.append(f"{where}: 年度は計画の期間（{first_year}～{first_year + PLAN_YEARS - 1}年度）から選んでください。")
        if (t.indicator.pk, t.fiscal_year) in seen:
            errors.append(f"{where}: 同じ年度・指標の目標が重複しています。")
        seen.add((t.indicator.pk, t.fiscal_year))
        try:
            _as_target(t, receivable).clean()
        except ValidationError as e:
            errors.extend(f"{where}: {m}" for m in e.messages)
    if errors:
        raise ValidationError(errors)


def _as_target(t: TargetInput, receivable: ReceivableType) -> Target:
    return Target(indicator=t.indicator, receivable=receivable, fiscal_year=t.fiscal_year, comparison=t.comparison,
                  value=Decimal(t.value) if t.value is not None else None)


def _write_version(
    plan: ImplementationPlan, number: int, problems: str, reason: str, actions: Sequence[ActionInput],
    targets: Sequence[TargetInput], user,
) -> PlanVersion:
    known = {d.code: d for d in Direction.objects.all()}
    version = PlanVersion.objects.create(plan=plan, number=number, problems=problems.strip(), reason=reason.strip(),
                                         created_by=_user(user))
    order = 0
    for a in actions:
        if not a.text.strip():
            continue
        order += 1
        row = PlanAction.objects.create(
            version=version, order=order, text=a.text.strip(), year1=a.year1.strip(), year2=a.year2.strip(),
            year3=a.year3.strip(), section=a.section.strip(),
        )
        row.directions.set([known[c] for c in a.directions])
    PlanTarget.objects.bulk_create([
        PlanTarget(version=version, indicator=t.indicator, fiscal_year=t.fiscal_year, comparison=t.comparison,
                   value=Decimal(t.value) if t.value is not None else None, note=t.note.strip())
        for t in targets
    ])
    return version


def _version_summary(version: PlanVersion) -> dict:
    return {
        "version": version.number,
        "actions": [{"text": a.text, "directions": sorted(d.code for d in a.directions.all())} for a in version.actions.all()],
        "targets": [
            {"indicator": t.indicator.code, "fiscal_year": t.fiscal_year, "comparison": t.comparison,
             "value": str(t.value) if t.value is not None else None}
            for t in version.targets.select_related("indicator")
        ],
    }


def _lock(plan: ImplementationPlan) -> ImplementationPlan:
    # Two people revising, adopting or evaluating one plan at once are served in turn:
    # version numbers and the adopted version are read under this lock.
    return ImplementationPlan.objects.select_for_update().select_related("receivable").get(pk=plan.pk)


@transaction.atomic
def create_plan(
    *, receivable: ReceivableType, first_year: int, problems: str, actions: Sequence[ActionInput],
    targets: Sequence[TargetInput] = (), user,
) -> ImplementationPlan:
    """A new draft plan (version 1). Raises ValidationError (nothing written) listing
    every problem, PermissionError when the user may not plan for the receivable."""
    _check_plan(user, receivable)
    _validate(first_year, problems, actions, targets, receivable)
    if ImplementationPlan.objects.filter(receivable=receivable, first_year=first_year).exists():
        raise ValidationError(f"{receivable.name}の{first_year}年度からの実施計画は既にあります。")
    try:
        with transaction.atomic():
            plan = ImplementationPlan.objects.create(receivable=receivable, first_year=first_year, created_by=_user(user))
    except IntegrityError as e:
        # Two people creating the same plan at once: the unique constraint lets one in.
        raise ValidationError("同じ実施計画が同時に作成されました。一覧を開き直して確認してください。") from e
    version = _write_version(plan, 1, problems, "", actions, targets, user)
    record(user=user, action="goals.create_plan", target=plan, summary=f"実施計画を作成: {plan}",
           detail=_version_summary(version))
    return plan


@transaction.atomic
def revise_plan(
    plan: ImplementationPlan, *, problems: str, actions: Sequence[ActionInput], targets: Sequence[TargetInput],
    reason: str, user,
) -> PlanVersion:
    """見直し: a new version; the earlier ones are kept as they were."""
    plan = _lock(plan)
    _check_plan(user, plan.receivable)
    if plan.status == PlanStatus.SUPERSEDED:
        raise ValidationError("次期計画へ移行した計画は見直せません。")
    if not reason.strip():
        raise ValidationError("見直しの理由を入力してください。")
    _validate(plan.first_year, problems, actions, targets, plan.receivable)
    number = (plan.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    version = _write_version(plan, number, problems, reason, actions, targets, user)
    record(user=user, action="goals.revise_plan", target=plan, summary=f"実施計画を見直し（第{number}版）: {plan}",
           detail={**_version_summary(version), "reason": version.reason})
    return version


@transaction.atomic
def adopt_plan(plan: ImplementationPlan, *, user) -> PlanVersion:
    """決定: the latest version comes into force and its targets are set."""
    plan = _lock(plan)
    if not may_adopt_plan(user, plan.receivable):
        raise PermissionError("実施計画の決定（目標の設定）は債権管理委員・管理者が行います。")
    if plan.status == PlanStatus.SUPERSEDED:
        raise ValidationError("次期計画へ移行した計画は決定できません。")
    version = plan.versions.order_by("-number").first()
    if version.adopted_at is not None:
        raise ValidationError(f"第{version.number}版は決定済みです。")
    planned = list(version.targets.select_related("indicator"))
    if not planned:
        raise ValidationError("目標のない計画は決定できません。年度ごとの目標を設定して見直してください。")
    before = plan.current_version
    for pt in planned:
        pt.target = set_target(
            indicator=pt.indicator, receivable=plan.receivable, fiscal_year=pt.fiscal_year, comparison=pt.comparison,
            value=pt.value, note=f"{plan} 第{version.number}版" + (f"　{pt.note}" if pt.note else ""), user=user,
        )
        pt.save(update_fields=["target"])
    dropped = []
    if before is not None:
        keep = {(pt.indicator_id, pt.fiscal_year) for pt in planned}
        for old in before.targets.select_related("target__indicator", "target__receivable"):
            if old.target is not None and (old.indicator_id, old.fiscal_year) not in keep:
                dropped.append(str(old.target))
                delete_target(old.target, user=user)
    now = timezone.now()
    version.adopted_at, version.adopted_by = now, _user(user)
    version.save(update_fields=["adopted_at", "adopted_by"])
    superseded = list(
        ImplementationPlan.objects.filter(receivable=plan.receivable, status=PlanStatus.ADOPTED, first_year__lt=plan.first_year)
        .exclude(pk=plan.pk).values_list("pk", flat=True)
    )
    ImplementationPlan.objects.filter(pk__in=superseded).update(status=PlanStatus.SUPERSEDED)
    plan.status = PlanStatus.ADOPTED
    plan.adopted_at = plan.adopted_at or now
    plan.save(update_fields=["status", "adopted_at"])
    record(
        user=user, action="goals.adopt_plan", target=plan, summary=f"実施計画を決定（第{version.number}版）: {plan}",
        detail={"version": version.number, "targets": [str(pt.target) for pt in planned], "removed_targets": dropped,
                "superseded_plans": superseded},
    )
    return version


# ---- evaluations ----------------------------------------------------------------------------


def snapshot(version: PlanVersion, fiscal_year: int, *, as_of: date, margin: Decimal) -> list[EvaluationResult]:
    """The version's targets for the year with their actuals computed from the ledger
    now, attainment and grade: unsaved rows (the evaluation form shows them first)."""
    receivable_id = version.plan.receivable_id
    out = []
    for pt in version.targets.filter(fiscal_year=fiscal_year).select_related("indicator", "version__plan__receivable"):
        code = pt.indicator.code
        now = actual(code, fiscal_year=fiscal_year, receivable_id=receivable_id, as_of=as_of)
        before = actual(code, fiscal_year=fiscal_year - 1, receivable_id=receivable_id, as_of=as_of)
        achieved, gap = attainment(pt.as_target(), now, before)
        reference = before if pt.comparison in RELATIVE else pt.value
        out.append(EvaluationResult(
            plan_target=pt, indicator=pt.indicator, fiscal_year=fiscal_year, comparison=pt.comparison, value=pt.value,
            actual=now, previous=before, achieved=achieved, gap=gap,
            grade=grade(achieved, gap, pt.indicator.unit, reference, margin),
        ))
    return out


def _notes(evaluation: Evaluation, kind: str, entries: Sequence[NoteInput], known: dict[str, Direction]) -> None:
    order = 0
    for e in entries:
        if not (e.title.strip() or e.text.strip()):
            continue
        order += 1
        note = EvaluationNote.objects.create(evaluation=evaluation, kind=kind, order=order,
                                             title=e.title.strip() or e.text.strip()[:40], text=e.text.strip())
        note.directions.set([known[c] for c in e.directions])


@transaction.atomic
def record_evaluation(
    plan: ImplementationPlan, *, fiscal_year: int, narrative: str, good_cases: Sequence[NoteInput] = (),
    factor_analyses: Sequence[NoteInput] = (), user, today: date | None = None,
) -> Evaluation:
    """評価の記録 (draft): the snapshot computed now, the department's texts as given.
    Recording a year's draft again replaces its figures and texts."""
    today = today or timezone.localdate()
    plan = _lock(plan)
    _check_plan(user, plan.receivable)
    version = plan.current_version
    if version is None:
        raise ValidationError("決定前の計画は評価できません。")
    if fiscal_year not in plan.years:
        raise ValidationError(f"評価年度は計画の期間（{years_label(plan)}）から選んでください。")
    if today <= fiscal_year_end(fiscal_year):
        raise ValidationError(f"{fiscal_year_label(fiscal_year)}の評価は年度の終了後（{wareki(fiscal_year_end(fiscal_year))}の翌日以降）に記録できます。")
    errors: list[str] = []
    known = {d.code: d for d in Direction.objects.all()}
    for label, entries in (("優良事例", good_cases), ("要因分析", factor_analyses)):
        for n, e in enumerate(entries, start=1):
            if e.title.strip() and not e.text.strip():
                errors.append(f"{label}{n}: 内容を入力してください。")
            _directions(e.directions, known, f"{label}{n}", errors)
    if errors:
        raise ValidationError(errors)
    margin = close_margin()
    results = snapshot(version, fiscal_year, as_of=today, margin=margin)
    evaluation = Evaluation.objects.filter(plan=plan, fiscal_year=fiscal_year).first()
    again = evaluation is not None
    if again:
        if evaluation.status == EvaluationStatus.FINAL:
            raise ValidationError("確定した評価は変更できません。")
        evaluation.results.all().delete()
        evaluation.notes.all().delete()
    else:
        evaluation = Evaluation(plan=plan, fiscal_year=fiscal_year, created_by=_user(user))
    evaluation.version = version
    evaluation.kind = kind_of(plan, fiscal_year)
    evaluation.narrative = narrative.strip()
    evaluation.as_of = today
    evaluation.close_margin = margin
    evaluation.save()
    for r in results:
        r.evaluation = evaluation
    EvaluationResult.objects.bulk_create(results)
    _notes(evaluation, NoteKind.GOOD_CASE, good_cases, known)
    _notes(evaluation, NoteKind.FACTOR_ANALYSIS, factor_analyses, known)
    record(
        user=user, action="goals.record_evaluation", target=evaluation,
        summary=f"{evaluation.get_kind_display()}を{'更新' if again else '記録'}: {evaluation}",
        detail={
            "as_of": today.isoformat(), "version": version.number, "close_margin": str(margin),
            "results": [
                {"indicator": r.indicator.code, "fiscal_year": r.fiscal_year,
                 "actual": str(r.actual) if r.actual is not None else None, "grade": r.grade}
                for r in results
            ],
        },
    )
    return evaluation


@transaction.atomic
def finalise_evaluation(evaluation: Evaluation, *, user) -> Evaluation:
    """確定: once the year's accounts were closed when the figures were computed, with the
    narrative written and a factor analysis for any target not achieved."""
    _lock(evaluation.plan)
    evaluation = Evaluation.objects.select_related("plan__receivable").get(pk=evaluation.pk)
    _check_plan(user, evaluation.plan.receivable)
    if evaluation.status == EvaluationStatus.FINAL:
        raise ValidationError("この評価は確定済みです。")
    errors = []
    close = accounts_close(evaluation.fiscal_year)
    if evaluation.as_of <= close:
        errors.append(f"実績は出納閉鎖（{wareki(close)}）前の値です。出納閉鎖後に評価を記録し直してから確定してください。")
    if not evaluation.narrative:
        errors.append("所管課の評価を入力してください。")
    missed = evaluation.results.filter(grade__in=[Grade.B, Grade.C]).exists()
    if missed and not evaluation.notes.filter(kind=NoteKind.FACTOR_ANALYSIS).exists():
        errors.append("未達成の目標があります。要因分析を記録してください。")
    if errors:
        raise ValidationError(errors)
    evaluation.status = EvaluationStatus.FINAL
    evaluation.finalised_by, evaluation.finalised_at = _user(user), timezone.now()
    evaluation.save(update_fields=["status", "finalised_by", "finalised_at", "updated_at"])
    record(user=user, action="goals.finalise_evaluation", target=evaluation, summary=f"評価を確定: {evaluation}",
           detail={"grades": {g: evaluation.results.filter(grade=g).count() for g in ("A", "B", "C")}})
    return evaluation


@transaction.atomic
def start_next_plan(evaluation: Evaluation, *, user) -> ImplementationPlan:
    """次期計画: from a final 最終評価, a draft for the next 3 years with the evaluated
    version's actions and, for each of the new years, every target not achieved (the
    latest year's value of each indicator), for the department to revise."""
    old = _lock(evaluation.plan)
    evaluation = Evaluation.objects.select_related("version").get(pk=evaluation.pk)
    _check_plan(user, old.receivable)
    if evaluation.kind != EvaluationKind.FINAL or evaluation.status != EvaluationStatus.FINAL:
        raise ValidationError("次期計画は確定した最終評価から作成します。")
    first_year = old.first_year + PLAN_YEARS
    if ImplementationPlan.objects.filter(previous_plan=old).exists() or ImplementationPlan.objects.filter(
        receivable=old.receivable, first_year=first_year
    ).exists():
        raise ValidationError(f"{old.receivable.name}の{first_year}年度からの実施計画は既にあります。")
    actions = [
        ActionInput(a.text, [d.code for d in a.directions.all()], a.year1, a.year2, a.year3, a.section)
        for a in evaluation.version.actions.all()
    ]
    missed: dict[int, EvaluationResult] = {}
    for r in EvaluationResult.objects.filter(evaluation__plan=old, achieved=False).select_related("indicator", "evaluation").order_by(
        "fiscal_year", "id"
    ):
        missed[r.indicator_id] = r  # the latest year's wins
    targets = [
        TargetInput(r.indicator, y, r.comparison, r.value,
                    note=f"前期計画の未達成目標（{fiscal_year_label(r.fiscal_year)} {r.grade}評価）を引継ぎ")
        for r in missed.values()
        for y in range(first_year, first_year + PLAN_YEARS)
    ]
    factors = evaluation.notes.filter(kind=NoteKind.FACTOR_ANALYSIS)
    problems = f"前期計画（{years_label(old)}）の最終評価から引き継いだ課題:\n" + (
        "\n".join(f"・{n.title}: {n.text}" for n in factors) if factors else "・（要因分析の記録なし）"
    )
    plan = ImplementationPlan.objects.create(
        receivable=old.receivable, first_year=first_year, previous_plan=old, source_evaluation=evaluation, created_by=_user(user)
    )
    version = _write_version(plan, 1, problems, "", actions, targets, user)
    record(user=user, action="goals.start_next_plan", target=plan, summary=f"次期計画を作成: {plan}（{evaluation}から）",
           detail={"from_plan": old.pk, "from_evaluation": evaluation.pk, **_version_summary(version)})
    return plan


# ---- the library and training ---------------------------------------------------------------


@transaction.atomic
def add_solved_case(
    *, title: str, summary: str, what_worked: str, receivables: Sequence[ReceivableType], directions: Sequence[str] = (),
    tags: str = "", user,
) -> SolvedCase:
    """困難事案の解決事例の登録. Written without names: there is no debtor to link."""
    if not may_share_cases(user):
        raise PermissionError("解決事例を登録する権限がありません。")
    errors: list[str] = []
    if not title.strip():
        errors.append("表題を入力してください。")
    if not summary.strip():
        errors.append("事案の概要を入力してください。")
    if not what_worked.strip():
        errors.append("解決につながった取り組みを入力してください。")
    if not receivables:
        errors.append("債権を1つ以上選んでください。")
    known = {d.code: d for d in Direction.objects.all()}
    chosen = _directions(directions, known, "取り組みの方向性", errors)
    if errors:
        raise ValidationError(errors)
    case = SolvedCase.objects.create(title=title.strip(), summary=summary.strip(), what_worked=what_worked.strip(),
                                     tags=tags.strip(), created_by=_user(user))
    case.receivables.set(receivables)
    case.directions.set(chosen)
    record(user=user, action="goals.add_solved_case", target=case, summary=f"解決事例を登録: {case.title}",
           detail={"receivables": [r.code for r in receivables], "directions": [d.code for d in chosen]})
    return case


def years_between(start: date, on: date) -> int:
    """Full years from `start` to `on` (満年数)."""
    return max(0, on.year - start.year - ((on.month, on.day) < (start.month, start.day)))


@transaction.atomic
def add_training(
    *, trainee, course: str, held_on: date, hours: Decimal, rank: str | None = None, years_of_experience: int | None = None,
    user,
) -> TrainingRecord:
    """研修記録. Rank and experience are kept as they were on the day (default: the
    staff record's rank, and full years since joined_collection_work)."""
    if not may_record_training(user, trainee):
        raise PermissionError("研修記録を登録する権限がありません（債権管理委員・所管課長・管理者）。")
    staff = profile(trainee)
    errors: list[str] = []
    if not course.strip():
        errors.append("研修名を入力してください。")
    if hours is None or Decimal(hours) <= 0:
        errors.append("時間は0より大きい値を入力してください。")
    if rank is None:
        rank = staff.rank if staff else ""
    if years_of_experience is None:
        if staff is None or staff.joined_collection_work is None:
            errors.append("経験年数を入力してください（職員情報に債権管理業務の開始日がありません）。")
        else:
            years_of_experience = years_between(staff.joined_collection_work, held_on)
    if errors:
        raise ValidationError(errors)
    row = TrainingRecord.objects.create(
        user=trainee, course=course.strip(), held_on=held_on, hours=Decimal(hours), rank=rank.strip(),
        years_of_experience=years_of_experience, recorded_by=_user(user),
    )
    record(user=user, action="goals.add_training", target=row, summary=f"研修記録を登録: {row}",
           detail={"user": trainee.pk, "course": row.course, "held_on": held_on.isoformat(), "hours": str(row.hours),
                   "rank": row.rank, "years_of_experience": years_of_experience})
    return row
