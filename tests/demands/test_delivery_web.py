"""The delivery screens: a clerk records a return on the notice's page, the list of
returned notices shows it under its department with forms for a re-send or a
公示送達, and recording one clears it. Another department's clerk may neither see
the notice nor record anything for it.

The cast: taro owes one 市税 instalment due 2026-05-01, demanded on 2026-05-15."""

from datetime import date

import pytest
from django.urls import reverse

from saiken.audit.models import AuditEvent
from saiken.demands.actions import issue_demands
from saiken.demands.models import Demand, DeliveryEvent
from saiken.ledger.actions import assess
from tests.conftest import staff, operator

pytestmark = pytest.mark.django_db


@pytest.fixture
def tax_clerk(client, django_user_model):
    user = staff(django_user_model.objects.create_user("tax", password="pass-1234", last_name="徴収", first_name="五郎"), "clerk", "nozei")
    client.force_login(user)
    return user


@pytest.fixture
def demand(taro, city_tax):
    assess(debtor=taro, receivable=city_tax, fiscal_year=2026, instalment_no=1, nominal_due=date(2026, 5, 1), amount=10_000, assessed_on=date(2026, 4, 10))
    issue_demands(user=operator(), as_of=date(2026, 5, 15))
    return Demand.objects.get()


def test_return_list_resend_and_clear(client, tax_clerk, demand):
    run_page = client.get(reverse("demand_run", args=[demand.run_id])).content.decode()
    assert reverse("demand_detail", args=[demand.pk]) in run_page and "返戻を記録" in run_page
    assert 'id="returned-link"' in client.get(reverse("demand_runs")).content.decode()

    page = client.get(reverse("demand_detail", args=[demand.pk])).content.decode()
    assert 'id="return"' in page and "令和8年5月26日" in page  # the 差押可能日 before any return
    response = client.post(reverse("demand_delivery", args=[demand.pk]),
                           {"step": "return", "on": "2026-05-20", "reason": "moved", "note": "転居届なし"}, follow=True)
    html = response.content.decode()
    assert "返戻を記録しました" in html and "返戻（未送達）" in html and 'id="resend"' in html and 'id="publication"' in html
    demand.refresh_from_db()
    assert demand.returned and demand.seizure_from is None

    listing = client.get(reverse("demand_returned")).content.decode()
    assert f'id="returned-{demand.pk}"' in listing and "財務部 納税課" in listing and "転居先不明" in listing
    assert '<span id="returned-count">1</span>' in listing
    compliance = client.get(reverse("demand_compliance"), {"as_of": "2026-05-31"}).content.decode()
    assert 'id="returned-count">1</span>' in compliance

    response = client.post(reverse("demand_delivery", args=[demand.pk]), {
        "step": "resend", "on": "2026-05-22", "address": "新潟市東区東新町2-1", "postal_code": "950-0000", "next": reverse("demand_returned"),
    })
    assert response.status_code == 302 and response["Location"] == reverse("demand_returned")
    listing = client.get(response["Location"]).content.decode()
    assert "再送付を記録しました" in listing and f'id="returned-{demand.pk}"' not in listing
    assert '<span id="returned-count">0</span>' in listing
    demand.refresh_from_db()
    assert (demand.returned, demand.seizure_from) == (False, date(2026, 6, 2))
    event = DeliveryEvent.objects.get(kind="resent")
    assert (event.address, event.postal_code, event.created_by) == ("新潟市東区東新町2-1", "950-0000", tax_clerk)


def test_publication_from_the_list(client, tax_clerk, demand):
    client.post(reverse("demand_delivery", args=[demand.pk]), {"step": "return", "on": "2026-05-20", "reason": "unknown_address"})
    response = client.post(reverse("demand_delivery", args=[demand.pk]), {"step": "publication", "on": "2026-06-01", "next": reverse("demand_returned")},
                           follow=True)
    html = response.content.decode()
    assert "公示送達を記録しました（送達の効力発生 令和8年6月8日）" in html
    assert f'id="returned-{demand.pk}"' not in html
    page = client.get(reverse("demand_detail", args=[demand.pk])).content.decode()
    assert "公示送達（掲示開始 令和8年6月1日、送達の効力発生 令和8年6月8日）" in page


def test_a_refused_step_shows_its_reason(client, tax_clerk, demand):
    response = client.post(reverse("demand_delivery", args=[demand.pk]), {"step": "resend", "on": "2026-05-22", "address": "新潟市"}, follow=True)
    assert "返戻として記録されていない督促状は再送付できません" in response.content.decode()
    assert not DeliveryEvent.objects.exists()


def test_another_department_may_not_see_or_record(client, django_user_model, demand):
    client.force_login(staff(django_user_model.objects.create_user("nursery", password="pass-1234"), "clerk", "hoiku"))
    assert client.get(reverse("demand_detail", args=[demand.pk])).status_code == 404
    response = client.post(reverse("demand_delivery", args=[demand.pk]),
                           {"step": "return", "on": "2026-05-20", "reason": "moved", "next": reverse("demand_returned")})
    assert response.status_code == 404  # as the notice itself: another department's notice is not found
    assert not DeliveryEvent.objects.exists() and not AuditEvent.objects.filter(action="demand.returned").exists()
    client.force_login(staff(django_user_model.objects.create_user("tax2", password="pass-1234"), "clerk", "nozei"))
    client.post(reverse("demand_delivery", args=[demand.pk]), {"step": "return", "on": "2026-05-20", "reason": "moved"})
    client.force_login(django_user_model.objects.get(username="nursery"))
    assert f'returned-{demand.pk}' not in client.get(reverse("demand_returned")).content.decode()


def test_the_debtor_page_shows_a_returned_notice(client, tax_clerk, demand, taro):
    client.post(reverse("demand_delivery", args=[demand.pk]), {"step": "return", "on": "2026-05-20", "reason": "moved"})
    html = client.get(reverse("debtor", args=[taro.pk]), {"as_of": "2026-05-29"}).content.decode()
    assert "督促 令和8年5月15日発付（指定期限 令和8年5月25日）・<span class=\"late\">返戻（未送達）</span>" in html
    assert reverse("demand_detail", args=[demand.pk]) in html
