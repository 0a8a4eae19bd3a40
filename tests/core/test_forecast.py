"""The year-end forecast (決算見込み) by this year's pace against last year's, at its edges."""

from datetime import date
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from saiken.core.forecast import project, same_day_last_year


def test_the_pace_of_last_year_carries_this_year_to_its_end():
    # Last year had 60 of its final 100 by this date; this year has 57 of 100 assessed.
    f = project(collected_to_date=57, assessed=100, last_year_to_date=60, last_year_final=100)
    assert f.share == Fraction(3, 5)
    assert f.projected == 95
    assert f.rate == Fraction(95, 100)
    assert f.rate_to_date == Fraction(57, 100)
    assert not f.bounded


def test_assessment_still_to_come_is_foreseen_in_last_years_proportion():
    # Monthly fees: last year 80 of its final 100 had been assessed by this date, so this
    # year's 80 assessed so far becomes 100; its 48 collected (last year's pace 60%) 80.
    f = project(collected_to_date=48, assessed=80, last_year_to_date=60, last_year_final=100,
                last_year_assessed_to_date=80, last_year_assessed_final=100)
    assert f.assessed_projected == 100
    assert f.projected == 80
    assert f.rate == Fraction(4, 5)
    # Without it, the same figures would be measured against 80 assessed: 100%.
    assert project(collected_to_date=48, assessed=80, last_year_to_date=60, last_year_final=100).rate == 1


def test_no_last_year_figures_means_no_forecast():
    for last, final in ((None, None), (0, 100), (50, 0), (None, 100)):
        f = project(collected_to_date=10, assessed=100, last_year_to_date=last, last_year_final=final)
        assert f.projected is None and f.rate is None and f.share is None
        assert f.rate_to_date == Fraction(1, 10)  # what is known is still shown


def test_nothing_assessed_means_no_rate_at_all():
    f = project(collected_to_date=0, assessed=0, last_year_to_date=50, last_year_final=100)
    assert f.rate is None and f.rate_to_date is None and f.projected is None


def test_never_above_what_is_assessed_nor_below_what_is_collected():
    ahead = project(collected_to_date=90, assessed=100, last_year_to_date=50, last_year_final=100)
    assert ahead.projected == 100 and ahead.rate == 1 and ahead.bounded
    # Last year's collections fell after the date (overpayments set aside): not below today's.
    fell = project(collected_to_date=70, assessed=100, last_year_to_date=80, last_year_final=75)
    assert fell.projected == 70 and fell.bounded


def test_a_year_that_has_ended_projects_what_it_has():
    f = project(collected_to_date=94, assessed=100, last_year_to_date=95, last_year_final=95)
    assert f.rate == Fraction(94, 100)


def test_yen_are_rounded_half_up():
    f = project(collected_to_date=1, assessed=10, last_year_to_date=2, last_year_final=5)  # 2.5
    assert f.projected == Fraction(5, 2) and f.projected_yen == 3


@given(
    collected=st.integers(0, 10**9), assessed=st.integers(1, 10**9),
    last=st.integers(1, 10**9), final=st.integers(1, 10**9),
)
def test_the_projection_stays_within_bounds(collected, assessed, last, final):
    collected = min(collected, assessed)
    f = project(collected_to_date=collected, assessed=assessed, last_year_to_date=last, last_year_final=final)
    assert collected <= f.projected <= assessed
    assert 0 <= f.rate <= 1


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 11, 27), date(2025, 11, 27)),
        (date(2024, 2, 29), date(2023, 2, 28)),  # no Feb 29 a year earlier
        (date(2025, 3, 1), date(2024, 3, 1)),
    ],
)
def test_the_same_day_last_year(day, expected):
    assert same_day_last_year(day) == expected
