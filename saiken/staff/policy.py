"""May this user do this act on this receivable? — one answer for every action, view and command.

Deny by default. An act (`Act`) is allowed when the user's role is among the roles the
act allows (`ROLES`), and, for an act on a receivable, the receivable belongs to the
user's department (administrators: every receivable). Tax receivables belong to the
tax department, so the department rule also keeps tax acts with tax staff (地方税法22条).
Committee members and auditors work with figures and the audit log: no act on debts.

What the user may *see* stays in `saiken.staff.access` (which this module uses);
this module is about what the user may *do*. Action functions call `require` before
they write anything, so a screen, a command and an API are refused alike; views call
`may` to hide what would be refused.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from enum import StrEnum
from typing import NoReturn

from django.core.exceptions import PermissionDenied

from saiken.catalog.models import ReceivableType
from saiken.staff import access
from saiken.staff.models import Role


class Act(StrEnum):
    DEMAND_ISSUE = "demand.issue"  # 督促状の発付
    DEMAND_DOCUMENT = "demand.document"  # 督促状の作成・ダウンロード
    DEMAND_DELIVERY = "demand.delivery"  # 返戻・再送付・公示送達の記録
    REMINDER = "reminder"  # 催告書の抽出条件・発送・作成・ダウンロード
    RELIEF_PROPOSE = "relief.propose"  # 緩和措置の起案
    RELIEF_DECIDE = "relief.decide"  # 緩和措置の決裁・却下・取消・終了
    WRITE_OFF = "writeoff.run"  # 不納欠損
    PAYMENT_IMPORT = "payment.import"  # 収納データの取込・確定
    ASSESSMENT_IMPORT = "assessment.import"  # 調定データの取込・確定
    PAYMENT_RECONCILE = "payment.reconcile"  # 未消込の収納の消込
    COUNTER_PAYMENT = "payment.counter"  # 窓口収納（領収書の発行・日計表）
    REFUND = "refund"  # 還付・充当・還付ファイル・組戻し
    PAYMENT_CORRECT = "payment.correct"  # 収納の取消・訂正の申請
    PAYMENT_CORRECT_DECIDE = "payment.correct.decide"  # 収納の取消・訂正の承認・却下
    CASE_WORK = "case.work"  # 滞納整理（交渉記録・分納誓約・差押え等）
    SERVICE_CHECK = "service.check"  # 行政サービス利用制限の照会（所管する行政サービスの申請者について）
    SLIP = "slip.issue"  # 納付書の発行（当初・再発行・分納）


ACT_LABELS: dict[Act, str] = {
    Act.DEMAND_ISSUE: "督促状の発付",
    Act.DEMAND_DOCUMENT: "督促状の作成・ダウンロード",
    Act.DEMAND_DELIVERY: "督促状の送達の記録",
    Act.REMINDER: "催告書の発送",
    Act.RELIEF_PROPOSE: "緩和措置の起案",
    Act.RELIEF_DECIDE: "緩和措置の決裁",
    Act.WRITE_OFF: "不納欠損",
    Act.PAYMENT_IMPORT: "収納データの取込",
    Act.ASSESSMENT_IMPORT: "調定データの取込",
    Act.PAYMENT_RECONCILE: "収納の消込",
    Act.COUNTER_PAYMENT: "窓口収納",
    Act.REFUND: "過誤納金の還付・充当",
    Act.PAYMENT_CORRECT: "収納の取消・訂正の申請",
    Act.PAYMENT_CORRECT_DECIDE: "収納の取消・訂正の承認",
    Act.CASE_WORK: "滞納整理",
    Act.SERVICE_CHECK: "行政サービス利用制限の照会",
    Act.SLIP: "納付書の発行",
}

_STAFF = frozenset({Role.CLERK, Role.MANAGER, Role.COLLECTOR, Role.ADMIN})
_DECIDERS = frozenset({Role.MANAGER, Role.ADMIN})

# The roles each act allows (a city may narrow this table; nothing outside it is allowed).
ROLES: dict[Act, frozenset[str]] = {
    Act.DEMAND_ISSUE: _STAFF - {Role.COLLECTOR},
    Act.DEMAND_DOCUMENT: _STAFF - {Role.COLLECTOR},
    Act.DEMAND_DELIVERY: _STAFF - {Role.COLLECTOR},
    Act.REMINDER: _STAFF - {Role.COLLECTOR},
    Act.RELIEF_PROPOSE: _STAFF,
    Act.RELIEF_DECIDE: _DECIDERS,
    Act.WRITE_OFF: _DECIDERS,
    Act.PAYMENT_IMPORT: _STAFF - {Role.COLLECTOR},
    # 調定 is the owning department's (a clerk's file assesses her department's receivables only).
    Act.ASSESSMENT_IMPORT: _STAFF - {Role.COLLECTOR},
    Act.PAYMENT_RECONCILE: _STAFF - {Role.COLLECTOR},
    # Money taken at the window of the department that owns the claim (its 収納窓口).
    Act.COUNTER_PAYMENT: _STAFF - {Role.COLLECTOR},
    Act.REFUND: _STAFF - {Role.COLLECTOR},
    # Anyone who takes or posts payments may ask; only a manager undoes one (and not
    # her own request: saiken.payments.corrections).
    Act.PAYMENT_CORRECT: _STAFF,
    Act.PAYMENT_CORRECT_DECIDE: _DECIDERS,
    Act.CASE_WORK: _STAFF,
    # Staff of a department that grants a service ask about its applicants (which
    # services: saiken.staff.service_check); never the committee, auditors or the central team.
    Act.SERVICE_CHECK: _STAFF - {Role.COLLECTOR},
    # A 納付書 carries the debt's amounts (tax among them: 地方税法22条): the owning
    # department's staff print it; the central team works through case work.
    Act.SLIP: _STAFF - {Role.COLLECTOR},
}


class Refused(PermissionDenied):
    """An act the user may not do, with the reason in Japanese (a 403 on a screen).
    `audited`: the refused attempt is in the audit log already (`refuse_recorded`), so
    the 403 page records no second row."""

    def __init__(self, message: str, field: str = "user", *, audited: bool = False):
        super().__init__(message)
        self.message = message
        self.field = field
        self.audited = audited


def refuse_recorded(user, action: str, message: str, *, target=None, debtor_id: int | None = None, detail: dict | None = None) -> NoReturn:
    """Leave an audit row `<action>.refused` of a refused attempt, in its own transaction
    (which the refusal does not roll back), and raise `Refused`."""
    from django.db import transaction

    from saiken.audit import record

    with transaction.atomic():
        record(user=user, action=f"{action}.refused", target=target, debtor_id=debtor_id, summary=f"拒否: {message}",
               detail={**(detail or {}), "reason": message})
    raise Refused(message, audited=True)


def _receivable(r: ReceivableType | int) -> ReceivableType:
    return r if isinstance(r, ReceivableType) else ReceivableType.objects.get(pk=r)


def refusal(user, act: Act, receivable: ReceivableType | int | None = None, *, debtor_id: int | None = None) -> str | None:
    """Why the user may not do `act` (on `receivable`, of the debtor `debtor_id`), or None
    when they may. The central team acts only on a debtor whose case was transferred to
    it, tax apart: without the debtor it is refused."""
    label = ACT_LABELS[act]
    if user is None or not getattr(user, "is_authenticated", False):
        return f"{label}は、ログインしている職員だけが行えます。"
    role = access.role(user)
    if role not in ROLES[act]:
        return f"{label}を行う権限がありません（{Role(role).label if role else '役割未設定'}）。"
    if receivable is None or role == Role.ADMIN:
        return None
    r = _receivable(receivable)
    if role == Role.COLLECTOR and act in (Act.CASE_WORK, Act.RELIEF_PROPOSE) and not r.is_tax:
        if debtor_id is not None and access.transferred(debtor_id):
            return None  # the central team works what was transferred to it
        return f"{r.name}の{label}は、債権回収担当に移管された事案についてだけ行えます。"
    if access.department_id(user) != r.department_id:
        return f"{r.name}の{label}は、所管課（{r.department.name}）の職員だけが行えます。"
    return None


def may(user, act: Act, receivable: ReceivableType | int | None = None, *, debtor_id: int | None = None) -> bool:
    return refusal(user, act, receivable, debtor_id=debtor_id) is None


def require(user, act: Act, receivable: ReceivableType | int | None = None, *, debtor_id: int | None = None) -> None:
    """Raise `Refused` unless the user may do `act` (on `receivable`)."""
    message = refusal(user, act, receivable, debtor_id=debtor_id)
    if message is not None:
        raise Refused(message)


def require_all(user, act: Act, receivables: Iterable[ReceivableType | int]) -> None:
    """`require` for each receivable an act touches (a run over several receivables)."""
    require(user, act)
    for r in receivables:
        require(user, act, r)


def receivable_ids(user, act: Act) -> frozenset[int]:
    """The receivables on which the user may do `act` (a run's scope when none is named)."""
    if refusal(user, act) is not None:
        return frozenset()
    if access.role(user) == Role.ADMIN:
        return frozenset(ReceivableType.objects.values_list("id", flat=True))
    return frozenset(ReceivableType.objects.filter(department_id=access.department_id(user)).values_list("id", flat=True))


def require_not_future(as_of: date, today: date, what: str) -> None:
    """Runs that act on the law as of a day (督促, 不納欠損) act on today or a past day:
    a future day would demand or write off what the law does not yet allow."""
    if as_of > today:
        raise Refused(f"{what}の基準日に将来の日付（{as_of.isoformat()}）は指定できません。", "as_of")
