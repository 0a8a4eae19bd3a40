"""Undoing a payment (収納取消) by entries, never by deleting it.

A payment posted in error — to the wrong person or instalment, or a counter payment
cancelled — stays in the ledger with everything it did; each of its entries is met by
an entry of the reversing kind, for the same instalment, component and amount, booked
on the day of the reversal:

- 収納 (payment)              → 収納取消: what it paid is owed again;
- 過誤納 (its excess held)    → 過誤納取消: the excess leaves 過誤納金 with it;
- 延滞金確定 (the late charge the payment fixed) → 延滞金確定取消: the charge was
  owed as a number only because this payment paid the principal (saiken.ledger.
  late_charges); without the payment it is again only accrued, and the next payment
  fixes it anew, to its own day.

A reversal must leave every balance at zero or above. It cannot when something
after the payment used what it did: a later payment of the late charge it fixed, a
refund or 充当 of its excess, a 減免 of that charge. Those are undone first, latest
first, so the ledger reads as a sequence of events that could have happened.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from saiken.core.allocation import Component
from saiken.core.entries import BALANCE_SIGN, OVERPAID_SIGN, Kind

REVERSING: dict[Kind, Kind] = {
    Kind.PAYMENT: Kind.PAYMENT_REVERSAL,
    Kind.OVERPAYMENT: Kind.OVERPAYMENT_REVERSAL,
    Kind.ASSESSMENT: Kind.ASSESSMENT_REVERSAL,  # only the late charge a payment fixed
}
REVERSAL_KINDS = frozenset(REVERSING.values())


class CannotReverse(ValueError):
    """The payment cannot be reversed; the message says why, in Japanese."""


@dataclass(frozen=True)
class PostedEntry:
    """One entry a payment wrote (or the late charge it fixed)."""

    id: int
    instalment_id: int
    kind: Kind
    component: Component
    amount: int


@dataclass(frozen=True)
class ReversalEntry:
    instalment_id: int
    kind: Kind
    component: Component
    amount: int
    counterpart_id: int  # the entry it reverses


def plan(entries: Iterable[PostedEntry]) -> list[ReversalEntry]:
    """The entries that undo a payment's `entries`, one for each, in the same order."""
    entries = list(entries)
    if not entries:
        raise CannotReverse("この収納には仕訳がありません。")
    out = []
    for e in entries:
        if e.kind in REVERSAL_KINDS:
            raise CannotReverse("この収納は既に取り消されています。")
        kind = REVERSING.get(e.kind)
        if kind is None or (e.kind == Kind.ASSESSMENT and e.component != Component.LATE_CHARGE):
            raise CannotReverse(f"収納の仕訳でないもの（{e.kind.value}）は取り消せません。")
        out.append(ReversalEntry(e.instalment_id, kind, e.component, e.amount, e.id))
    return out


Balances = Mapping[int, tuple[Mapping[Component, int], int]]  # instalment → (due per component, overpaid)


def shortfalls(balances: Balances, reversal: Iterable[ReversalEntry]) -> list[str]:
    """What a reversal would drive below zero, given each instalment's balances now;
    empty when it may be booked. Each line names the instalment (by id), the balance
    and why, in Japanese."""
    due: dict[int, dict[Component, int]] = defaultdict(dict)
    overpaid: dict[int, int] = {}
    for iid, (by_component, held) in balances.items():
        due[iid] = dict(by_component)
        overpaid[iid] = held
    for r in reversal:
        due[r.instalment_id][r.component] = due[r.instalment_id].get(r.component, 0) + BALANCE_SIGN[r.kind] * r.amount
        overpaid[r.instalment_id] = overpaid.get(r.instalment_id, 0) + OVERPAID_SIGN.get(r.kind, 0) * r.amount
    out = []
    for iid in sorted(due):
        for component, yen in due[iid].items():
            if yen < 0:
                out.append(f"調定 {iid} の{_LABEL[component]}が {yen:,}円 になります（この収納の後の入金・減免を先に取り消してください）")
        if overpaid.get(iid, 0) < 0:
            out.append(f"調定 {iid} の過誤納金が {overpaid[iid]:,}円 になります（過誤納金は既に還付・充当されています）")
    return out


_LABEL = {Component.PRINCIPAL: "本税・本料の残高", Component.LATE_CHARGE: "延滞金の残高", Component.FEE: "督促手数料の残高"}
