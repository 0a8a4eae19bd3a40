"""Japanese era (和暦) labels for dates and fiscal years."""

from __future__ import annotations

from datetime import date

# (first day, name). The era table is settled history; a new era would be one line.
ERAS: tuple[tuple[date, str], ...] = (
    (date(2019, 5, 1), "令和"),
    (date(1989, 1, 8), "平成"),
    (date(1926, 12, 25), "昭和"),
    (date(1912, 7, 30), "大正"),
    (date(1868, 1, 25), "明治"),
)


def _era_for(d: date) -> tuple[str, int]:
    for start, name in ERAS:
        if d >= start:
            return name, d.year - start.year + 1
    raise ValueError(f"{d} is before the Meiji era")


def _year_label(n: int) -> str:
    return "元" if n == 1 else str(n)


def wareki(d: date) -> str:
    """令和8年11月27日"""
    name, n = _era_for(d)
    return f"{name}{_year_label(n)}年{d.month}月{d.day}日"


def fiscal_year_label(fy: int) -> str:
    """令和元年度 for FY2019, 平成30年度 for FY2018.

    A fiscal year carries the name of the era in force at the end of its calendar
    year, as cities renamed FY2019 (平成31年度) to 令和元年度.
    """
    name, n = _era_for(date(fy, 12, 31))
    return f"{name}{_year_label(n)}年度"


_INITIALS = {"令和": "R", "平成": "H", "昭和": "S", "大正": "T", "明治": "M"}


def fiscal_year_code(fy: int) -> str:
    """R8 for FY2026 (令和8年度), H30 for FY2018: the short era year of a fiscal year, for numbers."""
    name, n = _era_for(date(fy, 12, 31))
    return f"{_INITIALS[name]}{n}"
