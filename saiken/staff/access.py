"""Who may see what (DOMAIN.md §9), as functions every view, export and search calls.

- A department's staff see their own department's receivables; the central collection
  team (role collector) sees its own department's and, of a debtor whose case was
  transferred to it (`saiken.cases`), every non-tax receivable; committee members and auditors see figures and the
  audit log, not debtors' tax facts; administrators see everything.
- Tax amounts and tax-investigation findings are visible to tax staff (a department
  owning a tax receivable), and to others only with a TaxDisclosure for the debtor.
- A user without a StaffProfile is treated as an administrator if a superuser, else as
  a clerk of no department (sees nothing of debtors' debts).
- The register (債務者検索, the debtor page, 名寄せ) is scoped the same way: a clerk or
  manager sees the people who owe their department, whose open case is theirs, or of
  whom a tax disclosure names their department; the central team, besides, the people
  whose case was transferred to it; administrators everyone; committee members and
  auditors no one (`debtor_scope`, the one rule every view, search and command uses).
- A source system's identifier (診療録番号, 保育児童番号, …) is shown only to the staff of
  the departments that system belongs to (setting SAIKEN_IDENTIFIER_DEPARTMENTS) and to
  administrators (`identifier_systems_visible_to`).
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

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
    on = on or timezone.localdate()
    return TaxDisclosure.objects.filter(debtor_id=debtor_id, department_id=dep, valid_from__lte=on).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=on)
    ).exists()


def transferred(debtor_id: int) -> bool:
    """Was this debtor's case transferred to the central collection team?"""
    from saiken.cases.models import Case  # cases builds on staff; staff asks it only this

    return Case.objects.filter(debtor_id=debtor_id, transferred_to_central=True).exists()


# ---------------------------------------------------------------------------
# The register: which people a user may find and open. 個人情報の保護に関する法律61条1項
# (a city holds personal information only as its duties require) and 66条1項 (the head of
# the body takes the measures that keep it from leaking, 安全管理措置): a clerk sees the
# people her department's work concerns, not the whole city.
# ---------------------------------------------------------------------------


def _scope_sources(user, on: date | None = None) -> list | None:
    """The rule of the register, once: querysets of rows with a `debtor_id` naming the
    people the user may see (None: everyone; []: no one)."""
    if sees_everything(user):
        return None
    if not may_view_debtors(user):
        return []
    from saiken.cases.models import Case  # cases builds on staff; staff asks it only this
    from saiken.ledger.models import Instalment

    on = on or timezone.localdate()
    open_cases = Case.objects.filter(status=Case.Status.OPEN)
    sources = [open_cases.filter(officer_id=user.pk)]  # the case officer's own cases
    dep = department_id(user)
    if dep is not None:
        # A handful of ids: a literal list keeps (debtor_id, receivable_id) of instalment_unique usable.
        own = sorted(ReceivableType.objects.filter(department_id=dep).values_list("id", flat=True))
        sources += [
            Instalment.objects.filter(receivable_id__in=own),
            open_cases.filter(department_id=dep),
            TaxDisclosure.objects.filter(department_id=dep, valid_from__lte=on).filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on)),
        ]
    if role(user) == Role.COLLECTOR:
        sources.append(Case.objects.filter(transferred_to_central=True))
    return sources


def debtor_scope(user, field: str = "pk", on: date | None = None) -> Q:
    """A Q on a model whose `field` is a debtor's id (a Debtor: "pk"), limiting a list (the
    search, the 名寄せ queue) to the people the user may see: never a list of ids, so it
    costs the same for 900,000 people. The instalments are asked by a correlated EXISTS,
    which PostgreSQL answers per row from instalment_unique (debtor_id, receivable_id) or
    hashes once, whichever is cheaper; cases and disclosures (small tables) by IN, hashed
    once."""
    sources = _scope_sources(user, on)
    if sources is None:
        return Q()
    q = Q(**{f"{field}__in": []})  # no one, unless a source names them
    for rows in sources:
        if rows.model._meta.label_lower == "ledger.instalment":
            q |= Q(Exists(rows.filter(debtor_id=OuterRef(field))))
        else:
            q |= Q(**{f"{field}__in": rows.values("debtor_id")})
    return q


def debtors_visible_to(user, debtors=None):
    """The debtors (of `debtors`, default all) the user may find and open."""
    from saiken.debtors.models import Debtor

    debtors = Debtor.objects.all() if debtors is None else debtors
    return debtors.filter(debtor_scope(user))


def may_see_debtor(user, debtor_id: int) -> bool:
    """May the user open this person's page (debtor, 名寄せ)? One query of correlated EXISTS,
    each answered from an index on the debtor (instalment_unique, the case's unique
    debtor, the disclosure's debtor)."""
    from saiken.debtors.models import Debtor

    sources = _scope_sources(user)
    if sources is None:
        return True
    if not sources:
        return False
    q = Q()
    for rows in sources:
        q |= Q(Exists(rows.filter(debtor_id=OuterRef("pk"))))
    return Debtor.objects.filter(q, pk=debtor_id).exists()


# Which departments (by code) may see each source system's numbers; "*": everyone who may
# see the person (宛名番号 is the city's common key). A system not named: administrators only.
DEFAULT_IDENTIFIER_DEPARTMENTS: dict[str, tuple[str, ...]] = {
    "resident": ("*",),
    "nhi": ("hoken_nenkin",),
    "ltc": ("kaigo",),
    "late_elderly": ("hoken_nenkin",),
    "childcare": ("hoiku", "kodomo_katei", "kodomo_seisaku"),
    "housing": ("jutaku",),
    "hospital": ("byoin",),
    "scholarship": ("gakumu",),
    "welfare": ("fukushi", "kodomo_katei"),
}


def identifier_departments() -> dict[str, tuple[str, ...]]:
    """Setting SAIKEN_IDENTIFIER_DEPARTMENTS: source system → department codes."""
    return getattr(settings, "SAIKEN_IDENTIFIER_DEPARTMENTS", DEFAULT_IDENTIFIER_DEPARTMENTS)


def identifier_systems_visible_to(user) -> frozenset[str] | None:
    """The source systems whose identifiers the user may see and search by (None: all)."""
    if sees_everything(user):
        return None
    if not may_view_debtors(user):
        return frozenset()
    p = profile(user)
    code = p.department.code if p is not None and p.department_id is not None else None
    return frozenset(
        system for system, codes in identifier_departments().items() if "*" in codes or (code is not None and code in codes)
    )


def visible_identifiers(user, identifiers) -> list:
    """Of a debtor's identifiers (DebtorIdentifier rows), those the user may see."""
    systems = identifier_systems_visible_to(user)
    return [i for i in identifiers if systems is None or i.system in systems]
