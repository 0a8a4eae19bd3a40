"""The cast for investigations, dispositions and reminders (on top of tests/conftest.py).

Staff (tests/conftest.py `staff`):
- tax_clerk (納税課 徴収 五郎): tax staff — sees tax findings and may seize for 市税.
- nursery_clerk (保育課 担当 一郎): not tax staff; sees taro's case (he owes 保育料) but
  never the tax findings on it unless a TaxDisclosure lets him.
- housing_clerk (住環境政策課 住宅 六郎): works hanako's private claim (市営住宅使用料).

Debtors and debts, all FY2024 第1期 due 2024-07-01 and demanded by the real demand run
on 2024-07-10 (指定期限 7/20; for forcible claims the 差押可能日 is 2024-07-21):
- taro owes 市税 123,456 (tax: forcible) and 保育料 30,000 (forcible, not tax); his case
  belongs to 納税課. The seizure and realisation tests use him.
- hanako owes 市営住宅使用料 60,000 (private): a 差押 is refused for it, the court path
  (支払督促) is not; reminders to her renew nothing but suspend prescription (催告).
- jiro owes 清掃手数料 20,000 (non-forcible) and has no case: a debtor without a case
  is never reminded.
"""

from datetime import date

import pytest

from saiken.cases import actions
from saiken.catalog.models import ReceivableType
from saiken.debtors.models import Debtor
from saiken.demands.actions import issue_demands
from saiken.ledger import actions as ledger
from tests.conftest import staff, operator

DUE = date(2024, 7, 1)
DEMANDED = date(2024, 7, 10)
SEIZURE_FROM = date(2024, 7, 21)
DESIGNATED = date(2024, 7, 20)
OPENED = date(2024, 9, 2)
TODAY = date(2025, 6, 2)


def assess(debtor, receivable, amount, no=1, due=DUE):
    return ledger.assess(debtor=debtor, receivable=receivable, fiscal_year=2024, instalment_no=no, nominal_due=due, amount=amount,
                         assessed_on=date(2024, 6, 1))


@pytest.fixture
def tax_clerk(django_user_model):
    return staff(django_user_model.objects.create_user("tax_clerk", password="pass-1234", last_name="徴収", first_name="五郎"), "clerk", "nozei")


@pytest.fixture
def nursery_clerk(django_user_model):
    return staff(django_user_model.objects.create_user("nursery_clerk", password="pass-1234", last_name="担当", first_name="一郎"), "clerk", "hoiku")


@pytest.fixture
def housing_clerk(django_user_model):
    return staff(django_user_model.objects.create_user("housing_clerk", password="pass-1234", last_name="住宅", first_name="六郎"), "clerk", "jutaku")


@pytest.fixture
def cleaning(db):
    return ReceivableType.objects.get(code="cleaning_fee")


@pytest.fixture
def taro_tax(taro, city_tax):
    return assess(taro, city_tax, 123_456)


@pytest.fixture
def taro_nursery(taro, nursery_fee):
    return assess(taro, nursery_fee, 30_000)


@pytest.fixture
def hanako_rent(hanako, housing):
    return assess(hanako, housing, 60_000)


@pytest.fixture
def jiro(db):
    return Debtor.objects.create(name="鈴木 次郎", name_kana="スズキ ジロウ", birth_date=date(1960, 1, 20), address="新潟市西区寺尾東1-1")


@pytest.fixture
def jiro_cleaning(jiro, cleaning):
    return assess(jiro, cleaning, 20_000)


@pytest.fixture
def demanded(taro_tax, taro_nursery, hanako_rent, jiro_cleaning):
    """The statutory 督促 of every instalment above, as the daily run leaves it."""
    return issue_demands(user=operator(), as_of=DEMANDED)


@pytest.fixture
def taro_case(taro, demanded, tax_clerk):
    from saiken.catalog.models import Department

    return actions.open_case(debtor=taro, department=Department.objects.get(code="nozei"), officer=tax_clerk, on=OPENED, user=tax_clerk)


@pytest.fixture
def hanako_case(hanako, demanded, housing_clerk):
    from saiken.catalog.models import Department

    return actions.open_case(debtor=hanako, department=Department.objects.get(code="jutaku"), officer=housing_clerk, on=OPENED,
                             user=housing_clerk)
