"""Selecting cases for the central team (移管), and the team seeing exactly what it was sent.

On 2025-05-01: taro owes 153,456 (保育料 and 市税), hanako 8,000 plus an FY2020 保育料 whose
prescription completes in July 2025, jiro 900,000 under an approved 執行停止.
"""

from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from saiken.audit.models import AuditEvent
from saiken.cases import actions
from saiken.cases.models import Transfer
from saiken.cases.selection import Criteria, select_for_transfer, transferred
from saiken.prescription.projection import refresh
from saiken.relief import actions as relief
from saiken.relief.models import ReliefDecision
from tests.cases.conftest import assess, pay

pytestmark = pytest.mark.django_db

AS_OF = date(2025, 5, 1)


def at(day: date) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, 10))


@pytest.fixture
def cast(taro_case, hanako_case, jiro_case, hanako, nursery_fee, officer):
    assess(hanako, nursery_fee, 5_000, due=date(2020, 7, 1))
    refresh(AS_OF)
    actions.log_contact(taro_case, kind="phone", at=at(date(2025, 4, 20)), summary="本人と電話", user=officer)
    actions.log_contact(jiro_case, kind="visit", at=at(date(2025, 4, 20)), summary="臨戸", user=officer)
    return {"taro": taro_case, "hanako": hanako_case, "jiro": jiro_case}


def names(qs):
    return sorted(c.debtor.name for c in qs)


def test_by_amount_owed(cast):
    assert names(select_for_transfer(Criteria(min_owed=153_456), AS_OF)) == ["山田 太郎"]
    assert names(select_for_transfer(Criteria(min_owed=153_457), AS_OF)) == []
    assert select_for_transfer(Criteria(min_owed=1), AS_OF).get(debtor__name="山田 太郎").owed == 153_456


def test_by_prescription_near(cast):
    assert names(select_for_transfer(Criteria(prescription_within_months=3), AS_OF)) == ["佐藤 花子"]
    assert names(select_for_transfer(Criteria(prescription_within_months=1), AS_OF)) == []


def test_by_broken_pledges(cast, taro_nursery, officer):
    actions.sign_pledge(cast["taro"], instalments=[taro_nursery], signed_on=date(2025, 2, 3), schedule=[(date(2025, 2, 28), 10_000)], user=officer)
    assert names(select_for_transfer(Criteria(min_broken_pledges=1), AS_OF)) == ["山田 太郎"]
    assert names(select_for_transfer(Criteria(min_broken_pledges=2), AS_OF)) == []
    assert names(select_for_transfer(Criteria(min_broken_pledges=1), date(2025, 3, 10))) == []  # still within grace


def test_a_kept_pledge_is_not_a_broken_one(cast, taro, taro_nursery, nursery_fee, officer):
    actions.sign_pledge(cast["taro"], instalments=[taro_nursery], signed_on=date(2025, 2, 3), schedule=[(date(2025, 2, 28), 10_000)], user=officer)
    pay(taro, nursery_fee, 10_000, date(2025, 3, 1))
    assert names(select_for_transfer(Criteria(min_broken_pledges=1), AS_OF)) == []


def test_by_days_without_contact(cast):
    # taro was called 11 days before; hanako never; jiro would be, but is under a stop.
    assert names(select_for_transfer(Criteria(no_contact_days=11), AS_OF)) == ["佐藤 花子", "山田 太郎"]
    assert names(select_for_transfer(Criteria(no_contact_days=12), AS_OF)) == ["佐藤 花子"]


def test_all_or_any(cast):
    both = dict(min_owed=100_000, prescription_within_months=3)
    assert names(select_for_transfer(Criteria(**both), AS_OF)) == []
    assert names(select_for_transfer(Criteria(**both, match="any"), AS_OF)) == ["佐藤 花子", "山田 太郎"]
    assert names(select_for_transfer(Criteria(), AS_OF)) == []  # no criteria: nothing, never everything


def test_an_execution_stop_keeps_the_debtor_out_until_revoked(cast, approver):
    assert "鈴木 次郎" not in names(select_for_transfer(Criteria(min_owed=100_000), AS_OF))
    stop = ReliefDecision.objects.get(debtor=cast["jiro"].debtor)
    relief.revoke_execution_stop(stop, approver, date(2025, 4, 1), "資力の回復")
    assert names(select_for_transfer(Criteria(min_owed=100_000), AS_OF)) == ["山田 太郎", "鈴木 次郎"]


def test_criteria_are_saved_as_json_with_the_transfer(cast, manager):
    criteria = Criteria(min_owed=100_000, department="hoiku")
    assert Criteria.from_json(criteria.to_json()) == criteria
    [t] = actions.transfer_to_central(select_for_transfer(criteria, AS_OF), on=AS_OF, criteria=criteria.to_json(), user=manager)
    assert t.criteria == {"min_owed": 100_000, "department": "hoiku", "match": "all"}
    assert AuditEvent.objects.get(action="case.transfer").detail["criteria"] == t.criteria


def test_the_central_team_sees_exactly_what_was_transferred(cast, manager, collector):
    actions.transfer_to_central([cast["taro"], cast["hanako"]], on=AS_OF, user=manager)
    assert names(transferred()) == ["佐藤 花子", "山田 太郎"]
    actions.return_from_central(cast["hanako"], on=AS_OF + timedelta(days=5), user=collector)
    assert names(transferred()) == ["山田 太郎"]
    assert list(Transfer.objects.filter(case=cast["hanako"]).values_list("direction", flat=True)) == ["to_central", "back"]
    # Already with the team: neither selected again nor transferred twice.
    assert "山田 太郎" not in names(select_for_transfer(Criteria(min_owed=1), AS_OF))
    with pytest.raises(actions.CaseError, match="既に移管中"):
        actions.transfer_to_central([cast["taro"]], on=AS_OF, user=manager)
    assert Transfer.objects.filter(case=cast["taro"]).count() == 1
