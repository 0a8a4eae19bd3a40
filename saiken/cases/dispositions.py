"""Dispositions (滞納処分・法的措置): seizures, 交付要求, 参加差押 and the court steps.

What each class of receivable may do is a table (`ALLOWED`, or the setting
SAIKEN_DISPOSITION_KINDS): forcible public claims and taxes seize by themselves
(差押, 交付要求, 参加差押: 地方税法331条, 地方自治法231条の3第3項); non-forcible and
private claims go to court (支払督促, 訴訟, then 強制執行: 自治法施行令171条の2).

The checks made when a disposition is recorded, each at that moment and on the
rows locked for it:
- never on an instalment already paid — the ledger is read under the lock, so a
  payment posted (or a store's 速報 imported) a minute ago blocks it: the seed
  city sent a seizure record to a debtor who had paid on time;
- a seizure (and a 参加差押) only from the demand's 差押可能日 (Demand.seizure_from:
  issued + 10 days counting the issue day, 地方税法331条, and after the notice
  reached the debtor: saiken.demands.delivery keeps it), never without a 督促,
  and no seizure nor court step on a notice returned and not sent again;
- a court step only after the 督促's 指定期限 has passed ("督促後相当の期間",
  171条の2), 強制執行 only with a title (a won court step or a recorded judgment);
- not while relief forbids it (`BLOCKED_BY`): no new 滞納処分 during 執行停止 or
  徴収猶予, no 換価 during 換価の猶予 either, no court step during 徴収停止 or
  履行延期 (the article numbers of the 猶予 rules are to be verified).

Prescription: a seizure, 交付要求, 参加差押 and 強制執行 suspend it while they
last and renew it when they end (民法148条; 国税通則法73条 for 交付要求, verify);
支払督促 and 訴訟 suspend it while pending (民法147条) and a won result — a final
judgment, a final 支払督促 with 仮執行宣言 (民訴法396条) or a court settlement — renews
it for 10 years (民法169条). Each action writes those events through
`saiken.prescription.actions`, a document line on the case's timeline and an
audit row, in one transaction.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date

from django.conf import settings
from django.db import transaction
from django.db.models import Max

from saiken import audit
from saiken.cases.actions import CaseError, _at_start_of, _lock, _require_open, _today, _user
from saiken.cases.models import (
    Case, ContactEntry, ContactKind, CourtResult, Disposition, DispositionKind, DispositionLine, Realisation,
)
from saiken.catalog.models import ReceivableType
from saiken.core import relief as relief_law
from saiken.core.allocation import PUBLIC_ORDER, Component, Debt, Scope, allocate
from saiken.core.era import wareki
from saiken.core.relief import ClassKey, ReliefKind, class_key
from saiken.demands.models import DemandLine
from saiken.ledger import late_charges
from saiken.ledger.actions import record_payment
from saiken.ledger.errors import LedgerError
from saiken.ledger.models import Channel, Entry, Instalment
from saiken.payments.models import ReceivedPayment
from saiken.prescription import collectability
from saiken.prescription.actions import PrescriptionError, end_procedure, record_event
from saiken.prescription.models import EventKind, PrescriptionEvent
from saiken.relief.models import ReliefDecisionLine, Status as ReliefStatus

D = DispositionKind
SEIZURES = frozenset({D.SEIZURE_DEPOSIT, D.SEIZURE_WAGE, D.SEIZURE_RECEIVABLE, D.SEIZURE_REAL_ESTATE, D.SEIZURE_VEHICLE})
FORCIBLE_KINDS = SEIZURES | {D.CLAIM_FILING, D.PARTICIPATION}
COURT_KINDS = frozenset({D.PAYMENT_ORDER, D.LAWSUIT})
JUDICIAL_KINDS = COURT_KINDS | {D.EXECUTION}

ALLOWED: dict[str, frozenset[str]] = {
    ClassKey.TAX: FORCIBLE_KINDS,
    ClassKey.FORCIBLE: FORCIBLE_KINDS,
    ClassKey.NON_FORCIBLE: JUDICIAL_KINDS,
    ClassKey.PRIVATE: JUDICIAL_KINDS,
}
# Kinds that need the demand's 差押可能日, a passed 指定期限, or a title.
NEEDS_SEIZURE_DATE = SEIZURES | {D.PARTICIPATION}
NEEDS_DEMAND_DEADLINE = COURT_KINDS
NEEDS_TITLE = frozenset({D.EXECUTION})
REALISABLE = SEIZURES | {D.CLAIM_FILING, D.PARTICIPATION, D.EXECUTION}
THIRD_PARTY = frozenset({D.SEIZURE_DEPOSIT, D.SEIZURE_WAGE, D.SEIZURE_RECEIVABLE})
PRESCRIPTION_EVENT = {k: EventKind.COURT if k in COURT_KINDS else EventKind.SEIZURE for k in D.values}

# Relief in force that forbids starting a disposition, and realising one.
BLOCKED_BY: dict[str, frozenset[str]] = {
    **{k: frozenset({ReliefKind.EXECUTION_STOP, ReliefKind.COLLECTION_DEFERMENT}) for k in FORCIBLE_KINDS},
    **{k: frozenset({ReliefKind.COLLECTION_STOP, ReliefKind.PERFORMANCE_DEFERRAL}) for k in JUDICIAL_KINDS},
}
REALISATION_BLOCKED_BY: dict[str, frozenset[str]] = {
    **{k: frozenset({ReliefKind.EXECUTION_STOP, ReliefKind.COLLECTION_DEFERMENT, ReliefKind.REALISATION_DEFERMENT}) for k in FORCIBLE_KINDS},
    D.EXECUTION: frozenset({ReliefKind.COLLECTION_STOP, ReliefKind.PERFORMANCE_DEFERRAL}),
}

_TAX_PREFIX = "地方税法331条6項等（国税徴収法に規定する滞納処分の例による）"
_FORCIBLE_PREFIX = "地方自治法231条の3第3項（地方税の滞納処分の例による）"
ARTICLES = {
    D.SEIZURE_DEPOSIT: "国税徴収法62条（債権の差押え）",
    D.SEIZURE_WAGE: "国税徴収法62条・76条（給与の差押禁止額）",
    D.SEIZURE_RECEIVABLE: "国税徴収法62条（債権の差押え）",
    D.SEIZURE_REAL_ESTATE: "国税徴収法68条（不動産の差押え）",
    D.SEIZURE_VEHICLE: "国税徴収法71条（自動車等の差押え）",
    D.CLAIM_FILING: "国税徴収法82条（交付要求）",
    D.PARTICIPATION: "国税徴収法86条（参加差押）",
    D.PAYMENT_ORDER: "地方自治法施行令171条の2第3号、民事訴訟法382条（支払督促）",
    D.LAWSUIT: "地方自治法施行令171条の2第3号、地方自治法96条1項12号（訴えの提起）",
    D.EXECUTION: "地方自治法施行令171条の2第2号、民事執行法22条（強制執行）",
}

WINNING = frozenset({CourtResult.JUDGMENT, CourtResult.PAYMENT_ORDER_FINAL, CourtResult.SETTLEMENT})
RESULTS_BY_KIND = {
    D.PAYMENT_ORDER: (CourtResult.PAYMENT_ORDER_FINAL, CourtResult.OBJECTION, CourtResult.WITHDRAWN, CourtResult.DISMISSED),
    D.LAWSUIT: (CourtResult.JUDGMENT, CourtResult.SETTLEMENT, CourtResult.WITHDRAWN, CourtResult.DISMISSED),
}


def _key(r: ReceivableType) -> ClassKey:
    return class_key(r.legal_class, r.is_tax)


def allowed_kinds(receivable: ReceivableType) -> frozenset[str]:
    table = getattr(settings, "SAIKEN_DISPOSITION_KINDS", None) or ALLOWED
    return frozenset(table.get(_key(receivable), ()))


LEGAL_BASIS_MAX = 200  # Disposition.legal_basis


def legal_basis(kind: str, receivables: Sequence[ReceivableType]) -> str:
    """The articles a disposition's papers cite. A seizure for a non-tax forcible claim cites
    the receivable's own act (catalog seizure_basis: 国民健康保険法79条の2, 介護保険法144条…,
    with 地方自治法231条の3第3項); a citation too long for the field falls back to the general
    one rather than being cut in the middle of an article."""
    if kind in FORCIBLE_KINDS:
        general = sorted({_TAX_PREFIX if r.is_tax else _FORCIBLE_PREFIX for r in receivables})
        own = list(dict.fromkeys(_TAX_PREFIX if r.is_tax else (r.seizure_basis.strip() or _FORCIBLE_PREFIX)
                                 for r in sorted(receivables, key=lambda r: (not r.is_tax, r.number))))
        for prefixes in (own, general):
            text = "、".join(prefixes) + "、" + ARTICLES[kind]
            if len(text) <= LEGAL_BASIS_MAX:
                return text
        return text
    return ARTICLES[kind]


def _label(kind: str) -> str:
    return D(kind).label


def _involves_tax(instalments: Sequence[Instalment]) -> bool:
    return any(i.receivable.is_tax for i in instalments)


def _document(case: Case, on: date, summary: str, outcome: str = "", user=None, *, tax: bool) -> ContactEntry:
    return ContactEntry.objects.create(case=case, kind=ContactKind.DOCUMENT, at=_at_start_of(on), by=_user(user), summary=summary[:2000],
                                       outcome=outcome[:300], is_tax=tax)


def _of_tax(d: Disposition) -> bool:
    return d.instalments.filter(receivable__is_tax=True).exists()


def relief_in_force(instalment_ids: Sequence[int], kinds: frozenset[str], on: date) -> dict[int, str]:
    """Instalment id → the label of an approved relief of `kinds` in force on `on`."""
    if not kinds:
        return {}
    rows = ReliefDecisionLine.objects.filter(
        instalment_id__in=list(instalment_ids), decision__kind__in=sorted(kinds),
        decision__status__in=[ReliefStatus.APPROVED, ReliefStatus.ENDED, ReliefStatus.REVOKED],
    ).values_list("instalment_id", "decision__kind", "decision__start_on", "decision__end_on", "decision__decided_on",
                  "decision__ended_on", "decision__revoked_on")
    out = {}
    for iid, kind, start, end, decided, ended, revoked in rows:
        period = relief_law.in_force(kind, start, end, decided, ended, revoked)
        if period is not None and period[0] <= on and (period[1] is None or on <= period[1]):
            out[iid] = relief_law.KIND_LABELS[ReliefKind(kind)]
    return out


def _last_payments(ids: Sequence[int]) -> dict[int, date]:
    rows = Entry.objects.filter(instalment_id__in=list(ids), payment__isnull=False).values("instalment_id").annotate(d=Max("payment__paid_on"))
    return {r["instalment_id"]: r["d"] for r in rows}


def check_not_paid(instalments: Sequence[Instalment]) -> None:
    """Refuse when an instalment is paid, or reported paid by a store (速報) — read now,
    on rows the caller has locked."""
    ids = [i.pk for i in instalments]
    reported = set(ReceivedPayment.objects.filter(instalment_id__in=ids, status=ReceivedPayment.Status.PRELIMINARY).values_list("instalment_id", flat=True))
    last = _last_payments(ids)
    problems = []
    for i in instalments:
        if i.principal_due <= 0:
            when = f"（{wareki(last[i.pk])}納付）" if i.pk in last else ""
            problems.append(f"{i} は完納済みです{when}。")
        elif i.pk in reported:
            problems.append(f"{i} はコンビニ等での納付の速報があります（確報待ち）。")
    if problems:
        raise CaseError(" ".join(problems), "instalments")


def _check_dates(kind: str, instalments: Sequence[Instalment], decided_on: date) -> None:
    lines = {line.instalment_id: line.demand for line in DemandLine.objects.filter(instalment__in=instalments).select_related("demand")}
    problems = []
    for i in instalments:
        demand = lines.get(i.pk)
        if kind in NEEDS_SEIZURE_DATE or kind in NEEDS_DEMAND_DEADLINE:
            if demand is None:
                problems.append(f"{i} は督促していないため{_label(kind)}できません。")
                continue
            if demand.returned:  # a 督促 has no effect before it reaches the debtor (民法97条1項)
                problems.append(f"{i} の督促状 {demand.number} は返戻され、送達されていません（再送付か公示送達を記録してください）。")
                continue
        if kind in NEEDS_SEIZURE_DATE:
            if demand.seizure_from is None:
                problems.append(f"{i} の督促状に差押可能日がありません。")
            elif decided_on < demand.seizure_from:
                problems.append(
                    f"{i} の差押えは{wareki(demand.seizure_from)}から可能です（督促状 {wareki(demand.issued_on)}発付、"
                    f"発付日から起算して10日を経過した日までに完納されないとき、地方税法331条）。"
                )
        if kind in NEEDS_DEMAND_DEADLINE and decided_on <= demand.designated_deadline:
            problems.append(f"{i} は督促状の指定期限（{wareki(demand.designated_deadline)}）を経過していません（地方自治法施行令171条の2）。")
    if kind in NEEDS_TITLE:
        titled = set(
            DispositionLine.objects.filter(instalment__in=instalments, disposition__court_result__in=sorted(WINNING)).values_list("instalment_id", flat=True)
        ) | set(PrescriptionEvent.objects.filter(instalment__in=instalments, kind=EventKind.JUDGMENT).values_list("instalment_id", flat=True))
        problems += [f"{i} には債務名義（確定判決・仮執行宣言付支払督促等）がありません。" for i in instalments if i.pk not in titled]
    if problems:
        raise CaseError(" ".join(problems), "decided_on")


def _open_events(d: Disposition, instalments: Sequence[Instalment], on: date, user, today: date) -> None:
    event = PRESCRIPTION_EVENT[d.kind]
    lines = []
    for i in instalments:
        try:
            e = record_event(instalment=i, kind=event, on=on, note=f"{_label(d.kind)} {d.pk}", user=user, today=today)
        except PrescriptionError as err:
            raise CaseError(f"{i}: {err.message}", "instalments") from err
        lines.append(DispositionLine(disposition=d, instalment=i, principal=i.principal_due, late_charge=i.late_charge_due, fee=i.fee_due,
                                     prescription_event=e))
    DispositionLine.objects.bulk_create(lines)


@transaction.atomic
def record_disposition(
    case: Case, *, kind: str, instalments: Sequence[int | Instalment], decided_on: date, executed_on: date | None = None,
    amount: int | None = None, property_description: str = "", third_party_name: str = "", third_party_postal_code: str = "",
    third_party_address: str = "", court_name: str = "", court_case_number: str = "", legal_basis_text: str = "",
    user=None, today: date | None = None,
) -> Disposition:
    """滞納処分・法的措置の記録: a seizure, 交付要求, 参加差押, 支払督促, 訴訟 or 強制執行 made
    on `executed_on` (the day of the seizure or the filing; default: the day decided)."""
    today = _today(today)
    if kind not in D.values:
        raise CaseError(f"種類 {kind!r} は登録されていません。", "kind")
    executed_on = executed_on or decided_on
    if executed_on < decided_on:
        raise CaseError("執行日・申立日が決定日より前です。", "executed_on")
    if executed_on > today:
        raise CaseError(f"{wareki(executed_on)} は未来の日付です。", "executed_on")
    if amount is not None and (not isinstance(amount, int) or isinstance(amount, bool) or amount < 0):
        raise CaseError("金額は0円以上の整数で入力してください。", "amount")
    if kind in THIRD_PARTY and not third_party_name.strip():
        raise CaseError("第三債務者（金融機関・勤務先・取引先）を入力してください。", "third_party_name")
    if kind in COURT_KINDS and not court_name.strip():
        raise CaseError("裁判所を入力してください。", "court_name")
    case = _lock(case)
    _require_open(case)
    ids = sorted({i.pk if isinstance(i, Instalment) else int(i) for i in instalments})
    if not ids:
        raise CaseError("対象の調定（期別）を選んでください。", "instalments")
    # Locked: a payment being posted now either commits first (and is seen) or waits.
    found = list(Instalment.objects.select_for_update(of=("self",)).filter(pk__in=ids, debtor_id=case.debtor_id)
                 .select_related("receivable").order_by("pk"))
    if len(found) != len(ids):
        raise CaseError("この債務者の調定だけを対象にできます。", "instalments")
    found.sort(key=lambda i: (i.due_date, i.pk))
    refused = sorted({i.receivable.name for i in found if kind not in allowed_kinds(i.receivable)})
    if refused:
        classes = "・".join(sorted({i.receivable.get_legal_class_display() for i in found if i.receivable.name in refused}))
        raise CaseError(f"{_label(kind)}は{'・'.join(refused)}（{classes}）にはできません。", "kind")
    check_not_paid(found)
    warnings = collectability.require(found, executed_on, act=_label(kind), error=CaseError)
    _check_dates(kind, found, decided_on)
    blocked = relief_in_force([i.pk for i in found], BLOCKED_BY.get(kind, frozenset()), executed_on)
    if blocked:
        raise CaseError(" ".join(f"{i} は{blocked[i.pk]}中です。" for i in found if i.pk in blocked), "instalments")
    if kind in COURT_KINDS:
        pending = DispositionLine.objects.filter(instalment__in=found, disposition__kind__in=sorted(COURT_KINDS),
                                                 disposition__status=Disposition.Status.ACTIVE)
        if pending.exists():
            raise CaseError("同じ調定について係属中の支払督促・訴訟があります（二重の申立てはできません）。", "instalments")
    d = Disposition.objects.create(
        case=case, kind=kind, decided_on=decided_on, executed_on=executed_on, amount=amount,
        property_description=property_description.strip()[:300], third_party_name=third_party_name.strip()[:200],
        third_party_postal_code=third_party_postal_code.strip()[:8], third_party_address=third_party_address.strip()[:300],
        legal_basis=(legal_basis_text.strip() or legal_basis(kind, [i.receivable for i in found]))[:200],
        court_name=court_name.strip()[:100], court_case_number=court_case_number.strip()[:100], created_by=_user(user),
    )
    _open_events(d, found, executed_on, user, today)
    tax = _involves_tax(found)
    what = "" if tax or not d.property_description else f"（{d.property_description}）"
    sent = "支払督促を申し立て" if kind == D.PAYMENT_ORDER else "訴えを提起" if kind == D.LAWSUIT else f"{_label(kind)}を執行"
    _document(case, executed_on, f"{sent}{what}", f"{len(found)}期別", user, tax=tax)
    audit.record(user=user, action="case.disposition", target=d, debtor_id=case.debtor_id,
                 summary=f"{_label(kind)}（{wareki(executed_on)}、{len(found)}期別）",
                 detail={"kind": kind, "instalments": ids, "decided_on": decided_on.isoformat(), "executed_on": executed_on.isoformat(),
                         "amount": amount, "legal_basis": d.legal_basis, "court": d.court_name, "case_number": d.court_case_number,
                         "warnings": warnings})
    d.warnings = warnings
    return d


def _locked(d: Disposition) -> Disposition:
    d = Disposition.objects.select_for_update().select_related("case__debtor").get(pk=d.pk)
    if d.status != Disposition.Status.ACTIVE:
        raise CaseError(f"この{_label(d.kind)}は終了しています（{wareki(d.ended_on)}）。", "disposition")
    return d


def _check_day(d: Disposition, on: date, today: date, what: str) -> None:
    if on < d.executed_on:
        raise CaseError(f"{what}が執行日・申立日（{wareki(d.executed_on)}）より前です。", "on")
    if on > today:
        raise CaseError(f"{what} {wareki(on)} は未来の日付です。", "on")


def _end_events(d: Disposition, on: date, user, today: date) -> None:
    for line in d.lines.select_related("prescription_event__instalment").order_by("pk"):
        e = line.prescription_event
        if e is None or e.ended_on is not None:
            continue
        try:
            end_procedure(event=e, ended_on=on, user=user, today=today)
        except PrescriptionError as err:
            raise CaseError(f"{line.instalment}: {err.message}", "on") from err


def _close(d: Disposition, on: date, reason: str) -> None:
    d.status, d.ended_on, d.end_reason = Disposition.Status.ENDED, on, reason[:300]
    d.save(update_fields=["status", "ended_on", "end_reason"])


def _split(proceeds: int, instalments: list[Instalment], on: date) -> tuple[dict[int, int], int]:
    """Yen per instalment, oldest first, each up to what clears it on `on` (the late
    charge a payment would fix included), and the remainder."""
    receivables = {i.receivable_id: i.receivable for i in instalments}
    ctx = late_charges.Context.load([i.pk for i in instalments], receivables)
    debts = []
    for i in instalments:
        balances = {c: i.balance_of(c) for c in Component}
        if i.principal_due > 0:
            balances[Component.LATE_CHARGE] += ctx.to_fix(i, on)
        debts.append(Debt(i.pk, i.due_date, balances))
    # One receivable: its own order and scope; several: each instalment in turn, oldest first.
    only = next(iter(receivables.values())) if len(receivables) == 1 else None
    order, scope = (only.order, only.scope) if only else (PUBLIC_ORDER, Scope.PER_DEBT)
    allocations, rest = allocate(proceeds, debts, order, scope)
    parts: dict[int, int] = defaultdict(int)
    for a in allocations:
        parts[a.key] += a.amount
    return dict(parts), rest


@transaction.atomic
def record_realisation(
    disposition: Disposition, *, on: date, proceeds: int, booked_on: date | None = None, note: str = "", end: bool = False,
    user=None, today: date | None = None,
) -> Realisation:
    """換価・配当（取立）: post the proceeds to the covered instalments as payments with
    channel "collection" (`saiken.ledger.actions.record_payment`, one per instalment, each
    allocated by its receivable's order); what exceeds the debt is the remainder due
    back to the debtor (国税徴収法129条3項). With `end`, the disposition ends that day."""
    today = _today(today)
    if not isinstance(proceeds, int) or isinstance(proceeds, bool) or proceeds <= 0:
        raise CaseError("配当・取立額は1円以上の整数で入力してください。", "proceeds")
    d = _locked(disposition)
    if d.kind not in REALISABLE:
        raise CaseError(f"{_label(d.kind)}には換価・配当はありません（判決後は強制執行を記録してください）。", "disposition")
    _check_day(d, on, today, "換価・取立の日")
    ids = list(d.lines.values_list("instalment_id", flat=True))
    blocked = relief_in_force(ids, REALISATION_BLOCKED_BY.get(d.kind, frozenset()), on)
    if blocked:
        raise CaseError(f"換価できません: {'、'.join(sorted(set(blocked.values())))}中の調定があります。", "on")
    instalments = list(Instalment.objects.select_for_update(of=("self",)).filter(pk__in=ids).select_related("receivable", "debtor")
                       .order_by("due_date", "pk"))
    collectability.require([i for i in instalments if i.total_due > 0], on, act="換価・配当", error=CaseError)
    parts, rest = _split(proceeds, instalments, on)
    n = d.realisations.count() + 1
    payments = []
    for i in instalments:
        amount = parts.get(i.pk, 0)
        if not amount:
            continue
        try:
            posted = record_payment(debtor=i.debtor, receivable=i.receivable, amount=amount, paid_on=on, booked_on=booked_on or on,
                                    channel=Channel.COLLECTION, instalment=i, reference=f"disposition-{d.pk}-{n}-{i.pk}", user=_user(user))
        except LedgerError as err:
            raise CaseError(f"{i}: {err.message}", "proceeds") from err
        if posted.overpaid:  # the split never exceeds what clears the instalment
            raise CaseError(f"{i}: 配当額が未納額を超えました（{posted.overpaid:,}円）。", "proceeds")
        payments.append(posted.payment)
    r = Realisation.objects.create(disposition=d, on=on, proceeds=proceeds, posted=proceeds - rest, remainder=rest, note=note.strip()[:300],
                                   created_by=_user(user))
    r.payments.set(payments)
    tax = _involves_tax(instalments)
    amounts = "" if tax else f"（{proceeds:,}円、うち残余金 {rest:,}円）" if rest else f"（{proceeds:,}円）"
    _document(d.case, on, f"{_label(d.kind)}の換価・配当（取立）{amounts}", note.strip(), user, tax=_of_tax(d))
    audit.record(user=user, action="case.realisation", target=r, debtor_id=d.case.debtor_id,
                 summary=f"{_label(d.kind)}の換価・配当 {proceeds:,}円（{wareki(on)}）",
                 detail={"disposition": d.pk, "on": on.isoformat(), "proceeds": proceeds, "posted": proceeds - rest, "remainder": rest,
                         "payments": {str(i): parts[i] for i in sorted(parts)}})
    if end:
        _end(d, on, "換価・取立の完了", user, today)
    return r


def _end(d: Disposition, on: date, reason: str, user, today: date) -> None:
    _end_events(d, on, user, today)
    _close(d, on, reason)
    _document(d.case, on, f"{_label(d.kind)}の終了（{reason}）", "", user, tax=_of_tax(d))
    audit.record(user=user, action="case.disposition_end", target=d, debtor_id=d.case.debtor_id,
                 summary=f"{_label(d.kind)}の終了（{wareki(on)}）: {reason}", detail={"on": on.isoformat(), "reason": reason})


@transaction.atomic
def end_disposition(disposition: Disposition, *, ended_on: date, reason: str, user=None, today: date | None = None) -> Disposition:
    """差押の解除・手続の終了. The procedure's prescription events end that day (a seizure
    then renews prescription). A court step ends with its result (`record_court_result`)."""
    today = _today(today)
    if not reason.strip():
        raise CaseError("終了の理由を入力してください。", "reason")
    d = _locked(disposition)
    if d.kind in COURT_KINDS:
        raise CaseError(f"{_label(d.kind)}は裁判の結果（取下げを含む）として記録してください。", "disposition")
    _check_day(d, ended_on, today, "終了日")
    _end(d, ended_on, reason.strip(), user, today)
    return d


@transaction.atomic
def record_court_result(
    disposition: Disposition, *, result: str, on: date, court_case_number: str = "", note: str = "", user=None, today: date | None = None,
) -> Disposition:
    """裁判の結果. A won result (judgment, final 支払督促, settlement) renews prescription for
    10 years from `on`; every result ends the pending proceeding (which suspends it for
    6 more months, 民法147条). A 督促異議 moves the claim to 訴訟 (民訴法395条): a lawsuit
    is recorded on the same instalments from that day."""
    today = _today(today)
    d = _locked(disposition)
    if d.kind not in COURT_KINDS:
        raise CaseError(f"{_label(d.kind)}には裁判の結果はありません。", "disposition")
    if result not in RESULTS_BY_KIND[d.kind]:
        allowed = "・".join(CourtResult(r).label for r in RESULTS_BY_KIND[d.kind])
        raise CaseError(f"{_label(d.kind)}の結果は {allowed} のいずれかです。", "result")
    _check_day(d, on, today, "結果の日")
    result = CourtResult(result)
    lines = list(d.lines.select_related("instalment__receivable", "prescription_event").order_by("instalment__due_date", "instalment_id"))
    _end_events(d, on, user, today)
    if result in WINNING:
        for line in lines:
            if line.instalment.principal_due <= 0:
                continue  # paid meanwhile: nothing left to prescribe
            try:
                record_event(instalment=line.instalment, kind=EventKind.JUDGMENT, on=on, note=f"{result.label} {d.pk}", user=user, today=today)
            except PrescriptionError as err:
                raise CaseError(f"{line.instalment}: {err.message}", "on") from err
    d.court_result, d.court_result_on = result, on
    if court_case_number.strip():
        d.court_case_number = court_case_number.strip()[:100]
    d.result = note.strip()
    d.save(update_fields=["court_result", "court_result_on", "court_case_number", "result"])
    _close(d, on, result.label)
    _document(d.case, on, f"{_label(d.kind)}: {result.label}", note.strip(), user, tax=_of_tax(d))
    audit.record(user=user, action="case.court_result", target=d, debtor_id=d.case.debtor_id,
                 summary=f"{_label(d.kind)}の結果: {result.label}（{wareki(on)}）",
                 detail={"result": result.value, "on": on.isoformat(), "case_number": d.court_case_number, "note": note.strip()})
    if result == CourtResult.OBJECTION:
        owed = [line.instalment for line in lines if line.instalment.principal_due > 0]
        if owed:
            _lawsuit_after_objection(d, owed, on, user, today)
    return d


def _lawsuit_after_objection(d: Disposition, instalments: list[Instalment], on: date, user, today: date) -> Disposition:
    suit = Disposition.objects.create(
        case=d.case, kind=D.LAWSUIT, decided_on=on, executed_on=on, amount=d.amount, property_description=d.property_description,
        legal_basis=f"民事訴訟法395条（督促異議による訴訟への移行）、{ARTICLES[D.LAWSUIT]}"[:200], court_name=d.court_name,
        follows=d, created_by=_user(user),
    )
    _open_events(suit, instalments, on, user, today)
    _document(d.case, on, "督促異議により訴訟へ移行", "訴えの提起には議会の議決又は専決処分が必要です（地方自治法96条1項12号・180条）。", user,
              tax=_involves_tax(instalments))
    audit.record(user=user, action="case.disposition", target=suit, debtor_id=d.case.debtor_id,
                 summary=f"督促異議により訴訟へ移行（{wareki(on)}、{len(instalments)}期別）",
                 detail={"kind": D.LAWSUIT, "follows": d.pk, "instalments": [i.pk for i in instalments], "executed_on": on.isoformat()})
    return suit


def check_printable(d: Disposition) -> None:
    """Refuse the documents (差押調書, 債権差押通知書) of a disposition recorded on a claim
    already extinguished that day — possible only for records made before the acts
    checked it: such a seizure is unlawful (地方税法18条2項, 地方自治法236条2項) and must
    be released, not served."""
    instalments = [line.instalment for line in d.lines.select_related("instalment__receivable").order_by("instalment_id")]
    collectability.require(instalments, d.executed_on, act=f"{_label(d.kind)}の文書の発行", error=CaseError)


def details_visible(d: Disposition, see_tax: bool) -> bool:
    """May the user read a disposition's amounts, property and third party? Not a tax
    disposition without `may_see_tax` (its existence and dates are shown)."""
    return see_tax or not any(line.instalment.receivable.is_tax for line in d.lines.all())
