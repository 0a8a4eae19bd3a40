"""Who may see what (DOMAIN.md §9), as functions every view, export and search calls.

- A department's staff see their own department's receivables; the central collection
  team (role collector) sees its own department's and, of a debtor whose case was
  transferred to it (`saiken.cases`), every non-tax receivable; committee members and auditors see figures and the
  audit log, not debtors' tax facts; administrators see everything.
- Tax amounts and tax-investigation findings are visible to tax staff (a department
  owning a tax receivable), and to others only with a TaxDisclosure for the debtor.
- A user without a StaffProfile is treated as an administrator if a superuser, else as
  a clerk of no department (sees nothing of debtors' debts).
"""

from __future__ import annotations

from datetime import date

from django.db.models import Q

from saiken.catalog.models import ReceivableType
from saiken.staff.models import Role, StaffProfile, TaxDisclosure


def profile(user) -> StaffProfile | None:
    if not getattr(user, "is_authenticated", False):
        return None
    try:
        return user.staff
    except StaffProfile.DoesNotExist:
        return None


def role(user) -> str | None:
    if getattr(user, "is_superuser", False):
        return Role.ADMIN
    p = profile(user)
    return p.role if p else None


def sees_everything(user) -> bool:
    return role(user) == Role.ADMIN


def department_id(user) -> int | None:
    p = profile(user)
    return p.department_id if p else None


def is_tax_staff(user) -> bool:
    """Staff of a department that owns a tax receivable (納税課 and the like)."""
    if sees_everything(user):
        return True
    dep = department_id(user)
    return dep is not None and ReceivableType.objects.filter(department_id=dep, is_tax=True).exists()


def may_view_debtors(user) -> bool:
    """Committee members and auditors work with figures and the audit log, not with debtors."""
    r = role(user)
    return r is not None and r not in (Role.COMMITTEE, Role.AUDITOR)


def visible_receivable_ids(user, debtor_id: int | None = None) -> frozenset[int]:
    """The receivables whose debts the user may see (of one debtor, if given: a tax
    disclosure recorded for that debtor adds the tax receivables)."""
    if sees_everything(user):
        return frozenset(ReceivableType.objects.values_list("id", flat=True))
    if not may_view_debtors(user):
        return frozenset()
    dep = department_id(user)
    if dep is None and role(user) != Role.COLLECTOR:
        return frozenset()
    own = set(ReceivableType.objects.filter(department_id=dep).values_list("id", flat=True))
    if debtor_id is not None and role(user) == Role.COLLECTOR and transferred(debtor_id):
        # The central team sees what was transferred to it: the person's debts, tax apart.
        own |= set(ReceivableType.objects.filter(is_tax=False).values_list("id", flat=True))
    if debtor_id is not None and may_see_tax(user, debtor_id):
        own |= set(ReceivableType.objects.filter(is_tax=True).values_list("id", flat=True))
    return frozenset(own)


def receivable_filter(user, field: str = "receivable") -> Q:
    """A Q limiting rows with a receivable to those the user may see (lists: no per-debtor
    disclosure applies; a debtor's own page adds it)."""
    if sees_everything(user):
        return Q()
    return Q(**{f"{field}_id__in": sorted(visible_receivable_ids(user))})


def may_see_tax(user, debtor_id: int, on: date | None = None) -> bool:
    """May this user see the debtor's tax amounts and tax-investigation findings?"""
    if is_tax_staff(user):
        return True
    dep = department_id(user)
    if dep is None:
        return False
    from django.utils import timezone

    on = on or timezone.localdate()
    return TaxDisclosure.objects.filter(debtor_id=debtor_id, department_id=dep, valid_from__lte=on).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=on)
    ).exists()


def transferred(debtor_id: int) -> bool:
    """Was this debtor's case transferred to the central collection team?"""
    from saiken.cases.models import Case  # cases builds on staff; staff asks it only this

    return Case.objects.filter(debtor_id=debtor_id, transferred_to_central=True).exists()
