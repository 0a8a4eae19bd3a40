"""The catalog is data: the seed's 14 are there after migrate, and an administrator
adds a 15th through the admin screens, with no code."""

from datetime import date

import pytest
from django.forms.models import model_to_dict

from saiken.accounting.report import collection_report
from saiken.catalog.models import Department, LegalClass, ReceivableType
from saiken.ledger import actions

pytestmark = pytest.mark.django_db


def test_the_seed_cities_14_receivables_are_loaded_on_migrate():
    rs = list(ReceivableType.objects.order_by("number"))
    assert [r.number for r in rs] == list(range(1, 15))
    by_code = {r.code: r for r in rs}
    assert by_code["city_tax"].legal_class == LegalClass.FORCIBLE and by_code["city_tax"].is_tax
    assert by_code["national_health_insurance"].prescription_years == 2
    assert by_code["hospital_fee"].legal_class == LegalClass.PRIVATE
    assert by_code["hospital_fee"].prescription_needs_invocation
    assert by_code["hospital_fee"].allocation_order == "fee,late_charge,principal"
    assert {r.account for r in rs} == {"general", "special", "enterprise"}


def add_form(**overrides):
    template = model_to_dict(ReceivableType.objects.get(code="cleaning_fee"), exclude=["id"])
    data = {k: ("" if v is None else v) for k, v in template.items()}
    for k, v in list(data.items()):
        if isinstance(v, bool):
            if v:
                data[k] = "on"
            else:
                del data[k]
    data.update(overrides)
    return data


def test_an_administrator_adds_a_15th_receivable_without_code(admin_client, taro):
    dept = Department.objects.create(code="kankyo", name="環境部 環境政策課")
    data = add_form(code="parking_fine", number=15, name="放置違反金", department=dept.id, legal_class="forcible",
                    seizure_basis="地方自治法第231条の3第3項", enforcement_basis="")
    response = admin_client.post("/admin/catalog/receivabletype/add/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    fine = ReceivableType.objects.get(code="parking_fine")
    actions.assess(debtor=taro, receivable=fine, fiscal_year=2025, instalment_no=1, nominal_due=date(2025, 7, 31),
                   amount=15_000, assessed_on=date(2025, 7, 1))
    rows = {r.label: r for r in collection_report(2025).rows}
    assert rows["放置違反金"].line.current.assessed == 15_000
    assert collection_report(2025).total.line.current.assessed == 15_000


def test_the_admin_refuses_a_bad_allocation_order(admin_client):
    data = add_form(code="bad", number=16, name="誤り", allocation_order="principal,fee")
    response = admin_client.post("/admin/catalog/receivabletype/add/", data)
    assert response.status_code == 200
    assert "充当順位が不正です" in response.content.decode()
    assert not ReceivableType.objects.filter(code="bad").exists()


def test_an_administrator_edits_a_setting(admin_client):
    tax = ReceivableType.objects.get(code="city_tax")
    fields = {k: v for k, v in model_to_dict(tax, exclude=["id"]).items() if v is not None and not isinstance(v, bool)}
    data = {**fields, "is_tax": "on", "is_major": "on", "active": "on", "demand_fee": 0}
    response = admin_client.post(f"/admin/catalog/receivabletype/{tax.id}/change/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    tax.refresh_from_db()
    assert tax.demand_fee == 0


def test_the_admin_refuses_a_forcible_receivable_without_its_seizure_basis(admin_client):
    """A 督促状 of a forcible claim warns of 滞納処分 and must cite its article: never 「の規定により」 alone."""
    data = add_form(code="no_basis", number=16, name="根拠なし", legal_class="forcible", seizure_basis="")
    response = admin_client.post("/admin/catalog/receivabletype/add/", data)
    assert response.status_code == 200
    assert "強制徴収公債権には滞納処分の根拠" in response.content.decode()
    assert not ReceivableType.objects.filter(code="no_basis").exists()


def test_the_admin_refuses_to_clear_the_seizure_basis_of_a_seeded_forcible_receivable(admin_client):
    nhi = ReceivableType.objects.get(code="national_health_insurance")
    fields = {k: v for k, v in model_to_dict(nhi, exclude=["id"]).items() if v is not None and not isinstance(v, bool)}
    response = admin_client.post(f"/admin/catalog/receivabletype/{nhi.id}/change/", {**fields, "is_major": "on", "active": "on", "seizure_basis": "　"})
    assert response.status_code == 200 and "強制徴収公債権には滞納処分の根拠" in response.content.decode()
    nhi.refresh_from_db()
    assert nhi.seizure_basis == "国民健康保険法第79条の2及び地方自治法第231条の3第3項"


def test_the_admin_refuses_a_seizure_basis_on_a_claim_that_needs_a_court(admin_client):
    data = add_form(code="court_only", number=17, name="裁判所", legal_class="non_forcible", seizure_basis="地方税法第331条第1項")
    response = admin_client.post("/admin/catalog/receivabletype/add/", data)
    assert response.status_code == 200 and "滞納処分ができません" in response.content.decode()
    assert not ReceivableType.objects.filter(code="court_only").exists()


def test_the_admin_refuses_a_basis_with_an_empty_slot(admin_client):
    data = add_form(code="holey", number=18, name="空欄", demand_basis="地方自治法第条")
    response = admin_client.post("/admin/catalog/receivabletype/add/", data)
    assert response.status_code == 200 and "番号のない条" in response.content.decode()


def test_the_admin_shows_the_sentences_the_notice_prints(admin_client):
    nhi = ReceivableType.objects.get(code="national_health_insurance")
    page = admin_client.get(f"/admin/catalog/receivabletype/{nhi.id}/change/").content.decode()
    assert "滞納処分の根拠" in page and "印刷される文" in page
    assert "国民健康保険法第79条の2及び地方自治法第231条の3第3項の規定により、財産（預貯金・給与等）の差押えなどの滞納処分" in page
    assert "地方自治法第231条の3第2項及び市国民健康保険条例の定めるところにより延滞金" in page
