"""The pure rules of case work: a schedule judged from payments, and the stall clock."""

from datetime import date, timedelta

import pytest

from saiken.cases.rules import PlanState, RowState, judge_schedule, stalled_since

SIGNED = date(2025, 2, 3)
# 30,000 in three rows; with 10 days' grace the first row's deadline is 2025-03-10.
SCHEDULE = [(date(2025, 2, 28), 10_000), (date(2025, 3, 31), 10_000), (date(2025, 4, 30), 10_000)]


def judge(payments, as_of, grace=10):
    return judge_schedule(SCHEDULE, payments, since=SIGNED, grace_days=grace, as_of=as_of)


def test_the_last_day_of_grace_is_not_broken_the_next_day_is():
    assert judge([], date(2025, 3, 10)).rows[0].state == RowState.PENDING
    v = judge([], date(2025, 3, 11))
    assert v.rows[0].state == RowState.BROKEN and v.state == PlanState.BROKEN
    assert v.first_broken.broken_on == date(2025, 3, 11)


def test_partial_payments_add_up_row_by_row():
    payments = [(date(2025, 2, 20), 4_000), (date(2025, 3, 10), 6_000), (date(2025, 3, 25), 10_000), (date(2025, 5, 9), 10_000)]
    v = judge(payments, date(2025, 6, 30))
    assert [r.state for r in v.rows] == [RowState.KEPT] * 3
    assert [r.paid for r in v.rows] == [10_000, 20_000, 30_000]
    assert v.state == PlanState.COMPLETED


def test_paying_ahead_keeps_later_rows():
    v = judge([(date(2025, 2, 10), 30_000)], date(2025, 2, 11))
    assert v.state == PlanState.COMPLETED


def test_a_late_payment_does_not_cure_the_row_it_missed():
    v = judge([(date(2025, 3, 11), 20_000)], date(2025, 4, 1))
    assert [r.state for r in v.rows] == [RowState.BROKEN, RowState.KEPT, RowState.PENDING]  # it counts for the later rows
    assert v.state == PlanState.BROKEN


def test_payments_before_signing_or_after_as_of_do_not_count():
    assert judge([(SIGNED - timedelta(days=1), 10_000)], date(2025, 3, 11)).state == PlanState.BROKEN
    assert judge([(date(2025, 3, 5), 10_000)], date(2025, 3, 4)).rows[0].paid == 0


def test_no_grace():
    assert judge([], date(2025, 2, 28), grace=0).rows[0].state == RowState.PENDING
    assert judge([], date(2025, 3, 1), grace=0).rows[0].state == RowState.BROKEN
    with pytest.raises(ValueError):
        judge([], date(2025, 3, 1), grace=-1)


R = date(2025, 3, 3)  # a reminder, allowing 30 days


@pytest.mark.parametrize(
    "last_progress, as_of, stalled",
    [
        (None, R + timedelta(days=29), None),
        (None, R + timedelta(days=30), R + timedelta(days=30)),  # N days after, nothing recorded
        (R + timedelta(days=30), R + timedelta(days=30), None),  # progress on day N answers it
        (R, R + timedelta(days=45), None),  # progress the day it was sent
        (R - timedelta(days=1), R + timedelta(days=30), R + timedelta(days=30)),  # progress before it does not
    ],
)
def test_stall_clock(last_progress, as_of, stalled):
    assert stalled_since([(R, 30)], last_progress, as_of) == stalled


def test_the_earliest_unanswered_reminder_sets_the_day():
    reminders = [(R, 30), (R + timedelta(days=10), 10), (R + timedelta(days=100), 30)]
    assert stalled_since(reminders, None, R + timedelta(days=40)) == R + timedelta(days=20)
    assert stalled_since(reminders, R + timedelta(days=5), R + timedelta(days=40)) == R + timedelta(days=20)
    assert stalled_since(reminders, R + timedelta(days=11), R + timedelta(days=40)) is None
