"""Every case action writes its rows and one audit row in the same transaction; a refused
one writes nothing."""

from datetime import date, datetime

import pytest
from django.utils import timezone

from saiken.audit.models import AuditEvent
from saiken.cases import actions
from saiken.cases.models import Case, ContactEntry, Task

pytestmark = pytest.mark.django_db


def last_action():
    return AuditEvent.objects.order_by("-id").values_list("action", "user__username", "debtor_id")[0]


def test_every_action_leaves_an_audit_row(taro, taro_nursery, officer, manager, collector, hanako, nursery_fee):
    # taro owes 保育課 only here: its staff control the whole case (test_access: when he owes tax too).
    from tests.cases.conftest import assess

    assess(hanako, nursery_fee, 8_000)
    steps = [
        ("case.open", manager, lambda: actions.open_case(debtor=taro, on=date(2025, 1, 6), user=manager)),
        ("case.assign", manager, lambda: actions.assign(case(), officer, user=manager)),
        ("case.next_action", officer, lambda: actions.set_next_action(case(), on=date(2025, 2, 1), what="電話", user=officer)),
        ("case.contact", officer, lambda: actions.log_contact(
            case(), kind="phone", at=timezone.make_aware(datetime(2025, 1, 10, 14, 30)), summary="分納の相談", counterpart="本人", user=officer)),
        ("case.pledge", officer, lambda: actions.sign_pledge(
            case(), instalments=[taro_nursery], signed_on=date(2025, 1, 10), schedule=[(date(2025, 1, 31), 30_000)], user=officer)),
        ("case.promise", officer, lambda: actions.record_promise(case(), due_on=date(2025, 1, 20), amount=5_000, promised_on=date(2025, 1, 10), user=officer)),
        ("case.task", officer, lambda: actions.add_task(case(), kind="follow_up", due_on=date(2025, 1, 20), note="再架電", user=officer)),
        ("case.task_done", officer, lambda: actions.complete_task(Task.objects.get(), on=date(2025, 1, 20), user=officer)),
        ("case.referral", officer, lambda: actions.refer_to_welfare(case(), referred_on=date(2025, 1, 21), to="パーソナル・サポート・センター", user=officer)),
        ("case.referral_outcome", officer, lambda: actions.record_referral_outcome(
            case().referrals.get(), outcome="家計改善支援を開始", outcome_on=date(2025, 2, 1), user=officer)),
        ("case.transfer", manager, lambda: actions.transfer_to_central([case()], on=date(2025, 3, 1), user=manager)),
        ("case.return", collector, lambda: actions.return_from_central(case(), on=date(2025, 6, 1), user=collector)),
        ("case.close", officer, lambda: actions.close_case(case(), on=date(2025, 7, 1), reason="完納", user=officer)),
        ("case.reopen", officer, lambda: actions.open_case(debtor=taro, on=date(2025, 8, 1), user=officer)),
        ("case.pledge_broken", None, lambda: actions.evaluate_pledges(date(2025, 2, 11))),
        ("case.promise_broken", None, lambda: None),  # noted by the same run
    ]

    def case():
        return Case.objects.get(debtor=taro)

    for action, user, step in steps:
        step()
        assert AuditEvent.objects.filter(action=action, user=user, debtor_id=taro.pk).exists(), action
    counted = AuditEvent.objects.exclude(action__startswith="prescription.").values_list("action", flat=True)
    assert sorted(counted) == sorted(a for a, _, _ in steps)


def test_a_refused_action_writes_nothing(taro_case, officer, manager):
    before = AuditEvent.objects.count()
    with pytest.raises(actions.CaseError):
        actions.log_contact(taro_case, kind="record", at=timezone.now(), summary="x", user=officer)
    with pytest.raises(actions.CaseError):
        actions.log_contact(taro_case, kind="phone", at=timezone.now(), summary=" ", user=officer)
    with pytest.raises(actions.CaseError):
        actions.record_promise(taro_case, due_on=date(2025, 1, 1), amount=1_000, promised_on=date(2025, 2, 1), user=officer)
    with pytest.raises(actions.CaseError, match="移管中の事案ではありません"):
        actions.return_from_central(taro_case, on=date(2025, 1, 1), user=manager)
    assert AuditEvent.objects.count() == before and not ContactEntry.objects.exists()


def test_case_for_opens_once_in_the_department_owed(taro, taro_nursery, taro_tax, officer):
    case = actions.case_for(taro, user=officer)
    assert case.department.code == "hoiku"  # the officer's, because taro owes 保育課 too
    assert actions.case_for(taro, user=officer) == case
    with pytest.raises(actions.CaseError, match="既に対応中"):
        actions.open_case(debtor=taro, user=officer)
    assert AuditEvent.objects.filter(action="case.open").count() == 1


def test_without_a_department_the_case_goes_to_the_one_owed_most(taro, taro_nursery, taro_tax, collector):
    assert actions.case_for(taro, user=collector).department.code == "nozei"  # 市税 123,456 > 保育料 30,000
