"""Late charges on the ledger: accrued as of any date, and fixed (確定) by payments.

A late charge is not owed as a number until it is fixed:
- public receivables (principal first, 国税通則法62条 by analogy): when a payment
  completes the principal, the charge up to that payment date is assessed as a
  late-charge entry, and the rest of the payment goes to it;
- private receivables whose allocation order puts interest before principal
  (民法489条): every payment first meets the damages accrued up to its date, so
  each payment assesses what has accrued since the last one.

Approved relief changes the charge: 猶予 and 執行停止 (地方税法15条の9第1項), and a
履行延期の特約 (地方自治法施行令171条の6), which leaves what had accrued but charges
nothing on the principal not yet due under its schedule.

Everything is read set-based for many instalments at once (`Context.load`), so a
file of 200,000 payments costs a few queries per chunk, not one per payment.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from django.db.models import F

from saiken.catalog.models import LateChargeKind, ReceivableType
from saiken.catalog.rules import rate_table, receivable_late_charge
from saiken.core.allocation import Component, parse_order
from saiken.core.entries import Kind
from saiken.core.late_charge import Deferment, Deferral, LateCharge, MissingRate, RateTable
from saiken.core.relief import component_portions
from saiken.ledger.models import Entry, Instalment

_REDUCING = (Kind.PAYMENT.value, Kind.TRANSFER_IN.value)
_CHARGING = (Kind.ASSESSMENT.value, Kind.INCREASE.value)
_UNREDUCING = (Kind.OVERPAYMENT.value, Kind.PAYMENT_REVERSAL.value)


def charges_late(r: ReceivableType) -> bool:
    return r.late_charge_kind != LateChargeKind.NONE


def interest_first(r: ReceivableType) -> bool:
    """Does the allocation order meet the late charge before the principal (民法489条)?"""
    return _interest_first(r.allocation_order)


@lru_cache(maxsize=64)
def _interest_first(allocation_order: str) -> bool:
    order = list(parse_order(allocation_order))
    return order.index(Component.LATE_CHARGE) < order.index(Component.PRINCIPAL)


@dataclass
class Context:
    """What the late charge of each instalment depends on, read once for many."""

    receivables: dict[int, ReceivableType]
    rates: RateTable | None
    history: dict[int, list[tuple[date, int]]] = field(default_factory=dict)  # principal paid, by date
    charged: dict[int, int] = field(default_factory=dict)  # late charge assessed so far (before any 減免)
    designated: dict[int, date] = field(default_factory=dict)  # the 督促's 指定期限
    # Approved 猶予 and 執行停止 as ("exempt" | "reduced", first day, last day or None while
    # a stop continues), from saiken.relief (地方税法15条の9第1項).
    reliefs: dict[int, list[tuple[str, date, date | None]]] = field(default_factory=dict)
    # Approved 履行延期の特約 (saiken.relief.effects.DeferralEffect): no charge on the
    # principal not yet due under them (地方自治法施行令171条の6).
    deferrals: dict[int, list] = field(default_factory=dict)
    unfixed: set[int] = field(default_factory=set)  # charges not fixed: a rate is missing

    @classmethod
    def load(cls, instalment_ids: Iterable[int], receivables: dict[int, ReceivableType] | None = None) -> Context:
        ids = list(instalment_ids)
        receivables = receivables or {r.id: r for r in ReceivableType.objects.all()}
        ctx = cls(receivables, rate_table() if any(charges_late(r) for r in receivables.values()) else None)
        if not ids:
            return ctx
        history: dict[int, dict[date, int]] = defaultdict(lambda: defaultdict(int))
        charged: dict[int, int] = defaultdict(int)
        principal, late = Component.PRINCIPAL.value, Component.LATE_CHARGE.value
        for iid, kind, component, amount, booked_on, paid_on in _entries(ids):
            if component == principal and kind in _REDUCING:
                history[iid][paid_on or booked_on] += amount
            elif component == principal and kind in _UNREDUCING and paid_on is not None:
                # The excess of an overpaying payment never reduced the principal, nor
                # did a payment reversed since (its reversal carries the payment).
                history[iid][paid_on] -= amount
            elif component == principal and kind == Kind.OVERPAYMENT_REVERSAL.value and paid_on is not None:
                history[iid][paid_on] += amount  # meets the excess taken off above
            elif component == late and kind in _CHARGING:
                charged[iid] += amount
            elif component == late and kind == Kind.ASSESSMENT_REVERSAL.value:
                charged[iid] -= amount  # fixed by a payment since reversed: only accrued again
        ctx.history = {iid: sorted((d, a) for d, a in days.items() if a > 0) for iid, days in history.items()}
        ctx.charged = dict(charged)
        from saiken.demands.models import DemandLine  # the ledger reads demands; demands never read late charges

        ctx.designated = dict(
            DemandLine.objects.filter(instalment_id__in=ids).values_list("instalment_id", F("demand__designated_deadline"))
        )
        ctx.reliefs, ctx.deferrals = _relief_effects(ids)
        return ctx

    def accrued(self, i: Instalment | tuple, on: date, *, extra: Iterable[tuple[date, int]] = ()) -> LateCharge:
        """The charge of instalment `i` if its principal were fully paid on `on`.

        `i` is an Instalment or an (id, receivable id, due date, principal due) tuple;
        `extra` are principal payments not yet in the ledger (earlier in the same batch)."""
        iid, rid, due, principal_due = (i.id, i.receivable_id, i.due_date, i.principal_due) if isinstance(i, Instalment) else i
        r = self.receivables[rid]
        if not charges_late(r) or on <= due:
            return LateCharge(0)
        payments = [*self.history.get(iid, ()), *extra]
        principal = principal_due + sum(a for _, a in payments)
        if principal <= 0:
            return LateCharge(0)
        designated = self.designated.get(iid)
        if r.late_charge_start == "designated_deadline" and designated is None:
            return LateCharge(0)  # charged only from a demand's 指定期限, and none was sent
        deferments, stops = self.periods(iid, on)
        return receivable_late_charge(
            r, principal=principal, due=due, paid=on, payments=[(d, a) for d, a in payments if d < on],
            designated_deadline=designated, deferments=deferments, stops=stops, rates=self.rates,
            deferrals=self.principal_deferrals(iid, r),
        )

    def principal_deferrals(self, iid: int, r: ReceivableType) -> list[Deferral]:
        """The instalment's 履行延期の特約 as the charge takes them: the principal share
        of each portion, the portions being paid in date order and each payment meeting
        the components in the receivable's allocation order (principal first for public
        claims; costs, interest, principal for private ones, 民法489条)."""
        out = []
        for d in self.deferrals.get(iid, ()):
            at_agreement = {Component.PRINCIPAL: d.principal, Component.LATE_CHARGE: d.late_charge, Component.FEE: d.fee}
            parts = [(c.value, at_agreement[c]) for c in parse_order(r.allocation_order)]
            out.append(Deferral(d.start, tuple(component_portions(d.portions, parts)[Component.PRINCIPAL.value])))
        return out

    def periods(self, iid: int, on: date) -> tuple[list[Deferment], list[tuple[date, date]]]:
        """The instalment's 猶予 and 執行停止 as a calculation through `on` takes them
        (地方税法15条の9第1項): a stop that continues runs through `on`."""
        deferments: list[Deferment] = []
        stops: list[tuple[date, date]] = []
        for what, first, last in self.reliefs.get(iid, ()):
            last = on if last is None else min(last, on)
            if last < first:
                continue
            if what == "stop":
                stops.append((first, last))
            else:
                deferments.append(Deferment(first, last, exempt=what == "exempt"))
        return deferments, stops

    def to_fix(self, i: Instalment | tuple, on: date, *, extra: Iterable[tuple[date, int]] = ()) -> int:
        """Late charge to assess now: accrued through `on` less what was assessed before.

        A payment is never refused for want of a rate: where the year's rate has not
        been entered yet (it is announced in December), nothing is fixed, the
        instalment is listed in `unfixed`, and the payment posts."""
        iid = i.id if isinstance(i, Instalment) else i[0]
        try:
            accrued = self.accrued(i, on, extra=extra).amount
        except MissingRate:
            self.unfixed.add(iid)
            return 0
        return max(0, accrued - self.charged.get(iid, 0))


def _entries(ids: list[int]) -> list[tuple]:
    """The entries a late charge depends on, for many instalments: one statement per
    chunk of ids, written out (the ORM's IN list of thousands costs more than the query)."""
    from django.db import connection

    from saiken.ledger.booking import execute_many_params
    from saiken.ledger.models import Payment

    kinds = sorted({*_REDUCING, *_CHARGING, *_UNREDUCING, Kind.OVERPAYMENT_REVERSAL.value, Kind.ASSESSMENT_REVERSAL.value})
    out: list[tuple] = []
    with connection.cursor() as cur:
        for start in range(0, len(ids), 5000):
            chunk = ids[start:start + 5000]
            select = (
                f"SELECT e.instalment_id, e.kind, e.component, e.amount, e.booked_on, p.paid_on"
                f" FROM {Entry._meta.db_table} e LEFT JOIN {Payment._meta.db_table} p ON p.id = e.payment_id"
            )
            if connection.vendor == "postgresql":  # two array parameters, not thousands
                cur.execute(f"{select} WHERE e.instalment_id = ANY(%s) AND e.kind = ANY(%s)", [chunk, kinds])
            else:
                execute_many_params(
                    cur,
                    f"{select} WHERE e.instalment_id IN ({', '.join(['%s'] * len(chunk))}) AND e.kind IN ({', '.join(['%s'] * len(kinds))})",
                    [*chunk, *kinds],
                )
            out += cur.fetchall()
    if connection.vendor == "sqlite":  # SQLite hands dates back as text
        out = [(i, k, c, a, _day(b), _day(p)) for i, k, c, a, b, p in out]
    return out


def _day(value) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) else value


def _relief_effects(ids: list[int]) -> tuple[dict[int, list[tuple[str, date, date | None]]], dict[int, list]]:
    """Stops, deferments and 履行延期 on these instalments (saiken.relief.effects)."""
    from saiken.relief.effects import late_charge_effects  # relief reads the ledger; the ledger reads relief's effects

    return late_charge_effects(ids)


def accrued_late_charges(instalments: Iterable[Instalment], on: date) -> dict[int, LateCharge]:
    """計算上の延滞金: each open instalment's charge if paid in full on `on`."""
    instalments = [i for i in instalments if i.principal_due > 0]
    ctx = Context.load([i.id for i in instalments])
    return {i.id: ctx.accrued(i, on) for i in instalments}
