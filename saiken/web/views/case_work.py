"""滞納整理（後半）: investigations and their letters, the ability-to-pay judgement,
dispositions with their realisation and end, and reminders in batches.

The views parse input and call one action each (`saiken.cases.investigations`,
`dispositions`, `reminders`). A case's screens are open to whoever may open the
case (`saiken.cases.visibility`); tax findings, tax figures and the details of a
tax disposition are shown only to users who `may_see_tax`.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from saiken import audit
from saiken.cases import actions, dispositions, investigations, reminders, visibility
from saiken.cases.models import (
    Case, Disposition, DispositionKind, Investigation, InvestigationKind, ReminderCriteria, ReminderLetter, ReminderRun,
)
from saiken.catalog.models import Department, ReceivableType
from saiken.core import ability
from saiken.core.era import fiscal_year_label
from saiken.debtors.models import Debtor
from saiken.demands.models import DocumentStatus
from saiken.documents import case_letters
from saiken.ledger.models import Instalment
from saiken.prescription.collectability import collectability
from saiken.prescription.projection import public_reminder_suspends
from saiken.staff import access
from saiken.web.views.demands import in_background

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TAX_HIDDEN = investigations.HIDDEN
PREVIEW_LIMIT = 500
NOTICE_PAY_DAYS = 14  # 債権差押通知書: the third party pays the city within this many days

# What each inquiry asks (照会事項), printed on the 照会書.
QUESTIONS = {
    InvestigationKind.BANK: ("預貯金の種類・口座番号・残高（照会日現在）", "照会日前1年間の取引履歴", "貸金庫・その他の取引の有無"),
    InvestigationKind.EMPLOYER: ("雇用の有無・雇用形態", "給与・賞与の支給額（直近3か月分）と支給日", "社会保険料・所得税等の控除額、扶養親族の数"),
    InvestigationKind.PENSION_OFFICE: ("受給している年金の種類・年金証書の基礎年金番号", "年金の支給額と支払月", "支払金融機関"),
    InvestigationKind.REGISTRY: ("本人名義の不動産の所在・地番・家屋番号", "登記事項（所有権・担保権の設定）"),
    InvestigationKind.INSURER: ("保険契約の有無・種類・証券番号", "解約返戻金の額（照会日現在）", "契約者貸付の有無"),
    InvestigationKind.TAX_RECORDS: ("所得・課税の状況（直近年度）", "給与支払者・年金支払者", "固定資産の状況"),
    InvestigationKind.OTHER: ("本人に対する債務・本人名義の財産の有無と内容",),
}


def _today() -> date:
    return timezone.localdate()


def _date(raw: str | None, default: date | None = None) -> date | None:
    try:
        return date.fromisoformat(raw) if raw else default
    except ValueError:
        return default


def _instalment_label(i: Instalment) -> str:
    subject = f" {i.subject}" if i.subject else ""
    return f"{i.receivable.name} {fiscal_year_label(i.fiscal_year)}{subject} 第{i.instalment_no}期"


# --- whose case, and what of it this user sees ----------------------------------------


@dataclass
class Scope:
    debtor: Debtor
    case: Case | None
    receivable_ids: frozenset[int]
    see_tax: bool

    def may_act_on(self, receivable_ids) -> bool:
        return set(receivable_ids) <= self.receivable_ids


def _scope(request, debtor_id: int) -> Scope:
    debtor = get_object_or_404(Debtor, pk=debtor_id)
    case = Case.objects.select_related("department", "officer").filter(debtor=debtor).first()
    ids = visibility.case_receivable_ids(request.user, case, debtor.pk)
    if not visibility.may_open(request.user, case, debtor.pk, ids):
        raise PermissionDenied("この債務者の滞納整理事案を閲覧する権限がありません。")
    return Scope(debtor, case, ids, access.may_see_tax(request.user, debtor.pk))


def _case(request, scope: Scope) -> Case:
    return scope.case or actions.case_for(scope.debtor, user=request.user)


def _receivables(scope: Scope) -> list[ReceivableType]:
    """The receivables the debtor still owes that this user may act on."""
    owed = Instalment.objects.filter(debtor=scope.debtor, receivable_id__in=sorted(scope.receivable_ids)).filter(actions.OPEN)
    return list(ReceivableType.objects.filter(pk__in=owed.values("receivable_id")).order_by("number"))


def _open_instalments(scope: Scope) -> list[Instalment]:
    rows = list(
        Instalment.objects.filter(debtor=scope.debtor, receivable_id__in=sorted(scope.receivable_ids)).filter(actions.OPEN)
        .select_related("receivable", "demand_line__demand").order_by("receivable__number", "due_date", "pk")
    )
    collect = collectability([i.pk for i in rows], _today())  # 時効完成・消滅, one batch for the page
    for i in rows:
        i.label = _instalment_label(i)
        i.collect = collect.get(i.pk)
        i.demand = getattr(getattr(i, "demand_line", None), "demand", None)
        i.hidden = i.receivable.is_tax and not scope.see_tax
    return rows


def _errors(form: forms.Form, e: actions.CaseError) -> None:
    field = e.field if e.field in form.fields else None
    form.add_error(field, e.message)


# --- the overview --------------------------------------------------------------------


@login_required
def case_overview(request, debtor_id: int):
    """財産調査・納付資力・滞納処分・催告: everything of this half of the case on one page."""
    scope = _scope(request, debtor_id)
    case = scope.case
    context = {"debtor": scope.debtor, "case": case, "tax_hidden": TAX_HIDDEN, "see_tax": scope.see_tax, "today": _today()}
    if case is not None:
        invs = list(case.investigations.select_related("receivable", "case").order_by("-requested_on", "-pk"))
        for i in invs:
            i.visible = investigations.findings_visible(request.user, i)
        assessments = list(case.assessments.select_related("receivable", "case").order_by("-assessed_on", "-pk"))
        for a in assessments:
            a.visible = investigations.assessment_visible(request.user, a)
            a.decided_label = ability.MEASURE_LABELS.get(a.decided_measure, a.decided_measure)
            a.proposed_label = ability.MEASURE_LABELS.get(a.proposed_measure, a.proposed_measure)
        disps = list(case.dispositions.prefetch_related("lines__instalment__receivable").order_by("-executed_on", "-pk"))
        for d in disps:
            d.visible = dispositions.details_visible(d, scope.see_tax)
        letters = list(ReminderLetter.objects.filter(case=case).select_related("department", "run").order_by("-sent_on", "-pk")[:50])
        context.update(investigations=invs, assessments=assessments, dispositions=disps, letters=letters)
    audit.record(user=request.user, action="case.view", target=case or scope.debtor, debtor_id=scope.debtor.pk,
                 summary=f"{scope.debtor.name} の財産調査・滞納処分を閲覧")
    return render(request, "web/casework_case.html", context)


# --- investigations ------------------------------------------------------------------


class InvestigationForm(forms.Form):
    receivable = forms.ChoiceField(label="調査の対象債権")
    kind = forms.ChoiceField(label="照会先の種類", choices=InvestigationKind.choices)
    addressee_name = forms.CharField(label="照会先", max_length=200, help_text="例: 第四北越銀行 本店、株式会社○○ 総務部")
    addressee_postal_code = forms.CharField(label="照会先の郵便番号", max_length=8, required=False)
    addressee_address = forms.CharField(label="照会先の住所", max_length=300, required=False)
    requested_on = forms.DateField(label="照会日", widget=DATE)
    reply_by = forms.DateField(label="回答期限", widget=DATE, required=False, help_text=f"空欄なら照会日の{investigations.DEFAULT_REPLY_DAYS}日後")
    legal_basis = forms.CharField(label="根拠法令", max_length=200, required=False, help_text="空欄なら債権の区分と照会先から定まる根拠")
    note = forms.CharField(label="備考", max_length=300, required=False)

    def __init__(self, *args, receivables=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["receivable"].choices = [(r.code, f"{r.name}（{r.get_legal_class_display()}）") for r in receivables]


@login_required
def investigation_new(request, debtor_id: int):
    """財産調査の照会: choose the claim and the addressee; the allowed inquiries follow the claim's class."""
    scope = _scope(request, debtor_id)
    receivables = _receivables(scope)
    data = request.POST if request.method == "POST" else None
    form = InvestigationForm(data, receivables=receivables, initial={"requested_on": _today()})
    if data is not None and form.is_valid():
        c = form.cleaned_data
        receivable = next(r for r in receivables if r.code == c["receivable"])
        try:
            i = investigations.request_investigation(
                _case(request, scope), receivable=receivable, kind=c["kind"], addressee_name=c["addressee_name"],
                addressee_postal_code=c["addressee_postal_code"], addressee_address=c["addressee_address"], requested_on=c["requested_on"],
                reply_by=c["reply_by"], legal_basis=c["legal_basis"], note=c["note"], user=request.user,
            )
        except actions.CaseError as e:
            _errors(form, e)
        else:
            messages.success(request, "財産調査の照会を登録しました。照会書PDFを印刷して送付してください。")
            return redirect("investigation", debtor_id=debtor_id, pk=i.pk)
    table = [(r, [(InvestigationKind(k).label, basis) for k, basis in investigations.allowed_kinds(r).items()]) for r in receivables]
    return render(request, "web/casework_investigation_new.html", {"debtor": scope.debtor, "case": scope.case, "form": form, "table": table})


class AnswerForm(forms.Form):
    answered_on = forms.DateField(label="回答日", widget=DATE)
    findings = forms.CharField(label="調査結果", widget=forms.Textarea(attrs={"rows": 5}), help_text="財産・収入の内容（なければ「該当なし」）")
    is_tax_finding = forms.BooleanField(label="税務調査による情報（地方税法22条）", required=False)


def _investigation(scope: Scope, pk: int) -> Investigation:
    # Anyone who may open the case sees that an inquiry was made; what it found, and
    # where it was sent, only if not a tax secret to them (see `findings_visible`).
    return get_object_or_404(Investigation.objects.select_related("receivable", "case", "created_by"), pk=pk, case__debtor=scope.debtor)


@login_required
def investigation(request, debtor_id: int, pk: int):
    """One inquiry: what was asked, of whom, the answer; the answer form while there is none."""
    scope = _scope(request, debtor_id)
    i = _investigation(scope, pk)
    visible = investigations.findings_visible(request.user, i)
    may_act = visible and i.receivable_id in scope.receivable_ids
    if request.method == "POST" and not may_act:
        raise PermissionDenied("この照会の回答を記録する権限がありません。")
    data = request.POST if request.method == "POST" else None
    form = AnswerForm(data, initial={"answered_on": _today(), "is_tax_finding": i.is_tax_finding})
    if data is not None and form.is_valid():
        c = form.cleaned_data
        try:
            investigations.record_answer(i, answered_on=c["answered_on"], findings=c["findings"], is_tax_finding=c["is_tax_finding"],
                                         user=request.user)
        except actions.CaseError as e:
            _errors(form, e)
        else:
            messages.success(request, "調査結果を記録しました。")
            return redirect("investigation", debtor_id=debtor_id, pk=pk)
    return render(request, "web/casework_investigation.html", {
        "debtor": scope.debtor, "case": i.case, "i": i, "form": form, "visible": visible, "may_act": may_act,
        "findings": investigations.shown_findings(request.user, i),
        "voluntary": investigations.is_voluntary(i.receivable, i.kind), "tax_hidden": TAX_HIDDEN,
    })


def _issuer(department: Department | None) -> case_letters.Issuer:
    from django.conf import settings

    return case_letters.Issuer(settings.SAIKEN_CITY_NAME, settings.SAIKEN_ISSUER_TITLE, department.name if department else "",
                               department.phone if department else "")


def _pdf(render_fn, letter, filename: str) -> FileResponse:
    buf = io.BytesIO()
    try:
        render_fn([letter], buf)
    except ValueError as e:
        raise Http404(str(e)) from e
    buf.seek(0)
    return FileResponse(buf, as_attachment=False, filename=filename, content_type="application/pdf")


@login_required
def investigation_pdf(request, debtor_id: int, pk: int):
    """照会書 (one page)."""
    scope = _scope(request, debtor_id)
    i = _investigation(scope, pk)
    if not investigations.findings_visible(request.user, i):
        raise PermissionDenied("税務調査の照会書は、税情報を閲覧できる職員だけが印刷できます。")
    d = scope.debtor
    letter = case_letters.InvestigationRequest(
        number=f"I{i.requested_on:%Y%m%d}-{i.pk}", issued_on=i.requested_on, reply_by=i.reply_by or i.requested_on + timedelta(days=14),
        addressee=case_letters.Addressee(i.addressee_name, i.addressee_postal_code, i.addressee_address, "御中"),
        issuer=_issuer(i.receivable.department), kind_label=i.get_kind_display(), subject_name=d.name, subject_kana=d.name_kana,
        subject_birth_date=d.birth_date, subject_address=d.address, questions=QUESTIONS.get(i.kind, QUESTIONS[InvestigationKind.OTHER]),
        legal_basis=i.legal_basis, voluntary=investigations.is_voluntary(i.receivable, i.kind),
    )
    audit.record(user=request.user, action="case.investigation_pdf", target=i, debtor_id=d.pk, summary=f"照会書を印刷（{i.get_kind_display()}）")
    return _pdf(case_letters.render_investigation_requests, letter, f"照会書_{i.pk}.pdf")


# --- ability to pay ------------------------------------------------------------------


class AbilityForm(forms.Form):
    receivable = forms.ChoiceField(label="債権")
    assessed_on = forms.DateField(label="判定日", widget=DATE)
    household_size = forms.IntegerField(label="世帯人数", min_value=1, max_value=30, initial=1)
    monthly_income = forms.IntegerField(label="収入（月額・円）", min_value=0, help_text="税・社会保険料を控除した額")
    monthly_spending = forms.IntegerField(label="支出（月額・円）", min_value=0)
    assets = forms.IntegerField(label="財産（円）", min_value=0, help_text="預貯金・不動産・自動車・債権等の評価額（先順位の担保を除く）")
    debts = forms.IntegerField(label="他の債務（円）", min_value=0)
    based_on = forms.TypedMultipleChoiceField(label="根拠とした財産調査", coerce=int, required=False, widget=forms.CheckboxSelectMultiple)
    contains_tax_information = forms.BooleanField(label="税情報を含む", required=False)

    def __init__(self, *args, receivables=(), sources=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["receivable"].choices = [(r.code, f"{r.name}（{r.get_legal_class_display()}）") for r in receivables]
        self.fields["based_on"].choices = [(i.pk, f"{i.requested_on:%Y-%m-%d} {i.get_kind_display()}") for i in sources]


class DecisionForm(forms.Form):
    measure = forms.ChoiceField(label="判断（措置）")
    reason = forms.CharField(label="判断の理由", required=False, widget=forms.Textarea(attrs={"rows": 3}),
                             help_text="提案と異なる措置を選ぶときは必須")

    def __init__(self, *args, class_key=None, **kwargs):
        super().__init__(*args, **kwargs)
        measures = ability.MEASURES_BY_CLASS.get(class_key, tuple(ability.Measure))
        self.fields["measure"].choices = [(m.value, ability.MEASURE_LABELS[m]) for m in measures]


@login_required
def ability_view(request, debtor_id: int):
    """納付資力の判定: enter the figures, see the proposal, confirm it or decide otherwise with a reason."""
    scope = _scope(request, debtor_id)
    receivables = _receivables(scope)
    sources = list(scope.case.investigations.filter(answered_on__isnull=False).select_related("case")) if scope.case else []
    sources = [s for s in sources if investigations.findings_visible(request.user, s) and s.receivable_id in scope.receivable_ids]
    data = request.POST if request.method == "POST" else None
    form = AbilityForm(data, receivables=receivables, sources=sources, initial={"assessed_on": _today()})
    proposal = decision = None
    if data is not None and form.is_valid():
        c = form.cleaned_data
        receivable = next(r for r in receivables if r.code == c["receivable"])
        figures = {k: c[k] for k in ("household_size", "monthly_income", "monthly_spending", "assets", "debts")}
        key = investigations.class_key_of(receivable)
        try:
            proposal = investigations.propose(scope.debtor.pk, receivable, **figures)
            decision = DecisionForm(data if data.get("step") == "save" else None, class_key=key, initial={"measure": proposal.measure.value})
            if data.get("step") == "save" and decision.is_valid():
                chosen = [s for s in sources if s.pk in set(c["based_on"])]
                investigations.assess_ability(
                    _case(request, scope), receivable=receivable, assessed_on=c["assessed_on"], measure=decision.cleaned_data["measure"],
                    reason=decision.cleaned_data["reason"], based_on=chosen, contains_tax_information=c["contains_tax_information"],
                    user=request.user, **figures,
                )
                messages.success(request, "納付資力の判定を記録しました。")
                return redirect("ability", debtor_id=debtor_id)
        except actions.CaseError as e:
            (decision if decision is not None and e.field == "measure" else form).add_error(None, e.message)
    past = []
    if scope.case is not None:
        past = list(scope.case.assessments.filter(receivable_id__in=sorted(scope.receivable_ids)).select_related("receivable", "case", "created_by")
                    .order_by("-assessed_on", "-pk"))
        for a in past:
            a.visible = investigations.assessment_visible(request.user, a)
            a.decided_label = ability.MEASURE_LABELS.get(a.decided_measure, a.decided_measure)
            a.proposed_label = ability.MEASURE_LABELS.get(a.proposed_measure, a.proposed_measure)
    return render(request, "web/casework_ability.html", {
        "debtor": scope.debtor, "case": scope.case, "form": form, "proposal": proposal, "decision": decision, "past": past,
        "outcome_labels": ability.OUTCOME_LABELS, "tax_hidden": TAX_HIDDEN,
    })


# --- dispositions --------------------------------------------------------------------


class DispositionForm(forms.Form):
    kind = forms.ChoiceField(label="種類", choices=DispositionKind.choices)
    instalments = forms.TypedMultipleChoiceField(label="対象の調定", coerce=int, widget=forms.CheckboxSelectMultiple)
    decided_on = forms.DateField(label="決定日", widget=DATE)
    executed_on = forms.DateField(label="執行日・申立日", widget=DATE, required=False, help_text="空欄なら決定日")
    amount = forms.IntegerField(label="差押・請求の金額（円）", min_value=0, required=False)
    property_description = forms.CharField(label="差押財産・請求の内容", max_length=300, required=False,
                                           help_text="例: 普通預金 口座番号1234567 の預金債権")
    third_party_name = forms.CharField(label="第三債務者", max_length=200, required=False, help_text="預貯金・給与・売掛金の差押え")
    third_party_postal_code = forms.CharField(label="第三債務者の郵便番号", max_length=8, required=False)
    third_party_address = forms.CharField(label="第三債務者の住所", max_length=300, required=False)
    court_name = forms.CharField(label="裁判所", max_length=100, required=False, help_text="支払督促・訴訟・強制執行")
    court_case_number = forms.CharField(label="事件番号", max_length=100, required=False)
    legal_basis = forms.CharField(label="根拠法令", max_length=200, required=False, help_text="空欄なら種類と債権の区分から定まる根拠")

    def __init__(self, *args, instalments=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["instalments"].choices = [(i.pk, i.label) for i in instalments]


@login_required
def disposition_new(request, debtor_id: int):
    """滞納処分・法的措置の記録. The allowed kinds follow the claims' class; a paid instalment
    and a seizure before the 差押可能日 are refused by the action."""
    scope = _scope(request, debtor_id)
    instalments = _open_instalments(scope)
    data = request.POST if request.method == "POST" else None
    form = DispositionForm(data, instalments=instalments, initial={"decided_on": _today()})
    if data is not None and form.is_valid():
        c = form.cleaned_data
        try:
            d = dispositions.record_disposition(
                _case(request, scope), kind=c["kind"], instalments=c["instalments"], decided_on=c["decided_on"], executed_on=c["executed_on"],
                amount=c["amount"], property_description=c["property_description"], third_party_name=c["third_party_name"],
                third_party_postal_code=c["third_party_postal_code"], third_party_address=c["third_party_address"], court_name=c["court_name"],
                court_case_number=c["court_case_number"], legal_basis_text=c["legal_basis"], user=request.user,
            )
        except actions.CaseError as e:
            _errors(form, e)
        else:
            messages.success(request, f"{d.get_kind_display()}を記録しました（対象の調定の時効に反映しました）。")
            for w in d.warnings:
                messages.warning(request, w)
            return redirect("disposition", debtor_id=debtor_id, pk=d.pk)
    table = [(r, sorted(DispositionKind(k).label for k in dispositions.allowed_kinds(r)))
             for r in sorted({i.receivable for i in instalments}, key=lambda r: r.number)]
    return render(request, "web/casework_disposition_new.html", {
        "debtor": scope.debtor, "case": scope.case, "form": form, "instalments": instalments, "table": table, "tax_hidden": TAX_HIDDEN,
    })


class RealisationForm(forms.Form):
    on = forms.DateField(label="換価・取立の日", widget=DATE)
    proceeds = forms.IntegerField(label="配当・取立額（円）", min_value=1)
    note = forms.CharField(label="備考", max_length=300, required=False)
    end = forms.BooleanField(label="これで処分を終了する（取立・換価の完了）", required=False)


class EndForm(forms.Form):
    ended_on = forms.DateField(label="終了日", widget=DATE)
    reason = forms.CharField(label="終了の理由", max_length=300, help_text="例: 差押の解除（完納）、差押の解除（執行停止）、配当なし")


class CourtResultForm(forms.Form):
    result = forms.ChoiceField(label="結果")
    on = forms.DateField(label="結果の日（確定日）", widget=DATE)
    court_case_number = forms.CharField(label="事件番号", max_length=100, required=False)
    note = forms.CharField(label="備考", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, kind=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["result"].choices = [(r.value, r.label) for r in dispositions.RESULTS_BY_KIND.get(kind, ())]


def _disposition(scope: Scope, pk: int) -> Disposition:
    d = get_object_or_404(Disposition.objects.select_related("case", "created_by"), pk=pk, case__debtor=scope.debtor)
    d.line_rows = list(d.lines.select_related("instalment__receivable", "prescription_event").order_by("instalment__due_date", "instalment_id"))
    d.receivable_ids = {line.instalment.receivable_id for line in d.line_rows}
    d.visible = scope.see_tax or not any(line.instalment.receivable.is_tax for line in d.line_rows)
    return d


@login_required
def disposition(request, debtor_id: int, pk: int):
    """One disposition: its instalments and prescription events, realisations, and the forms to go on."""
    scope = _scope(request, debtor_id)
    d = _disposition(scope, pk)
    may_act = d.visible and scope.may_act_on(d.receivable_ids) and d.status == Disposition.Status.ACTIVE
    today = _today()
    forms_ = {
        "realisation": RealisationForm(initial={"on": today}),
        "end": EndForm(initial={"ended_on": today}),
        "court": CourtResultForm(kind=d.kind, initial={"on": today}),
    }
    if request.method == "POST":
        if not may_act:
            raise PermissionDenied("この処分を操作する権限がありません。")
        step = request.POST.get("step")
        try:
            if step == "realisation":
                f = forms_["realisation"] = RealisationForm(request.POST)
                if f.is_valid():
                    c = f.cleaned_data
                    r = dispositions.record_realisation(d, on=c["on"], proceeds=c["proceeds"], note=c["note"], end=c["end"], user=request.user)
                    messages.success(request, f"換価・配当 {r.proceeds:,}円を記録し、{r.posted:,}円を収納しました"
                                              + (f"（残余金 {r.remainder:,}円は滞納者へ交付）。" if r.remainder else "。"))
                    return redirect("disposition", debtor_id=debtor_id, pk=pk)
            elif step == "end":
                f = forms_["end"] = EndForm(request.POST)
                if f.is_valid():
                    dispositions.end_disposition(d, ended_on=f.cleaned_data["ended_on"], reason=f.cleaned_data["reason"], user=request.user)
                    messages.success(request, "処分の終了を記録しました（時効の事由に反映しました）。")
                    return redirect("disposition", debtor_id=debtor_id, pk=pk)
            elif step == "court":
                f = forms_["court"] = CourtResultForm(request.POST, kind=d.kind)
                if f.is_valid():
                    c = f.cleaned_data
                    dispositions.record_court_result(d, result=c["result"], on=c["on"], court_case_number=c["court_case_number"], note=c["note"],
                                                     user=request.user)
                    messages.success(request, "裁判の結果を記録しました（時効の事由に反映しました）。")
                    return redirect("disposition", debtor_id=debtor_id, pk=pk)
        except actions.CaseError as e:
            forms_[step].add_error(None, e.message)
    return render(request, "web/casework_disposition.html", {
        "debtor": scope.debtor, "case": d.case, "d": d, "may_act": may_act, "forms": forms_, "tax_hidden": TAX_HIDDEN,
        "realisations": list(d.realisations.order_by("on", "pk")),
        "realisable": d.kind in dispositions.REALISABLE, "court": d.kind in dispositions.COURT_KINDS,
        "seizure": d.kind in dispositions.FORCIBLE_KINDS, "third_party": bool(d.third_party_name),
    })


@login_required
def disposition_pdf(request, debtor_id: int, pk: int):
    """差押調書（謄本） (?doc=record, to the debtor) or 債権差押通知書 (?doc=notice, to the third party), one page."""
    scope = _scope(request, debtor_id)
    d = _disposition(scope, pk)
    if not d.visible:
        raise PermissionDenied("税の滞納処分の文書は、税情報を閲覧できる職員だけが印刷できます。")
    if d.kind not in dispositions.FORCIBLE_KINDS:
        raise Http404("この種類の処分には差押調書・差押通知書はありません。")
    try:
        dispositions.check_printable(d)
    except actions.CaseError as e:
        messages.error(request, e.message)
        return redirect("disposition", debtor_id=debtor_id, pk=pk)
    doc = request.GET.get("doc", "record")
    debtor = scope.debtor
    if doc == "notice":
        if not d.third_party_name:
            raise Http404("第三債務者のない処分には債権差押通知書はありません。")
        addressee = case_letters.Addressee(d.third_party_name, d.third_party_postal_code, d.third_party_address, "御中")
    else:
        doc = "record"
        addressee = case_letters.Addressee(debtor.name, debtor.postal_code, debtor.address, "様")
    lines = tuple(
        case_letters.ClaimLine(line.instalment.receivable.name, line.instalment.fiscal_year, line.instalment.subject, line.instalment.instalment_no,
                               line.instalment.due_date, line.principal, line.late_charge, line.fee)
        for line in d.line_rows
    )
    department = d.line_rows[0].instalment.receivable.department if d.line_rows else None
    notice = case_letters.SeizureNotice(
        document=doc, number=f"S{d.executed_on:%Y%m%d}-{d.pk}", issued_on=d.executed_on, seized_on=d.executed_on, addressee=addressee,
        issuer=_issuer(department), debtor_name=debtor.name, debtor_address=debtor.address, kind_label=d.get_kind_display(),
        property_description=d.property_description, third_party_name=d.third_party_name, third_party_address=d.third_party_address,
        lines=lines, legal_basis=d.legal_basis, pay_by=d.executed_on + timedelta(days=NOTICE_PAY_DAYS) if doc == "notice" else None,
        charges_late=any(line.instalment.receivable.late_charge_kind != "none" for line in d.line_rows),
    )
    audit.record(user=request.user, action="case.disposition_pdf", target=d, debtor_id=debtor.pk,
                 summary=f"{case_letters.TITLES[doc]}を印刷（{d.get_kind_display()}）")
    return _pdf(case_letters.render_seizure_notices, notice, f"{case_letters.TITLES[doc]}_{d.pk}.pdf")


# --- reminders -----------------------------------------------------------------------


def _reminder_user(request) -> Department | None:
    """Reminders are sent by a department: the user's (an administrator may choose any)."""
    if not access.may_view_debtors(request.user):
        raise PermissionDenied("催告書を発送する権限がありません。")
    if access.sees_everything(request.user):
        return None
    dep = access.department_id(request.user)
    if dep is None:
        raise PermissionDenied("所属のない職員は催告書を発送できません。")
    return Department.objects.get(pk=dep)


class ReminderCriteriaForm(forms.Form):
    name = forms.CharField(label="条件の名称", max_length=100)
    department = forms.ChoiceField(label="所管課", required=False)
    receivables = forms.MultipleChoiceField(label="債権", required=False, widget=forms.CheckboxSelectMultiple,
                                            help_text="選ばなければ所管課の全債権")
    min_owed = forms.IntegerField(label="未納額（円以上）", min_value=0, required=False)
    days_overdue = forms.IntegerField(label="納期限からの経過日数（日以上）", min_value=0, required=False)
    no_pledge_in_force = forms.BooleanField(label="履行中の分納誓約の対象を除く", required=False, initial=True)
    not_under_relief = forms.BooleanField(label="緩和措置中の調定を除く", required=False, initial=True)

    def __init__(self, *args, departments=(), receivables=(), everything=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].choices = ([("", "指定しない（全庁）")] if everything else []) + [(d.code, d.name) for d in departments]
        self.fields["receivables"].choices = [(r.code, r.name) for r in receivables]

    def criteria(self) -> reminders.Criteria:
        c = self.cleaned_data
        return reminders.Criteria(
            receivables=tuple(c["receivables"]), min_owed=c["min_owed"], days_overdue=c["days_overdue"],
            no_pledge_in_force=c["no_pledge_in_force"], not_under_relief=c["not_under_relief"], department=c["department"] or None,
        )


def _criteria_rows(own: Department | None):
    qs = ReminderCriteria.objects.select_related("department")
    return qs if own is None else qs.filter(department=own)


@login_required
def reminders_view(request):
    """催告書の一括発送: saved criteria → preview list → issue → the run's PDF."""
    own = _reminder_user(request)
    everything = own is None
    departments = list(Department.objects.all()) if everything else [own]
    receivables = list(ReceivableType.objects.filter(Q() if everything else Q(department=own)).order_by("number"))
    names = {r.code: r.name for r in receivables} | {d.code: d.name for d in departments}
    saved = list(_criteria_rows(own))
    chosen = next((s for s in saved if str(s.pk) == (request.POST.get("criteria") or request.GET.get("criteria", ""))), None)
    as_of = _date(request.POST.get("as_of") or request.GET.get("as_of"), _today())
    initial = {"department": own.code if own else ""}
    if chosen is not None:
        c = reminders.Criteria.from_json(chosen.criteria)
        initial = {"name": chosen.name, "department": c.department or "", "receivables": list(c.receivables), "min_owed": c.min_owed,
                   "days_overdue": c.days_overdue, "no_pledge_in_force": c.no_pledge_in_force, "not_under_relief": c.not_under_relief}
    step = request.POST.get("step") if request.method == "POST" else None
    form = ReminderCriteriaForm(request.POST if step == "save" else None, departments=departments, receivables=receivables,
                                everything=everything, initial=initial)
    rows, total = [], None
    if step == "save" and form.is_valid():
        criteria = form.criteria()
        if not everything and criteria.department != own.code:
            criteria = reminders.Criteria(**{**criteria.to_json(), "receivables": criteria.receivables, "department": own.code})
        try:
            row = reminders.save_criteria(name=form.cleaned_data["name"], criteria=criteria, department=own, user=request.user)
        except actions.CaseError as e:
            form.add_error(None, e.message)
        else:
            messages.success(request, f"抽出条件「{row.name}」を保存しました。")
            return redirect(f"{request.path}?criteria={row.pk}&as_of={as_of.isoformat()}")
    elif step == "issue":
        if chosen is None:
            messages.error(request, "抽出条件を選んでください。")
            return redirect("reminders")
        try:
            run = reminders.issue_reminders(chosen, as_of, request.user)
        except actions.CaseError as e:
            messages.error(request, e.message)
            return redirect(f"{request.path}?criteria={chosen.pk}&as_of={as_of.isoformat()}")
        if run.count:
            messages.success(request, f"催告書 {run.count:,}件を発送として記録しました（同日発送済みのため除外 {run.skipped:,}件）。")
        else:
            messages.info(request, f"発送する催告書はありませんでした（同日発送済み {run.skipped:,}件）。")
        return redirect("reminder_run", pk=run.pk)
    elif chosen is not None:
        try:
            selected = reminders.select_for_reminders(reminders.Criteria.from_json(chosen.criteria), as_of)
        except actions.CaseError as e:
            messages.error(request, e.message)
            selected = []
        total = len(selected)
        for s in selected[:PREVIEW_LIMIT]:
            rows.append({"case": s.case, "count": len(s.instalments), "owed": s.owed,
                         "receivables": "・".join(dict.fromkeys(i.receivable.name for i in s.instalments))})
    runs = ReminderRun.objects.select_related("criteria", "created_by")
    if not everything:
        runs = runs.filter(criteria__department=own)
    return render(request, "web/casework_reminders.html", {
        "form": form, "saved": [(s, "、".join(reminders.Criteria.from_json(s.criteria).describe(names))) for s in saved],
        "chosen": chosen, "as_of": as_of, "rows": rows, "total": total, "limit": PREVIEW_LIMIT, "runs": runs[:30],
        "public_reminder_suspends": public_reminder_suspends(),
    })


def _run(request, pk: int) -> ReminderRun:
    own = _reminder_user(request)
    run = get_object_or_404(ReminderRun.objects.select_related("criteria", "created_by"), pk=pk)
    if own is not None and run.criteria.department_id != own.pk:
        raise PermissionDenied("他の課の催告書の発送です。")
    return run


@login_required
def reminder_run(request, pk: int):
    run = _run(request, pk)
    letters = run.letters.select_related("case__debtor", "department").order_by("pk")[:100]
    return render(request, "web/casework_reminder_run.html", {
        "run": run, "letters": letters, "rendering": run.document_status == DocumentStatus.RENDERING,
        "criteria_text": "、".join(reminders.Criteria.from_json(run.criteria_used).describe()),
    })


@login_required
@require_POST
def reminder_run_render(request, pk: int):
    """Start rendering the run's letters in the background; the run page shows the progress."""
    run = _run(request, pk)
    if not reminders.claim_for_rendering(run, request.user):
        messages.info(request, "この催告書PDFは作成中か作成済です。")
        return redirect("reminder_run", pk=pk)
    in_background(lambda: reminders.render_run(run, claimed=True), name=f"reminder-pdf-{pk}")
    messages.success(request, "催告書PDFの作成を開始しました。")
    return redirect("reminder_run", pk=pk)


@login_required
def reminder_run_pdf(request, pk: int):
    run = _run(request, pk)
    path = reminders.open_document(run, request.user)
    if path is None:
        raise Http404("催告書PDFはまだ作成されていません。")
    response = FileResponse(open(path, "rb"), as_attachment=True, filename=f"催告書_{run.run_on:%Y%m%d}_{run.pk}.pdf")
    response["Cache-Control"] = "no-store"
    return response
