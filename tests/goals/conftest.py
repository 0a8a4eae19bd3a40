"""A small city for the goals, built with the ledger's own actions (FY2023 and FY2024).

市税 (city_tax):
- 山田 太郎 (taro): FY2023 one instalment of 30,000 due 2023-07-31, left unpaid and
  demanded on 2023-08-10 (on time), so it is carried into FY2024 as 滞納繰越; he pays
  10,000 of it at the counter on 2024-06-17. FY2024 four instalments of 25,000: the
  first paid by 口座振替 on its due date, the second at the counter on 2024-10-15 (late,
  after the demand of 2024-09-25 that came after the 20-day window), the third and
  fourth left unpaid; an 執行停止 on the fourth is approved on 2024-12-02.
- 鈴木 一郎 (ichiro): FY2024 one instalment of 40,000 paid by 口座振替 before its due date,
  and in FY2023 one of 40,000 paid at a convenience store in the 出納整理期間
  (2024-04-30, so it counts in FY2023's settlement).

保育料 (nursery_fee):
- 佐藤 花子 (hanako): FY2023 two months of 20,000; May paid by 口座振替, June unpaid and
  written off by prescription on 2024-09-01 (FY2024's settlement); FY2024 one month of
  20,000 paid on 2025-04-30 (出納整理期間: FY2024's settlement, booked in FY2025).

Staff: clerk (窓口 一郎) proposes; manager (課長 花子) may approve relief; member (委員
太郎) sits on the committee; admin is a superuser.
"""

from dataclasses import dataclass
from datetime import date

import pytest
from django.contrib.auth.models import Permission

from saiken.catalog.models import ReceivableType
from saiken.debtors.models import Debtor
from saiken.demands.actions import issue_demands
from saiken.ledger import actions as ledger
from saiken.ledger.models import Instalment
from saiken.relief import actions as relief
from saiken.staff.models import StaffProfile
from tests.conftest import operator

AS_OF = date(2025, 6, 30)  # after FY2024's accounts closed (2025-05-31)


def give_role(user, role: str):
    StaffProfile.objects.update_or_create(user=user, defaults={"role": role})
    return user


def assess(debtor, receivable, amount, fy, no, due, on=None):
    return ledger.assess(
        debtor=debtor, receivable=receivable, fiscal_year=fy, instalment_no=no, nominal_due=due, amount=amount,
        assessed_on=on or date(fy, 4, 10),
    )


def pay(debtor, receivable, amount, on, channel="counter", instalment=None, booked_on=None):
    return ledger.record_payment(
        debtor=debtor, receivable=receivable, amount=amount, paid_on=on, booked_on=booked_on, channel=channel,
        instalment=instalment,
    )


@dataclass
class City:
    city_tax: ReceivableType
    nursery: ReceivableType
    taro: Debtor
    hanako: Debtor
    ichiro: Debtor
    clerk: object
    manager: object
    member: object
    admin: object


@pytest.fixture
def today(monkeypatch):
    """Pin "today" (timezone.localdate, which the dashboard reads) to AS_OF, so that the
    running year and its forecast do not depend on the day the tests run."""
    from django.utils import timezone

    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: AS_OF)
    return AS_OF


@pytest.fixture
def member(django_user_model):
    return give_role(django_user_model.objects.create_user("member", last_name="委員", first_name="太郎"), "committee")


@pytest.fixture
def clerk(django_user_model):
    return give_role(django_user_model.objects.create_user("clerk", last_name="窓口", first_name="一郎"), "clerk")


@pytest.fixture
def admin_user(django_user_model):
    return django_user_model.objects.create_superuser("boss")


@pytest.fixture
def city(db, django_user_model, member, clerk, admin_user, taro, hanako) -> City:
    city_tax = ReceivableType.objects.get(code="city_tax")
    nursery = ReceivableType.objects.get(code="nursery_fee")
    ichiro = Debtor.objects.create(name="鈴木 一郎", name_kana="スズキ イチロウ", birth_date=date(1960, 1, 1), address="新潟市東区")
    manager = give_role(django_user_model.objects.create_user("manager", last_name="課長", first_name="花子"), "manager")
    manager.user_permissions.add(Permission.objects.get(codename="approve_reliefdecision", content_type__app_label="relief"))
    manager = django_user_model.objects.get(pk=manager.pk)

    # FY2023
    old_tax = assess(taro, city_tax, 30_000, 2023, 1, date(2023, 7, 31))
    ichiro_old = assess(ichiro, city_tax, 40_000, 2023, 1, date(2023, 7, 31))
    may = assess(hanako, nursery, 20_000, 2023, 5, date(2023, 5, 31), on=date(2023, 5, 1))
    june = assess(hanako, nursery, 20_000, 2023, 6, date(2023, 6, 30), on=date(2023, 6, 1))
    pay(hanako, nursery, 20_000, date(2023, 5, 31), "direct_debit", may)
    issue_demands(user=operator(), as_of=date(2023, 8, 10))  # taro's FY2023 tax on time; ichiro's too; hanako's June late
    pay(ichiro, city_tax, 40_000, date(2024, 4, 30), "convenience", ichiro_old)

    # FY2024
    current = [
        assess(taro, city_tax, 25_000, 2024, n, due, on=date(2024, 6, 1))
        for n, due in enumerate([date(2024, 7, 1), date(2024, 9, 2), date(2024, 10, 31), date(2025, 1, 31)], start=1)
    ]
    ichiro_new = assess(ichiro, city_tax, 40_000, 2024, 1, date(2024, 7, 1), on=date(2024, 6, 1))
    pay(taro, city_tax, 10_000, date(2024, 6, 17), "counter", old_tax)
    pay(taro, city_tax, 25_000, date(2024, 7, 1), "direct_debit", current[0])
    pay(ichiro, city_tax, 40_000, date(2024, 6, 28), "direct_debit", ichiro_new)
    ledger.write_off(instalment=june, booked_on=date(2024, 9, 1), reason="prescription")
    issue_demands(user=operator(), as_of=date(2024, 9, 25))  # taro's 2nd (due 9/2): after the 20-day window
    pay(taro, city_tax, 25_000, date(2024, 10, 15), "counter", current[1])
    d = relief.propose_relief(
        debtor=taro, kind="execution_stop", instalments=[current[3]], ground="no_property", reason="財産調査の結果、財産なし",
        start_on=date(2024, 12, 1), user=clerk,
    )
    relief.approve_relief(d, manager, date(2024, 12, 2))
    nursery_new = assess(hanako, nursery, 20_000, 2024, 4, date(2024, 4, 30), on=date(2024, 4, 1))
    pay(hanako, nursery, 20_000, date(2025, 4, 30), "counter", nursery_new)
    assert Instalment.objects.count() == 10
    return City(city_tax, nursery, taro, hanako, ichiro, clerk, manager, member, admin_user)
