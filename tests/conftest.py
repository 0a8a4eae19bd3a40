"""The cast shared by the tests.

- 山田 太郎 (taro): a resident who owes city tax and nursery fees; most ledger tests use him.
- 佐藤 花子 (hanako): a second resident, so that transfers to another person can be refused.
"""

from datetime import date

import pytest

from saiken.catalog.models import ReceivableType
from saiken.debtors.models import Debtor


@pytest.fixture(autouse=True)
def no_second_factor_unless_a_test_asks(settings):
    """Production asks managers and administrators for a TOTP code after the password
    (SAIKEN_OTP_ROLES, saiken.web.second_factor). Most screen tests log in with
    force_login as an administrator and are not about the login, so the suite runs with
    nobody asked; tests/test_second_factor.py turns it on for the roles it tests."""
    settings.SAIKEN_OTP_ROLES = ()


@pytest.fixture
def city_tax(db):
    return ReceivableType.objects.get(code="city_tax")


@pytest.fixture
def nursery_fee(db):
    return ReceivableType.objects.get(code="nursery_fee")


@pytest.fixture
def housing(db):
    """A private claim: civil-code allocation order (costs, interest, principal)."""
    return ReceivableType.objects.get(code="municipal_housing")


@pytest.fixture
def taro(db):
    return Debtor.objects.create(name="山田 太郎", name_kana="ヤマダ タロウ", birth_date=date(1970, 5, 1), address="新潟市中央区学校町通1番町602-1")


@pytest.fixture
def hanako(db):
    return Debtor.objects.create(name="佐藤 花子", name_kana="サトウ ハナコ", birth_date=date(1985, 2, 14), address="新潟市北区葛塚3197")



def staff(user, role: str = "admin", department: str | None = None):
    """Give a test user a place in the city: a role, and a department by its code.

    Screen tests that are not about access use role "admin" (システム管理者: sees every
    receivable); the access tests give clerks a department (e.g. "hoiku" for 保育課).
    """
    from saiken.catalog.models import Department
    from saiken.staff.models import StaffProfile

    StaffProfile.objects.update_or_create(
        user=user, defaults={"role": role, "department": Department.objects.get(code=department) if department else None}
    )
    return user


def operator():
    """The login a run is made as when the test is not about who makes it: an
    administrator (runs are never anonymous: saiken.staff.policy checks them)."""
    from django.contrib.auth import get_user_model

    user, _ = get_user_model().objects.get_or_create(username="operator")
    return staff(user, "admin")
