"""Stalled cases (催告後進捗なし) at their edges, and the daily snapshot.

保育料 allows 30 days after a reminder here (市税 keeps its 60): a letter to taro
(who owes both) on 2025-03-03 must be answered by 2025-04-02, the strictest N.
"""

from datetime import date, datetime, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from saiken.cases import actions
from saiken.cases.models import Case, StallCount
from saiken.cases.stalls import AFTER_REMINDER, NO_NEXT_ACTION, stalls
from saiken.demands.models import Demand, DemandLine, DemandRun
from tests.cases.conftest import pay

pytestmark = pytest.mark.django_db

R = date(2025, 3, 3)
DAY_N = R + timedelta(days=30)


def at(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour))


@pytest.fixture(autouse=True)
def thirty_days(nursery_fee):
    nursery_fee.stall_days_after_reminder = 30
    nursery_fee.save()


@pytest.fixture
def reminded(taro_case, officer):
    actions.log_contact(taro_case, kind="letter", at=at(R), summary="催告書を送付", user=officer)
    return taro_case


def stall_of(case, as_of):
    return stalls([Case.objects.get(pk=case.pk)], as_of).get(case.pk)


def test_stalled_n_days_after_a_reminder_with_no_progress(reminded):
    assert stall_of(reminded, DAY_N - timedelta(days=1)) is None
    s = stall_of(reminded, DAY_N)
    assert s.reasons == (AFTER_REMINDER,) and s.since == DAY_N


def test_progress_on_day_n_answers_the_reminder(reminded, officer):
    actions.log_contact(reminded, kind="phone", at=at(DAY_N, 17), summary="本人と電話", user=officer)
    assert stall_of(reminded, DAY_N) is None
    assert stall_of(reminded, DAY_N + timedelta(days=100)) is None  # no reminder since


@pytest.mark.parametrize("progress", ["payment", "pledge", "task", "referral", "promise"])
def test_any_kind_of_progress_counts(reminded, officer, taro, nursery_fee, taro_nursery, progress):
    if progress == "payment":
        pay(taro, nursery_fee, 1_000, DAY_N)
    elif progress == "pledge":
        actions.sign_pledge(reminded, instalments=[taro_nursery], signed_on=DAY_N, schedule=[(DAY_N + timedelta(days=30), 1_000)], user=officer)
    elif progress == "task":
        t = actions.add_task(reminded, kind="follow_up", due_on=DAY_N, user=officer)
        actions.complete_task(t, on=DAY_N, user=officer)
    elif progress == "referral":
        actions.refer_to_welfare(reminded, referred_on=DAY_N, to="パーソナル・サポート・センター", user=officer)
    else:
        actions.record_promise(reminded, due_on=DAY_N + timedelta(days=7), amount=1_000, promised_on=DAY_N, user=officer)
    assert stall_of(reminded, DAY_N) is None


def test_a_letter_from_the_system_or_another_letter_is_not_progress(reminded, officer):
    actions.log_contact(reminded, kind="document", at=at(R + timedelta(days=10)), summary="納付書を再送", user=officer)
    assert stall_of(reminded, DAY_N).since == DAY_N


def test_a_demand_is_a_reminder_with_its_own_receivables_n(taro_case, taro_tax):
    # 督促状 for 市税 (60 days), issued 2025-03-03.
    run = DemandRun.objects.create(issued_on=R)
    notice = Demand.objects.create(run=run, number="D1", debtor=taro_case.debtor, receivable=taro_tax.receivable, issued_on=R,
                                   designated_deadline=R + timedelta(days=10), principal=taro_tax.principal_due)
    DemandLine.objects.create(demand=notice, instalment=taro_tax, principal=taro_tax.principal_due, demand_by=R, on_time=True)
    assert stall_of(taro_case, R + timedelta(days=59)) is None
    assert stall_of(taro_case, R + timedelta(days=60)).since == R + timedelta(days=60)


def test_no_next_action_date_is_stalled(hanako_case, officer):
    assert stall_of(hanako_case, R) is None
    actions.set_next_action(hanako_case, on=None, user=officer)
    assert stall_of(hanako_case, R).reasons == (NO_NEXT_ACTION,)


def test_closed_cases_are_never_stalled(reminded, admin_user):
    actions.close_case(reminded, on=R + timedelta(days=1), reason="完納", user=admin_user)  # taro owes tax too: not 保育課's alone
    assert stall_of(reminded, DAY_N) is None


def test_the_snapshot_counts_per_department_and_officer_and_replaces_a_rerun(reminded, hanako_case, officer):
    actions.set_next_action(hanako_case, on=None, user=officer)
    for _ in range(2):
        out = StringIO()
        call_command("snapshot_stalls", "--as-of", DAY_N.isoformat(), stdout=out)
        assert "停滞 2件" in out.getvalue()
    row = StallCount.objects.get(day=DAY_N)
    assert (row.department.code, row.officer, row.count) == ("hoiku", officer, 2)
    call_command("snapshot_stalls", "--as-of", (DAY_N - timedelta(days=1)).isoformat(), stdout=StringIO())
    assert list(StallCount.objects.order_by("day").values_list("count", flat=True)) == [1, 2]
