from datetime import date

import pytest

from saiken.core.calendar import is_closed_day, roll_forward


@pytest.mark.parametrize(
    "nominal, rolled",
    [
        (date(2026, 1, 31), date(2026, 2, 2)),  # Saturday → Monday (DOMAIN §3)
        (date(2017, 4, 30), date(2017, 5, 1)),  # Sunday → Monday
        (date(2026, 2, 2), date(2026, 2, 2)),  # an open Monday stays
        (date(2025, 12, 29), date(2026, 1, 5)),  # 12/29–1/3 closed, 1/4 is a Sunday
        (date(2024, 12, 31), date(2025, 1, 6)),  # 1/4 and 1/5 are a weekend in 2025
        (date(2026, 1, 3), date(2026, 1, 5)),
        (date(2019, 4, 30), date(2019, 5, 7)),  # 2019's ten-day Golden Week (国民の休日 4/30, 5/2)
        (date(2026, 5, 6), date(2026, 5, 7)),  # 振替休日 for 5/3 falling on a Sunday
        (date(2026, 9, 22), date(2026, 9, 24)),  # 国民の休日 between 敬老の日 and 秋分の日, then 9/23
        (date(2024, 2, 29), date(2024, 2, 29)),  # leap day, a Thursday
        (date(2020, 2, 29), date(2020, 3, 2)),  # leap day on a Saturday
    ],
)
def test_roll_forward(nominal, rolled):
    assert roll_forward(nominal) == rolled


def test_year_end_closure_is_closed_even_on_weekdays():
    assert is_closed_day(date(2025, 12, 29))  # Monday
    assert is_closed_day(date(2026, 1, 2))  # Friday
    assert not is_closed_day(date(2025, 12, 26))  # Friday before


def test_holiday_test_is_injectable():
    # A city-specific closure day, passed in as data.
    assert roll_forward(date(2026, 2, 3), is_holiday=lambda d: d == date(2026, 2, 3)) == date(2026, 2, 4)
