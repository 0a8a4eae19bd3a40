"""Allocating a payment (充当順位) across debts and their components.

Public receivables take principal (本税/本料) first, then the late charge, then
fees (国税通則法62条 by analogy); private claims default to the civil code's
order, costs → interest → principal (民法489条). The order is a setting of the
receivable type, so it arrives here as data.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum


class Component(StrEnum):
    PRINCIPAL = "principal"  # 本税・本料・元金
    LATE_CHARGE = "late_charge"  # 延滞金・遅延損害金
    FEE = "fee"  # 督促手数料・費用


PUBLIC_ORDER: tuple[Component, ...] = (Component.PRINCIPAL, Component.LATE_CHARGE, Component.FEE)
CIVIL_CODE_ORDER: tuple[Component, ...] = (Component.FEE, Component.LATE_CHARGE, Component.PRINCIPAL)


class Scope(StrEnum):
    """How the order applies across several debts."""

    PER_DEBT = "per_debt"  # oldest debt first; within it, the component order
    COMPONENT_FIRST = "component_first"  # every debt's first component, oldest first, then the next


def parse_order(text: str) -> tuple[Component, ...]:
    """'principal,late_charge,fee' → a full order; every component exactly once."""
    parts = tuple(Component(p.strip()) for p in text.split(",") if p.strip())
    if sorted(parts) != sorted(Component):
        raise ValueError(f"allocation order must name each of {', '.join(Component)} once: {text!r}")
    return parts


@dataclass(frozen=True)
class Debt:
    key: Hashable
    due: date
    balances: dict[Component, int]  # outstanding yen per component, each ≥ 0


@dataclass(frozen=True)
class Allocation:
    key: Hashable
    component: Component
    amount: int


def allocate(
    amount: int,
    debts: Sequence[Debt],
    order: Sequence[Component] = PUBLIC_ORDER,
    scope: Scope = Scope.PER_DEBT,
) -> tuple[list[Allocation], int]:
    """Split `amount` over `debts`, oldest due date first. Returns (allocations, remainder).

    The remainder is what is left after every balance is cleared: an overpayment
    (過誤納金) for the caller to hold for refund or transfer.
    """
    if amount <= 0:
        raise ValueError("amount must be positive")
    ordered = sorted(debts, key=lambda d: (d.due, str(d.key))) if len(debts) > 1 else debts
    if scope is Scope.PER_DEBT:
        slots = [(d, c) for d in ordered for c in order]
    else:
        slots = [(d, c) for c in order for d in ordered]
    left = amount
    out: list[Allocation] = []
    for debt, component in slots:
        if left == 0:
            break
        owing = debt.balances.get(component, 0)
        if owing < 0:
            raise ValueError(f"negative balance on {debt.key} {component}")
        take = min(owing, left)
        if take:
            out.append(Allocation(debt.key, component, take))
            left -= take
    return out, left
