"""不納欠損: booking off what relief or prescription has extinguished, and the report of it.

`run` is safe to re-run: an instalment written off has nothing left owed and is
no longer a candidate. It works a chunk of instalments per transaction, so a
city-wide run never holds one giant transaction, and stops cleanly between chunks.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from importlib import import_module
from itertools import groupby, islice

from django.db import transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone

from saiken.audit import record
from saiken.catalog.models import ReceivableType
from saiken.core.allocation import Component
from saiken.core.entries import Kind
from saiken.ledger.bulk import write_off_bulk
from saiken.ledger.errors import LedgerError
from saiken.ledger.models import Entry, Instalment, WriteOffReason
from saiken.relief.effects import extinguished
from saiken.staff import policy
from saiken.staff.policy import Act

CHUNK = 5000
PRESCRIPTION_MODULE = "saiken.prescription.warnings"
_REASON_ORDER = {r: n for n, r in enumerate(WriteOffReason.values)}
_OPEN = Q(principal_due__gt=0) | Q(late_charge_due__gt=0) | Q(fee_due__gt=0)


def _chunks(items: list) -> Iterable[list]:
    it = iter(items)
    while chunk := list(islice(it, CHUNK)):
        yield chunk


def _prescription(as_of: date) -> list[tuple[int, str, date]] | None:
    """Instalments extinguished by prescription, or None when the prescription module
    cannot say yet. It is written alongside this one; until it exists (ImportError)
    or offers the function (AttributeError) the run has no prescription candidates,
    and says so rather than skipping them silently."""
    find = _prescription_function()
    return None if find is None else list(find(as_of))


def _prescription_function():
    try:
        return import_module(PRESCRIPTION_MODULE).extinguished_by_prescription
    except (ImportError, AttributeError):
        return None


def prescription_checked() -> bool:
    """Whether the candidates include prescription (see `_prescription`)."""
    return _prescription_function() is not None


def candidates(as_of: date, receivable_ids: Iterable[int] | None = None) -> list[tuple[int, str, date]]:
    """(instalment id, reason, date extinguished) for every instalment still owing that
    relief or prescription has extinguished by `as_of`: one reason per instalment,
    the earliest date (on the same day, the first reason in WriteOffReason's order);
    only instalments of `receivable_ids`, if given."""
    found = list(extinguished(as_of)) + (_prescription(as_of) or [])
    best: dict[int, tuple[date, str]] = {}
    for iid, reason, on in found:
        if reason not in _REASON_ORDER:
            raise LedgerError(f"不納欠損の理由 {reason!r} は登録されていません（調定 {iid}）。", "reason")
        if on > as_of:
            continue
        if iid not in best or (on, _REASON_ORDER[reason]) < (best[iid][0], _REASON_ORDER[best[iid][1]]):
            best[iid] = (on, reason)
    ids = sorted(best)
    owing: set[int] = set()
    open_ = Instalment.objects.filter(_OPEN)
    if receivable_ids is not None:
        open_ = open_.filter(receivable_id__in=sorted(receivable_ids))
    for chunk in _chunks(ids):
        owing.update(open_.filter(id__in=chunk).values_list("id", flat=True))
    return [(iid, best[iid][1], best[iid][0]) for iid in ids if iid in owing]


@dataclass
class Amounts:
    count: int = 0
    principal: int = 0
    late_charge: int = 0
    fee: int = 0

    @property
    def total(self) -> int:
        return self.principal + self.late_charge + self.fee

    def add(self, principal: int, late_charge: int, fee: int, count: int = 1) -> None:
        self.count += count
        self.principal += principal
        self.late_charge += late_charge
        self.fee += fee

    def as_dict(self) -> dict:
        return {"count": self.count, "principal": self.principal, "late_charge": self.late_charge, "fee": self.fee, "total": self.total}


@dataclass
class RunResult:
    as_of: date
    dry_run: bool
    prescription_checked: bool
    by_reason: dict[str, Amounts] = field(default_factory=dict)

    @property
    def total(self) -> Amounts:
        t = Amounts()
        for a in self.by_reason.values():
            t.add(a.principal, a.late_charge, a.fee, a.count)
        return t

    def rows(self) -> list[tuple[str, str, Amounts]]:
        """(reason code, label, amounts) in WriteOffReason's order."""
        return [(r, WriteOffReason(r).label, self.by_reason[r]) for r in sorted(self.by_reason, key=_REASON_ORDER.__getitem__)]

    def as_dict(self) -> dict:
        return {
            "as_of": self.as_of.isoformat(),
            "dry_run": self.dry_run,
            "prescription_checked": self.prescription_checked,
            "by_reason": {r: a.as_dict() for r, a in self.by_reason.items()},
            "total": self.total.as_dict(),
        }


def run(
    as_of: date, user, dry_run: bool = False, progress: Callable[[int, int], None] | None = None, today: date | None = None
) -> RunResult:
    """Book off every candidate as of `as_of`, a chunk per transaction; with dry_run,
    only count them. The entries are booked on `as_of` with their reason, the memo
    giving the day the debt was extinguished. One audit row records the run.

    Made as `user`, who must be allowed `Act.WRITE_OFF` (a manager or an administrator);
    the run covers only the receivables they may write off (their department's; an
    administrator's, all). 不納欠損 books off a debt already extinguished (地方自治法
    236条・地方税法18条 prescription, 地方税法15条の7 執行停止, 地方自治法施行令171条の7
    免除, 地方自治法96条1項10号 放棄): as of a day to come it would book off debts whose
    extinction has not happened, so `as_of` may not be after `today` (default: the local
    date), dry run or not."""
    policy.require(user, Act.WRITE_OFF)
    policy.require_not_future(as_of, today or timezone.localdate(), "不納欠損")
    scope = policy.receivable_ids(user, Act.WRITE_OFF)
    everything = scope == set(ReceivableType.objects.values_list("id", flat=True))
    result = _book(as_of, candidates(as_of, None if everything else scope), user, dry_run, progress)
    if not dry_run:
        # After the chunks, in its own transaction: an interrupted run leaves entries
        # (each with its reason and user) but no summary; re-running completes both.
        with transaction.atomic():
            total = result.total
            record(
                user=user, action="relief.write_off_run",
                summary=f"不納欠損 {as_of.isoformat()} {total.count:,}件 {total.total:,}円",
                detail={**result.as_dict(), "receivables": None if everything else sorted(scope)},
            )
    return result


def preview(as_of: date, limit: int = 200, receivable_ids: Iterable[int] | None = None) -> tuple[RunResult, list[tuple[Instalment, str, date]]]:
    """What `run` would book (a dry run, any day, no check: a view of candidates), and the
    first `limit` candidates with their instalments; only of `receivable_ids`, if given."""
    found = candidates(as_of, receivable_ids)
    result = _book(as_of, found, None, True, None)
    first = found[:limit]
    instalments = Instalment.objects.select_related("debtor", "receivable").in_bulk([iid for iid, _, _ in first])
    return result, [(instalments[iid], reason, on) for iid, reason, on in first if iid in instalments]


def _book(
    as_of: date, found: list[tuple[int, str, date]], user, dry_run: bool, progress: Callable[[int, int], None] | None
) -> RunResult:
    result = RunResult(as_of, dry_run, prescription_checked())
    done = 0
    for chunk in _chunks(found):
        with transaction.atomic():
            # Locked and re-read: a payment or another run since `candidates` may have
            # closed some, and write_off_bulk refuses an instalment with nothing owed.
            rows = Instalment.objects.filter(id__in=[iid for iid, _, _ in chunk]).filter(_OPEN).order_by("id")
            if not dry_run:
                rows = rows.select_for_update()
            balances = {r[0]: r[1:] for r in rows.values_list("id", "principal_due", "late_charge_due", "fee_due")}
            todo = [(iid, reason, on) for iid, reason, on in chunk if iid in balances]
            for iid, reason, _ in todo:
                result.by_reason.setdefault(reason, Amounts()).add(*balances[iid])
            if not dry_run:
                # One booking per extinction day in the chunk (a city has few), so each
                # entry's memo can say when its debt was extinguished.
                for on, items in groupby(sorted(todo, key=lambda t: (t[2], t[0])), key=lambda t: t[2]):
                    write_off_bulk([(iid, as_of, reason) for iid, reason, _ in items], note=f"消滅日 {on.isoformat()}", user=user)
        done += len(chunk)
        if progress:
            progress(done, len(found))
    return result


# ---- the report -------------------------------------------------------------------------


@dataclass
class ReportRow:
    receivable: ReceivableType
    fiscal_year: int  # the instalment's (債権の年度)
    reason: str
    amounts: Amounts

    @property
    def reason_label(self) -> str:
        return WriteOffReason(self.reason).label if self.reason in _REASON_ORDER else self.reason


@dataclass
class ReportGroup:
    receivable: ReceivableType
    rows: list[ReportRow] = field(default_factory=list)
    amounts: Amounts = field(default_factory=Amounts)


@dataclass
class WriteOffReport:
    settlement_year: int | None
    groups: list[ReportGroup]
    by_reason: list[tuple[str, str, Amounts]]
    total: Amounts


def available_years() -> list[int]:
    """Settlement years that have write-offs, newest first."""
    return sorted(
        Entry.objects.filter(kind=Kind.WRITE_OFF).values_list("settlement_year", flat=True).distinct(), reverse=True
    )


def report(fiscal_year: int | None = None) -> WriteOffReport:
    """不納欠損の内訳: write-off entries by receivable, the instalment's fiscal year and
    reason, with the number of instalments and yen (principal, late charge and fees
    apart). `fiscal_year` chooses the settlement year (決算年度) the write-offs were
    booked in, as the audit reads a year's accounts; None reports every year."""
    entries = Entry.objects.filter(kind=Kind.WRITE_OFF)
    if fiscal_year is not None:
        entries = entries.filter(settlement_year=fiscal_year)
    rows = (
        entries.values("instalment__receivable_id", "instalment__fiscal_year", "reason")
        .annotate(
            count=Count("instalment_id", distinct=True),
            principal=Sum("amount", filter=Q(component=Component.PRINCIPAL)),
            late_charge=Sum("amount", filter=Q(component=Component.LATE_CHARGE)),
            fee=Sum("amount", filter=Q(component=Component.FEE)),
        )
        .values_list("instalment__receivable_id", "instalment__fiscal_year", "reason", "count", "principal", "late_charge", "fee")
    )
    receivables = {r.pk: r for r in ReceivableType.objects.all()}
    groups: dict[int, ReportGroup] = {}
    by_reason: dict[str, Amounts] = defaultdict(Amounts)
    total = Amounts()
    for rid, fy, reason, count, principal, late, fee in rows:
        amounts = Amounts(count, principal or 0, late or 0, fee or 0)
        g = groups.setdefault(rid, ReportGroup(receivables[rid]))
        g.rows.append(ReportRow(receivables[rid], fy, reason, amounts))
        for a in (g.amounts, by_reason[reason], total):
            a.add(amounts.principal, amounts.late_charge, amounts.fee, count)
    ordered = sorted(groups.values(), key=lambda g: g.receivable.number)
    for g in ordered:
        g.rows.sort(key=lambda r: (r.fiscal_year, _REASON_ORDER.get(r.reason, 99), r.reason))
    reasons = [
        (r, WriteOffReason(r).label if r in _REASON_ORDER else r, a)
        for r, a in sorted(by_reason.items(), key=lambda x: (_REASON_ORDER.get(x[0], 99), x[0]))
    ]
    return WriteOffReport(fiscal_year, ordered, reasons, total)
