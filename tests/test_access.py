"""Who may see what (DOMAIN.md §9) on the screens built so far.

Cast:
- taro owes 市税 (納税課, a tax) and 保育料 (保育課): the two departments see different halves.
- tax_clerk (納税課), nursery_clerk (保育課): department staff.
- member (債権管理委員): works with figures, never with a debtor's page.
- stranger: a login without a staff profile, who sees no debtor data.
"""

from datetime import date

import pytest
from django.urls import reverse

from saiken.audit.models import AuditEvent
from saiken.catalog.models import Department
from saiken.demands.actions import issue_demands
from saiken.ledger.actions import assess
from saiken.staff import access
from saiken.staff.models import TaxDisclosure
from tests.conftest import staff, operator

pytestmark = pytest.mark.django_db
TAX_AMOUNT = "56,789"  # distinctive, so that it cannot appear by accident


@pytest.fixture
def owed(taro, city_tax, nursery_fee):
    tax = assess(debtor=taro, receivable=city_tax, fiscal_year=2026, instalment_no=1, nominal_due=date(2026, 5, 1), amount=56_789, assessed_on=date(2026, 4, 10))
    fee = assess(debtor=taro, receivable=nursery_fee, fiscal_year=2026, instalment_no=1, nominal_due=date(2026, 5, 1), amount=20_000, assessed_on=date(2026, 4, 10))
    return tax, fee


@pytest.fixture
def users(django_user_model):
    make = django_user_model.objects.create_user
    return {
        "tax_clerk": staff(make("tax"), "clerk", "nozei"),
        "nursery_clerk": staff(make("nursery"), "clerk", "hoiku"),
        "member": staff(make("member"), "committee"),
        "stranger": make("stranger"),
    }


def page(client, user, name, *args, **params):
    client.force_login(user)
    return client.get(reverse(name, args=args), params)


def test_each_department_sees_its_own_receivables(client, taro, owed, users):
    as_tax = page(client, users["tax_clerk"], "debtor", taro.pk).content.decode()
    as_nursery = page(client, users["nursery_clerk"], "debtor", taro.pk).content.decode()
    assert TAX_AMOUNT in as_tax and "保育料" not in as_tax.split('id="hidden-receivables"')[0].split("債権別の状況")[-1]
    assert TAX_AMOUNT not in as_nursery and "20,000" in as_nursery
    assert 'id="hidden-receivables"' in as_nursery


def test_a_tax_disclosure_lets_a_non_tax_clerk_see_the_tax(client, taro, owed, users):
    nursery = users["nursery_clerk"]
    TaxDisclosure.objects.create(debtor=taro, department=Department.objects.get(code="hoiku"), basis="consent",
                                 detail="同意書 第123号", valid_from=date(2026, 1, 1), recorded_by=nursery)
    assert TAX_AMOUNT in page(client, nursery, "debtor", taro.pk).content.decode()
    assert access.may_see_tax(nursery, taro.pk)


def test_the_tax_amount_appears_on_no_screen_for_a_non_tax_clerk(client, taro, owed, users):
    run = issue_demands(user=operator(), as_of=date(2026, 5, 15))
    nursery = users["nursery_clerk"]
    screens = [
        ("debtor", (taro.pk,), {}),
        ("debtor_search", (), {"q": "ヤマダ"}),
        ("demand_runs", (), {}),
        ("demand_run", (run.pk,), {}),
        ("demand_compliance", (), {"as_of": "2026-06-30"}),
        ("prescription_warnings", (), {"months": "120"}),
        ("relief_list", (), {}),
        ("relief_propose", (), {"debtor": str(taro.pk)}),
        ("relief_writeoff", (), {"as_of": "2040-01-01"}),
        ("payment_overpaid", (), {}),
    ]
    for name, args, params in screens:
        html = page(client, nursery, name, *args, **params).content.decode()
        assert TAX_AMOUNT not in html, name
    # The tax clerk does see it somewhere on the same screens: the check can fail.
    assert TAX_AMOUNT in page(client, users["tax_clerk"], "demand_run", run.pk).content.decode()


def test_committee_members_and_strangers_see_no_debtor(client, taro, owed, users):
    assert page(client, users["member"], "debtor", taro.pk).status_code == 403
    assert page(client, users["stranger"], "debtor", taro.pk).status_code == 403
    assert page(client, users["member"], "debtor_search", q="ヤマダ").status_code == 403


def test_every_view_of_a_debtor_page_is_audited(client, taro, owed, users):
    page(client, users["tax_clerk"], "debtor", taro.pk)
    event = AuditEvent.objects.get(action="debtor.view")
    assert (event.user, event.debtor_id) == (users["tax_clerk"], taro.pk)


def test_the_central_team_sees_a_transferred_persons_debts_but_not_the_tax(client, taro, owed, users, django_user_model):
    from saiken.cases.actions import case_for, transfer_to_central

    central = staff(django_user_model.objects.create_user("central"), "collector")
    assert page(client, central, "debtor", taro.pk).status_code == 404  # nothing sent to it yet: not in its register
    tax_manager = staff(django_user_model.objects.create_user("tax_manager"), "manager", "nozei")  # the case is 納税課's (owed most)
    transfer_to_central([case_for(taro)], on=date(2026, 6, 1), user=tax_manager)
    html = page(client, central, "debtor", taro.pk).content.decode()
    assert "20,000" in html and TAX_AMOUNT not in html


def test_an_auditor_searches_the_audit_log_and_a_clerk_cannot(client, taro, owed, users, django_user_model):
    page(client, users["tax_clerk"], "debtor", taro.pk)
    auditor = staff(django_user_model.objects.create_user("auditor"), "auditor")
    client.force_login(auditor)
    html = client.get(reverse("audit_log"), {"user": "tax", "action": "debtor.view", "debtor": str(taro.pk)}).content.decode()
    assert "debtor.view" in html and "山田 太郎 の債務者ページを閲覧" in html
    assert "山田 太郎 の債務者ページを閲覧" not in client.get(reverse("audit_log"), {"user": "nursery"}).content.decode()
    assert page(client, users["nursery_clerk"], "audit_log").status_code == 403
    assert page(client, auditor, "debtor", taro.pk).status_code == 403  # an auditor reads the log, not the debtor
