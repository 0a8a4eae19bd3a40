"""The cast for prescription, built with the ledger actions.

- taro's 保育料 FY2020 第1期 (public, 5 years): due 2020-06-30, demanded 2020-07-10,
  so it completes on 2025-07-10; the claim the warning-list boundaries are set on.
- taro's 国民健康保険料 FY2022 第1期 (public, 2 years): due Sunday 2022-07-31, rolled to
  8/1; completes on 2024-08-01, long before the others.
- hanako's 市民病院診療費 FY2019 第1期 (private, arose 2019: the old law's 3 years):
  due 2019-10-31, completes on 2022-10-31; the debtor must invoke.
"""

from datetime import date, timedelta

import pytest

from saiken.catalog.models import ReceivableType
from saiken.demands.models import Demand, DemandLine, DemandRun
from saiken.ledger import actions
from saiken.ledger.models import Instalment
from tests.conftest import staff


def demand(instalment: Instalment, issued_on: date) -> DemandLine:
    """A 督促 as the demand run would leave it: run, notice and line."""
    run = DemandRun.objects.create(issued_on=issued_on)
    notice = Demand.objects.create(
        run=run, number=f"D{instalment.pk:08d}", debtor=instalment.debtor, receivable=instalment.receivable,
        issued_on=issued_on, designated_deadline=issued_on + timedelta(days=10), principal=instalment.principal_due,
    )
    return DemandLine.objects.create(
        demand=notice, instalment=instalment, principal=instalment.principal_due,
        demand_by=instalment.due_date + timedelta(days=20), on_time=issued_on <= instalment.due_date + timedelta(days=20),
    )


@pytest.fixture
def nhi(db):
    return ReceivableType.objects.get(code="national_health_insurance")


@pytest.fixture
def hospital(db):
    return ReceivableType.objects.get(code="hospital_fee")


@pytest.fixture
def nursery_2020(taro, nursery_fee):
    i = actions.assess(debtor=taro, receivable=nursery_fee, fiscal_year=2020, instalment_no=1, nominal_due=date(2020, 6, 30),
                       amount=30_000, assessed_on=date(2020, 4, 1))
    demand(i, date(2020, 7, 10))
    return i


@pytest.fixture
def nhi_2022(taro, nhi):
    return actions.assess(debtor=taro, receivable=nhi, fiscal_year=2022, instalment_no=1, nominal_due=date(2022, 7, 31),
                          amount=18_000, assessed_on=date(2022, 6, 15))


@pytest.fixture
def hospital_2019(hanako, hospital):
    return actions.assess(debtor=hanako, receivable=hospital, fiscal_year=2019, instalment_no=1, nominal_due=date(2019, 10, 31),
                          amount=52_000, assessed_on=date(2019, 10, 1))


@pytest.fixture
def cast(nursery_2020, nhi_2022, hospital_2019):
    return {"nursery": nursery_2020, "nhi": nhi_2022, "hospital": hospital_2019}


@pytest.fixture
def clerk_user(django_user_model):
    return staff(django_user_model.objects.create_user("clerk", password="pass-1234", last_name="窓口", first_name="一郎"))
