"""Ability to pay (納付資力): the proposal at the edge of every rule, on both paths."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from saiken.core.ability import (
    MEASURES_BY_CLASS, Facts, Measure, Outcome, Policy, check_decision, civil_seizable_wage, living_minimum, propose, tax_seizable_wage,
)
from saiken.core.relief import ClassKey

TAX, FORCIBLE, NON_FORCIBLE, PRIVATE = ClassKey.TAX, ClassKey.FORCIBLE, ClassKey.NON_FORCIBLE, ClassKey.PRIVATE
MIN1 = 100_000  # one person's living minimum (国税徴収法76条1項4号)


def facts(key=TAX, household=1, income=0, spending=0, assets=0, debts=0, owed=50_000):
    return Facts(key, household, income, spending, assets, debts, owed)


def test_the_living_minimum_counts_the_household():
    assert living_minimum(1) == 100_000 and living_minimum(3) == 190_000


def test_the_tax_rule_leaves_the_minimum_and_a_fifth_of_the_rest():
    assert tax_seizable_wage(MIN1, 1) == 0
    assert tax_seizable_wage(MIN1 + 1, 1) == 1  # a fifth of 1 yen is 0
    assert tax_seizable_wage(MIN1 + 100_000, 1) == 80_000
    # The fifth is capped at twice the minimum: 900,000 over → 180,000 kept (< 200,000).
    assert tax_seizable_wage(1_000_000, 1) == 720_000
    assert tax_seizable_wage(2_000_000, 1) == 2_000_000 - MIN1 - 200_000


def test_the_civil_rule_takes_a_quarter_or_all_above_330000():
    assert civil_seizable_wage(0) == 0
    assert civil_seizable_wage(440_000) == 110_000  # 3/4 = 330,000 exactly: a quarter
    assert civil_seizable_wage(440_004) == 110_004  # 3/4 above the cap: everything over 330,000
    assert civil_seizable_wage(3) == 0  # three quarters rounded up stay with the debtor


def test_nothing_owed_proposes_nothing():
    p = propose(facts(owed=0, assets=1_000_000))
    assert (p.outcome, p.measure) == (Outcome.NONE, Measure.NONE)


@pytest.mark.parametrize("key", [TAX, FORCIBLE])
def test_forcible_property_is_seized(key):
    p = propose(facts(key, income=MIN1 + 1, assets=1))
    assert (p.outcome, p.measure, p.seizable_assets) == (Outcome.COLLECT, Measure.SEIZURE, 1)
    basis = "地方税法331条" if key == TAX else "地方自治法231条の3第3項"
    assert p.legal_basis.startswith(basis)


def test_a_household_at_the_minimum_keeps_a_month_of_it():
    # Income at the minimum: one month's minimum of property is kept (2号 hardship) ...
    p = propose(facts(income=MIN1, spending=MIN1, assets=MIN1))
    assert (p.measure, p.ground, p.seizable_assets) == (Measure.EXECUTION_STOP, "hardship", 0)
    assert p.legal_basis == "地方税法15条の7第1項2号"
    # ... one yen more is seized.
    p = propose(facts(income=MIN1, spending=MIN1, assets=MIN1 + 1))
    assert (p.measure, p.seizable_assets) == (Measure.SEIZURE, 1)


def test_no_property_and_no_income_above_the_minimum_is_a_stop_on_the_first_ground():
    p = propose(facts(income=MIN1, spending=MIN1, assets=0))
    assert (p.outcome, p.measure, p.ground, p.legal_basis) == (Outcome.RELIEF, Measure.EXECUTION_STOP, "no_property", "地方税法15条の7第1項1号")


def test_income_one_yen_above_the_minimum_is_a_wage_seizure():
    p = propose(facts(income=MIN1 + 1, spending=MIN1 + 1, assets=0))
    assert (p.measure, p.seizable_wage) == (Measure.WAGE_SEIZURE, 1)


@pytest.mark.parametrize("key", [TAX, PRIVATE])
def test_a_plan_within_twelve_months_is_a_pledge(key):
    p = propose(facts(key, income=MIN1, spending=MIN1 - 5_000, owed=60_000))  # 5,000 a month × 12
    assert (p.measure, p.months, p.monthly) == (Measure.PLEDGE, 12, 5_000)
    p = propose(facts(key, income=MIN1, spending=MIN1 - 5_000, owed=60_001))  # 13 months: not a pledge
    assert p.measure != Measure.PLEDGE


def test_the_monthly_instalment_spreads_evenly():
    p = propose(facts(income=MIN1, spending=MIN1 - 7_000, owed=50_000))  # 8 months of 6,250
    assert (p.months, p.monthly) == (8, 6_250)


def test_property_comes_before_a_plan_on_the_forcible_path():
    p = propose(facts(income=MIN1 + 50_000, spending=MIN1, assets=10_000, owed=20_000))
    assert p.measure == Measure.SEIZURE


def test_other_debts_do_not_reduce_what_a_forcible_claim_may_seize_but_do_for_others():
    assert propose(facts(TAX, income=MIN1 + 1, assets=100, debts=100)).measure == Measure.SEIZURE
    p = propose(facts(PRIVATE, assets=100, debts=100))
    assert p.seizable_assets == 0 and p.measure != Measure.PAYMENT_ORDER
    p = propose(facts(PRIVATE, assets=101, debts=100))
    assert (p.outcome, p.measure, p.seizable_assets) == (Outcome.COLLECT, Measure.PAYMENT_ORDER, 1)


@pytest.mark.parametrize("key", [NON_FORCIBLE, PRIVATE])
def test_a_claim_below_the_cost_of_collection_is_stopped(key):
    p = propose(facts(key, owed=9_999))
    assert (p.outcome, p.measure, p.ground) == (Outcome.RELIEF, Measure.COLLECTION_STOP, "small_amount")
    assert p.legal_basis == "地方自治法施行令171条の5第3号"
    p = propose(facts(key, owed=10_000))
    assert (p.measure, p.ground) == (Measure.PERFORMANCE_DEFERRAL, "without_means")


def test_a_long_plan_is_a_performance_deferral_on_the_court_path():
    p = propose(facts(PRIVATE, income=150_000, spending=140_000, owed=240_000))  # 10,000 a month, 24 months
    assert (p.measure, p.ground, p.monthly, p.months) == (Measure.PERFORMANCE_DEFERRAL, "favourable", 10_000, 24)
    assert p.legal_basis == "地方自治法施行令171条の6第1項2号"


def test_income_above_the_minimum_without_surplus_goes_to_court():
    p = propose(facts(NON_FORCIBLE, income=MIN1 + 1, spending=MIN1 + 1, owed=100_000))
    assert (p.outcome, p.measure) == (Outcome.COLLECT, Measure.PAYMENT_ORDER)
    p = propose(facts(NON_FORCIBLE, income=MIN1, spending=MIN1, owed=100_000))
    assert (p.outcome, p.measure, p.ground) == (Outcome.RELIEF, Measure.PERFORMANCE_DEFERRAL, "without_means")


def test_the_reasons_say_why_in_japanese():
    p = propose(facts(income=MIN1, spending=MIN1, assets=0))
    assert p.reasons[0] == "差押えできる財産がなく、収入も生活費の基準以下です。"
    assert any("世帯1人の生活費の基準" in r for r in p.reasons)


def test_the_policy_is_data():
    city = Policy(plan_months=24, small_claim_cost=5_000, min_seizable=50_000)
    assert propose(facts(TAX, income=MIN1 + 1, spending=MIN1 + 1, assets=49_999), city).measure == Measure.WAGE_SEIZURE
    assert propose(facts(PRIVATE, owed=9_999), city).measure == Measure.PERFORMANCE_DEFERRAL
    with pytest.raises(ValueError):
        Policy(plan_months=0)


def test_bad_facts_are_refused():
    with pytest.raises(ValueError):
        facts(household=0)
    with pytest.raises(ValueError):
        facts(income=-1)


def test_the_decision_keeps_to_the_class_and_a_different_one_needs_a_reason():
    p = propose(facts(TAX, income=MIN1, spending=MIN1))
    assert check_decision(TAX, p, p.measure.value, "") == []
    assert check_decision(TAX, p, Measure.PLEDGE.value, "") == ["提案と異なる判断をするときは、その理由を入力してください。"]
    assert check_decision(TAX, p, Measure.PLEDGE.value, "親族の援助") == []
    assert check_decision(TAX, p, Measure.LAWSUIT.value, "訴訟") == ["訴えの提起はこの債権の区分では選べません。"]
    assert check_decision(PRIVATE, p, "nonsense", "x") == ["措置 'nonsense' は登録されていません。"]


yen = st.integers(min_value=0, max_value=5_000_000)


@given(st.sampled_from(list(ClassKey)), st.integers(1, 8), yen, yen, yen, yen, yen)
def test_every_proposal_is_a_measure_of_its_class(key, household, income, spending, assets, debts, owed):
    p = propose(Facts(key, household, income, spending, assets, debts, owed))
    assert p.measure in MEASURES_BY_CLASS[key]
    assert (p.outcome == Outcome.NONE) == (owed == 0)
    if p.measure == Measure.PLEDGE:
        assert p.months * p.monthly >= owed and p.monthly <= income - spending
