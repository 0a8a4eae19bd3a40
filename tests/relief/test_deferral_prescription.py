"""An approved 履行延期の特約 (地方自治法施行令171条の6) in prescription, through real
decisions: each instalment runs from the day after its new due date (民法166条1項), the
agreement renews (民法152条), the warning side takes the earliest unpaid portion and
the extinguishing side the latest; an ended 特約 makes the rest due on its last day.

Cast: taro owes ひまわりクラブ利用料 (after_school_club, non-forcible public, 5 years):
A 30,000円 due 2022-07-31 and B 50,000円 due 2022-08-31. The 特約 of 2023-04-01 pays
40,000円 on 2023-04-30 and 40,000円 on 2025-03-31, so A takes (4/30, 30,000) and B
(4/30, 10,000) and (2025-03-31, 40,000).
"""

from datetime import date

import pytest

from saiken.catalog.models import ReceivableType
from saiken.ledger.actions import record_payment
from saiken.prescription.collectability import collectability
from saiken.prescription.projection import LATEST, project_instalments
from saiken.relief import actions
from saiken.relief.effects import DeferralEffect, deferrals

from .conftest import assess, granted
from tests.conftest import operator

pytestmark = pytest.mark.django_db

AGREED = date(2023, 4, 1)
SCHEDULE = [(date(2023, 4, 30), 40_000), (date(2025, 3, 31), 40_000)]


@pytest.fixture
def club(db):
    return ReceivableType.objects.get(code="after_school_club")


@pytest.fixture
def cast(taro, club, clerk, manager):
    a = assess(taro, club, 30_000, fy=2022, no=1, due=date(2022, 7, 31))
    b = assess(taro, club, 50_000, fy=2022, no=2, due=date(2022, 8, 31))
    d = granted(clerk, manager, taro, "performance_deferral", [b, a], "favourable", AGREED, schedule=SCHEDULE)
    return a, b, d


def test_the_schedule_is_shared_oldest_first(cast):
    a, b, _ = cast
    assert deferrals([a.pk, b.pk]) == {
        a.pk: [DeferralEffect(AGREED, date(2025, 3, 31), 30_000, 0, 0, ((date(2023, 4, 30), 30_000),))],
        b.pk: [DeferralEffect(AGREED, date(2025, 3, 31), 50_000, 0, 0,
                              ((date(2023, 4, 30), 10_000), (date(2025, 3, 31), 40_000)))],
    }
    # asked for one instalment only, the other lines still shape its portions
    assert deferrals([b.pk])[b.pk][0].portions == ((date(2023, 4, 30), 10_000), (date(2025, 3, 31), 40_000))


def test_each_instalment_runs_from_the_day_after_its_new_due_date(cast):
    a, b, _ = cast
    p = project_instalments([a.pk, b.pk], date(2024, 1, 1))
    assert p[a.pk].runs_from == date(2023, 5, 1)
    assert p[a.pk].completes_on == date(2028, 4, 30)
    assert "履行延期の特約" in p[a.pk].basis
    # B: the warning side takes its first unpaid portion, the extinguishing side its last.
    assert p[b.pk].runs_from == date(2023, 5, 1)
    latest = project_instalments([b.pk], date(2024, 1, 1), deferral=LATEST)[b.pk]
    assert (latest.runs_from, latest.completes_on) == (date(2025, 4, 1), date(2030, 3, 31))


def test_payments_since_the_agreement_pay_the_portions_in_date_order(cast, taro, club):
    _, b, _ = cast
    record_payment(debtor=taro, receivable=club, amount=10_000, paid_on=date(2023, 4, 28), instalment=b)
    assert project_instalments([b.pk], date(2024, 1, 1))[b.pk].runs_from == date(2025, 4, 1)


def test_warned_but_not_extinguished_while_the_last_portion_lives(cast):
    _, b, _ = cast
    # The first portion's period ends 2028-04-30; the last portion's 2030-03-31.
    assert project_instalments([b.pk], date(2028, 5, 1))[b.pk].completed(date(2028, 5, 1))
    assert not collectability([b.pk], date(2028, 5, 1))[b.pk].extinguished
    assert collectability([b.pk], date(2030, 4, 1))[b.pk].extinguished


def test_without_the_agreement_the_claim_would_have_prescribed(taro, club):
    a = assess(taro, club, 30_000, fy=2022, no=1, due=date(2022, 7, 31))
    # due Sunday 2022-07-31, rolled to 8/1: extinguished from 2027-08-02
    assert collectability([a.pk], date(2027, 8, 2))[a.pk].extinguished


def test_an_ended_agreement_makes_the_rest_due_on_its_last_day(cast, manager):
    a, b, d = cast
    actions.end_relief(d, manager, date(2024, 3, 31), "不履行")
    assert deferrals([b.pk])[b.pk][0].portions == ((date(2023, 4, 30), 10_000), (date(2024, 3, 31), 40_000))
    latest = project_instalments([a.pk, b.pk], date(2024, 6, 1), deferral=LATEST)
    assert latest[b.pk].runs_from == date(2024, 4, 1)
    assert latest[a.pk].runs_from == date(2023, 5, 1)  # the renewal stays


def test_a_proposed_agreement_changes_nothing(taro, club, clerk):
    from .conftest import propose

    a = assess(taro, club, 30_000, fy=2022, no=1, due=date(2022, 7, 31))
    propose(clerk, taro, "performance_deferral", [a], "favourable", AGREED, schedule=[(date(2024, 3, 31), 30_000)])
    assert deferrals([a.pk]) == {}
    assert project_instalments([a.pk], date(2024, 1, 1))[a.pk].runs_from == date(2022, 8, 2)  # due Sunday 7/31, rolled to 8/1


def test_the_cache_warns_on_the_first_portion_and_the_write_off_waits_for_the_last(cast):
    from saiken.prescription.models import PrescriptionStatus
    from saiken.prescription.projection import refresh_instalments
    from saiken.prescription.warnings import extinguished_by_prescription

    _, b, _ = cast
    refresh_instalments([b.pk], date(2024, 1, 1))
    assert PrescriptionStatus.objects.get(instalment=b).completes_on == date(2028, 4, 30)
    assert [row for row in extinguished_by_prescription(date(2028, 5, 1)) if row[0] == b.pk] == []
    assert [row for row in extinguished_by_prescription(date(2030, 4, 1)) if row[0] == b.pk] == [(b.pk, "prescription", date(2030, 4, 1))]


def test_no_demand_while_the_agreement_is_in_force(taro, club, clerk, manager):
    """A 督促 asks for what is due: not for an instalment whose 特約 has made it due later
    (the next run after the 特約 ends picks up what is left)."""
    from saiken.demands.actions import issue_demands

    a = assess(taro, club, 30_000, fy=2022, no=1, due=date(2022, 7, 29))
    granted(clerk, manager, taro, "performance_deferral", [a], "favourable", date(2022, 8, 1),
            schedule=[(date(2022, 9, 30), 15_000), (date(2022, 10, 31), 15_000)])
    assert issue_demands(user=operator(), as_of=date(2022, 8, 10)).demands == 0
    assert issue_demands(user=operator(), as_of=date(2022, 11, 1)).demands == 1
