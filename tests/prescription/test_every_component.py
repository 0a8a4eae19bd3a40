"""Every yen is watched for prescription: a late charge (延滞金) or a fee (督促手数料)
left after the principal is paid shares its instalment's prescription (地方税法18条1項
counts both among the 地方団体の徴収金), is warned before completion, proposed after
it, and written off with the component it is.

Cast (both 市税, a public claim extinguished without invocation):
- taro's FY2020 第1期, 100,000円 due 2020-06-30, paid in full late on 2021-03-01:
  the payment fixes a 延滞金 nobody pays, and renews prescription (一部納付): it
  completes on 2026-03-01.
- hanako's FY2020 第1期, 1,500円 (under 2,000円: no 延滞金) due 2020-06-30, demanded on
  2020-07-10 with the city's 100円 fee, principal paid on 2020-08-03: the fee stays,
  and completes on 2025-08-03.
"""

from datetime import date

import pytest

from saiken.core.allocation import Component
from saiken.core.entries import Kind
from saiken.demands.actions import issue_demands
from saiken.ledger import actions
from saiken.ledger.models import Entry, Instalment
from saiken.prescription.actions import record_event
from saiken.prescription.models import PrescriptionStatus
from saiken.prescription.projection import refresh, refresh_instalments
from saiken.prescription.warnings import extinguished_by_prescription, proposals, warning_list
from saiken.relief import writeoff
from tests.conftest import operator

pytestmark = pytest.mark.django_db


def ids(rows):
    return [r.instalment_id for r in rows]


@pytest.fixture
def late_charge_left(taro, city_tax):
    i = actions.assess(debtor=taro, receivable=city_tax, fiscal_year=2020, instalment_no=1, nominal_due=date(2020, 6, 30),
                       amount=100_000, assessed_on=date(2020, 6, 1))
    actions.record_payment(debtor=taro, receivable=city_tax, amount=100_000, paid_on=date(2021, 3, 1), instalment=i)
    i.refresh_from_db()
    assert (i.principal_due, i.fee_due) == (0, 0) and i.late_charge_due > 0
    return i


@pytest.fixture
def fee_left(hanako, city_tax):
    i = actions.assess(debtor=hanako, receivable=city_tax, fiscal_year=2020, instalment_no=1, nominal_due=date(2020, 6, 30),
                       amount=1_500, assessed_on=date(2020, 6, 1))
    issue_demands(user=operator(), as_of=date(2020, 7, 10), receivable_ids=[city_tax.pk])
    actions.record_payment(debtor=hanako, receivable=city_tax, amount=1_500, paid_on=date(2020, 8, 3), instalment=i)
    i.refresh_from_db()
    assert (i.principal_due, i.late_charge_due, i.fee_due) == (0, 0, 100)
    return i


@pytest.mark.parametrize(
    "fixture, completes_on",
    [("late_charge_left", date(2026, 3, 1)), ("fee_left", date(2025, 8, 3))],
)
def test_left_after_the_principal_is_warned_proposed_and_written_off(request, fixture, completes_on):
    i = request.getfixturevalue(fixture)
    owed = i.late_charge_due + i.fee_due
    before = date(completes_on.year - 1, completes_on.month, 1)  # long before: no warning yet
    refresh(before)
    status = PrescriptionStatus.objects.get(instalment=i)
    assert status.completes_on == completes_on
    assert status.basis.startswith("一部納付")  # paying the principal renewed the rest's prescription
    assert i.pk not in ids(warning_list(before))

    # completes at the end of `completes_on`: the last day it is still a warning
    refresh(completes_on)
    [row] = [r for r in warning_list(completes_on) if r.instalment_id == i.pk]
    assert row.amount == owed
    assert i.pk not in ids(proposals(completes_on).write_off)

    after = date.fromordinal(completes_on.toordinal() + 1)
    refresh(after)
    assert i.pk not in ids(warning_list(after))
    assert [r.amount for r in proposals(after).write_off if r.instalment_id == i.pk] == [owed]
    assert (i.pk, "prescription", after) in extinguished_by_prescription(after)

    result = writeoff.run(after, user=operator())
    booked = list(Entry.objects.filter(instalment=i, kind=Kind.WRITE_OFF).values_list("component", "amount", "reason"))
    component = Component.LATE_CHARGE if fixture == "late_charge_left" else Component.FEE
    assert booked == [(component.value, owed, "prescription")]
    assert (result.by_reason["prescription"].late_charge, result.by_reason["prescription"].fee) == (
        (owed, 0) if fixture == "late_charge_left" else (0, owed)
    )
    i.refresh_from_db()
    assert i.total_due == 0
    # nothing owed: the next refresh drops the status, and nothing is written off twice
    refresh(after)
    assert not PrescriptionStatus.objects.filter(instalment=i).exists()
    assert writeoff.run(after, user=operator()).total.count == 0


def test_a_payment_after_completion_does_not_revive_the_late_charge(late_charge_left, taro, city_tax):
    """A public claim is extinguished without invocation (地方税法18条2項): paying part
    of the 延滞金 afterwards renews nothing, and the rest is still written off."""
    refresh(date(2026, 3, 2))
    actions.record_payment(debtor=taro, receivable=city_tax, amount=100, paid_on=date(2026, 3, 10), instalment=late_charge_left)
    assert [(c[0], c[2]) for c in writeoff.candidates(date(2026, 3, 10))] == [(late_charge_left.pk, date(2026, 3, 2))]


def test_refresh_instalments_keeps_an_instalment_with_only_a_late_charge(late_charge_left):
    assert refresh_instalments([late_charge_left.pk], date(2025, 1, 1)) == 1
    assert PrescriptionStatus.objects.get(instalment=late_charge_left).completes_on == date(2026, 3, 1)


def test_paying_the_late_charge_closes_it(late_charge_left, taro, city_tax):
    refresh(date(2025, 1, 1))
    actions.record_payment(debtor=taro, receivable=city_tax, amount=late_charge_left.late_charge_due, paid_on=date(2025, 1, 6),
                           instalment=late_charge_left)
    refresh(date(2025, 1, 6))
    assert not PrescriptionStatus.objects.filter(instalment=late_charge_left).exists()
    assert warning_list(date(2025, 9, 1), months=12) == []


def test_a_seizure_for_a_late_charge_alone_is_recorded_and_suspends(late_charge_left):
    """Only the 延滞金 is left, yet it can be seized for (and the seizure suspends
    its prescription until the procedure ends, 民法148条)."""
    record_event(instalment=late_charge_left, kind="seizure", on=date(2025, 10, 1), today=date(2025, 10, 1))
    assert PrescriptionStatus.objects.get(instalment=late_charge_left).completes_on is None
    refresh(date(2026, 3, 2))
    assert late_charge_left.pk not in [c[0] for c in writeoff.candidates(date(2026, 3, 2))]


def test_the_open_index_covers_every_component(late_charge_left):
    """instalment_open_due lists instalments with anything owed (the refresh counts on it)."""
    index = next(x for x in Instalment._meta.indexes if x.name == "instalment_open_due")
    assert Instalment.objects.filter(index.condition).filter(pk=late_charge_left.pk).exists()


# --- the city's setting: a 催告 on a public claim (民法150条 via 地方税法18条3項, 自治法236条3項) ---


@pytest.mark.parametrize("setting, completes_on", [(None, date(2025, 9, 1)), (True, date(2025, 9, 1)), (False, date(2025, 7, 10))])
def test_a_reminder_postpones_a_public_claim_unless_the_city_says_otherwise(nursery_2020, settings, setting, completes_on):
    """The nursery fee completes on 2025-07-10; a 催告 on 2025-03-01 postpones it to
    2025-09-01 by default (6 months, 民法150条1項)."""
    if setting is not None:
        settings.SAIKEN_PRESCRIPTION_PUBLIC_REMINDER_SUSPENDS = setting
    record_event(instalment=nursery_2020, kind="reminder", on=date(2025, 3, 1), today=date(2025, 3, 1))
    assert PrescriptionStatus.objects.get(instalment=nursery_2020).completes_on == completes_on
    refresh(date(2025, 8, 1))
    assert (nursery_2020.pk in [r.instalment_id for r in proposals(date(2025, 8, 1)).write_off]) is (setting is False)
