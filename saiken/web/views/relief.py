"""緩和措置 and 不納欠損: the list, the proposal form, the decision page, the write-off run
and its report. The views parse input and call `saiken.relief.actions` and
`saiken.relief.writeoff`; every rule lives there.
"""

from __future__ import annotations

from datetime import date, timedelta

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from saiken.audit.models import AuditEvent
from saiken.core import relief as law
from saiken.core.era import wareki
from saiken.core.relief import GROUNDS, KIND_LABELS, ReliefKind
from saiken.debtors.models import Debtor
from saiken.ledger.errors import LedgerError
from saiken.ledger.models import Instalment
from saiken.relief import actions, writeoff
from saiken.relief.models import ReliefDecision, Status
from saiken.staff import access, policy
from saiken.staff.policy import Act

PAGE_SIZE = 50
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _measure_choices() -> list:
    """措置と理由 in one select, grouped by kind, so a ground always matches its kind."""
    return [("", "選択してください")] + [
        (KIND_LABELS[kind], [(f"{kind.value}:{code}", f"{label}（{basis}）") for code, (label, basis) in GROUNDS[kind].items()])
        for kind in ReliefKind
    ]


def _schedule_rows(text: str) -> list[tuple[date, int]]:
    out = []
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            d, yen = line.replace(",", "").replace("円", "").split()
            out.append((date.fromisoformat(d), int(yen)))
        except ValueError as e:
            raise forms.ValidationError(f"{n}行目: 「納期限 金額」の形式で入力してください（例 2025-07-31 10000）。") from e
    return out


class ProposalForm(forms.Form):
    instalments = forms.TypedMultipleChoiceField(label="対象の調定", coerce=int, widget=forms.CheckboxSelectMultiple)
    measure = forms.ChoiceField(label="措置・理由")
    start_on = forms.DateField(label="開始日", widget=DATE)
    end_on = forms.DateField(label="終了日", required=False, widget=DATE, help_text="猶予は必須。執行停止・免除・放棄は空欄")
    immediate_extinction = forms.BooleanField(label="即時消滅（執行停止・財産なしの場合のみ）", required=False)
    reason = forms.CharField(label="措置の理由（事実関係）", widget=forms.Textarea(attrs={"rows": 4}))
    legal_basis = forms.CharField(label="根拠法令", required=False, max_length=200, help_text="空欄なら理由の条項")
    schedule = forms.CharField(
        label="分納計画（履行延期）", required=False,
        widget=forms.Textarea(attrs={"rows": 4, "placeholder": "2025-07-31 10000（1行に1回）"}),
    )
    split_count = forms.IntegerField(label="均等分割の回数", required=False, min_value=1, max_value=120, help_text="分納計画が空欄のとき")
    split_first = forms.DateField(label="均等分割の初回納期限", required=False, widget=DATE)

    def __init__(self, *args, instalments: list[Instalment], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["instalments"].choices = [(i.pk, actions.instalment_label(i)) for i in instalments]
        self.fields["measure"].choices = _measure_choices()

    def clean_schedule(self) -> list[tuple[date, int]]:
        return _schedule_rows(self.cleaned_data["schedule"])


def _on(request) -> date:
    """The date an act is done: the form's, or today."""
    try:
        return date.fromisoformat(request.POST.get("on", ""))
    except ValueError:
        return timezone.localdate()


@login_required
def decision_list(request):
    status = request.GET.get("status", "")
    kind = request.GET.get("kind", "")
    decisions = (
        ReliefDecision.objects.filter(access.receivable_filter(request.user))
        .select_related("debtor", "receivable", "proposed_by", "approved_by").order_by("-proposed_at", "-id")
    )
    if status in Status.values:
        decisions = decisions.filter(status=status)
    if kind in set(ReliefKind):
        decisions = decisions.filter(kind=kind)
    page = Paginator(decisions, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "web/relief_list.html", {
        "page": page, "status": status, "kind": kind, "statuses": Status.choices,
        "kinds": [(k.value, KIND_LABELS[k]) for k in ReliefKind],
        "can_decide": actions.can_decide(request.user) and policy.may(request.user, Act.RELIEF_DECIDE),
    })


@login_required
def propose(request):
    policy.require(request.user, Act.RELIEF_PROPOSE)
    debtor_id = request.GET.get("debtor") or request.POST.get("debtor") or ""
    debtor = get_object_or_404(Debtor, pk=int(debtor_id)) if debtor_id.isdigit() else None
    if debtor is None:
        return render(request, "web/relief_propose.html", {"debtor": None})
    if not access.may_see_debtor(request.user, debtor.pk):  # the register's scope: as an unknown number
        raise Http404("お探しの債務者は見つかりませんでした。")
    # Offered: what the user may propose relief on (the own department's debts). The form
    # accepts any of the debtor's open instalments, so that a forged choice reaches the
    # action, which refuses it and records the attempt.
    owed = list(
        Instalment.objects.filter(debtor=debtor)
        .filter(Q(principal_due__gt=0) | Q(late_charge_due__gt=0) | Q(fee_due__gt=0))
        .select_related("receivable")
        .order_by("receivable__number", "fiscal_year", "subject", "instalment_no", "id")
    )
    allowed = {r for r in {i.receivable_id for i in owed} if policy.may(request.user, Act.RELIEF_PROPOSE, r, debtor_id=debtor.pk)}
    if owed and not allowed and request.method == "GET":
        raise Http404("この債務者の緩和措置は起案できません。")
    visible = access.visible_receivable_ids(request.user, debtor.pk)
    open_instalments = [i for i in owed if i.receivable_id in allowed and i.receivable_id in visible]
    for i in open_instalments:
        i.label = actions.instalment_label(i)
    form = ProposalForm(request.POST or None, instalments=owed, initial={"start_on": timezone.localdate()})
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        c = form.cleaned_data
        kind, _, ground = c["measure"].partition(":")
        schedule = c["schedule"]
        if not schedule and c["split_count"] and c["split_first"]:
            total = sum(i.total_due for i in open_instalments if i.pk in set(c["instalments"]))
            try:
                schedule = law.split_schedule(total, c["split_first"], c["split_count"])
            except ValueError:
                form.add_error("split_count", "回数が多すぎます（1回1円以上）。")
        if form.is_valid():
            try:
                decision = actions.propose_relief(
                    debtor=debtor, kind=kind, instalments=c["instalments"], ground=ground, reason=c["reason"],
                    start_on=c["start_on"], end_on=c["end_on"], legal_basis=c["legal_basis"],
                    immediate_extinction=c["immediate_extinction"], schedule=schedule, user=request.user,
                )
            except policy.Refused:
                if not allowed:
                    raise Http404("この債務者の緩和措置は起案できません。") from None
                raise
            except actions.ReliefRefused as e:
                problems = [p.message for p in e.problems]
            except LedgerError as e:
                problems = [e.message]
            else:
                messages.success(request, f"{decision.get_kind_display()}を起案しました。決裁を受けてください。")
                return redirect("relief_decision", pk=decision.pk)
    return render(request, "web/relief_propose.html", {
        "debtor": debtor, "form": form, "problems": problems, "instalments": open_instalments,
    })


def _effects(d: ReliefDecision, lines=None, schedule=None) -> list[str]:
    """What the decision does, in words, for the decision page; `lines` (with their
    labels) and `schedule` as the page has read them."""
    out = []
    if law.late_charge_reduced(d.kind, d.ground):
        out.append("猶予期間中の延滞金は猶予特例割合（軽減された割合）で計算します（地方税法15条の9第1項、附則3条の2第2項）。")
    elif law.late_charge_exempt(d.kind, d.ground):
        period = "執行停止" if d.kind == ReliefKind.EXECUTION_STOP else "猶予"
        out.append(f"{period}期間中の延滞金は免除されます（地方税法15条の9第1項）。")
    if law.prescription_stops(d.kind):
        out.append("猶予期間中は時効が進行しません（地方税法18条の2第4項）。")
    if d.kind == ReliefKind.EXECUTION_STOP:
        out.append("執行停止中も時効は進行します。")
        if d.status == Status.APPROVED:
            start = law.effective_start(d.start_on, d.decided_on)
            extinct = law.stop_extinction_date(start, d.immediate_extinction)
            if d.immediate_extinction:
                out.append(f"納付義務は{wareki(extinct)}に直ちに消滅します（地方税法15条の7第5項）。")
            else:
                period = f"{wareki(start + timedelta(days=1))}〜{wareki(extinct - timedelta(days=1))}"
                out.append(f"取り消されずに3年間（{period}）継続したとき、{wareki(extinct)}に納付義務が消滅します（地方税法15条の7第4項）。")
    if d.kind == ReliefKind.COLLECTION_STOP:
        out.append("債権は消滅しません。時効は進行します。")
    if d.kind in law.EXTINGUISHING and d.status == Status.APPROVED:
        out.append("決裁により債権は消滅し、不納欠損の対象になります。")
    if d.kind == ReliefKind.PERFORMANCE_DEFERRAL:
        out += _deferral_effects(d, lines, schedule)
    return out


def _deferral_effects(d: ReliefDecision, lines, schedule) -> list[str]:
    """履行延期の特約 (地方自治法施行令171条の6): the new due dates per instalment, the
    renewal of prescription and the late charge, in the words of the decision page."""
    lines = list(d.lines.select_related("instalment__receivable")) if lines is None else lines
    schedule = list(d.schedule.all()) if schedule is None else schedule
    portions = law.deferral_portions(
        [(s.due_on, s.amount) for s in schedule], [(line.instalment_id, line.instalment.due_date, line.total) for line in lines]
    )
    out = []
    for line in lines:
        label = getattr(line, "label", None) or actions.instalment_label(line.instalment)
        dates = "、".join(f"{wareki(day)} {amount:,}円" for day, amount in portions.get(line.instalment_id, ()))
        out.append(f"{label}（当初の納期限 {wareki(line.instalment.due_date)}）の履行期限を延長します: {dates}（地方自治法施行令171条の6）。")
    out.append(
        "特約は債務の承認として時効を更新し、各期別の時効は延長後の履行期限の翌日から進行します（民法152条、166条1項）。"
        "一つの期別が複数回に分かれるときは、未納の最初の回の期限で時効の警告を行い、最後の回の期限から時効が完成するまでは消滅として扱いません。"
    )
    out.append(
        "特約の前に生じた延滞金・遅延損害金はそのまま徴収します（地方自治法施行令171条の6第2項）。"
        "延長後の履行期限が到来していない金額には延滞金・遅延損害金を計算せず、期限を過ぎた回の金額は延長後の期限の翌日から計算します。"
    )
    if d.status in (Status.ENDED, Status.REVOKED):
        period = law.in_force(d.kind, d.start_on, d.end_on, d.decided_on, d.ended_on, d.revoked_on)
        if period is not None and period[1] is not None:
            out.append(f"特約の終了により、{wareki(period[1])}の後に期限のある回の金額は同日に履行期限が到来したものとして扱います。")
    return out


@login_required
def decision(request, pk: int):
    d = get_object_or_404(_visible(request.user).select_related("debtor", "receivable", "proposed_by", "approved_by"), pk=pk)
    lines = list(d.lines.select_related("instalment__receivable").order_by("instalment__due_date", "instalment_id"))
    for line in lines:
        line.label = actions.instalment_label(line.instalment)
    can_decide = actions.may_decide(request.user, d)
    schedule = list(d.schedule.all())
    context = {
        "d": d,
        "lines": lines,
        "schedule": schedule,
        "effects": _effects(d, lines, schedule),
        "history": AuditEvent.objects.filter(target_type=ReliefDecision._meta.label_lower, target_id=d.pk).select_related("user").order_by("at", "id"),
        "can_decide": can_decide,
        "can_approve": can_decide and d.status == Status.PROPOSED and d.proposed_by_id != request.user.pk,
        "can_reject": can_decide and d.status == Status.PROPOSED,
        "can_revoke": can_decide and d.status == Status.APPROVED and d.kind == ReliefKind.EXECUTION_STOP,
        "can_end": can_decide and d.status == Status.APPROVED and law.has_end(d.kind),
        "today": timezone.localdate(),
    }
    return render(request, "web/relief_decision.html", context)


def _visible(user):
    """The decisions a user may see: those on the receivables `saiken.staff.access` shows them."""
    return ReliefDecision.objects.filter(access.receivable_filter(user))


def _act(request, pk: int, act, done: str):
    """Run one decision act. The action checks who may (and records a refused attempt);
    a decision the user may not even see answers 404, as its page does."""
    d = get_object_or_404(ReliefDecision, pk=pk)
    try:
        act(d)
    except policy.Refused:
        if not _visible(request.user).filter(pk=pk).exists():
            raise Http404("この緩和措置は見つかりません。") from None
        raise
    except actions.ReliefRefused as e:
        for p in e.problems:
            messages.error(request, p.message)
    except LedgerError as e:
        messages.error(request, e.message)
    else:
        messages.success(request, done)
    return redirect("relief_decision", pk=pk)


@login_required
@require_POST
def approve(request, pk: int):
    return _act(request, pk, lambda d: actions.approve_relief(d, request.user, _on(request), request.POST.get("note", "")), "決裁しました。")


@login_required
@require_POST
def reject(request, pk: int):
    return _act(request, pk, lambda d: actions.reject_relief(d, request.user, _on(request), request.POST.get("reason", "")), "却下しました。")


@login_required
@require_POST
def revoke(request, pk: int):
    return _act(
        request, pk, lambda d: actions.revoke_execution_stop(d, request.user, _on(request), request.POST.get("reason", "")),
        "執行停止を取り消しました。",
    )


@login_required
@require_POST
def end(request, pk: int):
    return _act(request, pk, lambda d: actions.end_relief(d, request.user, _on(request), request.POST.get("reason", "")), "措置を終了しました。")


def _as_of(raw: str | None) -> date:
    try:
        return date.fromisoformat(raw or "")
    except ValueError:
        return timezone.localdate()


@login_required
def writeoff_candidates(request):
    """不納欠損の対象 and the run. The run is checked in `writeoff.run` (Act.WRITE_OFF, the
    user's receivables, no future day): a refusal is the 403 page."""
    if request.method == "POST":
        as_of = _as_of(request.POST.get("as_of"))
        try:
            result = writeoff.run(as_of, user=request.user)
        except LedgerError as e:
            messages.error(request, e.message)
        else:
            t = result.total
            messages.success(request, f"{as_of:%Y年%m月%d日}付で {t.count:,}件 {t.total:,}円を不納欠損しました。")
        return redirect(f"{reverse('relief_writeoff')}?as_of={as_of.isoformat()}")
    as_of = _as_of(request.GET.get("as_of"))
    can_run = policy.may(request.user, Act.WRITE_OFF)
    # The figures are those of the receivables the user would write off (a manager: his
    # department's), or else of those the user sees.
    scope = policy.receivable_ids(request.user, Act.WRITE_OFF) if can_run else access.visible_receivable_ids(request.user)
    result, rows = writeoff.preview(as_of, receivable_ids=scope)
    return render(request, "web/relief_writeoff.html", {
        "as_of": as_of, "result": result, "rows": rows,
        "can_run": can_run and as_of <= timezone.localdate(), "future": as_of > timezone.localdate(),
    })


@login_required
def writeoff_report(request):
    years = writeoff.available_years()
    raw = request.GET.get("year", "")
    if raw == "all":
        year = None
    elif raw.isdigit() and 1989 <= int(raw) <= 2200:
        year = int(raw)
    else:  # the latest settlement year with write-offs
        year = years[0] if years else None
    return render(request, "web/relief_report.html", {"years": years, "year": year, "report": writeoff.report(year)})
