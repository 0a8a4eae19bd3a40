"""行政サービス利用制限: yes or no, with consent, never the details.

Cast: taro owes an overdue 保育料 instalment; hanako owes nothing overdue; a 住宅課 clerk asks.
"""

import json
from datetime import date

import pytest
from django.urls import reverse

from saiken.audit.models import AuditEvent
from saiken.debtors.actions import add_identifier
from saiken.ledger.actions import assess
from saiken.staff.models import ServiceCheck
from saiken.staff.service_check import is_delinquent
from tests.conftest import staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def housing_clerk(client, django_user_model):
    user = staff(django_user_model.objects.create_user("housing"), "clerk", "jutaku")
    client.force_login(user)
    return user


@pytest.fixture
def people(taro, hanako, nursery_fee):
    add_identifier(taro, "resident", "100001")
    add_identifier(hanako, "resident", "100002")
    assess(debtor=taro, receivable=nursery_fee, fiscal_year=2025, instalment_no=1, nominal_due=date(2025, 4, 30), amount=34_567, assessed_on=date(2025, 4, 1))
    assess(debtor=hanako, receivable=nursery_fee, fiscal_year=2040, instalment_no=1, nominal_due=date(2040, 4, 30), amount=1_000, assessed_on=date(2040, 4, 1))


def test_is_delinquent_on_the_due_date_and_the_day_after(taro, people):
    assert not is_delinquent(taro.pk, date(2025, 4, 30))
    assert is_delinquent(taro.pk, date(2025, 5, 1))


def test_the_screen_answers_yes_or_no_only(client, housing_clerk, people, taro):
    html = client.post(reverse("service_check"), {"system": "resident", "identifier": "100001", "service": "市営住宅入居申込", "consent": "同意書 第12号"}).content.decode()
    assert "滞納あり" in html and "34,567" not in html and "保育料" not in html
    html = client.post(reverse("service_check"), {"system": "resident", "identifier": "100002", "service": "市営住宅入居申込", "consent": "同意書 第13号"}).content.decode()
    assert '<strong class="ok">滞納なし</strong>' in html
    assert AuditEvent.objects.filter(action="service_check", debtor_id=taro.pk, user=housing_clerk).count() == 1


def test_no_answer_without_consent(client, housing_clerk, people):
    response = client.post(reverse("service_check_api"), json.dumps({"system": "resident", "identifier": "100001", "service": "補助金", "consent": ""}), content_type="application/json")
    assert response.status_code == 400 and "同意" in response.json()["error"]
    assert ServiceCheck.objects.count() == 0


def test_the_json_endpoint(client, housing_clerk, people):
    response = client.post(reverse("service_check_api"), json.dumps({"system": "resident", "identifier": "100001", "service": "補助金", "consent": "同意書 第14号"}), content_type="application/json")
    body = response.json()
    assert response.status_code == 200 and body["delinquent"] is True and set(body) == {"check", "delinquent", "as_of"}
    assert client.post(reverse("service_check_api"), json.dumps({"system": "resident", "identifier": "999", "service": "x", "consent": "y"}), content_type="application/json").status_code == 400
