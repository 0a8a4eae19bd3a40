"""Approved relief on the ledger's late charges (地方税法15条の9第1項): the days of a
滞納処分の執行停止 and of a 徴収猶予 on 15条1項1号・2号 carry no charge; other 猶予 run
at the reduced rate. Through real payments (saiken.ledger.actions.record_payment and
the bulk posting of saiken.ledger.bulk), which fix the charge when the principal is
completed.

Cast (tests/relief/conftest.py): taro owes 市税; clerk proposes, manager approves.
"""

from datetime import date

import pytest

from saiken.core.allocation import Component
from saiken.ledger.actions import record_payment
from saiken.ledger.bulk import PaymentRequest, post_payments
from saiken.ledger.late_charges import Context, accrued_late_charges
from saiken.relief import actions
from saiken.relief.effects import late_charge_reliefs

from .conftest import assess, granted

pytestmark = pytest.mark.django_db


def fixed(i) -> list[int]:
    return list(i.entries.filter(component=Component.LATE_CHARGE.value, kind="assessment").values_list("amount", flat=True))


def million_due_2024_05_31(taro, city_tax, no=1):
    return assess(taro, city_tax, amount=1_000_000, fy=2024, no=no, due=date(2024, 5, 31))


@pytest.mark.parametrize("ground, charge", [("disaster", 0), ("illness", 0), ("similar", 0), ("business_loss", 8_900), ("similar_business", 8_900)])
def test_a_payment_after_a_deferment_fixes_the_charge_its_ground_allows(taro, city_tax, clerk, manager, ground, charge):
    """The issue's example: 1,000,000円 due 2024-05-31, 徴収猶予 2024-06-01…2025-05-31,
    paid in full on 2025-05-31. Disaster (15条1項1号): 0円, not 8,900円; business loss
    (4号): the 猶予特例割合 0.9%, 8,900円 as before."""
    i = million_due_2024_05_31(taro, city_tax)
    granted(clerk, manager, taro, "collection_deferment", [i], ground, date(2024, 6, 1), date(2025, 5, 31))
    record_payment(debtor=taro, receivable=city_tax, amount=1_000_000, paid_on=date(2025, 5, 31), instalment=i)
    i.refresh_from_db()
    assert (i.principal_due, i.late_charge_due) == (0, charge)
    assert fixed(i) == ([charge] if charge else [])


def test_a_realisation_deferment_keeps_the_reduced_rate(taro, city_tax, clerk, manager):
    i = million_due_2024_05_31(taro, city_tax)
    granted(clerk, manager, taro, "realisation_deferment", [i], "hardship", date(2024, 6, 1), date(2025, 5, 31))
    assert accrued_late_charges([i], date(2025, 5, 31))[i.id].amount == 8_900


def stopped_instalment(taro, city_tax, clerk, manager, revoke_on=None):
    """1,000,000円 due 2025-04-30, 執行停止 decided 2025-07-01, revoked on `revoke_on`."""
    i = assess(taro, city_tax, amount=1_000_000, fy=2025, no=1, due=date(2025, 4, 30))
    stop = granted(clerk, manager, taro, "execution_stop", [i], "hardship", date(2025, 7, 1))
    if revoke_on:
        actions.revoke_execution_stop(stop, manager, revoke_on, "資力回復")
    return i


def test_a_revoked_stop_in_the_middle_carries_no_charge(taro, city_tax, clerk, manager):
    """Stop 7/1, revoked 10/1 (so it ran 7/1–9/30), paid 12/31: 2,038 + 7,150 + 0 + 21,928
    = 31,116 → 31,100 (53,000 without the stop)."""
    i = stopped_instalment(taro, city_tax, clerk, manager, revoke_on=date(2025, 10, 1))
    assert late_charge_reliefs([i.id]) == {i.id: [("stop", date(2025, 7, 1), date(2025, 9, 30))]}
    record_payment(debtor=taro, receivable=city_tax, amount=1_000_000, paid_on=date(2025, 12, 31), instalment=i)
    i.refresh_from_db()
    assert fixed(i) == [31_100]


def test_an_ongoing_stop_runs_through_the_payment_date(taro, city_tax, clerk, manager):
    """Stop from 7/1, never revoked, paid 12/31: only 5/1–6/30 is charged, 2,038 + 7,150 → 9,100."""
    i = stopped_instalment(taro, city_tax, clerk, manager)
    assert late_charge_reliefs([i.id]) == {i.id: [("stop", date(2025, 7, 1), None)]}
    segments = accrued_late_charges([i], date(2025, 12, 31))[i.id].segments
    assert [(s.end, s.reason) for s in segments] == [(date(2025, 5, 31), ""), (date(2025, 6, 30), ""), (date(2025, 12, 31), "stop")]
    record_payment(debtor=taro, receivable=city_tax, amount=1_000_000, paid_on=date(2025, 12, 31), instalment=i)
    i.refresh_from_db()
    assert fixed(i) == [9_100]


def test_a_payment_before_the_stop_is_not_touched_by_it(taro, city_tax, clerk, manager):
    """A stop that starts after the payment date changes nothing (5/1–6/15: 2,038 + 3,575)."""
    i = stopped_instalment(taro, city_tax, clerk, manager)
    assert Context.load([i.id]).periods(i.id, date(2025, 6, 15)) == ([], [])
    assert accrued_late_charges([i], date(2025, 6, 15))[i.id].amount == 5_600


def test_the_bulk_posting_uses_the_same_periods(taro, city_tax, clerk, manager):
    disaster = million_due_2024_05_31(taro, city_tax, no=1)
    loss = million_due_2024_05_31(taro, city_tax, no=2)
    granted(clerk, manager, taro, "collection_deferment", [disaster], "disaster", date(2024, 6, 1), date(2025, 5, 31))
    granted(clerk, manager, taro, "collection_deferment", [loss], "business_loss", date(2024, 6, 1), date(2025, 5, 31))
    stopped = stopped_instalment(taro, city_tax, clerk, manager, revoke_on=date(2025, 10, 1))
    post_payments([
        PaymentRequest(disaster.id, 1_000_000, date(2025, 5, 31), date(2025, 6, 2)),
        PaymentRequest(loss.id, 1_008_900, date(2025, 5, 31), date(2025, 6, 2)),
        PaymentRequest(stopped.id, 1_031_100, date(2025, 12, 31), date(2026, 1, 5)),
    ])
    for i in (disaster, loss, stopped):
        i.refresh_from_db()
    assert (fixed(disaster), fixed(loss), fixed(stopped)) == ([], [8_900], [31_100])
    assert [(i.principal_due, i.late_charge_due) for i in (disaster, loss, stopped)] == [(0, 0), (0, 0), (0, 0)]
