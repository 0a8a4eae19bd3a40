"""The statutory calendar of one instalment: due date, demand window, 指定期限, seizure.

- 督促 within `demand_window_days` after the due date (地方税法329条 and like
  ordinances: 20 days);
- the demand's 指定期限 is `designated_days` after it was issued; it rolls over
  closed days only if the city says so (a setting: an administrative act's own
  deadline is not a statutory 納期限);
- forcible claims may be seized when not paid by the day the demand was issued
  plus 10 days (地方税法331条: issued 4/7 → 4/17 → seizure from 4/18), and not
  before the 指定期限 has passed;
- and never before the demand has reached the debtor (民法97条1項; see
  `saiken.core.delivery`): `seizure_from` takes the day the delivered notice was
  sent (発した日) and the day it was delivered.
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
    demand_delivered: date | None = None,
    seizure_counts_from_delivery: bool = False,
) -> Deadlines:
    """The instalment's dates; `demand_delivered` defaults to the issue day (a notice
    presumed to arrive the day it is sent)."""
    due = statutory_due(nominal_due)
    designated = seizure = None
    if demand_issued is not None:
        designated = demand_issued + timedelta(days=designated_days)
        if designated_rolls:
            designated = statutory_due(designated)
        if forcible:
            seizure = seizure_from(
                sent=demand_issued, delivered=demand_delivered or demand_issued, designated_deadline=designated,
                counts_from_delivery=seizure_counts_from_delivery,
            )
    return Deadlines(due, due + timedelta(days=demand_window_days), designated, seizure)


def seizure_from(*, sent: date, delivered: date | None, designated_deadline: date, counts_from_delivery: bool = False) -> date | None:
    """The first day a forcible claim may be seized after its 督促, or None while the
    notice has not reached the debtor.

    地方税法331条1項 (and 国税徴収法47条1項, whose example 地方自治法231条の3第3項
    follows): seizure when the claim is not fully paid "督促状を発した日から起算して
    十日を経過した日までに" — sent 4/7 → day 10 is 4/16, the day on which ten days
    have passed is 4/17 → seizure from 4/18. The 10 days count from the day the
    notice was sent (for a re-send its own day; for a 公示送達 the day posting
    began), but a 督促 has no effect before it reaches the debtor (民法97条1項), so
    never before the day after delivery; nor before the notice's 指定期限 has passed.

    `counts_from_delivery` (a city setting, default off) counts the 10 days from the
    delivery instead, for a city that reads 331条 more cautiously.
    """
    if delivered is None:
        return None
    start = delivered if counts_from_delivery else sent
    one = timedelta(days=1)
    return max(start + timedelta(days=SEIZURE_WAIT_DAYS) + one, delivered + one, designated_deadline + one)
