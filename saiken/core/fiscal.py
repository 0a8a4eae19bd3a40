"""Fiscal years (年度), the 出納整理期間 and the 現年/滞繰 split.

A fiscal year runs April 1 – March 31 and is named by the calendar year it starts
in. Its accounts close on May 31 of the next calendar year (地方自治法235条の5):
a payment received April 1 – May 31 against anything assessed in the closing
year (its current-year or its carried-over amounts) counts in the closing year.
"""

from __future__ import annotations

from datetime import date

CLOSING_MONTH_LAST = 5  # 出納整理期間 runs through May 31


def fiscal_year_of(d: date) -> int:
    return d.year if d.month >= 4 else d.year - 1


def fiscal_year_start(fy: int) -> date:
    return date(fy, 4, 1)


def fiscal_year_end(fy: int) -> date:
    return date(fy + 1, 3, 31)


def accounts_close(fy: int) -> date:
    """Last day of the fiscal year's settlement (出納閉鎖日), May 31 of the next year."""
    return date(fy + 1, 5, 31)


def in_closing_period(d: date) -> bool:
    """True on April 1 – May 31, the previous year's 出納整理期間."""
    return 4 <= d.month <= CLOSING_MONTH_LAST


def settlement_year(instalment_fiscal_year: int, booked_on: date) -> int:
    """The fiscal year whose settlement (決算) an amount booked on `booked_on` belongs to.

    - booked in April–May on a debt assessed in an earlier year (current of the
      closing year, or carried into it): the closing year;
    - booked before the debt's own fiscal year starts (前納): the debt's year;
    - otherwise the fiscal year of the booking date.
    """
    fy = fiscal_year_of(booked_on)
    if in_closing_period(booked_on) and instalment_fiscal_year < fy:
        fy -= 1
    return max(fy, instalment_fiscal_year)


def is_current_year(instalment_fiscal_year: int, report_year: int) -> bool:
    """現年度分 if the debt was assessed for the reported year; 滞納繰越分 if earlier."""
    return instalment_fiscal_year == report_year
