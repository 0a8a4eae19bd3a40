"""滞納整理: the case page, the officer's work queue, the team view, transfers to the central
team and its list, and the stalled cases. The views parse input and call
`saiken.cases.actions`; what is shown is limited by `saiken.cases.visibility`.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from saiken import audit
from saiken.cases import actions, facts, selection, stalls, visibility
from saiken.cases.models import Case, ContactKind, Pledge, Promise, StallCount, Task, Transfer, WelfareReferral
from saiken.cases.pledges import judge_pledges, judge_promises
from saiken.cases.rules import PLAN_STATE_LABELS, ROW_STATE_LABELS, PlanState
from saiken.catalog.models import Department, ReceivableType
from saiken.core.priority import priority
from saiken.core.relief import split_schedule
from saiken.debtors.models import Debtor
from saiken.demands.models import DemandLine
from saiken.ledger.models import Instalment, Payment
from saiken.prescription.collectability import collectability
from saiken.prescription.models import PrescriptionStatus
from saiken.slips import actions as slip_actions
from saiken.staff import access
from saiken.staff.models import Role

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
TAX_HIDDEN = "（税情報）"
PREVIEW_LIMIT = 500
STALL_HISTORY_DAYS = 30


def _as_of(raw: str | None) -> date:
    try:
        return date.fromisoformat(raw or "")
    except ValueError:
        return timezone.localdate()


# --- forms ---------------------------------------------------------------------------


class ContactForm(forms.Form):
    kind = forms.ChoiceField(label="種類", choices=[c for c in ContactKind.choices if c[0] != ContactKind.RECORD])
    at = forms.DateTimeField(label="日時", widget=DATETIME, input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"])
    where = forms.CharField(label="場所", required=False, max_length=100)
    counterpart = forms.CharField(label="相手方", required=False, max_length=100, help_text="本人、家族、勤務先など")
    summary = forms.CharField(label="内容", widget=forms.Textarea(attrs={"rows": 3}))
    outcome = forms.CharField(label="結果・約束", required=False, max_length=300)


class PromiseForm(forms.Form):
    promised_on = forms.DateField(label="約束した日", widget=DATE)
    due_on = forms.DateField(label="納付予定日", widget=DATE)
    amount = forms.IntegerField(label="金額（円）", min_value=1)
    receivable = forms.ChoiceField(label="債権", required=False)

    def __init__(self, *args, receivables=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["receivable"].choices = [("", "指定しない（どの債権への納付も可）")] + [(r.code, r.name) for r in receivables]


class TaskForm(forms.Form):
    kind = forms.ChoiceField(label="種類", choices=Task.Kind.choices)
    due_on = forms.DateField(label="期限", widget=DATE)
    note = forms.CharField(label="内容", required=False, max_length=300)


class NextActionForm(forms.Form):
    on = forms.DateField(label="次回対応日", widget=DATE, required=False, help_text="空欄にすると解除（停滞扱い）")
    what = forms.CharField(label="内容", required=False, max_length=200)


class ReferralForm(forms.Form):
    referred_on = forms.DateField(label="連携日", widget=DATE)
    to = forms.CharField(label="連携先", max_length=100, initial="パーソナル・サポート・センター")
    note = forms.CharField(label="連携の内容", required=False, max_length=300)


def _schedule_rows(text: str) -> list[tuple[date, int]]:
    out = []
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            d, yen = line.replace(",", "").replace("円", "").split()
            out.append((date.fromisoformat(d), int(yen)))
        except ValueError as e:
            raise forms.ValidationError(f"{n}行目: 「納付期限 金額」の形式で入力してください（例 2025-07-31 10000）。") from e
    return out


class PledgeForm(forms.Form):
    instalments = forms.TypedMultipleChoiceField(label="対象の調定", coerce=int, widget=forms.CheckboxSelectMultiple)
    signed_on = forms.DateField(label="誓約日", widget=DATE)
    total = forms.IntegerField(label="分納の総額（円）", required=False, min_value=1, help_text="空欄なら選んだ調定の未納額の合計")
    count = forms.IntegerField(label="回数", required=False, min_value=1, max_value=120)
    first_due = forms.DateField(label="初回の納付期限", required=False, widget=DATE)
    schedule = forms.CharField(
        label="分納計画", required=False, widget=forms.Textarea(attrs={"rows": 8, "placeholder": "2025-07-31 10000（1行に1回）"}),
        help_text="「均等割で作成」で作った計画は、登録前に書き換えられます。",
    )
    grace_days = forms.IntegerField(label="猶予日数", required=False, min_value=0, max_value=90, help_text="空欄なら債権の設定（既定10日）")
    note = forms.CharField(label="備考", required=False, max_length=300)

    def __init__(self, *args, instalments=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["instalments"].choices = [(i.pk, str(i)) for i in instalments]

    def clean_schedule(self) -> list[tuple[date, int]]:
        return _schedule_rows(self.cleaned_data["schedule"])


# --- the case page -------------------------------------------------------------------


@dataclass
class Event:
    """One line of the case's timeline."""

    on: date
    at: datetime | None
    kind: str
    text: str
    amount: int | None = None
    hidden: bool = False  # a tax amount the user may not see
    by: str = ""
    shown_at: datetime | None = None  # the time printed (None: the day only)

    @property
    def key(self):
        return (self.on, self.at.time() if self.at else time.min)


@dataclass
class Scope:
    """What one user may see of one debtor's case."""

    debtor: Debtor
    case: Case | None
    receivable_ids: frozenset[int]
    see_tax: bool
    tax_ids: frozenset[int]

    def hides(self, receivable_id: int) -> bool:
        return receivable_id in self.tax_ids and not self.see_tax

    @property
    def amount_ids(self) -> frozenset[int]:
        """Receivables whose amounts may be totalled for this user."""
        return self.receivable_ids if self.see_tax else self.receivable_ids - self.tax_ids


def _scope(request, debtor_id: int) -> Scope:
    debtor = get_object_or_404(Debtor, pk=debtor_id)
    case = Case.objects.select_related("officer", "department").filter(debtor=debtor).first()
    ids = visibility.case_receivable_ids(request.user, case, debtor.pk)
    if not visibility.may_open(request.user, case, debtor.pk, ids):
        raise PermissionDenied("この債務者の滞納整理事案を閲覧する権限がありません。")
    tax_ids = frozenset(ReceivableType.objects.filter(is_tax=True).values_list("id", flat=True))
    return Scope(debtor, case, ids, access.may_see_tax(request.user, debtor.pk), tax_ids)


def _debts(scope: Scope, as_of: date) -> tuple[list[Instalment], int, bool]:
    rows = list(
        Instalment.objects.filter(debtor=scope.debtor, receivable_id__in=sorted(scope.receivable_ids)).filter(actions.OPEN)
        .select_related("receivable", "demand_line__demand")
        .order_by("receivable__number", "fiscal_year", "instalment_no", "id")
    )
    statuses = dict(PrescriptionStatus.objects.filter(instalment__in=rows).values_list("instalment_id", "completes_on"))
    collect = collectability([i.pk for i in rows], as_of)  # 時効完成・消滅, one batch for the page
    total, any_hidden = 0, False
    for i in rows:
        i.hidden = scope.hides(i.receivable_id)
        i.collect = collect.get(i.pk)
        i.completes_on = statuses.get(i.pk)
        i.demand = getattr(getattr(i, "demand_line", None), "demand", None)
        i.prescription_soon = i.completes_on is not None and as_of <= i.completes_on <= as_of + timedelta(days=183)
        if i.hidden:
            any_hidden = True
        else:
            total += i.total_due
    return rows, total, any_hidden


def _timeline(scope: Scope, pledges: list[Pledge], promises: list[Promise]) -> list[Event]:
    events: list[Event] = []
    case = scope.case
    if case is not None:
        contacts = list(case.contacts.select_related("by"))
        done = list(case.tasks.filter(done_on__isnull=False))
        secret = {} if scope.see_tax else visibility.tax_authors([c.by_id for c in contacts] + [t.created_by_id for t in done])
        for c in contacts:
            local = timezone.localtime(c.at)
            if c.by_id in secret or (c.is_tax and not scope.see_tax):
                # Tax information (地方税法22条): tax staff's note, or an entry about tax debts — its date and who wrote it only.
                events.append(Event(local.date(), local, "交渉経過", visibility.TAX_NOTE_HIDDEN, by=secret.get(c.by_id, "税務担当"), hidden=True))
                continue
            text = c.summary + (f"（結果: {c.outcome}）" if c.outcome else "")
            detail = "・".join(x for x in (c.counterpart, c.where) if x)
            shown = None if c.kind == ContactKind.RECORD else local  # the system's notes have a day, not a time
            events.append(Event(local.date(), local, c.get_kind_display(), f"{text}{'［' + detail + '］' if detail else ''}",
                                by=c.by.get_username() if c.by else "", shown_at=shown))
        for p in pledges:
            events.append(Event(p.signed_on, None, "分納誓約", f"{p.rows_count}回の分納を誓約", p.total, p.hidden))
        for p in promises:
            events.append(Event(p.promised_on, None, "納付約束", f"{p.due_on:%Y-%m-%d}までに納付", p.amount))
        for r in case.referrals.all():
            events.append(Event(r.referred_on, None, "生活困窮者自立支援へ連携", f"{r.to} {r.note}".strip()))
            if r.outcome_on:
                events.append(Event(r.outcome_on, None, "連携の結果", r.outcome))
        for t in done:
            note = visibility.TAX_NOTE_HIDDEN if t.created_by_id in secret else t.note
            events.append(Event(t.done_on, None, "課題の完了", f"{t.get_kind_display()} {note}".strip()))
        for t in case.transfers.select_related("by").all():
            events.append(Event(t.on, None, t.get_direction_display(), t.note, by=t.by.get_username() if t.by else ""))
    payments = Payment.objects.filter(debtor=scope.debtor, receivable_id__in=sorted(scope.receivable_ids)).select_related("receivable")
    for p in payments:
        events.append(Event(p.paid_on, None, "収納", f"{p.receivable.name}（{p.get_channel_display()}）", p.amount, scope.hides(p.receivable_id)))
    demands = DemandLine.objects.filter(instalment__debtor=scope.debtor, instalment__receivable_id__in=sorted(scope.receivable_ids))
    seen = set()
    for line in demands.select_related("demand__receivable"):
        d = line.demand
        if d.pk in seen:
            continue
        seen.add(d.pk)
        events.append(Event(d.issued_on, None, "督促状の発付", f"{d.receivable.name} 督促状 {d.number}（指定期限 {d.designated_deadline:%Y-%m-%d}）",
                            d.principal, scope.hides(d.receivable_id)))
    events.sort(key=lambda e: e.key, reverse=True)
    return events


def _pledges(scope: Scope, as_of: date) -> tuple[list[Pledge], list[Promise]]:
    if scope.case is None:
        return [], []
    pledges = list(scope.case.pledges.select_related("case").prefetch_related("instalments", "schedule"))
    verdicts = judge_pledges(pledges, as_of)
    for p in pledges:
        v = verdicts.get(p.pk)
        p.state_label = PLAN_STATE_LABELS[v.state] if v else "未到来"
        p.broken = bool(v and v.state == PlanState.BROKEN)
        p.rows = [(s, ROW_STATE_LABELS[r.state], r) for s, r in zip(p.schedule.all(), v.rows)] if v else [(s, "", None) for s in p.schedule.all()]
        p.total = sum(s.amount for s in p.schedule.all())
        p.rows_count = len(p.rows)
        p.hidden = any(scope.hides(i.receivable_id) for i in p.instalments.all())
    promises = list(scope.case.promises.select_related("case", "receivable"))
    pv = judge_promises(promises, as_of)
    for p in promises:
        v = pv.get(p.pk)
        p.state_label = {PlanState.BROKEN: "不履行", PlanState.COMPLETED: "履行"}.get(v.state, "未到来") if v else "未到来"
    return pledges, promises


@login_required
def case_page(request, debtor_id: int):
    scope = _scope(request, debtor_id)
    as_of = _as_of(request.GET.get("as_of"))
    case = scope.case
    debts, total, any_hidden = _debts(scope, as_of)
    other = Instalment.objects.filter(debtor=scope.debtor).filter(actions.OPEN).exclude(receivable_id__in=sorted(scope.receivable_ids))
    pledges, promises = _pledges(scope, as_of)
    context = {
        "debtor": scope.debtor, "case": case, "as_of": as_of, "debts": debts, "total": total, "any_hidden": any_hidden,
        "extinguished_count": sum(1 for i in debts if i.collect is not None and i.collect.extinguished),
        "tax_hidden": TAX_HIDDEN, "hidden_receivables": other.values("receivable_id").distinct().count(),
        "pledges": pledges, "promises": promises, "timeline": _timeline(scope, pledges, promises),
        "may_slip": bool(slip_actions.slip_receivables(request.user, scope.debtor.pk)),
        "contact_form": ContactForm(initial={"at": timezone.localtime().replace(second=0, microsecond=0), "kind": ContactKind.PHONE}),
        "promise_form": PromiseForm(initial={"promised_on": as_of}, receivables=_receivables(scope)),
        "task_form": TaskForm(initial={"due_on": as_of + timedelta(days=7)}),
        "next_form": NextActionForm(initial={"on": case.next_action_on if case else None, "what": case.next_action if case else ""}),
        "referral_form": ReferralForm(initial={"referred_on": as_of}),
        "may_supervise": visibility.may_supervise(request.user),
        "is_central": visibility.is_central(request.user),
        "may_control": actions.may_control(request.user, case),
    }
    if case is not None:
        score, reasons = priority(facts.case_facts([case], as_of, scope.amount_ids)[case.pk], as_of, facts.weights())
        context.update(
            score=score, reasons=reasons, stall=stalls.stalls([case], as_of).get(case.pk),
            tasks=_tasks(case, scope),
            referrals=list(case.referrals.all()), transfers=list(case.transfers.select_related("by", "department")),
            officers=_officers(case.department_id) if context["may_supervise"] else [],
        )
    audit.record(user=request.user, action="case.view", target=case or scope.debtor, debtor_id=scope.debtor.pk,
                 summary=f"{scope.debtor.name} の滞納整理事案を閲覧")
    return render(request, "web/case_page.html", context)


def _tasks(case: Case, scope: Scope) -> list[Task]:
    """The case's tasks; a task tax staff wrote shows its note only to who may see tax (地方税法22条)."""
    tasks = list(case.tasks.select_related("assigned_to").order_by("done_on", "due_on", "id"))
    secret = {} if scope.see_tax else visibility.tax_authors([t.created_by_id for t in tasks])
    for t in tasks:
        if t.created_by_id in secret:
            t.note = visibility.TAX_NOTE_HIDDEN
    return tasks


def _receivables(scope: Scope) -> list[ReceivableType]:
    owed = Instalment.objects.filter(debtor=scope.debtor, receivable_id__in=sorted(scope.receivable_ids)).values("receivable_id")
    return list(ReceivableType.objects.filter(pk__in=owed).order_by("number"))


def _officers(department_id: int | None) -> list:
    """Who may be assigned: the department's staff and the central team."""
    users = get_user_model().objects.filter(Q(staff__department_id=department_id) | Q(staff__role=Role.COLLECTOR), is_active=True)
    return list(users.order_by("username"))


# --- posting to a case ---------------------------------------------------------------


def _post(request, debtor_id: int, act, done: str, then: str = "case"):
    """Open the case if needed and run one action; errors come back as messages."""
    scope = _scope(request, debtor_id)
    try:
        case = scope.case or actions.case_for(scope.debtor, user=request.user)
        act(case, scope)
    except actions.CaseError as e:
        messages.error(request, e.message)
    except forms.ValidationError as e:
        for m in e.messages:
            messages.error(request, m)
    else:
        messages.success(request, done)
        if then != "case":
            return redirect(then)
    return redirect("case", debtor_id=debtor_id)


def _valid(form: forms.Form) -> dict:
    if not form.is_valid():
        raise forms.ValidationError([f"{form.fields[f].label if f in form.fields else ''}: {m}" for f, ms in form.errors.items() for m in ms])
    return form.cleaned_data


@login_required
@require_POST
def open_view(request, debtor_id: int):
    def act(case, scope):
        if case.status == Case.Status.CLOSED:
            actions.open_case(debtor=scope.debtor, user=request.user)
    return _post(request, debtor_id, act, "事案を開始しました。")


@login_required
@require_POST
def contact(request, debtor_id: int):
    def act(case, scope):
        c = _valid(ContactForm(request.POST))
        actions.log_contact(case, kind=c["kind"], at=c["at"], summary=c["summary"], where=c["where"], counterpart=c["counterpart"],
                            outcome=c["outcome"], user=request.user)
    return _post(request, debtor_id, act, "交渉経過を記録しました。")


@login_required
@require_POST
def promise(request, debtor_id: int):
    def act(case, scope):
        c = _valid(PromiseForm(request.POST, receivables=_receivables(scope)))
        receivable = ReceivableType.objects.filter(code=c["receivable"]).first() if c["receivable"] else None
        p = actions.record_promise(case, due_on=c["due_on"], amount=c["amount"], promised_on=c["promised_on"], receivable=receivable,
                                   user=request.user)
        _warn(request, p)
    return _post(request, debtor_id, act, "納付約束を記録しました。")


def _warn(request, done) -> None:
    """The warnings an action returned (e.g. a private claim past completion, 民法145条)."""
    for w in getattr(done, "warnings", ()):
        messages.warning(request, w)


@login_required
@require_POST
def task(request, debtor_id: int):
    def act(case, scope):
        c = _valid(TaskForm(request.POST))
        actions.add_task(case, kind=c["kind"], due_on=c["due_on"], note=c["note"], user=request.user)
    return _post(request, debtor_id, act, "課題を追加しました。")


@login_required
@require_POST
def task_done(request, debtor_id: int, pk: int):
    def act(case, scope):
        t = get_object_or_404(Task, pk=pk, case=case)
        actions.complete_task(t, on=_as_of(request.POST.get("on")), note=request.POST.get("note", ""), user=request.user)
    return _post(request, debtor_id, act, "課題を完了しました。")


@login_required
@require_POST
def next_action(request, debtor_id: int):
    def act(case, scope):
        c = _valid(NextActionForm(request.POST))
        actions.set_next_action(case, on=c["on"], what=c["what"], user=request.user)
    return _post(request, debtor_id, act, "次回対応日を設定しました。")


@login_required
@require_POST
def assign(request, debtor_id: int):
    def act(case, scope):
        raw = request.POST.get("officer", "")
        if raw == "me":
            officer = request.user
        elif raw == "":
            officer = None
        else:
            officer = get_object_or_404(get_user_model(), pk=int(raw)) if raw.isdigit() else None
        actions.assign(case, officer, user=request.user)  # who may assign whom: the action
    return _post(request, debtor_id, act, "担当者を変更しました。")


@login_required
@require_POST
def referral(request, debtor_id: int):
    def act(case, scope):
        c = _valid(ReferralForm(request.POST))
        actions.refer_to_welfare(case, referred_on=c["referred_on"], to=c["to"], note=c["note"], user=request.user)
    return _post(request, debtor_id, act, "生活困窮者自立支援への連携を記録しました。")


@login_required
@require_POST
def referral_outcome(request, debtor_id: int, pk: int):
    def act(case, scope):
        r = get_object_or_404(WelfareReferral, pk=pk, case=case)
        actions.record_referral_outcome(r, outcome=request.POST.get("outcome", ""), outcome_on=_as_of(request.POST.get("outcome_on")),
                                        user=request.user)
    return _post(request, debtor_id, act, "連携の結果を記録しました。")


@login_required
@require_POST
def return_view(request, debtor_id: int):
    def act(case, scope):
        actions.return_from_central(case, on=_as_of(request.POST.get("on")), note=request.POST.get("note", ""), user=request.user)
    # The central team may no longer open the case once it is back: go to its list.
    return _post(request, debtor_id, act, "所管課へ返還しました。", then="case_central" if visibility.is_central(request.user) else "case")


@login_required
@require_POST
def close(request, debtor_id: int):
    def act(case, scope):
        actions.close_case(case, on=_as_of(request.POST.get("on")), reason=request.POST.get("reason", ""), user=request.user)
    return _post(request, debtor_id, act, "事案を終結しました。")


@login_required
def pledge(request, debtor_id: int):
    """分納誓約: choose the instalments, generate an even schedule, edit it, sign."""
    scope = _scope(request, debtor_id)
    instalments = list(
        Instalment.objects.filter(debtor=scope.debtor, receivable_id__in=sorted(scope.receivable_ids)).filter(actions.OPEN)
        .select_related("receivable").order_by("receivable__number", "fiscal_year", "instalment_no", "id")
    )
    today = timezone.localdate()
    collect = collectability([i.pk for i in instalments], today)
    for i in instalments:
        i.hidden = scope.hides(i.receivable_id)
        i.collect = collect.get(i.pk)
    data = request.POST if request.method == "POST" else None
    form = PledgeForm(data, instalments=instalments, initial={"signed_on": today, "count": 6, "first_due": today + timedelta(days=30)})
    if data is not None and form.is_valid():
        c = form.cleaned_data
        if request.POST.get("step") == "generate":
            total = c["total"] or sum(i.total_due for i in instalments if i.pk in set(c["instalments"]))
            if not (c["count"] and c["first_due"]):
                form.add_error("count", "回数と初回の納付期限を入力してください。")
            else:
                try:
                    rows = split_schedule(total, c["first_due"], c["count"])
                except ValueError:
                    form.add_error("count", "回数が多すぎます（1回1円以上）。")
                else:
                    values = data.copy()
                    values["schedule"] = "\n".join(f"{d.isoformat()} {a}" for d, a in rows)
                    values["total"] = str(total)
                    form = PledgeForm(values, instalments=instalments)
                    form.is_valid()
        else:
            try:
                case = scope.case or actions.case_for(scope.debtor, user=request.user)
                p = actions.sign_pledge(case, instalments=c["instalments"], signed_on=c["signed_on"], schedule=c["schedule"],
                                        grace_days=c["grace_days"], note=c["note"], user=request.user)
            except actions.CaseError as e:
                form.add_error(None, e.message)
            else:
                messages.success(request, "分納誓約を登録しました（対象の調定の時効は誓約日に更新されます）。")
                _warn(request, p)
                return redirect("case", debtor_id=debtor_id)
    return render(request, "web/case_pledge.html", {
        "debtor": scope.debtor, "case": scope.case, "form": form, "instalments": instalments, "tax_hidden": TAX_HIDDEN,
        "default_grace": actions.grace_days_for({i.receivable_id for i in instalments}),
    })


# --- lists ---------------------------------------------------------------------------


def _annotate(rows: list[facts.Ranked], as_of: date) -> None:
    found = stalls.stalls([r.case for r in rows], as_of)
    open_tasks = Counter(
        Task.objects.filter(case_id__in=[r.case.pk for r in rows], done_on__isnull=True).values_list("case_id", flat=True)
    )
    for r in rows:
        r.case.stall = found.get(r.case.pk)
        r.case.open_tasks = open_tasks[r.case.pk]


@login_required
def queue(request):
    """担当事案: the officer's open cases by priority, stalled ones flagged, and their open tasks."""
    if not access.may_view_debtors(request.user):
        raise PermissionDenied("債務者の情報を閲覧する権限がありません。")
    as_of = _as_of(request.GET.get("as_of"))
    officer = request.user
    raw = request.GET.get("officer", "")
    if raw.isdigit() and int(raw) != request.user.pk:
        if not visibility.may_supervise(request.user):
            raise PermissionDenied("他の職員の担当事案を見る権限がありません。")
        officer = get_object_or_404(get_user_model(), pk=int(raw))
    cases = list(Case.objects.filter(officer=officer, status=Case.Status.OPEN).filter(visibility.cases_for(request.user)).select_related("debtor", "department"))
    rows = facts.ranked(cases, as_of, visibility.list_receivable_ids(request.user))
    _annotate(rows, as_of)
    tasks = list(Task.objects.filter(assigned_to=officer, done_on__isnull=True, case__in=[c.pk for c in cases]).select_related("case__debtor").order_by("due_on", "id"))
    if not access.is_tax_staff(request.user):  # a task tax staff wrote, without a disclosure for its debtor (地方税法22条)
        secret = visibility.tax_authors([t.created_by_id for t in tasks])
        for t in tasks:
            if t.created_by_id in secret and not access.may_see_tax(request.user, t.case.debtor_id):
                t.note = visibility.TAX_NOTE_HIDDEN
    return render(request, "web/case_queue.html", {
        "as_of": as_of, "officer": officer, "rows": rows, "tasks": tasks, "stalled": sum(1 for r in rows if r.case.stall),
    })


def _department(request) -> Department | None:
    """The department a supervisor looks at: their own; an administrator may pick one."""
    if access.sees_everything(request.user):
        code = request.GET.get("department") or request.POST.get("department") or ""
        return Department.objects.filter(code=code).first()
    dep = access.department_id(request.user)
    return Department.objects.filter(pk=dep).first() if dep else None


@login_required
def team(request):
    """係の状況: per officer, open cases, stalled ones, broken pledges and overdue tasks."""
    if not visibility.may_supervise(request.user):
        raise PermissionDenied("係の状況を見る権限がありません（課長・管理者）。")
    as_of = _as_of(request.GET.get("as_of"))
    department = _department(request)
    cases = Case.objects.filter(status=Case.Status.OPEN).select_related("officer", "debtor")
    if department is not None:
        cases = cases.filter(department=department)
    elif not access.sees_everything(request.user):
        cases = cases.none()
    cases = list(cases)
    found = stalls.stalls(cases, as_of)
    broken_pledges, broken_promises = facts.broken_counts([c.pk for c in cases], as_of)
    overdue = Counter(Task.objects.filter(case__in=[c.pk for c in cases], done_on__isnull=True, due_on__lt=as_of).values_list("case_id", flat=True))
    per: dict = defaultdict(lambda: {"cases": 0, "stalled": 0, "no_next": 0, "broken": 0, "promises": 0, "overdue": 0, "transferred": 0})
    for c in cases:
        row = per[c.officer]
        row["cases"] += 1
        row["stalled"] += c.pk in found
        row["no_next"] += c.next_action_on is None
        row["broken"] += broken_pledges[c.pk]
        row["promises"] += broken_promises[c.pk]
        row["overdue"] += overdue[c.pk]
        row["transferred"] += c.transferred_to_central
    rows = sorted(per.items(), key=lambda kv: (kv[0] is None, kv[0].get_username() if kv[0] else ""))
    totals = Counter()
    for _, r in rows:
        totals.update(r)
    return render(request, "web/case_team.html", {
        "as_of": as_of, "department": department, "rows": rows, "totals": dict(totals),
        "departments": Department.objects.all() if access.sees_everything(request.user) else [],
        "unassigned": [c for c in cases if c.officer_id is None][:100],
    })


class CriteriaForm(forms.Form):
    min_owed = forms.IntegerField(label="未納額（円以上）", required=False, min_value=0)
    prescription_within_months = forms.IntegerField(label="時効完成まで（か月以内）", required=False, min_value=0, max_value=120)
    min_broken_pledges = forms.IntegerField(label="分納誓約の不履行（件以上）", required=False, min_value=0)
    no_contact_days = forms.IntegerField(label="接触なし（日以上）", required=False, min_value=0)
    match = forms.ChoiceField(label="条件の組合せ", choices=[("all", "すべてを満たす"), ("any", "いずれかを満たす")], initial="all")
    department = forms.ChoiceField(label="所管課", required=False)

    def __init__(self, *args, departments=(), everything=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].choices = ([("", "すべて")] if everything else []) + [(d.code, d.name) for d in departments]

    def criteria(self) -> selection.Criteria:
        c = self.cleaned_data
        return selection.Criteria(
            min_owed=c["min_owed"], prescription_within_months=c["prescription_within_months"],
            min_broken_pledges=c["min_broken_pledges"], no_contact_days=c["no_contact_days"],
            department=c["department"] or None, match=c["match"] or "all",
        )


@login_required
def transfer(request):
    """移管: criteria → preview → transfer the chosen cases to the central team."""
    if not visibility.may_supervise(request.user):
        raise PermissionDenied("移管する権限がありません（課長・管理者）。")
    as_of = _as_of(request.POST.get("as_of") or request.GET.get("as_of"))
    everything = access.sees_everything(request.user)
    own = _department(request) if not everything else None
    departments = list(Department.objects.all()) if everything else ([own] if own else [])
    data = request.POST if request.method == "POST" else (request.GET if request.GET else None)
    form = CriteriaForm(data, departments=departments, everything=everything, initial={"department": own.code if own else ""})
    rows, criteria = [], None
    if data is not None and form.is_valid():
        criteria = form.criteria()
        if not everything:  # a manager selects among the own department's cases only
            criteria = selection.Criteria(**{**criteria.to_json(), "department": own.code if own else "-"})
        if request.method == "POST":
            ids = [int(x) for x in request.POST.getlist("case") if x.isdigit()]
            allowed = set(selection.select_for_transfer(criteria, as_of).filter(pk__in=ids).values_list("pk", flat=True))
            try:
                done = actions.transfer_to_central(sorted(allowed), on=as_of, criteria=criteria.to_json(), note=request.POST.get("note", ""),
                                                   user=request.user)
            except actions.CaseError as e:
                messages.error(request, e.message)
            else:
                messages.success(request, f"{len(done):,}件を債権回収担当へ移管しました。")
                return redirect("case_central")
        qs = selection.select_for_transfer(criteria, as_of)
        rows = list(qs[:PREVIEW_LIMIT])
        amounts = visibility.list_receivable_ids(request.user)
        owed = facts.owed_by_debtor([c.debtor_id for c in rows], amounts)
        for c in rows:
            c.visible_owed = owed.get(c.debtor_id, 0)
            c.partial = amounts is not None and c.visible_owed != c.owed
    return render(request, "web/case_transfer.html", {
        "form": form, "rows": rows, "criteria": criteria, "as_of": as_of, "limit": PREVIEW_LIMIT,
    })


@login_required
def central(request):
    """債権回収担当の事案: exactly the cases whose latest transfer sent them to the central team."""
    if not (visibility.is_central(request.user) or visibility.may_supervise(request.user)):
        raise PermissionDenied("移管事案の一覧を見る権限がありません。")
    as_of = _as_of(request.GET.get("as_of"))
    base = Case.objects.all()
    if not (visibility.is_central(request.user) or access.sees_everything(request.user)):
        base = base.filter(department_id=access.department_id(request.user))  # a manager sees what the own department sent
    last = Transfer.objects.filter(direction=Transfer.Direction.TO_CENTRAL).order_by("case_id", "-on", "-id")
    cases = list(selection.transferred(base).select_related("debtor", "department", "officer").prefetch_related(
        Prefetch("transfers", queryset=last, to_attr="sent")).order_by("department__code", "pk"))
    rows = facts.ranked(cases, as_of, visibility.list_receivable_ids(request.user))
    _annotate(rows, as_of)
    for r in rows:
        t = r.case.sent[0] if r.case.sent else None
        r.case.transfer = t
        r.case.criteria_text = "、".join(selection.Criteria.from_json(t.criteria).describe()) if t and t.criteria else ""
    return render(request, "web/case_central.html", {"rows": rows, "as_of": as_of})


@login_required
def stalls_view(request):
    """停滞事案: stalled cases per department and officer, and the count over the last days."""
    if not access.may_view_debtors(request.user):
        raise PermissionDenied("債務者の情報を閲覧する権限がありません。")
    as_of = _as_of(request.GET.get("as_of"))
    cases = list(stalls.open_cases(as_of).filter(visibility.cases_for(request.user)).select_related("debtor", "department", "officer"))
    found = stalls.stalls(cases, as_of)
    groups: dict = defaultdict(list)
    for c in cases:
        if c.pk in found:
            c.stall = found[c.pk]
            groups[(c.department.name, c.officer.get_username() if c.officer else "（未割当）")].append(c)
    history = StallCount.objects.filter(day__gt=as_of - timedelta(days=STALL_HISTORY_DAYS), day__lte=as_of)
    if not access.sees_everything(request.user):
        history = history.filter(department_id=access.department_id(request.user))
    by_day: dict = defaultdict(int)
    for day, n in history.values_list("day", "count"):
        by_day[day] += n
    return render(request, "web/case_stalls.html", {
        "as_of": as_of, "groups": sorted(groups.items()), "total": len(found),
        "history": sorted(by_day.items(), reverse=True),
    })
