"""Prescription (時効) per instalment: each rule at its edge, and a property of renewal.

Rules as the catalog seeds them: 市税 (tax, 5 years from the day after 法定納期限),
保育料 (public, 5), 国民健康保険料 (public, 2), 市民病院診療費 (private: 5/10, old
law 3), 市営住宅使用料 (private: old law 5).
"""

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from saiken.core.prescription import (
    Acknowledgement,
    CourtProceeding,
    Deferment,
    ExecutionStop,
    FirstDemand,
    Invocation,
    Judgment,
    PartialPayment,
    Pledge,
    Regime,
    Reminder,
    Rule,
    Seizure,
    period_end,
    project,
)

CITY_TAX = Rule(years=5, start="day_after_statutory_due", tax=True)
NURSERY = Rule(years=5)
NHI = Rule(years=2)
HOSPITAL = Rule(years=5, start="known", objective_years=10, old_law_years=3, needs_invocation=True, public=False)
NO_PUBLIC_REMINDER = Rule(years=5, public_reminder_suspends=False)
HOUSING = Rule(years=5, start="known", objective_years=10, old_law_years=5, needs_invocation=True, public=False)


def p(rule, due, *events, arose=None, known=None, as_of=None):
    return project(rule, due=due, arose=arose or due, known=known, events=events, as_of=as_of)


# ---- dates (民法140条・143条) ----


@pytest.mark.parametrize(
    "first, years, months, last",
    [
        (date(2020, 6, 2), 5, 0, date(2025, 6, 1)),
        (date(2024, 2, 29), 5, 0, date(2029, 2, 28)),  # no Feb 29 in 2029: the month's last day
        (date(2024, 2, 29), 4, 0, date(2028, 2, 28)),  # Feb 29 exists: the day before it
        (date(2023, 3, 1), 5, 0, date(2028, 2, 29)),  # the day before 3/1 in a leap year
        (date(2025, 8, 31), 0, 6, date(2026, 2, 28)),  # 6 months, no 2/31
        (date(2025, 3, 2), 0, 6, date(2025, 9, 1)),
    ],
)
def test_period_end_by_the_civil_code(first, years, months, last):
    assert period_end(first, years=years, months=months) == last


def test_the_first_day_is_not_counted_and_the_claim_ends_with_the_last_day():
    r = p(NURSERY, date(2020, 6, 1))
    assert (r.runs_from, r.completes_on) == (date(2020, 6, 2), date(2025, 6, 1))
    assert not r.completed(date(2025, 6, 1))
    assert r.completed(date(2025, 6, 2))
    assert r.basis == "納期限（令和2年6月1日）の翌日から5年"
    assert (r.regime, r.needs_invocation) == (Regime.PUBLIC, False)


def test_tax_runs_from_the_day_after_the_statutory_due_date():
    r = p(CITY_TAX, date(2020, 6, 1))
    assert r.completes_on == date(2025, 6, 1)
    assert r.regime == Regime.TAX
    assert r.basis.startswith("法定納期限（令和2年6月1日）の翌日から5年")


def test_leap_day_due_date_and_period_from_leap_day():
    # due 2/28 in a leap year: counted from 2/29; 5 years later there is no 2/29
    assert p(NURSERY, date(2024, 2, 28)).completes_on == date(2029, 2, 28)
    # due 2/29: counted from 3/1, ends the day before 3/1
    assert p(NURSERY, date(2024, 2, 29)).completes_on == date(2029, 2, 28)
    # due 2/28 in a common year: counted from 3/1/2023, ends on the leap day
    assert p(NURSERY, date(2023, 2, 28)).completes_on == date(2028, 2, 29)


def test_last_day_on_a_holiday_does_not_roll_unless_the_rule_says_so():
    """2025-06-01 is a Sunday (民法142条: a setting, off by default)."""
    assert p(NURSERY, date(2020, 6, 1)).completes_on == date(2025, 6, 1)
    rolling = Rule(years=5, roll_over_holidays=True)
    assert p(rolling, date(2020, 6, 1)).completes_on == date(2025, 6, 2)


# ---- periods ----


def test_insurance_premiums_two_years_against_five():
    due = date(2023, 7, 31)
    assert p(NHI, due).completes_on == date(2025, 7, 31)
    assert p(NURSERY, due).completes_on == date(2028, 7, 31)
    assert p(NHI, due).completed(date(2025, 8, 1))
    assert not p(NURSERY, due).completed(date(2025, 8, 1))


@pytest.mark.parametrize(
    "arose, regime, completes_on",
    [
        (date(2020, 3, 31), Regime.PRIVATE_OLD, date(2023, 5, 31)),  # old law: hospital fees 3 years
        (date(2020, 4, 1), Regime.PRIVATE_NEW, date(2025, 5, 31)),  # new law: 5 years from knowing
    ],
)
def test_the_civil_code_reform_on_2020_04_01(arose, regime, completes_on):
    r = p(HOSPITAL, date(2020, 5, 31), arose=arose)
    assert (r.regime, r.completes_on, r.needs_invocation) == (regime, completes_on, True)


def test_instalments_of_a_contract_made_before_the_reform_keep_the_old_law():
    """Rent due in 2024 under a lease signed in 2019: the old law's 5 years."""
    r = p(HOUSING, date(2024, 5, 31), arose=date(2019, 4, 1))
    assert r.regime == Regime.PRIVATE_OLD
    assert r.completes_on == date(2029, 5, 31)
    assert r.basis == "旧民法: 弁済期（令和6年5月31日）の翌日から5年"


def test_private_new_law_five_years_from_knowing_or_ten_objective():
    due = date(2021, 5, 31)
    assert p(HOSPITAL, due).completes_on == date(2026, 5, 31)
    late = p(HOSPITAL, due, known=date(2022, 1, 10))
    assert (late.runs_from, late.completes_on) == (date(2022, 1, 11), date(2027, 1, 10))
    very_late = p(HOSPITAL, due, known=date(2028, 1, 10))
    assert very_late.completes_on == date(2031, 5, 31)
    assert "客観的起算点" in very_late.basis


# ---- renewal ----


def test_the_first_demand_renews_a_public_claim_and_a_second_does_not():
    due, demand = date(2025, 4, 30), date(2025, 5, 15)
    once = p(NURSERY, due, FirstDemand(demand))
    assert (once.runs_from, once.completes_on) == (date(2025, 5, 16), date(2030, 5, 15))
    assert once.basis == "督促（令和7年5月15日）により更新"
    assert once.renewed_by == (FirstDemand(demand),)
    twice = p(NURSERY, due, FirstDemand(demand), FirstDemand(date(2026, 1, 10)))
    assert twice.completes_on == once.completes_on
    assert twice.renewed_by == once.renewed_by
    # long before completion a second 督促 is a 催告 that changes nothing either
    assert twice.suspended_by == (FirstDemand(date(2026, 1, 10)),)
    off = p(NO_PUBLIC_REMINDER, due, FirstDemand(demand), FirstDemand(date(2026, 1, 10)))
    assert any("2回目以降の督促" in n for n in off.notes)


def test_a_second_demand_near_completion_is_a_reminder_of_a_public_claim():
    """民法150条 through 地方自治法236条3項: the second 督促 on 2030-03-01 postpones the
    completion of 2030-05-15 to 2030-09-01; with the setting off it does not."""
    due, demand, again = date(2025, 4, 30), date(2025, 5, 15), date(2030, 3, 1)
    r = p(NURSERY, due, FirstDemand(demand), FirstDemand(again))
    assert r.completes_on == date(2030, 9, 1)
    assert "2回目以降の督促（催告として）（令和12年3月1日）により令和12年9月1日まで完成猶予" in r.basis
    assert p(NO_PUBLIC_REMINDER, due, FirstDemand(demand), FirstDemand(again)).completes_on == date(2030, 5, 15)


def test_tax_demand_renews_after_its_ten_day_window():
    """Issued 7/7: ten days counting the issue day pass on 7/17 (地方税法18条の2), so
    the new period is counted from 7/18."""
    r = p(CITY_TAX, date(2025, 6, 30), FirstDemand(date(2025, 7, 7)))
    assert (r.runs_from, r.completes_on) == (date(2025, 7, 18), date(2030, 7, 17))
    without_window = Rule(years=5, tax=True, tax_demand_wait_days=0)
    assert p(without_window, date(2025, 6, 30), FirstDemand(date(2025, 7, 7))).runs_from == date(2025, 7, 8)


def test_a_demand_on_a_private_claim_is_only_a_reminder():
    r = p(HOSPITAL, date(2021, 5, 31), FirstDemand(date(2021, 6, 15)))
    assert r.completes_on == date(2026, 5, 31)
    assert r.renewed_by == ()
    assert r.suspended_by == (FirstDemand(date(2021, 6, 15)),)


@pytest.mark.parametrize("event", [Acknowledgement, PartialPayment, Pledge])
def test_acknowledgements_renew(event):
    r = p(NURSERY, date(2020, 6, 1), event(date(2023, 2, 10)))
    assert (r.runs_from, r.completes_on) == (date(2023, 2, 11), date(2028, 2, 10))
    assert r.basis == f"{event.label}（令和5年2月10日）により更新"


def test_a_payment_on_the_due_date_renews_nothing():
    r = p(NURSERY, date(2020, 6, 1), PartialPayment(date(2020, 6, 1)))
    assert r.completes_on == date(2025, 6, 1)
    assert r.renewed_by == ()


def test_a_public_claim_is_extinguished_at_completion_whatever_comes_after():
    r = p(NURSERY, date(2020, 6, 1), PartialPayment(date(2025, 6, 2)), Judgment(date(2026, 1, 5)))
    assert r.completes_on == date(2025, 6, 1)
    assert len(r.notes) == 2 and all("完成後" in n for n in r.notes)


def test_acknowledging_a_completed_private_claim_forfeits_invocation():
    """Old-law hospital fee completed on 2022-01-31; a payment in 2023 means the
    debtor may no longer invoke, and a new period runs from it (最判昭41.4.20)."""
    due = date(2019, 1, 31)
    r = p(HOSPITAL, due, PartialPayment(date(2023, 5, 10)))
    assert (r.runs_from, r.completes_on) == (date(2023, 5, 11), date(2026, 5, 10))
    assert "援用権を喪失" in r.basis
    off = Rule(years=5, old_law_years=3, public=False, forfeit_by_acknowledgement=False)
    assert p(off, due, PartialPayment(date(2023, 5, 10))).completes_on == date(2022, 1, 31)


def test_after_invocation_nothing_revives_the_claim():
    due = date(2019, 1, 31)
    r = p(HOSPITAL, due, Invocation(date(2022, 3, 1)), PartialPayment(date(2023, 5, 10)))
    assert r.invoked_on == date(2022, 3, 1)
    assert r.completes_on == date(2022, 1, 31)
    early = p(HOSPITAL, due, Invocation(date(2021, 3, 1)))
    assert early.invoked_on is None and "完成前" in early.notes[0]


def test_a_judgment_renews_for_ten_years():
    """民法169条: 10 years from the day after the judgment became final, also for a 3-year claim."""
    r = p(HOSPITAL, date(2019, 1, 31), Judgment(date(2021, 3, 15)))
    assert (r.runs_from, r.completes_on, r.years) == (date(2021, 3, 16), date(2031, 3, 15), 10)
    assert r.basis == "判決確定（令和3年3月15日）により更新（10年）"
    assert p(NHI, date(2023, 7, 31), Judgment(date(2024, 3, 15))).completes_on == date(2034, 3, 15)


# ---- suspension ----


def test_an_ongoing_seizure_leaves_no_completion_date():
    r = p(CITY_TAX, date(2020, 6, 1), Seizure(date(2024, 10, 1)))
    assert r.completes_on is None
    assert not r.completed(date(2040, 1, 1))
    assert "差押（令和6年10月1日）の手続中" in r.basis


def test_a_seizure_suspends_until_it_ends_then_renews():
    ended = p(CITY_TAX, date(2020, 6, 1), Seizure(date(2024, 10, 1), date(2025, 8, 20)))
    assert (ended.runs_from, ended.completes_on) == (date(2025, 8, 21), date(2030, 8, 20))
    # as of a day before it ended, the seizure was still going on
    assert p(CITY_TAX, date(2020, 6, 1), Seizure(date(2024, 10, 1), date(2025, 8, 20)), as_of=date(2025, 8, 19)).completes_on is None


def test_a_seizure_that_ends_the_day_it_starts_renews_from_the_next_day():
    r = p(CITY_TAX, date(2020, 6, 1), Seizure(date(2024, 10, 1), date(2024, 10, 1)))
    assert (r.runs_from, r.completes_on) == (date(2024, 10, 2), date(2029, 10, 1))


def test_a_seizure_after_completion_does_nothing():
    r = p(CITY_TAX, date(2020, 6, 1), Seizure(date(2025, 6, 2)))
    assert r.completes_on == date(2025, 6, 1)


def test_a_reminder_suspends_a_private_claim_for_six_months_once():
    due = date(2020, 5, 31)  # new law: completes 2025-05-31
    first = p(HOSPITAL, due, Reminder(date(2025, 3, 1)))
    assert first.completes_on == date(2025, 9, 1)
    assert "催告（令和7年3月1日）により令和7年9月1日まで完成猶予" in first.basis
    second = p(HOSPITAL, due, Reminder(date(2025, 3, 1)), Reminder(date(2025, 8, 1)))
    assert second.completes_on == date(2025, 9, 1)
    assert "民法150条2項" in second.notes[0]
    # on the suspension's last day still "during" it; the next day the claim is gone
    assert p(HOSPITAL, due, Reminder(date(2025, 3, 1)), Reminder(date(2025, 9, 1))).completes_on == date(2025, 9, 1)
    assert p(HOSPITAL, due, Reminder(date(2025, 3, 1)), Reminder(date(2025, 9, 2))).completes_on == date(2025, 9, 1)


def test_a_reminder_long_before_completion_changes_nothing():
    assert p(HOSPITAL, date(2020, 5, 31), Reminder(date(2021, 3, 1))).completes_on == date(2025, 5, 31)


@pytest.mark.parametrize("rule", [NURSERY, NHI, CITY_TAX])
def test_a_reminder_suspends_a_public_claim_for_six_months_once_by_default(rule):
    """地方税法18条3項 and 地方自治法236条3項 apply 民法150条: 6 months from the 催告, once."""
    due = date(2020, 6, 1)
    plain = p(rule, due).completes_on  # 2025-06-01, or 2022-06-01 for the 2-year premium
    reminded_on = plain - timedelta(days=30)
    r = p(rule, due, Reminder(reminded_on))
    assert r.completes_on == period_end(reminded_on + timedelta(days=1), months=6)
    assert r.suspended_by == (Reminder(reminded_on),)
    # a second 催告 while suspended does nothing (民法150条2項)
    again = p(rule, due, Reminder(reminded_on), Reminder(reminded_on + timedelta(days=90)))
    assert again.completes_on == r.completes_on
    assert "民法150条2項" in again.notes[0]
    # after completion a 催告 is too late
    assert p(rule, due, Reminder(plain + timedelta(days=1))).completes_on == plain


def test_a_reminder_on_the_last_day_of_a_public_claim_still_counts():
    r = p(NURSERY, date(2020, 6, 1), Reminder(date(2025, 6, 1)))
    assert r.completes_on == date(2025, 12, 1)


def test_with_the_setting_off_a_reminder_does_not_touch_a_public_claim():
    r = p(NO_PUBLIC_REMINDER, date(2020, 6, 1), Reminder(date(2025, 3, 1)))
    assert r.completes_on == date(2025, 6, 1)
    assert "公債権の時効には影響しない" in r.notes[0]
    # private claims keep 民法150条 whatever the setting
    private_off = Rule(years=5, start="known", old_law_years=3, needs_invocation=True, public=False, public_reminder_suspends=False)
    assert p(private_off, date(2020, 5, 31), Reminder(date(2025, 3, 1))).completes_on == date(2025, 9, 1)


def test_court_proceedings_suspend_while_pending_and_six_months_after():
    due = date(2020, 5, 31)
    assert p(HOSPITAL, due, CourtProceeding(date(2025, 1, 10))).completes_on is None
    withdrawn = p(HOSPITAL, due, CourtProceeding(date(2025, 1, 10), date(2025, 7, 15)))
    assert withdrawn.completes_on == date(2026, 1, 15)
    with_judgment = p(HOSPITAL, due, CourtProceeding(date(2025, 1, 10), date(2025, 7, 15)), Judgment(date(2025, 7, 15)))
    assert with_judgment.completes_on == date(2035, 7, 15)


def test_a_deferment_adds_its_days():
    due = date(2020, 6, 1)  # completes 2025-06-01
    r = p(CITY_TAX, due, Deferment(date(2021, 1, 1), date(2021, 1, 30)))
    assert r.completes_on == date(2025, 7, 1)
    assert r.basis.endswith("猶予期間30日を加算")
    # straddling the completion: every day of it is before the moved completion
    assert p(CITY_TAX, due, Deferment(date(2025, 5, 20), date(2025, 6, 30))).completes_on == date(2025, 7, 13)
    # after completion, or before the current period began: nothing
    assert p(CITY_TAX, due, Deferment(date(2025, 6, 2), date(2025, 12, 1))).completes_on == date(2025, 6, 1)
    renewed = p(CITY_TAX, due, Deferment(date(2021, 1, 1), date(2021, 1, 30)), PartialPayment(date(2022, 4, 1)))
    assert renewed.completes_on == date(2027, 4, 1)
    # overlapping deferments count each day once
    both = p(CITY_TAX, due, Deferment(date(2021, 1, 1), date(2021, 1, 30)), Deferment(date(2021, 1, 21), date(2021, 2, 9)))
    assert both.completes_on == date(2025, 6, 1) + timedelta(days=40)


def test_an_execution_stop_does_not_stop_the_clock():
    stop = ExecutionStop(date(2022, 4, 1))
    r = p(CITY_TAX, date(2020, 6, 1), stop)
    assert r.completes_on == p(CITY_TAX, date(2020, 6, 1)).completes_on == date(2025, 6, 1)
    assert "執行停止中も時効は進行" in r.notes[0]
    assert r.basis == "法定納期限（令和2年6月1日）の翌日から5年（執行停止中も時効は進行）"
    ended = p(CITY_TAX, date(2020, 6, 1), ExecutionStop(date(2022, 4, 1), date(2023, 3, 31)), as_of=date(2024, 1, 1))
    assert ended.basis == "法定納期限（令和2年6月1日）の翌日から5年"


def test_events_after_as_of_are_ignored():
    r = p(NURSERY, date(2020, 6, 1), PartialPayment(date(2024, 1, 5)), as_of=date(2024, 1, 4))
    assert r.completes_on == date(2025, 6, 1)


def test_rule_refuses_nonsense():
    with pytest.raises(ValueError):
        Rule(years=5, start="whenever")
    with pytest.raises(ValueError):
        Rule(years=0)


# ---- a property ----

RULES = [CITY_TAX, NURSERY, NHI, HOSPITAL, HOUSING, Rule(years=5, roll_over_holidays=True)]
days = st.integers(min_value=-60, max_value=12 * 366)


@st.composite
def event(draw, due):
    kind = draw(st.sampled_from(["demand", "ack", "pay", "pledge", "seizure", "judgment", "reminder", "court", "deferment", "stop", "invoke"]))
    on = due + timedelta(days=draw(days))
    length = timedelta(days=draw(st.integers(min_value=0, max_value=800)))
    ended = draw(st.booleans())
    return {
        "demand": lambda: FirstDemand(on),
        "ack": lambda: Acknowledgement(on),
        "pay": lambda: PartialPayment(on),
        "pledge": lambda: Pledge(on),
        "seizure": lambda: Seizure(on, on + length if ended else None),
        "judgment": lambda: Judgment(on),
        "reminder": lambda: Reminder(on),
        "court": lambda: CourtProceeding(on, on + length if ended else None),
        "deferment": lambda: Deferment(on, on + length),
        "stop": lambda: ExecutionStop(on),
        "invoke": lambda: Invocation(on),
    }[kind]()


@st.composite
def case(draw):
    rule = draw(st.sampled_from(RULES))
    due = draw(st.dates(min_value=date(2015, 1, 1), max_value=date(2030, 12, 31)))
    arose = due - timedelta(days=draw(st.integers(min_value=0, max_value=3000)))
    events = draw(st.lists(event(due), max_size=6))
    renewal = draw(st.sampled_from([Acknowledgement, PartialPayment, Pledge, Judgment]))(due + timedelta(days=draw(days)))
    return rule, due, arose, events, renewal


@settings(max_examples=400, deadline=None)
@given(case())
def test_adding_a_renewal_never_makes_completion_earlier(c):
    rule, due, arose, events, renewal = c
    before = project(rule, due=due, arose=arose, known=None, events=events).completes_on
    after = project(rule, due=due, arose=arose, known=None, events=[*events, renewal]).completes_on
    if before is None:
        assert after is None
    elif after is not None:
        assert after >= before


@settings(max_examples=300, deadline=None)
@given(case())
def test_once_every_procedure_has_ended_there_is_a_completion_date(c):
    rule, due, arose, events, renewal = c
    ended = [
        type(e)(e.on, e.ended_on or e.on) if isinstance(e, (Seizure, CourtProceeding)) else e
        for e in [*events, renewal]
    ]
    r = project(rule, due=due, arose=arose, known=None, events=ended)
    assert r.completes_on is not None
    assert r.completes_on >= r.runs_from
