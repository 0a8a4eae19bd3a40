from datetime import date

import pytest

from saiken.core.era import fiscal_year_label, wareki
from saiken.core.fiscal import accounts_close, fiscal_year_of, settlement_year


@pytest.mark.parametrize(
    "d, fy",
    [(date(2025, 4, 1), 2025), (date(2025, 3, 31), 2024), (date(2026, 1, 1), 2025), (date(2026, 5, 31), 2026)],
)
def test_fiscal_year_of(d, fy):
    assert fiscal_year_of(d) == fy


@pytest.mark.parametrize(
    "debt_fy, booked, expected, why",
    [
        (2024, date(2025, 3, 31), 2024, "last day of the fiscal year"),
        (2024, date(2025, 4, 1), 2024, "first day of 出納整理期間 counts in the closing year"),
        (2024, date(2025, 5, 31), 2024, "last day of 出納整理期間"),
        (2024, date(2025, 6, 1), 2025, "after the accounts close: the new year (滞繰)"),
        (2022, date(2025, 5, 10), 2024, "arrears carried into FY2024, paid in its 出納整理期間"),
        (2025, date(2025, 4, 20), 2025, "the new year's own debt paid in April is the new year's"),
        (2025, date(2025, 3, 15), 2025, "paid before its year starts (前納): the debt's year"),
        (2023, date(2024, 2, 29), 2023, "leap day"),
    ],
)
def test_settlement_year(debt_fy, booked, expected, why):
    assert settlement_year(debt_fy, booked) == expected, why


def test_accounts_close():
    assert accounts_close(2024) == date(2025, 5, 31)


@pytest.mark.parametrize(
    "fy, label",
    [(2018, "平成30年度"), (2019, "令和元年度"), (2020, "令和2年度"), (2026, "令和8年度"), (1989, "平成元年度"), (1988, "昭和63年度")],
)
def test_fiscal_year_label(fy, label):
    assert fiscal_year_label(fy) == label


def test_wareki():
    assert wareki(date(2019, 4, 30)) == "平成31年4月30日"
    assert wareki(date(2019, 5, 1)) == "令和元年5月1日"
    assert wareki(date(2026, 11, 27)) == "令和8年11月27日"
