"""One function per change to a relief decision (緩和措置).

Each first asks the access policy (`saiken.staff.policy`) whether the user may do
the act on the decision's receivable — proposing is `Act.RELIEF_PROPOSE`, approving,
rejecting, revoking and ending are `Act.RELIEF_DECIDE` plus the Django permission
`relief.approve_reliefdecision` — and refuses with `policy.Refused`, writing nothing
but an audit row of the refused attempt. It then checks the change against the law
(`saiken.core.relief`) and the city's table of allowed classes, writes the decision
and an audit row in one transaction, and raises LedgerError (writing nothing) when
the law does not allow it. Views and commands only parse input and call these.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date

from django.db import transaction
from django.utils import timezone

from saiken.audit import record
from saiken.core import relief as law
from saiken.core.era import fiscal_year_label
from saiken.core.relief import KIND_LABELS, Problem, ReliefKind
from saiken.debtors.models import Debtor
from saiken.ledger.errors import LedgerError
from saiken.ledger.models import Instalment
from saiken.relief.models import ReliefDecision, ReliefDecisionLine, ReliefRule, ReliefSchedule, Status
from saiken.staff import policy as access_policy
from saiken.staff.policy import Act

APPROVE_PERMISSION = "relief.approve_reliefdecision"
# Decisions whose effect counts against a new one of the same kind.
_GRANTED = (Status.APPROVED, Status.ENDED, Status.REVOKED)
_KINDS = frozenset(k.value for k in ReliefKind)


class ReliefRefused(LedgerError):
    """A proposal or an approval the law does not allow, with every reason."""

    def __init__(self, problems: Sequence[Problem]):
        super().__init__("\n".join(p.message for p in problems), problems[0].field)
        self.problems = list(problems)


def policy() -> law.Policy:
    """The law's defaults with the city's table of allowed classes (ReliefRule) applied."""
    allowed = dict(law.DEFAULT_ALLOWED)
    for rule in ReliefRule.objects.all():
        if rule.kind in _KINDS:
            allowed[ReliefKind(rule.kind)] = rule.classes()
    return law.Policy(allowed=allowed)


def can_decide(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.has_perm(APPROVE_PERMISSION))


def decide_refusal(user, decision: ReliefDecision) -> str | None:
    """Why the user may not approve, reject, revoke or end this decision (None: they may).

    Both the policy's `Act.RELIEF_DECIDE` on the decision's receivable (a manager of the
    department that owns it, or an administrator) and the Django permission
    `relief.approve_reliefdecision` (a city grants 決裁権 to named managers, 専決規程) are
    required: the permission alone let a manager decide another department's tax relief.
    """
    message = access_policy.refusal(user, Act.RELIEF_DECIDE, decision.receivable_id)
    if message is None and not user.has_perm(APPROVE_PERMISSION):
        message = "緩和措置を決裁する権限がありません。"
    return message


def may_decide(user, decision: ReliefDecision) -> bool:
    return decide_refusal(user, decision) is None


def _require_decider(user, decision: ReliefDecision, action: str) -> None:
    message = decide_refusal(user, decision)
    if message is not None:
        access_policy.refuse_recorded(user, action, message, target=decision)


def instalment_label(i: Instalment) -> str:
    subject = f" {i.subject}" if i.subject else ""
    return f"{fiscal_year_label(i.fiscal_year)} {i.receivable.name}{subject} 第{i.instalment_no}期"


def _lines(
    debtor_id: int, kind: str, ids: Sequence[int], exclude: int | None = None
) -> tuple[list[Instalment], list[law.Line], list[Problem]]:
    """The instalments, locked, as the rules see them; and what is wrong with the choice.

    Locked so that two decisions on the same instalment are checked one after the
    other: otherwise both could pass the overlap check and both be granted.
    """
    instalments = list(
        Instalment.objects.select_for_update().filter(pk__in=set(ids)).select_related("receivable").order_by("due_date", "id")
    )
    problems = []
    if len(instalments) != len(set(ids)):
        problems.append(Problem("instalments", "選ばれた調定の一部が見つかりません。"))
    if any(i.debtor_id != debtor_id for i in instalments):
        problems.append(Problem("instalments", "別の債務者の調定が含まれています。"))
    if len({i.receivable_id for i in instalments}) > 1:
        problems.append(Problem("instalments", "一つの措置の対象は同じ債権の調定に限られます。債権ごとに起案してください。"))
    granted = (
        ReliefDecisionLine.objects.filter(instalment_id__in=[i.pk for i in instalments], decision__status__in=_GRANTED)
        .exclude(decision_id=exclude)
        .filter(decision__kind__in=[kind, ReliefKind.PERFORMANCE_DEFERRAL])
        .values_list(
            "instalment_id", "decision__kind", "decision__start_on", "decision__end_on", "decision__decided_on",
            "decision__ended_on", "decision__revoked_on", "decision__ground",
        )
    )
    same_kind: dict[int, list] = defaultdict(list)
    deferral_start: dict[int, date] = {}
    other_deferral: set[int] = set()
    for iid, k, start, end, decided, ended, revoked, ground in granted:
        period = law.in_force(k, start, end, decided, ended, revoked)
        if k == kind and period is not None:
            same_kind[iid].append(period)
        if k == ReliefKind.PERFORMANCE_DEFERRAL:
            if ground != law.DEFERRAL_WITHOUT_MEANS:  # 171条の7 counts only these
                other_deferral.add(iid)
                continue
            first = law.effective_start(start, decided)
            deferral_start[iid] = min(first, deferral_start.get(iid, first))
    lines = [
        law.Line(
            label=instalment_label(i),
            due_date=i.due_date,
            balance=i.total_due,
            same_kind=tuple(sorted(same_kind[i.pk])),
            deferral_start=deferral_start.get(i.pk),
            other_deferral=i.pk in other_deferral,
        )
        for i in instalments
    ]
    return instalments, lines, problems


def _check_user(user, field: str = "user") -> None:
    if user is None or not user.is_authenticated:
        raise LedgerError("ログインしている職員だけが操作できます。", field)


def propose_relief(
    *,
    debtor: Debtor,
    kind: str,
    instalments: Sequence[int | Instalment],
    ground: str,
    reason: str,
    start_on: date | None,
    end_on: date | None = None,
    legal_basis: str = "",
    immediate_extinction: bool = False,
    schedule: Sequence[tuple[date, int]] = (),
    user,
) -> ReliefDecision:
    """起案: a clerk proposes a decision on some of a debtor's instalments of one receivable.

    Only on receivables the user may propose relief on (`Act.RELIEF_PROPOSE`: the
    department that owns them; 地方税法22条 keeps tax relief with tax staff)."""
    ids = [i.pk if isinstance(i, Instalment) else int(i) for i in instalments]
    receivables = sorted(set(Instalment.objects.filter(pk__in=ids).values_list("receivable_id", flat=True)))
    for r in receivables or [None]:
        message = access_policy.refusal(user, Act.RELIEF_PROPOSE, r, debtor_id=debtor.pk)
        if message is not None:
            access_policy.refuse_recorded(user, "relief.propose", message, target=debtor, detail={"kind": kind, "instalments": ids})
    return _propose(
        debtor=debtor, kind=kind, instalments=ids, ground=ground, reason=reason, start_on=start_on, end_on=end_on,
        legal_basis=legal_basis, immediate_extinction=immediate_extinction, schedule=schedule, user=user,
    )


@transaction.atomic
def _propose(
    *,
    debtor: Debtor,
    kind: str,
    instalments: Sequence[int | Instalment],
    ground: str,
    reason: str,
    start_on: date | None,
    end_on: date | None = None,
    legal_basis: str = "",
    immediate_extinction: bool = False,
    schedule: Sequence[tuple[date, int]] = (),
    user,
) -> ReliefDecision:
    _check_user(user, "proposed_by")
    if kind not in _KINDS:
        raise LedgerError(f"緩和措置の種類 {kind!r} は登録されていません。", "kind")
    ids = [i.pk if isinstance(i, Instalment) else int(i) for i in instalments]
    found, lines, problems = _lines(debtor.pk, kind, ids)
    if not ids:
        problems.append(Problem("instalments", "対象の調定（期別）を選んでください。"))
    pending = ReliefDecisionLine.objects.filter(instalment_id__in=ids, decision__kind=kind, decision__status=Status.PROPOSED)
    if pending.exists():
        problems.append(Problem("instalments", f"決裁待ちの{KIND_LABELS[ReliefKind(kind)]}が既にある調定が含まれています。"))
    schedule = tuple((d, a) for d, a in schedule)
    if kind == ReliefKind.PERFORMANCE_DEFERRAL and schedule and end_on is None:
        end_on = max(d for d, _ in schedule)  # the agreement runs to its last payment
    if found and not problems:
        receivable = found[0].receivable
        proposal = law.Proposal(
            kind=kind, class_key=law.class_key(receivable.legal_class, receivable.is_tax), lines=tuple(lines),
            start_on=start_on, end_on=end_on, ground=ground, reason=reason,
            immediate_extinction=immediate_extinction, schedule=schedule,
        )
        problems += law.validate(proposal, policy())
    if problems:
        raise ReliefRefused(problems)
    decision = ReliefDecision.objects.create(
        debtor=debtor, receivable=found[0].receivable, kind=kind, ground=ground,
        legal_basis=legal_basis.strip() or law.legal_basis(ReliefKind(kind), ground),
        reason=reason.strip(), start_on=start_on, end_on=end_on, immediate_extinction=immediate_extinction,
        proposed_by=user, proposed_at=timezone.now(),
    )
    ReliefDecisionLine.objects.bulk_create(
        ReliefDecisionLine(decision=decision, instalment=i, principal=i.principal_due, late_charge=i.late_charge_due, fee=i.fee_due)
        for i in found
    )
    ReliefSchedule.objects.bulk_create(
        ReliefSchedule(decision=decision, number=n, due_on=d, amount=a) for n, (d, a) in enumerate(schedule, start=1)
    )
    record(
        user=user, action="relief.propose", target=decision,
        summary=f"{decision.get_kind_display()}を起案（{len(found)}期別、{sum(i.total_due for i in found):,}円）",
        detail={
            "kind": kind, "ground": ground, "start_on": start_on.isoformat(), "end_on": end_on.isoformat() if end_on else None,
            "instalments": [i.pk for i in found], "immediate_extinction": immediate_extinction,
            "schedule": [[d.isoformat(), a] for d, a in schedule],
        },
    )
    return decision


def _locked(decision: ReliefDecision) -> ReliefDecision:
    """The decision, locked: two managers acting on it at once are served one after the other."""
    return ReliefDecision.objects.select_for_update().select_related("receivable").get(pk=decision.pk)


def _refuse_unless(decision: ReliefDecision, *statuses: str, doing: str) -> None:
    if decision.status not in statuses:
        raise LedgerError(f"{decision.get_status_display()}の措置は{doing}できません。", "status")


def approve_relief(decision: ReliefDecision, user, on: date, note: str = "") -> ReliefDecision:
    """決裁: a manager other than the proposer approves. The proposal is checked again
    as things stand now (payments or other decisions since it was made)."""
    _require_decider(user, decision, "relief.approve")
    return _approve_relief(decision, user, on, note)


@transaction.atomic
def _approve_relief(decision: ReliefDecision, user, on: date, note: str = "") -> ReliefDecision:
    decision = _locked(decision)
    _refuse_unless(decision, Status.PROPOSED, doing="決裁")
    if decision.proposed_by_id == user.pk:
        raise LedgerError("起案者は自分の起案を決裁できません。", "user")
    ids = list(decision.lines.values_list("instalment_id", flat=True))
    _, lines, problems = _lines(decision.debtor_id, decision.kind, ids, exclude=decision.pk)
    receivable = decision.receivable
    proposal = law.Proposal(
        kind=decision.kind, class_key=law.class_key(receivable.legal_class, receivable.is_tax), lines=tuple(lines),
        start_on=decision.start_on, end_on=decision.end_on, ground=decision.ground, reason=decision.reason,
        immediate_extinction=decision.immediate_extinction,
        schedule=tuple(decision.schedule.values_list("due_on", "amount")),
    )
    problems += law.validate(proposal, policy())
    if problems:
        raise ReliefRefused(problems)
    decision.status, decision.approved_by, decision.decided_on, decision.decision_note = Status.APPROVED, user, on, note.strip()
    decision.save(update_fields=["status", "approved_by", "decided_on", "decision_note"])
    record(
        user=user, action="relief.approve", target=decision, summary=f"{decision.get_kind_display()}を決裁",
        detail={"decided_on": on.isoformat()},
    )
    return decision


def reject_relief(decision: ReliefDecision, user, on: date, reason: str) -> ReliefDecision:
    """却下: a manager turns a proposal down, saying why (a manager may also withdraw their own)."""
    _require_decider(user, decision, "relief.reject")
    return _reject_relief(decision, user, on, reason)


@transaction.atomic
def _reject_relief(decision: ReliefDecision, user, on: date, reason: str) -> ReliefDecision:
    if not reason.strip():
        raise LedgerError("却下の理由を入力してください。", "reason")
    decision = _locked(decision)
    _refuse_unless(decision, Status.PROPOSED, doing="却下")
    decision.status, decision.approved_by, decision.decided_on, decision.decision_note = Status.REJECTED, user, on, reason.strip()
    decision.save(update_fields=["status", "approved_by", "decided_on", "decision_note"])
    record(
        user=user, action="relief.reject", target=decision, summary=f"{decision.get_kind_display()}を却下",
        detail={"decided_on": on.isoformat(), "reason": reason.strip()},
    )
    return decision


def revoke_execution_stop(decision: ReliefDecision, user, on: date, reason: str) -> ReliefDecision:
    """執行停止の取消 (地方税法15条の8): possible until the obligation has been extinguished."""
    _require_decider(user, decision, "relief.revoke")
    return _revoke_execution_stop(decision, user, on, reason)


@transaction.atomic
def _revoke_execution_stop(decision: ReliefDecision, user, on: date, reason: str) -> ReliefDecision:
    if not reason.strip():
        raise LedgerError("取消の理由を入力してください。", "revocation_reason")
    decision = _locked(decision)
    if decision.kind != ReliefKind.EXECUTION_STOP:
        raise LedgerError("取消できるのは滞納処分の執行停止だけです。", "kind")
    _refuse_unless(decision, Status.APPROVED, doing="取消")
    start = law.effective_start(decision.start_on, decision.decided_on)
    if on < start:
        raise LedgerError(f"取消日が執行停止の開始日（{start}）より前です。", "revoked_on")
    extinct = law.stop_extinction_date(start, decision.immediate_extinction)
    if on >= extinct:
        raise LedgerError(f"納付義務は{extinct}に消滅しているため、取消できません。", "revoked_on")
    decision.status, decision.revoked_on, decision.revocation_reason = Status.REVOKED, on, reason.strip()
    decision.save(update_fields=["status", "revoked_on", "revocation_reason"])
    record(
        user=user, action="relief.revoke", target=decision, summary="滞納処分の執行停止を取消",
        detail={"revoked_on": on.isoformat(), "reason": reason.strip()},
    )
    return decision


def end_relief(decision: ReliefDecision, user, on: date, reason: str) -> ReliefDecision:
    """措置の終了: a 猶予, 徴収停止 or 履行延期 ends early; `on` is its last day."""
    _require_decider(user, decision, "relief.end")
    return _end_relief(decision, user, on, reason)


@transaction.atomic
def _end_relief(decision: ReliefDecision, user, on: date, reason: str) -> ReliefDecision:
    if not reason.strip():
        raise LedgerError("終了の理由を入力してください。", "end_reason")
    decision = _locked(decision)
    if not law.has_end(decision.kind):
        if decision.kind == ReliefKind.EXECUTION_STOP:
            raise LedgerError("執行停止は取消により終了します。", "kind")
        raise LedgerError(f"{decision.get_kind_display()}は終了できません。", "kind")
    _refuse_unless(decision, Status.APPROVED, doing="終了")
    if on < decision.start_on:
        raise LedgerError(f"終了日が開始日（{decision.start_on}）より前です。", "ended_on")
    if decision.end_on is not None and on > decision.end_on:
        raise LedgerError(f"期間は{decision.end_on}に満了しています。", "ended_on")
    decision.status, decision.ended_on, decision.end_reason = Status.ENDED, on, reason.strip()
    decision.save(update_fields=["status", "ended_on", "end_reason"])
    record(
        user=user, action="relief.end", target=decision, summary=f"{decision.get_kind_display()}を終了",
        detail={"ended_on": on.isoformat(), "reason": reason.strip()},
    )
    return decision
