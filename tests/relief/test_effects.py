"""What approved decisions do to instalments, as the rest of the system reads it."""

from datetime import date

import pytest

from saiken.ledger import actions as ledger
from saiken.relief import actions
from saiken.relief.effects import deferment_periods, execution_stops, extinguished, late_charge_reliefs

from .conftest import assess, granted, propose

pytestmark = pytest.mark.django_db


def test_deferment_periods_are_the_approved_ones_cut_at_an_early_end(taro, city_tax, clerk, manager):
    a, b, c = (assess(taro, city_tax, no=n) for n in (1, 2, 3))
    granted(clerk, manager, taro, "collection_deferment", [a, b], "illness", date(2021, 4, 1), date(2022, 3, 31))
    ended = granted(clerk, manager, taro, "realisation_deferment", [b], "hardship", date(2022, 4, 1), date(2023, 3, 31))
    actions.end_relief(ended, manager, date(2022, 8, 31), "完納")
    propose(clerk, taro, "collection_deferment", [c], "illness", date(2021, 4, 1), date(2022, 3, 31))  # not approved
    assert deferment_periods([a.pk, b.pk, c.pk]) == {
        a.pk: [(date(2021, 4, 1), date(2022, 3, 31))],
        b.pk: [(date(2021, 4, 1), date(2022, 3, 31)), (date(2022, 4, 1), date(2022, 8, 31))],
    }
    assert deferment_periods([]) == {}


def test_execution_stops_run_from_the_decision_until_revoked(taro, city_tax, clerk, manager):
    a, b = assess(taro, city_tax, no=1), assess(taro, city_tax, no=2)
    # proposed for 5/1, approved on 5/10: the stop takes effect on 5/10
    granted(clerk, manager, taro, "execution_stop", [a], "hardship", date(2021, 5, 1), decided_on=date(2021, 5, 10))
    stop = granted(clerk, manager, taro, "execution_stop", [b], "no_property", date(2021, 5, 1))
    actions.revoke_execution_stop(stop, manager, date(2022, 1, 10), "資力回復")
    assert execution_stops([a.pk, b.pk]) == {
        a.pk: [(date(2021, 5, 10), None)],
        b.pk: [(date(2021, 5, 1), date(2022, 1, 9))],
    }


def test_late_charge_reliefs_carry_what_each_does_to_the_charge(taro, city_tax, clerk, manager):
    """地方税法15条の9第1項: stops and 1号・2号 deferments exempt, the rest reduced."""
    a, b, c = (assess(taro, city_tax, no=n) for n in (1, 2, 3))
    granted(clerk, manager, taro, "collection_deferment", [a], "illness", date(2021, 4, 1), date(2022, 3, 31))
    granted(clerk, manager, taro, "collection_deferment", [b], "business_closed", date(2021, 4, 1), date(2022, 3, 31))
    granted(clerk, manager, taro, "realisation_deferment", [b], "hardship", date(2022, 4, 1), date(2022, 9, 30))
    stop = granted(clerk, manager, taro, "execution_stop", [a, c], "hardship", date(2022, 5, 1), decided_on=date(2022, 5, 10))
    actions.revoke_execution_stop(stop, manager, date(2023, 1, 10), "資力回復")
    granted(clerk, manager, taro, "execution_stop", [c], "no_property", date(2023, 6, 1))
    assert late_charge_reliefs([a.pk, b.pk, c.pk]) == {
        a.pk: [("exempt", date(2021, 4, 1), date(2022, 3, 31)), ("stop", date(2022, 5, 10), date(2023, 1, 9))],
        b.pk: [("reduced", date(2021, 4, 1), date(2022, 3, 31)), ("reduced", date(2022, 4, 1), date(2022, 9, 30))],
        c.pk: [("stop", date(2022, 5, 10), date(2023, 1, 9)), ("stop", date(2023, 6, 1), None)],
    }
    # deferment_periods (prescription) and execution_stops (case work) are unchanged.
    assert deferment_periods([a.pk]) == {a.pk: [(date(2021, 4, 1), date(2022, 3, 31))]}
    assert execution_stops([c.pk]) == {c.pk: [(date(2022, 5, 10), date(2023, 1, 9)), (date(2023, 6, 1), None)]}


def test_the_effects_cost_one_query_however_many_instalments(taro, city_tax, clerk, manager, django_assert_num_queries):
    ids = [assess(taro, city_tax, no=n).pk for n in range(1, 8)]
    granted(clerk, manager, taro, "collection_deferment", ids, "illness", date(2021, 4, 1), date(2022, 3, 31))
    granted(clerk, manager, taro, "execution_stop", ids[:3], "hardship", date(2022, 4, 1))
    with django_assert_num_queries(1):
        assert len(deferment_periods(ids)) == 7
    with django_assert_num_queries(1):
        assert len(execution_stops(ids)) == 3
    with django_assert_num_queries(1):
        assert len(late_charge_reliefs(ids)) == 7
    with django_assert_num_queries(1):
        extinguished(date(2025, 4, 2))


def test_three_years_of_stop_extinguish_on_the_exact_day_and_not_the_day_before(taro, city_tax, clerk, manager):
    # Stop decided 2021-06-15: the three years are 2021-06-16 … 2024-06-15 (民法140条, 143条).
    i = assess(taro, city_tax)
    granted(clerk, manager, taro, "execution_stop", [i], "hardship", date(2021, 6, 15))
    assert extinguished(date(2024, 6, 15)) == []
    assert extinguished(date(2024, 6, 16)) == [(i.pk, "stop_three_years", date(2024, 6, 16))]
    assert extinguished(date(2025, 1, 1)) == [(i.pk, "stop_three_years", date(2024, 6, 16))]


def test_a_stop_begun_on_february_29(taro, city_tax, clerk, manager):
    i = assess(taro, city_tax, fy=2023, due=date(2023, 7, 31))
    granted(clerk, manager, taro, "execution_stop", [i], "hardship", date(2024, 2, 29))
    assert extinguished(date(2027, 2, 28)) == []
    assert extinguished(date(2027, 3, 1)) == [(i.pk, "stop_three_years", date(2027, 3, 1))]


def test_a_revoked_stop_does_not_extinguish(taro, city_tax, clerk, manager):
    i = assess(taro, city_tax)
    stop = granted(clerk, manager, taro, "execution_stop", [i], "hardship", date(2021, 6, 15))
    actions.revoke_execution_stop(stop, manager, date(2024, 6, 15), "資力回復")
    assert extinguished(date(2030, 1, 1)) == []


def test_a_proposed_or_rejected_stop_does_not_extinguish(taro, city_tax, clerk, manager):
    i, j = assess(taro, city_tax, no=1), assess(taro, city_tax, no=2)
    propose(clerk, taro, "execution_stop", [i], "hardship", date(2020, 9, 1))
    actions.reject_relief(propose(clerk, taro, "execution_stop", [j], "hardship", date(2020, 9, 1)), manager, date(2020, 9, 2), "不可")
    assert extinguished(date(2030, 1, 1)) == []


def test_immediate_extinction_on_the_day_it_takes_effect(taro, city_tax, clerk, manager):
    i = assess(taro, city_tax)
    granted(clerk, manager, taro, "execution_stop", [i], "no_property", date(2024, 5, 1), decided_on=date(2024, 5, 7), immediate_extinction=True)
    assert extinguished(date(2024, 5, 6)) == []
    assert extinguished(date(2024, 5, 7)) == [(i.pk, "stop_immediate", date(2024, 5, 7))]


def test_waiver_and_exemption_extinguish_when_approved(taro, housing, clerk, manager):
    waived = assess(taro, housing, no=1)
    granted(clerk, manager, taro, "waiver", [waived], "discharged", date(2024, 5, 1))
    old = assess(taro, housing, 120_000, fy=2014, no=2, due=date(2014, 6, 30))
    granted(clerk, manager, taro, "performance_deferral", [old], "without_means", date(2014, 6, 1),
            schedule=[(date(2014, 6, 30), 60_000), (date(2014, 12, 31), 60_000)])
    granted(clerk, manager, taro, "exemption", [old], "without_means", date(2024, 7, 1))
    assert extinguished(date(2024, 7, 1)) == [(waived.pk, "waiver", date(2024, 5, 1)), (old.pk, "exemption", date(2024, 7, 1))]
    assert extinguished(date(2024, 6, 30)) == [(waived.pk, "waiver", date(2024, 5, 1))]


def test_an_instalment_with_nothing_owed_is_not_listed(taro, city_tax, clerk, manager):
    i = assess(taro, city_tax, 10_000)
    granted(clerk, manager, taro, "execution_stop", [i], "hardship", date(2021, 6, 15))
    # paid in full with its late charge; the excess is held for refund
    ledger.record_payment(debtor=taro, receivable=city_tax, amount=20_000, paid_on=date(2022, 1, 5), instalment=i)
    assert i.__class__.objects.get(pk=i.pk).total_due == 0
    assert extinguished(date(2024, 6, 16)) == []


def test_one_reason_per_instalment_the_earliest(taro, housing, clerk, manager):
    old = assess(taro, housing, 120_000, fy=2014, due=date(2014, 6, 30))
    granted(clerk, manager, taro, "performance_deferral", [old], "without_means", date(2014, 6, 1),
            schedule=[(date(2014, 6, 30), 60_000), (date(2014, 12, 31), 60_000)])
    granted(clerk, manager, taro, "exemption", [old], "without_means", date(2024, 7, 1))
    granted(clerk, manager, taro, "waiver", [old], "without_means", date(2024, 7, 1))
    granted(clerk, manager, taro, "waiver", [assess(taro, housing, no=2)], "discharged", date(2024, 8, 1))
    # same day: the reason first in WriteOffReason's order (exemption before waiver)
    assert extinguished(date(2024, 7, 1)) == [(old.pk, "exemption", date(2024, 7, 1))]
