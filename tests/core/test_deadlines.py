from datetime import date

from saiken.core.deadlines import deadlines


def test_demand_window_counts_from_the_rolled_due_date():
    d = deadlines(date(2026, 1, 31))  # Saturday → Monday 2/2
    assert (d.due, d.demand_by) == (date(2026, 2, 2), date(2026, 2, 22))
    assert d.designated_deadline is None and d.seizure_from is None


def test_ten_day_seizure_threshold():
    d = deadlines(date(2026, 3, 16), demand_issued=date(2026, 4, 7))
    assert (d.designated_deadline, d.seizure_from) == (date(2026, 4, 17), date(2026, 4, 18))


def test_a_longer_designated_period_delays_seizure():
    d = deadlines(date(2026, 3, 16), designated_days=15, demand_issued=date(2026, 4, 7))
    assert (d.designated_deadline, d.seizure_from) == (date(2026, 4, 22), date(2026, 4, 23))


def test_designated_deadline_rolls_only_when_the_city_says_so():
    # Issued 2026-04-19: +10 = Wednesday 4/29 (昭和の日)
    assert deadlines(date(2026, 3, 16), demand_issued=date(2026, 4, 19)).designated_deadline == date(2026, 4, 29)
    assert deadlines(date(2026, 3, 16), demand_issued=date(2026, 4, 19), designated_rolls=True).designated_deadline == date(2026, 4, 30)


def test_no_seizure_for_non_forcible_claims():
    assert deadlines(date(2026, 3, 16), forcible=False, demand_issued=date(2026, 4, 7)).seizure_from is None
