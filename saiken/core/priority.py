"""The priority of a collection case (滞納整理事案の優先度): a score and the reasons for it.

Pure: the facts of one case and the day are passed in. A case's priority is not a
stored status; it is recomputed from what is owed, how near prescription is, how
often the debtor broke a promise, how long since anyone spoke to them and whether
the officer has planned the next step. The points are a `Weights` value a city
may change (setting SAIKEN_CASE_PRIORITY); the defaults put an approaching
prescription first, because a completed prescription cannot be undone
(DOMAIN.md §6), then large amounts and broken promises.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from datetime import date

from saiken.core.late_charge import add_months


@dataclass(frozen=True)
class CaseFacts:
    """What the priority is computed from, for one case on one day."""

    owed: int  # yen still owed (principal, late charges, fees) on the case's debts
    prescription_completes_on: date | None = None  # the earliest completion among its open debts
    broken_promises: int = 0  # broken pledges and broken promises to pay
    last_contact_on: date | None = None  # the last contact with the debtor (None: never)
    next_action_on: date | None = None  # the officer's planned next step (None: none planned)


@dataclass(frozen=True)
class Reason:
    code: str  # stable: amount, prescription, broken, no_contact, no_next_action, overdue_action
    points: int
    text: str  # for the screen


@dataclass(frozen=True)
class Weights:
    """Points per fact. Tiers are (threshold, points), the first met wins."""

    amount: tuple[tuple[int, int], ...] = ((1_000_000, 30), (300_000, 20), (100_000, 10), (1, 3))  # yen owed ≥
    prescription_months: tuple[tuple[int, int], ...] = ((3, 40), (6, 25), (12, 10))  # completes within N months
    per_broken: int = 15
    broken_cap: int = 30
    no_contact_days: tuple[tuple[int, int], ...] = ((180, 15), (90, 10), (30, 5))  # no contact for ≥ N days
    never_contacted: int = 15
    no_next_action: int = 10
    overdue_next_action: int = 10

    @classmethod
    def from_dict(cls, data: dict) -> Weights:
        """Weights from a setting; unknown keys are refused so a typo is not silently ignored."""
        known = {f.name for f in fields(cls)}
        unknown = set(data) - known
        if unknown:
            raise ValueError(f"unknown priority weights: {', '.join(sorted(unknown))}")
        values = {k: tuple(tuple(t) for t in v) if isinstance(v, (list, tuple)) else v for k, v in data.items()}
        return replace(cls(), **values)


DEFAULT_WEIGHTS = Weights()


def _tier(value: int, tiers: tuple[tuple[int, int], ...]) -> tuple[int, int] | None:
    for threshold, points in tiers:
        if value >= threshold:
            return threshold, points
    return None


def priority(facts: CaseFacts, as_of: date, weights: Weights = DEFAULT_WEIGHTS) -> tuple[int, tuple[Reason, ...]]:
    """The score (higher first) and every reason that added to it, largest first."""
    reasons: list[Reason] = []
    if facts.owed > 0 and (t := _tier(facts.owed, weights.amount)):
        tier = f"（{t[0]:,}円以上）" if t[0] > 1 else ""
        reasons.append(Reason("amount", t[1], f"未納額 {facts.owed:,}円{tier}"))
    completes = facts.prescription_completes_on
    if completes is not None and completes >= as_of:
        for months, points in sorted(weights.prescription_months):
            if completes <= add_months(as_of, months):
                days = (completes - as_of).days
                reasons.append(Reason("prescription", points, f"時効完成まで{days}日（{months}か月以内）"))
                break
    if facts.broken_promises > 0:
        points = min(weights.broken_cap, weights.per_broken * facts.broken_promises)
        reasons.append(Reason("broken", points, f"約束の不履行 {facts.broken_promises}件"))
    if facts.last_contact_on is None:
        if weights.never_contacted:
            reasons.append(Reason("no_contact", weights.never_contacted, "接触の記録なし"))
    elif t := _tier((as_of - facts.last_contact_on).days, weights.no_contact_days):
        reasons.append(Reason("no_contact", t[1], f"最終接触から{(as_of - facts.last_contact_on).days}日（{t[0]}日以上）"))
    if facts.next_action_on is None:
        reasons.append(Reason("no_next_action", weights.no_next_action, "次回対応日が未設定"))
    elif facts.next_action_on < as_of:
        reasons.append(Reason("overdue_action", weights.overdue_next_action, f"次回対応日を{(as_of - facts.next_action_on).days}日超過"))
    reasons = [r for r in reasons if r.points > 0]
    reasons.sort(key=lambda r: -r.points)
    return sum(r.points for r in reasons), tuple(reasons)

