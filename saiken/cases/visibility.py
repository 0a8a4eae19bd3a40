"""Who may see which cases and which of a case's debts, on top of `saiken.staff.access`.

- A case's page is open to administrators, its officer, its department's staff, staff
  who may see any of the debtor's receivables, and — while it is transferred — the
  central collection team (role collector).
- On the page, a user sees the debtor's debts of the receivables `saiken.staff.access`
  allows (with a tax disclosure, the tax receivables too); the central team sees all
  of a transferred case's debts, because that is what was sent to it. Tax amounts stay
  hidden unless `may_see_tax`.
- What tax staff write on a case (contact-log entries, tasks) is tax information
  (地方税法22条): others see only its date and the writer's department, unless
  `may_see_tax` (a recorded TaxDisclosure).
"""

from __future__ import annotations

from django.db.models import Q

from saiken.cases.models import Case
from saiken.catalog.models import ReceivableType
from saiken.ledger.models import Instalment
from saiken.staff import access
from saiken.staff.models import Role, StaffProfile

TAX_NOTE_HIDDEN = "税情報のため表示できません（地方税法22条）"

SUPERVISING = (Role.MANAGER, Role.ADMIN)


def is_central(user) -> bool:
    return access.role(user) == Role.COLLECTOR


def may_supervise(user) -> bool:
    """課長 and administrators: assign officers, transfer cases, see the team."""
    return access.role(user) in SUPERVISING


def case_receivable_ids(user, case: Case | None, debtor_id: int) -> frozenset[int]:
    ids = access.visible_receivable_ids(user, debtor_id)
    if case is not None and case.transferred_to_central and is_central(user):
        ids = ids | frozenset(ReceivableType.objects.values_list("id", flat=True))
    return frozenset(ids)


def may_open(user, case: Case | None, debtor_id: int, receivable_ids: frozenset[int]) -> bool:
    if not access.may_view_debtors(user):
        return False
    if access.sees_everything(user):
        return True
    if case is not None and (case.officer_id == user.pk or case.department_id == access.department_id(user)):
        return True
    return Instalment.objects.filter(debtor_id=debtor_id, receivable_id__in=sorted(receivable_ids)).exists()


def cases_for(user) -> Q:
    """The cases a user's lists show: a department's own, the officer's, and for the
    central team the transferred ones."""
    if access.sees_everything(user):
        return Q()
    if not access.may_view_debtors(user):
        return Q(pk__in=[])
    q = Q(officer_id=user.pk)
    dep = access.department_id(user)
    if dep is not None:
        q |= Q(department_id=dep)
    if is_central(user):
        q |= Q(transferred_to_central=True)
    return q


def list_receivable_ids(user) -> frozenset[int] | None:
    """The receivables whose amounts a list may total for this user (None: all). No
    per-debtor disclosure applies in a list, so tax amounts count only for tax staff;
    the central team counts every non-tax receivable of the cases sent to it."""
    if access.sees_everything(user):
        return None
    ids = set(access.visible_receivable_ids(user))
    if is_central(user):
        ids |= set(ReceivableType.objects.filter(is_tax=False).values_list("id", flat=True))
    if access.is_tax_staff(user):
        ids |= set(ReceivableType.objects.filter(is_tax=True).values_list("id", flat=True))
    return frozenset(ids)


def tax_authors(user_ids) -> dict[int, str]:
    """Of these users, the tax staff — staff of a department that owns a tax receivable,
    whose notes on a case are tax information (地方税法22条) — with their department's name."""
    ids = {i for i in user_ids if i is not None}
    if not ids:
        return {}
    return dict(
        StaffProfile.objects.filter(user_id__in=ids, department__receivables__is_tax=True)
        .values_list("user_id", "department__name").distinct()
    )
