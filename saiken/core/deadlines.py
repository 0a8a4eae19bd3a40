"""The statutory calendar of one instalment: due date, demand window, 指定期限, seizure.

- 督促 within `demand_window_days` after the due date (地方税法329条 and like
  ordinances: 20 days);
- the demand's 指定期限 is `designated_days` after it was issued; it rolls over
  closed days only if the city says so (a setting: an administrative act's own
  deadline is not a statutory 納期限);
- forcible claims may be seized when not paid by the day the demand was issued
  plus 10 days (地方税法331条: issued 4/7 → 4/17 → seizure from 4/18), and not
  before the 指定期限 has passed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from saiken.core.calendar import statutory_due

SEIZURE_WAIT_DAYS = 10


@dataclass(frozen=True)
class Deadlines:
    due: date
    demand_by: date
    designated_deadline: date | None
    seizure_from: date | None


def deadlines(
    nominal_due: date,
    *,
    demand_window_days: int = 20,
    designated_days: int = 10,
    designated_rolls: bool = False,
    forcible: bool = True,
    demand_issued: date | None = None,
) -> Deadlines:
    due = statutory_due(nominal_due)
    designated = seizure = None
    if demand_issued is not None:
        designated = demand_issued + timedelta(days=designated_days)
        if designated_rolls:
            designated = statutory_due(designated)
        if forcible:
            seizure = max(demand_issued + timedelta(days=SEIZURE_WAIT_DAYS + 1), designated + timedelta(days=1))
    return Deadlines(due, due + timedelta(days=demand_window_days), designated, seizure)
