"""Statutory deadlines: rolling a 納期限 over closed days.

地方税法20条の5 / 民法142条: a deadline falling on a Saturday, Sunday, national
holiday (祝日, 振替休日, 国民の休日) or 12/29–1/3 moves to the next day that is none
of these.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from functools import lru_cache

import holidays

HolidayTest = Callable[[date], bool]


@lru_cache(maxsize=256)
def _japan_holidays_for(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("JP", years=year).keys())


def is_japanese_holiday(d: date) -> bool:
    """True on a Japanese national holiday, substitute holiday or 国民の休日."""
    return d in _japan_holidays_for(d.year)


def holiday_name(d: date) -> str | None:
    return holidays.country_holidays("JP", years=d.year, language="ja").get(d)


def is_year_end_closure(d: date) -> bool:
    """12/29–1/3: the offices' year-end closure, treated as a holiday for deadlines."""
    return (d.month == 12 and d.day >= 29) or (d.month == 1 and d.day <= 3)


def is_closed_day(d: date, is_holiday: HolidayTest = is_japanese_holiday) -> bool:
    return d.weekday() >= 5 or is_holiday(d) or is_year_end_closure(d)


def roll_forward(d: date, is_holiday: HolidayTest = is_japanese_holiday) -> date:
    """The statutory deadline for a nominal date `d`: `d`, or the next open day."""
    while is_closed_day(d, is_holiday):
        d += timedelta(days=1)
    return d


@lru_cache(maxsize=8192)
def statutory_due(nominal: date) -> date:
    """納期限 rolled over the national calendar; cached, as a city has few distinct due dates."""
    return roll_forward(nominal)
