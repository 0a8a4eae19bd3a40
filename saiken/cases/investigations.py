"""Investigations (財産調査) and the ability-to-pay judgement (納付資力の判定).

The powers differ by the receivable's class, so which inquiries may be made, and
under which law, is a table (`KINDS`), not code:

- taxes: the 質問検査権 of 国税徴収法141条, which local tax procedure follows
  (地方税法331条6項 and like articles), and 地方税法20条の11 for public offices;
  the tax department's own records are used within it;
- other forcible public claims: the same 141条 powers, "as in local-tax
  delinquency procedure" (地方自治法231条の3第3項), and 国税徴収法146条の2 for
  public offices; tax records only where a statute provides them (e.g.
  国民健康保険法113条の2; verify per receivable);
- non-forcible and private claims: no compulsory powers. Only voluntary inquiries,
  with the debtor's consent; the land registry is public (不動産登記法119条); a
  pension office answers only statutory requests, and tax records are reached
  through the debtor's consent (TaxDisclosure), not an inquiry.

A city may replace the table with the setting SAIKEN_INVESTIGATION_KINDS
({class key: {kind: legal basis}}).

Findings obtained with tax powers or from tax records are tax secrets (地方税法22条):
`is_tax_finding` is set for them and cannot be cleared, and only `may_see_tax`
users see them (`findings_visible`). The case's contact log gets a RECORD line for
each request and answer — never the findings, and for tax findings not even the
addressee, because everyone who may open the case reads that log.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Sum

from saiken import audit
from saiken.cases.actions import OPEN, CaseError, _at_start_of, _lock, _require_open, _today, _user
from saiken.cases.models import AbilityAssessment, Case, ContactEntry, ContactKind, Investigation, InvestigationKind, Task
from saiken.catalog.models import ReceivableType
from saiken.core import ability
from saiken.core.era import wareki
from saiken.core.relief import ClassKey, class_key
from saiken.ledger.models import Instalment
from saiken.staff import access

K = InvestigationKind
TAX_WITHIN = "地方税法22条の範囲内での税務部門の課税資料の利用"
TAX_INQUIRY = "国税徴収法141条（地方税法331条6項等により滞納処分の例による）"
TAX_OFFICE = "地方税法20条の11（官公署等への協力要請）"
FORCIBLE_INQUIRY = "国税徴収法141条（地方自治法231条の3第3項により地方税の滞納処分の例による）"
FORCIBLE_OFFICE = "国税徴収法146条の2（地方自治法231条の3第3項により地方税の滞納処分の例による）"
FORCIBLE_TAX_RECORDS = "個別法の資料提供規定（例: 国民健康保険法113条の2、介護保険法203条）（要確認）"
VOLUNTARY = "任意調査（本人の同意に基づく照会。法令上の回答義務はありません）"
REGISTRY_PUBLIC = "不動産登記法119条（登記事項証明書の交付請求）"

# class key → {kind: default legal basis}; a kind absent from a class may not be used for it.
KINDS: dict[str, dict[str, str]] = {
    ClassKey.TAX: {
        K.BANK: TAX_INQUIRY, K.EMPLOYER: TAX_INQUIRY, K.INSURER: TAX_INQUIRY, K.OTHER: TAX_INQUIRY,
        K.PENSION_OFFICE: TAX_OFFICE, K.REGISTRY: TAX_OFFICE, K.TAX_RECORDS: TAX_WITHIN,
    },
    ClassKey.FORCIBLE: {
        K.BANK: FORCIBLE_INQUIRY, K.EMPLOYER: FORCIBLE_INQUIRY, K.INSURER: FORCIBLE_INQUIRY, K.OTHER: FORCIBLE_INQUIRY,
        K.PENSION_OFFICE: FORCIBLE_OFFICE, K.REGISTRY: FORCIBLE_OFFICE, K.TAX_RECORDS: FORCIBLE_TAX_RECORDS,
    },
    ClassKey.NON_FORCIBLE: {
        K.BANK: VOLUNTARY, K.EMPLOYER: VOLUNTARY, K.INSURER: VOLUNTARY, K.OTHER: VOLUNTARY, K.REGISTRY: REGISTRY_PUBLIC,
    },
    ClassKey.PRIVATE: {
        K.BANK: VOLUNTARY, K.EMPLOYER: VOLUNTARY, K.INSURER: VOLUNTARY, K.OTHER: VOLUNTARY, K.REGISTRY: REGISTRY_PUBLIC,
    },
}
DEFAULT_REPLY_DAYS = 14
HIDDEN = "（税情報のため表示しません）"


def class_key_of(receivable: ReceivableType) -> ClassKey:
    return class_key(receivable.legal_class, receivable.is_tax)


def allowed_kinds(receivable: ReceivableType) -> dict[str, str]:
    """The inquiries allowed for a receivable, with their default legal basis."""
    table = getattr(settings, "SAIKEN_INVESTIGATION_KINDS", None) or KINDS
    return dict(table.get(class_key_of(receivable), {}))


def is_voluntary(receivable: ReceivableType, kind: str) -> bool:
    """A request the addressee need not answer (and which needs the debtor's consent)."""
    return class_key_of(receivable) in (ClassKey.NON_FORCIBLE, ClassKey.PRIVATE) and kind != K.REGISTRY


def yields_tax_finding(receivable: ReceivableType, kind: str) -> bool:
    """Found with tax powers, or read from tax records: a tax secret (地方税法22条)."""
    return receivable.is_tax or kind == K.TAX_RECORDS


def findings_visible(user, investigation: Investigation, on: date | None = None) -> bool:
    return not investigation.is_tax_finding or access.may_see_tax(user, investigation.case.debtor_id, on)


def shown_findings(user, investigation: Investigation) -> str:
    return investigation.findings if findings_visible(user, investigation) else HIDDEN


def _about(i: Investigation) -> str:
    # The addressee (which bank, which employer) is itself a finding of a tax investigation.
    return i.get_kind_display() if i.is_tax_finding else f"{i.get_kind_display()}・{i.addressee_name}"


def _log(case: Case, on: date, summary: str, outcome: str = "", *, tax: bool) -> ContactEntry:
    return ContactEntry.objects.create(case=case, kind=ContactKind.RECORD, at=_at_start_of(on), by=None, summary=summary, outcome=outcome,
                                       is_tax=tax)


@transaction.atomic
def request_investigation(
    case: Case, *, receivable: ReceivableType, kind: str, addressee_name: str, requested_on: date,
    addressee_postal_code: str = "", addressee_address: str = "", legal_basis: str = "", reply_by: date | None = None,
    is_tax_finding: bool = False, note: str = "", user=None, today: date | None = None,
) -> Investigation:
    """財産調査の照会. The open 財産調査 tasks of the case (a broken pledge's) are done by it."""
    today = _today(today)
    allowed = allowed_kinds(receivable)
    if kind not in K.values:
        raise CaseError(f"照会先の種類 {kind!r} は登録されていません。", "kind")
    if kind not in allowed:
        names = "・".join(K(k).label for k in allowed) or "なし"
        raise CaseError(f"{receivable.name}（{receivable.get_legal_class_display()}）では{K(kind).label}への照会はできません（できる照会: {names}）。", "kind")
    if not addressee_name.strip():
        raise CaseError("照会先を入力してください。", "addressee_name")
    if requested_on > today:
        raise CaseError(f"照会日 {wareki(requested_on)} は未来の日付です。", "requested_on")
    reply_by = reply_by or requested_on + timedelta(days=DEFAULT_REPLY_DAYS)
    if reply_by < requested_on:
        raise CaseError("回答期限が照会日より前です。", "reply_by")
    case = _lock(case)
    _require_open(case)
    if not Instalment.objects.filter(debtor_id=case.debtor_id, receivable=receivable).filter(OPEN).exists():
        raise CaseError(f"{case.debtor} には{receivable.name}の未納がありません。", "receivable")
    i = Investigation.objects.create(
        case=case, receivable=receivable, kind=kind, addressee_name=addressee_name.strip()[:200],
        addressee_postal_code=addressee_postal_code.strip()[:8], addressee_address=addressee_address.strip()[:300],
        legal_basis=(legal_basis.strip() or allowed[kind])[:200], requested_on=requested_on, reply_by=reply_by,
        is_tax_finding=is_tax_finding or yields_tax_finding(receivable, kind), note=note.strip()[:300], created_by=_user(user),
    )
    _log(case, requested_on, f"財産調査を照会（{_about(i)}）", f"回答期限 {wareki(reply_by)}", tax=receivable.is_tax)
    done = list(Task.objects.filter(case=case, kind=Task.Kind.INVESTIGATION, done_on__isnull=True).order_by("pk"))
    for t in done:
        t.done_on, t.done_by, t.note = requested_on, _user(user), f"{t.note} / 財産調査を照会".strip(" /")[:300]
        t.save(update_fields=["done_on", "done_by", "note"])
    audit.record(user=user, action="case.investigation", target=i, debtor_id=case.debtor_id,
                 summary=f"財産調査を照会（{_about(i)}、{wareki(requested_on)}）",
                 detail={"receivable": receivable.code, "kind": kind, "legal_basis": i.legal_basis, "requested_on": requested_on.isoformat(),
                         "reply_by": reply_by.isoformat(), "tax": i.is_tax_finding, "tasks_done": [t.pk for t in done]})
    return i


@transaction.atomic
def record_answer(
    investigation: Investigation, *, answered_on: date, findings: str, is_tax_finding: bool = False, user=None, today: date | None = None,
) -> Investigation:
    """調査の回答: the answer's date and what it showed. A tax finding stays one."""
    today = _today(today)
    i = Investigation.objects.select_for_update().select_related("case", "receivable").get(pk=investigation.pk)
    if i.answered_on is not None:
        raise CaseError(f"この照会には回答が記録済みです（{wareki(i.answered_on)}）。", "answered_on")
    if not findings.strip():
        raise CaseError("調査結果を入力してください（財産なしの場合もその旨）。", "findings")
    if answered_on < i.requested_on:
        raise CaseError("回答日が照会日より前です。", "answered_on")
    if answered_on > today:
        raise CaseError(f"回答日 {wareki(answered_on)} は未来の日付です。", "answered_on")
    i.answered_on, i.findings = answered_on, findings.strip()
    i.is_tax_finding = i.is_tax_finding or is_tax_finding
    i.save(update_fields=["answered_on", "findings", "is_tax_finding"])
    _log(i.case, answered_on, f"財産調査の回答（{_about(i)}）", "調査結果を記録", tax=i.receivable.is_tax)
    audit.record(user=user, action="case.investigation_answer", target=i, debtor_id=i.case.debtor_id,
                 summary=f"財産調査の回答を記録（{_about(i)}、{wareki(answered_on)}）",
                 detail={"answered_on": answered_on.isoformat(), "tax": i.is_tax_finding})
    return i


# --- ability to pay --------------------------------------------------------------------


def policy() -> ability.Policy:
    """The law's figures with the city's (setting SAIKEN_ABILITY_POLICY, a dict of Policy fields)."""
    data = getattr(settings, "SAIKEN_ABILITY_POLICY", None)
    return ability.Policy(**data) if data else ability.DEFAULT_POLICY


def owed_on(debtor_id: int, receivable: ReceivableType) -> int:
    qs = Instalment.objects.filter(debtor_id=debtor_id, receivable=receivable).filter(OPEN)
    return qs.aggregate(t=Sum(F("principal_due") + F("late_charge_due") + F("fee_due")))["t"] or 0


def facts_for(debtor_id: int, receivable: ReceivableType, *, household_size: int, monthly_income: int, monthly_spending: int,
              assets: int, debts: int) -> ability.Facts:
    try:
        return ability.Facts(class_key_of(receivable), household_size, monthly_income, monthly_spending, assets, debts, owed_on(debtor_id, receivable))
    except ValueError as e:
        raise CaseError("世帯人数は1以上、金額は0円以上の整数で入力してください。", "household_size") from e


def propose(debtor_id: int, receivable: ReceivableType, **figures) -> ability.Proposal:
    """The proposal for these figures, without recording anything (the screen's preview)."""
    return ability.propose(facts_for(debtor_id, receivable, **figures), policy())


@transaction.atomic
def assess_ability(
    case: Case, *, receivable: ReceivableType, assessed_on: date, household_size: int, monthly_income: int, monthly_spending: int,
    assets: int, debts: int, measure: str | None = None, reason: str = "", based_on: Sequence[Investigation] = (),
    contains_tax_information: bool = False, user=None, today: date | None = None,
) -> AbilityAssessment:
    """納付資力の判定: record the figures, the proposal and the officer's decision — the
    proposal (`measure` None or equal to it) or another measure of the class, with a reason."""
    today = _today(today)
    if assessed_on > today:
        raise CaseError(f"判定日 {wareki(assessed_on)} は未来の日付です。", "assessed_on")
    case = _lock(case)
    _require_open(case)
    f = facts_for(case.debtor_id, receivable, household_size=household_size, monthly_income=monthly_income, monthly_spending=monthly_spending,
                  assets=assets, debts=debts)
    p = ability.propose(f, policy())
    chosen = measure or p.measure.value
    problems = ability.check_decision(f.class_key, p, chosen, reason)
    if problems:
        raise CaseError(" ".join(problems), "measure")
    sources = list(based_on)
    if any(s.case_id != case.pk for s in sources):
        raise CaseError("別の事案の財産調査です。", "based_on")
    tax = contains_tax_information or receivable.is_tax or any(s.is_tax_finding for s in sources)
    overridden = chosen != p.measure.value
    a = AbilityAssessment.objects.create(
        case=case, receivable=receivable, assessed_on=assessed_on, household_size=household_size, monthly_income=monthly_income,
        monthly_spending=monthly_spending, assets=assets, debts=debts, owed=f.owed, contains_tax_information=tax,
        proposed_measure=p.measure.value, proposal=p.to_json(),
        decision=AbilityAssessment.Decision.OVERRIDE if overridden else AbilityAssessment.Decision.CONFIRM,
        decided_measure=chosen, decision_reason=reason.strip(), created_by=_user(user),
    )
    a.based_on.set(sources)
    label = ability.MEASURE_LABELS[ability.Measure(chosen)]
    decision = f"提案（{p.label}）と異なり{label}" if overridden else f"提案どおり{label}"
    _log(case, assessed_on, f"納付資力を判定（{receivable.name}）: {decision}", reason.strip()[:300], tax=receivable.is_tax)
    # The figures stay out of the audit row's summary: it is read more widely than the case.
    audit.record(user=user, action="case.ability", target=a, debtor_id=case.debtor_id,
                 summary=f"納付資力の判定（{receivable.name}、{wareki(assessed_on)}）: {decision}",
                 detail={"receivable": receivable.code, "proposed": p.measure.value, "decided": chosen, "overridden": overridden,
                         "reason": reason.strip(), "tax": tax, "based_on": [s.pk for s in sources]})
    return a


def assessment_visible(user, a: AbilityAssessment) -> bool:
    return not a.contains_tax_information or access.may_see_tax(user, a.case.debtor_id)
