"""Pledges (分納誓約) and promises judged from the ledger, and the nightly evaluation.

taro signs on 2025-02-03 to pay his 保育料 (30,000) in three rows of 10,000, due at the
end of February, March and April, with the default 10 days' grace: the first row's
last day is 2025-03-10.
"""

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction

from saiken.audit.models import AuditEvent
from saiken.cases import actions
from saiken.cases.models import ContactEntry, ContactKind, Pledge, PledgeRule, Task
from saiken.cases.pledges import judge_pledges, judge_promises
from saiken.cases.rules import PlanState
from saiken.prescription.models import EventKind, PrescriptionEvent, PrescriptionStatus
from tests.cases.conftest import pay

pytestmark = pytest.mark.django_db

SIGNED = date(2025, 2, 3)
SCHEDULE = [(date(2025, 2, 28), 10_000), (date(2025, 3, 31), 10_000), (date(2025, 4, 30), 10_000)]


@pytest.fixture
def pledge(taro_case, taro_nursery, officer):
    return actions.sign_pledge(taro_case, instalments=[taro_nursery], signed_on=SIGNED, schedule=SCHEDULE, user=officer)


def state(pledge, as_of):
    return judge_pledges([Pledge.objects.select_related("case").get(pk=pledge.pk)], as_of)[pledge.pk].state


def test_broken_one_day_after_the_grace_period_not_on_its_last_day(pledge):
    assert pledge.grace_days == 10
    assert state(pledge, date(2025, 3, 10)) == PlanState.ACTIVE
    assert actions.evaluate_pledges(date(2025, 3, 10)).pledges_broken == []
    assert not Task.objects.exists()

    assert state(pledge, date(2025, 3, 11)) == PlanState.BROKEN
    result = actions.evaluate_pledges(date(2025, 3, 11))
    assert result.pledges_broken == [pledge.pk]
    task = Task.objects.get()
    assert (task.kind, task.pledge, task.assigned_to, task.due_on) == (Task.Kind.INVESTIGATION, pledge, pledge.case.officer, date(2025, 3, 25))
    pledge.refresh_from_db()
    assert pledge.break_noted_on == date(2025, 3, 11)


def test_a_payment_on_the_last_day_of_grace_keeps_the_row(pledge, taro, nursery_fee):
    pay(taro, nursery_fee, 10_000, date(2025, 3, 10))
    assert state(pledge, date(2025, 3, 11)) == PlanState.ACTIVE
    assert actions.evaluate_pledges(date(2025, 3, 11)).pledges_broken == []


def test_kept_from_partial_payments(pledge, taro, nursery_fee):
    for on, yen in [(date(2025, 2, 20), 4_000), (date(2025, 3, 10), 6_000), (date(2025, 3, 25), 7_000), (date(2025, 4, 8), 3_000),
                    (date(2025, 5, 10), 10_000)]:
        pay(taro, nursery_fee, yen, on)
    for as_of in (date(2025, 3, 11), date(2025, 4, 11), date(2025, 5, 11)):
        assert actions.evaluate_pledges(as_of).pledges_broken == []
    assert state(pledge, date(2025, 5, 11)) == PlanState.COMPLETED
    assert not Task.objects.exists()


def test_payments_to_other_receivables_or_before_signing_do_not_count(pledge, taro, nursery_fee, city_tax):
    pay(taro, nursery_fee, 5_000, date(2025, 2, 2))  # before the pledge
    pay(taro, city_tax, 10_000, date(2025, 2, 20))  # another receivable
    assert state(pledge, date(2025, 3, 11)) == PlanState.BROKEN


def test_evaluation_is_idempotent_and_the_investigation_task_is_created_once(pledge):
    for as_of in (date(2025, 3, 11), date(2025, 3, 11), date(2025, 3, 12), date(2025, 4, 30)):
        actions.evaluate_pledges(as_of)
    out = StringIO()
    call_command("evaluate_pledges", "--as-of", "2025-05-20", stdout=out)
    assert "不履行 分納誓約 0件" in out.getvalue()
    assert Task.objects.filter(pledge=pledge).count() == 1
    assert AuditEvent.objects.filter(action="case.pledge_broken").count() == 1
    record = ContactEntry.objects.get(kind=ContactKind.RECORD)
    assert "分納誓約（令和7年2月3日）の不履行" in record.summary
    assert "猶予期限 令和7年3月10日" in record.summary
    # The database refuses a second task for the same pledge even if the code were wrong.
    with pytest.raises(IntegrityError), transaction.atomic():
        Task.objects.create(case=pledge.case, kind=Task.Kind.INVESTIGATION, due_on=date(2025, 4, 1), pledge=pledge)


def test_signing_renews_prescription_of_each_covered_instalment(taro_case, taro_nursery, taro_tax, officer):
    from saiken.prescription.projection import refresh_instalments

    refresh_instalments([taro_nursery.pk], date(2025, 1, 1))
    before = PrescriptionStatus.objects.get(instalment=taro_nursery).completes_on
    p = actions.sign_pledge(taro_case, instalments=[taro_nursery, taro_tax], signed_on=SIGNED, schedule=SCHEDULE, user=officer)
    events = PrescriptionEvent.objects.filter(kind=EventKind.PLEDGE, on=SIGNED)
    assert sorted(events.values_list("instalment_id", flat=True)) == sorted([taro_nursery.pk, taro_tax.pk])
    assert all(e.note == f"分納誓約 {p.pk}" and e.created_by == officer for e in events)
    after = PrescriptionStatus.objects.get(instalment=taro_nursery).completes_on
    assert after > before and after.year == 2030


def test_a_receivable_may_have_its_own_grace(taro_case, taro_nursery, officer, nursery_fee, settings):
    settings.SAIKEN_PLEDGE_GRACE_DAYS = 3
    assert actions.sign_pledge(taro_case, instalments=[taro_nursery], signed_on=SIGNED, schedule=SCHEDULE, user=officer).grace_days == 3
    PledgeRule.objects.create(receivable=nursery_fee, grace_days=20)
    assert actions.sign_pledge(taro_case, instalments=[taro_nursery], signed_on=SIGNED, schedule=SCHEDULE, user=officer).grace_days == 20


@pytest.mark.parametrize(
    "change, field",
    [
        ({"instalments": []}, "instalments"),
        ({"schedule": []}, "schedule"),
        ({"schedule": [(date(2025, 2, 1), 10_000)]}, "schedule"),  # before the pledge
        ({"schedule": [(date(2025, 2, 28), 0)]}, "schedule"),
        ({"signed_on": date(2999, 1, 1)}, "signed_on"),
    ],
)
def test_a_bad_pledge_is_refused_and_writes_nothing(taro_case, taro_nursery, officer, change, field):
    kw = {"instalments": [taro_nursery], "signed_on": SIGNED, "schedule": SCHEDULE, **change}
    with pytest.raises(actions.CaseError) as e:
        actions.sign_pledge(taro_case, user=officer, **kw)
    assert e.value.field == field
    assert not Pledge.objects.exists() and not PrescriptionEvent.objects.exists()


def test_another_debtors_instalment_is_refused(taro_case, hanako_case, officer):
    hanakos = hanako_case.debtor.instalments.get()
    with pytest.raises(actions.CaseError, match="この債務者の未納の調定だけ"):
        actions.sign_pledge(taro_case, instalments=[hanakos], signed_on=SIGNED, schedule=SCHEDULE, user=officer)


def test_a_promise_is_broken_the_day_after_its_date_with_a_follow_up_task(taro_case, officer, taro, nursery_fee):
    promise = actions.record_promise(taro_case, due_on=date(2025, 3, 14), amount=5_000, promised_on=date(2025, 3, 7), user=officer)
    pay(taro, nursery_fee, 3_000, date(2025, 3, 14))
    assert judge_promises([promise], date(2025, 3, 14))[promise.pk].state == PlanState.ACTIVE
    assert actions.evaluate_pledges(date(2025, 3, 14)).promises_broken == []
    assert actions.evaluate_pledges(date(2025, 3, 15)).promises_broken == [promise.pk]
    assert actions.evaluate_pledges(date(2025, 3, 16)).promises_broken == []
    task = Task.objects.get()
    assert (task.kind, task.promise) == (Task.Kind.FOLLOW_UP, promise)


def test_a_promise_kept_by_any_receivable_unless_one_was_named(taro_case, officer, taro, city_tax, nursery_fee):
    anything = actions.record_promise(taro_case, due_on=date(2025, 3, 14), amount=5_000, promised_on=date(2025, 3, 7), user=officer)
    named = actions.record_promise(taro_case, due_on=date(2025, 3, 14), amount=5_000, promised_on=date(2025, 3, 7), receivable=nursery_fee, user=officer)
    pay(taro, city_tax, 5_000, date(2025, 3, 10))
    verdicts = judge_promises([anything, named], date(2025, 3, 15))
    assert verdicts[anything.pk].state == PlanState.COMPLETED
    assert verdicts[named.pk].state == PlanState.BROKEN
