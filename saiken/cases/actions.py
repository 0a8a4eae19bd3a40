"""One function per change to case work (滞納整理).

Each validates, writes its rows and one audit row per case changed in one
transaction, and raises CaseError (writing nothing) when the change is not
allowed. Views and commands only parse input and call these.

Controlling a case — assigning its officer, closing and reopening it — is asked of
the access policy (`Act.CASE_WORK`) for every receivable the case holds: one case
gathers all a debtor owes, so a clerk whose department owns only part of it may work
her part (log, pledge, promise) but not reassign or close the whole; that is for a
department that owns every debt of the case, or an administrator. Transferring a case
to the central team and back is for a manager of the case's department (the team sees
only what it may, tax apart). See `control_refusal`. A refusal raises `policy.Refused`
and leaves an audit row of the attempt, nothing else.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q, Sum
from django.utils import timezone

from saiken import audit
from saiken.cases.models import (
    Case, ContactEntry, ContactKind, Pledge, PledgeInstalment, PledgeRule, Promise, Task, Transfer, WelfareReferral,
    default_grace_days,
)
from saiken.cases.pledges import judge_pledges, judge_promises
from saiken.catalog.models import Department, ReceivableType
from saiken.core.era import wareki
from saiken.debtors.models import Debtor
from saiken.ledger.models import Instalment
from saiken.prescription import collectability
from saiken.prescription.actions import PrescriptionError, record_event
from saiken.prescription.models import EventKind
from saiken.staff import access, policy
from saiken.staff.models import Role
from saiken.staff.policy import Act

OPEN = Q(principal_due__gt=0) | Q(late_charge_due__gt=0) | Q(fee_due__gt=0)
DEFAULT_INVESTIGATION_DAYS = 14
CHUNK = 1000


class CaseError(Exception):
    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


def investigation_days() -> int:
    """Days the officer has to start the investigation after a pledge is found broken
    (setting SAIKEN_INVESTIGATION_TASK_DAYS, default 14)."""
    return int(getattr(settings, "SAIKEN_INVESTIGATION_TASK_DAYS", DEFAULT_INVESTIGATION_DAYS))


def _today(today: date | None) -> date:
    return today or timezone.localdate()


def _at_start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _lock(case: Case) -> Case:
    return Case.objects.select_for_update().select_related("debtor").get(pk=case.pk)


def _require_open(case: Case) -> None:
    if case.status != Case.Status.OPEN:
        raise CaseError("終結した事案です。再開してから操作してください。", "case")


def _home_department(debtor: Debtor, user) -> Department:
    """The department that owns a new case: the user's, if the debtor owes it something;
    else the one owed the most; else the user's."""
    owed = list(
        Instalment.objects.filter(debtor=debtor).filter(OPEN)
        .values("receivable__department_id")
        .annotate(total=Sum(F("principal_due") + F("late_charge_due") + F("fee_due")))
        .order_by("-total", "receivable__department_id")
        .values_list("receivable__department_id", flat=True)
    )
    mine = access.department_id(user) if user is not None else None
    chosen = mine if mine in owed else (owed[0] if owed else mine)
    if chosen is None:
        raise CaseError("所管課を決められません（未納の債権がなく、所属もありません）。", "department")
    return Department.objects.get(pk=chosen)


# --- who may control a case ---------------------------------------------------------

SUPERVISING = (Role.MANAGER, Role.ADMIN)


def case_receivable_ids(case: Case) -> list[int]:
    """The receivables a case holds: those of the debtor's open debts, else of any debt."""
    debts = Instalment.objects.filter(debtor_id=case.debtor_id)
    ids = set(debts.filter(OPEN).values_list("receivable_id", flat=True).distinct())
    return sorted(ids or set(debts.values_list("receivable_id", flat=True).distinct()))


def control_refusal(user, case: Case, what: str, *, whole: bool = True) -> str | None:
    """Why the user may not `what` (担当者の変更, 終結, 再開, 移管...) the case, or None.

    `whole`: `Act.CASE_WORK` on every receivable the case holds (the department that owns
    them all, or an administrator); a case without debts, its own department's staff.
    Not `whole` (移管 and its return, which hand the central team only what it may see):
    the staff of the case's department. The central team (collector) acts on what was
    transferred to it, tax apart (地方税法22条)."""
    message = policy.refusal(user, Act.CASE_WORK)
    if message is not None:
        return message
    role = access.role(user)
    if role == Role.ADMIN:
        return None
    if role == Role.COLLECTOR and not case.transferred_to_central:
        return f"移管されていない事案の{what}は、所管課の職員だけが行えます。"
    receivables = case_receivable_ids(case) if whole else []
    if not receivables and role != Role.COLLECTOR:
        if access.department_id(user) != case.department_id:
            return f"この事案の{what}は、所管課（{case.department.name}）の職員だけが行えます。"
        return None
    if any(not policy.may(user, Act.CASE_WORK, r, debtor_id=case.debtor_id) for r in receivables):
        return f"他の課の債権を含む事案の{what}は、そのすべての債権を所管する課の職員かシステム管理者だけが行えます。"
    return None


def may_control(user, case: Case | None, what: str = "操作") -> bool:
    return case is not None and control_refusal(user, case, what) is None


def _require_control(
    user, case: Case, action: str, what: str, *, supervising: bool = False, whole: bool = True, detail: dict | None = None,
) -> None:
    case = Case.objects.select_related("department").get(pk=case.pk)  # as it stands, not as the caller read it
    message = control_refusal(user, case, what, whole=whole)
    if message is None and supervising and access.role(user) not in SUPERVISING:
        message = f"{what}は、課長・システム管理者だけが行えます。"
    if message is not None:
        policy.refuse_recorded(user, action, message, target=case, debtor_id=case.debtor_id, detail=detail)


# --- opening and closing -------------------------------------------------------------


def open_case(*, debtor: Debtor, department: Department | None = None, officer=None, on: date | None = None, user=None) -> Case:
    """事案の開始: open the debtor's case, or reopen it if it was closed (reopening is
    controlling the case: `control_refusal`)."""
    existing = Case.objects.filter(debtor=debtor).select_related("department").first()
    if existing is not None and existing.status == Case.Status.CLOSED:
        _require_control(user, existing, "case.reopen", "再開")
    return _open_case(debtor=debtor, department=department, officer=officer, on=on, user=user)


@transaction.atomic
def _open_case(*, debtor: Debtor, department: Department | None, officer, on: date | None, user) -> Case:
    on = _today(on)
    existing = Case.objects.select_for_update().filter(debtor=debtor).first()
    if existing is not None:
        if existing.status == Case.Status.OPEN:
            raise CaseError(f"{debtor} の事案は既に対応中です。", "debtor")
        existing.status, existing.closed_on = Case.Status.OPEN, None
        existing.save(update_fields=["status", "closed_on", "updated_at"])
        audit.record(user=user, action="case.reopen", target=existing, summary=f"{debtor} の事案を再開（{wareki(on)}）",
                     detail={"on": on.isoformat()})
        return existing
    department = department or _home_department(debtor, user)
    try:
        # Two clerks opening the same debtor's case at once: the one-to-one key lets one in.
        with transaction.atomic():
            case = Case.objects.create(debtor=debtor, department=department, officer=officer, opened_on=on)
    except IntegrityError as e:
        raise CaseError(f"{debtor} の事案は既に開始されています。", "debtor") from e
    audit.record(
        user=user, action="case.open", target=case, summary=f"{debtor} の事案を開始（{department.name}）",
        detail={"department": department.code, "officer": officer.pk if officer else None, "on": on.isoformat()},
    )
    return case


def case_for(debtor: Debtor, *, user=None, on: date | None = None) -> Case:
    """The debtor's case, opened now if there is none (a closed one is returned as it is)."""
    case = Case.objects.filter(debtor=debtor).first()
    if case is not None:
        return case
    try:
        return open_case(debtor=debtor, officer=None, on=on, user=user)
    except CaseError:
        # Opened by someone else meanwhile; any other refusal stands.
        case = Case.objects.filter(debtor=debtor).first()
        if case is None:
            raise
        return case


def close_case(case: Case, *, on: date, reason: str, user=None) -> Case:
    """事案の終結: paid in full, written off, or handed over (`control_refusal`)."""
    _require_control(user, case, "case.close", "終結")
    return _close_case(case, on=on, reason=reason, user=user)


@transaction.atomic
def _close_case(case: Case, *, on: date, reason: str, user) -> Case:
    case = _lock(case)
    _require_open(case)
    if not reason.strip():
        raise CaseError("終結の理由を入力してください。", "reason")
    case.status, case.closed_on = Case.Status.CLOSED, on
    case.save(update_fields=["status", "closed_on", "updated_at"])
    audit.record(user=user, action="case.close", target=case, summary=f"事案を終結（{wareki(on)}）: {reason.strip()}",
                 detail={"on": on.isoformat(), "reason": reason.strip()})
    return case


# --- officer and plan ----------------------------------------------------------------


def assign(case: Case, officer, *, user=None) -> Case:
    """担当者の割当て (None: unassigned): a clerk takes the case herself; a manager assigns
    anyone (`control_refusal` for both)."""
    own = officer is not None and user is not None and officer.pk == getattr(user, "pk", None)
    _require_control(user, case, "case.assign", "担当者の変更", supervising=not own,
                     detail={"to": officer.pk if officer else None})
    return _assign(case, officer, user=user)


@transaction.atomic
def _assign(case: Case, officer, *, user) -> Case:
    case = _lock(case)
    before = case.officer_id
    case.officer = officer
    case.save(update_fields=["officer", "updated_at"])
    name = officer.get_username() if officer else "（未割当）"
    audit.record(user=user, action="case.assign", target=case, summary=f"担当者を {name} に変更",
                 detail={"from": before, "to": officer.pk if officer else None})
    return case


@transaction.atomic
def set_next_action(case: Case, *, on: date | None, what: str = "", user=None) -> Case:
    """次回対応日の設定 (None clears it, which makes an open case stalled)."""
    case = _lock(case)
    _require_open(case)
    case.next_action_on, case.next_action = on, what.strip()[:200]
    case.save(update_fields=["next_action_on", "next_action", "updated_at"])
    summary = f"次回対応日 {wareki(on)} {case.next_action}".strip() if on else "次回対応日を解除"
    audit.record(user=user, action="case.next_action", target=case, summary=summary,
                 detail={"on": on.isoformat() if on else None, "what": case.next_action})
    return case


# --- the contact log -----------------------------------------------------------------


@transaction.atomic
def log_contact(
    case: Case, *, kind: str, at: datetime, summary: str, where: str = "", counterpart: str = "", outcome: str = "",
    by=None, user=None,
) -> ContactEntry:
    """交渉経過の記録: a call, visit, counter visit, letter, mail or document."""
    if kind not in ContactKind.values or kind == ContactKind.RECORD:
        raise CaseError(f"種類 {kind!r} は記録できません。", "kind")
    if timezone.is_naive(at):
        raise CaseError("日時にタイムゾーンがありません。", "at")
    if at > timezone.now() + timedelta(minutes=5):
        raise CaseError("未来の日時は記録できません。", "at")
    if not summary.strip():
        raise CaseError("内容を入力してください。", "summary")
    case = _lock(case)
    entry = ContactEntry.objects.create(
        case=case, kind=kind, at=at, by=by or (user if getattr(user, "is_authenticated", False) else None),
        where=where.strip(), counterpart=counterpart.strip(), summary=summary.strip(), outcome=outcome.strip(),
    )
    # The audit row says that a contact was recorded, not what was said: the note stays on
    # the case, where tax secrecy applies (地方税法22条); the audit log's readers are others.
    audit.record(user=user, action="case.contact", target=entry, debtor_id=case.debtor_id,
                 summary=f"{entry.get_kind_display()}（{timezone.localtime(at):%Y-%m-%d %H:%M}）を記録",
                 detail={"kind": kind, "at": at.isoformat(), "entry": entry.pk})
    return entry


# --- pledges and promises ------------------------------------------------------------


def grace_days_for(receivable_ids: Iterable[int]) -> int:
    """The covered receivables' own grace days (the longest, if they differ), else the setting."""
    days = list(PledgeRule.objects.filter(receivable_id__in=list(receivable_ids)).values_list("grace_days", flat=True))
    return max(days) if days else default_grace_days()


def _check_schedule(schedule: Sequence[tuple[date, int]], signed_on: date) -> list[tuple[date, int]]:
    rows = sorted(schedule)
    if not rows:
        raise CaseError("分納計画を1回以上入力してください。", "schedule")
    for n, (due_on, amount) in enumerate(rows, start=1):
        if not isinstance(amount, int) or isinstance(amount, bool) or amount <= 0:
            raise CaseError(f"第{n}回の金額は1円以上の整数で入力してください。", "schedule")
        if due_on < signed_on:
            raise CaseError(f"第{n}回の納付期限 {wareki(due_on)} が誓約日より前です。", "schedule")
    if len({d for d, _ in rows}) != len(rows):
        raise CaseError("同じ納付期限の回が複数あります。", "schedule")
    return rows


@transaction.atomic
def sign_pledge(
    case: Case, *, instalments: Sequence[int | Instalment], signed_on: date, schedule: Sequence[tuple[date, int]],
    grace_days: int | None = None, note: str = "", user=None, today: date | None = None,
) -> Pledge:
    """分納誓約の締結. A signed pledge acknowledges the debt, so it renews prescription
    (時効の更新) of every covered instalment: one PrescriptionEvent each."""
    today = _today(today)
    if signed_on > today:
        raise CaseError(f"誓約日 {wareki(signed_on)} は未来の日付です。", "signed_on")
    case = _lock(case)
    _require_open(case)
    ids = sorted({i.pk if isinstance(i, Instalment) else int(i) for i in instalments})
    if not ids:
        raise CaseError("対象の調定（期別）を選んでください。", "instalments")
    found = list(Instalment.objects.filter(pk__in=ids, debtor_id=case.debtor_id).filter(OPEN).order_by("due_date", "pk"))
    if len(found) != len(ids):
        raise CaseError("この債務者の未納の調定だけを対象にできます。", "instalments")
    rows = _check_schedule(schedule, signed_on)
    warnings = collectability.require(found, signed_on, act="分納誓約", error=CaseError)
    if grace_days is None:
        grace_days = grace_days_for({i.receivable_id for i in found})
    if grace_days < 0:
        raise CaseError("猶予日数は0日以上で入力してください。", "grace_days")
    pledge = Pledge.objects.create(case=case, signed_on=signed_on, grace_days=grace_days, note=note.strip()[:300], created_by=_user(user))
    pledge.instalments.set(found)
    PledgeInstalment.objects.bulk_create(
        PledgeInstalment(pledge=pledge, number=n, due_on=d, amount=a) for n, (d, a) in enumerate(rows, start=1)
    )
    for i in found:
        try:
            record_event(instalment=i, kind=EventKind.PLEDGE, on=signed_on, note=f"分納誓約 {pledge.pk}", user=user, today=today)
        except PrescriptionError as e:
            raise CaseError(f"{i}: {e.message}", "instalments") from e
    total = sum(a for _, a in rows)
    audit.record(
        user=user, action="case.pledge", target=pledge, debtor_id=case.debtor_id,
        summary=f"分納誓約（{wareki(signed_on)}、{len(rows)}回、計{total:,}円、{len(found)}期別）",
        detail={"signed_on": signed_on.isoformat(), "instalments": ids, "grace_days": grace_days,
                "schedule": [[d.isoformat(), a] for d, a in rows], "warnings": warnings},
    )
    pledge.warnings = warnings
    return pledge


@transaction.atomic
def record_promise(
    case: Case, *, due_on: date, amount: int, promised_on: date, receivable: ReceivableType | None = None,
    contact: ContactEntry | None = None, user=None,
) -> Promise:
    """納付約束の記録: a date and amount said on the phone or at the counter."""
    if not isinstance(amount, int) or isinstance(amount, bool) or amount <= 0:
        raise CaseError("金額は1円以上の整数で入力してください。", "amount")
    if due_on < promised_on:
        raise CaseError("納付予定日が約束した日より前です。", "due_on")
    case = _lock(case)
    _require_open(case)
    if contact is not None and contact.case_id != case.pk:
        raise CaseError("別の事案の交渉経過です。", "contact")
    warnings = _promise_collectable(case, receivable, promised_on)
    promise = Promise.objects.create(case=case, promised_on=promised_on, due_on=due_on, amount=amount, receivable=receivable,
                                     contact=contact, created_by=_user(user))
    audit.record(user=user, action="case.promise", target=promise, debtor_id=case.debtor_id,
                 summary=f"納付約束 {wareki(due_on)}までに{amount:,}円",
                 detail={"promised_on": promised_on.isoformat(), "due_on": due_on.isoformat(), "amount": amount,
                         "receivable": receivable.code if receivable else None, "warnings": warnings})
    promise.warnings = warnings
    return promise


def _promise_collectable(case: Case, receivable: ReceivableType | None, on: date) -> list[str]:
    """What a promise asks to be paid: the debtor's open claims (of `receivable`, if named)."""
    owed = Instalment.objects.filter(debtor_id=case.debtor_id).filter(OPEN).select_related("receivable").order_by("due_date", "pk")
    if receivable is not None:
        owed = owed.filter(receivable=receivable)
    return collectability.require_any(list(owed), on, act="納付約束", error=CaseError, field_name="receivable")


# --- tasks -----------------------------------------------------------------------------


def _user(user):
    return user if getattr(user, "is_authenticated", False) else None


@transaction.atomic
def add_task(case: Case, *, kind: str, due_on: date, note: str = "", assigned_to=None, user=None) -> Task:
    """課題の追加; assigned to the case's officer unless someone else is named."""
    if kind not in Task.Kind.values:
        raise CaseError(f"種類 {kind!r} は登録されていません。", "kind")
    case = _lock(case)
    _require_open(case)
    task = Task.objects.create(case=case, kind=kind, due_on=due_on, note=note.strip()[:300],
                               assigned_to=assigned_to or case.officer, created_by=_user(user))
    audit.record(user=user, action="case.task", target=task, debtor_id=case.debtor_id,
                 summary=f"課題「{task.get_kind_display()}」期限 {wareki(due_on)} {task.note}".strip(),
                 detail={"kind": kind, "due_on": due_on.isoformat(), "assigned_to": task.assigned_to_id})
    return task


@transaction.atomic
def complete_task(task: Task, *, on: date, note: str = "", user=None) -> Task:
    """課題の完了."""
    task = Task.objects.select_for_update().select_related("case").get(pk=task.pk)
    if task.done_on is not None:
        raise CaseError(f"この課題は既に完了しています（{wareki(task.done_on)}）。", "task")
    task.done_on, task.done_by = on, _user(user)
    if note.strip():
        task.note = f"{task.note} / {note.strip()}".strip(" /")[:300]
    task.save(update_fields=["done_on", "done_by", "note"])
    audit.record(user=user, action="case.task_done", target=task, debtor_id=task.case.debtor_id,
                 summary=f"課題「{task.get_kind_display()}」を完了（{wareki(on)}）", detail={"on": on.isoformat(), "note": note.strip()})
    return task


# --- welfare ---------------------------------------------------------------------------


@transaction.atomic
def refer_to_welfare(case: Case, *, referred_on: date, to: str, note: str = "", user=None) -> WelfareReferral:
    """生活困窮者自立支援への連携."""
    if not to.strip():
        raise CaseError("連携先を入力してください。", "to")
    case = _lock(case)
    referral = WelfareReferral.objects.create(case=case, referred_on=referred_on, to=to.strip(), note=note.strip()[:300], by=_user(user))
    audit.record(user=user, action="case.referral", target=referral, debtor_id=case.debtor_id,
                 summary=f"{referral.to} へ連携（{wareki(referred_on)}）", detail={"to": referral.to, "referred_on": referred_on.isoformat()})
    return referral


@transaction.atomic
def record_referral_outcome(referral: WelfareReferral, *, outcome: str, outcome_on: date, user=None) -> WelfareReferral:
    """連携の結果."""
    if not outcome.strip():
        raise CaseError("結果を入力してください。", "outcome")
    referral = WelfareReferral.objects.select_for_update().select_related("case").get(pk=referral.pk)
    if outcome_on < referral.referred_on:
        raise CaseError("結果の確認日が連携日より前です。", "outcome_on")
    referral.outcome, referral.outcome_on = outcome.strip()[:300], outcome_on
    referral.save(update_fields=["outcome", "outcome_on"])
    audit.record(user=user, action="case.referral_outcome", target=referral, debtor_id=referral.case.debtor_id,
                 summary=f"連携の結果（{wareki(outcome_on)}）: {referral.outcome}", detail={"outcome": referral.outcome, "outcome_on": outcome_on.isoformat()})
    return referral


# --- transfers to the central team ---------------------------------------------------


def transfer_to_central(cases: Iterable[Case | int], *, on: date, criteria: dict | None = None, note: str = "", user=None) -> list[Transfer]:
    """移管: hand cases to the central collection team, with the criteria that selected
    them; by a manager who may control each case (`control_refusal`)."""
    ids = sorted({c.pk if isinstance(c, Case) else int(c) for c in cases})
    for case in Case.objects.filter(pk__in=ids).select_related("department").order_by("pk"):
        _require_control(user, case, "case.transfer", "移管", supervising=True, whole=False)
    return _transfer_to_central(ids, on=on, criteria=criteria, note=note, user=user)


@transaction.atomic
def _transfer_to_central(ids: list[int], *, on: date, criteria: dict | None, note: str, user) -> list[Transfer]:
    if not ids:
        raise CaseError("移管する事案を選んでください。", "cases")
    # Locked in id order: two managers transferring overlapping lists cannot deadlock,
    # and the second sees the first's transfer and refuses rather than transferring twice.
    locked = list(Case.objects.select_for_update().filter(pk__in=ids).select_related("debtor").order_by("pk"))
    if len(locked) != len(ids):
        raise CaseError("存在しない事案が含まれています。", "cases")
    problems = [f"{c.debtor}: 既に移管中です。" for c in locked if c.transferred_to_central]
    problems += [f"{c.debtor}: 終結した事案です。" for c in locked if c.status != Case.Status.OPEN]
    if problems:
        raise CaseError(" ".join(problems), "cases")
    transfers = []
    for case in locked:
        case.transferred_to_central, case.transferred_on, case.returned_on = True, on, None
        case.save(update_fields=["transferred_to_central", "transferred_on", "returned_on", "updated_at"])
        t = Transfer.objects.create(case=case, direction=Transfer.Direction.TO_CENTRAL, department_id=case.department_id, on=on,
                                    by=_user(user), criteria=criteria or {}, note=note.strip()[:300])
        audit.record(user=user, action="case.transfer", target=case, summary=f"債権回収担当へ移管（{wareki(on)}）",
                     detail={"on": on.isoformat(), "transfer": t.pk, "criteria": criteria or {}, "note": t.note})
        transfers.append(t)
    return transfers


def return_from_central(case: Case, *, on: date, note: str = "", user=None) -> Transfer:
    """移管解除: the central team hands the case back to its department, or the department's
    manager takes it back (`control_refusal`). The central team may hand back any case
    sent to it, tax included: returning it gives no one more than they had."""
    current = Case.objects.select_related("department").get(pk=case.pk)  # as it stands, not as the caller read it
    if not (access.role(user) == Role.COLLECTOR and current.transferred_to_central):
        _require_control(user, current, "case.return", "移管の解除", supervising=True, whole=False)
    return _return_from_central(case, on=on, note=note, user=user)


@transaction.atomic
def _return_from_central(case: Case, *, on: date, note: str, user) -> Transfer:
    case = _lock(case)
    if not case.transferred_to_central:
        raise CaseError("移管中の事案ではありません。", "case")
    if case.transferred_on and on < case.transferred_on:
        raise CaseError("移管解除日が移管日より前です。", "on")
    case.transferred_to_central, case.returned_on = False, on
    case.save(update_fields=["transferred_to_central", "returned_on", "updated_at"])
    t = Transfer.objects.create(case=case, direction=Transfer.Direction.BACK, department_id=case.department_id, on=on,
                                by=_user(user), note=note.strip()[:300])
    audit.record(user=user, action="case.return", target=case, summary=f"所管課へ返還（{wareki(on)}）",
                 detail={"on": on.isoformat(), "transfer": t.pk, "note": t.note})
    return t


# --- the nightly evaluation ------------------------------------------------------------


@dataclass
class Evaluation:
    as_of: date
    pledges_checked: int = 0
    promises_checked: int = 0
    pledges_broken: list[int] = field(default_factory=list)
    promises_broken: list[int] = field(default_factory=list)

    @property
    def tasks_created(self) -> int:
        return len(self.pledges_broken) + len(self.promises_broken)


def _about_tax(case: Case, source: dict) -> bool:
    """Is a broken pledge or promise about tax debts (its note is then tax information)? A
    promise of no named receivable is, when the case has any tax debt."""
    if "pledge" in source:
        return source["pledge"].instalments.filter(receivable__is_tax=True).exists()
    promise = source["promise"]
    if promise.receivable_id is not None:
        return promise.receivable.is_tax
    return ReceivableType.objects.filter(pk__in=case_receivable_ids(case), is_tax=True).exists()


def _note_break(case: Case, *, what: str, task_kind: str, as_of: date, source: dict, summary: str, user) -> Task:
    task = Task.objects.create(case=case, kind=task_kind, due_on=as_of + timedelta(days=investigation_days()),
                               assigned_to=case.officer, note=what[:300], created_by=_user(user), **source)
    ContactEntry.objects.create(case=case, kind=ContactKind.RECORD, at=_at_start_of(as_of), by=None, summary=summary,
                                outcome=f"課題「{task.get_kind_display()}」を登録（期限 {wareki(task.due_on)}）",
                                is_tax=_about_tax(case, source))
    return task


def _evaluate_pledge_chunk(ids: list[int], as_of: date, result: Evaluation, user) -> None:
    with transaction.atomic():
        # Locked and re-read: a second run at the same time waits here and then finds
        # the break already noted (the unique task per pledge is the last guard).
        pledges = list(Pledge.objects.select_for_update().filter(pk__in=ids, break_noted_on__isnull=True).select_related("case__debtor").order_by("pk"))
        verdicts = judge_pledges(pledges, as_of)
        result.pledges_checked += len(pledges)
        for p in pledges:
            row = verdicts[p.pk].first_broken if p.pk in verdicts else None
            if row is None:
                continue
            p.break_noted_on = as_of
            p.save(update_fields=["break_noted_on"])
            summary = (f"分納誓約（{wareki(p.signed_on)}）の不履行: {wareki(row.due_on)}期限の分まで計{row.cumulative:,}円に対し、"
                       f"猶予期限 {wareki(row.deadline)} までの納付は{row.paid:,}円")
            task = _note_break(p.case, what="分納誓約の不履行: 財産調査を開始", task_kind=Task.Kind.INVESTIGATION, as_of=as_of,
                               source={"pledge": p}, summary=summary, user=user)
            audit.record(user=user, action="case.pledge_broken", target=p, debtor_id=p.case.debtor_id, summary=summary,
                         detail={"as_of": as_of.isoformat(), "due_on": row.due_on.isoformat(), "deadline": row.deadline.isoformat(),
                                 "owed": row.cumulative, "paid": row.paid, "task": task.pk})
            result.pledges_broken.append(p.pk)


def _evaluate_promise_chunk(ids: list[int], as_of: date, result: Evaluation, user) -> None:
    with transaction.atomic():
        promises = list(Promise.objects.select_for_update().filter(pk__in=ids, break_noted_on__isnull=True).select_related("case__debtor").order_by("pk"))
        verdicts = judge_promises(promises, as_of)
        result.promises_checked += len(promises)
        for p in promises:
            row = verdicts[p.pk].first_broken if p.pk in verdicts else None
            if row is None:
                continue
            p.break_noted_on = as_of
            p.save(update_fields=["break_noted_on"])
            summary = f"納付約束（{wareki(p.due_on)}までに{p.amount:,}円）の不履行: 納付は{row.paid:,}円"
            task = _note_break(p.case, what="納付約束の不履行: 本人に連絡", task_kind=Task.Kind.FOLLOW_UP, as_of=as_of,
                               source={"promise": p}, summary=summary, user=user)
            audit.record(user=user, action="case.promise_broken", target=p, debtor_id=p.case.debtor_id, summary=summary,
                         detail={"as_of": as_of.isoformat(), "due_on": p.due_on.isoformat(), "amount": p.amount, "paid": row.paid, "task": task.pk})
            result.promises_broken.append(p.pk)


def _candidate_ids(model, as_of: date, after: int, date_field: str) -> list[int]:
    # Keyset paging over the pledges/promises not yet found broken; a closed case needs no task.
    return list(
        model.objects.filter(break_noted_on__isnull=True, case__status=Case.Status.OPEN, pk__gt=after, **{f"{date_field}__lte": as_of})
        .order_by("pk").values_list("pk", flat=True)[:CHUNK]
    )


def evaluate_pledges(as_of: date, *, user=None, progress=None) -> Evaluation:
    """The nightly check: every pledge and promise broken by `as_of` is noted once, with an
    investigation task (pledge) or a follow-up task (promise) for the officer and a line
    in the contact log. Safe to re-run; one transaction per chunk."""
    result = Evaluation(as_of)
    for model, chunk_fn, date_field in ((Pledge, _evaluate_pledge_chunk, "signed_on"), (Promise, _evaluate_promise_chunk, "promised_on")):
        after = 0
        while ids := _candidate_ids(model, as_of, after, date_field):
            chunk_fn(ids, as_of, result, user)
            after = ids[-1]
            if progress:
                progress(model._meta.verbose_name, after)
    return result
