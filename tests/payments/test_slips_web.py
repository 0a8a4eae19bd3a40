"""The 納付書 screens: the link on the debtor page, preview (writes nothing), issue, PDF;
the 督促状 copy button; a clerk of another department sees only her receivables.

Cast: taro owes one 市税 instalment of 100,000円 due 2025-06-02 (late, so a late charge
is computed) and one 保育料 instalment of 20,000円; the tax clerk prints his tax slip.
"""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from saiken.audit.models import AuditEvent
from saiken.ledger.actions import assess
from saiken.slips.models import PaymentSlip
from saiken.staff import policy
from saiken.staff.models import Role
from saiken.staff.policy import Act
from tests.conftest import operator, staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def owed(taro, city_tax, nursery_fee):
    tax = assess(debtor=taro, receivable=city_tax, fiscal_year=2025, instalment_no=1, nominal_due=date(2025, 6, 2), amount=100_000, assessed_on=date(2025, 4, 10))
    fee = assess(debtor=taro, receivable=nursery_fee, fiscal_year=2025, instalment_no=1, nominal_due=date(2025, 6, 30), amount=20_000, assessed_on=date(2025, 4, 10))
    return tax, fee


@pytest.fixture
def tax_clerk(client, django_user_model):
    user = staff(django_user_model.objects.create_user("nozei"), "clerk", "nozei")
    client.force_login(user)
    return user


def test_the_tax_clerk_previews_issues_and_downloads_a_reissued_slip(client, tax_clerk, taro, owed):
    tax, fee = owed
    page = client.get(reverse("debtor", args=[taro.pk])).content.decode()
    assert reverse("slip_new", args=[taro.pk]) in page and "納付書の再発行" in page
    form = client.get(reverse("slip_new", args=[taro.pk])).content.decode()
    assert f'value="{tax.pk}"' in form and f'value="{fee.pk}"' not in form  # the nursery fee is not hers
    today = timezone.localdate()
    data = {"instalment": [tax.pk], "kind": "reissue", "late_charge_to": today.isoformat(), "deadline": (today + timedelta(days=10)).isoformat()}
    preview = client.post(reverse("slip_new", args=[taro.pk]), data | {"do": "preview"})
    assert preview.status_code == 200 and not PaymentSlip.objects.exists()
    assert 'id="slip-total"' in preview.content.decode()
    issued = client.post(reverse("slip_new", args=[taro.pk]), data | {"do": "issue"})
    slip = PaymentSlip.objects.get()
    assert issued.status_code == 302 and issued["Location"] == reverse("slip_detail", args=[slip.pk])
    assert slip.total > 100_000  # with the late charge
    assert f"{slip.total:,}" in preview.content.decode()  # the preview showed what was issued
    detail = client.get(reverse("slip_detail", args=[slip.pk])).content.decode()
    assert slip.barcode[:2] + " " + slip.barcode[2:8] in detail
    pdf = client.get(reverse("slip_pdf", args=[slip.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert AuditEvent.objects.filter(action="slip.download", debtor_id=taro.pk).exists()


def test_a_refused_issue_shows_why_and_writes_nothing(client, tax_clerk, taro, owed):
    tax, _ = owed
    yesterday = timezone.localdate() - timedelta(days=1)
    response = client.post(reverse("slip_new", args=[taro.pk]), {
        "instalment": [tax.pk], "kind": "reissue", "late_charge_to": timezone.localdate().isoformat(), "deadline": yesterday.isoformat(), "do": "issue",
    })
    assert response.status_code == 200 and "支払期限" in response.content.decode()
    assert not PaymentSlip.objects.exists()


def test_a_nursery_clerk_gets_only_the_nursery_fee_and_cannot_post_the_tax(client, django_user_model, taro, owed):
    tax, fee = owed
    client.force_login(staff(django_user_model.objects.create_user("hoiku"), "clerk", "hoiku"))
    form = client.get(reverse("slip_new", args=[taro.pk])).content.decode()
    assert f'value="{fee.pk}"' in form and f'value="{tax.pk}"' not in form
    today = timezone.localdate()
    response = client.post(reverse("slip_new", args=[taro.pk]), {
        "instalment": [tax.pk], "kind": "reissue", "late_charge_to": today.isoformat(), "deadline": today.isoformat(), "do": "issue",
    })
    assert response.status_code == 403
    assert not PaymentSlip.objects.exists()


def test_the_link_is_hidden_where_a_city_narrowed_the_act(client, tax_clerk, taro, owed, monkeypatch):
    monkeypatch.setitem(policy.ROLES, Act.SLIP, frozenset({Role.MANAGER, Role.ADMIN}))
    assert "納付書の再発行" not in client.get(reverse("debtor", args=[taro.pk])).content.decode()
    assert client.get(reverse("slip_new", args=[taro.pk])).status_code == 403


def test_the_demand_page_offers_a_copy_and_the_copy_is_a_pdf(client, tax_clerk, taro, owed, city_tax):
    from saiken.demands.actions import issue_demands
    from saiken.demands.models import Demand

    issue_demands(user=operator(), as_of=date(2025, 6, 20), today=date(2025, 6, 20), receivable_ids=[city_tax.pk])
    demand = Demand.objects.get()
    page = client.get(reverse("demand_detail", args=[demand.pk])).content.decode()
    assert "督促状の写しを発行" in page
    copy = client.post(reverse("slip_demand_copy", args=[demand.pk]))
    assert copy.status_code == 200 and copy.content.startswith(b"%PDF")
    assert AuditEvent.objects.filter(action="demand.copy").count() == 1


def test_a_name_the_font_cannot_print_is_told_not_a_server_error(client, tax_clerk, taro, owed):
    from saiken.slips.actions import issue_slip

    slip = issue_slip(tax_clerk, taro, [owed[0]], late_charge_to=timezone.localdate(), deadline=timezone.localdate() + timedelta(days=7))
    taro.name = "山田 \U000f0000"  # a private-use 外字 the font has no glyph for
    taro.save()
    response = client.get(reverse("slip_pdf", args=[slip.pk]), follow=True)
    assert response.status_code == 200 and "フォントにない文字" in response.content.decode()
