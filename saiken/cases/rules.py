"""The rules of case work as pure functions: dates and yen in, verdicts out (no Django).

- A payment schedule (分納誓約, or a single promise to pay) is judged from the
  debtor's payments: row k is kept when the payments made from the day of the
  promise up to row k's deadline (its due date plus the grace days) add up to
  at least the schedule's total through row k. It is broken from the day after
  that deadline, not on it: the deadline is the last day a payment still counts.
  A payment after a row's deadline counts for the later rows only.
- A case is stalled (催告後進捗なし) when a reminder was sent on day R and nothing
  was recorded from R through R + N (N per receivable): it is stalled from day
  R + N. Progress on R + N still counts, so the case is not stalled that day.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum


class RowState(StrEnum):
    KEPT = "kept"
    PENDING = "pending"
    BROKEN = "broken"


ROW_STATE_LABELS = {RowState.KEPT: "履行", RowState.PENDING: "未到来", RowState.BROKEN: "不履行"}


class PlanState(StrEnum):
    ACTIVE = "active"
    COMPLETED = "completed"
    BROKEN = "broken"


PLAN_STATE_LABELS = {PlanState.ACTIVE: "履行中", PlanState.COMPLETED: "完了", PlanState.BROKEN: "不履行"}


@dataclass(frozen=True)
class Row:
    due_on: date
    amount: int
    cumulative: int  # the schedule's total through this row
    deadline: date  # due_on + grace: the last day a payment counts for this row
    paid: int  # paid from the start through min(deadline, as_of)
    state: RowState

    @property
    def broken_on(self) -> date:
        """The first day the row is broken, if it is not kept by then."""
        return self.deadline + timedelta(days=1)


@dataclass(frozen=True)
class Verdict:
    rows: tuple[Row, ...]

    @property
    def state(self) -> PlanState:
        if any(r.state == RowState.BROKEN for r in self.rows):
            return PlanState.BROKEN
        if self.rows and all(r.state == RowState.KEPT for r in self.rows):
            return PlanState.COMPLETED
        return PlanState.ACTIVE

    @property
    def first_broken(self) -> Row | None:
        return next((r for r in self.rows if r.state == RowState.BROKEN), None)

    @property
    def total(self) -> int:
        return self.rows[-1].cumulative if self.rows else 0


def judge_schedule(
    schedule: Sequence[tuple[date, int]],
    payments: Iterable[tuple[date, int]],
    *,
    since: date,
    grace_days: int,
    as_of: date,
) -> Verdict:
    """Each row kept, pending or broken as of `as_of`, from payments (paid_on, yen) made on or after `since`."""
    if grace_days < 0:
        raise ValueError("grace_days must not be negative")
    paid = sorted((d, yen) for d, yen in payments if since <= d <= as_of)
    rows = []
    cumulative = 0
    for due_on, amount in sorted(schedule):
        cumulative += amount
        deadline = due_on + timedelta(days=grace_days)
        counted = sum(yen for d, yen in paid if d <= deadline)
        if counted >= cumulative:
            state = RowState.KEPT
        elif as_of > deadline:
            state = RowState.BROKEN
        else:
            state = RowState.PENDING
        rows.append(Row(due_on, amount, cumulative, deadline, counted, state))
    return Verdict(tuple(rows))


def stalled_since(reminders: Iterable[tuple[date, int]], last_progress: date | None, as_of: date) -> date | None:
    """The day the case became stalled (None: it is not, as of `as_of`).

    `reminders` are (day sent, N days allowed); `last_progress` is the last day with
    recorded progress on or before `as_of`. Only reminders sent after that day count:
    progress on the day of a reminder or later answers it.
    """
    due = [sent + timedelta(days=n) for sent, n in reminders if sent <= as_of and (last_progress is None or sent > last_progress)]
    due = [d for d in due if d <= as_of]
    return min(due) if due else None
