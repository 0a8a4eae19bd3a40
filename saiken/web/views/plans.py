"""実施計画・評価・事例ライブラリ・研修記録: the screens of the plan cycle.

The views parse input and call one action of `saiken.goals.plans` each; what they
show comes from `saiken.goals.plan_report` (targets against their actuals, the
library, the training report). Plans are figures, not debtors' facts: every member
of staff may read them and the library (sharing is the point, 水平展開); changing them
is for committee members, administrators and the owning department's managers.
"""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from saiken.catalog.models import ReceivableType
from saiken.core.era import fiscal_year_label
from saiken.core.fiscal import fiscal_year_end, fiscal_year_of, fiscal_year_start
from saiken.goals import plan_report, plans
from saiken.goals.models import (
    Comparison,
    Direction,
    Evaluation,
    EvaluationKind,
    EvaluationStatus,
    ImplementationPlan,
    Indicator,
    NoteKind,
    PlanStatus,
    PlanVersion,
    SolvedCase,
    TrainingRecord,
)
from saiken.staff import access
from saiken.staff.models import Role

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _direction_choices():
    return [(d.code, str(d)) for d in Direction.objects.all()]


def _direction_marks():
    """「1-①」 only, for the narrow column of the actions table (the page explains them)."""
    return [(d.code, d.short) for d in Direction.objects.all()]


def _errors(form: forms.Form | None, e: ValidationError) -> list[str]:
    """The messages of an action's ValidationError, added to the form if there is one."""
    problems = e.messages
    if form is not None:
        for p in problems:
            form.add_error(None, p)
    return problems


def _deny(e: PermissionError):
    raise PermissionDenied(str(e)) from e


# ---- forms ----------------------------------------------------------------------------------


class NewPlanForm(forms.Form):
    receivable = forms.ModelChoiceField(label="債権", queryset=ReceivableType.objects.none(), empty_label="選択してください")
    first_year = forms.IntegerField(label="計画の初年度（西暦）", min_value=1989, max_value=2200, help_text="3か年の1年目")
    problems = forms.CharField(label="課題", widget=forms.Textarea(attrs={"rows": 4}),
                               help_text="督促の遅れ、調査不足、催告後の停滞など、この債権の課題")

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        ids = [r.pk for r in ReceivableType.objects.select_related("department") if plans.may_change_plan(user, r)]
        self.fields["receivable"].queryset = ReceivableType.objects.filter(pk__in=ids).order_by("number")


class ReviseForm(forms.Form):
    problems = forms.CharField(label="課題", widget=forms.Textarea(attrs={"rows": 4}))
    reason = forms.CharField(label="見直しの理由", widget=forms.Textarea(attrs={"rows": 2}),
                             help_text="年度末の評価による見直し、取り組みの変更など")


class RowForm(forms.Form):
    """One row of a formset. A row counts when its key fields have content, whatever
    its selects say (they always submit a value): blank rows, and rows a user cleared
    to remove an action or a target when revising, are left out (`_filled`)."""

    key_fields: tuple[str, ...] = ()

    def has_changed(self) -> bool:
        if not self.is_bound:
            return False
        return any((self.data.get(self.add_prefix(n)) or "").strip() for n in self.key_fields)


class RowFormSet(forms.BaseFormSet):
    def _construct_form(self, i, **kwargs):
        # Every row may be blank, also the ones prefilled from the version being revised.
        return super()._construct_form(i, empty_permitted=True, **kwargs)


class ActionForm(RowForm):
    key_fields = ("text",)

    text = forms.CharField(label="取り組み", widget=forms.Textarea(attrs={"rows": 2}))
    directions = forms.MultipleChoiceField(label="取り組みの方向性", choices=_direction_marks, required=False,
                                           widget=forms.CheckboxSelectMultiple)
    year1 = forms.CharField(label="1年次", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    year2 = forms.CharField(label="2年次", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    year3 = forms.CharField(label="3年次", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    section = forms.CharField(label="担当", required=False, max_length=100)

    def as_input(self) -> plans.ActionInput:
        c = self.cleaned_data
        return plans.ActionInput(c["text"], c["directions"], c["year1"], c["year2"], c["year3"], c["section"])


class TargetForm(RowForm):
    key_fields = ("indicator", "value", "note")

    indicator = forms.ModelChoiceField(label="指標", queryset=Indicator.objects.filter(active=True), empty_label="選択してください")
    year = forms.TypedChoiceField(label="年次", coerce=int, choices=[(1, "1年次"), (2, "2年次"), (3, "3年次")], initial=1)
    comparison = forms.ChoiceField(label="達成条件", choices=Comparison.choices, initial=Comparison.AT_LEAST)
    value = forms.DecimalField(label="目標値", required=False, max_digits=16, decimal_places=1)
    note = forms.CharField(label="備考", required=False, max_length=200)

    def __init__(self, *args, years: list[int] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if years:
            self.fields["year"].choices = [(i, f"{i}年次（{fiscal_year_label(y)}）") for i, y in enumerate(years, start=1)]

    def as_input(self, first_year: int) -> plans.TargetInput:
        c = self.cleaned_data
        return plans.TargetInput(c["indicator"], first_year + c["year"] - 1, c["comparison"], c["value"], c["note"])


class NoteForm(RowForm):
    key_fields = ("title", "text")

    title = forms.CharField(label="表題", max_length=200)
    text = forms.CharField(label="内容", widget=forms.Textarea(attrs={"rows": 3}))
    directions = forms.MultipleChoiceField(label="取り組みの方向性", choices=_direction_choices, required=False,
                                           widget=forms.CheckboxSelectMultiple)

    def as_input(self) -> plans.NoteInput:
        c = self.cleaned_data
        return plans.NoteInput(c["title"], c["text"], c["directions"])


ActionFormSet = forms.formset_factory(ActionForm, formset=RowFormSet, extra=2)
TargetFormSet = forms.formset_factory(TargetForm, formset=RowFormSet, extra=3)
NoteFormSet = forms.formset_factory(NoteForm, formset=RowFormSet, extra=2)


class EvaluationForm(forms.Form):
    narrative = forms.CharField(label="所管課の評価", widget=forms.Textarea(attrs={"rows": 5}), required=False,
                                help_text="取り組みの実施状況と目標の達成状況の評価。確定には必須です。")


def _filled(formset) -> list:
    """The rows of a valid formset that were filled in."""
    return [f for f in formset.forms if f.has_changed()]


# ---- plans ----------------------------------------------------------------------------------


def _plan(pk: int) -> ImplementationPlan:
    return get_object_or_404(ImplementationPlan.objects.select_related("receivable__department"), pk=pk)


def _may_plan_anything(user) -> bool:
    r = access.role(user)
    return r in plans.PLANNERS or (r == Role.MANAGER and access.department_id(user) is not None)


@login_required
def plan_list(request):
    qs = ImplementationPlan.objects.select_related("receivable").order_by("-first_year", "receivable__number")
    receivable = request.GET.get("receivable", "")
    status = request.GET.get("status", "")
    if receivable.isdigit():
        qs = qs.filter(receivable_id=int(receivable))
    if status in PlanStatus.values:
        qs = qs.filter(status=status)
    rows = list(qs[:500])
    year = fiscal_year_of(timezone.localdate())
    progress = {p.plan.pk: p for p in plan_report.committee_section(year)}
    return render(request, "web/plans_list.html", {
        "rows": [(p, progress.get(p.pk)) for p in rows],
        "receivables": ReceivableType.objects.order_by("number"),
        "receivable": receivable,
        "status": status,
        "statuses": PlanStatus.choices,
        "year": year,
        "may_plan": _may_plan_anything(request.user),
    })


def _version_context(plan: ImplementationPlan, version: PlanVersion | None) -> dict:
    if version is None:
        return {"version": None, "actions": [], "planned": []}
    actions = list(version.actions.prefetch_related("directions"))
    return {"version": version, "actions": actions, "planned": list(version.targets.select_related("indicator"))}


@login_required
def plan_detail(request, pk: int):
    plan = _plan(pk)
    today = timezone.localdate()
    versions = list(plan.versions.select_related("created_by", "adopted_by").order_by("-number"))
    current = next((v for v in versions if v.adopted_at is not None), None)
    latest = versions[0] if versions else None
    shown = current or latest
    evaluations = {e.fiscal_year: e for e in plan.evaluations.prefetch_related("results")}
    years = []
    for y in plan.years:
        e = evaluations.get(y)
        years.append({
            "year": y, "index": plan.year_index(y), "evaluation": e,
            "grades": {g: sum(1 for r in e.results.all() if r.grade == g) for g in ("A", "B", "C")} if e else None,
            "may_evaluate": current is not None and today > fiscal_year_end(y) and (e is None or e.status == EvaluationStatus.DRAFT),
        })
    final = next((e for e in evaluations.values() if e.kind == "final" and e.status == EvaluationStatus.FINAL), None)
    shown_context = _version_context(plan, shown)
    direction_codes = sorted({d.code for a in shown_context["actions"] for d in a.directions.all()})
    return render(request, "web/plans_plan.html", {
        "plan": plan,
        "versions": versions,
        "current": current,
        "latest": latest,
        "pending": latest is not None and latest.adopted_at is None,
        **shown_context,
        "progress": plan_report.target_progress(shown, today) if shown else [],
        "years": years,
        "final": final,
        "next_plan": ImplementationPlan.objects.filter(previous_plan=plan).first(),
        "may_change": plans.may_change_plan(request.user, plan.receivable),
        "may_adopt": plans.may_adopt_plan(request.user, plan.receivable),
        "directions": Direction.objects.filter(code__in=direction_codes),
        "today": today,
    })


@login_required
def plan_version(request, pk: int, number: int):
    plan = _plan(pk)
    version = get_object_or_404(PlanVersion.objects.select_related("created_by", "adopted_by"), plan=plan, number=number)
    return render(request, "web/plans_version.html", {
        "plan": plan, **_version_context(plan, version),
        "numbers": list(plan.versions.order_by("number").values_list("number", flat=True)),
    })


def _plan_form_context(request, plan, header, action_set, target_set, years):
    return {
        "plan": plan, "header": header, "action_set": action_set, "target_set": target_set, "years": years,
        "indicators": Indicator.objects.filter(active=True), "directions": Direction.objects.all(),
    }


@login_required
def plan_new(request):
    if not _may_plan_anything(request.user):
        raise PermissionDenied("実施計画を作成する権限がありません（債権管理委員・所管課長・管理者）。")
    if request.method == "POST":
        header = NewPlanForm(request.POST, user=request.user)
        action_set = ActionFormSet(request.POST, prefix="actions")
        target_set = TargetFormSet(request.POST, prefix="targets")
        if header.is_valid() and action_set.is_valid() and target_set.is_valid():
            c = header.cleaned_data
            try:
                plan = plans.create_plan(
                    receivable=c["receivable"], first_year=c["first_year"], problems=c["problems"],
                    actions=[f.as_input() for f in _filled(action_set)],
                    targets=[f.as_input(c["first_year"]) for f in _filled(target_set)], user=request.user,
                )
            except PermissionError as e:
                _deny(e)
            except ValidationError as e:
                _errors(header, e)
            else:
                messages.info(request, "実施計画（第1版）を作成しました。内容を確認して決定してください。")
                return redirect("plan", plan.pk)
    else:
        initial = {"first_year": fiscal_year_of(timezone.localdate()) + 1}
        if request.GET.get("receivable", "").isdigit():
            initial["receivable"] = int(request.GET["receivable"])
        header = NewPlanForm(initial=initial, user=request.user)
        action_set = ActionFormSet(prefix="actions")
        target_set = TargetFormSet(prefix="targets")
    return render(request, "web/plans_form.html", _plan_form_context(request, None, header, action_set, target_set, None))


@login_required
def plan_revise(request, pk: int):
    plan = _plan(pk)
    if not plans.may_change_plan(request.user, plan.receivable):
        raise PermissionDenied("実施計画を変更する権限がありません（債権管理委員・所管課長・管理者）。")
    latest = plan.latest_version
    kwargs = {"form_kwargs": {"years": plan.years}}
    if request.method == "POST":
        header = ReviseForm(request.POST)
        action_set = ActionFormSet(request.POST, prefix="actions")
        target_set = TargetFormSet(request.POST, prefix="targets", **kwargs)
        if header.is_valid() and action_set.is_valid() and target_set.is_valid():
            c = header.cleaned_data
            try:
                version = plans.revise_plan(
                    plan, problems=c["problems"], reason=c["reason"],
                    actions=[f.as_input() for f in _filled(action_set)],
                    targets=[f.as_input(plan.first_year) for f in _filled(target_set)], user=request.user,
                )
            except PermissionError as e:
                _deny(e)
            except ValidationError as e:
                _errors(header, e)
            else:
                messages.info(request, f"第{version.number}版を作成しました。決定されるまで、これまでの決定版が適用されます。")
                return redirect("plan", plan.pk)
    else:
        header = ReviseForm(initial={"problems": latest.problems})
        action_set = ActionFormSet(prefix="actions", initial=[
            {"text": a.text, "directions": [d.code for d in a.directions.all()], "year1": a.year1, "year2": a.year2,
             "year3": a.year3, "section": a.section}
            for a in latest.actions.prefetch_related("directions")
        ])
        target_set = TargetFormSet(prefix="targets", initial=[
            {"indicator": t.indicator_id, "year": plan.year_index(t.fiscal_year), "comparison": t.comparison, "value": t.value,
             "note": t.note}
            for t in latest.targets.all()
        ], **kwargs)
    return render(request, "web/plans_form.html", _plan_form_context(request, plan, header, action_set, target_set, plan.years))


@login_required
@require_POST
def plan_adopt(request, pk: int):
    plan = _plan(pk)
    try:
        version = plans.adopt_plan(plan, user=request.user)
    except PermissionError as e:
        _deny(e)
    except ValidationError as e:
        for m in e.messages:
            messages.error(request, m)
    else:
        messages.info(request, f"第{version.number}版を決定し、目標を設定しました。")
    return redirect("plan", plan.pk)


# ---- evaluations ----------------------------------------------------------------------------


def _default_year(plan: ImplementationPlan, today) -> int | None:
    """The latest plan year that has ended and is not finally evaluated."""
    done = set(plan.evaluations.filter(status=EvaluationStatus.FINAL).values_list("fiscal_year", flat=True))
    ended = [y for y in plan.years if today > fiscal_year_end(y) and y not in done]
    return ended[0] if ended else None


@login_required
def evaluation_new(request, pk: int):
    plan = _plan(pk)
    if not plans.may_change_plan(request.user, plan.receivable):
        raise PermissionDenied("評価を記録する権限がありません（債権管理委員・所管課長・管理者）。")
    today = timezone.localdate()
    raw = request.POST.get("year") or request.GET.get("year") or ""
    year = int(raw) if raw.isdigit() else _default_year(plan, today)
    version = plan.current_version
    if version is None or year is None or year not in plan.years:
        messages.error(request, "評価できる年度がありません（計画の決定後、年度の終了後に記録できます）。")
        return redirect("plan", plan.pk)
    existing = plan.evaluations.filter(fiscal_year=year).first()
    if existing is not None and existing.status == EvaluationStatus.FINAL:
        messages.info(request, "この年度の評価は確定済みです。")
        return redirect("evaluation", existing.pk)
    if request.method == "POST":
        form = EvaluationForm(request.POST)
        good = NoteFormSet(request.POST, prefix="good")
        factors = NoteFormSet(request.POST, prefix="factors")
        if form.is_valid() and good.is_valid() and factors.is_valid():
            try:
                evaluation = plans.record_evaluation(
                    plan, fiscal_year=year, narrative=form.cleaned_data["narrative"],
                    good_cases=[f.as_input() for f in _filled(good)],
                    factor_analyses=[f.as_input() for f in _filled(factors)], user=request.user,
                )
            except PermissionError as e:
                _deny(e)
            except ValidationError as e:
                _errors(form, e)
            else:
                messages.info(request, f"{evaluation.get_kind_display()}を記録しました（作成中）。内容を確認して確定してください。")
                return redirect("evaluation", evaluation.pk)
    else:
        def notes(kind):
            if existing is None:
                return []
            return [{"title": n.title, "text": n.text, "directions": [d.code for d in n.directions.all()]}
                    for n in existing.notes.filter(kind=kind).prefetch_related("directions")]

        form = EvaluationForm(initial={"narrative": existing.narrative if existing else ""})
        good = NoteFormSet(prefix="good", initial=notes(NoteKind.GOOD_CASE))
        factors = NoteFormSet(prefix="factors", initial=notes(NoteKind.FACTOR_ANALYSIS))
    preview = plans.snapshot(version, year, as_of=today, margin=plans.close_margin())
    return render(request, "web/plans_evaluation_form.html", {
        "plan": plan, "year": year, "kind_label": EvaluationKind(plans.kind_of(plan, year)).label, "index": plan.year_index(year),
        "version": version, "preview": preview, "form": form, "good": good, "factors": factors, "existing": existing,
        "today": today, "margin": plans.close_margin(),
    })


@login_required
def evaluation_detail(request, pk: int):
    evaluation = get_object_or_404(
        Evaluation.objects.select_related("plan__receivable__department", "version", "created_by", "finalised_by"), pk=pk
    )
    plan = evaluation.plan
    notes = list(evaluation.notes.prefetch_related("directions"))
    results = list(evaluation.results.select_related("indicator"))
    return render(request, "web/plans_evaluation.html", {
        "evaluation": evaluation, "plan": plan, "results": results,
        "good": [n for n in notes if n.kind == NoteKind.GOOD_CASE],
        "factors": [n for n in notes if n.kind == NoteKind.FACTOR_ANALYSIS],
        "may_change": plans.may_change_plan(request.user, plan.receivable),
        "next_plan": ImplementationPlan.objects.filter(previous_plan=plan).first(),
        "missed_directions": Direction.objects.filter(
            code__in={r.indicator.policy_direction for r in results if r.grade in ("B", "C") and r.indicator.policy_direction}
        ),
    })


@login_required
@require_POST
def evaluation_finalise(request, pk: int):
    evaluation = get_object_or_404(Evaluation, pk=pk)
    try:
        plans.finalise_evaluation(evaluation, user=request.user)
    except PermissionError as e:
        _deny(e)
    except ValidationError as e:
        for m in e.messages:
            messages.error(request, m)
    else:
        messages.info(request, "評価を確定しました。優良事例・要因分析は事例ライブラリで共有されます。")
    return redirect("evaluation", evaluation.pk)


@login_required
@require_POST
def plan_next(request, pk: int):
    evaluation = get_object_or_404(Evaluation, pk=pk)
    try:
        plan = plans.start_next_plan(evaluation, user=request.user)
    except PermissionError as e:
        _deny(e)
    except ValidationError as e:
        for m in e.messages:
            messages.error(request, m)
        return redirect("evaluation", evaluation.pk)
    messages.info(request, "次期計画（作成中）を作成しました。取り組みと目標を見直して決定してください。")
    return redirect("plan", plan.pk)


# ---- the library ----------------------------------------------------------------------------


@login_required
def library(request):
    q = request.GET.get("q", "").strip()
    receivable = request.GET.get("receivable", "")
    direction = request.GET.get("direction", "")
    kind = request.GET.get("kind", "")
    if kind not in plan_report.LibraryKind.LABELS:
        kind = ""
    if direction not in {d.code for d in Direction.objects.all()}:
        direction = ""
    items, more = plan_report.search_library(
        q, receivable_id=int(receivable) if receivable.isdigit() else None, direction=direction or None, kind=kind or None,
    )
    return render(request, "web/plans_library.html", {
        "items": items, "more": more, "q": q, "receivable": receivable, "direction": direction, "kind": kind,
        "receivables": ReceivableType.objects.order_by("number"), "directions": Direction.objects.all(),
        "kinds": list(plan_report.LibraryKind.LABELS.items()), "may_share": plans.may_share_cases(request.user),
        "searched": bool(q or receivable or direction or kind),
    })


class SolvedCaseForm(forms.Form):
    title = forms.CharField(label="表題", max_length=200)
    receivables = forms.ModelMultipleChoiceField(label="債権", queryset=ReceivableType.objects.order_by("number"),
                                                 widget=forms.CheckboxSelectMultiple)
    directions = forms.MultipleChoiceField(label="取り組みの方向性", choices=_direction_choices, required=False,
                                           widget=forms.CheckboxSelectMultiple)
    summary = forms.CharField(label="事案の概要", widget=forms.Textarea(attrs={"rows": 5}),
                              help_text="氏名・住所・生年月日など個人を特定できる情報は書かないでください。")
    what_worked = forms.CharField(label="解決につながった取り組み", widget=forms.Textarea(attrs={"rows": 5}))
    tags = forms.CharField(label="キーワード", required=False, max_length=200, help_text="読点（、）またはカンマ区切り")


@login_required
def solved_case_new(request):
    if not plans.may_share_cases(request.user):
        raise PermissionDenied("解決事例を登録する権限がありません。")
    if request.method == "POST":
        form = SolvedCaseForm(request.POST)
        if form.is_valid():
            c = form.cleaned_data
            try:
                case = plans.add_solved_case(
                    title=c["title"], summary=c["summary"], what_worked=c["what_worked"], tags=c["tags"],
                    receivables=list(c["receivables"]), directions=c["directions"], user=request.user,
                )
            except PermissionError as e:
                _deny(e)
            except ValidationError as e:
                _errors(form, e)
            else:
                messages.info(request, "解決事例を登録しました。")
                return redirect("solved_case", case.pk)
    else:
        form = SolvedCaseForm(initial={"directions": ["3-3"]})
    return render(request, "web/plans_solved_case_form.html", {"form": form})


@login_required
def solved_case(request, pk: int):
    case = get_object_or_404(SolvedCase.objects.prefetch_related("receivables", "directions").select_related("created_by"), pk=pk)
    return render(request, "web/plans_solved_case.html", {"case": case})


# ---- training -------------------------------------------------------------------------------


class TrainingForm(forms.Form):
    trainee = forms.ModelChoiceField(label="受講者", queryset=get_user_model().objects.none(), empty_label="選択してください")
    course = forms.CharField(label="研修名", max_length=200, help_text="例: 滞納整理実務研修（初任者）、管理者向けマネジメント研修")
    held_on = forms.DateField(label="受講日", widget=DATE)
    hours = forms.DecimalField(label="時間", max_digits=5, decimal_places=1, min_value=Decimal("0.5"))
    rank = forms.CharField(label="受講時の職階", required=False, max_length=50, help_text="空欄は職員情報の職階")
    years_of_experience = forms.IntegerField(label="受講時の経験年数", required=False, min_value=0, max_value=60,
                                             help_text="空欄は職員情報の債権管理業務の開始日から計算")

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        users = get_user_model().objects.filter(staff__isnull=False).order_by("last_name", "first_name", "username")
        if access.role(user) not in plans.PLANNERS:
            dep = access.department_id(user)
            users = users.filter(staff__department_id=dep) if dep is not None else users.none()
        self.fields["trainee"].queryset = users
        self.fields["trainee"].label_from_instance = lambda u: (
            f"{u.last_name} {u.first_name}（{u.username}）" if (u.last_name or u.first_name) else u.username
        )


@login_required
def training(request):
    user = request.user
    may_record = plans.may_record_training(user)
    today = timezone.localdate()
    raw = request.GET.get("year", "")
    year = int(raw) if raw.isdigit() and 1989 <= int(raw) <= 2200 else fiscal_year_of(today)
    form = TrainingForm(user=user) if may_record else None
    if request.method == "POST":
        if not may_record:
            raise PermissionDenied("研修記録を登録する権限がありません（債権管理委員・所管課長・管理者）。")
        form = TrainingForm(request.POST, user=user)
        if form.is_valid():
            c = form.cleaned_data
            try:
                row = plans.add_training(
                    trainee=c["trainee"], course=c["course"], held_on=c["held_on"], hours=c["hours"],
                    rank=c["rank"] or None, years_of_experience=c["years_of_experience"], user=user,
                )
            except PermissionError as e:
                _deny(e)
            except ValidationError as e:
                _errors(form, e)
            else:
                messages.info(request, "研修記録を登録しました。")
                return redirect(f"{reverse('training')}?year={fiscal_year_of(row.held_on)}")
    # Individual records: everyone's for the committee and administrators, a department's
    # for its manager, one's own for everyone else. The table by rank is city-wide.
    records = TrainingRecord.objects.select_related("user").filter(
        held_on__gte=fiscal_year_start(year), held_on__lte=fiscal_year_end(year)
    )
    role = access.role(user)
    dep = access.department_id(user)
    if role == Role.MANAGER and dep is not None:
        records = records.filter(user__staff__department_id=dep)
    elif role not in plans.PLANNERS:
        records = records.filter(user=user)
    rows, total = plan_report.training_report(year)
    return render(request, "web/plans_training.html", {
        "year": year, "years": list(range(fiscal_year_of(today), fiscal_year_of(today) - 6, -1)),
        "rows": rows, "total": total, "records": list(records[:500]), "form": form, "bands": plan_report.BANDS,
    })
