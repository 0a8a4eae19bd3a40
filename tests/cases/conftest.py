"""The case-work cast, on top of tests/conftest.py (taro, hanako, city_tax, nursery_fee).

Staff (each with a StaffProfile, because what they see depends on it):
- officer (保育課 担当 一郎): a 保育課 clerk who works the cases; not tax staff, so the
  case page must hide tax amounts from him unless a TaxDisclosure lets him see them.
- manager (保育課 課長 花子): supervises 保育課: sees the team, assigns, transfers.
- collector (債権回収 三郎): the central collection team, no department: sees exactly
  what was transferred to it.
- approver (保育課 決裁 四郎): a 保育課 manager holding 緩和措置を決裁する, to grant 次郎's
  execution stop on his 保育料 (relief is decided by the department that owns the debt).

Debtors and debts (all assessed FY2024, due 2024-07-01, before any case starts):
- taro owes 保育料 30,000 and 市税 123,456: the tax amount the page must hide from the
  保育課 officer; most pledge and stall tests use his case.
- hanako owes 保育料 8,000: a small, quiet case that no transfer criterion but
  "no contact" selects.
- jiro (鈴木 次郎) owes 保育料 900,000 and is under an approved 滞納処分の執行停止: insolvent,
  so he goes to relief and never to the central team, however large his debt.
"""

from datetime import date

import pytest
from django.contrib.auth.models import Permission

from saiken.cases import actions
from saiken.catalog.models import Department
from saiken.debtors.models import Debtor
from saiken.ledger import actions as ledger
from saiken.relief import actions as relief
from saiken.staff.models import Role, StaffProfile

DUE = date(2024, 7, 1)
OPENED = date(2025, 1, 6)


def staff(user, role, department=None):
    StaffProfile.objects.create(user=user, role=role, department=Department.objects.get(code=department) if department else None)
    return user


def assess(debtor, receivable, amount, no=1, due=DUE):
    fy = due.year if due.month >= 4 else due.year - 1
    return ledger.assess(debtor=debtor, receivable=receivable, fiscal_year=fy, instalment_no=no, nominal_due=due, amount=amount,
                         assessed_on=date(fy, 6, 1))


def pay(debtor, receivable, amount, on):
    return ledger.record_payment(debtor=debtor, receivable=receivable, amount=amount, paid_on=on)


@pytest.fixture
def officer(django_user_model):
    return staff(django_user_model.objects.create_user("officer", password="pass-1234", last_name="担当", first_name="一郎"), Role.CLERK, "hoiku")


@pytest.fixture
def manager(django_user_model):
    return staff(django_user_model.objects.create_user("manager", password="pass-1234", last_name="課長", first_name="花子"), Role.MANAGER, "hoiku")


@pytest.fixture
def collector(django_user_model):
    return staff(django_user_model.objects.create_user("collector", password="pass-1234", last_name="債権回収", first_name="三郎"), Role.COLLECTOR)


@pytest.fixture
def approver(django_user_model):
    user = staff(django_user_model.objects.create_user("approver", last_name="決裁", first_name="四郎"), Role.MANAGER, "hoiku")
    user.user_permissions.add(Permission.objects.get(codename="approve_reliefdecision", content_type__app_label="relief"))
    return django_user_model.objects.get(pk=user.pk)


@pytest.fixture
def taro_nursery(taro, nursery_fee):
    return assess(taro, nursery_fee, 30_000)


@pytest.fixture
def taro_tax(taro, city_tax):
    return assess(taro, city_tax, 123_456)


@pytest.fixture
def taro_case(taro, taro_nursery, taro_tax, officer, manager):
    case = actions.open_case(debtor=taro, officer=officer, on=OPENED, user=manager)
    return actions.set_next_action(case, on=date(2025, 12, 1), what="電話", user=officer)


@pytest.fixture
def hanako_case(hanako, nursery_fee, officer, manager):
    assess(hanako, nursery_fee, 8_000)
    case = actions.open_case(debtor=hanako, officer=officer, on=OPENED, user=manager)
    return actions.set_next_action(case, on=date(2025, 12, 1), user=officer)


@pytest.fixture
def jiro(db):
    return Debtor.objects.create(name="鈴木 次郎", name_kana="スズキ ジロウ", birth_date=date(1960, 1, 20), address="新潟市西区寺尾東1-1")


@pytest.fixture
def jiro_case(jiro, nursery_fee, officer, manager, approver):
    i = assess(jiro, nursery_fee, 900_000)
    d = relief.propose_relief(debtor=jiro, kind="execution_stop", instalments=[i], ground="no_property", reason="財産調査の結果、財産なし",
                              start_on=date(2025, 2, 1), user=officer)
    relief.approve_relief(d, approver, date(2025, 2, 1))
    case = actions.open_case(debtor=jiro, officer=officer, on=OPENED, user=manager)
    return actions.set_next_action(case, on=date(2025, 12, 1), user=officer)
