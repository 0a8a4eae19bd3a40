"""Late charges under the tax model: the published examples and each rule at its edge."""

import calendar
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from saiken.core.calendar import roll_forward
from saiken.core.late_charge import (
    EXEMPT_DEFERMENT,
    REDUCED_DEFERMENT,
    STATUTORY_RATES,
    STOP,
    TAX_MODEL_RATES,
    Deferment,
    MissingRate,
    RatePeriods,
    RateTable,
    Rule,
    YearRates,
    add_months,
    delay_damages,
    late_charge,
    lower_rate_until,
    parse_rate_periods,
)

RATES = RateTable(TAX_MODEL_RATES)


def charge(principal, due, paid, **kw):
    return late_charge(principal=principal, due=due, paid=paid, rates=RATES, **kw)


def test_chuo_city_example_due_rolled_from_saturday():
    """56,400円 due 1/31/2026 (Sat → 2/2), paid 5/29: 28 days at 2.8% = 120, 88 days at 9.1% = 1,228 → 1,300."""
    due = roll_forward(date(2026, 1, 31))
    assert due == date(2026, 2, 2)
    c = charge(56_400, due, date(2026, 5, 29))
    assert [(s.days, s.rate_bp, s.base, s.yen) for s in c.segments] == [(28, 280, 56_000, 120), (88, 910, 56_000, 1_228)]
    assert c.amount == 1_300


def test_higashihiroshima_example():
    c = charge(200_000, date(2022, 1, 31), date(2022, 3, 25))
    assert [(s.days, s.yen) for s in c.segments] == [(28, 368), (25, 1_191)]
    assert c.amount == 1_500


def test_tomisato_example_leap_year():
    c = charge(117_300, date(2024, 1, 31), date(2024, 8, 31))
    assert [(s.start, s.end, s.rate_bp) for s in c.segments] == [
        (date(2024, 2, 1), date(2024, 2, 29), 240),
        (date(2024, 3, 1), date(2024, 8, 31), 870),
    ]
    assert c.amount == 5_300


@pytest.mark.parametrize(
    "due, first, last",
    [
        (date(2025, 4, 30), date(2025, 5, 1), date(2025, 5, 31)),  # adding a month to the due date gave 5/30
        (date(2025, 6, 30), date(2025, 7, 1), date(2025, 7, 31)),  # … 7/30
        (date(2025, 2, 28), date(2025, 3, 1), date(2025, 3, 31)),  # common year; … 3/28
        (date(2025, 8, 31), date(2025, 9, 1), date(2025, 9, 30)),
        (date(2025, 9, 1), date(2025, 9, 2), date(2025, 10, 1)),
        (date(2024, 1, 31), date(2024, 2, 1), date(2024, 2, 29)),  # leap year
        (date(2025, 1, 31), date(2025, 2, 1), date(2025, 2, 28)),
        (date(2025, 1, 29), date(2025, 1, 30), date(2025, 2, 28)),  # no 2/30: the month's last day (143条2項ただし書)
        (date(2024, 1, 29), date(2024, 1, 30), date(2024, 2, 29)),
        (date(2024, 1, 28), date(2024, 1, 29), date(2024, 2, 28)),
        (date(2025, 12, 31), date(2026, 1, 1), date(2026, 1, 31)),
    ],
)
def test_lower_rate_window_counts_from_the_day_after_the_due_date(due, first, last):
    """民法143条: one month from the first day 5/1 ends on 5/31."""
    assert lower_rate_until(due, 1) == last
    c = charge(1_000_000, due, last + timedelta(days=5))
    assert (c.segments[0].start, c.segments[0].end) == (first, last)


def month_ends(years):
    return [date(y, m, calendar.monthrange(y, m)[1]) for y in years for m in range(1, 13)]


@pytest.mark.parametrize("months", [1, 3])
@pytest.mark.parametrize("due", month_ends(range(2019, 2027)), ids=str)
def test_every_month_end_due_date_gets_whole_months(due, months):
    """A due date on a month's last day: the window is the next `months` whole months."""
    m = due.month - 1 + months
    y, m = due.year + m // 12, m % 12 + 1
    assert lower_rate_until(due, months) == date(y, m, calendar.monthrange(y, m)[1])


def day_by_day_window_end(due: date, months: int) -> date:
    """An independent reading of 民法143条, walking the calendar one day at a time from
    the first day (the day after the due date): the period ends on the day before the
    day of the last month that has the first day's number, or on that month's last day
    when it has no such day (the walk then enters the following month first)."""
    first = due + timedelta(days=1)
    day, month_changes = first, 0
    while True:
        nxt = day + timedelta(days=1)
        if nxt.month != day.month:
            month_changes += 1
        if (month_changes == months and nxt.day == first.day) or month_changes > months:
            return day
        day = nxt


def test_window_end_equals_a_day_by_day_count_for_every_due_date_2000_to_2030():
    day, last = date(2000, 1, 1), date(2030, 12, 31)
    checked = 0
    while day <= last:
        for months in (1, 3):
            assert lower_rate_until(day, months) == day_by_day_window_end(day, months), (day, months)
            checked += 1
        day += timedelta(days=1)
    assert checked == 2 * 11_323


def test_the_window_fix_changes_the_rounded_charge():
    """102,000円 due 2025-04-30, paid 2025-07-31. Window 5/1–5/31: 31 days at 2.4% = 207,
    61 days at 8.7% = 1,483 → 1,690 → 1,600. Ending the window on 5/30 (a month added
    to the due date) gave 201 + 1,507 = 1,708 → 1,700."""
    c = charge(102_000, date(2025, 4, 30), date(2025, 7, 31))
    assert [(s.days, s.rate_bp, s.yen) for s in c.segments] == [(31, 240, 207), (61, 870, 1_483)]
    assert c.amount == 1_600
    assert add_months(date(2025, 4, 30), 1) == date(2025, 5, 30)  # where the old window ended


def test_the_window_fix_on_the_last_day_of_february():
    """101,000円 due 2025-02-28 (common year), paid 5/30: window 3/1–3/31, not 3/1–3/28."""
    c = charge(101_000, date(2025, 2, 28), date(2025, 5, 30))
    assert [(s.end, s.yen) for s in c.segments] == [(date(2025, 3, 31), 205), (date(2025, 5, 30), 1_444)]
    assert c.amount == 1_600  # 1,700 with the window ending on 3/28


def test_no_lower_window_with_zero_months():
    c = charge(200_000, date(2022, 1, 31), date(2022, 3, 25), rule=Rule(lower_months=0))
    assert [(s.start, s.rate_bp) for s in c.segments] == [(date(2022, 2, 1), 870)]


def test_three_month_window():
    c = charge(200_000, date(2022, 1, 31), date(2022, 6, 30), rule=Rule(lower_months=3))
    assert [(s.start, s.end, s.rate_bp) for s in c.segments] == [
        (date(2022, 2, 1), date(2022, 4, 30), 240),
        (date(2022, 5, 1), date(2022, 6, 30), 870),
    ]


def test_rates_split_at_december_31_inside_the_first_window():
    c = charge(1_000_000, date(2025, 12, 15), date(2026, 1, 10))
    assert [(s.start, s.end, s.rate_bp) for s in c.segments] == [
        (date(2025, 12, 16), date(2025, 12, 31), 240),
        (date(2026, 1, 1), date(2026, 1, 10), 280),
    ]


@pytest.mark.parametrize("principal, charged", [(1_999, False), (2_000, True)])
def test_base_threshold(principal, charged):
    # Long enough that even 2,000円 earns over 1,000円: 10 years at 8.7–9.1%.
    c = charge(principal, date(2014, 1, 31), date(2025, 12, 31))
    assert (c.segments[0].base > 0) is charged


def test_result_threshold_999_dropped_1000_kept():
    # 103,000 due 2022-01-31, paid 4/2: 28 days at 2.4% = 189, 33 days at 8.7% = 810 → 999 → none.
    c = charge(103_000, date(2022, 1, 31), date(2022, 4, 2))
    assert (c.raw_total, c.amount) == (999, 0)
    # 121,000 paid 3/27: 222 + 778 = 1,000 → 1,000.
    c = charge(121_000, date(2022, 1, 31), date(2022, 3, 27))
    assert (c.raw_total, c.amount) == (1_000, 1_000)


def test_partial_payment_reduces_the_base_from_the_next_day():
    c = charge(200_000, date(2022, 1, 31), date(2022, 3, 25), payments=[(date(2022, 3, 10), 100_000)])
    assert [(s.start, s.end, s.base) for s in c.segments] == [
        (date(2022, 2, 1), date(2022, 2, 28), 200_000),
        (date(2022, 3, 1), date(2022, 3, 10), 200_000),
        (date(2022, 3, 11), date(2022, 3, 25), 100_000),
    ]


def test_charge_from_the_designated_deadline():
    c = charge(200_000, date(2022, 1, 31), date(2022, 3, 25), rule=Rule(from_designated_deadline=True), designated_deadline=date(2022, 3, 1))
    assert c.segments[0].start == date(2022, 3, 2)
    assert c.segments[0].rate_bp == 870


def test_no_charge_when_paid_on_the_due_date():
    assert charge(200_000, date(2022, 1, 31), date(2022, 1, 31)).amount == 0


def test_a_year_beyond_the_table_is_refused():
    with pytest.raises(MissingRate):
        charge(200_000, date(2026, 11, 30), date(2027, 2, 1))


@given(
    principal=st.integers(1, 5_000_000),
    due_offset=st.integers(0, 3_000),
    late=st.integers(0, 1_500),
    more=st.integers(0, 300),
    extra=st.integers(0, 100_000),
)
def test_monotone_nonnegative_and_in_hundreds(principal, due_offset, late, more, extra):
    from datetime import timedelta

    due = date(2015, 1, 1) + timedelta(days=due_offset)
    paid = min(due + timedelta(days=late), date(2026, 12, 31))
    later = min(paid + timedelta(days=more), date(2026, 12, 31))
    a = charge(principal, due, paid).amount
    assert a >= 0 and a % 100 == 0
    assert charge(principal, due, later).amount >= a
    assert charge(principal + extra, due, paid).amount >= a


def test_deferment_rate_applies_inside_the_deferment_only():
    """2026: 2.8% / 9.1%, deferment 1.3%. Due 2026-03-02, deferred 4/1–4/30, paid 5/31."""
    c = charge(1_000_000, date(2026, 3, 2), date(2026, 5, 31), deferments=[(date(2026, 4, 1), date(2026, 4, 30))])
    assert [(s.start, s.end, s.rate_bp) for s in c.segments] == [
        (date(2026, 3, 3), date(2026, 3, 31), 280),
        (date(2026, 4, 1), date(2026, 4, 2), 130),  # still in the lower window, but deferred
        (date(2026, 4, 3), date(2026, 4, 30), 130),
        (date(2026, 5, 1), date(2026, 5, 31), 910),
    ]
    plain = charge(1_000_000, date(2026, 3, 2), date(2026, 5, 31))
    assert c.amount < plain.amount


def test_a_deferment_in_a_year_without_a_deferment_rate_is_refused():
    rates = RateTable((YearRates(2019, 260, 890, None),))
    with pytest.raises(MissingRate, match="2019年の猶予特例割合"):
        late_charge(principal=1_000_000, due=date(2019, 3, 1), paid=date(2019, 6, 1), rates=rates,
                    deferments=[(date(2019, 4, 1), date(2019, 4, 30))])
    # An exempt deferment needs no rate.
    c = late_charge(principal=1_000_000, due=date(2019, 3, 1), paid=date(2019, 6, 1), rates=rates,
                    deferments=[Deferment(date(2019, 4, 1), date(2019, 4, 30), exempt=True)])
    assert [s.reason for s in c.segments] == ["", EXEMPT_DEFERMENT, EXEMPT_DEFERMENT, ""]  # 4/1 ends the lower window


# ---- 地方税法15条の9第1項: execution stops, and deferments by their ground -------------


def test_disaster_deferment_until_payment_carries_no_charge():
    """The issue's example: 1,000,000円 due 2024-05-31, 徴収猶予 for disaster (15条1項1号)
    from 2024-06-01 until paid on 2025-05-31 → 0円; at the reduced rate it is 8,900円."""
    period = (date(2024, 6, 1), date(2025, 5, 31))
    exempt = charge(1_000_000, date(2024, 5, 31), date(2025, 5, 31), deferments=[Deferment(*period, exempt=True)])
    assert (exempt.amount, exempt.raw_total) == (0, 0)
    assert {(s.rate_bp, s.yen, s.reason) for s in exempt.segments} == {(0, 0, EXEMPT_DEFERMENT)}
    assert sum(s.days for s in exempt.segments) == 365
    reduced = charge(1_000_000, date(2024, 5, 31), date(2025, 5, 31), deferments=[Deferment(*period)])
    assert [(s.days, s.rate_bp, s.yen, s.reason) for s in reduced.segments] == [
        (30, 90, 739, REDUCED_DEFERMENT), (184, 90, 4_536, REDUCED_DEFERMENT), (151, 90, 3_723, REDUCED_DEFERMENT),
    ]
    assert reduced.amount == 8_900
    # A plain pair is a reduced deferment, as before.
    assert charge(1_000_000, date(2024, 5, 31), date(2025, 5, 31), deferments=[period]).amount == 8_900


def test_a_stop_in_the_middle_carries_no_charge():
    """1,000,000円 due 2025-04-30, 執行停止 7/1–9/30, paid 12/31: 5/1–5/31 at 2.4% = 2,038,
    6/1–6/30 at 8.7% = 7,150, the stop 0, 10/1–12/31 at 8.7% = 21,928 → 31,116 → 31,100
    (53,000 without the stop)."""
    c = charge(1_000_000, date(2025, 4, 30), date(2025, 12, 31), stops=[(date(2025, 7, 1), date(2025, 9, 30))])
    assert [(s.start, s.end, s.rate_bp, s.yen, s.reason) for s in c.segments] == [
        (date(2025, 5, 1), date(2025, 5, 31), 240, 2_038, ""),
        (date(2025, 6, 1), date(2025, 6, 30), 870, 7_150, ""),
        (date(2025, 7, 1), date(2025, 9, 30), 0, 0, STOP),
        (date(2025, 10, 1), date(2025, 12, 31), 870, 21_928, ""),
    ]
    assert c.amount == 31_100
    assert charge(1_000_000, date(2025, 4, 30), date(2025, 12, 31)).amount == 53_000


def test_a_stop_inside_the_lower_window_and_across_a_year_end():
    c = charge(1_000_000, date(2025, 11, 30), date(2026, 3, 31), stops=[(date(2025, 12, 10), date(2026, 1, 20))])
    assert [(s.start, s.end, s.rate_bp, s.reason) for s in c.segments] == [
        (date(2025, 12, 1), date(2025, 12, 9), 240, ""),
        (date(2025, 12, 10), date(2025, 12, 31), 0, STOP),
        (date(2026, 1, 1), date(2026, 1, 20), 0, STOP),
        (date(2026, 1, 21), date(2026, 3, 31), 910, ""),
    ]


def test_an_exemption_wins_over_the_reduced_rate_where_they_overlap():
    c = charge(1_000_000, date(2025, 4, 30), date(2025, 10, 31),
               deferments=[Deferment(date(2025, 6, 1), date(2025, 8, 31)), Deferment(date(2025, 7, 1), date(2025, 7, 31), exempt=True)],
               stops=[(date(2025, 8, 15), date(2025, 9, 15))])
    assert [(s.start, s.end, s.reason) for s in c.segments] == [
        (date(2025, 5, 1), date(2025, 5, 31), ""),
        (date(2025, 6, 1), date(2025, 6, 30), REDUCED_DEFERMENT),
        (date(2025, 7, 1), date(2025, 7, 31), EXEMPT_DEFERMENT),
        (date(2025, 8, 1), date(2025, 8, 14), REDUCED_DEFERMENT),
        (date(2025, 8, 15), date(2025, 8, 31), STOP),
        (date(2025, 9, 1), date(2025, 9, 15), STOP),
        (date(2025, 9, 16), date(2025, 10, 31), ""),
    ]


def test_a_stop_through_a_year_without_rates_needs_none():
    """The days of a stop owe nothing, so a year whose rate is not announced yet is no obstacle."""
    c = charge(1_000_000, date(2026, 10, 30), date(2027, 2, 1), stops=[(date(2026, 12, 1), date(2027, 2, 1))])
    assert (c.segments[-1].start, c.segments[-1].reason) == (date(2027, 1, 1), STOP)


@given(
    principal=st.integers(2_000, 5_000_000),
    due_offset=st.integers(0, 4_000),
    late=st.integers(1, 1_000),
    a=st.integers(0, 1_000),
    b=st.integers(0, 200),
)
def test_relief_never_raises_the_charge(principal, due_offset, late, a, b):
    due = date(2014, 1, 1) + timedelta(days=due_offset)
    paid = min(due + timedelta(days=late), date(2026, 12, 31))
    if paid <= due:
        return
    first = due + timedelta(days=1 + a)
    period = (first, first + timedelta(days=b))
    plain = charge(principal, due, paid).amount
    reduced = charge(principal, due, paid, deferments=[Deferment(*period)]).amount
    exempted = charge(principal, due, paid, deferments=[Deferment(*period, exempt=True)]).amount
    stopped = charge(principal, due, paid, stops=[period]).amount
    assert exempted == stopped <= reduced <= plain


# ---- deferment rates before 2021 ------------------------------------------------------


@pytest.mark.parametrize(
    "year, deferment_bp",
    [(1998, 730), (1999, 730), (2000, 450), (2001, 450), (2002, 410), (2006, 410), (2007, 440), (2008, 470), (2009, 450),
     (2010, 430), (2013, 430), (2014, 190), (2015, 180), (2016, 180), (2017, 170), (2018, 160), (2020, 160), (2021, 100),
     (2022, 90), (2025, 90), (2026, 130)],
)
def test_deferment_rate_of_every_year(year, deferment_bp):
    assert RATES.for_year(year).deferment_bp == deferment_bp


def test_deferment_rates_follow_the_lower_rate_until_2020():
    """2000–2013: the 特例基準割合, which was the lower rate; 2014–2020: the 特例基準割合,
    one point under the lower rate (特例基準割合 + 1%)."""
    for r in TAX_MODEL_RATES:
        if r.year <= 2013:
            assert r.deferment_bp == r.lower_bp
        elif r.year <= 2020:
            assert r.deferment_bp == r.lower_bp - 100


@pytest.mark.parametrize("year, before, after", [(1999, 730, 450), (2013, 430, 190), (2020, 160, 100)])
def test_a_deferment_across_new_year_changes_rate_on_january_1(year, before, after):
    """1,000,000円 due 6/30, deferred 12/1 → 1/31 of the next year: the rate changes on 1/1."""
    c = charge(1_000_000, date(year, 6, 30), date(year + 1, 1, 31), deferments=[(date(year, 12, 1), date(year + 1, 1, 31))])
    assert [(s.start, s.rate_bp, s.reason) for s in c.segments[-2:]] == [
        (date(year, 12, 1), before, REDUCED_DEFERMENT), (date(year + 1, 1, 1), after, REDUCED_DEFERMENT),
    ]
    assert c.segments[-2].yen == 1_000_000 * before * 31 // 3_650_000


def test_the_calculator_now_takes_a_deferment_in_2014_to_2020():
    """1,000,000円 due 2019-03-01 (Fri), deferred 4/1–4/30, paid 6/1: 3/2–4/1 … at 2.6%,
    then 1.6% in the deferment, 8.9% after."""
    c = charge(1_000_000, date(2019, 3, 1), date(2019, 6, 1), deferments=[(date(2019, 4, 1), date(2019, 4, 30))])
    assert [(s.start, s.end, s.rate_bp) for s in c.segments] == [
        (date(2019, 3, 2), date(2019, 3, 31), 260),
        (date(2019, 4, 1), date(2019, 4, 1), 160),
        (date(2019, 4, 2), date(2019, 4, 30), 160),
        (date(2019, 5, 1), date(2019, 6, 1), 890),
    ]


PRIVATE = Rule(min_principal=1, base_unit=1, min_total=1, total_unit=1)


@pytest.mark.parametrize("due, rate", [(date(2020, 3, 30), 500), (date(2020, 3, 31), 300)])
def test_statutory_rate_is_fixed_on_the_first_day_of_delay(due, rate):
    """Delay from 3/31/2020 → old 5%; from 4/1/2020 → 3% (民法419条, 附則17条3項)."""
    assert STATUTORY_RATES.at(due + timedelta(days=1)) == rate


def test_delay_damages_simple_interest_with_partial_payment():
    # 365,000円 at 3%: 30 yen a day; 100,000円 paid on day 10 → 265,000円 from day 11.
    c = delay_damages(principal=365_000, due=date(2025, 3, 31), paid=date(2025, 4, 30), rate_bp=300, rule=PRIVATE,
                      payments=[(date(2025, 4, 10), 100_000)])
    assert [(s.days, s.base, s.yen) for s in c.segments] == [(10, 365_000, 300), (20, 265_000, 435)]
    assert c.amount == 735


def test_delay_damages_leap_year_still_divides_by_365():
    c = delay_damages(principal=365_000, due=date(2024, 2, 27), paid=date(2024, 3, 1), rate_bp=500, rule=PRIVATE)
    assert (c.segments[0].days, c.amount) == (3, 150)  # 2/28, 2/29, 3/1


@given(
    principal=st.integers(1, 5_000_000),
    late=st.integers(0, 2_000),
    more=st.integers(0, 400),
    rate=st.integers(1, 1_460),
)
def test_delay_damages_monotone(principal, late, more, rate):
    due = date(2021, 5, 31)
    a = delay_damages(principal=principal, due=due, paid=due + timedelta(days=late), rate_bp=rate, rule=PRIVATE)
    b = delay_damages(principal=principal, due=due, paid=due + timedelta(days=late + more), rate_bp=rate, rule=PRIVATE)
    c = delay_damages(principal=principal + more, due=due, paid=due + timedelta(days=late), rate_bp=rate, rule=PRIVATE)
    assert 0 <= a.amount <= b.amount and a.amount <= c.amount


# ---- thresholds to the yen -----------------------------------------------------------


def test_a_rule_to_the_yen_with_no_thresholds():
    to_the_yen = Rule(min_principal=0, base_unit=1, min_total=0, total_unit=1)
    c = delay_damages(principal=1_234, due=date(2025, 3, 31), paid=date(2025, 5, 31), rate_bp=300, rule=to_the_yen)
    # 1,234円 × 3% × 61 / 365 = 6.18 → 6円; the tax model's thresholds would drop it.
    assert (c.segments[0].base, c.amount) == (1_234, 6)
    assert delay_damages(principal=1_234, due=date(2025, 3, 31), paid=date(2025, 5, 31), rate_bp=300).amount == 0


@pytest.mark.parametrize("kw", [{"base_unit": 0}, {"total_unit": 0}, {"min_total": -1}, {"min_principal": -1}, {"lower_months": -1}])
def test_a_rule_refuses_settings_that_cannot_be(kw):
    with pytest.raises(ValueError):
        Rule(**kw)


# ---- a rate that changed over time (母子及び父子並びに寡婦福祉法施行令17条) -------------------


SINGLE_PARENT = parse_rate_periods("1964-07-01 10.75\n2015-04-01 5\n2020-04-01 3")
TO_THE_YEN = Rule(min_principal=0, base_unit=1, min_total=0, total_unit=1)


def test_penalty_rate_changes_on_the_day_its_order_changed():
    """365,000円 due 2015-03-29, paid 2020-04-02: each day at the rate of that day —
    2 days at 10.75% (107.5円 a day), 1,827 days at 5% (50円), 2 days at 3% (30円)."""
    c = delay_damages(principal=365_000, due=date(2015, 3, 29), paid=date(2020, 4, 2), rate_periods=SINGLE_PARENT, rule=TO_THE_YEN)
    assert [(s.start, s.end, s.rate_bp, s.yen) for s in c.segments] == [
        (date(2015, 3, 30), date(2015, 3, 31), 1075, 215),
        (date(2015, 4, 1), date(2020, 3, 31), 500, 91_350),
        (date(2020, 4, 1), date(2020, 4, 2), 300, 60),
    ]
    assert c.amount == 91_625


def test_delay_damages_take_one_rate_or_periods():
    with pytest.raises(ValueError):
        delay_damages(principal=1, due=date(2025, 1, 1), paid=date(2025, 2, 1))
    with pytest.raises(ValueError):
        delay_damages(principal=1, due=date(2025, 1, 1), paid=date(2025, 2, 1), rate_bp=300, rate_periods=SINGLE_PARENT)


def test_parse_rate_periods():
    assert SINGLE_PARENT == RatePeriods(((date(1964, 7, 1), 1075), (date(2015, 4, 1), 500), (date(2020, 4, 1), 300)))
    assert parse_rate_periods("") is None and parse_rate_periods(" \n") is None
    assert parse_rate_periods("2020-04-01 3%").at(date(2021, 1, 1)) == 300
    for bad in ("2020-04-01", "2020-13-01 3", "2020-04-01 x", "2020-04-01 3.005", "2020-04-01 3\n2020-04-01 4"):
        with pytest.raises(ValueError):
            parse_rate_periods(bad)
    with pytest.raises(ValueError, match="2行目"):
        parse_rate_periods("2020-04-01 3\nきのう 5")
