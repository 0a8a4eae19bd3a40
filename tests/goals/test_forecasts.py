"""The running year's forecast from the ledger's daily summary, on the small city as of 2024-11-30.

This year (FY2024) by 11/30: 現年度分 assessed 160,000 (all of it by June), collected
25,000 + 40,000 + 25,000 = 90,000; 滞納繰越分 carried in 50,000, collected 10,000.
Last year (FY2023) by 2023-11-30: collected 20,000 (hanako's May), and 60,000 at its
close (ichiro's 40,000 came on 2024-04-30); all 110,000 assessed by June.
"""

from datetime import date
from fractions import Fraction

import pytest

from saiken.core.forecast import project
from saiken.goals.forecasts import forecast, running_years
from saiken.goals.report import build

pytestmark = pytest.mark.django_db

AS_OF = date(2024, 11, 30)


def test_running_years():
    assert running_years(date(2024, 11, 30)) == [2024]
    assert running_years(date(2025, 4, 30)) == [2024, 2025]  # 出納整理期間: FY2024 still settles
    assert running_years(date(2025, 6, 1)) == [2025]


def test_the_forecast_is_the_core_projection_of_the_ledgers_figures(city):
    f = forecast(2024, AS_OF)
    assert f.same_day == date(2023, 11, 30)
    current = f.city.parts["current"]
    assert (current.collected_to_date, current.assessed, current.last_year_to_date, current.last_year_final) == (90_000, 160_000, 20_000, 60_000)
    assert current == project(collected_to_date=90_000, assessed=160_000, last_year_to_date=20_000, last_year_final=60_000,
                              last_year_assessed_to_date=110_000, last_year_assessed_final=110_000)
    assert current.projected == 160_000 and current.bounded  # 90,000 at a third of last year's pace: capped
    arrears = f.city.parts["arrears"]
    assert (arrears.collected_to_date, arrears.assessed) == (10_000, 50_000)
    assert arrears.rate is None  # FY2023 had nothing in arrears to compare with
    total = f.city.parts["total"]
    assert (total.collected_to_date, total.assessed, total.last_year_to_date, total.last_year_final) == (100_000, 210_000, 20_000, 60_000)
    assert total.rate == 1
    (tax,) = [r for r in f.rows if r.name == "市税"]
    assert tax.parts["current"].collected_to_date == 90_000
    assert tax.parts["current"].last_year_final == 40_000


def test_a_later_date_in_the_year_counts_what_came_in_by_then(city):
    early = forecast(2024, date(2024, 6, 30))
    assert early.city.parts["current"].collected_to_date == 40_000  # ichiro's 口座振替 of 6/28; taro's of 7/1 came later
    assert early.city.parts["arrears"].collected_to_date == 10_000  # taro's 6/17


def test_the_pace_series_is_cumulative_by_month_end(city):
    f = forecast(2024, AS_OF)
    last = {p.on: float(p.rate) for p in f.pace_last}
    assert last[date(2023, 5, 31)] == pytest.approx(20_000 / 110_000 * 100, abs=0.01)
    assert last[date(2024, 5, 31)] == pytest.approx(60_000 / 110_000 * 100, abs=0.01)  # the close
    this = [p.on for p in f.pace_this]
    assert this[-1] == AS_OF and all(d <= AS_OF for d in this)


def test_the_dashboard_shows_the_running_year_as_a_forecast(city):
    report = build(2024, today=date(2024, 12, 1))
    assert report.running
    (row,) = [h for h in report.history if h.year == 2024]
    assert row.running and row.line is None and row.projected == Fraction(1) and row.source == "年度途中"
    assert row.point.projected is not None and row.point.amount is None  # a dot, no bar
    assert [f.fiscal_year for f in report.forecasts] == [2024] and len(report.pace_charts) == 1
    (tax,) = [b for b in report.blocks if b.receivable.code == "city_tax"]
    assert [y.running for y in tax.years] == [False, True]
