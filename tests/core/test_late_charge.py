"""Late charges under the tax model: the published examples and each rule at its edge."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from saiken.core.calendar import roll_forward
from saiken.core.late_charge import (
    STATUTORY_RATES,
    TAX_MODEL_RATES,
    MissingRate,
    RateTable,
    Rule,
    delay_damages,
    late_charge,
    lower_rate_until,
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
    "due, last",
    [(date(2025, 8, 31), date(2025, 9, 30)), (date(2025, 9, 1), date(2025, 10, 1)), (date(2024, 1, 31), date(2024, 2, 29)), (date(2025, 1, 31), date(2025, 2, 28))],
)
def test_lower_rate_window_month_end_arithmetic(due, last):
    assert lower_rate_until(due, 1) == last


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
    with pytest.raises(MissingRate, match="2019年の猶予特例割合"):
        charge(1_000_000, date(2019, 3, 1), date(2019, 6, 1), deferments=[(date(2019, 4, 1), date(2019, 4, 30))])


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
