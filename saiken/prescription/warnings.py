"""What prescription asks of the city: claims about to complete, and claims that have.

"Open" is an instalment with anything still owed: principal, late charge or fee
(see saiken.prescription.projection); a late charge alone is listed, proposed
and written off with the date of its instalment's prescription.

- `warning_list`: open instalments whose prescription completes within the next
  N months (setting SAIKEN_PRESCRIPTION_WARNING_MONTHS, 6), per department and
  receivable, soonest first: a completion date must be impossible to miss.
- `proposals`: past completion, public claims are proposed for write-off (they
  are extinguished without invocation); private claims wait for the debtor to
  invoke (援用) or for the city to waive them (債権放棄), and only an invoked one
  is written off.
- `extinguished_by_prescription`: what the write-off run books, recomputed from
  the ledger rather than trusted from the cache.

The first two read the PrescriptionStatus cache (`saiken refresh-prescription`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.db.models import F, Min, OuterRef, Subquery

from saiken.catalog.models import ReceivableType
from saiken.core.late_charge import add_months
from saiken.core.prescription import REGIME_LABELS, Regime
from saiken.ledger.models import WriteOffReason
from saiken.prescription.models import EventKind, PrescriptionEvent, PrescriptionStatus
from saiken.prescription.projection import LATEST, owing, project_instalments

DEFAULT_WARNING_MONTHS = 6
# Open means anything owed on any component: a 延滞金 or fee left after the principal
# was paid is watched and written off like the principal (地方税法18条1項).
OWING = owing("instalment__")


def warning_months() -> int:
    return getattr(settings, "SAIKEN_PRESCRIPTION_WARNING_MONTHS", DEFAULT_WARNING_MONTHS)


@dataclass(frozen=True)
class Row:
    """One open instalment and its prescription, as the lists show it."""

    instalment_id: int
    department_code: str
    department: str
    receivable_number: int
    receivable: str
    debtor_id: int
    debtor: str
    fiscal_year: int
    instalment_no: int
    subject: str
    amount: int  # everything still owed: late charges and fees go with the principal
    completes_on: date
    runs_from: date
    regime: str
    needs_invocation: bool
    basis: str
    refreshed_on: date
    invoked_on: date | None = None

    @property
    def regime_label(self) -> str:
        return REGIME_LABELS[Regime(self.regime)]

    def days_left(self, as_of: date) -> int:
        return (self.completes_on - as_of).days


_VALUES = {
    "instalment_id_": F("instalment_id"),
    "department_code": F("instalment__receivable__department__code"),
    "department": F("instalment__receivable__department__name"),
    "receivable_number": F("instalment__receivable__number"),
    "receivable": F("instalment__receivable__name"),
    "debtor_id": F("instalment__debtor_id"),
    "debtor": F("instalment__debtor__name"),
    "fiscal_year": F("instalment__fiscal_year"),
    "instalment_no": F("instalment__instalment_no"),
    "subject": F("instalment__subject"),
    "amount": F("instalment__principal_due") + F("instalment__late_charge_due") + F("instalment__fee_due"),
    "completes_on_": F("completes_on"),
    "runs_from_": F("runs_from"),
    "regime_": F("regime"),
    "needs_invocation_": F("needs_invocation"),
    "basis_": F("basis"),
    "refreshed_on_": F("refreshed_on"),
}


def _department_order():
    """Departments in the order of their first receivable (納税課 with 市税 first), as the catalog lists them."""
    return Subquery(
        ReceivableType.objects.filter(department_id=OuterRef("instalment__receivable__department_id")).order_by("number").values("number")[:1]
    )


_ORDER = ["department_order", "department_code", "receivable_number", "completes_on_", "debtor", "instalment_id_"]


def _values(qs, **extra):
    return qs.annotate(department_order=_department_order()).values(**_VALUES, **extra).order_by(*_ORDER)


def _rows(qs) -> list[Row]:
    return [_row(v) for v in _values(qs)]


def _row(values: dict) -> Row:
    # the aliases end in "_" where they would clash with the status's own fields
    return Row(**{k.rstrip("_"): v for k, v in values.items()})


def warning_list(as_of: date, *, months: int | None = None, department: str | None = None) -> list[Row]:
    """Open instalments completing from `as_of` through the day N months later, both
    inclusive (completing on `as_of` means extinguished at the end of today)."""
    months = warning_months() if months is None else months
    qs = PrescriptionStatus.objects.filter(
        OWING, completes_on__gte=as_of, completes_on__lte=add_months(as_of, months)
    )
    if department:
        qs = qs.filter(instalment__receivable__department__code=department)
    return _rows(qs)


@dataclass(frozen=True)
class Proposals:
    write_off: list[Row] = field(default_factory=list)  # public: extinguished, propose 不納欠損
    invoked: list[Row] = field(default_factory=list)  # private, invocation recorded: 不納欠損
    invoke_or_waive: list[Row] = field(default_factory=list)  # private: the debtor must invoke, or the city waives


def _invoked_on():
    return Subquery(
        PrescriptionEvent.objects.filter(instalment_id=OuterRef("instalment_id"), kind=EventKind.INVOKED)
        .order_by().values("instalment_id").annotate(m=Min("on")).values("m")[:1]
    )


def proposals(as_of: date, *, department: str | None = None) -> Proposals:
    """Open instalments whose prescription completed before `as_of`, split by what the city must do."""
    qs = PrescriptionStatus.objects.filter(OWING, completes_on__lt=as_of)
    if department:
        qs = qs.filter(instalment__receivable__department__code=department)
    out = Proposals()
    for v in _values(qs, invoked_on=_invoked_on()):
        row = _row(v)
        if not row.needs_invocation:
            out.write_off.append(row)
        elif row.invoked_on is not None:
            out.invoked.append(row)
        else:
            out.invoke_or_waive.append(row)
    return out


def extinguished_by_prescription(as_of: date) -> list[tuple[int, str, date]]:
    """(instalment id, write-off reason, date extinguished) for every open instalment
    (anything owed on any component; the write-off books each of them) that
    prescription has extinguished by `as_of`: claims that need no invocation
    with reason "prescription" and the day after the period's last day (the first
    day the debt no longer exists, as saiken.relief.effects.extinguished gives its
    dates); claims that need invocation only once it is recorded, with reason
    "invoked" and the day of invocation.

    Candidates come from the cache; each is projected again from the ledger as of
    `as_of`, so a payment or event since the last refresh is never written off
    over. Run `saiken refresh-prescription` first so that the cache knows them all.
    """
    candidates = PrescriptionStatus.objects.filter(OWING, completes_on__lt=as_of).values_list(
        "instalment_id", flat=True
    )
    out = []
    # A 履行延期 split over several payments is written off only once its last portion
    # has prescribed (project_instalments); the cache's earlier date only picks candidates.
    for iid, p in sorted(project_instalments(candidates, as_of, deferral=LATEST).items()):
        if not p.completed(as_of):
            continue
        if not p.needs_invocation:
            out.append((iid, WriteOffReason.PRESCRIPTION.value, p.completes_on + timedelta(days=1)))
        elif p.invoked_on is not None:
            out.append((iid, WriteOffReason.INVOKED.value, p.invoked_on))
    return out
