"""Investigations and the ability judgement: the powers by class, tax findings kept
secret, the task a broken pledge opened done by the request, an audit row each."""

import io
from datetime import date

import pytest
from pypdf import PdfReader

from saiken.audit.models import AuditEvent
from saiken.cases import actions, investigations
from saiken.cases.actions import CaseError
from saiken.cases.models import AbilityAssessment, ContactEntry, ContactKind, Investigation, Task
from saiken.core.ability import Measure
from saiken.core.relief import ClassKey
from saiken.documents.case_letters import Addressee, InvestigationRequest, Issuer, render_investigation_requests
from saiken.staff.models import TaxDisclosure
from tests.casework.conftest import TODAY

pytestmark = pytest.mark.django_db


def request(case, receivable, kind, user, **kw):
    return investigations.request_investigation(case, receivable=receivable, kind=kind, addressee_name=kw.pop("addressee_name", "第四北越銀行 本店"),
                                                requested_on=kw.pop("requested_on", date(2025, 1, 6)), user=user, today=TODAY, **kw)


def test_the_allowed_inquiries_are_data_by_class():
    k = investigations.KINDS
    assert set(k[ClassKey.TAX]) == set(k[ClassKey.FORCIBLE]) == {"bank", "employer", "pension_office", "registry", "insurer", "tax_records", "other"}
    assert "pension_office" not in k[ClassKey.PRIVATE] and "tax_records" not in k[ClassKey.NON_FORCIBLE]
    assert k[ClassKey.PRIVATE]["bank"].startswith("任意調査") and k[ClassKey.TAX]["bank"].startswith("国税徴収法141条")
    assert k[ClassKey.FORCIBLE]["registry"].startswith("国税徴収法146条の2")


def test_a_private_claim_may_only_ask_voluntarily(hanako_case, housing, housing_clerk):
    with pytest.raises(CaseError, match="年金事務所等（年金）への照会はできません"):
        request(hanako_case, housing, "pension_office", housing_clerk, addressee_name="新潟東年金事務所")
    i = request(hanako_case, housing, "bank", housing_clerk)
    assert i.legal_basis.startswith("任意調査") and investigations.is_voluntary(housing, "bank")
    assert not i.is_tax_finding


def test_a_tax_investigation_is_a_tax_finding_and_the_log_does_not_say_where(taro_case, city_tax, tax_clerk):
    i = request(taro_case, city_tax, "bank", tax_clerk)
    assert i.is_tax_finding and i.legal_basis.startswith("国税徴収法141条（地方税法331条6項")
    investigations.record_answer(i, answered_on=date(2025, 1, 20), findings="普通預金 残高 250,000円", user=tax_clerk, today=TODAY)
    logs = list(ContactEntry.objects.filter(case=taro_case, kind=ContactKind.RECORD).values_list("summary", flat=True))
    assert logs == ["財産調査を照会（金融機関（預貯金））", "財産調査の回答（金融機関（預貯金））"]
    assert not any("250,000" in s or "北越" in s for s in logs)
    assert AuditEvent.objects.filter(action="case.investigation", target_id=i.pk, user=tax_clerk).exists()
    answer = AuditEvent.objects.get(action="case.investigation_answer", target_id=i.pk)
    assert "250,000" not in answer.summary and "250,000" not in str(answer.detail)


def test_tax_findings_are_hidden_from_a_non_tax_clerk_and_shown_to_tax_staff(taro_case, city_tax, nursery_fee, tax_clerk, nursery_clerk):
    tax = request(taro_case, city_tax, "bank", tax_clerk)
    investigations.record_answer(tax, answered_on=date(2025, 1, 20), findings="普通預金 残高 250,000円", user=tax_clerk, today=TODAY)
    own = request(taro_case, nursery_fee, "employer", nursery_clerk, addressee_name="株式会社新潟 総務部")
    own = investigations.record_answer(own, answered_on=date(2025, 1, 21), findings="月給 220,000円", user=nursery_clerk, today=TODAY)
    tax.refresh_from_db()
    assert investigations.shown_findings(nursery_clerk, tax) == "（税情報のため表示しません）"
    assert investigations.shown_findings(tax_clerk, tax) == "普通預金 残高 250,000円"
    assert investigations.shown_findings(nursery_clerk, own) == "月給 220,000円"
    # The debtor's consent (or a legal basis) recorded for 保育課 lifts it.
    TaxDisclosure.objects.create(debtor=taro_case.debtor, department=nursery_clerk.staff.department, basis=TaxDisclosure.Basis.CONSENT,
                                 detail="同意書 第7号", valid_from=date(2025, 1, 1))
    assert investigations.shown_findings(nursery_clerk, tax) == "普通預金 残高 250,000円"


def test_a_tax_finding_cannot_be_cleared_and_tax_records_are_one(taro_case, nursery_fee, city_tax, nursery_clerk, tax_clerk):
    i = request(taro_case, nursery_fee, "tax_records", nursery_clerk, addressee_name="財務部 市民税課")
    assert i.is_tax_finding and "国民健康保険法113条の2" in i.legal_basis
    j = request(taro_case, city_tax, "employer", tax_clerk, addressee_name="株式会社新潟")
    investigations.record_answer(j, answered_on=date(2025, 1, 20), findings="在籍", is_tax_finding=False, user=tax_clerk, today=TODAY)
    j.refresh_from_db()
    assert j.is_tax_finding


def test_requesting_an_investigation_does_the_task_a_broken_pledge_opened(taro_case, nursery_fee, nursery_clerk):
    task = actions.add_task(taro_case, kind=Task.Kind.INVESTIGATION, due_on=date(2025, 1, 20), note="分納誓約の不履行: 財産調査を開始")
    request(taro_case, nursery_fee, "bank", nursery_clerk)
    task.refresh_from_db()
    assert task.done_on == date(2025, 1, 6) and task.done_by == nursery_clerk


def test_answer_rules(taro_case, nursery_fee, nursery_clerk):
    i = request(taro_case, nursery_fee, "bank", nursery_clerk)
    with pytest.raises(CaseError, match="回答日が照会日より前"):
        investigations.record_answer(i, answered_on=date(2025, 1, 5), findings="なし", user=nursery_clerk, today=TODAY)
    with pytest.raises(CaseError, match="調査結果を入力"):
        investigations.record_answer(i, answered_on=date(2025, 1, 7), findings="  ", user=nursery_clerk, today=TODAY)
    investigations.record_answer(i, answered_on=date(2025, 1, 7), findings="該当なし", user=nursery_clerk, today=TODAY)
    with pytest.raises(CaseError, match="回答が記録済み"):
        investigations.record_answer(i, answered_on=date(2025, 1, 8), findings="再", user=nursery_clerk, today=TODAY)
    assert Investigation.objects.get(pk=i.pk).findings == "該当なし"


def test_the_request_letter_is_one_page_with_the_font_and_the_basis():
    letter = InvestigationRequest(
        number="I20250106-1", issued_on=date(2025, 1, 6), reply_by=date(2025, 1, 20),
        addressee=Addressee("第四北越銀行 本店", "9518066", "新潟市中央区東堀前通七番町1071-1", "御中"),
        issuer=Issuer("新潟市", "新潟市長", "財務部 納税課", "025-226-2222"), kind_label="金融機関（預貯金）", subject_name="山田 太郎",
        subject_kana="ヤマダ タロウ", subject_birth_date=date(1970, 5, 1), subject_address="新潟市中央区学校町通1番町602-1",
        questions=("預貯金の残高",), legal_basis="国税徴収法141条", voluntary=False,
    )
    buf = io.BytesIO()
    assert render_investigation_requests([letter], buf) == 1
    pdf = PdfReader(io.BytesIO(buf.getvalue()))
    text = pdf.pages[0].extract_text()
    assert "財産調査について（照会）" in text and "国税徴収法141条" in text and "第四北越銀行 本店　御中" in text and "令和7年1月20日" in text
    assert embedded_fonts_only(pdf)


def embedded_fonts_only(pdf: PdfReader) -> bool:
    """Every font on every page is embedded (the Japanese TrueType subset; no bare Helvetica)."""
    fonts = [f.get_object() for page in pdf.pages for f in page["/Resources"]["/Font"].values()]
    return bool(fonts) and all("/FontDescriptor" in f and "/FontFile2" in f["/FontDescriptor"].get_object() for f in fonts)


# --- ability ---------------------------------------------------------------------------


FIGURES = dict(household_size=1, monthly_income=0, monthly_spending=0, assets=0, debts=0)


def test_an_assessment_records_the_proposal_and_a_confirmation(taro_case, nursery_fee, nursery_clerk):
    a = investigations.assess_ability(taro_case, receivable=nursery_fee, assessed_on=date(2025, 2, 3), user=nursery_clerk, today=TODAY, **FIGURES)
    assert (a.proposed_measure, a.decided_measure, a.decision) == (Measure.EXECUTION_STOP, Measure.EXECUTION_STOP, AbilityAssessment.Decision.CONFIRM)
    assert a.owed == 30_000 and a.proposal["ground"] == "no_property"
    assert AuditEvent.objects.filter(action="case.ability", target_id=a.pk, user=nursery_clerk).exists()


def test_an_override_needs_a_reason_and_a_measure_of_the_class(taro_case, nursery_fee, nursery_clerk):
    kw = dict(receivable=nursery_fee, assessed_on=date(2025, 2, 3), user=nursery_clerk, today=TODAY, **FIGURES)
    with pytest.raises(CaseError, match="理由"):
        investigations.assess_ability(taro_case, measure=Measure.PLEDGE, **kw)
    with pytest.raises(CaseError, match="支払督促の申立て（異議があれば訴訟）はこの債権の区分では選べません"):
        investigations.assess_ability(taro_case, measure=Measure.PAYMENT_ORDER, reason="裁判所で", **kw)
    a = investigations.assess_ability(taro_case, measure=Measure.PLEDGE, reason="親族の援助で分納の申出あり", **kw)
    assert (a.decision, a.decided_measure) == (AbilityAssessment.Decision.OVERRIDE, Measure.PLEDGE)
    assert AbilityAssessment.objects.count() == 1


def test_an_assessment_based_on_a_tax_finding_holds_tax_information(taro_case, city_tax, nursery_fee, tax_clerk, nursery_clerk):
    i = request(taro_case, city_tax, "bank", tax_clerk)
    investigations.record_answer(i, answered_on=date(2025, 1, 20), findings="残高 250,000円", user=tax_clerk, today=TODAY)
    a = investigations.assess_ability(taro_case, receivable=nursery_fee, assessed_on=date(2025, 2, 3), based_on=[i], user=tax_clerk,
                                      today=TODAY, **{**FIGURES, "assets": 250_000})
    assert a.contains_tax_information and a.proposed_measure == Measure.SEIZURE
    assert not investigations.assessment_visible(nursery_clerk, a) and investigations.assessment_visible(tax_clerk, a)
