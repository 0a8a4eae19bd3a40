"""The goals' small city (tests/goals/conftest.py), plus the people plans need.

- 納税課長 (tax_manager): a manager of the department owning 市税: may draft and revise
  市税's plan, may not adopt it (adopting sets targets, the committee's power).
- 保育課長 (nursery_manager): a manager of another department: may not touch 市税's plan.
- The goals' clerk (窓口 一郎) has no right to plans at all; its committee member (委員
  太郎) and administrator (boss) have every right.
"""

from decimal import Decimal

import pytest

from saiken.catalog.models import ReceivableType
from saiken.goals import plans
from saiken.goals.models import Indicator
from saiken.staff.models import StaffProfile
from tests.goals.conftest import AS_OF, admin_user, city, clerk, member  # noqa: F401 (the goals' fixtures, and its as-of day)


def manager_of(django_user_model, username: str, receivable, last_name: str):
    user = django_user_model.objects.create_user(username, last_name=last_name, first_name="課長")
    StaffProfile.objects.update_or_create(user=user, defaults={"role": "manager", "department": receivable.department})
    return django_user_model.objects.get(pk=user.pk)


@pytest.fixture
def tax_manager(city, django_user_model):
    return manager_of(django_user_model, "tax-manager", city.city_tax, "納税")


@pytest.fixture
def nursery_manager(city, django_user_model):
    return manager_of(django_user_model, "nursery-manager", city.nursery, "保育")


def ind(code: str) -> Indicator:
    return Indicator.objects.get(code=code)


ACTIONS = [
    plans.ActionInput("納期限後20日以内の督促状発付を徹底する", ["1-1"], "発付状況を毎月確認", "同左", "同左", "収納係"),
    plans.ActionInput("口座振替の勧奨（新規課税時に案内を同封）", ["2-1", "2-3"], "案内文の作成", "勧奨の実施", "効果検証", "管理係"),
]


def tax_plan(user, first_year=2024, targets=None):
    """市税's plan for first_year..+2 with one collection-rate target a year."""
    if targets is None:
        targets = [plans.TargetInput(ind("current_rate"), y, "at_least", Decimal("98.5")) for y in range(first_year, first_year + 3)]
    return plans.create_plan(receivable=ReceivableType.objects.get(code="city_tax"), first_year=first_year,
                             problems="催告後に進捗しない案件が多い", actions=ACTIONS, targets=targets, user=user)
